package xlsx

import (
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
