package template

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xlsxeval/xlsxeval/validate"
)

// layoutRows fill every kind of row: operators met and missed, a
// deadline, a bare number under 成本指标, words, a percentage.
var layoutRows = []struct{ l1, l2, l3, target, actual, weight, score, reason string }{
	{"产出指标", "数量指标", "养护里程", "≥120(公里)", "126(公里)", "20", "20", ""},
	{"产出指标", "质量指标", "路况优良率", "≥85%", "80%", "20", "18.50", "雨季路面受损"},
	{"产出指标", "时效指标", "完成时间", "11月底前", "11月底前", "10", "10", ""},
	{"成本指标", "经济成本指标", "每公里养护成本", "≤2.5(万元)", "2.4(万元)", "5", "5", ""},
	{"成本指标", "经济成本指标", "平均处理量", "43.2", "40", "5", "5", ""},
	{"效益指标", "社会效益指标", "群众出行便利度", "明显提升", "达成预期指标", "15", "15", ""},
	{"满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "93%", "15", "15", ""},
}

// layoutProject is the project both ways of filling write: the funds of
// the rows l has, weights adding up to 100 with the budget's 10 or
// without it where l does not score the budget.
func layoutProject(l *layout.Layout) *Project {
	pr := &Project{Name: "乡村道路养护", Department: "某县交通运输局", Unit: "某县公路养护中心", Year: 2024,
		Goal: "完成120公里农村公路日常养护", Done: "完成126公里养护, 路况优良率80%"}
	if !l.HasHead(form.FProject) {
		pr.Name = ""
	}
	d := func(s string) *Dec { return &Dec{decimal.RequireFromString(s)} }
	for i, f := range []*Figures{{Initial: d("100"), Budget: d("120"), Exec: d("115.5")},
		{Initial: d("0"), Budget: d("10"), Exec: d("8.25")}, {Initial: d("5"), Budget: d("5"), Exec: d("5")},
		{Initial: d("0"), Budget: d("3"), Exec: d("2.5")}, {Initial: d("1"), Budget: d("1.5"), Exec: d("1.25")}} {
		if slices.Contains(l.Funds.Rows, form.FundRows[i+1].Key) {
			pr.Funds.set(i+1, f)
		}
	}
	for k, x := range layoutRows {
		ind := &Indicator{L1: x.l1, L2: x.l2, L3: x.l3, Target: x.target, Actual: x.actual,
			Weight: d(x.weight), Score: d(x.score), Reason: x.reason}
		if k == 0 && l.Funds.Unscored {
			ind.Weight, ind.Score = d("30"), d("30")
		}
		pr.Indicators = append(pr.Indicators, ind)
	}
	return pr
}

// TestLayoutsGenerated: for every built-in layout and one written only in
// YAML (testdata/layouts/region.yaml), a blank form is generated, filled
// by another program (typed into LibreOffice through UNO, as a unit types)
// and recalculated by LibreOffice (and again by Gnumeric); every formula
// cell then shows what Go computes for the same project prefilled (the
// 一级 cells stating their weight, where the layout's do, included), and
// check reads it back as that layout with no error, with and without its
// fingerprint. A gridded layout (mof, dept-mof) is handed out with its
// 一级/二级 grid and numbered 三级 cells, the unit typing after 指标1:.
func TestLayoutsGenerated(t *testing.T) {
	soffice.NeedUNO(t)
	own, err := layout.Load(filepath.Join("testdata", "layouts", "region.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	all := append(layout.Builtin(), own)
	// The seed's first: a form that shows no layout's labels is the seed's.
	checker := validate.NewChecker(validate.Checks(), validate.ReadOptions{Layouts: all})
	for _, l := range all {
		t.Run(l.Name, func(t *testing.T) {
			p := formulas.Default()
			p.AmountUnit = l.AmountUnit
			pr, preset := layoutForms(t, p, l)
			want := goValues(t, p, l, pr)
			typed := typeInto(t, p, l, pr, preset)
			compared := compareFormulas(t, typed, want)
			t.Logf("%d formula cells equal Go's", compared)
			if n := statedCells(want); l.Ind.L1Weights && n != 4 || !l.Ind.L1Weights && n != 0 {
				t.Errorf("%d 一级 cells state their weight (l1_weights %v; 4 一级 typed)", n, l.Ind.L1Weights)
			}
			if compared < len(pr.Indicators)*len(helperNames) {
				t.Errorf("only %d formula cells compared", compared)
			}
			checkClean(t, checker, typed, l.Name, want)
			checkClean(t, checker, withoutFingerprint(t, typed), l.Name, want)
			// Gnumeric, recalculating what was typed, agrees as well.
			if n := compareFormulas(t, gnumericRecalc(t, typed), want); n != compared {
				t.Errorf("Gnumeric: %d formula cells, LibreOffice %d", n, compared)
			}
		})
	}
}

// layoutForms are the project of layoutProject as l's form holds it once
// filled, and the form handed out (nil: blank): a gridded layout's blank
// form presets the profile's 一级/二级 (blankGrid), the rows go into its
// slots; a layout whose 一级 state their weight is handed out with the
// categories preset (a unit's typed 一级 cannot carry the formula).
func layoutForms(t *testing.T, p *formulas.Profile, l *layout.Layout) (pr, preset *Project) {
	t.Helper()
	pr = layoutProject(l)
	if grid := blankGrid(l, p, len(pr.Indicators)); grid != nil {
		return intoGrid(t, grid, pr), nil
	}
	if !l.Ind.L1Weights {
		return pr, nil
	}
	preset = &Project{}
	for _, x := range pr.Indicators {
		preset.Indicators = append(preset.Indicators, &Indicator{L1: x.L1, L2: x.L2})
	}
	return pr, preset
}

// intoGrid is grid with pr's indicators in its first free slots of their
// 一级 and 二级, and pr's head and funds.
func intoGrid(t *testing.T, grid, pr *Project) *Project {
	t.Helper()
	out := *pr
	out.Indicators = nil
	for _, g := range grid.Indicators {
		x := *g
		out.Indicators = append(out.Indicators, &x)
	}
	for _, x := range pr.Indicators {
		j := slices.IndexFunc(out.Indicators, func(g *Indicator) bool { return g.L1 == x.L1 && g.L2 == x.L2 && g.L3 == "" })
		if j < 0 {
			t.Fatalf("no slot for %s/%s in the grid", x.L1, x.L2)
		}
		out.Indicators[j] = x
	}
	return &out
}

// statedCells counts the formula cells showing a 一级 with its weight.
func statedCells(want map[string]any) int {
	n := 0
	for _, v := range want {
		if s, ok := v.(string); ok && strings.HasSuffix(s, "分)") {
			n++
		}
	}
	return n
}

// goValues are the values Go computes for the formula cells of pr's
// form in layout l, by cell.
func goValues(t *testing.T, p *formulas.Profile, l *layout.Layout, pr *Project) map[string]any {
	t.Helper()
	w, err := NewWorkbook(p)
	if err != nil {
		t.Fatal(err)
	}
	w.Layout = l
	if err := w.AddForm("自评表", pr, 0, 2024); err != nil {
		t.Fatal(err)
	}
	return w.cache["自评表"]
}

// typeInto writes a blank form of layout l, types pr into its input
// cells in LibreOffice (found by the fingerprint the file carries, each
// checked unlocked), and returns the file LibreOffice saved.
func typeInto(t *testing.T, p *formulas.Profile, l *layout.Layout, pr, preset *Project) string {
	t.Helper()
	w, err := NewWorkbook(p)
	if err != nil {
		t.Fatal(err)
	}
	w.Layout = l
	if err := w.AddForm("自评表", preset, len(pr.Indicators), 2024); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.xlsx")
	if err := w.Save(blank); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(blank)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fps, err := form.ReadFingerprints(f)
	if err != nil || fps["自评表"] == nil || fps["自评表"].Layout != l.Name {
		t.Fatalf("fingerprint %+v, %v", fps["自评表"], err)
	}
	fields := fps["自评表"].Fields
	plan := unoPlan{In: blank, Out: filepath.Join(dir, "typed.xlsx"), Result: filepath.Join(dir, "result.json"), Sheet: "自评表"}
	typ := func(key, text string) {
		ref, ok := fields[key]
		if text == "" {
			return
		}
		if !ok {
			t.Fatalf("no cell for %s in the fingerprint", key)
		}
		if id, _ := f.GetCellStyle("自评表", ref); !unlocked(f, id) {
			t.Fatalf("%s (%s) is locked: a unit cannot type %q", key, ref, text)
		}
		plan.Steps = append(plan.Steps, unoStep{ref, text})
	}
	typ("project", pr.Name)
	typ("department", pr.Department)
	if l.HasHead(form.FUnit) {
		typ("unit", pr.Unit)
	}
	if slices.Contains(l.Blocks, "goals") {
		typ("goal", pr.Goal)
		typ("done", pr.Done)
	}
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		if fig := pr.Funds.Row(i); fig != nil {
			for col, v := range map[*form.Field]*Dec{form.FFundInitial: fig.Initial, form.FFundBudget: fig.Budget, form.FFundExec: fig.Exec} {
				if k := form.FundKey(i, col).String(); fields[k] != "" {
					typ(k, v.String())
				}
			}
		}
	}
	for i, x := range pr.Indicators {
		if x.L3 == "" {
			continue // a slot of the grid left unused
		}
		k := func(f *form.Field) string { return form.IndKey(i, f).String() }
		if preset == nil && !gridded(l) { // else printed on the form
			typ(k(form.FL1), x.L1)
			typ(k(form.FL2), x.L2)
		}
		typ(k(form.FL3), numbered(l, pr.Indicators, i)) // after the number a gridded form prints
		if l.Split() {
			op, v, unit := splitTarget(x.Target)
			typ(k(form.FTargetOp), op)
			typ(k(form.FTarget), v)
			typ(k(form.FTargetUnit), unit)
		} else {
			typ(k(form.FTarget), x.Target)
		}
		typ(k(form.FActual), x.Actual)
		typ(k(form.FWeight), x.Weight.String())
		typ(k(form.FScore), x.Score.String())
		typ(k(form.FReason), x.Reason)
	}
	pj, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	planPath := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planPath, pj, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := soffice.RunUNO(filepath.Join("testdata", "type_input.py"), planPath); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return plan.Out
}

func unlocked(f *excelize.File, style int) bool {
	st, err := f.GetStyle(style)
	return err == nil && st.Protection != nil && !st.Protection.Locked
}

// compareFormulas compares every formula cell of want with what
// LibreOffice shows in file, and that file has no other formula cell.
func compareFormulas(t *testing.T, file string, want map[string]any) int {
	t.Helper()
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("自评表")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range len(rows) + 2 {
		for c := 1; c <= 60; c++ {
			ref := Cell(c, r+1)
			fm, _ := f.GetCellFormula("自评表", ref)
			v, ok := want[ref]
			if fm == "" {
				if ok {
					t.Errorf("%s: Go has a formula, the typed form none", ref)
				}
				continue
			}
			if !ok {
				if cells, _ := f.GetMergeCells("自评表"); !inMerged(cells, ref) {
					t.Errorf("%s: formula %s the prefilled form does not have", ref, fm)
				}
				continue
			}
			n++
			raw, _ := f.GetCellValue("自评表", ref, excelize.Options{RawCellValue: true})
			if !sameValue(v, raw) {
				t.Errorf("%s: LibreOffice %q, Go %v (=%s)", ref, raw, v, fm)
			}
		}
	}
	return n
}

func inMerged(ms []excelize.MergeCell, ref string) bool {
	for _, m := range ms {
		c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		c, r, _ := excelize.CellNameToCoordinates(ref)
		if c >= c1 && c <= c2 && r >= r1 && r <= r2 && ref != m.GetStartAxis() {
			return true
		}
	}
	return false
}

// checkClean checks file: one form, read as layout name, no error-level
// finding, the total Go computes.
func checkClean(t *testing.T, c *validate.Checker, file, name string, want map[string]any) {
	t.Helper()
	res := c.CheckFile(file)
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%s: %v, %d forms, skipped %v", filepath.Base(file), res.Err, len(res.Forms), res.Skipped)
	}
	fr := res.Forms[0]
	if fr.Form.Layout != name {
		t.Errorf("%s: read as layout %q, want %q", filepath.Base(file), fr.Form.Layout, name)
	}
	for _, x := range fr.Findings {
		// Only the bare 43.2 is told it lacks an operator.
		if x.Severity == validate.Error || x.Severity == validate.Warning && !(x.Rule == "ind.op" && x.Found == "43.2") {
			t.Errorf("%s: %s %s %s (expected %s, found %s)", filepath.Base(file), x.Rule, x.Cell, x.Message, x.Expected, x.Found)
		}
	}
	total := fr.Form.TotalScore
	if v, ok := want[total.Ref].(decimal.Decimal); !ok || total.Num == nil || !total.Num.Equal(v) {
		t.Errorf("%s: total %s at %s, Go %v", filepath.Base(file), total.Text, total.Ref, want[total.Ref])
	}
}

// withoutFingerprint is a copy of file without the fingerprint sheet:
// what is left is read by labels alone.
func withoutFingerprint(t *testing.T, file string) string {
	t.Helper()
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.DeleteSheet(form.FingerprintSheet); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "labels-only.xlsx")
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}
