package formulas

import (
	"strings"

	"github.com/shopspring/decimal"
)

// The figures the form derives. Each is one expression over named inputs;
// the checker evaluates it over intervals and the template renders it.
//
// Names of inputs:
//   budget, exec          全年预算数 and 全年执行数 of a funds row
//   rate, weight          执行率 and 分值 of the funds total row
//   parts                 the parts of a funds column (all rows but the total)
//   funds_score, scores   budget 得分 and the indicator 得分 range
//   funds_weight, weights budget 分值 and the indicator 分值 range
//   total                 总分
//   name                  a 一级指标 as written (weights.l1)
//   w, t_num, a_num, op,  an indicator's 分值, target number, actual number,
//   lvl, kind             operator code (Op), completion level (Level) and
//                         kind (Kind); read.go renders how the sheet reads them

// ExecRate is funds.rate: 执行率 = 全年执行数 ÷ 全年预算数 × 100, 0 where the budget is 0.
func ExecRate() Expr {
	return If(Eq(R("budget"), N("0")), N("0"), Mul(Div(R("exec"), R("budget")), N("100")))
}

// FundsScore is funds.score: 得分 = 分值 × min(执行率 ÷ 100, 1).
func FundsScore() Expr {
	return Mul(R("weight"), Min(Div(R("rate"), N("100")), N("1")))
}

// FundsSum is funds.sum: 年度资金总额 = Σ its parts, the rows under it:
// 当年财政拨款 + 上年结转资金 + 其他资金 (四川 also 财政专户管理资金, 单位资金).
func FundsSum() Expr { return Sum(R("parts")) }

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

// Cap is ind.cap: the highest score the completion allows, for a row of
// kind KindQuant (w, t_num, a_num, op) or KindQual (w, lvl).
//
//	positive (≥ >): met when a ≥ t → w; missed → w × a ÷ t
//	reverse (≤ <):  met when a ≤ t → w; missed → w × t ÷ a
//	exact (=):      met when a = t → w; missed → w × min(a ÷ t, t ÷ a)
//	qualitative:    达成 → w; 部分达成 → under 80%; 未达成 → under 50%.
//
// A missed target is at most one displayed unit (10^-places) under w,
// and "under" is rendered as one unit below the bound, so the cap is
// inclusive everywhere. Only integer literals: Gnumeric rewrites decimal
// ones when it saves (0.01 as 0.0099999…).
func Cap(p *Profile) Expr {
	w, t, a := R("w"), R("t_num"), R("a_num")
	unit := Div(N("1"), numLit{decimal.New(1, p.Places)})
	zero := N("0")
	missed := func(x Expr) Expr { return Max(zero, Min(x, Sub(w, unit))) }
	positive := If(Ge(a, t), w, If(Le(t, zero), zero, missed(Div(Mul(w, a), t))))
	reverse := If(Le(a, t), w, If(Le(a, zero), zero, missed(Div(Mul(w, t), a))))
	exact := If(Eq(a, t), w, If(Or(Le(a, zero), Le(t, zero)), zero, missed(Mul(w, Min(Div(a, t), Div(t, a))))))
	qual := If(lvlIs(LevelMissed), Max(zero, Sub(Div(w, N("2")), unit)),
		If(lvlIs(LevelPartial), Max(zero, Sub(Div(Mul(w, N("4")), N("5")), unit)), w))
	return If(Eq(R("kind"), num(KindQual)), qual,
		If(Or(opIs(OpGE), opIs(OpGT)), positive,
			If(Or(opIs(OpLE), opIs(OpLT)), reverse, exact)))
}

// Point evaluates e on exact inputs and rounds like the template does:
// the value a spreadsheet shows for the same inputs.
func Point(e Expr, env Env, places int32) (Val, error) {
	v, err := e.Eval(env)
	if err != nil {
		return v, err
	}
	return Rounded(v, places), nil
}

// Rounded is v rounded like the template does (Point of an evaluated v).
func Rounded(v Val, places int32) Val {
	if v.IsStr {
		return v
	}
	return NumVal(round(v.Num, places))
}

// Num is a convenience to bind an exact number.
func Num(d decimal.Decimal) Val { return NumVal(Exact(d)) }

// Escape quotes a string for use inside an Excel formula.
func Escape(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// TotalShown is 总分 as the template shows it: blank until a score is
// typed (a blank form shows no total), else TotalScore to places.
func TotalShown(p *Profile) Expr {
	return If(Eq(Count(R("scores")), N("0")), S(""), Round(TotalScore(), p.Places))
}

// GradeShown is 评分等级 as the template shows it: blank while the total is.
func GradeShown(p *Profile) Expr {
	return If(Eq(R("total"), S("")), S(""), Grade(p))
}

// WeightsOff is weights.sum as the template colours it: weights typed and
// not adding up to the profile's total.
func WeightsOff(p *Profile) Expr {
	return And(Gt(Count(R("weights")), N("0")), Ne(R("weights_total"), numLit{p.TotalWeight}))
}

// ReasonMissing is ind.reason: a score below its weight with no
// deviation reason (names score, w, reason).
func ReasonMissing() Expr {
	return And(IsNumber(R("score")), IsNumber(R("w")), Lt(R("score"), R("w")), Eq(normText(R("reason")), S("")))
}

// L1Weight is weights.l1: the weight a 一级指标 states = Σ 分值 of its rows.
func L1Weight() Expr { return Sum(R("weights")) }

// L1Shown is weights.l1 as the template writes it: the 一级指标 cell of a
// layout whose 一级 carry their weight, 产出指标(50分), the weight being
// Σ 分值 of its rows (names name, weights); the name alone until a
// weight is typed.
func L1Shown() Expr {
	return If(Eq(Count(R("weights")), N("0")), R("name"), Concat(R("name"), S("("), L1Weight(), S("分)")))
}

// Rules are the expressions the template renders, by name: every formula
// and conditional format it writes is one of them (helpers as
// "helper.<name>").
func Rules(p *Profile) map[string]Expr {
	m := map[string]Expr{
		"funds.sum":   FundsSum(),
		"funds.rate":  Round(ExecRate(), p.Places),
		"funds.score": Round(FundsScore(), p.Places),
		"weights.sum": Round(WeightsSum(), p.Places),
		"weights.off": WeightsOff(p),
		"total.sum":   TotalShown(p),
		"total.grade": GradeShown(p),
		"ind.cap":     OverCap(),
		"ind.reason":  ReasonMissing(),
		"weights.l1":  L1Shown(),
	}
	for _, h := range RowHelpers(p) {
		m["helper."+h.Name] = h.Expr
	}
	return m
}

// Bounds are the range a typed figure must lie in: the template's data
// validation renders them and the checker evaluates them. Hi is nil when
// there is no upper bound.
type Bounds struct{ Lo, Hi Expr }

// ScoreBounds is ind.range: 0 ≤ 得分 ≤ 分值 (names w).
func ScoreBounds() Bounds { return Bounds{N("0"), R("w")} }

// WeightBounds is what one 分值 may be: 0 to the profile's total.
func WeightBounds(p *Profile) Bounds { return Bounds{N("0"), numLit{p.TotalWeight}} }

// AmountBounds is what an amount may be: not negative.
func AmountBounds() Bounds { return Bounds{N("0"), nil} }

// Holds reports whether figure x lies within b over env (binding x).
func (b Bounds) Holds(x Val, env Env) bool {
	env["x"] = x
	v, err := b.Cond().Eval(env)
	return err == nil && v.True()
}

// Cond is the condition that the figure named x lies within b: what
// Holds evaluates, for a caller that evaluates it many times.
func (b Bounds) Cond() Expr {
	c := Ge(R("x"), b.Lo)
	if b.Hi != nil {
		c = And(c, Le(R("x"), b.Hi))
	}
	return c
}
