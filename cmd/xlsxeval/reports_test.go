package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/template"
)

// reportInputs builds a batch: seed forms 1 and 2 as generated (clean),
// seed 1 made faulty in a subfolder, and a file that is no workbook.
func reportInputs(t *testing.T) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "回收")
	o := template.Options{Profile: formulas.Default(), Year: 2024}
	for _, spec := range []string{"seed1.yaml", "seed2.yaml"} {
		if _, err := template.FromSpecFile(filepath.Join("../../samples/specs", spec), in, false, o); err != nil {
			t.Fatal(err)
		}
	}
	paths, err := template.FromSpecFile("../../samples/specs/seed1.yaml", filepath.Join(in, "sub"), false, o)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	s := "信息化运维项目"
	for ref, v := range map[string]any{"G24": 5, "G25": 97, "E14": "10.00(个)"} {
		f.SetCellValue(s, ref, v)
	}
	if err := f.SaveAs(filepath.Join(in, "sub", "坏 表?.xlsx")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	os.Remove(paths[0])
	if err := os.WriteFile(filepath.Join(in, "broken.xlsx"), []byte("not a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	return in
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			m[p], _ = os.ReadFile(p)
		}
		return nil
	})
	return m
}

// TestCheckAllOutputs runs check with every output at once, then with
// the other streams, and checks that the summary agrees with the JSON on
// every form and that the inputs are byte-identical afterwards.
func TestCheckAllOutputs(t *testing.T) {
	in := reportInputs(t)
	before := snapshot(t, in)
	out := t.TempDir()
	js, sum, ann := filepath.Join(out, "r.json"), filepath.Join(out, "汇总.xlsx"), filepath.Join(out, "退回")
	_, stderr, code := run(t, "check", "--format", "json", "-o", js, "--summary", sum, "--annotate", ann, in)
	if code != 2 { // a file is unreadable
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	_, _, code = run(t, "check", "--format", "html", "-o", filepath.Join(out, "r.html"), in)
	_, _, code2 := run(t, "check", "--format", "csv", "-o", filepath.Join(out, "r.csv"), "--lang", "en", in)
	if code != 2 || code2 != 2 {
		t.Fatalf("html/csv exit %d %d", code, code2)
	}
	after := snapshot(t, in)
	if len(after) != len(before) {
		t.Fatalf("inputs folder changed: %d -> %d files", len(before), len(after))
	}
	for p, b := range before {
		if !bytes.Equal(b, after[p]) {
			t.Errorf("input %s changed", p)
		}
	}

	b, _ := os.ReadFile(js)
	res := decode(t, string(b))
	type key struct{ file, sheet string }
	want := map[key][]string{}
	for _, f := range res.Files {
		for _, fm := range f.Forms {
			want[key{f.Path, fm.Sheet}] = []string{fm.Total, fm.Grade, itoa(fm.Errors), itoa(fm.Warnings)}
		}
	}
	x, err := excelize.OpenFile(sum)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("汇总", excelize.Options{RawCellValue: true})
	if len(rows) != 1+len(want)+1 { // + the unreadable file
		t.Fatalf("summary has %d rows, JSON %d forms", len(rows)-1, len(want))
	}
	seen := 0
	for _, r := range rows[1:] {
		w, ok := want[key{r[0], r[1]}]
		if !ok {
			if r[13] != "无法读取" {
				t.Errorf("summary row not in JSON: %v", r)
			}
			continue
		}
		seen++
		if !decimal.RequireFromString(r[8]).Equal(decimal.RequireFromString(w[0])) || r[9] != w[1] || r[10] != w[2] || r[11] != w[3] {
			t.Errorf("%s: summary total/grade/errors/warnings %v, JSON %v", r[0], []string{r[8], r[9], r[10], r[11]}, w)
		}
	}
	if seen != len(want) {
		t.Errorf("summary covers %d of %d forms", seen, len(want))
	}
	// Numbers are numbers; the header is frozen and filtered.
	if ty, _ := x.GetCellType("汇总", "I2"); ty != excelize.CellTypeNumber && ty != excelize.CellTypeUnset {
		t.Errorf("总分 cell type %v", ty)
	}
	if tbls, _ := x.GetTables("汇总"); len(tbls) != 1 {
		t.Error("summary sheet has no filter table")
	}
	if p, _ := x.GetPanes("汇总"); !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes %+v", p)
	}
	findings, _ := x.GetRows("问题清单")
	rules, _ := x.GetRows("规则统计")
	if len(findings) < 4 || len(rules) < 3 {
		t.Errorf("findings sheet %d rows, rules sheet %d rows", len(findings), len(rules))
	}

	// One annotated copy: the faulty workbook, at its relative path with a
	// safe name; clean workbooks get none.
	var copies []string
	filepath.WalkDir(ann, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			copies = append(copies, p)
		}
		return nil
	})
	if len(copies) != 1 || copies[0] != filepath.Join(ann, "sub", "坏 表.xlsx") {
		t.Fatalf("annotated copies %v", copies)
	}
	a, err := excelize.OpenFile(copies[0])
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.GetSheetList()[0] != "校验结果" {
		t.Errorf("copy sheets %v", a.GetSheetList())
	}

	page, _ := os.ReadFile(filepath.Join(out, "r.html"))
	if !strings.Contains(string(page), "</html>") || !strings.Contains(string(page), "ind.cap") {
		t.Error("HTML report incomplete")
	}
	c, _ := os.ReadFile(filepath.Join(out, "r.csv"))
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(c, []byte("\ufeff")))).ReadAll()
	if err != nil || recs[0][0] != "file" || len(recs) < 4 {
		t.Errorf("CSV: %v %v", err, recs)
	}
}

func TestAnnotateNeverOverInput(t *testing.T) {
	in := reportInputs(t)
	before := snapshot(t, in)
	_, stderr, code := run(t, "check", "--annotate", in, in)
	if code != 2 || !strings.Contains(stderr, "输入文件夹") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	after := snapshot(t, in)
	if len(after) != len(before) {
		t.Errorf("files written among the inputs: %d -> %d", len(before), len(after))
	}
	for p, b := range before {
		if !bytes.Equal(b, after[p]) {
			t.Errorf("input %s changed", p)
		}
	}
	// A copy that would land on an input is refused; one that would
	// leave the folder is kept inside it.
	seed := filepath.Join(in, "信息化运维项目.xlsx")
	s := &annotateSink{dir: in, root: in}
	if _, err := s.target(seed); err == nil || !strings.Contains(err.Error(), "覆盖输入文件") {
		t.Errorf("target over input: %v", err)
	}
	s = &annotateSink{dir: t.TempDir(), root: filepath.Join(in, "sub")}
	if p, err := s.target(seed); err != nil || filepath.Dir(p) != s.dir {
		t.Errorf("target outside root: %q %v", p, err)
	}
}

func TestExtractCommand(t *testing.T) {
	in := reportInputs(t)
	os.Remove(filepath.Join(in, "broken.xlsx"))
	out := filepath.Join(t.TempDir(), "数据.json")
	if _, stderr, code := run(t, "extract", "-o", out, in); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(out)
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 36 { // three forms of 12 indicators
		t.Errorf("%d rows, want 36", len(rows))
	}
	xl := filepath.Join(t.TempDir(), "数据.xlsx")
	if _, stderr, code := run(t, "extract", "--format", "xlsx", "-o", xl, in); code != 0 {
		t.Fatalf("xlsx: exit %d: %s", code, stderr)
	}
	stdout, _, code := run(t, "extract", "--lang", "en", in)
	if code != 0 || !strings.HasPrefix(stdout, "\ufefffile,sheet,year") {
		t.Errorf("csv to stdout: exit %d, %.60q", code, stdout)
	}
	help, _, _ := run(t, "extract", "--help")
	if !strings.Contains(help, "示例") {
		t.Error("extract --help has no Chinese examples")
	}
}

func itoa(i int) string { return decimal.NewFromInt(int64(i)).String() }
