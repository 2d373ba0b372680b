package validate

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// Bounds on what a workbook may unpack to. A filled form is a few hundred
// kilobytes; these stop a zip bomb without refusing any real workbook.
const (
	// MaxUnzipSize caps the total unpacked size of a workbook.
	MaxUnzipSize = 512 << 20
	// MaxXMLInMemory caps one unpacked XML part kept in memory; larger
	// parts go to a temporary file (excelize's own mechanism).
	MaxXMLInMemory = 64 << 20
)

// defaultProfile is read with when ReadOptions name none.
var defaultProfile = formulas.Default()

// ReadOptions tune how workbooks are read.
type ReadOptions struct {
	Profile  *formulas.Profile // labels and synonyms; nil means formulas.Default()
	Password string            // for encrypted workbooks
	Seal     *Seal             // template integrity checks (tamper.go); nil: none
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
}

// Open reads the workbook at path. It never writes to it.
func Open(path string, opt ReadOptions) (*Book, error) {
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("文件 %s 不存在", path)
		}
		return nil, fmt.Errorf("无法打开文件 %s: %v", path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("无法打开文件 %s: %v", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s 是文件夹，不是工作簿", path)
	}
	return Read(fh, st.Size(), path, opt)
}

// Read reads a workbook of size bytes from r (an upload, say); name is
// what messages and Book.Path call it.
func Read(r io.ReaderAt, size int64, name string, opt ReadOptions) (*Book, error) {
	if opt.Profile == nil {
		opt.Profile = defaultProfile
	}
	if size > MaxUnzipSize {
		return nil, fmt.Errorf("%s: 文件过大 (%d 字节)，不像是自评表", name, size)
	}
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	if err := sniff(head[:n], name, opt.Password); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		Password:          opt.Password,
		UnzipSizeLimit:    MaxUnzipSize,
		UnzipXMLSizeLimit: MaxXMLInMemory,
	})
	if err != nil {
		return nil, openError(name, opt.Password, err)
	}
	defer f.Close()
	b, err := readBook(f, name, labelsOf(opt.Profile), opt.Profile)
	if err == nil {
		opt.Seal.attach(f, b)
	}
	return b, err
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniff tells an old .xls or an encrypted workbook from a broken file
// before excelize gives a vaguer error.
func sniff(head []byte, name, password string) error {
	switch {
	case len(head) < 4:
		return fmt.Errorf("%s: 文件为空或已损坏，不是 .xlsx 工作簿", name)
	case bytes.HasPrefix(head, []byte("PK")):
		return nil
	case bytes.Equal(head, oleMagic):
		if password == "" {
			return fmt.Errorf("%s: 工作簿已加密，或是旧版 .xls 格式；加密的请提供密码，.xls 请在 Excel/WPS 中另存为 .xlsx", name)
		}
		return nil
	}
	ext := filepath.Ext(name)
	return fmt.Errorf("%s: 不是 .xlsx 工作簿 (扩展名 %q，内容不是 Office Open XML)", name, ext)
}

func openError(name, password string, err error) error {
	switch {
	case errors.Is(err, excelize.ErrWorkbookPassword), password != "" && errors.Is(err, excelize.ErrWorkbookFileFormat):
		return fmt.Errorf("%s: 密码不正确，或文件不是加密的 .xlsx", name)
	case errors.Is(err, excelize.ErrWorkbookFileFormat):
		return fmt.Errorf("%s: 不支持的工作簿格式 (可能是旧版 .xls)，请另存为 .xlsx", name)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrAlgorithm):
		return fmt.Errorf("%s: 文件已损坏，无法解压 (%v)", name, err)
	}
	return fmt.Errorf("%s: 无法读取工作簿: %v", name, err)
}

// readBook turns every visible sheet into a form or a skip.
func readBook(f *excelize.File, name string, lb *labels, p *formulas.Profile) (*Book, error) {
	fps, err := form.ReadFingerprints(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	b := &Book{Path: name}
	for _, sheet := range f.GetSheetList() {
		if sheet == form.FingerprintSheet {
			continue
		}
		if vis, _ := f.GetSheetVisible(sheet); !vis {
			// Our templates hide helper sheets (dropdown lists); their
			// fingerprint names the form sheets. Elsewhere a hidden sheet
			// may hide a form, so say it was not checked.
			if fps == nil || fps[sheet] != nil {
				b.Skipped = append(b.Skipped, Skip{sheet, "隐藏的工作表，未检查", "hidden sheet, not checked"})
			}
			continue
		}
		forms, skip := readSheet(f, sheet, fps[sheet], lb, p)
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
// several forms on one sheet).
func readSheet(f *excelize.File, sheet string, fp *form.Fingerprint, lb *labels, p *formulas.Profile) ([]*form.Form, *Skip) {
	g, err := loadGrid(f, sheet, lb)
	if err != nil {
		return nil, &Skip{sheet, fmt.Sprintf("无法读取: %v", err), fmt.Sprintf("cannot be read: %v", err)}
	}
	if fp != nil {
		if fm := readByFingerprint(g, fp, p); fm != nil {
			return []*form.Form{fm}, nil
		}
	}
	if g.blank() {
		return nil, &Skip{sheet, "空白工作表", "empty sheet"}
	}
	var forms []*form.Form
	for from := 0; from < g.rows(); {
		fm, next := readByLabels(g, from)
		if fm == nil {
			break
		}
		fm.Template = fp
		forms = append(forms, fm)
		from = next
	}
	if len(forms) == 0 {
		return nil, &Skip{sheet, "未找到自评表 (没有项目资金表头或绩效指标表头)",
			"no form found (no funds header or indicator header)"}
	}
	return forms, nil
}
