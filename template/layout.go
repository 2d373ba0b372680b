// Package template writes the official 财政项目支出绩效自评表 as an .xlsx
// workbook: locked formulas rendered from formulas/, unlocked input cells,
// dropdowns, validation, and a fingerprint the checker reads back.
package template

import (
	"strconv"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Version is the template format version recorded in the fingerprint.
const Version = "1"

// helperNames are the names of formulas.RowHelpers, in column order: the
// hidden, locked cells right of the form that read an indicator row.
var helperNames = func() []string {
	var out []string
	for _, h := range formulas.RowHelpers(formulas.Default()) {
		out = append(out, h.Name)
	}
	return out
}()

// Layout is where every field of the form sits, from the geometry of a
// region's layout (package layout) and the number of indicator rows. The
// writer, the fingerprint, the seal and the tests all go through it.
type Layout struct {
	Rows    int // indicator rows
	Profile *formulas.Profile
	g       *geometry
}

// NewLayout returns the seed's layout of a form with rows indicator rows.
func NewLayout(rows int, p *formulas.Profile) Layout { return NewLayoutOf(rows, p, nil) }

// NewLayoutOf returns the layout of a form with rows indicator rows laid
// out as region layout l (nil: the seed's).
func NewLayoutOf(rows int, p *formulas.Profile, l *layout.Layout) Layout {
	if rows < 1 {
		rows = 1
	}
	if p == nil {
		p = formulas.Default()
	}
	return Layout{Rows: rows, Profile: p, g: geometryOf(l)}
}

// Of is the region layout this form is laid out as.
func (l Layout) Of() *layout.Layout { return l.g.lay }

// Cell returns the A1 reference of col, row.
func Cell(col, row int) string { return colName(col) + strconv.Itoa(row) }

func colName(col int) string {
	if col >= 1 && col <= 26 {
		return letters[col-1 : col]
	}
	s := ""
	for col > 0 {
		col--
		s = string(rune('A'+col%26)) + s
		col /= 26
	}
	return s
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// FundRow is the sheet row of funds row i (form.FundTotal..), 0 when
// the layout has no such row.
func (l Layout) FundRow(i int) int { return l.g.fundRow(i) }

// IndRow is the sheet row of indicator i (from 0).
func (l Layout) IndRow(i int) int { return l.g.indRow(i) }

// TotalRow is the 总分 row under the indicators, 0 when the layout writes
// the total at the top only.
func (l Layout) TotalRow() int {
	if !l.g.totalRow {
		return 0
	}
	return l.IndRow(l.Rows)
}

// GradeRow is the row of the written grade, 0 when the form has none.
func (l Layout) GradeRow() int {
	switch {
	case l.g.gradeOnTotal && l.TotalRow() > 0:
		return l.TotalRow()
	case l.g.gradeRow || l.g.gradeOnTotal:
		return l.IndRow(l.Rows) + btoi(l.g.totalRow)
	}
	return 0
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// LastRow is the last row of the form.
func (l Layout) LastRow() int { return max(l.IndRow(l.Rows-1), l.TotalRow(), l.GradeRow()) }

// IndHeadRow is the first indicator header row; the header (repeated when
// printed) runs to IndRow(0)-1.
func (l Layout) IndHeadRow() int { return l.g.indHead }

// Helper returns the hidden helper cell of indicator i named which (a
// formulas.RowHelpers name, e.g. "cap").
func (l Layout) Helper(i int, which string) string { return Cell(l.helperCol(which), l.IndRow(i)) }

// helperCol is the column of the helper named name.
func (l Layout) helperCol(name string) int {
	for i, n := range helperNames {
		if n == name {
			return l.g.helperCol(i)
		}
	}
	panic("template: no helper " + name)
}

// lastCol is the last (hidden) column of the form.
func (l Layout) lastCol() int { return l.g.helperCol(len(helperNames) - 1) }

// Place sets the Ref of every field of f (as keyed by f.Cells()) and sizes
// f.Indicators to the layout's rows.
func (l Layout) Place(f *form.Form) {
	if len(f.Indicators) != l.Rows {
		ind := make([]form.Indicator, l.Rows)
		copy(ind, f.Indicators)
		f.Indicators = ind
	}
	for i := range f.Indicators {
		f.Indicators[i].Row = l.IndRow(i)
	}
	f.Each(func(k form.Key, c *form.Cell) { c.Ref = l.RefOf(k) })
}

// Ref returns the A1 reference of the field key (see form.Cells), or ""
// when the layout has no such field.
func (l Layout) Ref(key string) string {
	k, ok := form.ParseKey(key)
	if !ok {
		return ""
	}
	return l.RefOf(k)
}

// RefOf returns the A1 reference of field k, or "" when the layout has
// no such field.
func (l Layout) RefOf(k form.Key) string {
	col, row := l.at(k)
	if col == 0 || row == 0 {
		return ""
	}
	return Cell(col, row)
}

// at is the column and row of field k; 0 when the layout lacks it.
func (l Layout) at(k form.Key) (col, row int) {
	g := l.g
	switch k.Group {
	case form.GroupFunds:
		return g.fund[k.Field.Key], g.fundRow(k.Index)
	case form.GroupInd:
		if k.Index >= l.Rows {
			return 0, 0
		}
		return g.ind[k.Field.Key], l.IndRow(k.Index)
	}
	switch k.Field {
	case form.FTitle:
		return 1, g.title
	case form.FYear:
		return 1, g.year
	case form.FProject:
		return 3, g.project
	case form.FDepartment:
		return 3, g.dept
	case form.FUnit:
		if g.lay.HasHead(form.FUnit) {
			return g.unitCol(), g.dept
		}
	case form.FFundsLabel:
		return 1, g.fundsHead
	case form.FGoal:
		return 2, g.goalRow()
	case form.FDone:
		return g.doneCol(), g.goalRow()
	case form.FTotalW:
		return g.ind["weight"], l.TotalRow()
	case form.FTotal:
		if l.TotalRow() > 0 {
			return g.ind["score"], l.TotalRow()
		}
		return g.topTotalCol(), g.topTotal
	case form.FGrade:
		if g.gradeOnTotal && l.TotalRow() > 0 {
			return g.gradeCol(), l.GradeRow()
		}
		return 2, l.GradeRow()
	}
	return 0, 0
}

// Fingerprint returns the fingerprint of a form of this layout on sheet.
func (l Layout) Fingerprint(sheet string) *form.Fingerprint {
	f := &form.Form{Sheet: sheet}
	l.Place(f)
	fields := map[string]string{}
	f.Each(func(k form.Key, c *form.Cell) {
		if c.Ref != "" { // fields the layout does not have
			fields[k.String()] = c.Ref
		}
	})
	return &form.Fingerprint{
		Generator: "xlsxeval", Version: Version, Profile: l.Profile.Name,
		Sheet: sheet, Rows: l.Rows, Layout: l.g.lay.Name, Fields: fields,
	}
}
