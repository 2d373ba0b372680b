package report

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/validate"
)

func htmlOf(t *testing.T, files []File, lang Lang) string {
	t.Helper()
	var buf bytes.Buffer
	h := &HTML{W: &buf, Lang: lang}
	var sum Summary
	for _, f := range files {
		sum.Add(f)
		if err := h.File(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Close(sum); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTML(t *testing.T) {
	dir := t.TempDir()
	bad := faultyBook(t, dir)
	r := validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckFile(bad)
	f := FromResult(r, ZH)
	f.Forms[0].Project = "<script>alert(1)</script>"
	page := htmlOf(t, []File{f, {Path: "坏.xlsx", Error: "文件已损坏"}}, ZH)
	for _, bad := range []string{"<script", "http://", "https://", "<link", "src=", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page is not self-contained or not escaped: contains %q", bad)
		}
	}
	for _, want := range []string{"<!DOCTYPE html>", `name="viewport"`, "@media print", "@media (max-width", "&lt;script&gt;", "坏.xlsx", "文件已损坏", "97.00"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Errors come before warnings within a form.
	if i, j := strings.Index(page, `class="error"`), strings.Index(page, `class="warning"`); i < 0 || j < 0 || i > j {
		t.Errorf("errors not first: error at %d, warning at %d", i, j)
	}
	if !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Error("page not closed")
	}
	en := htmlOf(t, []File{FromResult(r, EN)}, EN)
	if !strings.Contains(en, `lang="en"`) || !strings.Contains(en, ">expected<") {
		t.Error("English page")
	}
	screenshot(t, page)
}

// screenshot renders the page in headless Chromium at phone width and
// checks the image; the PNG's path is logged so it can be looked at.
func screenshot(t *testing.T, page string) {
	bin := ""
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("XLSXEVAL_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("chromium is required but not installed")
		}
		t.Skip("chromium not installed; set XLSXEVAL_REQUIRE_CHROMIUM=1 to require it")
	}
	dir := filepath.Join(os.TempDir(), "xlsxeval-html-render")
	os.MkdirAll(dir, 0o755)
	in := filepath.Join(dir, "report.html")
	if err := os.WriteFile(in, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "phone.png")
	os.Remove(out)
	prof := t.TempDir()
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+prof,
		"--screenshot="+out, "--window-size=420,900", "file://"+in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, b)
	}
	fh, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 420 {
		t.Errorf("screenshot %v, want 420 wide", b)
	}
	t.Logf("screenshot: %s", out)
}
