package validate

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// layoutFaults are faults put into clean forms of the regional layouts
// (transfer, xinjiang-13, decision, dept-mof, dept-chongqing), each with exactly the
// errors it must bring and one finding that must name it.
var layoutFaults = []struct {
	name   string
	form   func(total any) [][]any
	total  any
	edits  map[string]any
	errors []string
	want   string
	sev    Severity
}{
	{"tr-clean", transferForm, 100, nil, nil, "", Error},
	{"tr-total", transferForm, 95, nil, []string{"total.sum@E2"}, "total.sum@E2", Error},
	{"tr-range", transferForm, 100, map[string]any{"G10": 45}, []string{"ind.range@G10", "total.sum@E2"}, "ind.range@G10", Error},
	{"tr-cap", transferForm, 100, map[string]any{"F10": "≥200米"}, []string{"ind.cap@G10"}, "ind.cap@G10", Error},
	{"tr-weight", transferForm, 100, map[string]any{"D10": 50}, []string{"ind.reason@H10", "weights.l1@A10", "weights.sum@E2"}, "weights.l1@A10", Error},
	{"tr-rate", transferForm, 100, map[string]any{"E5": "90.00%"}, []string{"funds.rate@E5"}, "funds.rate@E5", Error},
	{"tr-fsum", transferForm, 100, map[string]any{"C6": 100}, []string{"funds.rate@E6", "funds.sum@C5"}, "funds.sum@C5", Error},
	{"tr-reason", transferForm, 98, map[string]any{"G12": 18}, []string{"ind.reason@H12"}, "ind.reason@H12", Error},
	{"xj-clean", xinjiangForm, 100, nil, nil, "", Error},
	{"xj-total", xinjiangForm, 90, nil, []string{"total.sum@L14"}, "total.sum@L14", Error},
	{"xj-range", xinjiangForm, 100, map[string]any{"L11": 55}, []string{"ind.range@L11", "total.sum@L14"}, "ind.range@L11", Error},
	{"xj-cap", xinjiangForm, 100, map[string]any{"G11": "100户"}, []string{"ind.cap@L11"}, "ind.cap@L11", Error},
	{"xj-weights", xinjiangForm, 100, map[string]any{"H14": 90}, []string{"weights.sum@H14"}, "weights.sum@H14", Error},
	{"xj-rate", xinjiangForm, 100, map[string]any{"G6": "90.00%"}, []string{"funds.rate@G6"}, "funds.rate@G6", Error},
	{"xj-reason", xinjiangForm, 95, map[string]any{"L12": 25}, []string{"ind.reason@M12"}, "ind.reason@M12", Error},
	{"nx-clean", ningxiaForm, 96, nil, nil, "", Error},
	// The total at the top under other labels, and caught there.
	{"nx-label", ningxiaForm, 96, map[string]any{"D3": "项目得分"}, nil, "", Error},
	{"nx-label-wrong", ningxiaForm, 99, map[string]any{"D3": "项目自评得分"}, []string{"total.sum@E3"}, "total.sum@E3", Error},
	{"tr-label", transferForm, 95, map[string]any{"D2": "项目得分"}, []string{"total.sum@E2"}, "total.sum@E2", Error},
	{"nx-total", ningxiaForm, 99, nil, []string{"total.sum@E3"}, "total.sum@E3", Error},
	{"nx-range", ningxiaForm, 96, map[string]any{"G14": 35}, []string{"ind.range@G14", "total.sum@E3"}, "ind.range@G14", Error},
	{"nx-cap", ningxiaForm, 96, map[string]any{"E14": "70处"}, []string{"ind.cap@G14"}, "ind.cap@G14", Error},
	{"nx-rate", ningxiaForm, 96, map[string]any{"E6": "90.00%"}, []string{"funds.rate@E6"}, "funds.rate@E6", Error},
	{"nx-reason", ningxiaForm, 94, map[string]any{"G11": 8}, []string{"ind.reason@H11"}, "ind.reason@H11", Error},
	{"dm-clean", deptMoFForm, 99.81, nil, nil, "", Error},
	{"dm-total", deptMoFForm, 98, nil, []string{"total.sum@H17"}, "total.sum@H17", Error},
	// 10 written with no decimals stands for 9.5 to 10.5, which holds 9.81.
	{"dm-fscore-round", deptMoFForm, 100, map[string]any{"I5": 10}, nil, "", Error},
	{"dm-fscore", deptMoFForm, 99.5, map[string]any{"I5": 9.5}, []string{"funds.score@I5"}, "funds.score@I5", Error},
	{"dm-range", deptMoFForm, 99.81, map[string]any{"H12": 30}, []string{"ind.range@H12", "total.sum@H17"}, "ind.range@H12", Error},
	{"dm-cap", deptMoFForm, 99.81, map[string]any{"F12": "250个"}, []string{"ind.cap@H12"}, "ind.cap@H12", Error},
	{"dm-l1", deptMoFForm, 99.81, map[string]any{"B12": "产出指标(40分)"}, []string{"weights.l1@B12"}, "weights.l1@B12", Error},
	// A template row dotted in every cell is still unused.
	{"dm-placeholder", deptMoFForm, 99.81, map[string]any{"D14": "指标2:", "E14": "……", "F14": "……", "G14": "…", "H14": "..."}, nil, "", Error},
	{"dm-placeholder-used", deptMoFForm, 99.81, map[string]any{"D14": "指标2:", "E14": "……", "F14": "……", "G14": 5},
		[]string{"ind.missing@D14", "ind.missing@H14", "weights.l1@B12", "weights.sum@G17"}, "ind.missing@H14", Error},
	{"cq-clean", cqForm, 98, nil, nil, "", Error},
	{"cq-total", cqForm, 90, nil, []string{"total.sum@F2"}, "total.sum@F2", Error},
	{"cq-cap", cqForm, 100, map[string]any{"I7": 100}, []string{"ind.cap@I7"}, "ind.cap@I7", Error},
	{"cq-rate", cqForm, 98, map[string]any{"F4": "90.00%"}, []string{"funds.rate@F4"}, "funds.rate@F4", Error},
	// 60 × 100% scores 60: the total is wrong too.
	{"cq-weights", cqForm, 98, map[string]any{"H8": 60}, []string{"total.sum@F2", "weights.sum@F2"}, "weights.sum@F2", Error},
}

// TestLayoutFaults: every fault of layoutFaults, as excelize writes it.
func TestLayoutFaults(t *testing.T) {
	checkLayoutFaults(t, writeLayoutFaults(t))
}

// TestLayoutFaultsLibreOffice: the same after one LibreOffice re-save.
func TestLayoutFaultsLibreOffice(t *testing.T) {
	soffice.Need(t)
	out := t.TempDir()
	convertAll(t, writeLayoutFaults(t), out)
	checkLayoutFaults(t, out)
}

func writeLayoutFaults(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range layoutFaults {
		rows := slices.Clone(c.form(c.total))
		for ref, v := range c.edits {
			col, row, err := excelize.CellNameToCoordinates(ref)
			if err != nil || row > len(rows) {
				t.Fatalf("%s: %s: %v", c.name, ref, err)
			}
			r := slices.Clone(rows[row-1])
			for len(r) < col {
				r = append(r, "")
			}
			r[col-1] = v
			rows[row-1] = r
		}
		p := writeRows(t, c.name+".xlsx", rows)
		if err := os.Rename(p, filepath.Join(dir, c.name+".xlsx")); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func checkLayoutFaults(t *testing.T, dir string) {
	t.Helper()
	k := NewChecker(Checks(), ReadOptions{})
	for _, c := range layoutFaults {
		res := k.CheckFile(filepath.Join(dir, c.name+".xlsx"))
		if res.Err != nil || len(res.Forms) != 1 {
			t.Fatalf("%s: %v, %d forms", c.name, res.Err, len(res.Forms))
		}
		expectFindings(t, c.name, res.Forms[0], c.errors, c.want, c.sev)
	}
}
