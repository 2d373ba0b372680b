package validate

import (
	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/integrity"
)

var tplChanged = &Check{
	Code: "tpl.changed", Severity: Error,
	Doc:   "模板预设的内容 (项目、年度、预算数、指标及其目标和分值) 被改动, 或指标被增删 (需签名密钥或 --spec)",
	DocEn: "a preset value (project, year, budget, indicator, target, weight) changed, or an indicator added or deleted (needs a signing key or --spec)",
	Run: func(p *Pass) {
		for _, d := range tamperDiffs(p, integrity.Changed) {
			p.flagDefault(d.Cell, d.Expected, d.Found, changedMsg(p.Form, d))
		}
	},
}

var tplFormula = &Check{
	Code: "tpl.formula", Severity: Error,
	Doc:   "模板的公式被替换为数值、删除或改动 (需签名密钥)",
	DocEn: "a template formula replaced by a constant, deleted or altered (needs a signing key)",
	Run: func(p *Pass) {
		for _, d := range tamperDiffs(p, integrity.FormulaChanged) {
			var m msg
			switch d.Note {
			case integrity.NoteConstant:
				m = say("公式被替换为数值 %s, 应为公式 %s", "formula replaced by the constant %s; should be %s", d.Found, d.Expected)
			case integrity.NoteDeleted:
				m = say("公式被删除, 应为 %s", "formula deleted; should be %s", d.Expected)
			default:
				m = say("公式被改动, 应为 %s", "formula altered; should be %s", d.Expected)
			}
			p.flagDefault(d.Cell, d.Expected, d.Found, m)
		}
	},
}

var tplSignature = &Check{
	Code: "tpl.signature", Severity: Error,
	Doc:   "本工具生成的表缺少签名, 或签名无效 (用其他密钥签名, 或签名记录被改动) (需签名密钥)",
	DocEn: "a form made by this tool has no signature, or an invalid one (another key, or the signed record altered) (needs a signing key)",
	Run: func(p *Pass) {
		t := p.Tamper
		if t == nil || !t.keyed || t.status == integrity.Valid {
			return
		}
		var m msg
		found := map[integrity.Status]string{integrity.Missing: "无签名", integrity.OtherKey: "其他密钥的签名",
			integrity.Altered: "签名不符", integrity.Broken: "签名无法读取"}[t.status]
		switch t.status {
		case integrity.Missing:
			m = say("表带有本工具的指纹, 却没有签名: 不是用此密钥签名生成的, 或签名已被删除; 无法确认预设内容未被改动",
				"the form carries our fingerprint but no signature: not generated with this key, or the signature was removed; its preset content cannot be verified")
		case integrity.OtherKey:
			m = say("签名来自另一个密钥: 此表不是用所给密钥生成的 (请确认密钥), 无法确认预设内容",
				"signed with another key: this form was not generated with the given key (check the key); its preset content cannot be verified")
		case integrity.Altered:
			m = say("签名与签名记录不符: 记录在生成后被改动, 预设内容不可信",
				"the signature does not match its record: the record was altered after generation; the preset content cannot be trusted")
		default:
			m = say("签名无法读取 (已损坏)", "the signature cannot be read (damaged)")
		}
		p.flagDefault(cellRef(p.Form.Title, p.Form.Project), "有效签名", found, m)
	},
}

var tplProtection = &Check{
	Code: "tpl.protection", Severity: Warning,
	Doc:   "工作表保护被撤销 (需签名密钥)",
	DocEn: "sheet protection removed (needs a signing key)",
	Run: func(p *Pass) {
		for range tamperDiffs(p, integrity.Unprotected) {
			p.flagDefault("", "受保护", "未保护", say("工作表保护已被撤销, 锁定的单元格可能被改动",
				"sheet protection was removed; locked cells may have been changed"))
		}
	},
}

func tamperDiffs(p *Pass, k integrity.Kind) []integrity.Diff {
	t := p.Tamper
	if t == nil {
		return nil
	}
	var out []integrity.Diff
	for _, d := range t.diffs {
		if d.Kind == k {
			out = append(out, d)
		}
	}
	return out
}

func changedMsg(fm *form.Form, d integrity.Diff) msg {
	what := fieldName(fm, d.Key)
	switch d.Note {
	case integrity.NoteDeleted:
		return say("模板预设的%s已被删除 (应为 %s)", "preset %s was deleted (should be %s)", what, d.Expected)
	case integrity.NoteAdded:
		return say("模板中没有此指标: %q 是新增的指标行", "no such indicator in the template: %q is an added row", d.Found)
	case noteUnknown:
		return say("项目 %q 不在清单中, 无法与预设内容比较", "project %q is not in the spec; cannot compare with preset content", d.Found)
	}
	return say("模板预设的%s被改动: 应为 %s, 实为 %s", "preset %s changed: should be %s, found %s", what, d.Expected, d.Found)
}

// fieldName names a field key for messages; a funds amount by its row
// and column, the budget weight as such.
func fieldName(fm *form.Form, key string) msg {
	k, ok := form.ParseKey(key)
	switch {
	case !ok:
		return msg{key, key}
	case k.Group == form.GroupFunds && k.Field == form.FFundWeight:
		return msg{"预算执行率分值", "budget execution weight"}
	case k.Group == form.GroupFunds:
		return say("%s%s", "%s %s", fundRowNames[k.Index], fieldMsg(k.Field))
	}
	return fieldMsg(k.Field)
}
