package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/internal/roundfix"
	"github.com/xlsxeval/xlsxeval/store/storetest"
)

// portalProc is a running `xlsxeval serve --data` process.
type portalProc struct {
	cmd         *exec.Cmd
	base, admin string
}

var (
	addrRe  = regexp.MustCompile(`地址 (http://[^ ]+)/ `)
	adminRe = regexp.MustCompile(`部门管理链接[^:]*: (http://\S+)`)
)

// startPortal starts the binary on dir (and dsn) and waits for its
// address (and the department's link on first start).
func startPortal(t *testing.T, dir, dsn string, first bool) *portalProc {
	t.Helper()
	args := []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--quiet", "--upload-burst", "100000", "--upload-rate", "1000000"}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p := &portalProc{cmd: cmd}
	sc := bufio.NewScanner(out)
	stall := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer stall.Stop()
	for (p.base == "" || (first && p.admin == "")) && sc.Scan() {
		if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
			p.base = m[1]
		}
		if m := adminRe.FindStringSubmatch(sc.Text()); m != nil {
			p.admin = m[1]
		}
	}
	if p.base == "" || (first && p.admin == "") {
		t.Fatalf("portal did not start: %v", sc.Err())
	}
	go io.Copy(io.Discard, out)
	return p
}

// apiPost posts a multipart form with the CSRF header.
func apiPost(url, csrf string, fields map[string]string, file string, data []byte) (*http.Response, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for k, path := range map[string]string{"spec": fields["@spec"], "roster": fields["@roster"]} {
		if path != "" {
			d, _ := os.ReadFile(path)
			w, _ := mw.CreateFormFile(k, filepath.Base(path))
			w.Write(d)
		}
	}
	if data != nil {
		w, _ := mw.CreateFormFile("file", file)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, url, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", csrf)
	return http.DefaultClient.Do(req)
}

func getJSONURL(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestPortalCrash: units upload concurrently, the server process is
// killed with SIGKILL in the middle, then restarted on the same data:
// every upload that got a 2xx is there, with the same sha256, and its
// workbook reads back with that sha256.
func TestPortalCrash(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { portalCrash(t, b.DSN(t)) })
	}
}

func portalCrash(t *testing.T, dsn string) {
	dir := t.TempDir()
	p := startPortal(t, dir, dsn, true)
	var a struct{ CSRF string }
	getJSONURL(t, p.admin+"api/", &a)
	roster := filepath.Join(t.TempDir(), "名单.csv")
	os.WriteFile(roster, []byte("单位,联系人,项目名称\n甲,张三,信息化运维项目\n乙,李四,文旅管理与服务\n"), 0o644)
	res, err := apiPost(p.admin+"api/rounds", a.CSRF, map[string]string{"name": "crash", "@spec": roundfix.BatchSpec(), "@roster": roster}, "", nil)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("create round: %v %v", res, err)
	}
	var created struct{ Round int64 }
	json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	res, err = apiPost(fmt.Sprintf("%sr/%d/links", p.admin, created.Round), a.CSRF, nil, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var links []string
	for _, l := range strings.Split(string(csv), "\n")[1:] {
		if f := strings.Split(strings.TrimSpace(l), ","); len(f) == 3 {
			links = append(links, f[2])
		}
	}
	if len(links) != 2 {
		t.Fatalf("links %q", csv)
	}
	books := crashBooks(t, 60)
	type ack struct {
		version int64
		sha     string
	}
	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	killAt := make(chan struct{})
	var once sync.Once
	type unit struct {
		CSRF     string
		Projects []struct{ ID int64 }
	}
	units := make([]unit, len(links))
	for i, l := range links {
		getJSONURL(t, l+"api/", &units[i])
	}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			link, u := links[w%2], units[w%2]
			for i := w; i < len(books); i += 6 {
				res, err := apiPost(fmt.Sprintf("%sapi/p/%d/upload", link, u.Projects[0].ID), u.CSRF, nil, fmt.Sprintf("%d.xlsx", i), books[i])
				if err != nil {
					return // the server is gone
				}
				var got struct {
					Version int64
					SHA256  string
				}
				json.NewDecoder(res.Body).Decode(&got)
				res.Body.Close()
				if res.StatusCode/100 != 2 {
					continue
				}
				if got.SHA256 != sha(books[i]) {
					t.Errorf("upload %d acknowledged with sha256 %s, sent %s", i, got.SHA256, sha(books[i]))
				}
				mu.Lock()
				acked = append(acked, ack{got.Version, got.SHA256})
				if len(acked) == 15 {
					once.Do(func() { close(killAt) })
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-killAt:
	case <-time.After(60 * time.Second):
		t.Fatal("uploads too slow")
	}
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	p.cmd.Wait()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) >= len(books) {
		t.Fatalf("all %d uploads finished before the kill; the test proves nothing", len(books))
	}

	p2 := startPortal(t, dir, dsn, false)
	admin := strings.Replace(p.admin, p.base, p2.base, 1)
	var rj struct {
		Projects []struct {
			Versions []struct {
				ID     int64
				SHA256 string
			}
		}
	}
	getJSONURL(t, fmt.Sprintf("%sapi/r/%d", admin, created.Round), &rj)
	have := map[int64]string{}
	for _, pr := range rj.Projects {
		for _, v := range pr.Versions {
			have[v.ID] = v.SHA256
		}
	}
	for _, a := range acked {
		if have[a.version] != a.sha {
			t.Errorf("acknowledged version %d (%s) after restart: %q", a.version, a.sha, have[a.version])
			continue
		}
		res, err := http.Get(fmt.Sprintf("%sr/%d/v/%d/file", admin, created.Round, a.version))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || sha(b) != a.sha {
			t.Errorf("version %d's workbook: %d, sha256 %s", a.version, res.StatusCode, sha(b))
		}
	}
	t.Logf("%d of %d uploads acknowledged before SIGKILL; %d versions after restart", len(acked), len(books), len(have))
}

// crashBooks are n different filled workbooks (the sample, each with its
// own reason text).
func crashBooks(t *testing.T, n int) [][]byte {
	t.Helper()
	dir := t.TempDir()
	var out [][]byte
	for i := range n {
		path := filepath.Join(dir, fmt.Sprintf("%d.xlsx", i))
		cells := map[string]string{"H24": fmt.Sprintf("第 %d 份: 需进一步加快系统迭代升级", i)}
		if err := roundfix.Write(roundfix.Sample("信息化运维项目"), path, "信息化运维项目", cells, time.Time{}); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		out = append(out, b)
	}
	return out
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
