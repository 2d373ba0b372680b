package validate

import (
	"io"
	"time"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formread"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/layout"
)

// defaultProfile is read with when ReadOptions name none.
var defaultProfile = formulas.Default()

// ReadOptions tune how workbooks are read.
type ReadOptions struct {
	Profile  *formulas.Profile // labels and synonyms; nil means formulas.Default()
	Password string            // for encrypted workbooks
	Seal     *Seal             // template integrity checks (tamper.go); nil: none

	// Limits (internal/xlsx.Limits); zero means the default, Timeout < 0 none.
	MaxFileSize  int64         // bytes of the workbook file
	MaxUnzipSize int64         // bytes of all its parts unpacked
	MaxRows      int           // rows of one sheet
	MaxCells     int           // cells of one sheet; shared strings of the workbook
	Timeout      time.Duration // per file in CheckFile and CheckAll

	// Layouts are the layouts sheets are matched to (nil: the built-in
	// ones, layout.Builtin).
	Layouts []*layout.Layout

	path   xlsx.Reader      // which reader; tests compare them
	reader *formread.Reader // of Layouts and Profile, built once by NewChecker; nil: built per read
	// splits keeps shared formulas tokenised across the checker's reads
	// (NewChecker; nil: each workbook tokenises its own).
	splits *xlsx.Splits
}

// readerOf is the form reader of opt: a checker's, built once for a
// batch of thousands of workbooks, else built for this read.
func (opt ReadOptions) readerOf() *formread.Reader {
	if opt.reader != nil {
		return opt.reader
	}
	if opt.Profile == nil {
		opt.Profile = defaultProfile
	}
	return formread.NewReader(opt.Layouts, opt.Profile)
}

// Book is what was read from one workbook.
type Book struct {
	Path    string
	Forms   []*form.Form
	Skipped []formread.Skip
	// Tamper is the seal inspection of each form, when ReadOptions.Seal
	// asks for it (tamper.go); the checker hands it to the tpl.* checks.
	Tamper map[*form.Form]*Tamper
}

// Open reads the workbook at path. It never writes to it.
func Open(path string, opt ReadOptions) (*Book, error) {
	var b *Book
	err := xlsx.OpenFile(path, opt.openOptions(), func(wb xlsx.Workbook) (err error) {
		b, err = readWorkbook(wb, opt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Read reads a workbook of size bytes from r (an upload, say); name is
// what messages and Book.Path call it.
func Read(r io.ReaderAt, size int64, name string, opt ReadOptions) (*Book, error) {
	var b *Book
	err := xlsx.OpenReader(r, size, name, opt.openOptions(), func(wb xlsx.Workbook) (err error) {
		b, err = readWorkbook(wb, opt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// readWorkbook reads the forms of wb and, when the seal asks for it,
// inspects them. An error on a workbook internal/xlsx read means: read
// it with excelize, which words the errors.
func readWorkbook(wb xlsx.Workbook, opt ReadOptions) (*Book, error) {
	var kept map[string]*xlsx.Sheet
	if opt.Seal.wanted() {
		kept = map[string]*xlsx.Sheet{} // the seal compares the form sheets' cells
	}
	fb, err := opt.readerOf().Book(wb, kept)
	if err != nil {
		return nil, err
	}
	b := &Book{Path: fb.Path, Forms: fb.Forms, Skipped: fb.Skipped}
	b.Tamper = opt.Seal.inspect(sealSource{wb, kept}, b)
	return b, nil
}
