package xlsx

import (
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
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
	err = walk(d, func(t xml.StartElement, stack []string) error {
		n := len(stack)
		switch {
		case t.Name.Local == "si" && n == 2:
			if b.opt.MaxCells > 0 && len(b.strs) >= b.opt.MaxCells {
				return unsupported("more than %d shared strings", b.opt.MaxCells)
			}
			b.strs = append(b.strs, "")
			it = item{}
		case n > 2 && stack[1] == "si":
			return it.start(t, stack[2:])
		}
		return nil
	}, func(t xml.CharData, stack []string) {
		if len(stack) > 2 && stack[1] == "si" {
			it.text(t, stack[2:])
			if len(b.strs) > 0 {
				b.strs[len(b.strs)-1] = it.String()
			}
		}
	})
	return err
}

// item collects a rich text (<si> or <is>): its own <t> and its runs'.
type item struct {
	t    strings.Builder
	runs strings.Builder
	nt   int // direct <t> elements
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

func (it *item) text(t xml.CharData, path []string) {
	switch {
	case len(path) == 1 && path[0] == "t":
		it.t.Write(t)
	case len(path) == 2 && path[0] == "r" && path[1] == "t":
		it.runs.Write(t)
	}
}

func (it *item) String() string {
	if it.runs.Len() == 0 {
		return bstr(it.t.String())
	}
	return bstr(it.t.String() + it.runs.String())
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
