package integrity

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
)

// NormFormula is a formula as compared: without '=', '$' and white space,
// in upper case, without the _xlfn./_xlws. prefixes Excel adds to newer
// functions. String literals are kept as they are. Excel, WPS and
// LibreOffice rewrite formulas in these ways when they save.
func NormFormula(f string) string {
	f = strings.TrimPrefix(strings.TrimSpace(f), "=")
	var b strings.Builder
	b.Grow(len(f))
	quoted := false
	for _, r := range f {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
		case quoted:
			b.WriteRune(r)
		case r == '$', r == ' ', r == '\t', r == '\n', r == '\r':
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	s := b.String()
	if !strings.Contains(s, "_XL") {
		return s
	}
	return outside(s, futurePrefixes.Replace)
}

// futurePrefixes are the prefixes Excel writes before newer functions.
var futurePrefixes = strings.NewReplacer("_XLFN.", "", "_XLWS.", "")

// outside applies fn to the parts of a formula outside string literals.
func outside(f string, fn func(string) string) string {
	parts := strings.Split(f, `"`)
	for i := 0; i < len(parts); i += 2 {
		parts[i] = fn(parts[i])
	}
	return strings.Join(parts, `"`)
}

// MapRows rewrites the row of every cell reference of a normalised
// formula through row, as Excel does to references when rows are
// inserted or deleted.
func MapRows(f string, row func(int) int) string {
	return outside(f, func(s string) string {
		var b strings.Builder
		var num [20]byte
		last := 0
		for i, j := refAt(s, 0); i >= 0; i, j = refAt(s, j) {
			if !isRef(s, i, j) {
				continue
			}
			if last == 0 {
				b.Grow(len(s) + 8)
			}
			col, n := splitRef(s[i:j])
			b.WriteString(s[last:i])
			b.WriteString(col)
			b.Write(strconv.AppendInt(num[:0], int64(row(n)), 10))
			last = j
		}
		if last == 0 {
			return s
		}
		b.WriteString(s[last:])
		return b.String()
	})
}

// refAt finds the next match of [A-Z]{1,3}[0-9]+ in s from from, as
// regexp's leftmost match would: i < 0 when there is none.
func refAt(s string, from int) (i, j int) {
	for i = from; i < len(s); i++ {
		n := 0
		for i+n < len(s) && isUpper(s[i+n]) {
			n++
		}
		if n == 0 || n > 3 || i+n >= len(s) || !isDigit(s[i+n]) {
			continue
		}
		j = i + n
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		return i, j
	}
	return -1, -1
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isRef tells a reference from part of a name (LOG10(, XE_L1).
func isRef(s string, i, j int) bool {
	if i > 0 {
		c := s[i-1]
		if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' {
			return false
		}
	}
	if j < len(s) {
		c := s[j]
		if c == '(' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' {
			return false
		}
	}
	return true
}

func splitRef(ref string) (string, int) {
	i := strings.IndexAny(ref, "0123456789")
	n, _ := strconv.Atoi(ref[i:])
	return ref[:i], n
}

// RowOf is the row number of an A1 reference.
func RowOf(ref string) int {
	_, n := splitRef(strings.ReplaceAll(ref, "$", ""))
	return n
}

// WithRow is ref moved to row n.
func WithRow(ref string, n int) string {
	col, _ := splitRef(strings.ReplaceAll(ref, "$", ""))
	return col + strconv.Itoa(n)
}

// NormText is text as compared: without white space, which re-saves and
// wrapping may change.
func NormText(s string) string { return strings.Join(strings.Fields(s), "") }

// Same reports whether a cell still shows the preset value: numbers as
// decimals (17.52 = 17.520, a binary float's last digits ignored), text
// without white space.
func Same(f Field, c form.Cell) bool {
	if !f.Num {
		return NormText(f.Value) == NormText(c.Text)
	}
	want, err := decimal.NewFromString(f.Value)
	if err != nil {
		return false
	}
	got, ok := CellNum(c)
	if !ok {
		return false
	}
	tol := decimal.New(1, -9).Mul(decimal.Max(want.Abs(), decimal.NewFromInt(1)))
	return got.Sub(want).Abs().LessThanOrEqual(tol)
}

// CellNum is the number a cell holds: its stored value, else its text.
func CellNum(c form.Cell) (decimal.Decimal, bool) {
	for _, s := range []string{c.Raw, c.Text} {
		s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
		if d, err := decimal.NewFromString(s); err == nil {
			return d, true
		}
	}
	if c.Num != nil && !c.Percent {
		return *c.Num, true
	}
	return decimal.Decimal{}, false
}

// Shown is how a diff writes a current value.
func Shown(c form.Cell) string {
	if c.Text != "" {
		return c.Text
	}
	return c.Raw
}
