package validate

import (
	"strconv"
	"testing"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// TestWeightsL1Agreeing: 一级 cells stating the weights their rows add up
// to, on the first row of each run (a merged cell) or on every row, give
// no finding; one row more under 产出指标 and the statement is wrong.
func TestWeightsL1Agreeing(t *testing.T) {
	stated := func(f *form.Form, every bool) {
		sums := map[string]int64{}
		for _, ind := range f.Indicators {
			sums[catLabel(ind.L1.Text)] += ind.Weight.Num.IntPart()
		}
		last := ""
		for i := range f.Indicators {
			c := &f.Indicators[i].L1
			name := catLabel(c.Text)
			if every || name != last {
				set(c, name+"("+strconv.FormatInt(sums[name], 10)+"分)")
			}
			last = name
		}
	}
	for _, every := range []bool{false, true} {
		f := mutate(seed1, func(f *form.Form) { stated(f, every) })
		for _, x := range runChecks(f, formulas.Default()) {
			if x.Rule == "weights.l1" || x.Severity == Error {
				t.Errorf("every=%v: %s %s %s", every, x.Rule, x.Cell, x.Message)
			}
		}
	}
	f := mutate(seed1, func(f *form.Form) {
		stated(f, false)
		set(&f.Indicators[1].Weight, "6.00") // 产出指标's first row
	})
	n := 0
	for _, x := range runChecks(f, formulas.Default()) {
		if x.Rule == "weights.l1" {
			n++
			if x.Cell != f.Indicators[1].L1.Ref || x.Severity != Error {
				t.Errorf("weights.l1 at %s (%s), want %s", x.Cell, x.Severity, f.Indicators[1].L1.Ref)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d weights.l1 findings, want 1", n)
	}
}
