package formulas

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse: whatever a unit types as a target or an actual, Parse
// returns a value or an error, never panics, and what it returns is
// consistent: the decimals it counts are the number's, the shown interval
// holds the number, and parsing its own normalised text gives the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"≥90.00(%)", "=100.00(%)", "≤17.52(万元)", "＞＝９５％", "达成指标", "健全", "1,234.50(项)", "0", "-",
		"≥", "(%)", "1e5", "１２．５万元/年", "≥50个", "99.91(%)以上", "+.5", "1,23,4", "≥1.0.0", "≤-0.00(%)",
		"\u00a0\t≥ 9 0 %", "9999999999999999999999999999999.99999", "较好", "基本达成", "部分达成", "未达成",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		v, err := Parse(s)
		if v.Text != Normalize(s) {
			t.Fatalf("Text %q, want the normalised %q", v.Text, Normalize(s))
		}
		if err != nil || v.Num == nil {
			return
		}
		if v.Places < 0 || -v.Num.Exponent() != v.Places && !v.Num.IsZero() {
			t.Fatalf("%q: %s read with %d places", s, v.Num, v.Places)
		}
		if iv := v.Interval(); !iv.Contains(*v.Num) || iv.Lo.GreaterThan(iv.Hi) {
			t.Fatalf("%q: interval %s..%s misses %s", s, iv.Lo, iv.Hi, v.Num)
		}
		if !utf8.ValidString(s) {
			return // normalising invalid UTF-8 replaces bytes; not idempotent by design
		}
		w, err := Parse(v.Text)
		if err != nil || w.Op != v.Op || w.Num == nil || !w.Num.Equal(*v.Num) || w.Places != v.Places || w.Unit != v.Unit {
			t.Fatalf("%q parses as %+v but its text %q as %+v (%v)", s, v, v.Text, w, err)
		}
	})
}
