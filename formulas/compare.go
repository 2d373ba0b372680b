package formulas

import (
	"github.com/shopspring/decimal"
)

// Verdict is how a shown figure compares with what its inputs allow.
type Verdict int

const (
	Consistent Verdict = iota // within the inputs' intervals and its own rounding
	LastDigit                 // off by one unit in the last shown digit: a rounding slip
	Wrong                     // contradicts the rule
)

// Compare judges a figure shown as d with places decimals against the
// interval exp its inputs allow. FORM.md, Rounding: consistent when the
// figure's own rounding interval meets exp; one unit further is a slip.
func Compare(exp Interval, d decimal.Decimal, places int32) Verdict {
	unit := decimal.New(1, -places)
	half := decimal.New(5, -places-1) // unit ÷ 2, exactly
	own := Interval{d.Sub(half), d.Add(half)}
	switch {
	case own.Overlaps(exp):
		return Consistent
	case own.Widen(unit).Overlaps(exp):
		return LastDigit
	}
	return Wrong
}

// Show formats the interval for a message: one figure when it rounds to
// one, else "lo~hi".
func (a Interval) Show(places int32) string {
	lo, hi := a.Lo.Round(places), a.Hi.Round(places)
	if lo.Equal(hi) {
		return lo.StringFixed(places)
	}
	return lo.StringFixed(places) + "~" + hi.StringFixed(places)
}
