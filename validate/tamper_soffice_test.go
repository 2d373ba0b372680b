package validate

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
	"github.com/xlsxeval/xlsxeval/template"
)

// honestFill writes to path the seed form generated without what the
// unit reports, signed, then filled in its unlocked input cells only with
// the seed's figures, as a unit would.
func honestFill(t *testing.T, path string) {
	s := seedSpec(t)
	filled := s.Projects[0]
	pr := *filled
	pr.Done, pr.Indicators = "", nil
	for _, x := range filled.Indicators {
		y := *x
		y.Actual, y.Score, y.Reason = "", nil, ""
		pr.Indicators = append(pr.Indicators, &y)
	}
	noExec := func(f *template.Figures) *template.Figures {
		if f == nil {
			return nil
		}
		g := *f
		g.Exec = nil
		return &g
	}
	pr.Funds = template.FundsSpec{Current: noExec(filled.Funds.Current), Carry: noExec(filled.Funds.Carry), Other: noExec(filled.Funds.Other)}
	w, err := template.Build([]*template.Project{&pr}, template.Options{Profile: formulas.Default(), Year: 2024, SignKey: mustKey(t, tamperKey)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	lay := template.NewLayout(len(pr.Indicators), formulas.Default())
	set := func(key string, v any) {
		ref := lay.Ref(key)
		id, _ := f.GetCellStyle(pr.Name, ref)
		if st, err := f.GetStyle(id); err != nil || st.Protection == nil || st.Protection.Locked {
			t.Fatalf("%s (%s) is locked: not an input cell", key, ref)
		}
		if err := f.SetCellValue(pr.Name, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	set("done", filled.Done)
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		if g := filled.Funds.Row(i); g != nil && g.Exec != nil {
			v, _ := g.Exec.Float64()
			set(form.FundKey(i, form.FFundExec).String(), v)
		}
	}
	for i, x := range filled.Indicators {
		set(form.IndKey(i, form.FActual).String(), x.Actual)
		if x.Score != nil {
			v, _ := x.Score.Float64()
			set(form.IndKey(i, form.FScore).String(), v)
		}
		if x.Reason != "" {
			set(form.IndKey(i, form.FReason).String(), x.Reason)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestTamperLibreOffice re-saves through LibreOffice an honestly filled
// signed form (it must stay clean of tpl.* findings) and a tampered one
// (every change must still be caught at its cell).
func TestTamperLibreOffice(t *testing.T) {
	soffice.Need(t)
	dir := t.TempDir()
	honest := filepath.Join(dir, "honest.xlsx")
	honestFill(t, honest)

	b, lay, sheet := signedSeed(t, tamperKey)
	b = editPart(t, b, sheet, "", func(x string) string {
		x = setCell(t, x, lay.Ref("ind.1.target"), inlineStr("≥5.00(项)"))
		x = setCell(t, x, lay.Ref("ind.2.weight"), `><v>8</v></c>`)
		x = setCell(t, x, lay.Ref("funds.1.rate"), `><v>100</v></c>`)
		x = regexp.MustCompile(`<sheetProtection[^>]*/>|<sheetProtection[^>]*>.*?</sheetProtection>`).ReplaceAllString(x, "")
		return insertRow(x, lay.IndRow(5))
	})
	tampered := filepath.Join(dir, "tampered.xlsx")
	if err := os.WriteFile(tampered, b, 0o644); err != nil {
		t.Fatal(err)
	}
	lo := filepath.Join(dir, "lo")
	os.Mkdir(lo, 0o755)
	seal := &Seal{Key: mustKey(t, tamperKey)}
	for _, in := range []string{honest, tampered} {
		out, err := soffice.Convert(in, lo, "xlsx")
		if err != nil {
			t.Fatal(err)
		}
		res := NewChecker(Checks(), ReadOptions{Seal: seal}).CheckFile(out)
		if res.Err != nil || len(res.Forms) != 1 {
			t.Fatalf("%s: %v, %d forms", out, res.Err, len(res.Forms))
		}
		var tpl []Finding
		for _, f := range res.Forms[0].Findings {
			if strings.HasPrefix(f.Rule, "tpl.") {
				tpl = append(tpl, f)
			}
		}
		if in == honest {
			findingsMatch(t, "honest fill re-saved by LibreOffice", tpl, nil)
			if res.Forms[0].Form.Template == nil {
				t.Error("LibreOffice dropped the fingerprint")
			}
			continue
		}
		findingsMatch(t, "tampered, re-saved by LibreOffice", tpl, []want{
			{"tpl.protection", "", ""},
			{"tpl.formula", lay.Ref("funds.1.rate"), ""},
			{"tpl.changed", lay.Ref("ind.1.target"), "≥10.00(项)"},
			{"tpl.changed", lay.Ref("ind.2.weight"), "5"},
			{"tpl.changed", fmt.Sprintf("C%d", lay.IndRow(5)), ""},
		})
	}
}

// TestTamperGnumeric re-saves an honestly filled signed form through
// Gnumeric (ssconvert --recalc) and through LibreOffice, then through
// Gnumeric after LibreOffice: none of them may raise a tpl.* finding (Gnumeric
// rewrites decimal constants when it saves; the rules carry none).
func TestTamperGnumeric(t *testing.T) {
	gn, err := exec.LookPath("ssconvert")
	if err != nil {
		if os.Getenv("XLSXEVAL_REQUIRE_GNUMERIC") == "1" || soffice.Required() {
			t.Fatal("Gnumeric (ssconvert) is required here but not installed")
		}
		t.Skip("Gnumeric not installed")
	}
	dir := t.TempDir()
	honest := filepath.Join(dir, "honest.xlsx")
	honestFill(t, honest)
	gnumeric := func(in string) string {
		out := strings.TrimSuffix(in, ".xlsx") + "-gn.xlsx"
		if b, err := exec.Command(gn, "--recalc", in, out).CombinedOutput(); err != nil {
			t.Fatalf("ssconvert: %v: %s", err, b)
		}
		return out
	}
	paths := []string{gnumeric(honest)}
	if soffice.Path() != "" {
		lo := filepath.Join(dir, "lo")
		os.Mkdir(lo, 0o755)
		out, err := soffice.Convert(honest, lo, "xlsx")
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, gnumeric(out))
	}
	seal := &Seal{Key: mustKey(t, tamperKey)}
	for _, p := range paths {
		res := NewChecker(Checks(), ReadOptions{Seal: seal}).CheckFile(p)
		if res.Err != nil || len(res.Forms) != 1 {
			t.Fatalf("%s: %v, %d forms", p, res.Err, len(res.Forms))
		}
		var tpl []Finding
		for _, f := range res.Forms[0].Findings {
			if strings.HasPrefix(f.Rule, "tpl.") {
				tpl = append(tpl, f)
			}
		}
		findingsMatch(t, "honest fill re-saved by Gnumeric ("+filepath.Base(p)+")", tpl, nil)
		if res.Forms[0].Form.Template == nil {
			t.Errorf("%s: the fingerprint was dropped", p)
		}
	}
}
