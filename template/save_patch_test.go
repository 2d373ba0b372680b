package template

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// regexpCell and regexpPatch are how patchCells used to work; the
// hand-written scan must give the same bytes.
var regexpCell = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f>(?:<v>[^<]*</v>)?</c>`)

func regexpPatch(b []byte, vals map[string]any) []byte {
	return regexpCell.ReplaceAllFunc(b, func(m []byte) []byte {
		sm := regexpCell.FindSubmatch(m)
		v, ok := vals[string(sm[1])]
		if !ok {
			return m
		}
		attrs := strings.Replace(string(sm[2]), ` t="str"`, "", 1)
		var val string
		switch x := v.(type) {
		case decimal.Decimal:
			val = x.String()
		case bool:
			attrs += ` t="b"`
			val = map[bool]string{true: "1", false: "0"}[x]
		default:
			attrs += ` t="str"`
			var e bytes.Buffer
			_ = xml.EscapeText(&e, []byte(fmt.Sprint(x)))
			val = e.String()
		}
		f := strings.ReplaceAll(string(sm[3]), "&#34;", `"`)
		return []byte(fmt.Sprintf(`<c r="%s"%s><f>%s</f><v>%s</v></c>`, sm[1], attrs, f, val))
	})
}

func TestPatchCellsMatchesRegexp(t *testing.T) {
	s := variedSpecT(t, 4)
	w, err := Build(s.Projects, opts())
	if err != nil {
		t.Fatal(err)
	}
	w.noCache, w.noShare = true, true
	x, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		t.Fatal(err)
	}
	paths, err := sheetPaths(zr)
	if err != nil {
		t.Fatal(err)
	}
	patched := 0
	for sheet, vals := range w.cache {
		var part []byte
		for _, zf := range zr.File {
			if zf.Name == paths[sheet] {
				part, _ = readZip(zf)
			}
		}
		if len(part) == 0 {
			t.Fatalf("no part for %s", sheet)
		}
		got, want := patchCells(part, vals, nil, nil), regexpPatch(part, vals)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: patchCells differs from the regexp", sheet)
		}
		patched += bytes.Count(got, []byte("</f><v>"))
	}
	// Odd cells: no formula, a stale value, a str type, text needing escapes,
	// a newline in the formula, quotes escaped as excelize does.
	odd := []byte(`<row><c r="A1" s="2"><f>B1+1</f><v>9</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f></c>` +
		`<c r="C1"><v>3</v></c><c r="D1"><f>1
+2</f></c><c r="F1" s="1"><f>2</f></c><c r="G1"><f>IF(A1=&#34;&#34;,&#34;&lt;&#34;,1)</f></c></row>`)
	vals := map[string]any{"A1": decimal.RequireFromString("17.50"), "B1": `<&>"`, "C1": "x", "D1": "y", "E1": "z", "F1": decimal.Zero, "G1": "<"}
	if got, want := patchCells(odd, vals, nil, nil), regexpPatch(odd, vals); !bytes.Equal(got, want) {
		t.Errorf("odd cells:\n got %s\nwant %s", got, want)
	}
	// A cell with more than a value after its formula is left alone, and the
	// next cell still gets its value (the regexp ran on into it).
	tail := []byte(`<c r="E1"><f>1</f><v>2</v><x/></c><c r="F1" s="1"><f>2</f></c>`)
	want := `<c r="E1"><f>1</f><v>2</v><x/></c><c r="F1" s="1"><f>2</f><v>0</v></c>`
	if got := patchCells(tail, vals, nil, nil); string(got) != want {
		t.Errorf("tail: got %s, want %s", got, want)
	}
	if patched < 100 {
		t.Errorf("only %d formula cells got a value", patched)
	}
}

// variedSpecT is variedSpec for tests.
func variedSpecT(t *testing.T, n int) *Spec {
	s := readSeed(t, "seed1.yaml")
	s2 := readSeed(t, "seed2.yaml")
	all := append(s.Projects, s2.Projects...)
	out := &Spec{Year: 2024}
	for i := 0; i < n; i++ {
		pr := *all[i%len(all)]
		pr.Name = fmt.Sprintf("%s%d", pr.Name, i)
		out.Projects = append(out.Projects, &pr)
	}
	return out
}

// TestAppendEscaped: formula text is escaped as xml.EscapeText escapes
// it, quotes left as they are.
func TestAppendEscaped(t *testing.T) {
	for _, f := range []string{"", "A1", `IF(A1<>"",">=",'x'!B2&"&")`, "SUBSTITUTE(D13,\"　\",\"\")", "a\tb\nc\rd", "x\x01y", "\xff", "😀<", "≥≧═＝"} {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(f))
		want := strings.ReplaceAll(e.String(), "&#34;", `"`)
		if got := string(appendEscaped(nil, f)); got != want {
			t.Errorf("%q: got %q, want %q", f, got, want)
		}
	}
}
