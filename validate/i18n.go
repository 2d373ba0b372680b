package validate

import (
	"fmt"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// msg is a message in Chinese and English.
type msg struct{ zh, en string }

// say formats both languages with the same arguments; an argument that
// is itself a msg is given in each message's language.
func say(zh, en string, args ...any) msg {
	az, ae := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		az[i], ae[i] = a, a
		if m, ok := a.(msg); ok {
			az[i], ae[i] = m.zh, m.en
		}
	}
	return msg{fmt.Sprintf(zh, az...), fmt.Sprintf(en, ae...)}
}

// xmsg is m as internal/xlsx's input errors carry it.
func (m msg) xmsg() xlsx.Msg { return xlsx.Msg{Zh: m.zh, En: m.en} }

// slip is appended to a message when the figure is off by one unit in its
// last digit only.
var slip = msg{"(仅末位相差一个单位, 可能是舍入笔误)", " (off by one unit in the last digit only: probably a rounding slip)"}

// flag records a finding at severity s.
func (p *Pass) flag(s Severity, ref, expected, found string, m msg) {
	p.ReportAs(s, Finding{Cell: ref, Expected: expected, Found: found, Message: m.zh, MessageEn: m.en})
}

// skipped records that the check could not be evaluated, and why: one
// info finding under its own code, so no rule is skipped silently.
func (p *Pass) skipped(ref string, why msg) {
	p.flag(Info, ref, "", "", say("未能完整核对 %s: %s", "%s not fully checked: %s", p.check.Code, why))
}

// flagDefault records a finding at the check's default severity.
func (p *Pass) flagDefault(ref, expected, found string, m msg) {
	p.flag(p.check.Severity, ref, expected, found, m)
}

// judge records a finding for a verdict of formulas.Compare or AtMost:
// nothing when consistent, a warning for a last-digit slip, else the
// check's default severity.
func (p *Pass) judge(v formulas.Verdict, ref, expected, found string, m msg) {
	switch v {
	case formulas.LastDigit:
		p.flag(Warning, ref, expected, found, msg{m.zh + slip.zh, m.en + slip.en})
	case formulas.Wrong:
		p.flagDefault(ref, expected, found, m)
	}
}

// ref is the first found cell's A1 reference: the cell to look at, or a
// neighbour when the field itself was not found.
func cellRef(cells ...form.Cell) string {
	for _, c := range cells {
		if c.Found() {
			return c.Ref
		}
	}
	return ""
}

// shownText is what a person sees in the cell.
func shownText(c form.Cell) string {
	if c.Text != "" {
		return c.Text
	}
	if c.Num != nil {
		return c.Num.StringFixed(c.Places)
	}
	return ""
}

// fieldMsg names a catalogue field in messages.
func fieldMsg(f *form.Field) msg { return msg{f.Label, f.En} }

// Labels of the funds block, for messages, from the catalogue.
var fundRowNames = func() (out [form.NumFunds]msg) {
	for i, f := range form.FundRows {
		out[i] = fieldMsg(f)
	}
	return out
}()

var colNames = [numCols]msg{fieldMsg(form.FFundInitial), fieldMsg(form.FFundBudget), fieldMsg(form.FFundExec)}
