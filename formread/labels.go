package formread

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Canonical labels of the form, from the field catalogue. Regions' other
// spellings come from the catalogue, the layout and the profile.
var (
	lProject    = form.FProject.Label
	lDepartment = form.FDepartment.Label
	lUnit       = form.FUnit.Label
	lFunds      = form.FFundsLabel.Label
	lInitial    = form.FFundInitial.Label
	lBudget     = form.FFundBudget.Label
	lExec       = form.FFundExec.Label
	lWeight     = form.FWeight.Label
	lRate       = form.FFundRate.Label
	lScore      = form.FScore.Label
	lGoals      = form.SGoals.Label
	lGoal       = form.FGoal.Label
	lDone       = form.FDone.Label
	lL1         = form.FL1.Label
	lL2         = form.FL2.Label
	lL3         = form.FL3.Label
	lTarget     = form.FTarget.Label
	lActual     = form.FActual.Label
	lReason     = form.FReason.Label
	lTotal      = form.FTotal.Label
	lGrade      = form.FGrade.Label
	lTargetOp   = form.FTargetOp.Label
	lTargetUnit = form.FTargetUnit.Label
	lTopTotal   = form.STopTotal.Label
	lScoreCoef  = form.FScoreCoef.Label
)

// fundLabels are the fund rows' labels in form.Fund* order.
var fundLabels = func() (out [form.NumFunds]string) {
	for i, f := range form.FundRows {
		out[i] = f.Label
	}
	return out
}()

var allLabels = append([]string{lProject, lDepartment, lUnit, lFunds, lInitial, lBudget, lExec,
	lWeight, lRate, lScore, lGoals, lGoal, lDone, lL1, lL2, lL3, lTarget, lActual, lReason,
	lTotal, lGrade, lTargetOp, lTargetUnit, lTopTotal, lScoreCoef}, fundLabels[:]...)

// labels maps a normalised spelling to the canonical labels it stands for
// (合计 is both 年度资金总额 and 总分; the position decides).
type labels struct{ by map[string][]string }

// newLabels are the labels of the catalogue, of layout l (nil: none) and
// of profile p.
func newLabels(p *formulas.Profile, l *layout.Layout) *labels {
	lb := &labels{by: map[string][]string{}}
	for _, c := range allLabels {
		for _, s := range p.Labels(c) {
			if n := normLabel(s); n != "" {
				lb.by[n] = append(lb.by[n], c)
			}
		}
	}
	if l != nil {
		layoutLabels(lb, l)
	}
	return lb
}

func (lb *labels) match(norm, canonical string) bool {
	for _, c := range lb.by[norm] {
		if c == canonical {
			return true
		}
	}
	return false
}

func (lb *labels) any(norm string) bool { return len(lb.by[norm]) > 0 }

var labelNotes = regexp.MustCompile(`\([^()]*\)|\[[^\]]*\]|【[^】]*】`)

// normLabel reduces a label to what identifies it: width folded, no
// spaces, no colon, no parenthesised note (单位, 分值, %), no leading 其中.
func normLabel(s string) string {
	s = formulas.Normalize(s)
	if strings.ContainsAny(s, "([【") {
		s = labelNotes.ReplaceAllString(s, "")
	}
	if strings.ContainsAny(s, labelPunctChars) {
		s = labelPunct.Replace(s)
	}
	s = strings.TrimPrefix(s, "其中")
	return s
}

var (
	labelPunct = strings.NewReplacer(":", "", "*", "", "、", "")
)

// labelPunctChars are the characters labelPunct removes.
const labelPunctChars = ":*、"

// splitLabel splits "项目名称：xxx" into its label and value.
func splitLabel(s string) (label, value string, ok bool) {
	i := strings.IndexAny(s, ":：")
	if i < 0 {
		return "", "", false
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return s[:i], strings.TrimSpace(s[i+size:]), true
}

// cleanName is an indicator category as written, without a weight note or
// spaces: "产出指标 (50分)" → "产出指标".
func cleanName(s string) string {
	return strings.TrimSpace(labelNotes.ReplaceAllString(formulas.Normalize(s), ""))
}
