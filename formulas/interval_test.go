package formulas

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// The operations as written before exact intervals were done once.
func addRef(a, b Interval) Interval { return Interval{a.Lo.Add(b.Lo), a.Hi.Add(b.Hi)} }
func subRef(a, b Interval) Interval { return Interval{a.Lo.Sub(b.Hi), a.Hi.Sub(b.Lo)} }
func mulRef(a, b Interval) Interval {
	p := []decimal.Decimal{a.Lo.Mul(b.Lo), a.Lo.Mul(b.Hi), a.Hi.Mul(b.Lo), a.Hi.Mul(b.Hi)}
	return Interval{decimal.Min(p[0], p[1:]...), decimal.Max(p[0], p[1:]...)}
}
func divRef(a, b Interval) (Interval, bool) {
	if !b.Lo.IsPositive() && !b.Hi.IsNegative() {
		return Interval{}, false
	}
	q := func(x, y decimal.Decimal) decimal.Decimal { return x.DivRound(y, divPrec) }
	p := []decimal.Decimal{q(a.Lo, b.Lo), q(a.Lo, b.Hi), q(a.Hi, b.Lo), q(a.Hi, b.Hi)}
	return Interval{decimal.Min(p[0], p[1:]...), decimal.Max(p[0], p[1:]...)}, true
}
func roundRef(a Interval, places int32) Interval {
	return Interval{a.Lo.Round(places), a.Hi.Round(places)}
}

// same is true when x and y are the same decimal, written alike.
func same(x, y Interval) bool {
	return x.Lo.Exponent() == y.Lo.Exponent() && x.Lo.Equal(y.Lo) && x.Hi.Exponent() == y.Hi.Exponent() && x.Hi.Equal(y.Hi)
}

// Interval arithmetic gives, end for end and digit for digit, what it
// gave when both ends were always computed: over exact intervals, equal
// ends written differently (1.0 and 1.00), shown figures and zero.
func TestIntervalOpsSameAsRef(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	dec := func() decimal.Decimal {
		return decimal.New(r.Int64N(20001)-10000, -int32(r.IntN(4)))
	}
	iv := func() Interval {
		d := dec()
		switch r.IntN(4) {
		case 0:
			return Exact(d)
		case 1: // equal ends written differently
			return Interval{d, d.Mul(decimal.New(10, -1))}
		case 2:
			return Shown(d, 2)
		}
		e := dec()
		return Interval{decimal.Min(d, e), decimal.Max(d, e)}
	}
	for i := 0; i < 20000; i++ {
		a, b := iv(), iv()
		if !same(add(a, b), addRef(a, b)) || !same(sub(a, b), subRef(a, b)) || !same(mul(a, b), mulRef(a, b)) {
			t.Fatalf("%v %v: add/sub/mul differ", a, b)
		}
		q, ok := div(a, b)
		qr, okr := divRef(a, b)
		if ok != okr || !same(q, qr) {
			t.Fatalf("%v / %v: %v %v, want %v %v", a, b, q, ok, qr, okr)
		}
		if p := int32(r.IntN(5)); !same(round(a, p), roundRef(a, p)) {
			t.Fatalf("round %v %d differs", a, p)
		}
	}
}
