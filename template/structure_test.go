package template

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xuri/excelize/v2"
)

// TestWorkbookStructure checks what a unit and other programs see of the
// workbook itself: the form is the first tab and the helper sheets follow
// it hidden, the structure is locked, every sheet declares the range its
// cells span, and the zip entries carry today's date.
func TestWorkbookStructure(t *testing.T) {
	for name, build := range map[string]func() (*Workbook, error){
		"blank":  func() (*Workbook, error) { return Blank(opts()) },
		"filled": func() (*Workbook, error) { return Build(readSeed(t, "seed1.yaml").Projects, opts()) },
	} {
		t.Run(name, func(t *testing.T) {
			w, err := build()
			if err != nil {
				t.Fatal(err)
			}
			b, err := w.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheets := f.GetSheetList()
			if sheets[0] != w.fps[0].Sheet {
				t.Fatalf("first tab %q, want the form %q (tabs %v)", sheets[0], w.fps[0].Sheet, sheets)
			}
			for _, s := range sheets[1:] {
				if v, _ := f.GetSheetVisible(s); v {
					t.Errorf("sheet %q after the form is visible", s)
				}
			}
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			dim := regexp.MustCompile(`<dimension ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"(?:/>|></dimension>)`)
			for _, zf := range zr.File {
				if zf.Modified.Before(time.Now().Add(-time.Hour)) {
					t.Errorf("%s dated %v", zf.Name, zf.Modified)
				}
				x := readAll(t, zf)
				switch {
				case zf.Name == "xl/workbook.xml":
					if !regexp.MustCompile(`<workbookProtection[^>]*lockStructure="(1|true)"`).MatchString(x) {
						t.Error("workbook structure not locked")
					}
				case strings.HasPrefix(zf.Name, "xl/worksheets/sheet"):
					m := dim.FindStringSubmatch(x)
					if m == nil || m[1] == "A1" {
						t.Errorf("%s: dimension %v", zf.Name, m)
					}
				}
			}
			first := w.fps[0]
			if name == "blank" {
				// Nothing typed: no total, no grade.
				lay := NewLayout(first.Rows, w.Profile)
				for _, key := range []string{"total.score", "grade"} {
					if v := w.cache[first.Sheet][lay.Ref(key)]; v != "" {
						t.Errorf("blank form shows %s %v", key, v)
					}
				}
			}
			lay := NewLayout(first.Rows, w.Profile)
			x := readPart(t, zr, sheetPart(t, f, zr, first.Sheet))
			if want := `<dimension ref="A1:` + Cell(lay.lastCol(), lay.LastRow()) + `"></dimension>`; !strings.Contains(x, want) {
				t.Errorf("form sheet: want %s, got %s", want, dim.FindString(x))
			}
		})
	}
}

func readAll(t *testing.T, zf *zip.File) string {
	t.Helper()
	rc, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readPart(t *testing.T, zr *zip.Reader, name string) string {
	t.Helper()
	for _, zf := range zr.File {
		if zf.Name == name {
			return readAll(t, zf)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

func sheetPart(t *testing.T, _ *excelize.File, zr *zip.Reader, sheet string) string {
	t.Helper()
	paths, err := sheetPaths(zr)
	if err != nil {
		t.Fatal(err)
	}
	return paths[sheet]
}

// TestTextInputCells checks that targets and actuals are typed into text
// cells (=100.00(%) stays text, 89% is not stored as 0.89) and that no
// actual cell raises an alert on what is typed.
func TestTextInputCells(t *testing.T) {
	w, err := Blank(opts())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, w)
	sheet := w.fps[0].Sheet
	lay := NewLayout(w.fps[0].Rows, w.Profile)
	for i := range lay.Rows {
		for _, col := range []*form.Field{form.FTarget, form.FActual} {
			ref := lay.RefOf(form.IndKey(i, col))
			id, err := f.GetCellStyle(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.NumFmt != 49 || st.Protection == nil || st.Protection.Locked {
				t.Errorf("%s: number format %d, protection %+v; want @ (49), unlocked", ref, st.NumFmt, st.Protection)
			}
		}
	}
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, dv := range dvs {
		if strings.HasPrefix(dv.Sqref, "E") && dv.ShowErrorMessage {
			t.Errorf("actual cell %s shows an alert", dv.Sqref)
		}
	}
}
