package validate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/layout"
)

// customLayout is a region's layout written only in YAML: labels none of
// the built-in layouts know, its own placeholder and not-applicable
// conventions, amounts in 元, the budget not scored.
const customLayout = `
name: test-region
title: 某省 项目绩效自评表
title_en: a province's form
scope: project
match: [项目支出合计, 绩效指标值, 实际达成值, 标准分, 评价得分]
amount_unit: 元
blocks: [title, year, head, funds, indicators, total]
head: [project, department, unit]
labels:
  funds.total: [项目支出合计]
  funds.current: [一般公共预算]
  funds.budget: [批复数]
  funds.exec: [支出数]
  ind.target: [绩效指标值]
  ind.actual: [实际达成值]
  ind.weight: [标准分]
  ind.score: [评价得分]
  ind.reason: [扣分说明]
  total.score: [自评分合计]
funds:
  rows: [total, current]
  columns: [label, budget, exec, rate]
  unscored: true
indicators:
  columns: [l1, l2, l3, target, actual, weight, score, reason]
total:
  where: [row]
  grade: none
placeholders: ['（待填）', '待填']
not_applicable: [本年无]
`

// customForm writes a form in that layout; total is the written total.
func customForm(t *testing.T, total int) string {
	t.Helper()
	f := excelize.NewFile()
	s := f.GetSheetName(0)
	rows := [][]any{
		{"某省项目支出绩效自评表"},
		{"(2024年度)"},
		{"项目名称", "乡村道路养护"},
		{"主管部门", "某县交通运输局", "", "实施单位", "某县公路养护中心"},
		{"资金情况(元)", "批复数", "支出数", "执行率"},
		{"项目支出合计", 500000, 480000, "96.00%"},
		{"一般公共预算", 500000, 480000, "96.00%"},
		{"一级指标", "二级指标", "三级指标", "绩效指标值", "实际达成值", "标准分", "评价得分", "扣分说明"},
		{"产出指标", "数量指标", "养护里程", "≥120公里", "126公里", 30, 30},
		{"", "质量指标", "路况优良率", "≥85%", "88%", 20, 20},
		{"", "时效指标", "完成时间", "11月底前", "11月底前", 10, 10},
		{"", "", "待填"},
		{"效益指标", "社会效益指标", "群众出行便利度", "明显提升", "达成指标", 20, 20},
		{"", "生态效益指标", "本年无", "本年无", "本年无"},
		{"满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", 20, 20},
		{"自评分合计", "", "", "", "", 100, total},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "custom.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLayoutYAMLOnly: a form in a layout written only in YAML reads
// clean with it, its total is checked, and without it the form is not
// understood.
func TestLayoutYAMLOnly(t *testing.T) {
	file := filepath.Join(t.TempDir(), "region.yaml")
	if err := os.WriteFile(file, []byte(customLayout), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := layout.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	with := NewChecker(Checks(), ReadOptions{Layouts: append([]*layout.Layout{l}, layout.Builtin()...)})
	res := with.CheckFile(customForm(t, 100))
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%v, %d forms", res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	na := 0
	for _, ind := range fr.Form.Indicators {
		if ind.NA {
			na++
		}
	}
	// 5 indicators and the 本年无 row; the 待填 row is none.
	if fr.Form.Layout != "test-region" || fr.Form.AmountUnit != "元" || len(fr.Form.Indicators) != 6 || na != 1 {
		t.Errorf("layout %q, unit %q, %d indicators, %d not applicable", fr.Form.Layout, fr.Form.AmountUnit, len(fr.Form.Indicators), na)
	}
	for _, x := range fr.Findings {
		if x.Severity != Info {
			t.Errorf("clean form: %s %s %s %s", x.Severity, x.Rule, x.Cell, x.Message)
		}
	}
	if fr.Summary.Grade != "优" {
		t.Errorf("grade %q", fr.Summary.Grade)
	}
	res = with.CheckFile(customForm(t, 90))
	found := false
	for _, x := range res.Forms[0].Findings {
		found = found || x.Rule == "total.sum" && x.Cell == "G16" && x.Severity == Error
	}
	if !found {
		t.Errorf("total 90 of 100 not reported: %v", res.Forms[0].Findings)
	}
	without := NewChecker(Checks(), ReadOptions{}).CheckFile(customForm(t, 100))
	t.Logf("without: %d forms %v", len(without.Forms), without.Skipped)
	if len(without.Forms) == 1 && without.Forms[0].Form.Layout == "test-region" {
		t.Error("read by a layout it was not given")
	}
	if len(without.Forms) == 1 && len(without.Forms[0].Form.Indicators) == 6 {
		t.Error("the built-in layouts read it as well: the test proves nothing")
	}
}
