package xlsx

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// bookSheets opens data with reader r and reads every sheet through the
// Workbook interface.
func bookSheets(t *testing.T, data []byte, r Reader) (infos []SheetInfo, sheets map[string]*Sheet, rows map[string][][]string) {
	t.Helper()
	sheets, rows = map[string]*Sheet{}, map[string][][]string{}
	err := OpenReader(bytes.NewReader(data), int64(len(data)), "x.xlsx", OpenOptions{Reader: r}, func(wb Workbook) error {
		infos = wb.Sheets()
		for _, s := range infos {
			sh, err := wb.Sheet(s.Name)
			if err != nil {
				return err
			}
			if rows[s.Name], err = wb.Rows(s.Name); err != nil {
				return err
			}
			sheets[s.Name] = sh
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reader %d: %v", r, err)
	}
	return infos, sheets, rows
}

// The Workbook interface gives the same sheets whichever reader read the
// workbook: visibility, shown rows, merges, the stored value and formula
// of every cell (following merges, and exactly by reference for the
// seal), and the protection.
func TestWorkbookReadersAgree(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*.xlsx"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "validate", "testdata", "forms", "*.xlsx"))
	if paths = append(paths, more...); len(paths) < 4 {
		t.Fatalf("only %d workbooks found", len(paths))
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, fast, frows := bookSheets(t, data, FastOnly)
		xi, slow, xrows := bookSheets(t, data, ExcelizeOnly)
		if len(fi) != len(xi) {
			t.Fatalf("%s: %d sheets, excelize %d", p, len(fi), len(xi))
		}
		for i := range fi {
			if fi[i].Name != xi[i].Name || fi[i].Visible() != xi[i].Visible() {
				t.Errorf("%s: sheet %d %+v, excelize %+v", p, i, fi[i], xi[i])
			}
		}
		for name, f := range fast {
			x := slow[name]
			if !reflect.DeepEqual(f.Rows, x.Rows) || !reflect.DeepEqual(frows[name], xrows[name]) || !reflect.DeepEqual(f.Rows, frows[name]) {
				t.Errorf("%s %s: rows differ", p, name)
			}
			if !reflect.DeepEqual(f.Merges, x.Merges) {
				t.Errorf("%s %s: merges %v, excelize %v", p, name, f.Merges, x.Merges)
			}
			if f.Protected() != x.Protected() {
				t.Errorf("%s %s: protected %v, excelize %v", p, name, f.Protected(), x.Protected())
			}
			for r := 0; r < len(f.Rows)+2; r++ {
				for c := 0; c < 30; c++ {
					fr, ff := f.Stored(r, c)
					xr, xf := x.Stored(r, c)
					if fr != xr || ff != xf {
						t.Errorf("%s %s (%d,%d): stored %q %q, excelize %q %q", p, name, r, c, fr, ff, xr, xf)
					}
					if _, merged := mergedAt(f.Merges, r, c); merged {
						continue // excelize answers a merged cell's reference with its first cell
					}
					ref := a1(r, c)
					if f.Value(ref) != x.Value(ref) || f.Formula(ref) != x.Formula(ref) {
						t.Errorf("%s %s!%s: %q %q, excelize %q %q", p, name, ref, f.Value(ref), f.Formula(ref), x.Value(ref), x.Formula(ref))
					}
				}
			}
		}
	}
}
