package validate

import (
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xlsxeval/xlsxeval/template"
)

// TestSignedMoFForm: the seed spec signed in the MoF layout (一级 cells a
// formula stating the weight, 三级 cells numbered 指标1:) reads back with
// its key with no tpl.* finding and no error: the numbers and the weight
// notes are the layout's writing, not a changed preset; the 一级 cells'
// formulas are sealed like the others.
func TestSignedMoFForm(t *testing.T) {
	l, err := layout.Find("mof")
	if err != nil {
		t.Fatal(err)
	}
	s := seedSpec(t)
	w, err := template.Build(s.Projects, template.Options{Profile: formulas.Default(), Year: 2024, Layout: l, SignKey: mustKey(t, tamperKey)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	seal := &Seal{Key: mustKey(t, tamperKey)}
	if got := checkBytes(t, b, seal); len(got) > 0 {
		t.Errorf("tpl findings on the form as generated:%s", tdump(got))
	}
	res := NewChecker(Checks(), ReadOptions{Seal: seal}).CheckReader(strings.NewReader(string(b)), int64(len(b)), "mof.xlsx")
	fr := res.Forms[0]
	if fr.Form.Layout != "mof" {
		t.Errorf("read as %s", fr.Form.Layout)
	}
	stated := 0
	for _, ind := range fr.Form.Indicators {
		if ind.L1Own && strings.HasSuffix(ind.L1.Raw, "分)") && ind.L1.Formula != "" {
			stated++
		}
		if strings.HasPrefix(ind.L3.Text, "指标") {
			t.Errorf("三级 %q read with its number", ind.L3.Text)
		}
	}
	if stated != 4 {
		t.Errorf("%d 一级 cells state their weight by formula, want 4", stated)
	}
	for _, f := range fr.Findings {
		if f.Severity == Error {
			t.Errorf("%s %s %s", f.Rule, f.Cell, f.Message)
		}
	}
	// The 一级 formula replaced by a constant stating another weight: the
	// seal names the formula, weights.l1 the weight.
	bad := editPart(t, b, "信息化运维项目", "", func(x string) string {
		i := strings.Index(x, "CONCATENATE(")
		if i < 0 {
			t.Fatal("no 一级 formula in the sheet")
		}
		start := strings.LastIndex(x[:i], "<c ")
		end := i + strings.Index(x[i:], "</c>")
		cell := x[start:end]
		ref := cell[strings.Index(cell, `r="`)+3:]
		ref = ref[:strings.IndexByte(ref, '"')]
		return x[:start] + `<c r="` + ref + `" t="inlineStr"><is><t>成本指标(15分)</t></is>` + x[end:]
	})
	var rules []string
	res = NewChecker(Checks(), ReadOptions{Seal: seal}).CheckReader(strings.NewReader(string(bad)), int64(len(bad)), "mof.xlsx")
	for _, f := range res.Forms[0].Findings {
		if f.Severity == Error {
			rules = append(rules, f.Rule)
		}
	}
	if strings.Join(rules, " ") != "tpl.formula weights.l1" {
		t.Errorf("errors %v, want tpl.formula and weights.l1", rules)
	}
}
