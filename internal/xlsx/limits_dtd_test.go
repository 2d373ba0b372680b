package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noise is n bytes of text that deflate cannot shrink much, so that what
// follows it lies past prologRaw in the compressed data.
func noise(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz0123456789 "[r.IntN(37)]
	}
	return string(b)
}

// dtdCases are parts and whether hasDTD must find a DOCTYPE. A DOCTYPE
// can only stand in the prolog, before the root element; text that looks
// like one after the root's start tag is content (in a comment) or not
// well-formed (bare), and declares nothing: the readers of the parts they
// read reject the latter.
var dtdCases = []struct {
	name, xml string
	dtd       bool
}{
	{"plain", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" + `<Properties xmlns="x"><a>1</a></Properties>`, false},
	{"no declaration", `<Types/>`, false},
	{"doctype", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "y">]><x>&e;</x>`, true},
	{"doctype, no declaration", `<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>`, true},
	{"doctype after a comment", `<?xml version="1.0"?><!-- made by hand --><!DOCTYPE x><x/>`, true},
	{"doctype after a long comment", `<?xml version="1.0"?><!--` + noise(20_000) + `--><!DOCTYPE x><x/>`, true},
	{"doctype after a PI", `<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><!DOCTYPE x><x/>`, true},
	{"doctype after a BOM", "\ufeff" + `<?xml version="1.0"?><!DOCTYPE x><x/>`, true},
	{"doctype after whitespace", "\n\n  \t" + `<!DOCTYPE x><x/>`, true},
	{"spaces before DOCTYPE", `<?xml version="1.0"?><!  DOCTYPE x><x/>`, true},
	{"long root tag", `<?xml version="1.0"?><x b="` + noise(5000) + `"/>`, false},
	{"doctype in a comment after the root", `<x><!-- <!DOCTYPE x [<!ENTITY e "y">]> --></x>`, false},
	{"doctype text after the root", `<x>&lt;!DOCTYPE x&gt;</x>`, false},
	{"doctype after the root start tag", `<x><!DOCTYPE y [<!ENTITY e "y">]></x>`, false},
	{"doctype after the root", `<x/><!DOCTYPE y>`, false},
	{"a directive that is no doctype", `<!ELEMENT x ANY><x/>`, false},
	{"broken before the root", `<?xml version="1.0"?><!-- never closed`, false},
	{"empty", ``, false},
}

// zipOf is a zip holding body as part p, compressed by method.
func zipOf(t testing.TB, p string, method uint16, body string) *zip.File {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: p, Method: method})
	if err == nil {
		_, err = io.WriteString(w, body)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr.File[0]
}

// fullDTD is hasDTD reading the whole part: what prologDTD must agree with.
func fullDTD(f *zip.File) bool {
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	dtd, _ := prolog(xml.NewDecoder(io.LimitReader(rc, 1<<20)))
	return dtd
}

func TestHasDTD(t *testing.T) {
	for _, c := range dtdCases {
		for _, m := range []uint16{zip.Deflate, zip.Store} {
			f := zipOf(t, "docProps/custom.xml", m, c.xml)
			if got, long := hasDTD(f); got != c.dtd || long {
				t.Errorf("%s (method %d): hasDTD %v, want %v", c.name, m, got, c.dtd)
			}
			if full := fullDTD(f); full != c.dtd {
				t.Errorf("%s (method %d): whole part read: %v, want %v", c.name, m, full, c.dtd)
			}
			// The first bytes settle every short prolog (a long root tag too:
			// its start is enough); a long one is
			// read on.
			long := strings.Contains(c.name, "long comment") || strings.Contains(c.name, "broken") || c.xml == ""
			if dtd, ok := prologDTD(f, 256); ok == long || ok && dtd != c.dtd {
				t.Errorf("%s (method %d): prologDTD %v, %v", c.name, m, dtd, ok)
			}
		}
	}
}

// A prolog too long to read to its end is refused as if it declared a
// DTD (one could follow); a long part whose prolog is short is not.
func TestLongProlog(t *testing.T) {
	comment := `<?xml version="1.0"?><!--` + strings.Repeat("长", maxProlog/3+1) + `-->`
	for _, c := range []struct {
		name, xml string
		long      bool
	}{
		{"long comment, then the root", comment + `<x/>`, true},
		{"long comment never closed", comment[:len(comment)-3], true},
		{"long comment, then a DOCTYPE", comment + `<!DOCTYPE x><x/>`, true},
		{"a short comment never closed", `<?xml version="1.0"?><!--` + noise(5000), false},
		{"long content after the root", `<x>` + strings.Repeat("长", maxProlog/3+1) + `</x>`, false},
	} {
		for _, m := range []uint16{zip.Deflate, zip.Store} {
			if dtd, long := hasDTD(zipOf(t, "docProps/custom.xml", m, c.xml)); dtd || long != c.long {
				t.Errorf("%s (method %d): dtd %v, long %v", c.name, m, dtd, long)
			}
		}
	}
	data := withPart(t, sampleBook(t), "docProps/custom.xml", comment+`<x/>`)
	err := OpenReader(bytes.NewReader(data), int64(len(data)), "x.xlsx", OpenOptions{}, func(Workbook) error { return nil })
	if !errors.Is(err, ErrUnsafeXML) || !strings.Contains(ErrorText(err, true), "docProps/custom.xml has over 1024 KB before its root element") {
		t.Errorf("long prolog: %v", err)
	}
}

// A DOCTYPE in a part no reader reads refuses the workbook, wherever in
// the prolog it stands.
func TestDTDInUnreadPart(t *testing.T) {
	good := sampleBook(t)
	for _, c := range dtdCases {
		for _, p := range []string{"docProps/custom.xml", "xl/theme/theme1.xml"} {
			data := withPart(t, good, p, c.xml)
			for _, r := range []Reader{Auto, ExcelizeOnly} {
				err := OpenReader(bytes.NewReader(data), int64(len(data)), "x.xlsx", OpenOptions{Reader: r}, func(Workbook) error { return nil })
				refused := err != nil && strings.Contains(err.Error(), "DTD/实体声明")
				if refused != c.dtd {
					t.Errorf("%s in %s (reader %d): refused %v, want %v (%v)", c.name, p, r, refused, c.dtd, err)
				}
			}
		}
	}
}

// Every part of real workbooks (ours, other regions' forms) is settled
// by its first compressed bytes (WPS's styles.xml has a 2 KB root tag),
// the same as by the whole part.
func TestPrologDTDRealParts(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*.xlsx"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "forms", "*.xlsx"))
	paths = append(paths, more...)
	if len(paths) == 0 {
		t.Fatal("no workbooks found")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
				continue
			}
			dtd, ok := prologDTD(f, 2048)
			if !ok || dtd || fullDTD(f) {
				t.Errorf("%s %s: prologDTD %v, %v", filepath.Base(p), f.Name, dtd, ok)
			}
			// and with no XML decoder
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			head, _ := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if !plainProlog(head) {
				t.Errorf("%s %s: prologDTD %v, %v", filepath.Base(p), f.Name, dtd, ok)
			}
		}
	}
}

// BenchmarkNoDTD looks for a DOCTYPE in the parts of one of our filled
// workbooks that the fast reader does not read, as every check does:
// from the first compressed bytes (hasDTD) and by inflating each part
// (the whole part read, as before).
func BenchmarkNoDTD(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "samples", "信息化运维项目.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	var unread []*zip.File
	for _, f := range zr.File {
		if p := strings.ToLower(f.Name); (strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".rels")) && !fastScans(p) {
			unread = append(unread, f)
		}
	}
	for _, c := range []struct {
		name string
		fn   func(*zip.File) bool
	}{{"prefix", func(f *zip.File) bool { dtd, _ := hasDTD(f); return dtd }}, {"whole", fullDTD}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range unread {
					if c.fn(f) {
						b.Fatal(f.Name)
					}
				}
			}
		})
	}
}

// plainProlog never says "no DOCTYPE" where the XML decoder finds one,
// over prologs built from the pieces either could trip on.
func TestPlainPrologAgrees(t *testing.T) {
	pieces := []string{"\ufeff", " ", "\r\n", "\t", `<?xml version="1.0"?>`, `<?xml encoding="GBK"?>`, `<??>`, `<?pi a?b?>`, "<?", "?>",
		"<!--", "-->", "<!-- c -->", "<!-- a -- b -->", "<!---->", "<!-->", "--", "<!DOCTYPE x>", "<!DOCTYPE x [<!ENTITY e 'y'>]>",
		"<!ELEMENT x ANY>", "<![CDATA[x]]>", "text", "<", ">", "<x>", "<x/>", `<a:theme xmlns:a="u">`, "<项目>", "<1>", "</x>", "<:x>", "<_x>"}
	r := rand.New(rand.NewPCG(5, 6))
	plain := 0
	for i := 0; i < 50000; i++ {
		var b strings.Builder
		for j := r.IntN(6); j >= 0; j-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		head := []byte(b.String())
		if !plainProlog(head) {
			continue
		}
		plain++
		if dtd, _ := prolog(xml.NewDecoder(bytes.NewReader(head))); dtd {
			t.Fatalf("%q: plainProlog, but the decoder finds a DOCTYPE", head)
		}
	}
	if plain < 1000 {
		t.Errorf("only %d plain prologs drawn", plain)
	}
}

// sampleBook is one of the sample workbooks.
func sampleBook(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "samples", "信息化运维项目.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withPart is the zip data with part p's body replaced by (or added as) body.
func withPart(t testing.TB, data []byte, p, body string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, b []byte) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range zr.File {
		if f.Name == p {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		put(f.Name, b)
	}
	put(p, []byte(body))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
