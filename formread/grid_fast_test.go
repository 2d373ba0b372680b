package formread

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// The shortcuts setNumber takes must not change what it reads: plain text
// is what normalize leaves alone, and decimalLike refuses only what
// decimal.NewFromString refuses.
func TestSetNumberShortcuts(t *testing.T) {
	for _, s := range []string{"", "1", "-1.5", "+.5", ".5", "1e5", "1E-3", "\u22125", "\u2212.5", "-", "+", ".",
		"12,345.60", "86.19%", "¥12", "abc", "一二", " 1", "1 ", "1\t", "（1）", "１２", "e5", "E", "N/A", "0x10", "#DIV/0!"} {
		if plain(s) && formulas.Normalize(s) != s {
			t.Errorf("plain(%q), but normalize gives %q", s, formulas.Normalize(s))
		}
		if _, err := decimal.NewFromString(s); err == nil && !decimalLike(s) {
			t.Errorf("decimalLike(%q) false, but it is a decimal", s)
		}
	}
}

// matchNumber must read exactly what the numberText pattern reads.
func TestMatchNumber(t *testing.T) {
	check := func(s string) {
		m := numberText.FindStringSubmatch(s)
		f, ok := matchNumber(s)
		if ok != (m != nil) || ok && (f.num != m[1] || f.frac != m[2] || f.pct != (m[3] == "%")) {
			t.Fatalf("%q: matchNumber %+v %v, pattern %q", s, f, ok, m)
		}
	}
	for _, s := range []string{"", "1", "-1", "+12.50", "1,234", "12,345,678.9%", "1,2345", "1234,567", ",123", "1,23",
		"1.", ".5", "5%", "5%%", "%", "-", "1,234,", "1,,234", "1e5", "１２", "0.00%", "-0", "1 234"} {
		check(s)
	}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789,.%+-a"
	for range 50000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(2) == 0 {
				b[i] = byte('0' + r.IntN(10))
			}
		}
		check(string(b))
	}
}

// A weight or score typed with its unit is its number; other words are not.
func TestSetNumberPoints(t *testing.T) {
	for in, want := range map[string]string{"15分": "15", "9.5分": "9.5", "１０分": "10", "15": "15",
		"分": "", "十分": "", "15分钟": "", "15 万元": ""} {
		x := form.Cell{Text: in, Raw: in}
		setNumber(&x)
		got := ""
		if x.Num != nil {
			got = x.Num.String()
		}
		if got != want {
			t.Errorf("%q read as %q, want %q", in, got, want)
		}
	}
}

// An amount typed with the form's own unit is its number; with another
// unit it stays unread.
func TestWithUnit(t *testing.T) {
	for _, c := range []struct{ text, unit, want string }{
		{"120万元", "万元", "120"}, {"118.50 万元", "万元", "118.50"}, {"387,664.62元", "元", "387664.62"},
		{"120元", "万元", ""}, {"120万元", "元", ""}, {"120万元", "", ""}, {"约120万元", "万元", ""}, {"98%万元", "万元", ""},
	} {
		x := form.Cell{Text: c.text, Raw: c.text}
		setNumber(&x)
		withUnit(&x, c.unit)
		got := ""
		if x.Num != nil {
			got = x.Num.StringFixed(x.Places)
		}
		if got != c.want {
			t.Errorf("%q in %s read as %q, want %q", c.text, c.unit, got, c.want)
		}
	}
}
