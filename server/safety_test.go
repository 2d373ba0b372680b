package server

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

// The tests of issue 14: each fails against the server before it.

const safetyKey = "issue-14-department-key"

// Finding 1: the server signed any spec posted to it, and a valid seal
// then hid the changes from check --sign-key-file --spec.
func TestNoSigningOracle(t *testing.T) {
	key, err := integrity.NewKey([]byte(safetyKey))
	if err != nil {
		t.Fatal(err)
	}
	p := formulas.Default()
	spec, err := template.ReadSpec("../samples/specs/seed1.yaml", p, 2024)
	if err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Config{SignKey: key, Spec: spec})
	raw, _ := os.ReadFile("../samples/specs/seed1.yaml")
	changed := strings.Replace(string(raw), "budget: 17.52", "budget: 30", 1)
	code, body, _ := post(t, ts.Client(), ts.URL+"/api/template?year=2024", part{"spec", "seed1.yaml", []byte(changed)})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if st := sealOf(t, body); st != integrity.Missing {
		t.Errorf("a template of an uploaded spec carries a seal (%v): the server signs what it is sent", st)
	}
	seal := &validate.Seal{Key: key, Specs: template.SpecRecords(spec, p)}
	if rules := tplRules(t, body, seal); !contains(rules, "tpl.changed") {
		t.Errorf("raised budget not caught: %v", rules)
	}
	// The server's own spec is signed, and checks clean against it.
	resp, err := ts.Client().Get(ts.URL + "/api/prefilled")
	if err != nil {
		t.Fatal(err)
	}
	own, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || sealOf(t, own) != integrity.Valid {
		t.Fatalf("prefilled: %d, seal %v", resp.StatusCode, sealOf(t, own))
	}
	if rules := tplRules(t, own, seal); len(rules) != 0 {
		t.Errorf("own template: %v", rules)
	}
	// Blank templates are not signed either.
	resp, _ = ts.Client().Get(ts.URL + "/api/template")
	blank, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if st := sealOf(t, blank); st != integrity.Missing {
		t.Errorf("blank template seal %v", st)
	}
	// Without --spec there is nothing the server may sign.
	_, bare := newTestServer(t, Config{SignKey: key})
	if resp, _ := bare.Client().Get(bare.URL + "/api/prefilled"); resp.StatusCode != 404 {
		t.Errorf("prefilled without spec: %d", resp.StatusCode)
	}
}

func sealOf(t *testing.T, b []byte) integrity.Status {
	t.Helper()
	key, _ := integrity.NewKey([]byte(safetyKey))
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fps, err := form.ReadFingerprints(f)
	if err != nil || len(fps) != 1 {
		t.Fatalf("fingerprints: %v %d", err, len(fps))
	}
	for sheet := range fps {
		return integrity.Read(f, sheet).Verify(key)
	}
	return 0
}

func tplRules(t *testing.T, b []byte, seal *validate.Seal) []string {
	t.Helper()
	res := validate.NewChecker(validate.Checks(), validate.ReadOptions{Seal: seal}).CheckReader(bytes.NewReader(b), int64(len(b)), "x.xlsx")
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%v, %d forms", res.Err, len(res.Forms))
	}
	var out []string
	for _, x := range res.Forms[0].Findings {
		if strings.HasPrefix(x.Rule, "tpl.") {
			out = append(out, x.Rule)
		}
	}
	return out
}

// Finding 2: any Host was served, and cross-site POSTs were processed.
func TestGuard(t *testing.T) {
	books := seeds(t)
	_, ts := newTestServer(t, Config{AllowHosts: []string{"xlsxeval.lan"}})
	do := func(host string, h map[string]string) int {
		body, ctype := multipartBody(t, part{"file", "a.xlsx", books["seed1"]})
		req, _ := http.NewRequest("POST", ts.URL+"/api/check", body)
		req.Header.Set("Content-Type", ctype)
		if host != "" {
			req.Host = host
		}
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 403 && !strings.Contains(string(b), "拒绝访问") {
			t.Errorf("refusal not explained: %s", b)
		}
		return resp.StatusCode
	}
	self := ts.URL // http://127.0.0.1:PORT
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	for _, c := range []struct {
		name, host string
		h          map[string]string
		want       int
	}{
		{"curl: no Origin", "", nil, 200},
		{"the page itself", "", map[string]string{"Origin": self, "Sec-Fetch-Site": "same-origin"}, 200},
		{"localhost", "localhost:" + port, nil, 200},
		{"allowed LAN name", "XLSXEVAL.lan:" + port, nil, 200},
		{"LAN address", "192.168.1.20:" + port, nil, 200},
		{"DNS rebinding", "evil.example:" + port, nil, 403},
		{"rebinding, allowed name as suffix", "evilxlsxeval.lan:" + port, nil, 403},
		{"cross-site form post", "", map[string]string{"Origin": "http://evil.example"}, 403},
		{"cross-site, Sec-Fetch-Site only", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site other port", "", map[string]string{"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}, 403},
		{"opaque origin", "", map[string]string{"Origin": "null"}, 403},
	} {
		if got := do(c.host, c.h); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// A GET of the page by a rebound name is refused too.
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.Host = "evil.example"
	if resp, err := ts.Client().Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("GET with a foreign Host: %v %v", resp, err)
	}
}

// slowPost opens a connection and sends a multipart request of declared
// size n one byte every gap, until stop closes; it returns the status
// line the server answered, if any.
func slowPost(t *testing.T, addr string, n int, gap time.Duration, stop <-chan struct{}) <-chan string {
	out := make(chan string, 1)
	go func() {
		defer close(out)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /api/check HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", addr, n)
		go func() {
			b := make([]byte, 64)
			k, _ := c.Read(b)
			out <- string(b[:k])
		}()
		for i := 0; i < n; i++ {
			select {
			case <-stop:
				return
			case <-time.After(gap):
			}
			if _, err := c.Write([]byte("-")); err != nil {
				time.Sleep(200 * time.Millisecond) // let the answer be read
				return
			}
		}
	}()
	return out
}

// Finding 3: four slow clients (one slot each) blocked every upload.
func TestSlowClientsHoldNoSlot(t *testing.T) {
	books := seeds(t)
	// Each slow client declares the most a body may be: together twice
	// the body budget. They hold only what they sent.
	_, ts := newTestServer(t, Config{Workers: 1, BodyTimeout: 3 * time.Second, MaxUpload: 1 << 20, BodyBudget: 4 << 20})
	addr := strings.TrimPrefix(ts.URL, "http://")
	stop := make(chan struct{})
	defer close(stop)
	var answers []<-chan string
	for i := 0; i < 8; i++ {
		answers = append(answers, slowPost(t, addr, 1<<20, 200*time.Millisecond, stop))
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	code, body, _ := post(t, ts.Client(), ts.URL+"/api/check", part{"file", "a.xlsx", books["seed1"]})
	if d := time.Since(start); code != 200 || d > 2*time.Second {
		t.Errorf("a normal upload beside 8 slow ones: %d after %s: %.200s", code, d, body)
	}
	// The slow ones are cut off at BodyTimeout, told why.
	for _, a := range answers {
		select {
		case s := <-a:
			if !strings.Contains(s, "408") {
				t.Errorf("slow client answered %q, want 408", s)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a slow client was not cut off")
		}
	}
}

// The body budget: uploads beyond it wait, then are told the server is
// busy; they never all sit in memory at once.
func TestBodyBudget(t *testing.T) {
	b := newBudget(100)
	if err := b.Acquire(context.Background(), 80); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.Acquire(ctx, 30); err == nil {
		t.Error("over the budget without waiting")
	}
	if err := b.Acquire(context.Background(), 20); err != nil {
		t.Error("a small request must pass beside the large one")
	}
	done := make(chan error)
	go func() { done <- b.Acquire(context.Background(), 50) }()
	b.Release(80)
	if err := <-done; err != nil {
		t.Error(err)
	}
}

// bomb is seed1 with its form sheet padded by n MB of spaces: a few
// hundred KB that unpack to n MB, as the bomb-like uploads.
func bomb(t testing.TB, good []byte, mb int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	pad := bytes.Repeat([]byte(" "), 1<<20)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "xl/worksheets/sheet2.xml" {
			i := bytes.Index(body, []byte("</sheetData>"))
			w.Write(body[:i])
			for j := 0; j < mb; j++ {
				w.Write(pad)
			}
			w.Write(body[i:])
			continue
		}
		w.Write(body)
	}
	zw.Close()
	return out.Bytes()
}

// Finding 4: memory followed the number of uploads. Past MaxUnpacked a
// workbook is refused before it is read; heavy ones take turns.
func TestHeavyWorkbooks(t *testing.T) {
	books := seeds(t)
	s, ts := newTestServer(t, Config{MaxUnpacked: 8 << 20, LightMax: 1 << 20, Workers: 4})
	var read, now, most atomic.Int32
	s.check = func(k *validate.Checker, r io.ReaderAt, size int64, name string) validate.FileResult {
		read.Add(1)
		if strings.HasPrefix(name, "heavy") {
			n := now.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(50 * time.Millisecond)
			defer now.Add(-1)
		}
		return k.CheckReader(r, size, name)
	}
	big := bomb(t, books["seed1"], 20)
	code, body, _ := post(t, ts.Client(), ts.URL+"/api/check", part{"file", "bomb.xlsx", big})
	rep := decodeReport(t, body)
	if code != 200 || !strings.Contains(rep.Files[0].Error, "疑似压缩炸弹") || read.Load() != 0 {
		t.Errorf("20 MB unpacked: %d, read %d times: %s", code, read.Load(), body)
	}
	heavy := bomb(t, books["seed1"], 3)
	var parts []part
	for i := 0; i < 4; i++ {
		parts = append(parts, part{"file", fmt.Sprintf("heavy%d.xlsx", i), heavy})
	}
	code, body, _ = post(t, ts.Client(), ts.URL+"/api/check", parts...)
	rep = decodeReport(t, body)
	if code != 200 || len(rep.Files) != 4 || rep.Files[3].Error != "" || len(rep.Files[3].Forms) != 1 {
		t.Fatalf("heavy: %d %.300s", code, body)
	}
	if most.Load() != 1 {
		t.Errorf("%d heavy workbooks read at once, want 1", most.Load())
	}
}

// Finding 5: a template request had no cap, no deadline, and went on
// after the client left.
func TestTemplateLimits(t *testing.T) {
	s, ts := newTestServer(t, Config{MaxProjects: 5})
	var spec strings.Builder
	spec.WriteString("项目名称,主管部门,实施单位,年度,一级指标,二级指标,三级指标,年度指标值,分值,年初预算数,全年预算数\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&spec, "项目%d,部门,单位,2024,产出指标,数量指标,完成数量,≥1.00(项),90,1,1\n", i)
	}
	code, body, _ := post(t, ts.Client(), ts.URL+"/api/template", part{"spec", "many.csv", []byte(spec.String())})
	if code != 413 || !strings.Contains(string(body), "一次最多生成 5 个") {
		t.Errorf("40 projects, cap 5: %d %s", code, body)
	}
	s.cfg.MaxProjects = 100
	code, body, _ = post(t, ts.Client(), ts.URL+"/api/template?single=1", part{"spec", "many.csv", []byte(spec.String())})
	if code != 413 || !strings.Contains(string(body), "一次最多生成 30 个") {
		t.Errorf("single=1: %d %s", code, body)
	}
	// A client gone: no workbook is built.
	p := filepath.Join(t.TempDir(), "many.csv")
	os.WriteFile(p, []byte(spec.String()), 0o644)
	sp, err := template.ReadSpec(p, formulas.Default(), 2024)
	if err != nil {
		t.Fatal(err)
	}
	prs := sp.Projects
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("POST", "/api/template", nil).WithContext(ctx)
	w := httptest.NewRecorder()
	start := time.Now()
	o, _ := s.templateOptions(req)
	s.sendTemplates(w, req, prs, o, "x")
	if w.Code == 200 || time.Since(start) > time.Second {
		t.Errorf("client gone: %d after %s", w.Code, time.Since(start))
	}
	// Past TemplateTimeout the request is answered, not left running.
	s.cfg.TemplateTimeout = 50 * time.Millisecond
	req = httptest.NewRequest("POST", "/api/template", nil)
	w = httptest.NewRecorder()
	start = time.Now()
	s.sendTemplates(w, req, prs, o, "x")
	if w.Code != 503 || time.Since(start) > 5*time.Second || !strings.Contains(w.Body.String(), "已放弃") && !strings.Contains(w.Body.String(), "取消") {
		t.Errorf("timeout: %d after %s: %s", w.Code, time.Since(start), w.Body)
	}
}

// Finding 8, the smaller ones.
func TestSmallerFindings(t *testing.T) {
	books := seeds(t)
	_, ts := newTestServer(t, Config{MaxUpload: 1 << 20})
	c := ts.Client()

	// A wrong field name is named as such, not "too long".
	code, body, _ := post(t, c, ts.URL+"/api/check", part{"upload", "a.xlsx", books["seed1"]})
	if code != 400 || !strings.Contains(string(body), `文件须放在 \"file\" 字段中, 而非 \"upload\"`) {
		t.Errorf("wrong field: %d %s", code, body)
	}
	// Over the limit: 413 in Chinese, for uploads and summary JSON alike.
	big := bytes.Repeat([]byte("x"), 2<<20)
	code, body, _ = post(t, c, ts.URL+"/api/check", part{"file", "big.xlsx", big})
	if code != 413 || !strings.Contains(string(body), "上传内容超过上限 1MB") || strings.Contains(string(body), "http:") {
		t.Errorf("too large: %d %s", code, body)
	}
	resp, err := c.Post(ts.URL+"/api/summary", "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || strings.Contains(string(b), "http:") {
		t.Errorf("summary too large: %d %s", resp.StatusCode, b)
	}
	// No Go error text: a broken zip, broken JSON.
	code, body, _ = post(t, c, ts.URL+"/api/check", part{"file", "x.zip", []byte("PK\x03\x04broken")})
	if strings.Contains(string(body), "not a valid") || !strings.Contains(string(body), "不是有效的 zip 压缩包") {
		t.Errorf("broken zip: %d %s", code, body)
	}
	resp, _ = c.Post(ts.URL+"/api/summary", "application/json", strings.NewReader(`{"files": [`))
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || strings.Contains(string(b), "unexpected") {
		t.Errorf("broken JSON: %d %s", resp.StatusCode, b)
	}

	// A zip in the zip is said, not skipped in silence; names inside the
	// answer's zip extract on Windows.
	inner := makeZip(t, map[string][]byte{"a.xlsx": books["seed1"]})
	outer := makeZip(t, map[string][]byte{`单位<1>/表"?*|.xlsx`: books["seed1"], "内层.zip": inner, "CON/b.xlsx": books["seed2"]})
	code, body, _ = post(t, c, ts.URL+"/api/check", part{"file", "outer.zip", outer})
	rep := decodeReport(t, body)
	found := false
	for _, f := range rep.Files {
		found = found || strings.Contains(f.Error, "压缩包内的压缩包未展开")
	}
	if code != 200 || !found {
		t.Errorf("nested zip not reported: %s", body)
	}
	code, body, _ = post(t, c, ts.URL+"/api/annotate", part{"file", "outer.zip", outer})
	if code != 200 {
		t.Fatalf("annotate: %d %s", code, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		for _, el := range strings.Split(f.Name, "/") {
			if strings.ContainsAny(el, `<>:"|?*\`) || strings.HasSuffix(el, ".") || strings.EqualFold(strings.SplitN(el, ".", 2)[0], "CON") {
				t.Errorf("zip entry %q cannot be extracted on Windows", f.Name)
			}
		}
	}

	// An annotated .xlsm keeps its extension with its macro content type.
	code, _, h := post(t, c, ts.URL+"/api/annotate", part{"file", "宏.xlsm", books["seed1"]})
	if code != 200 || filename(t, h) != "宏-批注.xlsm" || h.Get("Content-Type") != xlsmType {
		t.Errorf("xlsm: %d %q %q", code, filename(t, h), h.Get("Content-Type"))
	}
}

// --addr 0.0.0.0 printed http://[::]:PORT/, which no browser opens.
func TestURLs(t *testing.T) {
	for _, addr := range []string{"[::]:8080", "0.0.0.0:8080"} {
		us := URLs(addr)
		if us[0] != "http://127.0.0.1:8080/" {
			t.Errorf("%s: first %q", addr, us[0])
		}
		for _, u := range us {
			if strings.Contains(u, "[::]") || strings.Contains(u, "0.0.0.0") {
				t.Errorf("%s: unusable %q", addr, u)
			}
		}
	}
	if us := URLs("127.0.0.1:9000"); len(us) != 1 || us[0] != "http://127.0.0.1:9000/" {
		t.Errorf("loopback: %v", us)
	}
}
