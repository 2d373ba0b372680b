package template

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/internal/atomicfile"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// Bytes finishes the workbook (fingerprint, recalculation on load, cached
// values of formula cells) and returns the .xlsx file.
func (w *Workbook) Bytes() ([]byte, error) {
	f := w.File
	if !w.finished {
		if err := w.finish(); err != nil {
			return nil, err
		}
		w.finished = true
	}
	f.SetZipWriter(func(o io.Writer) excelize.ZipWriter { return storedZip{zip.NewWriter(o)} })
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return w.withCache(buf.Bytes())
}

// finish adds what follows the forms: the lists and fingerprint sheets
// after them (the form is the first tab), the seal, recalculation on
// load, and a locked structure so hidden sheets stay hidden.
func (w *Workbook) finish() error {
	f := w.File
	if len(w.fps) > 0 {
		if idx, _ := f.GetSheetIndex("Sheet1"); idx >= 0 && w.cache["Sheet1"] == nil {
			if err := f.DeleteSheet("Sheet1"); err != nil {
				return err
			}
		}
	}
	if err := w.writeLists(); err != nil {
		return err
	}
	if err := form.WriteFingerprints(f, w.fps); err != nil {
		return err
	}
	if err := w.seal(); err != nil {
		return err
	}
	on := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &on}); err != nil {
		return err
	}
	if len(w.fps) > 0 {
		idx, _ := f.GetSheetIndex(w.fps[0].Sheet)
		f.SetActiveSheet(idx)
	}
	return f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{Password: w.Password, LockStructure: true})
}

// Save writes the workbook to path atomically.
func (w *Workbook) Save(path string) error {
	b, err := w.Bytes()
	if err != nil {
		return err
	}
	return WriteAtomic(path, b)
}

// WriteAtomic writes b to a temporary file beside path and renames it, so
// a reader never sees half a workbook.
func WriteAtomic(path string, b []byte) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// storedZip is the zip writer excelize writes with: parts stored, not
// compressed, so that withCache, which reads every part anyway, compresses
// each once.
type storedZip struct{ *zip.Writer }

func (z storedZip) Create(name string) (io.Writer, error) {
	return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
}

// withDimension replaces excelize's <dimension ref="A1"> by the range
// the sheet's cells span: streaming readers size the sheet by it.
func withDimension(b []byte) []byte {
	const old = `<dimension ref="A1"></dimension>`
	i := bytes.Index(b, []byte(old))
	if i < 0 {
		return b
	}
	maxCol, maxRow := 1, 1
	for j := i; ; {
		k := bytes.Index(b[j:], []byte(`<c r="`))
		if k < 0 {
			break
		}
		j += k + len(`<c r="`)
		col, row := 0, 0
		for ; j < len(b) && b[j] >= 'A' && b[j] <= 'Z'; j++ {
			col = col*26 + int(b[j]-'A'+1)
		}
		for ; j < len(b) && b[j] >= '0' && b[j] <= '9'; j++ {
			row = row*10 + int(b[j]-'0')
		}
		maxCol, maxRow = max(maxCol, col), max(maxRow, row)
	}
	ref := `<dimension ref="A1:` + Cell(maxCol, maxRow) + `"></dimension>`
	return append(append(append(make([]byte, 0, len(b)+8), b[:i]...), ref...), b[i+len(old):]...)
}

// withHeights gives each row of hs its height as an estimate the program
// may change (excelize marks every height it sets custom).
func withHeights(b []byte, hs map[int]float64) []byte {
	if len(hs) == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+len(hs)*16)
	for {
		i := bytes.Index(b, []byte(`<row r="`))
		if i < 0 {
			return append(out, b...)
		}
		j := i + len(`<row r="`)
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return append(out, b...)
		}
		out = append(out, b[:j+k+1]...)
		if r, err := strconv.Atoi(string(b[j : j+k])); err == nil {
			if h, ok := hs[r]; ok {
				out = append(out, ` ht="`...)
				out = strconv.AppendFloat(out, h, 'f', -1, 64)
				out = append(out, '"')
			}
		}
		b = b[j+k+1:]
	}
}

// flates are fast deflate writers for reuse: each holds about a megabyte.
var flates sync.Pool

// pooledDeflate compresses with a pooled writer, given back on Close.
func pooledDeflate(o io.Writer) (io.WriteCloser, error) {
	if fw, ok := flates.Get().(*flate.Writer); ok {
		fw.Reset(o)
		return pooledFlate{fw}, nil
	}
	fw, err := flate.NewWriter(o, flate.BestSpeed)
	return pooledFlate{fw}, err
}

type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flates.Put(p.Writer)
	return err
}

// withCache puts the values Go computed into the formula cells, typed as
// numbers or strings: excelize leaves formula cells without a value, and
// viewers that do not recalculate would show them empty. It compresses
// every part (fast deflate) and dates it now: excelize leaves the zip
// date empty, which unpackers show as 1979/1980.
func (w *Workbook) withCache(x []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		return nil, err
	}
	paths, err := sheetPaths(zr)
	if err != nil {
		return nil, err
	}
	byPath := map[string]map[string]any{}
	for sheet, vals := range w.cache {
		if !w.noCache {
			byPath[paths[sheet]] = vals
		}
	}
	formulasOf := map[string]map[string]string{}
	for sheet, fs := range w.formulas {
		formulasOf[paths[sheet]] = fs
	}
	heights := map[string]map[int]float64{}
	for sheet, h := range w.heights {
		heights[paths[sheet]] = h
	}
	helperRows := map[string]map[int][]string{}
	for sheet, rows := range w.helperRows {
		helperRows[paths[sheet]] = rows
	}
	isSheet := map[string]bool{}
	for _, p := range paths {
		isSheet[p] = true
	}
	var out bytes.Buffer
	out.Grow(len(x) / 4)
	zw := zip.NewWriter(&out)
	var name string
	zw.RegisterCompressor(zip.Deflate, w.packed.compressor(&name))
	now := time.Now()
	for _, zf := range zr.File {
		name = zf.Name
		b, err := readZip(zf)
		if err != nil {
			return nil, err
		}
		if rows := helperRows[zf.Name]; rows != nil {
			if b, err = withHelpers(b, rows, w.st.helper); err != nil {
				return nil, err
			}
		}
		if vals, fs := byPath[zf.Name], formulasOf[zf.Name]; vals != nil || fs != nil {
			var tags map[string]shareTag
			if !w.noShare {
				tags = sharedFormulas(fs, w.splits)
			}
			b = patchCells(b, vals, fs, tags)
		}
		if isSheet[zf.Name] {
			b = withHeights(withDimension(b), heights[zf.Name])
		}
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return nil, err
		}
		if _, err := dst.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func readZip(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// formulaStub is the formula excelize writes for every formula cell:
// withCache puts the real one in its place (Workbook.formulas).
const formulaStub = "0"

// patchCells gives each formula cell of a sheet part, as excelize writes
// it (<c r="D7" s="3"><f>…</f></c>, an old <v> replaced), its value from
// vals and its formula from fs, when they have the cell, written shared
// as tags say.
func patchCells(b []byte, vals map[string]any, fs map[string]string, tags map[string]shareTag) []byte {
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`<c r="`))
		if j < 0 {
			break
		}
		start := i + j
		cell, ok := parseFormulaCell(b[start:])
		if !ok {
			i = start + 1
			continue
		}
		end := start + cell.n
		i = end
		v, ok := vals[string(cell.ref)]
		f, hasF := fs[string(cell.ref)]
		if !ok && !hasF {
			continue
		}
		cell.share, cell.shared = tags[string(cell.ref)]
		if hasF && (!cell.shared || cell.share.ref != "") {
			cell.f = appendEscaped(nil, f) // the others of a shared formula carry none
		}
		if out == nil {
			out = make([]byte, 0, len(b)+len(vals)*16)
		}
		out = append(out, b[last:start]...)
		out = appendCell(out, cell, v, ok)
		last = end
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// formulaCell is one <c r="…" …><f>…</f>[<v>…</v>]</c>.
type formulaCell struct {
	ref, attrs, f []byte
	n             int // bytes it spans
	share         shareTag
	shared        bool
}

// parseFormulaCell reads a formula cell at the start of b. Formula text is
// escaped XML, so it holds no '<'.
func parseFormulaCell(b []byte) (formulaCell, bool) {
	var c formulaCell
	p := len(`<c r="`)
	q := p
	for q < len(b) && b[q] >= 'A' && b[q] <= 'Z' {
		q++
	}
	d := q
	for d < len(b) && b[d] >= '0' && b[d] <= '9' {
		d++
	}
	if q == p || d == q || d >= len(b) || b[d] != '"' {
		return c, false
	}
	c.ref = b[p:d]
	gt := bytes.IndexByte(b[d+1:], '>')
	if gt < 0 {
		return c, false
	}
	c.attrs = b[d+1 : d+1+gt]
	rest := b[d+2+gt:]
	if !bytes.HasPrefix(rest, []byte("<f>")) {
		return c, false
	}
	lt := bytes.IndexByte(rest[3:], '<')
	if lt < 0 || bytes.IndexByte(rest[3:3+lt], '\n') >= 0 {
		return c, false
	}
	c.f = rest[3 : 3+lt]
	tail := rest[3+lt:]
	if !bytes.HasPrefix(tail, []byte("</f>")) {
		return c, false
	}
	tail = tail[4:]
	if bytes.HasPrefix(tail, []byte("<v>")) {
		if k := bytes.IndexByte(tail[3:], '<'); k >= 0 && bytes.HasPrefix(tail[3+k:], []byte("</v>")) {
			tail = tail[3+k+4:]
		}
	}
	if !bytes.HasPrefix(tail, []byte("</c>")) {
		return c, false
	}
	c.n = len(b) - len(tail) + 4
	return c, true
}

// appendCell writes c with the cached value v: a number, or a string;
// with no value (!hasV), c's attributes are kept.
func appendCell(out []byte, c formulaCell, v any, hasV bool) []byte {
	if !hasV {
		out = append(out, `<c r="`...)
		out = append(out, c.ref...)
		out = append(out, '"')
		out = append(out, c.attrs...)
		out = append(out, '>')
		return append(appendFormula(out, c), `</c>`...)
	}
	attrs := bytes.Replace(c.attrs, []byte(` t="str"`), nil, 1)
	var val []byte
	switch x := v.(type) {
	case decimal.Decimal:
		val = []byte(x.String())
	case bool:
		attrs = append(attrs, ` t="b"`...)
		val = []byte{'0'}
		if x {
			val[0] = '1'
		}
	default:
		attrs = append(attrs, ` t="str"`...)
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(fmt.Sprint(x)))
		val = e.Bytes()
	}
	out = append(out, `<c r="`...)
	out = append(out, c.ref...)
	out = append(out, '"')
	out = append(out, attrs...)
	out = append(out, '>')
	out = appendFormula(out, c)
	out = append(out, `<v>`...)
	out = append(out, val...)
	return append(out, `</v></c>`...)
}

// appendFormula writes c's <f>: whole, or as part of a shared formula,
// whose other cells carry no text.
func appendFormula(out []byte, c formulaCell) []byte {
	if !c.shared {
		out = append(out, `<f>`...)
		return append(appendUnquoted(out, c.f), `</f>`...)
	}
	out = append(out, `<f t="shared" si="`...)
	out = strconv.AppendInt(out, int64(c.share.si), 10)
	if c.share.ref == "" {
		return append(out, `"/>`...)
	}
	out = append(out, `" ref="`...)
	out = append(out, c.share.ref...)
	out = append(out, `">`...)
	return append(appendUnquoted(out, c.f), `</f>`...)
}

// appendUnquoted appends escaped formula text f with each &#34; (how
// excelize escapes a quote) written as '"', which XML text allows: the
// helper formulas' string literals make a fifth of the sheet otherwise,
// and every reader unpacks and scans it.
func appendUnquoted(out, f []byte) []byte {
	q := []byte("&#34;")
	for {
		i := bytes.Index(f, q)
		if i < 0 {
			return append(out, f...)
		}
		out = append(append(out, f[:i]...), '"')
		f = f[i+len(q):]
	}
}

// appendEscaped appends f escaped as xml.EscapeText (excelize) does, but
// for '"', which appendUnquoted would undo anyway.
func appendEscaped(out []byte, f string) []byte {
	for _, r := range f {
		if r < 0x20 || r >= utf8.RuneError { // escaped or replaced there
			var e bytes.Buffer
			_ = xml.EscapeText(&e, []byte(f))
			return appendUnquoted(out, e.Bytes())
		}
	}
	last := 0
	for i := 0; i < len(f); i++ {
		var ent string
		switch f[i] {
		case '&':
			ent = "&amp;"
		case '<':
			ent = "&lt;"
		case '>':
			ent = "&gt;"
		case '\'':
			ent = "&#39;"
		default:
			continue
		}
		out = append(append(out, f[last:i]...), ent...)
		last = i + 1
	}
	return append(out, f[last:]...)
}

// sheetPaths maps sheet names to their parts in the package, as the
// checker's reader finds them.
func sheetPaths(zr *zip.Reader) (map[string]string, error) {
	b, err := xlsx.OpenZip(zr, xlsx.Options{})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range b.Sheets() {
		out[s.Name] = s.Part
	}
	return out, nil
}

// reserved are names Windows will not open as files.
var reserved = regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$) *(\..*)?$`)

// SafeName makes s usable as a file name on Windows, macOS and Linux.
func SafeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			continue
		}
		b.WriteRune(r)
	}
	t := b.String()
	for strings.Contains(t, "..") {
		t = strings.ReplaceAll(t, "..", ".")
	}
	t = strings.Trim(t, " .")
	if r := []rune(t); len(r) > 80 {
		t = string(r[:80])
	}
	if t == "" {
		t = "项目"
	}
	if reserved.MatchString(t) {
		t = "_" + t
	}
	return t
}

// SheetName makes s a valid, unused sheet name (31 characters, no []:*?/\).
func SheetName(s string, used map[string]bool) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || strings.ContainsRune(`[]:*?/\`, r) {
			continue
		}
		b.WriteRune(r)
	}
	t := strings.Trim(b.String(), "' ")
	if t == "" || strings.EqualFold(t, "history") || strings.HasPrefix(t, "_") {
		t = "表" + t
	}
	base := []rune(t)
	for n := 1; ; n++ {
		name := string(base)
		if n > 1 {
			suf := []rune(fmt.Sprintf("(%d)", n))
			name = string(base[:min(len(base), 31-len(suf))]) + string(suf)
		} else if len(base) > 31 {
			name = string(base[:31])
		}
		if !used[strings.ToLower(name)] {
			used[strings.ToLower(name)] = true
			return name
		}
	}
}
