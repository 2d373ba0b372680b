package formread

import (
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// readByFingerprint reads a sheet of our own template exactly, cell by
// cell as its fingerprint maps them. It returns nil when the sheet no
// longer fits the fingerprint (rows inserted or deleted by hand), so the
// caller reads it by labels instead.
func readByFingerprint(g *Grid, fp *form.Fingerprint, p *formulas.Profile) *form.Form {
	fm := &form.Form{Sheet: g.sheet, Template: fp, Indicators: make([]form.Indicator, max(fp.Rows, 0))}
	g.applyLayout(fm)
	at := map[*form.Cell]string{} // where each field was said to be
	for key, a1 := range fp.Fields {
		c := cellOf(fm, key)
		if c == nil {
			continue
		}
		col, row, err := excelize.CellNameToCoordinates(strings.ReplaceAll(a1, "$", ""))
		if err != nil {
			return nil
		}
		*c = g.cell(row-1, col-1)
		at[c] = a1Of(row-1, col-1)
	}
	if !fits(g, fm) {
		return nil
	}
	for i := range fm.Indicators {
		ind := &fm.Indicators[i]
		ind.Row = indicatorRow(ind, at)
		var last *form.Indicator
		if i > 0 {
			last = &fm.Indicators[i-1]
		}
		ind.L1Own = ownCategory(&ind.L1, at[&ind.L1], last, func(p *form.Indicator) *form.Cell { return &p.L1 }, true)
		ind.L2Own = ownCategory(&ind.L2, at[&ind.L2], last, func(p *form.Indicator) *form.Cell { return &p.L2 }, !ind.L1Own)
		joinTarget(ind) // a layout's split target, as the label reader joins it
		ind.NA = g.statesNA(ind)
		unnumber(ind)
	}
	fm.Indicators = dropEmptyTail(fm.Indicators)
	setYear(&fm.Year)
	fm.AmountUnit = unitIn(fm.FundsLabel.Text)
	if fm.AmountUnit == "" {
		fm.AmountUnit = p.AmountUnit
	}
	return fm
}

// cellOf is the cell of fm that key names as fm.Cells() names it, or nil:
// without building that map of every field's key for each form.
func cellOf(fm *form.Form, key string) *form.Cell {
	k, ok := form.ParseKey(key) // only as Cells spells it: not "ind.03.target"
	if !ok {
		return nil
	}
	return fm.Cell(k)
}

// fits checks the fingerprint against labels it can be checked by: each
// fund row's label, and 总分 left of the total.
func fits(g *Grid, fm *form.Form) bool {
	for i, l := range fundLabels {
		if c := fm.Funds[i].Label; c.Found() && !g.lb.match(normLabel(c.Text), l) {
			return false
		}
	}
	if c := fm.TotalWeight; c.Found() {
		r := rowOf(c.Ref)
		col, _, _ := excelize.CellNameToCoordinates(c.Ref)
		if !g.rowHas(r, 0, col-1, lTotal) {
			return false
		}
	}
	return true
}

// indicatorRow is the sheet row of an indicator's fields.
func indicatorRow(ind *form.Indicator, at map[*form.Cell]string) int {
	for _, c := range []*form.Cell{&ind.L3, &ind.Target, &ind.Actual, &ind.Weight, &ind.Score, &ind.L1} {
		if a1, ok := at[c]; ok {
			return rowOf(a1) + 1
		}
	}
	return 0
}

// ownCategory cleans a 一级/二级 cell and reports whether it is the row's
// own: a cell under a merged parent was read from the parent already; a
// blank one takes the previous indicator's value when inherit allows.
func ownCategory(c *form.Cell, want string, last *form.Indicator, of func(*form.Indicator) *form.Cell, inherit bool) bool {
	c.Text = cleanName(c.Text)
	if c.Found() && c.Ref != want {
		return false
	}
	if c.Text == "" && inherit && last != nil && of(last).Found() {
		*c = *of(last)
		return false
	}
	return true
}

// dropEmptyTail drops trailing indicator rows nobody filled in.
func dropEmptyTail(inds []form.Indicator) []form.Indicator {
	for len(inds) > 0 {
		ind := &inds[len(inds)-1]
		for _, c := range []form.Cell{ind.L3, ind.Target, ind.Actual, ind.Weight, ind.Score, ind.Reason} {
			if typedIn(c) {
				return inds
			}
		}
		if (ind.L1Own && typedIn(ind.L1)) || (ind.L2Own && typedIn(ind.L2)) {
			return inds
		}
		inds = inds[:len(inds)-1]
	}
	return inds
}

// unitIn is 万元 or 元 when a label states it.
func unitIn(t string) string {
	t = formulas.Normalize(t)
	switch {
	case strings.Contains(t, "万元"):
		return "万元"
	case strings.Contains(t, "(元)"), strings.Contains(t, "单位:元"), strings.HasSuffix(t, "元"):
		return "元"
	}
	return ""
}
