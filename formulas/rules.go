package formulas

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// The figures the form derives. Each is one expression over named inputs;
// the checker evaluates it over intervals and the template renders it.
//
// Names of inputs:
//   budget, exec          全年预算数 and 全年执行数 of a funds row
//   rate, weight          执行率 and 分值 of the funds total row
//   current, carry, other the three parts of a funds column
//   funds_score, scores   budget 得分 and the indicator 得分 range
//   funds_weight, weights budget 分值 and the indicator 分值 range
//   total                 总分
//   w, t, a, op, lvl      an indicator's 分值, target number, actual number,
//                         operator code (Op) and completion level (Level)

// ExecRate is funds.rate: 执行率 = 全年执行数 ÷ 全年预算数 × 100, 0 where the budget is 0.
func ExecRate() Expr {
	return If(Eq(R("budget"), N("0")), N("0"), Mul(Div(R("exec"), R("budget")), N("100")))
}

// FundsScore is funds.score: 得分 = 分值 × min(执行率 ÷ 100, 1).
func FundsScore() Expr {
	return Mul(R("weight"), Min(Div(R("rate"), N("100")), N("1")))
}

// FundsSum is funds.sum: 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金.
func FundsSum() Expr { return Add(Add(R("current"), R("carry")), R("other")) }

// TotalScore is total.sum: 总分 = budget 得分 + Σ indicator 得分.
func TotalScore() Expr { return Add(R("funds_score"), Sum(R("scores"))) }

// WeightsSum is weights.sum: budget 分值 + Σ indicator 分值 (must be 100).
func WeightsSum() Expr { return Add(R("funds_weight"), Sum(R("weights"))) }

// Grade is total.grade: the band of 总分.
func Grade(p *Profile) Expr {
	b := p.Bands
	e := S(b[len(b)-1].Grade)
	for i := len(b) - 2; i >= 0; i-- {
		e = If(Ge(R("total"), numLit{b[i].Min}), S(b[i].Grade), e)
	}
	return e
}

func opIs(o Op) Expr { return Eq(R("op"), numLit{decimal.NewFromInt(int64(o))}) }
func lvlIs(l Level) Expr {
	return Eq(R("lvl"), numLit{decimal.NewFromInt(int64(l))})
}

// Cap is ind.cap: the highest score the completion allows.
//
//	positive (≥ >): met when a ≥ t → w; missed → w × a ÷ t
//	reverse (≤ <):  met when a ≤ t → w; missed → w × t ÷ a
//	exact (=):      met when a = t → w; missed → w × min(a ÷ t, t ÷ a)
//	qualitative:    达成 → w; 部分达成 → under 80%; 未达成 → under 50%.
//
// "Under" is rendered as one displayed unit (10^-places) below the bound,
// so the cap is inclusive everywhere.
func Cap(p *Profile) Expr {
	w, t, a := R("w"), R("t"), R("a")
	unit := numLit{decimal.New(1, -p.Places)}
	zero := N("0")
	positive := If(Ge(a, t), w, If(Le(t, zero), zero, Div(Mul(w, a), t)))
	reverse := If(Le(a, t), w, Div(Mul(w, t), a))
	exact := If(Eq(a, t), w, If(Or(Le(a, zero), Le(t, zero)), zero, Mul(w, Min(Div(a, t), Div(t, a)))))
	qual := If(lvlIs(LevelMissed), Sub(Mul(w, N("0.5")), unit),
		If(lvlIs(LevelPartial), Sub(Mul(w, N("0.8")), unit), w))
	return If(Or(opIs(OpGE), opIs(OpGT)), positive,
		If(Or(opIs(OpLE), opIs(OpLT)), reverse,
			If(opIs(OpEQ), exact, qual)))
}

// Formula renders e as a template formula rounded to places, with '='.
func Formula(e Expr, r Refs, places int32) string {
	return "=" + Excel(Round(e, places), r)
}

// Point evaluates e on exact inputs and rounds like the template does:
// the value a spreadsheet shows for the same inputs.
func Point(e Expr, env Env, places int32) (Val, error) {
	v, err := e.Eval(env)
	if err != nil || v.IsStr {
		return v, err
	}
	return NumVal(round(v.Num, places)), nil
}

// Num is a convenience to bind an exact number.
func Num(d decimal.Decimal) Val { return NumVal(Exact(d)) }

// OpCodeFormula renders the Excel formula that reads a target cell's
// operator code from the same spellings Parse accepts.
func OpCodeFormula(cell string) string {
	c := "TRIM(" + cell + ")"
	e := "0"
	for i := len(opSpellings) - 1; i >= 0; i-- {
		o := opSpellings[i]
		n := len([]rune(o.s))
		e = fmt.Sprintf(`IF(LEFT(%s,%d)="%s",%d,%s)`, c, n, o.s, o.op, e)
	}
	return "=" + e
}

// LevelFormula renders the Excel formula that reads an actual cell's
// completion level from the same words LevelOf looks for. A text equal to
// the target's reads as met.
func LevelFormula(actual, target string) string {
	e := fmt.Sprintf(`IF(AND(%s<>"",TRIM(%s)=TRIM(%s)),%d,0)`, actual, actual, target, LevelMet)
	for i := len(levelWords) - 1; i >= 0; i-- {
		l := levelWords[i]
		e = fmt.Sprintf(`IF(ISNUMBER(SEARCH("%s",%s)),%d,%s)`, l.s, actual, l.l, e)
	}
	return "=" + e
}

// NumberFormula renders the Excel formula that reads the number of a
// target or actual cell written as `≥90.00(%)`, `≥50个`, `90.00(%)` or a
// bare number, skipping an operator of oplen characters (a cell or
// literal): the longest leading run that reads as a number, after
// thousands separators and % are removed. It yields "" when there is none.
func NumberFormula(cell, oplenExpr string) string {
	body := fmt.Sprintf(`SUBSTITUTE(SUBSTITUTE(MID(TRIM(%s),%s+1,99),",",""),"%%","")`, cell, oplenExpr)
	n := make([]string, maxNumberLen)
	for i := range n {
		n[i] = fmt.Sprint(i + 1)
	}
	return fmt.Sprintf(`=IF(ISNUMBER(%s),%s,IFERROR(-LOOKUP(1,-LEFT(%s,{%s})),""))`,
		cell, cell, body, strings.Join(n, ","))
}

// maxNumberLen bounds the characters NumberFormula reads as a number.
const maxNumberLen = 20

// OpLenFormula renders the Excel formula giving the number of characters
// of the operator a target starts with (0 for none).
func OpLenFormula(cell string) string {
	c := "TRIM(" + cell + ")"
	e := "0"
	for i := len(opSpellings) - 1; i >= 0; i-- {
		o := opSpellings[i]
		n := len([]rune(o.s))
		e = fmt.Sprintf(`IF(LEFT(%s,%d)="%s",%d,%s)`, c, n, o.s, n, e)
	}
	return "=" + e
}
