package server

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xlsxeval/xlsxeval/internal/browsertest"
	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xlsxeval/xlsxeval/validate"
	"github.com/xuri/excelize/v2"
)

// A person drops a faulty and a good workbook on the page, sees the
// faulty one first with its findings and cells, and downloads its
// annotated copy and the summary workbook.
func TestBrowserEndToEnd(t *testing.T) {
	books := seeds(t)
	dir, dl := t.TempDir(), t.TempDir()
	faulty := filepath.Join(dir, "信息化运维项目-回收.xlsx")
	good := filepath.Join(dir, "文旅管理与服务.xlsx")
	os.WriteFile(good, books["seed2"], 0o644)
	os.WriteFile(faulty, books["faulty"], 0o644)
	_, ts := newTestServer(t, Config{Version: "e2e"})
	ctx, done := browsertest.Start(t, dl, 90*time.Second)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#drop")),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{good, faulty}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll(".file").length === 2 && !document.querySelector(".pending")`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	results, first, counts := text("#results"), text(".file:first-child .head .name"), text("#counts")
	_, cell := cellOf(t, books["faulty"], "ind.11.score")
	for _, want := range []string{"信息化运维项目", "98.99", "优", "需退回", "ind.cap", cell, "4.94", "文旅管理与服务", "无问题"} {
		if !strings.Contains(results, want) {
			t.Errorf("page lacks %q:\n%s", want, results)
		}
	}
	if first != filepath.Base(faulty) {
		t.Errorf("first card is %q, want the faulty workbook first", first)
	}
	if !strings.Contains(counts, "文件 2") || !strings.Contains(counts, "错误 2") {
		t.Errorf("counts %q", counts)
	}
	// Errors first within the form too: the first finding row is an error.
	if row, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(".file:first-child tbody tr"), "class")); err != nil || row.Value != "error" {
		t.Errorf("first finding row class %q, %v", row.Value, err)
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".file:first-child .dl-annotated"))); err != nil {
		t.Fatal(err)
	}
	checkAnnotated(t, browsertest.Wait(t, done))

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#dl-summary"))); err != nil {
		t.Fatal(err)
	}
	sum, err := excelize.OpenReader(strings.NewReader(string(browsertest.Wait(t, done))))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := sum.GetRows("汇总")
	sum.Close()
	if text := strings.Join(flatten(rows), "|"); !strings.Contains(text, filepath.Base(faulty)) || !strings.Contains(text, "文旅管理与服务") {
		t.Errorf("summary: %s", text)
	}

	if path := os.Getenv("XLSXEVAL_SCREENSHOT"); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}

// 下载全部批注副本 with more files than one request may carry downloads
// them in parts (issue 14: it failed with advice about --max-files that
// no page user can act on). Every workbook comes back annotated.
func TestBrowserDownloadAllInParts(t *testing.T) {
	books := seeds(t)
	dir, dl := t.TempDir(), t.TempDir()
	var paths []string
	for i := 0; i < 5; i++ {
		p := filepath.Join(dir, fmt.Sprintf("单位%d.xlsx", i+1))
		os.WriteFile(p, books["faulty"], 0o644)
		paths = append(paths, p)
	}
	_, ts := newTestServer(t, Config{MaxFiles: 2})
	ctx, done := browsertest.Start(t, dl, 90*time.Second)
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#drop")),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), paths),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll(".file").length === 5 && !document.querySelector(".pending") && !document.querySelector("#dl-all").disabled`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#dl-all"))); err != nil {
		t.Fatal(err)
	}
	books5 := 0
	for i := 0; i < 3; i++ {
		b := browsertest.Wait(t, done)
		if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil && !bytes.Contains(b, []byte("[Content_Types].xml")) {
			for _, f := range zr.File {
				if strings.HasSuffix(f.Name, "-批注.xlsx") {
					books5++
				}
			}
			continue
		}
		checkAnnotated(t, b)
		books5++
	}
	if books5 != 5 {
		t.Errorf("%d annotated workbooks in the parts, want 5", books5)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#msg"))); msg != "" {
		t.Errorf("error shown: %s", msg)
	}
}

// The page offers every built-in layout for templates; choosing 云南's
// 公开14表 sets its unit (元) and 下载空白模板 downloads that layout's form.
func TestBrowserTemplateLayout(t *testing.T) {
	ls := layout.Builtin()
	_, ts := newTestServer(t, Config{Layouts: ls})
	ctx, done := browsertest.Start(t, t.TempDir(), 60*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#t-layout"))); err != nil {
		t.Fatal(err)
	}
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#t-layout option")].map(o => o.value)`))
	if err != nil {
		t.Fatal(err)
	}
	unit, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = document.getElementById("t-layout"); s.value = "yunnan-14";
		s.dispatchEvent(new Event("change")); document.getElementById("t-rows").value = "5"; return document.getElementById("t-unit").value })()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#dl-blank"))); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range ls {
		want = append(want, l.Name)
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("layouts offered %v, want %v", names, want)
	}
	if unit != "元" {
		t.Errorf("unit after choosing yunnan-14: %q, want 元", unit)
	}
	b := browsertest.Wait(t, done)
	res := validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckReader(bytes.NewReader(b), int64(len(b)), "blank.xlsx")
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("downloaded template: %v, %d forms", res.Err, len(res.Forms))
	}
	if fm := res.Forms[0].Form; fm.Layout != "yunnan-14" || fm.Template == nil || fm.Template.Rows != 5 || fm.AmountUnit != "元" {
		t.Errorf("downloaded template: layout %q, fingerprint %+v, unit %q", fm.Layout, fm.Template, fm.AmountUnit)
	}
}
