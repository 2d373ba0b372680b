package server

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// workbook is one workbook of a request: an uploaded file, or a zip entry
// left packed until it is checked (work, check.go). err is set when it
// could not be taken (too large, unsafe path, a zip in the zip); it is
// then reported as unreadable.
type workbook struct {
	name  string
	data  []byte
	entry *zip.File
	err   error
}

// load is the workbook's bytes, unpacking a zip entry.
func (b workbook) load(limit int64) ([]byte, error) {
	if b.entry == nil {
		return b.data, nil
	}
	data, err := readEntry(b.entry, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", b.name, err)
	}
	return data, nil
}

// upload is what one request sent.
type upload struct {
	books  []workbook
	fields map[string]string
}

// requestError is a refusal of the whole request, with its HTTP status.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func refuse(status int, format string, a ...any) error {
	return &requestError{status, fmt.Sprintf(format, a...)}
}

// workbookExt are the zip entries taken as workbooks; legacy formats are
// taken so that the user is told how to convert them.
var workbookExt = map[string]bool{".xlsx": true, ".xlsm": true, ".xltx": true, ".xls": true, ".et": true}

// maxField bounds a non-file form field (lang, password, path, ...).
const maxField = 4 << 10

// readUpload reads the multipart body (in memory already: withUpload):
// every part named fileField is a workbook or a .zip of workbooks; other
// parts are small fields.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, fileField string) (*upload, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "请求须为 multipart/form-data, 文件放在 %q 字段中", fileField)
	}
	up := &upload{fields: map[string]string{}}
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, refuse(http.StatusBadRequest, "上传内容格式有误 (multipart 不完整), 请重试")
		}
		if p.FormName() != fileField {
			if p.FileName() != "" {
				return nil, refuse(http.StatusBadRequest, "文件须放在 %q 字段中, 而非 %q", fileField, p.FormName())
			}
			b, err := io.ReadAll(io.LimitReader(p, maxField+1))
			if err != nil {
				return nil, refuse(http.StatusBadRequest, "上传内容格式有误 (multipart 不完整), 请重试")
			}
			if len(b) > maxField {
				return nil, refuse(http.StatusBadRequest, "字段 %q 过长 (上限 %s); 文件须放在 %q 字段中", p.FormName(), FormatSize(maxField), fileField)
			}
			up.fields[p.FormName()] = string(b)
			continue
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, refuse(http.StatusBadRequest, "上传内容格式有误 (multipart 不完整), 请重试")
		}
		if err := s.addFile(up, partName(p, n), data); err != nil {
			return nil, err
		}
	}
	if len(up.books) == 0 {
		return nil, refuse(http.StatusBadRequest, "没有收到工作簿: 请在 %q 字段中上传 .xlsx 文件或其 .zip 压缩包", fileField)
	}
	return up, nil
}

// partName is the upload's name. A relative path (a folder dropped on a
// browser, or an API client) is kept when it is safe, so reports name
// files as the CLI does; otherwise the base name.
func partName(p *multipart.Part, n int) string {
	name := p.FileName()
	if _, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = strings.ReplaceAll(params["filename"], `\`, "/")
		if !safeEntry(name) {
			name = path.Base(name)
		}
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" {
		name = fmt.Sprintf("文件%d.xlsx", n+1)
	}
	return name
}

// addFile adds a workbook, or the workbooks of a .zip (left packed).
func (s *Server) addFile(up *upload, name string, data []byte) error {
	if !strings.EqualFold(path.Ext(name), ".zip") {
		return s.addBook(up, workbook{name: name, data: data})
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return s.addBook(up, workbook{name: name, err: fmt.Errorf("%s: 不是有效的 zip 压缩包 (文件损坏或不完整), 无法解压", name)})
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return entryName(files[i]) < entryName(files[j]) })
	found := false
	for _, f := range files {
		entry := entryName(f)
		if f.FileInfo().IsDir() || !isWorkbookEntry(entry) && !isNestedZip(entry) {
			continue
		}
		found = true
		b := workbook{name: name + "/" + entry, entry: f}
		switch {
		case !safeEntry(entry):
			b.name, b.err = name+"/"+path.Base(entry), fmt.Errorf("%s: 压缩包内的路径 %q 不安全, 已跳过", name, entry)
		case isNestedZip(entry):
			b.err = fmt.Errorf("%s: 压缩包内的压缩包未展开, 其中的工作簿未检查; 请解压后上传其中的文件", b.name)
		case f.UncompressedSize64 > uint64(s.cfg.MaxUpload):
			b.err = fmt.Errorf("%s: 解压后超过 %s, 已跳过", b.name, FormatSize(s.cfg.MaxUpload))
		}
		if err := s.addBook(up, b); err != nil {
			return err
		}
	}
	if !found {
		return s.addBook(up, workbook{name: name, err: fmt.Errorf("%s: 压缩包中没有 .xlsx 工作簿", name)})
	}
	return nil
}

// isNestedZip is a zip inside an uploaded zip: said, not opened.
func isNestedZip(name string) bool {
	base := path.Base(name)
	return strings.EqualFold(path.Ext(base), ".zip") && !strings.HasPrefix(name, "__MACOSX/") && !strings.HasPrefix(base, ".")
}

func (s *Server) addBook(up *upload, b workbook) error {
	if len(up.books) >= s.cfg.MaxFiles {
		return refuse(http.StatusRequestEntityTooLarge, "一次最多校验 %d 个工作簿; 请分批上传, 或以 --max-files 调高上限", s.cfg.MaxFiles)
	}
	up.books = append(up.books, b)
	return nil
}

// readEntry reads a zip entry, trusting its actual length, not its header.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("压缩包中的此文件无法解压 (不支持的压缩方式或已损坏)")
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("压缩包中的此文件已损坏, 无法解压")
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("解压后超过 %s, 已跳过", FormatSize(limit))
	}
	return b, nil
}

// entryName is the entry's path with forward slashes; names that are not
// UTF-8 are read as GB18030, as zips made on Chinese Windows are.
func entryName(f *zip.File) string {
	name := f.Name
	if !utf8.ValidString(name) {
		if d, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil {
			name = d
		}
	}
	return strings.ReplaceAll(name, `\`, "/")
}

// isWorkbookEntry skips folders' metadata, lock files and other files.
func isWorkbookEntry(name string) bool {
	base := path.Base(name)
	return !strings.HasPrefix(name, "__MACOSX/") && !strings.HasPrefix(base, ".") &&
		!strings.HasPrefix(base, "~$") && workbookExt[strings.ToLower(path.Ext(base))]
}

// safeEntry refuses absolute paths, drive letters and parent references.
// Nothing is written to disk, but a name such as ../../x must not reach a
// report or a download name.
func safeEntry(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, ":") {
		return false
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return false
		}
	}
	return true
}
