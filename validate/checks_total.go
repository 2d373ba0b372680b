package validate

import (
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// weightSum applies weights.sum; ok is false when a weight is missing
// (ind.missing, ind.parse and funds.missing report that).
func (c *calc) weightSum() (Figure, bool) {
	if c.wsum == nil { // two checks ask: evaluated once
		g, ok := c.evalWeightSum()
		c.wsum = &wsumMemo{g, ok}
	}
	return c.wsum.g, c.wsum.ok
}

// wsumMemo is weightSum once computed.
type wsumMemo struct {
	g  Figure
	ok bool
}

func (c *calc) evalWeightSum() (Figure, bool) {
	if c.fundsW == nil {
		return Figure{}, false
	}
	for _, r := range c.rows {
		if !r.blank && !r.na && r.Weight.Num == nil {
			return Figure{}, false
		}
	}
	e := newEnvs()
	e.set("funds_weight", *c.fundsW)
	e.list("weights", c.weights)
	g := evalFig(formulas.WeightsSum(), e, c.places)
	return g, g.Known
}

// weightsBounded applies weights.sum when a weight is missing: the
// weights that exist must not exceed the total weight already.
func weightsBounded(p *Pass, c *calc) {
	sum := decimal.Zero
	if c.fundsW != nil {
		sum = c.fundsW.v
	}
	for _, r := range c.rows {
		if !r.blank && !r.na && r.Weight.Num != nil {
			sum = sum.Add(*r.Weight.Num)
		}
	}
	want := p.Profile.TotalWeight
	at := totalRef(p.Form, true)
	if !sum.GreaterThan(want) {
		p.skipped(at, msg{"有分值未填写, 只核对了已填分值合计 " + fixed(sum, c.places) + " 不超过 " + fixed(want, c.places),
			"a weight is missing; only checked that the weights filled in (" + fixed(sum, c.places) + ") do not exceed " + fixed(want, c.places)})
		return
	}
	p.flagDefault(at, "≤ "+fixed(want, c.places), fixed(sum, c.places), say(
		"已填的分值合计已达 %s, 超过 %s (另有分值未填写); 请调整各指标分值",
		"the weights filled in already add up to %s, more than %s (and a weight is missing); adjust the weights",
		fixed(sum, c.places), fixed(want, c.places)))
}

// naMissingWeight reports whether a 不适用 row left out shows no weight,
// so the weights can only be checked not to exceed the total.
func (c *calc) naMissingWeight() bool {
	for _, r := range c.rows {
		if r.na && r.Weight.Num == nil {
			return true
		}
	}
	return false
}

var weightsSum = &Check{
	Code: "weights.sum", Severity: Error,
	Doc:   "预算执行分值与各指标分值之和 ≠ 100",
	DocEn: "budget weight + Σ indicator weights ≠ 100",
	Run: func(p *Pass) {
		c := p.calc()
		g, ok := c.weightSum()
		if !ok {
			weightsBounded(p, c)
			return
		}
		sum, want := g.Value, p.Profile.TotalWeight
		at := totalRef(p.Form, true)
		exp := fixed(want, c.places)
		if c.naMissingWeight() {
			if !sum.GreaterThan(want) {
				return
			}
			exp = "≤ " + exp
		}
		v := formulas.Compare(formulas.Exact(want), sum, c.places)
		if c.naMissingWeight() {
			v = formulas.Wrong
		}
		p.judge(v, at, exp, fixed(sum, c.places), say(
			"预算执行分值与各指标分值合计为 %s, 应为 %s; 请调整各指标分值",
			"the budget weight and the indicator weights add up to %s, not %s; adjust the weights",
			fixed(sum, c.places), exp))
		tw := p.Form.TotalWeight
		if v == formulas.Consistent && tw.Formula == "" && tw.Num != nil && !tw.Num.Equal(want) {
			p.flagDefault(tw.Ref, exp, shownText(tw), say("总分的分值应为 %s, 表中为 %s; 请改正",
				"the total weight should be %s, the form shows %s; correct it", exp, shownText(tw)))
		}
	},
}

var l1Weight = &Check{
	Code: "l1.weight", Severity: Error,
	Doc:   "某一级指标的分值合计与本地区配置不符 (配置 l1_weights 时)",
	DocEn: "a 一级指标's weights do not add up to the profile's l1_weights",
	Run: func(p *Pass) {
		if len(p.Profile.L1Weights) == 0 {
			return
		}
		c := p.calc()
		for _, cat := range p.Profile.Categories {
			want, ok := p.Profile.L1Weights[cat.L1]
			if !ok {
				continue
			}
			ws, at, complete := c.l1Weights(cat.L1)
			if !complete {
				continue
			}
			e := newEnvs()
			e.list("weights", ws)
			g := evalFig(formulas.Sum(formulas.R("weights")), e, c.places)
			if at == "" {
				at = firstRowRef(c)
			}
			exp := fixed(want, c.places)
			p.judge(formulas.Compare(formulas.Exact(want), g.Value, c.places), at, exp, g.Text, say(
				"一级指标「%s」各指标分值合计为 %s, 本地区规定为 %s; 请调整分值",
				"the weights under %q add up to %s; the profile sets %s; adjust them", cat.L1, g.Text, exp))
		}
	},
}

// l1Weights are the weights of the rows under l1, the cell naming l1, and
// whether every such row shows a weight.
func (c *calc) l1Weights(l1 string) (ws []figIn, at string, complete bool) {
	for _, r := range c.rows {
		if r.blank || catLabel(r.L1.Text) != l1 {
			continue
		}
		if at == "" {
			at = r.L1.Ref
		}
		w, ok := exactIn(r.Weight)
		if !ok {
			if r.na {
				continue
			}
			return nil, "", false
		}
		ws = append(ws, w)
	}
	return ws, at, true
}

// totalRef is where the total's weight (or score) is, else where it would
// be: the row after the last indicator, in its 分值 (or 得分) column; ""
// for a form without indicators.
func totalRef(f *form.Form, weight bool) string {
	cells := []form.Cell{f.TotalScore, f.TotalWeight}
	if weight {
		cells[0], cells[1] = cells[1], cells[0]
	}
	if at := cellRef(cells...); at != "" || len(f.Indicators) == 0 {
		return at
	}
	last := f.Indicators[len(f.Indicators)-1]
	col := last.Score
	if weight || !col.Found() {
		col = cellOr(last.Weight, last.Score)
	}
	c, _, err := excelize.CellNameToCoordinates(col.Ref)
	if err != nil {
		return ""
	}
	ref, _ := excelize.CoordinatesToCellName(c, last.Row+1)
	return ref
}

func cellOr(a, b form.Cell) form.Cell {
	if a.Found() {
		return a
	}
	return b
}

func firstRowRef(c *calc) string {
	for _, r := range c.rows {
		if !r.blank {
			return cellRef(r.L1, r.L2, r.L3)
		}
	}
	return cellRef(c.f.TotalWeight)
}

var totalSum = &Check{
	Code: "total.sum", Severity: Error,
	Doc:   "总分 ≠ 预算执行得分 + 各指标得分之和 (不适用指标按配置折算)",
	DocEn: "total ≠ budget score + Σ indicator scores (rescaled for 不适用 where the profile says so)",
	Run: func(p *Pass) {
		c := p.calc()
		t := p.Form.TotalScore
		if t.Formula != "" || t.Num == nil {
			return // cache.stale and total.missing report these
		}
		if !c.total.Known {
			totalBounded(p, c, t)
			return
		}
		exp := c.total.Range.Show(t.Places)
		sum := say("%s", "%s", exp)
		if full := c.total.Range.Show(c.places); full != exp {
			// 9.88 + 90.00 = 100 would read as wrong arithmetic.
			sum = say("%s (按表中位数为 %s)", "%s (%s to the places the form shows)", full, exp)
		}
		m := say("总分应为 预算执行得分 %s + 各指标得分合计 %s = %s, 表中为 %s; 请改正总分",
			"the total should be budget score %s + indicator scores %s = %s; the form shows %s; correct the total",
			fundsScoreText(c), fixed(c.scoreSum(), c.places), sum, shownText(t))
		if c.f.FundsUnscored { // the layout scores no budget
			m = say("总分应为 各指标得分合计 %s, 表中为 %s; 请改正总分",
				"the total should be the indicator scores' sum %s; the form shows %s; correct the total", sum, shownText(t))
		}
		if c.rescaled {
			m = say("剔除不适用指标后, 总分应为 (预算执行得分 %s + 各指标得分 %s) ÷ 适用分值 × %s = %s, 表中为 %s; 请改正总分",
				"leaving out 不适用 indicators, the total should be (budget score %s + indicator scores %s) ÷ applicable weights × %s = %s; the form shows %s; correct it",
				fundsScoreText(c), fixed(c.scoreSum(), c.places), p.Profile.TotalWeight.String(), exp, shownText(t))
		}
		p.judge(formulas.Compare(c.total.Range, *t.Num, t.Places), t.Ref, exp, shownText(t), m)
	},
}

// totalBounded applies total.sum when scores are missing: the written
// total must lie within what the scores that exist and the weights of the
// missing ones allow; otherwise the rule is not evaluated, and says so.
func totalBounded(p *Pass, c *calc, t form.Cell) {
	b := c.totalBound
	if !b.Known {
		p.skipped(t.Ref, msg{"不适用指标按配置折算, 而有得分未填写", "不适用 indicators are rescaled and a score is missing"})
		return
	}
	exp := b.Range.Show(t.Places)
	v := formulas.Compare(b.Range, *t.Num, t.Places)
	if v == formulas.Consistent {
		p.skipped(t.Ref, msg{"有得分未填写, 只核对了总分不超出已填得分所允许的范围 " + exp,
			"a score is missing; only checked that the total lies within " + exp + " as the scores filled in allow"})
		return
	}
	p.judge(v, t.Ref, exp, shownText(t), say(
		"有得分未填写, 但无论其为多少, 总分都应在 %s 之间, 表中为 %s; 请改正",
		"a score is missing, but whatever it is the total lies within %s; the form shows %s; correct it", exp, shownText(t)))
}

func (c *calc) scoreSum() decimal.Decimal {
	s := decimal.Zero
	for _, x := range c.scores {
		s = s.Add(x.v)
	}
	return s
}

func fundsScoreText(c *calc) string {
	s := c.f.Funds[form.FundTotal].Score
	if s.Formula == "" && s.Num != nil {
		return shownText(s)
	}
	return c.fundsScore.Text
}

var totalGrade = &Check{
	Code: "total.grade", Severity: Error,
	Doc:   "评分等级与总分不符 (优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60)",
	DocEn: "grade does not match the total's band (优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60)",
	Run: func(p *Pass) {
		c := p.calc()
		g := p.Form.Grade
		if g.Formula != "" || g.Empty() {
			return
		}
		gs := c.grades()
		if len(gs) == 0 {
			p.skipped(g.Ref, msg{"总分未填写且无法由各项得分算出", "the total is empty and cannot be computed from the scores"})
			return
		}
		for _, x := range gs {
			if gradeMatches(g.Text, x, p.Profile) {
				return
			}
		}
		total, _ := c.totalIn()
		p.flagDefault(g.Ref, strings.Join(gs, "/"), g.Text, say(
			"总分 %s 对应的评分等级为「%s」, 表中为「%s」(%s); 请改正等级",
			"a total of %s earns grade %q, the form says %q (%s); correct the grade",
			total.Show(c.places), strings.Join(gs, "/"), g.Text, bandsText(p.Profile)))
	},
}

// bandsText describes the grade bands, e.g. 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差.
func bandsText(p *formulas.Profile) string {
	var parts []string
	for i, b := range p.Bands {
		if i == len(p.Bands)-1 {
			parts = append(parts, b.Grade+" < "+p.Bands[i-min(i, 1)].Min.String())
			continue
		}
		parts = append(parts, b.Grade+" ≥ "+b.Min.String())
	}
	return strings.Join(parts, ", ")
}

var totalMissing = &Check{
	Code: "total.missing", Severity: Error,
	Doc:   "总分未填写 (评分等级行存在但未填写时为警告)",
	DocEn: "total score empty (a present but empty grade is a warning)",
	Run: func(p *Pass) {
		c := p.calc()
		t, g := p.Form.TotalScore, p.Form.Grade
		if t.Formula == "" && t.Num == nil {
			exp := "数值"
			m := say("总分得分未填写或不是数字; 请填写", "the total score is empty or not a number; fill it in")
			switch {
			case c.total.Known:
				exp = c.total.Text
				m = say("总分得分未填写或不是数字 (按各项得分应为 %s); 请填写", "the total score is empty or not a number (from the scores it should be %s); fill it in", exp)
			case c.totalBound.Known:
				// Scores are missing too: say the range those filled in allow.
				exp = c.totalBound.Range.Show(c.places)
				m = say("总分得分未填写或不是数字 (按已填得分应在 %s 之间); 请填写", "the total score is empty or not a number (the scores filled in put it within %s); fill it in", exp)
			}
			p.flagDefault(cellRef(t, p.Form.TotalWeight, form.Cell{Ref: totalRef(p.Form, false)}), exp, shownText(t), m)
		}
		if g.Found() && g.Formula == "" && g.Empty() {
			p.flag(Warning, g.Ref, c.grade(), "", say("评分等级未填写 (按总分应为「%s」); 请填写",
				"the grade is empty (from the total it should be %q); fill it in", c.grade()))
		}
	},
}

var yearRe = regexp.MustCompile(`(19|20)\d\d`)

var headMissing = &Check{
	Code: "head.missing", Severity: Error,
	Doc:   "项目名称、主管部门、实施单位或年度未填写",
	DocEn: "project name, supervising department, implementing unit or year missing",
	Run: func(p *Pass) {
		f := p.Form
		for _, h := range []struct {
			c    form.Cell
			name msg
			ok   bool
		}{
			{f.Project, msg{"项目名称", "project name"}, !f.Project.Empty() || !hasHead(f, form.FProject)},
			{f.Department, msg{"主管部门", "supervising department"}, !f.Department.Empty() || !hasHead(f, form.FDepartment)},
			{f.Unit, msg{"实施单位", "implementing unit"}, !f.Unit.Empty() || !hasHead(f, form.FUnit)},
			{f.Year, msg{"年度", "year"}, yearRe.MatchString(cellText(f.Year))},
		} {
			if h.ok {
				continue
			}
			p.flagDefault(cellRef(h.c, f.Title), h.name.zh, shownText(h.c), say("表头未填写%s; 请补填",
				"the header has no %s; fill it in", h.name))
		}
	},
}

// hasHead reports whether f's layout has head field h (a department-wide
// form has no 项目名称 or 实施单位).
func hasHead(f *form.Form, h *form.Field) bool {
	return f.Head == nil || slices.Contains(f.Head, h)
}

var cacheStale = &Check{
	Code: "cache.stale", Severity: Error,
	Doc:   "公式单元格显示的值与按规则重算的结果不符 (未重算或公式被改)",
	DocEn: "a formula cell's cached value disagrees with the recomputation (not recalculated, or the formula was changed)",
	Run: func(p *Pass) {
		c := p.calc()
		f := p.Form
		tr := &f.Funds[form.FundTotal]
		for col := 0; col < numCols; col++ {
			staleNum(p, amountCell(tr, col), c.sums[col])
		}
		for i := range f.Funds {
			staleNum(p, f.Funds[i].Rate, c.rate[i])
		}
		staleNum(p, tr.Score, c.fundsScore)
		staleNum(p, f.TotalScore, c.total)
		if g, ok := c.weightSum(); ok {
			staleNum(p, f.TotalWeight, g)
		}
		staleGrade(p, c)
	},
}

// staleNum compares a formula cell's cached number with the recomputation.
func staleNum(p *Pass, cell form.Cell, g Figure) {
	if cell.Formula == "" || cell.Num == nil || !g.Known {
		return
	}
	v := formulas.Compare(g.Range, *cell.Num, cell.Places)
	if v == formulas.Consistent {
		return // judge says nothing: spare building the message
	}
	exp := g.Range.Show(cell.Places)
	p.judge(v, cell.Ref, exp, shownText(cell), say(
		"公式单元格显示 %s, 按表中数据重算应为 %s; 请在 Excel/WPS 中重新计算并保存, 或恢复原公式",
		"the formula cell shows %s but recomputes to %s; recalculate and save in Excel/WPS, or restore the formula",
		shownText(cell), exp))
}

func staleGrade(p *Pass, c *calc) {
	g := p.Form.Grade
	if g.Formula == "" || g.Empty() {
		return
	}
	gs := c.grades()
	for _, x := range gs {
		if gradeMatches(g.Text, x, p.Profile) {
			return
		}
	}
	if len(gs) == 0 {
		return
	}
	p.flagDefault(g.Ref, strings.Join(gs, "/"), g.Text, say(
		"公式单元格显示评分等级「%s」, 按总分应为「%s」; 请重新计算并保存, 或恢复原公式",
		"the formula cell shows grade %q but the total gives %q; recalculate and save, or restore the formula",
		g.Text, strings.Join(gs, "/")))
}
