package template

import (
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xuri/excelize/v2"
)

// A layout without what a form needs is refused with what it lacks,
// before anything is written.
func TestLayoutNotWritable(t *testing.T) {
	l, err := layout.Parse([]byte(`
name: partial
blocks: [title, head, funds, indicators, total]
funds: {rows: [current], columns: [label, budget]}
indicators: {columns: [l1, l3, target, actual, weight, score]}
total: {where: [row]}
`), "partial.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Blank(Options{Profile: formulas.Default(), Layout: l, Rows: 3})
	for _, want := range []string{"indicators.columns: l2", "reason", "funds.columns: exec", "funds.rows: total"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

// The seed's geometry, derived from 0-seed.yaml, is the form's as it was
// drawn by hand: what units, tests and other programs rely on.
func TestSeedGeometry(t *testing.T) {
	lay := NewLayout(12, nil)
	for key, want := range map[string]string{"title": "A1", "year": "A2", "project": "C3", "department": "C4",
		"unit": "G4", "funds.label": "A5", "funds.0.budget": "D6", "funds.3.exec": "E9", "funds.0.score": "H6",
		"goal": "B11", "done": "F11", "ind.0.l1": "A13", "ind.11.reason": "H24", "total.weight": "F25",
		"total.score": "G25", "grade": "B26", "ind.0.target_op": ""} {
		if got := lay.Ref(key); got != want {
			t.Errorf("%s at %q, want %q", key, got, want)
		}
	}
	if got := lay.Helper(0, helperNames[0]); got != "I13" {
		t.Errorf("first helper at %s, want I13", got)
	}
}

// TestFundsHeadFits: in every built-in layout the funds header row is tall
// enough for each of its labels as it wraps in its column (四川's
// 调整后预算数 was cut in print at a fixed 20 pt).
func TestFundsHeadFits(t *testing.T) {
	for _, l := range layout.Builtin() {
		w, err := Blank(Options{Profile: formulas.Default(), Layout: l, Rows: 3})
		if err != nil {
			t.Fatal(l.Name, err)
		}
		fp := w.fps[0]
		ref := fp.Fields["funds.label"]
		if ref == "" {
			continue
		}
		_, row, err := excelize.CellNameToCoordinates(ref)
		if err != nil {
			t.Fatal(err)
		}
		h, err := w.File.GetRowHeight(fp.Sheet, row)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := w.File.GetCols(fp.Sheet)
		if err != nil {
			t.Fatal(err)
		}
		for c := 2; c <= len(cols); c++ {
			if row > len(cols[c-1]) || cols[c-1][row-1] == "" {
				continue
			}
			name, _ := excelize.ColumnNumberToName(c)
			cw, _ := w.File.GetColWidth(fp.Sheet, name)
			if need := textHeight(cols[c-1][row-1], cw); h < need {
				t.Errorf("%s: funds header %q in %s needs %.1f pt, row is %.1f", l.Name, cols[c-1][row-1], name, need, h)
			}
		}
	}
}

// 重庆's head is one row, 主管部门 | 财政处室 | 自评总分, as its form prints
// it: the department's value, 财政处室 with a typed value, and the total.
func TestChongqingHeadRow(t *testing.T) {
	l, err := layout.Find("dept-chongqing")
	if err != nil {
		t.Fatal(err)
	}
	w, err := Blank(Options{Profile: formulas.Default(), Layout: l, Rows: 3})
	if err != nil {
		t.Fatal(err)
	}
	lay := NewLayoutOf(3, formulas.Default(), l)
	dept, total := lay.Ref("department"), lay.Ref("total.score")
	if dept != "C3" || total != "L3" {
		t.Fatalf("department at %s, total at %s; want C3 and L3 (one row)", dept, total)
	}
	sheet := w.fps[0].Sheet
	for ref, want := range map[string]string{"A3": "主管部门", "F3": "财政处室", "J3": "自评总分"} {
		if got, _ := w.File.GetCellValue(sheet, ref); got != want {
			t.Errorf("%s: %q, want %q", ref, got, want)
		}
	}
	if f, _ := w.File.GetCellFormula(sheet, total); f == "" {
		t.Errorf("the total %s is no formula", total)
	}
	if st, _ := w.File.GetCellStyle(sheet, "H3"); !unlocked(w.File, st) {
		t.Errorf("财政处室's value H3 is locked")
	}
}
