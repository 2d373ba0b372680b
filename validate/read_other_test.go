package validate

// Workbooks written by other programs than excelize: LibreOffice, and a
// bare .xlsx put together by hand.

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/internal/soffice"
)

// TestReadLibreOffice re-saves several variants through LibreOffice (one
// conversion, a sheet per variant) and reads the result as the original.
func TestReadLibreOffice(t *testing.T) {
	soffice.Need(t)
	sheets := []struct {
		name string
		sf   bookForm
		v    variant
	}{
		{"plain", book1, variant{}},
		{"leadblank", book2, variant{lead: true, blankRows: true, blankCol: true, weight: "分值"}},
		{"fraction", book1, variant{fraction: true, year: 2024}},
		{"yuantext", book2, variant{yuan: true, text: true, noGrade: true}},
		{"formulas", book1, variant{formulas: true}},
		{"formulas2", book2, variant{formulas: true, noisy: true, unmerged: true}},
	}
	x := newXL(t)
	wants := map[string]built{}
	for i, s := range sheets {
		if i == 0 {
			x.must(x.f.SetSheetName("Sheet1", s.name))
		} else {
			x.sheet(s.name)
		}
		wants[s.name] = buildBook(x, s.name, s.sf, s.v)
	}
	x.sheet("说明")
	x.str("说明", "A1", "本工作簿由 LibreOffice 另存")
	// The plain sheet carries our fingerprint, which must survive the re-save.
	x.must(form.WriteFingerprints(x.f, []*form.Fingerprint{fingerprintOf("plain", wants["plain"], 12)}))
	in := writeBook(t, x, "lo.xlsx")
	outDir := t.TempDir()
	out, err := soffice.Convert(in, outDir, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path   string
		cached bool
	}{{in, false}, {out, true}} {
		b := openBook(t, c.path)
		if len(b.Forms) != len(sheets) || len(b.Skipped) != 1 || b.Skipped[0].Sheet != "说明" {
			t.Fatalf("%s: %d forms, skipped %v", c.path, len(b.Forms), b.Skipped)
		}
		for _, fm := range b.Forms {
			checkForm(t, fm, wants[fm.Sheet], c.cached)
			if (fm.Template != nil) != (fm.Sheet == "plain") {
				t.Errorf("%s %s: Template %+v", c.path, fm.Sheet, fm.Template)
			}
		}
	}
}

// rawSink writes a minimal .xlsx by hand: inline strings, plain numbers,
// no styles, no shared strings.
type rawSink struct {
	sheets []string
	cells  map[string]map[[2]int]string // sheet → (row, col) → <c> element
	merges map[string][]string
}

func newRaw() *rawSink {
	return &rawSink{cells: map[string]map[[2]int]string{}, merges: map[string][]string{}}
}

func (s *rawSink) put(sheet, a1, el string) {
	if s.cells[sheet] == nil {
		s.sheets = append(s.sheets, sheet)
		s.cells[sheet] = map[[2]int]string{}
	}
	r := rowOf(a1)
	col := 0
	for _, ch := range a1 {
		if ch < 'A' || ch > 'Z' {
			break
		}
		col = col*26 + int(ch-'A'+1)
	}
	s.cells[sheet][[2]int{r, col}] = el
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (s *rawSink) str(sheet, a1, v string) {
	s.put(sheet, a1, fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, a1, esc(v)))
}

func (s *rawSink) num(sheet, a1 string, d decimal.Decimal, _ string) string {
	s.put(sheet, a1, fmt.Sprintf(`<c r="%s"><v>%s</v></c>`, a1, d.String()))
	return d.String()
}

func (s *rawSink) formula(sheet, a1, f, _ string) {
	s.put(sheet, a1, fmt.Sprintf(`<c r="%s"><f>%s</f></c>`, a1, esc(f)))
}

func (s *rawSink) merge(sheet, from, to string) {
	s.merges[sheet] = append(s.merges[sheet], from+":"+to)
}

func (s *rawSink) sheetXML(sheet string) string {
	var keys [][2]int
	for k := range s.cells[sheet] {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, k := range keys {
		if i == 0 || keys[i-1][0] != k[0] {
			if i > 0 {
				b.WriteString(`</row>`)
			}
			fmt.Fprintf(&b, `<row r="%d">`, k[0]+1)
		}
		b.WriteString(s.cells[sheet][k])
	}
	if len(keys) > 0 {
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData>`)
	if m := s.merges[sheet]; len(m) > 0 {
		fmt.Fprintf(&b, `<mergeCells count="%d">`, len(m))
		for _, r := range m {
			fmt.Fprintf(&b, `<mergeCell ref="%s"/>`, r)
		}
		b.WriteString(`</mergeCells>`)
	}
	b.WriteString(`</worksheet>`)
	return b.String()
}

func (s *rawSink) save(t *testing.T, path string) {
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(fh)
	part := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	var types, sheets, rels strings.Builder
	for i, name := range s.sheets {
		n := i + 1
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, esc(name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		part(fmt.Sprintf("xl/worksheets/sheet%d.xml", n), s.sheetXML(name))
	}
	part("[Content_Types].xml", head+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		types.String()+`</Types>`)
	part("_rels/.rels", head+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", head+`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+sheets.String()+`</sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", head+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		rels.String()+`</Relationships>`)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestReadHandWritten reads a workbook no spreadsheet program wrote: the
// numbers show as stored (17.5, not 17.50), so their places follow.
func TestReadHandWritten(t *testing.T) {
	s := newRaw()
	w1 := buildBook(s, "表一", book1, variant{})
	w2 := buildBook(s, "表二", book2, variant{lead: true, unmerged: true, text: true})
	s.str("备注", "A1", "无")
	p := filepath.Join(t.TempDir(), "hand.xlsx")
	s.save(t, p)
	b := openBook(t, p)
	if len(b.Forms) != 2 || len(b.Skipped) != 1 {
		t.Fatalf("%d forms, skipped %v", len(b.Forms), b.Skipped)
	}
	checkForm(t, b.Forms[0], w1, false)
	checkForm(t, b.Forms[1], w2, false)
	if c := b.Forms[0].Funds[0].Exec; c.Text != "17.5" || c.Places != 1 {
		t.Errorf("17.50 stored plainly reads as %q with %d places", c.Text, c.Places)
	}
}
