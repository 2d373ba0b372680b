package validate

import (
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

var fundsSum = &Check{
	Code: "funds.sum", Severity: Error,
	Doc:   "年度资金总额 ≠ 当年财政拨款 + 上年结转资金 + 其他资金 (及版式另有的资金行) (逐列)",
	DocEn: "total funds ≠ current appropriation + carry-over + other funds (and the layout's other fund rows), per amount column",
	Run: func(p *Pass) {
		c := p.calc()
		rows := &p.Form.Funds
		for col := 0; col < numCols; col++ {
			tot := amountCell(&rows[form.FundTotal], col)
			if tot.Formula != "" || tot.Num == nil {
				continue
			}
			if o := p.Form.FundsOther; len(o) > 0 {
				p.skipped(tot.Ref, say("资金来源中有未能识别的行 (%s 等处有金额), 不知其是否计入年度资金总额",
					"the funds block has rows of a kind not known (amounts at %s, ...): whether they count in the total is not known", o[0]))
				continue
			}
			if !c.sums[col].Known {
				p.skipped(tot.Ref, say("%s的各项资金 (当年财政拨款、上年结转资金、其他资金等) 均未填写", "no part of %s (current, carry-over, other, ...) is filled in", colNames[col]))
				continue
			}
			v := formulas.Compare(c.sums[col].Range, *tot.Num, tot.Places)
			if v == formulas.Consistent {
				continue // judge says nothing: spare building the message
			}
			exp := c.sums[col].Range.Show(tot.Places)
			p.judge(v, tot.Ref, exp, shownText(tot), say(
				"年度资金总额的%s为 %s, 但 %s = %s; 请核对总额或各项资金",
				"the %s of total funds is %s, but %s = %s; check the total or its parts",
				colNames[col], shownText(tot), partsText(rows, col), exp))
		}
	},
}

// partsText is the sum of the parts of column col as a message writes it:
// 当年财政拨款 17.52 + 上年结转资金 0 + 其他资金 0, and the rows a region's
// form adds (财政专户管理资金, 单位资金) where the form has them.
func partsText(rows *[form.NumFunds]form.FundRow, col int) msg {
	var z, e []string
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		if i > form.FundOther && !rows[i].Label.Found() {
			continue
		}
		z = append(z, fundRowNames[i].zh+" "+partText(rows, i, col))
		e = append(e, fundRowNames[i].en+" "+partText(rows, i, col))
	}
	return msg{strings.Join(z, " + "), strings.Join(e, " + ")}
}

func partText(rows *[form.NumFunds]form.FundRow, i, col int) string {
	if t := shownText(amountCell(&rows[i], col)); t != "" {
		return t
	}
	return "0"
}

var fundsRate = &Check{
	Code: "funds.rate", Severity: Error,
	Doc:   "执行率 ≠ 全年执行数 ÷ 全年预算数 × 100 (预算为 0 时为 0)",
	DocEn: "execution rate ≠ spending ÷ budget × 100 (0 where the budget is 0)",
	Run: func(p *Pass) {
		c := p.calc()
		for i := range p.Form.Funds {
			r := &p.Form.Funds[i]
			g := c.rate[i]
			if r.Rate.Formula != "" || r.Rate.Num == nil {
				continue
			}
			if !g.Known {
				p.skipped(r.Rate.Ref, say("%s的全年预算数或全年执行数未填写或不是数字", "the budget or spending of %s is empty or not a number", fundRowNames[i]))
				continue
			}
			v := formulas.Compare(g.Range, *r.Rate.Num, r.Rate.Places)
			if v == formulas.Consistent {
				continue
			}
			exp := g.Range.Show(r.Rate.Places)
			p.judge(v, r.Rate.Ref, exp, shownText(r.Rate), say(
				"%s的执行率应为 全年执行数 %s ÷ 全年预算数 %s × 100 = %s, 表中为 %s; 请改正执行率",
				"the execution rate of %s should be spending %s ÷ budget %s × 100 = %s, the form shows %s; correct the rate",
				fundRowNames[i], shownText(r.Exec), shownText(r.Budget), exp, shownText(r.Rate)))
		}
	},
}

var fundsScore = &Check{
	Code: "funds.score", Severity: Error,
	Doc:   "预算执行得分 ≠ 分值 × min(执行率 ÷ 100, 1)",
	DocEn: "budget execution score ≠ weight × min(rate ÷ 100, 1)",
	Run: func(p *Pass) {
		c := p.calc()
		r := &p.Form.Funds[form.FundTotal]
		s := r.Score
		if s.Formula != "" || s.Num == nil {
			return
		}
		if !c.fundsScore.Known {
			p.skipped(s.Ref, msg{"预算执行的分值或执行率未填写或不是数字", "the budget weight or execution rate is empty or not a number"})
			return
		}
		g := c.fundsScore
		exp := g.Range.Show(s.Places)
		p.judge(formulas.Compare(g.Range, *s.Num, s.Places), s.Ref, exp, shownText(s), say(
			"预算执行得分应为 分值 %s × min(执行率 %s ÷ 100, 1) = %s, 表中为 %s; 请改正得分",
			"the budget score should be weight %s × min(rate %s ÷ 100, 1) = %s, the form shows %s; correct the score",
			shownText(r.Weight), rateText(r, c), exp, shownText(s)))
	},
}

// rateText is the execution rate a message quotes: the shown one, or the
// recomputation where the cell holds a formula or nothing.
func rateText(r *form.FundRow, c *calc) string {
	if r.Rate.Formula == "" && r.Rate.Num != nil {
		return shownText(r.Rate)
	}
	return c.rate[form.FundTotal].Text
}

var fundsOver = &Check{
	Code: "funds.over", Severity: Warning,
	Doc:   "全年执行数超过全年预算数, 可疑",
	DocEn: "spending above the full-year budget: suspicious",
	Run: func(p *Pass) {
		c := p.calc()
		for i := range p.Form.Funds {
			b, x := c.amounts[i][colBudget], c.amounts[i][colExec]
			if b == nil || x == nil || !x.v.GreaterThan(b.v) {
				continue
			}
			r := &p.Form.Funds[i]
			p.flagDefault(cellRef(r.Exec, r.Budget), "≤ "+shownText(r.Budget), shownText(r.Exec), say(
				"%s的全年执行数 %s 超过全年预算数 %s; 请核实是否超预算支出或填错",
				"%s: spending %s exceeds the full-year budget %s; confirm the overspend or correct the figures",
				fundRowNames[i], shownText(r.Exec), shownText(r.Budget)))
		}
	},
}

var fundsMissing = &Check{
	Code: "funds.missing", Severity: Error,
	Doc:   "年度资金总额行缺少预算数、执行数、分值、执行率或得分, 或资金栏填写的不是数字",
	DocEn: "total funds row lacks budget, spending, weight, rate or score, or an amount is not a number",
	Run: func(p *Pass) {
		rows := &p.Form.Funds
		tr := &rows[form.FundTotal]
		near := cellRef(tr.Label, p.Form.FundsLabel)
		for _, f := range []struct {
			c       form.Cell
			name    msg
			scoring bool
		}{
			{tr.Budget, colNames[colBudget], false}, {tr.Exec, colNames[colExec], false}, {tr.Weight, msg{"分值", "weight"}, true},
			{tr.Rate, msg{"执行率", "execution rate"}, false}, {tr.Score, msg{"得分", "score"}, true},
		} {
			if f.c.Formula != "" || !f.c.Empty() && !f.c.Dash() {
				continue
			}
			if p.Form.FundsUnscored && f.scoring {
				continue // the layout scores no budget
			}
			p.flagDefault(cellRef(f.c)+orNear(f.c, near), "数值", shownText(f.c), say(
				"年度资金总额行未填写%s; 请补填", "the total funds row has no %s; fill it in", f.name))
		}
		for i := range rows {
			for col := 0; col < numCols; col++ {
				a := amountCell(&rows[i], col)
				if a.Num == nil && !a.Empty() && !a.Dash() {
					p.flagDefault(a.Ref, "数值", a.Text, say("%s的%s %q 不是数字; 请填写金额",
						"%s: %s %q is not a number; enter the amount", fundRowNames[i], colNames[col], a.Text))
				}
			}
		}
	},
}

// orNear gives the nearby reference when c itself was not found.
func orNear(c form.Cell, near string) string {
	if c.Found() {
		return ""
	}
	return near
}

var fundsWeight = &Check{
	Code: "funds.weight", Severity: Warning,
	Doc:   "预算执行率的分值与配置不同 (通常为 10)",
	DocEn: "weight of budget execution differs from the profile's (normally 10)",
	Run: func(p *Pass) {
		w := p.Form.Funds[form.FundTotal].Weight
		if w.Num == nil || w.Num.Equal(p.Profile.BudgetWeight) {
			return
		}
		exp := p.Profile.BudgetWeight.StringFixed(p.Profile.Places)
		p.flagDefault(w.Ref, exp, shownText(w), say(
			"预算执行率的分值为 %s, 本地区规定为 %s; 请核实", "the budget execution weight is %s, the profile sets %s; please confirm",
			shownText(w), exp))
	},
}
