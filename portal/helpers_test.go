package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/internal/roundfix"
	"github.com/xlsxeval/xlsxeval/portal"
	"github.com/xlsxeval/xlsxeval/store"
	"github.com/xlsxeval/xlsxeval/validate"
)

// env is a running portal over a fresh store, and the department's link.
type env struct {
	ts    *httptest.Server
	st    *store.Store
	dir   string // the data folder
	admin string // URL of the department's pages, ending in /
}

func newEnv(t *testing.T, dsn string, cfg portal.Config) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tok, err := st.NewAdminToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k := validate.NewChecker(validate.Checks(), validate.ReadOptions{})
	cfg.Store = st
	cfg.Check = func(b []byte, name string, specs []*integrity.Record) validate.FileResult {
		return k.WithSpecs(specs).CheckReader(bytes.NewReader(b), int64(len(b)), name)
	}
	p, err := portal.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	return &env{ts: ts, st: st, dir: dir, admin: ts.URL + "/a/" + tok + "/"}
}

// roster moves 文旅管理与服务 to a second unit, so the round from
// samples/specs/batch.csv has two units, one project each.
const roster = "单位,联系人,项目名称\n上海市文化旅游市场质量监测和服务中心,张三 021-1234,信息化运维项目\n上海市文旅信息中心,李四,文旅管理与服务\n"

// unitA and unitB are the two units of the round.
const (
	unitA = "上海市文化旅游市场质量监测和服务中心"
	unitB = "上海市文旅信息中心"
)

// files writes the round's inputs and the forms unit A returns: faulty
// (ind.cap) and fixed (the filled sample).
func files(t *testing.T) (dir string) {
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "名单.csv"), []byte(roster), 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(roundfix.BatchSpec())
	os.WriteFile(filepath.Join(dir, "batch.csv"), b, 0o644)
	ops := "信息化运维项目"
	if err := roundfix.Write(roundfix.Sample(ops), filepath.Join(dir, "faulty", ops+".xlsx"), ops, roundfix.Cap, time.Time{}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(roundfix.Sample(ops))
	os.MkdirAll(filepath.Join(dir, "fixed"), 0o755)
	os.WriteFile(filepath.Join(dir, "fixed", ops+".xlsx"), b, 0o644)
	return dir
}

// post sends a multipart form: fields, and files by field name.
func post(t *testing.T, url, csrf string, fields map[string]string, files map[string]string) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for k, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := mw.CreateFormFile(k, filepath.Base(path))
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, url, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if v != nil && res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// roundJSON is the department's API view of a round.
type roundJSON struct {
	CSRF     string
	Projects []struct {
		ID                   int64
		Unit, Project, State string
		Versions             []struct {
			ID     int64
			SHA256 string
			State  string
		}
	}
}

// links reads the upload links CSV: unit → link.
func links(t *testing.T, csv string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimPrefix(csv, "\xef\xbb\xbf"), "\n")[1:] {
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) == 3 {
			out[f[0]] = f[2]
		}
	}
	if len(out) != 2 {
		t.Fatalf("links: %q", csv)
	}
	return out
}

// newMultipart writes a form with one file to b and returns its type.
func newMultipart(b *bytes.Buffer, field, name string, data []byte) string {
	mw := multipart.NewWriter(b)
	w, _ := mw.CreateFormFile(field, name)
	w.Write(data)
	mw.Close()
	return mw.FormDataContentType()
}

func roundSample(project string) string { return roundfix.Sample(project) }
