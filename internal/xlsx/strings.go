package xlsx

import (
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"unsafe"
)

// readStrings reads the shared strings: each item's text and its rich
// text runs concatenated as excelize does (the plain text first, then the
// runs), phonetic runs left out.
func (b *Book) readStrings() error {
	d, err := b.part("xl/sharedStrings.xml")
	if err != nil || d == nil {
		return err
	}
	var it item
	open := false
	end := func() {
		if open {
			b.strs = append(b.strs, it.String(d))
		}
	}
	err = walk(d, func(t xml.StartElement, stack []string) error {
		n := len(stack)
		switch {
		case t.Name.Local == "si" && n == 2:
			end()
			if b.opt.MaxCells > 0 && len(b.strs) >= b.opt.MaxCells {
				return unsupported("more than %d shared strings", b.opt.MaxCells)
			}
			open = true
			it.reset()
		case n > 2 && stack[1] == "si":
			return it.start(t, stack[2:])
		}
		return nil
	}, func(t xml.CharData, stack []string) {
		if len(stack) > 2 && stack[1] == "si" {
			it.text(d, t, stack[2:])
		}
	})
	end()
	return err
}

// item collects a rich text (<si> or <is>): its own <t> and its runs'.
type item struct {
	t, runs piece
	nt      int // direct <t> elements
}

func (it *item) reset() {
	it.t.reset()
	it.runs.reset()
	it.nt = 0
}

// start sees an element inside the item; path is from the item's child.
func (it *item) start(t xml.StartElement, path []string) error {
	switch {
	case len(path) == 1 && path[0] == "t":
		if it.nt++; it.nt > 1 {
			return unsupported("two <t> in one string")
		}
	}
	return nil
}

// text sees text inside the item, from the XML data.
func (it *item) text(data []byte, t xml.CharData, path []string) {
	switch {
	case len(path) == 1 && path[0] == "t":
		it.t.add(data, t)
	case len(path) == 2 && path[0] == "r" && path[1] == "t":
		it.runs.add(data, t)
	}
}

// String is the item's text; it shares the memory of data, the XML it was
// read from, when it can (nil: a copy).
func (it *item) String(data []byte) string {
	if len(it.runs.b) == 0 {
		return bstr(it.t.str(data))
	}
	return bstr(string(it.t.b) + string(it.runs.b))
}

// piece gathers text from runs of character data. While it is a single
// run lying in the XML (the usual case), it is that run, not a copy, and
// its string shares the XML's memory (walker.str).
type piece struct {
	b      []byte // the text: in the XML when shared, else buf[:len(b)]
	buf    []byte // owned storage, reused
	shared bool
}

func (p *piece) reset() { p.b, p.shared = p.buf[:0], false }

func (p *piece) add(data, t []byte) {
	if len(p.b) == 0 && within(data, t) {
		p.b, p.shared = t, true
		return
	}
	if p.shared {
		p.buf, p.shared = append(p.buf[:0], p.b...), false
	}
	p.buf = append(p.buf[:len(p.b)], t...)
	p.b = p.buf
}

// str is the text as a string, sharing data's memory when it lies there.
func (p *piece) str(data []byte) string {
	if p.shared && within(data, p.b) {
		return unsafe.String(unsafe.SliceData(p.b), len(p.b))
	}
	return string(p.b)
}

var bstrExp = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// bstr undoes the _xHHHH_ escapes of characters XML cannot hold, as
// excelize's bstrUnmarshal does.
func bstr(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	cursor := 0
	for _, m := range bstrExp.FindAllStringIndex(s, -1) {
		out.WriteString(s[cursor:m[0]])
		cursor = m[1]
		if s[m[0]:m[1]] == "_x005F_" {
			out.WriteString("_")
			continue
		}
		v, _ := strconv.Unquote(`"\u` + s[m[0]+2:m[1]-1] + `"`)
		out.WriteString(v)
	}
	out.WriteString(s[cursor:])
	return out.String()
}
