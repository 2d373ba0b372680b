package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/validate"
)

// TestCSVInjection: no cell of the CSV may start a formula when opened in
// a spreadsheet, whatever the workbook's texts were.
func TestCSVInjection(t *testing.T) {
	evil := []string{"=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"}
	var fs []validate.Finding
	for _, e := range evil {
		fs = append(fs, validate.Finding{Rule: "ind.parse", Severity: validate.Error, Sheet: e, Cell: "A1", Expected: e, Found: e, Message: e})
	}
	var buf bytes.Buffer
	w := &CSV{W: &buf, Lang: ZH}
	if err := w.File(File{Path: "=evil.xlsx", Forms: []Form{{Sheet: "S", Project: "=1+1", Findings: fs}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.File(File{Path: "@bad.xlsx", Error: "-broken"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Summary{}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatal("no UTF-8 byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(evil)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(evil)+2)
	}
	if recs[0][0] != "文件" {
		t.Errorf("header %v", recs[0])
	}
	for _, r := range recs[1:] {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !isNumber(c) {
				t.Errorf("cell %q would run as a formula", c)
			}
		}
	}
	// The text itself is kept after the quote.
	if recs[1][6] != "'"+evil[0] || recs[1][2] != "'=1+1" {
		t.Errorf("neutralised text: %q %q", recs[1][6], recs[1][2])
	}
}

func TestSafeCSVLeavesPlainText(t *testing.T) {
	// Numbers stay numbers: a quoted -2.5 is text in Excel (issue 14).
	for _, s := range []string{"", "指标", "98.50", "a=b", "'x", "-2.5", "-17.52", "+3", "-1e3", "0"} {
		if got := SafeCSV(s); got != s {
			t.Errorf("SafeCSV(%q) = %q", s, got)
		}
	}
}

func TestSafeCSVFormulaLikeNumbers(t *testing.T) {
	for _, s := range []string{"-", "-2+3", "-1,5", "+86 21", "-2.5%", "-A1", "--1", "-\t1", "=-2.5", "-1e", "@1"} {
		if got := SafeCSV(s); got != "'"+s {
			t.Errorf("SafeCSV(%q) = %q, want it quoted", s, got)
		}
	}
}
