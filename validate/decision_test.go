package validate

import (
	"testing"

	"github.com/xlsxeval/xlsxeval/form"
)

// TestDecisionFamily: a 决策-过程-产出-效益 form (宁夏 and others): 参考分值,
// 指标值(A), 全年实际值(B), 自评得分 in the head, 调整预算数(A), a budget not
// scored. Checked with the DEFAULT profile: its 一级指标 come with the
// decision layout (Layout.Categories), so the form reads clean and its head
// total is checked; a 二级 the layout does not list is a warning there, an
// unknown 一级 still an error.
func TestDecisionFamily(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	res := k.CheckFile(writeRows(t, "nx.xlsx", ningxiaForm(96)))
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%v, %d forms", res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	if fr.Form.Layout != "decision" || fr.Form.TotalScore.Text != "96" || len(fr.Form.Indicators) != 6 {
		t.Errorf("layout %s, total %q, %d indicators", fr.Form.Layout, fr.Form.TotalScore.Text, len(fr.Form.Indicators))
	}
	for _, x := range fr.Findings {
		if x.Severity == Error {
			t.Errorf("%s %s %s %s", x.Severity, x.Rule, x.Cell, x.Message)
		}
	}
	// 96 written at the top for scores adding up to 96; 99 is caught there.
	res = k.CheckFile(writeRows(t, "nx99.xlsx", ningxiaForm(99)))
	found := false
	for _, x := range res.Forms[0].Findings {
		found = found || x.Rule == "total.sum" && x.Cell == "E3" && x.Severity == Error
	}
	if !found {
		t.Errorf("a wrong total at the top is not caught: %v", res.Forms[0].Findings)
	}
}

// TestDecisionCategories: under the decision layout's 一级 a 二级 it does
// not list is a warning (the family's wording varies by region); an
// unknown 一级 is an error; read with the seed's layout, the same 一级 is
// an error, as the seed family's categories stay strict.
func TestDecisionCategories(t *testing.T) {
	head := [][]any{
		{"项目支出绩效自评表"},
		{"项目名称", "某项目", "", "自评得分", 100},
		{"主管部门", "某厅", "", "实施单位", "某局"},
		{"项目资金(万元)", "年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)"},
		{"年度资金总额", 100, 100, 100, "100%"},
		{"一级指标", "二级指标", "三级指标", "指标值(A)", "全年实际值(B)", "参考分值", "得分", "偏差原因分析及改进措施"},
	}
	rows := append(head,
		[]any{"决策", "项目监管", "监管到位", "到位", "到位", 50, 50},
		[]any{"项目其他", "其他", "其他指标", "≥1项", "1项", 50, 50})
	k := NewChecker(Checks(), ReadOptions{})
	got := map[string]Severity{}
	for _, x := range k.CheckFile(writeRows(t, "cat.xlsx", rows)).Forms[0].Findings {
		if x.Rule == "ind.category" {
			got[x.Cell] = x.Severity
		}
	}
	if len(got) != 2 || got["B7"] != Warning || got["A8"] != Error {
		t.Errorf("ind.category: %v, want B7 warning, A8 error", got)
	}
	f := mutate(seed1, func(f *form.Form) {
		f.Layout = "seed"
		set(&ind(f, 11).L1, "项目决策")
	})
	if fs := k.Run(f); !hasFinding(fs, "ind.category", "A24", Error) {
		t.Errorf("a seed form with 一级 项目决策 is not an error: %s", dump(fs))
	}
}

// TestDecisionSpelling: a form of the family on the common grid (分值,
// 年度指标值, 实际完成值), its 一级 spelt 决策/过程/产出/效益 with weights
// (20分): the 一级 cells tell the layout, and no ind.category is raised.
func TestDecisionSpelling(t *testing.T) {
	rows := [][]any{
		{"项目支出绩效自评表"},
		{"(2023年度)"},
		{"项目名称", "某项目", "", "主管部门", "某厅"},
		{"实施单位", "某局"},
		{"项目资金(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"},
		{"年度资金总额", 100, 100, 100, 10, "100%", 10},
		{"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"},
		{"决策(20分)", "项目立项", "立项依据充分性", "充分", "充分", 20, 20},
		{"过程(20分)", "组织实施", "管理制度健全性", "健全", "健全", 20, 20},
		{"产出(30分)", "产出数量", "完成数量", "≥10个", "10个", 30, 30},
		{"效益(20分)", "社会效益", "服务对象满意度", "≥90%", "95%", 20, 20},
		{"总分", "", "", "", "", 100, 100},
	}
	fr := NewChecker(Checks(), ReadOptions{}).CheckFile(writeRows(t, "spelt.xlsx", rows)).Forms[0]
	if fr.Form.Layout != "decision" || len(fr.Form.Indicators) != 4 {
		t.Errorf("layout %s, %d indicators", fr.Form.Layout, len(fr.Form.Indicators))
	}
	for _, x := range fr.Findings {
		if x.Severity == Error || x.Rule == "ind.category" {
			t.Errorf("%s %s %s %s", x.Severity, x.Rule, x.Cell, x.Message)
		}
	}
}

// ningxiaForm is a 宁夏 form of the decision family, total at the top.
func ningxiaForm(total any) [][]any {
	return [][]any{
		{"项目支出绩效自评表"},
		{"(2023年度)"},
		{"项目名称", "农村饮水安全维修养护", "", "自评得分", total},
		{"自治区主管部门", "宁夏回族自治区水利厅", "", "项目实施单位", "某县水务局"},
		{"项目资金(万元)", "年初预算数", "调整预算数(A)", "全年执行数(B)", "执行率(B/A)"},
		{"年度资金总额", 300, 300, 288, "96.00%"},
		{"其中:财政拨款", 300, 300, 288, "96.00%"},
		{"年度总体目标", "预期目标", "", "实际完成情况"},
		{"", "维修养护工程80处", "", "完成82处"},
		{"一级指标", "二级指标", "三级指标", "指标值(A)", "全年实际值(B)", "参考分值", "自评得分", "偏差原因分析及改进措施"},
		{"项目决策", "项目立项", "立项依据充分性", "充分", "充分", 10, 10},
		{"", "绩效目标", "绩效目标明确性", "明确", "明确", 10, 10},
		{"项目管理", "资金管理", "资金使用合规性", "合规", "合规", 20, 20},
		{"项目产出", "产出数量", "维修养护工程处数", "≥80处", "82处", 30, 30},
		{"", "产出时效", "完工时间", "11月底前", "11月底前", 10, 10},
		{"项目效益", "项目效益", "受益人口", "≥3807人", "3224人", 20, 16, "部分工程延后受益"},
	}
}
