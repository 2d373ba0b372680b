package validate

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Forms found published on the web (the project's search corpus), re-typed
// in their own layout with their figures as published. The copy we could
// read of each stops part-way (the page excerpt ends in the 满意度指标 block),
// so each is typed up to there and nothing is made up: what a checker
// must say about the part that exists is asserted; the weights then add
// up to 90 of 100 and no total is written, because the 满意度 row (10分)
// and the 总分 row are not in the copy.

// tangxiWeituo is 池州市贵池区棠溪镇人民政府 2022 委托业务项目 (安徽, the
// county form of the MoF grid), published at
// http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2.
// Its 年度资金总额 row shows 0 0 0 where its only part (本年财政拨款) holds
// 90 / 89.974 / 89.974: a real published fault, funds.sum in each column.
var tangxiWeituo = [][]any{
	{"项目支出绩效自评表"},
	{"(2022年度)"},
	{"项目名称", "", "委托业务项目"},
	{"主管部门", "", "219-池州市贵池区棠溪镇人民政府", "", "", "实施单位", "219001-池州市贵池区棠溪镇人民政府"},
	{"项目资金\n(万元)", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"},
	{"", "", "年度资金总额:", 0, 0, 0, 10, 0, 0},
	{"", "", "其中:本年财政拨款", 90, 89.974, 89.974},
	{"", "", "上年结转资金"},
	{"", "", "其他资金"},
	{"年度总体目标", "预期目标", "", "", "", "实际完成情况"},
	{"", "本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;30万元用于基建工程项目设计、规划、测绘。", "", "", "",
		"本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;29.99万元用于基建工程项目设计、规划、测绘。"},
	{"绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"},
	{"", "产出指标(50分)", "数量指标", "基建工程委托业务项目数量", "≥50个", 50, 8, 8},
	{"", "", "质量指标", "委托业务报告合格率", "≥100百分比", 100, 8, 8},
	{"", "", "", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8, 8},
	{"", "", "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", 8, 8},
	{"", "", "成本指标", "项目总成本", "≤90万元", 90, 8, 8},
	{"", "", "", "单项业务成本", "符合相关规定", "达成预期指标", 10, 10},
	{"", "效益指标(30分)", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", 10, 10},
	{"", "", "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", 10, 10},
	{"", "", "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", 10, 10},
	{"", "", "经济效益指标"},
}

// tangxiCunji is the same town's 2022 村级补助及运转经费, published at
// http://www.anthempetcare.com/upload_cz/download?id=502367&siteId=2, with
// the same fault in its 年度资金总额 row; our copy ends inside 效益指标.
var tangxiCunji = [][]any{
	{"项目支出绩效自评表"},
	{"(2022年度)"},
	{"项目名称", "", "村级补助及运转经费"},
	{"主管部门", "", "219-池州市贵池区棠溪镇人民政府", "", "", "实施单位", "219001-池州市贵池区棠溪镇人民政府"},
	{"项目资金\n(万元)", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"},
	{"", "", "年度资金总额:", 0, 0, 0, 10, 0, 0},
	{"", "", "其中:本年财政拨款", 202.64, 132.912, 132.912},
	{"", "", "上年结转资金"},
	{"", "", "其他资金"},
	{"年度总体目标", "预期目标", "", "", "", "实际完成情况"},
	{"", "本项目共申请预算资金2026400元,其中村级组织运转400000元,村民组长,党小组长基本报酬252000元,村民监督委员会 工资28000元,村级事务补助960000元,村级工作目标奖励100000元。", "", "", "",
		"本项目共完成预算资金1329120.67元,其中村级组织运转439120.67元,村民组长,党小组长基本报酬152000元,村民监督委员会 工资28000元,村级事务补助660000元,村级工作目标奖励50000元。"},
	{"绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"},
	{"", "产出指标(50分)", "数量指标", "补助村(社区)数量", "=8个", 8, 8, 8},
	{"", "", "", "保障村干部人数", "=42个", 42, 8, 8},
	{"", "", "质量指标", "补助资格合规性", "合规", "达成预期指标", 8, 8},
	{"", "", "", "经费审批流程规范性", "严格执行相关制度规定", "达成预期指标", 8, 8},
	{"", "", "时效指标", "补助经费到位及时性", "及时", "达成预期指标", 8, 8},
	{"", "", "成本指标", "项目总成本", "≤202.6万元", 132.9, 10, 10},
	{"", "效益指标(30分)", "经济效益指标", "对保障村(社区)两委机构正常运行的影响程度", "效果明显", "达成预期指标", 10, 10},
	{"", "", "社会效益指标", "提高村(社区)干部工作积极性的影响程度", "效果明显", "达成预期指标", 10, 10},
}

func writeRows(t *testing.T, name string, rows [][]any, merges ...string) string {
	t.Helper()
	f := excelize.NewFile()
	s := f.GetSheetName(0)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range merges {
		a, b, _ := strings.Cut(m, ":")
		if err := f.MergeCell(s, a, b); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSearchedForms(t *testing.T) {
	searchedForm(t, writeRows(t, "tangxi_weituo2022.xlsx", tangxiWeituo,
		"A5:B9", "A10:A11", "B10:E10", "F10:I10", "B11:E11", "F11:I11", "A12:A22", "B13:B18", "B19:B22", "C14:C15", "C17:C18"), 9, 22) // the empty 经济效益指标 row is no indicator
	// The copy ends inside 效益指标 (30分): its two rows weigh 20.
	searchedForm(t, writeRows(t, "tangxi_cunji2022.xlsx", tangxiCunji,
		"A5:B9", "A10:A11", "B10:E10", "F10:I10", "B11:E11", "F11:I11", "A12:A20", "B13:B18", "B19:B20", "C13:C14", "C15:C16"), 8, 21, "weights.l1@B19")
}

// searchedForm: the copy reads as n indicators and gives exactly the
// published fault and what the missing end of the copy implies.
func searchedForm(t *testing.T, path string, n, past int, cut ...string) {
	t.Helper()
	res := NewChecker(Checks(), ReadOptions{}).CheckFile(path)
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%v, %d forms", res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	if fr.Form.Layout != "seed" && fr.Form.Layout != "mof" || len(fr.Form.Indicators) != n {
		t.Errorf("layout %s, %d indicators", fr.Form.Layout, len(fr.Form.Indicators))
	}
	var got []string
	for _, f := range fr.Findings {
		if f.Severity == Error {
			got = append(got, f.Rule+"@"+f.Cell)
		}
	}
	slices.Sort(got)
	// weights.sum (90 of 100) and total.missing: the 满意度 row and the
	// 总分 row are past the end of the copy.
	// Each 一级 the copy has whole states the weight its rows add up to
	// (weights.l1); cut names those the end of the copy cuts short.
	// With no 总分 row they are reported where it would be, row past.
	want := append([]string{"funds.sum@D6", "funds.sum@E6", "funds.sum@F6",
		fmt.Sprintf("total.missing@H%d", past), fmt.Sprintf("weights.sum@G%d", past)}, cut...)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("errors\n got  %v\n want %v", got, want)
		for _, f := range fr.Findings {
			t.Logf("%s %s %s %s", f.Severity, f.Rule, f.Cell, f.Message)
		}
	}
}
