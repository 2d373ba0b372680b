package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// qingshenScored fills in what 青神 left unscored (资金得分, 完成值, 得分,
// 合计): the form then reads clean, and faults put into it stand alone.
var qingshenScored = map[string]any{"H10": 10, "H16": 100, "J16": 60, "H17": 100, "J17": 30, "J18": 100}

// realFaults are faults put into the real forms of three regions' layouts
// (MoF grid, 云南 公开14表, 四川 0013zp), each with every error it must add
// to the form's own (realForms; none for 青神 once scored) and the
// finding that must name it. A warning or info finding is named by want.
var realFaults = []struct {
	name, file string
	edits      map[string]any
	errors     []string // errors added
	want       string   // a finding that must be there (any severity)
	sev        Severity
}{
	{"tc-total", "tianchang_slj2022.xlsx", map[string]any{"H40": 90}, []string{"total.sum@H40"}, "total.sum@H40", Error},
	{"tc-weight", "tianchang_slj2022.xlsx", map[string]any{"G13": 15},
		[]string{"ind.reason@I13", "weights.l1@B13", "weights.sum@G40"}, "weights.sum@G40", Error},
	{"tc-range", "tianchang_slj2022.xlsx", map[string]any{"H13": 12}, []string{"ind.range@H13", "total.sum@H40"}, "ind.range@H13", Error},
	{"tc-cap", "tianchang_slj2022.xlsx", map[string]any{"F13": 0}, []string{"ind.cap@H13"}, "ind.cap@H13", Error},
	{"tc-fsum", "tianchang_slj2022.xlsx", map[string]any{"E7": 800}, []string{"funds.sum@E6"}, "funds.over@F7", Warning},
	{"tc-reason", "tianchang_slj2022.xlsx", map[string]any{"H14": 8}, []string{"ind.reason@I14", "total.sum@H40"}, "ind.reason@I14", Error},
	{"tc-rate", "tianchang_slj2022.xlsx", map[string]any{"H6": 50}, []string{"funds.rate@H6", "funds.score@I6", "-funds.missing@H6"}, "funds.rate@H6", Error},
	{"tc-l1", "tianchang_slj2022.xlsx", map[string]any{"B13": "产出指标(60分)"}, []string{"weights.l1@B13"}, "weights.l1@B13", Error},
	// A template row put to use is an indicator again.
	{"tc-placeholder", "tianchang_slj2022.xlsx", map[string]any{"D17": "指标2:新增指标", "E17": "≥1", "F17": 1, "G17": 10, "H17": 10},
		[]string{"total.sum@H40", "weights.l1@B13", "weights.sum@G40"}, "weights.sum@G40", Error},
	{"yd-total", "yongde_mlzx2022.xlsx", map[string]any{"I24": 90}, []string{"total.sum@I24"}, "total.sum@I24", Error},
	{"yd-grade", "yongde_mlzx2022.xlsx", map[string]any{"J24": "良"}, []string{"total.grade@J24"}, "total.grade@J24", Error},
	// Other words for the grades: 中等 is 中, caught; 优秀, 合格 and 优(96分) agree with 96.
	{"yd-grade-words", "yongde_mlzx2022.xlsx", map[string]any{"J24": "中等"}, []string{"total.grade@J24"}, "total.grade@J24", Error},
	{"yd-grade-fail", "yongde_mlzx2022.xlsx", map[string]any{"J24": "不合格"}, []string{"total.grade@J24"}, "total.grade@J24", Error},
	{"yd-grade-excellent", "yongde_mlzx2022.xlsx", map[string]any{"J24": "优秀"}, nil, "", Error},
	{"yd-grade-pass", "yongde_mlzx2022.xlsx", map[string]any{"J24": "合格"}, nil, "", Error},
	{"yd-grade-note", "yongde_mlzx2022.xlsx", map[string]any{"J24": "优(96分)"}, nil, "", Error},
	// 指标性质 as a direction: 正向 is ≥, 反向 ≤ (800 over ≤735 caps the score);
	// an operator in the 指标值 itself is not doubled; 指标属性 is 指标性质.
	{"yd-forward", "yongde_mlzx2022.xlsx", map[string]any{"D14": "正向"}, nil, "", Error},
	{"yd-backward", "yongde_mlzx2022.xlsx", map[string]any{"D14": "反向", "G14": 800}, []string{"ind.cap@I14"}, "ind.cap@I14", Error},
	{"yd-own-op", "yongde_mlzx2022.xlsx", map[string]any{"D14": "≥", "E14": "≥735"}, nil, "", Error},
	{"yd-attr", "yongde_mlzx2022.xlsx", map[string]any{"D13": "指标属性"}, nil, "", Error},
	{"yd-weight", "yongde_mlzx2022.xlsx", map[string]any{"H14": 15}, []string{"ind.reason@J14", "weights.sum@H24"}, "weights.sum@H24", Error},
	{"yd-range", "yongde_mlzx2022.xlsx", map[string]any{"I14": 12}, []string{"ind.range@I14", "total.sum@I24"}, "ind.range@I14", Error},
	{"yd-cap", "yongde_mlzx2022.xlsx", map[string]any{"G14": 500}, []string{"ind.cap@I14"}, "ind.cap@I14", Error},
	{"yd-fsum", "yongde_mlzx2022.xlsx", map[string]any{"E7": 300000}, []string{"funds.sum@E6"}, "funds.sum@E6", Error},
	{"yd-fscore", "yongde_mlzx2022.xlsx", map[string]any{"I6": 8}, []string{"funds.score@I6"}, "total.sum@I24", Warning},
	{"yd-level", "yongde_mlzx2022.xlsx", map[string]any{"G18": "未达成指标且效果较差"}, []string{"ind.cap@I18"}, "ind.cap@I18", Error},
	{"qs-clean", "qingshen_fgj2023.xlsx", nil, nil, "", Error},
	{"qs-total", "qingshen_fgj2023.xlsx", map[string]any{"J18": 95}, []string{"total.sum@J18"}, "total.sum@J18", Error},
	{"qs-cap", "qingshen_fgj2023.xlsx", map[string]any{"H16": 90}, []string{"ind.cap@J16"}, "ind.cap@J16", Error},
	{"qs-reason", "qingshen_fgj2023.xlsx", map[string]any{"H16": 90, "J16": 54}, []string{"ind.reason@K16", "total.sum@J18"}, "ind.reason@K16", Error},
	{"qs-weight", "qingshen_fgj2023.xlsx", map[string]any{"I16": 50}, []string{"ind.range@J16", "weights.sum@I18"}, "weights.sum@I18", Error},
	{"qs-fsum", "qingshen_fgj2023.xlsx", map[string]any{"D11": 200}, []string{"funds.rate@F11", "funds.sum@D10"}, "funds.over@E11", Warning},
	// A row made not applicable: the rules say how far they were checked.
	{"qs-na", "qingshen_fgj2023.xlsx", map[string]any{"E17": "/", "F17": "/", "G17": "/", "H17": "/", "I17": "/", "J17": "/"},
		nil, "weights.sum@I18", Info},
}

// TestRealFormFaults: every fault of realFaults is caught, with exactly
// the errors it adds.
func TestRealFormFaults(t *testing.T) {
	checkFaults(t, NewChecker(Checks(), ReadOptions{}), writeFaults3(t), "excelize")
}

// TestRealFormFaultsLibreOffice: the same after one LibreOffice re-save of
// them all.
func TestRealFormFaultsLibreOffice(t *testing.T) {
	soffice.Need(t)
	out := t.TempDir()
	convertAll(t, writeFaults3(t), out)
	checkFaults(t, NewChecker(Checks(), ReadOptions{}), out, "LibreOffice")
}

// writeFaults3 writes every fault of realFaults into a new folder.
func writeFaults3(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range realFaults {
		writeFault(t, filepath.Join(dir, c.name+".xlsx"), c.file, c.edits)
	}
	return dir
}

func checkFaults(t *testing.T, k *Checker, dir, what string) {
	t.Helper()
	base := map[string][]string{}
	for _, f := range realForms {
		base[f.file] = f.errors
	}
	base["qingshen_fgj2023.xlsx"] = nil
	for _, c := range realFaults {
		res := k.CheckFile(filepath.Join(dir, c.name+".xlsx"))
		if res.Err != nil || len(res.Forms) != 1 {
			t.Fatalf("%s %s: %v, %d forms", what, c.name, res.Err, len(res.Forms))
		}
		want := slices.Clone(base[c.file])
		for _, e := range c.errors {
			if gone, ok := strings.CutPrefix(e, "-"); ok {
				want = slices.DeleteFunc(want, func(x string) bool { return x == gone })
				continue
			}
			want = append(want, e)
		}
		expectFindings(t, what+" "+c.name, res.Forms[0], want, c.want, c.sev)
	}
}

// expectFindings: fr has exactly the errors want (rule@cell), and a
// finding at (rule@cell) of severity sev unless at is ""; no message has
// a gap where a figure was left out.
func expectFindings(t *testing.T, what string, fr FormResult, want []string, at string, sev Severity) {
	t.Helper()
	var got []string
	found := at == ""
	for _, f := range fr.Findings {
		x := f.Rule + "@" + f.Cell
		if f.Severity == Error {
			got = append(got, x)
		}
		found = found || x == at && f.Severity == sev
		if strings.Contains(f.Message, "  ") || strings.Contains(f.MessageEn, "  ") {
			t.Errorf("%s: %s: a gap in %q / %q", what, x, f.Message, f.MessageEn)
		}
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s (%s): errors\n got  %s\n want %s", what, fr.Form.Layout, strings.Join(got, " "), strings.Join(want, " "))
	}
	if !found {
		t.Errorf("%s: no %s %s in %s", what, sev, at, dump(fr.Findings))
	}
}

// writeFault writes to path the real form file with edits (青神 scored first).
func writeFault(t *testing.T, path, file string, edits map[string]any) {
	t.Helper()
	f, err := excelize.OpenFile(filepath.Join("testdata", "forms", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	set := func(m map[string]any) {
		for cell, v := range m {
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if file == "qingshen_fgj2023.xlsx" {
		set(qingshenScored)
	}
	set(edits)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// TestRealFormLabels: 天长's form with a header relabelled as other regions
// write it reads exactly as the original (its own errors, total, grade).
func TestRealFormLabels(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	tc := realForms[0]
	dir := t.TempDir()
	for i, e := range []map[string]any{
		{"A4": "项目主管部门", "F4": "项目实施单位"}, {"F4": "资金使用单位"}, {"A3": "项目名称(全称)"},
		{"E5": "调整后预算数(A)", "F5": "实际支出数(B)", "H5": "预算执行率(B/A)"}, {"E5": "调整后预算", "F5": "截至年底执行数"},
		{"F5": "全年支出数(B)", "G5": "权重"}, {"C6": "资金总额", "C7": "其中：一般公共预算", "C8": "上年结转结余资金"}, {"C7": "财政拨款资金"},
		{"B12": "一级", "C12": "二级", "D12": "三级指标名称"}, {"E12": "年度绩效目标值", "F12": "实际完成指标值"},
		{"E12": "预期指标值", "F12": "全年实际完成值"}, {"G12": "指标分值", "H12": "自评分"}, {"H12": "实际得分"},
		{"I12": "未完成原因分析及改进措施"}, {"I12": "偏差原因分析"}, {"A40": "合计"},
	} {
		p := filepath.Join(dir, fmt.Sprintf("labels%02d.xlsx", i))
		writeFault(t, p, tc.file, e)
		t.Run(fmt.Sprint(e), func(t *testing.T) { checkRealForm(t, k, p, tc.total, tc.grade, tc.errors) })
	}
}

// TestTotalMissingSays: 青神's empty 合计, its scores missing too, is
// asked for within the range the figures filled in allow (budget 10 and
// the indicators' 90), not for "数值".
func TestTotalMissingSays(t *testing.T) {
	res := NewChecker(Checks(), ReadOptions{}).CheckFile(filepath.Join("testdata", "forms", "qingshen_fgj2023.xlsx"))
	for _, f := range res.Forms[0].Findings {
		if f.Rule == "total.missing" {
			if f.Expected != "10.00~100.00" || !strings.Contains(f.Message, "10.00~100.00") {
				t.Errorf("expected %q: %s", f.Expected, f.Message)
			}
			return
		}
	}
	t.Error("no total.missing")
}
