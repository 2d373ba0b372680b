package template

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/layout"
)

// geometry is where a layout (package layout) puts each part of the
// form: the rows of its blocks above the indicators and the columns of
// its tables. The writer, the fingerprint and the seal take every
// position from it; the seed's comes from layout/builtin/0-seed.yaml like
// any other region's.
type geometry struct {
	lay   *layout.Layout
	width int // visible columns, A..; the hidden helpers follow
	// ind and fund are the columns (1-based) of the indicator and funds
	// fields, by catalogue key; extra the indicator table's other
	// columns (shown, free text), by column.
	ind, fund map[string]int
	extra     map[int]string
	fundRows  []int // the fund rows the form has (form.Fund*), top to bottom
	// Rows (1-based) of the blocks above the indicators; 0 when absent.
	title, year, project, dept, topTotal, fundsHead, goalHead, indHead int
	headRows                                                           int // indicator header rows
	totalRow, gradeRow                                                 bool
	gradeOnTotal                                                       bool
	// onHead: the top total sits at the right end of the department's
	// row (重庆), after the layout's head_extra cells.
	onHead bool
}

// seedGeometry is the seed's geometry, derived once: most forms use it.
var seedGeometry = sync.OnceValue(func() *geometry { return newGeometry(layout.Builtin()[0]) })

// geometryOf is the geometry of l; nil is the seed's layout.
func geometryOf(l *layout.Layout) *geometry {
	if l == nil || l.Name == seedGeometry().lay.Name {
		return seedGeometry()
	}
	return newGeometry(l)
}

// extraCols are the columns of the indicator table's other cells, in
// order: written in map order, the shared strings (and so the bytes of a
// form) would differ from run to run.
func (g *geometry) extraCols() []int {
	return slices.Sorted(maps.Keys(g.extra))
}

// minWidth is the narrowest form: the seed's eight columns, what the
// head and goal blocks are drawn on.
const minWidth = 8

func newGeometry(l *layout.Layout) *geometry {
	g := &geometry{lay: l, ind: map[string]int{}, fund: map[string]int{}, extra: map[int]string{}}
	for i, k := range l.Ind.Columns {
		g.ind[k] = i + 1
	}
	g.width = len(l.Ind.Columns)
	for _, x := range l.Ind.Extra {
		g.width++
		g.extra[g.width] = x
	}
	g.width = max(g.width, minWidth, len(l.Funds.Columns)+1)
	// The funds label spans A:B; its other columns follow.
	for i, k := range l.Funds.Columns {
		g.fund[k] = i + 2
	}
	for _, k := range l.Funds.Rows {
		g.fundRows = append(g.fundRows, fundIndex(k))
	}
	g.headRows = max(l.Ind.HeaderRows, 1)
	g.gradeOnTotal = l.Total.Grade == "total_row"
	r := 1
	seenInd := false
	for _, b := range l.Blocks {
		switch b {
		case "title":
			g.title, r = r, r+1
		case "year":
			g.year, r = r, r+1
		case "head":
			if l.HasHead(form.FProject) {
				g.project, r = r, r+1
			}
			if l.HasHead(form.FDepartment) || l.HasHead(form.FUnit) {
				g.dept, r = r, r+1
			}
		case "total":
			switch {
			case seenInd || !slices.Contains(l.Total.Where, "top"):
			case l.Total.OnHead && g.dept > 0 && g.headEnd(true) >= 3 && !l.HasHead(form.FUnit):
				g.topTotal, g.onHead = g.dept, true
			default:
				g.topTotal, r = r, r+1
			}
		case "funds":
			g.fundsHead, r = r, r+1+len(g.fundRows)
		case "goals":
			g.goalHead, r = r, r+2
		case "indicators":
			g.indHead, r = r, r+g.headRows
			seenInd = true
		}
	}
	g.totalRow = slices.Contains(l.Total.Where, "row")
	g.gradeRow = l.Total.Grade == "row"
	if g.gradeOnTotal && (!g.totalRow || g.totalLabelEnd() < 5) {
		// No room left of the figures: the grade gets its own row.
		g.gradeOnTotal, g.gradeRow = false, true
	}
	return g
}

// fundIndex is the form.Fund* index of a fund row key (total, current, ...).
func fundIndex(k string) int {
	for i, f := range form.FundRows {
		if f.Key == k {
			return i
		}
	}
	panic("template: no fund row " + k) // layout.Parse checks the keys
}

// fundRow is the sheet row of fund row i (form.Fund*), 0 when absent.
func (g *geometry) fundRow(i int) int {
	if j := slices.Index(g.fundRows, i); j >= 0 {
		return g.fundsHead + 1 + j
	}
	return 0
}

// indRow is the sheet row of indicator i (from 0).
func (g *geometry) indRow(i int) int { return g.indHead + g.headRows + i }

// split reports whether the target is split over operator | value | unit.
func (g *geometry) split() bool { return g.lay.Split() }

// helperCol is the column of the row helper at index i (0-based), right
// of the visible columns.
func (g *geometry) helperCol(i int) int { return g.width + 1 + i }

// colWidths fit the seed's text at 宋体 11, by field.
var colWidths = map[string]float64{"l1": 11, "l2": 15, "l3": 24, "target": 17, "actual": 17, "weight": 9,
	"score": 10, "reason": 30, "target_op": 9, "target_unit": 9}

// colWidth is the width of visible column c.
func (g *geometry) colWidth(c int) float64 {
	for k, i := range g.ind {
		if i == c {
			return colWidths[k]
		}
	}
	if _, ok := g.extra[c]; ok {
		return 14
	}
	return 12
}

// span is the total width of columns a..b.
func (g *geometry) span(a, b int) float64 {
	w := 0.0
	for c := a; c <= b; c++ {
		w += g.colWidth(c)
	}
	return w
}

// mid splits the width for the head and goal rows: the seed's 主管部门
// value ends at D, 实施单位 starts at E, 实际完成情况 at F.
func (g *geometry) mid() int { return g.width / 2 }

// headEnd is the last column of the department's value on a form
// without 实施单位: the head_extra cells (label and value, two columns
// each) and, onHead, the total (label two columns, value one) follow it.
func (g *geometry) headEnd(onHead bool) int {
	end := g.width - 4*len(g.lay.HeadExtra)
	if onHead {
		end -= 3
	}
	return end
}

// topTotalCol is the column of the total written at the top; its label
// is the two columns before it, or A:B on a row of its own.
func (g *geometry) topTotalCol() int {
	if g.onHead {
		return g.width
	}
	return 3
}

// unitCol is the 实施单位 value; its label is the two columns before it.
func (g *geometry) unitCol() int { return g.mid() + 3 }

// goalRow is the row the goal and what was done are typed in.
func (g *geometry) goalRow() int {
	if g.goalHead == 0 {
		return 0
	}
	return g.goalHead + 1
}

// doneCol is where 实际完成情况 starts; 预期目标 spans B up to it.
func (g *geometry) doneCol() int { return g.mid() + 2 }

// totalLabelEnd is the last column of the 总分 label: the one before the
// first of the weight and score columns.
func (g *geometry) totalLabelEnd() int {
	return min(cmp.Or(g.ind["weight"], g.width), cmp.Or(g.ind["score"], g.width)) - 1
}

// gradeCol is the grade on the 总分 row: the two columns before the
// weight, after a 评分等级 label over the two before them.
func (g *geometry) gradeCol() int { return g.totalLabelEnd() - 1 }

// cellAt is Cell, or "" where the layout has no such column or row (0).
func cellAt(col, row int) string {
	if col == 0 || row == 0 {
		return ""
	}
	return Cell(col, row)
}

// splitSpan is the first and last column of a split target.
func (g *geometry) splitSpan() (int, int) {
	cs := []int{g.ind["target_op"], g.ind["target"], g.ind["target_unit"]}
	cs = slices.DeleteFunc(cs, func(c int) bool { return c == 0 })
	return slices.Min(cs), slices.Max(cs)
}

// splitTarget cuts a target as the department wrote it into what a split
// layout's three cells hold: the operator before the figure, the figure,
// the unit after it. The three joined are the target again, so the sheet
// reads what the seed's one cell would. A target without an operator
// (words, a bare number, a deadline) stays whole in the middle cell.
func splitTarget(t string) (op, v, unit string) {
	i := strings.IndexFunc(t, func(r rune) bool { return r >= '0' && r <= '9' })
	if i <= 0 {
		return "", t, ""
	}
	j := i
	for j < len(t) && (t[j] >= '0' && t[j] <= '9' || t[j] == '.' || t[j] == ',') {
		j++
	}
	return t[:i], t[i:j], t[j:]
}

// amountCells is the sqref of the typed amounts: the fund rows below the
// total, in the initial, budget and exec columns the layout has; one
// range where they form a block (the seed's C7:E9).
func (g *geometry) amountCells() string {
	var cols, rows []int
	for _, k := range amountCols {
		if c := g.fund[k]; c > 0 {
			cols = append(cols, c)
		}
	}
	for _, i := range g.fundRows {
		if i != form.FundTotal {
			rows = append(rows, g.fundRow(i))
		}
	}
	if len(cols) == 0 || len(rows) == 0 {
		return ""
	}
	c0, c1, r0, r1 := slices.Min(cols), slices.Max(cols), slices.Min(rows), slices.Max(rows)
	if c1-c0+1 == len(cols) && r1-r0+1 == len(rows) {
		return Cell(c0, r0) + ":" + Cell(c1, r1)
	}
	var out []string
	for _, r := range rows {
		for _, c := range cols {
			out = append(out, Cell(c, r))
		}
	}
	return strings.Join(out, " ")
}

// writable says what a layout lacks that a generated form needs: the
// indicator table with its 一级 to 偏差原因 columns (operator and unit both,
// when split), a funds block with its total row and budget and spending
// columns, and a place for the total.
func writable(l *layout.Layout) error {
	var miss []string
	if !slices.Contains(l.Blocks, "indicators") {
		miss = append(miss, "blocks: indicators")
	}
	need := []string{"l1", "l2", "l3", "target", "actual", "weight", "score", "reason"}
	if l.Split() {
		need = append(need, "target_op", "target_unit")
	}
	for _, k := range need {
		if !slices.Contains(l.Ind.Columns, k) {
			miss = append(miss, "indicators.columns: "+k)
		}
	}
	if slices.Contains(l.Blocks, "funds") {
		for _, k := range []string{"label", "budget", "exec"} {
			if !slices.Contains(l.Funds.Columns, k) {
				miss = append(miss, "funds.columns: "+k)
			}
		}
		if !slices.Contains(l.Funds.Rows, "total") {
			miss = append(miss, "funds.rows: total")
		}
	}
	if len(l.Total.Where) == 0 {
		miss = append(miss, "total.where")
	}
	if len(miss) > 0 {
		return fmt.Errorf("版式 %s 缺少生成模板所需的部分: %s", l.Name, strings.Join(miss, ", "))
	}
	return nil
}
