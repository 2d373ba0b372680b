package xlsx

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// events lists what a walk sees: start tags with attributes, and text
// runs joined.
func events(data string) ([]string, error) {
	var out []string
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, "text "+text.String())
			text.Reset()
		}
	}
	err := walk([]byte(data), func(t xml.StartElement, stack []string) error {
		flush()
		out = append(out, fmt.Sprintf("start %s %v %v", strings.Join(stack, "/"), t.Name, t.Attr))
		return nil
	}, func(t xml.CharData, _ []string) { text.Write(t) })
	flush()
	return out, err
}

// stdEvents is the same from encoding/xml.
func stdEvents(data string) ([]string, error) {
	d := xml.NewDecoder(strings.NewReader(data))
	var out, stack []string
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 && len(stack) > 0 {
			out = append(out, "text "+text.String())
		}
		text.Reset()
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			flush()
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			flush()
			stack = append(stack, t.Name.Local)
			if len(t.Attr) == 0 {
				t.Attr = nil
			}
			out = append(out, fmt.Sprintf("start %s %v %v", strings.Join(stack, "/"), t.Name, t.Attr))
		case xml.EndElement:
			flush()
			stack = stack[:len(stack)-1]
		case xml.CharData:
			text.Write(t)
		}
	}
}

func TestWalkMatchesEncodingXML(t *testing.T) {
	docs := []string{
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
			`<x:worksheet xmlns:x="urn:x" xmlns:r="urn:r"><x:sheetData><x:row r="1" spans='1:3'>` +
			`<x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" s = "2" ><x:f>SUM(A1:A2)&amp;"&lt;&gt;"</x:f><x:v>1.5</x:v></x:c>` +
			`<x:c r="C1" t="inlineStr"><x:is><x:t xml:space="preserve"> a&#13;b&#x41;&quot;&apos; ` + "\r\n x\r y" + `</x:t></x:is></x:c>` +
			`</x:row></x:sheetData><!-- a comment --><x:mergeCells count="1"><x:mergeCell ref="A1:B2"/></x:mergeCells></x:worksheet>`,
		`<sst><si><t><![CDATA[<b>&amp;</b>]]>x</t></si><si><r><rPr><b/></rPr><t>一</t></r><r><t>二</t></r><rPh><t>yi</t></rPh></si></sst>`,
		`<a b="x&#10;y	z"/>`,
		`<a b="&#x1F600;&#65;">&#x10FFFF;&#0065;&#xd7ff;&amp;&lt;</a>`,
	}
	for _, d := range docs {
		got, err := events(d)
		want, werr := stdEvents(d)
		if err != nil || werr != nil {
			t.Fatalf("%v / %v", err, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("walk:\n%s\nencoding/xml:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	for _, bad := range []string{
		`<a>&nbsp;</a>`, `<a>` + "\x01" + `</a>`, `<a>` + "\xff" + `</a>`, `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`,
		`<?xml version="1.0" encoding="GBK"?><a/>`, `<a b=c/>`, `<a>&#0;</a>`,
		`<a>&#x110000;</a>`, `<a>&#X41;</a>`, `<a>&#;</a>`, `<a>&#x;</a>`, `<a>&#xD800;</a>`, `<a>&#99999999999999999999;</a>`,
	} {
		if _, err := events(bad); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%q: %v, want unsupported", bad, err)
		}
	}
	for _, broken := range []string{`<a><b></a>`, `<a>`, `</a>`} {
		if _, err := events(broken); err == nil {
			t.Errorf("%q read without error", broken)
		}
	}
}

// checkChars reads eight ASCII bytes at a time; it must refuse exactly
// what a byte-by-byte check refuses.
func TestCheckCharsWordAtATime(t *testing.T) {
	slow := func(b []byte) bool {
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b)
			if r == utf8.RuneError && n == 1 || !inRange(r) {
				return false
			}
			b = b[n:]
		}
		return true
	}
	alphabet := []string{"a", "Z", " ", "~", "\x7f", "\t", "\n", "\r", "\x00", "\x1f", "\x01", "一", "\xff", "\xe4\xb8", "😀", "\uFFFE", "\uFFFD"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b []byte
		for range r.IntN(40) {
			if r.IntN(4) == 0 {
				b = append(b, alphabet[r.IntN(len(alphabet))]...)
			} else {
				b = append(b, byte('a'+r.IntN(26)))
			}
		}
		if got, want := checkChars(b) == nil, slow(b); got != want {
			t.Fatalf("checkChars(%q) ok=%v, want %v", b, got, want)
		}
	}
}
