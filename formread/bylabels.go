package formread

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// header is a header row found by its labels: the canonical label of each
// column, and the last row the header occupies (headers may span two).
type header struct {
	row, end int
	col      map[string]int
}

func (h header) has(l string) bool { _, ok := h.col[l]; return ok }

// minCol is the leftmost labelled column: row labels sit left of it.
func (h header) minCol() int {
	m := -1
	for _, c := range h.col {
		if m < 0 || c < m {
			m = c
		}
	}
	return m
}

var (
	fundsHead = []string{lInitial, lBudget, lExec, lWeight, lRate, lScore}
	indHead   = []string{lL1, lL2, lL3, lTarget, lActual, lWeight, lScore, lReason, lTargetOp, lTargetUnit, lScoreCoef}
)

// findHeader returns the first row at or after from (other than skip)
// carrying the labels in want for which ok holds.
func findHeader(g *Grid, from, skip int, want []string, ok func(header) bool) (header, bool) {
	for r := from; r < g.rows(); r++ {
		if r == skip {
			continue
		}
		h := header{row: r, end: r, col: map[string]int{}}
		g.headerRow(&h, r, want)
		if !ok(h) {
			continue
		}
		for _, c := range h.col {
			h.end = max(h.end, g.below(r, c)-1)
		}
		if h.end > r { // a two-row header: labels may sit in its second row
			g.headerRow(&h, h.end, want)
			splitTarget(g, &h)
		}
		return h, true
	}
	return header{}, false
}

func (g *Grid) headerRow(h *header, r int, want []string) {
	for c := 0; c < g.width(r); c++ {
		if g.at(r, c) == "" {
			continue
		}
		// The cell's canonical labels, looked up once rather than once per
		// wanted label (g.is): every row above the header is tried.
		of := g.lb.by[g.label(r, c)]
		if len(of) == 0 {
			continue
		}
		for _, l := range want {
			if !h.has(l) && slices.Contains(of, l) {
				h.col[l] = c
				break
			}
		}
	}
}

// splitTarget moves the target column of a two-row header to the 指标值
// under the merged 年度指标值 when the target is split (指标性质 | 指标值 |
// 度量单位, 云南's 公开14表).
func splitTarget(g *Grid, h *header) {
	tc, ok := h.col[lTarget]
	if !ok || !h.has(lTargetOp) && !h.has(lTargetUnit) {
		return
	}
	m, _ := g.mergeOf(h.row, tc)
	other := func(l string, c int) bool { oc, ok := h.col[l]; return ok && oc == c }
	for c := m.c0; c <= m.c1; c++ {
		if !other(lTargetOp, c) && !other(lTargetUnit, c) && g.is(h.end, c, lTarget) {
			h.col[lTarget] = c
			return
		}
	}
}

func isFundsHead(h header) bool {
	n := 0
	for _, l := range []string{lInitial, lBudget, lExec} {
		if h.has(l) {
			n++
		}
	}
	return n >= 2 && (h.has(lRate) || h.has(lScore))
}

func isIndHead(h header) bool {
	return len(h.col) >= 4 && h.has(lWeight) && (h.has(lScore) || h.has(lScoreCoef)) &&
		(h.has(lL3) || h.has(lTarget) || h.has(lActual))
}

// readByLabels reads the form laid out like the seed that starts at or
// after row from, wherever its parts sit, and returns the row after it
// (an export may hold several forms one under another). It returns nil
// when no funds or indicator header follows.
func readByLabels(g *Grid, from int) (*form.Form, int) {
	fh, hasFunds := findHeader(g, from, -1, fundsHead, isFundsHead)
	skip := -1
	if hasFunds {
		skip = fh.row
	}
	ih, hasInd := findHeader(g, from, skip, indHead, isIndHead)
	switch {
	case !hasFunds && !hasInd:
		return nil, 0
	case hasFunds && hasInd && ih.row < fh.row:
		hasFunds = false // that funds block belongs to a later form
	case hasFunds && hasInd:
		if nf, ok := findHeader(g, fh.end+1, -1, fundsHead, isFundsHead); ok && nf.row < ih.row {
			hasInd = false // a form without indicators, then another form
		}
	}
	last := fh.end
	if hasInd {
		last = ih.end
	}
	limit := g.rows()
	if nf, ok := findHeader(g, last+1, -1, fundsHead, isFundsHead); ok {
		limit = nf.row
	}
	top, stop := fh.row, limit
	if hasInd {
		top, stop = ih.row, ih.row
		if hasFunds {
			top = fh.row
		}
	}
	fm := &form.Form{Sheet: g.sheet}
	g.applyLayout(fm)
	readHead(g, fm, from, top)
	goalsFrom := top
	if hasFunds {
		goalsFrom = readFunds(g, fm, fh, stop)
	}
	readGoals(g, fm, goalsFrom, stop)
	if hasInd {
		readIndicators(g, fm, ih, limit)
	}
	if fm.AmountUnit == "" && g.lay != nil {
		fm.AmountUnit = g.lay.AmountUnit
	}
	return fm, max(lastRow(fm), last) + 1
}

// applyLayout records on fm the layout it is read by and what that
// layout's form has.
func (g *Grid) applyLayout(fm *form.Form) {
	if g.lay == nil {
		return
	}
	fm.Layout, fm.FundsUnscored = g.lay.Name, g.lay.Funds.Unscored
	if len(g.lay.Head) > 0 {
		for _, f := range []*form.Field{form.FProject, form.FDepartment, form.FUnit} {
			if g.lay.HasHead(f) {
				fm.Head = append(fm.Head, f)
			}
		}
	}
}

// lastRow is the lowest row (0-based) any field of fm was found in.
func lastRow(fm *form.Form) int {
	m := -1
	fm.Each(func(_ form.Key, c *form.Cell) {
		if c.Found() {
			m = max(m, rowOf(c.Ref))
		}
	})
	for _, ind := range fm.Indicators {
		m = max(m, ind.Row-1)
	}
	return m
}

// startsForm reports whether row r opens a form's head: its title or the
// 项目名称 / 主管部门 / 实施单位 labels.
func (g *Grid) startsForm(r int) bool {
	for c := 0; c < g.width(r); c++ {
		t := g.at(r, c)
		if t == "" {
			continue
		}
		if strings.Contains(t, "自评表") || g.is(r, c, lProject) || g.is(r, c, lDepartment) || g.is(r, c, lUnit) {
			return true
		}
		if lab, _, ok := splitLabel(t); ok && g.lb.match(normLabel(lab), lProject) {
			return true
		}
	}
	return false
}

// readHead reads the title, year, 项目名称, 主管部门 and 实施单位 above row top.
func readHead(g *Grid, fm *form.Form, from, top int) {
	fields := []headField{{l: lProject, c: &fm.Project}, {l: lDepartment, c: &fm.Department}, {l: lUnit, c: &fm.Unit},
		{l: lTopTotal, c: &fm.TotalScore}}
	for r := from; r < top; r++ {
		for c := 0; c < g.width(r); c++ {
			if g.at(r, c) == "" {
				continue
			}
			for i := range fields {
				if f := &fields[i]; !f.c.Found() && f.read(g, r, c) {
					break
				}
			}
		}
	}
	placeEmpty(g, fields[:3], from, top)
	headEnd := top
	if fm.Project.Found() {
		headEnd = rowOf(fm.Project.Ref)
	}
	fm.Year = findYear(g, from, headEnd)
	fm.Title = findTitle(g, from, headEnd, fm.Year.Ref)
}

// headField is a header label and its value; r, col locate a label whose
// value sits right of it (not after a colon in its own cell).
type headField struct {
	l      string
	c      *form.Cell
	r, col int
	right  bool
}

func (f *headField) read(g *Grid, r, c int) bool {
	v, ok := g.labelled(r, c, f.l)
	if ok {
		*f.c = v
		f.r, f.col, f.right = r, c, g.is(r, c, f.l)
	}
	return ok
}

// placeEmpty moves each empty header value to where a person would type
// it: the column where the other header values start or, on a blank form,
// the funds table's first amount column; in layouts without merges or
// with a blank column the first cell right of the label is not it.
func placeEmpty(g *Grid, fields []headField, from, top int) {
	var geo headGeometry
	empty := false
	for _, f := range fields {
		switch {
		case f.right && !f.c.Empty():
			geo.add(g, f.col, colOf(f.c.Ref), from)
		case f.right:
			empty = true
		}
	}
	if !empty {
		return
	}
	if geo.anchors == nil {
		if a, ok := firstAmountCol(g, top); ok {
			for _, f := range fields {
				if f.right && f.col < a {
					geo.add(g, f.col, a, from)
				}
			}
		}
	}
	for _, f := range fields {
		if f.right && f.c.Empty() {
			*f.c = g.emptyValue(f.r, f.col, geo, from)
		}
	}
}

// headGeometry is what the filled header values tell about where an empty
// one goes: the columns they start in, and how many columns their labels
// take, blank spacer columns not counted (0: unknown).
type headGeometry struct {
	anchors []int
	span    int
}

// add notes a value starting in column vc for the label in column lc.
func (geo *headGeometry) add(g *Grid, lc, vc, from int) {
	geo.anchors = append(geo.anchors, vc)
	if n := g.usedCols(lc, vc, from); n > 0 && (geo.span == 0 || n < geo.span) {
		geo.span = n
	}
}

// firstAmountCol is the leftmost amount column of the funds header at row
// top, if the form's head ends at one.
func firstAmountCol(g *Grid, top int) (int, bool) {
	h, ok := findHeader(g, top, -1, fundsHead, isFundsHead)
	if !ok || h.row != top {
		return 0, false
	}
	m := -1
	for _, l := range []string{lInitial, lBudget, lExec} {
		if c, ok := h.col[l]; ok && (m < 0 || c < m) {
			m = c
		}
	}
	return m, m >= 0
}

// emptyValue is the cell for the empty value of the label at (r, c),
// between the label's merge and the next label on its row: the first
// anchor column there; else the column after a label as wide as the
// others; else the first column that is not a blank spacer column.
// Nothing when the next label follows at once.
func (g *Grid) emptyValue(r, c int, geo headGeometry, from int) form.Cell {
	start, stop := g.right(r, c), maxCols
	for cc := start; cc < g.width(r); cc++ {
		if g.at(r, cc) != "" {
			stop = cc
			break
		}
	}
	if start >= stop || g.at(g.origin(r, start)) != "" {
		return form.Cell{}
	}
	best := -1
	for _, a := range geo.anchors {
		if a >= start && a < stop && (best < 0 || a < best) {
			best = a
		}
	}
	if best >= 0 {
		return g.cell(r, best)
	}
	if geo.span > 0 {
		if cc := g.skipUsed(c, geo.span, from); cc >= start && cc < stop {
			return g.cell(r, cc)
		}
	}
	if cc := g.skipUsed(start, 0, from); cc < stop {
		return g.cell(r, cc)
	}
	return g.cell(r, start)
}

// usedCols counts the columns in [c0, c1) that are not blank spacers.
func (g *Grid) usedCols(c0, c1, from int) int {
	n := 0
	for c := c0; c < c1; c++ {
		if !g.blankCol(c, from) {
			n++
		}
	}
	return n
}

// skipUsed is the first column that is not a blank spacer after n used
// columns from c; a run of more than maxSpacers blank columns ends it.
func (g *Grid) skipUsed(c, n, from int) int {
	blanks := 0
	for ; blanks <= maxSpacers; c++ {
		switch {
		case !g.blankCol(c, from) && n == 0:
			return c
		case !g.blankCol(c, from):
			n, blanks = n-1, 0
		default:
			blanks++
		}
	}
	return maxCols
}

const (
	maxCols    = 16384 // columns of a sheet
	maxSpacers = 8     // blank columns skipped looking for a value cell
)

// blankCol reports whether column c shows nothing from row from down: a
// spacer between labels and values.
func (g *Grid) blankCol(c, from int) bool {
	for r := max(from, 0); r < g.rows(); r++ {
		if g.at(r, c) != "" {
			return false
		}
	}
	return true
}

// colOf is the 0-based column of an A1 reference.
func colOf(a1 string) int {
	c, _, err := excelize.CellNameToCoordinates(a1)
	if err != nil {
		return -1
	}
	return c - 1
}

// labelled reads the field labelled l at (r, c): the value right of the
// label, or after the colon when label and value share the cell.
func (g *Grid) labelled(r, c int, l string) (form.Cell, bool) {
	if g.is(r, c, l) {
		return g.valueRight(r, c), true
	}
	if lab, val, ok := splitLabel(g.at(r, c)); ok && g.lb.match(normLabel(lab), l) {
		return valueCell(g.cellAt(r, c), val), true
	}
	return form.Cell{}, false
}

// valueRight is the value of the label at (r, c): the first filled cell to
// its right unless that is another label, else the empty cell next to it
// (where the value belongs), else nothing.
func (g *Grid) valueRight(r, c int) form.Cell {
	start := g.right(r, c)
	for cc := start; cc < g.width(r); cc++ {
		if g.at(r, cc) == "" {
			continue
		}
		if g.known(r, cc) {
			break
		}
		return g.cell(r, cc)
	}
	if g.at(g.origin(r, start)) != "" {
		return form.Cell{}
	}
	return g.cell(r, start)
}

var (
	yearOnly = regexp.MustCompile(`^\(?(\d{4})(?:年度|年)?\)?$`)
	yearIn   = regexp.MustCompile(`(\d{4})年度`)
	// yearBlank is the year field left unfilled, as normalised: (年度),
	// (____年度), 年度: .
	yearBlank = regexp.MustCompile(`^\(?_*年度_*\)?:?_*$`)
)

// findYear finds (2024年度) in any spelling in the rows above end; failing
// that the year field left unfilled, as a cell with no value.
func findYear(g *Grid, from, end int) form.Cell {
	var embedded, blank form.Cell
	for r := from; r < end && r < g.rows(); r++ {
		for c := 0; c < g.width(r); c++ {
			t := formulas.Normalize(g.at(r, c))
			if t == "" {
				continue
			}
			if yearOnly.MatchString(t) {
				x := g.cellAt(r, c)
				if setYear(&x) {
					return x
				}
			}
			if m := yearIn.FindString(t); m != "" && !embedded.Found() {
				x := valueCell(g.cellAt(r, c), m)
				if setYear(&x) {
					embedded = x
				}
			}
			if !blank.Found() && yearBlank.MatchString(t) {
				blank = valueCell(g.cellAt(r, c), "")
			}
		}
	}
	if embedded.Found() {
		return embedded
	}
	return blank
}

// setYear sets Num to the year a cell states in any spelling (2024年度,
// (2024年度), 2024) and reports whether it states one.
func setYear(x *form.Cell) bool {
	m := yearOnly.FindStringSubmatch(formulas.Normalize(x.Text))
	if m == nil {
		m = yearIn.FindStringSubmatch(formulas.Normalize(x.Text))
	}
	if m == nil {
		return false
	}
	y, _ := strconv.Atoi(m[1])
	if y < 1990 || y > 2100 {
		return false
	}
	d := decimal.NewFromInt(int64(y))
	x.Num, x.Places, x.Percent = &d, 0, false
	return true
}

// isYearCell reports whether normalised text t is all year field, filled
// or not (the title may state the year too).
func isYearCell(t string) bool { return yearOnly.MatchString(t) || yearBlank.MatchString(t) }

// findTitle is the cell naming the form above row end; failing that the
// first text above it that is neither the year nor a label.
func findTitle(g *Grid, from, end int, yearRef string) form.Cell {
	var first form.Cell
	for r := from; r < end && r < g.rows(); r++ {
		for c := 0; c < g.width(r); c++ {
			t := g.at(r, c)
			if t == "" || a1Of(r, c) == yearRef && isYearCell(formulas.Normalize(t)) {
				continue
			}
			if strings.Contains(t, "自评表") || strings.Contains(t, "评价表") {
				return g.cellAt(r, c)
			}
			if !first.Found() && !g.known(r, c) {
				if _, _, ok := splitLabel(t); !ok {
					first = g.cellAt(r, c)
				}
			}
		}
	}
	return first
}

// readFunds reads the funds block under header h, stopping at row stop,
// and returns the row after its last fund row.
func readFunds(g *Grid, fm *form.Form, h header, stop int) int {
	left := h.minCol()
	fm.FundsLabel = fundsLabel(g, h, left)
	fm.AmountUnit = amountUnit(g, h, fm.FundsLabel.Text)
	next := h.end + 1
	var found [form.NumFunds]bool
	for r := h.end + 1; r < stop && r < g.rows(); r++ {
		if g.rowHas(r, 0, g.width(r), lGoals) || g.rowHas(r, 0, g.width(r), lGoal) {
			break
		}
		known := false
		for c := 0; c < left; c++ {
			if g.at(r, c) == "" {
				continue
			}
			if i := fundIndex(g, r, c); i >= 0 && !found[i] {
				found[i] = true
				fm.Funds[i] = fundRow(g, h, r, c, fm.AmountUnit)
				next, known = r+1, true
				break
			}
		}
		if !known {
			fm.FundsOther = append(fm.FundsOther, otherAmounts(g, h, r)...)
		}
	}
	return next
}

// otherAmounts are the cells of row r holding amounts under h's amount
// columns: a funds row whose label is none the reader knows.
func otherAmounts(g *Grid, h header, r int) []string {
	var out []string
	for _, l := range []string{lInitial, lBudget, lExec} {
		c, ok := h.col[l]
		if !ok {
			continue
		}
		if or, _ := g.origin(r, c); or != r {
			continue // a merged cell running down from above
		}
		if x := g.cell(r, c); x.Num != nil && x.Formula == "" {
			out = append(out, x.Ref)
		}
	}
	return out
}

func fundIndex(g *Grid, r, c int) int {
	for i, l := range fundLabels {
		if g.is(r, c, l) {
			return i
		}
	}
	return -1
}

func fundRow(g *Grid, h header, r, c int, unit string) form.FundRow {
	at := func(l string) form.Cell {
		if col, ok := h.col[l]; ok {
			return g.cell(r, col)
		}
		return form.Cell{}
	}
	row := form.FundRow{
		Label: g.cell(r, c), Initial: at(lInitial), Budget: at(lBudget), Exec: at(lExec),
		Weight: at(lWeight), Rate: at(lRate), Score: at(lScore),
	}
	for _, x := range []*form.Cell{&row.Initial, &row.Budget, &row.Exec} {
		withUnit(x, unit)
	}
	fractionRate(&row)
	return row
}

// withUnit reads an amount typed with the form's own unit (120万元 where
// the header says 万元) as its number; another unit stays unread, as the
// figure would be off by ten thousand.
func withUnit(x *form.Cell, unit string) {
	if x.Num != nil || unit == "" || x.Formula != "" {
		return
	}
	n, ok := strings.CutSuffix(formulas.Normalize(x.Text), unit)
	if !ok || unit == "元" && strings.HasSuffix(n, "万") {
		return
	}
	y := form.Cell{Text: n, Raw: n}
	if setNumber(&y); y.Num != nil && !strings.HasSuffix(n, "%") {
		x.Num, x.Places = y.Num, y.Places
	}
}

// fractionRate reads a rate typed as a fraction in a General cell (0.958
// for 95.8%) as the percentage, when the amounts say so: 全年执行数 ÷
// 全年预算数 lies within the rounding of the fraction as written.
func fractionRate(row *form.FundRow) {
	x, b, e := row.Rate, row.Budget.Num, row.Exec.Num
	if x.Num == nil || x.Percent || x.Formula != "" || strings.Contains(x.Text, "%") || b == nil || e == nil || b.IsZero() {
		return
	}
	if x.Num.IsNegative() || x.Num.GreaterThan(decimal.New(15, -1)) {
		return
	}
	ratio := e.Div(*b)
	half := decimal.New(5, -x.Places-1)
	if ratio.Sub(*x.Num).Abs().GreaterThan(half) {
		return
	}
	pct := x.Num.Shift(2)
	row.Rate.Num, row.Rate.Places, row.Rate.Percent = &pct, max(x.Places-2, 0), true
}

// fundsLabel is the 项目资金 (万元) cell: left of the amount columns in the
// header row, or on the row above it; failing that any cell naming 资金
// there, or the first text left of the amounts.
func fundsLabel(g *Grid, h header, left int) form.Cell {
	rows := []int{h.row, h.row - 1}
	for _, fits := range []func(r, c int) bool{
		func(r, c int) bool { return g.is(r, c, lFunds) },
		func(r, c int) bool { return strings.Contains(g.label(r, c), "资金") },
		func(r, c int) bool { return r == h.row },
	} {
		for _, r := range rows {
			for c := 0; c < max(left, 1); c++ {
				if g.at(g.origin(r, c)) != "" && fits(r, c) {
					return g.cell(r, c)
				}
			}
		}
	}
	return form.Cell{}
}

// amountUnit is 万元 or 元 as the funds label, the row above the header
// or an amount header says.
func amountUnit(g *Grid, h header, label string) string {
	texts := []string{label}
	for r := h.row - 1; r <= h.end; r++ {
		for c := 0; c < g.width(r); c++ {
			texts = append(texts, g.at(r, c))
		}
	}
	for _, t := range texts {
		if u := unitIn(t); u != "" {
			return u
		}
	}
	return ""
}

// rowHas reports whether a cell of row r in columns [c0, c1) is labelled l.
func (g *Grid) rowHas(r, c0, c1 int, l string) bool {
	_, ok := g.findIn(r, c0, c1, l)
	return ok
}

func (g *Grid) findIn(r, c0, c1 int, l string) (int, bool) {
	for c := c0; c < c1 && c < g.width(r); c++ {
		if g.at(r, c) != "" && g.is(r, c, l) {
			return c, true
		}
	}
	return 0, false
}

// readGoals reads 预期目标 and 实际完成情况 in rows [from, stop).
func readGoals(g *Grid, fm *form.Form, from, stop int) {
	for r := max(from, 0); r < stop && r < g.rows(); r++ {
		for c := 0; c < g.width(r); c++ {
			if g.at(r, c) == "" {
				continue
			}
			switch {
			case !fm.Goal.Found() && g.is(r, c, lGoal):
				fm.Goal = g.goalValue(r, c, stop)
			case !fm.Done.Found() && g.is(r, c, lDone):
				fm.Done = g.goalValue(r, c, stop)
			}
		}
	}
	if fm.Goal.Found() || fm.Done.Found() {
		return
	}
	// No sub-labels: a single text right of 年度总体目标 is the goal.
	for r := max(from, 0); r < stop && r < g.rows(); r++ {
		if c, ok := g.findIn(r, 0, g.width(r), lGoals); ok {
			fm.Goal = g.valueRight(r, c)
			return
		}
	}
}

// goalValue is the text under a goal label (the seed's layout), or right
// of it; when both are empty, the cell under it.
func (g *Grid) goalValue(r, c, stop int) form.Cell {
	b := g.below(r, c)
	if b < stop && g.at(g.origin(b, c)) != "" && !g.known(b, c) {
		return g.cell(b, c)
	}
	if v := g.valueRight(r, c); !v.Empty() {
		return v
	}
	if b < stop {
		return g.cell(b, c)
	}
	return g.valueRight(r, c)
}

// readIndicators reads the indicator rows under header h down to the
// 总分 row, then 总分 and 评分等级; nothing at or below row limit (the next
// form) is read.
func readIndicators(g *Grid, fm *form.Form, h header, limit int) {
	left := g.width(h.row)
	if c, ok := h.col[lWeight]; ok {
		left = c
	}
	end, total := limit, -1
	for r := h.end + 1; r < limit; r++ {
		if g.rowHas(r, 0, left, lTotal) {
			total, end = r, r
			break
		}
		if g.rowHas(r, 0, g.width(r), lGrade) || g.startsForm(r) {
			end = r
			break
		}
	}
	// last is the row read last, indicator or not: a template row left
	// unused may carry the 一级/二级 the rows below it run under (项目效益 |
	// 经济效益指标 | 指标1: on an unmerged sheet).
	var last *form.Indicator
	for r := h.end + 1; r < end; r++ {
		ind, ok := g.indicator(h, r, last)
		if ok {
			fm.Indicators = append(fm.Indicators, ind)
		}
		last = &ind
	}
	if total >= 0 {
		fm.TotalWeight = g.colCell(h, total, lWeight)
		fm.TotalScore = g.colCell(h, total, lScore)
	}
	for r := end; r < limit && (r == end || !g.startsForm(r)); r++ {
		for c := 0; c < g.width(r); c++ {
			if g.at(r, c) == "" {
				continue
			}
			if v, ok := g.labelled(r, c, lGrade); ok {
				fm.Grade = v
				return
			}
		}
	}
	if total >= 0 {
		fm.Grade = g.gradeRightOf(h, total)
	}
}

// gradeRightOf is a grade written without a label right of the total's
// score (云南: 总分 | 100 | 96 | 优 on one row).
func (g *Grid) gradeRightOf(h header, r int) form.Cell {
	sc, ok := h.col[lScore]
	if !ok {
		return form.Cell{}
	}
	for c := g.right(r, sc); c < g.width(r); c = g.right(r, c) {
		if t := g.at(g.origin(r, c)); t != "" {
			if w, _, _ := strings.Cut(formulas.Normalize(t), "("); gradeWords[w] {
				return g.cell(r, c)
			}
			return form.Cell{}
		}
	}
	return form.Cell{}
}

// gradeWords are the grades forms write.
var gradeWords = map[string]bool{"优": true, "良": true, "中": true, "差": true, "优秀": true, "良好": true, "中等": true,
	"合格": true, "不合格": true, "一般": true, "较差": true}

func (g *Grid) colCell(h header, r int, l string) form.Cell {
	if c, ok := h.col[l]; ok {
		return g.cell(r, c)
	}
	return form.Cell{}
}

// indicator reads row r, its blank 一级/二级 taken from last (the row
// above); ok is false for a row with nothing of its own (a spacer, or only
// merged 一级/二级 running through it) and for a template row left unused.
func (g *Grid) indicator(h header, r int, last *form.Indicator) (form.Indicator, bool) {
	ind := form.Indicator{Row: r + 1}
	own := false
	for _, f := range []struct {
		l string
		c *form.Cell
	}{{lL3, &ind.L3}, {lTarget, &ind.Target}, {lActual, &ind.Actual},
		{lWeight, &ind.Weight}, {lScore, &ind.Score}, {lReason, &ind.Reason},
		{lTargetOp, &ind.TargetOp}, {lTargetUnit, &ind.TargetUnit}, {lScoreCoef, &ind.ScoreCoef}} {
		c, ok := h.col[f.l]
		if !ok {
			continue
		}
		*f.c = g.cell(r, c)
		if or, _ := g.origin(r, c); or == r && typedIn(*f.c) {
			own = true
		}
	}
	ind.L1, ind.L1Own = g.category(h, r, lL1, last, func(p *form.Indicator) form.Cell { return p.L1 }, true)
	ind.L2, ind.L2Own = g.category(h, r, lL2, last, func(p *form.Indicator) form.Cell { return p.L2 }, !ind.L1Own)
	// A row with only its 一级/二级 typed is a template row left blank
	// (the MoF grid prints every 二级): not an indicator.
	if g.placeholder(&ind) {
		return ind, false
	}
	joinTarget(&ind)
	if _, ok := h.col[lScore]; !ok {
		scoreByCoef(&ind)
	}
	ind.NA = g.statesNA(&ind)
	unnumber(&ind)
	return ind, own
}

// unnumber takes the number off a 三级 cell (指标1:培训人次 is 培训人次), as
// the template writes it on a layout that numbers them: the name stays
// what the spec and the seal say; Raw keeps the cell as written. Some
// forms number with no colon (河北: 指标1工程完工率).
func unnumber(ind *form.Indicator) {
	if m := numberRe.FindString(ind.L3.Text); m != "" {
		ind.L3.Text = ind.L3.Text[len(m):]
	}
}

var numberRe = regexp.MustCompile(`^\s*指标\s*\d+\s*[:：]?\s*`)

// joinTarget reads a target split over 指标性质 | 指标值 | 度量单位 as one:
// the operator (when the first cell holds one; 定量/定性 is no operator),
// the figure and the unit, at the 指标值 cell.
func joinTarget(ind *form.Indicator) {
	op, unit := ind.TargetOp, ind.TargetUnit
	if !op.Found() && !unit.Found() {
		return
	}
	v := shownOf(ind.Target)
	if v == "" || formulas.Normalize(v) == "/" {
		return
	}
	o, u := "", ""
	if _, ok := formulas.OpOf(op.Text); ok {
		o = op.Text
	} else if d, ok := directions[formulas.Normalize(op.Text)]; ok {
		o = d
	}
	if pv, err := formulas.Parse(v); err == nil && pv.Op != formulas.OpNone {
		o = "" // the 指标值 states its own operator (≥95 under 正向)
	}
	if !unit.Dash() && !strings.HasSuffix(v, unit.Text) {
		u = unit.Text
	}
	if o == "" && u == "" {
		return
	}
	t := valueCell(ind.Target, o+v+u)
	t.Ref = ind.Target.Ref
	ind.Target = t
}

// directions are 指标性质 written as the indicator's direction: more is
// better (正向, ≥) or less is (反向, ≤, 投诉率 5%).
var directions = map[string]string{"正向": "≥", "正向指标": "≥", "反向": "≤", "反向指标": "≤"}

// scoreByCoef is the score of a form with a 得分系数(%) and no 得分
// column: 分值 × 得分系数 ÷ 100, at the coefficient's cell, exact (the
// coefficient is what was typed).
func scoreByCoef(ind *form.Indicator) {
	w, k := ind.Weight.Num, ind.ScoreCoef.Num
	if w == nil || k == nil {
		ind.Score = form.Cell{Ref: ind.ScoreCoef.Ref}
		return
	}
	s := w.Mul(*k).Shift(-2)
	t := s.String() // no trailing zeros
	places := 0
	if i := strings.IndexByte(t, '.'); i >= 0 {
		places = len(t) - i - 1
	}
	ind.Score = form.Cell{Ref: ind.ScoreCoef.Ref, Text: t, Num: &s, Places: int32(places)}
}

// placeholder reports whether ind is a template row left unused: its
// 三级指标 only 指标2, 指标2:, …… or …, and nothing else typed in it but
// more ellipses (a template may dot every cell of the row).
func (g *Grid) placeholder(ind *form.Indicator) bool {
	for _, c := range []form.Cell{ind.Target, ind.Actual, ind.Weight, ind.Score, ind.Reason, ind.TargetOp, ind.TargetUnit} {
		if typedIn(c) && !ellipsisRe.MatchString(formulas.Normalize(c.Text)) {
			return false
		}
	}
	t := formulas.Normalize(ind.L3.Text)
	return placeholderRe.MatchString(t) || g.lay != nil && g.lay.Placeholder(t)
}

var (
	placeholderRe = regexp.MustCompile(`^(?:指标\d*:?|…+|\.{2,}|。{2,})$`)
	ellipsisRe    = regexp.MustCompile(`^(?:…+|\.{2,}|。{2,})$`)
)

// statesNA reports whether a row states it does not apply: its
// target and actual, or its 三级指标 after the 指标1: prefix, are /, 无
// or 不适用.
func (g *Grid) statesNA(ind *form.Indicator) bool {
	na := func(s string) bool { return naText(s) || g.lay != nil && g.lay.NA(formulas.Normalize(s)) }
	if na(shownOf(ind.Target)) && na(shownOf(ind.Actual)) {
		return true
	}
	name := formulas.Normalize(ind.L3.Text)
	if m := indPrefix.FindString(name); m != "" {
		name = name[len(m):]
	}
	return na(name) && (ind.Target.Empty() || na(shownOf(ind.Target)))
}

var indPrefix = regexp.MustCompile(`^指标\d+:?`)

func naText(s string) bool {
	switch formulas.Normalize(s) {
	case "/", "\\", "无", "不适用", "N/A", "n/a":
		return true
	}
	return false
}

// category reads 一级/二级 at row r. A blank under a merged parent takes
// the parent's value; a blank under an unmerged one takes the previous
// indicator's, when inherit allows (二级 only within the same 一级).
func (g *Grid) category(h header, r int, l string, last *form.Indicator, of func(*form.Indicator) form.Cell, inherit bool) (form.Cell, bool) {
	c, ok := h.col[l]
	if !ok {
		return form.Cell{}, true
	}
	or, oc := g.origin(r, c)
	if or < r && or > h.end {
		x := g.cellAt(or, oc)
		x.Text = cleanName(x.Text)
		return x, false
	}
	x := g.cellAt(r, c)
	x.Text = cleanName(x.Text)
	if x.Text == "" && inherit && last != nil && of(last).Found() {
		return of(last), false
	}
	return x, true
}

// filled reports whether a cell holds something a person typed (a formula
// with no value does not count).
func typedIn(c form.Cell) bool { return !c.Empty() && c.Formula == "" }

// rowOf is the 0-based row of an A1 reference.
func rowOf(a1 string) int {
	_, r, err := excelize.CellNameToCoordinates(a1)
	if err != nil {
		return -1
	}
	return r - 1
}
