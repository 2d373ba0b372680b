package template

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

func opts() Options { return Options{Profile: formulas.Default(), Year: 2024} }

func readSeed(t *testing.T, name string) *Spec {
	t.Helper()
	s, err := ReadSpec(filepath.Join("..", "samples", "specs", name), formulas.Default(), 2024)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func open(t *testing.T, w *Workbook) *excelize.File {
	t.Helper()
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestLayoutFingerprintRoundTrip(t *testing.T) {
	lay := NewLayout(12, formulas.Default())
	fp := lay.Fingerprint("表")
	f := &form.Form{}
	lay.Place(f)
	if len(f.Indicators) != 12 {
		t.Fatalf("%d indicators", len(f.Indicators))
	}
	seen := map[string]string{}
	f.Each(func(key form.Key, c *form.Cell) {
		k := key.String()
		// Fields only other layouts have: split target columns, 得分系数,
		// 四川's fund rows 财政专户管理资金 and 单位资金.
		split := key.Field == form.FTargetOp || key.Field == form.FTargetUnit || key.Field == form.FScoreCoef ||
			key.Group == form.GroupFunds && (key.Index == form.FundSpecial || key.Index == form.FundOwn)
		if split != (c.Ref == "") {
			t.Errorf("field %s: cell %q (the seed layout has no split target columns, 得分系数 or 四川's fund rows)", k, c.Ref)
		}
		if split {
			return
		}
		if other, ok := seen[c.Ref]; ok {
			t.Errorf("fields %s and %s share %s", k, other, c.Ref)
		}
		seen[c.Ref] = k
		if fp.Fields[k] != c.Ref {
			t.Errorf("fingerprint %s = %s, layout %s", k, fp.Fields[k], c.Ref)
		}
	})
	// Written and read back from a file, with the cells the writer used.
	w, err := Build(readSeed(t, "seed1.yaml").Projects, opts())
	if err != nil {
		t.Fatal(err)
	}
	x := open(t, w)
	fps, err := form.ReadFingerprints(x)
	if err != nil || len(fps) != 1 {
		t.Fatalf("fingerprints %v %v", fps, err)
	}
	got := fps["信息化运维项目"]
	if got == nil || got.Rows != 12 || got.Version != Version || got.Generator != "xlsxeval" {
		t.Fatalf("fingerprint %+v", got)
	}
	for key, want := range map[string]string{
		"project": "信息化运维项目", "department": "上海市文化和旅游局", "ind.11.l3": "系统使用人员满意度",
		"ind.0.target": "≤17.52(万元)", "funds.1.label": "其中:当年财政拨款", "ind.10.actual": "达成指标",
	} {
		v, _ := x.GetCellValue("信息化运维项目", got.Fields[key])
		if v != want {
			t.Errorf("%s at %s = %q, want %q", key, got.Fields[key], v, want)
		}
	}
	for _, key := range []string{"funds.0.rate", "funds.0.score", "total.score", "grade", "total.weight"} {
		if fm, _ := x.GetCellFormula("信息化运维项目", got.Fields[key]); fm == "" {
			t.Errorf("%s at %s has no formula", key, got.Fields[key])
		}
	}
}

func locked(t *testing.T, f *excelize.File, sheet, ref string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Protection == nil || st.Protection.Locked
}

func TestLockingProtectionValidation(t *testing.T) {
	w, err := Blank(Options{Profile: formulas.Default(), Year: 2024, Rows: 15, Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, w)
	sheet := "自评表"
	lay := NewLayout(15, formulas.Default())
	formulaCells := 0
	for ref := range w.cache[sheet] {
		formulaCells++
		if !locked(t, f, sheet, ref) {
			t.Errorf("formula cell %s is not locked", ref)
		}
		if fm, _ := f.GetCellFormula(sheet, ref); fm == "" {
			t.Errorf("%s lost its formula", ref)
		}
	}
	// 3 sums + 4 rates + score, the helpers of each row, weight, total, grade.
	if want := 3 + 4 + 1 + len(helperNames)*15 + 3; formulaCells != want {
		t.Errorf("%d formula cells, want %d", formulaCells, want)
	}
	inputs := []string{"project", "department", "unit", "goal", "done", "funds.1.initial", "funds.2.budget", "funds.3.exec"}
	for i := 0; i < 15; i++ {
		for _, c := range []*form.Field{form.FL1, form.FL2, form.FL3, form.FTarget, form.FActual, form.FWeight, form.FScore, form.FReason} {
			inputs = append(inputs, form.IndKey(i, c).String())
		}
	}
	for _, k := range inputs {
		if locked(t, f, sheet, lay.Ref(k)) {
			t.Errorf("input %s (%s) is locked", k, lay.Ref(k))
		}
	}
	for _, k := range []string{"title", "year", "funds.0.weight", "funds.0.label"} {
		if !locked(t, f, sheet, lay.Ref(k)) {
			t.Errorf("%s is not locked", k)
		}
	}
	if !strings.Contains(sheetXML(t, w, sheet), `<sheetProtection password=`) {
		t.Error("sheet not protected with a password")
	}
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	has := func(sqref, want string) {
		t.Helper()
		for _, dv := range dvs {
			if dv.Sqref == sqref && strings.Contains(dv.Type+" "+dv.Formula1+" "+dv.Operator+" "+dv.Formula2, want) {
				if dv.Prompt == nil || *dv.Prompt == "" {
					t.Errorf("validation on %s has no prompt", sqref)
				}
				return
			}
		}
		t.Errorf("no validation %q on %s", want, sqref)
	}
	has("A13", "list xe_L1")
	has("B13", `INDIRECT("xe_L2_"&MATCH($A13,xe_L1,0))`)
	has("C7:E9", "decimal 0 greaterThanOrEqual")
	has("G13:G27", "decimal 0 between $F13")
	has("F13", "decimal 0 between 100")
	// The 二级 lists exist as names over the hidden lists sheet.
	names := map[string]string{}
	for _, d := range f.GetDefinedName() {
		names[d.Name] = d.RefersTo
	}
	if names["xe_L2_2"] != "'_lists'!$B$1:$B$4" && names["xe_L2_2"] != "'_lists'!$C$1:$C$4" {
		t.Errorf("xe_L2_2 = %q", names["xe_L2_2"])
	}
	if v, _ := f.GetCellValue(ListsSheet, "C4"); v != "成本指标" {
		t.Errorf("产出指标's fourth 二级 = %q", v)
	}
	if vis, _ := f.GetSheetVisible(ListsSheet); vis {
		t.Error("lists sheet visible")
	}
	cfs, _ := f.GetConditionalFormats(sheet)
	for _, rg := range []string{"G13:G27", "H13:H27", "F28"} {
		if len(cfs[rg]) == 0 {
			t.Errorf("no conditional format on %s", rg)
		}
	}
	if vis, _ := f.GetColVisible(sheet, "N"); vis {
		t.Error("helper column N visible")
	}
}

// The qualitative row of a prefilled form offers the completion levels.
func TestQualitativeDropdown(t *testing.T) {
	w, err := Build(readSeed(t, "seed2.yaml").Projects, opts())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, w)
	dvs, _ := f.GetDataValidations("文旅管理与服务")
	found := false
	for _, dv := range dvs {
		if dv.Sqref == "E23" && dv.Formula1 == nameLevels {
			found = true
		}
		if dv.Sqref == "A13" || dv.Sqref == "D13" {
			t.Errorf("validation on the department's fixed cell %s", dv.Sqref)
		}
	}
	if !found {
		t.Error("no level dropdown on E23 (建立健全)")
	}
	if !locked(t, f, "文旅管理与服务", "D13") || locked(t, f, "文旅管理与服务", "E13") {
		t.Error("prefilled target must be locked, actual unlocked")
	}
	// 一级/二级 merged down over their children.
	merged, _ := f.GetMergeCells("文旅管理与服务")
	want := map[string]bool{"A14:A19": false, "B14:B16": false, "B17:B18": false, "A20:A23": false, "B20:B22": false}
	for _, m := range merged {
		r := m.GetStartAxis() + ":" + m.GetEndAxis()
		if _, ok := want[r]; ok {
			want[r] = true
		}
	}
	for r, ok := range want {
		if !ok {
			t.Errorf("%s not merged", r)
		}
	}
}

func sheetXML(t *testing.T, w *Workbook, sheet string) string {
	t.Helper()
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	out, err := zipPart(b, sheet)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Cached values: formula cells carry the figures a viewer that does not
// recalculate shows.
func TestCachedValues(t *testing.T) {
	w, err := Build(readSeed(t, "seed1.yaml").Projects, opts())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, w)
	sh := "信息化运维项目"
	for ref, want := range map[string]string{"G6": "99.88", "G7": "99.88", "H6": "9.99", "G25": "98.99", "F25": "100", "B26": "优", "E6": "17.499", NewLayout(12, formulas.Default()).Helper(11, "cap"): "4.94"} {
		v, _ := f.GetCellValue(sh, ref, excelize.Options{RawCellValue: true})
		if v != want {
			t.Errorf("%s cached %q, want %q", ref, v, want)
		}
	}
	if !strings.Contains(sheetXML(t, w, sh), `<c r="G6" s=`) || strings.Contains(sheetXML(t, w, sh), `t="str"><f>ROUND(IF(D6`) {
		t.Error("numeric cached value typed as string")
	}
	if !strings.Contains(string(mustPart(t, w, "xl/workbook.xml")), `fullCalcOnLoad="`) {
		t.Error("fullCalcOnLoad not set")
	}
}

func mustPart(t *testing.T, w *Workbook, name string) []byte {
	b, _ := w.Bytes()
	p, err := rawPart(b, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSafeNames(t *testing.T) {
	for in, want := range map[string]string{
		`a/b\c:d*e?f"g<h>i|j`: "abcdefghij", "../../etc/passwd": "etcpasswd", "CON": "_CON", "nul.txt": "_nul.txt",
		" 项目. ": "项目", "": "项目", "x\x01y": "xy",
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	used := map[string]bool{}
	long := strings.Repeat("项", 40)
	a, b := SheetName(long, used), SheetName(long, used)
	if len([]rune(a)) != 31 || len([]rune(b)) != 31 || a == b {
		t.Errorf("sheet names %q %q", a, b)
	}
	if got := SheetName("a[1]:b", used); got != "a1b" {
		t.Errorf("sheet name %q", got)
	}
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodYAML = `year: 2024
projects:
  - name: 甲项目
    department: 某局
    unit: 某中心
    indicators:
      - {l1: 成本指标, l2: 经济成本指标, l3: 成本, target: "≤10.00(万元)", weight: 30}
      - {l1: 产出指标, l2: 数量指标, l3: 数量, target: "≥5(项)", weight: 30}
      - {l1: 效益指标, l2: 社会效益指标, l3: 效果, target: 明显, weight: 30}
`

// Each kind of spec error is refused with a Chinese message naming the
// file, the line and the field, and nothing is written.
func TestSpecErrors(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"unknown l1", "l1: 成本指标", "l1: 花费指标", `第7行 一级指标: "花费指标" 不是已知的一级指标`},
		{"l2 not under l1", "l2: 数量指标", "l2: 经济成本指标", `第8行 二级指标: "经济成本指标" 不属于一级指标 "产出指标"`},
		{"weights", "weight: 30}\n      - {l1: 效益", "weight: 31}\n      - {l1: 效益", `第3行 分值: 项目 "甲项目": 预算执行率分值 10 与各指标分值合计为 101, 应为 100`},
		{"target", `"≥5(项)"`, `"≥(项)"`, `第8行 年度指标值: "≥(项)" 无法识别`},
		{"duplicate", "", "  - name: 甲项目\n    indicators:\n      - {l1: 成本指标, l2: 经济成本指标, l3: 成本, target: 1, weight: 90}\n", `第10行 项目名称: 项目 "甲项目" 重复 (第3行已有)`},
		{"typo", "weight: 30}", "wieght: 30}", `第7行 indicator.wieght: 未知字段`},
		{"number", "weight: 30}", "weight: 三十}", `第7行: "三十" 不是数字`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			body := goodYAML
			if c.from == "" {
				body += c.to
			} else {
				body = strings.Replace(body, c.from, c.to, 1)
			}
			spec := writeFile(t, dir, "spec.yaml", body)
			out := filepath.Join(dir, "out")
			_, err := FromSpecFile(spec, out, false, opts())
			if err == nil || !strings.Contains(err.Error(), spec) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if !IsSpecError(err) {
				t.Errorf("not a spec error: %T", err)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("output written despite the error")
			}
		})
	}
	// The good spec writes one workbook, named after the project.
	dir := t.TempDir()
	paths, err := FromSpecFile(writeFile(t, dir, "spec.yaml", goodYAML), filepath.Join(dir, "out"), false, opts())
	if err != nil || len(paths) != 1 || filepath.Base(paths[0]) != "甲项目.xlsx" {
		t.Fatalf("%v %v", paths, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "out", ".xlsxeval-*")); len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
}

func TestSpecJSONKeepsPrecision(t *testing.T) {
	dir := t.TempDir()
	body := `{"year": 2024, "projects": [{"name": "乙", "funds": {"current": {"budget": 17.52, "exec": 17.499}},
  "indicators": [{"l1": "成本指标", "l2": "经济成本指标", "l3": "c", "target": "≤1(万元)", "weight": 90}]}]}`
	s, err := ReadSpec(writeFile(t, dir, "s.json", body), formulas.Default(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Projects[0].Funds.Current.Exec.String(); got != "17.499" {
		t.Errorf("exec %s", got)
	}
	bad := strings.Replace(body, `"weight": 90`, `"weight": 80`, 1)
	_, err = ReadSpec(writeFile(t, dir, "bad.json", bad), formulas.Default(), 2023)
	if err == nil || !strings.Contains(err.Error(), "bad.json 第1行 分值") {
		t.Errorf("json error %v", err)
	}
}

func TestSpecTable(t *testing.T) {
	s := readSeedTable(t)
	if len(s.Projects) != 2 || len(s.Projects[0].Indicators) != 12 || len(s.Projects[1].Indicators) != 12 {
		t.Fatalf("projects %d", len(s.Projects))
	}
	if s.Projects[1].Indicators[10].Target != "建立健全" || s.Projects[0].Year != 2024 {
		t.Errorf("row %+v", s.Projects[1].Indicators[10])
	}
	// Rows are named in errors; GBK CSV (as Excel saves it) is read.
	dir := t.TempDir()
	csv := "项目名称,主管部门,实施单位,年度,一级指标,二级指标,三级指标,年度指标值,分值\n" +
		"丙,局,中心,2024,成本指标,经济成本指标,成本,≤1(万元),45\n" +
		"丙,局,中心,2024,产出指标,质量指标,达标率,≥abc,45\n"
	_, err := ReadSpec(writeFile(t, dir, "t.csv", csv), formulas.Default(), 2024)
	if err == nil || !strings.Contains(err.Error(), `t.csv 第3行 年度指标值: "≥abc" 无法识别`) {
		t.Errorf("csv error %v", err)
	}
	x := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(strings.Replace(csv, "≥abc", "≥1(项)", 1)), "\n") {
		cells := strings.Split(line, ",")
		row := make([]any, len(cells))
		for j, c := range cells {
			row[j] = c
		}
		if err := x.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &row); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "t.xlsx")
	if err := x.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	s, err = ReadSpec(p, formulas.Default(), 2024)
	if err != nil || len(s.Projects) != 1 || s.Projects[0].Department != "局" {
		t.Fatalf("xlsx table: %v", err)
	}
}

func readSeedTable(t *testing.T) *Spec {
	t.Helper()
	s, err := ReadSpec(filepath.Join("..", "samples", "specs", "batch.csv"), formulas.Default(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rawPart(x []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		return nil, err
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			return readZip(zf)
		}
	}
	return nil, os.ErrNotExist
}

func zipPart(x []byte, sheet string) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		return "", err
	}
	paths, err := sheetPaths(zr)
	if err != nil {
		return "", err
	}
	b, err := rawPart(x, paths[sheet])
	return string(b), err
}

// A blank row does not know yet whether its target is qualitative: its
// actual offers the levels but lets a number through without an alert.
func TestBlankRowLevelDropdown(t *testing.T) {
	w, err := Blank(Options{Profile: formulas.Default(), Year: 2024, Rows: 3})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, w)
	lay := NewLayout(3, formulas.Default())
	want := lay.Ref("ind.0.actual")
	dvs, _ := f.GetDataValidations("自评表")
	for _, dv := range dvs {
		if dv.Sqref == want {
			if dv.Formula1 != nameLevels || dv.ShowErrorMessage {
				t.Errorf("%s: list %q, alert %v", want, dv.Formula1, dv.ShowErrorMessage)
			}
			return
		}
	}
	t.Errorf("no validation on the blank row's actual %s", want)
}
