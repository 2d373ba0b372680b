package server

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/validate"
)

// checkAnnotated verifies an annotated copy of the faulty workbook: the
// result sheet is there and the spoiled score cell carries a comment.
func checkAnnotated(t *testing.T, data []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("annotated copy does not open: %v", err)
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex(report.ResultSheet); idx < 0 {
		t.Errorf("no %s sheet in %v", report.ResultSheet, f.GetSheetList())
	}
	sheet, cell := cellOf(t, seeds(t)["faulty"], "ind.11.score")
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		if c.Cell == cell && strings.Contains(c.Text+commentText(c), "4.94") {
			return
		}
	}
	t.Errorf("no comment naming the cap 4.94 on %s!%s: %+v", sheet, cell, comments)
}

func commentText(c excelize.Comment) string {
	var b strings.Builder
	for _, p := range c.Paragraph {
		b.WriteString(p.Text)
	}
	return b.String()
}

func filename(t *testing.T, h http.Header) string {
	t.Helper()
	_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err != nil {
		t.Fatalf("Content-Disposition %q: %v", h.Get("Content-Disposition"), err)
	}
	return params["filename"]
}

func TestAnnotate(t *testing.T) {
	books := seeds(t)
	_, ts := newTestServer(t, Config{})
	c := ts.Client()
	code, body, h := post(t, c, ts.URL+"/api/annotate", part{"file", "坏表.xlsx", books["faulty"]})
	if code != 200 || filename(t, h) != "坏表-批注.xlsx" {
		t.Fatalf("%d %q %.200s", code, filename(t, h), body)
	}
	checkAnnotated(t, body)

	// A zip entry picked by its report path.
	zipped := makeZip(t, map[string][]byte{"a/坏.xlsx": books["faulty"], "a/好.xlsx": books["seed2"]})
	code, body, _ = post(t, c, ts.URL+"/api/annotate", part{"file", "回收.zip", zipped}, part{"path", "", []byte("回收.zip/a/坏.xlsx")})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	checkAnnotated(t, body)

	// Several workbooks: a zip of copies, and a note for the unreadable.
	code, body, h = post(t, c, ts.URL+"/api/annotate", part{"file", "回收.zip", zipped}, part{"file", "junk.xlsx", []byte("junk")})
	if code != 200 || h.Get("Content-Type") != zipType {
		t.Fatalf("%d %s %.200s", code, h.Get("Content-Type"), body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "回收.zip/a/坏-批注.xlsx" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			checkAnnotated(t, b)
		}
	}
	if strings.Join(names, "|") != "回收.zip/a/坏-批注.xlsx|回收.zip/a/好-批注.xlsx|无法处理的文件.txt" {
		t.Errorf("zip holds %q", names)
	}
	if code, body, _ := post(t, c, ts.URL+"/api/annotate", part{"file", "junk.xlsx", []byte("junk")}); code != 422 || !strings.Contains(string(body), "junk.xlsx") {
		t.Errorf("junk alone: %d %s", code, body)
	}
	if code, _, _ := post(t, c, ts.URL+"/api/annotate", part{"file", "a.xlsx", books["seed1"]}, part{"path", "", []byte("b.xlsx")}); code != 404 {
		t.Errorf("unknown path: %d", code)
	}
}

func TestSummaryFromJSONAndUpload(t *testing.T) {
	books := seeds(t)
	_, ts := newTestServer(t, Config{})
	c := ts.Client()
	_, js, _ := post(t, c, ts.URL+"/api/check", part{"file", "faulty.xlsx", books["faulty"]}, part{"file", "seed2.xlsx", books["seed2"]})
	resp, err := c.Post(ts.URL+"/api/summary", "application/json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, fromJSON)
	}
	code, fromUpload, _ := post(t, c, ts.URL+"/api/summary", part{"file", "faulty.xlsx", books["faulty"]}, part{"file", "seed2.xlsx", books["seed2"]})
	if code != 200 {
		t.Fatalf("%d %s", code, fromUpload)
	}
	for _, b := range [][]byte{fromJSON, fromUpload} {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("汇总")
		text := strings.Join(flatten(rows), "|")
		if !strings.Contains(text, "faulty.xlsx") || !strings.Contains(text, "文旅管理与服务") || !strings.Contains(text, "需退回") {
			t.Errorf("summary sheet lacks the files: %s", text)
		}
		f.Close()
	}
	resp, _ = c.Post(ts.URL+"/api/summary", "application/json", strings.NewReader(`{"files": []}`))
	if resp.StatusCode != 400 {
		t.Errorf("empty summary: %d", resp.StatusCode)
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func TestTemplates(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	c := ts.Client()
	resp, err := c.Get(ts.URL + "/api/template?year=2025&rows=8&unit=元")
	if err != nil {
		t.Fatal(err)
	}
	blank, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	res := validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckReader(bytes.NewReader(blank), int64(len(blank)), "blank.xlsx")
	if resp.StatusCode != 200 || res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("blank: %d %v %d forms", resp.StatusCode, res.Err, len(res.Forms))
	}
	if fm := res.Forms[0].Form; fm.Template == nil || fm.Template.Rows != 8 || fm.AmountUnit != "元" || !strings.Contains(fm.Year.Text, "2025") {
		t.Errorf("blank form: fingerprint %+v, unit %q, year %q", fm.Template, fm.AmountUnit, fm.Year.Text)
	}
	if resp, _ := c.Get(ts.URL + "/api/template?rows=0"); resp.StatusCode != 400 {
		t.Errorf("rows=0: %d", resp.StatusCode)
	}

	spec, err := os.ReadFile("../samples/specs/seed1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code, body, h := post(t, c, ts.URL+"/api/template?year=2024", part{"spec", "seed1.yaml", spec})
	if code != 200 || !strings.HasSuffix(filename(t, h), ".xlsx") {
		t.Fatalf("spec: %d %.300s", code, body)
	}
	res = validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckReader(bytes.NewReader(body), int64(len(body)), "p.xlsx")
	if res.Err != nil || len(res.Forms) != 1 || res.Forms[0].Form.Project.Text != "信息化运维项目" {
		t.Fatalf("prefilled: %+v", res)
	}
	f := report.FromResult(res, report.ZH)
	if f.Forms[0].Errors != 0 || f.Forms[0].Total != "98.99" {
		t.Errorf("prefilled seed1: %+v", f.Forms[0])
	}
	code, body, _ = post(t, c, ts.URL+"/api/template", part{"spec", "bad.yaml", []byte("projects:\n  - name: x\n    wieght: 1\n")})
	if code != 422 || !strings.Contains(string(body), "bad.yaml") || strings.Contains(string(body), "xlsxeval-spec-") {
		t.Errorf("bad spec: %d %s", code, body)
	}
	var e map[string]string
	if json.Unmarshal(body, &e) != nil || e["error"] == "" {
		t.Errorf("bad spec answer is not {\"error\": ...}: %s", body)
	}
	code, body, _ = post(t, c, ts.URL+"/api/template", part{"spec", "list.txt", []byte("x")})
	if code != 422 || !strings.Contains(string(body), "list.txt") {
		t.Errorf("spec of the wrong type: %d %s", code, body)
	}
}

func TestPage(t *testing.T) {
	_, ts := newTestServer(t, Config{Version: "v1.2.3<x>", MaxUpload: 20 << 20, MaxFiles: 7})
	resp, err := ts.Client().Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	for _, want := range []string{"拖到这里", "20MB", "7 个工作簿", "v1.2.3&lt;x&gt;", "下载空白模板"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// No external assets: nothing is fetched from another origin.
	for _, bad := range []string{"http://", "https://", "//cdn", "{{"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if resp, _ := ts.Client().Get(ts.URL + "/nothing"); resp.StatusCode != 404 {
		t.Errorf("/nothing: %d", resp.StatusCode)
	}
}
