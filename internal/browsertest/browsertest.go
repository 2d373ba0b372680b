// Package browsertest starts Debian's headless Chromium for the page and
// portal tests: one way to find it, start it, and collect its downloads.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Chromium finds Debian's chromium (or another Chrome); the test is
// skipped without one unless XLSXEVAL_REQUIRE_CHROMIUM=1 (CI).
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("XLSXEVAL_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium not found and XLSXEVAL_REQUIRE_CHROMIUM=1 (apt-get install -y chromium)")
	}
	t.Skip("chromium not installed")
	return ""
}

// Start runs a headless Chromium with a throwaway profile for at most
// limit; downloads go into dir and each finished one's path (named by
// its GUID) arrives on the channel.
func Start(t testing.TB, dir string, limit time.Duration) (context.Context, <-chan string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	on := true
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 8)
	events := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	go func() {
		for e, err := range events {
			if err != nil {
				return
			}
			if e.State == browser.DownloadProgressStateCompleted {
				ch <- filepath.Join(dir, e.GUID)
			}
		}
	}()
	return ctx, ch
}

// Wait returns the next finished download's bytes, failing after 30 s.
func Wait(t testing.TB, ch <-chan string) []byte {
	t.Helper()
	select {
	case path := <-ch:
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case <-time.After(30 * time.Second):
		t.Fatal("no download")
	}
	return nil
}
