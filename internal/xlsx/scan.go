package xlsx

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// walk feeds every start element of the XML in data, with the local
// names of the elements it sits in (itself last), to start, and every
// run of text to text. It is a hand-written scanner for the XML Office
// writes, several times faster than encoding/xml; it gives the same
// names, attribute values and text as encoding/xml's RawToken, and
// refuses (ErrUnsupported) what it does not read the same way: a DOCTYPE,
// another encoding, characters XML forbids, unknown entities. Names and
// attribute values share data's memory (walker.str): data must not be
// written afterwards.
func walk(data []byte, start func(xml.StartElement, []string) error, text func(xml.CharData, []string)) error {
	w := walker{data: data}
	return w.run(start, text)
}

type walker struct {
	data  []byte
	pos   int
	stack []string
	buf   []byte // decoded text or attribute value
	attrs []xml.Attr
}

func (w *walker) run(start func(xml.StartElement, []string) error, text func(xml.CharData, []string)) error {
	d := w.data
	for w.pos < len(d) {
		lt := bytes.IndexByte(d[w.pos:], '<')
		end := len(d)
		if lt >= 0 {
			end = w.pos + lt
		}
		if end > w.pos {
			t, err := w.text(d[w.pos:end])
			if err != nil {
				return err
			}
			if text != nil && len(w.stack) > 0 {
				text(t, w.stack)
			} else if len(w.stack) == 0 && len(bytes.TrimLeft(t, " \t\r\n")) > 0 {
				return unsupported("text outside the root element")
			}
		}
		if lt < 0 {
			break
		}
		w.pos = end
		if err := w.markup(start, text); err != nil {
			return err
		}
	}
	if len(w.stack) != 0 {
		return fmt.Errorf("xlsx: unexpected end of XML in <%s>", w.stack[len(w.stack)-1])
	}
	return nil
}

// markup reads the markup at w.pos, which is '<'.
func (w *walker) markup(start func(xml.StartElement, []string) error, text func(xml.CharData, []string)) error {
	d := w.data[w.pos:]
	switch {
	case bytes.HasPrefix(d, []byte("<?")):
		i := bytes.Index(d, []byte("?>"))
		if i < 0 {
			return unsupported("unterminated processing instruction")
		}
		if err := checkDecl(d[2:i]); err != nil {
			return err
		}
		w.pos += i + 2
	case bytes.HasPrefix(d, []byte("<!--")):
		i := bytes.Index(d[4:], []byte("-->"))
		if i < 0 {
			return unsupported("unterminated comment")
		}
		w.pos += 4 + i + 3
	case bytes.HasPrefix(d, []byte("<![CDATA[")):
		i := bytes.Index(d[9:], []byte("]]>"))
		if i < 0 {
			return unsupported("unterminated CDATA")
		}
		t := d[9 : 9+i]
		if err := checkChars(t); err != nil {
			return err
		}
		if text != nil && len(w.stack) > 0 {
			text(crlf(t), w.stack)
		}
		w.pos += 9 + i + 3
	case bytes.HasPrefix(d, []byte("<!")):
		return unsupported("DOCTYPE or declaration")
	case bytes.HasPrefix(d, []byte("</")):
		i := bytes.IndexByte(d, '>')
		if i < 0 {
			return unsupported("unterminated end tag")
		}
		name := d[2:i]
		if len(name) > 0 && isSpace(name[len(name)-1]) {
			name = bytes.TrimRight(name, " \t\r\n")
		}
		if len(w.stack) == 0 || string(localName(name)) != w.stack[len(w.stack)-1] {
			return fmt.Errorf("xlsx: unexpected </%s>", name)
		}
		w.stack = w.stack[:len(w.stack)-1]
		w.pos += i + 1
	default:
		return w.startTag(start)
	}
	return nil
}

// startTag reads <name attr="v" ...> or <name .../>.
func (w *walker) startTag(start func(xml.StartElement, []string) error) error {
	d := w.data
	i := w.pos + 1
	n := nameEnd(d, i)
	if n == i {
		return unsupported("bad tag")
	}
	// The attribute slice is reused: callers read it during the call only.
	el := xml.StartElement{Name: w.splitName(d[i:n]), Attr: w.attrs[:0]}
	i = n
	for {
		i = skipSpace(d, i)
		if i >= len(d) {
			return unsupported("unterminated tag")
		}
		if d[i] == '>' || (d[i] == '/' && i+1 < len(d) && d[i+1] == '>') {
			break
		}
		if i == n {
			return unsupported("no space before an attribute")
		}
		e := nameEnd(d, i)
		if e == i {
			return unsupported("bad attribute")
		}
		a := xml.Attr{Name: w.splitName(d[i:e])}
		i = skipSpace(d, e)
		if i >= len(d) || d[i] != '=' {
			return unsupported("attribute without value")
		}
		i = skipSpace(d, i+1)
		if i >= len(d) || (d[i] != '"' && d[i] != '\'') {
			return unsupported("unquoted attribute")
		}
		q := bytes.IndexByte(d[i+1:], d[i])
		if q < 0 {
			return unsupported("unterminated attribute")
		}
		raw := d[i+1 : i+1+q]
		if bytes.IndexByte(raw, '<') >= 0 {
			return unsupported("'<' in an attribute")
		}
		v, err := w.text(raw)
		if err != nil {
			return err
		}
		a.Value = w.str(v)
		el.Attr = append(el.Attr, a)
		i += q + 2
		n = -1 // a space must come before the next attribute
		if i < len(d) && !isSpace(d[i]) {
			n = i
		}
	}
	w.attrs = el.Attr
	w.stack = append(w.stack, el.Name.Local)
	if err := start(el, w.stack); err != nil {
		return err
	}
	if d[i] == '/' {
		w.stack = w.stack[:len(w.stack)-1]
		i++
	}
	w.pos = i + 1
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(d []byte, i int) int {
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	return i
}

// nameEnd is the end of the XML name starting at i.
func nameEnd(d []byte, i int) int {
	for i < len(d) {
		c := d[i]
		if isSpace(c) || c == '>' || c == '/' || c == '=' || c == '<' || c == '"' || c == '\'' {
			break
		}
		i++
	}
	return i
}

func (w *walker) splitName(b []byte) xml.Name {
	if i := bytes.IndexByte(b, ':'); i > 0 {
		return xml.Name{Space: w.str(b[:i]), Local: w.str(b[i+1:])}
	}
	return xml.Name{Local: w.str(b)}
}

// localName is an element name without its prefix.
func localName(b []byte) []byte {
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// str is b as a string. Names and most values lie in the XML as they
// are, and those share its memory instead of being copied: walk's data is
// never written, so the strings stay valid (and keep it alive) for as long
// as anyone holds them. Decoded text lives in a reused buffer and is
// copied.
func (w *walker) str(b []byte) string {
	if within(w.data, b) {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return string(b)
}

// within reports whether b is a non-empty part of data.
func within(data, b []byte) bool {
	if len(b) == 0 || len(data) == 0 {
		return false
	}
	p, d := uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	return p >= d && p+uintptr(len(b)) <= d+uintptr(len(data))
}

// text decodes character data as encoding/xml does: entities and
// character references resolved, line ends made "\n".
func (w *walker) text(t []byte) ([]byte, error) {
	if err := checkChars(t); err != nil {
		return nil, err
	}
	// Line ends are made "\n" before references are resolved, so &#13;
	// stays a carriage return, as in encoding/xml.
	t = crlf(t)
	if bytes.IndexByte(t, '&') < 0 {
		return t, nil
	}
	out := w.buf[:0]
	for len(t) > 0 {
		i := bytes.IndexByte(t, '&')
		if i < 0 {
			out = append(out, t...)
			break
		}
		out = append(out, t[:i]...)
		t = t[i:]
		semi := bytes.IndexByte(t, ';')
		if semi < 0 {
			return nil, unsupported("bare '&'")
		}
		ent := t[1:semi]
		switch string(ent) { // no allocation for the switch
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			r, ok := charRef(ent)
			if !ok {
				return nil, unsupported("entity &%s;", ent)
			}
			out = utf8.AppendRune(out, r)
		}
		t = t[semi+1:]
	}
	w.buf = out
	return out, nil
}

func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if ent[1] == 'x' {
		base, digits = 16, ent[2:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range digits {
		d := uint64(36)
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			d = uint64(c|0x20-'a') + 10
		}
		if d >= uint64(base) {
			return 0, false
		}
		if n = n*uint64(base) + d; n > unicode.MaxRune {
			return 0, false
		}
	}
	if !inRange(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// crlf turns "\r\n" and a lone "\r" into "\n", as encoding/xml does.
func crlf(t []byte) []byte {
	if bytes.IndexByte(t, '\r') < 0 {
		return t
	}
	out := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		if t[i] == '\r' {
			out = append(out, '\n')
			if i+1 < len(t) && t[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, t[i])
	}
	return out
}

// checkChars refuses bytes that are not UTF-8 or not XML characters.
func checkChars(t []byte) error {
	for i := 0; i < len(t); {
		if i+8 <= len(t) && printable8(binary.LittleEndian.Uint64(t[i:])) {
			i += 8 // eight printable ASCII bytes at once: most of the XML
			continue
		}
		c := t[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return unsupported("control character in XML")
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(t[i:])
		if r == utf8.RuneError && n == 1 || !inRange(r) {
			return unsupported("invalid character in XML")
		}
		i += n
	}
	return nil
}

// printable8 reports whether the eight bytes of x are all within
// 0x20-0x7F. A byte below 0x20 sets its top bit in x-0x20..20 (a borrow
// it passes on can only add false alarms above it), one from 0x80 has
// it set in x.
func printable8(x uint64) bool {
	return ((x-0x2020202020202020)|x)&0x8080808080808080 == 0
}

// inRange is encoding/xml's isInCharacterRange.
func inRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// checkDecl refuses an XML declaration naming an encoding other than
// UTF-8 (encoding/xml, and so excelize, would need a charset reader).
func checkDecl(pi []byte) error {
	if !bytes.HasPrefix(pi, []byte("xml")) || len(pi) > 3 && !isSpace(pi[3]) {
		return nil
	}
	i := bytes.Index(pi, []byte("encoding"))
	if i < 0 {
		return nil
	}
	rest := bytes.TrimLeft(pi[i+len("encoding"):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return unsupported("XML declaration")
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) < 2 || (rest[0] != '"' && rest[0] != '\'') {
		return unsupported("XML declaration")
	}
	q := bytes.IndexByte(rest[1:], rest[0])
	if q < 0 || !bytes.EqualFold(rest[1:1+q], []byte("utf-8")) {
		return unsupported("XML encoding")
	}
	return nil
}
