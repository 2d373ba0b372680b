package server

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/validate"
)

func TestCheckAPI(t *testing.T) {
	books := seeds(t)
	_, ts := newTestServer(t, Config{})
	zipped := makeZip(t, map[string][]byte{
		"回收/好.xlsx":        books["seed2"],
		"回收/坏.xlsx":        books["faulty"],
		"../../etc/x.xlsx": books["seed1"],
		"说明.txt":           []byte("not a workbook"),
		"~$好.xlsx":         []byte("lock file"),
	})
	code, body, hdr := post(t, ts.Client(), ts.URL+"/api/check",
		part{"file", "seed1.xlsx", books["seed1"]},
		part{"file", "faulty.xlsx", books["faulty"]},
		part{"file", "batch.zip", zipped},
		part{"file", "junk.xlsx", []byte("hello")})
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d %s: %s", code, hdr.Get("Content-Type"), body)
	}
	rep := decodeReport(t, body)
	var paths []string
	for _, f := range rep.Files {
		paths = append(paths, f.Path)
	}
	want := []string{"seed1.xlsx", "faulty.xlsx", "batch.zip/x.xlsx", "batch.zip/回收/坏.xlsx", "batch.zip/回收/好.xlsx", "junk.xlsx"}
	if strings.Join(paths, "|") != strings.Join(want, "|") {
		t.Fatalf("paths %q, want %q", paths, want)
	}
	_, scoreCell := cellOf(t, books["faulty"], "ind.11.score")
	for _, i := range []int{0, 4} {
		if f := rep.Files[i]; f.Error != "" || len(f.Forms) != 1 || f.Forms[0].Errors != 0 {
			t.Errorf("%s: want one clean form, got %+v", f.Path, f)
		}
	}
	for _, i := range []int{1, 3} {
		f := rep.Files[i]
		if len(f.Forms) != 1 || !contains(errorCells(f.Forms[0]), "ind.cap@"+scoreCell) {
			t.Errorf("%s: want ind.cap at %s, got %+v", f.Path, scoreCell, f.Forms)
		}
	}
	if e := rep.Files[2].Error; !strings.Contains(e, "不安全") {
		t.Errorf("path escape: error %q", e)
	}
	if rep.Files[5].Error == "" {
		t.Error("junk.xlsx: want an error")
	}
	if rep.Summary.Files != 6 || rep.Summary.Unreadable != 2 || rep.Summary.Forms != 4 {
		t.Errorf("summary %+v", rep.Summary)
	}
	// English on request.
	_, body, _ = post(t, ts.Client(), ts.URL+"/api/check?lang=en", part{"file", "faulty.xlsx", books["faulty"]})
	if msg := decodeReport(t, body).Files[0].Forms[0].Findings[0].Message; strings.ContainsAny(msg, "得分总分") {
		t.Errorf("lang=en gave %q", msg)
	}
}

func TestUploadLimits(t *testing.T) {
	books := seeds(t)
	_, ts := newTestServer(t, Config{MaxUpload: 1 << 20, MaxFiles: 3})
	cases := []struct {
		name  string
		parts []part
		code  int
		msg   string
	}{
		{"no file", []part{{"lang", "", []byte("zh")}}, 400, "没有收到工作簿"},
		{"too many", []part{{"file", "a.xlsx", books["seed1"]}, {"file", "b.xlsx", books["seed1"]},
			{"file", "c.zip", makeZip(t, map[string][]byte{"1.xlsx": books["seed1"], "2.xlsx": books["seed2"]})}}, 413, "最多校验 3 个"},
		{"too big", []part{{"file", "big.xlsx", bytes.Repeat([]byte("x"), 2<<20)}}, 413, "超过上限 1MB"},
	}
	for _, c := range cases {
		code, body, _ := post(t, ts.Client(), ts.URL+"/api/check", c.parts...)
		if code != c.code || !strings.Contains(string(body), c.msg) {
			t.Errorf("%s: %d %s; want %d %q", c.name, code, body, c.code, c.msg)
		}
	}
	// A zip bomb entry: 16 MB of zeros in a few KB, under a 1 MB limit.
	bomb := makeZip(t, map[string][]byte{"bomb.xlsx": make([]byte, 16<<20), "ok.xlsx": books["seed1"]})
	if len(bomb) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	code, body, _ := post(t, ts.Client(), ts.URL+"/api/check", part{"file", "b.zip", bomb})
	rep := decodeReport(t, body)
	if code != 200 || len(rep.Files) != 2 || !strings.Contains(rep.Files[0].Error, "超过 1MB") || rep.Files[1].Error != "" {
		t.Errorf("bomb: %d %s", code, body)
	}
	if code, _, _ := post(t, ts.Client(), ts.URL+"/api/check", part{"file", "e.zip", makeZip(t, map[string][]byte{"a.txt": nil})}); code != 200 {
		t.Errorf("zip without workbooks: %d", code)
	}
}

// A workbook that hangs or panics the checker spoils only its own result;
// the same request's other files and other users' requests are answered.
func TestHostileWorkbook(t *testing.T) {
	books := seeds(t)
	s, ts := newTestServer(t, Config{FileTimeout: 300 * time.Millisecond, Workers: 2})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	s.check = func(k *validate.Checker, r io.ReaderAt, size int64, name string) validate.FileResult {
		switch name {
		case "hang.xlsx":
			<-release
		case "panic.xlsx":
			panic("hostile")
		}
		return k.CheckReader(r, size, name)
	}
	start := time.Now()
	code, body, _ := post(t, ts.Client(), ts.URL+"/api/check",
		part{"file", "hang.xlsx", books["seed1"]}, part{"file", "panic.xlsx", books["seed1"]}, part{"file", "ok.xlsx", books["seed1"]})
	rep := decodeReport(t, body)
	if code != 200 || len(rep.Files) != 3 {
		t.Fatalf("%d %s", code, body)
	}
	if e := rep.Files[0].Error; !strings.Contains(e, "已放弃") {
		t.Errorf("hang: %q", e)
	}
	if e := rep.Files[1].Error; !strings.Contains(e, "内部错误") {
		t.Errorf("panic: %q", e)
	}
	if rep.Files[2].Error != "" || len(rep.Files[2].Forms) != 1 {
		t.Errorf("ok: %+v", rep.Files[2])
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	// The hung check still holds one of two worker slots; another user is
	// served by the other.
	code, body, _ = post(t, ts.Client(), ts.URL+"/api/check", part{"file", "other.xlsx", books["seed2"]})
	if rep := decodeReport(t, body); code != 200 || rep.Files[0].Error != "" {
		t.Errorf("other user: %d %s", code, body)
	}
}

func TestServerTimeouts(t *testing.T) {
	srv := NewHTTPServer(New(Config{}))
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("timeouts not all set: %+v", srv)
	}
	if cfg := New(Config{}).Config(); cfg.Addr != "127.0.0.1:8080" || !IsLoopback(cfg.Addr) {
		t.Errorf("default addr %q", cfg.Addr)
	}
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "[::1]:1": true, "localhost:1": true, "0.0.0.0:1": false, ":8080": false, "192.168.1.2:80": false} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) != %v", addr, want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"50MB": 50 << 20, "512kb": 512 << 10, "1G": 1 << 30, "1048576": 1 << 20, " 20 MB ": 20 << 20} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-5MB", "1.5MB", "lots"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q): want an error", in)
		}
	}
}

func TestUploadNames(t *testing.T) {
	books := seeds(t)
	_, ts := newTestServer(t, Config{})
	_, body, _ := post(t, ts.Client(), ts.URL+"/api/check",
		part{"file", "回收/sub/a.xlsx", books["seed1"]}, part{"file", "../../b.xlsx", books["seed1"]},
		part{"file", `C:\Users\x\c.xlsx`, books["seed1"]}, part{"file", "", books["seed1"]})
	var got []string
	for _, f := range decodeReport(t, body).Files {
		got = append(got, f.Path)
	}
	if want := "回收/sub/a.xlsx|b.xlsx|c.xlsx|文件4.xlsx"; strings.Join(got, "|") != want {
		t.Errorf("names %q, want %s", got, want)
	}
}
