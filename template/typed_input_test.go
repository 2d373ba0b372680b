package template

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
	"github.com/xlsxeval/xlsxeval/validate"
)

// typedRows are indicator rows as units type them: every spelling of a
// target and an actual FORM.md lists, with 一级/二级 and a weight.
var typedRows = []struct{ l1, l2, l3, target, actual, weight string }{
	{"成本指标", "经济成本指标", "运行维护成本", "≤17.52(万元)", "17.50(万元)", "4"},
	{"成本指标", "经济成本指标", "设备采购成本", "≤17.52(万元)", "18.00(万元)", "4"},
	{"成本指标", "社会成本指标", "服务人次成本", "3807人", "3900人", "4"},
	{"产出指标", "数量指标", "功能模块更新数量", "≥10.00(项)", "9个", "4"}, // units differ: no cap
	{"产出指标", "数量指标", "培训人数", "≥50个", "48个", "4"},
	{"产出指标", "数量指标", "处理件数", "≥1000", "999.6", "4"},
	{"产出指标", "质量指标", "系统正常运行率", "=100.00(%)", "89%", "4"},
	{"产出指标", "质量指标", "数据准确率", "≧90%", "95%", "4"},
	{"产出指标", "质量指标", "验收合格率", ">=90%", "0.958", "4"},
	{"产出指标", "质量指标", "故障修复率", "＞＝95%", "100.00(%)", "3"},
	{"产出指标", "质量指标", "差错率", "≦5%", "6%", "3"},
	{"产出指标", "时效指标", "问题响应及时性", "及时", "及时", "4"},
	{"产出指标", "时效指标", "项目完成时间", "11月底前", "达成预期指标", "4"},
	{"产出指标", "时效指标", "处理时限", "不超过3天", "4天", "3"},
	{"效益指标", "社会效益指标", "应急响应机制健全性", "健全", "部分达成指标并具有一定效果", "4"},
	{"效益指标", "社会效益指标", "管理制度", "建立健全", "达成指标", "4"},
	{"效益指标", "社会效益指标", "服务效果", "效果明显", "未达成指标且效果较差", "3"},
	{"效益指标", "可持续影响指标", "覆盖率", "不低于95%", "96%", "4"},
	{"效益指标", "可持续影响指标", "使用率", "95%以上", "90%", "4"},
	{"效益指标", "经济效益指标", "投诉办结率", "═100%", "100%", "3"},
	{"效益指标", "经济效益指标", "平均处理量", "43.2", "40", "3"},
	{"效益指标", "经济效益指标", "年度成本", "≤16.29(万元/年)", "16.00(万元/年)", "3"},
	{"效益指标", "生态效益指标", "达标率", "＝100%", "100.00(%)", "3"},
	{"满意度指标", "服务对象满意度指标", "系统使用人员满意度", "≥90.00(%)", "89.00(%)", "3"},
	{"满意度指标", "服务对象满意度指标", "群众满意度", "≥90.00(%)", "89%", "3"},
}

// unoPlan is what type_input.py is told.
type unoPlan struct {
	In, Out, Result, Sheet string
	Places                 int32
	Steps                  []unoStep
	Rows                   []unoRow
}

type unoStep struct{ Cell, Text string }

type unoRow struct {
	Cap, Score, Scratch, Weight string
	Conds                       map[string]string
}

func (p unoPlan) MarshalJSON() ([]byte, error) {
	type step struct {
		Cell string `json:"cell"`
		Text string `json:"text"`
	}
	type row struct {
		Cap     string            `json:"cap"`
		Score   string            `json:"score"`
		Scratch string            `json:"scratch"`
		Weight  string            `json:"weight"`
		Conds   map[string]string `json:"conds"`
	}
	out := struct {
		In     string `json:"in"`
		Out    string `json:"out"`
		Result string `json:"result"`
		Sheet  string `json:"sheet"`
		Places int32  `json:"places"`
		Steps  []step `json:"steps"`
		Rows   []row  `json:"rows"`
	}{In: p.In, Out: p.Out, Result: p.Result, Sheet: p.Sheet, Places: p.Places, Rows: []row{}}
	for _, s := range p.Steps {
		out.Steps = append(out.Steps, step(s))
	}
	for _, r := range p.Rows {
		out.Rows = append(out.Rows, row(r))
	}
	return json.Marshal(out)
}

type unoResult struct {
	Score  string `json:"score"`
	Cap    string `json:"cap"`
	Over   any    `json:"over"`
	Reason any    `json:"reason"`
}

// condFor shifts a conditional format's formula, written for firstRow,
// to row r (its references are row-relative).
func condFor(f string, firstRow, r int) string {
	re := regexp.MustCompile(`(\$?[A-Z]{1,3})` + strconv.Itoa(firstRow) + `\b`)
	return re.ReplaceAllString(f, "${1}"+strconv.Itoa(r))
}

// TestTypedInputAgreesWithCheck fills a blank template the way a unit
// does, by typing into LibreOffice (.uno:EnterString, which applies the
// cells' formats), every spelling of FORM.md; recalculates and saves.
// For every row the sheet's cap and colour (its conditional format's
// condition, evaluated by LibreOffice) must equal what check reports on
// the saved file, and so must the total and grade.
func TestTypedInputAgreesWithCheck(t *testing.T) {
	soffice.NeedUNO(t)
	p := formulas.Default()
	o := opts()
	o.Rows = len(typedRows)
	w, err := Blank(o)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.xlsx")
	if err := w.Save(blank); err != nil {
		t.Fatal(err)
	}
	sheet, lay := w.fps[0].Sheet, NewLayout(len(typedRows), p)
	conds := conditionsOf(t, blank, sheet)
	plan := unoPlan{In: blank, Out: filepath.Join(dir, "typed.xlsx"), Result: filepath.Join(dir, "result.json"), Sheet: sheet, Places: p.Places}
	typ := func(key, text string) { plan.Steps = append(plan.Steps, unoStep{lay.Ref(key), text}) }
	typ("project", "信息化运维项目")
	typ("department", "上海市文化和旅游局")
	typ("unit", "上海市文化和旅游局信息中心")
	typ("goal", "保障系统安全平稳运行。")
	typ("done", "系统全年稳定运行。")
	for key, v := range map[string]string{"funds.1.initial": "17.52", "funds.1.budget": "17.52", "funds.1.exec": "17.50"} {
		typ(key, v)
	}
	for i, x := range typedRows {
		k := func(f *form.Field) string { return form.IndKey(i, f).String() }
		typ(k(form.FL1), x.l1)
		typ(k(form.FL2), x.l2)
		typ(k(form.FL3), x.l3)
		typ(k(form.FTarget), x.target)
		typ(k(form.FActual), x.actual)
		typ(k(form.FWeight), x.weight)
		reason := "按完成情况扣分"
		if i%5 == 4 {
			reason = longReason
		}
		typ(k(form.FReason), reason)
		r := lay.IndRow(i)
		row := unoRow{Cap: lay.Helper(i, "cap"), Score: lay.Ref(k(form.FScore)), Scratch: Cell(lay.lastCol()+2, r),
			Weight: x.weight, Conds: map[string]string{}}
		for name, c := range conds {
			row.Conds[name] = condFor(c, lay.IndRow(0), r)
		}
		plan.Rows = append(plan.Rows, row)
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
	var res []unoResult
	b, err := os.ReadFile(plan.Result)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	checkTyped(t, plan.Out, sheet, lay, res)
	printTyped(t, plan.Out)
	// Gnumeric, recalculating what was typed, shows what LibreOffice shows.
	if n := sameFormulaValues(t, w, plan.Out, gnumericRecalc(t, plan.Out), "Gnumeric"); n < 25*len(helperNames) {
		t.Errorf("only %d formula cells compared with Gnumeric", n)
	}
}

// conditionsOf reads the indicator rows' conditional formats of the
// written template: the score's (over) and the reason's (reason).
func conditionsOf(t *testing.T, path, sheet string) map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfs, err := f.GetConditionalFormats(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for sqref, os := range cfs {
		switch {
		case strings.HasPrefix(sqref, "G") && strings.Contains(sqref, ":"):
			out["over"] = os[0].Criteria
		case strings.HasPrefix(sqref, "H"):
			out["reason"] = os[0].Criteria
		}
	}
	if len(out) != 2 {
		t.Fatalf("conditional formats %v", cfs)
	}
	return out
}

// checkTyped holds the typed, LibreOffice-saved workbook against check.
func checkTyped(t *testing.T, path, sheet string, lay Layout, res []unoResult) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckFile(path)
	if r.Err != nil || len(r.Forms) != 1 {
		t.Fatalf("check: %v, %d forms", r.Err, len(r.Forms))
	}
	at := map[string][]validate.Finding{}
	for _, x := range r.Forms[0].Findings {
		at[x.Cell] = append(at[x.Cell], x)
		if x.Rule == "cell.error" || x.Rule == "total.sum" || x.Rule == "total.grade" || strings.HasPrefix(x.Rule, "tpl.") ||
			x.Rule == "funds.rate" || x.Rule == "funds.score" || x.Rule == "weights.sum" {
			t.Errorf("check: %s %s %s", x.Rule, x.Cell, x.Message)
		}
	}
	raw := func(ref string) string {
		v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	over := 0
	for i, x := range typedRows {
		got := res[i]
		if v := raw(lay.RefOf(form.IndKey(i, form.FTarget))); v != x.target {
			t.Errorf("row %d: target typed %q is stored as %q", i, x.target, v)
		}
		if v := raw(lay.RefOf(form.IndKey(i, form.FActual))); v != x.actual {
			t.Errorf("row %d: actual typed %q is stored as %q", i, x.actual, v)
		}
		score := lay.RefOf(form.IndKey(i, form.FScore))
		var capFinding *validate.Finding
		for j, y := range at[score] {
			// An info ind.cap says the cap could not be checked.
			if y.Rule == "ind.cap" && y.Severity != validate.Info {
				capFinding = &at[score][j]
			}
		}
		sheetCap := raw(lay.Helper(i, "cap"))
		red, ok := got.Over.(bool)
		if !ok {
			t.Errorf("row %d: colour condition shows %v", i, got.Over)
		}
		switch {
		case red != (capFinding != nil):
			t.Errorf("row %d %s / %s: sheet cap %q, score %s, colour %v; check: %+v", i, x.target, x.actual, sheetCap, got.Score, got.Over, capFinding)
		case red:
			over++
			if want := "≤ " + decimal.RequireFromString(sheetCap).StringFixed(2); capFinding.Expected != want {
				t.Errorf("row %d %s / %s: sheet cap %s, check says %s", i, x.target, x.actual, want, capFinding.Expected)
			}
		}
		if yellow, _ := got.Reason.(bool); yellow {
			t.Errorf("row %d: reason marked missing", i)
		}
		t.Logf("row %2d %-16s %-28s cap %-6s score %-5s red %v", i, x.target, x.actual, sheetCap, got.Score, red)
	}
	if over < 5 {
		t.Errorf("only %d rows over their cap: the test proves little", over)
	}
	sum := r.Forms[0].Summary
	if tot := raw(lay.Ref("total.score")); tot == "" || decimal.RequireFromString(tot).StringFixed(2) != sum.Total {
		t.Errorf("total: sheet %q, check %q", tot, sum.Total)
	}
	if g := raw(lay.Ref("grade")); g != sum.Grade {
		t.Errorf("grade: sheet %q, check %q", g, sum.Grade)
	}
	t.Logf("total %s, grade %s", sum.Total, sum.Grade)
}

// printTyped renders the typed form to PDF in LibreOffice: A4 landscape,
// one page wide, the header on every page, long reasons printed whole
// (rows grow with what is typed). Kept as PNG in XLSXEVAL_RENDER_DIR.
func printTyped(t *testing.T, path string) {
	needPoppler(t)
	pdf, pages := pdfPages(t, path)
	all := ""
	for i, p := range pages {
		flat := strings.Join(strings.Fields(p), "")
		all += flat
		for _, head := range []string{"一级指标", "偏差原因分析及改进措施"} {
			if !strings.Contains(flat, head) {
				t.Errorf("typed form page %d: no %s", i+1, head)
			}
		}
	}
	if n := strings.Count(all, strings.Join(strings.Fields(longReason), "")); n != 5 {
		t.Errorf("typed form: the long reason printed whole %d times, want 5", n)
	}
	if dir := os.Getenv("XLSXEVAL_RENDER_DIR"); dir != "" {
		if out, err := exec.Command("pdftoppm", "-png", "-r", "70", pdf, filepath.Join(dir, "typed")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
	}
}
