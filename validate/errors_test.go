package validate

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// Every file the hostile corpus refuses comes back as one *xlsx.InputError of
// the right kind, with the path, both languages, and errors.Is by kind.
func TestInputErrorKinds(t *testing.T) {
	kinds := map[string]xlsx.ErrorKind{
		"empty": xlsx.ErrEmpty, "three bytes": xlsx.ErrTruncated, "not a workbook": xlsx.ErrNotWorkbook,
		"truncated": xlsx.ErrTruncated, "legacy xls": xlsx.ErrLegacyFormat, "WPS et": xlsx.ErrLegacyFormat,
		"doc renamed": xlsx.ErrNotWorkbook, "encrypted": xlsx.ErrEncrypted, "encrypted, wrong password": xlsx.ErrEncrypted,
		"csv renamed": xlsx.ErrNotWorkbook, "html renamed": xlsx.ErrNotWorkbook, "pdf renamed": xlsx.ErrNotWorkbook,
		"docx renamed": xlsx.ErrNotWorkbook, "ods": xlsx.ErrNotWorkbook, "plain zip": xlsx.ErrNotWorkbook,
		"zip bomb: declares 4 GB": xlsx.ErrTooLarge, "zip bomb: inflates past the cap": xlsx.ErrTooLarge,
		"zip bomb: lies about its size": xlsx.ErrBroken, "too many parts": xlsx.ErrTooLarge, "file too big": xlsx.ErrTooLarge,
		"billion laughs and external entity in a sheet": xlsx.ErrUnsafeXML, "billion laughs in workbook.xml": xlsx.ErrUnsafeXML,
		"DTD after a long comment": xlsx.ErrUnsafeXML, "a sheet's XML broken": xlsx.ErrBroken,
		"DTD in sharedStrings.xml": xlsx.ErrUnsafeXML, "DTD in styles.xml": xlsx.ErrUnsafeXML, "DTD in docProps/app.xml": xlsx.ErrUnsafeXML,
		"no workbook.xml": xlsx.ErrBroken, "empty workbook.xml": xlsx.ErrBroken, "sheet part absent": xlsx.ErrBroken,
		"sheet part empty": xlsx.ErrBroken, "shared strings empty": xlsx.ErrBroken, "rels absent": xlsx.ErrBroken, "huge shared strings": xlsx.ErrTooLarge,
	}
	for _, c := range hostileCases(t) {
		if c.wantErr == "" {
			continue
		}
		want, ok := kinds[c.name]
		if !ok {
			t.Errorf("%s: no kind expected; add it to this test", c.name)
			continue
		}
		res := NewChecker(Checks(), c.opt).CheckReader(bytes.NewReader(c.data), int64(len(c.data)), "收/x.xlsx")
		var ie *xlsx.InputError
		if !errors.As(res.Err, &ie) {
			t.Errorf("%s: %T %v is no *xlsx.InputError", c.name, res.Err, res.Err)
			continue
		}
		if ie.Kind != want || !errors.Is(res.Err, want) || (want != xlsx.ErrBroken && errors.Is(res.Err, xlsx.ErrBroken)) {
			t.Errorf("%s: kind %v (%s), want %v (%s)", c.name, ie.Kind, ie.Kind.English(), want, want.English())
		}
		if ie.Path != "收/x.xlsx" || ie.Zh == "" || ie.En == "" || !strings.HasPrefix(ie.Error(), "收/x.xlsx: ") ||
			xlsx.ErrorText(res.Err, true) != "收/x.xlsx: "+ie.En {
			t.Errorf("%s: path %q, zh %q, en %q", c.name, ie.Path, ie.Zh, ie.En)
		}
	}
}

// The cause underneath is kept (%w style): a missing file is
// fs.ErrNotExist, a cut-off zip zip.ErrFormat.
func TestInputErrorCause(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	r := k.CheckFile(filepath.Join(t.TempDir(), "无.xlsx"))
	if !errors.Is(r.Err, xlsx.ErrNotFound) || !errors.Is(r.Err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", r.Err)
	}
	good := goodBook(t, nil)
	cut := good[:len(good)/2]
	r = k.CheckReader(bytes.NewReader(cut), int64(len(cut)), "cut.xlsx")
	if !errors.Is(r.Err, xlsx.ErrTruncated) || !errors.Is(r.Err, zip.ErrFormat) {
		t.Errorf("truncated: %v (cause %v)", r.Err, errors.Unwrap(r.Err))
	}
	path := filepath.Join(t.TempDir(), "slow.xlsx")
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	r = NewChecker(Checks(), ReadOptions{Timeout: time.Nanosecond}).CheckFile(path)
	if !errors.Is(r.Err, xlsx.ErrTimeout) {
		t.Errorf("timeout: %v", r.Err)
	}
}
