package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"

	"github.com/xuri/excelize/v2"
)

// Reader chooses which reader opens a workbook; tests compare them.
type Reader int

const (
	Auto         Reader = iota // this package when it reads the workbook exactly, else excelize
	ExcelizeOnly               // excelize only
	FastOnly                   // this package only: its refusal is the error
)

// OpenOptions say how to open a workbook.
type OpenOptions struct {
	Limits
	Password string // for encrypted workbooks (excelize decrypts them)
	Reader   Reader
	// Splits keeps shared formulas tokenised across workbooks (nil: each
	// workbook tokenises its own).
	Splits *Splits
}

// Workbook is an open workbook, read by this package or, when this
// package cannot read it exactly or it is encrypted, by excelize; its
// sheets are *Sheet either way.
type Workbook interface {
	// Name is what messages call the workbook.
	Name() string
	// Sheets lists the sheets in workbook order.
	Sheets() []SheetInfo
	// Sheet reads the sheet called name in full.
	Sheet(name string) (*Sheet, error)
	// Rows is the text the sheet's cells show (Sheet's Rows), alone.
	Rows(name string) ([][]string, error)
	// Oversize tells whether sheet is past the limits, and why: it is
	// to be skipped unread.
	Oversize(sheet string) (why Msg, over bool)
}

// fastBook is a workbook this package read.
type fastBook struct {
	*Book
	name string
	over map[string]Msg
}

func (x *fastBook) Name() string { return x.name }

func (x *fastBook) Rows(sheet string) ([][]string, error) {
	sh, err := x.Sheet(sheet)
	if err != nil {
		return nil, err
	}
	return sh.Rows, nil
}

func (x *fastBook) Oversize(sheet string) (Msg, bool) {
	m, ok := x.over[sheet]
	return m, ok
}

// OpenFile opens the workbook at path within o's limits and hands it to
// use; it never writes to it. An error from use on a workbook this
// package read means: read it again with excelize, and use is called
// again (unless o.Reader is FastOnly). Errors opening the file are
// *InputError.
func OpenFile(path string, o OpenOptions, use func(Workbook) error) error {
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return inputErr(path, ErrNotFound, Msg{"文件不存在", "no such file"}).because(err)
		}
		return inputErr(path, ErrUnreadable, say("无法打开文件: %v", "cannot open the file: %v", err)).because(err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return inputErr(path, ErrUnreadable, say("无法打开文件: %v", "cannot open the file: %v", err)).because(err)
	}
	if st.IsDir() {
		return inputErr(path, ErrNotWorkbook, Msg{"是文件夹，不是工作簿", "is a folder, not a workbook"})
	}
	if n := st.Size(); n > 0 && n <= inMemory {
		// One read instead of a system call for every small read the zip
		// reader and the sniffing make.
		data := make([]byte, n)
		if _, err := io.ReadFull(fh, data); err == nil {
			return OpenReader(bytes.NewReader(data), n, path, o, use)
		}
	}
	return OpenReader(fh, st.Size(), path, o, use)
}

// OpenReader is OpenFile for a workbook of size bytes in r (an upload,
// say); name is what messages call it.
func OpenReader(r io.ReaderAt, size int64, name string, o OpenOptions, use func(Workbook) error) error {
	lim := o.Limits.filled()
	if size > lim.FileSize {
		return sizeErr(name, Msg{"文件大小", "the file size"}, bytesText(uint64(size)), bytesText(uint64(lim.FileSize)), "--max-file-size")
	}
	if err := sniffHead(r, size, name, o.Password); err != nil {
		return err
	}
	var z *inspected
	if head := make([]byte, 2); size >= 2 {
		if _, err := r.ReadAt(head, 0); err == nil && string(head) == "PK" {
			if z, err = inspectZip(r, size, name, lim); err != nil {
				return err
			}
		}
	}
	if z == nil {
		return openExcelize(r, size, name, o.Password, lim, nil, use)
	}
	// The fast reader cannot decrypt; anything it does not read exactly
	// falls back. It reads only workbooks whose every sheet has its part,
	// so a missing one is looked for only when it fails.
	// The parts the fast reader scans were not looked at for a DTD: it
	// refuses one in any it reads, so only those it did not read are.
	if o.Password == "" && o.Reader != ExcelizeOnly {
		xb, err := OpenZip(z.zr, Options{MaxUnzipSize: lim.UnzipSize, MaxRows: lim.Rows, MaxCells: lim.Cells, Splits: o.Splits})
		if err == nil {
			err = use(&fastBook{xb, name, z.over})
		}
		if err == nil {
			return z.ps.noDTD(name, func(p string) bool { return fastScans(p) && !xb.Scanned(z.ps[p]) })
		}
		if derr := z.ps.noDTD(name, fastScans); derr != nil {
			return derr
		}
		if perr := z.ps.sheetsPresent(name); perr != nil {
			return perr
		}
		if o.Reader == FastOnly {
			return err
		}
	} else if err := z.ps.noDTD(name, fastScans); err != nil {
		return err
	} else if err := z.ps.sheetsPresent(name); err != nil {
		return err
	}
	return openExcelize(r, size, name, o.Password, lim, z.over, use)
}

func openExcelize(r io.ReaderAt, size int64, name, password string, lim Limits, over map[string]Msg, use func(Workbook) error) error {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		Password:          password,
		UnzipSizeLimit:    lim.UnzipSize,
		UnzipXMLSizeLimit: min(MaxXMLInMemory, lim.UnzipSize),
	})
	if err != nil {
		return openError(name, password, err)
	}
	defer f.Close()
	return use(&xlBook{f, name, over})
}

func openError(name, password string, err error) error {
	switch {
	case errors.Is(err, excelize.ErrWorkbookPassword), password != "" && errors.Is(err, excelize.ErrWorkbookFileFormat):
		return inputErr(name, ErrEncrypted, Msg{"密码不正确，或文件不是加密的 .xlsx", "wrong password, or the file is not an encrypted .xlsx"}).because(err)
	case errors.Is(err, excelize.ErrWorkbookFileFormat):
		return notWorkbook(name, ErrNotWorkbook, Msg{"不支持的工作簿格式 (可能是旧版 .xls)", "an unsupported workbook format (a legacy .xls?)"}, fixSaveAs).because(err)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrAlgorithm),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return inputErr(name, ErrBroken, say("文件已损坏，无法解压 (%v); %s", "the file is broken and cannot be unzipped (%v); %s", err, fixResend)).because(err)
	}
	return inputErr(name, ErrUnreadable, say("无法读取工作簿 (%v); %s", "cannot read the workbook (%v); %s", err, fixResend)).because(err)
}
