package report

import (
	"fmt"
	"html/template"
	"io"

	"github.com/xlsxeval/xlsxeval/validate"
)

// HTML streams one self-contained page (inline CSS, no scripts, no
// network): per form its figures and findings, errors first. It reads on
// a phone and prints on A4. The summary is written last but shown first.
type HTML struct {
	W     io.Writer
	Lang  Lang
	Title string // page title; a default when empty
	begun bool
}

const htmlCSS = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;padding:12px;color:#222;background:#f6f7f9;line-height:1.45;display:flex;flex-direction:column;gap:12px}
h1{font-size:1.3em;margin:0}
.sum{order:-1;background:#fff;border-radius:8px;padding:12px;border:1px solid #ddd}
.sum ul{margin:.4em 0 0;padding-left:1.2em}
section.file{background:#fff;border-radius:8px;border:1px solid #ddd;padding:12px}
.path{font-size:1.05em;margin:0 0 8px;word-break:break-all}
.form{border-top:1px solid #eee;padding-top:8px;margin-top:8px}
.form h3{font-size:1em;margin:0 0 6px}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:.85em;font-weight:600;white-space:nowrap}
.b-error{background:#fdd;color:#900}.b-warning{background:#fff1b8;color:#7a5b00}.b-info{background:#e3effa;color:#1d4f7a}.b-clean{background:#dff5e1;color:#1b6e2a}
dl.fig{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:4px 12px;margin:6px 0}
dl.fig div{background:#fafafa;border-radius:4px;padding:4px 6px}
dl.fig dt{font-size:.78em;color:#666}dl.fig dd{margin:0;font-weight:600;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
tr.error td:first-child{border-left:4px solid #d33}tr.warning td:first-child{border-left:4px solid #e0b000}tr.info td:first-child{border-left:4px solid #5b9bd5}
.msg{word-break:break-word}
.err{color:#900}
@media (max-width:640px){
 body{padding:6px}
 table,thead,tbody,tr,td{display:block;width:100%}
 thead{display:none}
 tr{border:1px solid #ddd;border-radius:6px;margin:6px 0;padding:4px;background:#fff}
 td{border:none;padding:2px 4px}
 td[data-l]::before{content:attr(data-l) ": ";color:#666;font-size:.85em}
}
@media print{
 body{background:#fff;padding:0;display:block;font-size:10pt}
 .sum,section.file{border:none;padding:0;margin-bottom:10pt}
 .form{break-inside:avoid-page}
 tr{break-inside:avoid}
 .badge{border:1px solid #999}
 @page{size:A4;margin:12mm}
}
`

var htmlTmpl = template.Must(template.New("").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style></head><body>
{{end}}
{{define "file"}}<section class="file"><h2 class="path">{{.F.Path}}</h2>
{{if .F.Error}}<p class="err"><span class="badge b-error">{{.W.unreadable}}</span> {{.F.Error}}</p>{{end}}
{{range .F.Skipped}}<p><small>{{$.W.skipped}} {{.Sheet}}: {{.Reason}}</small></p>{{end}}
{{range .F.Findings}}<p class="err"><span class="badge b-{{.Severity}}">{{.Severity}}</span> <code>{{.Rule}}</code> {{.Message}}</p>{{end}}
{{range .Forms}}<div class="form"><h3>{{.Sheet}} · {{.Name}}
{{if .Errors}}<span class="badge b-error">{{.Errors}} {{$.W.error}}</span>{{end}}
{{if .Warnings}}<span class="badge b-warning">{{.Warnings}} {{$.W.warning}}</span>{{end}}
{{if and (not .Errors) (not .Warnings)}}<span class="badge b-clean">{{$.W.clean}}</span>{{end}}</h3>
<dl class="fig">{{range .Figures}}<div><dt>{{.K}}</dt><dd>{{.V}}</dd></div>{{end}}</dl>
{{if .Findings}}<table><thead><tr>{{range $.Head}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Findings}}<tr class="{{.Severity}}"><td data-l="{{index $.Head 0}}"><span class="badge b-{{.Severity}}">{{.Level}}</span></td><td data-l="{{index $.Head 1}}">{{.Cell}}</td><td data-l="{{index $.Head 2}}"><code>{{.Rule}}</code></td><td class="msg" data-l="{{index $.Head 3}}">{{.Message}}</td><td data-l="{{index $.Head 4}}">{{.Expected}}</td><td data-l="{{index $.Head 5}}">{{.Found}}</td></tr>
{{end}}</tbody></table>{{end}}</div>
{{end}}</section>
{{end}}
{{define "tail"}}<section class="sum"><h1>{{.Title}}</h1><ul>{{range .Lines}}<li>{{.}}</li>{{end}}</ul></section>
</body></html>
{{end}}`))

var htmlWords = map[Lang]map[string]string{
	ZH: {"title": "绩效自评表校验结果", "project": "项目名称", "department": "主管部门", "unit": "实施单位", "year": "年度",
		"budget": "全年预算数", "executed": "全年执行数", "rate": "执行率(%)", "total": "总分", "grade": "评分等级",
		"files": "文件 %d 个, 自评表 %d 张, 其中无问题 %d 张", "counts": "错误 %d 个, 警告 %d 个, 提示 %d 条",
		"unreadable_n": "无法读取的文件 %d 个", "level": "级别", "cell": "单元格", "rule": "规则", "message": "问题"},
	EN: {"title": "Self-evaluation check results", "project": "Project", "department": "Department", "unit": "Unit", "year": "Year",
		"budget": "Budget", "executed": "Executed", "rate": "Rate (%)", "total": "Total", "grade": "Grade",
		"files": "%d files, %d forms, %d clean", "counts": "%d errors, %d warnings, %d infos",
		"unreadable_n": "%d files unreadable", "level": "Severity", "cell": "Cell", "rule": "Rule", "message": "Problem"},
}

func (h *HTML) word(k string) string {
	if w, ok := htmlWords[langOr(h.Lang)][k]; ok {
		return w
	}
	return (&Text{Lang: h.Lang}).word(k)
}

func (h *HTML) title() string {
	if h.Title != "" {
		return h.Title
	}
	return h.word("title")
}

func (h *HTML) begin() error {
	if h.begun {
		return nil
	}
	h.begun = true
	return htmlTmpl.ExecuteTemplate(h.W, "head", map[string]any{
		"Lang": string(langOr(h.Lang)), "Title": h.title(), "CSS": template.CSS(htmlCSS)})
}

type kv struct{ K, V string }

type htmlFinding struct {
	validate.Finding
	Level string
}

type htmlForm struct {
	Form
	Figures  []kv
	Findings []htmlFinding
}

// File writes one file's section.
func (h *HTML) File(f File) error {
	if err := h.begin(); err != nil {
		return err
	}
	t := &Text{Lang: h.Lang}
	var forms []htmlForm
	for _, fm := range f.Forms {
		hf := htmlForm{Form: fm}
		for _, p := range []kv{{"project", fm.Project}, {"department", fm.Department}, {"unit", fm.Unit}, {"year", fm.Year},
			{"budget", fm.Budget}, {"executed", fm.Executed}, {"rate", fm.Rate}, {"total", fm.Total}, {"grade", fm.Grade}} {
			hf.Figures = append(hf.Figures, kv{h.word(p.K), dash(p.V)})
		}
		for _, x := range bySeverity(fm.Findings) {
			x.Expected, x.Found = dash(x.Expected), dash(x.Found)
			hf.Findings = append(hf.Findings, htmlFinding{x, t.word(x.Severity.String())})
		}
		forms = append(forms, hf)
	}
	w := map[string]string{}
	for _, k := range []string{"unreadable", "skipped", "error", "warning", "clean"} {
		w[k] = h.word(k)
	}
	head := []string{h.word("level"), h.word("cell"), h.word("rule"), h.word("message"), t.word("expected"), t.word("found")}
	return htmlTmpl.ExecuteTemplate(h.W, "file", map[string]any{"F": f, "Forms": forms, "W": w, "Head": head})
}

// Close writes the summary and ends the page.
func (h *HTML) Close(s Summary) error {
	if err := h.begin(); err != nil {
		return err
	}
	lines := []string{
		fmt.Sprintf(h.word("files"), s.Files, s.Forms, s.Clean),
		fmt.Sprintf(h.word("counts"), s.Errors, s.Warnings, s.Infos),
	}
	if s.Unreadable > 0 {
		lines = append(lines, fmt.Sprintf(h.word("unreadable_n"), s.Unreadable))
	}
	return htmlTmpl.ExecuteTemplate(h.W, "tail", map[string]any{"Title": h.title(), "Lines": lines})
}
