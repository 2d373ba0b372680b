package validate

import (
	"slices"
	"testing"
)

// yinchuanGongyong is 银川市本级部门项目支出绩效自评表 (2021年), 初中公用经费,
// 银川市教育局 / 银川市第六中学, re-typed from the OCR text of the published
// docx (m.yzwku.com/doc/476505.html): 一级 and 二级 cells carrying (10分),
// 参考分值 before 指标值(A), placeholder rows left in, 自评得分 98 in the
// head. Where the OCR is garbled the evident value is typed: 实施单位 (实施第位),
// 项目资金(万元), 年初预算数, 调整预算数(A), 参考分值, 指标值(A), — (一) for no
// target, 10 (IO), 指标1: (指标L), 14.8万元 (M.8万元; 15 + 35 + 14.8 = 64.8).
// Left out: the head's 财政审核评分 cell (财政审1度评分) and the text of
// 年度总体目标完成情况 (公,4), both unreadable; the copy ends before the
// 服务对象满意度指标(10分) row, which the OCR cuts off mid-cell.
var yinchuanGongyong = [][]any{
	{"银川市本级部门项目支出绩效自评表"},
	{"(2021年)"},
	{"项目名称", "初中公用经费"},
	{"主管部门", "银川市教育局", "", "实施单位", "银川市第六中学"},
	{"自评得分", 98},
	{"项目资金(万元)", "年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)"},
	{"年度资金总额", 64.8, 64.8, 64.8, "100%"},
	{"年度总体目标", "年初设定目标", "", "年度总体目标完成情况"},
	{"", "保障学校正常工作运行"},
	{"一级指标", "二级指标", "三级指标", "参考分值", "指标值(A)", "全年实际值(B)", "得分", "未完成原因分析及改进措施"},
	{"项目决策(10分)", "项目目标", "完整性", 4, "—", "目标明确、内容细化、目标量化", 4},
	{"", "项目立项", "相关性", 2, "—", "按照学校管理标准对学校进行管理", 2},
	{"", "", "可行性", 2, "—", "实际工作需求", 2},
	{"", "", "适当性", 2, "—", "有资金测算标准", 2},
	{"项目管理(25分)", "投入管理", "预算执行率", 10, "—", "100%", 9},
	{"", "财务管理", "财务管理制度有效性", 7, "—", "财务制度健全,严格执行制度,会计核算规范", 7},
	{"", "项目实施", "绩效监控有效性", 2, "—", "持续有效", 2},
	{"", "", "管理制度有效性", 6, "—", "严格执行相关管理制度", 6},
	{"项目产出(30分)", "数量指标(10分)", "保障人数", 10, "2370人", "2370人", 10},
	{"", "", "指标2:"},
	{"", "质量指标(5分)", "公用经费标准", 5, "符合相关文件要求", "符合相关文件要求", 5},
	{"", "", "指标2:"},
	{"", "时效指标(5分)", "公用经费完成时间", 5, "2021年12月完成", "2021年12月完成", 4},
	{"", "", "指标2:"},
	{"", "成本指标(10分)", "办公所需成本", 4, "15万元", "15万元", 4},
	{"", "", "维修(维护)所需成本", 3, "35万元", "35万元", 3},
	{"", "", "绿化、水电费等成本", 3, "14.8万元", "14.8万元", 3},
	{"项目效益(35分)", "经济效益指标", "指标1:"},
	{"", "", "指标2:"},
	{"", "社会效益指标", "效果显著", 15, "改善学校的办学条件", "改善学校的办学条件", 13},
	{"", "生态效益指标", "指标1:"},
	{"", "", "指标2:"},
	{"", "可持续影响指标", "使学生和老师行个更好的学习和工作环境,做到", 10, "社会认可的办学环境.", "社会认可的办学环境.", 8},
	{"", "", "指标2:"},
}

// TestYinchuanDecision: read with the built-in layouts and the DEFAULT
// profile, the 银川 form is the decision layout, its 一级 and 二级 with
// (10分) are known (no ind.category), 2021年12月完成 is a time target, and its
// head total 98 is checked against the scores typed.
func TestYinchuanDecision(t *testing.T) {
	yinchuan(t, writeRows(t, "yinchuan_gongyong2021.xlsx", yinchuanGongyong,
		"A11:A14", "B12:B14", "A15:A18", "B17:B18", "A19:A27", "B19:B20", "B21:B22", "B23:B24", "B25:B27", "A28:A34", "B28:B29", "B31:B32", "B33:B34"))
	// Unmerged (as a docx table pasted into Excel): blank 一级/二级 run on
	// from the row above, also from the 指标1: rows left unused.
	yinchuan(t, writeRows(t, "yinchuan_unmerged.xlsx", yinchuanGongyong))
}

func yinchuan(t *testing.T, path string) {
	t.Helper()
	res := NewChecker(Checks(), ReadOptions{}).CheckFile(path)
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%v, %d forms", res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	if fr.Form.Layout != "decision" || fr.Form.TotalScore.Text != "98" || len(fr.Form.Indicators) != 16 {
		t.Fatalf("layout %s, total %q, %d indicators", fr.Form.Layout, fr.Form.TotalScore.Text, len(fr.Form.Indicators))
	}
	// 参考分值 before 指标值(A): columns are matched by label, not position;
	// the (30分)/(10分) notes do not hide the categories.
	x := fr.Form.Indicators[8]
	if x.Weight.Ref != "D19" || x.Target.Ref != "E19" || x.Actual.Ref != "F19" || x.Score.Ref != "G19" ||
		x.Weight.Text != "10" || x.Target.Text != "2370人" || x.L1.Raw != "项目产出(30分)" || x.L2.Raw != "数量指标(10分)" {
		t.Errorf("row 19 read as %+v", x)
	}
	var got []string
	for _, f := range fr.Findings {
		if f.Severity == Error {
			got = append(got, f.Rule+"@"+f.Cell)
		}
		if f.Rule == "ind.category" || f.Rule == "ind.parse" {
			t.Errorf("%s %s %s %s", f.Severity, f.Rule, f.Cell, f.Message)
		}
	}
	slices.Sort(got)
	// ind.reason: four scores below their 参考分值 with no reason, as
	// published. total.sum and weights.sum: the 满意度 row (10分) is past the
	// end of the copy, so the scores add up to 84 of weights 90. (Even with
	// its full 10 the published scores add up to 94, not 98.) weights.l1:
	// that row is 项目效益's (35分), whose rows in the copy weigh 25; the
	// other 一级 state what their rows add up to.
	want := []string{"ind.reason@G15", "ind.reason@G23", "ind.reason@G30", "ind.reason@G33", "total.sum@B5", "weights.l1@A28", "weights.sum@B5"}
	if !slices.Equal(got, want) {
		t.Errorf("errors\n got  %v\n want %v", got, want)
		for _, f := range fr.Findings {
			t.Logf("%s %s %s exp %q found %q %s", f.Severity, f.Rule, f.Cell, f.Expected, f.Found, f.Message)
		}
	}
	for _, f := range fr.Findings {
		if f.Rule == "total.sum" && (f.Expected != "84" || f.Found != "98") {
			t.Errorf("total.sum: expected %q found %q", f.Expected, f.Found)
		}
	}
}
