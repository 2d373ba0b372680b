package form

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// parseFingerprint gives what json.Unmarshal gives wherever it answers:
// over fingerprints as written and over texts mutated from them (cut,
// bytes changed or inserted, keys renamed, escapes, numbers, null,
// duplicates), and it answers for every text json.Marshal writes.
func TestParseFingerprintSameAsJSON(t *testing.T) {
	fields := map[string]string{"project": "C3", "funds.0.budget": "D6", "ind.0.target": "D13", "ind.12.actual": "E25"}
	var texts []string
	for _, fp := range []*Fingerprint{
		{Generator: "xlsxeval", Version: "1", Profile: "default", Sheet: "信息化运维项目", Rows: 12, Layout: "seed", Fields: fields},
		{Generator: "xlsxeval", Sheet: `a "quoted" \ sheet`, Rows: 0},
		{Sheet: "x", Rows: 100000, Fields: map[string]string{}},
	} {
		b, err := json.Marshal(fp)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
		want := &Fingerprint{}
		if err := json.Unmarshal(b, want); err != nil {
			t.Fatal(err)
		}
		if got, ok := parseFingerprint(string(b)); !ok && !strings.Contains(string(b), `\`) || ok && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v %v, want %+v", b, got, ok, want)
		}
	}
	texts = append(texts, `{}`, ` { "rows" : 3 , "fields" : { } } `, `{"rows":-1}`, `{"rows":03}`, `{"rows":3.0}`, `{"rows":3e1}`,
		`{"rows":null}`, `{"sheet":null}`, `{"Sheet":"x"}`, `{"sheet":"a","sheet":"b"}`, `{"fields":{"a":"1"},"fields":{"b":"2"}}`,
		`{"fields":{"a":"1","a":"2"}}`, `{"sheet":"\u4e00"}`, `{"sheet":"a\nb"}`, "{\"sheet\":\"\xff\"}", `{"x":1}`, `{"rows":1}x`,
		`{"rows":1,}`, `{,}`, `[]`, ``, `{"rows":99999999999}`, `{"fields":{"a":1}}`, `{"fields":null}`)
	pieces := []string{`"`, `\`, `{`, `}`, `,`, `:`, ` `, `0`, `-`, `null`, `"rows"`, `"fields"`, `"sheet"`, `é`, "\x01", `\u0041`}
	r := rand.New(rand.NewPCG(1, 1))
	answered := 0
	for i := 0; i < 30000; i++ {
		s := texts[r.IntN(len(texts))]
		for j := r.IntN(4) - 1; j >= 0 && len(s) > 0; j-- { // none to three edits
			k := r.IntN(len(s) + 1)
			switch r.IntN(3) {
			case 0:
				s = s[:k]
			case 1:
				s = s[:k] + pieces[r.IntN(len(pieces))] + s[k:]
			default:
				if k < len(s) {
					s = s[:k] + s[k+1:]
				}
			}
		}
		got, ok := parseFingerprint(s)
		if !ok {
			continue
		}
		answered++
		want := &Fingerprint{}
		if err := json.Unmarshal([]byte(s), want); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %+v, json.Unmarshal %+v (%v)", s, got, want, err)
		}
	}
	if answered < 1000 {
		t.Errorf("only %d texts answered", answered)
	}
}

// BenchmarkParseFingerprint reads a fingerprint of a form with 20
// indicator rows (~160 fields), as parseFingerprint and as
// json.Unmarshal did.
func BenchmarkParseFingerprint(b *testing.B) {
	fp := &Fingerprint{Generator: "xlsxeval", Version: "1", Profile: "default", Sheet: "信息化运维项目", Rows: 20, Layout: "seed", Fields: map[string]string{}}
	f := &Form{Indicators: make([]Indicator, 20)}
	f.Each(func(k Key, _ *Cell) { fp.Fields[k.String()] = "AB123" })
	data, err := json.Marshal(fp)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parseFingerprint", func(b *testing.B) {
		for b.Loop() {
			if _, ok := parseFingerprint(string(data)); !ok {
				b.Fatal("not read")
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			if err := json.Unmarshal(data, &Fingerprint{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
