package formulas

import (
	"testing"

	"github.com/shopspring/decimal"
)

// readingCorpus is every spelling FORM.md lists, and more, as targets
// and actuals.
var readingCorpus = []string{
	"≥10.00(项)", "≤17.52(万元)", "=100.00(%)", "≤16.29(万元/年)", ">=90%", "≥50个", "≤90万元", "＞＝95%",
	"健全", "建立健全", "及时", "效果明显", "10.00(项)", "89.00(%)", "146370.00(件)", "146,370.00(件)", "43.2", "3807人",
	"89%", "达成指标", "达成预期指标", "部分达成指标并具有一定效果", "未达成指标且效果较差",
	"≧90%", "≦5%", "═100%", "＝100%", "≥90.00(%)", "不低于95%", "不少于50个", "达到100%", "95%以上", "90%及以上",
	"不高于17.52万元", "不超过3天", "5万元以下", "达到预期效果", "11月底前", "年底前", "12月31日前", "2024年12月底前",
	"6月前完成", "年内完成", "2021年12月完成", "12月31日完成", "完成", "2024年", "12个月", "≥12月", "/", "无", "不适用", "", "≥", "≥abc", ">=1.2.3(%)x9",
	"< 5 (次)", "≥ 90 %", "（项）10", "0.958", "100%", "≤0", "0", "≥1000", "999.6", "18.00", "１００％", "90 %",
	"基本达成", "部分完成", "未完成", "11月20日", "11月底", "≥266米", "266米", "达到预期", "百分比", "95百分比", "≥95百分比",
}

// TestReadingAgreesWithParse evaluates the sheet's reading (RowHelpers)
// in Go for every pair of the corpus and holds it against Parse and the
// checker's row logic.
func TestReadingAgreesWithParse(t *testing.T) {
	p := Default()
	hs := RowHelpers(p)
	for _, tgt := range readingCorpus {
		for _, act := range readingCorpus {
			env := Env{"target": StrVal(tgt), "actual": StrVal(act), "w": Num(decimal.NewFromInt(5)),
				"l1": StrVal("产出指标"), "l2": StrVal("数量指标")}
			if err := EvalHelpers(hs, env); err != nil {
				t.Fatalf("%q %q: %v", tgt, act, err)
			}
			tv, terr := Parse(tgt)
			av, aerr := Parse(act)
			check := func(what string, got Val, want any) {
				t.Helper()
				if g := got.Cached(); !sameCached(g, want) {
					t.Errorf("target %q actual %q: %s = %v, Parse says %v", tgt, act, what, g, want)
				}
			}
			check("t_err", env["t_err"], terr != nil)
			check("a_err", env["a_err"], aerr != nil)
			if terr == nil {
				check("t_num", env["t_num"], numOf(tv))
				check("t_op", env["t_op"], decimal.NewFromInt(int64(tv.Op)))
				check("t_unit", env["t_unit"], CanonUnit(tv.Unit))
			}
			if aerr == nil {
				check("a_num", env["a_num"], numOf(av))
				check("a_unit", env["a_unit"], CanonUnit(av.Unit))
				check("lvl", env["lvl"], decimal.NewFromInt(int64(RowLevel(tv, av))))
			}
		}
	}
}

func numOf(v Value) any {
	if v.Num == nil {
		return ""
	}
	return *v.Num
}

func sameCached(a, b any) bool {
	if x, ok := a.(decimal.Decimal); ok {
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	}
	return a == b
}
