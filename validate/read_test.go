package validate

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formread"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

var variants = []variant{
	{name: "plain"},
	{name: "lead", lead: true, weight: "分值"},
	{name: "blank", blankRows: true, blankCol: true},
	{name: "noisy", noisy: true, year: "（2024年度）"},
	{name: "text", text: true, year: "2024年度"},
	{name: "fraction", fraction: true, year: 2024},
	{name: "yuan", yuan: true, weight: "分值"},
	{name: "yuantext", yuan: true, text: true, noGrade: true},
	{name: "nograde", noGrade: true},
	{name: "inline", inline: true},
	{name: "unmerged", unmerged: true, lead: true},
	{name: "all", lead: true, blankRows: true, blankCol: true, noisy: true, fraction: true, yuan: true, unmerged: true, noGrade: true},
}

// writeBook saves x to a temp file.
func writeBook(t *testing.T, x *xlSink, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := x.f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func openBook(t *testing.T, p string) *Book {
	t.Helper()
	b, err := Open(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadVariants(t *testing.T) {
	for _, v := range variants {
		for i, sf := range []bookForm{book1, book2} {
			x := newXL(t)
			want := buildBook(x, "Sheet1", sf, v)
			name := v.name + []string{"1", "2"}[i]
			b := openBook(t, writeBook(t, x, name+".xlsx"))
			if len(b.Forms) != 1 || len(b.Skipped) != 0 {
				t.Fatalf("%s: %d forms, skipped %v", name, len(b.Forms), b.Skipped)
			}
			checkForm(t, b.Forms[0], want, false)
			if b.Forms[0].Template != nil {
				t.Errorf("%s: Template set without a fingerprint", name)
			}
		}
	}
}

// TestReadSheets: two forms on two sheets, a sheet that is no form, a
// hidden sheet with a form, an empty sheet; the order of sheets is kept.
func TestReadSheets(t *testing.T) {
	x := newXL(t)
	x.must(x.f.SetSheetName("Sheet1", "信息化"))
	w1 := buildBook(x, "信息化", book1, variant{})
	x.sheet("说明")
	x.str("说明", "A1", "填表说明：金额单位为万元，分值保留两位小数。")
	x.str("说明", "B3", "得分")
	x.sheet("文旅")
	w2 := buildBook(x, "文旅", book2, variant{lead: true})
	x.sheet("旧表")
	buildBook(x, "旧表", book1, variant{})
	x.must(x.f.SetSheetVisible("旧表", false))
	x.sheet("空")
	b := openBook(t, writeBook(t, x, "two.xlsx"))
	if len(b.Forms) != 2 || b.Forms[0].Sheet != "信息化" || b.Forms[1].Sheet != "文旅" {
		t.Fatalf("forms: %+v", b.Forms)
	}
	checkForm(t, b.Forms[0], w1, false)
	checkForm(t, b.Forms[1], w2, false)
	skipped := map[string]string{}
	for _, s := range b.Skipped {
		skipped[s.Sheet] = s.Reason
		if s.ReasonEn == "" {
			t.Errorf("%s: no English reason", s.Sheet)
		}
	}
	for sheet, frag := range map[string]string{"说明": "未找到自评表", "旧表": "隐藏", "空": "空白"} {
		if !strings.Contains(skipped[sheet], frag) {
			t.Errorf("sheet %s skipped as %q, want %q", sheet, skipped[sheet], frag)
		}
	}
	if len(b.Skipped) != 3 {
		t.Errorf("skipped %v", b.Skipped)
	}
}

// fingerprintOf maps every field build wrote to its cell, as our
// template records it.
func fingerprintOf(sheet string, w built, rows int) *form.Fingerprint {
	fp := &form.Fingerprint{Generator: "xlsxeval", Version: "1", Profile: "default", Sheet: sheet, Rows: rows, Fields: map[string]string{}}
	for k, c := range w.want {
		fp.Fields[k] = c.Ref
		// 一级/二级 of each row sit on that row, even when merged.
		if strings.HasSuffix(k, ".l1") || strings.HasSuffix(k, ".l2") {
			col, _, _ := excelize.SplitCellName(c.Ref)
			row := rowOf(w.want[k[:len(k)-2]+"l3"].Ref) + 1
			fp.Fields[k] = fmt.Sprintf("%s%d", col, row)
		}
	}
	return fp
}

func TestReadFingerprint(t *testing.T) {
	x := newXL(t)
	w := buildBook(x, "Sheet1", book1, variant{})
	// Our template leaves room for 15 indicators; three stay empty, one
	// with a formula that shows nothing.
	fp := fingerprintOf("Sheet1", w, 15)
	last := rowOf(w.want["ind.11.l3"].Ref) + 1
	for i := 12; i < 15; i++ {
		r := last + 1 + (i - 12) + 10 // below the form, where nothing else is
		for j, col := range []*form.Field{form.FL1, form.FL2, form.FL3, form.FTarget, form.FActual, form.FWeight, form.FScore, form.FReason} {
			fp.Fields[form.IndKey(i, col).String()] = a1Of(r, j)
		}
	}
	x.formula("Sheet1", fp.Fields[form.IndKey(13, form.FScore).String()], `IF(F30="","",F30)`, "")
	// A field only the fingerprint can place: the title in a cell labels
	// would not pick.
	x.str("Sheet1", "J1", "自评表 (模板)")
	fp.Fields["title"] = "J1"
	w.want["title"] = wantCell{Cell: form.Cell{Ref: "J1", Text: "自评表 (模板)"}}
	x.must(form.WriteFingerprints(x.f, []*form.Fingerprint{fp}))
	// A hidden helper sheet of ours (dropdown lists) is no skipped form.
	x.sheet("_lists")
	x.str("_lists", "A1", "成本指标")
	x.must(x.f.SetSheetVisible("_lists", false))
	b := openBook(t, writeBook(t, x, "tpl.xlsx"))
	if len(b.Forms) != 1 || len(b.Skipped) != 0 {
		t.Fatalf("%d forms, skipped %v", len(b.Forms), b.Skipped)
	}
	got := b.Forms[0]
	if got.Template == nil || got.Template.Rows != 15 {
		t.Fatalf("Template = %+v", got.Template)
	}
	checkForm(t, got, w, false)

	// Rows inserted by hand: the fingerprint no longer fits, labels take over.
	x.must(x.f.InsertRows("Sheet1", 3, 1))
	b = openBook(t, writeBook(t, x, "tpl2.xlsx"))
	got = b.Forms[0]
	if got.Template == nil {
		t.Fatal("Template lost after rows were inserted")
	}
	if got.Project.Ref != "C4" || len(got.Indicators) != 12 || got.TotalScore.Ref != "G26" {
		t.Errorf("after insert: project %s, %d indicators, total %s", got.Project.Ref, len(got.Indicators), got.TotalScore.Ref)
	}
}

func TestReadPercentAndPlaces(t *testing.T) {
	x := newXL(t)
	s := "Sheet1"
	cases := []struct {
		set       func(a1 string)
		text, num string
		places    int32
		pct       bool
	}{
		{func(a string) { x.num(s, a, decimal.RequireFromString("0.8619"), "0.00%") }, "86.19%", "86.19", 2, true},
		{func(a string) { x.num(s, a, decimal.RequireFromString("0.89"), "0%") }, "89%", "89", 0, true},
		{func(a string) { x.str(s, a, "86.19%") }, "86.19%", "86.19", 2, false},
		{func(a string) { x.str(s, a, " 1,234,567.8 ") }, "1,234,567.8", "1234567.8", 1, false},
		{func(a string) { x.num(s, a, decimal.RequireFromString("17.5"), "") }, "17.5", "17.5", 1, false},
		{func(a string) { x.num(s, a, decimal.RequireFromString("1234.5"), "#,##0.000") }, "1,234.500", "1234.5", 3, false},
		{func(a string) { x.str(s, a, "１７．５２") }, "１７．５２", "17.52", 2, false},
		{func(a string) { x.str(s, a, "10.00(项)") }, "10.00(项)", "", 0, false},
		{func(a string) { x.str(s, a, "-") }, "-", "", 0, false},
		// Formats units' workbooks carry (Excel's and WPS's Chinese defaults).
		{func(a string) { x.num(s, a, decimal.RequireFromString("17.5"), "0.00_ ") }, "17.50", "17.5", 2, false},
		{func(a string) { x.num(s, a, decimal.RequireFromString("175200"), "#,##0.00_);[Red]\\(#,##0.00\\)") }, "175,200.00", "175200", 2, false},
		{func(a string) { x.num(s, a, decimal.RequireFromString("17.5"), `0.00"万元"`) }, "17.50万元", "17.5", 2, false},
		{func(a string) { x.num(s, a, decimal.RequireFromString("17.5"), `¥#,##0.00`) }, "¥17.50", "17.5", 2, false},
		{func(a string) { x.num(s, a, decimal.RequireFromString("0.9988"), `0.00%;-0.00%`) }, "99.88%", "99.88", 2, true},
	}
	for i, c := range cases {
		c.set(a1Of(i, 0))
	}
	sh, err := xlsx.FromExcelize(x.f, s)
	if err != nil {
		t.Fatal(err)
	}
	g := formread.FromSheet(s, sh)
	for i, c := range cases {
		got := g.Cell(i, 0)
		n := ""
		if got.Num != nil {
			n = got.Num.String()
		}
		if got.Text != c.text || n != c.num || got.Places != c.places || got.Percent != c.pct {
			t.Errorf("%d: got %q num=%s places=%d pct=%v, want %q %s %d %v", i, got.Text, n, got.Places, got.Percent, c.text, c.num, c.places, c.pct)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]string{
		filepath.Join(dir, "none.xlsx"): "不存在",
		dir:                             "文件夹",
		write("empty.xlsx", nil):        "为空",
		write("text.xlsx", []byte("项目名称,信息化运维项目\n")):                                  "不是 .xlsx",
		write("old.xls", append(append([]byte{}, oleMagic...), make([]byte, 600)...)): "加密",
		write("broken.xlsx", []byte("PK\x03\x04 not really a zip at all")):            "损坏",
	}
	for p, frag := range cases {
		_, err := Open(p, ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("%s: error %v, want one saying %q", filepath.Base(p), err, frag)
		}
	}
	// A wrong password on an encrypted workbook.
	x := newXL(t)
	buildBook(x, "Sheet1", book1, variant{})
	p := filepath.Join(dir, "enc.xlsx")
	x.must(x.f.SaveAs(p, excelize.Options{Password: "secret"}))
	if _, err := Open(p, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "加密") {
		t.Errorf("encrypted without password: %v", err)
	}
	if _, err := Open(p, ReadOptions{Password: "wrong"}); err == nil || !strings.Contains(err.Error(), "密码不正确") {
		t.Errorf("wrong password: %v", err)
	}
	b, err := Open(p, ReadOptions{Password: "secret"})
	if err != nil || len(b.Forms) != 1 || b.Forms[0].Project.Text != book1.project {
		t.Errorf("right password: %v %+v", err, b)
	}
}

// TestNeverWrites: reading leaves the file byte for byte as it was.
func TestNeverWrites(t *testing.T) {
	x := newXL(t)
	buildBook(x, "Sheet1", book2, variant{formulas: true})
	p := writeBook(t, x, "keep.xlsx")
	before, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	openBook(t, p)
	after, _ := os.ReadFile(p)
	st2, _ := os.Stat(p)
	if sha256.Sum256(before) != sha256.Sum256(after) || !st.ModTime().Equal(st2.ModTime()) {
		t.Error("the input workbook changed")
	}
	// Read from memory, as the web server will.
	b, err := Read(bytes.NewReader(before), int64(len(before)), "upload.xlsx", ReadOptions{})
	if err != nil || b.Path != "upload.xlsx" || len(b.Forms) != 1 {
		t.Fatalf("Read: %v %+v", err, b)
	}
}

// BenchmarkRead reads one seed workbook from memory per iteration.
func BenchmarkRead(b *testing.B) {
	x := newXL(b)
	buildBook(x, "Sheet1", book1, variant{})
	buf, err := x.f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		bk, err := Read(bytes.NewReader(data), int64(len(data)), "seed.xlsx", ReadOptions{})
		if err != nil || len(bk.Forms) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadParallel is the batch case: workbooks read on every core.
func BenchmarkReadParallel(b *testing.B) {
	x := newXL(b)
	buildBook(x, "Sheet1", book1, variant{})
	buf, err := x.f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := Read(bytes.NewReader(data), int64(len(data)), "seed.xlsx", ReadOptions{}); err != nil {
				b.Error(err)
			}
		}
	})
}

// TestReadSamples reads the workbooks our template generator ships in
// samples/: each is read by its fingerprint, every field in place.
func TestReadSamples(t *testing.T) {
	paths, _ := filepath.Glob("../samples/*.xlsx")
	if len(paths) == 0 {
		t.Skip("no samples generated")
	}
	projects := map[string]bookForm{book1.project: book1, book2.project: book2}
	for _, p := range paths {
		b := openBook(t, p)
		if len(b.Forms) == 0 || len(b.Skipped) != 0 {
			t.Errorf("%s: %d forms, skipped %v", p, len(b.Forms), b.Skipped)
		}
		for _, fm := range b.Forms {
			if fm.Template == nil || !fm.Title.Found() || !fm.TotalScore.Found() || !fm.Funds[form.FundOther].Exec.Found() {
				t.Errorf("%s %s: not read by its fingerprint: %+v", p, fm.Sheet, fm.Template)
			}
			sf, ok := projects[fm.Project.Text]
			if !ok {
				continue
			}
			if len(fm.Indicators) != len(sf.inds) || fm.TotalScore.Text != sf.totalS || fm.Funds[0].Rate.Text != sf.funds[0][4] {
				t.Errorf("%s: %d indicators, total %s, rate %s", p, len(fm.Indicators), fm.TotalScore.Text, fm.Funds[0].Rate.Text)
			}
			for i, ind := range fm.Indicators {
				w := sf.inds[i]
				if ind.L1.Text != w.l1 || ind.L2.Text != w.l2 || ind.L3.Text != w.l3 || ind.Score.Text != w.score {
					t.Errorf("%s ind %d: %s/%s/%s %s, want %v", p, i, ind.L1.Text, ind.L2.Text, ind.L3.Text, ind.Score.Text, w)
				}
			}
		}
	}
}

// TestReadStacked: an export with forms one under another on one sheet,
// the first without 总分 and 评分等级 rows.
func TestReadStacked(t *testing.T) {
	x := newXL(t)
	w1 := buildBook(x, "Sheet1", book1, variant{noTotal: true, noGrade: true})
	w2 := buildBook(x, "Sheet1", book2, variant{offset: 27, lead: true})
	w3 := buildBook(x, "Sheet1", book1, variant{offset: 56, inline: true, yuan: true})
	b := openBook(t, writeBook(t, x, "stacked.xlsx"))
	if len(b.Forms) != 3 {
		t.Fatalf("%d forms, skipped %v", len(b.Forms), b.Skipped)
	}
	checkForm(t, b.Forms[0], w1, false)
	checkForm(t, b.Forms[1], w2, false)
	checkForm(t, b.Forms[2], w3, false)
}

// TestReadOtherLayout: a form typed by a unit in another region's
// wording: synonyms for every header, the funds label on its own row,
// goals as label | text rows, 一级/二级 blank without merges, 合计 for 总分.
func TestReadOtherLayout(t *testing.T) {
	x := newXL(t)
	rows := [][]string{
		{"2024年度财政项目支出绩效自评表"},
		{"项目名称：社区服务", "", "主管部门：区民政局", "", "实施单位： 街道办"},
		{"项目资金（单位：元）"},
		{"资金来源", "年初预算", "调整后预算数", "实际执行数", "权重", "预算执行率", "评分"},
		{"合计", "1,000,000.00", "1,000,000.00", "950,000.00", "10", "95.00%", "9.50"},
		{"本年财政拨款", "1,000,000.00", "1,000,000.00", "950,000.00", "/", "95.00%", "/"},
		{"上年结转", "0", "0", "0", "/", "0", "/"},
		{"其他", "0", "0", "0", "/", "0", "/"},
		{"年度总体目标", "预期目标", "服务居民一万人次"},
		{"", "实际完成情况", "服务居民一万二千人次"},
		{"一级指标", "二级指标", "三级指标", "目标值", "完成值", "权重", "评分", "偏差原因"},
		{"产出指标（60分）", "数量指标", "服务人次", "≥10000人次", "12000人次", "60", "60"},
		{"", "", "活动场次", "≥20场", "18场", "", ""},
		{"满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "85%", "30", "20", "宣传不足"},
		{"合计", "", "", "", "", "100", "89.50"},
		{"自评等级", "良"},
	}
	for r, row := range rows {
		for c, v := range row {
			if v != "" {
				x.str("Sheet1", a1Of(r, c), v)
			}
		}
	}
	b := openBook(t, writeBook(t, x, "other.xlsx"))
	if len(b.Forms) != 1 {
		t.Fatalf("%d forms, skipped %v", len(b.Forms), b.Skipped)
	}
	fm := b.Forms[0]
	check := func(what string, c form.Cell, ref, text string) {
		t.Helper()
		if c.Ref != ref || c.Text != text {
			t.Errorf("%s: %s %q, want %s %q", what, c.Ref, c.Text, ref, text)
		}
	}
	check("title", fm.Title, "A1", "2024年度财政项目支出绩效自评表")
	check("year", fm.Year, "A1", "2024年度")
	check("project", fm.Project, "A2", "社区服务")
	check("department", fm.Department, "C2", "区民政局")
	check("unit", fm.Unit, "E2", "街道办")
	check("funds label", fm.FundsLabel, "A3", "项目资金（单位：元）")
	if fm.AmountUnit != "元" {
		t.Errorf("AmountUnit %q", fm.AmountUnit)
	}
	check("total label", fm.Funds[0].Label, "A5", "合计")
	check("current", fm.Funds[1].Exec, "D6", "950,000.00")
	check("carry", fm.Funds[2].Budget, "C7", "0")
	check("other weight", fm.Funds[3].Weight, "E8", "/")
	check("rate", fm.Funds[0].Rate, "F5", "95.00%")
	if n := fm.Funds[1].Exec.Num; n == nil || n.String() != "950000" || fm.Funds[1].Exec.Places != 2 {
		t.Errorf("exec num %v places %d", n, fm.Funds[1].Exec.Places)
	}
	check("goal", fm.Goal, "C9", "服务居民一万人次")
	check("done", fm.Done, "C10", "服务居民一万二千人次")
	if len(fm.Indicators) != 3 {
		t.Fatalf("%d indicators", len(fm.Indicators))
	}
	i1 := fm.Indicators[1]
	check("inherited l1", i1.L1, "A12", "产出指标")
	check("inherited l2", i1.L2, "B12", "数量指标")
	if i1.L1Own || i1.L2Own || !fm.Indicators[2].L1Own || !fm.Indicators[2].L2Own {
		t.Errorf("own flags %v %v / %v %v", i1.L1Own, i1.L2Own, fm.Indicators[2].L1Own, fm.Indicators[2].L2Own)
	}
	check("empty weight", i1.Weight, "F13", "")
	check("reason", fm.Indicators[2].Reason, "H14", "宣传不足")
	check("total weight", fm.TotalWeight, "F15", "100")
	check("total score", fm.TotalScore, "G15", "89.50")
	check("grade", fm.Grade, "B16", "良")
}
