package validate

import "testing"

// TestTransferAndXinjiang: a 分值-first transfer-payment form (分值 before
// 年度指标值 / 全年实际值, actuals written with operators, 一级 cells with
// their weight, 项目总得分 at the top, the budget not scored) and 新疆's
// 13-column form (分值权重, 指标分值权重, 指标得分 and columns that are no
// field) read clean in their layouts, and a wrong written total is caught
// where each layout puts it.
func TestTransferAndXinjiang(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	res := k.CheckFile(writeRows(t, "transfer.xlsx", transferForm(100)))
	clean(t, res, "transfer", "100")
	res = k.CheckFile(writeRows(t, "transfer95.xlsx", transferForm(95)))
	caught(t, res, "total.sum@E2")

	res = k.CheckFile(writeRows(t, "xj.xlsx", xinjiangForm(100)))
	clean(t, res, "xinjiang-13", "100")
	res = k.CheckFile(writeRows(t, "xj90.xlsx", xinjiangForm(90)))
	caught(t, res, "total.sum@L14")
}

func clean(t *testing.T, res FileResult, layout, total string) {
	t.Helper()
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%s: %v, %d forms", res.Path, res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	if fr.Form.Layout != layout || fr.Form.TotalScore.Text != total {
		t.Errorf("%s: layout %s, total %q", res.Path, fr.Form.Layout, fr.Form.TotalScore.Text)
	}
	for _, x := range fr.Findings {
		if x.Severity == Error {
			t.Errorf("%s: %s %s %s %s", res.Path, x.Severity, x.Rule, x.Cell, x.Message)
		}
	}
}

func caught(t *testing.T, res FileResult, want string) {
	t.Helper()
	for _, x := range res.Forms[0].Findings {
		if x.Rule+"@"+x.Cell == want && x.Severity == Error {
			return
		}
	}
	t.Errorf("%s: no %s in %v", res.Path, want, res.Forms[0].Findings)
}

// transferForm is a 分值-first transfer-payment form with total written at
// the top (项目总得分).
func transferForm(total any) [][]any {
	return [][]any{
		{"2023年度中央对地方转移支付项目绩效自评表"},
		{"项目名称", "农村公路养护", "", "项目总得分", total},
		{"主管部门", "某县交通运输局", "", "实施单位", "某县公路段"},
		{"项目资金(万元)", "年初预算数", "全年预算数", "全年执行数", "执行率"},
		{"年度资金总额", 120, 120, 120, "100.00%"},
		{"其中:财政拨款", 120, 120, 120, "100.00%"},
		{"年度总体目标", "预期目标", "", "实际完成情况"},
		{"", "养护农村公路266米以上", "", "完成"},
		{"一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "未完成原因及改进措施"},
		{"产出指标(70分)", "数量指标", "养护里程", 40, "≥266米", "≥266米", 40},
		{"", "时效指标", "完工时间", 30, "年底前", "年底前", 30},
		{"效益指标(20分)", "社会效益指标", "通行条件改善", 20, "明显改善", "达成指标", 20},
		{"满意度指标(10分)", "服务对象满意度指标", "群众满意度", 10, "≥90%", "95%", 10},
	}
}

// xinjiangForm is 新疆's 13-column form with total written on its 总分 row.
func xinjiangForm(total any) [][]any {
	return [][]any{
		{"项目支出绩效自评表"},
		{"(2023年度)"},
		{"项目名称", "草原生态保护补助", "", "", "", "", ""},
		{"主管部门", "某县林业和草原局", "", "", "实施单位", "某县草原工作站"},
		{"项目资金(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值权重", "执行率", "得分"},
		{"", "年度资金总额", 80, 80, 80, 10, "100.00%", 10},
		{"", "其中:当年财政拨款", 80, 80, 80, "-", "-", "-"},
		{"年度总体目标", "预期目标", "", "", "实际完成情况"},
		{"", "补助牧户120户", "", "", "补助牧户120户"},
		{"一级指标", "二级指标", "三级指标", "年度指标值", "指标值设置依据", "上年完成值", "全年实际值", "指标分值权重", "赋分规则", "佐证资料", "完成率", "指标得分", "未完成原因分析"},
		{"产出指标", "数量指标", "补助户数", "≥120户", "计划", "118户", "120户", 50, "按比例", "名册", "100%", 50},
		{"效益指标", "生态效益指标", "草原植被盖度", "≥40%", "规划", "39%", "41%", 30, "达标得分", "监测报告", "100%", 30},
		{"满意度指标", "服务对象满意度指标", "牧户满意度", "≥90%", "惯例", "91%", "93%", 10, "达标得分", "问卷", "100%", 10},
		{"总分", "", "", "", "", "", "", 100, "", "", "", total},
	}
}
