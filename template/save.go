package template

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"

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
	if err := form.WriteFingerprints(f, w.fps); err != nil {
		return nil, err
	}
	if err := w.seal(); err != nil {
		return nil, err
	}
	on := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &on}); err != nil {
		return nil, err
	}
	if len(w.fps) > 0 {
		if idx, _ := f.GetSheetIndex("Sheet1"); idx >= 0 && w.cache["Sheet1"] == nil {
			if err := f.DeleteSheet("Sheet1"); err != nil {
				return nil, err
			}
		}
		idx, _ := f.GetSheetIndex(w.fps[0].Sheet)
		f.SetActiveSheet(idx)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	if w.noCache {
		return buf.Bytes(), nil
	}
	return w.withCache(buf.Bytes())
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

// withCache puts the values Go computed into the formula cells, typed as
// numbers or strings: excelize leaves formula cells without a value, and
// viewers that do not recalculate would show them empty. Parts without
// formulas to fill are copied still compressed.
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
		byPath[paths[sheet]] = vals
	}
	var out bytes.Buffer
	out.Grow(len(x) + len(x)/8)
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		vals := byPath[zf.Name]
		if vals == nil {
			if err := copyRaw(zw, zf); err != nil {
				return nil, err
			}
			continue
		}
		b, err := readZip(zf)
		if err != nil {
			return nil, err
		}
		hdr := zf.FileHeader
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: hdr.Name, Method: zip.Deflate, Modified: hdr.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := dst.Write(patchCells(b, vals)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// copyRaw copies a part without decompressing and compressing it again.
func copyRaw(zw *zip.Writer, zf *zip.File) error {
	rc, err := zf.OpenRaw()
	if err != nil {
		return err
	}
	hdr := zf.FileHeader
	dst, err := zw.CreateRaw(&hdr)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, rc)
	return err
}

func readZip(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// patchCells gives each formula cell of a sheet part, as excelize writes
// it (<c r="D7" s="3"><f>…</f></c>, an old <v> replaced), its value from
// vals.
func patchCells(b []byte, vals map[string]any) []byte {
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
		if !ok {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+len(vals)*16)
		}
		out = append(out, b[last:start]...)
		out = appendCell(out, cell, v)
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

// appendCell writes c with the cached value v: a number, or a string.
func appendCell(out []byte, c formulaCell, v any) []byte {
	attrs := bytes.Replace(c.attrs, []byte(` t="str"`), nil, 1)
	var val []byte
	switch x := v.(type) {
	case decimal.Decimal:
		val = []byte(x.String())
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
	out = append(out, `><f>`...)
	out = append(out, c.f...)
	out = append(out, `</f><v>`...)
	out = append(out, val...)
	return append(out, `</v></c>`...)
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
