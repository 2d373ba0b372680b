package validate

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// Project forms of northern regions found published on the web (the
// project's search corpus), re-typed in their own layout with their
// figures as published.

// langfangNuantong is 廊坊市食品工程学校 2019 办公宿舍楼、食堂及餐厅暖通改造经费
// (河北, 廊坊市发改委), published at http://www.lfsp.cn/newsinfo/1158053.html.
// Its layout: the MoF grid without the 绩效指标 column, every 三级 cell
// prefixed 指标1 / 指标2 with no colon (指标1工程资金金额), the template's
// unused 指标2 and …… rows left in, a 生态效益 row holding only 指标1,
// bare-number targets (43.2 against 37.24, 100), 执行率 86% and 0 typed as
// a reason. The title's opening parenthesis is lost in the page text
// (2019年度)); our copy ends inside 满意度指标, before the 总分 row.
var langfangNuantong = [][]any{
	{"项目支出绩效自评表"},
	{"(2019年度)"},
	{"项目名称", "办公宿舍楼、食堂及餐厅暖通改造经费"},
	{"主管部门", "廊坊市发改委", "", "", "实施单位", "廊坊市食品工程学校"},
	{"项目资金\n(万元)", "", "年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分"},
	{"", "年度资金总额", 43.2, 43.2, 37.24, 10, 0.86, 9},
	{"", "其中:当年财政拨款", 43.2, 43.2, 37.24},
	{"", "上年结转资金"},
	{"", "其他资金"},
	{"年度总体目标", "预期目标", "", "", "实际完成情况"},
	{"", 43.2, "", "", 37.24},
	{"一级指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值", "分值", "得分", "偏差原因分析及改进措施"},
	{"产出指标", "数量指标", "指标1工程资金金额", 43.2, 37.24, 10, 9, "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"},
	{"", "", "指标2"},
	{"", "", "……"},
	{"", "质量指标", "指标1工程完工率", 100, 100, 10, 10},
	{"", "", "指标2工程验收合格率", 100, 100, 10, 10},
	{"", "", "……"},
	{"", "时效指标", "指标1项目完成及时率", 100, 100, 10, 10},
	{"", "", "指标2"},
	{"", "", "……"},
	{"", "成本指标", "指标1成本控制率", 100, 100, 10, 10},
	{"", "", "指标2"},
	{"", "", "……"},
	{"效益指标", "经济效益\n指标", "指标1安全率", 100, 100, 10, 10, 0},
	{"", "", "指标2"},
	{"", "", "……"},
	{"", "社会效益\n指标", "指标1学校发展能力", 100, 100, 10, 10, 0},
	{"", "", "指标2"},
	{"", "", "……"},
	{"", "生态效益\n指标", "指标1"},
	{"", "", "指标2"},
	{"", "", "……"},
	{"效益指标", "可持续影响\n指标", "指标1长期使用性", 100, 100, 10, 10},
	{"", "", "指标2"},
	{"", "", "……"},
	{"满意度\n指标", "服务对象满意度指标", "指标1学生满意度", 100, 100, 10, 10, 0},
	{"", "", "指标2"},
}

var langfangMerges = []string{"A5:A9", "A10:A11", "B10:D10", "E10:H10", "B11:D11", "E11:H11",
	"A13:A24", "B13:B15", "B16:B18", "B19:B21", "B22:B24", "A25:A33", "B25:B27", "B28:B30", "B31:B33",
	"A34:A36", "B34:B36", "A37:A38", "B37:B38"}

// lijiangWeipian is 丽江市古城区自然资源局 2020 省级自然资源卫片执法补助经费
// (云南, 丽江市自然资源和规划局), met while searching and kept because its
// spelling is new: the operator cells hold ﹦ (U+FE66, a small form), under a
// two-row indicator header whose 年度指标值 spans 指标性质 | 指标值 | 度量单位;
// published at http://m.jjiadianqingjie.com.cn/changyong/13241.html. Our
// copy ends at the 满意度 row's 分值, so its 得分 and the 总分 row are not
// in it.
var lijiangWeipian = [][]any{
	{"2020年度项目支出绩效自评表"},
	{"项目名称", "2020年省级自然资源卫片执法补助经费支出绩效自评表"},
	{"主管部门", "丽江市自然资源和规划局", "", "", "", "实施单位", "丽江市古城区自然资源局"},
	{"项目资金\n(万元)", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"},
	{"", "", "年度资金总额", 7.29, 7.29, 7.29, "10.00", 1, "10.00"},
	{"", "", "其中:当年财政拨款", 7.29, 7.29, 7.29, "", 1},
	{"", "", "上年结转资金"},
	{"", "", "其他资金"},
	{"年度\n总体\n目标", "预期目标", "", "", "", "实际完成情况"},
	{"", "自然资源卫片执法补助经费", "", "", "", "自然资源卫片执法补助经费"},
	{"绩效指标", "", "", "年度指标值", "", "", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"},
	{"一级\n指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"},
	{"产出指标", "数量指标", "卫片执法补助经费", "﹦", 72890, "元", 72890, "10.00", "9.00"},
	{"", "质量指标", "项目验收合格率", "﹦", 100, "%", 100, 20, 19},
	{"", "时效指标", "项目完成及时率", "﹦", 100, "%", 100, "20.00", "19.00"},
	{"效益指标", "社会效益指标", "违法行为责停率", "≥", 95, "%", 95, "30.00", "27.00"},
	{"满意度指标", "服务对象满意度指标", "满意度", "≥", 95, "%", 95, "10.00"},
}

// zhongjiangShuibiaochi is 中江县水利局 2022 农业水价综合改革精准补贴和节水
// 奖励项目小型水库水标尺制作安装 (四川 德阳, 财政衔接资金), published at
// https://chacewang.com/newsdetail/news242266.html: the 分值-first transfer
// form (分值 before 年度指标值 | 全年实际值, actuals typed with their
// operator, 一级 cells carrying (70分)), no 年初预算数 column, an empty
// 经济效益指标 row and a …… row left in; whole, down to 总分 100 100.
var zhongjiangShuibiaochi = [][]any{
	{"绩效目标自评表"},
	{"(2022年度)"},
	{"项目名称", "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装"},
	{"项目负责人及电话", "谢凯13990260322(办公)"},
	{"主管部门", "中江县水利局", "", "", "", "实施单位", "中江县水利局"},
	{"资金情况\n(万元)", "", "", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"},
	{"", "", "年度资金总额:", 20, 20, 10, 1, 10},
	{"", "", "其中:本年财政拨款", 20, 20},
	{"", "", "其他资金"},
	{"年度总体目标", "年初设定目标", "", "", "", "年度总体目标完成情况综述"},
	{"", "对农村地区供水计量设施设备进行改进,对项目区农业用水计量,为项目区农业生产夯实基础,", "", "", "",
		"对项目区农业用水计量,为项目区农业生产夯实基础,"},
	{"绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "未完成原因及拟采取的改进措施"},
	{"", "产出指标(70分)", "数量指标", "安装坡面水标尺", 10, "≥266米", "≥266米", 10},
	{"", "", "", "水标尺宽度", 10, "≥50厘米", "≥50厘米", 10},
	{"", "", "质量指标", "项目(工程)验收合格率", 20, "100%", "100%", 20},
	{"", "", "时效指标", "及时(按期)开工率", 10, "≥90%", "≥90%", 10},
	{"", "", "", "及时(按期)完工率", 10, "≥90%", "≥90%", 10},
	{"", "", "成本指标", "项目计划总投资", 10, "20万元", "20万元", 10},
	{"", "效益指标(20分)", "经济效益指标"},
	{"", "", "社会效益指标", "受益脱贫(含监测对象)户人口数", 10, "≥1000人", "≥1000人", 10},
	{"", "", "", "群众生产生活条件改善状况", 10, "显著提升", "显著提升", 10},
	{"", "满意度指标(10分)", "服务对象满意度指标", "受益脱贫(含监测对象)户满意度", 10, "≥95%", "≥95%", 10},
	{"", "", "", "……"},
	{"总分", "", "", "", 100, "", "", 100},
}

// northForm is one searched form and what a correct checker says of it.
type northForm struct {
	name   string
	rows   [][]any
	merges []string
	pct    []string // cells holding a fraction shown as a percentage
	layout string
	n      int      // indicators read
	names  []string // the first indicators' names, as read
	errors []string // rule@cell at error level
	total  string   // 总分 read or computed ("" when none)
	grade  string
}

var northForms = []northForm{
	{"langfang_nuantong2019.xlsx", langfangNuantong, langfangMerges, []string{"G6"}, "seed", 9,
		// 指标1工程资金金额: the template's number, with no colon, is no part of the name.
		[]string{"工程资金金额", "工程完工率", "工程验收合格率"},
		// The bare 43.2 reads as ≥ (a warning says so): 37.24 of 43.2 allows
		// 10 × 86.2% = 8.62, not the 9 written. total.missing: the 总分 row
		// is past the end of the copy.
		[]string{"ind.cap@G13", "total.missing@G38"}, "98.00", "优"},
	{"zhongjiang_shuibiaochi2022.xlsx", zhongjiangShuibiaochi,
		[]string{"A6:B9", "A10:A11", "B10:E10", "F10:I10", "B11:E11", "F11:I11", "A12:A23", "B13:B18", "C13:C14", "C16:C17", "B19:B21", "C20:C21", "B22:B23", "C22:C23", "A24:D24"},
		// Its funds are the MoF grid's ((A)/(B), scored), its total at the
		// foot: mof, whose columns are found by label. Nine rows: the empty
		// 经济效益指标 one is a template row left blank. weights.sum and total.sum:
		// the indicators weigh 100 by themselves, beside the budget's 10,
		// and 总分 100 leaves the budget's 得分 out, against the form's own
		// note (产出50 效益30 满意度10 预算执行率10).
		[]string{"G7"}, "mof", 9, []string{"安装坡面水标尺"},
		[]string{"total.sum@H24", "weights.sum@E24"}, "100", "优"},
	{"lijiang_weipian2020.xlsx", lijiangWeipian,
		[]string{"A4:B8", "A9:A10", "B9:E9", "F9:J9", "B10:E10", "F10:J10", "A11:C11", "D11:F11", "G11:G12", "H11:H12", "I11:I12", "J11:J12", "A13:A15"},
		[]string{"H5", "H6"}, "yunnan-14", 5, []string{"卫片执法补助经费"},
		// ind.reason: each met target scored under its 分值 with no reason,
		// as published. The 满意度 得分 and the 总分 row are past the copy.
		[]string{"ind.reason@J13", "ind.reason@J14", "ind.reason@J15", "ind.reason@J16", "ind.missing@I17", "total.missing@I18"}, "", ""},
}

func writeNorth(t *testing.T, c northForm) string {
	t.Helper()
	p := writeRows(t, c.name, c.rows, c.merges...)
	if len(c.pct) == 0 {
		return p
	}
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
	if err != nil {
		t.Fatal(err)
	}
	s := f.GetSheetName(0)
	for _, c := range c.pct {
		if err := f.SetCellStyle(s, c, c, st); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNorthForms: each searched form reads as its layout with exactly
// the faults it was published with.
func TestNorthForms(t *testing.T) {
	k := NewChecker(Checks(), ReadOptions{})
	for _, c := range northForms {
		checkNorth(t, k, writeNorth(t, c), c)
	}
}

// TestNorthFormsLibreOffice: the same after a LibreOffice re-save.
func TestNorthFormsLibreOffice(t *testing.T) {
	soffice.Need(t)
	k := NewChecker(Checks(), ReadOptions{})
	dir := t.TempDir()
	for _, c := range northForms {
		out, err := soffice.Convert(writeNorth(t, c), dir, "xlsx")
		if err != nil {
			t.Fatal(err)
		}
		checkNorth(t, k, out, c)
	}
}

func checkNorth(t *testing.T, k *Checker, path string, c northForm) {
	t.Helper()
	res := k.CheckFile(path)
	if res.Err != nil || len(res.Forms) != 1 {
		t.Fatalf("%s: %v, %d forms", c.name, res.Err, len(res.Forms))
	}
	fr := res.Forms[0]
	if fr.Form.Layout != c.layout || len(fr.Form.Indicators) != c.n {
		t.Errorf("%s: layout %s, %d indicators; want %s, %d", c.name, fr.Form.Layout, len(fr.Form.Indicators), c.layout, c.n)
	}
	for i, name := range c.names {
		if i >= len(fr.Form.Indicators) || fr.Form.Indicators[i].L3.Text != name {
			t.Errorf("%s: indicator %d not read as %q", c.name, i, name)
		}
	}
	var got []string
	for _, f := range fr.Findings {
		if f.Severity == Error {
			got = append(got, f.Rule+"@"+f.Cell)
		}
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(c.errors))
	if !slices.Equal(got, want) {
		t.Errorf("%s errors\n got  %v\n want %v", filepath.Base(path), got, want)
		for _, f := range fr.Findings {
			t.Logf("%s %s %s exp %q found %q %s", f.Severity, f.Rule, f.Cell, f.Expected, f.Found, f.Message)
		}
	}
	if fr.Summary.Total != c.total && fr.Form.TotalScore.Text != c.total || fr.Summary.Grade != c.grade {
		t.Errorf("%s: total %q grade %q; want %q %q", c.name, fr.Summary.Total, fr.Summary.Grade, c.total, c.grade)
	}
}
