package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// withSheetXML is a workbook of one sheet whose sheetData is rows.
func withSheetXML(t *testing.T, rows string) []byte {
	t.Helper()
	x := excelize.NewFile()
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
				`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>`, rows)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sharedRows writes master formula f in column col of row 2 with ref
// over rows 2..n+1 and n-1 cells below saying only si.
func sharedRows(f, col string, si, n int) string {
	var b strings.Builder
	for r := 2; r <= n+1; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>%d</v></c>`, r, r, r)
		if r == 2 {
			fmt.Fprintf(&b, `<c r="%s2"><f t="shared" ref="%s2:%s%d" si="%d">%s</f><v>1</v></c>`, col, col, col, n+1, si, f)
		} else {
			fmt.Fprintf(&b, `<c r="%s%d"><f t="shared" si="%d"/><v>1</v></c>`, col, r, si)
		}
		b.WriteString(`</row>`)
	}
	return b.String()
}

// Shared formulas read here exactly as excelize's GetCellFormula expands
// them, whatever the references look like.
func TestSharedFormulasMatchExcelize(t *testing.T) {
	for _, f := range []string{
		`A2*2`,
		`$A$2+A$2+$A2+A2`,
		`SUM(A2:A3)+SUM($A$2:A2)+SUM(A:A)+SUM(2:3)+SUM($A:$A)`,
		`Sheet1!A2+'Sheet1'!$A2`,
		`IF(A2&gt;0,"A2 &amp; B2",LOG10(A2))`,
		`A2 + B2`,
		`IF( A2 = "", "", A2 )`,
		`SUBSTITUTE(SUBSTITUTE(A2," ",""),"（","(")`,
		`xe_L1`,
		`A1`, // moves above the sheet's top on no row: row 2 - 1
		`TRUE`,
		``,
	} {
		data := withSheetXML(t, sharedRows(f, "C", 0, 5))
		if n := same(t, data); n != 1 {
			t.Errorf("%s: read %d sheets here, want 1", f, n)
		}
	}
}

// A column's formula shared across columns, two masters of one si (the
// first wins, as in excelize), and a shared formula in a second block.
func TestSharedFormulasBlocks(t *testing.T) {
	rows := `<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:D2" si="3">A1+$A1+A$1</f><v>1</v></c>` +
		`<c r="C1"><f t="shared" si="3"/></c><c r="D1"><f t="shared" si="3"/></c></row>` +
		`<row r="2"><c r="B2"><f t="shared" si="3"/></c><c r="C2"><f t="shared" ref="C2:C3" si="3">Z9</f></c>` +
		`<c r="E2"><f t="shared" ref="E2:E3" si="4">B2*2</f></c></row>` +
		`<row r="3"><c r="C3"><f t="shared" si="3"/></c><c r="E3"><f t="shared" si="4"></f></c></row>`
	if n := same(t, withSheetXML(t, rows)); n != 1 {
		t.Errorf("read %d sheets here, want 1", n)
	}
}

// A cell before its master gets the master found later, as excelize
// looks over all rows; one with no master has no formula.
func TestSharedFormulasOrphans(t *testing.T) {
	for name, rows := range map[string]string{
		"before its master": `<row r="1"><c r="B1"><f t="shared" si="0"/></c><c r="C1"><f t="shared" si="0"/><v>2</v></c></row>` +
			`<row r="2"><c r="B2"><f t="shared" ref="B1:C2" si="0">A1+A2</f></c><c r="C2"><f t="shared" si="0"/></c></row>`,
		"no master": `<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" si="0"/><v>1</v></c></row>` +
			`<row r="2"><c r="B2"><f t="shared" si="1" ref="B2:B3">A2</f></c></row><row r="3"><c r="B3"><f t="shared" si="1"/></c></row>`,
	} {
		if n := same(t, withSheetXML(t, rows)); n != 1 {
			t.Errorf("%s: read %d sheets here, want 1", name, n)
		}
	}
}

// What this reader cannot expand as excelize does is left to excelize.
func TestSharedFormulasUnsupported(t *testing.T) {
	for name, rows := range map[string]string{
		"bad si": `<row r="1"><c r="B1"><f t="shared" ref="B1" si="x">A1</f></c></row>`,
	} {
		data := withSheetXML(t, rows)
		b, err := Open(bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Sheet("Sheet1"); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", name, err)
		}
	}
}

// Masters kept in a Splits are the ones split afresh, and bounded.
func TestSplits(t *testing.T) {
	var c Splits
	f := `IF(A2>0,B$2,SUM($C2:D3))`
	a, b := c.Get(f), c.Get(f)
	if a != b {
		t.Error("a master split twice")
	}
	if got, want := a.At(1, 2), SplitFormula(f).At(1, 2); got != want || got != `IF(B4>0,C$2,SUM($C4:E5))` {
		t.Errorf("At(1,2) = %q, want %q", got, want)
	}
	for i := range maxSplits + 10 {
		c.Get(fmt.Sprintf("A%d", i+1))
	}
	if len(c.m) > maxSplits {
		t.Errorf("%d masters kept", len(c.m))
	}
	if (*Splits)(nil).Get("A1").At(0, 1) != "A2" || SplitFormula("A\x001") != nil {
		t.Error("nil Splits or NUL")
	}
}

// The shortcut for plain references moves them as excelize's shiftCell.
func TestAppendShifted(t *testing.T) {
	refs := []string{"A1", "I14", "Z9", "AA10", "XFD1", "XFC1048576", "A1048576", "AAA1", "XFE1", "a1",
		"A01", "A0", "A", "1", "$A1", "A$1", "A1:B2", "ABCD1", "A12345678", "Sheet1!A1", "TRUE"}
	for _, r := range refs {
		for _, d := range [][2]int{{0, 0}, {0, 1}, {1, 0}, {-1, -1}, {0, -1}, {2, 11}, {0, 1048575}, {16383, 0}} {
			if got, want := string(appendShifted(nil, r, d[0], d[1])), shiftCell(r, d[0], d[1]); got != want {
				t.Errorf("%s by %v: %q, shiftCell %q", r, d, got, want)
			}
		}
	}
	var c Splits
	s := c.Get("I14*2")
	if c.At(s, 0, 3) != "I17*2" || c.At(s, 0, 3) != s.At(0, 3) || len(c.at) != 1 {
		t.Errorf("kept %v", c.at)
	}
}
