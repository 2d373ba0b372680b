package template

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// needGnumeric returns ssconvert, skipping t without it unless Gnumeric
// is required (XLSXEVAL_REQUIRE_GNUMERIC=1, or XLSXEVAL_REQUIRE_SOFFICE=1
// as in CI).
func needGnumeric(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ssconvert")
	if err != nil {
		if os.Getenv("XLSXEVAL_REQUIRE_GNUMERIC") == "1" || soffice.Required() {
			t.Fatal("Gnumeric (ssconvert) is required here but not installed")
		}
		t.Skip("Gnumeric not installed; set XLSXEVAL_REQUIRE_GNUMERIC=1 to require it")
	}
	return p
}

// gnumericRecalc has Gnumeric load in, recalculate every formula and save
// the result as xlsx.
func gnumericRecalc(t *testing.T, in string) string {
	t.Helper()
	out := strings.TrimSuffix(in, filepath.Ext(in)) + "-gnumeric.xlsx"
	cmd := exec.Command(needGnumeric(t), "--recalc", in, out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssconvert: %v: %s", err, b)
	}
	return out
}

// sameFormulaValues holds every formula cell of the forms in a (as
// recorded by the writer of w) against b: numbers to 1e-9, texts and
// truths as shown. It returns how many cells it compared.
func sameFormulaValues(t *testing.T, w *Workbook, a, b string, what string) int {
	t.Helper()
	fa, err := excelize.OpenFile(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := excelize.OpenFile(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	n, shown := 0, 0
	defer func() {
		if shown < n/4 {
			t.Errorf("%d of %d formula cells show a value: nothing was compared", shown, n)
		}
	}()
	for _, fp := range w.fps {
		for _, u := range w.used[fp.Sheet] {
			if u.Cond {
				continue
			}
			n++
			va, _ := fa.GetCellValue(fp.Sheet, u.Ref, excelize.Options{RawCellValue: true})
			vb, _ := fb.GetCellValue(fp.Sheet, u.Ref, excelize.Options{RawCellValue: true})
			if va != "" {
				shown++
			}
			if !sameShown(va, vb) {
				t.Errorf("%s!%s (%s): LibreOffice %q, %s %q", fp.Sheet, u.Ref, u.Name, va, what, vb)
			}
		}
	}
	return n
}

func sameShown(a, b string) bool {
	if a == b {
		return true
	}
	da, ea := decimal.NewFromString(a)
	db, eb := decimal.NewFromString(b)
	if ea == nil && eb == nil {
		return da.Sub(db).Abs().LessThan(decimal.New(1, -9))
	}
	truth := map[string]string{"1": "TRUE", "0": "FALSE", "true": "TRUE", "false": "FALSE"}
	return truth[strings.ToLower(a)] != "" && truth[strings.ToLower(a)] == truth[strings.ToLower(b)]
}

// TestGnumericAgreesWithLibreOffice recalculates the same forms (seeds,
// prefilled batch, random fills, blank; no cached values) in Gnumeric and
// in LibreOffice: every formula cell must show the same value.
func TestGnumericAgreesWithLibreOffice(t *testing.T) {
	soffice.Need(t)
	needGnumeric(t)
	w := buildForLibreOffice(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "forms.xlsx")
	if err := w.Save(in); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "lo")
	os.Mkdir(outDir, 0o755)
	lo, err := soffice.Convert(in, outDir, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	n := sameFormulaValues(t, w, lo, gnumericRecalc(t, in), "Gnumeric")
	t.Logf("%d formula cells compared", n)
	if n < 2000 {
		t.Errorf("only %d formula cells compared", n)
	}
}
