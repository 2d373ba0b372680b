package template

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
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
	tmp, err := os.CreateTemp(filepath.Dir(path), ".xlsxeval-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// formulaCell matches a formula cell as excelize writes it.
var formulaCell = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f>(?:<v>[^<]*</v>)?</c>`)

// withCache puts the values Go computed into the formula cells, typed as
// numbers or strings: excelize leaves formula cells without a value, and
// viewers that do not recalculate would show them empty.
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
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		b, err := readZip(zf)
		if err != nil {
			return nil, err
		}
		if vals := byPath[zf.Name]; vals != nil {
			b = patchCells(b, vals)
		}
		hdr := zf.FileHeader
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: hdr.Name, Method: zip.Deflate, Modified: hdr.Modified})
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

func patchCells(b []byte, vals map[string]any) []byte {
	return formulaCell.ReplaceAllFunc(b, func(m []byte) []byte {
		sm := formulaCell.FindSubmatch(m)
		v, ok := vals[string(sm[1])]
		if !ok {
			return m
		}
		attrs := strings.Replace(string(sm[2]), ` t="str"`, "", 1)
		var val string
		switch x := v.(type) {
		case decimal.Decimal:
			val = x.String()
		default:
			attrs += ` t="str"`
			var e bytes.Buffer
			_ = xml.EscapeText(&e, []byte(fmt.Sprint(x)))
			val = e.String()
		}
		return []byte(fmt.Sprintf(`<c r="%s"%s><f>%s</f><v>%s</v></c>`, sm[1], attrs, sm[3], val))
	})
}

// sheetPaths maps sheet names to their parts in the package.
func sheetPaths(zr *zip.Reader) (map[string]string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for _, zf := range zr.File {
		var dst any
		switch zf.Name {
		case "xl/workbook.xml":
			dst = &wb
		case "xl/_rels/workbook.xml.rels":
			dst = &rels
		default:
			continue
		}
		b, err := readZip(zf)
		if err != nil {
			return nil, err
		}
		if err := xml.Unmarshal(b, dst); err != nil {
			return nil, err
		}
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		out[s.Name] = target[s.RID]
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
