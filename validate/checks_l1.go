package validate

import (
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/formulas"
)

var weightsL1 = &Check{
	Code: "weights.l1", Severity: Error,
	Doc:   "一级指标单元格注明的分值 (如 产出指标(50分)) ≠ 其下各指标分值之和",
	DocEn: "the weight a 一级指标 cell states (产出指标(50分)) ≠ the sum of its indicators' weights",
	Run: func(p *Pass) {
		c := p.calc()
		for _, g := range l1Groups(c.rows) {
			if !g.stated {
				continue
			}
			exp := fixed(g.want, c.places)
			if !g.complete {
				p.skipped(g.at, say("一级指标「%s」下有分值未填写或不是数字, 无法与注明的 %s 分核对",
					"a weight under %q is missing or not a number; it cannot be held against the stated %s", g.name, exp))
				continue
			}
			e := newEnvs()
			e.list("weights", g.weights)
			sum := evalFig(formulas.L1Weight(), e, c.places)
			p.judge(formulas.Compare(formulas.Exact(g.want), sum.Value, c.places), g.at, exp, sum.Text, say(
				"一级指标「%s」注明 %s 分, 其下各指标分值合计为 %s; 请调整分值或改正一级指标注明的分值",
				"%q states %s points, but the weights under it add up to %s; adjust the weights or the stated weight",
				g.name, exp, sum.Text))
		}
	},
}

// l1Group is a run of indicator rows under one 一级指标.
type l1Group struct {
	name, at string
	stated   bool // the 一级 cell states a weight, want
	want     decimal.Decimal
	weights  []figIn
	complete bool // every row of the run shows a weight
}

// l1Groups cuts the rows into runs of the same 一级指标 (merged over its
// rows, or repeated on each), with the weight its cell states. Spare and
// not-applicable rows weigh nothing.
func l1Groups(rows []indRow) []*l1Group {
	var out []*l1Group
	var g *l1Group
	for _, r := range rows {
		name := catLabel(r.L1.Text)
		if r.blank || name == "" {
			continue
		}
		if g == nil || g.name != name {
			g = &l1Group{name: name, at: r.L1.Ref, complete: true}
			out = append(out, g)
		}
		if w, ok := statedWeight(r.L1.Raw, r.L1.Text); ok && !g.stated {
			g.stated, g.want = true, w
		}
		if r.na || r.NA && r.Weight.Empty() {
			continue
		}
		w, ok := exactIn(r.Weight)
		if !ok {
			g.complete = false
			continue
		}
		g.weights = append(g.weights, w)
	}
	return out
}

var statedRe = regexp.MustCompile(`\((\d+(?:\.\d+)?)分\)`)

// statedWeight is the weight a 一级 cell states, 产出指标(50分): the
// reader keeps the category's name in Text, the cell as written in Raw.
func statedWeight(texts ...string) (decimal.Decimal, bool) {
	for _, t := range texts {
		if !strings.Contains(t, "分") {
			continue // most 一级 cells: no regular expression
		}
		if m := statedRe.FindStringSubmatch(formulas.Normalize(t)); m != nil {
			if d, err := decimal.NewFromString(m[1]); err == nil {
				return d, true
			}
		}
	}
	return decimal.Decimal{}, false
}
