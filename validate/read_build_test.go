package validate

// Test workbooks: the two seed forms (../shared/seeds) laid out as the real
// form is, written in many variants, with what the reader must find in
// each field.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
)

type bookInd struct{ l1, l2, l3, target, actual, weight, score, reason string }

type bookForm struct {
	title, project, dept, unit string
	funds                      [4][6]string // 年初预算数 全年预算数 全年执行数 分值 执行率 得分
	goal, done                 string
	inds                       []bookInd
	totalW, totalS, grade      string
}

const (
	seedDept = "上海市文化和旅游局"
	seedUnit = "上海市文化旅游市场质量监测和服务中心"
)

var book1 = bookForm{
	title: "财政项目支出绩效自评表", project: "信息化运维项目", dept: seedDept, unit: seedUnit,
	funds: [4][6]string{
		{"17.52", "17.52", "17.50", "10.00", "99.88", "9.99"},
		{"17.52", "17.52", "17.50", "-", "99.88", "-"},
		{"0.00", "0.00", "0.00", "-", "0.00", "-"},
		{"0.00", "0.00", "0.00", "-", "0.00", "-"},
	},
	goal: "全面配合文旅投诉属地化管理机制,为市区二级文旅投诉处理机构提供业务运行的优质载体。",
	done: "根据业务发展需求和用户反馈,对功能进行优化升级,保证了系统的稳定运行。",
	inds: []bookInd{
		{"成本指标", "经济成本指标", "系统运行维护成本", "≤17.52(万元)", "17.50(万元)", "10.00", "10.00", ""},
		{"产出指标", "数量指标", "功能模块更新数量", "≥10.00(项)", "10.00(项)", "5.00", "5.00", ""},
		{"产出指标", "数量指标", "系统(软件)维护数量", "≥1.00(套)", "1.00(套)", "5.00", "5.00", ""},
		{"产出指标", "质量指标", "系统运维验收通过率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"产出指标", "时效指标", "系统日常运维及时率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"产出指标", "时效指标", "系统应急响应及时率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "系统正常运行率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "重大信息安全事故发生数", "≤1.00(起)", "0.00(起)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "系统用户数量", "≥120.00(个)", "198.00(个)", "5.00", "5.00", ""},
		{"效益指标", "社会效益指标", "内部业务办结率", "≥90.00(%)", "99.91(%)", "5.00", "5.00", ""},
		{"效益指标", "可持续影响指标", "应急响应机制健全性", "健全", "达成指标", "5.00", "5.00", ""},
		{"满意度指标", "服务对象满意度指标", "系统使用人员满意度", "≥90.00(%)", "89.00(%)", "5.00", "4.00", "需进一步加快系统迭代升级，提升用户满意度"},
	},
	totalW: "100.00", totalS: "98.99", grade: "优",
}

var book2 = bookForm{
	title: "财政项目支出绩效自评表", project: "文旅管理与服务", dept: seedDept, unit: seedUnit,
	funds: [4][6]string{
		{"407.30", "407.30", "407.30", "10.00", "100.00", "10.00"},
		{"407.30", "407.30", "407.30", "-", "100.00", "-"},
		{"0.00", "0.00", "0.00", "-", "0.00", "-"},
		{"0.00", "0.00", "0.00", "-", "0.00", "-"},
	},
	goal: "确保“12345”市民服务热线全年无休运作,提供业务咨询并做好数据分析。",
	done: "2024年度共收到热线工单14万6千余件,工单办理量、办结率、服务天数、报告报送等均完成相关指标。",
	inds: []bookInd{
		{"成本指标", "经济成本指标", "热线客服人员配置单位成本", "≤16.29(万元/年)", "16.29(万元/年)", "10.00", "10.00", ""},
		{"产出指标", "数量指标", "热线工单办理量", "≥20000.00(件)", "146370.00(件)", "10.00", "10.00", ""},
		{"产出指标", "数量指标", "信息监测报送量", "≥10.00(份)", "78.00(份)", "5.00", "5.00", ""},
		{"产出指标", "数量指标", "热线客服人员配置人数", "=25.00(人)", "25.00(人)", "5.00", "5.00", ""},
		{"产出指标", "质量指标", "热线工单处理标准达标率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"产出指标", "质量指标", "应急工单处置率", "≥95.00(%)", "100.00(%)", "5.00", "5.00", ""},
		{"产出指标", "时效指标", "热线工单办理及时率", "≥90.00(%)", "98.00(%)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "热线工单办结率", "≥90.00(%)", "99.00(%)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "纠纷调处量", "≥15000.00(件)", "140415.00(件)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "旅游投诉问题纠纷处置率", "≥95.00(%)", "100.00(%)", "5.00", "5.00", ""},
		{"效益指标", "可持续影响指标", "应急响应机制健全性", "建立健全", "部分达成指标并具有一定效果", "5.00", "3.50",
			"热线工单处置涉及市区两级,部分工单流转至属地后，可能存在时差，处理有所滞后。后续将进一步打通工单流转机制，完善处置流程。"},
		{"满意度指标", "服务对象满意度指标", "热线投诉人员满意度", "≥70.00(%)", "70.00(%)", "5.00", "5.00", ""},
	},
	totalW: "100.00", totalS: "98.50", grade: "优",
}

// variant is one way a unit's workbook departs from the plain form.
type variant struct {
	name      string
	lead      bool   // extra leading column with a vertical 绩效指标 label
	blankRows bool   // empty rows between the blocks
	blankCol  bool   // an empty column between labels and values
	noisy     bool   // labels with spaces, full-width punctuation, weight notes
	text      bool   // figures typed as text
	fraction  bool   // rates and % actuals stored as fractions, shown with a percent format
	yuan      bool   // amounts in 元 (with thousands separators)
	weight    string // the funds header's 分值 label ("分数" as in the seed, "分值")
	noGrade   bool   // no 评分等级 row
	inline    bool   // label and value in one cell: "项目名称：xxx"
	unmerged  bool   // no merged cells: 一级/二级 left blank under their parent
	formulas  bool   // funds 执行率 as formulas
	year      any    // how the year is written; default "(2024年度)"
	noTotal   bool   // no 总分 row
	offset    int    // rows above the form (another form, say)
}

// sink writes cells; excelize or raw XML.
type sink interface {
	str(sheet, a1, s string)
	// num writes d with a number format and returns the text it shows.
	num(sheet, a1 string, d decimal.Decimal, format string) string
	formula(sheet, a1, f, format string)
	merge(sheet, from, to string)
}

// want is what the reader must find in one field.
type wantCell struct {
	form.Cell
	num string // expected Num as a decimal string, "" for none
}

// built is what build wrote: the expected field values by form.Cells key,
// and each indicator's L1Own/L2Own.
type built struct {
	want map[string]wantCell
	own  [][2]bool
	unit string
	rows int // indicator count
}

type builder struct {
	s     sink
	sheet string
	v     variant
	out   built
}

func buildBook(s sink, sheet string, sf bookForm, v variant) built {
	b := &builder{s: s, sheet: sheet, v: v, out: built{want: map[string]wantCell{}, unit: "万元", rows: len(sf.inds)}}
	if v.yuan {
		b.out.unit = "元"
	}
	b.write(sf)
	return b.out
}

// row maps a row of the plain layout (0-based) to the sheet.
func (b *builder) row(r int) int {
	n := r + b.v.offset
	if b.v.blankRows {
		for _, after := range []int{1, 8, 11} {
			if r > after {
				n++
			}
		}
	}
	return n
}

// col maps a column of the plain layout (0-based, A..H) to the sheet.
func (b *builder) col(c int) int {
	if b.v.lead {
		c++
	}
	if b.v.blankCol && c >= 2+btoi(b.v.lead) {
		c++
	}
	return c
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (b *builder) a1(r, c int) string { return a1Of(b.row(r), b.col(c)) }

func (b *builder) merge(r0, c0, r1, c1 int) {
	if !b.v.unmerged && (r0 != r1 || c0 != c1) {
		b.s.merge(b.sheet, b.a1(r0, c0), b.a1(r1, c1))
	}
}

// str writes a text; key (if any) records it as a field showing shown.
func (b *builder) str(key string, r, c int, s, shown string) {
	a := b.a1(r, c)
	if s != "" {
		b.s.str(b.sheet, a, s)
	}
	if key != "" {
		b.out.want[key] = wantCell{Cell: form.Cell{Ref: a, Text: shown}}
	}
}

// fig writes a figure written with 2 decimals ("17.52", "-") as the variant
// stores it; pct says it is a percentage (shown as a fraction in the
// fraction variant), amount that it is an amount (×10000 in 元).
func (b *builder) fig(key string, r, c int, s string, pct, amount bool) {
	d, err := decimal.NewFromString(s)
	if err != nil { // "-"
		b.str(key, r, c, s, s)
		return
	}
	if amount && b.v.yuan {
		d = d.Mul(decimal.NewFromInt(10000))
	}
	a := b.a1(r, c)
	w := wantCell{Cell: form.Cell{Ref: a}}
	switch {
	case pct && b.v.fraction:
		stored := d.Div(decimal.NewFromInt(100))
		w.Text = b.s.num(b.sheet, a, stored, "0.00%")
		w.Percent, w.Raw = true, stored.String()
	case b.v.text:
		w.Text = d.StringFixed(2)
		if amount && b.v.yuan {
			w.Text = thousands(w.Text)
		}
		b.s.str(b.sheet, a, w.Text)
		w.Raw = w.Text
	default:
		format := "0.00"
		if amount && b.v.yuan {
			format = "#,##0.00"
		}
		w.Text = b.s.num(b.sheet, a, d, format)
		w.Raw = d.String()
	}
	// The figure has the decimals it is shown with.
	shown := strings.NewReplacer(",", "", "%", "").Replace(w.Text)
	if _, frac, ok := strings.Cut(shown, "."); ok {
		w.Places = int32(len(frac))
	}
	w.num = decimal.RequireFromString(shown).StringFixed(w.Places)
	b.out.want[key] = w
}

// label is a label as the variant spells it.
func (b *builder) label(l string) string {
	if !b.v.noisy {
		return l
	}
	noisy := map[string]string{
		"项目名称": "项 目 名 称", "主管部门": "主管部门：", "实施单位": " 实施单位:",
		"年度资金总额:": "年度资金总额：", "其中:当年财政拨款": "其中：当年财政拨款", "执行率(%)": "执行率（%）",
		"年初预算数": "年初 预算数", "预期目标": "预 期 目 标", "一级指标": "一级 指标",
		"年度指标值": "年度指标值（目标值）", "总分": "总　分", "评分等级": "评分等级：",
	}
	if s, ok := noisy[l]; ok {
		return s
	}
	return l
}

// l1Label is the 一级 cell of the run of indicators from i: noisy, the
// last (满意度指标, which no fault re-weighs) with the weight its rows add
// up to in a note, as MoF forms write it (weights.l1 holds the note
// against the rows).
func (b *builder) l1Label(sf bookForm, i int) string {
	l1 := sf.inds[i].l1
	if !b.v.noisy || l1 != sf.inds[len(sf.inds)-1].l1 {
		return l1
	}
	sum := decimal.Zero
	for j := i; j < len(sf.inds) && sf.inds[j].l1 == l1; j++ {
		sum = sum.Add(decimal.RequireFromString(sf.inds[j].weight))
	}
	return l1 + "（" + sum.String() + "分）"
}

func (b *builder) write(sf bookForm) {
	v := b.v
	b.str("title", 0, 0, sf.title, sf.title)
	b.merge(0, 0, 0, 7)
	b.year()
	b.merge(1, 0, 1, 7)
	if v.inline {
		b.str("project", 2, 0, "项目名称："+sf.project, sf.project)
		b.merge(2, 0, 2, 7)
	} else {
		b.str("", 2, 0, b.label("项目名称"), "")
		b.merge(2, 0, 2, 1)
		b.str("project", 2, 2, sf.project, sf.project)
		b.merge(2, 2, 2, 7)
	}
	b.str("", 3, 0, b.label("主管部门"), "")
	b.merge(3, 0, 3, 1)
	b.str("department", 3, 2, sf.dept, sf.dept)
	b.merge(3, 2, 3, 3)
	b.str("", 3, 4, b.label("实施单位"), "")
	b.merge(3, 4, 3, 5)
	b.str("unit", 3, 6, sf.unit, sf.unit)
	b.merge(3, 6, 3, 7)
	b.funds(sf)
	b.goals(sf)
	b.indicators(sf)
}

func (b *builder) year() {
	switch y := b.v.year.(type) {
	case nil:
		b.str("year", 1, 0, "(2024年度)", "(2024年度)")
	case string:
		b.str("year", 1, 0, y, strings.TrimSpace(y))
	case int:
		a := b.a1(1, 0)
		b.s.num(b.sheet, a, decimal.NewFromInt(int64(y)), "")
		b.out.want["year"] = wantCell{Cell: form.Cell{Ref: a, Text: fmt.Sprint(y)}}
	}
	w := b.out.want["year"]
	w.num = "2024"
	b.out.want["year"] = w
}

func (b *builder) funds(sf bookForm) {
	amount := "万元"
	if b.v.yuan {
		amount = "元"
	}
	fl := "项目资金 (" + amount + ")"
	b.str("funds.label", 4, 0, fl, fl)
	b.merge(4, 0, 8, 0)
	weight := b.v.weight
	if weight == "" {
		weight = "分数"
	}
	for i, h := range []string{"年初预算数", "全年预算数", "全年执行数", weight, "执行率(%)", "得分"} {
		b.str("", 4, 2+i, b.label(h), "")
	}
	labels := []string{"年度资金总额:", "其中:当年财政拨款", "上年结转资金", "其他资金"}
	for i, l := range labels {
		r := 5 + i
		k := func(f *form.Field) string { return form.FundKey(i, f).String() }
		b.str(k(form.FFundLabel), r, 1, b.label(l), strings.TrimSpace(b.label(l)))
		f := sf.funds[i]
		b.fig(k(form.FFundInitial), r, 2, f[0], false, true)
		b.fig(k(form.FFundBudget), r, 3, f[1], false, true)
		b.fig(k(form.FFundExec), r, 4, f[2], false, true)
		b.fig(k(form.FFundWeight), r, 5, f[3], false, false)
		if b.v.formulas {
			b.rateFormula(k(form.FFundRate), r, f[4])
		} else {
			b.fig(k(form.FFundRate), r, 6, f[4], true, false)
		}
		b.fig(k(form.FFundScore), r, 7, f[5], false, false)
	}
}

// rateFormula writes 执行率 as a formula truncating like the seed does;
// its value is what LibreOffice will cache.
func (b *builder) rateFormula(key string, r int, value string) {
	a := b.a1(r, 6)
	bud, exe := b.a1(r, 3), b.a1(r, 4)
	f := fmt.Sprintf("IF(%s=0,0,TRUNC(%s/%s*100,2))", bud, exe, bud)
	b.s.formula(b.sheet, a, f, "0.00")
	b.out.want[key] = wantCell{Cell: form.Cell{Ref: a, Text: value, Formula: f, Places: 2}, num: value}
}

func (b *builder) goals(sf bookForm) {
	b.str("", 9, 0, "年度总体目标", "")
	b.merge(9, 0, 10, 0)
	b.str("", 9, 1, b.label("预期目标"), "")
	b.merge(9, 1, 9, 3)
	b.str("", 9, 4, "实际完成情况", "")
	b.merge(9, 4, 9, 7)
	b.str("goal", 10, 1, sf.goal, sf.goal)
	b.merge(10, 1, 10, 3)
	b.str("done", 10, 4, sf.done, sf.done)
	b.merge(10, 4, 10, 7)
}

func (b *builder) indicators(sf bookForm) {
	const head = 11
	for i, h := range []string{"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"} {
		b.str("", head, i, b.label(h), "")
	}
	n := len(sf.inds)
	if b.v.lead {
		a := a1Of(b.row(head), 0)
		b.s.str(b.sheet, a, "绩效指标")
		if !b.v.unmerged {
			b.s.merge(b.sheet, a, a1Of(b.row(head+n), 0))
		}
	}
	l1start, l2start := 0, 0
	for i, ind := range sf.inds {
		r := head + 1 + i
		k := func(f *form.Field) string { return form.IndKey(i, f).String() }
		own := [2]bool{true, true}
		if i > 0 && ind.l1 == sf.inds[i-1].l1 {
			own[0] = false
			b.out.want[k(form.FL1)] = b.out.want[form.IndKey(l1start, form.FL1).String()]
		} else {
			l1start = i
			b.str(k(form.FL1), r, 0, b.l1Label(sf, i), ind.l1)
		}
		if !own[0] && ind.l2 == sf.inds[i-1].l2 {
			own[1] = false
			b.out.want[k(form.FL2)] = b.out.want[form.IndKey(l2start, form.FL2).String()]
		} else {
			l2start = i
			b.str(k(form.FL2), r, 1, ind.l2, ind.l2)
		}
		b.out.own = append(b.out.own, own)
		if i == n-1 || sf.inds[i+1].l1 != ind.l1 {
			b.merge(head+1+l1start, 0, r, 0)
		}
		if i == n-1 || sf.inds[i+1].l2 != ind.l2 || sf.inds[i+1].l1 != ind.l1 {
			b.merge(head+1+l2start, 1, r, 1)
		}
		b.str(k(form.FL3), r, 2, ind.l3, ind.l3)
		b.str(k(form.FTarget), r, 3, ind.target, ind.target)
		b.actual(k(form.FActual), r, ind.actual)
		b.fig(k(form.FWeight), r, 5, ind.weight, false, false)
		b.fig(k(form.FScore), r, 6, ind.score, false, false)
		b.str(k(form.FReason), r, 7, ind.reason, ind.reason)
	}
	tr := head + 1 + n
	if !b.v.noTotal {
		b.str("", tr, 0, b.label("总分"), "")
		b.merge(tr, 0, tr, 4)
		b.fig("total.weight", tr, 5, sf.totalW, false, false)
		b.fig("total.score", tr, 6, sf.totalS, false, false)
	}
	if b.v.noGrade {
		return
	}
	if b.v.inline {
		b.str("grade", tr+1, 0, "评分等级："+sf.grade, sf.grade)
		b.merge(tr+1, 0, tr+1, 7)
		return
	}
	b.str("", tr+1, 0, b.label("评分等级"), "")
	b.str("grade", tr+1, 1, sf.grade, sf.grade)
	b.merge(tr+1, 1, tr+1, 7)
}

// actual writes 实际完成值: text as in the seed, or for percentages in the
// fraction variant the fraction shown with a percent format.
func (b *builder) actual(key string, r int, s string) {
	if b.v.fraction && strings.HasSuffix(s, "(%)") {
		b.fig(key, r, 4, strings.TrimSuffix(s, "(%)"), true, false)
		return
	}
	b.str(key, r, 4, s, s)
}

// thousands puts separators into a fixed-point number.
func thousands(s string) string {
	ip, fp, _ := strings.Cut(s, ".")
	var out []byte
	for i := range len(ip) {
		if i > 0 && (len(ip)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, ip[i])
	}
	return string(out) + "." + fp
}

// shownAs is the text Excel shows for d in format.
func shownAs(d decimal.Decimal, format string) string {
	switch format {
	case "0.00":
		return d.StringFixed(2)
	case "#,##0.00":
		return thousands(d.StringFixed(2))
	case "0.00%":
		return d.Mul(decimal.NewFromInt(100)).StringFixed(2) + "%"
	}
	return d.String()
}

// xlSink writes through excelize.
type xlSink struct {
	t      testing.TB
	f      *excelize.File
	styles map[string]int
}

func newXL(t testing.TB) *xlSink {
	return &xlSink{t: t, f: excelize.NewFile(), styles: map[string]int{}}
}

func (x *xlSink) sheet(name string) {
	if _, err := x.f.NewSheet(name); err != nil {
		x.t.Fatal(err)
	}
}

func (x *xlSink) must(err error) {
	if err != nil {
		x.t.Helper()
		x.t.Fatal(err)
	}
}

func (x *xlSink) str(sheet, a1, s string) { x.must(x.f.SetCellStr(sheet, a1, s)) }

func (x *xlSink) num(sheet, a1 string, d decimal.Decimal, format string) string {
	x.must(x.f.SetCellFloat(sheet, a1, d.InexactFloat64(), -1, 64))
	x.format(sheet, a1, format)
	return shownAs(d, format)
}

func (x *xlSink) format(sheet, a1, format string) {
	if format != "" {
		id, ok := x.styles[format]
		if !ok {
			var err error
			id, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
			x.must(err)
			x.styles[format] = id
		}
		x.must(x.f.SetCellStyle(sheet, a1, a1, id))
	}
}

func (x *xlSink) formula(sheet, a1, f, format string) {
	x.must(x.f.SetCellFormula(sheet, a1, f))
	x.format(sheet, a1, format)
}

func (x *xlSink) merge(sheet, from, to string) { x.must(x.f.MergeCell(sheet, from, to)) }

// checkForm asserts every field of got against what build wrote. cached
// says whether formula cells carry a cached value (not when excelize wrote
// them).
func checkForm(t *testing.T, got *form.Form, b built, cached bool) {
	t.Helper()
	if len(got.Indicators) != b.rows {
		t.Fatalf("%s: %d indicators, want %d", got.Sheet, len(got.Indicators), b.rows)
	}
	if got.AmountUnit != b.unit {
		t.Errorf("%s: AmountUnit %q, want %q", got.Sheet, got.AmountUnit, b.unit)
	}
	cells := got.Cells()
	for key, c := range cells {
		w, ok := b.want[key]
		if !ok {
			if c.Found() {
				t.Errorf("%s %s: found at %s %q, want nothing", got.Sheet, key, c.Ref, c.Text)
			}
			continue
		}
		checkCell(t, got.Sheet+" "+key, *c, w, cached)
	}
	for i, own := range b.own {
		ind := got.Indicators[i]
		if ind.L1Own != own[0] || ind.L2Own != own[1] {
			t.Errorf("%s ind.%d: own %v/%v, want %v/%v", got.Sheet, i, ind.L1Own, ind.L2Own, own[0], own[1])
		}
		if want := rowOf(b.want[form.IndKey(i, form.FL3).String()].Ref) + 1; ind.Row != want {
			t.Errorf("%s ind.%d: Row %d, want %d", got.Sheet, i, ind.Row, want)
		}
	}
}

func checkCell(t *testing.T, what string, c form.Cell, w wantCell, cached bool) {
	t.Helper()
	if w.Formula != "" {
		if c.Formula != w.Formula {
			t.Errorf("%s: formula %q, want %q", what, c.Formula, w.Formula)
		}
		if !cached {
			w.Text, w.num, w.Places = "", "", 0
		}
	}
	got := ""
	if c.Num != nil {
		got = c.Num.StringFixed(c.Places)
	}
	if c.Ref != w.Ref || c.Text != w.Text || got != w.num || c.Places != w.Places || c.Percent != w.Percent {
		t.Errorf("%s: got %s %q num=%s places=%d pct=%v, want %s %q num=%s places=%d pct=%v",
			what, c.Ref, c.Text, got, c.Places, c.Percent, w.Ref, w.Text, w.num, w.Places, w.Percent)
	}
	if w.Raw != "" && c.Raw != w.Raw {
		t.Errorf("%s: raw %q, want %q", what, c.Raw, w.Raw)
	}
}
