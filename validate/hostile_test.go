package validate

// The hostile corpus: broken, disguised and malicious workbooks, all made
// here, each of which must get a clear error or a correct check within a
// time and memory bound.

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xuri/excelize/v2"
)

// goodBook is the first seed form as a workbook, with an extra sheet
// "Big" (part xl/worksheets/sheet2.xml) that cases may fill.
func goodBook(t testing.TB, edit func(x *xlSink)) []byte {
	t.Helper()
	x := newXL(t)
	buildBook(x, "Sheet1", book1, variant{})
	if _, err := x.f.NewSheet("Big"); err != nil {
		t.Fatal(err)
	}
	x.str("Big", "A1", "备注")
	if edit != nil {
		edit(x)
	}
	buf, err := x.f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rezip copies a zip, letting edit replace (body, true), drop (nil, false)
// or keep (body, true unchanged) each part, then adds extra parts.
func rezip(t testing.TB, data []byte, edit func(name string, body []byte) ([]byte, bool), extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, body []byte) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if edit != nil {
			var keep bool
			if body, keep = edit(f.Name, body); !keep {
				continue
			}
		}
		put(f.Name, body)
	}
	for name, body := range extra {
		put(name, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// replacePart is an edit that swaps one part's body.
func replacePart(part string, body []byte) func(string, []byte) ([]byte, bool) {
	return func(name string, b []byte) ([]byte, bool) {
		if name == part {
			return body, true
		}
		return b, true
	}
}

// dropPart is an edit that leaves one part out.
func dropPart(part string) func(string, []byte) ([]byte, bool) {
	return func(name string, b []byte) ([]byte, bool) { return b, name != part }
}

// rawZip writes one part with a declared size and CRC of our choosing and
// body as its deflated content: a zip that lies about its sizes.
func rawZip(t testing.TB, name string, declared uint64, body []byte) []byte {
	t.Helper()
	var out, comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	fw.Write(body)
	fw.Close()
	zw := zip.NewWriter(&out)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	// The rest of a workbook, so only the lie can stop it.
	for _, p := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, _ := zw.Create(p)
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	return out.Bytes()
}

// cfb builds a minimal OLE compound file whose directory names streams:
// what a legacy .xls, a WPS .et or an encrypted .xlsx looks like from
// outside.
func cfb(streams ...string) []byte {
	const ssz = 512
	b := make([]byte, 3*ssz)
	copy(b, oleMagic)
	binary.LittleEndian.PutUint16(b[0x18:], 0x3E)
	binary.LittleEndian.PutUint16(b[0x1A:], 3)
	binary.LittleEndian.PutUint16(b[0x1C:], 0xFFFE)
	binary.LittleEndian.PutUint16(b[0x1E:], 9)
	binary.LittleEndian.PutUint16(b[0x20:], 6)
	binary.LittleEndian.PutUint32(b[0x2C:], 1)          // one FAT sector
	binary.LittleEndian.PutUint32(b[0x30:], 1)          // directory at sector 1
	binary.LittleEndian.PutUint32(b[0x38:], 4096)       // mini stream cutoff
	binary.LittleEndian.PutUint32(b[0x3C:], 0xFFFFFFFE) // no mini FAT
	binary.LittleEndian.PutUint32(b[0x44:], 0xFFFFFFFE) // no DIFAT sectors
	for i := 0; i < 109; i++ {
		binary.LittleEndian.PutUint32(b[0x4C+4*i:], 0xFFFFFFFF)
	}
	binary.LittleEndian.PutUint32(b[0x4C:], 0) // FAT in sector 0
	fat := b[ssz : 2*ssz]
	for i := 0; i < ssz/4; i++ {
		binary.LittleEndian.PutUint32(fat[4*i:], 0xFFFFFFFF)
	}
	binary.LittleEndian.PutUint32(fat[0:], 0xFFFFFFFD)
	binary.LittleEndian.PutUint32(fat[4:], 0xFFFFFFFE)
	dir := b[2*ssz:]
	for i, name := range append([]string{"Root Entry"}, streams...) {
		if i >= 4 {
			break
		}
		e := dir[128*i:]
		u := utf16.Encode([]rune(name))
		for k, c := range u {
			binary.LittleEndian.PutUint16(e[2*k:], c)
		}
		binary.LittleEndian.PutUint16(e[0x40:], uint16(2*len(u)+2))
		e[0x42] = 2
		if i == 0 {
			e[0x42] = 5
		}
	}
	return b
}

// sheetXML is a worksheet part with rows rows of cols numeric cells.
func sheetXML(rows, cols int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(&b, `<row r="%d">`, r)
		for c := 1; c <= cols; c++ {
			a, _ := excelize.CoordinatesToCellName(c, r)
			fmt.Fprintf(&b, `<c r="%s"><v>%d</v></c>`, a, r)
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.Bytes()
}

// laughs is a billion-laughs entity bomb wrapped around a cell.
const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
	`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
	`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
	`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
	`<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">` +
	`<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;&xxe;</t></is></c></row></sheetData></worksheet>`

// hostileCase is one file and what must come of it: an error saying
// wantErr, or forms forms checked like the good book.
type hostileCase struct {
	name, file string
	data       []byte
	opt        ReadOptions
	wantErr    string // a fragment of the Chinese error
	wantEn     string // a fragment of the English error
	forms      int    // with no error: forms read from Sheet1
	skipped    string // with no error: a fragment of some skip reason
}

func hostileCases(t *testing.T) []hostileCase {
	good := goodBook(t, nil)
	enc := func() []byte {
		x := newXL(t)
		buildBook(x, "Sheet1", book1, variant{})
		var b bytes.Buffer
		x.must(x.f.Write(&b, excelize.Options{Password: "秘密"}))
		return b.Bytes()
	}()
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7 + i/13)
	}
	zeros := make([]byte, 64<<20)
	return []hostileCase{
		{name: "empty", data: nil, wantErr: "为空", wantEn: "empty"},
		{name: "three bytes", data: []byte("PK\x03"), wantErr: "损坏", wantEn: "broken"},
		{name: "not a workbook", data: junk, wantErr: "无法识别", wantEn: "not recognised"},
		{name: "truncated", data: good[:len(good)/2], wantErr: "不完整", wantEn: "incomplete"},
		{name: "legacy xls", file: "x.xls", data: cfb("Workbook", "\x05SummaryInformation"), wantErr: "Excel 97-2003 .xls 格式", wantEn: "legacy Excel"},
		{name: "WPS et", file: "x.et", data: cfb("Workbook"), wantErr: "WPS 表格 .et", wantEn: "WPS"},
		{name: "doc renamed", data: cfb("WordDocument"), wantErr: "Word 97-2003", wantEn: "Word"},
		{name: "encrypted", data: enc, wantErr: "--password", wantEn: "encrypted"},
		{name: "encrypted, wrong password", data: enc, opt: ReadOptions{Password: "x"}, wantErr: "密码不正确", wantEn: "wrong password"},
		{name: "encrypted, password", data: enc, opt: ReadOptions{Password: "秘密"}, forms: 1},
		{name: "csv renamed", data: []byte("项目名称,信息化运维项目\n总分,98.99\n"), wantErr: "CSV", wantEn: "CSV"},
		{name: "html renamed", file: "x.xls", data: []byte("<html><body><table><tr><td>1</td></tr></table></body></html>"), wantErr: "HTML", wantEn: "HTML"},
		{name: "pdf renamed", data: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), wantErr: "PDF", wantEn: "PDF"},
		{name: "docx renamed", data: rezip(t, good, func(string, []byte) ([]byte, bool) { return nil, false },
			map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "word/document.xml": []byte("<w:document/>")}),
			wantErr: "Word 文档", wantEn: "Word document"},
		{name: "ods", data: rezip(t, good, func(string, []byte) ([]byte, bool) { return nil, false },
			map[string][]byte{"mimetype": []byte("application/vnd.oasis.opendocument.spreadsheet"), "content.xml": []byte("<office:document-content/>")}),
			wantErr: ".ods", wantEn: ".ods"},
		{name: "plain zip", data: rezip(t, good, func(string, []byte) ([]byte, bool) { return nil, false },
			map[string][]byte{"a.txt": []byte("hi")}), wantErr: "zip 压缩包", wantEn: "zip archive"},
		{name: "xlsm (macros are never run)", file: "x.xlsm", data: rezip(t, good, nil,
			map[string][]byte{"xl/vbaProject.bin": cfb("VBA")}), forms: 1},
		{name: "zip bomb: declares 4 GB", data: rawZip(t, "xl/worksheets/sheet1.xml", 4<<30, []byte("<x/>")), wantErr: "压缩炸弹", wantEn: "zip bomb"},
		{name: "zip bomb: inflates past the cap", data: rezip(t, good, replacePart("xl/worksheets/sheet2.xml", zeros), nil),
			opt: ReadOptions{MaxUnzipSize: 16 << 20}, wantErr: "压缩炸弹", wantEn: "zip bomb"},
		{name: "zip bomb: lies about its size", data: rawZip(t, "xl/worksheets/sheet1.xml", 100, zeros), wantErr: "损坏", wantEn: "broken"},
		{name: "too many parts", data: func() []byte {
			extra := map[string][]byte{}
			for i := 0; i <= 10_000; i++ { // internal/xlsx allows 10,000 parts
				extra[fmt.Sprintf("xl/media/p%d.bin", i)] = nil
			}
			return rezip(t, good, nil, extra)
		}(), wantErr: "个文件, 超过上限", wantEn: "parts"},
		{name: "file too big", data: good, opt: ReadOptions{MaxFileSize: 1000}, wantErr: "--max-file-size", wantEn: "--max-file-size"},
		// A sheet that is not read must not let the file pass (issue 14).
		{name: "billion laughs and external entity in a sheet", data: rezip(t, good, replacePart("xl/worksheets/sheet2.xml", []byte(laughs)), nil),
			wantErr: "含有 DTD/实体声明 (<!DOCTYPE>), 出于安全考虑拒绝读取", wantEn: "contains a DTD/entities (<!DOCTYPE>), refused for safety"},
		{name: "billion laughs in workbook.xml", data: rezip(t, good, replacePart("xl/workbook.xml", []byte(strings.Replace(laughs, "<worksheet", "<workbook", 1))), nil),
			wantErr: "DTD/实体声明", wantEn: "refused for safety"},
		// Each part the fast reader scans (its DOCTYPE looked for there) and
		// one it never reads.
		{name: "DTD in sharedStrings.xml", data: rezip(t, good, replacePart("xl/sharedStrings.xml", []byte(strings.Replace(laughs, "<worksheet", "<sst", 1))), nil),
			wantErr: "DTD/实体声明", wantEn: "refused for safety"},
		{name: "DTD in styles.xml", data: rezip(t, good, replacePart("xl/styles.xml", []byte(strings.Replace(laughs, "<worksheet", "<styleSheet", 1))), nil),
			wantErr: "DTD/实体声明", wantEn: "refused for safety"},
		{name: "DTD in docProps/app.xml", data: rezip(t, good, replacePart("docProps/app.xml", []byte(strings.Replace(laughs, "<worksheet", "<Properties", 1))), nil),
			wantErr: "DTD/实体声明", wantEn: "refused for safety"},
		{name: "DTD after a long comment", data: rezip(t, good, replacePart("xl/worksheets/sheet1.xml",
			[]byte(`<?xml version="1.0"?><!--`+strings.Repeat("x", 100_000)+`-->`+laughs[len(`<?xml version="1.0"?>`):])), nil),
			wantErr: "DTD/实体声明", wantEn: "refused for safety"},
		{name: "a sheet's XML broken", data: rezip(t, good, replacePart("xl/worksheets/sheet2.xml",
			[]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row></sheetData`)), nil),
			wantErr: "工作表「Big」无法解析, 其中的内容未能检查", wantEn: "cannot be parsed"},
		{name: "cell at XFD1048576", data: goodBook(t, func(x *xlSink) { x.str("Sheet1", "XFD1048576", "x") }), forms: 1},
		{name: "a million rows", data: rezip(t, good, replacePart("xl/worksheets/sheet2.xml", sheetXML(1_000_000, 1)), nil), forms: 1, skipped: "行数"},
		{name: "300k cells", data: rezip(t, good, replacePart("xl/worksheets/sheet2.xml", sheetXML(1000, 300)), nil), forms: 1, skipped: "单元格数"},
		{name: "huge shared strings", data: rezip(t, good, replacePart("xl/sharedStrings.xml",
			[]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+strings.Repeat("<si><t>长</t></si>", 2_000_000)+"</sst>")), nil),
			wantErr: "共享字符串", wantEn: "shared strings"},
		{name: "one huge shared string", data: goodBook(t, func(x *xlSink) { x.str("Big", "B2", strings.Repeat("长", 32767)) }), forms: 1},
		{name: "cyclic formulas", data: goodBook(t, func(x *xlSink) {
			x.must(x.f.SetCellFormula("Big", "C1", "D1+1"))
			x.must(x.f.SetCellFormula("Big", "D1", "C1+1"))
			x.must(x.f.SetCellFormula("Sheet1", "Z1", "Z1"))
		}), forms: 1},
		{name: "no [Content_Types].xml", data: rezip(t, good, dropPart("[Content_Types].xml"), nil), forms: 1},
		{name: "no workbook.xml", data: rezip(t, good, dropPart("xl/workbook.xml"), nil), wantErr: "缺少 xl/workbook.xml", wantEn: "missing"},
		{name: "empty workbook.xml", data: rezip(t, good, replacePart("xl/workbook.xml", nil), nil), wantErr: "为空", wantEn: "empty"},
		{name: "sheet part absent", data: rezip(t, good, dropPart("xl/worksheets/sheet1.xml"), nil), wantErr: "「Sheet1」的数据", wantEn: "missing"},
		{name: "sheet part empty", data: rezip(t, good, replacePart("xl/worksheets/sheet1.xml", nil), nil), wantErr: "缺失或为空", wantEn: "empty"},
		{name: "shared strings empty", data: rezip(t, good, replacePart("xl/sharedStrings.xml", nil), nil), wantErr: "sharedStrings.xml 为空", wantEn: "empty"},
		{name: "styles empty", data: rezip(t, good, replacePart("xl/styles.xml", nil), nil), forms: 1},
		{name: "rels absent", data: rezip(t, good, dropPart("xl/_rels/workbook.xml.rels"), nil), wantErr: "缺少 xl/_rels", wantEn: "missing"},
	}
}

// Bounds per file: generous for a CI machine, far below what the hostile
// files would take unchecked (a million rows: 15 s and 3 GB).
const (
	hostileTime = 10 * time.Second
	hostileHeap = 400 << 20
)

func TestHostileCorpus(t *testing.T) {
	good := goodBook(t, nil)
	want := NewChecker(Checks(), ReadOptions{}).CheckReader(bytes.NewReader(good), int64(len(good)), "good.xlsx")
	if want.Err != nil || len(want.Forms) != 1 {
		t.Fatalf("good book: %v", want.Err)
	}
	for _, c := range hostileCases(t) {
		name := c.file
		if name == "" {
			name = "x.xlsx"
		}
		var res FileResult
		elapsed, peak := measured(func() {
			res = NewChecker(Checks(), c.opt).CheckReader(bytes.NewReader(c.data), int64(len(c.data)), name)
		})
		t.Logf("%-48s %7d B  %8v  peak heap %4d MB  %s", c.name, len(c.data), elapsed.Round(time.Millisecond), peak>>20, errOr(res))
		if elapsed > hostileTime || peak > hostileHeap {
			t.Errorf("%s: %v and %d MB, over the bound", c.name, elapsed, peak>>20)
		}
		if res.Err != nil && strings.Contains(res.Err.Error(), "内部错误") {
			t.Errorf("%s: panicked: %v", c.name, res.Err)
			continue
		}
		switch {
		case c.wantErr != "" || c.wantEn != "":
			if res.Err == nil || !strings.Contains(res.Err.Error(), c.wantErr) || !strings.Contains(xlsx.ErrorText(res.Err, true), c.wantEn) {
				t.Errorf("%s: error %v, want one saying %q / %q", c.name, res.Err, c.wantErr, c.wantEn)
			}
		case c.forms > 0:
			if res.Err != nil || len(res.Forms) != c.forms {
				t.Errorf("%s: %v, %d forms, want %d", c.name, res.Err, len(res.Forms), c.forms)
				continue
			}
			if got, w := verdicts(res.Forms[0].Findings), verdicts(want.Forms[0].Findings); got != w {
				t.Errorf("%s: findings differ from the good book's:\n%s\nwant\n%s", c.name, got, w)
			}
			if c.skipped != "" && !skippedSays(res, c.skipped) {
				t.Errorf("%s: no skip saying %q: %+v", c.name, c.skipped, res.Skipped)
			}
		}
	}
}

// verdicts are findings without their wording (a lost style may show 4
// for 4.00).
func verdicts(fs []Finding) string {
	var b strings.Builder
	for _, x := range fs {
		fmt.Fprintf(&b, "%s %s %s\n", x.Severity, x.Rule, x.Cell)
	}
	return b.String()
}

func errOr(r FileResult) string {
	if r.Err != nil {
		return r.Err.Error()
	}
	return fmt.Sprintf("%d forms, skipped %v", len(r.Forms), r.Skipped)
}

func skippedSays(r FileResult, frag string) bool {
	for _, s := range r.Skipped {
		if strings.Contains(s.Reason, frag) {
			return true
		}
	}
	return false
}

// measured runs fn and returns its time and the peak heap in use while
// it ran, sampled every few milliseconds.
func measured(fn func()) (time.Duration, uint64) {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	t0 := time.Now()
	fn()
	d := time.Since(t0)
	close(stop)
	<-done
	return d, peak.Load()
}

// TestXMLEntitiesNotExpanded: encoding/xml, which excelize and the reader
// parse with, refuses custom entities instead of expanding them and never
// fetches external ones.
func TestXMLEntitiesNotExpanded(t *testing.T) {
	var v struct {
		Text string `xml:"sheetData>row>c>is>t"`
	}
	err := xml.Unmarshal([]byte(laughs), &v)
	if err == nil || !strings.Contains(err.Error(), "entity") {
		t.Fatalf("billion laughs: err %v, text %d bytes", err, len(v.Text))
	}
	// Not strict (as some parsers are configured): the entity is left as
	// written, still not expanded.
	d := xml.NewDecoder(strings.NewReader(laughs))
	d.Strict = false
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if len(v.Text) > 100 || strings.Contains(v.Text, "root:") {
		t.Errorf("entities expanded: %d bytes", len(v.Text))
	}
}

// TestCheckFileTimeout: a file that takes longer than the limit is given
// up with an error naming --timeout, and the batch goes on.
func TestCheckFileTimeout(t *testing.T) {
	res := bounded("slow.xlsx", 50*time.Millisecond, func() FileResult {
		time.Sleep(2 * time.Second)
		return FileResult{}
	})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "--timeout") || res.Path != "slow.xlsx" {
		t.Fatalf("%+v", res)
	}
	// Through CheckAll: a real file under a limit too short to read it.
	dir := t.TempDir()
	p := dir + "/a.xlsx"
	x := newXL(t)
	buildBook(x, "Sheet1", book1, variant{})
	x.must(x.f.SaveAs(p))
	var got []FileResult
	NewChecker(Checks(), ReadOptions{Timeout: time.Nanosecond}).CheckAll([]string{p, dir + "/none.xlsx", p}, 2, func(r FileResult) { got = append(got, r) })
	if len(got) != 3 {
		t.Fatalf("%d results", len(got))
	}
	for _, r := range got {
		if r.Err == nil {
			t.Errorf("%s: no error under a 1 ns limit", r.Path)
		}
	}
	if r := NewChecker(Checks(), ReadOptions{Timeout: -1}).CheckFile(p); r.Err != nil || len(r.Forms) != 1 {
		t.Errorf("no limit: %v", r.Err)
	}
}

// oleMagic is the signature of an OLE compound file (a legacy .xls, or an
// encrypted workbook).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
