package xlsx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// maybeNumber may only refuse what strconv.ParseFloat refuses, and
// numberText must print what excelize's getCellDefault prints.
func TestNumberShortcuts(t *testing.T) {
	for _, s := range []string{"", "-", "+", "1", "-1.5", "+.5", ".5", "1e5", "1E-3", "0x1p-2", "inf", "-Inf",
		"+INFINITY", "NaN", "nan", "0012", "1.10", "12345678901234567", "0.1234567890123456789", "1e400",
		"abc", "一二", " 1", "1 ", "e5", "_1", "1_0", "TRUE", "#N/A", "¥12"} {
		_, err := strconv.ParseFloat(s, 64)
		if !maybeNumber(s) && err == nil {
			t.Errorf("maybeNumber(%q) false, but it is a number", s)
		}
		want := s
		if !strings.Contains(s, "_") && err == nil {
			f, _ := strconv.ParseFloat(s, 64)
			full := strconv.FormatFloat(f, 'f', -1, 64)
			want = full
			if len(full)-strings.Count(full, ".") > 15 && !withinPrecision(s) {
				want = strconv.FormatFloat(f, 'G', 15, 64)
			}
		}
		if got := numberText(s); got != want {
			t.Errorf("numberText(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestFixed(t *testing.T) {
	for _, x := range []float64{0, 1, 0.5, 12.345, 1234567.891, 1e20, 0.000123, math.Inf(1), math.NaN()} {
		for _, w := range []int{0, 1, 4, 12} {
			for _, p := range []int{0, 2, 5} {
				for _, pct := range []int{0, 1, 2} {
					want := fmt.Sprintf(fmt.Sprintf("%%0%d.%df%s", w, p, strings.Repeat("%%", pct)), x)
					if got := fixed(x, w, p, pct); got != want {
						t.Errorf("fixed(%v, %d, %d, %d) = %q, want %q", x, w, p, pct, got, want)
					}
				}
			}
		}
	}
}
