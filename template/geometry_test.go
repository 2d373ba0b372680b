package template

import (
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
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
