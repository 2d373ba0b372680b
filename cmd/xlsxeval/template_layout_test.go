package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// template --layout writes a region's layout, built in or from YAML; check
// reads it back as that layout, in the layout's amount unit, with no
// error-level finding on the blank form but the empty form itself.
func TestTemplateLayoutFlag(t *testing.T) {
	dir := t.TempDir()
	src, err := runApp(t, "layouts", "--show", "sichuan-0013zp")
	if err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "mine.yaml")
	os.WriteFile(mine, []byte(strings.Replace(src, "name: sichuan-0013zp", "name: mine", 1)), 0o644)
	for _, c := range []struct{ layout, name, unit string }{
		{"yunnan-14", "yunnan-14", "(元)"}, {"dept-chongqing", "dept-chongqing", "(万元)"}, {mine, "mine", "(万元)"},
	} {
		p := filepath.Join(dir, c.name+".xlsx")
		if _, errs, code := run(t, "template", "-o", p, "--rows", "4", "--layout", c.layout); code != 0 {
			t.Fatalf("--layout %s: exit %d %s", c.layout, code, errs)
		}
		f, sheet, fp := templateSheet(t, p)
		if fp.Layout != c.name || fp.Rows != 4 {
			t.Errorf("--layout %s: fingerprint layout %q, %d rows", c.layout, fp.Layout, fp.Rows)
		}
		rows, _ := f.GetRows(sheet)
		var text strings.Builder
		for _, r := range rows {
			text.WriteString(strings.Join(r, "|") + "\n")
		}
		if !strings.Contains(text.String(), c.unit) {
			t.Errorf("--layout %s: no %s on the form:\n%s", c.layout, c.unit, text.String())
		}
		args := []string{"check", "--format", "json", p}
		if c.name == "mine" {
			args = append(args, "--layout", mine)
		}
		out, _, _ := run(t, args...)
		if !strings.Contains(out, `"layout":"`+c.name+`"`) {
			t.Errorf("--layout %s: read back as another layout: %s", c.layout, out)
		}
		for _, fm := range decode(t, out).Files[0].Forms {
			for _, x := range fm.Findings {
				if x.Severity == "error" && x.Rule != "form.empty" {
					t.Errorf("--layout %s: blank form: %s %s %s", c.layout, x.Rule, x.Cell, x.Message)
				}
			}
		}
	}
	if _, errs, code := run(t, "template", "-o", filepath.Join(dir, "x.xlsx"), "--layout", "nowhere"); code != 2 || !strings.Contains(errs, "nowhere") {
		t.Errorf("unknown layout: exit %d %s", code, errs)
	}
	// Where the budget is not scored, the indicators must weigh 100: the
	// seed's spec (90 plus the budget's 10) is refused, nothing written.
	out := filepath.Join(dir, "transfer")
	if _, errs, code := run(t, "template", "--spec", "../../samples/specs/seed1.yaml", "--layout", "transfer", "-o", out+"/"); code != 2 || !strings.Contains(errs, "合计为 90, 应为 100") {
		t.Errorf("unscored budget: exit %d %s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused spec wrote files")
	}
}

// A signed form prefilled in a split-target layout checks clean with its
// key, and a raised weight is caught at its cell in that layout.
func TestSignedLayoutTemplate(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.txt")
	os.WriteFile(keyFile, []byte("bureau-signing-key-2025-x9\n"), 0o600)
	_, errs, code := run(t, "template", "--spec", "../../samples/specs/seed1.yaml", "--layout", "sichuan-0013zp",
		"--sign-key-file", keyFile, "-o", filepath.Join(dir, "out")+"/")
	if code != 0 {
		t.Fatalf("template: exit %d: %s", code, errs)
	}
	made := filepath.Join(dir, "out", "信息化运维项目.xlsx")
	out, errs, code := run(t, "check", "--sign-key-file", keyFile, "--format", "json", made)
	if code != 0 || strings.Contains(out, "tpl.") || strings.Contains(out, `"severity":"warning"`) || !strings.Contains(out, `"layout":"sichuan-0013zp"`) {
		t.Fatalf("untouched signed form: exit %d %s\n%s", code, errs, out)
	}
	_, _, fp := templateSheet(t, made)
	ref := fp.Fields["ind.2.weight"]
	changed := filepath.Join(dir, "returned.xlsx")
	raiseWeight(t, made, changed, ref)
	out, errs, code = run(t, "check", "--sign-key-file", keyFile, "--format", "json", changed)
	if code != 1 || !hasFinding(decode(t, out), "tpl.changed", ref, "5") {
		t.Fatalf("raised weight at %s: exit %d %s\n%s", ref, code, errs, out)
	}
}

// A region's --layout does not take over forms that show none of its
// labels: the samples (no fingerprint) are still the seed's.
func TestLayoutFlagKeepsSeed(t *testing.T) {
	out, errs, code := run(t, "check", "--format", "json", "--layout", "../../template/testdata/layouts/region.yaml", "../../samples/")
	if code != 0 || strings.Count(out, `"layout":"seed"`) != 2 || strings.Contains(out, "test-city") {
		t.Errorf("exit %d %s\n%s", code, errs, out)
	}
}
