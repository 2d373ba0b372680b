package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Same reports whether the workbook in data reads here exactly as
// excelize reads it: every sheet's shown rows (GetRows), merges, and the
// raw value and formula of every cell (GetCellValue, GetCellFormula). It
// returns how many sheets were read here; the rest were unsupported.
func same(t *testing.T, data []byte) (read int) {
	t.Helper()
	defer poisonSheetBufs()()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	b, err := Open(bytes.NewReader(data), int64(len(data)), Options{})
	if errors.Is(err, ErrUnsupported) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range b.Sheets() {
		names = append(names, s.Name)
		vis, _ := x.GetSheetVisible(s.Name)
		if vis != s.Visible() {
			t.Errorf("%s: visible %v, excelize %v", s.Name, s.Visible(), vis)
		}
	}
	if !reflect.DeepEqual(names, x.GetSheetList()) {
		t.Fatalf("sheets %q, excelize %q", names, x.GetSheetList())
	}
	for _, name := range names {
		sh, err := b.Sheet(name)
		if errors.Is(err, ErrUnsupported) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		read++
		sameSheet(t, x, name, sh)
	}
	return read
}

func sameSheet(t *testing.T, x *excelize.File, name string, sh *Sheet) {
	t.Helper()
	rows, err := x.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(sh.Rows) {
		t.Errorf("%s: %d rows, excelize %d", name, len(sh.Rows), len(rows))
	}
	for r := range min(len(rows), len(sh.Rows)) {
		if !reflect.DeepEqual(rows[r], sh.Rows[r]) && !(len(rows[r]) == 0 && len(sh.Rows[r]) == 0) {
			t.Errorf("%s row %d: %q, excelize %q", name, r+1, sh.Rows[r], rows[r])
		}
	}
	mcs, _ := x.GetMergeCells(name)
	if len(mcs) != len(sh.Merges) {
		t.Errorf("%s: %d merges, excelize %d", name, len(sh.Merges), len(mcs))
	}
	for i := range min(len(mcs), len(sh.Merges)) {
		m := sh.Merges[i]
		a, _ := excelize.CoordinatesToCellName(m.C0+1, m.R0+1)
		z, _ := excelize.CoordinatesToCellName(m.C1+1, m.R1+1)
		if a+":"+z != mcs[i][0] {
			t.Errorf("%s: merge %s:%s, excelize %s", name, a, z, mcs[i][0])
		}
	}
	at := map[[2]int]Cell{}
	for _, c := range sh.Cells {
		at[[2]int{c.Row, c.Col}] = c
	}
	for r := range len(rows) + 2 {
		for c := range 30 {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			raw, _ := x.GetCellValue(name, ref, excelize.Options{RawCellValue: true})
			f, _ := x.GetCellFormula(name, ref)
			if _, merged := mergedAt(sh.Merges, r, c); merged {
				continue // excelize answers with the merge's first cell
			}
			got := at[[2]int{r, c}]
			if got.Raw != raw || got.Formula != f {
				t.Errorf("%s!%s: raw %q formula %q, excelize %q %q", name, ref, got.Raw, got.Formula, raw, f)
			}
		}
	}
}

func mergedAt(ms []Range, r, c int) (Range, bool) {
	for _, m := range ms {
		if r >= m.R0 && r <= m.R1 && c >= m.C0 && c <= m.C1 && (r != m.R0 || c != m.C0) {
			return m, true
		}
	}
	return Range{}, false
}

// values are stored numbers (as <v> text) that rounding, precision and
// signs trip over.
var values = []string{
	"0", "1", "-1", "0.5", "17.52", "17.5", "99.875", "0.8619", "0.86185", "1234567.891", "-1234.5",
	"0.30000000000000004", "1E-7", "1.5E-7", "123456789012", "-0.001", "2.675", "1.005", "100",
	"0.125", "0.0005", "99.995", "9.995", "1000000", "0.999", "-0.5", "5E-3", "407.3", "12345.678",
	"0.1", "1.0", "017.50", " 12", "12abc", "1_0", "",
}

var texts = []string{"17.52", "abc", "单位:万元", "_x000D_x", "-", "  7 "}

// formats are the codes forms use, plus a few this package refuses.
var formats = []string{
	"General", "0", "0.00", "#,##0", "#,##0.00", "0%", "0.00%", "0.0%", "@", `0.00"(项)"`,
	`"¥"#,##0.00`, `0.00"万元"`, `#,##0.00_);(#,##0.00)`, `0.00_ `, `0.00;-0.00;0;"单位:"@`,
	`0.000`, `#,##0.0`, `0.00\元`, `0.00;[Red]-0.00`, `yyyy-mm-dd`, `0.00E+00`, `0,`, `# ?/?`,
}

func TestFormatsMatchExcelize(t *testing.T) {
	x := excelize.NewFile()
	sheets := 0
	add := func(name string, style int) {
		if sheets > 0 {
			if _, err := x.NewSheet(name); err != nil {
				t.Fatal(err)
			}
		} else if err := x.SetSheetName("Sheet1", name); err != nil {
			t.Fatal(err)
		}
		sheets++
		for i, v := range values {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetCellDefault(name, ref, v); err != nil {
				t.Fatal(err)
			}
			_ = x.SetCellStyle(name, ref, ref, style)
		}
		for i, s := range texts {
			ref, _ := excelize.CoordinatesToCellName(2, i+1)
			_ = x.SetCellStr(name, ref, s)
			_ = x.SetCellStyle(name, ref, ref, style)
		}
		_ = x.SetCellBool(name, "C1", true)
		_ = x.SetCellFormula(name, "C2", "A1*2")
		_ = x.SetCellStyle(name, "C1", "C2", style)
		_ = x.MergeCell(name, "D1", "E2")
		_ = x.SetCellStr(name, "D1", "merged")
	}
	for i, code := range formats {
		s, err := x.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprintf("c%d", i), s)
	}
	for _, id := range []int{0, 1, 2, 3, 4, 9, 10, 49, 14, 11, 5} {
		s, err := x.NewStyle(&excelize.Style{NumFmt: id})
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprintf("b%d", id), s)
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	refused := map[string]bool{}
	for _, s := range b.Sheets() {
		if _, err := b.Sheet(s.Name); errors.Is(err, ErrUnsupported) {
			refused[s.Name] = true
		}
	}
	t.Logf("refused: %v", refused)
	if n := same(t, buf.Bytes()); n < 20 {
		t.Errorf("only %d sheets read", n)
	}
}

// poisonSheetBufs overwrites a sheet's buffer as soon as it is given back,
// so that whatever still shares its memory reads as garbage; it returns
// what undoes that.
func poisonSheetBufs() (undo func()) {
	release := releaseSheetBuf
	releaseSheetBuf = func(p *[]byte) {
		b := (*p)[:cap(*p)]
		for i := range b {
			b[i] = 0xFF
		}
		release(p)
	}
	return func() { releaseSheetBuf = release }
}
