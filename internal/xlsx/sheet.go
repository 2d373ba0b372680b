package xlsx

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/xuri/excelize/v2"
)

// Cell is what a sheet stores in one cell.
type Cell struct {
	Row, Col int    // 0-based
	Raw      string // the stored value, as excelize's GetCellValue with RawCellValue
	Formula  string // as excelize's GetCellFormula: without "=", "" for none
}

// Range is a merged range, 0-based and inclusive.
type Range struct{ R0, C0, R1, C1 int }

// Sheet is one worksheet read in full.
type Sheet struct {
	// Rows is the text every cell shows, as excelize's GetRows gives it:
	// by 0-based row and column, trailing empty rows and cells left out.
	Rows [][]string
	// Cells is every cell that has a value or a formula, in order; nil
	// when excelize read the sheet (Stored asks it).
	Cells  []Cell
	Merges []Range
	// protected: the sheet's protection is on (<sheetProtection sheet="1">).
	protected bool
	x         *xlSheet // when excelize read the sheet
}

// Protected reports whether the sheet's protection is on.
func (s *Sheet) Protected() bool {
	if s.x != nil {
		return protected(s.x.f, s.x.sheet)
	}
	return s.protected
}

// Stored is the raw value and formula of (r, c), 0-based, as excelize's
// GetCellValue (RawCellValue) and GetCellFormula give them: a merged
// cell answers with the merge's first cell.
func (s *Sheet) Stored(r, c int) (raw, formula string) {
	if s.x != nil {
		return s.x.stored(s, r, c)
	}
	return s.at(s.origin(r, c))
}

// Scanned reports whether the values and formulas come from a scan of
// the sheet's XML (else excelize is asked cell by cell).
func (s *Sheet) Scanned() bool { return s.x == nil || s.x.cells != nil }

// at is the stored cell (r, c) exactly.
func (s *Sheet) at(r, c int) (raw, formula string) {
	i, ok := slices.BinarySearchFunc(s.Cells, cellKey(r, c), func(x Cell, k int64) int { return cmp.Compare(cellKey(x.Row, x.Col), k) })
	if !ok {
		return "", ""
	}
	return s.Cells[i].Raw, s.Cells[i].Formula
}

// origin is the top-left cell of the merge holding (r, c), or (r, c).
func (s *Sheet) origin(r, c int) (int, int) {
	for _, m := range s.Merges {
		if r >= m.R0 && r <= m.R1 && c >= m.C0 && c <= m.C1 {
			return m.R0, m.C0
		}
	}
	return r, c
}

// Value is the stored value of the cell at ref ("B12"), trimmed: what
// the seal compares (integrity.Sheet).
func (s *Sheet) Value(ref string) string {
	if s.x != nil {
		v, _ := s.x.f.GetCellValue(s.x.sheet, ref, excelize.Options{RawCellValue: true})
		return strings.TrimSpace(v)
	}
	c, r, ok := parseRef(ref)
	if !ok {
		return ""
	}
	v, _ := s.at(r, c)
	return strings.TrimSpace(v)
}

// Formula is the formula of the cell at ref, without '='
// (integrity.Sheet).
func (s *Sheet) Formula(ref string) string {
	if s.x != nil {
		v, _ := s.x.f.GetCellFormula(s.x.sheet, ref)
		return strings.TrimPrefix(v, "=")
	}
	c, r, ok := parseRef(ref)
	if !ok {
		return ""
	}
	_, f := s.at(r, c)
	return f
}

// sheetBufs holds buffers for sheets' XML, which is most of what a
// workbook unpacks. A buffer is used again once its sheet is read: nothing
// read from a sheet may share its memory (value copies what it keeps).
var sheetBufs sync.Pool

func sheetBuf() *[]byte {
	if p, ok := sheetBufs.Get().(*[]byte); ok {
		return p
	}
	return new([]byte)
}

// releaseSheetBuf gives a buffer back; not a huge one (a sheet past the
// size of forms) that would stay held. A variable, so tests can poison it.
var releaseSheetBuf = func(p *[]byte) {
	if cap(*p) <= 4<<20 {
		sheetBufs.Put(p)
	}
}

// maxRow is the last row a sheet may have (excelize's TotalRows).
const maxRow = 1 << 20

// Sheet reads the worksheet called name (as Sheets lists it).
func (b *Book) Sheet(name string) (*Sheet, error) {
	part := ""
	for _, s := range b.sheets {
		if s.Name == name {
			part = s.Part
		}
	}
	if part == "" {
		return nil, unsupported("no sheet %q", name)
	}
	buf := sheetBuf()
	defer releaseSheetBuf(buf)
	d, err := b.partInto(part, buf)
	if err != nil {
		return nil, err
	}
	// Sized by the cells there are: a cell with a long formula takes
	// kilobytes of XML, an empty one thirty bytes.
	n := bytes.Count(d, []byte("<c "))
	sc := scan{b: b, data: d, sh: &Sheet{Cells: make([]Cell, 0, n)}, row: -1,
		shown: make([]string, 0, n), texts: arena{limit: len(d)}}
	if err := walk(d, sc.start, sc.text); err != nil {
		return nil, err
	}
	if err := sc.flush(); err != nil {
		return nil, err
	}
	sc.adopt()
	if overlap(sc.sh.Merges) {
		return nil, unsupported("overlapping merged ranges") // excelize joins them
	}
	b.scanned[b.files[part]] = true
	return sc.sh, nil
}

// scan is the state of one pass over a sheet's XML.
type scan struct {
	b      *Book
	data   []byte // the sheet's XML
	sh     *Sheet
	row    int // current row, 0-based; -1 before the first
	rows   int
	cells  int
	shown  []string // shown texts of all rows, one after another
	rowAt  int      // where the current row starts in shown
	lastC  int      // column of the previous cell in the row
	inCell bool
	c      pending
	texts  arena // values and formulas kept, copied out of the XML
	// masters are the shared formulas' first cells with a ref, by si.
	masters map[int]master
	orphans []orphan
}

type master struct {
	col, row int
	split    *Split
}

// sharedFormula is the formula of shared cell c whose own text is f: as
// excelize, from the first cell (in sheet order) with a ref and this si.
// A cell before that master waits for the end of the sheet (orphans).
func (sc *scan) sharedFormula(c *pending, f string) (string, error) {
	m, ok := sc.masters[c.si]
	if !ok && c.master {
		s := sc.b.opt.Splits.Get(f)
		if s == nil {
			return "", unsupported("shared formula %q", f)
		}
		if sc.masters == nil {
			sc.masters = map[int]master{}
		}
		m, ok = master{c.col, c.row, s}, true
		sc.masters[c.si] = m
	}
	if !ok {
		sc.orphans = append(sc.orphans, orphan{len(sc.sh.Cells), c.si})
		return "", nil
	}
	return sc.b.opt.Splits.At(m.split, c.col-m.col, c.row-m.row), nil
}

// orphan is a shared cell read before any master of its si: Cells[cell].
type orphan struct{ cell, si int }

// adopt gives the orphans their formulas once the whole sheet is read:
// excelize looks the master up over all rows, and a cell with none has
// no formula.
func (sc *scan) adopt() {
	for _, o := range sc.orphans {
		if m, ok := sc.masters[o.si]; ok {
			c := &sc.sh.Cells[o.cell]
			c.Formula = sc.b.opt.Splits.At(m.split, c.Col-m.col, c.Row-m.row)
		}
	}
}

// arena hands out strings copied into large chunks, one allocation for
// many cells' values and formulas instead of one for each. A chunk is
// never written where a string was handed out, so strings stay as made.
type arena struct {
	buf   []byte
	limit int // the sheet's XML size
}

func (a *arena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(a.buf)-len(a.buf) {
		// 16 KB chunks (a small sheet's size when smaller): a text
		// longer than a chunk gets its own, the chunk being filled stays.
		n := min(16<<10, a.limit)
		if len(b) > n/4 {
			return string(b)
		}
		a.buf = make([]byte, 0, n)
	}
	i := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[i], len(b))
}

// pending is the cell being read.
type pending struct {
	row, col, style int
	t               string
	v, f            piece
	hasF, hasIS     bool
	is              item
	// shared: the formula is shared (si); master: this cell has its ref.
	shared, master bool
	si             int
}

func (sc *scan) start(t xml.StartElement, stack []string) error {
	n := len(stack)
	parent := ""
	if n > 1 {
		parent = stack[n-2]
	}
	switch {
	case t.Name.Local == "row" && parent == "sheetData":
		return sc.startRow(t)
	case t.Name.Local == "c" && parent == "row":
		return sc.startCell(t)
	case t.Name.Local == "sheetProtection" && n == 2:
		v := attr(t, "sheet")
		sc.sh.protected = v == "1" || v == "true"
	case t.Name.Local == "mergeCell" && parent == "mergeCells":
		m, ok := mergeRange(attr(t, "ref"))
		if !ok {
			return unsupported("merged range %q", attr(t, "ref"))
		}
		sc.sh.Merges = append(sc.sh.Merges, m)
	case !sc.inCell || n < 5 || stack[3] != "c":
	case parent == "c" && t.Name.Local == "f":
		if sc.c.hasF {
			return unsupported("two formulas in one cell")
		}
		sc.c.hasF = true
		if attr(t, "t") == "shared" && hasAttr(t, "si") {
			si, err := strconv.Atoi(attr(t, "si"))
			if err != nil {
				return unsupported("shared formula %q", attr(t, "si"))
			}
			sc.c.shared, sc.c.si, sc.c.master = true, si, attr(t, "ref") != ""
		}
	case parent == "c" && t.Name.Local == "v":
		sc.c.v.reset() // excelize keeps the last <v>
	case parent == "c" && t.Name.Local == "is":
		sc.c.hasIS = true
		sc.c.is.reset()
	case n > 4 && stack[3] == "c" && stack[4] == "is":
		return sc.c.is.start(t, stack[5:])
	}
	return nil
}

func (sc *scan) text(t xml.CharData, stack []string) {
	n := len(stack)
	if !sc.inCell || n < 5 || stack[3] != "c" {
		return
	}
	switch {
	case n == 5 && stack[4] == "v":
		sc.c.v.add(sc.data, t)
	case n == 5 && stack[4] == "f":
		sc.c.f.add(sc.data, t)
	case stack[4] == "is":
		sc.c.is.text(sc.data, t, stack[5:])
	}
}

func (sc *scan) startRow(t xml.StartElement) error {
	if err := sc.flush(); err != nil {
		return err
	}
	r, err := strconv.Atoi(attr(t, "r"))
	if err != nil || r < 1 || r > maxRow || r-1 <= sc.row {
		return unsupported("row %q", attr(t, "r"))
	}
	if sc.rows++; sc.b.opt.MaxRows > 0 && sc.rows > sc.b.opt.MaxRows {
		return fmt.Errorf("xlsx: more than %d rows", sc.b.opt.MaxRows)
	}
	sc.row, sc.rowAt, sc.lastC = r-1, len(sc.shown), -1
	return nil
}

func (sc *scan) startCell(t xml.StartElement) error {
	if err := sc.endCell(); err != nil {
		return err
	}
	if sc.cells++; sc.b.opt.MaxCells > 0 && sc.cells > sc.b.opt.MaxCells {
		return fmt.Errorf("xlsx: more than %d cells", sc.b.opt.MaxCells)
	}
	ref := attr(t, "r")
	col, row, ok := parseRef(ref)
	if !ok || row != sc.row || col <= sc.lastC {
		return unsupported("cell %q in row %d", ref, sc.row+1)
	}
	sc.lastC = col
	// The text buffers are kept for the next cell.
	v, f, is := sc.c.v, sc.c.f, sc.c.is
	v.reset()
	f.reset()
	sc.c = pending{row: row, col: col, t: attr(t, "t"), v: v, f: f, is: is}
	if s := attr(t, "s"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return unsupported("style %q", s)
		}
		sc.c.style = n
	}
	sc.inCell = true
	return nil
}

// endCell settles the pending cell; cells end where the next cell or row
// starts or the sheet ends (children were already read).
func (sc *scan) endCell() error {
	if !sc.inCell {
		return nil
	}
	sc.inCell = false
	c := &sc.c
	raw, shown, err := sc.b.value(c, &sc.texts)
	if err != nil {
		return err
	}
	formula := sc.texts.str(c.f.b)
	if c.shared {
		if formula, err = sc.sharedFormula(c, formula); err != nil {
			return err
		}
	}
	if raw != "" || c.hasF {
		sc.sh.Cells = append(sc.sh.Cells, Cell{Row: c.row, Col: c.col, Raw: raw, Formula: formula})
	}
	if shown != "" || c.hasF {
		for len(sc.shown)-sc.rowAt < c.col {
			sc.shown = append(sc.shown, "")
		}
		sc.shown = append(sc.shown, shown)
	}
	return nil
}

// flush ends the current row.
func (sc *scan) flush() error {
	if err := sc.endCell(); err != nil {
		return err
	}
	if n := len(sc.shown); n > sc.rowAt {
		for len(sc.sh.Rows) < sc.row {
			sc.sh.Rows = append(sc.sh.Rows, nil)
		}
		// Capped, so that appending to a row cannot overwrite the next.
		sc.sh.Rows = append(sc.sh.Rows, sc.shown[sc.rowAt:n:n])
	}
	sc.rowAt = len(sc.shown)
	return nil
}

// value is a cell's stored value and shown text, as excelize's
// getValueFrom gives them raw and formatted. Texts from the sheet are
// copied (shared strings are not): a form read from a large sheet should
// not keep all of its XML alive.
func (b *Book) value(c *pending, texts *arena) (raw, shown string, err error) {
	if c.t == "s" {
		return b.sharedValue(c)
	}
	v := texts.str(c.v.b)
	switch c.t {
	case "b":
		switch v {
		case "1":
			return v, "TRUE", nil
		case "0":
			return v, "FALSE", nil
		}
		shown, err = b.formatted(v, c.style, kindBool)
		return v, shown, err
	case "d":
		return "", "", unsupported("date cell")
	case "str":
		return v, v, nil
	case "inlineStr":
		if c.hasIS {
			v = c.is.String(nil)
		}
		shown, err = b.formatted(v, c.style, kindString)
		return v, shown, err
	}
	shown, err = b.formatted(numberText(v), c.style, kindNumber)
	return v, shown, err
}

// sharedValue is value for a shared string's cell (t="s"); its index is
// read without making a string of it.
func (b *Book) sharedValue(c *pending) (raw, shown string, err error) {
	v := ""
	if idx := bytes.TrimSpace(c.v.b); len(c.v.b) > 0 {
		i, err := strconv.Atoi(unsafe.String(unsafe.SliceData(idx), len(idx)))
		if err != nil || i < 0 || i >= len(b.strs) {
			return "", "", unsupported("shared string %q", c.v.b)
		}
		v = b.strs[i]
	}
	shown, err = b.formatted(v, c.style, kindString)
	return v, shown, err
}

func (b *Book) formatted(v string, style int, kind valueKind) (string, error) {
	f, err := b.format(style)
	if err != nil || f == nil {
		return v, err
	}
	out, ok := f.apply(v, kind)
	if !ok {
		return "", unsupported("%q in format %q", v, f.code)
	}
	return out, nil
}

func hasAttr(t xml.StartElement, name string) bool {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return true
		}
	}
	return false
}

// parseRef reads a cell reference written the way excelize finds cells
// by it ("B12": capitals, no leading zeros), 0-based.
func parseRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	if i == 0 || i > 3 || col > 16384 || i == len(ref) || ref[i] == '0' {
		return 0, 0, false
	}
	for _, ch := range ref[i:] {
		if ch < '0' || ch > '9' {
			return 0, 0, false
		}
		row = row*10 + int(ch-'0')
		if row > maxRow {
			return 0, 0, false
		}
	}
	return col - 1, row - 1, true
}

func mergeRange(ref string) (Range, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return Range{}, false
	}
	c0, r0, ok1 := parseRef(a)
	c1, r1, ok2 := parseRef(b)
	if !ok1 || !ok2 || r0 > r1 || c0 > c1 {
		return Range{}, false
	}
	return Range{r0, c0, r1, c1}, true
}

func overlap(ms []Range) bool {
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			a, b := ms[i], ms[j]
			if a.R0 <= b.R1 && b.R0 <= a.R1 && a.C0 <= b.C1 && b.C0 <= a.C1 {
				return true
			}
		}
	}
	return false
}
