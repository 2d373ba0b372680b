package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	xlsmType = "application/vnd.ms-excel.sheet.macroEnabled.12"
	zipType  = "application/zip"
)

// AnnotatedName is the download name of the annotated copy of name. An
// .xlsm stays .xlsm: the copy keeps its macro content type, and Excel
// refuses a macro workbook named .xlsx.
func AnnotatedName(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	ext := ".xlsx"
	if strings.EqualFold(path.Ext(base), ".xlsm") {
		ext = ".xlsm"
	}
	return winName(strings.TrimSuffix(base, path.Ext(base))+"-批注") + ext
}

func annotatedType(name string) string {
	if strings.HasSuffix(name, ".xlsm") {
		return xlsmType
	}
	return xlsxType
}

// winName makes one path element extractable on Windows: no < > : " / \
// | ? * or control characters, no trailing dot or space, no device name.
func winName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimRight(s, " .")
	if s == "" {
		s = "_"
	}
	stem := strings.ToUpper(strings.SplitN(s, ".", 2)[0])
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		s = "_" + s
	}
	return s
}

// handleAnnotate answers POST /api/annotate: the workbooks are checked
// again and each comes back as an annotated copy (report.Annotate); one
// workbook as .xlsx, several as a .zip. The field path picks one workbook
// of the upload by its path in the check report (a zip entry, say).
func (s *Server) handleAnnotate(w http.ResponseWriter, r *http.Request) {
	up, err := s.readUpload(w, r, "file")
	if err != nil {
		fail(w, err)
		return
	}
	if want := up.fields["path"]; want != "" {
		var picked []workbook
		for _, b := range up.books {
			if b.name == want {
				picked = append(picked, b)
				break
			}
		}
		if len(picked) == 0 {
			fail(w, refuse(http.StatusNotFound, "上传内容中没有 %q", want))
			return
		}
		up.books = picked
	}
	lang := s.langOf(r, up.fields)
	k, password := s.checkerFor(up), up.fields["password"]
	copies := make([]annotated, len(up.books))
	var wg sync.WaitGroup
	for i, b := range up.books {
		wg.Add(1)
		go func() {
			defer wg.Done()
			copies[i] = s.annotateBook(r.Context(), b, k, lang, password)
		}()
	}
	wg.Wait()
	if len(copies) == 1 {
		if c := copies[0]; c.err != nil {
			fail(w, refuse(http.StatusUnprocessableEntity, "%v", c.err))
		} else {
			name := AnnotatedName(up.books[0].name)
			send(w, name, annotatedType(name), c.data)
		}
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var notes []string
	used := map[string]bool{}
	for i, c := range copies {
		if c.err != nil {
			notes = append(notes, c.err.Error())
			continue
		}
		if err := addZip(zw, uniqueName(zipPath(up.books[i].name), used), c.data); err != nil {
			fail(w, err)
			return
		}
	}
	if len(notes) > 0 {
		text := "以下文件无法生成批注副本:\r\n" + strings.Join(notes, "\r\n") + "\r\n"
		if err := addZip(zw, "无法处理的文件.txt", []byte(text)); err != nil {
			fail(w, err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		fail(w, err)
		return
	}
	send(w, "批注副本.zip", zipType, buf.Bytes())
}

// annotated is the annotated copy of one workbook, or why there is none.
type annotated struct {
	data []byte
	err  error
}

// annotateBook checks b and writes its annotated copy, both in one worker
// slot (work): annotating opens the whole workbook again.
func (s *Server) annotateBook(ctx context.Context, b workbook, k *validate.Checker, lang report.Lang, password string) annotated {
	var out annotated
	err := s.work(ctx, b, func(data []byte) {
		res := s.check(k, bytes.NewReader(data), int64(len(data)), b.name)
		if res.Err != nil {
			out.err = res.Err
			return
		}
		var buf bytes.Buffer
		if err := annotate(data, res, lang, password, &buf); err != nil {
			out.err = fmt.Errorf("%s: 无法生成批注副本: %v", b.name, err)
			return
		}
		out.data = buf.Bytes()
	})
	if err != nil {
		out.err = err
	}
	return out
}

// annotate writes the annotated copy of data; a panic on a hostile
// workbook becomes an error of this file only.
func annotate(data []byte, res validate.FileResult, lang report.Lang, password string, dst io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("内部错误: %v", p)
		}
	}()
	return report.AnnotateWith(bytes.NewReader(data), int64(len(data)), res, lang, dst, report.AnnotateOptions{Password: password})
}

// zipPath is where the annotated copy of name goes in the zip: the entry's
// folders are kept (they passed safeEntry), each made a Windows name.
func zipPath(name string) string {
	dir := path.Dir(name)
	if dir == "." {
		return AnnotatedName(name)
	}
	els := strings.Split(dir, "/")
	for i, el := range els {
		els[i] = winName(el)
	}
	return strings.Join(els, "/") + "/" + AnnotatedName(name)
}

func uniqueName(name string, used map[string]bool) string {
	out := name
	for i := 2; used[out]; i++ {
		ext := path.Ext(name)
		out = fmt.Sprintf("%s(%d)%s", strings.TrimSuffix(name, ext), i, ext)
	}
	used[out] = true
	return out
}

func addZip(zw *zip.Writer, name string, data []byte) error {
	// Flag 0x800: the name is UTF-8, so Chinese names survive on Windows.
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x800, Modified: time.Now()})
	if err != nil {
		return err
	}
	_, err = fw.Write(data)
	return err
}

// send answers a download with its name in both plain and RFC 5987 form.
func send(w http.ResponseWriter, name, ctype string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Write(data)
}

// handleSummary answers POST /api/summary with the summary workbook. The
// body is either the JSON that /api/check answered (what the page sends,
// so nothing is uploaded twice) or multipart workbooks to check. Reading
// the JSON and building the workbook take a worker slot, the heavy one
// for a large body.
func (s *Server) handleSummary(w http.ResponseWriter, r *http.Request) {
	lang := s.langOf(r, nil)
	var files []report.File
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		up, err := s.readUpload(w, r, "file")
		if err != nil {
			fail(w, err)
			return
		}
		lang = s.langOf(r, up.fields)
		for _, res := range s.checkBooks(r.Context(), up.books, s.checkerFor(up)) {
			files = append(files, report.FromResult(res, lang))
		}
	}
	lane := s.light
	if r.ContentLength > s.cfg.LightMax {
		lane = s.heavy
	}
	var out []byte
	err := s.run(r.Context(), lane, s.cfg.FileTimeout, func() error {
		if files == nil {
			var in struct {
				Files []report.File `json:"files"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				return refuse(http.StatusBadRequest, "无法读取校验结果: 须为 /api/check 返回的 JSON")
			}
			files = in.Files
		}
		if len(files) == 0 {
			return refuse(http.StatusBadRequest, "没有可汇总的文件")
		}
		var buf bytes.Buffer
		if err := report.SummaryWorkbook(files, lang, &buf); err != nil {
			return fmt.Errorf("无法生成汇总表: %v", err)
		}
		out = buf.Bytes()
		return nil
	})
	if err != nil {
		fail(w, err)
		return
	}
	send(w, "校验汇总.xlsx", xlsxType, out)
}

// templateOptions reads year, rows, unit and layout from the query.
// Templates are unsigned here; only handlePrefilled signs.
func (s *Server) templateOptions(r *http.Request) (template.Options, error) {
	q := r.URL.Query()
	p := *s.cfg.Checker.Profile()
	o := template.Options{Profile: &p, Rows: template.DefaultRows, Year: time.Now().Year() - 1}
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return o, refuse(http.StatusBadRequest, "年度 %q 无效", v)
		}
		o.Year = y
	}
	if v := q.Get("rows"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return o, refuse(http.StatusBadRequest, "指标行数须在 1 到 500 之间")
		}
		o.Rows = n
	}
	switch u := q.Get("unit"); u {
	case "":
	case "万元", "元":
		p.AmountUnit = u
	default:
		return o, refuse(http.StatusBadRequest, "金额单位须为 万元 或 元, 而非 %q", u)
	}
	if n := q.Get("layout"); n != "" {
		return o, s.setLayout(&o, n, q.Get("unit") != "")
	}
	return o, nil
}

// setLayout sets o's layout to the built-in one named name and, unless
// the request gave a unit, the unit the layout is printed in (公开14表: 元),
// as template --layout does. Only names: a path from the web is no layout.
func (s *Server) setLayout(o *template.Options, name string, unitGiven bool) error {
	var names []string
	for _, l := range s.cfg.Layouts {
		if l.Name == name {
			o.Layout = l
			if !unitGiven && l.AmountUnit != "" {
				o.Profile.AmountUnit = l.AmountUnit
			}
			return nil
		}
		names = append(names, l.Name)
	}
	return refuse(http.StatusBadRequest, "没有名为 %q 的版式; 可选: %s", name, strings.Join(names, "、"))
}

// handleBlank answers GET /api/template with a blank form.
func (s *Server) handleBlank(w http.ResponseWriter, r *http.Request) {
	o, err := s.templateOptions(r)
	if err != nil {
		fail(w, err)
		return
	}
	var b []byte
	err = s.run(r.Context(), s.light, s.cfg.TemplateTimeout, func() error {
		wb, err := template.Blank(o)
		if err == nil {
			b, err = wb.Bytes()
		}
		return err
	})
	if err != nil {
		fail(w, err)
		return
	}
	send(w, template.BlankName, xlsxType, b)
}

// handleSpec answers POST /api/template (field spec: YAML, JSON, CSV or
// XLSX; field layout, or ?layout=: a built-in layout's name) with the
// prefilled forms: one project as .xlsx; several as a zip
// of one workbook each, or with single=1 as one workbook of many sheets.
// They are never signed: a seal on whatever a unit uploads would let it
// raise its own budget and pass the key check.
func (s *Server) handleSpec(w http.ResponseWriter, r *http.Request) {
	o, err := s.templateOptions(r)
	if err != nil {
		fail(w, err)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		fail(w, refuse(http.StatusBadRequest, "请求须为 multipart/form-data, 清单放在 \"spec\" 字段中"))
		return
	}
	var name, lay string
	var data []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(w, refuse(http.StatusBadRequest, "上传内容格式有误 (multipart 不完整), 请重试"))
			return
		}
		if p.FormName() == "spec" {
			if data, err = io.ReadAll(p); err != nil {
				fail(w, refuse(http.StatusBadRequest, "上传内容格式有误 (multipart 不完整), 请重试"))
				return
			}
			name = filepath.Base(p.FileName())
		}
		if p.FormName() == "layout" { // as ?layout=, for a form that posts it
			b, _ := io.ReadAll(io.LimitReader(p, 256))
			lay = string(b)
		}
	}
	if lay != "" && r.URL.Query().Get("layout") == "" {
		if err := s.setLayout(&o, lay, r.URL.Query().Get("unit") != ""); err != nil {
			fail(w, err)
			return
		}
	}
	if data == nil {
		fail(w, refuse(http.StatusBadRequest, "没有收到清单: 请在 \"spec\" 字段中上传 .yaml/.json/.csv/.xlsx 文件"))
		return
	}
	var spec *template.Spec
	err = s.run(r.Context(), s.light, s.cfg.TemplateTimeout, func() (err error) {
		spec, err = readSpec(name, data, o)
		return err
	})
	if err != nil {
		var re *requestError
		if !errors.As(err, &re) {
			err = refuse(http.StatusUnprocessableEntity, "清单有误:\n%v", err)
		}
		fail(w, err)
		return
	}
	s.sendTemplates(w, r, spec.Projects, o, strings.TrimSuffix(name, filepath.Ext(name)))
}

// handlePrefilled answers GET /api/prefilled with the templates of the
// server's own --spec, signed with its key: the only templates the server
// signs. ?project= picks one project by name.
func (s *Server) handlePrefilled(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Spec == nil {
		fail(w, refuse(http.StatusNotFound, "本服务未配置项目清单 (serve --spec); 请上传清单生成预填模板"))
		return
	}
	o, err := s.templateOptions(r)
	if err != nil {
		fail(w, err)
		return
	}
	if s.cfg.Spec.Year != 0 {
		o.Year = s.cfg.Spec.Year
	}
	o.SignKey = s.cfg.SignKey
	prs := s.cfg.Spec.Projects
	if want := r.URL.Query().Get("project"); want != "" {
		prs = nil
		for _, pr := range s.cfg.Spec.Projects {
			if pr.Name == want {
				prs = append(prs, pr)
			}
		}
		if len(prs) == 0 {
			fail(w, refuse(http.StatusNotFound, "项目清单中没有 %q", want))
			return
		}
	}
	s.sendTemplates(w, r, prs, o, "预填模板")
}

// sendTemplates answers with the forms of prs: one project as .xlsx;
// several as a zip of one workbook each, or with single=1 as one workbook
// of many sheets named base. The count is capped, each workbook is built
// in a worker slot, and the work stops at TemplateTimeout or when the
// client leaves.
func (s *Server) sendTemplates(w http.ResponseWriter, r *http.Request, prs []*template.Project, o template.Options, base string) {
	single := r.URL.Query().Get("single") == "1" && len(prs) > 1
	if limit := s.cfg.MaxProjects; len(prs) > limit || single && len(prs) > maxSheets {
		if single {
			limit = maxSheets
		}
		fail(w, refuse(http.StatusRequestEntityTooLarge, "清单有 %d 个项目, 一次最多生成 %d 个; 请拆分清单后分批生成", len(prs), limit))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.TemplateTimeout)
	defer cancel()
	build := func(prs []*template.Project) ([]byte, error) {
		var b []byte
		err := s.run(ctx, s.light, s.cfg.TemplateTimeout, func() error {
			wb, err := template.Build(prs, o)
			if err == nil {
				b, err = wb.Bytes()
			}
			if err != nil {
				return refuse(http.StatusUnprocessableEntity, "%v", err)
			}
			return nil
		})
		return b, err
	}
	if single || len(prs) == 1 {
		b, err := build(prs)
		if err != nil {
			fail(w, err)
			return
		}
		out := template.SafeName(prs[0].FileBase()) + ".xlsx"
		if single {
			out = template.SafeName(base) + ".xlsx"
		}
		send(w, out, xlsxType, b)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	used := map[string]bool{}
	for _, pr := range prs {
		b, err := build([]*template.Project{pr})
		if err == nil {
			err = addZip(zw, uniqueName(template.SafeName(pr.FileBase())+".xlsx", used), b)
		}
		if err != nil {
			fail(w, err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		fail(w, err)
		return
	}
	send(w, "预填模板.zip", zipType, buf.Bytes())
}

// readSpec reads an uploaded spec; a file of the wrong type is 422.
func readSpec(name string, data []byte, o template.Options) (*template.Spec, error) {
	spec, err := template.ReadSpecData(name, data, o.Profile, o.Year)
	var te *template.SpecTypeError
	if errors.As(err, &te) {
		return nil, refuse(http.StatusUnprocessableEntity, "%s", te.Error())
	}
	return spec, err
}
