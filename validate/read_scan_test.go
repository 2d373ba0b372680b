package validate

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/formread"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// sameAsExcelize checks that the grid the reader builds from its own scan
// of each sheet holds, for every cell, the raw value, formula and merges
// excelize gives, and reports how many sheets took the scan.
func sameAsExcelize(t *testing.T, path string) (scanned int) {
	t.Helper()
	fast, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	slow, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	for _, sheet := range fast.GetSheetList() {
		sh, err := xlsx.FromExcelize(fast, sheet)
		if err != nil {
			t.Fatalf("%s %s: %v", path, sheet, err)
		}
		g := formread.FromSheet(sheet, sh)
		if !g.Scanned() {
			continue
		}
		scanned++
		mcs, _ := slow.GetMergeCells(sheet, true)
		merges := g.Merges()
		if len(mcs) != len(merges) {
			t.Errorf("%s %s: %d merges, excelize %d", path, sheet, len(merges), len(mcs))
		}
		for i, m := range mcs {
			if i >= len(merges) {
				break
			}
			if got := merges[i]; got != m[0] {
				t.Errorf("%s %s: merge %d is %s, excelize %s", path, sheet, i, got, m[0])
			}
		}
		rows := g.Rows() + 2
		for r := 0; r < rows; r++ {
			for c := 0; c < 30; c++ {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				raw, formula := g.Stored(r, c)
				wantRaw, _ := slow.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
				wantF, _ := slow.GetCellFormula(sheet, ref)
				if raw != wantRaw || formula != wantF {
					t.Errorf("%s %s!%s: raw %q formula %q, excelize %q %q", path, sheet, ref, raw, formula, wantRaw, wantF)
				}
			}
		}
	}
	return scanned
}

// TestScanMatchesExcelize runs sameAsExcelize over every layout the reader
// tests build, the generated samples, cells the scan leaves to excelize
// (shared formulas, a custom format around text), and all of them again
// as LibreOffice saves them.
func TestScanMatchesExcelize(t *testing.T) {
	x := newXL(t)
	for i, v := range variants {
		sheet := v.name
		if i == 0 {
			x.must(x.f.SetSheetName("Sheet1", sheet))
		} else {
			x.sheet(sheet)
		}
		buildBook(x, sheet, []bookForm{book1, book2}[i%2], v)
	}
	x.sheet("formulas")
	buildBook(x, "formulas", book1, variant{formulas: true, noisy: true})
	x.sheet("odd")
	shared := excelize.STCellFormulaTypeShared
	ref := "C1:C5"
	x.must(x.f.SetCellFormula("odd", "C1", "A1*2", excelize.FormulaOpts{Type: &shared, Ref: &ref}))
	x.str("odd", "A1", "17.52")
	style, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`0.00;-0.00;0;"单位:"@`)})
	x.must(err)
	x.must(x.f.SetCellStyle("odd", "A1", "A1", style))
	x.must(x.f.SetCellValue("odd", "B2", true))
	in := writeBook(t, x, "scan.xlsx")
	paths := []string{in}
	samples, _ := filepath.Glob("../samples/*.xlsx")
	paths = append(paths, samples...)
	if soffice.Path() != "" {
		out, err := soffice.Convert(in, t.TempDir(), "xlsx")
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, out)
	}
	for _, p := range paths {
		if n := sameAsExcelize(t, p); n == 0 {
			t.Errorf("%s: no sheet was read by the scan", p)
		}
	}
}

func ptr[T any](v T) *T { return &v }
