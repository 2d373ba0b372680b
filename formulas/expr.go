package formulas

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Val is the value of an expression: a number interval, a set of possible
// strings, or a three-valued truth (for conditions).
type Val struct {
	Num   Interval
	Strs  []string // possible string results, sorted, when IsStr
	IsStr bool
	// List holds the members of a range reference (for Sum).
	List []Interval
	// Truth of a condition: tTrue, tFalse or tMaybe.
	truth int
	// Err is a spreadsheet error value (#VALUE!): FIND that finds nothing,
	// VALUE of a text that is no number.
	Err bool
}

// Bool wraps a truth value.
func Bool(b bool) Val { return Val{truth: truthOf(b)} }

// IsNum reports whether v is a number (ISNUMBER).
func (v Val) IsNum() bool { return !v.IsStr && !v.Err && v.truth == tNone && v.List == nil }

// True reports whether v is a condition that holds for every input.
func (v Val) True() bool { return v.truth == tTrue }

// Str is the text of a single-string value.
func (v Val) Str() string {
	if v.IsStr && len(v.Strs) == 1 {
		return v.Strs[0]
	}
	return ""
}

const (
	tNone = iota
	tTrue
	tFalse
	tMaybe
)

// Env binds reference names to values for evaluation.
type Env map[string]Val

// NumVal wraps an interval.
func NumVal(i Interval) Val { return Val{Num: i} }

// ListVal wraps a range of intervals.
func ListVal(l []Interval) Val { return Val{List: l} }

// StrVal wraps a string.
func StrVal(s string) Val { return Val{Strs: []string{s}, IsStr: true} }

// Refs binds reference names to A1 references or ranges for rendering.
type Refs map[string]string

// Expr is a rule's formula: evaluable in Go and renderable for Excel.
type Expr interface {
	Eval(Env) (Val, error)
	// excel renders the expression; prec is its precedence (higher binds tighter).
	excel(Refs) (s string, prec int)
}

// Excel renders e as an Excel formula body (without '=').
func Excel(e Expr, r Refs) string { s, _ := e.excel(r); return s }

const (
	precCmp  = 1
	precAdd  = 2
	precMul  = 3
	precAtom = 4
)

type numLit struct{ d decimal.Decimal }
type strLit struct{ s string }
type ref struct{ name string }
type binop struct {
	op   byte // + - * /
	a, b Expr
}
type call struct {
	fn   string // MIN MAX ROUND SUM OR AND, and the text functions of text.go
	args []Expr
	n    int32 // places for ROUND and ROUNDDOWN
}
type cmp struct {
	op   string // = <> < <= > >=
	a, b Expr
}
type ifx struct{ c, a, b Expr }

// N is a number literal.
func N(s string) Expr { return numLit{decimal.RequireFromString(s)} }

// S is a string literal.
func S(s string) Expr { return strLit{s} }

// R references a named input cell (or range, for Sum).
func R(name string) Expr { return ref{name} }

func Add(a, b Expr) Expr { return binop{'+', a, b} }
func Sub(a, b Expr) Expr { return binop{'-', a, b} }
func Mul(a, b Expr) Expr { return binop{'*', a, b} }
func Div(a, b Expr) Expr { return binop{'/', a, b} }

func Min(a, b Expr) Expr { return call{fn: "MIN", args: []Expr{a, b}} }
func Max(a, b Expr) Expr { return call{fn: "MAX", args: []Expr{a, b}} }
func Sum(r Expr) Expr    { return call{fn: "SUM", args: []Expr{r}} }
func Or(c ...Expr) Expr  { return call{fn: "OR", args: c} }
func And(c ...Expr) Expr { return call{fn: "AND", args: c} }
func Not(c Expr) Expr    { return call{fn: "NOT", args: []Expr{c}} }

// IsNumber is ISNUMBER: true for a number, false for text or an error.
func IsNumber(a Expr) Expr { return call{fn: "ISNUMBER", args: []Expr{a}} }

// Count is COUNT over a range: how many of its cells hold numbers.
func Count(r Expr) Expr { return call{fn: "COUNT", args: []Expr{r}} }

// RoundDown truncates toward zero to places, like Excel's ROUNDDOWN.
func RoundDown(a Expr, places int32) Expr {
	return call{fn: "ROUNDDOWN", args: []Expr{a}, n: places}
}

// Round rounds half away from zero, like Excel's ROUND.
func Round(a Expr, places int32) Expr { return call{fn: "ROUND", args: []Expr{a}, n: places} }
func If(c, a, b Expr) Expr            { return ifx{c, a, b} }
func Eq(a, b Expr) Expr               { return cmp{"=", a, b} }
func Ge(a, b Expr) Expr               { return cmp{">=", a, b} }
func Gt(a, b Expr) Expr               { return cmp{">", a, b} }
func Le(a, b Expr) Expr               { return cmp{"<=", a, b} }
func Lt(a, b Expr) Expr               { return cmp{"<", a, b} }
func Ne(a, b Expr) Expr               { return cmp{"<>", a, b} }

func (e numLit) Eval(Env) (Val, error)    { return NumVal(Exact(e.d)), nil }
func (e numLit) excel(Refs) (string, int) { return e.d.String(), precAtom }

func (e strLit) Eval(Env) (Val, error) { return StrVal(e.s), nil }
func (e strLit) excel(Refs) (string, int) {
	return `"` + strings.ReplaceAll(e.s, `"`, `""`) + `"`, precAtom
}

func (e ref) Eval(env Env) (Val, error) {
	v, ok := env[e.name]
	if !ok {
		return Val{}, fmt.Errorf("formulas: no value for %q", e.name)
	}
	return v, nil
}
func (e ref) excel(r Refs) (string, int) {
	s, ok := r[e.name]
	if !ok {
		panic(fmt.Sprintf("formulas: no cell for %q", e.name))
	}
	return s, precAtom
}

func (e binop) Eval(env Env) (Val, error) {
	a, err := e.a.Eval(env)
	if err != nil {
		return Val{}, err
	}
	b, err := e.b.Eval(env)
	if err != nil {
		return Val{}, err
	}
	if a.Err || b.Err || a.IsStr || b.IsStr {
		return Val{Err: true}, nil
	}
	switch e.op {
	case '+':
		return NumVal(add(a.Num, b.Num)), nil
	case '-':
		return NumVal(sub(a.Num, b.Num)), nil
	case '*':
		return NumVal(mul(a.Num, b.Num)), nil
	}
	q, ok := div(a.Num, b.Num)
	if !ok {
		return Val{}, ErrDivZero
	}
	return NumVal(q), nil
}

// ErrDivZero is returned when a divisor may be zero.
var ErrDivZero = fmt.Errorf("formulas: division by a value that may be zero")

func (e binop) excel(r Refs) (string, int) {
	p := precAdd
	if e.op == '*' || e.op == '/' {
		p = precMul
	}
	a, pa := e.a.excel(r)
	b, pb := e.b.excel(r)
	if pa < p {
		a = "(" + a + ")"
	}
	if pb < p || (pb == p && (e.op == '-' || e.op == '/')) {
		b = "(" + b + ")"
	}
	return a + string(e.op) + b, p
}

func (e call) Eval(env Env) (Val, error) {
	if e.fn == "IFERROR" {
		v, err := e.args[0].Eval(env)
		if err != nil || !v.Err {
			return v, err
		}
		return e.args[1].Eval(env)
	}
	// The arguments' values stay on the stack for the usual few: the
	// checker evaluates these per indicator row.
	var buf [4]Val
	vs := buf[:0]
	for _, a := range e.args {
		v, err := a.Eval(env)
		if err != nil {
			return Val{}, err
		}
		vs = append(vs, v)
	}
	switch e.fn {
	case "MIN":
		return NumVal(minI(vs[0].Num, vs[1].Num)), nil
	case "MAX":
		return NumVal(maxI(vs[0].Num, vs[1].Num)), nil
	case "ROUND":
		return NumVal(round(vs[0].Num, e.n)), nil
	case "ROUNDDOWN":
		return NumVal(Interval{vs[0].Num.Lo.Truncate(e.n), vs[0].Num.Hi.Truncate(e.n)}), nil
	case "COUNT":
		return Num(decimal.NewFromInt(int64(len(vs[0].List)))), nil
	case "ISNUMBER":
		return Bool(vs[0].IsNum()), nil
	case "NOT":
		switch vs[0].truth {
		case tTrue:
			return Bool(false), nil
		case tFalse:
			return Bool(true), nil
		}
		return Val{truth: tMaybe}, nil
	case "AND":
		t := tTrue
		for _, v := range vs {
			switch v.truth {
			case tFalse:
				return Val{truth: tFalse}, nil
			case tMaybe:
				t = tMaybe
			}
		}
		return Val{truth: t}, nil
	case "SUM":
		s := Exact(decimal.Zero)
		for _, x := range vs[0].List {
			s = add(s, x)
		}
		return NumVal(s), nil
	case "OR":
		t := tFalse
		for _, v := range vs {
			switch v.truth {
			case tTrue:
				return Val{truth: tTrue}, nil
			case tMaybe:
				t = tMaybe
			}
		}
		return Val{truth: t}, nil
	}
	if v, ok := textFn(e.fn, vs); ok {
		return v, nil
	}
	return Val{}, fmt.Errorf("formulas: unknown function %s", e.fn)
}

func (e call) excel(r Refs) (string, int) {
	parts := make([]string, len(e.args))
	for i, a := range e.args {
		parts[i], _ = a.excel(r)
	}
	if e.fn == "ROUND" || e.fn == "ROUNDDOWN" {
		parts = append(parts, fmt.Sprint(e.n))
	}
	return e.fn + "(" + strings.Join(parts, ",") + ")", precAtom
}

func (e cmp) Eval(env Env) (Val, error) {
	a, err := e.a.Eval(env)
	if err != nil {
		return Val{}, err
	}
	b, err := e.b.Eval(env)
	if err != nil {
		return Val{}, err
	}
	if a.Err || b.Err {
		return Val{Err: true}, nil
	}
	if a.IsStr != b.IsStr && (e.op == "=" || e.op == "<>") {
		// Text never equals a number in a spreadsheet.
		return Bool(e.op == "<>"), nil
	}
	if a.IsStr || b.IsStr {
		if (e.op != "=" && e.op != "<>") || len(a.Strs) != 1 || len(b.Strs) != 1 {
			return Val{truth: tMaybe}, nil
		}
		return Bool((a.Strs[0] == b.Strs[0]) == (e.op == "=")), nil
	}
	x, y := a.Num, b.Num
	// always: true for every pair of values; never: false for every pair.
	var always, never bool
	switch e.op {
	case "=":
		always = x.Point() && y.Point() && x.Lo.Equal(y.Lo)
		never = !x.Overlaps(y)
	case "<>":
		always = !x.Overlaps(y)
		never = x.Point() && y.Point() && x.Lo.Equal(y.Lo)
	case ">=":
		always = !x.Lo.LessThan(y.Hi)
		never = x.Hi.LessThan(y.Lo)
	case ">":
		always = x.Lo.GreaterThan(y.Hi)
		never = !x.Hi.GreaterThan(y.Lo)
	case "<=":
		always = !x.Hi.GreaterThan(y.Lo)
		never = x.Lo.GreaterThan(y.Hi)
	case "<":
		always = x.Hi.LessThan(y.Lo)
		never = !x.Lo.LessThan(y.Hi)
	}
	switch {
	case always:
		return Val{truth: tTrue}, nil
	case never:
		return Val{truth: tFalse}, nil
	}
	return Val{truth: tMaybe}, nil
}

func truthOf(b bool) int {
	if b {
		return tTrue
	}
	return tFalse
}

func (e cmp) excel(r Refs) (string, int) {
	a, _ := e.a.excel(r)
	b, _ := e.b.excel(r)
	return a + e.op + b, precCmp
}

func (e ifx) Eval(env Env) (Val, error) {
	c, err := e.c.Eval(env)
	if err != nil {
		return Val{}, err
	}
	if c.Err {
		return c, nil
	}
	switch c.truth {
	case tTrue:
		return e.a.Eval(env)
	case tFalse:
		return e.b.Eval(env)
	}
	a, errA := e.a.Eval(env)
	b, errB := e.b.Eval(env)
	if errA != nil {
		return Val{}, errA
	}
	if errB != nil {
		return Val{}, errB
	}
	if a.IsStr || b.IsStr {
		return union(a, b), nil
	}
	return NumVal(hull(a.Num, b.Num)), nil
}

func union(a, b Val) Val {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a.Strs...), b.Strs...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return Val{Strs: out, IsStr: true}
}

func (e ifx) excel(r Refs) (string, int) {
	c, _ := e.c.excel(r)
	a, _ := e.a.excel(r)
	b, _ := e.b.excel(r)
	return "IF(" + c + "," + a + "," + b + ")", precAtom
}
