package validate

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// realForms are published forms of other regions, re-typed in their own
// layouts (../shared/forms/README.md), with every error a correct checker
// reports (rule@cell), the total and the grade.
var realForms = []struct {
	file, total, grade string
	errors             []string
}{
	{"tianchang_slj2022.xlsx", "100", "优", []string{
		"head.missing@C4", "funds.missing@H6",
		"ind.missing@E16", "ind.missing@F16", "ind.missing@E19", "ind.missing@F19",
		"ind.missing@E22", "ind.missing@F22", "ind.missing@E25", "ind.missing@F25",
		"ind.missing@E28", "ind.missing@F28", "ind.missing@E34", "ind.missing@F34",
	}},
	{"yongde_mlzx2022.xlsx", "96", "优", []string{"ind.reason@J16", "ind.reason@J19"}},
	{"qingshen_fgj2023.xlsx", "", "", []string{
		"funds.missing@H10", "ind.missing@H16", "ind.missing@J16", "ind.missing@H17", "ind.missing@J17",
		"total.missing@J18",
	}},
}

// TestRealForms: each real form gives exactly its listed errors, total and
// grade.
func TestRealForms(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	for _, c := range realForms {
		checkRealForm(t, k, filepath.Join("testdata", "forms", c.file), c.total, c.grade, c.errors)
	}
}

// TestRealFormsLibreOffice: the same after a LibreOffice re-save.
func TestRealFormsLibreOffice(t *testing.T) {
	soffice.Need(t)
	dir := t.TempDir()
	k := NewChecker(Checks(), ReadOptions{})
	for _, c := range realForms {
		out, err := soffice.Convert(filepath.Join("testdata", "forms", c.file), dir, "xlsx")
		if err != nil {
			t.Fatal(err)
		}
		checkRealForm(t, k, out, c.total, c.grade, c.errors)
	}
}

func checkRealForm(t *testing.T, k *Checker, path, total, grade string, want []string) {
	t.Helper()
	res := k.CheckFile(path)
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%s: %v, %d forms", path, res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	var got []string
	for _, f := range fr.Findings {
		if f.Severity == Error {
			got = append(got, f.Rule+"@"+f.Cell)
		}
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s errors:\n got  %s\n want %s", path, strings.Join(got, " "), strings.Join(want, " "))
		for _, f := range fr.Findings {
			t.Logf("  %s %s %s %s", f.Severity, f.Rule, f.Cell, f.Message)
		}
	}
	if fr.Summary.Total != total && fr.Form.TotalScore.Text != total {
		t.Errorf("%s: total %q (shown %q), want %s", path, fr.Summary.Total, fr.Form.TotalScore.Text, total)
	}
	if fr.Summary.Grade != grade {
		t.Errorf("%s: grade %q, want %s", path, fr.Summary.Grade, grade)
	}
}

// TestRealFormsEdited: faults put into the real forms are caught where
// the layout puts the figures: a grade written on the total row (云南), a
// total changed under the template's unused rows (安徽).
func TestRealFormsEdited(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	for _, c := range []struct {
		file  string
		edits map[string]any
		want  string
		sev   Severity
	}{
		{"yongde_mlzx2022.xlsx", map[string]any{"J24": "良"}, "total.grade@J24", Error},
		{"tianchang_slj2022.xlsx", map[string]any{"H40": 90}, "total.sum@H40", Error},
		{"tianchang_slj2022.xlsx", map[string]any{"G40": 90}, "weights.sum@G40", Error},
		// A score missing: the total is still checked against what the
		// others allow (90 to 100), and says it was checked only so far.
		{"tianchang_slj2022.xlsx", map[string]any{"H13": "", "H40": 85}, "total.sum@H40", Error},
		{"tianchang_slj2022.xlsx", map[string]any{"H13": ""}, "total.sum@H40", Info},
		{"tianchang_slj2022.xlsx", map[string]any{"G13": "", "G14": 80}, "weights.sum@G40", Error},
		{"tianchang_slj2022.xlsx", map[string]any{"G13": ""}, "weights.sum@G40", Info},
	} {
		f, err := excelize.OpenFile(filepath.Join("testdata", "forms", c.file))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		for cell, v := range c.edits {
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(t.TempDir(), c.file)
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		res := k.CheckFile(path)
		if res.Err != nil || len(res.Forms) != 1 {
			t.Fatalf("%s: %v", path, res.Err)
		}
		found := false
		for _, x := range res.Forms[0].Findings {
			found = found || x.Severity == c.sev && x.Rule+"@"+x.Cell == c.want
		}
		if !found {
			t.Errorf("%s with %v: no %s %s in %v", c.file, c.edits, c.sev, c.want, res.Forms[0].Findings)
		}
	}
}

// TestRateAsFraction: a rate typed as a fraction in a General cell (1 for
// 100%, 0.958 for 95.8%) is read as the percentage when the amounts say
// so, and checked as such.
func TestRateAsFraction(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	for _, c := range []struct {
		budget, exec, rate float64
		wantRate           string
		wantErr            bool
	}{
		{880, 880, 1, "100", false},
		{880, 843.04, 0.958, "95.8", false},
		{880, 843.04, 0.9, "0.9", true}, // not 95.8% either way: funds.rate
	} {
		f, err := excelize.OpenFile(filepath.Join("testdata", "forms", "tianchang_slj2022.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		for cell, v := range map[string]float64{"E6": c.budget, "F6": c.exec, "H6": c.rate, "E7": c.budget, "F7": c.exec, "I6": 9.58} {
			f.SetCellValue("Sheet1", cell, v)
		}
		path := filepath.Join(t.TempDir(), "rate.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		res := k.CheckFile(path)
		r := res.Forms[0].Form.Funds[0].Rate
		if r.Num == nil || r.Num.String() != c.wantRate {
			t.Errorf("rate %v read as %v", c.rate, r.Num)
		}
		rateErr := false
		for _, x := range res.Forms[0].Findings {
			rateErr = rateErr || x.Rule == "funds.rate" && x.Severity == Error
		}
		if rateErr != c.wantErr {
			t.Errorf("rate %v: funds.rate error %v, want %v: %v", c.rate, rateErr, c.wantErr, res.Forms[0].Findings)
		}
	}
}
