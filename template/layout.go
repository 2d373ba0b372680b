// Package template writes the official 财政项目支出绩效自评表 as an .xlsx
// workbook: locked formulas rendered from formulas/, unlocked input cells,
// dropdowns, validation, and a fingerprint the checker reads back.
package template

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// Version is the template format version recorded in the fingerprint.
const Version = "1"

// Visible columns A..H of the form.
const (
	colA = iota + 1
	colB
	colC
	colD
	colE
	colF
	colG
	colH
)

// colHelpers is the first hidden, locked helper column, right of H: the
// cells formulas.RowHelpers reads an indicator row with, in their order.
const colHelpers = colH + 1

// helperNames are the names of formulas.RowHelpers, in column order.
var helperNames = func() []string {
	var out []string
	for _, h := range formulas.RowHelpers(formulas.Default()) {
		out = append(out, h.Name)
	}
	return out
}()

// lastCol is the last helper column.
var lastCol = colHelpers + len(helperNames) - 1

// helperCol is the column of the helper named name.
func helperCol(name string) int {
	for i, n := range helperNames {
		if n == name {
			return colHelpers + i
		}
	}
	panic("template: no helper " + name)
}

// Fixed rows of the form, top to bottom (1-based).
const (
	rowTitle     = 1
	rowYear      = 2
	rowProject   = 3
	rowDept      = 4
	rowFundsHead = 5
	rowFunds     = 6 // first of form.NumFunds rows
	rowGoalHead  = rowFunds + form.NumFunds
	rowGoal      = rowGoalHead + 1
	rowIndHead   = rowGoal + 1
	rowInd       = rowIndHead + 1 // first indicator row
)

// Layout is where every field of the form sits. It is described once here;
// the writer, the fingerprint and the tests all go through it.
type Layout struct {
	Rows    int // indicator rows
	Profile *formulas.Profile
}

// NewLayout returns the layout of a form with rows indicator rows.
func NewLayout(rows int, p *formulas.Profile) Layout {
	if rows < 1 {
		rows = 1
	}
	if p == nil {
		p = formulas.Default()
	}
	return Layout{Rows: rows, Profile: p}
}

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

// FundRow is the sheet row of funds row i (form.FundTotal..).
func (l Layout) FundRow(i int) int { return rowFunds + i }

// IndRow is the sheet row of indicator i (from 0).
func (l Layout) IndRow(i int) int { return rowInd + i }

// TotalRow is the 总分 row; GradeRow the 评分等级 row.
func (l Layout) TotalRow() int { return rowInd + l.Rows }
func (l Layout) GradeRow() int { return l.TotalRow() + 1 }

// LastRow is the last row of the form.
func (l Layout) LastRow() int { return l.GradeRow() }

// IndHeadRow is the indicator header row (repeated when printed).
func (l Layout) IndHeadRow() int { return rowIndHead }

// Helper returns the hidden helper cell of indicator i named which (a
// formulas.RowHelpers name, e.g. "cap").
func (l Layout) Helper(i int, which string) string { return Cell(helperCol(which), l.IndRow(i)) }

// fundCols are the columns of a funds row: label, initial, budget, exec,
// weight, rate, score.
var fundCols = [...]int{colB, colC, colD, colE, colF, colG, colH}

// indCols are the columns of an indicator row, in form.Indicator order.
var indCols = [...]int{colA, colB, colC, colD, colE, colF, colG, colH}

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
	for key, c := range f.Cells() {
		c.Ref = l.Ref(key)
	}
}

// Ref returns the A1 reference of the field key (see form.Cells), or "".
func (l Layout) Ref(key string) string {
	switch key {
	case "title":
		return Cell(colA, rowTitle)
	case "year":
		return Cell(colA, rowYear)
	case "project":
		return Cell(colC, rowProject)
	case "department":
		return Cell(colC, rowDept)
	case "unit":
		return Cell(colG, rowDept)
	case "funds.label":
		return Cell(colA, rowFundsHead)
	case "goal":
		return Cell(colB, rowGoal)
	case "done":
		return Cell(colF, rowGoal)
	case "total.weight":
		return Cell(colF, l.TotalRow())
	case "total.score":
		return Cell(colG, l.TotalRow())
	case "grade":
		return Cell(colB, l.GradeRow())
	}
	parts := strings.Split(key, ".")
	if len(parts) != 3 {
		return ""
	}
	var i int
	if _, err := fmt.Sscan(parts[1], &i); err != nil {
		return ""
	}
	switch parts[0] {
	case "funds":
		if j := index(fundKeys, parts[2]); j >= 0 && i < form.NumFunds {
			return Cell(fundCols[j], l.FundRow(i))
		}
	case "ind":
		if j := index(indKeys, parts[2]); j >= 0 && i < l.Rows {
			return Cell(indCols[j], l.IndRow(i))
		}
	}
	return ""
}

var fundKeys = []string{"label", "initial", "budget", "exec", "weight", "rate", "score"}
var indKeys = []string{"l1", "l2", "l3", "target", "actual", "weight", "score", "reason"}

func index(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// Fingerprint returns the fingerprint of a form of this layout on sheet.
func (l Layout) Fingerprint(sheet string) *form.Fingerprint {
	f := &form.Form{Sheet: sheet}
	l.Place(f)
	fields := map[string]string{}
	for k, c := range f.Cells() {
		if c.Ref != "" { // the seed layout has no split target columns
			fields[k] = c.Ref
		}
	}
	return &form.Fingerprint{
		Generator: "xlsxeval", Version: Version, Profile: l.Profile.Name,
		Sheet: sheet, Rows: l.Rows, Fields: fields,
	}
}

// amountHeader is the funds block header, e.g. "项目资金 (万元)".
func (l Layout) amountHeader() string { return "项目资金 (" + l.Profile.AmountUnit + ")" }
