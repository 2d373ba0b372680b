package validate

import (
	"testing"

	"github.com/shopspring/decimal"
)

// The shortcuts setNumber takes must not change what it reads: plain text
// is what normalize leaves alone, and decimalLike refuses only what
// decimal.NewFromString refuses.
func TestSetNumberShortcuts(t *testing.T) {
	for _, s := range []string{"", "1", "-1.5", "+.5", ".5", "1e5", "1E-3", "\u22125", "\u2212.5", "-", "+", ".",
		"12,345.60", "86.19%", "¥12", "abc", "一二", " 1", "1 ", "1\t", "（1）", "１２", "e5", "E", "N/A", "0x10", "#DIV/0!"} {
		if plain(s) && normalize(s) != s {
			t.Errorf("plain(%q), but normalize gives %q", s, normalize(s))
		}
		if _, err := decimal.NewFromString(s); err == nil && !decimalLike(s) {
			t.Errorf("decimalLike(%q) false, but it is a decimal", s)
		}
	}
}
