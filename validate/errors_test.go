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
)

// Every file the hostile corpus refuses comes back as one *InputError of
// the right kind, with the path, both languages, and errors.Is by kind.
func TestInputErrorKinds(t *testing.T) {
	kinds := map[string]ErrorKind{
		"empty": ErrEmpty, "three bytes": ErrTruncated, "not a workbook": ErrNotWorkbook,
		"truncated": ErrTruncated, "legacy xls": ErrLegacyFormat, "WPS et": ErrLegacyFormat,
		"doc renamed": ErrNotWorkbook, "encrypted": ErrEncrypted, "encrypted, wrong password": ErrEncrypted,
		"csv renamed": ErrNotWorkbook, "html renamed": ErrNotWorkbook, "pdf renamed": ErrNotWorkbook,
		"docx renamed": ErrNotWorkbook, "ods": ErrNotWorkbook, "plain zip": ErrNotWorkbook,
		"zip bomb: declares 4 GB": ErrTooLarge, "zip bomb: inflates past the cap": ErrTooLarge,
		"zip bomb: lies about its size": ErrBroken, "too many parts": ErrTooLarge, "file too big": ErrTooLarge,
		"billion laughs and external entity in a sheet": ErrUnsafeXML, "billion laughs in workbook.xml": ErrUnsafeXML,
		"DTD after a long comment": ErrUnsafeXML, "a sheet's XML broken": ErrBroken,
		"DTD in sharedStrings.xml": ErrUnsafeXML, "DTD in styles.xml": ErrUnsafeXML, "DTD in docProps/app.xml": ErrUnsafeXML,
		"no workbook.xml": ErrBroken, "empty workbook.xml": ErrBroken, "sheet part absent": ErrBroken,
		"sheet part empty": ErrBroken, "shared strings empty": ErrBroken, "rels absent": ErrBroken, "huge shared strings": ErrTooLarge,
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
		var ie *InputError
		if !errors.As(res.Err, &ie) {
			t.Errorf("%s: %T %v is no *InputError", c.name, res.Err, res.Err)
			continue
		}
		if ie.Kind != want || !errors.Is(res.Err, want) || (want != ErrBroken && errors.Is(res.Err, ErrBroken)) {
			t.Errorf("%s: kind %v (%s), want %v (%s)", c.name, ie.Kind, ie.Kind.English(), want, want.English())
		}
		if ie.Path != "收/x.xlsx" || ie.Zh == "" || ie.En == "" || !strings.HasPrefix(ie.Error(), "收/x.xlsx: ") ||
			ErrorText(res.Err, true) != "收/x.xlsx: "+ie.En {
			t.Errorf("%s: path %q, zh %q, en %q", c.name, ie.Path, ie.Zh, ie.En)
		}
	}
}

// The cause underneath is kept (%w style): a missing file is
// fs.ErrNotExist, a cut-off zip zip.ErrFormat.
func TestInputErrorCause(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	r := k.CheckFile(filepath.Join(t.TempDir(), "无.xlsx"))
	if !errors.Is(r.Err, ErrNotFound) || !errors.Is(r.Err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", r.Err)
	}
	good := goodBook(t, nil)
	cut := good[:len(good)/2]
	r = k.CheckReader(bytes.NewReader(cut), int64(len(cut)), "cut.xlsx")
	if !errors.Is(r.Err, ErrTruncated) || !errors.Is(r.Err, zip.ErrFormat) {
		t.Errorf("truncated: %v (cause %v)", r.Err, errors.Unwrap(r.Err))
	}
	path := filepath.Join(t.TempDir(), "slow.xlsx")
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	r = NewChecker(Checks(), ReadOptions{Timeout: time.Nanosecond}).CheckFile(path)
	if !errors.Is(r.Err, ErrTimeout) {
		t.Errorf("timeout: %v", r.Err)
	}
}
