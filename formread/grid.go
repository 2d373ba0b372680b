package formread

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"github.com/xlsxeval/xlsxeval/formulas"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	f      *excelize.File // nil when read by internal/xlsx
	sheet  string
	text   [][]string // shown text by 0-based row, column
	norm   [][]string // normLabel of text, filled on demand
	merges []rect
	lb     *labels
	lay    *layout.Layout // the layout read by
	// cells holds the stored value and formula of every cell, sorted by
	// key (find); nil when excelize is asked cell by cell instead.
	cells []xcell
}

// rect is a merged range, 0-based and inclusive.
type rect struct{ r0, c0, r1, c1 int }

// LoadExcelize reads sheet of a workbook excelize opened.
func LoadExcelize(f *excelize.File, sheet string) (*Grid, error) {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, err
	}
	g := &Grid{f: f, sheet: sheet, text: rows, norm: make([][]string, len(rows))}
	if g.scanSheet() {
		return g, nil
	}
	g.merges, g.cells = nil, nil
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

// FromXLSX is a sheet read by internal/xlsx as the form reader sees it;
// raw values and formulas come with it, keyed by cell.
func FromXLSX(name string, sh *xlsx.Sheet) *Grid {
	g := &Grid{sheet: name, text: sh.Rows, norm: make([][]string, len(sh.Rows)),
		cells: make([]xcell, len(sh.Cells)), merges: make([]rect, len(sh.Merges))}
	for i, m := range sh.Merges {
		g.merges[i] = rect{m.R0, m.C0, m.R1, m.C1}
	}
	for i, c := range sh.Cells { // in sheet order, which is key order
		g.cells[i] = xcell{key: cellKey(c.Row, c.Col), v: c.Raw, f: c.Formula}
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
	x.Raw, x.Formula = g.stored(r, c, x.Ref)
	x.Formula = strings.TrimPrefix(x.Formula, "=")
	setNumber(&x)
	return x
}

// stored is the raw value and formula of (r, c): from the sheet's own
// scan, or from excelize where the scan cannot tell them exactly.
func (g *Grid) stored(r, c int, ref string) (raw, formula string) {
	if g.f == nil { // read by internal/xlsx: values and formulas exact
		r, c = g.origin(r, c)
		x := g.find(r, c)
		return x.v, x.f
	}
	if g.cells != nil {
		// excelize answers for a merged cell with the merge's first cell.
		r, c = g.origin(r, c)
		x := g.find(r, c)
		raw, ok := g.rawOf(r, c, x)
		if !ok {
			raw, _ = g.f.GetCellValue(g.sheet, ref, excelize.Options{RawCellValue: true})
		}
		if x.shared {
			formula, _ = g.f.GetCellFormula(g.sheet, ref)
			return raw, formula
		}
		return raw, x.f
	}
	raw, _ = g.f.GetCellValue(g.sheet, ref, excelize.Options{RawCellValue: true})
	formula, _ = g.f.GetCellFormula(g.sheet, ref)
	return raw, formula
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

// xcell is what the sheet XML holds for one cell besides its shown text.
type xcell struct {
	key    int64  // cellKey
	t, v   string // type attribute and <v>
	s      int    // style index
	f      string // <f> as written
	shared bool   // a shared formula: excelize expands it
	inline bool   // has an <is> inline string
}

// cellKey packs a 0-based (row, column) into one number that sorts
// cells by row, then column.
func cellKey(r, c int) int64 { return int64(r)<<20 | int64(c) }

// find is the stored cell (r, c); the zero xcell when the sheet has none.
func (g *Grid) find(r, c int) xcell {
	k := cellKey(r, c)
	i, ok := slices.BinarySearchFunc(g.cells, k, func(x xcell, k int64) int { return cmp.Compare(x.key, k) })
	if !ok {
		return xcell{}
	}
	return g.cells[i]
}

// scanSheet reads the raw values, formulas and merges of sheet in one
// streaming pass over its XML part, instead of letting excelize unmarshal
// the whole worksheet a second time (GetRows has streamed it once for the
// shown text). It reports false for anything it does not read exactly as
// excelize would (a part kept in a temporary file, another encoding, a
// cell without a reference, overlapping merges); the caller then asks
// excelize.
func (g *Grid) scanSheet() bool {
	data, ok := worksheetXML(g.f, g.sheet)
	if !ok {
		return false
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	cells := make([]xcell, 0, 256)
	var (
		stack []string
		cur   xcell
		text  []byte
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, t.Name.Local)
			text = text[:0]
			switch {
			case t.Name.Local == "c" && parent == "row":
				ref := attr(t, "r")
				c, r, err := excelize.CellNameToCoordinates(ref)
				if err != nil || ref != a1Of(r-1, c-1) {
					return false // excelize finds cells by their reference as written
				}
				cur = xcell{key: cellKey(r-1, c-1), t: attr(t, "t")}
				if s := attr(t, "s"); s != "" {
					if cur.s, err = strconv.Atoi(s); err != nil {
						return false
					}
				}
			case t.Name.Local == "f" && parent == "c":
				cur.shared = attr(t, "t") == "shared"
			case t.Name.Local == "is" && parent == "c":
				cur.inline = true
			case t.Name.Local == "mergeCell" && parent == "mergeCells":
				m, ok := mergeRect(attr(t, "ref"))
				if !ok {
					return false
				}
				g.merges = append(g.merges, m)
			}
		case xml.CharData:
			text = append(text, t...)
		case xml.EndElement:
			if len(stack) == 0 {
				return false
			}
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			switch {
			case name == "v" && parent == "c":
				cur.v = string(text)
			case name == "f" && parent == "c":
				cur.f = string(text)
			case name == "c" && parent == "row":
				cells = append(cells, cur)
			}
		}
	}
	if overlap(g.merges) {
		return false
	}
	slices.SortStableFunc(cells, func(a, b xcell) int { return cmp.Compare(a.key, b.key) })
	for i := 1; i < len(cells); i++ {
		if cells[i].key == cells[i-1].key {
			return false // a cell written twice
		}
	}
	g.cells = cells
	return true
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// mergeRect reads "A1:C3" as excelize's GetMergeCells gives it.
func mergeRect(ref string) (rect, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return rect{}, false
	}
	c0, r0, err1 := excelize.CellNameToCoordinates(a)
	c1, r1, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil || r0 > r1 || c0 > c1 {
		return rect{}, false
	}
	return rect{r0 - 1, c0 - 1, r1 - 1, c1 - 1}, true
}

// overlap reports whether two merges overlap: excelize joins those.
func overlap(ms []rect) bool {
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			a, b := ms[i], ms[j]
			if a.r0 <= b.r1 && b.r0 <= a.r1 && a.c0 <= b.c1 && b.c0 <= a.c1 {
				return true
			}
		}
	}
	return false
}

// worksheetXML is the XML of sheet as excelize holds it, found the way
// excelize finds it: the package's office document, its relationships,
// the sheet's relationship target.
func worksheetXML(f *excelize.File, sheet string) ([]byte, bool) {
	wb := ""
	for _, r := range relsOf(f, "_rels/.rels") {
		if r.Type == excelize.SourceRelationshipOfficeDocument || r.Type == excelize.StrictSourceRelationshipOfficeDocument {
			wb = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if wb == "" || f.WorkBook == nil {
		return nil, false
	}
	dir := path.Dir(wb)
	relsPath := strings.TrimPrefix(dir+"/_rels/"+path.Base(wb)+".rels", "/")
	if dir == "." {
		relsPath = "_rels/" + path.Base(wb) + ".rels"
	}
	id := ""
	for _, s := range f.WorkBook.Sheets.Sheet {
		if s.Name == sheet {
			id = s.ID
			break
		}
	}
	for _, r := range relsOf(f, relsPath) {
		if r.ID != id || id == "" {
			continue
		}
		p := strings.TrimPrefix(path.Clean(dir+"/"+r.Target), "/")
		if strings.HasPrefix(r.Target, "/") {
			p = strings.TrimPrefix(path.Clean(r.Target), "/")
		}
		if b, ok := f.Pkg.Load(p); ok {
			data, ok := b.([]byte)
			return data, ok
		}
		return nil, false
	}
	return nil, false
}

type pkgRel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

func relsOf(f *excelize.File, name string) []pkgRel {
	b, ok := f.Pkg.Load(name)
	if !ok {
		return nil
	}
	data, _ := b.([]byte)
	var rs struct {
		Rel []pkgRel `xml:"Relationship"`
	}
	if xml.Unmarshal(data, &rs) != nil {
		return nil
	}
	return rs.Rel
}

// rawOf is the stored value of (r, c) as excelize's GetCellValue with
// RawCellValue gives it: <v>, or the string of a string cell (its shown
// text, unless a number format could have changed it).
func (g *Grid) rawOf(r, c int, x xcell) (string, bool) {
	if x.t != "s" && !(x.t == "inlineStr" && x.inline) {
		return x.v, true
	}
	if !g.plainStyle(x.s) {
		return "", false
	}
	if r < len(g.text) && c < len(g.text[r]) {
		return g.text[r][c], true
	}
	return "", true
}

// plainStyle reports whether style s shows a string as it is stored: a
// built-in format has no text section (General, 0.00) or shows the text
// itself (@); a custom format may add words around it.
func (g *Grid) plainStyle(s int) bool {
	st := g.f.Styles
	if s == 0 || st == nil || st.CellXfs == nil || s < 0 || s >= len(st.CellXfs.Xf) {
		return true
	}
	id := 0
	if p := st.CellXfs.Xf[s].NumFmtID; p != nil {
		id = *p
	}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			if nf != nil && nf.NumFmtID == id {
				return false
			}
		}
	}
	return true
}
