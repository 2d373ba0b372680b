package validate

import (
	"regexp"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/xlsxeval/xlsxeval/formulas"
)

// Canonical labels of the form. Regions' other spellings come from the
// profile's synonyms.
const (
	lProject    = "项目名称"
	lDepartment = "主管部门"
	lUnit       = "实施单位"
	lFunds      = "项目资金"
	lInitial    = "年初预算数"
	lBudget     = "全年预算数"
	lExec       = "全年执行数"
	lWeight     = "分值"
	lRate       = "执行率"
	lScore      = "得分"
	lGoals      = "年度总体目标"
	lGoal       = "预期目标"
	lDone       = "实际完成情况"
	lL1         = "一级指标"
	lL2         = "二级指标"
	lL3         = "三级指标"
	lTarget     = "年度指标值"
	lActual     = "实际完成值"
	lReason     = "偏差原因分析及改进措施"
	lTotal      = "总分"
	lGrade      = "评分等级"
)

// fundLabels are the fund rows' labels in form.Fund* order.
var fundLabels = [...]string{"年度资金总额", "当年财政拨款", "上年结转资金", "其他资金"}

var allLabels = append([]string{lProject, lDepartment, lUnit, lFunds, lInitial, lBudget, lExec,
	lWeight, lRate, lScore, lGoals, lGoal, lDone, lL1, lL2, lL3, lTarget, lActual, lReason,
	lTotal, lGrade}, fundLabels[:]...)

// labels maps a normalised spelling to the canonical labels it stands for
// (合计 is both 年度资金总额 and 总分; the position decides).
type labels struct{ by map[string][]string }

// lastLabels holds the labels of the profile last read with: a batch
// reads thousands of workbooks with one profile. One entry, so a server
// loading profiles per request holds no more.
var lastLabels atomic.Pointer[profileLabels]

type profileLabels struct {
	p  *formulas.Profile
	lb *labels
}

func labelsOf(p *formulas.Profile) *labels {
	if c := lastLabels.Load(); c != nil && c.p == p {
		return c.lb
	}
	c := &profileLabels{p, newLabels(p)}
	lastLabels.Store(c)
	return c.lb
}

func newLabels(p *formulas.Profile) *labels {
	lb := &labels{by: map[string][]string{}}
	for _, c := range allLabels {
		for _, s := range p.Labels(c) {
			if n := normLabel(s); n != "" {
				lb.by[n] = append(lb.by[n], c)
			}
		}
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
	s = labelPunct.Replace(s)
	s = strings.TrimPrefix(s, "其中")
	return s
}

var (
	labelPunct = strings.NewReplacer(":", "", "*", "", "、", "")
)

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
