package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/template"
)

// unzipAll is every part of an .xlsx, uncompressed, one after another.
func unzipAll(t *testing.T, path string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var all bytes.Buffer
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		io.Copy(&all, rc)
		rc.Close()
	}
	return all.Bytes()
}

// raiseWeight rewrites the cell ref of every worksheet part to 8, as an
// editor other than excelize would.
func raiseWeight(t *testing.T, in, out, ref string) {
	t.Helper()
	zr, err := zip.OpenReader(in)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	re := regexp.MustCompile(`<c r="` + ref + `"( s="[0-9]+")?[^>]*?(/>|>.*?</c>)`)
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			b = re.ReplaceAll(b, []byte(`<c r="`+ref+`"$1><v>8</v></c>`))
		}
		w, _ := zw.Create(zf.Name)
		w.Write(b)
	}
	zw.Close()
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSignedTemplateEndToEnd(t *testing.T) {
	const key = "bureau-signing-key-2025-x9"
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.txt")
	os.WriteFile(keyFile, []byte(key+"\n"), 0o600)
	spec := "../../samples/specs/seed1.yaml"
	out, errs, code := run(t, "template", "--spec", spec, "--sign-key-file", keyFile, "-o", filepath.Join(dir, "out")+"/")
	if code != 0 {
		t.Fatalf("template: exit %d: %s", code, errs)
	}
	made := filepath.Join(dir, "out", "信息化运维项目.xlsx")
	raw, _ := os.ReadFile(made)
	if bytes.Contains(raw, []byte(key)) || bytes.Contains(unzipAll(t, made), []byte(key)) || strings.Contains(out+errs, key) {
		t.Fatal("the key is in the workbook or the output")
	}

	out, errs, code = run(t, "check", "--sign-key-file", keyFile, "--format", "json", made)
	if code != 0 || strings.Contains(out, "tpl.") {
		t.Fatalf("untouched signed form: exit %d %s\n%s", code, errs, out)
	}

	lay := template.NewLayout(12, formulas.Default())
	ref := lay.Ref("ind.2.weight")
	changed := filepath.Join(dir, "returned.xlsx")
	raiseWeight(t, made, changed, ref)
	out, errs, code = run(t, "check", "--sign-key-file", keyFile, "--format", "json", changed)
	v := decode(t, out)
	if code != 1 || !hasFinding(v, "tpl.changed", ref, "5") || strings.Contains(out+errs, key) {
		t.Fatalf("raised weight: exit %d %s\n%s", code, errs, out)
	}

	// The key from the environment; another department's key.
	cmdEnv := append(os.Environ(), "XLSXEVAL_SIGN_KEY=another-bureau-key-00")
	out, errs, code = runEnv(t, cmdEnv, "check", "--format", "json", made)
	if v := decode(t, out); code != 1 || !hasFinding(v, "tpl.signature", "", "") || !strings.Contains(out, "其他密钥") {
		t.Fatalf("wrong key: exit %d %s\n%s", code, errs, out)
	}

	// No key: compare with the spec the form was made from.
	out, errs, code = run(t, "check", "--spec", spec, "--format", "json", changed)
	if v := decode(t, out); code != 1 || !hasFinding(v, "tpl.changed", ref, "5") {
		t.Fatalf("--spec: exit %d %s\n%s", code, errs, out)
	}

	// Errors about keys never quote them.
	short := filepath.Join(dir, "short.txt")
	os.WriteFile(short, []byte("abc12"), 0o600)
	_, errs, code = run(t, "check", "--sign-key-file", short, made)
	if code != 2 || strings.Contains(errs, "abc12") || !strings.Contains(errs, "太短") {
		t.Fatalf("short key: exit %d: %s", code, errs)
	}
	_, errs, code = run(t, "template", "--sign-key-file", filepath.Join(dir, "none"), "-o", filepath.Join(dir, "x.xlsx"))
	if code != 2 || !strings.Contains(errs, "无法读取签名密钥文件") {
		t.Fatalf("missing key file: exit %d: %s", code, errs)
	}
}

func hasFinding(v checkJSON, rule, cell, expected string) bool {
	for _, f := range v.Files {
		for _, fm := range f.Forms {
			for _, x := range fm.Findings {
				if x.Rule == rule && (cell == "" || x.Cell == cell) && (expected == "" || x.Expected == expected) {
					return true
				}
			}
		}
	}
	return false
}

// runEnv runs the binary with the environment env (nil: this process's)
// and returns stdout, stderr and the exit code.
func runEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if e, ok := err.(*exec.ExitError); ok {
		code = e.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}
