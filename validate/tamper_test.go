package validate

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/template"
)

// The tamper tests alter a signed form the way a unit could, without
// excelize: by editing the XML parts of the .xlsx directly.

const tamperKey = "county-finance-bureau-key-7f3a"

func mustKey(t testing.TB, s string) integrity.Key {
	k, err := integrity.NewKey([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// seedSpec is seed form 1 as a spec (what the department set and, for
// the sample, what the unit reported).
func seedSpec(t testing.TB) *template.Spec {
	s, err := template.ReadSpec("../samples/specs/seed1.yaml", formulas.Default(), 2024)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signedSeed is the seed form generated and signed with key.
func signedSeed(t testing.TB, key string) ([]byte, template.Layout, string) {
	s := seedSpec(t)
	w, err := template.Build(s.Projects, template.Options{Profile: formulas.Default(), Year: 2024, SignKey: mustKey(t, key)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b, template.NewLayout(len(s.Projects[0].Indicators), formulas.Default()), s.Projects[0].Name
}

// checkBytes checks a workbook with the key (or spec) and returns its
// tpl.* findings. It reads the workbook with the fast reader alone (a
// signed form must not need excelize) and with excelize, which must agree.
func checkBytes(t testing.TB, b []byte, seal *Seal) []Finding {
	t.Helper()
	var got [2][]Finding
	for i, path := range []xlsx.Reader{xlsx.FastOnly, xlsx.ExcelizeOnly} {
		res := NewChecker(Checks(), ReadOptions{Seal: seal, path: path}).CheckReader(bytes.NewReader(b), int64(len(b)), "returned.xlsx")
		if res.Err != nil || len(res.Forms) != 1 {
			t.Fatalf("read (path %d): %v, %d forms, skipped %v", path, res.Err, len(res.Forms), res.Skipped)
		}
		for _, f := range res.Forms[0].Findings {
			if strings.HasPrefix(f.Rule, "tpl.") {
				got[i] = append(got[i], f)
			}
		}
	}
	if tdump(got[0]) != tdump(got[1]) {
		t.Errorf("the fast reader's seal findings differ from excelize's:\nfast:%s\nexcelize:%s", tdump(got[0]), tdump(got[1]))
	}
	return got[0]
}

// editPart rewrites the part of the package that holds sheet (or, with
// sheet "", the part named part).
func editPart(t testing.TB, b []byte, sheet, part string, fn func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if sheet != "" {
		part = sheetPart(t, zr, sheet)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	done := false
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == part {
			data, done = []byte(fn(string(data))), true
		}
		w, _ := zw.Create(zf.Name)
		w.Write(data)
	}
	zw.Close()
	if !done {
		t.Fatalf("no part %s", part)
	}
	return out.Bytes()
}

func sheetPart(t testing.TB, zr *zip.Reader, sheet string) string {
	read := func(name string) []byte {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, _ := zf.Open()
				defer rc.Close()
				b, _ := io.ReadAll(rc)
				return b
			}
		}
		return nil
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	xml.Unmarshal(read("xl/workbook.xml"), &wb)
	xml.Unmarshal(read("xl/_rels/workbook.xml.rels"), &rels)
	for _, s := range wb.Sheets {
		for _, r := range rels.Rels {
			if s.Name == sheet && r.ID == s.RID {
				return path.Join("xl", strings.TrimPrefix(r.Target, "/xl/"))
			}
		}
	}
	t.Fatalf("no sheet %s", sheet)
	return ""
}

// setCell replaces cell ref's content, keeping its style: inner is what
// goes after the style, e.g. ` t="inlineStr"><is><t>x</t></is></c>`.
func setCell(t testing.TB, x, ref, inner string) string {
	re := regexp.MustCompile(`<c r="` + ref + `"( s="[0-9]+")?[^>]*?(/>|>.*?</c>)`)
	if !re.MatchString(x) {
		t.Fatalf("no cell %s", ref)
	}
	return re.ReplaceAllString(x, `<c r="`+ref+`"$1`+inner)
}

func inlineStr(s string) string {
	var e bytes.Buffer
	xml.EscapeText(&e, []byte(s))
	return ` t="inlineStr"><is><t>` + e.String() + `</t></is></c>`
}

var (
	refAttr   = regexp.MustCompile(`\b(r|ref|sqref)="([^"]*)"`)
	formulaEl = regexp.MustCompile(`(<(f|formula|formula1)( [^>]*)?>)([^<]*)(</(f|formula|formula1)>)`)
	a1        = regexp.MustCompile(`(\$?[A-Z]{1,3}\$?)([0-9]+)`)
	rowEl     = regexp.MustCompile(`<row r="([0-9]+)"`)
)

// shiftRows moves every row from row `at` by `by` (1: a row inserted
// above it, -1: row at-1 deleted), with every reference to it, as a
// spreadsheet does.
func shiftRows(x string, at, by int) string {
	shift := func(s string) string {
		return a1.ReplaceAllStringFunc(s, func(m string) string {
			p := a1.FindStringSubmatch(m)
			n, _ := strconv.Atoi(p[2])
			if n >= at {
				n += by
			}
			return p[1] + strconv.Itoa(n)
		})
	}
	x = rowEl.ReplaceAllStringFunc(x, func(m string) string {
		n, _ := strconv.Atoi(rowEl.FindStringSubmatch(m)[1])
		if n >= at {
			n += by
		}
		return fmt.Sprintf(`<row r="%d"`, n)
	})
	x = refAttr.ReplaceAllStringFunc(x, func(m string) string {
		p := refAttr.FindStringSubmatch(m)
		return p[1] + `="` + shift(p[2]) + `"`
	})
	return formulaEl.ReplaceAllStringFunc(x, func(m string) string {
		p := formulaEl.FindStringSubmatch(m)
		return p[1] + shift(p[4]) + p[5]
	})
}

// insertRow inserts a row before row at, holding an indicator the unit
// added.
func insertRow(x string, at int) string {
	x = shiftRows(x, at, 1)
	cell := func(col, v string) string { return fmt.Sprintf(`<c r="%s%d"`, col, at) + inlineStr(v) }
	row := fmt.Sprintf(`<row r="%d">`, at) + cell("C", "新增培训场次") + cell("D", "≥2.00(场)") + cell("E", "2.00(场)") +
		fmt.Sprintf(`<c r="F%d"><v>5</v></c><c r="G%d"><v>5</v></c></row>`, at, at)
	i := strings.Index(x, fmt.Sprintf(`<row r="%d"`, at+1))
	return x[:i] + row + x[i:]
}

// deleteRow deletes row at.
func deleteRow(x string, at int) string {
	re := regexp.MustCompile(fmt.Sprintf(`<row r="%d"[^>]*>.*?</row>`, at))
	x = re.ReplaceAllString(x, "")
	// A merged range that ended on the row now ends a row above.
	end := regexp.MustCompile(fmt.Sprintf(`(<mergeCell ref="[A-Z]+[0-9]+:[A-Z]+)%d"`, at))
	x = end.ReplaceAllString(x, fmt.Sprintf(`${1}%d"`, at-1))
	return shiftRows(x, at+1, -1)
}

type want struct{ rule, cell, expected string }

func findingsMatch(t *testing.T, name string, got []Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Errorf("%s: %d tpl findings, want %d:\n%s", name, len(got), len(wants), tdump(got))
		return
	}
	for i, w := range wants {
		g := got[i]
		if g.Rule != w.rule || g.Cell != w.cell || (w.expected != "" && g.Expected != w.expected) {
			t.Errorf("%s: finding %d = %s %s expected %q, want %s %s %q\n%s", name, i, g.Rule, g.Cell, g.Expected, w.rule, w.cell, w.expected, tdump(got))
		}
	}
}

func tdump(fs []Finding) string {
	b, _ := json.MarshalIndent(fs, "", " ")
	return string(b)
}

func TestTamperCaughtAtCell(t *testing.T) {
	b, lay, sheet := signedSeed(t, tamperKey)
	seal := &Seal{Key: mustKey(t, tamperKey)}
	ref := func(key string) string { return lay.Ref(key) }
	if got := checkBytes(t, b, seal); len(got) != 0 {
		t.Fatalf("untouched signed form: %s", tdump(got))
	}
	if bytes.Contains(b, []byte(tamperKey)) {
		t.Fatal("the key is in the workbook")
	}
	ind8 := lay.IndRow(8)
	cases := []struct {
		name  string
		edit  func(string) string
		wants []want
	}{
		{"target lowered", func(x string) string {
			return setCell(t, x, ref("ind.1.target"), inlineStr("≥5.00(项)"))
		}, []want{{"tpl.changed", ref("ind.1.target"), "≥10.00(项)"}}},
		{"weight raised", func(x string) string {
			return setCell(t, x, ref("ind.2.weight"), `><v>8</v></c>`)
		}, []want{{"tpl.changed", ref("ind.2.weight"), "5"}}},
		{"budget changed", func(x string) string {
			return setCell(t, x, ref("funds.1.budget"), `><v>20</v></c>`)
		}, []want{{"tpl.changed", ref("funds.1.budget"), "17.52"}}},
		{"formula replaced by a constant", func(x string) string {
			return setCell(t, x, ref("funds.1.rate"), `><v>100</v></c>`)
		}, []want{{"tpl.formula", ref("funds.1.rate"), "=ROUND(IF(D7=0,0,E7/D7*100),2)"}}},
		// The rates are one shared formula written in G6: replacing that
		// cell takes the formula from the others too.
		{"shared formula's first cell replaced", func(x string) string {
			return setCell(t, x, ref("funds.0.rate"), `><v>100</v></c>`)
		}, []want{
			{"tpl.formula", ref("funds.0.rate"), "=ROUND(IF(D6=0,0,E6/D6*100),2)"},
			{"tpl.formula", ref("funds.1.rate"), "=ROUND(IF(D7=0,0,E7/D7*100),2)"},
			{"tpl.formula", ref("funds.2.rate"), "=ROUND(IF(D8=0,0,E8/D8*100),2)"},
			{"tpl.formula", ref("funds.3.rate"), "=ROUND(IF(D9=0,0,E9/D9*100),2)"},
		}},
		{"total formula altered", func(x string) string {
			tr := lay.TotalRow()
			return strings.Replace(x, fmt.Sprintf("G%d:G%d)", lay.IndRow(0), tr-1), fmt.Sprintf("G%d:G%d)", lay.IndRow(0), tr-2), 1)
		}, []want{{"tpl.formula", ref("total.score"), ""}}},
		{"protection removed", func(x string) string {
			return regexp.MustCompile(`<sheetProtection[^>]*/>|<sheetProtection[^>]*>.*?</sheetProtection>`).ReplaceAllString(x, "")
		}, []want{{"tpl.protection", "", ""}}},
		{"row inserted, a later target changed", func(x string) string {
			x = insertRow(x, lay.IndRow(5))
			return setCell(t, x, fmt.Sprintf("D%d", ind8+1), inlineStr("≥60.00(个)"))
		}, []want{
			{"tpl.changed", fmt.Sprintf("C%d", lay.IndRow(5)), ""},
			{"tpl.changed", fmt.Sprintf("D%d", ind8+1), "≥120.00(个)"},
		}},
		{"row deleted", func(x string) string {
			return deleteRow(x, lay.IndRow(9))
		}, []want{{"tpl.changed", fmt.Sprintf("C%d", lay.IndRow(9)), "内部业务办结率"}}},
		// Its hidden helpers go with it: not reported as formulas deleted
		// (the record keys them ind.<i>.helper, tied to their indicator).
		{"last row deleted", func(x string) string {
			return deleteRow(x, lay.IndRow(lay.Rows-1))
		}, []want{{"tpl.changed", fmt.Sprintf("C%d", lay.IndRow(lay.Rows-1)), ""}}},
	}
	for _, c := range cases {
		got := checkBytes(t, editPart(t, b, sheet, "", c.edit), seal)
		findingsMatch(t, c.name, got, c.wants)
		for _, f := range got {
			if strings.Contains(f.Message+f.MessageEn+f.Expected+f.Found, tamperKey) {
				t.Errorf("%s: key in finding %+v", c.name, f)
			}
		}
	}
}

func TestTamperSignature(t *testing.T) {
	b, _, _ := signedSeed(t, tamperKey)
	one := func(name string, b []byte, seal *Seal, found string) {
		t.Helper()
		got := checkBytes(t, b, seal)
		if len(got) != 1 || got[0].Rule != "tpl.signature" || got[0].Found != found || got[0].Severity != Error {
			t.Errorf("%s: want one tpl.signature %q, got %s", name, found, tdump(got))
		}
	}
	one("wrong key", b, &Seal{Key: mustKey(t, "somebody-else-key")}, "其他密钥的签名")
	// Lower a target in the signed record itself as well as on the form:
	// the record no longer matches its MAC.
	fp := editPart(t, b, "", "xl/sharedStrings.xml", func(x string) string {
		if !strings.Contains(x, `≥10.00(项)`) {
			t.Fatal("no target in shared strings")
		}
		return strings.ReplaceAll(x, `≥10.00(项)`, `≥5.00(项)`)
	})
	one("record altered", fp, &Seal{Key: mustKey(t, tamperKey)}, "签名不符")
	unsigned, err := template.Build(seedSpec(t).Projects, template.Options{Profile: formulas.Default(), Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	ub, _ := unsigned.Bytes()
	one("no signature", ub, &Seal{Key: mustKey(t, tamperKey)}, "无签名")
	if got := checkBytes(t, ub, nil); len(got) != 0 {
		t.Errorf("without a key the checks must stay silent: %s", tdump(got))
	}
}

func TestTamperAgainstSpec(t *testing.T) {
	s := seedSpec(t)
	unsigned, err := template.Build(s.Projects, template.Options{Profile: formulas.Default(), Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := unsigned.Bytes()
	lay := template.NewLayout(len(s.Projects[0].Indicators), formulas.Default())
	seal := &Seal{Specs: template.SpecRecords(s, formulas.Default())}
	if got := checkBytes(t, b, seal); len(got) != 0 {
		t.Fatalf("form as made: %s", tdump(got))
	}
	b = editPart(t, b, s.Projects[0].Name, "", func(x string) string {
		x = setCell(t, x, lay.Ref("ind.3.weight"), `><v>12</v></c>`)
		return insertRow(x, lay.IndRow(2))
	})
	findingsMatch(t, "spec", checkBytes(t, b, seal), []want{
		{"tpl.changed", fmt.Sprintf("C%d", lay.IndRow(2)), ""},
		{"tpl.changed", fmt.Sprintf("F%d", lay.IndRow(3)+1), "10"},
	})
	s.Projects[0].Name = "别的项目"
	other := &Seal{Specs: template.SpecRecords(s, formulas.Default())}
	if got := checkBytes(t, b, other); len(got) != 1 || got[0].Cell != lay.Ref("project") {
		t.Errorf("project not in the spec: %s", tdump(got))
	}
}

// A form signed with the key is still compared with --spec: whoever got a
// changed spec signed (issue 14: a signing oracle) is caught by the spec.
func TestTamperSignedOtherSpec(t *testing.T) {
	s := seedSpec(t)
	orig := template.SpecRecords(s, formulas.Default())
	s.Projects[0].Funds.Current.Budget = template.D("30")
	s.Projects[0].Indicators[1].Target = "≥5.00(项)"
	w, err := template.Build(s.Projects, template.Options{Profile: formulas.Default(), Year: 2024, SignKey: mustKey(t, tamperKey)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := w.Bytes()
	lay := template.NewLayout(len(s.Projects[0].Indicators), formulas.Default())
	if got := checkBytes(t, b, &Seal{Key: mustKey(t, tamperKey)}); len(got) != 0 {
		t.Fatalf("the seal itself is valid: %s", tdump(got))
	}
	got := checkBytes(t, b, &Seal{Key: mustKey(t, tamperKey), Specs: orig})
	findingsMatch(t, "signed, other spec", got, []want{
		{"tpl.changed", lay.Ref("funds.1.budget"), "17.52"},
		{"tpl.changed", lay.Ref("ind.1.target"), "≥10.00(项)"},
	})
}

// BenchmarkCheckSigned checks the signed seed form without its key, with
// it, and with it through excelize (what a key used to force): the key
// now costs the seal comparison, not a second reader.
func BenchmarkCheckSigned(b *testing.B) {
	data, _, _ := signedSeed(b, tamperKey)
	key := &Seal{Key: mustKey(b, tamperKey)}
	for _, c := range []struct {
		name string
		opt  ReadOptions
	}{{"no key", ReadOptions{}}, {"key", ReadOptions{Seal: key}}, {"key, excelize", ReadOptions{Seal: key, path: xlsx.ExcelizeOnly}}} {
		b.Run(c.name, func(b *testing.B) {
			k := NewChecker(Checks(), c.opt)
			b.ReportAllocs()
			for b.Loop() {
				if r := k.CheckReader(bytes.NewReader(data), int64(len(data)), "signed.xlsx"); r.Err != nil || len(r.Forms) != 1 {
					b.Fatal(r.Err)
				}
			}
		})
	}
}
