package formread

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xlsxeval/xlsxeval/formulas"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Grid is one sheet read once: the shown text of every cell, the merged
// ranges, and lazily the normalised labels. Raw values and formulas are
// fetched only for the cells that become fields.
type Grid struct {
	sh     *xlsx.Sheet // values and formulas come from it
	sheet  string
	text   [][]string // shown text by 0-based row, column
	norm   [][]string // normLabel of text, filled on demand
	merges []rect
	lb     *labels
	lay    *layout.Layout // the layout read by
}

// rect is a merged range, 0-based and inclusive.
type rect struct{ r0, c0, r1, c1 int }

// FromSheet is a sheet as the form reader sees it, whichever reader
// read it (internal/xlsx, or excelize behind it).
func FromSheet(name string, sh *xlsx.Sheet) *Grid {
	g := &Grid{sh: sh, sheet: name, text: sh.Rows, norm: make([][]string, len(sh.Rows)),
		merges: make([]rect, len(sh.Merges))}
	for i, m := range sh.Merges {
		g.merges[i] = rect{m.R0, m.C0, m.R1, m.C1}
	}
	return g
}

func (g *Grid) rows() int { return len(g.text) }

// width is the number of columns of row r that hold anything.
func (g *Grid) width(r int) int {
	if r < 0 || r >= len(g.text) {
		return 0
	}
	return len(g.text[r])
}

// at is the trimmed shown text of (r, c), "" outside the sheet. It does not
// follow merges.
func (g *Grid) at(r, c int) string {
	if r < 0 || r >= len(g.text) || c < 0 || c >= len(g.text[r]) {
		return ""
	}
	return strings.TrimSpace(g.text[r][c])
}

// label is the normalised label of (r, c), following merges.
func (g *Grid) label(r, c int) string {
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
func (g *Grid) is(r, c int, canonical string) bool {
	return g.lb.match(g.label(r, c), canonical)
}

// known reports whether (r, c) is any label of the form.
func (g *Grid) known(r, c int) bool { return g.lb.any(g.label(r, c)) }

// blank reports whether the sheet shows nothing.
func (g *Grid) blank() bool {
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
func (g *Grid) mergeOf(r, c int) (rect, bool) {
	for _, m := range g.merges {
		if r >= m.r0 && r <= m.r1 && c >= m.c0 && c <= m.c1 {
			return m, true
		}
	}
	return rect{r, c, r, c}, false
}

// origin is the top-left cell of the merge holding (r, c), or (r, c).
func (g *Grid) origin(r, c int) (int, int) {
	m, _ := g.mergeOf(r, c)
	return m.r0, m.c0
}

// right is the first column after the merge holding (r, c).
func (g *Grid) right(r, c int) int {
	m, _ := g.mergeOf(r, c)
	return m.c1 + 1
}

// below is the first row after the merge holding (r, c).
func (g *Grid) below(r, c int) int {
	m, _ := g.mergeOf(r, c)
	return m.r1 + 1
}

func a1Of(r, c int) string {
	s, _ := excelize.CoordinatesToCellName(c+1, r+1)
	return s
}

// cell reads (r, c) as a field, following merges to the top-left cell.
func (g *Grid) cell(r, c int) form.Cell {
	r, c = g.origin(r, c)
	return g.cellAt(r, c)
}

// cellAt reads exactly (r, c).
func (g *Grid) cellAt(r, c int) form.Cell {
	x := form.Cell{Ref: a1Of(r, c), Text: g.at(r, c)}
	x.Raw, x.Formula = g.sh.Stored(r, c)
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
	// separators, decimals, an optional percent sign. matchNumber reads it
	// by hand; the test holds the two equal.
	numberText = regexp.MustCompile(`^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?)(%?)$`)
	// leadNumber is the figure at the start of a formatted number such as
	// "17.52万元".
	leadNumber = regexp.MustCompile(`^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?%?`)
)

// setNumber fills Num, Places and Percent from the shown text: the figure a
// person sees, with the decimals it is shown with. A stored number shown
// with a percent format (0.8619 as 86.19%) is flagged Percent.
func setNumber(x *form.Cell) {
	t := x.Text
	if !plain(t) {
		t = formulas.Normalize(t)
	}
	t = strings.TrimLeft(t, "¥￥$")
	raw := strings.TrimSpace(x.Raw)
	rawNum, rawErr := decimal.Decimal{}, errNotNumber
	if decimalLike(raw) {
		rawNum, rawErr = decimal.NewFromString(raw)
	}
	fig, ok := matchNumber(t)
	if n, cut := strings.CutSuffix(t, "分"); !ok && cut {
		// A weight or score typed with its unit (15分, 9.5分): the
		// figure is plain; amounts and rates never end in 分.
		fig, ok = matchNumber(n)
	}
	if !ok && rawErr == nil {
		if s := leadNumber.FindString(t); s != "" {
			fig, ok = matchNumber(s)
		}
	}
	if !ok {
		if rawErr == nil && x.Text == "" && x.Raw != "" {
			// A number hidden by its format: fall back to the stored value.
			n := rawNum // rawNum itself stays off the heap on the usual path
			x.Num, x.Places = &n, max(0, -rawNum.Exponent())
		}
		return
	}
	d, err := decimal.NewFromString(strings.ReplaceAll(fig.num, ",", ""))
	if err != nil {
		return
	}
	x.Num, x.Places = &d, int32(len(fig.frac))
	x.Percent = fig.pct && rawErr == nil && !strings.Contains(x.Raw, "%")
}

// figure is a number as shown: its digits (sign, separators, point), its
// decimals, and whether a percent sign follows.
type figure struct {
	num, frac string
	pct       bool
}

// matchNumber is numberText.FindStringSubmatch written out: every cell
// a form reader reads goes through it.
func matchNumber(t string) (figure, bool) {
	var f figure
	s, ok := strings.CutSuffix(t, "%")
	f.pct, f.num = ok, s
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	j := digitsEnd(s, i)
	if j == i {
		return figure{}, false
	}
	if j < len(s) && s[j] == ',' {
		if j-i > 3 {
			return figure{}, false
		}
		for j < len(s) && s[j] == ',' {
			if k := digitsEnd(s, j+1); k-(j+1) >= 3 {
				j += 4
			} else {
				return figure{}, false
			}
		}
	}
	if j < len(s) && s[j] == '.' {
		k := digitsEnd(s, j+1)
		if k == j+1 {
			return figure{}, false
		}
		f.frac, j = s[j+1:k], k
	}
	return f, j == len(s)
}

// digitsEnd is the end of the ASCII digits from i.
func digitsEnd(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

var errNotNumber = errors.New("not a number")

// plain reports whether normalize leaves s as it is: ASCII without the
// white space it removes. Most cells are, and normalising allocates.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			return false
		}
	}
	return true
}

// decimalLike is false for what decimal.NewFromString refuses by its
// first character after a sign: most stored texts, whose refusal would
// cost an allocated error each.
func decimalLike(s string) bool {
	s = strings.TrimPrefix(s, "\u2212") // NewFromString takes the minus sign
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.')
}
