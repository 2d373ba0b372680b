package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// The two seed forms of shared/seeds, as the reader would fill them from a
// workbook in the seed's layout: A1 title, A2 year, C3 project, C4/G4
// department and unit, funds rows 6-9 (C..H), indicators from row 13
// (A..H), 总分 and 评分等级 below them.

type seedInd struct{ l1, l2, l3, target, actual, weight, score, reason string }

type seedForm struct {
	project, dept, unit string
	funds               [4][3]string // 年初预算数, 全年预算数, 全年执行数
	rates               [4]string
	weight, score       string
	inds                []seedInd
	total, grade        string
}

var seed1 = seedForm{
	project: "信息化运维项目", dept: "上海市文化和旅游局", unit: "上海市文化旅游市场质量监测和服务中心",
	funds:  [4][3]string{{"17.52", "17.52", "17.50"}, {"17.52", "17.52", "17.50"}, {"0.00", "0.00", "0.00"}, {"0.00", "0.00", "0.00"}},
	rates:  [4]string{"99.88", "99.88", "0.00", "0.00"},
	weight: "10.00", score: "9.99",
	inds: []seedInd{
		{"成本指标", "经济成本指标", "系统运行维护成本", "≤17.52(万元)", "17.50(万元)", "10.00", "10.00", ""},
		{"产出指标", "数量指标", "功能模块更新数量", "≥10.00(项)", "10.00(项)", "5.00", "5.00", ""},
		{"", "", "系统(软件)维护数量", "≥1.00(套)", "1.00(套)", "5.00", "5.00", ""},
		{"", "质量指标", "系统运维验收通过率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"", "时效指标", "系统日常运维及时率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"", "", "系统应急响应及时率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "系统正常运行率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"", "", "重大信息安全事故发生数", "≤1.00(起)", "0.00(起)", "10.00", "10.00", ""},
		{"", "", "系统用户数量", "≥120.00(个)", "198.00(个)", "5.00", "5.00", ""},
		{"", "", "内部业务办结率", "≥90.00(%)", "99.91(%)", "5.00", "5.00", ""},
		{"", "可持续影响指标", "应急响应机制健全性", "健全", "达成指标", "5.00", "5.00", ""},
		{"满意度指标", "服务对象满意度指标", "系统使用人员满意度", "≥90.00(%)", "89.00(%)", "5.00", "4.00", "需进一步加快系统迭代升级，提升用户满意度"},
	},
	total: "98.99", grade: "优",
}

var seed2 = seedForm{
	project: "文旅管理与服务", dept: "上海市文化和旅游局", unit: "上海市文化旅游市场质量监测和服务中心",
	funds:  [4][3]string{{"407.30", "407.30", "407.30"}, {"407.30", "407.30", "407.30"}, {"0.00", "0.00", "0.00"}, {"0.00", "0.00", "0.00"}},
	rates:  [4]string{"100.00", "100.00", "0.00", "0.00"},
	weight: "10.00", score: "10.00",
	inds: []seedInd{
		{"成本指标", "经济成本指标", "热线客服人员配置单位成本", "≤16.29(万元/年)", "16.29(万元/年)", "10.00", "10.00", ""},
		{"产出指标", "数量指标", "热线工单办理量", "≥20000.00(件)", "146370.00(件)", "10.00", "10.00", ""},
		{"", "", "信息监测报送量", "≥10.00(份)", "78.00(份)", "5.00", "5.00", ""},
		{"", "", "热线客服人员配置人数", "=25.00(人)", "25.00(人)", "5.00", "5.00", ""},
		{"", "质量指标", "热线工单处理标准达标率", "=100.00(%)", "100.00(%)", "10.00", "10.00", ""},
		{"", "", "应急工单处置率", "≥95.00(%)", "100.00(%)", "5.00", "5.00", ""},
		{"", "时效指标", "热线工单办理及时率", "≥90.00(%)", "98.00(%)", "10.00", "10.00", ""},
		{"效益指标", "社会效益指标", "热线工单办结率", "≥90.00(%)", "99.00(%)", "10.00", "10.00", ""},
		{"", "", "纠纷调处量", "≥15000.00(件)", "140415.00(件)", "10.00", "10.00", ""},
		{"", "", "旅游投诉问题纠纷处置率", "≥95.00(%)", "100.00(%)", "5.00", "5.00", ""},
		{"", "可持续影响指标", "应急响应机制健全性", "建立健全", "部分达成指标并具有一定效果", "5.00", "3.50",
			"热线工单处置涉及市区两级,部分工单流转至属地后，可能存在时差，处理有所滞后。后续将进一步打通工单流转机制，完善处置流程。"},
		{"满意度指标", "服务对象满意度指标", "热线投诉人员满意度", "≥70.00(%)", "70.00(%)", "5.00", "5.00", ""},
	},
	total: "98.50", grade: "优",
}

// cell is a field at ref showing text; a number gets Num and its places.
func cell(ref, text string) form.Cell {
	c := form.Cell{Ref: ref}
	set(&c, text)
	return c
}

// set changes what c shows, as a unit typing into it would.
func set(c *form.Cell, text string) {
	c.Text, c.Num, c.Places, c.Raw = text, nil, 0, text
	if d, err := decimal.NewFromString(text); err == nil {
		c.Num = &d
		if i := strings.IndexByte(text, '.'); i >= 0 {
			c.Places = int32(len(text) - i - 1)
		}
	}
}

func build(s seedForm) *form.Form {
	f := &form.Form{
		Sheet: "Sheet1", Title: cell("A1", "财政项目支出绩效自评表"), Year: cell("A2", "(2024年度)"),
		Project: cell("C3", s.project), Department: cell("C4", s.dept), Unit: cell("G4", s.unit),
		AmountUnit: "万元", FundsLabel: cell("A5", "项目资金 (万元)"),
		Goal: cell("B11", "全面配合文旅投诉属地化管理机制"), Done: cell("E11", "根据业务发展需求和用户反馈"),
	}
	labels := []string{"年度资金总额:", "其中:当年财政拨款", "上年结转资金", "其他资金"}
	for i := range labels { // the seed's four rows
		row := 6 + i
		at := func(col string) string { return fmt.Sprintf("%s%d", col, row) }
		r := &f.Funds[i]
		r.Label = cell(at("B"), labels[i])
		r.Initial, r.Budget, r.Exec = cell(at("C"), s.funds[i][0]), cell(at("D"), s.funds[i][1]), cell(at("E"), s.funds[i][2])
		r.Weight, r.Rate, r.Score = cell(at("F"), "-"), cell(at("G"), s.rates[i]), cell(at("H"), "-")
	}
	f.Funds[form.FundTotal].Weight = cell("F6", s.weight)
	f.Funds[form.FundTotal].Score = cell("H6", s.score)
	var l1, l2 form.Cell
	for i, x := range s.inds {
		row := 13 + i
		at := func(col string) string { return fmt.Sprintf("%s%d", col, row) }
		ind := form.Indicator{Row: row, L1Own: x.l1 != "", L2Own: x.l2 != ""}
		if x.l1 != "" {
			l1 = cell(at("A"), x.l1)
		}
		if x.l2 != "" {
			l2 = cell(at("B"), x.l2)
		}
		ind.L1, ind.L2 = l1, l2 // merged parents: the top cell's ref and text
		ind.L3, ind.Target, ind.Actual = cell(at("C"), x.l3), cell(at("D"), x.target), cell(at("E"), x.actual)
		ind.Weight, ind.Score, ind.Reason = cell(at("F"), x.weight), cell(at("G"), x.score), cell(at("H"), x.reason)
		f.Indicators = append(f.Indicators, ind)
	}
	n := 13 + len(s.inds)
	f.TotalWeight = cell(fmt.Sprintf("F%d", n), "100.00")
	f.TotalScore = cell(fmt.Sprintf("G%d", n), s.total)
	f.Grade = cell(fmt.Sprintf("B%d", n+1), s.grade)
	return f
}

// mutate returns a copy of the seed form changed by fn.
func mutate(s seedForm, fn func(f *form.Form)) *form.Form {
	f := build(s)
	fn(f)
	return f
}

func ind(f *form.Form, i int) *form.Indicator { return &f.Indicators[i] }

func dump(fs []Finding) string {
	var b strings.Builder
	for _, x := range fs {
		fmt.Fprintf(&b, "\n  %s %s %s expected %q found %q: %s", x.Severity, x.Rule, x.Cell, x.Expected, x.Found, x.Message)
	}
	return b.String()
}

func TestSeedsClean(t *testing.T) {
	p := formulas.Default()
	for name, s := range map[string]seedForm{"seed1": seed1, "seed2": seed2} {
		fs := runChecks(build(s), p)
		var infos []Finding
		for _, x := range fs {
			if x.Severity != Info {
				t.Errorf("%s: unexpected finding:%s", name, dump([]Finding{x}))
			} else {
				infos = append(infos, x)
			}
		}
		if name == "seed2" && len(infos) != 0 {
			t.Errorf("seed2: no info expected:%s", dump(infos))
		}
		if name == "seed1" && (len(infos) != 1 || infos[0].Rule != "ind.below" || infos[0].Cell != "G24" || infos[0].Expected != "4.94") {
			t.Errorf("seed1: want one ind.below info at G24 (4.00 below cap 4.94):%s", dump(infos))
		}
	}
}

// fault is one injected fault and where it must be caught.
type fault struct {
	name string
	seed seedForm
	prof func(p *formulas.Profile)
	fn   func(f *form.Form)
	code string
	cell string
	sev  Severity
	exp  string // expected text, when the test pins it
}

func faults() []fault {
	return []fault{
		{name: "nothing filled in", seed: seed1, fn: blankOut, code: "form.empty", cell: "C3", sev: Error},
		{name: "initial budget parts no longer add up", seed: seed1, fn: func(f *form.Form) { set(&f.Funds[form.FundCarry].Initial, "1.00") },
			code: "funds.sum", cell: "C6", sev: Error, exp: "18.51~18.53"},
		{name: "current row rate wrong", seed: seed1, fn: func(f *form.Form) { set(&f.Funds[form.FundCurrent].Rate, "98.88") },
			code: "funds.rate", cell: "G7", sev: Error, exp: "99.83~99.94"},
		{name: "rate off by one in the last digit", seed: seed2, fn: func(f *form.Form) { set(&f.Funds[form.FundCurrent].Rate, "99.99") },
			code: "funds.rate", cell: "G7", sev: Warning},
		{name: "rate off by two in the last digit", seed: seed2, fn: func(f *form.Form) { set(&f.Funds[form.FundCurrent].Rate, "99.98") },
			code: "funds.rate", cell: "G7", sev: Error},
		{name: "rate slip beyond the seed's interval", seed: seed1, fn: func(f *form.Form) { set(&f.Funds[form.FundCurrent].Rate, "99.95") },
			code: "funds.rate", cell: "G7", sev: Warning},
		{name: "funds score wrong, total follows", seed: seed1, fn: func(f *form.Form) {
			set(&f.Funds[form.FundTotal].Score, "9.90")
			set(&f.TotalScore, "98.90")
		}, code: "funds.score", cell: "H6", sev: Error, exp: "9.99"},
		{name: "funds score with a zero budget", seed: seed1, fn: func(f *form.Form) {
			for i := range f.Funds {
				set(&f.Funds[i].Rate, "0.00")
				set(&f.Funds[i].Budget, "0.00")
				set(&f.Funds[i].Exec, "0.00")
			}
		}, code: "funds.score", cell: "H6", sev: Error, exp: "0.00"},
		{name: "overspending", seed: seed2, fn: func(f *form.Form) {
			for _, i := range []int{form.FundTotal, form.FundCurrent} {
				set(&f.Funds[i].Exec, "410.00")
				set(&f.Funds[i].Rate, "100.66")
			}
		}, code: "funds.over", cell: "E6", sev: Warning},
		{name: "total spending empty", seed: seed1, fn: func(f *form.Form) { set(&f.Funds[form.FundTotal].Exec, "") },
			code: "funds.missing", cell: "E6", sev: Error},
		{name: "budget weight not the profile's", seed: seed1, prof: func(p *formulas.Profile) { p.BudgetWeight = decimal.NewFromInt(20) },
			code: "funds.weight", cell: "F6", sev: Warning},
		{name: "score above weight", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 1).Score, "6.00")
			set(&f.TotalScore, "99.99")
		}, code: "ind.range", cell: "G14", sev: Error},
		{name: "full marks on a missed target", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 11).Score, "5.00")
			set(&f.TotalScore, "99.99")
		}, code: "ind.cap", cell: "G24", sev: Error, exp: "≤ 4.94"},
		{name: "cap exceeded by one unit", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 11).Score, "4.95")
			set(&f.TotalScore, "99.94")
		}, code: "ind.cap", cell: "G24", sev: Warning},
		{name: "partial completion scored 80%", seed: seed2, fn: func(f *form.Form) {
			set(&ind(f, 10).Score, "4.00")
			set(&f.TotalScore, "99.00")
		}, code: "ind.cap", cell: "G23", sev: Error, exp: "≤ 3.99"},
		{name: "reverse indicator overrun scored full", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 7).Actual, "2.00(起)")
		}, code: "ind.cap", cell: "G20", sev: Error, exp: "≤ 5.00"},
		{name: "deduction below the cap", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 0).Score, "9.00")
			set(&ind(f, 0).Reason, "运维成本控制不足")
			set(&f.TotalScore, "97.99")
		}, code: "ind.below", cell: "G13", sev: Info, exp: "10.00"},
		{name: "met qualitative scored under 80%", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 10).Score, "3.00")
			set(&ind(f, 10).Reason, "机制尚待完善")
			set(&f.TotalScore, "96.99")
		}, code: "ind.band", cell: "G23", sev: Warning, exp: "≥ 4.00"},
		{name: "deduction without a reason", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 11).Reason, "") },
			code: "ind.reason", cell: "H24", sev: Error},
		{name: "二级 not under its 一级", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 0).L2, "数量指标") },
			code: "ind.category", cell: "B13", sev: Error, exp: "经济成本指标/社会成本指标/生态环境成本指标"},
		{name: "unknown 一级", seed: seed1, fn: func(f *form.Form) {
			for i := 11; i < 12; i++ {
				set(&ind(f, i).L1, "满意指标")
			}
		}, code: "ind.category", cell: "A24", sev: Error},
		{name: "units differ", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 1).Actual, "10.00(个)") },
			code: "ind.unit", cell: "E14", sev: Warning},
		{name: "score shows an error value", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 1).Score, "#VALUE!") },
			code: "cell.error", cell: "G14", sev: Error},
		{name: "rate shows #DIV/0!", seed: seed1, fn: func(f *form.Form) { set(&f.Funds[form.FundCarry].Rate, "#DIV/0!") },
			code: "cell.error", cell: "G8", sev: Error},
		{name: "unreadable target", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 1).Target, "≥abc") },
			code: "ind.parse", cell: "D14", sev: Error},
		{name: "score not a number", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 1).Score, "五") },
			code: "ind.parse", cell: "G14", sev: Error},
		{name: "不适用 without rescaling", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 10).Actual, "不适用") },
			code: "ind.parse", cell: "E23", sev: Error},
		{name: "三级 empty", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 1).L3, "") },
			code: "ind.missing", cell: "C14", sev: Error},
		{name: "actual empty", seed: seed2, fn: func(f *form.Form) { set(&ind(f, 3).Actual, "") },
			code: "ind.missing", cell: "E16", sev: Error},
		{name: "target without an operator", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 1).Target, "10.00(项)") },
			code: "ind.op", cell: "D14", sev: Warning, exp: "≥10.00(项)"},
		{name: "qualitative actual names no level", seed: seed1, fn: func(f *form.Form) { set(&ind(f, 10).Actual, "较好") },
			code: "ind.level", cell: "E23", sev: Warning},
		{name: "weights add up to 101", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 1).Weight, "6.00")
			set(&ind(f, 1).Reason, "部分模块延期")
		}, code: "weights.sum", cell: "F25", sev: Error, exp: "100.00"},
		{name: "per-一级 weights", seed: seed1, prof: func(p *formulas.Profile) {
			p.L1Weights = map[string]decimal.Decimal{"成本指标": decimal.NewFromInt(20), "产出指标": decimal.NewFromInt(40)}
		}, code: "l1.weight", cell: "A13", sev: Error, exp: "20.00"},
		{name: "a 财政专户管理资金 row (四川) left out of the total", seed: seed1, fn: func(f *form.Form) {
			r := &f.Funds[form.FundSpecial]
			r.Label, r.Budget = cell("B10", "财政专户管理资金"), cell("D10", "1.00")
		}, code: "funds.sum", cell: "D6", sev: Error, exp: "18.51~18.53"},
		{name: "一级 states a weight its rows do not add up to", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 0).L1, "成本指标(15分)")
		}, code: "weights.l1", cell: "A13", sev: Error, exp: "15.00"},
		{name: "一级 weight stated by a newline and full-width brackets", seed: seed1, fn: func(f *form.Form) {
			set(&ind(f, 0).L1, "成本指标\n（25分）")
		}, code: "weights.l1", cell: "A13", sev: Error, exp: "25.00"},
		{name: "total wrong", seed: seed1, fn: func(f *form.Form) { set(&f.TotalScore, "97.99") },
			code: "total.sum", cell: "G25", sev: Error, exp: "98.99"},
		{name: "total off by one in the last digit", seed: seed1, fn: func(f *form.Form) { set(&f.TotalScore, "99.00") },
			code: "total.sum", cell: "G25", sev: Warning},
		{name: "total off by two in the last digit", seed: seed1, fn: func(f *form.Form) { set(&f.TotalScore, "99.01") },
			code: "total.sum", cell: "G25", sev: Error},
		{name: "total off by two in the last digit (seed 2)", seed: seed2, fn: func(f *form.Form) { set(&f.TotalScore, "98.48") },
			code: "total.sum", cell: "G25", sev: Error},
		{name: "grade wrong", seed: seed1, fn: func(f *form.Form) { set(&f.Grade, "良") },
			code: "total.grade", cell: "B26", sev: Error, exp: "优"},
		{name: "total empty", seed: seed2, fn: func(f *form.Form) { set(&f.TotalScore, "") },
			code: "total.missing", cell: "G25", sev: Error, exp: "98.50"},
		{name: "grade empty", seed: seed2, fn: func(f *form.Form) { set(&f.Grade, "") },
			code: "total.missing", cell: "B26", sev: Warning, exp: "优"},
		{name: "project name empty", seed: seed1, fn: func(f *form.Form) { set(&f.Project, "") },
			code: "head.missing", cell: "C3", sev: Error},
		{name: "year without a year", seed: seed2, fn: func(f *form.Form) { set(&f.Year, "(年度)") },
			code: "head.missing", cell: "A2", sev: Error},
		{name: "stale cached total", seed: seed1, fn: func(f *form.Form) {
			f.TotalScore.Formula = "ROUND(H6+SUM(G13:G24),2)"
			set(&f.TotalScore, "95.00")
		}, code: "cache.stale", cell: "G25", sev: Error, exp: "98.99"},
		{name: "stale cached rate", seed: seed1, fn: func(f *form.Form) {
			f.Funds[form.FundTotal].Rate.Formula = "ROUND(IF(D6=0,0,E6/D6*100),2)"
			set(&f.Funds[form.FundTotal].Rate, "95.00")
		}, code: "cache.stale", cell: "G6", sev: Error, exp: "99.83~99.94"},
		{name: "stale cached grade", seed: seed1, fn: func(f *form.Form) {
			f.Grade.Formula = `IF(G25>=90,"优",IF(G25>=80,"良",IF(G25>=60,"中","差")))`
			set(&f.Grade, "中")
		}, code: "cache.stale", cell: "B26", sev: Error, exp: "优"},
	}
}

func TestFaults(t *testing.T) {
	covered := map[string]bool{}
	for _, x := range faults() {
		p := formulas.Default()
		if x.prof != nil {
			x.prof(p)
		}
		f := mutate(x.seed, func(f *form.Form) {})
		if x.fn != nil {
			f = mutate(x.seed, x.fn)
		}
		fs := runChecks(f, p)
		var hit *Finding
		for i, y := range fs {
			if y.Rule == x.code && y.Cell == x.cell && y.Severity == x.sev {
				hit = &fs[i]
			}
			if y.Severity == Error && y.Rule != x.code {
				t.Errorf("%s: an error from another rule:%s", x.name, dump([]Finding{y}))
			}
			if y.Severity == Warning && x.sev != Warning && y.Rule != x.code {
				t.Errorf("%s: a warning from another rule:%s", x.name, dump([]Finding{y}))
			}
		}
		if hit == nil {
			t.Errorf("%s: want %s %s at %s, got:%s", x.name, x.sev, x.code, x.cell, dump(fs))
			continue
		}
		covered[x.code] = true
		if x.exp != "" && hit.Expected != x.exp {
			t.Errorf("%s: expected %q, finding says %q", x.name, x.exp, hit.Expected)
		}
		if hit.Message == "" || hit.MessageEn == "" || hit.Found == "" && x.code != "ind.reason" && !strings.HasSuffix(x.code, "missing") {
			t.Errorf("%s: finding lacks message or found: %+v", x.name, *hit)
		}
	}
	for _, c := range Checks() {
		// tpl.* compare a workbook with its signed record: tamper_test.go
		// alters workbooks for them; file.* are about a workbook as a whole
		// (checks_file_test.go).
		if !covered[c.Code] && !strings.HasPrefix(c.Code, "tpl.") && !strings.HasPrefix(c.Code, "file.") {
			t.Errorf("no injected fault exercises %s", c.Code)
		}
	}
}

// Rounding edges of FORM.md: the seed's 99.88 passes though 17.50/17.52
// rounds to 99.89, and so does 99.89; a total within its inputs' rounding
// passes; partial completion at 70% passes.
func TestRoundingEdges(t *testing.T) {
	p := formulas.Default()
	for _, rate := range []string{"99.88", "99.89", "99.83", "99.94"} {
		f := mutate(seed1, func(f *form.Form) { set(&f.Funds[form.FundCurrent].Rate, rate) })
		for _, x := range runChecks(f, p) {
			if x.Severity != Info {
				t.Errorf("rate %s flagged:%s", rate, dump([]Finding{x}))
			}
		}
	}
	// The budget score shown 9.99 is 10 × 99.875…99.885% = 9.9875…9.9885,
	// so the total is 98.9875…98.9885: 98.98 is a slip, 98.97 wrong.
	for total, want := range map[string]Severity{"98.98": Warning, "98.97": Error} {
		f := mutate(seed1, func(f *form.Form) { set(&f.TotalScore, total) })
		if fs := runChecks(f, p); !hasFinding(fs, "total.sum", "G25", want) {
			t.Errorf("total %s: want %s:%s", total, want, dump(fs))
		}
	}
	for _, s := range []string{"3.50", "2.50", "3.99"} {
		f := mutate(seed2, func(f *form.Form) {
			set(&ind(f, 10).Score, s)
			tot := decimal.RequireFromString("95.00").Add(decimal.RequireFromString(s))
			set(&f.TotalScore, tot.StringFixed(2))
		})
		for _, x := range runChecks(f, p) {
			if x.Severity != Info {
				t.Errorf("partial scored %s flagged:%s", s, dump([]Finding{x}))
			}
		}
	}
}

// A template never opened in a spreadsheet: formulas without cached
// values are unknown, not wrong; Recompute gives what they would show.
func TestUncachedFormulas(t *testing.T) {
	p := formulas.Default()
	f := build(seed1)
	for _, c := range []*form.Cell{&f.Funds[0].Rate, &f.Funds[1].Rate, &f.Funds[2].Rate, &f.Funds[3].Rate,
		&f.Funds[form.FundTotal].Score, &f.TotalScore, &f.Grade, &f.TotalWeight} {
		c.Formula = "X"
		set(c, "")
	}
	for _, x := range runChecks(f, p) {
		if x.Severity != Info {
			t.Errorf("uncached formula flagged:%s", dump([]Finding{x}))
		}
	}
	s := Recompute(f, p)
	if s.Rate != "99.89" || s.FundsScore != "9.99" || s.Total != "98.99" || s.Grade != "优" {
		t.Errorf("recompute: rate %s score %s total %s grade %q", s.Rate, s.FundsScore, s.Total, s.Grade)
	}
	if !s.Figures.Total.Value.Equal(decimal.RequireFromString("98.99")) {
		t.Errorf("total value %s", s.Figures.Total.Value)
	}
	if got := s.Figures.Rates[form.FundTotal].Range.Show(2); got != "99.83~99.94" {
		t.Errorf("rate range %s", got)
	}
	s2 := Recompute(build(seed2), nil)
	if s2.Total != "98.50" || s2.Grade != "优" || s2.Figures.Rates[form.FundCarry].Text != "0.00" {
		t.Errorf("seed2 recompute: total %s grade %q", s2.Total, s2.Grade)
	}
}

// 不适用 under a rescaling profile: left out of the weights and the total,
// the total rescaled to 100.
func TestNotApplicableRescaled(t *testing.T) {
	p := formulas.Default()
	p.Rescale = true
	na := func(total string) *form.Form {
		return mutate(seed1, func(f *form.Form) {
			set(&ind(f, 10).Actual, "不适用")
			set(&ind(f, 10).Score, "不适用")
			set(&f.TotalScore, total)
		})
	}
	// (9.99 + 84) × 100 ÷ 95 = 98.936…
	for _, x := range runChecks(na("98.94"), p) {
		if x.Severity != Info {
			t.Errorf("rescaled total flagged:%s", dump([]Finding{x}))
		}
	}
	fs := runChecks(na("93.99"), p)
	if len(fs) == 0 || !hasFinding(fs, "total.sum", "G25", Error) {
		t.Errorf("unrescaled total 93.99 not caught:%s", dump(fs))
	}
	if s := Recompute(na(""), p); !s.Rescaled || s.Total != "98.94" {
		t.Errorf("recompute rescaled: %+v", s.Figures.Total)
	}
}

func hasFinding(fs []Finding, code, cell string, sev Severity) bool {
	for _, x := range fs {
		if x.Rule == code && x.Cell == cell && x.Severity == sev {
			return true
		}
	}
	return false
}

func TestChecksDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		if seen[c.Code] || c.Doc == "" || c.DocEn == "" || c.Run == nil || strings.Contains(c.Doc+c.DocEn, "\n") {
			t.Errorf("check %q: duplicate or undocumented", c.Code)
		}
		seen[c.Code] = true
	}
	for _, code := range []string{"funds.sum", "funds.rate", "funds.score", "funds.over", "ind.range", "ind.cap", "ind.reason",
		"ind.category", "ind.unit", "ind.parse", "ind.missing", "weights.sum", "total.sum", "total.grade", "head.missing"} {
		if !seen[code] {
			t.Errorf("FORM.md rule %s has no check", code)
		}
	}
}

// blankOut empties every field a unit or department fills.
func blankOut(f *form.Form) {
	f.Project, f.Department, f.Unit = form.Cell{Ref: f.Project.Ref}, form.Cell{Ref: f.Department.Ref}, form.Cell{Ref: f.Unit.Ref}
	for i := range f.Funds {
		r := &f.Funds[i]
		r.Initial, r.Budget, r.Exec = form.Cell{Ref: r.Initial.Ref}, form.Cell{Ref: r.Budget.Ref}, form.Cell{Ref: r.Exec.Ref}
	}
	for i := range f.Indicators {
		r := &f.Indicators[i]
		for _, c := range []*form.Cell{&r.L3, &r.Target, &r.Actual, &r.Weight, &r.Score, &r.Reason} {
			*c = form.Cell{Ref: c.Ref}
		}
	}
}

// A blank form gets one finding, not one per empty cell.
func TestBlankFormOneFinding(t *testing.T) {
	fs := runChecks(mutate(seed1, blankOut), nil)
	if len(fs) != 1 || fs[0].Rule != "form.empty" || fs[0].Cell != "C3" || fs[0].Severity != Error {
		t.Fatalf("blank form: %s", dump(fs))
	}
	if fs := runChecks(build(seed1), nil); hasFinding(fs, "form.empty", "C3", Error) {
		t.Error("a filled form was called blank")
	}
}

// runChecks runs every check on f under p.
func runChecks(f *form.Form, p *formulas.Profile) []Finding {
	return NewChecker(Checks(), ReadOptions{Profile: p}).Run(f)
}
