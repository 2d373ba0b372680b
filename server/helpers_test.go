package server

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
)

var (
	seedOnce  sync.Once
	seedBooks map[string][]byte
	seedErr   error
)

// seeds returns workbooks built from the seed specs: "seed1" and "seed2"
// (filled as in FORM.md, no errors) and "faulty" (seed1 with the last
// indicator's score raised from 4.00 to 5 over its cap of 4.94, so its
// score and the total are wrong).
func seeds(t testing.TB) map[string][]byte {
	t.Helper()
	seedOnce.Do(func() {
		seedBooks = map[string][]byte{}
		for _, name := range []string{"seed1", "seed2"} {
			b, err := buildSpec("../samples/specs/" + name + ".yaml")
			if err != nil {
				seedErr = err
				return
			}
			seedBooks[name] = b
		}
		seedBooks["faulty"], seedErr = setCell(seedBooks["seed1"], "ind.11.score", 5)
	})
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	return seedBooks
}

func buildSpec(path string) ([]byte, error) {
	p := formulas.Default()
	spec, err := template.ReadSpec(path, p, 2024)
	if err != nil {
		return nil, err
	}
	w, err := template.Build(spec.Projects, template.Options{Profile: p, Year: 2024})
	if err != nil {
		return nil, err
	}
	return w.Bytes()
}

// setCell writes v into the field key (see form.Cells) of the first form,
// found through the workbook's fingerprint, as a person editing it would.
func setCell(data []byte, key string, v any) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fps, err := form.ReadFingerprints(f)
	if err != nil {
		return nil, err
	}
	for sheet, fp := range fps {
		if err := f.SetCellValue(sheet, fp.Fields[key], v); err != nil {
			return nil, err
		}
		break
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cellOf returns the sheet and cell of the field key of the first form.
func cellOf(t testing.TB, data []byte, key string) (string, string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fps, err := form.ReadFingerprints(f)
	if err != nil || len(fps) == 0 {
		t.Fatalf("no fingerprint: %v", err)
	}
	for sheet, fp := range fps {
		return sheet, fp.Fields[key]
	}
	return "", ""
}

// part is one field of a multipart body.
type part struct {
	field, name string
	data        []byte
}

func multipartBody(t testing.TB, parts ...part) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.name == "" {
			w, err = mw.CreateFormField(p.field)
		} else {
			w, err = mw.CreateFormFile(p.field, p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// post sends parts to url and returns the status and body.
func post(t testing.TB, c *http.Client, url string, parts ...part) (int, []byte, http.Header) {
	t.Helper()
	body, ctype := multipartBody(t, parts...)
	resp, err := c.Post(url, ctype, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// checkReport is the JSON of /api/check.
type checkReport struct {
	Files   []report.File  `json:"files"`
	Summary report.Summary `json:"summary"`
}

func decodeReport(t testing.TB, b []byte) checkReport {
	t.Helper()
	var r checkReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("bad JSON %v: %s", err, b)
	}
	return r
}

func newTestServer(t testing.TB, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func makeZip(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// errorCells lists "rule@cell" of a form's error findings.
func errorCells(fm report.Form) []string {
	var out []string
	for _, x := range fm.Findings {
		if x.Severity.String() == "error" {
			out = append(out, x.Rule+"@"+x.Cell)
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
