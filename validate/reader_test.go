package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// CheckReader and CheckFile agree on the same bytes, and a file that is
// not a workbook is an error, not a panic.
func TestCheckReaderMatchesCheckFile(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "财政项目支出绩效自评表")
	f.SetCellValue("Sheet1", "A3", "项目名称")
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want := NewChecker(Checks(), ReadOptions{}).CheckFile(path)
	got := NewChecker(Checks(), ReadOptions{}).CheckReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), path)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CheckReader = %+v\nCheckFile = %+v", got, want)
	}
	junk := []byte("PK\x03\x04 not really a zip")
	r := NewChecker(Checks(), ReadOptions{}).CheckReader(bytes.NewReader(junk), int64(len(junk)), "junk.xlsx")
	if r.Err == nil || r.Path != "junk.xlsx" {
		t.Errorf("junk: got %+v, want an error", r)
	}
}

// A reader that panics (as a hostile file might make a parser do) yields
// an error result.
func TestCheckReaderRecovers(t *testing.T) {
	r := NewChecker(Checks(), ReadOptions{}).CheckReader(panicReader{}, 100, "evil.xlsx")
	if r.Err == nil || r.Forms != nil {
		t.Fatalf("got %+v, want the panic as an error", r)
	}
}

type panicReader struct{}

func (panicReader) ReadAt([]byte, int64) (int, error) { panic("boom") }
