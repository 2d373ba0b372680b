package server

import (
	"bytes"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xlsxeval/xlsxeval/validate"
)

// /api/template?layout=NAME writes each built-in layout; the server's
// checker reads the form back as that layout, in the layout's unit when
// the request gives none, with no error-level finding but the blank
// form's form.empty.
func TestTemplateLayouts(t *testing.T) {
	ls := layout.Builtin()
	_, ts := newTestServer(t, Config{Layouts: ls})
	c := ts.Client()
	for _, l := range ls {
		resp, err := c.Get(ts.URL + "/api/template?rows=4&layout=" + url.QueryEscape(l.Name))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", l.Name, resp.StatusCode, b)
		}
		code, body, _ := post(t, c, ts.URL+"/api/check", part{"file", l.Name + ".xlsx", b})
		r := decodeReport(t, body)
		if code != 200 || len(r.Files) != 1 || len(r.Files[0].Forms) != 1 {
			t.Fatalf("%s: check %d %.300s", l.Name, code, body)
		}
		fm := r.Files[0].Forms[0]
		if fm.Layout != l.Name || !fm.Template {
			t.Errorf("%s: read back as layout %q (fingerprint %v)", l.Name, fm.Layout, fm.Template)
		}
		for _, f := range fm.Findings {
			if f.Severity == validate.Error && f.Rule != "form.empty" {
				t.Errorf("%s: %s %s %s", l.Name, f.Rule, f.Cell, f.Message)
			}
		}
		if l.AmountUnit != "" && !strings.Contains(cellsText(t, b), "("+l.AmountUnit+")") {
			t.Errorf("%s: not in the layout's unit %s", l.Name, l.AmountUnit)
		}
	}
}

// A layout the server does not offer, or a path, is refused with the
// names it offers; a prefilled template takes the layout as a form field
// too.
func TestTemplateLayoutRefused(t *testing.T) {
	_, ts := newTestServer(t, Config{Layouts: layout.Builtin()})
	c := ts.Client()
	for _, bad := range []string{"nowhere", "../layout/builtin/mof.yaml", "/etc/passwd", "MOF"} {
		resp, err := c.Get(ts.URL + "/api/template?layout=" + url.QueryEscape(bad))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "没有名为") || !strings.Contains(string(b), "yunnan-14") {
			t.Errorf("layout %q: %d %s", bad, resp.StatusCode, b)
		}
	}
	spec, err := os.ReadFile("../samples/specs/seed1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ := post(t, c, ts.URL+"/api/template?year=2024", part{"spec", "seed1.yaml", spec}, part{"layout", "", []byte("nowhere")})
	if code != 400 || !strings.Contains(string(body), "nowhere") {
		t.Errorf("spec with layout field nowhere: %d %s", code, body)
	}
	code, body, _ = post(t, c, ts.URL+"/api/template?year=2024", part{"spec", "seed1.yaml", spec}, part{"layout", "", []byte("mof")})
	if code != 200 {
		t.Fatalf("spec in mof: %d %.300s", code, body)
	}
	code, rep, _ := post(t, c, ts.URL+"/api/check", part{"file", "mof.xlsx", body})
	if r := decodeReport(t, rep); code != 200 || len(r.Files) != 1 || len(r.Files[0].Forms) != 1 || r.Files[0].Forms[0].Layout != "mof" || r.Files[0].Forms[0].Errors != 0 {
		t.Errorf("spec in mof read back: %d %.500s", code, rep)
	}
}

// cellsText is the text of the first sheet of a workbook, row by row.
func cellsText(t *testing.T, b []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, r := range rows {
		out.WriteString(strings.Join(r, "|") + "\n")
	}
	return out.String()
}
