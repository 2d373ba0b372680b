package portal

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/round"
	"github.com/xlsxeval/xlsxeval/store"
	"github.com/xlsxeval/xlsxeval/template"
)

const adminPages = `
{{define "adminHome"}}{{template "top" .}}
<section><h2>新建回收轮次</h2>
<form method="post" action="{{.Base}}rounds" enctype="multipart/form-data" id="create">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><label>轮次名称 <input name="name" required placeholder="2024 年度绩效自评"></label></p>
<p><label>项目清单 (.csv/.xlsx/.yaml, 与 xlsxeval template --spec 相同) <input type="file" name="spec" required></label></p>
<p><label>单位名单 (可选, CSV: 单位,联系人[,项目名称]) <input type="file" name="roster"></label></p>
<p><button type="submit">创建</button></p></form></section>
<section><h2>回收轮次</h2><table><tr><th>名称</th><th>清单</th><th>创建时间</th></tr>
{{range .Data}}<tr><td><a href="{{$.Base}}r/{{.ID}}/">{{.Name}}</a></td><td>{{.SpecName}}</td><td>{{when .Created}}</td></tr>{{else}}<tr><td colspan="3" class="muted">尚无</td></tr>{{end}}
</table></section>{{template "bottom" .}}{{end}}

{{define "round"}}{{template "top" .}}{{with .Data}}
<section><h2>{{.Round.Name}}</h2>
<p>{{range .Counts}}{{template "state" .State}} {{.N}}　{{end}}</p>
<p><form class="inline" method="post" action="links"><input type="hidden" name="csrf" value="{{$.CSRF}}"><button id="links">生成并下载上传链接 (CSV)</button></form>
<span class="muted">每次生成都会作废此前发出的单位链接。</span></p>
<p><a href="summary.xlsx">下载汇总表 (各项目最新一版)</a> · <a href="accepted.zip">下载全部定稿工作簿 (zip)</a></p></section>
{{range .Units}}<section class="unit"><h3>{{.Unit.Name}} <span class="muted">{{.Unit.Contact}}</span></h3>
<p><a href="u/{{.Unit.ID}}/templates.zip">下载该单位的模板 (zip)</a></p>
<table><tr><th>项目</th><th>状态</th><th>版本数</th><th>最近上传</th></tr>
{{range .Projects}}<tr data-project="{{.Name}}"><td><a href="p/{{.ID}}/">{{.Name}}</a></td><td>{{template "state" .State}}</td><td>{{len .Versions}}</td>
<td>{{with .Versions}}{{with index . 0}}{{when .Uploaded}} {{.FileName}}{{end}}{{end}}</td></tr>{{end}}</table></section>{{end}}
<section><h3>操作记录</h3><table><tr><th>时间</th><th>操作者</th><th>操作</th><th>内容</th></tr>
{{range .Audit}}<tr><td>{{when .At}}</td><td>{{.Actor}}</td><td>{{.Action}}</td><td>{{.Detail}}</td></tr>{{end}}</table></section>
{{end}}{{template "bottom" .}}{{end}}

{{define "adminProject"}}{{template "top" .}}{{with .Data}}
<section><h2>{{.Name}} <span class="muted">{{.UnitName}}</span></h2><p>状态 {{template "state" .State}} · <a href="../../">返回轮次</a></p>
{{if .Accepted}}<form class="inline" method="post" action="accept"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="version" value="0"><button>撤销定稿</button></form>{{end}}</section>
<section><h3>版本历史</h3>{{range .Versions}}<div class="version" id="v{{.ID}}"><h4>第 {{.N}} 版 · {{when .Uploaded}} · {{.FileName}} · {{template "state" .State}}{{if .Accepted}} {{template "state" "定稿"}}{{end}}</h4>
<p class="muted">版本编号 {{.ID}} · sha256 <code>{{.SHA256}}</code> · {{.Size}} 字节 · 上传者 {{.Uploader}} · <a href="../../v/{{.ID}}/file">下载</a>
{{if not .Accepted}}<form class="inline" method="post" action="accept"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="version" value="{{.ID}}"><button>定稿</button></form>{{end}}</p>
<details{{if eq .ID (index $.Data.Versions 0).ID}} open{{end}}><summary>问题</summary>{{template "findings" .File}}</details></div>
{{else}}<p class="muted">尚未上传</p>{{end}}</section>
{{end}}{{template "bottom" .}}{{end}}
`

func (p *Portal) adminBase(r *http.Request) string { return "/a/" + r.PathValue("tok") + "/" }

func (p *Portal) adminView(r *http.Request, title string, data any) view {
	return view{Title: title, Who: "部门", CSRF: p.csrf(r.PathValue("tok")), Base: p.adminBase(r), Data: data}
}

func (p *Portal) adminHome(w http.ResponseWriter, r *http.Request) {
	rounds, err := p.st.Rounds(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "adminHome", p.adminView(r, "回收轮次", rounds))
}

// adminJSON lists the rounds and the CSRF token POSTs carry.
func (p *Portal) adminJSON(w http.ResponseWriter, r *http.Request) {
	rounds, err := p.st.Rounds(r.Context())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	type rj struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	out := struct {
		CSRF   string `json:"csrf"`
		Rounds []rj   `json:"rounds"`
	}{CSRF: p.csrf(r.PathValue("tok")), Rounds: []rj{}}
	for _, x := range rounds {
		out.Rounds = append(out.Rounds, rj{x.ID, x.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

// createRound makes a round from the uploaded spec and roster.
func (p *Portal) createRound(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.FormValue("name"))
	specName, specData, err := formFile(r, "spec")
	if err != nil || name == "" {
		p.refuse(w, r, http.StatusBadRequest, "请填写轮次名称并上传项目清单")
		return
	}
	spec, err := parseSpec(specName, specData, p.templateOptions())
	if err != nil {
		p.refuse(w, r, http.StatusUnprocessableEntity, "清单有误: %v", err)
		return
	}
	var roster []rosterRow
	if _, data, err := formFile(r, "roster"); err == nil && len(data) > 0 {
		if roster, err = parseRoster(data); err != nil {
			p.refuse(w, r, http.StatusUnprocessableEntity, "%v", err)
			return
		}
	}
	nr, err := plan(name, specName, specData, spec, roster)
	if err != nil {
		p.refuse(w, r, http.StatusUnprocessableEntity, "%v", err)
		return
	}
	id, err := p.st.CreateRound(r.Context(), nr, "部门")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if strings.Contains(r.URL.Path, "/api/") {
		writeJSON(w, http.StatusCreated, map[string]int64{"round": id})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%sr/%d/", p.adminBase(r), id), http.StatusSeeOther)
}

// formFile is the uploaded file of field, with its base name.
func formFile(r *http.Request, field string) (string, []byte, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return path.Base(strings.ReplaceAll(h.Filename, `\`, "/")), b, err
}

// unitView is a unit and its projects.
type unitView struct {
	Unit     store.Unit
	Projects []projectView
}

type roundView struct {
	Round  *store.Round
	Units  []unitView
	Counts []stateCount
	Audit  []store.Entry
}

type stateCount struct {
	State round.State
	N     int
}

// loadRound gathers a round's units, projects and versions.
func (p *Portal) loadRound(r *http.Request) (*roundView, error) {
	id, err := roundID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	rd, err := p.st.Round(ctx, id)
	if err != nil {
		return nil, err
	}
	units, err := p.st.Units(ctx, id)
	if err != nil {
		return nil, err
	}
	prs, err := p.st.Projects(ctx, id)
	if err != nil {
		return nil, err
	}
	all, err := p.st.RoundVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	byProject := map[int64][]store.Version{}
	for _, v := range all {
		byProject[v.Project] = append(byProject[v.Project], v)
	}
	rv := &roundView{Round: rd}
	at := map[int64]int{}
	for _, u := range units {
		at[u.ID] = len(rv.Units)
		rv.Units = append(rv.Units, unitView{Unit: u})
	}
	counts := map[round.State]int{}
	for _, pr := range prs {
		pv := projectView{Project: pr, State: state(pr, byProject[pr.ID])}
		for _, v := range byProject[pr.ID] {
			pv.Versions = append(pv.Versions, versionView{Version: v, Accepted: v.ID == pr.Accepted})
		}
		counts[pv.State]++
		u := &rv.Units[at[pr.Unit]]
		pv.UnitName = u.Unit.Name
		u.Projects = append(u.Projects, pv)
	}
	for _, s := range []round.State{round.Accepted, round.Clean, round.Faulty, round.Tampered, round.Unreadable, round.Missing} {
		if counts[s] > 0 {
			rv.Counts = append(rv.Counts, stateCount{s, counts[s]})
		}
	}
	return rv, nil
}

func (p *Portal) roundPage(w http.ResponseWriter, r *http.Request) {
	rv, err := p.loadRound(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if rv.Audit, err = p.st.Audit(r.Context(), rv.Round.ID); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "round", p.adminView(r, rv.Round.Name, rv))
}

// roundJSON is the progress for programs: per unit, per project, state
// and versions (sha256, time, uploader).
func (p *Portal) roundJSON(w http.ResponseWriter, r *http.Request) {
	rv, err := p.loadRound(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	type ver struct {
		ID       int64  `json:"id"`
		SHA256   string `json:"sha256"`
		File     string `json:"file"`
		Uploaded string `json:"uploaded"`
		Uploader string `json:"uploader"`
		State    string `json:"state"`
	}
	type proj struct {
		ID       int64  `json:"id"`
		Unit     string `json:"unit"`
		Project  string `json:"project"`
		State    string `json:"state"`
		Versions []ver  `json:"versions"`
	}
	out := struct {
		Round    string `json:"round"`
		CSRF     string `json:"csrf"`
		Projects []proj `json:"projects"`
	}{Round: rv.Round.Name, CSRF: p.csrf(r.PathValue("tok")), Projects: []proj{}}
	for _, u := range rv.Units {
		for _, pr := range u.Projects {
			pj := proj{ID: pr.ID, Unit: u.Unit.Name, Project: pr.Name, State: string(pr.State), Versions: []ver{}}
			for _, v := range pr.Versions {
				pj.Versions = append(pj.Versions, ver{v.ID, v.SHA256, v.FileName, v.Uploaded.UTC().Format("2006-01-02T15:04:05.000Z"), v.Uploader, v.State})
			}
			out.Projects = append(out.Projects, pj)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// linksCSV issues every unit a new link and hands the list out.
func (p *Portal) linksCSV(w http.ResponseWriter, r *http.Request) {
	id, err := roundID(r)
	if err == nil {
		_, err = p.st.Round(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	units, err := p.st.Units(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	toks, err := p.st.NewUnitTokens(r.Context(), id, "部门")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	b.WriteString("\xef\xbb\xbf") // Excel reads UTF-8 CSV only with a BOM
	cw := csv.NewWriter(&b)
	cw.Write([]string{"单位", "联系人", "上传链接"})
	for _, u := range units {
		cw.Write([]string{report.SafeCSV(u.Name), report.SafeCSV(u.Contact), origin(r) + "/u/" + toks[u.ID] + "/"})
	}
	cw.Flush()
	attach(w, "上传链接.csv", "text/csv; charset=utf-8", b.Bytes())
}

// origin is the scheme and host the request came to (Host is checked).
func origin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// attach sends b as a download named name.
func attach(w http.ResponseWriter, name, ctype string, b []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// templatesZip builds the templates of projects as a zip.
func (p *Portal) templatesZip(r *http.Request, round int64, prs []store.Project) ([]byte, error) {
	rs, err := p.spec(r.Context(), round)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, pr := range prs {
		data, name, err := p.template(rs, pr)
		if err != nil {
			return nil, err
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Flags: 0x800})
		if err != nil {
			return nil, err
		}
		f.Write(data)
	}
	err = zw.Close()
	return b.Bytes(), err
}

// template is the prefilled form of one project, as `template --spec`
// writes it, and its file name.
func (p *Portal) template(rs *roundSpec, pr store.Project) ([]byte, string, error) {
	if pr.Idx >= len(rs.spec.Projects) {
		return nil, "", store.ErrNotFound
	}
	sp := rs.spec.Projects[pr.Idx]
	wb, err := template.Build([]*template.Project{sp}, p.templateOptions())
	if err != nil {
		return nil, "", err
	}
	b, err := wb.Bytes()
	return b, template.SafeName(sp.FileBase()) + ".xlsx", err
}

func (p *Portal) unitTemplates(w http.ResponseWriter, r *http.Request) {
	rid, err := roundID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	uid, _ := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	units, err := p.st.Units(r.Context(), rid)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, u := range units {
		if u.ID == uid {
			p.sendTemplates(w, r, u)
			return
		}
	}
	p.fail(w, r, store.ErrNotFound)
}

func (p *Portal) sendTemplates(w http.ResponseWriter, r *http.Request, u store.Unit) {
	prs, err := p.st.UnitProjects(r.Context(), u.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	b, err := p.templatesZip(r, u.Round, prs)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	attach(w, template.SafeName(u.Name)+"-模板.zip", "application/zip", b)
}

func (p *Portal) adminProject(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.roundProject(w, r)
	if !ok {
		return
	}
	pv, err := p.projectView(r, *pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "adminProject", p.adminView(r, pr.Name, pv))
}

// projectView is a project with every version and its findings.
func (p *Portal) projectView(r *http.Request, pr store.Project) (*projectView, error) {
	vs, err := p.st.Versions(r.Context(), pr.ID)
	if err != nil {
		return nil, err
	}
	pv := &projectView{Project: pr, State: state(pr, vs)}
	for i, v := range vs {
		vv := viewVersion(v, pr.Accepted)
		vv.N = len(vs) - i
		pv.Versions = append(pv.Versions, vv)
	}
	units, err := p.st.Units(r.Context(), pr.Round)
	for _, u := range units {
		if u.ID == pr.Unit {
			pv.UnitName = u.Name
		}
	}
	return pv, err
}

// accept marks a version 定稿 (version 0 withdraws the mark).
func (p *Portal) accept(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.roundProject(w, r)
	if !ok {
		return
	}
	v, err := strconv.ParseInt(r.FormValue("version"), 10, 64)
	if err == nil {
		err = p.st.Accept(r.Context(), pr.ID, v, "部门")
	}
	if err != nil {
		p.fail(w, r, store.ErrNotFound)
		return
	}
	http.Redirect(w, r, ".", http.StatusSeeOther)
}

func (p *Portal) adminFile(w http.ResponseWriter, r *http.Request) {
	v, pr, err := p.version(r)
	if err == nil && strconv.FormatInt(pr.Round, 10) != r.PathValue("rid") {
		err = store.ErrNotFound
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.sendVersion(w, r, v)
}

func (p *Portal) sendVersion(w http.ResponseWriter, r *http.Request, v *store.Version) {
	b, err := p.st.Blob(v.SHA256)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	attach(w, v.FileName, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
}

// summary is the summary workbook of every project's newest version, with
// the round's 回收进度 sheet grouped by unit.
func (p *Portal) summary(w http.ResponseWriter, r *http.Request) {
	rv, err := p.loadRound(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	sum := report.NewSummaryBook(p.cfg.Lang)
	var rows [][]any
	for _, u := range rv.Units {
		for _, pr := range u.Projects {
			row := []any{u.Unit.Name, pr.Name, pr.Code, string(pr.State), len(pr.Versions), "", "", ""}
			if len(pr.Versions) > 0 {
				v := viewVersion(pr.Versions[0].Version, pr.Accepted)
				v.File.Path = u.Unit.Name + "/" + v.FileName
				sum.Add(v.File)
				row[5], row[6], row[7] = v.Uploaded.Local().Format("2006-01-02 15:04:05"), v.FileName, v.SHA256
			}
			rows = append(rows, row)
		}
	}
	sum.AddSheet(round.SheetName(p.cfg.Lang), "Round",
		[]string{"实施单位", "项目名称", "编码", "状态", "版本数", "最新上传时间", "文件", "sha256"}, rows)
	var b bytes.Buffer
	if err := sum.Write(&b); err != nil {
		p.fail(w, r, err)
		return
	}
	attach(w, template.SafeName(rv.Round.Name)+"-汇总.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}

// acceptedZip holds every 定稿 workbook, in a folder per unit.
func (p *Portal) acceptedZip(w http.ResponseWriter, r *http.Request) {
	rv, err := p.loadRound(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, u := range rv.Units {
		for _, pr := range u.Projects {
			for _, v := range pr.Versions {
				if !v.Accepted {
					continue
				}
				data, err := p.st.Blob(v.SHA256)
				if err != nil {
					p.fail(w, r, err)
					return
				}
				name := template.SafeName(u.Unit.Name) + "/" + template.SafeName(pr.FileBase()) + ".xlsx"
				f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x800})
				if err != nil {
					p.fail(w, r, err)
					return
				}
				f.Write(data)
			}
		}
	}
	if err := zw.Close(); err != nil {
		p.fail(w, r, err)
		return
	}
	attach(w, template.SafeName(rv.Round.Name)+"-定稿.zip", "application/zip", b.Bytes())
}
