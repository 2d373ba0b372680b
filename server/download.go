package server

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	zipType  = "application/zip"
)

// AnnotatedName is the download name of the annotated copy of name.
func AnnotatedName(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	return strings.TrimSuffix(base, path.Ext(base)) + "-批注.xlsx"
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
	results := s.checkBooks(r.Context(), up.books, s.checkerFor(up))
	if len(results) == 1 {
		if results[0].Err != nil {
			fail(w, refuse(http.StatusUnprocessableEntity, "%v", results[0].Err))
			return
		}
		var buf bytes.Buffer
		if err := annotate(up.books[0], results[0], lang, up.fields["password"], &buf); err != nil {
			fail(w, refuse(http.StatusUnprocessableEntity, "%s: 无法生成批注副本: %v", up.books[0].name, err))
			return
		}
		send(w, AnnotatedName(up.books[0].name), xlsxType, buf.Bytes())
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var notes []string
	used := map[string]bool{}
	for i, res := range results {
		var one bytes.Buffer
		err := res.Err
		if err == nil {
			err = annotate(up.books[i], res, lang, up.fields["password"], &one)
		}
		if err != nil {
			notes = append(notes, err.Error())
			continue
		}
		if err := addZip(zw, uniqueName(zipPath(up.books[i].name), used), one.Bytes()); err != nil {
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

// annotate writes the annotated copy of b; a panic on a hostile workbook
// becomes an error of this file only.
func annotate(b workbook, res validate.FileResult, lang report.Lang, password string, dst io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("内部错误: %v", p)
		}
	}()
	return report.AnnotateWith(bytes.NewReader(b.data), int64(len(b.data)), res, lang, dst, report.AnnotateOptions{Password: password})
}

// zipPath is where the annotated copy of name goes in the zip: the entry's
// folders are kept (they passed safeEntry), the file renamed.
func zipPath(name string) string {
	dir := path.Dir(name)
	if dir == "." {
		return AnnotatedName(name)
	}
	return dir + "/" + AnnotatedName(name)
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
// so nothing is uploaded twice) or multipart workbooks to check.
func (s *Server) handleSummary(w http.ResponseWriter, r *http.Request) {
	var files []report.File
	lang := s.langOf(r, nil)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		var in struct {
			Files []report.File `json:"files"`
		}
		body := http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
		if err := json.NewDecoder(body).Decode(&in); err != nil {
			fail(w, refuse(http.StatusBadRequest, "无法读取校验结果 JSON: %v", err))
			return
		}
		files = in.Files
	} else {
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
	if len(files) == 0 {
		fail(w, refuse(http.StatusBadRequest, "没有可汇总的文件"))
		return
	}
	var buf bytes.Buffer
	if err := report.SummaryWorkbook(files, lang, &buf); err != nil {
		fail(w, err)
		return
	}
	send(w, "校验汇总.xlsx", xlsxType, buf.Bytes())
}

// templateOptions reads year, rows and unit from the query.
func (s *Server) templateOptions(r *http.Request) (template.Options, error) {
	q := r.URL.Query()
	p := *s.cfg.Checker.Profile()
	o := template.Options{Profile: &p, Rows: template.DefaultRows, Year: time.Now().Year() - 1, SignKey: s.cfg.SignKey}
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
	return o, nil
}

// handleBlank answers GET /api/template with a blank form.
func (s *Server) handleBlank(w http.ResponseWriter, r *http.Request) {
	o, err := s.templateOptions(r)
	if err != nil {
		fail(w, err)
		return
	}
	wb, err := template.Blank(o)
	if err != nil {
		fail(w, err)
		return
	}
	b, err := wb.Bytes()
	if err != nil {
		fail(w, err)
		return
	}
	send(w, template.BlankName, xlsxType, b)
}

// handleSpec answers POST /api/template (field spec: YAML, JSON, CSV or
// XLSX) with the prefilled forms: one project as .xlsx; several as a zip
// of one workbook each, or with single=1 as one workbook of many sheets.
func (s *Server) handleSpec(w http.ResponseWriter, r *http.Request) {
	o, err := s.templateOptions(r)
	if err != nil {
		fail(w, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		fail(w, refuse(http.StatusBadRequest, "请求须为 multipart/form-data, 清单放在 \"spec\" 字段中"))
		return
	}
	var name string
	var data []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(w, bodyError(err, s.cfg.MaxUpload))
			return
		}
		if p.FormName() == "spec" {
			if data, err = io.ReadAll(p); err != nil {
				fail(w, bodyError(err, s.cfg.MaxUpload))
				return
			}
			name = filepath.Base(p.FileName())
		}
	}
	if data == nil {
		fail(w, refuse(http.StatusBadRequest, "没有收到清单: 请在 \"spec\" 字段中上传 .yaml/.json/.csv/.xlsx 文件"))
		return
	}
	spec, err := readSpec(name, data, o)
	if err != nil {
		fail(w, refuse(http.StatusUnprocessableEntity, "清单有误:\n%v", err))
		return
	}
	single := r.URL.Query().Get("single") == "1"
	if single || len(spec.Projects) == 1 {
		wb, err := template.Build(spec.Projects, o)
		if err == nil {
			var b []byte
			if b, err = wb.Bytes(); err == nil {
				out := template.SafeName(spec.Projects[0].FileBase()) + ".xlsx"
				if len(spec.Projects) > 1 {
					out = strings.TrimSuffix(name, filepath.Ext(name)) + ".xlsx"
				}
				send(w, out, xlsxType, b)
				return
			}
		}
		fail(w, refuse(http.StatusUnprocessableEntity, "%v", err))
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	used := map[string]bool{}
	for _, pr := range spec.Projects {
		wb, err := template.Build([]*template.Project{pr}, o)
		var b []byte
		if err == nil {
			b, err = wb.Bytes()
		}
		if err == nil {
			err = addZip(zw, uniqueName(template.SafeName(pr.FileBase())+".xlsx", used), b)
		}
		if err != nil {
			fail(w, refuse(http.StatusUnprocessableEntity, "%v", err))
			return
		}
	}
	if err := zw.Close(); err != nil {
		fail(w, err)
		return
	}
	send(w, "预填模板.zip", zipType, buf.Bytes())
}

// readSpec reads an uploaded spec. template.ReadSpec reads from a path, so
// the spec goes to a temporary folder removed before the request ends.
func readSpec(name string, data []byte, o template.Options) (*template.Spec, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".yaml", ".yml", ".json", ".csv", ".xlsx", ".xlsm":
	default:
		return nil, fmt.Errorf("清单须为 .yaml、.json、.csv 或 .xlsx 文件, 而非 %q", name)
	}
	dir, err := os.MkdirTemp("", "xlsxeval-spec-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "spec"+ext)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, err
	}
	spec, err := template.ReadSpec(path, o.Profile, o.Year)
	if err != nil {
		// Messages name the temporary file; show the uploaded name.
		return nil, fmt.Errorf("%s", strings.ReplaceAll(err.Error(), path, name))
	}
	return spec, nil
}
