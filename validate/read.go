package validate

import (
	"io"
	"time"

	"github.com/xuri/excelize/v2"

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

	// Limits (limits.go); zero means the default, Timeout < 0 none.
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
	return formread.NewReader(opt.Layouts, opt.Profile)
}

// Skip is a sheet that holds no form, and why.
type Skip struct {
	Sheet    string `json:"sheet"`
	Reason   string `json:"reason"`
	ReasonEn string `json:"reason_en,omitempty"`
}

// Book is what was read from one workbook.
type Book struct {
	Path    string
	Forms   []*form.Form
	Skipped []Skip
	// Tamper is the seal inspection of each form, when ReadOptions.Seal
	// asks for it (tamper.go); the checker hands it to the tpl.* checks.
	Tamper map[*form.Form]*Tamper
}

// Open reads the workbook at path. It never writes to it.
func Open(path string, opt ReadOptions) (*Book, error) {
	var b *Book
	err := xlsx.OpenFile(path, opt.openOptions(), func(wb *xlsx.Workbook) (err error) {
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
	err := xlsx.OpenReader(r, size, name, opt.openOptions(), func(wb *xlsx.Workbook) (err error) {
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
func readWorkbook(wb *xlsx.Workbook, opt ReadOptions) (*Book, error) {
	if wb.Fast == nil {
		b, err := readBook(xlBook{wb.Excelize}, wb.Name, opt.readerOf(), wb.Over)
		if err == nil {
			b.Tamper = opt.Seal.inspect(xlSource{wb.Excelize}, b)
		}
		return b, err
	}
	fb := fastBook{b: wb.Fast}
	if opt.Seal.wanted() {
		fb.kept = map[string]*xlsx.Sheet{} // the seal compares the form sheets' cells
	}
	b, err := readBook(fb, wb.Name, opt.readerOf(), wb.Over)
	if err == nil {
		b.Tamper = opt.Seal.inspect(fastSource{wb.Fast, fb.kept}, b)
	}
	return b, err
}

// workbook is a workbook as the form reader sees it: excelize's, or
// internal/xlsx's.
type workbook interface {
	sheetList() []string
	visible(sheet string) bool
	fingerprints() (map[string]*form.Fingerprint, error)
	grid(sheet string) (*formread.Grid, error)
}

type xlBook struct{ f *excelize.File }

func (x xlBook) sheetList() []string { return x.f.GetSheetList() }

func (x xlBook) visible(sheet string) bool {
	vis, _ := x.f.GetSheetVisible(sheet)
	return vis
}

func (x xlBook) fingerprints() (map[string]*form.Fingerprint, error) {
	return form.ReadFingerprints(x.f)
}

func (x xlBook) grid(sheet string) (*formread.Grid, error) { return formread.LoadExcelize(x.f, sheet) }

// readBook turns every visible sheet into a form or a skip.
// Sheets in over are past the limits and skipped unread.
func readBook(wb workbook, name string, rd *formread.Reader, over map[string]xlsx.Msg) (*Book, error) {
	fps, err := wb.fingerprints()
	if err != nil {
		if _, fast := wb.(fastBook); fast {
			return nil, err
		}
		return nil, xlsx.Broken(name, err)
	}
	b := &Book{Path: name}
	for _, sheet := range wb.sheetList() {
		if sheet == form.FingerprintSheet {
			continue
		}
		if !wb.visible(sheet) {
			// Our templates hide helper sheets (dropdown lists); their
			// fingerprint names the form sheets. Elsewhere a hidden sheet
			// may hide a form, so say it was not checked.
			if fps == nil || fps[sheet] != nil {
				b.Skipped = append(b.Skipped, Skip{sheet, "隐藏的工作表，未检查", "hidden sheet, not checked"})
			}
			continue
		}
		if m, ok := over[sheet]; ok {
			b.Skipped = append(b.Skipped, Skip{sheet, m.Zh, m.En})
			continue
		}
		forms, skip, err := readSheet(wb, name, sheet, fps[sheet], rd)
		if err != nil {
			return nil, err
		}
		if skip != nil {
			b.Skipped = append(b.Skipped, *skip)
			continue
		}
		b.Forms = append(b.Forms, forms...)
	}
	return b, nil
}

// readSheet reads the forms on one sheet: by the fingerprint when it
// carries one that still fits, by labels otherwise (an export may stack
// several forms on one sheet). A sheet the fast reader cannot read is an
// error (the whole workbook goes to excelize); one excelize cannot read
// makes the file unreadable: a form there would pass unchecked.
func readSheet(wb workbook, name, sheet string, fp *form.Fingerprint, rd *formread.Reader) ([]*form.Form, *Skip, error) {
	g, err := wb.grid(sheet)
	if err != nil {
		if _, fast := wb.(fastBook); fast {
			return nil, nil, err
		}
		return nil, nil, xlsx.UnreadableSheet(name, sheet, err)
	}
	forms, blank := rd.Sheet(g, fp)
	switch {
	case blank:
		return nil, &Skip{sheet, "空白工作表", "empty sheet"}, nil
	case len(forms) == 0:
		return nil, &Skip{sheet, "未找到自评表 (没有项目资金表头或绩效指标表头)",
			"no form found (no funds header or indicator header)"}, nil
	}
	return forms, nil, nil
}
