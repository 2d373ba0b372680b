package validate

import (
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// This file recomputes a form's derived figures from its inputs with the
// rules of formulas/, once for the checks and once for reports (Recompute).
// A typed figure stands for its rounding interval (formulas.Shown); a cell
// holding a formula is never trusted: downstream rules use its
// recomputation, and cache.stale compares the cached value.

// Figure is one recomputed figure.
type Figure struct {
	Known bool
	// Value is what a spreadsheet shows for the shown inputs taken as
	// typed, rounded to the form's places; Text is Value formatted.
	Value decimal.Decimal
	Text  string
	// Range holds every true value the rule allows given the inputs'
	// display rounding (unrounded); Rounded is Range rounded like the
	// template's ROUND.
	Range, Rounded formulas.Interval
}

// Summary is what Recompute derives from a form's inputs: each figure as
// the cell would show it ("" when it cannot be computed), and in Figures
// with its decimal value and the range the inputs' rounding allows.
type Summary struct {
	Rate       string // 执行率 of 年度资金总额
	FundsScore string // 预算执行率 得分
	Total      string // 总分 得分
	// Grade is the band of the shown total (taken as exact) when the form
	// shows one, else of the recomputed total.
	Grade string
	// Rescaled is set when 不适用 indicators were left out and the total
	// rescaled (Profile.Rescale).
	Rescaled bool
	Places   int32
	Figures  Figures
}

// Figures are the recomputed figures in full.
type Figures struct {
	Rates             [form.NumFunds]Figure // 执行率 per funds row
	FundsScore, Total Figure
}

// Recompute derives the funds rates and score, the total and the grade from
// f's inputs with profile p (nil: formulas.Default()). Reports use it where a
// formula cell shows nothing (a template never opened in a spreadsheet).
func Recompute(f *form.Form, p *formulas.Profile) Summary { return newCalc(f, p).summary() }

func (c *calc) summary() Summary {
	return Summary{
		Rate: c.rate[form.FundTotal].Text, FundsScore: c.fundsScore.Text, Total: c.total.Text,
		Grade: c.grade(), Rescaled: c.rescaled, Places: c.places,
		Figures: Figures{Rates: c.rate, FundsScore: c.fundsScore, Total: c.total},
	}
}

// in is one input of a rule: the interval of true values it stands for,
// and the value a spreadsheet holds for it.
type figIn struct {
	iv formulas.Interval
	v  decimal.Decimal
}

// shownIn reads a typed figure; ok is false when the cell shows no number.
func shownIn(c form.Cell) (figIn, bool) {
	if c.Num == nil {
		return figIn{}, false
	}
	return figIn{formulas.Shown(*c.Num, c.Places), *c.Num}, true
}

// exactIn reads a figure taken as written (targets, weights, typed scores).
func exactIn(c form.Cell) (figIn, bool) {
	if c.Num == nil {
		return figIn{}, false
	}
	return figIn{formulas.Exact(*c.Num), *c.Num}, true
}

func (g Figure) input() figIn { return figIn{g.Rounded, g.Value} }

// derived is the input a derived cell gives downstream rules: the
// recomputation when it holds a formula or shows nothing, else the shown
// figure. A typed figure's true value also lies within what its own rule
// allows, so where the two meet only their common part is kept (a budget
// score shown 10.00 is at most 10).
func derived(c form.Cell, g Figure) (figIn, bool) {
	if c.Formula == "" {
		if x, ok := shownIn(c); ok {
			if g.Known && x.iv.Overlaps(g.Range) {
				x.iv = formulas.Interval{Lo: decimal.Max(x.iv.Lo, g.Range.Lo), Hi: decimal.Min(x.iv.Hi, g.Range.Hi)}
			}
			return x, true
		}
	}
	return g.input(), g.Known
}

// envs binds the same names twice: to intervals (what the rule allows) and
// to the held values (what a spreadsheet shows).
type envs struct{ r, v formulas.Env }

func newEnvs() envs { return envs{formulas.Env{}, formulas.Env{}} }

func (e envs) set(name string, x figIn) {
	e.r[name] = formulas.NumVal(x.iv)
	e.v[name] = formulas.Num(x.v)
}

func (e envs) list(name string, xs []figIn) {
	var r, v []formulas.Interval // nil for no xs, as ListVal is given it
	if len(xs) > 0 {
		r, v = make([]formulas.Interval, 0, len(xs)), make([]formulas.Interval, 0, len(xs))
	}
	for _, x := range xs {
		r = append(r, x.iv)
		v = append(v, formulas.Exact(x.v))
	}
	e.r[name], e.v[name] = formulas.ListVal(r), formulas.ListVal(v)
}

// eval evaluates a numeric rule; Known is false when it cannot be (a
// divisor that may be zero).
func evalFig(x formulas.Expr, e envs, places int32) Figure {
	r, err := x.Eval(e.r)
	if err != nil {
		return Figure{}
	}
	rr := formulas.Rounded(r, places) // Point over e.r, without a second walk
	v, err := formulas.Point(x, e.v, places)
	if err != nil {
		return Figure{}
	}
	return Figure{Known: true, Value: v.Num.Lo, Text: v.Num.Lo.StringFixed(places), Range: r.Num, Rounded: rr.Num}
}

// Amount columns of the funds block checked by funds.sum.
const (
	colInitial = iota
	colBudget
	colExec
	numCols
)

func amountCell(r *form.FundRow, col int) form.Cell {
	return [...]form.Cell{r.Initial, r.Budget, r.Exec}[col]
}

// row is one indicator with its target and actual read.
type indRow struct {
	*form.Indicator
	blank bool // nothing typed: a spare template row
	na    bool // marked 不适用 and the profile rescales
	tv    formulas.Value
	av    formulas.Value
	tErr  error
	aErr  error
	// k is formulas.Kind of the row, capped its formulas.CapShown and
	// inRange its ind.range, each evaluated once for all the checks that
	// ask.
	k       int
	capped  *capMemo
	inRange bool
	x       *rowExprs
	// env is rowEnv, kind and (with a score) x, the score for ScoreBounds:
	// what capEnv binds, built once.
	env formulas.Env
}

// rowExprs are the rules evaluated per indicator row, built once per
// profile by the Checker rather than per row and check (building one
// parses its literals). They are only read: Runs share them.
type rowExprs struct {
	kind, capShown, overCap, levelFloor formulas.Expr
	scoreIn                             formulas.Expr // ScoreBounds over x
}

func newRowExprs(p *formulas.Profile) *rowExprs {
	return &rowExprs{kind: formulas.Kind(), capShown: formulas.CapShown(p), overCap: formulas.OverCap(),
		levelFloor: formulas.LevelFloor(), scoreIn: formulas.ScoreBounds().Cond()}
}

// capMemo is a row's cap, once computed.
type capMemo struct {
	v  decimal.Decimal
	ok bool
}

// calc holds a form's figures, recomputed from its inputs.
type calc struct {
	f                 *form.Form
	p                 *formulas.Profile
	places            int32
	sums              [numCols]Figure // 年度资金总额 per amount column from its parts
	amounts           [form.NumFunds][numCols]*figIn
	rate              [form.NumFunds]Figure
	fundsW            *figIn
	fundsIn           *figIn // budget 得分 as an input of the total
	rows              []indRow
	weights           []figIn // indicator 分值 counted in weights.sum
	scores            []figIn // indicator 得分 counted in total.sum; nil when one is missing
	fundsScore, total Figure
	// totalBound is total.sum over the scores that exist when some are
	// missing: each missing one between 0 and its weight.
	totalBound Figure
	rescaled   bool
	wsum       *wsumMemo // weightSum, on first use
}

// calcMemo holds the calc of one Run: every check reads the same figures,
// and computing them (parsing each target and actual) once per form
// instead of once per check is most of what the checks cost.
// x are the row rules of the Run's profile, built once by the Checker.
type calcMemo struct {
	c *calc
	x *rowExprs
}

// calc is the form's recomputed figures, computed on first use. Checks
// only read a calc, so the passes of one Run share it.
func (p *Pass) calc() *calc {
	if p.memo == nil {
		return newCalc(p.Form, p.Profile)
	}
	if p.memo.c == nil {
		p.memo.c = newCalcWith(p.Form, p.Profile, p.memo.x)
	}
	return p.memo.c
}

func newCalc(f *form.Form, p *formulas.Profile) *calc { return newCalcWith(f, p, nil) }

// newCalcWith is newCalc with p's row rules x (nil: built here).
func newCalcWith(f *form.Form, p *formulas.Profile, x *rowExprs) *calc {
	if p == nil {
		p = formulas.Default()
	}
	if x == nil {
		x = newRowExprs(p)
	}
	c := &calc{f: f, p: p, places: p.Places}
	c.readRows(x)
	c.computeFunds()
	c.computeTotal()
	return c
}

func (c *calc) readRows(x *rowExprs) {
	c.rows = make([]indRow, 0, len(c.f.Indicators))
	for i := range c.f.Indicators {
		ind := &c.f.Indicators[i]
		// A row stating it does not apply (/ as target and actual) with no
		// weight or score counts like a spare row.
		r := indRow{Indicator: ind, x: x, blank: blankRow(ind) || ind.NA && ind.Weight.Empty() && ind.Score.Empty()}
		r.na = c.p.Rescale && notApplicable(ind)
		r.tv, r.tErr = formulas.Parse(cellText(ind.Target))
		r.av, r.aErr = formulas.Parse(cellText(ind.Actual))
		if r.tErr == nil && r.tv.Bare {
			r.tv.Op = bareOp(ind)
		}
		r.env = r.rowEnv()
		r.k = r.evalKind()
		r.env["kind"] = formulas.Num(decimal.NewFromInt(int64(r.k)))
		r.inRange = r.evalInRange()
		c.rows = append(c.rows, r)
	}
}

// cellText is the text of a cell, or its number when it shows no text.
func cellText(c form.Cell) string { return c.Shown() }

// bareOp is how a target with a number and no operator is read (FORM.md):
// ≥, or ≤ under 成本指标 (一级 or 二级), where less is better.
func bareOp(ind *form.Indicator) formulas.Op {
	if catLabel(ind.L1.Text) == "成本指标" || catLabel(ind.L2.Text) == "成本指标" {
		return formulas.OpLE
	}
	return formulas.OpGE
}

func blankRow(ind *form.Indicator) bool {
	for _, x := range []form.Cell{ind.L3, ind.Target, ind.Actual, ind.Weight, ind.Score, ind.Reason} {
		if !x.Empty() {
			return false
		}
	}
	return true
}

func notApplicable(ind *form.Indicator) bool {
	for _, x := range []form.Cell{ind.Target, ind.Actual, ind.Weight, ind.Score} {
		if strings.Contains(formulas.Normalize(x.Text), "不适用") {
			return true
		}
	}
	return false
}

func (c *calc) computeFunds() {
	for i := range c.f.Funds {
		for col := 0; col < numCols; col++ {
			if x, ok := shownIn(amountCell(&c.f.Funds[i], col)); ok {
				c.amounts[i][col] = &x
			}
		}
	}
	for col := 0; col < numCols; col++ {
		c.sums[col] = c.partsSum(col)
		// A total computed by a formula is taken from its parts.
		tot := amountCell(&c.f.Funds[form.FundTotal], col)
		if tot.Formula != "" || c.amounts[form.FundTotal][col] == nil {
			if c.sums[col].Known {
				x := c.sums[col].input()
				c.amounts[form.FundTotal][col] = &x
			}
		}
	}
	for i := range c.f.Funds {
		c.rate[i] = c.execRate(i)
	}
	tr := &c.f.Funds[form.FundTotal]
	if w, ok := exactIn(tr.Weight); ok {
		c.fundsW = &w
	}
	rate, ok := derived(tr.Rate, c.rate[form.FundTotal])
	if c.fundsW != nil && ok {
		e := newEnvs()
		e.set("weight", *c.fundsW)
		e.set("rate", rate)
		c.fundsScore = evalFig(formulas.FundsScore(), e, c.places)
	}
	if x, ok := derived(tr.Score, c.fundsScore); ok {
		c.fundsIn = &x
	}
	if c.f.FundsUnscored { // the layout scores no budget: it weighs 0
		zero := figIn{formulas.Exact(decimal.Zero), decimal.Zero}
		if c.fundsW == nil {
			c.fundsW = &zero
		}
		if c.fundsIn == nil {
			c.fundsIn = &zero
		}
	}
}

// partsSum applies funds.sum to one column, over every row under the
// total; a part left empty counts as 0, but not all of them.
func (c *calc) partsSum(col int) Figure {
	e := newEnvs()
	var parts []figIn
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		if a := c.amounts[i][col]; a != nil {
			parts = append(parts, *a)
		}
	}
	if len(parts) == 0 {
		return Figure{}
	}
	e.list("parts", parts)
	return evalFig(formulas.FundsSum(), e, c.places)
}

func (c *calc) execRate(i int) Figure {
	b, x := c.amounts[i][colBudget], c.amounts[i][colExec]
	if b == nil || x == nil {
		return Figure{}
	}
	e := newEnvs()
	e.set("budget", *b)
	e.set("exec", *x)
	return evalFig(formulas.ExecRate(), e, c.places)
}

// computeTotal applies total.sum (or its rescaled form) when the budget
// score and every counted indicator score are known.
func (c *calc) computeTotal() {
	var weights, naWeights []figIn
	scores := []figIn{}
	for _, r := range c.rows {
		if r.blank {
			continue
		}
		w, wok := exactIn(r.Weight)
		if r.na {
			c.rescaled = true
			if wok {
				naWeights = append(naWeights, w)
			}
			continue
		}
		if wok {
			weights = append(weights, w)
		}
		if s, ok := exactIn(r.Score); ok && scores != nil {
			scores = append(scores, s)
		} else {
			scores = nil
		}
	}
	c.weights = append(weights, naWeights...)
	c.scores = scores
	if c.fundsIn == nil || scores == nil {
		c.totalBound = c.boundTotal()
		return
	}
	e := newEnvs()
	e.set("funds_score", *c.fundsIn)
	e.list("scores", scores)
	x := formulas.TotalScore()
	if c.rescaled {
		if c.fundsW == nil || len(weights) != len(scores) {
			return
		}
		x = formulas.RescaledTotal()
		e.set("funds_weight", *c.fundsW)
		e.list("weights", weights)
		e.set("total_weight", figIn{formulas.Exact(c.p.TotalWeight), c.p.TotalWeight})
	}
	c.total = evalFig(x, e, c.places)
}

// boundTotal is total.sum with each missing score (budget or indicator)
// anywhere from 0 to its weight (to the total weight when that is
// missing too): the range a written total must lie in whatever the
// missing scores are. Not under rescaling.
func (c *calc) boundTotal() Figure {
	if c.rescaled {
		return Figure{}
	}
	upTo := func(w *decimal.Decimal) figIn {
		hi := c.p.TotalWeight
		if w != nil {
			hi = *w
		}
		return figIn{formulas.Interval{Lo: decimal.Zero, Hi: hi}, decimal.Zero}
	}
	e := newEnvs()
	if c.fundsIn != nil {
		e.set("funds_score", *c.fundsIn)
	} else if c.fundsW != nil {
		e.set("funds_score", upTo(&c.fundsW.v))
	} else {
		e.set("funds_score", upTo(nil))
	}
	var scores []figIn
	for _, r := range c.rows {
		if r.blank || r.na {
			continue
		}
		if s, ok := exactIn(r.Score); ok {
			scores = append(scores, s)
		} else {
			scores = append(scores, upTo(r.Weight.Num))
		}
	}
	e.list("scores", scores)
	return evalFig(formulas.TotalScore(), e, c.places)
}

// totalIn is the total the grade is banded on: the shown total taken as
// exact, or the recomputation where the cell holds a formula or nothing.
func (c *calc) totalIn() (formulas.Interval, bool) {
	t := c.f.TotalScore
	if t.Formula == "" && t.Num != nil {
		return formulas.Exact(*t.Num), true
	}
	return c.total.Rounded, c.total.Known
}

// grades are the grades the total allows (one unless the total is only
// known as an interval straddling a band's bound).
func (c *calc) grades() []string {
	t, ok := c.totalIn()
	if !ok {
		return nil
	}
	v, err := formulas.Grade(c.p).Eval(formulas.Env{"total": formulas.NumVal(t)})
	if err != nil {
		return nil
	}
	return v.Strs
}

func (c *calc) grade() string {
	t := c.f.TotalScore
	if t.Formula == "" && t.Num != nil {
		if g := c.grades(); len(g) == 1 {
			return g[0]
		}
		return ""
	}
	if !c.total.Known {
		return ""
	}
	v, err := formulas.Grade(c.p).Eval(formulas.Env{"total": formulas.Num(c.total.Value)})
	if err != nil || len(v.Strs) != 1 {
		return ""
	}
	return v.Strs[0]
}

// gradeMatches reports whether a written grade names g of profile p: 优秀
// names 优, 中等 and 一般 name 中, 较差 names 差; 合格 names every band but
// the last, 不合格 the last; a note after it (优(96分)) is no matter.
func gradeMatches(written, g string, p *formulas.Profile) bool {
	w := noteRe.ReplaceAllString(formulas.Normalize(written), "")
	if w == g || strings.HasPrefix(w, g) || gradeSynonyms[w] == g {
		return true
	}
	last := p.Bands[len(p.Bands)-1].Grade
	switch w {
	case "合格":
		return g != last
	case "不合格":
		return g == last
	}
	return false
}

// gradeSynonyms are the other words forms write for the default grades.
var gradeSynonyms = map[string]string{"优秀": "优", "良好": "良", "中等": "中", "一般": "中", "较差": "差"}

var noteRe = regexp.MustCompile(`\(.*?\)|[:：]`)

// label normalises a category label: width, spaces, weight notes such as
// 产出指标(50分), a trailing colon.
func catLabel(s string) string {
	s = formulas.Normalize(s)
	if !strings.ContainsAny(s, "(:") && !strings.Contains(s, "：") {
		return s // nothing for noteRe: skip the regexp, run per row and check
	}
	return noteRe.ReplaceAllString(s, "")
}
