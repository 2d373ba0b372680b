package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
)

// parts are a zip's entries by lower-cased, slash-separated name.
type parts map[string]*zip.File

// inspected is a zip looked over by inspectZip.
type inspected struct {
	zr   *zip.Reader
	ps   parts
	over map[string]Msg // sheets past the limits, and why
}

// inspectZip looks at a workbook's zip before it is unpacked: it refuses
// zip bombs by the sizes the central directory declares, names other
// Office and OpenDocument files, and counts the rows and cells of large
// sheets as they stream. Sheets past the limits are returned by name with
// the reason, so the rest of the workbook is still checked. Whether every
// sheet's part is there is left to the caller (sheetsPresent): the fast
// reader finds that out anyway while reading the workbook.
func inspectZip(r io.ReaderAt, size int64, name string, lim Limits) (*inspected, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, inputErr(name, ErrTruncated, say("文件不完整或已损坏, 无法解压 (可能下载、复制或传输中断); %s",
			"the file is incomplete or broken and cannot be unzipped (an interrupted download or copy?); %s", fixResend)).because(err)
	}
	if len(zr.File) > maxParts {
		return nil, inputErr(name, ErrTooLarge, say("压缩包内有 %d 个文件, 超过上限 %d; 不像是自评表 (工作簿通常只有几十个部件)",
			"the zip holds %d parts, over the limit of %d; this is not a form (a workbook has tens of parts)", len(zr.File), maxParts))
	}
	ps := parts{}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(lim.UnzipSize) || total > uint64(lim.UnzipSize) {
			return nil, sizeErr(name, Msg{"解压后大小 (疑似压缩炸弹)", "the unpacked size (a zip bomb?)"},
				"≥ "+bytesText(max(total, f.UncompressedSize64)), bytesText(uint64(lim.UnzipSize)), "--max-unzip-size")
		}
		ps[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	if err := ps.kind(name); err != nil {
		return nil, err
	}
	if err := ps.noDTD(name, func(p string) bool { return !fastScans(p) }); err != nil {
		return nil, err
	}
	over, err := ps.oversize(name, lim)
	if err != nil {
		if derr := ps.noDTD(name, fastScans); derr != nil {
			return nil, derr
		}
		// A missing sheet was said before a sheet past the limits.
		if perr := ps.sheetsPresent(name); perr != nil {
			return nil, perr
		}
		return nil, err
	}
	return &inspected{zr, ps, over}, nil
}

// kind refuses a zip that is not an Excel workbook, naming what it is,
// or a workbook whose main parts are missing or empty.
func (ps parts) kind(name string) error {
	switch {
	case ps["mimetype"] != nil || ps["content.xml"] != nil:
		if bytes.Contains(ps.head("mimetype", 100), []byte("spreadsheet")) {
			return notWorkbook(name, ErrNotWorkbook, Msg{"这是 OpenDocument 表格 (.ods)", "this is an OpenDocument spreadsheet (.ods)"},
				Msg{"请在 WPS/Excel/LibreOffice 中另存为 .xlsx", "save it as .xlsx in WPS, Excel or LibreOffice"})
		}
		return notWorkbook(name, ErrNotWorkbook, Msg{"这是 OpenDocument 文档", "this is an OpenDocument file"}, fixSaveAs)
	case ps["word/document.xml"] != nil:
		return notWorkbook(name, ErrNotWorkbook, Msg{"这是 Word 文档 (.docx)", "this is a Word document (.docx)"},
			Msg{"请把自评表填在下发的 .xlsx 模板中", "fill in the form in the .xlsx template that was sent out"})
	case ps["ppt/presentation.xml"] != nil:
		return notWorkbook(name, ErrNotWorkbook, Msg{"这是 PowerPoint 演示文稿", "this is a PowerPoint presentation"}, fixSaveAs)
	case ps["xl/workbook.bin"] != nil:
		return notWorkbook(name, ErrNotWorkbook, Msg{"这是 Excel 二进制工作簿 (.xlsb)", "this is an Excel binary workbook (.xlsb)"},
			Msg{"请在 Excel 中另存为 .xlsx", "save it as .xlsx in Excel"})
	case ps["xl/workbook.xml"] == nil && ps["[content_types].xml"] == nil:
		return notWorkbook(name, ErrNotWorkbook, Msg{"这是普通的 zip 压缩包", "this is a plain zip archive"},
			Msg{"请解压后分别校验其中的 .xlsx", "unzip it and check the .xlsx files inside"})
	case ps["xl/workbook.xml"] == nil:
		return inputErr(name, ErrBroken, say("工作簿已损坏: 缺少 xl/workbook.xml; %s", "the workbook is broken: xl/workbook.xml is missing; %s", fixResend))
	case ps["xl/workbook.xml"].UncompressedSize64 == 0:
		return inputErr(name, ErrBroken, say("工作簿已损坏: xl/workbook.xml 为空; %s", "the workbook is broken: xl/workbook.xml is empty; %s", fixResend))
	case ps["xl/_rels/workbook.xml.rels"] == nil:
		return inputErr(name, ErrBroken, say("工作簿已损坏: 缺少 xl/_rels/workbook.xml.rels; %s", "the workbook is broken: xl/_rels/workbook.xml.rels is missing; %s", fixResend))
	case ps["xl/sharedstrings.xml"] != nil && ps["xl/sharedstrings.xml"].UncompressedSize64 == 0:
		return inputErr(name, ErrBroken, say("工作簿已损坏: xl/sharedStrings.xml 为空 (文字内容丢失); %s", "the workbook is broken: xl/sharedStrings.xml is empty (the text is lost); %s", fixResend))
	}
	return nil
}

// noDTD refuses a workbook any of whose XML parts declares a DTD. Office
// never writes one; a DTD is how entity bombs and external entities come
// in, and a part the readers then fail on would go unread. Only the
// prolog is read: a DOCTYPE must come before the root element. Only
// parts p for which which(p) are looked at: those the fast reader scans
// (fastScans), sheets the largest, are left to it when it reads them
// (see OpenReader).
func (ps parts) noDTD(name string, which func(p string) bool) error {
	for p, f := range ps {
		if !strings.HasSuffix(p, ".xml") && !strings.HasSuffix(p, ".rels") || !which(p) {
			continue
		}
		dtd, long := hasDTD(f)
		if long {
			return inputErr(name, ErrUnsafeXML, say("工作簿的 %s 在根元素之前有超过 %s 的内容 (注释等), 无法确认其中没有 DTD/实体声明 (<!DOCTYPE>), 出于安全考虑拒绝读取; Excel 与 WPS 保存的文件不会这样, 请用 Excel 或 WPS 重新保存后再发送",
				"%s has over %s before its root element (comments or the like), so it cannot be told free of a DTD/entities (<!DOCTYPE>); refused for safety; files saved by Excel or WPS never look like this: save it again in Excel or WPS and resend",
				f.Name, bytesText(maxProlog)))
		}
		if dtd {
			return inputErr(name, ErrUnsafeXML, say("工作簿的 %s 含有 DTD/实体声明 (<!DOCTYPE>), 出于安全考虑拒绝读取; Excel 与 WPS 保存的文件不会含有它, 请用 Excel 或 WPS 重新保存后再发送",
				"%s contains a DTD/entities (<!DOCTYPE>), refused for safety; files saved by Excel or WPS never have one: save it again in Excel or WPS and resend", f.Name))
		}
	}
	return nil
}

// fastScans reports whether the fast reader scans part p (lower-cased)
// whole when it reads a workbook, refusing a DOCTYPE.
func fastScans(p string) bool {
	switch p {
	case "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedstrings.xml", "xl/styles.xml":
		return true
	}
	return strings.HasPrefix(p, "xl/worksheets/")
}

// maxProlog is how much of a part is read for its prolog.
const maxProlog = 1 << 20

// hasDTD reads part f up to its root element for a DOCTYPE directive;
// long tells that the prolog runs past maxProlog (a DOCTYPE could follow).
func hasDTD(f *zip.File) (dtd, long bool) {
	for _, n := range [...]int64{256, 2048} {
		if dtd, ok := prologDTD(f, n); ok {
			return dtd, false
		}
		if n >= int64(f.CompressedSize64) {
			break // that was the whole part: read it as below
		}
	}
	rc, err := f.Open()
	if err != nil {
		return false, false // told by whichever reader opens it
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxProlog}
	dtd, root := prolog(xml.NewDecoder(lr))
	return dtd, !dtd && !root && lr.N == 0
}

// inflaters are flate readers for prologDTD, reused like archive/zip's.
var inflaters sync.Pool

// prologDTD is hasDTD from the first n bytes of f's compressed data:
// inflating only those (flate gives what it decoded before its input ran
// out) costs a fraction of the whole part, and Office's prologs (the
// declaration and the root's start tag) fit in a few hundred bytes. ok is
// false when the prefix does not settle it (the prolog runs past it, or
// the XML is broken); hasDTD then reads more.
func prologDTD(f *zip.File, n int64) (dtd, ok bool) {
	if f.Method != zip.Store && f.Method != zip.Deflate {
		return false, false
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return false, false
	}
	var r io.Reader = io.LimitReader(raw, n)
	if f.Method == zip.Deflate {
		fr, _ := inflaters.Get().(io.ReadCloser)
		if fr == nil {
			fr = flate.NewReader(r)
		} else if fr.(flate.Resetter).Reset(r, nil) != nil {
			return false, false
		}
		defer inflaters.Put(fr)
		r = fr
	}
	head, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	if plainProlog(head) {
		return false, true
	}
	dtd, root := prolog(xml.NewDecoder(bytes.NewReader(head)))
	return dtd, dtd || root
}

// plainProlog reports whether head reaches a start tag past nothing but
// a BOM, white space, comments and processing instructions (the XML
// declaration): no DOCTYPE then, as prolog would also find, without an
// xml.Decoder's allocations (its names and attributes). Anything else,
// a DOCTYPE included, is left to prolog.
func plainProlog(head []byte) bool {
	d := bytes.TrimPrefix(head, []byte("\ufeff"))
	for {
		d = bytes.TrimLeft(d, " \t\r\n")
		var end []byte
		switch {
		case bytes.HasPrefix(d, []byte("<?")):
			end = []byte("?>")
		case bytes.HasPrefix(d, []byte("<!--")):
			d, end = d[2:], []byte("-->") // "<!-->" does not close it
		default:
			return len(d) > 1 && d[0] == '<' && nameStart(d[1])
		}
		i := bytes.Index(d[2:], end)
		if i < 0 {
			return false
		}
		d = d[2+i+len(end):]
	}
}

// nameStart reports whether an element name may begin with byte c (any
// byte of a multi-byte character counts: prolog judges those).
func nameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
}

// prolog reads d's tokens up to the root element: dtd tells whether a
// DOCTYPE came first, root whether the root element was reached (not the
// end of the input or an error).
func prolog(d *xml.Decoder) (dtd, root bool) {
	for {
		tok, err := d.RawToken()
		if err != nil {
			return false, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return false, true
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return true, false
			}
		}
	}
}

// sheetsPresent refuses a workbook whose sheets' parts are missing or
// empty: the form's data is lost, which the unit should hear about.
func (ps parts) sheetsPresent(name string) error {
	for p, sheet := range ps.sheetNames() {
		if f := ps[p]; f == nil || f.UncompressedSize64 == 0 {
			return inputErr(name, ErrBroken, say("工作簿已损坏: 工作表「%s」的数据 (%s) 缺失或为空; %s",
				"the workbook is broken: the data of sheet %q (%s) is missing or empty; %s", sheet, p, fixResend))
		}
	}
	return nil
}

// head is up to n bytes of part p.
func (ps parts) head(p string, n int64) []byte {
	f := ps[p]
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, n))
	return b
}

// scanFrom is the unpacked size below which a part cannot pass the limits:
// the shortest row element, <row/>, takes 6 bytes and a cell, <c/>, 4.
func scanFrom(lim Limits) uint64 { return uint64(min(lim.Rows*6, lim.Cells*4)) }

// oversize counts the rows and cells of every large sheet and the shared
// strings; a sheet past the limits is returned by its name.
func (ps parts) oversize(name string, lim Limits) (map[string]Msg, error) {
	var over map[string]Msg
	var names map[string]string
	for p, f := range ps {
		if f.UncompressedSize64 <= scanFrom(lim) {
			continue
		}
		switch {
		case p == "xl/sharedstrings.xml":
			n, _, err := countTags(f, "si", lim.Cells, 1<<62)
			if err != nil {
				return nil, ps.brokenPart(name, p, err)
			}
			if n > lim.Cells {
				return nil, sizeErr(name, Msg{"共享字符串条数", "the number of shared strings"}, fmt.Sprintf("> %d", lim.Cells), fmt.Sprint(lim.Cells), "--max-cells")
			}
		case strings.HasPrefix(p, "xl/worksheets/") && strings.HasSuffix(p, ".xml"):
			rows, cells, err := countTags(f, "row", lim.Rows, lim.Cells)
			if err != nil {
				return nil, ps.brokenPart(name, p, err)
			}
			if rows <= lim.Rows && cells <= lim.Cells {
				continue
			}
			if names == nil {
				names = ps.sheetNames()
			}
			sheet, ok := names[p]
			what := say("行数 > %d, 超过上限 %d (--max-rows)", "more than %d rows, over the limit of %d (--max-rows)", lim.Rows, lim.Rows)
			if cells > lim.Cells {
				what = say("单元格数 > %d, 超过上限 %d (--max-cells)", "more than %d cells, over the limit of %d (--max-cells)", lim.Cells, lim.Cells)
			}
			if !ok {
				return nil, inputErr(name, ErrTooLarge, say("%s 中%s", "%s: %s", p, what))
			}
			if over == nil {
				over = map[string]Msg{}
			}
			over[sheet] = say("%s, 未检查; 不像是自评表, 确需校验请提高上限", "%s, not checked; this is not a form; raise the limit if it must be checked", what)
		}
	}
	return over, nil
}

func (ps parts) brokenPart(name, p string, err error) error {
	return inputErr(name, ErrBroken, say("工作簿已损坏: %s 无法解压 (%v); %s", "the workbook is broken: %s cannot be unzipped (%v); %s", p, err, fixResend)).because(err)
}

// countTags streams part f and counts its elements named outer (rows, or
// shared strings) and c (cells), stopping once either passes its limit.
// Namespace prefixes (<x:row>) count too. archive/zip fails a part that
// inflates past its declared size, and the limit reader is a second guard.
func countTags(f *zip.File, outer string, maxOuter, maxCells int) (int, int, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, 0, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(io.LimitReader(rc, int64(f.UncompressedSize64)+1), 64<<10)
	var no, nc int
	for no <= maxOuter && nc <= maxCells {
		if _, err := br.ReadSlice('<'); err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				return no, nc, nil
			}
			return no, nc, err
		}
		tag, _ := br.Peek(24)
		switch tagName(tag) {
		case outer:
			no++
		case "c":
			nc++
		}
	}
	return no, nc, nil
}

// tagName is the element name at the start of b, without its prefix.
func tagName(b []byte) string {
	end := bytes.IndexAny(b, " \t\r\n>/")
	if end < 0 {
		return ""
	}
	b = b[:end]
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		b = b[i+1:]
	}
	return string(b)
}

// sheetNames maps worksheet parts to sheet names by xl/workbook.xml and
// its relationships. encoding/xml expands no custom entities and reads no
// external ones, so entity tricks there fail to parse (nothing is mapped
// and the caller refuses the whole file).
func (ps parts) sheetNames() map[string]string {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	const cap = 8 << 20
	if xml.Unmarshal(ps.head("xl/workbook.xml", cap), &wb) != nil ||
		xml.Unmarshal(ps.head("xl/_rels/workbook.xml.rels", cap), &rels) != nil {
		return nil
	}
	target := map[string]string{}
	for _, r := range rels.Rel {
		t := strings.ToLower(strings.ReplaceAll(r.Target, `\`, "/"))
		if strings.HasPrefix(t, "/") {
			t = t[1:]
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		out[target[s.RID]] = s.Name
	}
	return out
}
