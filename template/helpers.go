package template

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/xlsxeval/xlsxeval/formulas"
)

// The hidden helper cells are most of a form's cells (about 21 a row).
// Two things make them cheap to write: rows that read the same inputs
// are evaluated once per spec (rowValues), and the cells go into the
// sheet part after excelize has written it (withHelpers), not through
// excelize's per-cell calls and XML marshalling.

// rowValues are the helper values of indicator rows by what the helpers
// read (the row's inputs), shared by the workbooks of one spec: a spec's
// rows often repeat a target, actual, weight and categories.
type rowValues struct {
	mu   sync.Mutex
	vals map[string][]formulas.Val
}

// maxRowValues bounds the rows remembered (about 2.5 KB each).
const maxRowValues = 4096

// get returns the values of rules' helpers, in helperNames order, over
// env (the row's inputs), which it extends with them.
func (c *rowValues) get(rules map[string]formulas.Expr, env formulas.Env) ([]formulas.Val, error) {
	key, ok := inputKey(env)
	if ok {
		c.mu.Lock()
		vs := c.vals[key]
		c.mu.Unlock()
		if vs != nil {
			return vs, nil
		}
	}
	vs := make([]formulas.Val, len(helperNames))
	for k, n := range helperNames {
		v, err := rules["helper."+n].Eval(env)
		if err != nil {
			return nil, fmt.Errorf("helper.%s: %w", n, err)
		}
		vs[k], env[n] = v, v
	}
	if ok {
		c.mu.Lock()
		if len(c.vals) < maxRowValues {
			c.vals[key] = vs
		}
		c.mu.Unlock()
	}
	return vs, nil
}

// inputKey spells env's bindings, every one, so that envs alike have the
// same key; false when a value is not one text or one exact number.
func inputKey(env formulas.Env) (string, bool) {
	names := make([]string, 0, len(env))
	for n := range env {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		v := env[n]
		var s string
		switch {
		case v.IsStr && len(v.Strs) == 1:
			s = "s" + v.Strs[0]
		case v.IsNum() && v.Num.Point():
			// The exponent too: 5 and 5.00 are the same number, not the same decimal.
			s = "n" + v.Num.Lo.String() + "e" + strconv.Itoa(int(v.Num.Lo.Exponent()))
		default:
			return "", false
		}
		for _, p := range [2]string{n, s} {
			b.WriteString(strconv.Itoa(len(p)))
			b.WriteByte(':')
			b.WriteString(p)
		}
	}
	return b.String(), true
}

// helper records helper cell ref, formula f of rule name over refs with
// value v, for withHelpers to write.
func (s *sheetWriter) helper(ref, name string, refs formulas.Refs, f string, v formulas.Val, row int) {
	if s.err != nil {
		return
	}
	if s.w.helpersViaExcelize {
		s.formula(ref, name, refs, f, v, s.w.st.helper)
		return
	}
	s.note(ref, name, refs, f, v)
	rows := s.w.helperRows[s.sheet]
	if rows == nil {
		rows = map[int][]string{}
		s.w.helperRows[s.sheet] = rows
	}
	rows[row] = append(rows[row], ref)
}

// withHelpers appends to each row of rows (by number) its helper cells,
// refs in column order right of every other cell, written as excelize
// writes a formula cell of style: patchCells then gives them their
// formula and value like every other formula cell.
func withHelpers(b []byte, rows map[int][]string, style int) ([]byte, error) {
	if len(rows) == 0 {
		return b, nil
	}
	stub := []byte(`" s="` + strconv.Itoa(style) + `" t="str"><f>` + formulaStub + `</f></c>`)
	out := make([]byte, 0, len(b)+len(rows)*len(helperNames)*(len(stub)+12))
	done := 0
	for {
		i := bytes.Index(b, []byte(`<row r="`))
		if i < 0 {
			break
		}
		j := i + len(`<row r="`)
		k := bytes.IndexByte(b[j:], '"')
		end := bytes.Index(b[j:], []byte(`</row>`))
		if k < 0 || end < 0 {
			break
		}
		end += j
		r, _ := strconv.Atoi(string(b[j : j+k]))
		refs := rows[r]
		if len(refs) == 0 {
			out, b = append(out, b[:end]...), b[end:]
			continue
		}
		if last := lastCol(b[j:end]); last >= colOf(refs[0]) {
			return nil, fmt.Errorf("template: row %d has a cell in column %d, at or right of its helpers", r, last)
		}
		out = append(out, b[:end]...)
		for _, ref := range refs {
			out = append(append(append(out, `<c r="`...), ref...), stub...)
		}
		b = b[end:]
		done++
	}
	if done != len(rows) {
		return nil, fmt.Errorf("template: %d of %d rows with helpers not in the sheet", len(rows)-done, len(rows))
	}
	return append(out, b...), nil
}

// lastCol is the column of the last cell in row XML b, 0 for none.
func lastCol(b []byte) int {
	i := bytes.LastIndex(b, []byte(`<c r="`))
	if i < 0 {
		return 0
	}
	return colOf(string(b[i+len(`<c r="`):]))
}

// colOf is the column number of the reference ref starts with.
func colOf(ref string) int {
	c := 0
	for i := 0; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		c = c*26 + int(ref[i]-'A'+1)
	}
	return c
}
