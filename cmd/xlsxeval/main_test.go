package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var bin string

// TestMain builds the real binary once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xlsxeval-bin-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "xlsxeval")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs the binary and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runEnv(t, nil, args...)
}

// checkJSON is the part of check's JSON schema the tests rely on.
type checkJSON struct {
	Files []struct {
		Path  string `json:"path"`
		Error string `json:"error"`
		Forms []struct {
			Sheet, Project, Total, Grade string
			Errors, Warnings             int
			Findings                     []struct {
				Rule, Severity, Sheet, Cell, Expected, Found, Message string
			}
		} `json:"forms"`
	} `json:"files"`
	Summary struct {
		Files, Unreadable, Forms, Errors, Warnings int
	} `json:"summary"`
}

func decode(t *testing.T, s string) checkJSON {
	t.Helper()
	var v checkJSON
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	return v
}

func TestCheckSamplesClean(t *testing.T) {
	out, errs, code := run(t, "check", "../../samples/", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s\n%s", code, errs, out)
	}
	v := decode(t, out)
	if v.Summary.Forms < 2 || v.Summary.Errors != 0 || v.Summary.Unreadable != 0 {
		t.Fatalf("summary %+v", v.Summary)
	}
	want := map[string][2]string{"信息化运维项目": {"98.99", "优"}, "文旅管理与服务": {"98.50", "优"}}
	seen := 0
	for _, f := range v.Files {
		for _, fm := range f.Forms {
			if w, ok := want[fm.Project]; ok {
				seen++
				if fm.Total != w[0] || fm.Grade != w[1] {
					t.Errorf("%s: total %s grade %s, want %v", fm.Project, fm.Total, fm.Grade, w)
				}
			}
		}
	}
	if seen < 2 {
		t.Errorf("seed projects not found in samples: %+v", v.Files)
	}
}

func TestCheckExitCodes(t *testing.T) {
	if _, _, code := run(t, "check"); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	if _, _, code := run(t, "check", "does-not-exist.xlsx"); code != 2 {
		t.Errorf("missing file: exit %d, want 2", code)
	}
	if _, _, code := run(t, "check", "--format", "yaml", "../../samples/"); code != 2 {
		t.Errorf("bad format: exit %d, want 2", code)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "坏.xlsx")
	os.WriteFile(bad, []byte("this is not a workbook"), 0o644)
	out, _, code := run(t, "check", "--format", "json", bad, "../../samples/")
	if code != 2 {
		t.Errorf("batch with a bad file: exit %d, want 2", code)
	}
	v := decode(t, out)
	if v.Summary.Unreadable != 1 || v.Summary.Forms < 2 {
		t.Errorf("the good files must still be checked: %+v", v.Summary)
	}
}

func TestCheckTextEnglish(t *testing.T) {
	out, _, code := run(t, "check", "--lang", "en", "../../samples/")
	if code != 0 || !bytes.Contains([]byte(out), []byte("forms:")) {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	out, _, _ = run(t, "check", "../../samples/")
	if !bytes.Contains([]byte(out), []byte("张表")) {
		t.Errorf("Chinese summary missing:\n%s", out)
	}
}

func TestRulesListsCodes(t *testing.T) {
	out, _, code := run(t, "rules")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range []string{"funds.sum", "funds.rate", "funds.score", "funds.over", "ind.range", "ind.cap",
		"ind.reason", "ind.category", "ind.unit", "ind.parse", "ind.missing", "weights.sum", "total.sum",
		"total.grade", "head.missing"} {
		if !bytes.Contains([]byte(out), []byte(c)) {
			t.Errorf("rules does not list %s", c)
		}
	}
}

// The README's faulty example: two scores above what their completion allows.
func TestCheckFaultyExample(t *testing.T) {
	out, _, code := run(t, "check", "../../examples/faulty/", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	v := decode(t, out)
	got := map[string]string{}
	for _, f := range v.Files {
		for _, fm := range f.Forms {
			for _, x := range fm.Findings {
				got[x.Cell] = x.Rule + "/" + x.Severity
			}
		}
	}
	want := map[string]string{"G22": "ind.cap/error", "G24": "ind.cap/error"}
	for c, w := range want {
		if got[c] != w {
			t.Errorf("%s: got %q, want %q (all: %v)", c, got[c], w, got)
		}
	}
}

// A blank template sent back unfilled: one form.empty finding, and no
// total or grade reported from its formulas' 0.00 and 差.
func TestCheckBlankTemplate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "空白.xlsx")
	if _, errs, code := run(t, "template", "-o", p, "--year", "2024"); code != 0 {
		t.Fatalf("template: exit %d %s", code, errs)
	}
	out, _, code := run(t, "check", p, "--format", "json")
	v := decode(t, out)
	if code != 1 || len(v.Files) != 1 || len(v.Files[0].Forms) != 1 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	fm := v.Files[0].Forms[0]
	if len(fm.Findings) != 1 || fm.Findings[0].Rule != "form.empty" || fm.Total != "" || fm.Grade != "" {
		t.Errorf("blank form reported as %+v", fm)
	}
}

// --quiet lists only the files with an error or a warning (and those that
// cannot be read), then the summary line, which still counts them all.
func TestCheckQuiet(t *testing.T) {
	in := reportInputs(t)
	full, _, _ := run(t, "check", in)
	for _, q := range []string{"--quiet", "-q"} {
		out, _, code := run(t, "check", q, in)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2 (a file cannot be read)", q, code)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "共 4 个文件, 3 张表: 2 张无问题") {
			t.Errorf("%s: summary line %q", q, last)
		}
		if !strings.Contains(out, "坏 表?.xlsx") || !strings.Contains(out, "broken.xlsx") {
			t.Errorf("%s: faulty or unreadable file left out:\n%s", q, out)
		}
		if strings.Contains(out, "文旅管理与服务.xlsx") || strings.Contains(out, filepath.Join(in, "信息化运维项目.xlsx")) {
			t.Errorf("%s: clean files listed:\n%s", q, out)
		}
	}
	if !strings.Contains(full, "文旅管理与服务.xlsx") {
		t.Errorf("without --quiet the clean files are listed:\n%s", full)
	}
}
