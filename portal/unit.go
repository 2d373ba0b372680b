package portal

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/round"
	"github.com/xlsxeval/xlsxeval/store"
)

const unitPages = `
{{define "unitHome"}}{{template "top" .}}{{with .Data}}
<section><h2>{{.Unit.Name}}: 需报送的自评表</h2>
<p>请下载模板, 填好后在对应项目处上传; 上传后立即显示校验结果, 有问题可修改后重新上传。 <a href="{{$.Base}}templates.zip">下载全部模板 (zip)</a></p>
<table><tr><th>项目</th><th>状态</th><th>版本数</th><th>模板</th><th>上传</th></tr>
{{range .Projects}}<tr data-project="{{.Name}}"><td><a href="{{$.Base}}p/{{.ID}}/">{{.Name}}</a></td><td>{{template "state" .State}}</td><td>{{len .Versions}}</td>
<td><a href="{{$.Base}}p/{{.ID}}/template.xlsx">下载模板</a></td>
<td><form method="post" action="{{$.Base}}p/{{.ID}}/upload" enctype="multipart/form-data"><input type="hidden" name="csrf" value="{{$.CSRF}}">
<input type="file" name="file" accept=".xlsx,.xlsm" required> <button>上传</button></form></td></tr>{{end}}</table></section>
{{end}}{{template "bottom" .}}{{end}}

{{define "unitProject"}}{{template "top" .}}{{with .Data}}
<section><h2>{{.Name}}</h2><p>状态 {{template "state" .State}} · <a href="{{$.Base}}">返回全部项目</a> · <a href="{{$.Base}}p/{{.ID}}/template.xlsx">下载模板</a></p>
<form method="post" action="{{$.Base}}p/{{.ID}}/upload" enctype="multipart/form-data" id="upload"><input type="hidden" name="csrf" value="{{$.CSRF}}">
<label>{{if .Versions}}重新上传{{else}}上传{{end}}填好的自评表 <input type="file" name="file" accept=".xlsx,.xlsm" required></label> <button>上传并校验</button></form></section>
{{range $i, $v := .Versions}}<section class="version" id="v{{.ID}}"><h3>第 {{.N}} 版 · {{when .Uploaded}} · {{.FileName}} · {{template "state" .State}}{{if .Accepted}} {{template "state" "定稿"}}{{end}}</h3>
<p class="muted">版本编号 {{.ID}} · sha256 <code>{{.SHA256}}</code> · <a href="{{$.Base}}v/{{.ID}}/file">下载原件</a>{{if ne .State "合格"}} · <a href="{{$.Base}}v/{{.ID}}/annotated.xlsx">下载批注副本 (标出要改的单元格)</a>{{end}}</p>
{{if eq $i 0}}{{template "findings" .File}}{{else}}<details><summary>问题</summary>{{template "findings" .File}}</details>{{end}}</section>{{end}}
{{end}}{{template "bottom" .}}{{end}}
`

func (p *Portal) unitBase(r *http.Request) string { return "/u/" + r.PathValue("tok") + "/" }

func (p *Portal) unitView(r *http.Request, title string, data any) view {
	return view{Title: title, Who: unitOf(r).Name, CSRF: p.csrf(r.PathValue("tok")), Base: p.unitBase(r), Data: data}
}

type unitHomeView struct {
	Unit     *store.Unit
	Projects []projectView
}

func (p *Portal) loadUnit(r *http.Request) (*unitHomeView, error) {
	u := unitOf(r)
	prs, err := p.st.UnitProjects(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	out := &unitHomeView{Unit: u}
	for _, pr := range prs {
		pv, err := p.projectView(r, pr)
		if err != nil {
			return nil, err
		}
		out.Projects = append(out.Projects, *pv)
	}
	return out, nil
}

func (p *Portal) unitHome(w http.ResponseWriter, r *http.Request) {
	v, err := p.loadUnit(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "unitHome", p.unitView(r, "需报送的自评表", v))
}

// apiProject is a project as the unit's API gives it.
type apiProject struct {
	ID       int64        `json:"id"`
	Project  string       `json:"project"`
	State    round.State  `json:"state"`
	Versions []apiVersion `json:"versions"`
}

type apiVersion struct {
	ID       int64       `json:"id"`
	SHA256   string      `json:"sha256"`
	File     string      `json:"file"`
	Uploaded string      `json:"uploaded"`
	State    string      `json:"state"`
	Report   report.File `json:"report"`
}

func toAPI(pv projectView) apiProject {
	out := apiProject{ID: pv.ID, Project: pv.Name, State: pv.State, Versions: []apiVersion{}}
	for _, v := range pv.Versions {
		out.Versions = append(out.Versions, apiVersion{v.ID, v.SHA256, v.FileName,
			v.Uploaded.UTC().Format("2006-01-02T15:04:05.000Z"), v.State, v.File})
	}
	return out
}

// unitJSON lists the unit's projects and the CSRF token its uploads carry.
func (p *Portal) unitJSON(w http.ResponseWriter, r *http.Request) {
	v, err := p.loadUnit(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	out := struct {
		Unit     string       `json:"unit"`
		CSRF     string       `json:"csrf"`
		Projects []apiProject `json:"projects"`
	}{Unit: v.Unit.Name, CSRF: p.csrf(r.PathValue("tok")), Projects: []apiProject{}}
	for _, pv := range v.Projects {
		out.Projects = append(out.Projects, toAPI(pv))
	}
	writeJSON(w, http.StatusOK, out)
}

func (p *Portal) ownTemplates(w http.ResponseWriter, r *http.Request) {
	p.sendTemplates(w, r, *unitOf(r))
}

func (p *Portal) unitProject(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.ownProject(w, r)
	if !ok {
		return
	}
	pv, err := p.projectView(r, *pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "unitProject", p.unitView(r, pr.Name, pv))
}

func (p *Portal) unitProjectJSON(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.ownProject(w, r)
	if !ok {
		return
	}
	pv, err := p.projectView(r, *pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPI(*pv))
}

func (p *Portal) unitTemplate(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.ownProject(w, r)
	if !ok {
		return
	}
	rs, err := p.spec(r.Context(), pr.Round)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	b, name, err := p.template(rs, *pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	attach(w, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
}

// upload keeps a returned workbook as a new version and answers with its
// findings. The workbook is on disk (synced) before its row is written,
// and the row is committed before the answer: an acknowledged upload
// survives a crash.
func (p *Portal) upload(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.ownProject(w, r)
	if !ok {
		return
	}
	u := unitOf(r)
	if ok, wait := p.limit.allow(strconv.FormatInt(u.ID, 10)); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		p.refuse(w, r, http.StatusTooManyRequests, "上传过于频繁, 请 %d 秒后再试", int(wait.Seconds())+1)
		return
	}
	name, data, err := formFile(r, "file")
	if err != nil || len(data) == 0 {
		p.refuse(w, r, http.StatusBadRequest, "没有收到文件: 请在 \"file\" 字段中上传 .xlsx 工作簿")
		return
	}
	rs, err := p.spec(r.Context(), pr.Round)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	sum, err := p.st.PutBlob(data)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f := p.checkFile(data, name, rs.records[pr.Idx])
	rep, _ := jsonBytes(f)
	v := store.Version{Project: pr.ID, SHA256: sum, Size: int64(len(data)), FileName: name,
		Uploader: u.Name, State: string(fileState(f)), Report: rep}
	id, err := p.st.AddVersion(r.Context(), v, pr.Round)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if strings.Contains(r.URL.Path, "/api/") {
		writeJSON(w, http.StatusCreated, map[string]any{"version": id, "sha256": sum, "state": v.State, "report": f})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%sp/%d/#v%d", p.unitBase(r), pr.ID, id), http.StatusSeeOther)
}

// checkFile checks an upload against its project's record, so a form of
// another project, or with changed preset content, is 模板被改.
func (p *Portal) checkFile(data []byte, name string, rec *integrity.Record) report.File {
	return report.FromResult(p.cfg.Check(data, name, []*integrity.Record{rec}), p.cfg.Lang)
}

// fileState is the state an upload earns: its worst form's, 无法读取 when
// it could not be read or holds no form.
func fileState(f report.File) round.State {
	if f.Error != "" || len(f.Forms) == 0 {
		return round.Unreadable
	}
	worst := round.Clean
	for _, fm := range f.Forms {
		switch s := round.FormState(fm); {
		case s == round.Tampered:
			return s
		case s == round.Faulty:
			worst = s
		}
	}
	return worst
}

func (p *Portal) unitFile(w http.ResponseWriter, r *http.Request) {
	v, _, ok := p.ownVersion(w, r)
	if ok {
		p.sendVersion(w, r, v)
	}
}

// annotated is the version with its problem cells marked and commented,
// as check --annotate writes it.
func (p *Portal) annotated(w http.ResponseWriter, r *http.Request) {
	v, pr, ok := p.ownVersion(w, r)
	if !ok {
		return
	}
	data, err := p.st.Blob(v.SHA256)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	rs, err := p.spec(r.Context(), pr.Round)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	res := p.cfg.Check(data, v.FileName, []*integrity.Record{rs.records[pr.Idx]})
	if res.Err != nil {
		p.refuse(w, r, http.StatusUnprocessableEntity, "此文件无法读取, 没有批注副本: %v", res.Err)
		return
	}
	var b bytes.Buffer
	if err := report.Annotate(bytes.NewReader(data), int64(len(data)), res, p.cfg.Lang, &b); err != nil {
		p.fail(w, r, err)
		return
	}
	name := strings.TrimSuffix(v.FileName, ".xlsx") + "-批注.xlsx"
	attach(w, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}
