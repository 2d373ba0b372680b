package portal_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xlsxeval/xlsxeval/internal/browsertest"
	"github.com/xlsxeval/xlsxeval/portal"
	"github.com/xlsxeval/xlsxeval/store/storetest"
)

// TestBrowserRound drives a whole round in headless Chromium, on SQLite
// and on PostgreSQL: the department creates a round from
// samples/specs/batch.csv with two units; unit A uploads a faulty form and
// sees ind.cap, fixes it and resubmits; the department sees 合格 with both
// versions in the history; unit B's link gets a 404 for A's project, on
// the page and through the API.
func TestBrowserRound(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { browserRound(t, b.DSN(t)) })
	}
}

func browserRound(t *testing.T, dsn string) {
	in, dl := files(t), t.TempDir()
	e := newEnv(t, dsn, portal.Config{})
	ctx, downloads := browsertest.Start(t, dl, 120*time.Second)
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).textContent`, sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	// poll waits for expr on the page a form submission leads to: a
	// navigation in between ends an evaluation, so it is simply retried.
	poll := func(expr string) {
		t.Helper()
		for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return
			}
		}
		t.Fatalf("waiting for %s", expr)
	}

	// 1. The department creates the round.
	do("create round",
		chromedp.Navigate(e.admin),
		chromedp.WaitVisible(chromedp.CSS("#create")),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "2024 年度自评"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="spec"]`), []string{filepath.Join(in, "batch.csv")}),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="roster"]`), []string{filepath.Join(in, "名单.csv")}),
		chromedp.Click(chromedp.CSS(`#create button`)))
	poll(`!!document.querySelector("#links")`)
	if s := text("main"); !strings.Contains(s, unitA) || !strings.Contains(s, unitB) || !strings.Contains(s, "未交 2") {
		t.Fatalf("round page:\n%s", s)
	}
	do("download links", chromedp.Click(chromedp.CSS("#links")))
	link := links(t, string(browsertest.Wait(t, downloads)))

	// 2. Unit A uploads a faulty form and sees ind.cap.
	do("unit A", chromedp.Navigate(link[unitA]), chromedp.WaitVisible(chromedp.CSS(`tr[data-project="信息化运维项目"] a`)))
	if s := text("main"); strings.Contains(s, "文旅管理与服务") {
		t.Errorf("unit A sees unit B's project:\n%s", s)
	}
	do("open project", chromedp.Click(chromedp.CSS(`tr[data-project="信息化运维项目"] a`)))
	poll(`!!document.querySelector("#upload")`)
	upload := func(path string, versions int) {
		t.Helper()
		do("upload "+path,
			chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type="file"]`), []string{path}),
			chromedp.Click(chromedp.CSS(`#upload button`)))
		poll(fmt.Sprintf(`document.querySelectorAll(".version").length === %d`, versions))
	}
	upload(filepath.Join(in, "faulty", "信息化运维项目.xlsx"), 1)
	if s := text(".version"); !strings.Contains(s, "ind.cap") || !strings.Contains(s, "需退回") {
		t.Fatalf("unit A's findings lack ind.cap:\n%s", s)
	}

	// 3. Unit A fixes it and resubmits.
	upload(filepath.Join(in, "fixed", "信息化运维项目.xlsx"), 2)
	if s := text(".version"); !strings.Contains(s, "合格") || strings.Contains(s, "ind.cap") {
		t.Fatalf("resubmission:\n%s", s)
	}

	// 4. The department sees 合格, both versions in the history.
	var rj roundJSON
	rid := roundOf(t, e)
	getJSON(t, fmt.Sprintf("%sapi/r/%d", e.admin, rid), &rj)
	var pidA int64
	for _, p := range rj.Projects {
		if p.Project == "信息化运维项目" {
			pidA = p.ID
		}
	}
	do("department", chromedp.Navigate(fmt.Sprintf("%sr/%d/", e.admin, rid)), chromedp.WaitVisible(chromedp.CSS("#links")))
	if s := text(`tr[data-project="信息化运维项目"]`); !strings.Contains(s, "合格") {
		t.Errorf("department's row: %s", s)
	}
	do("history", chromedp.Click(chromedp.CSS(`tr[data-project="信息化运维项目"] a`)))
	poll(`document.querySelectorAll(".version").length === 2`)
	if s := text("main"); !strings.Contains(s, "需退回") || !strings.Contains(s, "合格") || !strings.Contains(s, "ind.cap") {
		t.Errorf("history:\n%s", s)
	}

	// 5. Unit B's link: A's project is a 404, on the page and the API.
	do("unit B", chromedp.Navigate(fmt.Sprintf("%sp/%d/", link[unitB], pidA)))
	if s := text("main"); !strings.Contains(s, "页面不存在") || strings.Contains(s, "信息化运维项目") {
		t.Errorf("unit B on A's project:\n%s", s)
	}
	for _, u := range []string{fmt.Sprintf("%sp/%d/", link[unitB], pidA), fmt.Sprintf("%sapi/p/%d", link[unitB], pidA)} {
		if code := getJSON(t, u, nil); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", u, code)
		}
	}
	var bj struct{ CSRF string }
	getJSON(t, link[unitB]+"api/", &bj)
	res := post(t, fmt.Sprintf("%sapi/p/%d/upload", link[unitB], pidA), bj.CSRF, nil,
		map[string]string{"file": filepath.Join(in, "fixed", "信息化运维项目.xlsx")})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unit B uploading to A's project: %d %s", res.StatusCode, body(t, res))
	}
	res.Body.Close()
	getJSON(t, fmt.Sprintf("%sapi/r/%d", e.admin, rid), &rj)
	for _, p := range rj.Projects {
		if p.Project == "信息化运维项目" && (p.State != "合格" || len(p.Versions) != 2) {
			t.Errorf("after B's attempt: %+v", p)
		}
	}
	if path := os.Getenv("XLSXEVAL_SCREENSHOT"); path != "" {
		do("back", chromedp.Navigate(fmt.Sprintf("%sr/%d/p/%d/", e.admin, rid, pidA)))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			os.WriteFile(path, png, 0o644)
		}
	}
}

// roundOf is the id of the env's only round.
func roundOf(t *testing.T, e *env) int64 {
	t.Helper()
	rs, err := e.st.Rounds(t.Context())
	if err != nil || len(rs) != 1 {
		t.Fatalf("rounds %v %v", rs, err)
	}
	return rs[0].ID
}
