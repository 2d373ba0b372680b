package validate

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formread"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Bounds on what a workbook may unpack to (kept for other packages that
// open workbooks with excelize; limits.go has the reader's limits).
const (
	// MaxUnzipSize caps the total unpacked size of a workbook.
	MaxUnzipSize = DefaultMaxUnzipSize
	// MaxXMLInMemory caps one unpacked XML part kept in memory; larger
	// parts go to a temporary file (excelize's own mechanism).
	MaxXMLInMemory = 16 << 20
	// inMemory is the largest workbook file Open reads whole before
	// unzipping; forms are tens of kilobytes.
	inMemory = 8 << 20
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

	path   readPath         // which reader; tests compare them
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

// readPath chooses the workbook reader.
type readPath int

const (
	pathAuto     readPath = iota // internal/xlsx when it can, else excelize
	pathExcelize                 // excelize only
	pathFast                     // internal/xlsx only: its refusal is the error
)

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
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, inputErr(path, ErrNotFound, msg{"文件不存在", "no such file"}).because(err)
		}
		return nil, inputErr(path, ErrUnreadable, say("无法打开文件: %v", "cannot open the file: %v", err)).because(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, inputErr(path, ErrUnreadable, say("无法打开文件: %v", "cannot open the file: %v", err)).because(err)
	}
	if st.IsDir() {
		return nil, inputErr(path, ErrNotWorkbook, msg{"是文件夹，不是工作簿", "is a folder, not a workbook"})
	}
	if n := st.Size(); n > 0 && n <= inMemory {
		// One read instead of a system call for every small read the zip
		// reader and the sniffing make.
		data := make([]byte, n)
		if _, err := io.ReadFull(fh, data); err == nil {
			return Read(bytes.NewReader(data), n, path, opt)
		}
	}
	return Read(fh, st.Size(), path, opt)
}

// Read reads a workbook of size bytes from r (an upload, say); name is
// what messages and Book.Path call it.
func Read(r io.ReaderAt, size int64, name string, opt ReadOptions) (*Book, error) {
	if opt.Profile == nil {
		opt.Profile = defaultProfile
	}
	lim := opt.limits()
	if size > lim.fileSize {
		return nil, sizeErr(name, msg{"文件大小", "the file size"}, bytesText(uint64(size)), bytesText(uint64(lim.fileSize)), "--max-file-size")
	}
	if err := sniffHead(r, size, name, opt.Password); err != nil {
		return nil, err
	}
	var z *inspected
	if head := make([]byte, 2); size >= 2 {
		if _, err := r.ReadAt(head, 0); err == nil && string(head) == "PK" {
			if z, err = inspectZip(r, size, name, lim); err != nil {
				return nil, err
			}
		}
	}
	if z == nil {
		return readExcelize(r, size, name, opt, lim, nil)
	}
	// The fast reader cannot decrypt; anything it does not read exactly
	// falls back. It reads only workbooks whose every sheet has its part,
	// so a missing one is looked for only when it fails.
	// The parts the fast reader scans were not looked at for a DTD: it
	// refuses one in any it reads, so only those it did not read are.
	if opt.Password == "" && opt.path != pathExcelize {
		b, xb, err := readFast(z.zr, name, opt, lim, z.over)
		if err == nil {
			notRead := func(p string) bool { return fastScans(p) && !xb.Scanned(z.ps[p]) }
			if derr := z.ps.noDTD(name, notRead); derr != nil {
				return nil, derr
			}
			return b, nil
		}
		if derr := z.ps.noDTD(name, fastScans); derr != nil {
			return nil, derr
		}
		if perr := z.ps.sheetsPresent(name); perr != nil {
			return nil, perr
		}
		if opt.path == pathFast {
			return b, err
		}
	} else if err := z.ps.noDTD(name, fastScans); err != nil {
		return nil, err
	} else if err := z.ps.sheetsPresent(name); err != nil {
		return nil, err
	}
	return readExcelize(r, size, name, opt, lim, z.over)
}

// readFast reads with internal/xlsx; any error means: read it with
// excelize, which words the errors.
func readFast(zr *zip.Reader, name string, opt ReadOptions, lim limits, over map[string]msg) (*Book, *xlsx.Book, error) {
	xb, err := xlsx.OpenZip(zr, xlsx.Options{MaxUnzipSize: lim.unzipSize, MaxRows: lim.rows, MaxCells: lim.cells, Splits: opt.splits})
	if err != nil {
		return nil, nil, err
	}
	fb := fastBook{b: xb}
	if opt.Seal.wanted() {
		fb.kept = map[string]*xlsx.Sheet{} // the seal compares the form sheets' cells
	}
	b, err := readBook(fb, name, opt.readerOf(), over)
	if err == nil {
		b.Tamper = opt.Seal.inspect(fastSource{xb, fb.kept}, b)
	}
	return b, xb, err
}

func readExcelize(r io.ReaderAt, size int64, name string, opt ReadOptions, lim limits, over map[string]msg) (*Book, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		Password:          opt.Password,
		UnzipSizeLimit:    lim.unzipSize,
		UnzipXMLSizeLimit: min(MaxXMLInMemory, lim.unzipSize),
	})
	if err != nil {
		return nil, openError(name, opt.Password, err)
	}
	defer f.Close()
	b, err := readBook(xlBook{f}, name, opt.readerOf(), over)
	if err == nil {
		b.Tamper = opt.Seal.inspect(xlSource{f}, b)
	}
	return b, err
}

func openError(name, password string, err error) error {
	switch {
	case errors.Is(err, excelize.ErrWorkbookPassword), password != "" && errors.Is(err, excelize.ErrWorkbookFileFormat):
		return inputErr(name, ErrEncrypted, msg{"密码不正确，或文件不是加密的 .xlsx", "wrong password, or the file is not an encrypted .xlsx"}).because(err)
	case errors.Is(err, excelize.ErrWorkbookFileFormat):
		return notWorkbook(name, ErrNotWorkbook, msg{"不支持的工作簿格式 (可能是旧版 .xls)", "an unsupported workbook format (a legacy .xls?)"}, fixSaveAs).because(err)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrAlgorithm),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return inputErr(name, ErrBroken, say("文件已损坏，无法解压 (%v); %s", "the file is broken and cannot be unzipped (%v); %s", err, fixResend)).because(err)
	}
	return inputErr(name, ErrUnreadable, say("无法读取工作簿 (%v); %s", "cannot read the workbook (%v); %s", err, fixResend)).because(err)
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
func readBook(wb workbook, name string, rd *formread.Reader, over map[string]msg) (*Book, error) {
	fps, err := wb.fingerprints()
	if err != nil {
		if _, fast := wb.(fastBook); fast {
			return nil, err
		}
		return nil, inputErr(name, ErrBroken, say("%v", "%v", err)).because(err)
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
			b.Skipped = append(b.Skipped, Skip{sheet, m.zh, m.en})
			continue
		}
		forms, skip, err := readSheet(wb, sheet, fps[sheet], rd)
		if err != nil {
			return nil, withName(name, err)
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
func readSheet(wb workbook, sheet string, fp *form.Fingerprint, rd *formread.Reader) ([]*form.Form, *Skip, error) {
	g, err := wb.grid(sheet)
	if err != nil {
		if _, fast := wb.(fastBook); fast {
			return nil, nil, err
		}
		return nil, nil, unreadableSheet(sheet, err)
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
