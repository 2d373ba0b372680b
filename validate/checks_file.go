package validate

import "strings"

// fileNoForm is a file-level rule: a workbook in which no form was found
// must not pass (a department running `check returned/ && echo ok` would
// be told all is well). Checker.checkBook reports it; no form reaches Run.
var fileNoForm = &Check{
	Code: "file.noform", Severity: Error,
	Doc:   "工作簿中没有找到自评表 (每个工作表都被跳过: 空白、隐藏、超过上限或没有自评表表头)",
	DocEn: "no form found in the workbook (every sheet skipped: empty, hidden, over the limits or without a form's headers)",
	Run:   func(*Pass) {},
}

// noForm is the finding of a workbook without a form; it names why each
// sheet was skipped.
func noForm(b *Book) Finding {
	var zh, en []string
	for _, s := range b.Skipped {
		zh = append(zh, "「"+s.Sheet+"」"+s.Reason)
		en = append(en, s.Sheet+": "+s.ReasonEn)
	}
	f := Finding{Rule: fileNoForm.Code, Severity: fileNoForm.Severity, Expected: "自评表", Found: "无",
		Message:   "工作簿中没有找到自评表, 未做任何校验; 请确认发来的是填报好的自评表",
		MessageEn: "no form found in the workbook, nothing was checked; make sure this is the filled-in form"}
	if len(zh) > 0 {
		f.Message += " (" + strings.Join(zh, "; ") + ")"
		f.MessageEn += " (" + strings.Join(en, "; ") + ")"
	}
	return f
}
