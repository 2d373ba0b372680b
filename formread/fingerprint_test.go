package formread

import (
	"testing"

	"github.com/xlsxeval/xlsxeval/form"
)

// cellOf finds exactly the cells Form.Cells names, and nothing for what
// it does not name (odd spellings ParseKey would read, rows beyond the
// form's, unknown fields).
func TestCellOfSameAsCells(t *testing.T) {
	fm := &form.Form{Indicators: make([]form.Indicator, 12)}
	cells := fm.Cells()
	for key, c := range cells {
		if got := cellOf(fm, key); got != c {
			t.Errorf("%s: %p, want %p", key, got, c)
		}
	}
	for _, key := range []string{"ind.03.target", "ind.+3.target", "ind.-1.target", "ind.12.target", "ind.3", "ind.3.target.x",
		"funds.6.budget", "funds.01.budget", "funds.1.nope", "nope", "", "ind..target", "funds.1e0.budget", "project.x", "ind.3.helper"} {
		if got, want := cellOf(fm, key), cells[key]; got != want {
			t.Errorf("%q: %p, want %p", key, got, want)
		}
	}
}
