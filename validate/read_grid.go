package validate

import (
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
)

// grid is one sheet read once: the shown text of every cell, the merged
// ranges, and lazily the normalised labels. Raw values and formulas are
// fetched only for the cells that become fields.
type grid struct {
	f      *excelize.File
	sheet  string
	text   [][]string // shown text by 0-based row, column
	norm   [][]string // normLabel of text, filled on demand
	merges []rect
	lb     *labels
}

// rect is a merged range, 0-based and inclusive.
type rect struct{ r0, c0, r1, c1 int }

func loadGrid(f *excelize.File, sheet string, lb *labels) (*grid, error) {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, err
	}
	g := &grid{f: f, sheet: sheet, text: rows, norm: make([][]string, len(rows)), lb: lb}
	mcs, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, err
	}
	for _, m := range mcs {
		c0, r0, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 == nil && err2 == nil {
			g.merges = append(g.merges, rect{r0 - 1, c0 - 1, r1 - 1, c1 - 1})
		}
	}
	return g, nil
}

func (g *grid) rows() int { return len(g.text) }

// width is the number of columns of row r that hold anything.
func (g *grid) width(r int) int {
	if r < 0 || r >= len(g.text) {
		return 0
	}
	return len(g.text[r])
}

// at is the trimmed shown text of (r, c), "" outside the sheet. It does not
// follow merges.
func (g *grid) at(r, c int) string {
	if r < 0 || r >= len(g.text) || c < 0 || c >= len(g.text[r]) {
		return ""
	}
	return strings.TrimSpace(g.text[r][c])
}

// label is the normalised label of (r, c), following merges.
func (g *grid) label(r, c int) string {
	r, c = g.origin(r, c)
	if r < 0 || r >= len(g.text) || c < 0 || c >= len(g.text[r]) {
		return ""
	}
	if g.norm[r] == nil {
		g.norm[r] = make([]string, len(g.text[r]))
		for i, s := range g.text[r] {
			if s = strings.TrimSpace(s); s != "" {
				g.norm[r][i] = normLabel(s)
				if g.norm[r][i] == "" {
					g.norm[r][i] = "\x00" // text that is only a note
				}
			}
		}
	}
	return g.norm[r][c]
}

// is reports whether (r, c) is labelled canonical or one of its synonyms.
func (g *grid) is(r, c int, canonical string) bool {
	return g.lb.match(g.label(r, c), canonical)
}

// known reports whether (r, c) is any label of the form.
func (g *grid) known(r, c int) bool { return g.lb.any(g.label(r, c)) }

// blank reports whether the sheet shows nothing.
func (g *grid) blank() bool {
	for r := range g.text {
		for c := range g.text[r] {
			if g.at(r, c) != "" {
				return false
			}
		}
	}
	return true
}

// mergeOf returns the merged range holding (r, c).
func (g *grid) mergeOf(r, c int) (rect, bool) {
	for _, m := range g.merges {
		if r >= m.r0 && r <= m.r1 && c >= m.c0 && c <= m.c1 {
			return m, true
		}
	}
	return rect{r, c, r, c}, false
}

// origin is the top-left cell of the merge holding (r, c), or (r, c).
func (g *grid) origin(r, c int) (int, int) {
	m, _ := g.mergeOf(r, c)
	return m.r0, m.c0
}

// right is the first column after the merge holding (r, c).
func (g *grid) right(r, c int) int {
	m, _ := g.mergeOf(r, c)
	return m.c1 + 1
}

// below is the first row after the merge holding (r, c).
func (g *grid) below(r, c int) int {
	m, _ := g.mergeOf(r, c)
	return m.r1 + 1
}

func a1Of(r, c int) string {
	s, _ := excelize.CoordinatesToCellName(c+1, r+1)
	return s
}

// cell reads (r, c) as a field, following merges to the top-left cell.
func (g *grid) cell(r, c int) form.Cell {
	r, c = g.origin(r, c)
	return g.cellAt(r, c)
}

// cellAt reads exactly (r, c).
func (g *grid) cellAt(r, c int) form.Cell {
	x := form.Cell{Ref: a1Of(r, c), Text: g.at(r, c)}
	x.Raw, _ = g.f.GetCellValue(g.sheet, x.Ref, excelize.Options{RawCellValue: true})
	x.Formula, _ = g.f.GetCellFormula(g.sheet, x.Ref)
	x.Formula = strings.TrimPrefix(x.Formula, "=")
	setNumber(&x)
	return x
}

// valueCell is c with its text replaced by the part after a label.
func valueCell(c form.Cell, text string) form.Cell {
	c.Text, c.Num, c.Places, c.Percent = strings.TrimSpace(text), nil, 0, false
	setNumber(&c)
	return c
}

var (
	// numberText is a figure as shown or typed: signs, thousands
	// separators, decimals, an optional percent sign.
	numberText = regexp.MustCompile(`^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?)(%?)$`)
	// leadNumber is the figure at the start of a formatted number such as
	// "17.52万元".
	leadNumber = regexp.MustCompile(`^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?%?`)
)

// setNumber fills Num, Places and Percent from the shown text: the figure a
// person sees, with the decimals it is shown with. A stored number shown
// with a percent format (0.8619 as 86.19%) is flagged Percent.
func setNumber(x *form.Cell) {
	t := strings.TrimLeft(normalize(x.Text), "¥￥$")
	_, rawErr := decimal.NewFromString(strings.TrimSpace(x.Raw))
	m := numberText.FindStringSubmatch(t)
	if m == nil && rawErr == nil {
		if s := leadNumber.FindString(t); s != "" {
			m = numberText.FindStringSubmatch(s)
		}
	}
	if m == nil {
		if rawErr == nil && x.Text == "" && x.Raw != "" {
			// A number hidden by its format: fall back to the stored value.
			d, _ := decimal.NewFromString(strings.TrimSpace(x.Raw))
			x.Num, x.Places = &d, max(0, -d.Exponent())
		}
		return
	}
	d, err := decimal.NewFromString(strings.ReplaceAll(m[1], ",", ""))
	if err != nil {
		return
	}
	x.Num, x.Places = &d, int32(len(m[2]))
	x.Percent = m[3] == "%" && rawErr == nil && !strings.Contains(x.Raw, "%")
}
