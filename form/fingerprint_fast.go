package form

import (
	"strconv"
	"unicode/utf8"
)

// parseFingerprint decodes one fingerprint's JSON in the shape
// WriteFingerprints writes it: the fields by their exact names, plain
// strings, rows a plain integer, each field once. It gives what
// json.Unmarshal gives for such a text (a checker reads one per
// workbook, and encoding/json's reflection was a twentieth of its
// time); ok is false for anything else, which json.Unmarshal then reads.
func parseFingerprint(s string) (fp *Fingerprint, ok bool) {
	p := fpParser{s: s}
	fp = &Fingerprint{}
	if !p.eat('{') {
		return nil, false
	}
	seen := map[string]bool{} // a key twice: "fields" would merge
	for first := true; ; first = false {
		if p.eat('}') {
			break
		}
		if !first && !p.eat(',') {
			return nil, false
		}
		key, ok := p.str()
		if !ok || seen[key] || !p.eat(':') || !p.value(fp, key) {
			return nil, false
		}
		seen[key] = true
	}
	p.space()
	return fp, p.i == len(p.s)
}

// fpParser reads a JSON text from position i.
type fpParser struct {
	s string
	i int
}

func (p *fpParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// eat skips white space and c, reporting whether c was there.
func (p *fpParser) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string with no escapes, control characters or invalid
// UTF-8 (which json.Unmarshal would rewrite).
func (p *fpParser) str() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"':
			v := p.s[start:p.i]
			p.i++
			return v, utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

// value reads the value of key into fp.
func (p *fpParser) value(fp *Fingerprint, key string) bool {
	var dst *string
	switch key {
	case "generator":
		dst = &fp.Generator
	case "version":
		dst = &fp.Version
	case "profile":
		dst = &fp.Profile
	case "sheet":
		dst = &fp.Sheet
	case "layout":
		dst = &fp.Layout
	case "rows":
		return p.rows(fp)
	case "fields":
		return p.fields(fp)
	default:
		return false
	}
	v, ok := p.str()
	*dst = v
	return ok
}

// rows reads a non-negative integer without sign, leading zero, fraction
// or exponent, small enough for any int.
func (p *fpParser) rows(fp *Fingerprint) bool {
	p.space()
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	d := p.s[start:p.i]
	if d == "" || len(d) > 9 || len(d) > 1 && d[0] == '0' {
		return false
	}
	if p.i < len(p.s) && (p.s[p.i] == '.' || p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		return false
	}
	n, err := strconv.Atoi(d)
	fp.Rows = n
	return err == nil
}

// fields reads an object of strings.
func (p *fpParser) fields(fp *Fingerprint) bool {
	if !p.eat('{') {
		return false
	}
	fp.Fields = map[string]string{}
	for first := true; ; first = false {
		if p.eat('}') {
			return true
		}
		if !first && !p.eat(',') {
			return false
		}
		k, ok := p.str()
		if !ok || !p.eat(':') {
			return false
		}
		v, ok := p.str()
		if !ok {
			return false
		}
		fp.Fields[k] = v
	}
}
