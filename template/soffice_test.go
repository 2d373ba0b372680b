package template

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// randomProjects are fills that reach every branch of the rules: zero
// budgets, over-execution, each operator met and missed, qualitative
// levels, blank actuals.
func randomProjects(n int) []*Project {
	r := rand.New(rand.NewPCG(20240, 7))
	dec := func(max int, places int32) *Dec {
		d := decimal.New(r.Int64N(int64(max)*100), -2)
		if places == 3 {
			d = decimal.New(r.Int64N(int64(max)*1000), -3)
		}
		return &Dec{d}
	}
	var out []*Project
	for k := 0; k < n; k++ {
		pr := &Project{Name: fmt.Sprintf("随机%02d", k), Department: "局", Unit: "中心", Year: 2024}
		for i := form.FundCurrent; i < form.NumFunds; i++ {
			f := &Figures{Initial: dec(500, 2), Budget: dec(500, 2)}
			switch r.IntN(5) {
			case 0:
				f.Budget = &Dec{decimal.Zero} // zero budget
			case 1:
				f.Exec = &Dec{f.Budget.Add(decimal.New(r.Int64N(5000)+1, -2))} // over-execution
			case 2:
				f.Exec = &Dec{f.Budget.Sub(decimal.New(r.Int64N(999), -3))} // the seed's kind
			default:
				f.Exec = dec(500, 3)
			}
			if f.Exec != nil && f.Exec.IsNegative() {
				f.Exec = &Dec{decimal.Zero}
			}
			pr.Funds.set(i, f)
		}
		rows := 3 + r.IntN(10)
		for j := 0; j < rows; j++ {
			pr.Indicators = append(pr.Indicators, randomIndicator(r))
		}
		out = append(out, pr)
	}
	return out
}

func randomIndicator(r *rand.Rand) *Indicator {
	ops := []string{"≥", "≤", "=", ">", "<", "", ">=", "<=", "＞＝", "＜＝", "＝"}
	op := ops[r.IntN(len(ops))]
	w := decimal.NewFromInt(int64(1 + r.IntN(15)))
	x := &Indicator{L1: "产出指标", L2: "数量指标", L3: "指标", Weight: &Dec{w}}
	t := decimal.New(r.Int64N(20000), -2)
	if r.IntN(8) == 0 {
		t = decimal.Zero
	}
	var a decimal.Decimal
	switch r.IntN(4) {
	case 0:
		a = t // met exactly
	case 1:
		a = t.Add(decimal.New(r.Int64N(5000)+1, -2)) // above
	case 2:
		a = t.Sub(decimal.New(r.Int64N(5000)+1, -2)) // below
		if a.IsNegative() {
			a = decimal.Zero
		}
	default:
		a = decimal.Zero
	}
	unit := []string{"(项)", "(%)", "(万元)", "%", "个", "万元/年"}[r.IntN(6)]
	if op == "" {
		x.Target = []string{"健全", "建立健全", "及时", "效果明显"}[r.IntN(4)]
		levels := append(formulas.LevelChoices(), x.Target, "基本达成", "未完成")
		x.Actual = levels[r.IntN(len(levels))]
	} else {
		x.Target = op + t.StringFixed(2) + unit
		x.Actual = a.StringFixed(2) + unit
	}
	if r.IntN(10) == 0 {
		x.Actual = ""
	}
	if r.IntN(6) > 0 {
		x.Score = &Dec{decimal.New(r.Int64N(w.IntPart()*100+1), -2)}
	}
	return x
}

// The workbook LibreOffice recalculates: both seeds, the batch table's
// prefilled forms, blank forms, and random fills; no cached values, so
// every figure read back is LibreOffice's own.
func buildForLibreOffice(t *testing.T) *Workbook {
	t.Helper()
	p := formulas.Default()
	w, err := NewWorkbook(p)
	if err != nil {
		t.Fatal(err)
	}
	w.noCache = true
	used := map[string]bool{}
	var prs []*Project
	prs = append(prs, readSeed(t, "seed1.yaml").Projects...)
	prs = append(prs, readSeed(t, "seed2.yaml").Projects...)
	for _, pr := range readSeedTable(t).Projects {
		pr.Name += "(预填)"
		prs = append(prs, pr)
	}
	prs = append(prs, randomProjects(40)...)
	prs = append(prs, spellingProjects(t)...)
	for _, pr := range prs {
		if err := w.AddForm(SheetName(pr.Name, used), pr, 0, 2024); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddForm("空白", nil, DefaultRows, 2024); err != nil {
		t.Fatal(err)
	}
	return w
}

// spellingProjects hold every spelling of formulas' reading corpus as a
// target (met in words, and by 95%) and as an actual (of a percentage
// and of a deadline), under 产出指标 and 成本指标: the sheet's reading of
// each must be Go's.
func spellingProjects(t *testing.T) []*Project {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "formulas", "testdata", "spellings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus []string
	if err := json.Unmarshal(b, &corpus); err != nil {
		t.Fatal(err)
	}
	var out []*Project
	var pr *Project
	five := &Dec{decimal.NewFromInt(5)}
	for i, s := range corpus {
		if i%6 == 0 {
			pr = &Project{Name: fmt.Sprintf("写法%02d", i/6), Department: "局", Unit: "中心", Year: 2024}
			out = append(out, pr)
		}
		for _, ta := range [][2]string{{s, "达成指标"}, {s, "95%"}, {"≥90%", s}, {"11月底前", s}} {
			x := &Indicator{L1: "产出指标", L2: "数量指标", L3: "写法", Target: ta[0], Actual: ta[1], Weight: five, Score: five}
			if i%2 == 1 {
				x.L1, x.L2 = "成本指标", "经济成本指标"
			}
			pr.Indicators = append(pr.Indicators, x)
		}
	}
	return out
}

func TestLibreOfficeRecalculates(t *testing.T) {
	soffice.Need(t)
	w := buildForLibreOffice(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "forms.xlsx")
	if err := w.Save(in); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "lo")
	os.Mkdir(outDir, 0o755)
	got, err := soffice.Convert(in, outDir, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(got)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	compared := 0
	for sheet, cells := range w.cache {
		refs := make([]string, 0, len(cells))
		for ref := range cells {
			refs = append(refs, ref)
		}
		sort.Strings(refs)
		for _, ref := range refs {
			compared++
			raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if !sameValue(cells[ref], raw) {
				fm, _ := f.GetCellFormula(sheet, ref)
				t.Errorf("%s!%s: LibreOffice %q, Go %v (=%s)", sheet, ref, raw, cells[ref], fm)
			}
		}
	}
	t.Logf("%d formula cells compared", compared)
	if compared < 2000 {
		t.Errorf("only %d formula cells compared", compared)
	}
	// The seeds' figures, as printed on the forms.
	lay := NewLayout(12, formulas.Default())
	for _, c := range []struct{ sheet, ref, want string }{
		{"信息化运维项目", "G6", "99.88"}, {"信息化运维项目", "G7", "99.88"}, {"信息化运维项目", "H6", "9.99"},
		{"信息化运维项目", "E6", "17.50"}, {"信息化运维项目", "G25", "98.99"}, {"信息化运维项目", "F25", "100.00"},
		{"信息化运维项目", "B26", "优"}, {"信息化运维项目", lay.Helper(11, "cap"), "4.94"},
		{"文旅管理与服务", "G6", "100.00"}, {"文旅管理与服务", "H6", "10.00"}, {"文旅管理与服务", "G25", "98.50"},
		{"文旅管理与服务", "B26", "优"}, {"文旅管理与服务", lay.Helper(10, "cap"), "3.99"}, {"文旅管理与服务", "G8", "0.00"},
	} {
		v, _ := f.GetCellValue(c.sheet, c.ref)
		if strings.HasPrefix(c.ref, colName(lay.helperCol("cap"))) {
			raw, _ := f.GetCellValue(c.sheet, c.ref, excelize.Options{RawCellValue: true})
			v = decimal.RequireFromString(raw).StringFixed(2)
		}
		if v != c.want {
			t.Errorf("%s!%s shows %q, want %q", c.sheet, c.ref, v, c.want)
		}
	}
	// The fingerprint survives LibreOffice's re-save.
	fps, err := form.ReadFingerprints(f)
	if err != nil || len(fps) != len(w.fps) {
		t.Fatalf("after re-save: %d fingerprints of %d, %v", len(fps), len(w.fps), err)
	}
	for _, fp := range w.fps {
		if g := fps[fp.Sheet]; g == nil || g.Rows != fp.Rows || g.Fields["grade"] != fp.Fields["grade"] {
			t.Errorf("fingerprint of %s changed: %+v", fp.Sheet, g)
		}
	}
}

// sameValue compares what LibreOffice computed with what Go computed.
func sameValue(want any, raw string) bool {
	switch x := want.(type) {
	case decimal.Decimal:
		d, err := decimal.NewFromString(raw)
		return err == nil && d.Sub(x).Abs().LessThan(decimal.New(1, -9))
	case string:
		return raw == x
	case bool:
		return raw == map[bool]string{true: "1", false: "0"}[x] || strings.EqualFold(raw, fmt.Sprint(x))
	}
	return false
}

// The samples render as the official form: the first page to PNG (kept
// in XLSXEVAL_RENDER_DIR when set, to look at).
func TestRenderFirstPage(t *testing.T) {
	soffice.Need(t)
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if soffice.Required() {
			t.Fatal("pdftoppm required")
		}
		t.Skip("pdftoppm not installed")
	}
	dir := os.Getenv("XLSXEVAL_RENDER_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	w, err := Build(readSeed(t, "seed2.yaml").Projects, opts())
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "seed2.xlsx")
	if err := w.Save(in); err != nil {
		t.Fatal(err)
	}
	pdf, err := soffice.Convert(in, dir, "pdf")
	if err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "seed2-page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", pdf, png).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	m, _ := filepath.Glob(png + "*.png")
	if len(m) != 1 {
		t.Fatalf("no page rendered: %v", m)
	}
	st, _ := os.Stat(m[0])
	if st.Size() < 10000 {
		t.Errorf("page image too small (%d bytes): blank page?", st.Size())
	}
}
