package validate

import (
	"strings"
	"testing"
)

// TestDepartmentWide: a 部门整体支出绩效自评表 on the MoF grid (one 部门 row,
// no 项目名称 or 实施单位) is read by the department layout and asks for
// no project head fields; a 重庆-style head (主管部门 | 财政处室 | 自评总分)
// takes neither 财政处室 for the department nor misses its total.
func TestDepartmentWide(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	mof := writeRows(t, "dept.xlsx", deptMoFForm(99.81))
	res := k.CheckFile(mof)
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%v, %d forms", res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	if fr.Form.Layout != "dept-mof" || fr.Form.Department.Text != "某县财政局" || len(fr.Form.Indicators) != 4 {
		t.Errorf("layout %s, department %q, %d indicators", fr.Form.Layout, fr.Form.Department.Text, len(fr.Form.Indicators))
	}
	for _, x := range fr.Findings {
		if x.Severity != Info {
			t.Errorf("%s %s %s %s", x.Severity, x.Rule, x.Cell, x.Message)
		}
	}
	cq := writeRows(t, "cq.xlsx", [][]any{
		{"2023年度部门整体支出绩效自评表"},
		{"主管部门", "某区农业农村委员会", "财政处室", "农业农村处", "自评总分", 95},
		{"一级指标", "二级指标", "三级指标", "指标性质", "年初指标值", "调整指标值", "实际完成值", "权重", "得分系数(%)", "得分", "是否核心指标"},
		{"产出指标", "数量指标", "农技培训人次", "定量", "≥1000人次", "≥1000人次", "1050人次", 50, 100, 50, "是"},
		{"效益指标", "社会效益指标", "农民收入增长", "定性", "明显", "明显", "达成指标", 45, 100, 45, "否"},
	})
	res = k.CheckFile(cq)
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%v, %d forms", res.Err, len(res.Forms))
	}
	f := res.Forms[0].Form
	if f.Layout != "dept-chongqing" || f.Department.Text != "某区农业农村委员会" || f.TotalScore.Text != "95" {
		t.Errorf("layout %s, department %q, total %q", f.Layout, f.Department.Text, f.TotalScore.Text)
	}
}

// TestScoreCoefficient: a 重庆 form scoring by 得分系数(%) with no 得分
// column: each score is 权重 × 得分系数 ÷ 100, and the written 自评总分 is
// checked against them.
func TestScoreCoefficient(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	res := k.CheckFile(writeRows(t, "cq.xlsx", cqForm(98)))
	clean(t, res, "dept-chongqing", "98")
	if s := res.Forms[0].Form.Indicators[0].Score; s.Ref != "I7" || s.Text != "48" {
		t.Errorf("score by coefficient: %+v", s)
	}
	caught(t, k.CheckFile(writeRows(t, "cq90.xlsx", cqForm(90))), "total.sum@F2")
}

// cqForm is a 重庆 department-wide form scored by 得分系数(%), total at the top.
func cqForm(total any) [][]any {
	return [][]any{
		{"2023年度部门整体支出绩效自评表"},
		{"主管部门", "某区农业农村委员会", "财政处室", "农业农村处", "自评总分", total},
		{"年度预算资金(万元)", "", "年初预算数", "全年预算数", "全年执行数", "执行率"},
		{"", "年度资金总额", 1200, 1250, 1240, "99.20%"},
		{"", "其中:财政拨款", 1200, 1250, 1240, "99.20%"},
		{"一级指标", "二级指标", "三级指标", "指标性质", "年初指标值", "调整指标值", "实际完成值", "权重", "得分系数(%)", "是否核心指标", "偏差原因分析及改进措施"},
		{"产出指标", "数量指标", "农技培训人次", "定量", "≥1000人次", "≥1000人次", "960人次", 50, 96, "是", "部分培训延至次年"},
		{"效益指标", "社会效益指标", "农民收入增长", "定性", "明显", "明显", "达成指标", 50, 100, "否"},
	}
}

// deptMoFForm is a 部门整体 form on the MoF grid, total on its 总分 row.
func deptMoFForm(total any) [][]any {
	return [][]any{
		{"部门整体支出绩效自评表"},
		{"(2023年度)"},
		{"部门名称", "", "某县财政局"},
		{"年度预算资金(万元)", "", "", "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"},
		{"", "", "年度资金总额", 500, 520, 510, 10, "98.08%", 9.81},
		{"", "", "其中:本年财政拨款", 500, 520, 510},
		{"", "", "上年结转资金"},
		{"", "", "其他资金"},
		{"年度总体目标", "预期目标", "", "", "", "实际完成情况"},
		{"", "保障机构正常运转", "", "", "", "已保障"},
		{"绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"},
		{"", "产出指标(50分)", "数量指标", "指标1:预算编审项目数", "≥300个", "312个", 25, 25},
		{"", "", "时效指标", "指标1:决算按时报送", "12月31日前", "12月31日前", 25, 25},
		{"", "", "", "指标2:"},
		{"", "效益指标(30分)", "社会效益指标", "指标1:财政资金绩效管理覆盖率", "≥95%", "96%", 30, 30},
		{"", "满意度指标(10分)", "服务对象满意度指标", "指标1:预算单位满意度", "≥90%", "93%", 10, 10},
		{"总分", "", "", "", "", "", 100, total},
	}
}

// TestDepartmentWideSplit: a 部门整体 form titled with its year, its head
// 部门(单位)名称, a 年度主要任务 block above the funds, and the budget split
// by 基本支出 / 项目支出 (rows the reader has no field for) is read by the
// department layout with no false error: funds.sum says why it was not
// checked, and a wrong total is still caught.
func TestDepartmentWideSplit(t *testing.T) {
	rows := func(total any) [][]any {
		return [][]any{
			{"2023年度部门整体支出绩效自评表"},
			{"部门(单位)名称", "", "某县农业农村局"},
			{"年度主要任务", "任务名称", "", "主要内容", "", "", "预算数(万元)", "执行数(万元)"},
			{"", "农技推广", "", "开展农技培训", "", "", 120, 118},
			{"", "动物防疫", "", "强制免疫", "", "", 80, 80},
			{"年度预算资金(万元)", "", "", "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"},
			{"", "", "年度资金总额", 500, 520, 510, 10, "98.08%", 9.81},
			{"", "", "其中:基本支出", 300, 310, 308},
			{"", "", "项目支出", 200, 210, 202},
			{"年度总体目标", "预期目标", "", "", "", "实际完成情况"},
			{"", "保障机构正常运转", "", "", "", "已保障"},
			{"绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"},
			{"", "产出指标(50分)", "数量指标", "农技培训人次", "≥1000人次", "1050人次", 25, 25},
			{"", "", "时效指标", "免疫完成时间", "11月底前", "11月底前", 25, 25},
			{"", "效益指标(30分)", "社会效益指标", "农民收入增长", "明显", "达成指标", 30, 30},
			{"", "满意度指标(10分)", "服务对象满意度指标", "农户满意度", "≥90%", "93%", 10, 10},
			{"总分", "", "", "", "", "", 100, total},
		}
	}
	k := NewChecker(Checks(), ReadOptions{})
	res := k.CheckFile(writeRows(t, "dept-split.xlsx", rows(99.81)))
	clean(t, res, "dept-mof", "99.81")
	infos := 0
	for _, f := range res.Forms[0].Findings {
		if f.Rule == "funds.sum" && f.Severity == Info && strings.Contains(f.Message, "D9") {
			infos++
		}
	}
	if infos != 3 {
		t.Errorf("%d funds.sum infos naming D9, want 3:%s", infos, dump(res.Forms[0].Findings))
	}
	caught(t, k.CheckFile(writeRows(t, "dept-split95.xlsx", rows(95))), "total.sum@H17")
}
