package main

import (
	"bufio"
	"net/http"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// statusWithHost GETs url with the Host header set to host.
func statusWithHost(t *testing.T, url, host string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestServeAllowHost: a name given with --allow-host is served, any other
// name is refused (DNS rebinding), loopback names always work.
func TestServeAllowHost(t *testing.T) {
	base := strings.TrimSuffix(startServe(t, "--allow-host", "pingjia.example.lan"), "/")
	port := strings.TrimPrefix(base, "http://127.0.0.1")
	for host, want := range map[string]int{
		"pingjia.example.lan" + port: http.StatusOK,
		"localhost" + port:           http.StatusOK,
		"evil.example" + port:        http.StatusForbidden,
	} {
		if got := statusWithHost(t, base+"/", host); got != want {
			t.Errorf("Host %s: %d, want %d", host, got, want)
		}
	}
	plain := strings.TrimSuffix(startServe(t), "/")
	if got := statusWithHost(t, plain+"/", "pingjia.example.lan"+strings.TrimPrefix(plain, "http://127.0.0.1")); got != http.StatusForbidden {
		t.Errorf("without --allow-host the name is served: %d", got)
	}
}

// TestServeMemoryLimit: --memory-limit becomes the soft memory limit, for
// the page and the portal alike; a bad value stops serve with exit 2.
func TestServeMemoryLimit(t *testing.T) {
	if _, errOut, code := run(t, "serve", "--memory-limit", "lots"); code != exitRun || !strings.Contains(errOut, "--memory-limit") {
		t.Errorf("bad --memory-limit: exit %d, %q", code, errOut)
	}
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(5 << 30))
	app := &cli.App{Flags: []cli.Flag{&cli.StringFlag{Name: "memory-limit"}}, Action: func(c *cli.Context) error {
		restore, err := serveMemoryLimit(c)
		if err != nil {
			return err
		}
		if got := debug.SetMemoryLimit(-1); got != 200<<20 {
			t.Errorf("limit while serving: %d, want %d", got, 200<<20)
		}
		restore()
		return nil
	}}
	if err := app.Run([]string{"x", "--memory-limit", "200MB"}); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != 5<<30 {
		t.Errorf("limit after: %d, want the one before", got)
	}
}

// TestServeNewAdminLink: the department's link is shown once; a restart
// does not show it again; --new-admin-link issues a new one and the old
// one stops working.
func TestServeNewAdminLink(t *testing.T) {
	dir := t.TempDir()
	first := startPortal(t, dir, "", true)
	old := first.admin
	if res, err := http.Get(old); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("first admin link: %v %v", res, err)
	}
	first.cmd.Process.Kill()
	first.cmd.Wait()
	again := startPortal(t, dir, "", false)
	if again.admin != "" {
		t.Errorf("a restart showed the admin link again")
	}
	again.cmd.Process.Kill()
	again.cmd.Wait()

	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--quiet", "--new-admin-link")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	stall := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer stall.Stop()
	var fresh string
	for sc := bufio.NewScanner(out); fresh == "" && sc.Scan(); {
		if m := adminRe.FindStringSubmatch(sc.Text()); m != nil {
			fresh = m[1]
		}
	}
	if fresh == "" || fresh == old {
		t.Fatalf("--new-admin-link gave %q (old %q)", fresh, old)
	}
	if res, err := http.Get(fresh); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("new admin link: %v %v", res, err)
	}
	// The old link now points at the new process's port.
	oldPath := old[strings.Index(old[len("http://"):], "/")+len("http://"):]
	newBase := fresh[:strings.Index(fresh[len("http://"):], "/")+len("http://")]
	if res, err := http.Get(newBase + oldPath); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("old admin link after --new-admin-link: %v %v, want 404", res, err)
	}
}
