package formulas

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"golang.org/x/text/width"
)

// normalizeRef is Normalize as first written: fold when any full-width
// form is there, then replace when strings.ContainsAny finds a space.
func normalizeRef(s string) string {
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFFEE || r == 0x3000 {
			s = width.Narrow.String(s)
			break
		}
	}
	if !strings.ContainsAny(s, "（）　 \u00a0\t\n\r") {
		return s
	}
	return normSpaces.Replace(s)
}

// Normalize's one-pass scan decides exactly as the two scans it replaced,
// over strings built from every kind of character it looks at.
func TestNormalizeSameAsRef(t *testing.T) {
	parts := []string{"a", "1", "指标", "（", "）", "　", " ", "\u00a0", "\t", "\n", "\r", "：", "％", "＞＝", "Ａ", "\uffee", "\uff01", "\uffef",
		"\xff", "\xe3\x80", "(", ")", "≥", "达成", "\u2003", "\ufeff"}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for j := r.IntN(8); j >= 0; j-- {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		s := b.String()
		if got, want := Normalize(s), normalizeRef(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	in := []string{"产出指标", "数量指标", "≥95%", "系统正常运行率", "146,370.00(件)", "（单位：万元）", "年度 资金总额"}
	for _, c := range []struct {
		name string
		fn   func(string) string
	}{{"onepass", Normalize}, {"ref", normalizeRef}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, s := range in {
					c.fn(s)
				}
			}
		})
	}
}

// BenchmarkCapShown evaluates the cap of one quantitative indicator row,
// as the checker does for every row.
func BenchmarkCapShown(b *testing.B) {
	p := Default()
	x := CapShown(p)
	env := Env{"t_err": Bool(false), "a_err": Bool(false), "t_num": Num(decimal.NewFromInt(100)), "a_num": Num(decimal.NewFromInt(95)),
		"op": Num(decimal.NewFromInt(int64(OpGE))), "t_unit": StrVal("%"), "a_unit": StrVal("%"), "lvl": Num(decimal.NewFromInt(0)),
		"w": Num(decimal.NewFromInt(10)), "kind": Num(decimal.NewFromInt(KindQuant))}
	b.ReportAllocs()
	for b.Loop() {
		if v, err := x.Eval(env); err != nil || !v.IsNum() {
			b.Fatal(v, err)
		}
	}
}
