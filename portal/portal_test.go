package portal_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/portal"
	"github.com/xlsxeval/xlsxeval/store/storetest"
)

// round is a round created through the department's API, with its links.
type round struct {
	*env
	in        string
	id        int64
	adminCSRF string
	link      map[string]string // unit → link
	pid       map[string]int64  // project → id
}

func newRound(t *testing.T, dsn string, cfg portal.Config) *round {
	t.Helper()
	e := newEnv(t, dsn, cfg)
	in := files(t)
	var a struct{ CSRF string }
	getJSON(t, e.admin+"api/", &a)
	res := post(t, e.admin+"api/rounds", a.CSRF, map[string]string{"name": "测试轮次"},
		map[string]string{"spec": filepath.Join(in, "batch.csv"), "roster": filepath.Join(in, "名单.csv")})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create round: %d %s", res.StatusCode, body(t, res))
	}
	res.Body.Close()
	r := &round{env: e, in: in, id: roundOf(t, e), adminCSRF: a.CSRF, pid: map[string]int64{}}
	res = post(t, fmt.Sprintf("%sr/%d/links", e.admin, r.id), a.CSRF, nil, nil)
	r.link = links(t, body(t, res))
	var rj roundJSON
	getJSON(t, fmt.Sprintf("%sapi/r/%d", e.admin, r.id), &rj)
	for _, p := range rj.Projects {
		r.pid[p.Project] = p.ID
	}
	return r
}

// upload sends path as unit's return of project through the API.
func (r *round) upload(t *testing.T, unit, project, path string) (int, string) {
	t.Helper()
	var u struct{ CSRF string }
	getJSON(t, r.link[unit]+"api/", &u)
	res := post(t, fmt.Sprintf("%sapi/p/%d/upload", r.link[unit], r.pid[project]), u.CSRF, nil, map[string]string{"file": path})
	return res.StatusCode, body(t, res)
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestPortalRefuses(t *testing.T) {
	r := newRound(t, "", portal.Config{})
	a := r.link[unitA]
	faulty := filepath.Join(r.in, "faulty", "信息化运维项目.xlsx")
	upload := fmt.Sprintf("%sapi/p/%d/upload", a, r.pid["信息化运维项目"])
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"no CSRF token", func() *http.Request { return uploadReq(t, upload, "", faulty) }, http.StatusForbidden},
		{"wrong CSRF token", func() *http.Request { return uploadReq(t, upload, strings.Repeat("0", 32), faulty) }, http.StatusForbidden},
		{"another link's CSRF token", func() *http.Request {
			var b struct{ CSRF string }
			getJSON(t, r.link[unitB]+"api/", &b)
			return uploadReq(t, upload, b.CSRF, faulty)
		}, http.StatusForbidden},
		{"cross-site", func() *http.Request {
			q := uploadReq(t, upload, csrfOf(t, a), faulty)
			q.Header.Set("Sec-Fetch-Site", "cross-site")
			return q
		}, http.StatusForbidden},
		{"other origin", func() *http.Request {
			q := uploadReq(t, upload, csrfOf(t, a), faulty)
			q.Header.Set("Origin", "http://evil.example")
			return q
		}, http.StatusForbidden},
		{"rebound host", func() *http.Request {
			q, _ := http.NewRequest(http.MethodGet, a, nil)
			q.Host = "evil.example"
			return q
		}, http.StatusForbidden},
		{"unknown link", func() *http.Request {
			q, _ := http.NewRequest(http.MethodGet, r.ts.URL+"/u/AAAAAAAAAAAAAAAAAAAAAA/", nil)
			return q
		}, http.StatusNotFound},
		{"unit link as admin", func() *http.Request {
			q, _ := http.NewRequest(http.MethodGet, strings.Replace(a, "/u/", "/a/", 1), nil)
			return q
		}, http.StatusNotFound},
		{"admin link as unit", func() *http.Request {
			q, _ := http.NewRequest(http.MethodGet, strings.Replace(r.admin, "/a/", "/u/", 1), nil)
			return q
		}, http.StatusNotFound},
		{"B's version by id", func() *http.Request {
			q, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%sv/%d/file", r.link[unitB], 1), nil)
			return q
		}, http.StatusNotFound},
	}
	// One version of A's, for the by-id case.
	if code, b := r.upload(t, unitA, "信息化运维项目", faulty); code != http.StatusCreated {
		t.Fatalf("upload %d %s", code, b)
	}
	for _, c := range cases {
		res, err := http.DefaultClient.Do(c.req())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s: %d, want %d: %s", c.name, res.StatusCode, c.status, b)
		}
	}
	// Nothing but the one upload got in.
	vs, _ := r.st.RoundVersions(t.Context(), r.id)
	if len(vs) != 1 {
		t.Errorf("%d versions, want 1", len(vs))
	}
}

func uploadReq(t *testing.T, url, csrf, path string) *http.Request {
	t.Helper()
	res := &bytes.Buffer{}
	data, _ := os.ReadFile(path)
	mw := newMultipart(res, "file", filepath.Base(path), data)
	q, _ := http.NewRequest(http.MethodPost, url, res)
	q.Header.Set("Content-Type", mw)
	if csrf != "" {
		q.Header.Set("X-CSRF-Token", csrf)
	}
	return q
}

func csrfOf(t *testing.T, link string) string {
	var u struct{ CSRF string }
	getJSON(t, link+"api/", &u)
	return u.CSRF
}

// Links are kept only as hashes: the database never holds one.
func TestTokensHashed(t *testing.T) {
	r := newRound(t, "", portal.Config{})
	dir := r.dir
	for _, name := range []string{"xlsxeval.db", "xlsxeval.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		for _, l := range append([]string{r.admin}, r.link[unitA], r.link[unitB]) {
			tok := filepath.Base(strings.TrimSuffix(l, "/"))
			if bytes.Contains(b, []byte(tok)) {
				t.Errorf("%s holds a link token", name)
			}
		}
	}
}

func TestUploadRateLimit(t *testing.T) {
	r := newRound(t, "", portal.Config{UploadBurst: 2, UploadRate: 0.01})
	fixed := filepath.Join(r.in, "fixed", "信息化运维项目.xlsx")
	for i, want := range []int{http.StatusCreated, http.StatusCreated, http.StatusTooManyRequests} {
		if code, b := r.upload(t, unitA, "信息化运维项目", fixed); code != want {
			t.Fatalf("upload %d: %d, want %d: %s", i+1, code, want, b)
		}
	}
	// Another unit's link has its own allowance.
	if code, b := r.upload(t, unitB, "文旅管理与服务", roundSample("文旅管理与服务")); code != http.StatusCreated {
		t.Fatalf("unit B: %d %s", code, b)
	}
}

// The department's downloads, on both backends: annotated copy,
// templates, summary with 回收进度, the accepted zip, the audit log.
func TestDepartmentDownloads(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { departmentDownloads(t, b.DSN(t)) })
	}
}

func departmentDownloads(t *testing.T, dsn string) {
	r := newRound(t, dsn, portal.Config{})
	faulty := filepath.Join(r.in, "faulty", "信息化运维项目.xlsx")
	fixed := filepath.Join(r.in, "fixed", "信息化运维项目.xlsx")
	r.upload(t, unitA, "信息化运维项目", faulty)
	code, b := r.upload(t, unitA, "信息化运维项目", fixed)
	if code != http.StatusCreated || !strings.Contains(b, `"state":"合格"`) {
		t.Fatalf("%d %s", code, b)
	}
	var rj roundJSON
	getJSON(t, fmt.Sprintf("%sapi/r/%d", r.admin, r.id), &rj)
	var first, second int64
	for _, p := range rj.Projects {
		if p.Project == "信息化运维项目" {
			second, first = p.Versions[0].ID, p.Versions[1].ID
		}
	}
	// The unit's annotated copy of the faulty version has the results sheet.
	code, ann := get(t, fmt.Sprintf("%sv/%d/annotated.xlsx", r.link[unitA], first))
	if code != http.StatusOK {
		t.Fatalf("annotated: %d %s", code, ann)
	}
	f, err := excelize.OpenReader(bytes.NewReader(ann))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("校验结果")
	f.Close()
	if !strings.Contains(fmt.Sprint(rows), "ind.cap") {
		t.Errorf("annotated copy lacks ind.cap: %v", rows)
	}
	// Each unit's templates: its own project only.
	code, z := get(t, fmt.Sprintf("%sr/%d/u/%d/templates.zip", r.admin, r.id, unitID(t, r, unitB)))
	if names := zipNames(t, z); code != http.StatusOK || len(names) != 1 || !strings.Contains(names[0], "文旅管理与服务") {
		t.Errorf("unit B's templates: %d %v", code, names)
	}
	// 定稿, then the zip holds exactly the accepted workbook.
	res := post(t, fmt.Sprintf("%sr/%d/p/%d/accept", r.admin, r.id, r.pid["信息化运维项目"]), r.adminCSRF,
		map[string]string{"version": fmt.Sprint(second)}, nil)
	res.Body.Close()
	code, z = get(t, fmt.Sprintf("%sr/%d/accepted.zip", r.admin, r.id))
	want, _ := os.ReadFile(fixed)
	if got := zipFiles(t, z); code != http.StatusOK || len(got) != 1 || sum(got[0]) != sum(want) {
		t.Errorf("accepted zip: %d, %d files", code, len(got))
	}
	code, sb := get(t, fmt.Sprintf("%sr/%d/summary.xlsx", r.admin, r.id))
	f, err = excelize.OpenReader(bytes.NewReader(sb))
	if err != nil || code != http.StatusOK {
		t.Fatalf("summary: %d %v", code, err)
	}
	prog, _ := f.GetRows("回收进度")
	f.Close()
	if s := fmt.Sprint(prog); len(prog) != 3 || !strings.Contains(s, "定稿") || !strings.Contains(s, "未交") {
		t.Errorf("回收进度: %v", prog)
	}
	log, _ := r.st.Audit(t.Context(), r.id)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "version.accept version.upload version.upload unit.links round.create" {
		t.Errorf("audit: %s", got)
	}
}

func unitID(t *testing.T, r *round, unit string) int64 {
	us, err := r.st.Units(t.Context(), r.id)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Name == unit {
			return u.ID
		}
	}
	t.Fatalf("no unit %s", unit)
	return 0
}

func zipFiles(t *testing.T, b []byte) [][]byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range zr.File {
		rc, _ := f.Open()
		x, _ := io.ReadAll(rc)
		rc.Close()
		out = append(out, x)
	}
	return out
}

func zipNames(t *testing.T, b []byte) []string {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
