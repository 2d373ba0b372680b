package template

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// needPoppler returns pdfinfo and pdftotext's folder, skipping t without
// poppler-utils unless LibreOffice tests are required.
func needPoppler(t *testing.T) {
	t.Helper()
	for _, c := range []string{"pdfinfo", "pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(c); err != nil {
			if soffice.Required() {
				t.Fatalf("%s (poppler-utils) required", c)
			}
			t.Skip("poppler-utils not installed")
		}
	}
}

// longReason is a deviation reason several lines long in its column.
const longReason = "受疫情和人员调整影响, 部分功能模块上线时间推迟, 系统使用人员满意度调查样本不足; " +
	"下一步将加强项目进度管理, 扩大调查范围, 建立问题台账并逐项整改, 确保年度目标全面完成。"

// longProject is a prefilled form of n indicators with long texts: the
// completion level as the dropdown writes it, long reasons.
func longProject(t *testing.T, n int) *Project {
	pr := *readSeed(t, "seed1.yaml").Projects[0]
	pr.Name = "长表"
	pr.Done = strings.Repeat(pr.Done, 2)
	pr.Indicators = nil
	for i := range n {
		pr.Indicators = append(pr.Indicators, &Indicator{L1: "效益指标", L2: "社会效益指标",
			L3: fmt.Sprintf("第%d项指标: 应急响应机制健全性与制度执行情况", i+1), Target: "健全", Weight: D("3"),
			Actual: "部分达成指标并具有一定效果", Score: D("2.00"), Reason: longReason})
	}
	return &pr
}

// pdfPages renders path to PDF in LibreOffice and returns it with its
// pages' text.
func pdfPages(t *testing.T, path string) (string, []string) {
	t.Helper()
	pdf, err := soffice.Convert(path, filepath.Dir(path), "pdf")
	if err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", "-f", "1", "-l", "99", pdf).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, l := range strings.Split(string(info), "\n") {
		if strings.HasPrefix(l, "Page") && strings.Contains(l, " size:") {
			// A4 landscape: 841.89 x 595.28 pts.
			if !strings.Contains(l, "841.") || !strings.Contains(l, "x 595.") {
				t.Errorf("%s: %s, want A4 landscape", filepath.Base(pdf), strings.TrimSpace(l))
			}
			n := len(pages) + 1
			txt, err := exec.Command("pdftotext", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), pdf, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, string(txt))
		}
	}
	return pdf, pages
}

// TestPrint renders a blank form, the seed and a long filled form to PDF
// in LibreOffice: A4 landscape, one page wide (the first and the last
// column on every page), the usual form on one page, a long one with
// the indicator header repeated on every page and every text whole.
// With XLSXEVAL_RENDER_DIR set the pages are kept there as PNG, to look at.
func TestPrint(t *testing.T) {
	soffice.Need(t)
	needPoppler(t)
	dir := os.Getenv("XLSXEVAL_RENDER_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	blank, err := Blank(opts())
	if err != nil {
		t.Fatal(err)
	}
	seed, err := Build(readSeed(t, "seed1.yaml").Projects, opts())
	if err != nil {
		t.Fatal(err)
	}
	long, err := Build([]*Project{longProject(t, 30)}, opts())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		w     *Workbook
		pages int // 0: more than one
	}{{"blank", blank, 1}, {"seed1", seed, 1}, {"long", long, 0}} {
		in := filepath.Join(dir, "print-"+c.name+".xlsx")
		if err := c.w.Save(in); err != nil {
			t.Fatal(err)
		}
		pdf, pages := pdfPages(t, in)
		switch {
		case c.pages == 1 && len(pages) != 1:
			t.Errorf("%s: %d pages, want 1", c.name, len(pages))
		case c.pages == 0 && len(pages) < 2:
			t.Errorf("%s: %d pages, want several", c.name, len(pages))
		}
		for i, p := range pages {
			flat := strings.Join(strings.Fields(p), "")
			for _, head := range []string{"一级指标", "偏差原因分析及改进措施"} {
				if !strings.Contains(flat, head) {
					t.Errorf("%s page %d: no %s (header not repeated, or not one page wide)", c.name, i+1, head)
				}
			}
		}
		all := strings.Join(strings.Fields(strings.Join(pages, "")), "")
		if c.name == "long" {
			for _, s := range []string{strings.Join(strings.Fields(longReason), ""), "部分达成指标并具有一定效果", "第30项指标"} {
				if strings.Count(all, s) == 0 {
					t.Errorf("long: %q not printed whole", s)
				}
			}
		}
		if os.Getenv("XLSXEVAL_RENDER_DIR") != "" {
			if out, err := exec.Command("pdftoppm", "-png", "-r", "70", pdf, filepath.Join(dir, "print-"+c.name)).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v %s", err, out)
			}
		}
	}
}
