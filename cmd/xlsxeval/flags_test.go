package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
)

// Each test here runs the binary with one flag and checks it does what its
// help says; TestEveryFlagTested keeps the list complete.

// untestedFlags are the flags no test of this package runs yet; any other
// flag without a test fails TestEveryFlagTested.
var untestedFlags = map[string]string{}

// TestEveryFlagTested: every flag of every command appears (under one of
// its names) in a test of this package that runs it.
func TestEveryFlagTested(t *testing.T) {
	tests, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var src bytes.Buffer
	for _, p := range tests {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Not this file's list of exceptions.
		if p == "flags_test.go" {
			b = regexp.MustCompile(`(?s)var untestedFlags = .*?\n}\n`).ReplaceAll(b, nil)
		}
		src.Write(b)
	}
	for _, c := range newApp().Commands {
		for _, f := range c.Flags {
			key := c.Name + " --" + f.Names()[0]
			if _, ok := untestedFlags[key]; ok {
				continue
			}
			used := false
			for _, n := range f.Names() {
				dash := "--"
				if len(n) == 1 {
					dash = "-"
				}
				used = used || bytes.Contains(src.Bytes(), []byte(`"`+dash+n+`"`)) || bytes.Contains(src.Bytes(), []byte(`"`+dash+n+`=`))
			}
			if !used {
				t.Errorf("%s: no test runs this flag", key)
			}
		}
	}
}

// --fail-on sets the level that makes the exit code 1: the samples have
// one info finding and nothing worse.
func TestCheckFailOn(t *testing.T) {
	for level, want := range map[string]int{"": 0, "error": 0, "warning": 0, "info": 1, "fatal": 2} {
		args := []string{"check", "../../samples/"}
		if level != "" {
			args = append(args, "--fail-on", level)
		}
		if _, errs, code := run(t, args...); code != want {
			t.Errorf("--fail-on %q: exit %d, want %d (%s)", level, code, want, errs)
		}
	}
}

// encrypted writes a sample saved with an open password.
func encrypted(t *testing.T, password string) string {
	t.Helper()
	f, err := excelize.OpenFile("../../samples/文旅管理与服务.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := filepath.Join(t.TempDir(), "加密.xlsx")
	if err := f.SaveAs(p, excelize.Options{Password: password}); err != nil {
		t.Fatal(err)
	}
	return p
}

// --password opens an encrypted workbook, in check and extract.
func TestPasswordFlag(t *testing.T) {
	p := encrypted(t, "秘密12")
	if out, _, code := run(t, "check", p); code != 2 || !strings.Contains(out, "--password") {
		t.Errorf("no password: exit %d\n%s", code, out)
	}
	out, errs, code := run(t, "check", "--format", "json", "--password", "秘密12", p)
	if v := decode(t, out); code != 0 || len(v.Files) != 1 || len(v.Files[0].Forms) != 1 || v.Files[0].Forms[0].Total != "98.50" {
		t.Errorf("with --password: exit %d %s\n%s", code, errs, out)
	}
	if _, _, code := run(t, "check", "--password", "wrong", p); code != 2 {
		t.Errorf("wrong password: exit %d", code)
	}
	out, errs, code = run(t, "extract", "--format", "json", "--password", "秘密12", p)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) == 0 {
		t.Errorf("extract --password: exit %d %v %s", code, err, errs)
	}
	if _, _, code := run(t, "extract", p); code != 2 {
		t.Errorf("extract without password: exit %d", code)
	}
}

// --max-unzip-size refuses a workbook that unpacks to more; 0 is refused.
func TestMaxUnzipSize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	long := strings.Repeat("长文本", 3000) // 27 KB a cell (under Excel's 32,767 characters), 1.6 MB in all
	for i := 1; i <= 60; i++ {
		f.SetCellValue("Sheet1", "A"+itoa(i), long+itoa(i))
	}
	p := filepath.Join(t.TempDir(), "big.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, "check", "--max-unzip-size", "1", p); code != 2 || !strings.Contains(out, "--max-unzip-size") {
		t.Errorf("--max-unzip-size 1: exit %d, want 2 and a refusal naming the flag:\n%s", code, out)
	}
	if out, _, code := run(t, "check", "--max-unzip-size", "8", p); code == 2 || strings.Contains(out, "--max-unzip-size") {
		t.Errorf("--max-unzip-size 8: exit %d\n%s", code, out)
	}
	if _, errs, code := run(t, "check", "--max-unzip-size", "0", p); code != 2 || !strings.Contains(errs, "--max-unzip-size 须为正数") {
		t.Errorf("--max-unzip-size 0: exit %d %s", code, errs)
	}
}

// --timeout gives up on a file that takes longer; 0 is no limit; a
// negative one is refused.
func TestTimeoutFlag(t *testing.T) {
	out, _, code := run(t, "check", "--timeout", "1ns", "../../samples/")
	if code != 2 || strings.Count(out, "已放弃") != 2 {
		t.Errorf("--timeout 1ns: exit %d\n%s", code, out)
	}
	if _, _, code := run(t, "check", "--timeout", "0", "../../samples/"); code != 0 {
		t.Errorf("--timeout 0: exit %d", code)
	}
	if _, errs, code := run(t, "check", "--timeout", "-1s", "../../samples/"); code != 2 || !strings.Contains(errs, "--timeout") {
		t.Errorf("--timeout -1s: exit %d %s", code, errs)
	}
}

// templateSheet opens a generated workbook and returns it with its form
// sheet's fingerprint.
func templateSheet(t *testing.T, path string) (*excelize.File, string, *form.Fingerprint) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	fps, err := form.ReadFingerprints(f)
	if err != nil || len(fps) == 0 {
		t.Fatalf("no fingerprint: %v", err)
	}
	for s, fp := range fps {
		return f, s, fp
	}
	return nil, "", nil
}

// template --rows, --unit and --password shape the blank form.
func TestTemplateFlags(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "空白.xlsx")
	if _, errs, code := run(t, "template", "-o", p, "--rows", "3", "--unit", "元", "--password", "1234"); code != 0 {
		t.Fatalf("exit %d %s", code, errs)
	}
	f, sheet, fp := templateSheet(t, p)
	if fp.Rows != 3 {
		t.Errorf("--rows 3: %d indicator rows", fp.Rows)
	}
	rows, _ := f.GetRows(sheet)
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	if !strings.Contains(text.String(), "(元)") || strings.Contains(text.String(), "万元") {
		t.Errorf("--unit 元: the form does not say 元 only:\n%s", text.String())
	}
	if sp, err := f.GetSheetProtection(sheet); err != nil || sp.AlgorithmName == "" && !protectedWithPassword(t, p) {
		t.Errorf("--password: sheet protection has no password (%+v, %v)", sp, err)
	}
	plain := filepath.Join(dir, "无密码.xlsx")
	run(t, "template", "-o", plain)
	if protectedWithPassword(t, plain) {
		t.Error("without --password the protection has a password")
	}
	for _, bad := range [][]string{{"--rows", "0"}, {"--rows", "501"}, {"--unit", "美元"}} {
		if _, _, code := run(t, append([]string{"template", "-o", filepath.Join(dir, "x.xlsx")}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

// protectedWithPassword: the form sheet's protection carries a password.
func protectedWithPassword(t *testing.T, path string) bool {
	t.Helper()
	return regexp.MustCompile(`<sheetProtection[^>]*(password|hashValue)=`).Match(unzipAll(t, path))
}

// template --single puts every project of the spec in one workbook.
func TestTemplateSingle(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := run(t, "template", "--spec", "../../samples/specs/batch.csv", "-o", dir+"/")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if code != 0 || len(files) < 2 {
		t.Fatalf("without --single: exit %d, %d files %s", code, len(files), errs)
	}
	one := filepath.Join(t.TempDir(), "全部.xlsx")
	if _, errs, code := run(t, "template", "--spec", "../../samples/specs/batch.csv", "-o", one, "--single"); code != 0 {
		t.Fatalf("--single: exit %d %s", code, errs)
	}
	f, err := excelize.OpenFile(one)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fps, _ := form.ReadFingerprints(f)
	if len(fps) != len(files) {
		t.Errorf("--single: %d form sheets, want %d", len(fps), len(files))
	}
}

// serve --max-files caps the workbooks of one upload; --file-timeout
// gives up on a workbook that takes longer.
func TestServeLimitsFlags(t *testing.T) {
	samples := "../../samples"
	if code, body := postDir(t, startServe(t, "--max-files", "1"), samples); code != 413 || !strings.Contains(body, "--max-files") {
		t.Errorf("--max-files 1 with 2 files: %d %s", code, body)
	}
	if code, _ := postDir(t, startServe(t, "--max-files", "2"), samples); code != 200 {
		t.Errorf("--max-files 2 with 2 files: %d", code)
	}
	code, body := postDir(t, startServe(t, "--file-timeout", "1ns"), samples)
	if v := decode(t, body); code != 200 || v.Summary.Unreadable != 2 || !strings.Contains(body, "已放弃") {
		t.Errorf("--file-timeout 1ns: %d %s", code, body)
	}
	if _, errs, code := run(t, "serve", "--max-files", "0"); code != 2 || !strings.Contains(errs, "--max-files") {
		t.Errorf("--max-files 0: exit %d %s", code, errs)
	}
}

// Flags may follow the files (extract's help once said they may not).
func TestExtractFlagsAfterFiles(t *testing.T) {
	out, errs, code := run(t, "extract", "../../samples/", "--format", "csv", "--lang", "en")
	if code != 0 || !strings.HasPrefix(out, "\ufefffile,sheet,") {
		t.Errorf("exit %d %s\n%.200s", code, errs, out)
	}
}
