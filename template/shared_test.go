package template

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Every formula written shared reads back, in excelize and in the
// checker's reader, as the formula Go rendered for that cell; and the
// helper columns are shared, so the form's sheet stays small.
func TestSharedFormulasReadBack(t *testing.T) {
	type book struct {
		name string
		w    *Workbook
	}
	var books []book
	w, err := Build(variedSpecT(t, 3).Projects, opts())
	if err != nil {
		t.Fatal(err)
	}
	books = append(books, book{"spec", w})
	for _, l := range layout.Builtin() {
		w, err := Blank(Options{Profile: formulas.Default(), Layout: l, Rows: 5})
		if err != nil {
			t.Fatal(err)
		}
		books = append(books, book{l.Name, w})
	}
	for _, b := range books {
		data, err := b.w.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		xb, err := xlsx.Open(bytes.NewReader(data), int64(len(data)), xlsx.Options{})
		if err != nil {
			t.Fatal(err)
		}
		shared := 0
		for sheet, fs := range b.w.formulas {
			sh, err := xb.Sheet(sheet)
			if err != nil {
				t.Fatalf("%s %s: %v", b.name, sheet, err)
			}
			fast := map[string]string{}
			for _, c := range sh.Cells {
				fast[Cell(c.Col+1, c.Row+1)] = c.Formula
			}
			for ref, want := range fs {
				if got, _ := x.GetCellFormula(sheet, ref); got != want {
					t.Errorf("%s %s!%s: excelize reads %q, written %q", b.name, sheet, ref, got, want)
				}
				if fast[ref] != want {
					t.Errorf("%s %s!%s: the reader reads %q, written %q", b.name, sheet, ref, fast[ref], want)
				}
			}
			shared += len(sharedFormulas(fs, nil))
		}
		if shared < 40 {
			t.Errorf("%s: only %d formula cells shared", b.name, shared)
		}
		x.Close()
	}
}

// A run is shared only where every cell reads back as written: a cell
// that is not the one above moved down, or a master the tokeniser would
// render otherwise, starts a new run or stays whole.
func TestSharedFormulasRuns(t *testing.T) {
	fs := map[string]string{
		"B2": "A2*2", "B3": "A3*2", "B4": "A3*2", "B5": "A5*2", "B6": "A6*2", "B8": "A8*2",
		"C2": "A2 + 1", "C3": "A3 + 1", // efp renders "A2 + 1" as "A2+1"
		"D2": "$A$1", "D3": "$A$1",
	}
	got := sharedFormulas(fs, nil)
	want := map[string]shareTag{
		"B2": {0, "B2:B3"}, "B3": {0, ""},
		"B5": {1, "B5:B6"}, "B6": {1, ""},
		"D2": {2, "D2:D3"}, "D3": {2, ""},
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %+v, want %+v", k, got[k], v)
		}
	}
}
