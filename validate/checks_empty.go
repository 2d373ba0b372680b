package validate

import (
	"github.com/xlsxeval/xlsxeval/form"
)

// formEmpty stands in for every other check on a form nobody filled in: one
// finding that says so, not one per empty cell.
var formEmpty = &Check{
	Code: "form.empty", Severity: Error,
	Doc:   "表格未填写: 表头、资金和指标均为空",
	DocEn: "the form is not filled in: header, funds and indicators are all empty",
	Run: func(p *Pass) {
		if !Unfilled(p.Form) {
			return
		}
		p.flagDefault(cellRef(p.Form.Project, p.Form.Title), "已填写的自评表", "空白表",
			say("这是一张未填写的空白表, 请填写表头、资金和绩效指标后再提交",
				"this form is blank; fill in the header, funds and indicators before submitting"))
	},
}

// Unfilled reports whether f has no header, no amounts typed and no
// indicator content: a blank template, not a form with gaps.
func Unfilled(f *form.Form) bool {
	if !f.Project.Empty() || !f.Department.Empty() || !f.Unit.Empty() {
		return false
	}
	for _, r := range f.Funds {
		for _, c := range []form.Cell{r.Initial, r.Budget, r.Exec} {
			if c.Formula == "" && !c.Empty() && !zero(c) {
				return false
			}
		}
	}
	for i := range f.Indicators {
		if !blankRow(&f.Indicators[i]) {
			return false
		}
	}
	return true
}

func zero(c form.Cell) bool { return c.Num != nil && c.Num.IsZero() }
