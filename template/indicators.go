package template

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// indHeads are the canonical headers of the indicator columns.
var indHeads = map[string]string{"l1": "一级指标", "l2": "二级指标", "l3": "三级指标", "target": "年度指标值",
	"actual": "实际完成值", "weight": "分值", "score": "得分", "reason": "偏差原因分析及改进措施",
	"target_op": "指标性质", "target_unit": "度量单位"}

// indicator returns the spec's indicator i, or an empty one.
func (s *sheetWriter) indicator(i int) *Indicator {
	if s.pr != nil && i < len(s.pr.Indicators) {
		return s.pr.Indicators[i]
	}
	return &Indicator{}
}

func (s *sheetWriter) indicators() {
	lay := s.lay
	s.indHeader()
	for i := 0; i < lay.Rows; i++ {
		s.indicatorRow(i)
	}
	s.mergeCategories()
}

// indHeader writes the header rows: on two rows (公开14表) a split target
// sits under one 年度指标值 and the other labels span both rows.
func (s *sheetWriter) indHeader() {
	st, g := s.w.st, s.lay.g
	r, last := g.indHead, g.indHead+g.headRows-1
	for _, k := range g.lay.Ind.Columns {
		c := g.ind[k]
		h := s.text("ind."+k, indHeads[k])
		if last > r && (k == "target_op" || k == "target" || k == "target_unit") && g.split() {
			s.set(Cell(c, last), h, st.label)
			continue
		}
		s.box(Cell(c, r), Cell(c, last), h, st.label)
	}
	if last > r && g.split() {
		a, b := g.splitSpan()
		s.box(Cell(a, r), Cell(b, r), s.label(indHeads["target"]), st.label)
	}
	for _, c := range g.extraCols() {
		s.box(Cell(c, r), Cell(c, last), g.extra[c], st.label)
	}
	for row := r; row <= last; row++ {
		s.rowHeight(row, 30)
	}
}

func (s *sheetWriter) indicatorRow(i int) {
	st, lay, g := s.w.st, s.lay, s.lay.g
	r := lay.IndRow(i)
	x := s.indicator(i)
	at := func(k string) string { return Cell(g.ind[k], r) }
	switch {
	case s.sameL1(i):
		s.set(at("l1"), nil, st.text)
	case s.statesWeight(i):
		s.l1Cell(i)
	default:
		s.set(at("l1"), x.L1, s.given(x.L1, st.textIn, st.text))
	}
	if !s.sameL2(i) {
		s.set(at("l2"), x.L2, s.given(x.L2, st.textIn, st.text))
	} else {
		s.set(at("l2"), nil, st.text)
	}
	l3 := x.L3
	if s.pr != nil {
		l3 = numbered(s.lay.g.lay, s.pr.Indicators, i)
	}
	s.set(at("l3"), l3, s.given(x.L3, st.textIn, st.labelL))
	if g.split() {
		op, v, unit := splitTarget(x.Target)
		s.set(at("target_op"), op, s.given(x.Target, st.textAt, st.text))
		s.set(at("target"), v, s.given(x.Target, st.textAt, st.text))
		s.set(at("target_unit"), unit, s.given(x.Target, st.textAt, st.text))
	} else {
		s.set(at("target"), x.Target, s.given(x.Target, st.textAt, st.text))
	}
	s.set(at("actual"), x.Actual, st.textAt)
	wStyle := st.numIn
	if s.pr != nil && x.Weight != nil {
		wStyle = st.num
	}
	s.setNum(at("weight"), x.Weight, wStyle)
	s.setNum(at("score"), x.Score, st.numIn)
	s.set(at("reason"), x.Reason, st.textIn)
	for _, c := range g.extraCols() {
		s.set(Cell(c, r), nil, st.textIn)
	}
	s.helpers(i)
	h := max(20, textHeight(x.L3, g.colWidth(g.ind["l3"])), textHeight(x.Actual, g.colWidth(g.ind["actual"])),
		textHeight(x.Reason, g.colWidth(g.ind["reason"])))
	s.autoHeight(r, h)
}

// sameL1 and sameL2 report whether indicator i continues the category of
// the row above, so its cell is merged into the parent's.
func (s *sheetWriter) sameL1(i int) bool {
	if s.pr == nil || i == 0 || i >= len(s.pr.Indicators) {
		return false
	}
	return s.pr.Indicators[i].L1 == s.pr.Indicators[i-1].L1
}

func (s *sheetWriter) sameL2(i int) bool {
	return s.sameL1(i) && s.pr.Indicators[i].L2 == s.pr.Indicators[i-1].L2
}

func (s *sheetWriter) mergeCategories() {
	lay := s.lay
	for _, c := range []struct {
		col  int
		same func(int) bool
	}{{s.lay.g.ind["l1"], s.sameL1}, {s.lay.g.ind["l2"], s.sameL2}} {
		start := 0
		for i := 1; i <= lay.Rows; i++ {
			if i < lay.Rows && c.same(i) {
				continue
			}
			s.merge(Cell(c.col, lay.IndRow(start)), Cell(c.col, lay.IndRow(i-1)))
			start = i
		}
	}
}

// rowRefs binds the names formulas.RowHelpers reads to the cells of
// indicator i: its inputs, the 一级 and 二级 cells it sits under (the
// top of a merged category), and its helper cells. A target split over
// three cells is read as the three joined, as the checker reads it.
func (s *sheetWriter) rowRefs(i int) formulas.Refs {
	top1, top2 := i, i
	for top1 > 0 && s.sameL1(top1) {
		top1--
	}
	for top2 > 0 && s.sameL2(top2) {
		top2--
	}
	refs := s.rowRefsAt(strconv.Itoa(s.lay.IndRow(i)))
	// A bare target (43.2) is read as ≤ under 成本指标: where the category
	// is merged from a row above, the department's category is written
	// into the formula (a formula reaching into another row breaks when
	// rows are moved, and the merged cell holds it only in its top row).
	// A preset category of a grid or a 一级 stating its weight is written
	// in for any target: a unit types the target later, and the 一级 cell
	// shows 成本指标(10分), not the category.
	tv, err := formulas.Parse(s.indicator(i).Target)
	bare, preset := s.pr != nil && err == nil && tv.Bare, s.presetCategory(i)
	if bare && top1 != i || preset {
		refs["l1"] = formulas.Escape(s.indicator(top1).L1)
	}
	if (bare || preset) && top2 != i {
		refs["l2"] = formulas.Escape(s.indicator(top2).L2)
	}
	return refs
}

// rowRefsAt binds the row names to the cells of a row, its number
// written as row (or "#" for a template, see rowFormulas).
func (s *sheetWriter) rowRefsAt(row string) formulas.Refs {
	g := s.lay.g
	at := func(col int) string {
		if col == 0 {
			return ""
		}
		return colName(col) + row
	}
	refs := formulas.Refs{"w": at(g.ind["weight"])}
	for _, k := range []string{"target", "actual", "score", "reason", "l1", "l2"} {
		refs[k] = at(g.ind[k])
	}
	if g.split() {
		refs["target"] = "(" + at(g.ind["target_op"]) + "&" + at(g.ind["target"]) + "&" + at(g.ind["target_unit"]) + ")"
	}
	for _, n := range helperNames {
		refs[n] = at(s.lay.helperCol(n))
	}
	return refs
}

// rowEnv is what a spreadsheet sees in the input cells of indicator i:
// texts as typed ("" when empty), the weight as a number.
func (s *sheetWriter) rowEnv(i int) formulas.Env {
	x := s.indicator(i)
	top1, top2 := x, x
	for j := i; j > 0 && s.sameL1(j); j-- {
		top1 = s.indicator(j - 1)
	}
	for j := i; j > 0 && s.sameL2(j); j-- {
		top2 = s.indicator(j - 1)
	}
	env := formulas.Env{"target": formulas.StrVal(x.Target), "actual": formulas.StrVal(x.Actual),
		"w": formulas.StrVal(""), "l1": formulas.StrVal(top1.L1), "l2": formulas.StrVal(top2.L2)}
	if x.Weight != nil {
		env["w"] = formulas.Num(x.Weight.Decimal)
	}
	return env
}

// helpers writes the hidden, locked helper cells of indicator i, each
// one of formulas.RowHelpers, with the values Go computes for them.
func (s *sheetWriter) helpers(i int) {
	refs := s.rowRefs(i)
	vs, err := s.w.rowVals.get(s.w.rules, s.rowEnv(i))
	if err != nil {
		s.err = fmt.Errorf("%s: %w", s.lay.Helper(i, helperNames[0]), err)
		return
	}
	fs := s.rowFormulas(i, refs)
	for k, n := range helperNames {
		s.helper(refs[n], "helper."+n, refs, fs[k], vs[k], s.lay.IndRow(i))
	}
}

// rowFormulas renders the helper formulas of indicator i over refs. The
// rows of a form differ only in their row number, so the helpers are
// rendered once per workbook with "#" for it, then numbered; a row whose
// refs are not its own cells (a category written in) is rendered apart.
func (s *sheetWriter) rowFormulas(i int, refs formulas.Refs) []string {
	row := strconv.Itoa(s.lay.IndRow(i))
	own := s.rowRefsAt("#")
	tmpl := s.w.rowTmpl.get(s.lay.g, func() map[string]string {
		tmpl := map[string]string{}
		one := s.rowRefsAt("1")
		for _, n := range helperNames {
			t := formulas.Excel(s.w.rules["helper."+n], own)
			// "#" must stand only for the row: no literal may hold one.
			if strings.ReplaceAll(t, "#", "1") != formulas.Excel(s.w.rules["helper."+n], one) {
				t = ""
			}
			tmpl[n] = t
		}
		return tmpl
	})
	out := make([]string, len(helperNames))
	for k, n := range helperNames {
		if t := tmpl[n]; t != "" && refs["l1"] == strings.ReplaceAll(own["l1"], "#", row) &&
			refs["l2"] == strings.ReplaceAll(own["l2"], "#", row) {
			out[k] = strings.ReplaceAll(t, "#", row)
		} else {
			out[k] = formulas.Excel(s.w.rules["helper."+n], refs)
		}
	}
	return out
}

// totals writes the 总分 row (or the total at the top) and the grade.
func (s *sheetWriter) totals() {
	st, lay, g, p := s.w.st, s.lay, s.lay.g, s.w.Profile
	tr, gr := lay.TotalRow(), lay.GradeRow()
	first, last := lay.IndRow(0), lay.IndRow(lay.Rows-1)
	var weights, scores []formulas.Interval
	for i := 0; i < lay.Rows; i++ {
		x := s.indicator(i)
		if x.Weight != nil {
			weights = append(weights, formulas.Exact(x.Weight.Decimal))
		}
		if x.Score != nil {
			scores = append(scores, formulas.Exact(x.Score.Decimal))
		}
	}
	span := func(col int) string { return fmt.Sprintf("%s:%s", Cell(col, first), Cell(col, last)) }
	ft := lay.FundRow(form.FundTotal)
	// A budget the layout does not score weighs nothing.
	fw, fs := cellAt(g.fund["weight"], ft), cellAt(g.fund["score"], ft)
	env := formulas.Env{"funds_weight": formulas.Num(p.BudgetWeight), "weights": formulas.ListVal(weights),
		"scores": formulas.ListVal(scores), "funds_score": formulas.Num(decimal.Zero)}
	if fw == "" || fs == "" {
		fw, fs, env["funds_weight"] = "0", "0", formulas.Num(decimal.Zero)
	}
	if v, ok := s.w.cache[s.sheet][fs].(decimal.Decimal); ok {
		env["funds_score"] = formulas.Num(v)
	}
	total := lay.RefOf(form.HeadKey(form.FTotal))
	refs := formulas.Refs{"funds_weight": fw, "weights": span(g.ind["weight"]),
		"funds_score": fs, "scores": span(g.ind["score"]), "total": total}
	if tr > 0 {
		end := g.totalLabelEnd()
		if g.gradeOnTotal {
			end -= 4
		}
		s.box(Cell(1, tr), Cell(end, tr), s.text("total.score", "总分"), st.label)
		s.rule(lay.RefOf(form.HeadKey(form.FTotalW)), "weights.sum", refs, env, st.formula)
		for c := end + 1; c <= g.width; c++ {
			if c != g.ind["weight"] && c != g.ind["score"] {
				s.set(Cell(c, tr), nil, st.text)
			}
		}
		s.rowHeight(tr, 24)
	} else {
		r, c := g.topTotal, g.topTotalCol()
		s.box(Cell(max(1, c-2), r), Cell(max(2, c-1), r), s.text("total.top", form.STopTotal.Label), st.label)
		if !g.onHead {
			s.rowHeight(r, 24)
		}
	}
	s.rule(total, "total.sum", refs, env, st.formula)
	if gr == 0 {
		return
	}
	env["total"] = s.w.computed[s.sheet][total]
	a, b := 2, g.width
	if g.gradeOnTotal {
		a, b = g.gradeCol(), g.gradeCol()+1
		s.box(Cell(a-2, gr), Cell(a-1, gr), s.text("grade", "评分等级"), st.label)
	} else {
		s.set(Cell(1, gr), s.text("grade", "评分等级"), st.label)
		s.rowHeight(gr, 24)
	}
	if s.err == nil {
		s.err = s.out.SetCellStyle(s.sheet, Cell(a, gr), Cell(b, gr), st.grade)
	}
	s.rule(Cell(a, gr), "total.grade", refs, env, st.grade)
	s.merge(Cell(a, gr), Cell(b, gr))
}

// validations adds dropdowns and value checks with Chinese prompts.
func (s *sheetWriter) validations() {
	lay, g, p := s.lay, s.lay.g, s.w.Profile
	unit := p.AmountUnit
	first, last := lay.IndRow(0), lay.IndRow(lay.Rows-1)
	col := func(c int) string { return fmt.Sprintf("%s:%s", Cell(c, first), Cell(c, last)) }
	if amounts := g.amountCells(); amounts != "" {
		s.dv(amounts, func(dv *excelize.DataValidation) error {
			dv.SetInput("金额", fmt.Sprintf("请填写金额 (%s), 保留两位小数, 不能为负数。", unit))
			dv.SetError(excelize.DataValidationErrorStyleStop, "金额有误", "金额须为不小于 0 的数字。")
			b := formulas.AmountBounds()
			return dv.SetRange(formulas.Excel(b.Lo, nil), "", excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorGreaterThanOrEqual)
		})
	}
	s.dv(col(g.ind["score"]), func(dv *excelize.DataValidation) error {
		dv.SetInput("得分", "得分须在 0 到本行分值之间; 低于分值时请填写偏差原因分析及改进措施。")
		dv.SetError(excelize.DataValidationErrorStyleStop, "得分有误", "得分须为 0 到本行分值之间的数字。")
		b := formulas.ScoreBounds()
		refs := formulas.Refs{"w": "$" + Cell(g.ind["weight"], first)}
		return dv.SetRange(formulas.Excel(b.Lo, refs), formulas.Excel(b.Hi, refs), excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
	})
	s.dv(col(g.ind["reason"]), func(dv *excelize.DataValidation) error {
		dv.SetInput("偏差原因", "得分低于分值时必须填写偏差原因分析及改进措施。")
		return nil
	})
	for i := 0; i < lay.Rows; i++ {
		s.rowValidations(i)
	}
}

// rowValidations adds the checks of indicator i: dropdowns and prompts for
// what the unit fills in, none on what the department fixed.
func (s *sheetWriter) rowValidations(i int) {
	x := s.indicator(i)
	r := s.lay.IndRow(i)
	g := s.lay.g
	c := func(k string) string { return Cell(g.ind[k], r) }
	if x.L1 == "" {
		s.dv(c("l1"), func(dv *excelize.DataValidation) error {
			dv.SetSqrefDropList(nameL1)
			dv.SetInput("一级指标", "请从下拉列表中选择一级指标。")
			dv.SetError(excelize.DataValidationErrorStyleStop, "一级指标有误", "请从下拉列表中选择一级指标。")
			return nil
		})
	}
	if x.L2 == "" {
		s.dv(c("l2"), func(dv *excelize.DataValidation) error {
			// excelize writes the formula as is: escape it for the XML.
			dv.SetSqrefDropList(fmt.Sprintf(`INDIRECT("%s"&amp;MATCH($%s,%s,0))`, nameL2, c("l1"), nameL1))
			dv.SetInput("二级指标", "请先选择一级指标, 再从下拉列表中选择其下的二级指标。")
			dv.SetError(excelize.DataValidationErrorStyleStop, "二级指标有误", "二级指标须属于本行的一级指标。")
			return nil
		})
	}
	if x.Target == "" {
		s.dv(c("target"), func(dv *excelize.DataValidation) error {
			dv.SetInput("年度指标值", "写法如 ≥10.00(项)、≤17.52(万元)、=100.00(%); 定性指标如 健全。")
			return nil
		})
	}
	if x.Weight == nil || s.pr == nil {
		s.dv(c("weight"), func(dv *excelize.DataValidation) error {
			dv.SetInput("分值", fmt.Sprintf("预算执行率分值 %s 与各指标分值合计须为 %s。", s.w.Profile.BudgetWeight, s.w.Profile.TotalWeight))
			dv.SetError(excelize.DataValidationErrorStyleStop, "分值有误", "分值须为 0 到 100 之间的数字。")
			b := formulas.WeightBounds(s.w.Profile)
			return dv.SetRange(formulas.Excel(b.Lo, nil), formulas.Excel(b.Hi, nil), excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		})
	}
	tv, err := formulas.Parse(x.Target)
	if x.Target != "" && err == nil && tv.Num == nil {
		s.dv(c("actual"), func(dv *excelize.DataValidation) error {
			// The levels offered, other words (及时, 健全) accepted
			// without an alert: they read as met when they repeat the target.
			dv.SetSqrefDropList(nameLevels)
			dv.SetInput("实际完成值", "定性指标: 请选择 "+strings.Join(formulas.LevelChoices(), " / ")+", 或填写与指标值相同的文字。")
			return nil
		})
		return
	}
	s.dv(c("actual"), func(dv *excelize.DataValidation) error {
		if x.Target == "" {
			// The target is typed later: offer the levels, accept
			// numbers without an alert (no error message is shown).
			dv.SetSqrefDropList(nameLevels)
		}
		dv.SetInput("实际完成值", "写法与指标值一致, 如 10.00(项)、89.00(%); 定性指标填 "+strings.Join(formulas.LevelChoices(), " / ")+"。")
		return nil
	})
}

func (s *sheetWriter) dv(sqref string, fill func(*excelize.DataValidation) error) {
	if s.err != nil {
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	if s.err = fill(dv); s.err == nil {
		s.err = s.out.AddDataValidation(s.sheet, dv)
	}
}

// conditional marks, while typing, a score above its cap (red), a missing
// deviation reason (yellow) and weights not adding up (red): ind.cap,
// ind.reason and weights.sum rendered for the first indicator row (the
// others follow relatively).
func (s *sheetWriter) conditional() {
	lay, g, st := s.lay, s.lay.g, s.w.st
	first, last := lay.IndRow(0), lay.IndRow(lay.Rows-1)
	rg := func(c int) string { return fmt.Sprintf("%s:%s", Cell(c, first), Cell(c, last)) }
	refs := s.rowRefs(0)
	for k, v := range refs {
		if v != "" && v[0] >= 'A' && v[0] <= 'Z' {
			refs[k] = "$" + v // columns fixed, rows relative
		}
	}
	s.cond(rg(g.ind["score"]), "ind.cap", refs, st.condRed)
	s.cond(rg(g.ind["reason"]), "ind.reason", refs, st.condYellow)
	if tw := lay.RefOf(form.HeadKey(form.FTotalW)); tw != "" {
		wc := g.ind["weight"]
		s.cond(tw, "weights.off", formulas.Refs{"weights": fmt.Sprintf("$%s:$%s", Cell(wc, first), Cell(wc, last)), "weights_total": tw}, st.condRed)
	}
}

// cond adds the conditional format of rule name over refs to sqref.
func (s *sheetWriter) cond(sqref, name string, refs formulas.Refs, style int) {
	if s.err != nil {
		return
	}
	f := formulas.Excel(s.w.rules[name], refs)
	s.w.used[s.sheet] = append(s.w.used[s.sheet], ruleUse{Ref: sqref, Name: name, Refs: refs, Cond: true, Formula: f})
	s.err = s.w.File.SetConditionalFormat(s.sheet, sqref, []excelize.ConditionalFormatOptions{
		{Type: "formula", Criteria: f, Format: &style}})
}

// page sets A4 landscape, one page wide, and the indicator header
// repeated on every printed page.
func (s *sheetWriter) page() {
	f, lay := s.w.File, s.lay
	if s.err != nil {
		return
	}
	// One page wide; a form of the usual size also one page high, as
	// the official form prints.
	size, orient, one, high, fit := 9, "landscape", 1, 0, true
	if lay.Rows <= 20 {
		high = 1
	}
	if s.err = f.SetPageLayout(s.sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &one, FitToHeight: &high}); s.err != nil {
		return
	}
	if s.err = f.SetSheetProps(s.sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); s.err != nil {
		return
	}
	m := 0.4
	if s.err = f.SetPageMargins(s.sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}); s.err != nil {
		return
	}
	quoted := "'" + strings.ReplaceAll(s.sheet, "'", "''") + "'"
	if s.err = f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: s.sheet,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoted, lay.IndHeadRow(), lay.IndRow(0)-1)}); s.err != nil {
		return
	}
	s.err = f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: s.sheet,
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quoted, colName(lay.g.width), lay.LastRow())})
}

func (s *sheetWriter) protect() {
	if s.err == nil {
		s.err = s.w.File.ProtectSheet(s.sheet, &excelize.SheetProtectionOptions{
			Password: s.w.Password, SelectLockedCells: true, SelectUnlockedCells: true, FormatRows: true,
		})
	}
}
