package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/template"
)

// strictProfile writes a profile whose 优 band starts at 99, so seed 2's
// total of 98.50 is 良, where the default profile says 优.
func strictProfile(t *testing.T) (string, *formulas.Profile) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "strict.yaml")
	yaml := "name: strict\nbands: [{grade: 优, min: 99}, {grade: 良, min: 80}, {grade: 中, min: 60}, {grade: 差, min: 0}]\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := formulas.LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, p
}

// strictInputs generates seed 2 under the strict profile, as a template
// fresh from this tool: its total and grade are formulas with no cached
// value, so every report must compute them. A second copy has 优 typed
// over its grade formula, which the strict profile finds wrong (total.grade),
// so the annotated copy and the CSV have a finding to show.
func strictInputs(t *testing.T, p *formulas.Profile) (dir, typed string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "回收")
	paths, err := template.FromSpecFile("../../samples/specs/seed2.yaml", dir, false, template.Options{Profile: p, Year: 2024})
	if err != nil || len(paths) != 1 {
		t.Fatal(err, paths)
	}
	stripCached(t, paths[0])
	f, err := excelize.OpenFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := "文旅管理与服务"
	grade := cellWithFormula(t, f, sheet, `"优"`)
	if v, _ := f.GetCellValue(sheet, grade); v != "" {
		t.Fatalf("%s holds a cached value %q; the test needs none", grade, v)
	}
	f.SetCellValue(sheet, grade, "优")
	typed = filepath.Join(dir, "typed.xlsx")
	if err := f.SaveAs(typed); err != nil {
		t.Fatal(err)
	}
	return dir, typed
}

// stripCached drops every formula's cached value from the workbook at
// path, as a workbook written by a tool that does not calculate.
func stripCached(t *testing.T, path string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	cached := regexp.MustCompile(`(</f>|<f [^>]*/>)<v>[^<]*</v>`)
	for _, e := range zr.File {
		r, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if strings.HasPrefix(e.Name, "xl/worksheets/") {
			b = cached.ReplaceAll(b, []byte("$1"))
		}
		w, _ := zw.Create(e.Name)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cellWithFormula is the first cell of sheet whose formula contains s.
func cellWithFormula(t *testing.T, f *excelize.File, sheet, s string) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r := len(rows); r >= 1; r-- { // the total and grade are at the bottom
		for c := 1; c <= 10; c++ {
			ref, _ := excelize.CoordinatesToCellName(c, r)
			if fm, _ := f.GetCellFormula(sheet, ref); strings.Contains(fm, s) {
				return ref
			}
		}
	}
	t.Fatalf("no formula with %s", s)
	return ""
}

// Every output of check, and the server, grades with the profile the
// check used: seed 2's 98.50 is 良 under the strict profile, never 优.
func TestStrictProfileEveryOutput(t *testing.T) {
	prof, p := strictProfile(t)
	in, typed := strictInputs(t, p)
	outDir := t.TempDir()

	out, errs, code := run(t, "check", "--profile", prof, "--format", "json", in)
	if code != 1 {
		t.Fatalf("json: exit %d %s\n%s", code, errs, out)
	}
	v := decode(t, out)
	if len(v.Files) != 2 {
		t.Fatalf("files: %+v", v.Files)
	}
	for _, f := range v.Files {
		fm := f.Forms[0]
		if fm.Total != "98.50" {
			t.Errorf("json %s: total %q, want 98.50", f.Path, fm.Total)
		}
		if want := map[bool]string{true: "优", false: "良"}[f.Path == typed]; fm.Grade != want {
			t.Errorf("json %s: grade %q, want %s (what the form shows, else the strict band)", f.Path, fm.Grade, want)
		}
	}
	if !hasFinding(v, "total.grade", "", "良") {
		t.Errorf("json: the typed 优 is not found wrong under the strict profile:\n%s", out)
	}

	out, _, _ = run(t, "check", "--profile", prof, in)
	if !strings.Contains(out, "总分 98.50 等级 良") {
		t.Errorf("text does not grade 98.50 良:\n%s", out)
	}
	out, _, _ = run(t, "check", "--profile", prof, "--format", "html", in)
	grades := regexp.MustCompile(`<dt>评分等级</dt><dd>(.)</dd>`).FindAllStringSubmatch(out, -1)
	if len(grades) != 2 || grades[0][1] != "优" || grades[1][1] != "良" {
		t.Errorf("html grades %v, want 优 (typed.xlsx shows it) and 良:\n%s", grades, out)
	}
	out, _, _ = run(t, "check", "--profile", prof, "--format", "csv", in)
	if !strings.Contains(out, "total.grade") || !strings.Contains(out, ",良,优") {
		t.Errorf("csv lacks the total.grade finding (expected 良, found 优):\n%s", out)
	}

	sum := filepath.Join(outDir, "汇总.xlsx")
	ann := filepath.Join(outDir, "退回")
	if _, errs, code := run(t, "check", "--profile", prof, "--summary", sum, "--annotate", ann, in); code != 1 {
		t.Fatalf("summary/annotate: exit %d %s", code, errs)
	}
	rows := sheetRows(t, sum, 0)
	graded := 0
	for _, r := range rows {
		if !strings.Contains(strings.Join(r, "|"), "98.5") {
			continue
		}
		graded++
		want := "良"
		if strings.Contains(r[0], "typed") {
			want = "优" // what the form shows
		}
		if !containsCell(r, want) {
			t.Errorf("summary row %v: want grade %s", r, want)
		}
	}
	if graded != 2 {
		t.Errorf("summary: %d rows with 98.5, want 2: %v", graded, rows)
	}
	copyRows := sheetRows(t, filepath.Join(ann, "typed.xlsx"), -1)
	if !strings.Contains(strings.Join(flatten(copyRows), "|"), "良") {
		t.Errorf("annotated copy does not say the grade should be 良: %v", copyRows)
	}

	api := serveCheck(t, prof, in)
	av := decode(t, api)
	for _, f := range av.Files {
		if fm := f.Forms[0]; f.Path != "typed.xlsx" && (fm.Total != "98.50" || fm.Grade != "良") {
			t.Errorf("server %s: total %q grade %q, want 98.50 良", f.Path, fm.Total, fm.Grade)
		}
	}
}

func containsCell(r []string, s string) bool {
	for _, c := range r {
		if c == s {
			return true
		}
	}
	return false
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// sheetRows reads sheet i of path (-1: the sheet named 校验结果).
func sheetRows(t *testing.T, path string, i int) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	name := "校验结果"
	if i >= 0 {
		name = f.GetSheetName(i)
	}
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// serveCheck starts `xlsxeval serve --profile prof`, posts every workbook
// of dir to /api/check and returns the answer.
func serveCheck(t *testing.T, prof, dir string) string {
	t.Helper()
	code, body := postDir(t, startServe(t, "--profile", prof), dir)
	if code != 200 {
		t.Fatalf("api: %d %s", code, body)
	}
	return body
}

// startServe runs `xlsxeval serve` with args on a free port until the
// test ends and returns its address.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--quiet"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	return regexp.MustCompile(`http://[0-9.:]+/`).FindString(lines.Text())
}

// postDir posts every .xlsx of dir to url's /api/check.
func postDir(t *testing.T, url, dir string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".xlsx" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := mw.CreateFormFile("file", e.Name())
		w.Write(b)
	}
	mw.Close()
	resp, err := http.Post(url+"api/check", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
