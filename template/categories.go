package template

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
)

// The 一级/二级 grid of the Ministry of Finance form: its 一级 and 二级
// are printed, with two numbered 三级 rows under each 二级 (指标1:,
// 指标2:), 一级 cells stating their weight (产出指标(50分)). A blank form
// of a layout numbering its 三级 cells (indicators.prefix) is written so:
// the unit types after the number, a row left unused stays 指标2:, a
// placeholder the reader passes over.

// gridded reports whether a blank form of l presets the 一级/二级 grid.
func gridded(l *layout.Layout) bool { return l != nil && l.Ind.Prefix != "" }

// blankGrid is the project a blank form of l is written from: the
// profile's 一级 and 二级, each 二级 with enough rows that the grid holds
// at least rows (and two each, as printed); nil when l has no grid.
func blankGrid(l *layout.Layout, p *formulas.Profile, rows int) *Project {
	if !gridded(l) {
		return nil
	}
	n := 0
	for _, c := range p.Categories {
		n += len(c.L2)
	}
	per := max(2, (rows+n-1)/max(n, 1))
	pr := &Project{}
	for _, c := range p.Categories {
		for _, l2 := range c.L2 {
			for range per {
				pr.Indicators = append(pr.Indicators, &Indicator{L1: c.L1, L2: l2})
			}
		}
	}
	return pr
}

// numbered is the 三级 cell of indicator i as l writes it: after its
// number within its 二级 when l numbers them (指标1:, 指标2:, ...).
func numbered(l *layout.Layout, inds []*Indicator, i int) string {
	x := inds[i]
	if l == nil || l.Ind.Prefix == "" {
		return x.L3
	}
	k := 1
	for j := i; j > 0 && inds[j-1].L1 == x.L1 && inds[j-1].L2 == x.L2; j-- {
		k++
	}
	return strings.Replace(l.Ind.Prefix, "1", strconv.Itoa(k), 1) + x.L3
}

// statesWeight reports whether the form's 一级 cells state their weight:
// the layout says so and the 一级 is preset (a spec's, or the grid's),
// so the cell is a formula over its rows; a unit's typed 一级 stays typed.
func (s *sheetWriter) statesWeight(i int) bool {
	return s.lay.g.lay.Ind.L1Weights && s.pr != nil && s.indicator(i).L1 != ""
}

// l1Cell writes the 一级 cell of the run of indicators from i (weights.l1
// rendered over the run's 分值 cells, with the weights Go knows).
func (s *sheetWriter) l1Cell(i int) {
	g := s.lay.g
	j := i + 1
	for j < s.lay.Rows && s.sameL1(j) {
		j++
	}
	var ws []formulas.Interval
	for k := i; k < j; k++ {
		if w := s.indicator(k).Weight; w != nil {
			ws = append(ws, formulas.Exact(w.Decimal))
		}
	}
	name := s.indicator(i).L1
	refs := formulas.Refs{"name": formulas.Escape(name),
		"weights": Cell(g.ind["weight"], s.lay.IndRow(i)) + ":" + Cell(g.ind["weight"], s.lay.IndRow(j-1))}
	env := formulas.Env{"name": formulas.StrVal(name), "weights": formulas.ListVal(ws)}
	s.rule(Cell(g.ind["l1"], s.lay.IndRow(i)), "weights.l1", refs, env, s.w.st.text)
}

// presetCategory reports whether indicator i's 一级 is preset in a form
// whose 一级 cell is no plain copy of it (a formula stating the weight, or
// merged over a grid's rows): the helpers then take it as written.
func (s *sheetWriter) presetCategory(i int) bool {
	return s.pr != nil && s.indicator(i).L1 != "" && (s.lay.g.lay.Ind.L1Weights || gridded(s.lay.g.lay))
}

// headExtra writes the layout's other cells of the department's row
// after its value, which ends at column end: each label (财政处室) over two
// columns and a typed value over the next two.
func (s *sheetWriter) headExtra(r, end int) {
	st := s.w.st
	for i, l := range s.lay.g.lay.HeadExtra {
		c := end + 1 + 4*i
		s.box(Cell(c, r), Cell(c+1, r), l, st.label)
		s.box(Cell(c+2, r), Cell(c+3, r), "", st.textIn)
	}
}

// fundParts binds funds.sum in column c to the rows under the total the
// layout has, top to bottom: one range where they are consecutive (the
// seed's C7:C9); amount(i) is what Go knows of row i.
func (s *sheetWriter) fundParts(c int, amount func(i int) decimal.Decimal) (formulas.Refs, formulas.Env) {
	g := s.lay.g
	var rows []int
	var vals []formulas.Interval
	for _, i := range g.fundRows {
		if i != form.FundTotal {
			rows = append(rows, g.fundRow(i))
			vals = append(vals, formulas.Exact(amount(i)))
		}
	}
	env := formulas.Env{"parts": formulas.ListVal(vals)}
	if len(rows) == 0 {
		return formulas.Refs{"parts": "0"}, env
	}
	if rows[len(rows)-1]-rows[0] == len(rows)-1 {
		return formulas.Refs{"parts": Cell(c, rows[0]) + ":" + Cell(c, rows[len(rows)-1])}, env
	}
	refs := make([]string, len(rows))
	for k, r := range rows {
		refs[k] = Cell(c, r)
	}
	return formulas.Refs{"parts": strings.Join(refs, ",")}, env
}
