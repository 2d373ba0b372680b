package formulas

import (
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// The text functions the sheet reads targets and actuals with. Each is
// one that Excel 2010, WPS, LibreOffice and Gnumeric evaluate alike on a
// single cell (no arrays), and Go evaluates it the same way so a test
// can hold the rendered reading against Parse. Positions count
// characters, as the spreadsheets do for the text these forms hold.

func fn(name string, args ...Expr) Expr { return call{fn: name, args: args} }

// Left, Right, Mid, Len, Substitute, Find, ToNumber (VALUE) and IfError are the
// spreadsheet functions of the same names.
func Left(s, n Expr) Expr          { return fn("LEFT", s, n) }
func Right(s, n Expr) Expr         { return fn("RIGHT", s, n) }
func Mid(s, start, n Expr) Expr    { return fn("MID", s, start, n) }
func Len(s Expr) Expr              { return fn("LEN", s) }
func Substitute(s, a, b Expr) Expr { return fn("SUBSTITUTE", s, a, b) }
func Find(needle, s Expr) Expr     { return fn("FIND", needle, s) }
func ToNumber(s Expr) Expr         { return fn("VALUE", s) }
func IfError(a, b Expr) Expr       { return fn("IFERROR", a, b) }

// Concat joins its arguments as text (CONCATENATE: a function, not &, so
// no precedence to render); a number as the spreadsheets write it, 50 or 12.5.
func Concat(parts ...Expr) Expr { return fn("CONCATENATE", parts...) }

// text is what a spreadsheet makes of v where it wants text.
func text(v Val) string {
	if v.IsStr {
		return v.Str()
	}
	return v.Num.Lo.String()
}

func intArg(v Val) int { return int(v.Num.Lo.IntPart()) }

func runes(v Val) []rune { return []rune(text(v)) }

// textFn evaluates text function name over its arguments' values, false
// for a name it does not know. A switch, not a map of funcs: v stays on
// the caller's stack (a func value would make every call copy it to the
// heap), and the template evaluates these per helper cell.
func textFn(name string, v []Val) (Val, bool) {
	switch name {
	case "CONCATENATE":
		var b strings.Builder
		for _, x := range v {
			b.WriteString(text(x))
		}
		return StrVal(b.String()), true
	case "CHAR":
		return StrVal(string(rune(intArg(v[0])))), true
	case "LEFT":
		r := runes(v[0])
		return StrVal(string(r[:min(len(r), max(0, intArg(v[1])))])), true
	case "RIGHT":
		r := runes(v[0])
		n := min(len(r), max(0, intArg(v[1])))
		return StrVal(string(r[len(r)-n:])), true
	case "MID":
		r := runes(v[0])
		start, n := intArg(v[1]), intArg(v[2])
		if start < 1 || n < 0 {
			return Val{Err: true}, true
		}
		if start > len(r) {
			return StrVal(""), true
		}
		return StrVal(string(r[start-1 : min(len(r), start-1+n)])), true
	case "LEN":
		return Num(decimal.NewFromInt(int64(utf8.RuneCountInString(text(v[0]))))), true
	case "SUBSTITUTE":
		if text(v[1]) == "" {
			return StrVal(text(v[0])), true
		}
		return StrVal(strings.ReplaceAll(text(v[0]), text(v[1]), text(v[2]))), true
	case "FIND":
		h := text(v[1])
		i := strings.Index(h, text(v[0]))
		if i < 0 {
			return Val{Err: true}, true
		}
		return Num(decimal.NewFromInt(int64(utf8.RuneCountInString(h[:i]) + 1))), true
	case "VALUE":
		if !v[0].IsStr {
			return v[0], true
		}
		d, err := decimal.NewFromString(v[0].Str())
		if err != nil || strings.ContainsAny(v[0].Str(), "eE") {
			return Val{Err: true}, true
		}
		return Num(d), true
	}
	return Val{}, false
}
