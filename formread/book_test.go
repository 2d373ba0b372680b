package formread

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// readBook reads the workbook in data, opened with o, through Reader.Book.
func readBook(t *testing.T, data []byte, o xlsx.OpenOptions) (*Book, map[string]*xlsx.Sheet) {
	t.Helper()
	rd := NewReader(nil, nil)
	var b *Book
	kept := map[string]*xlsx.Sheet{}
	err := xlsx.OpenReader(bytes.NewReader(data), int64(len(data)), "x.xlsx", o, func(wb xlsx.Workbook) (err error) {
		b, err = rd.Book(wb, kept)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, kept
}

// A sample reads as one form by its fingerprint, the same whichever
// reader opened it; its hidden helper sheets, named by no fingerprint,
// are not reported; the form's sheet is kept. Past the row limit, the
// sheet is skipped unread, saying why.
func TestBook(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "samples", "信息化运维项目.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	fast, kept := readBook(t, data, xlsx.OpenOptions{Reader: xlsx.FastOnly})
	slow, _ := readBook(t, data, xlsx.OpenOptions{Reader: xlsx.ExcelizeOnly})
	if len(fast.Forms) != 1 || fast.Forms[0].Template == nil || len(fast.Skipped) != 0 || fast.Path != "x.xlsx" {
		t.Fatalf("fast: %d forms, skipped %v", len(fast.Forms), fast.Skipped)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Errorf("the readers' books differ")
	}
	if kept[fast.Forms[0].Sheet] == nil {
		t.Errorf("form sheet not kept: %v", kept)
	}
	over, _ := readBook(t, data, xlsx.OpenOptions{Limits: xlsx.Limits{Rows: 5}})
	if len(over.Forms) != 0 || len(over.Skipped) != 1 || !strings.Contains(over.Skipped[0].ReasonEn, "rows, over the limit of 5") {
		t.Errorf("past the limits: %d forms, skipped %+v", len(over.Forms), over.Skipped)
	}
}
