package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

// faultyBook writes seed form 1 from the template into dir and then makes
// it wrong the way a unit might: a score above its cap (G24, error), a
// wrong total (G25, error), a deduction without a reason (G14 → H14,
// error) and an actual in another unit than its target (E14, warning).
func faultyBook(t testing.TB, dir string) string {
	t.Helper()
	paths, err := template.FromSpecFile("../samples/specs/seed1.yaml", dir, false, template.Options{Profile: formulas.Default(), Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := "信息化运维项目"
	for ref, v := range map[string]any{"G24": 5, "G25": 97, "G14": 4.3, "E14": "10.00(个)"} {
		if err := f.SetCellValue(s, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "bad.xlsx")
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// annotated checks path and annotates it into dir/name.
func annotated(t testing.TB, path, out string, lang Lang) validate.FileResult {
	t.Helper()
	r := validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckFile(path)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, _ := in.Stat()
	var buf bytes.Buffer
	if err := Annotate(in, st.Size(), r, lang, &buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

func findingAt(r validate.FileResult, cell string) (validate.Finding, bool) {
	for _, fr := range r.Forms {
		for _, x := range fr.Findings {
			if x.Cell == cell {
				return x, true
			}
		}
	}
	return validate.Finding{}, false
}

func TestAnnotate(t *testing.T) {
	dir := t.TempDir()
	src := faultyBook(t, dir)
	before, _ := os.ReadFile(src)
	out := filepath.Join(dir, "annotated.xlsx")
	r := annotated(t, src, out, ZH)
	after, _ := os.ReadFile(src)
	if !bytes.Equal(before, after) {
		t.Fatal("Annotate changed its input")
	}
	for cell, sev := range map[string]validate.Severity{"G24": validate.Error, "G25": validate.Error, "H14": validate.Error, "E14": validate.Warning} {
		if x, ok := findingAt(r, cell); !ok || x.Severity != sev {
			t.Fatalf("fixture: want a %v at %s, got %+v (%v)", sev, cell, x, ok)
		}
	}

	orig, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const s = "信息化运维项目"
	if got := f.GetSheetList()[0]; got != ResultSheet {
		t.Fatalf("first sheet %q, want %q", got, ResultSheet)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d, want the results", f.GetActiveSheetIndex())
	}
	checkMarks(t, f, s, map[string]string{"G24": errorFill, "G25": errorFill, "H14": errorFill, "E14": warningFill})

	// The style of a marked cell keeps its number format and lock.
	for _, ref := range []string{"G24", "E14"} {
		a, b := styleOf(t, orig, s, ref), styleOf(t, f, s, ref)
		if a.NumFmt != b.NumFmt || (a.CustomNumFmt == nil) != (b.CustomNumFmt == nil) ||
			(a.CustomNumFmt != nil && *a.CustomNumFmt != *b.CustomNumFmt) ||
			(a.Protection == nil) != (b.Protection == nil) || (a.Protection != nil && a.Protection.Locked != b.Protection.Locked) {
			t.Errorf("%s: style lost its format or lock: %+v -> %+v", ref, a, b)
		}
	}
	// Comments carry the message and the expected value.
	cs, err := f.GetComments(s)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := findingAt(r, "G24")
	if c := commentAt(cs, "G24"); !strings.Contains(c, x.Message) || !strings.Contains(c, "应为 "+x.Expected) {
		t.Errorf("G24 comment %q lacks message or expected %q", c, x.Expected)
	}
	if c := commentAt(cs, "G13"); c != "" {
		t.Errorf("a cell without findings got a comment: %q", c)
	}
	// Data, formulas and protection are kept.
	for _, ref := range []string{"C3", "F6", "G6", "D13", "G13"} {
		v1, _ := orig.GetCellValue(s, ref)
		v2, _ := f.GetCellValue(s, ref)
		f1, _ := orig.GetCellFormula(s, ref)
		f2, _ := f.GetCellFormula(s, ref)
		if v1 != v2 || f1 != f2 {
			t.Errorf("%s changed: %q=%q -> %q=%q", ref, f1, v1, f2, v2)
		}
	}
	if fm, _ := f.GetCellFormula(s, "G6"); fm == "" {
		t.Error("G6 (funds score) lost its formula")
	}
	p, err := f.GetSheetProtection(s)
	if err != nil || !p.SelectUnlockedCells {
		t.Errorf("sheet protection lost: %+v %v", p, err)
	}
	if len(f.GetDefinedName()) != len(orig.GetDefinedName()) {
		t.Errorf("defined names %v -> %v", orig.GetDefinedName(), f.GetDefinedName())
	}
	for _, n := range f.GetDefinedName() {
		if n.Scope == ResultSheet {
			t.Errorf("defined name %s moved onto the results sheet", n.Name)
		}
	}
	// The results sheet lists every finding, errors first, linked.
	rows, _ := f.GetRows(ResultSheet)
	n := 0
	for _, fr := range r.Forms {
		n += len(fr.Findings)
	}
	if len(rows) != 3+n {
		t.Fatalf("results sheet has %d rows, want %d", len(rows), 3+n)
	}
	if rows[3][1] != "错误" || rows[len(rows)-1][1] == "错误" {
		t.Errorf("errors not first: %v", rows[3:])
	}
	for i := 4; i <= 3+n; i++ {
		ref := rows[i-1][3]
		ok, link, _ := f.GetCellHyperLink(ResultSheet, "D"+strconv.Itoa(i))
		if !ok || link != "'"+s+"'!"+ref {
			t.Errorf("row %d: link %v %q, want to %s", i, ok, link, ref)
		}
	}
	// The copy still checks the same: the reader skips the results sheet.
	again := validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckFile(out)
	if again.Err != nil || len(again.Forms) != 1 || len(again.Forms[0].Findings) != n {
		t.Errorf("re-check of the copy: %v, %d forms", again.Err, len(again.Forms))
	}
}

func TestAnnotateEnglish(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "en.xlsx")
	annotated(t, faultyBook(t, dir), out, EN)
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cs, _ := f.GetComments("信息化运维项目")
	if c := commentAt(cs, "G24"); !strings.Contains(c, "[error]") || !strings.Contains(c, "expected") {
		t.Errorf("English comment: %q", c)
	}
	if v, _ := f.GetCellValue(ResultSheet, "B3"); v != "Severity" {
		t.Errorf("English header %q", v)
	}
}

// TestAnnotateLibreOffice opens the annotated copy in LibreOffice, saves
// it again and reads back comments and fills; it also renders the copy
// to PNG (path in the log) to look at.
func TestAnnotateLibreOffice(t *testing.T) {
	soffice.Need(t)
	dir := t.TempDir()
	src := faultyBook(t, dir)
	out := filepath.Join(dir, "annotated.xlsx")
	annotated(t, src, out, ZH)
	conv := filepath.Join(dir, "lo")
	os.MkdirAll(conv, 0o755)
	x, err := soffice.Convert(out, conv, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const s = "信息化运维项目"
	if got := f.GetSheetList()[0]; got != ResultSheet {
		t.Errorf("LibreOffice: first sheet %q", got)
	}
	// excelize does not read back LibreOffice's fills (fg and bg colour),
	// so look them up in styles.xml.
	fills := xmlFills(t, x)
	for ref, color := range map[string]string{"G24": errorFill, "G25": errorFill, "H14": errorFill, "E14": warningFill} {
		id, _ := f.GetCellStyle(s, ref)
		if got := fills[id]; !strings.EqualFold(strings.TrimPrefix(got, "FF"), color) {
			t.Errorf("LibreOffice: %s fill %q, want %s", ref, got, color)
		}
	}
	cs, _ := f.GetComments(s)
	for _, ref := range []string{"G24", "G25", "H14", "E14"} {
		if !strings.Contains(commentAt(cs, ref), "[") {
			t.Errorf("LibreOffice: no comment at %s (%v)", ref, cs)
		}
	}
	pdfDir := filepath.Join(os.TempDir(), "xlsxeval-annotate-render")
	os.MkdirAll(pdfDir, 0o755)
	pdf, err := soffice.Convert(out, pdfDir, `pdf:calc_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		png := filepath.Join(pdfDir, "page")
		if out, err := exec.Command("pdftoppm", "-png", "-r", "70", pdf, png).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		t.Logf("rendered pages: %s-*.png", png)
	}
}

func checkMarks(t *testing.T, f *excelize.File, sheet string, want map[string]string) {
	t.Helper()
	for ref, color := range want {
		st := styleOf(t, f, sheet, ref)
		if len(st.Fill.Color) == 0 || !strings.EqualFold(st.Fill.Color[0], color) {
			t.Errorf("%s: fill %v, want %s", ref, st.Fill.Color, color)
		}
	}
}

func styleOf(t *testing.T, f *excelize.File, sheet, ref string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func commentAt(cs []excelize.Comment, ref string) string {
	for _, c := range cs {
		if c.Cell == ref {
			return commentText(c)
		}
	}
	return ""
}

// xmlFills maps each cell style (xf) index of a workbook to the rgb of
// its solid fill.
func xmlFills(t *testing.T, path string) map[int]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var ss struct {
		Fills []struct {
			FG struct {
				RGB string `xml:"rgb,attr"`
			} `xml:"patternFill>fgColor"`
		} `xml:"fills>fill"`
		Xfs []struct {
			FillID int `xml:"fillId,attr"`
		} `xml:"cellXfs>xf"`
	}
	for _, zf := range zr.File {
		if zf.Name != "xl/styles.xml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		err = xml.NewDecoder(rc).Decode(&ss)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	out := map[int]string{}
	for i, x := range ss.Xfs {
		if x.FillID < len(ss.Fills) {
			out[i] = ss.Fills[x.FillID].FG.RGB
		}
	}
	return out
}

// TestAnnotatePrintsA4 checks the results sheet prints A4 landscape, one
// page wide (excelize's default paper is Letter).
func TestAnnotatePrintsA4(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "annotated.xlsx")
	annotated(t, faultyBook(t, dir), out, ZH)
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pl, err := f.GetPageLayout(ResultSheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
		t.Fatalf("page layout %+v, want A4 (9) landscape, one page wide", pl)
	}
}
