package formulas

import (
	"strconv"

	"github.com/shopspring/decimal"
)

// The sheet's reading of an indicator row: what Parse and the checker's
// row logic decide, rendered for the template's hidden helper cells from
// the same tables (opSpellings, opSuffixes, levelWords, unitCanon) and
// the same Kind and Cap expressions. Each helper is a named expression
// over the row's inputs (target, actual, w, l1, l2) and the helpers
// before it; TestReadingAgreesWithParse evaluates them in Go against
// Parse, and the template tests recalculate them in LibreOffice and
// Gnumeric.

// Helper is one hidden helper cell of an indicator row.
type Helper struct {
	Name string
	Expr Expr
}

// maxNumberLen bounds the characters the sheet reads as a number.
const maxNumberLen = 15

// sheetFolds are the characters Normalize folds or drops that the sheet
// folds too (Normalize folds every full-width form; a formula can only
// list them).
var sheetFolds = [][2]string{
	{" ", ""}, {"\u3000", ""}, {"\u00a0", ""}, {"（", "("}, {"）", ")"}, {"％", "%"}, {"，", ","}, {"．", "."},
	{"０", "0"}, {"１", "1"}, {"２", "2"}, {"３", "3"}, {"４", "4"}, {"５", "5"}, {"６", "6"}, {"７", "7"}, {"８", "8"}, {"９", "9"},
}

// unitCanon maps spellings of one unit to the one SameUnit compares.
var unitCanon = [][2]string{{"百分比", "%"}, {"％", "%"}}

// CanonUnit is the unit as the sheet and SameUnit compare it.
func CanonUnit(u string) string {
	for _, c := range unitCanon {
		if u == c[0] {
			return c[1]
		}
	}
	return u
}

func num(i int) Expr { return numLit{decimal.NewFromInt(int64(i))} }

// normText renders Normalize over a cell: spaces, tabs and line breaks
// dropped, full-width forms folded.
func normText(x Expr) Expr {
	e := x
	for _, f := range sheetFolds {
		e = Substitute(e, S(f[0]), S(f[1]))
	}
	for _, c := range []int{9, 10, 13} {
		e = Substitute(e, fn("CHAR", num(c)), S(""))
	}
	return e
}

// isDigitAt is true when character k of s is a digit (false past the end:
// FIND finds "" anywhere).
func isDigitAt(s, k Expr) Expr {
	c := Mid(s, k, N("1"))
	return And(Ne(c, S("")), IsNumber(Find(c, S("0123456789"))))
}

// What prefixOp yields for the operator a text starts with.
const (
	opLength = iota // its length in characters
	opPair          // length × 10 + its code (Op < 10): one reading for both
)

// prefixOp renders the operator a text starts with, as Parse reads it:
// the first spelling in opSpellings that matches; a spelling in words
// counts only before a number.
func prefixOp(s Expr, what int) Expr {
	var e Expr = N("0")
	for i := len(opSpellings) - 1; i >= 0; i-- {
		o := opSpellings[i]
		n := len([]rune(o.s))
		hit := num(n)
		if what == opPair {
			hit = num(n*10 + int(o.op))
		}
		if wordOp(o.s) {
			hit = If(isDigitAt(s, num(n+1)), hit, N("0"))
		}
		e = If(Eq(Left(s, num(n)), S(o.s)), hit, e)
	}
	return e
}

// numberLen renders the length of the run of digits, '.' and ',' that
// starts at character start+1 of s (a digit first), 0 for none.
func numberLen(s, start Expr) Expr {
	at := func(k int) Expr {
		c := Mid(s, Add(start, num(k)), N("1"))
		return And(Ne(c, S("")), IsNumber(Find(c, S("0123456789.,"))))
	}
	var e Expr = num(maxNumberLen)
	for k := maxNumberLen; k >= 2; k-- {
		e = If(at(k), e, num(k-1))
	}
	return If(isDigitAt(s, Add(start, N("1"))), e, N("0"))
}

// deadline renders IsDeadline for the spellings forms use: a date or
// month (or 年底, 年内) ending in 前, 前完成, 底, 末, 旬 or 内, a month or
// day followed by 完成, or a date alone (isDate).
func deadline(s Expr) Expr {
	var c []Expr
	for _, e := range []string{"前", "前完成", "月底", "月末", "年底", "年末", "旬", "年内", "年内完成", "月完成", "日完成"} {
		c = append(c, Eq(Right(s, num(len([]rune(e)))), S(e)))
	}
	has := func(x string) Expr { return IsNumber(Find(S(x), s)) }
	// The last character, after a digit (the first of the last two:
	// MID at LEN-1 is an error in LibreOffice for an empty cell).
	before := Left(Right(s, N("2")), N("1"))
	digit := IsNumber(Find(before, S("0123456789")))
	last := func(x string) Expr { return And(Eq(Right(s, N("1")), S(x)), digit) }
	date := Or(And(last("月"), has("年")), And(Or(last("日"), last("号")), has("月")))
	return And(Or(isDigitAt(s, N("1")), Eq(Left(s, N("1")), S("年"))), Or(append(c, date)...))
}

// suffixOp renders the operator written after the figure (95%以上).
func suffixOp(rest Expr, code bool) Expr {
	var e Expr = N("0")
	if !code {
		e = rest
	}
	for i := len(opSuffixes) - 1; i >= 0; i-- {
		o := opSuffixes[i]
		n := num(len([]rune(o.s)))
		var hit Expr = num(int(o.op))
		if !code {
			hit = Left(rest, Sub(Len(rest), n))
		}
		e = If(Eq(Right(rest, n), S(o.s)), hit, e)
	}
	return e
}

// unitOf renders the unit: the rest without a suffix operator and
// brackets, in its canonical spelling.
func unitOf(rest Expr) Expr {
	u := suffixOp(rest, false)
	for _, b := range []string{"(", ")", "[", "]"} {
		u = Substitute(u, S(b), S(""))
	}
	for i := len(unitCanon) - 1; i >= 0; i-- {
		u = Substitute(u, S(unitCanon[i][0]), S(unitCanon[i][1]))
	}
	return u
}

// hasDigit is true when text u holds a digit.
func hasDigit(u Expr) Expr {
	e := u
	for d := 0; d <= 9; d++ {
		e = Substitute(e, S(strconv.Itoa(d)), S(""))
	}
	return Ne(Len(e), Len(u))
}

// dots renders the number of '.' in x: VALUE reads 1.2.3 or 2023.11.30
// as a date in Gnumeric (and Excel in some locales), not as no number.
func dots(x Expr) Expr { return Sub(Len(x), Len(Substitute(x, S("."), S("")))) }

// valueHelpers read one value (target or actual) of cell in: its text,
// operator, number and unit, and whether Parse would fail on it.
func valueHelpers(p, in string, withOp bool) []Helper {
	s, plen, n, numb, rest := R(p+"s"), R(p+"plen"), R(p+"n"), R(p+"num"), R(p+"rest")
	hs := []Helper{{p + "s", normText(R(in))}}
	if withOp {
		// The operator read once: its length and code from one number.
		hs = append(hs, Helper{p + "pre", prefixOp(s, opPair)},
			Helper{p + "plen", RoundDown(Div(R(p+"pre"), N("10")), 0)})
	} else {
		hs = append(hs, Helper{p + "plen", prefixOp(s, opLength)})
	}
	hs = append(hs,
		Helper{p + "n", If(deadline(s), N("0"), numberLen(s, plen))},
		Helper{p + "num", If(Or(Eq(n, N("0")), Gt(dots(Mid(s, Add(plen, N("1")), n)), N("1"))), S(""),
			IfError(ToNumber(Substitute(Mid(s, Add(plen, N("1")), n), S(","), S(""))), S("")))},
		Helper{p + "rest", Mid(s, Add(Add(plen, n), N("1")), N("99"))},
		Helper{p + "unit", If(Eq(n, N("0")), S(""), unitOf(rest))},
		Helper{p + "err", Or(Eq(s, S("")), And(Gt(plen, N("0")), Eq(n, N("0"))),
			And(Gt(n, N("0")), Or(Not(IsNumber(numb)), hasDigit(R(p+"unit")))))},
	)
	if withOp {
		code := Sub(R(p+"pre"), Mul(plen, N("10")))
		hs = append(hs, Helper{p + "op", If(Gt(plen, N("0")), code, If(Gt(n, N("0")), suffixOp(rest, true), N("0")))})
	}
	return hs
}

// levelOf renders the completion level an actual states (LevelOf), or
// 达成 for an actual that repeats the target; none for a number.
func levelOf() Expr {
	as, ts := R("a_s"), R("t_s")
	same := If(And(Ne(as, S("")), Eq(as, ts)), num(int(LevelMet)), N("0"))
	e := same
	for i := len(levelWords) - 1; i >= 0; i-- {
		w := levelWords[i]
		e = If(IsNumber(Find(S(w.s), as)), num(int(w.l)), e)
	}
	return If(IsNumber(R("a_num")), N("0"), If(deadline(as), same, e))
}

// targetOp renders the operator a target is judged by: its own, or for
// a bare number ≥, ≤ under 成本指标 (as validate's bareOp).
func targetOp() Expr {
	cost := func(l string) Expr { return Eq(normText(R(l)), S("成本指标")) }
	return If(And(IsNumber(R("t_num")), Eq(R("t_op"), N("0"))),
		If(Or(cost("l1"), cost("l2")), num(int(OpLE)), num(int(OpGE))), R("t_op"))
}

// RowHelpers are the helper cells of an indicator row, in order; each
// refers only to the row's inputs and the helpers before it. The last is
// the cap the sheet compares the score with.
func RowHelpers(p *Profile) []Helper {
	hs := valueHelpers("t_", "target", true)
	hs = append(hs, valueHelpers("a_", "actual", false)...)
	return append(hs,
		Helper{"lvl", levelOf()},
		Helper{"op", targetOp()},
		Helper{"kind", Kind()},
		Helper{"cap", CapShown(p)},
	)
}

// Kinds of completion (Kind).
const (
	KindNone  = 0 // cannot be judged (ind.level, ind.unit, ind.parse say why)
	KindQuant = 1 // a number against a target with an operator
	KindQual  = 2 // a stated completion level
)

// Kind classifies how a row's completion is judged, from t_err, a_err
// (truths), t_num, a_num (numbers or ""), op, t_unit, a_unit and lvl.
func Kind() Expr {
	tn, an := IsNumber(R("t_num")), IsNumber(R("a_num"))
	sameUnit := Or(Eq(R("t_unit"), S("")), Eq(R("a_unit"), S("")), Eq(R("t_unit"), R("a_unit")))
	return If(Or(R("t_err"), R("a_err")), num(KindNone),
		If(And(an, tn, Gt(R("op"), N("0")), sameUnit), num(KindQuant),
			If(And(Not(an), Gt(R("lvl"), N("0"))), num(KindQual), num(KindNone))))
}

// CapShown is the cap as the sheet shows it and the checker judges by:
// Cap to places, rounded down (a missed target never rounds up to full
// marks), blank where no cap applies. ROUND to 9 places first takes off
// binary floating-point noise (4.9399999…) before ROUNDDOWN.
func CapShown(p *Profile) Expr {
	return If(And(IsNumber(R("w")), Gt(R("kind"), N("0"))), RoundDown(Round(Cap(p), 9), p.Places), S(""))
}

// OverCap is ind.cap: a typed score above the shown cap (the sheet
// colours it; names score and cap).
func OverCap() Expr {
	return And(IsNumber(R("score")), IsNumber(R("cap")), Gt(R("score"), R("cap")))
}

// EvalHelpers evaluates hs in order over env (the row's inputs), adding
// each helper's value to env under its name: what the sheet computes.
func EvalHelpers(hs []Helper, env Env) error {
	for _, h := range hs {
		v, err := h.Expr.Eval(env)
		if err != nil {
			return err
		}
		env[h.Name] = v
	}
	return nil
}

// Cached is a value as a spreadsheet stores it: a decimal, a string or
// a bool.
func (v Val) Cached() any {
	switch {
	case v.IsStr:
		return v.Str()
	case v.truth == tTrue:
		return true
	case v.truth == tFalse:
		return false
	}
	return v.Num.Lo
}
