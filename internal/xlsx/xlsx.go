// Package xlsx is a small, fast, read-only reader of .xlsx workbooks: the
// sheet list, and per sheet the text each cell shows, its stored value,
// formula and the merged ranges. It unpacks only the parts it needs (the
// workbook, its relationships, shared strings, styles and the sheets
// asked for) and streams each sheet once.
//
// What it reads must equal what excelize reads, cell for cell, since
// excelize remains the reference and the fallback. Whatever it cannot
// read exactly as excelize would (a date or other
// number format it does not reproduce, odd references or encodings) is
// reported as ErrUnsupported, so OpenReader reads that workbook with
// excelize instead.
//
// It is also the one place a workbook is opened (OpenFile, OpenReader):
// within Limits, refusing hostile or foreign input with a typed
// *InputError (format sniffing, zip inspection, DTDs), and falling back
// to excelize for what it does not read.
package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// ErrUnsupported marks a workbook this package does not read exactly as
// excelize does; read it with excelize.
var ErrUnsupported = errors.New("xlsx: not read exactly; use excelize")

func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, a...))
}

// Options bound what a workbook may unpack to; zero means no bound.
type Options struct {
	MaxUnzipSize int64 // bytes of all parts read, unpacked
	MaxRows      int   // rows of one sheet
	MaxCells     int   // cells of one sheet; shared strings of the workbook
	// Splits keeps shared formulas' masters tokenised across workbooks
	// (nil: each workbook tokenises its own).
	Splits *Splits
}

// SheetInfo is one sheet of the workbook as listed in xl/workbook.xml.
type SheetInfo struct {
	Name  string
	State string // "", "visible", "hidden" or "veryHidden"
	Part  string // its worksheet part in the package
}

// Visible reports whether the sheet is shown, as excelize's
// GetSheetVisible decides.
func (s SheetInfo) Visible() bool { return s.State == "" || s.State == "visible" }

// Book is an open workbook.
type Book struct {
	opt     Options
	files   map[string]*zip.File
	budget  int64 // unpacked bytes still allowed; <0: no bound
	sheets  []SheetInfo
	strs    []string
	xfs     []int // numFmtId by cellXfs index; -1 when absent
	hasXfs  bool
	custom  map[int]string
	formats []compiled         // by cellXfs index, filled on first use
	scanned map[*zip.File]bool // parts read without error
	read    []*zip.File        // parts unpacked while opening
}

// Scanned reports whether part f was read whole without error, when the
// workbook was opened or by Sheet: its XML then holds no DOCTYPE, which
// the scanner refuses.
func (b *Book) Scanned(f *zip.File) bool { return b.scanned[f] }

// Open reads the workbook structure, shared strings and styles of the
// zip in r.
func Open(r io.ReaderAt, size int64, opt Options) (*Book, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	return OpenZip(zr, opt)
}

// OpenZip is Open for a zip already opened (and looked over) by the
// caller, so its directory is read once.
func OpenZip(zr *zip.Reader, opt Options) (*Book, error) {
	b := &Book{opt: opt, files: make(map[string]*zip.File, len(zr.File)), budget: -1}
	if opt.MaxUnzipSize > 0 {
		b.budget = opt.MaxUnzipSize
	}
	for _, f := range zr.File {
		b.files[strings.ReplaceAll(f.Name, `\`, "/")] = f
	}
	if err := b.readWorkbook(); err != nil {
		return nil, err
	}
	if err := b.readStrings(); err != nil {
		return nil, err
	}
	if err := b.readStyles(); err != nil {
		return nil, err
	}
	b.scanned = make(map[*zip.File]bool, len(b.read))
	for _, f := range b.read {
		b.scanned[f] = true
	}
	return b, nil
}

// Sheets lists the sheets in workbook order.
func (b *Book) Sheets() []SheetInfo { return b.sheets }

// open streams part name, within the unzip budget. ok is false when the
// workbook has no such part.
func (b *Book) open(name string) (io.ReadCloser, bool, error) {
	f := b.files[name]
	if f == nil {
		return nil, false, nil
	}
	n := int64(f.UncompressedSize64)
	if b.budget >= 0 {
		if n > b.budget {
			return nil, true, fmt.Errorf("xlsx: %s unpacks past the size limit", name)
		}
		b.budget -= n
	}
	rc, err := f.Open()
	if err != nil {
		return nil, true, err
	}
	// archive/zip fails a part that inflates past its declared size; the
	// limit is a second guard.
	return readCloser{io.LimitReader(rc, n+1), rc}, true, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// part is the unpacked XML of part name (nil when absent).
func (b *Book) part(name string) ([]byte, error) { return b.partInto(name, nil) }

// partInto is part, unpacked into *buf when that is large enough (and
// made so when not); nil buf: into new memory.
func (b *Book) partInto(name string, buf *[]byte) ([]byte, error) {
	rc, ok, err := b.open(name)
	if err != nil || !ok {
		return nil, err
	}
	defer rc.Close()
	if b.scanned == nil { // still opening
		b.read = append(b.read, b.files[name])
	}
	size := int(b.files[name].UncompressedSize64) + 1
	var data []byte
	switch {
	case buf == nil:
		data = make([]byte, size)
	case cap(*buf) >= size:
		data = (*buf)[:size]
	default:
		data = make([]byte, size)
		*buf = data
	}
	n, err := io.ReadFull(rc, data)
	switch {
	case err == nil:
		return nil, fmt.Errorf("xlsx: %s unpacks past its declared size", name)
	case err != io.ErrUnexpectedEOF && err != io.EOF:
		return nil, err
	}
	return data[:n], nil
}

type rel struct{ id, typ, target string }

func (b *Book) rels(name string) ([]rel, error) {
	d, err := b.part(name)
	if err != nil || d == nil {
		return nil, err
	}
	var out []rel
	err = walk(d, func(t xml.StartElement, _ []string) error {
		if t.Name.Local == "Relationship" {
			out = append(out, rel{attr(t, "Id"), attr(t, "Type"), attr(t, "Target")})
		}
		return nil
	}, nil)
	return out, err
}

const workbookPart = "xl/workbook.xml"

// readWorkbook lists the sheets and finds each one's part the way
// excelize does: by the sheet's r:id in the workbook's relationships.
func (b *Book) readWorkbook() error {
	root, err := b.rels("_rels/.rels")
	if err != nil {
		return err
	}
	office := ""
	for _, r := range root {
		if strings.HasSuffix(r.typ, "/officeDocument") {
			office = strings.TrimPrefix(r.target, "/")
			break
		}
	}
	if office != workbookPart {
		return unsupported("office document %q", office)
	}
	wrels, err := b.rels("xl/_rels/workbook.xml.rels")
	if err != nil {
		return err
	}
	d, err := b.part(workbookPart)
	if err != nil {
		return err
	}
	if d == nil {
		return unsupported("no %s", workbookPart)
	}
	var ids []string
	err = walk(d, func(t xml.StartElement, stack []string) error {
		if t.Name.Local != "sheet" || len(stack) < 2 || stack[len(stack)-2] != "sheets" {
			return nil
		}
		id, n := "", 0
		for _, a := range t.Attr {
			if a.Name.Local == "id" && a.Name.Space != "" {
				id, n = a.Value, n+1
			}
		}
		if n != 1 {
			return unsupported("sheet without one r:id")
		}
		b.sheets = append(b.sheets, SheetInfo{Name: attr(t, "name"), State: attr(t, "state")})
		ids = append(ids, id)
		return nil
	}, nil)
	if err != nil {
		return err
	}
	for i := range b.sheets {
		for j := range i {
			if strings.EqualFold(b.sheets[i].Name, b.sheets[j].Name) {
				return unsupported("two sheets named %q", b.sheets[i].Name)
			}
		}
		found := false
		for _, r := range wrels {
			if r.id != ids[i] {
				continue
			}
			if found {
				return unsupported("two relationships %q", r.id)
			}
			found = true
			if !strings.HasSuffix(r.typ, "/worksheet") {
				return unsupported("sheet %q is not a worksheet", b.sheets[i].Name)
			}
			p := strings.TrimPrefix(path.Clean("xl/"+strings.ReplaceAll(r.target, `\`, "/")), "/")
			if strings.HasPrefix(r.target, "/") {
				p = strings.TrimPrefix(path.Clean(strings.ReplaceAll(r.target, `\`, "/")), "/")
			}
			if f := b.files[p]; f != nil && f.UncompressedSize64 > 0 {
				b.sheets[i].Part = p
			}
		}
		if b.sheets[i].Part == "" {
			// The caller words what is missing (sheetsPresent).
			return unsupported("sheet %q has no part, or an empty one", b.sheets[i].Name)
		}
	}
	return nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// readStyles reads the number format of every cell style.
func (b *Book) readStyles() error {
	d, err := b.part("xl/styles.xml")
	if err != nil || d == nil {
		return err
	}
	b.custom = map[int]string{}
	return walk(d, func(t xml.StartElement, stack []string) error {
		parent := ""
		if len(stack) > 1 {
			parent = stack[len(stack)-2]
		}
		switch {
		case t.Name.Local == "numFmt" && parent == "numFmts":
			id, err := strconv.Atoi(attr(t, "numFmtId"))
			if err != nil {
				return unsupported("numFmtId %q", attr(t, "numFmtId"))
			}
			for _, a := range t.Attr {
				if a.Name.Local == "formatCode16" {
					return unsupported("formatCode16")
				}
			}
			if _, dup := b.custom[id]; !dup { // excelize takes the first
				b.custom[id] = attr(t, "formatCode")
			}
		case t.Name.Local == "cellXfs":
			b.hasXfs = true
		case t.Name.Local == "xf" && parent == "cellXfs":
			id := -1
			if s := attr(t, "numFmtId"); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil {
					return unsupported("numFmtId %q", s)
				}
				id = n
			}
			b.xfs = append(b.xfs, id)
		}
		return nil
	}, nil)
}

// compiled is a cell style's format once looked up.
type compiled struct {
	done bool
	f    *numFmt
}

// format is the compiled format of cell style s; nil when excelize shows
// the value as stored; an error when this package cannot format it.
func (b *Book) format(s int) (*numFmt, error) {
	if s == 0 || !b.hasXfs || s < 0 || s >= len(b.xfs) {
		return nil, nil
	}
	if b.formats == nil {
		b.formats = make([]compiled, len(b.xfs))
	}
	if c := b.formats[s]; c.done {
		return c.f, nil
	}
	f, err := b.compile(s)
	if err == nil {
		b.formats[s] = compiled{true, f}
	}
	return f, err
}

func (b *Book) compile(s int) (*numFmt, error) {
	id := max(b.xfs[s], 0)
	code, custom := b.custom[id]
	if !custom {
		if !knownID(id) {
			return nil, nil
		}
		if code, custom = builtIn[id]; !custom {
			return nil, unsupported("built-in number format %d", id)
		}
	}
	f, ok := compileFormat(code)
	if !ok {
		return nil, unsupported("number format %q", code)
	}
	return f, nil
}
