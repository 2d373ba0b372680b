// Package formulas defines each scoring rule of the form once: as an
// expression that Go evaluates over decimal intervals (the checker) and that
// renders as the Excel formula the template carries.
package formulas

import (
	"github.com/shopspring/decimal"
)

// divPrec is the number of decimals kept by interval division.
const divPrec = 24

// Interval is the set of true values a shown figure may stand for.
// A figure shown with d decimals stands for [x-0.5·10^-d, x+0.5·10^-d].
type Interval struct{ Lo, Hi decimal.Decimal }

// Exact is the interval holding just d.
func Exact(d decimal.Decimal) Interval { return Interval{d, d} }

// Shown is the interval of a figure displayed as d with places decimals.
// A shown zero is taken as exact: on these forms 0.00 means "none".
func Shown(d decimal.Decimal, places int32) Interval {
	if d.IsZero() {
		return Exact(d)
	}
	h := decimal.New(5, -places-1)
	return Interval{d.Sub(h), d.Add(h)}
}

// Point reports whether the interval is a single value.
func (a Interval) Point() bool { return a.Lo.Equal(a.Hi) }

// Mid is the centre of the interval.
func (a Interval) Mid() decimal.Decimal { return a.Lo.Add(a.Hi).Div(decimal.NewFromInt(2)) }

// Contains reports whether d lies in a.
func (a Interval) Contains(d decimal.Decimal) bool {
	return !d.LessThan(a.Lo) && !d.GreaterThan(a.Hi)
}

// Widen grows the interval by w on each side.
func (a Interval) Widen(w decimal.Decimal) Interval { return Interval{a.Lo.Sub(w), a.Hi.Add(w)} }

// Overlaps reports whether a and b share a value.
func (a Interval) Overlaps(b Interval) bool {
	return !a.Hi.LessThan(b.Lo) && !b.Hi.LessThan(a.Lo)
}

func hull(a, b Interval) Interval {
	return Interval{decimal.Min(a.Lo, b.Lo), decimal.Max(a.Hi, b.Hi)}
}

// exact reports whether a's ends are one decimal, written alike (Exact
// makes them so): an operation on two such is then done once, its result
// the same as both ends computed apart would be (and Min and Max of equal
// products keep the first).
func (a Interval) exact() bool { return a.Lo.Exponent() == a.Hi.Exponent() && a.Lo.Cmp(a.Hi) == 0 }

func add(a, b Interval) Interval {
	if a.exact() && b.exact() {
		s := a.Lo.Add(b.Lo)
		return Interval{s, s}
	}
	return Interval{a.Lo.Add(b.Lo), a.Hi.Add(b.Hi)}
}

func sub(a, b Interval) Interval {
	if a.exact() && b.exact() {
		d := a.Lo.Sub(b.Hi)
		return Interval{d, d}
	}
	return Interval{a.Lo.Sub(b.Hi), a.Hi.Sub(b.Lo)}
}

func mul(a, b Interval) Interval {
	if a.exact() && b.exact() {
		p := a.Lo.Mul(b.Lo)
		return Interval{p, p}
	}
	p := []decimal.Decimal{a.Lo.Mul(b.Lo), a.Lo.Mul(b.Hi), a.Hi.Mul(b.Lo), a.Hi.Mul(b.Hi)}
	return Interval{decimal.Min(p[0], p[1:]...), decimal.Max(p[0], p[1:]...)}
}

// div divides; ok is false when b may be zero.
func div(a, b Interval) (Interval, bool) {
	if !b.Lo.IsPositive() && !b.Hi.IsNegative() {
		return Interval{}, false
	}
	q := func(x, y decimal.Decimal) decimal.Decimal { return x.DivRound(y, divPrec) }
	if a.exact() && b.exact() {
		p := q(a.Lo, b.Lo)
		return Interval{p, p}, true
	}
	p := []decimal.Decimal{q(a.Lo, b.Lo), q(a.Lo, b.Hi), q(a.Hi, b.Lo), q(a.Hi, b.Hi)}
	return Interval{decimal.Min(p[0], p[1:]...), decimal.Max(p[0], p[1:]...)}, true
}

func minI(a, b Interval) Interval {
	return Interval{decimal.Min(a.Lo, b.Lo), decimal.Min(a.Hi, b.Hi)}
}

func maxI(a, b Interval) Interval {
	return Interval{decimal.Max(a.Lo, b.Lo), decimal.Max(a.Hi, b.Hi)}
}

// round rounds both ends half away from zero, as Excel's ROUND does.
func round(a Interval, places int32) Interval {
	if a.exact() {
		r := a.Lo.Round(places)
		return Interval{r, r}
	}
	return Interval{a.Lo.Round(places), a.Hi.Round(places)}
}
