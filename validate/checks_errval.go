package validate

import (
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
)

// excelErrors are the error values a spreadsheet shows in a cell.
var excelErrors = []string{"#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!"}

// cellError flags a field that shows a spreadsheet error value: a broken
// formula or a target typed so that Excel took it for one (=100%).
var cellError = &Check{
	Code: "cell.error", Severity: Error,
	Doc:   "单元格显示错误值 (#VALUE!、#DIV/0!、#REF! 等)",
	DocEn: "a cell shows a spreadsheet error value (#VALUE!, #DIV/0!, #REF!, ...)",
	Run: func(p *Pass) {
		var bad []*form.Cell // in catalogue order: head, funds, indicators
		p.Form.Each(func(_ form.Key, c *form.Cell) {
			if c.Found() && isExcelError(c.Text) {
				bad = append(bad, c)
			}
		})
		for _, c := range bad {
			p.flagDefault(c.Ref, "", c.Text, say(
				"单元格显示错误值 %s: 公式出错, 或内容以 = 开头被当作公式; 请改正 (文字请以 ' 开头输入, 如 '=100%%)",
				"the cell shows the error value %s: a broken formula, or text starting with = taken for one; fix it (type text with a leading ', e.g. '=100%%)",
				c.Text))
		}
	},
}

func isExcelError(s string) bool {
	if !strings.HasPrefix(s, "#") {
		return false
	}
	for _, e := range excelErrors {
		if strings.EqualFold(s, e) {
			return true
		}
	}
	return false
}
