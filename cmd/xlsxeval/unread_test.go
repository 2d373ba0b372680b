package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// withDTD is b with a DOCTYPE declaring an entity before every sheet's root.
func withDTD(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
			s := string(body)
			i := strings.Index(s, "<worksheet")
			body = []byte(s[:i] + `<!DOCTYPE x [<!ENTITY e "项目名称">]>` + s[i:])
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Nothing unread passes (issue 14): a sheet refused for its DTD makes the
// file unreadable (exit 2); a workbook without a form is file.noform
// (exit 1), where both used to exit 0.
func TestNothingUnreadPasses(t *testing.T) {
	sample, err := os.ReadFile("../../samples/信息化运维项目.xlsx")
	if err != nil {
		t.Skip("no sample")
	}
	dir := t.TempDir()
	dtd := filepath.Join(dir, "dtd.xlsx")
	if err := os.WriteFile(dtd, withDTD(t, sample), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, "check", dtd, "--no-progress")
	if code != 2 || !strings.Contains(out, "含有 DTD/实体声明") || !strings.Contains(out, "出于安全考虑拒绝读取") {
		t.Errorf("DTD: exit %d, want 2:\n%s", code, out)
	}
	out, _, _ = run(t, "check", dtd, "--no-progress", "--lang", "en")
	if !strings.Contains(out, "contains a DTD/entities (<!DOCTYPE>), refused for safety") {
		t.Errorf("DTD, English:\n%s", out)
	}

	f := excelize.NewFile()
	f.SetCellStr("Sheet1", "A1", "关于报送绩效自评表的通知")
	none := filepath.Join(dir, "通知.xlsx")
	if err := f.SaveAs(none); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, "check", none, "--no-progress")
	if code != 1 || !strings.Contains(out, "[file.noform]") {
		t.Errorf("no form: exit %d, want 1:\n%s", code, out)
	}
	js, _, _ := run(t, "check", none, "--no-progress", "--format", "json")
	if v := decode(t, js); v.Summary.Errors != 1 {
		t.Errorf("no form: summary errors %d, want 1\n%s", v.Summary.Errors, js)
	}
}
