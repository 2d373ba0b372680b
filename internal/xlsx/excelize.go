package xlsx

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlBook is a workbook excelize opened: the fallback behind Workbook.
type xlBook struct {
	f    *excelize.File
	name string
	over map[string]Msg
}

func (x *xlBook) Name() string { return x.name }

func (x *xlBook) Sheets() []SheetInfo {
	var out []SheetInfo
	for _, s := range x.f.GetSheetList() {
		si := SheetInfo{Name: s}
		if vis, _ := x.f.GetSheetVisible(s); !vis {
			si.State = "hidden"
		}
		out = append(out, si)
	}
	return out
}

func (x *xlBook) Oversize(sheet string) (Msg, bool) {
	m, ok := x.over[sheet]
	return m, ok
}

func (x *xlBook) Rows(sheet string) ([][]string, error) { return x.f.GetRows(sheet) }

func (x *xlBook) Sheet(name string) (*Sheet, error) { return FromExcelize(x.f, name) }

// xlSheet is what a Sheet excelize read keeps to answer Stored, Value
// and Formula: excelize is asked where the sheet's own scan cannot tell.
type xlSheet struct {
	f     *excelize.File
	sheet string
	text  [][]string
	cells []xcell // from the scan, sorted by key; nil: ask excelize cell by cell
}

// FromExcelize reads sheet of a workbook excelize opened: the shown text
// by excelize's GetRows, and the raw values, formulas and merges from one
// streaming pass over its XML part instead of letting excelize unmarshal
// the whole worksheet a second time; where that scan cannot be exact,
// excelize is asked cell by cell (Stored).
func FromExcelize(f *excelize.File, sheet string) (*Sheet, error) {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, err
	}
	x := &xlSheet{f: f, sheet: sheet, text: rows}
	sh := &Sheet{Rows: rows, x: x}
	if cells, merges, ok := x.scan(); ok {
		x.cells, sh.Merges = cells, merges
		return sh, nil
	}
	mcs, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, err
	}
	for _, m := range mcs {
		c0, r0, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 == nil && err2 == nil {
			sh.Merges = append(sh.Merges, Range{r0 - 1, c0 - 1, r1 - 1, c1 - 1})
		}
	}
	return sh, nil
}

// protected reports whether sheet of f is protected. excelize reports
// every permission false for an unprotected sheet; a protected one has
// at least one allowed (our templates allow selecting cells).
func protected(f *excelize.File, sheet string) bool {
	o, err := f.GetSheetProtection(sheet)
	if err != nil {
		return false
	}
	return o.AlgorithmName != "" || o.SelectLockedCells || o.SelectUnlockedCells || o.FormatCells ||
		o.FormatColumns || o.FormatRows || o.InsertColumns || o.InsertRows || o.InsertHyperlinks ||
		o.DeleteColumns || o.DeleteRows || o.Sort || o.AutoFilter || o.PivotTables || o.EditObjects || o.EditScenarios
}

// stored is the raw value and formula of (r, c): from the sheet's own
// scan, or from excelize where the scan cannot tell them exactly.
func (x *xlSheet) stored(sh *Sheet, r, c int) (raw, formula string) {
	ref := a1(r, c)
	if x.cells != nil {
		// excelize answers for a merged cell with the merge's first cell.
		r, c = sh.origin(r, c)
		xc := x.find(r, c)
		raw, ok := x.rawOf(r, c, xc)
		if !ok {
			raw, _ = x.f.GetCellValue(x.sheet, ref, excelize.Options{RawCellValue: true})
		}
		if xc.shared {
			formula, _ = x.f.GetCellFormula(x.sheet, ref)
			return raw, formula
		}
		return raw, xc.f
	}
	raw, _ = x.f.GetCellValue(x.sheet, ref, excelize.Options{RawCellValue: true})
	formula, _ = x.f.GetCellFormula(x.sheet, ref)
	return raw, formula
}

func a1(r, c int) string {
	s, _ := excelize.CoordinatesToCellName(c+1, r+1)
	return s
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
func (x *xlSheet) find(r, c int) xcell {
	k := cellKey(r, c)
	i, ok := slices.BinarySearchFunc(x.cells, k, func(x xcell, k int64) int { return cmp.Compare(x.key, k) })
	if !ok {
		return xcell{}
	}
	return x.cells[i]
}

// scan reads the raw values, formulas and merges of the sheet in one
// streaming pass over its XML part. It reports false for anything it
// does not read exactly as excelize would (a part kept in a temporary
// file, another encoding, a cell without a reference, overlapping
// merges); the caller then asks excelize.
func (x *xlSheet) scan() ([]xcell, []Range, bool) {
	data, ok := worksheetXML(x.f, x.sheet)
	if !ok {
		return nil, nil, false
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	cells := make([]xcell, 0, 256)
	var (
		merges []Range
		stack  []string
		cur    xcell
		text   []byte
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, false
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
				if err != nil || ref != a1(r-1, c-1) {
					return nil, nil, false // excelize finds cells by their reference as written
				}
				cur = xcell{key: cellKey(r-1, c-1), t: attr(t, "t")}
				if s := attr(t, "s"); s != "" {
					if cur.s, err = strconv.Atoi(s); err != nil {
						return nil, nil, false
					}
				}
			case t.Name.Local == "f" && parent == "c":
				cur.shared = attr(t, "t") == "shared"
			case t.Name.Local == "is" && parent == "c":
				cur.inline = true
			case t.Name.Local == "mergeCell" && parent == "mergeCells":
				m, ok := xlMergeRange(attr(t, "ref"))
				if !ok {
					return nil, nil, false
				}
				merges = append(merges, m)
			}
		case xml.CharData:
			text = append(text, t...)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, nil, false
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
	if overlap(merges) {
		return nil, nil, false
	}
	slices.SortStableFunc(cells, func(a, b xcell) int { return cmp.Compare(a.key, b.key) })
	for i := 1; i < len(cells); i++ {
		if cells[i].key == cells[i-1].key {
			return nil, nil, false // a cell written twice
		}
	}
	return cells, merges, true
}

// xlMergeRange reads "A1:C3" as excelize's GetMergeCells gives it.
func xlMergeRange(ref string) (Range, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return Range{}, false
	}
	c0, r0, err1 := excelize.CellNameToCoordinates(a)
	c1, r1, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil || r0 > r1 || c0 > c1 {
		return Range{}, false
	}
	return Range{r0 - 1, c0 - 1, r1 - 1, c1 - 1}, true
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
func (x *xlSheet) rawOf(r, c int, xc xcell) (string, bool) {
	if xc.t != "s" && !(xc.t == "inlineStr" && xc.inline) {
		return xc.v, true
	}
	if !x.plainStyle(xc.s) {
		return "", false
	}
	if r < len(x.text) && c < len(x.text[r]) {
		return x.text[r][c], true
	}
	return "", true
}

// plainStyle reports whether style s shows a string as it is stored: a
// built-in format has no text section (General, 0.00) or shows the text
// itself (@); a custom format may add words around it.
func (x *xlSheet) plainStyle(s int) bool {
	st := x.f.Styles
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
