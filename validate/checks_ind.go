package validate

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// eachRow calls fn for every indicator row that is filled in and counts
// (not a spare row, not 不适用 under a rescaling profile, not a row that
// states it does not apply).
func eachRow(p *Pass, fn func(c *calc, r *indRow)) {
	c := p.calc()
	for i := range c.rows {
		if r := &c.rows[i]; !r.blank && !r.na && !r.NA {
			fn(c, r)
		}
	}
}

// Kinds of completion, for the cap (formulas.Kind).
const (
	kindNone  = formulas.KindNone  // cannot be judged (see ind.level, ind.unit, ind.parse)
	kindQuant = formulas.KindQuant // a number against a target with an operator
	kindQual  = formulas.KindQual  // a stated completion level
)

// rowEnv binds what formulas.Kind and formulas.Cap read of r, as the
// template's helper cells read it: numbers as written (exact), "" for
// none, units in their canonical spelling.
func (r *indRow) rowEnv() formulas.Env {
	num := func(v formulas.Value) formulas.Val {
		if v.Num == nil {
			return formulas.StrVal("")
		}
		return formulas.Num(*v.Num)
	}
	env := make(formulas.Env, 12) // room for kind and x: no regrowth
	env["t_err"], env["a_err"] = formulas.Bool(r.tErr != nil), formulas.Bool(r.aErr != nil)
	env["t_num"], env["a_num"] = num(r.tv), num(r.av)
	env["op"] = formulas.Num(decimal.NewFromInt(int64(r.tv.Op)))
	env["t_unit"], env["a_unit"] = formulas.StrVal(formulas.CanonUnit(r.tv.Unit)), formulas.StrVal(formulas.CanonUnit(r.av.Unit))
	env["lvl"] = formulas.Num(decimal.NewFromInt(int64(r.level())))
	env["w"] = formulas.StrVal("")
	if r.Weight.Num != nil {
		env["w"] = formulas.Num(*r.Weight.Num)
	}
	return env
}

// kind classifies how r's completion is judged (formulas.Kind).
func (r *indRow) kind() int { return r.k }

// evalKind evaluates formulas.Kind for r over r.env; readRows does, once.
func (r *indRow) evalKind() int {
	v, err := r.x.kind.Eval(r.env)
	if err != nil || !v.IsNum() {
		return kindNone
	}
	return int(v.Num.Lo.IntPart())
}

// level is the completion level the actual states (formulas.RowLevel).
func (r *indRow) level() formulas.Level { return formulas.RowLevel(r.tv, r.av) }

// capEnv binds the inputs of formulas.CapShown and LevelFloor, or
// reports that no cap applies.
func (r *indRow) capEnv() (formulas.Env, bool) {
	k := r.kind()
	if k == kindNone || r.Weight.Num == nil {
		return nil, false
	}
	return r.env, true
}

// scoreInRange reports whether r's score and weight are numbers with
// 0 ≤ score ≤ weight (ind.range reports the rest).
func (r *indRow) scoreInRange() bool { return r.inRange }

// evalInRange evaluates scoreInRange; readRows does, once.
func (r *indRow) evalInRange() bool {
	s, w := r.Score.Num, r.Weight.Num
	if s == nil || w == nil {
		return false
	}
	r.env["x"] = formulas.Num(*s) // w is bound: formulas.Num(*w)
	v, err := r.x.scoreIn.Eval(r.env)
	return err == nil && v.True()
}

// capOf evaluates ind.cap for r: the cap as the template's sheet shows
// it (formulas.CapShown), from the figures as written.
func (r *indRow) capOf(p *formulas.Profile) (decimal.Decimal, bool) {
	if r.capped == nil {
		v, ok := r.evalCap(p)
		r.capped = &capMemo{v, ok}
	}
	return r.capped.v, r.capped.ok
}

func (r *indRow) evalCap(p *formulas.Profile) (decimal.Decimal, bool) {
	env, ok := r.capEnv()
	if !ok {
		return decimal.Decimal{}, false
	}
	v, err := r.x.capShown.Eval(env)
	if err != nil || !v.IsNum() {
		return decimal.Decimal{}, false
	}
	return v.Num.Lo, true
}

// overCap reports whether r's score is above cap (formulas.OverCap, the
// sheet's red mark).
func (r *indRow) overCap(cap decimal.Decimal) bool {
	v, err := r.x.overCap.Eval(formulas.Env{"score": formulas.Num(*r.Score.Num), "cap": formulas.Num(cap)})
	return err == nil && v.True()
}

func fixed(d decimal.Decimal, places int32) string { return d.StringFixed(places) }

var indRange = &Check{
	Code: "ind.range", Severity: Error,
	Doc:   "指标得分不在 0 到分值之间",
	DocEn: "indicator score outside 0..weight",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			s, w := r.Score.Num, r.Weight.Num
			if s == nil || w == nil || r.scoreInRange() {
				return
			}
			p.flagDefault(r.Score.Ref, "0~"+shownText(r.Weight), shownText(r.Score), say(
				"指标「%s」得分 %s 不在 0 到分值 %s 之间; 请改正得分",
				"indicator %q: score %s is outside 0 to its weight %s; correct the score",
				r.L3.Text, shownText(r.Score), shownText(r.Weight)))
		})
	},
}

var indCap = &Check{
	Code: "ind.cap", Severity: Error,
	Doc:   "指标得分高于完成情况允许的上限 (未达成目标不得满分)",
	DocEn: "indicator score above what its completion allows (a missed target never earns full marks)",
	Run: func(p *Pass) {
		var uncapped []string
		defer func() {
			if len(uncapped) > 0 {
				p.skipped(uncapped[0], say("%d 个指标的指标值或实际完成值缺失、无法识别或无法判断完成程度 (%s), 未核对其得分上限",
					"%d indicators' target or actual is missing, unreadable or states no completion that can be judged (%s); their caps were not checked",
					len(uncapped), strings.Join(uncapped, ", ")))
			}
		}()
		eachRow(p, func(c *calc, r *indRow) {
			if !r.scoreInRange() {
				return
			}
			max, ok := r.capOf(p.Profile)
			if !ok {
				uncapped = append(uncapped, cellRef(r.Score, r.Actual))
				return
			}
			if !r.overCap(max) {
				return
			}
			// A figure one unit over, short of full marks, may be a
			// rounding slip; a missed target at full marks never is, nor
			// a score over a level's band.
			v := formulas.Wrong
			if s := *r.Score.Num; r.kind() == kindQuant && s.Sub(decimal.New(1, -c.places)).LessThanOrEqual(max) && s.LessThan(*r.Weight.Num) {
				v = formulas.LastDigit
			}
			p.judge(v, r.Score.Ref, "≤ "+fixed(max, c.places), shownText(r.Score), say(
				"指标「%s」%s, 得分最多为 %s, 表中为 %s; 请按完成情况扣分",
				"indicator %q: %s, so the score is at most %s; the form shows %s; deduct according to completion",
				r.L3.Text, r.capReason(c.places), fixed(max, c.places), shownText(r.Score)))
		})
	},
}

// capReason explains the cap in words, naming the figures.
func (r *indRow) capReason(places int32) msg {
	w := shownText(r.Weight)
	if r.kind() == kindQual {
		switch r.level() {
		case formulas.LevelPartial:
			return say("完成情况为「部分达成」, 得分应低于分值 %s 的 80%%", "the completion is partial, so the score must stay under 80%% of the weight %s", w)
		case formulas.LevelMissed:
			return say("完成情况为「未达成」, 得分应低于分值 %s 的 50%%", "the target was missed, so the score must stay under 50%% of the weight %s", w)
		}
		return say("完成情况为「达成」, 得分不超过分值 %s", "the target was met, so the score is at most the weight %s", w)
	}
	t, a := r.tv.Num.String(), r.av.Num.String()
	switch {
	case r.tv.Op.Positive():
		return say("实际完成值 %s 未达到指标值 %s, 上限为 分值 %s × %s ÷ %s", "the actual %s misses the target %s; the cap is weight %s × %s ÷ %s",
			r.Actual.Text, r.Target.Text, w, a, t)
	case r.tv.Op.Reverse():
		return say("实际完成值 %s 超出指标值 %s, 上限为 分值 %s × %s ÷ %s", "the actual %s exceeds the target %s; the cap is weight %s × %s ÷ %s",
			r.Actual.Text, r.Target.Text, w, t, a)
	}
	return say("实际完成值 %s 不等于指标值 %s, 上限为 分值 %s × min(%s÷%s, %s÷%s)", "the actual %s differs from the target %s; the cap is weight %s × min(%s÷%s, %s÷%s)",
		r.Actual.Text, r.Target.Text, w, a, t, t, a)
}

var indBelow = &Check{
	Code: "ind.below", Severity: Info,
	Doc:   "指标得分低于按完成比例可得的分数 (另行扣分, 允许)",
	DocEn: "indicator score below what its completion allows (a further deduction, allowed)",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			if r.kind() != kindQuant || !r.scoreInRange() {
				return
			}
			min, ok := r.capOf(p.Profile)
			if !ok {
				return
			}
			if !r.Score.Num.LessThan(min) {
				return
			}
			p.flagDefault(r.Score.Ref, fixed(min, c.places), shownText(r.Score), say(
				"指标「%s」按完成情况最多可得 %s, 实得 %s, 另行扣分 %s",
				"indicator %q: its completion allows up to %s, it scored %s, a further deduction of %s",
				r.L3.Text, fixed(min, c.places), shownText(r.Score), fixed(min.Sub(*r.Score.Num), c.places)))
		})
	},
}

var indBand = &Check{
	Code: "ind.band", Severity: Warning,
	Doc:   "定性指标得分低于其完成等级的区间 (达成 ≥80%, 部分达成 ≥50%)",
	DocEn: "qualitative score below its completion level's band (met ≥ 80%, partial ≥ 50%)",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			if r.kind() != kindQual || !r.scoreInRange() {
				return
			}
			env, _ := r.capEnv()
			v, err := r.x.levelFloor.Eval(env)
			if err != nil || !r.Score.Num.LessThan(v.Num.Lo) {
				return
			}
			floor := fixed(v.Num.Lo, c.places)
			p.flagDefault(r.Score.Ref, "≥ "+floor, shownText(r.Score), say(
				"指标「%s」完成情况为「%s」, 得分通常不低于 %s, 表中为 %s; 请核实完成等级或得分",
				"indicator %q states %q, which normally scores at least %s; the form shows %s; check the level or the score",
				r.L3.Text, r.level().String(), floor, shownText(r.Score)))
		})
	},
}

var indReason = &Check{
	Code: "ind.reason", Severity: Error,
	Doc:   "得分低于分值但未填写偏差原因分析及改进措施",
	DocEn: "score below weight with no deviation reason and improvement measures",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			s, w := r.Score.Num, r.Weight.Num
			if s == nil || w == nil || !s.LessThan(*w) || !r.Reason.Empty() {
				return
			}
			p.flagDefault(cellRef(r.Reason, r.Score), "偏差原因及改进措施", "", say(
				"指标「%s」得分 %s 低于分值 %s, 但未填写偏差原因分析及改进措施; 请补填",
				"indicator %q scores %s of %s but gives no deviation reason and measures; fill them in",
				r.L3.Text, shownText(r.Score), shownText(r.Weight)))
		})
	},
}

var indCategory = &Check{
	Code: "ind.category", Severity: Error,
	Doc:   "一级指标不在配置中, 或二级指标不属于其一级指标",
	DocEn: "unknown 一级指标, or a 二级指标 not allowed under its 一级指标",
	Run: func(p *Pass) {
		seen := map[string]bool{}
		c := p.calc()
		for _, r := range c.rows {
			if r.blank || r.L1.Empty() || r.L2.Empty() {
				continue
			}
			l1, l2 := catLabel(r.L1.Text), catLabel(r.L2.Text)
			known, ok := p.Profile.L2Allowed(l1, l2)
			if !ok && !strings.HasSuffix(l2, "指标") {
				known, ok = p.Profile.L2Allowed(l1, l2+"指标")
			}
			if ok {
				continue
			}
			if base, cut := strings.CutSuffix(l2, "等"); cut {
				if _, ok := p.Profile.L2Allowed(l1, base); ok {
					// 服务对象满意度指标等: a province's own wording of an
					// allowed category, not another category.
					if key := r.L2.Ref + "|" + r.L2.Text; !seen[key] {
						seen[key] = true
						p.flag(Warning, r.L2.Ref, base, r.L2.Text, say("二级指标「%s」按「%s」理解; 建议按规范填写",
							"二级指标 %q is read as %q; the standard wording is preferred", r.L2.Text, base))
					}
					continue
				}
			}
			cell, exp := r.L2, strings.Join(allowedL2(p.Profile, l1), "/")
			m := say("二级指标「%s」不属于一级指标「%s」(可选: %s); 请改正", "二级指标 %q is not allowed under %q (allowed: %s); correct it",
				r.L2.Text, r.L1.Text, strings.Join(allowedL2(p.Profile, l1), "、"))
			if !known {
				cell, exp = r.L1, strings.Join(allL1(p.Profile), "/")
				m = say("一级指标「%s」不是 %s 之一; 请改正", "一级指标 %q is not one of %s; correct it",
					r.L1.Text, strings.Join(allL1(p.Profile), "、"))
			}
			sev := p.check.Severity
			if known && p.Profile.Open(l1) {
				// A family whose 二级 wording varies between regions.
				sev = Warning
			}
			if key := cell.Ref + "|" + cell.Text; !seen[key] {
				seen[key] = true
				p.flag(sev, cell.Ref, exp, cell.Text, m)
			}
		}
	},
}

func allowedL2(p *formulas.Profile, l1 string) []string {
	for _, c := range p.Categories {
		if c.L1 == l1 {
			return c.L2
		}
	}
	return nil
}

func allL1(p *formulas.Profile) []string {
	var out []string
	for _, c := range p.Categories {
		out = append(out, c.L1)
	}
	return out
}

var indUnit = &Check{
	Code: "ind.unit", Severity: Warning,
	Doc:   "年度指标值与实际完成值的计量单位不同",
	DocEn: "target and actual in different units",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			if r.tErr != nil || r.aErr != nil || !r.tv.Numeric() || !r.av.Numeric() || formulas.SameUnit(r.tv.Unit, r.av.Unit) {
				return
			}
			p.flagDefault(r.Actual.Ref, r.tv.Unit, r.av.Unit, say(
				"指标「%s」指标值单位为「%s」, 实际完成值单位为「%s」, 无法比较; 请统一单位",
				"indicator %q: the target is in %q but the actual in %q, so they cannot be compared; use one unit",
				r.L3.Text, r.tv.Unit, r.av.Unit))
		})
	},
}

var indParse = &Check{
	Code: "ind.parse", Severity: Error,
	Doc:   "年度指标值、实际完成值、分值或得分无法识别",
	DocEn: "target, actual, weight or score that cannot be read",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			for _, f := range []struct {
				cell form.Cell
				err  error
				name msg
			}{{r.Target, r.tErr, msg{"年度指标值", "target"}}, {r.Actual, r.aErr, msg{"实际完成值", "actual"}}} {
				if f.cell.Empty() {
					continue
				}
				if f.err != nil {
					p.flagDefault(f.cell.Ref, "如 ≥90.00(%)、达成指标", f.cell.Text, say(
						"指标「%s」的%s「%s」无法识别; 请按「运算符+数值+(单位)」或完成等级填写",
						"indicator %q: the %s %q cannot be read; write operator, number and (unit), or a completion level",
						r.L3.Text, f.name, f.cell.Text))
				} else if strings.Contains(formulas.Normalize(f.cell.Text), "不适用") {
					p.flagDefault(f.cell.Ref, "", f.cell.Text, say(
						"指标「%s」填写了「不适用」, 但本地区配置不剔除不适用指标; 请填写%s或删除该指标",
						"indicator %q is marked 不适用, but this profile does not leave such indicators out; fill in the %s or remove the row",
						r.L3.Text, f.name))
				}
			}
			for _, f := range []struct {
				cell form.Cell
				name msg
			}{{r.Weight, msg{"分值", "weight"}}, {r.Score, msg{"得分", "score"}}} {
				if f.cell.Num == nil && !f.cell.Empty() {
					p.flagDefault(f.cell.Ref, "数值", f.cell.Text, say(
						"指标「%s」的%s「%s」不是数字; 请填写数字", "indicator %q: the %s %q is not a number; enter a number",
						r.L3.Text, f.name, f.cell.Text))
				}
			}
		})
	},
}

var indMissing = &Check{
	Code: "ind.missing", Severity: Error,
	Doc:   "指标行缺少必填项 (一级/二级/三级指标、指标值、完成值、分值、得分), 或表中没有指标",
	DocEn: "indicator row with a required cell empty (levels 1-3, target, actual, weight, score), or no indicators",
	Run: func(p *Pass) {
		c := p.calc()
		filled := 0
		for _, r := range c.rows {
			if r.blank || r.na || r.NA {
				continue
			}
			filled++
			all := []form.Cell{r.L1, r.L2, r.L3, r.Target, r.Actual, r.Weight, r.Score}
			for i, x := range all {
				if !x.Empty() {
					continue
				}
				p.flagDefault(cellRef(append([]form.Cell{x}, all...)...), requiredNames[i].zh, "", say(
					"第 %d 行指标%s未填写%s; 请补填", "row %d, indicator%s: the %s is empty; fill it in",
					r.Row, quoted(r.L3.Text), requiredNames[i]))
			}
		}
		if filled == 0 {
			f := p.Form
			p.flagDefault(cellRef(f.TotalWeight, f.TotalScore, f.Title), "绩效指标", "", say(
				"表中没有填写任何绩效指标; 请填写指标", "the form has no performance indicators; fill them in"))
		}
	},
}

// quoted names an indicator in a message, or nothing when it has no name.
func quoted(name string) msg {
	if name == "" {
		return msg{}
	}
	return msg{"「" + name + "」", ` "` + name + `"`}
}

var requiredNames = []msg{{"一级指标", "level-1 indicator"}, {"二级指标", "level-2 indicator"}, {"三级指标", "level-3 indicator"},
	{"年度指标值", "target"}, {"实际完成值", "actual"}, {"分值", "weight"}, {"得分", "score"}}

var indLevel = &Check{
	Code: "ind.level", Severity: Warning,
	Doc:   "实际完成值无法判断完成等级 (定性值未写明达成/部分达成/未达成, 也与指标值不同)",
	DocEn: "actual states no completion level (met/partial/missed) and does not match the target",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			if r.tErr != nil || r.aErr != nil || r.Actual.Empty() || r.Target.Empty() || r.kind() != kindNone {
				return
			}
			if strings.Contains(r.av.Text+r.tv.Text, "不适用") || r.av.Numeric() && r.tv.Numeric() {
				return // ind.parse or ind.unit, or a target with no operator
			}
			p.flagDefault(r.Actual.Ref, formulas.LevelChoices()[0]+" / "+r.Target.Text, r.Actual.Text, say(
				"指标「%s」实际完成值「%s」未写明完成等级, 也与指标值「%s」不同, 无法判断可得分数; 请写明「达成指标」「部分达成指标并具有一定效果」或「未达成指标且效果较差」",
				"indicator %q: the actual %q states no completion level and differs from the target %q, so its score cannot be judged; state met, partially met or missed",
				r.L3.Text, r.Actual.Text, r.Target.Text))
		})
	},
}

// indOp says how a target with a number and no operator was read (FORM.md:
// ≥, or ≤ under 成本指标); the cap follows from that reading.
var indOp = &Check{
	Code: "ind.op", Severity: Warning,
	Doc:   "年度指标值只有数值没有运算符 (按 ≥ 理解, 成本指标按 ≤)",
	DocEn: "a numeric target without an operator (read as ≥, ≤ under 成本指标)",
	Run: func(p *Pass) {
		eachRow(p, func(c *calc, r *indRow) {
			if r.tErr != nil || !r.tv.Bare {
				return
			}
			want := r.tv.Op.String() + r.tv.Text
			p.flagDefault(r.Target.Ref, want, r.Target.Text, say(
				"指标「%s」的年度指标值「%s」缺少运算符 (≥ ≤ =), 按「%s」理解并据此计算得分上限; 请写明运算符",
				"indicator %q: the target %q has no operator (≥ ≤ =); it is read as %q and capped accordingly; write the operator",
				r.L3.Text, r.Target.Text, want))
		})
	},
}
