package validate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/template"
)

// sameBooks reads path with excelize and with internal/xlsx and fails
// unless both give the same Book: every field of every form (Ref, Text,
// Num, Places, Percent, Raw, Formula), the indicators, the skipped sheets.
// It reports whether the fast reader read the file at all (false: it
// refused, and Read falls back to excelize).
func sameBooks(t *testing.T, path string) bool {
	t.Helper()
	slow, errSlow := Open(path, ReadOptions{path: xlsx.ExcelizeOnly})
	fast, errFast := Open(path, ReadOptions{path: xlsx.FastOnly})
	if errors.Is(errFast, xlsx.ErrUnsupported) {
		t.Logf("%s: falls back: %v", filepath.Base(path), errFast)
		return false
	}
	if errSlow != nil || errFast != nil {
		t.Errorf("%s: excelize %v, fast %v", path, errSlow, errFast)
		return false
	}
	if !reflect.DeepEqual(slow.Skipped, fast.Skipped) {
		t.Errorf("%s: skipped %v, excelize %v", path, fast.Skipped, slow.Skipped)
	}
	if len(slow.Forms) != len(fast.Forms) {
		t.Errorf("%s: %d forms, excelize %d", path, len(fast.Forms), len(slow.Forms))
		return true
	}
	for i, s := range slow.Forms {
		f := fast.Forms[i]
		sc, fc := s.Cells(), f.Cells()
		for k, want := range sc {
			if got := fc[k]; got == nil || !sameCell(*got, *want) {
				t.Errorf("%s %s %s: %+v, excelize %+v", filepath.Base(path), s.Sheet, k, fieldText(fc[k]), fieldText(want))
			}
		}
		if len(sc) != len(fc) {
			t.Errorf("%s %s: %d fields, excelize %d", filepath.Base(path), s.Sheet, len(fc), len(sc))
		}
		if !reflect.DeepEqual(s, f) {
			t.Errorf("%s %s: forms differ", filepath.Base(path), s.Sheet)
		}
	}
	return true
}

func sameCell(a, b form.Cell) bool {
	return a.Ref == b.Ref && a.Text == b.Text && a.Places == b.Places && a.Percent == b.Percent &&
		a.Raw == b.Raw && a.Formula == b.Formula && (a.Num == nil) == (b.Num == nil) &&
		(a.Num == nil || a.Num.String() == b.Num.String())
}

func fieldText(c *form.Cell) string {
	if c == nil {
		return "<none>"
	}
	n := "nil"
	if c.Num != nil {
		n = c.Num.String()
	}
	return fmt.Sprintf("%s %q num=%s places=%d pct=%v raw=%q f=%q", c.Ref, c.Text, n, c.Places, c.Percent, c.Raw, c.Formula)
}

// TestFastMatchesExcelize reads every kind of workbook the reader tests
// build with both readers: the layout variants, the scan test's odd
// sheets, a hand-written package, generated templates filled in (with and
// without their fingerprint), the samples, the faulty example, and the
// same again as LibreOffice saves them. The fast reader must read most of
// them (those with shared formulas all), and whatever it reads must
// equal excelize's reading.
func TestFastMatchesExcelize(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	// the layout variants, one sheet each
	x := newXL(t)
	for i, v := range variants {
		if i == 0 {
			x.must(x.f.SetSheetName("Sheet1", v.name))
		} else {
			x.sheet(v.name)
		}
		buildBook(x, v.name, []bookForm{book1, book2}[i%2], v)
	}
	x.sheet("formulas")
	buildBook(x, "formulas", book1, variant{formulas: true, noisy: true})
	paths = append(paths, writeBook(t, x, "variants.xlsx"))
	// the variants again one per workbook, so one refusal cannot hide the rest
	for i, v := range variants {
		y := newXL(t)
		x.must(y.f.SetSheetName("Sheet1", "表"))
		buildBook(y, "表", []bookForm{book1, book2}[i%2], v)
		paths = append(paths, writeBook(t, y, fmt.Sprintf("v%02d.xlsx", i)))
	}
	// the scan test's odd cells: a shared formula, text under a custom format
	odd := newXL(t)
	buildBook(odd, "Sheet1", book1, variant{})
	shared := excelize.STCellFormulaTypeShared
	ref := "Z1:Z5"
	odd.must(odd.f.SetCellFormula("Sheet1", "Z1", "A1*2", excelize.FormulaOpts{Type: &shared, Ref: &ref}))
	oddPath := writeBook(t, odd, "odd.xlsx")
	paths = append(paths, oddPath)
	// a package no spreadsheet program wrote
	raw := newRaw()
	buildBook(raw, "表一", book1, variant{})
	buildBook(raw, "表二", book2, variant{lead: true, unmerged: true, text: true})
	raw.str("备注", "A1", "无")
	hand := filepath.Join(dir, "hand.xlsx")
	raw.save(t, hand)
	paths = append(paths, hand)
	tpls := templateBooks(t, dir) // written with shared formulas
	paths = append(paths, tpls...)
	samples, _ := filepath.Glob("../samples/*.xlsx")
	faulty, _ := filepath.Glob("../examples/faulty/*.xlsx")
	paths = append(append(paths, samples...), faulty...)
	if soffice.Path() != "" {
		lo := filepath.Join(dir, "lo")
		for _, p := range []string{paths[0], paths[len(paths)-1], hand, tpls[0]} {
			out, err := soffice.Convert(p, lo, "xlsx")
			if err != nil {
				t.Fatal(err)
			}
			paths = append(paths, out)
		}
	}
	fast := 0
	mustFast := map[string]bool{oddPath: true}
	for _, p := range tpls {
		mustFast[p] = true
	}
	for _, p := range paths {
		if sameBooks(t, p) {
			fast++
		} else if mustFast[p] {
			t.Errorf("%s: shared formulas sent it to excelize", filepath.Base(p))
		}
	}
	t.Logf("%d of %d workbooks read by internal/xlsx", fast, len(paths))
	if fast < len(paths)*3/4 {
		t.Errorf("only %d of %d workbooks read by internal/xlsx", fast, len(paths))
	}
}

// templateBooks writes the seed projects as our templates build them,
// filled in, once as built and once without the fingerprint sheet.
func templateBooks(t *testing.T, dir string) []string {
	var out []string
	for _, name := range []string{"seed1.yaml", "seed2.yaml"} {
		s, err := template.ReadSpec(filepath.Join("..", "samples", "specs", name), formulas.Default(), 2024)
		if err != nil {
			t.Fatal(err)
		}
		w, err := template.Build(s.Projects, template.Options{Profile: formulas.Default(), Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		data, err := w.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".xlsx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.DeleteSheet(form.FingerprintSheet); err != nil {
			t.Fatal(err)
		}
		bare := filepath.Join(dir, name+".bare.xlsx")
		if err := f.SaveAs(bare); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out = append(out, p, bare)
	}
	return out
}
