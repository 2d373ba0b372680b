package xlsx

import (
	"bytes"
	"encoding/binary"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// Fixes, said once.
var (
	fixSaveAs = Msg{"请在 Excel/WPS 中打开后另存为 .xlsx (Excel 工作簿)", "open it in Excel or WPS and save it as .xlsx (Excel Workbook)"}
	fixResend = Msg{"请让填报单位重新发送", "ask the unit to send it again"}
)

// notWorkbook names what a file really is and how to fix it.
func notWorkbook(name string, k ErrorKind, what Msg, fix Msg) *InputError {
	return inputErr(name, k, say("%s, 不是 .xlsx 工作簿; %s", "%s, not an .xlsx workbook; %s", what, fix))
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniffHead tells from the first bytes what a file that is not a zip is.
// It returns nil for a zip (checked by inspectZip) and for an encrypted
// workbook when a password is given (excelize decrypts it).
func sniffHead(r io.ReaderAt, size int64, name, password string) error {
	if size == 0 {
		return inputErr(name, ErrEmpty, say("文件为空 (0 字节), 不是 .xlsx 工作簿; %s", "the file is empty (0 bytes), not an .xlsx workbook; %s", fixResend))
	}
	head := make([]byte, min(size, 512))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK")):
		return nil
	case bytes.HasPrefix(head, oleMagic):
		return oleError(r, size, name, password)
	case len(head) < 4:
		return inputErr(name, ErrEmpty, say("文件为空或已损坏 (只有 %d 字节), 不是 .xlsx 工作簿; %s",
			"the file is empty or broken (only %d bytes), not an .xlsx workbook; %s", len(head), fixResend))
	}
	return notWorkbook(name, ErrNotWorkbook, textKind(head, name), fixSaveAs)
}

// textKind names a file that is neither a zip nor an OLE container.
func textKind(head []byte, name string) Msg {
	t := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n"))
	switch {
	case bytes.HasPrefix(t, []byte("%pdf")):
		return Msg{"这是 PDF 文件", "this is a PDF file"}
	case bytes.Contains(t, []byte("<html")), bytes.Contains(t, []byte("<table")), bytes.Contains(t, []byte("<!doctype html")):
		return Msg{"这是网页 (HTML) 表格, 常见于系统导出的 .xls", "this is a web page (HTML) table, as systems often export as .xls"}
	case bytes.Contains(t, []byte("urn:schemas-microsoft-com:office:spreadsheet")):
		return Msg{"这是 Excel 2003 XML 表格", "this is an Excel 2003 XML spreadsheet"}
	case bytes.HasPrefix(t, []byte("<")):
		return Msg{"这是 XML 或网页文件", "this is an XML or web file"}
	case bytes.HasPrefix(t, []byte("{\\rtf")):
		return Msg{"这是 RTF 文档", "this is an RTF document"}
	case !bytes.ContainsRune(head, 0):
		ext := strings.ToLower(filepath.Ext(name))
		if ext == ".csv" || bytes.ContainsAny(head, ",\t") {
			return Msg{"这是文本/CSV 文件 (内容不是 Office Open XML), 只是扩展名为 " + ext, "this is a text/CSV file (not Office Open XML) with the extension " + ext}
		}
		return Msg{"这是文本文件 (内容不是 Office Open XML)", "this is a text file (not Office Open XML)"}
	}
	return Msg{"无法识别文件内容 (不是 Office Open XML)", "the content is not recognised (not Office Open XML)"}
}

// oleError names what an OLE compound file holds: an encrypted workbook,
// a legacy .xls or WPS .et, or some other Office 97-2003 document.
func oleError(r io.ReaderAt, size int64, name, password string) error {
	streams := cfbStreams(r, size)
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case streams["encryptedpackage"] || streams["encryptioninfo"]:
		if password != "" {
			return nil
		}
		return inputErr(name, ErrEncrypted, say("工作簿设置了打开密码 (已加密); 请用 --password 提供密码, 或请填报单位取消密码后重新发送",
			"the workbook is encrypted with a password; give it with --password, or ask the unit to remove the password and send it again"))
	case (streams["workbook"] || streams["book"]) && ext == ".et":
		return notWorkbook(name, ErrLegacyFormat, Msg{"这是 WPS 表格 .et 格式", "this is a WPS Spreadsheets .et file"},
			Msg{"请在 WPS 中另存为 .xlsx (Excel 工作簿)", "save it as .xlsx (Excel Workbook) in WPS"})
	case streams["workbook"] || streams["book"]:
		return notWorkbook(name, ErrLegacyFormat, Msg{"这是旧版 Excel 97-2003 .xls 格式", "this is a legacy Excel 97-2003 .xls file"},
			Msg{"请在 Excel/WPS 中另存为 .xlsx", "save it as .xlsx in Excel or WPS"})
	case streams["worddocument"]:
		return notWorkbook(name, ErrNotWorkbook, Msg{"这是 Word 97-2003 文档 (.doc)", "this is a Word 97-2003 document (.doc)"},
			Msg{"请把自评表填在下发的 .xlsx 模板中", "fill in the form in the .xlsx template that was sent out"})
	}
	if password != "" {
		return nil // let excelize try; a wrong guess is reported as such
	}
	return inputErr(name, ErrLegacyFormat, say("是旧版 Office 格式 (.xls/.et) 或已加密的工作簿; 加密的请用 --password 提供密码, 旧版的请在 Excel/WPS 中另存为 .xlsx",
		"a legacy Office file (.xls/.et) or an encrypted workbook; give the password with --password, or save a legacy file as .xlsx in Excel or WPS"))
}

// cfbStreams lists the (lower-cased) names in the first sectors of an OLE
// compound file's directory; enough to see its top-level streams. It
// never reads more than a few sectors and gives up quietly on nonsense.
func cfbStreams(r io.ReaderAt, size int64) map[string]bool {
	names := map[string]bool{}
	hdr := make([]byte, 512)
	if n, _ := r.ReadAt(hdr, 0); n < 512 {
		return names
	}
	shift := binary.LittleEndian.Uint16(hdr[0x1E:])
	if shift != 9 && shift != 12 {
		return names
	}
	ssz := int64(1) << shift
	sector := func(sid uint32) []byte {
		off := (int64(sid) + 1) * ssz
		if sid >= 0xFFFFFFFA || off+ssz > size {
			return nil
		}
		b := make([]byte, ssz)
		if n, _ := r.ReadAt(b, off); int64(n) < ssz {
			return nil
		}
		return b
	}
	// next follows the FAT chain through the header's first FAT sectors.
	next := func(sid uint32) uint32 {
		per := uint32(ssz / 4)
		i := sid / per
		if i >= 109 {
			return 0xFFFFFFFE
		}
		fat := sector(binary.LittleEndian.Uint32(hdr[0x4C+4*i:]))
		if fat == nil {
			return 0xFFFFFFFE
		}
		return binary.LittleEndian.Uint32(fat[4*(sid%per):])
	}
	sid := binary.LittleEndian.Uint32(hdr[0x30:])
	for k := 0; k < 16; k++ {
		dir := sector(sid)
		if dir == nil {
			break
		}
		for e := 0; e+128 <= len(dir); e += 128 {
			l := int(binary.LittleEndian.Uint16(dir[e+0x40:]))
			if l < 2 || l > 64 {
				continue
			}
			u := make([]uint16, (l-2)/2)
			for i := range u {
				u[i] = binary.LittleEndian.Uint16(dir[e+2*i:])
			}
			names[strings.ToLower(string(utf16.Decode(u)))] = true
		}
		sid = next(sid)
	}
	return names
}

// UnreadableSheet is the error of workbook name whose visible sheet
// cannot be parsed: whether it holds a form cannot be told, so the file
// is unreadable, not passed.
func UnreadableSheet(name, sheet string, err error) *InputError {
	return inputErr(name, ErrBroken, say("工作表「%s」无法解析, 其中的内容未能检查 (技术细节: %v); %s",
		"sheet %q cannot be parsed, so its content was not checked (%v); %s", sheet, err, fixResend)).because(err)
}

// Broken is the error of workbook name that excelize cannot read a part
// of (err says which).
func Broken(name string, err error) *InputError {
	return inputErr(name, ErrBroken, say("%v", "%v", err)).because(err)
}
