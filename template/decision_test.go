package template

import (
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
)

// TestDecisionCategoriesListed: a blank decision form offers the family's
// 一级 (the layout's categories, as the checker reads them) after the
// profile's own, so a filler can pick 项目决策.
func TestDecisionCategoriesListed(t *testing.T) {
	l, err := layout.Find("decision")
	if err != nil {
		t.Fatal(err)
	}
	w, err := Blank(Options{Profile: formulas.Default(), Layout: l, Rows: 3})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, w)
	var l1 []string
	for r := 1; ; r++ {
		v, _ := f.GetCellValue(ListsSheet, Cell(1, r))
		if v == "" {
			break
		}
		l1 = append(l1, v)
	}
	if len(l1) != 4+len(l.Categories) || l1[0] != "成本指标" || l1[4] != "项目决策" {
		t.Errorf("一级 offered: %v", l1)
	}
}
