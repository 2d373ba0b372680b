package portal

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/round"
	"github.com/xlsxeval/xlsxeval/store"
)

// The pages are plain HTML forms: no script, no external asset, so they
// work in any browser a unit has and under a strict CSP.
const layout = `{{define "top"}}<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}} · 绩效自评表回收</title>
<style>
body{font:15px/1.6 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#24476b;color:#fff;padding:.7em 1.5em}header b{font-size:1.1em}main{max-width:1100px;margin:1em auto;padding:0 1em}
section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:1em 1.2em;margin-bottom:1em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e5e8ec;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f0f3f6;white-space:nowrap}.s{display:inline-block;padding:0 .5em;border-radius:3px;font-size:.9em;white-space:nowrap}
.s-合格,.s-定稿{background:#dff3e4;color:#17622d}.s-需退回,.s-模板被改,.s-无法读取{background:#fde2e1;color:#9b1c1c}.s-未交{background:#eceff3;color:#555}
.error{color:#9b1c1c}.warning{color:#8a5a00}.info{color:#555}code{font-size:.9em}.muted{color:#667}
form.inline{display:inline}button{padding:.3em .9em}.msg{padding:.6em 1em;border-radius:4px;background:#fff6d6;border:1px solid #ecd98b}
</style></head><body><header><b>财政项目支出绩效自评表 · 回收</b> <span class="muted" style="color:#cfd8e3">{{.Who}}</span></header><main>
{{end}}
{{define "bottom"}}</main></body></html>{{end}}
{{define "state"}}<span class="s s-{{.}}" data-state="{{.}}">{{.}}</span>{{end}}
{{define "findings"}}{{if .Error}}<p class="error">无法读取: {{.Error}}</p>{{end}}
{{range .Forms}}<p>工作表 <b>{{.Sheet}}</b> · 项目「{{.Project}}」 总分 {{.Total}} 等级 {{.Grade}}: {{.Errors}} 个错误, {{.Warnings}} 个警告, {{.Infos}} 条提示</p>
{{if .Findings}}<table class="findings"><tr><th>单元格</th><th>级别</th><th>规则</th><th>问题</th><th>应为</th><th>实为</th></tr>
{{range .Findings}}<tr class="{{.Severity}}"><td>{{.Cell}}</td><td>{{sev .Severity.String}}</td><td><code class="rule">{{.Rule}}</code></td><td>{{.Message}}</td><td>{{.Expected}}</td><td>{{.Found}}</td></tr>{{end}}
</table>{{end}}{{end}}{{end}}
`

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"sev": func(s string) string {
		return map[string]string{"error": "错误", "warning": "警告", "info": "提示"}[s]
	},
	"when":  func(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") },
	"short": func(s string) string { return s[:min(12, len(s))] },
}).Parse(layout + message + adminPages + unitPages))

// view is what every page gets.
type view struct {
	Title, Who, CSRF, Base string
	Msg                    string
	Data                   any
}

func (p *Portal) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var b strings.Builder
	if err := pages.ExecuteTemplate(&b, name, v); err != nil {
		p.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, b.String())
}

// refuse answers a refusal: JSON on the API, a page otherwise.
func (p *Portal) refuse(w http.ResponseWriter, r *http.Request, status int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if strings.Contains(r.URL.Path, "/api/") {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	p.render(w, r, status, "message", view{Title: http.StatusText(status), Msg: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false)
	e.Encode(v)
}

func (p *Portal) home(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "message", view{Title: "绩效自评表回收",
		Msg: "请使用部门或单位收到的专用链接访问。"})
}

// projectView is a project with its state and versions, for the pages.
type projectView struct {
	store.Project
	UnitName string
	State    round.State
	Versions []versionView
}

type versionView struct {
	store.Version
	N        int // the project's version number, from 1
	Accepted bool
	File     report.File
}

// FileBase names the project's files, as the templates are named.
func (pv projectView) FileBase() string {
	if pv.Code != "" {
		return pv.Code + "_" + pv.Name
	}
	return pv.Name
}

// state is where a project stands in the portal: 定稿 once accepted,
// else its newest version's state, or 未交.
func state(pr store.Project, vs []store.Version) round.State {
	switch {
	case pr.Accepted != 0:
		return round.Accepted
	case len(vs) == 0:
		return round.Missing
	}
	return round.State(vs[0].State)
}

func viewVersion(v store.Version, accepted int64) versionView {
	vv := versionView{Version: v, Accepted: v.ID == accepted}
	json.Unmarshal(v.Report, &vv.File)
	return vv
}

const message = `{{define "message"}}{{template "top" .}}<section><h2>{{.Title}}</h2><p>{{.Msg}}</p></section>{{template "bottom" .}}{{end}}`

func jsonBytes(v any) ([]byte, error) {
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	err := e.Encode(v)
	return []byte(b.String()), err
}
