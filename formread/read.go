// Package formread turns a sheet's grid and a layout into a form.Form:
// the one place that knows where a form's fields sit. A sheet carrying our
// fingerprint is read cell by cell as recorded; any other is matched to
// the layout that explains it best and read by its labels. Workbooks are
// opened by internal/xlsx (excelize behind the same interface), which owns
// the limits on hostile input; Reader.Book reads every sheet of one.
// Package validate holds only the checks.
package formread

import (
	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Reader reads forms with a set of layouts and a profile. Build one per
// check run (it holds each layout's labels) and share it.
type Reader struct {
	ls *layoutSet
	p  *formulas.Profile
}

// NewReader returns a reader for layouts (nil: layout.Builtin()) and
// profile p (nil: formulas.Default()).
func NewReader(layouts []*layout.Layout, p *formulas.Profile) *Reader {
	if p == nil {
		p = formulas.Default()
	}
	return &Reader{newLayoutSet(layouts, p), p}
}

// Sheet reads the forms on g: by the fingerprint fp when the sheet still
// fits it, by labels otherwise (an export may stack several forms on one
// sheet). blank is set when the sheet shows nothing; no forms and not
// blank means no form was found.
func (rd *Reader) Sheet(g *Grid, fp *form.Fingerprint) (forms []*form.Form, blank bool) {
	lr := rd.ls.rs[0]
	if fp != nil {
		lr = rd.ls.named(fp.Layout)
	}
	g.lb, g.lay = lr.lb, lr.l
	if fp != nil {
		if fm := readByFingerprint(g, fp, rd.p); fm != nil {
			return []*form.Form{fm}, false
		}
	}
	if g.blank() {
		return nil, true
	}
	lr = rd.ls.pick(g)
	g.lb, g.lay = lr.lb, lr.l
	for from := 0; from < g.rows(); {
		fm, next := readByLabels(g, from)
		if fm == nil {
			break
		}
		fm.Template = fp
		forms = append(forms, fm)
		from = next
	}
	return forms, false
}

// shownOf is what a cell shows (form.Cell.Shown).
func shownOf(c form.Cell) string { return c.Shown() }

// Rows is the number of rows the sheet shows.
func (g *Grid) Rows() int { return g.rows() }

// Cell reads (r, c), 0-based, as a field, following merges.
func (g *Grid) Cell(r, c int) form.Cell { return g.cell(r, c) }

// Stored is the raw value and formula of (r, c), 0-based.
func (g *Grid) Stored(r, c int) (raw, formula string) { return g.sh.Stored(r, c) }

// Merges are the merged ranges, "A1:B2", in sheet order.
func (g *Grid) Merges() []string {
	out := make([]string, len(g.merges))
	for i, m := range g.merges {
		out[i] = a1Of(m.r0, m.c0) + ":" + a1Of(m.r1, m.c1)
	}
	return out
}

// Scanned reports whether the values and formulas come from the reader's
// own scan of the sheet (else excelize is asked cell by cell).
func (g *Grid) Scanned() bool { return g.sh.Scanned() }
