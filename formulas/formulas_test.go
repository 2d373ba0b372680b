package formulas

import (
	"regexp"
	"testing"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func shown(s string) Val {
	v, err := Parse(s)
	if err != nil || v.Num == nil {
		panic(s)
	}
	return NumVal(v.Interval())
}

// The seed's 99.88 for 17.50 / 17.52 is right (FORM.md, Rounding); 99.86 is not.
func TestSeedExecRate(t *testing.T) {
	v, err := ExecRate().Eval(Env{"budget": shown("17.52"), "exec": shown("17.50")})
	if err != nil {
		t.Fatal(err)
	}
	if got := Compare(v.Num, d("99.88"), 2); got != Consistent {
		t.Errorf("99.88 judged %v, interval %s", got, v.Num.Show(4))
	}
	if got := Compare(v.Num, d("99.89"), 2); got != Consistent {
		t.Errorf("99.89 judged %v", got)
	}
	if got := Compare(v.Num, d("99.70"), 2); got != Wrong {
		t.Errorf("99.70 judged %v", got)
	}
}

func TestSeedFundsScoreAndTotal(t *testing.T) {
	v, _ := FundsScore().Eval(Env{"weight": Num(d("10")), "rate": shown("99.88")})
	if Compare(v.Num, d("9.99"), 2) != Consistent {
		t.Errorf("9.99 not consistent with %s", v.Num.Show(4))
	}
	var scores []Interval
	for _, s := range []string{"10", "5", "5", "10", "10", "10", "10", "10", "5", "5", "5", "4.00"} {
		scores = append(scores, Exact(d(s)))
	}
	tot, _ := TotalScore().Eval(Env{"funds_score": shown("9.99"), "scores": ListVal(scores)})
	if Compare(tot.Num, d("98.99"), 2) != Consistent {
		t.Errorf("98.99 vs %s", tot.Num.Show(3))
	}
	if Compare(tot.Num, d("99.01"), 2) != LastDigit {
		t.Errorf("99.01 should be a last-digit slip against %s", tot.Num.Show(3))
	}
	g, _ := Grade(Default()).Eval(Env{"total": Num(d("98.99"))})
	if len(g.Strs) != 1 || g.Strs[0] != "优" {
		t.Errorf("grade %v", g.Strs)
	}
	g, _ = Grade(Default()).Eval(Env{"total": Num(d("79.99"))})
	if g.Strs[0] != "中" {
		t.Errorf("grade of 79.99 = %v", g.Strs)
	}
}

// capOf is the cap the sheet shows for a row typed as target, actual
// and weight w: the helpers of RowHelpers evaluated in Go.
func capOf(t *testing.T, target, actual, w string) Val {
	t.Helper()
	env := Env{"target": StrVal(target), "actual": StrVal(actual), "w": Num(d(w)), "l1": StrVal("产出指标"), "l2": StrVal("")}
	if err := EvalHelpers(RowHelpers(Default()), env); err != nil {
		t.Fatal(err)
	}
	return env["cap"]
}

func TestCap(t *testing.T) {
	cases := []struct {
		target, actual, w, cap string
	}{
		{"≥90.00(%)", "89.00(%)", "5", "4.94"}, // seed form 1
		{"≥90.00(%)", "89%", "5", "4.94"},
		{"≤17.52(万元)", "17.50(万元)", "10", "10"},
		{"≤17.52(万元)", "18.00(万元)", "5", "4.86"}, // issue 13: the sheet said 4.87
		{"≥1000", "999.6", "10", "9.99"},         // issue 13: never full marks when missed
		{"≥100", "99.9999", "10", "9.99"},
		{"≤1.00(起)", "0.00(起)", "10", "10"},
		{"≤1.00(起)", "2.00(起)", "10", "5"},
		{"=25.00(人)", "25.00(人)", "5", "5"},
		{"=100.00(%)", "80.00(%)", "10", "8"},
		{"=100.00(%)", "125.00(%)", "10", "8"},
		{"建立健全", "部分达成指标并具有一定效果", "5", "3.99"}, // seed form 2: under 80%
		{"健全", "达成指标", "5", "5"},
		{"健全", "健全", "5", "5"},
		{"及时", "及时", "5", "5"},
		{"健全", "未达成指标且效果较差", "5", "2.49"},
		{">=90%", "98%", "10", "10"},
		{"＞＝95%", "100.00(%)", "5", "5"},
		{"≧90%", "95%", "5", "5"},
		{"═100%", "90%", "5", "4.5"},
		{"95%以上", "90%", "5", "4.73"},
		{"43.2", "40", "5", "4.62"}, // bare: read as ≥
		{"≥90%", "89(个)", "5", ""},  // units differ: no cap
		{"健全", "12", "5", ""},
		{"≥90%", "", "5", ""},
		{"11月底前", "达成指标", "5", "5"},
	}
	for _, c := range cases {
		got := capOf(t, c.target, c.actual, c.w)
		if c.cap == "" {
			if !got.IsStr || got.Str() != "" {
				t.Errorf("%s / %s / %s: cap %v, want none", c.target, c.actual, c.w, got.Cached())
			}
			continue
		}
		if !got.IsNum() || !got.Num.Lo.Equal(d(c.cap)) {
			t.Errorf("%s / %s / %s: cap %v, want %s", c.target, c.actual, c.w, got.Cached(), c.cap)
		}
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		op   Op
		num  string
		unit string
		lvl  Level
	}{
		{"≥10.00(项)", OpGE, "10", "项", 0},
		{"≤16.29(万元/年)", OpLE, "16.29", "万元/年", 0},
		{"=100.00(%)", OpEQ, "100", "%", 0},
		{">=90%", OpGE, "90", "%", 0},
		{"≥50个", OpGE, "50", "个", 0},
		{"≤90万元", OpLE, "90", "万元", 0},
		{"＞＝95%", OpGE, "95", "%", 0},
		{"146,370.00(件)", OpNone, "146370", "件", 0},
		{"86.19%", OpNone, "86.19", "%", 0},
		{"达成预期指标", OpNone, "", "", LevelMet},
		{"部分达成指标并具有一定效果", OpNone, "", "", LevelPartial},
		{"未达成指标且效果较差", OpNone, "", "", LevelMissed},
		{"及时", OpNone, "", "", LevelNone},
		{"< 5 (次)", OpLT, "5", "次", 0},
		// Spellings real forms use (FORM.md, Values as people write them).
		{"≧735人次", OpGE, "735", "人次", 0},
		{"≦5%", OpLE, "5", "%", 0},
		{"═100%", OpEQ, "100", "%", 0},
		{"＝100%", OpEQ, "100", "%", 0},
		{"﹦100%", OpEQ, "100", "%", 0}, // 丽江: ﹦ | 100 | %
		{"﹥﹦95%", OpGE, "95", "%", 0},
		{"﹤3天", OpLT, "3", "天", 0},
		{"不低于95%", OpGE, "95", "%", 0},
		{"不少于50个", OpGE, "50", "个", 0},
		{"达到100%", OpGE, "100", "%", 0},
		{"95%以上", OpGE, "95", "%", 0},
		{"90%及以上", OpGE, "90", "%", 0},
		{"不高于17.52万元", OpLE, "17.52", "万元", 0},
		{"不超过3天", OpLE, "3", "天", 0},
		{"5万元以下", OpLE, "5", "万元", 0},
		{"达到预期效果", OpNone, "", "", LevelMet},
	}
	for _, c := range cases {
		v, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if v.Op != c.op || v.Unit != c.unit || v.Level != c.lvl {
			t.Errorf("%s: got op %v unit %q level %v", c.in, v.Op, v.Unit, v.Level)
		}
		if c.num != "" && (v.Num == nil || !v.Num.Equal(d(c.num))) {
			t.Errorf("%s: num %v", c.in, v.Num)
		}
	}
	for _, in := range []string{"43.2", "3807人"} {
		if v, err := Parse(in); err != nil || !v.Bare || v.Op != OpNone {
			t.Errorf("%s: bare %v op %v err %v", in, v.Bare, v.Op, err)
		}
	}
	if v, _ := Parse("≥43.2"); v.Bare {
		t.Error("≥43.2 read as bare")
	}
	for _, in := range []string{"11月底前", "年底前", "12月31日前", "2024年12月底前", "6月前完成", "年内完成", "2021年12月完成", "12月31日完成",
		"2023年11月", "2023年11月30日", "11月20日", "12月5号"} {
		if v, err := Parse(in); err != nil || !v.Deadline || v.Num != nil {
			t.Errorf("%s: deadline %v num %v err %v", in, v.Deadline, v.Num, err)
		}
	}
	for _, in := range []string{"完成", "2024年", "12个月", "≥12月", "3月", "2年6个月"} {
		if v, _ := Parse(in); v.Deadline {
			t.Errorf("%s read as a deadline", in)
		}
	}
	for _, bad := range []string{"≥", "≥abc", ">=1.2.3(%)x9"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestFormulaRendering(t *testing.T) {
	got := "=" + Excel(Rules(Default())["funds.rate"], Refs{"budget": "D6", "exec": "E6"})
	if got != "=ROUND(IF(D6=0,0,E6/D6*100),2)" {
		t.Errorf("ExecRate formula %s", got)
	}
	got = "=" + Excel(TotalShown(Default()), Refs{"funds_score": "H6", "scores": "G13:G24"})
	if got != `=IF(COUNT(G13:G24)=0,"",ROUND(H6+SUM(G13:G24),2))` {
		t.Errorf("TotalScore formula %s", got)
	}
	got = "=" + Excel(Grade(Default()), Refs{"total": "G25"})
	if got != `=IF(G25>=90,"优",IF(G25>=80,"良",IF(G25>=60,"中","差")))` {
		t.Errorf("Grade formula %s", got)
	}
	// No decimal literal in any rule: Gnumeric rewrites them when it
	// saves (0.01 as 0.0099999…), which breaks a signed template.
	for name, e := range Rules(Default()) {
		refs := Refs{}
		for _, n := range []string{"budget", "exec", "weight", "rate", "parts", "funds_score", "scores",
			"funds_weight", "weights", "weights_total", "total", "score", "w", "reason", "target", "actual", "l1", "l2", "name"} {
			refs[n] = "X1"
		}
		for _, h := range RowHelpers(Default()) {
			refs[h.Name] = "Y1"
		}
		if f := Excel(e, refs); decimalLiteral.MatchString(f) {
			t.Errorf("%s: decimal literal %q in %s", name, decimalLiteral.FindString(f), f)
		}
	}
}

var decimalLiteral = regexp.MustCompile(`(?:^|[^A-Z0-9."])[0-9]+\.[0-9]+`)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"其中：当年财政拨款": "其中:当年财政拨款", "项 目\t名称": "项目名称", "（2024年度）": "(2024年度)",
		"＞＝95％": ">=95%", "总　分\r\n": "总分", "a\u00a0b": "ab", "ＡＢＣ１２": "ABC12", "plain": "plain",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestL1Shown: the 一级 cell of a layout stating weights shows the name
// and the sum of its rows' weights, as a spreadsheet writes the number;
// the name alone while no weight is typed.
func TestL1Shown(t *testing.T) {
	refs := Refs{"name": Escape("产出指标"), "weights": "G15:G18"}
	if got := Excel(L1Shown(), refs); got != `IF(COUNT(G15:G18)=0,"产出指标",CONCATENATE("产出指标","(",SUM(G15:G18),"分)"))` {
		t.Errorf("formula %s", got)
	}
	d := decimal.RequireFromString
	for _, c := range []struct {
		ws   []Interval
		want string
	}{{nil, "产出指标"}, {[]Interval{Exact(d("20")), Exact(d("30.00"))}, "产出指标(50分)"}, {[]Interval{Exact(d("12.5"))}, "产出指标(12.5分)"}} {
		v, err := L1Shown().Eval(Env{"name": StrVal("产出指标"), "weights": ListVal(c.ws)})
		if err != nil || v.Str() != c.want {
			t.Errorf("%v: %q, %v; want %q", c.ws, v.Str(), err, c.want)
		}
	}
}

// TestOpOf: a 指标性质 cell holding only an operator, as split-target
// forms type it (云南: ≧, ═, and ﹦ at 丽江), is that operator; a word
// that states no comparison is none.
func TestOpOf(t *testing.T) {
	for s, want := range map[string]Op{"≧": OpGE, "═": OpEQ, "﹦": OpEQ, "﹥": OpGT, "﹤﹦": OpLE, "＝": OpEQ, "不低于": OpGE} {
		if op, ok := OpOf(s); !ok || op != want {
			t.Errorf("OpOf(%q) = %v, %v; want %v", s, op, ok, want)
		}
	}
	for _, s := range []string{"定量", "正向", ""} {
		if _, ok := OpOf(s); ok {
			t.Errorf("OpOf(%q) is an operator", s)
		}
	}
}
