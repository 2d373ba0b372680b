package template

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// The fast path writes a one-form workbook without building it in
// excelize. A prototype workbook, built once by excelize for a given
// number of indicator rows, gives every part that does not depend on the
// project (styles, theme, lists sheet, ...) as compressed bytes, and the
// settings of the form sheet (columns, protection, conditional formats,
// page) as XML. Per project only the form's cells, merges and data
// validations, the fingerprint sheet, the shared strings and the sheet
// name in workbook.xml are written, in excelize's own serialisation: the
// result unpacks to the same parts, byte for byte, as Build's (see
// TestFastMatchesExcelize).

// errSlow sends a project the fast path does not write exactly as
// excelize would to the excelize path.
var errSlow = errors.New("template: project needs the excelize path")

// protoName is the sheet name of the prototype form, replaced per project.
const protoName = "XEPROTOSHEET"

// Kinds of a prototype part.
const (
	partStatic = iota
	partWorkbook
	partForm
	partFingerprint
	partStrings
)

type protoPart struct {
	hdr  zip.FileHeader
	raw  []byte // compressed, for static parts
	kind int
}

// proto is what every one-form workbook of one row count shares.
type proto struct {
	parts []protoPart
	st    *styles
	// wb is workbook.xml split at the prototype's sheet name; quoted[i]
	// tells whether the name after wb[i] sits in a quoted reference.
	wb     [][]byte
	quoted []bool
	// Pieces of the form sheet around what is written per project.
	head, protect, cond, tail []byte
	// fpHead and fpTail frame the fingerprint sheet's rows.
	fpHead, fpTail []byte
	lists          []string // shared strings of the lists sheet, in order
	mark           string   // A1 of the fingerprint sheet
	rowFormulas    [][6]string
}

// newProto builds the prototype for forms of rows indicator rows.
func newProto(rows int, o Options) (*proto, error) {
	pr := &Project{Name: protoName}
	for range rows {
		pr.Indicators = append(pr.Indicators, &Indicator{})
	}
	w, err := NewWorkbook(o.Profile)
	if err != nil {
		return nil, err
	}
	w.Password = o.Password
	if err := w.AddForm(protoName, pr, 0, o.Year); err != nil {
		return nil, err
	}
	x, err := w.Bytes()
	if err != nil {
		return nil, err
	}
	p := &proto{st: w.st}
	lay := NewLayout(rows, o.Profile)
	for i := range lay.Rows {
		p.rowFormulas = append(p.rowFormulas, helperFormulas(o.Profile, lay.IndRow(i)))
	}
	if p.mark, err = w.File.GetCellValue(form.FingerprintSheet, "A1"); err != nil {
		return nil, err
	}
	p.lists = listStrings(w)
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		return nil, err
	}
	paths, err := sheetPaths(zr)
	if err != nil {
		return nil, err
	}
	kinds := map[string]int{"xl/workbook.xml": partWorkbook, "xl/sharedStrings.xml": partStrings,
		paths[protoName]: partForm, paths[form.FingerprintSheet]: partFingerprint}
	for _, zf := range zr.File {
		part := protoPart{hdr: zf.FileHeader, kind: kinds[zf.Name]}
		if err := p.readPart(zf, &part); err != nil {
			return nil, err
		}
		p.parts = append(p.parts, part)
	}
	if p.head == nil || p.fpHead == nil || p.wb == nil {
		return nil, errors.New("template: prototype lacks a part")
	}
	return p, nil
}

// readPart keeps a static part's compressed bytes, or the pieces of a
// part written per project.
func (p *proto) readPart(zf *zip.File, part *protoPart) error {
	if part.kind == partStatic {
		rc, err := zf.OpenRaw()
		if err != nil {
			return err
		}
		part.raw, err = io.ReadAll(rc)
		return err
	}
	b, err := readZip(zf)
	if err != nil {
		return err
	}
	switch part.kind {
	case partWorkbook:
		return p.splitWorkbook(b)
	case partForm:
		return p.splitForm(b)
	case partFingerprint:
		p.fpHead, p.fpTail, err = around(b, "<sheetData>", "</sheetData>")
	}
	return err
}

// around returns what comes up to and including open, and from close on.
func around(b []byte, open, close string) ([]byte, []byte, error) {
	i, j := bytes.Index(b, []byte(open)), bytes.LastIndex(b, []byte(close))
	if i < 0 || j < i {
		return nil, nil, fmt.Errorf("template: prototype part without %s", open)
	}
	return b[:i+len(open)], b[j:], nil
}

func (p *proto) splitWorkbook(b []byte) error {
	q := []byte("&#39;" + protoName)
	for {
		i := bytes.Index(b, []byte(protoName))
		if i < 0 {
			break
		}
		p.wb = append(p.wb, b[:i])
		p.quoted = append(p.quoted, i >= 5 && bytes.HasPrefix(b[i-5:], q))
		b = b[i+len(protoName):]
	}
	p.wb = append(p.wb, b)
	if len(p.wb) < 2 {
		return errors.New("template: prototype workbook without its sheet")
	}
	return nil
}

// splitForm keeps the form sheet without its rows, merges and data
// validations: head up to <sheetData>, protection after it, conditional
// formats between merges and validations, and the page settings after.
func (p *proto) splitForm(b []byte) error {
	marks := []string{"<sheetData>", "</sheetData>", "<mergeCells", "</mergeCells>", "<dataValidations", "</dataValidations>"}
	at := make([]int, len(marks))
	for i, m := range marks {
		at[i] = bytes.Index(b, []byte(m))
		if at[i] < 0 || (i > 0 && at[i] < at[i-1]) {
			return fmt.Errorf("template: prototype sheet without %s", m)
		}
	}
	p.head = b[:at[0]+len(marks[0])]
	p.protect = b[at[1]:at[2]] // "</sheetData>" and the protection
	p.cond = b[at[3]+len(marks[3]) : at[4]]
	p.tail = b[at[5]+len(marks[5]):]
	return nil
}

// listStrings are the shared strings the lists sheet adds, in the order
// writeLists adds them.
func listStrings(w *Workbook) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, c := range w.Profile.Categories {
		add(c.L1)
		for _, l2 := range c.L2 {
			add(l2)
		}
	}
	for _, l := range formulas.LevelChoices() {
		add(l)
	}
	return out
}

// build writes the workbook of one project on sheet.
func (p *proto) build(pr *Project, sheet string, o Options, zw *zipBuf) ([]byte, error) {
	w := &Workbook{Profile: o.Profile, st: p.st, cache: map[string]map[string]any{}, rowFormulas: p.rowFormulas}
	lay := NewLayout(len(pr.Indicators), o.Profile)
	year := o.Year
	if pr.Year != 0 {
		year = pr.Year
	}
	fs := newFastSheet(lay.LastRow(), p.lists)
	s := &sheetWriter{w: w, sheet: sheet, lay: lay, pr: pr, year: year, vals: map[string]string{}, out: fs, fast: true}
	w.cache[sheet] = map[string]any{}
	s.write()
	if s.err != nil {
		return nil, s.err
	}
	if fs.err != nil {
		return nil, fs.err
	}
	fp, err := json.Marshal(lay.Fingerprint(sheet))
	if err != nil {
		return nil, err
	}
	fpRows := [3]int{fs.sst.add(p.mark), fs.sst.add(sheet), fs.sst.add(string(fp))}
	if fs.err != nil {
		return nil, fs.err
	}
	zw.reset()
	for i := range p.parts {
		part := &p.parts[i]
		if part.kind == partStatic {
			if err := zw.raw(part); err != nil {
				return nil, err
			}
			continue
		}
		b := zw.scratch[:0]
		switch part.kind {
		case partWorkbook:
			b = p.appendWorkbook(b, sheet)
		case partForm:
			b = fs.appendSheet(b, p, w.cache[sheet])
		case partFingerprint:
			b = p.appendFingerprint(b, fpRows)
		case partStrings:
			b = fs.sst.appendXML(b)
		}
		zw.scratch = b
		if err := zw.deflate(part.hdr.Name, b); err != nil {
			return nil, err
		}
	}
	return zw.finish()
}

func (p *proto) appendWorkbook(b []byte, sheet string) []byte {
	b = append(b, p.wb[0]...)
	for i, rest := range p.wb[1:] {
		name := sheet
		if p.quoted[i] {
			name = strings.ReplaceAll(sheet, "'", "''")
		}
		b = appendEscaped(b, name)
		b = append(b, rest...)
	}
	return b
}

func (p *proto) appendFingerprint(b []byte, si [3]int) []byte {
	b = append(b, p.fpHead...)
	b = append(b, `<row r="1"><c r="A1" t="s"><v>`...)
	b = strconv.AppendInt(b, int64(si[0]), 10)
	b = append(b, `</v></c></row><row r="2"><c r="A2" t="s"><v>`...)
	b = strconv.AppendInt(b, int64(si[1]), 10)
	b = append(b, `</v></c><c r="B2" t="s"><v>`...)
	b = strconv.AppendInt(b, int64(si[2]), 10)
	b = append(b, `</v></c></row>`...)
	return append(b, p.fpTail...)
}

// appendEscaped appends s escaped exactly as encoding/xml escapes text and
// attribute values.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD && (r != utf8.RuneError || width > 1) || r >= 0x10000 && r <= 0x10FFFF {
				continue
			}
			esc = "\uFFFD"
		}
		b = append(b, s[last:i-width]...)
		b = append(b, esc...)
		last = i
	}
	return append(b, s[last:]...)
}

// zipBuf writes one workbook at a time, reusing its buffers and its
// compressor (a flate.Writer allocates about a megabyte).
type zipBuf struct {
	out     bytes.Buffer
	zw      *zip.Writer
	fw      *flate.Writer
	scratch []byte
}

func (z *zipBuf) reset() {
	z.out.Reset()
	z.zw = zip.NewWriter(&z.out)
	if z.fw == nil {
		z.fw, _ = flate.NewWriter(io.Discard, flate.BestSpeed)
	}
	// The parts written per project are mostly repeated formulas:
	// BestSpeed keeps them within a few percent of the default level's
	// size at a fraction of its time.
	z.zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		z.fw.Reset(w)
		return z.fw, nil
	})
}

func (z *zipBuf) raw(part *protoPart) error {
	hdr := part.hdr
	dst, err := z.zw.CreateRaw(&hdr)
	if err != nil {
		return err
	}
	_, err = dst.Write(part.raw)
	return err
}

func (z *zipBuf) deflate(name string, b []byte) error {
	dst, err := z.zw.Create(name)
	if err != nil {
		return err
	}
	_, err = dst.Write(b)
	return err
}

func (z *zipBuf) finish() ([]byte, error) {
	if err := z.zw.Close(); err != nil {
		return nil, err
	}
	return bytes.Clone(z.out.Bytes()), nil
}

// sstTable is a workbook's shared strings as excelize adds them.
type sstTable struct {
	list []string
	idx  map[string]int
}

func (t *sstTable) add(s string) int {
	if i, ok := t.idx[s]; ok {
		return i
	}
	t.list = append(t.list, s)
	t.idx[s] = len(t.list) - 1
	return len(t.list) - 1
}

func (t *sstTable) appendXML(b []byte) []byte {
	b = append(b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="`...)
	b = strconv.AppendInt(b, int64(len(t.list)), 10)
	b = append(b, `" uniqueCount="`...)
	b = strconv.AppendInt(b, int64(len(t.list)), 10)
	b = append(b, `">`...)
	for _, s := range t.list {
		if needsPreserve(s) {
			b = append(b, `<si><t xml:space="preserve">`...)
		} else {
			b = append(b, `<si><t>`...)
		}
		b = appendEscaped(b, s)
		b = append(b, `</t></si>`...)
	}
	return append(b, `</sst>`...)
}

// needsPreserve: excelize marks text starting or ending with white space.
func needsPreserve(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte{9, 10, 13, 32} {
		if s[0] == c || s[len(s)-1] == c {
			return true
		}
	}
	return false
}

// Kinds of a fast cell's value.
const (
	cellNone = iota
	cellStr
	cellNum
	cellFormula
)

type fastCell struct {
	style int
	kind  int
	v     string // number as typed, or formula
	si    int    // shared string index
}

// fastSheet is a form sheet's cells, merges and data validations, kept
// as excelize keeps them and written as excelize writes them.
type fastSheet struct {
	sst    *sstTable
	cells  [][lastCol]fastCell // by row-1, col-1
	height []float64           // 0: none
	merges []string
	dvs    []*excelize.DataValidation
	err    error
}

func newFastSheet(rows int, lists []string) *fastSheet {
	t := &sstTable{list: make([]string, 0, len(lists)+80), idx: make(map[string]int, len(lists)+80)}
	for _, s := range lists {
		t.add(s)
	}
	return &fastSheet{sst: t, cells: make([][lastCol]fastCell, rows), height: make([]float64, rows)}
}

// cell returns the cell at ref, or an error outside the form.
func (f *fastSheet) cell(ref string) (*fastCell, error) {
	col, row, err := excelize.CellNameToCoordinates(ref)
	if err != nil {
		return nil, err
	}
	if row > len(f.cells) || col > lastCol {
		return nil, fmt.Errorf("template: cell %s outside the form", ref)
	}
	return &f.cells[row-1][col-1], nil
}

// text refuses what excelize would store differently from what it was
// given (over-long text, escapes of the _xHHHH_ form).
func text(v string) error {
	if len(v) > excelize.TotalCellChars || strings.Contains(v, "_x") {
		return errSlow
	}
	return nil
}

func (f *fastSheet) SetCellStr(_, ref, v string) error {
	c, err := f.cell(ref)
	if err != nil {
		return err
	}
	if err := text(v); err != nil {
		return err
	}
	c.kind, c.si, c.v = cellStr, f.sst.add(v), ""
	return nil
}

func (f *fastSheet) SetCellValue(_, ref string, v any) error {
	if s, ok := v.(string); ok {
		return f.SetCellStr("", ref, s)
	}
	return errSlow
}

func (f *fastSheet) SetCellDefault(_, ref, v string) error {
	c, err := f.cell(ref)
	if err != nil {
		return err
	}
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return errSlow
	}
	c.kind, c.v = cellNum, v
	return nil
}

func (f *fastSheet) SetCellFormula(_, ref, formula string, opts ...excelize.FormulaOpts) error {
	c, err := f.cell(ref)
	if err != nil {
		return err
	}
	if formula == "" || len(opts) > 0 {
		return errSlow
	}
	c.kind, c.v = cellFormula, formula
	return nil
}

// span is the range a:b as ordered coordinates, refused outside the form.
func (f *fastSheet) span(a, b string) (c1, r1, c2, r2 int, err error) {
	if c1, r1, err = excelize.CellNameToCoordinates(a); err != nil {
		return
	}
	if c2, r2, err = excelize.CellNameToCoordinates(b); err != nil {
		return
	}
	c1, c2 = min(c1, c2), max(c1, c2)
	r1, r2 = min(r1, r2), max(r1, r2)
	if r2 > len(f.cells) || c2 > lastCol {
		err = fmt.Errorf("template: cells %s:%s outside the form", a, b)
	}
	return
}

func (f *fastSheet) SetCellStyle(_, a, b string, style int) error {
	c1, r1, c2, r2, err := f.span(a, b)
	if err != nil {
		return err
	}
	for r := r1; r <= r2; r++ {
		for c := c1; c <= c2; c++ {
			f.cells[r-1][c-1].style = style
		}
	}
	return nil
}

// MergeCell clears every cell of the range but the first, as excelize does.
func (f *fastSheet) MergeCell(_, a, b string) error {
	c1, r1, c2, r2, err := f.span(a, b)
	if err != nil {
		return err
	}
	for r := r1; r <= r2; r++ {
		for c := c1; c <= c2; c++ {
			if r != r1 || c != c1 {
				x := &f.cells[r-1][c-1]
				x.kind, x.v = cellNone, ""
			}
		}
	}
	f.merges = append(f.merges, Cell(c1, r1)+":"+Cell(c2, r2))
	return nil
}

func (f *fastSheet) SetRowHeight(_ string, row int, h float64) error {
	if row < 1 || row > len(f.height) || h <= 0 {
		return errSlow
	}
	f.height[row-1] = h
	return nil
}

func (f *fastSheet) AddDataValidation(_ string, dv *excelize.DataValidation) error {
	f.dvs = append(f.dvs, dv)
	return nil
}

// appendSheet writes the form sheet: the prototype's settings around this
// form's rows (formula cells with their cached values), merges and data
// validations.
func (f *fastSheet) appendSheet(b []byte, p *proto, cache map[string]any) []byte {
	b = append(b, p.head...)
	for r := range f.cells {
		b = f.appendRow(b, r+1, cache)
	}
	b = append(b, p.protect...)
	b = append(b, `<mergeCells count="`...)
	b = strconv.AppendInt(b, int64(len(f.merges)), 10)
	b = append(b, `">`...)
	for _, m := range f.merges {
		b = append(b, `<mergeCell ref="`...)
		b = append(b, m...)
		b = append(b, `"></mergeCell>`...)
	}
	b = append(b, `</mergeCells>`...)
	b = append(b, p.cond...)
	b = f.appendValidations(b)
	return append(b, p.tail...)
}

func (f *fastSheet) appendRow(b []byte, r int, cache map[string]any) []byte {
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, '"')
	if h := f.height[r-1]; h != 0 {
		b = append(b, ` ht="`...)
		b = strconv.AppendFloat(b, h, 'g', -1, 64)
		b = append(b, `" customHeight="true"`...)
	}
	b = append(b, '>')
	for i := range f.cells[r-1] {
		c := &f.cells[r-1][i]
		if c.style == 0 && c.kind == cellNone {
			continue
		}
		ref := Cell(i+1, r)
		b = append(b, `<c r="`...)
		b = append(b, ref...)
		b = append(b, '"')
		if c.style != 0 {
			b = append(b, ` s="`...)
			b = strconv.AppendInt(b, int64(c.style), 10)
			b = append(b, '"')
		}
		switch c.kind {
		case cellNone:
			b = append(b, `></c>`...)
		case cellStr:
			b = append(b, ` t="s"><v>`...)
			b = strconv.AppendInt(b, int64(c.si), 10)
			b = append(b, `</v></c>`...)
		case cellNum:
			b = append(b, `><v>`...)
			b = append(b, c.v...)
			b = append(b, `</v></c>`...)
		case cellFormula:
			b = appendFormulaCell(b, c.v, cache[ref])
		}
	}
	return append(b, `</row>`...)
}

// appendFormulaCell writes a formula and its cached value, from after
// the style: as withCache patches what excelize writes.
func appendFormulaCell(b []byte, formula string, v any) []byte {
	d, isNum := v.(decimal.Decimal)
	if !isNum {
		b = append(b, ` t="str"`...)
	}
	b = append(b, `><f>`...)
	b = appendEscaped(b, formula)
	b = append(b, `</f><v>`...)
	if isNum {
		b = append(b, d.String()...)
	} else {
		b = appendEscaped(b, fmt.Sprint(v))
	}
	return append(b, `</v></c>`...)
}

func (f *fastSheet) appendValidations(b []byte) []byte {
	if len(f.dvs) == 0 {
		return b
	}
	b = append(b, `<dataValidations count="`...)
	b = strconv.AppendInt(b, int64(len(f.dvs)), 10)
	b = append(b, `">`...)
	for _, dv := range f.dvs {
		b = append(b, `<dataValidation allowBlank="`...)
		b = strconv.AppendBool(b, dv.AllowBlank)
		b = append(b, '"')
		b = appendAttr(b, "error", dv.Error)
		b = appendAttr(b, "errorStyle", dv.ErrorStyle)
		b = appendAttr(b, "errorTitle", dv.ErrorTitle)
		if dv.Operator != "" {
			b = appendAttr(b, "operator", &dv.Operator)
		}
		b = appendAttr(b, "prompt", dv.Prompt)
		b = appendAttr(b, "promptTitle", dv.PromptTitle)
		for _, a := range []struct {
			name string
			on   bool
		}{{"showDropDown", dv.ShowDropDown}, {"showErrorMessage", dv.ShowErrorMessage}, {"showInputMessage", dv.ShowInputMessage}} {
			if a.on {
				b = append(b, ` `+a.name+`="true"`...)
			}
		}
		b = appendAttr(b, "sqref", &dv.Sqref)
		if dv.Type != "" {
			b = appendAttr(b, "type", &dv.Type)
		}
		b = append(b, '>')
		if dv.Formula1 != "" {
			b = append(b, `<formula1>`+dv.Formula1+`</formula1>`...)
		}
		if dv.Formula2 != "" {
			b = append(b, `<formula2>`+dv.Formula2+`</formula2>`...)
		}
		b = append(b, `</dataValidation>`...)
	}
	return append(b, `</dataValidations>`...)
}

func appendAttr(b []byte, name string, v *string) []byte {
	if v == nil {
		return b
	}
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = appendEscaped(b, *v)
	return append(b, '"')
}
