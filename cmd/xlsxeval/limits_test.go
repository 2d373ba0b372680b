package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/xlsxeval/xlsxeval/internal/atomicfile"
	"github.com/xlsxeval/xlsxeval/template"
)

// mixedBatch is a folder of the clean samples next to broken files.
func mixedBatch(t *testing.T) (dir string, good, bad []string) {
	t.Helper()
	dir = t.TempDir()
	samples, _ := filepath.Glob("../../samples/*.xlsx")
	if len(samples) == 0 {
		t.Skip("no samples")
	}
	put := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var first []byte
	for _, s := range samples {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		}
		good = append(good, put(filepath.Base(s), b))
	}
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1000)...)
	bad = []string{
		put("a-empty.xlsx", nil),
		put("b-csv.xlsx", []byte("项目名称,信息化运维项目\n")),
		put("c-old.xls", ole),
		put("d-truncated.xlsx", first[:len(first)/3]),
	}
	return dir, good, bad
}

// TestBatchMixedBadAndGood: every good file is checked, every bad one
// named with its error, and the exit code is 2 (some file unreadable).
func TestBatchMixedBadAndGood(t *testing.T) {
	dir, good, bad := mixedBatch(t)
	out, errs, code := run(t, "check", dir, "--format", "json", "--no-progress")
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %s", code, errs)
	}
	v := decode(t, out)
	if v.Summary.Files != len(good)+len(bad) || v.Summary.Unreadable != len(bad) {
		t.Fatalf("summary %+v", v.Summary)
	}
	byPath := map[string]int{}
	for i, f := range v.Files {
		byPath[filepath.Base(f.Path)] = i
	}
	for _, g := range good {
		f := v.Files[byPath[filepath.Base(g)]]
		if f.Error != "" || len(f.Forms) == 0 || f.Forms[0].Errors != 0 {
			t.Errorf("%s: not checked clean: %q, %d forms", g, f.Error, len(f.Forms))
		}
	}
	want := map[string]string{"a-empty.xlsx": "为空", "b-csv.xlsx": "CSV", "c-old.xls": "加密", "d-truncated.xlsx": "不完整"}
	for name, frag := range want {
		if f := v.Files[byPath[name]]; !strings.Contains(f.Error, frag) {
			t.Errorf("%s: error %q, want %q", name, f.Error, frag)
		}
	}
	// English on request.
	out, _, _ = run(t, "check", bad[0], bad[1], "--format", "json", "--lang", "en")
	v = decode(t, out)
	if !strings.Contains(v.Files[0].Error, "empty") || !strings.Contains(v.Files[1].Error, "CSV") || strings.ContainsFunc(v.Files[1].Error, isHan) {
		t.Errorf("English errors: %q / %q", v.Files[0].Error, v.Files[1].Error)
	}
	// Only good files: clean, exit 0; a limit lowered past them: the
	// form is not read, which must not pass (file.noform, exit 1).
	if _, errs, code := run(t, "check", good[0], "--no-progress"); code != 0 {
		t.Errorf("good file: exit %d %s", code, errs)
	}
	out, _, code = run(t, "check", good[0], "--format", "json", "--max-file-size", "1", "--max-rows", "5")
	if code != 1 || !strings.Contains(out, "--max-rows") || !strings.Contains(out, "file.noform") {
		t.Errorf("--max-rows 5: exit %d\n%s", code, out)
	}
	if _, errs, code := run(t, "check", good[0], "--max-cells", "0"); code != 2 || !strings.Contains(errs, "--max-cells") {
		t.Errorf("--max-cells 0: exit %d %s", code, errs)
	}
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// TestReportNeverOverInput: -o naming an input is refused and the input
// stays byte for byte; annotated copies stay inside their folder.
func TestReportNeverOverInput(t *testing.T) {
	_, good, _ := mixedBatch(t)
	before, _ := os.ReadFile(good[0])
	for _, cmd := range []string{"check", "extract"} {
		_, errs, code := run(t, cmd, filepath.Dir(good[0]), "-o", good[0])
		after, _ := os.ReadFile(good[0])
		if code != 2 || !strings.Contains(errs, "输入文件") || !bytes.Equal(before, after) {
			t.Fatalf("%s: exit %d, stderr %s, input changed %v", cmd, code, errs, !bytes.Equal(before, after))
		}
	}
	// Through another spelling of the same path.
	alt := filepath.Join(filepath.Dir(good[0]), ".", "..", filepath.Base(filepath.Dir(good[0])), filepath.Base(good[0]))
	if _, _, code := run(t, "check", good[0], "-o", alt); code != 2 {
		t.Errorf("alternate path: exit %d", code)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(good[0]), ".*tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestSafeNameHostile: whatever a project is called, its file name is one
// plain name inside the output folder, valid on Windows, macOS and Linux.
func TestSafeNameHostile(t *testing.T) {
	dir := t.TempDir()
	names := []string{
		"../../etc/passwd", `..\..\Windows\System32`, "/abs/path", "C:\\x", "C:", "a:b", "..", ".", "...", " ",
		"CON", "con.xlsx", "PRN", "AUX.txt", "NUL", "COM1", "com9.a.b", "LPT1", "lpt9", "CONIN$", "con .x",
		"x\x00y", "\x1b[31m红\x1b[0m", "tab\there", "line\nbreak", "del\x7f", "末尾点.", "末尾空格 ",
		strings.Repeat("项", 300), strings.Repeat("a/", 100), "项目/子项目:2024", "a\u202Eb", "名称?*<>|\"",
	}
	for _, in := range names {
		out := template.SafeName(in)
		p := filepath.Join(dir, out+".xlsx")
		switch {
		case out == "" || out == "." || out == ".." || strings.HasPrefix(out, ".."):
			t.Errorf("%q -> %q", in, out)
		case strings.ContainsAny(out, `/\:*?"<>|`) || strings.ContainsFunc(out, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			t.Errorf("%q -> %q has a forbidden character", in, out)
		case strings.HasSuffix(out, ".") || strings.HasSuffix(out, " ") || strings.HasPrefix(out, " "):
			t.Errorf("%q -> %q ends in a dot or space", in, out)
		case len([]rune(out)) > 80:
			t.Errorf("%q -> %d runes", in, len([]rune(out)))
		case windowsReserved(out):
			t.Errorf("%q -> %q is reserved on Windows", in, out)
		case !atomicfile.Within(dir, p) || filepath.Dir(p) != dir:
			t.Errorf("%q -> %q escapes %s", in, out, dir)
		}
		if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
			t.Errorf("%q -> %q: cannot be written: %v", in, out, err)
		}
	}
}

// windowsReserved: a device name, with or without extension, and
// whatever the trailing spaces (Windows trims them before looking).
func windowsReserved(s string) bool {
	base := strings.ToUpper(strings.TrimRight(strings.SplitN(s, ".", 2)[0], " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '0' && base[3] <= '9'
}
