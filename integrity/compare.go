package integrity

import (
	"fmt"
	"sort"

	"github.com/xlsxeval/xlsxeval/form"
)

// Kind is what a difference is about.
type Kind int

const (
	Changed        Kind = iota // a preset value changed, or an indicator added or deleted
	FormulaChanged             // a formula replaced by a constant, deleted or altered
	Unprotected                // sheet protection removed
)

// What happened, for messages.
const (
	NoteChanged  = "changed"
	NoteDeleted  = "deleted"  // an indicator or a formula is gone
	NoteAdded    = "added"    // an indicator not in the record
	NoteConstant = "constant" // a formula replaced by a constant
	NoteAltered  = "altered"  // a formula changed
)

// Diff is one difference between a record and a returned form.
type Diff struct {
	Kind     Kind
	Key      string // the field's key (form.Cells), or the formula's
	Cell     string // where it is now
	Expected string // the preset value, or "=formula"
	Found    string
	Note     string
}

// Sheet gives the current content of cells of the form's sheet.
type Sheet interface {
	Formula(ref string) string // without '='; "" when the cell has none
	Value(ref string) string   // the stored value
}

// Compare names every difference between rec and the form fm as read
// from sheet; protected tells whether the sheet is still protected.
// Indicators are matched by content (三级指标 and target), not by row, so
// inserted or deleted rows are reported as such and the rest still match.
func Compare(rec *Record, fm *form.Form, sheet Sheet, protected bool) []Diff {
	c := &comparer{rec: rec, fm: fm, cells: fm.Cells()}
	c.indicators()
	c.match()
	c.rows()
	c.fields()
	if sheet != nil {
		c.formulas(sheet)
	}
	if rec.Protected && !protected {
		c.out = append(c.out, Diff{Kind: Unprotected, Note: NoteDeleted})
	}
	return c.out
}

type comparer struct {
	rec   *Record
	fm    *form.Form
	cells map[string]*form.Cell
	inds  []*recInd       // by record index
	byIdx map[int]*recInd // the same, by index
	// rowMap maps rows of the record to rows of the form now.
	anchors [][2]int
	out     []Diff
}

// recInd is one indicator row of the record.
type recInd struct {
	i      int
	row    int
	fields map[*form.Field]Field // by column (form.FL3, form.FTarget, ...)
	match  int                   // index into fm.Indicators, -1 when gone
}

func (r *recInd) preset() bool { return len(r.fields) > 0 }

// indKey reads "ind.3.target" (or "ind.3.helper") as the key of
// indicator 3's target.
func indKey(key string) (form.Key, bool) {
	k, ok := form.ParseKey(key)
	return k, ok && k.Group == form.GroupInd
}

func (c *comparer) ind(i, row int) *recInd {
	r := c.byIdx[i]
	if r == nil {
		r = &recInd{i: i, row: row, fields: map[*form.Field]Field{}, match: -1}
		c.byIdx[i] = r
		c.inds = append(c.inds, r)
	}
	return r
}

func (c *comparer) indicators() {
	c.byIdx = map[int]*recInd{}
	for _, f := range c.rec.Fields {
		if k, ok := indKey(f.Key); ok {
			c.ind(k.Index, RowOf(f.Ref)).fields[k.Field] = f
		}
	}
	for _, f := range c.rec.Formulas {
		if k, ok := indKey(f.Key); ok {
			c.ind(k.Index, RowOf(f.Ref))
		}
	}
	sort.Slice(c.inds, func(a, b int) bool { return c.inds[a].i < c.inds[b].i })
}

// match pairs record indicators with the form's: by 三级指标 and target,
// then by 三级指标 alone, then in order between matched neighbours.
func (c *comparer) match() {
	used := make([]bool, len(c.fm.Indicators))
	pass := func(key func(l3, target string) string, fk func(*recInd) string) {
		for _, r := range c.inds {
			k := fk(r)
			if r.match >= 0 || k == "" {
				continue
			}
			for j := range c.fm.Indicators {
				x := &c.fm.Indicators[j]
				if !used[j] && key(x.L3.Text, x.Target.Text) == k {
					r.match, used[j] = j, true
					break
				}
			}
		}
	}
	both := func(l3, t string) string {
		if NormText(l3) == "" || NormText(t) == "" {
			return ""
		}
		return NormText(l3) + "\x00" + NormText(t)
	}
	pass(both, func(r *recInd) string { return both(r.fields[form.FL3].Value, r.fields[form.FTarget].Value) })
	l3 := func(l3, _ string) string { return NormText(l3) }
	pass(l3, func(r *recInd) string { return NormText(r.fields[form.FL3].Value) })
	for k, r := range c.inds {
		if r.match >= 0 {
			continue
		}
		lo, hi := -1, len(c.fm.Indicators)
		for a := k - 1; a >= 0; a-- {
			if c.inds[a].match >= 0 {
				lo = c.inds[a].match
				break
			}
		}
		for a := k + 1; a < len(c.inds); a++ {
			if c.inds[a].match >= 0 {
				hi = c.inds[a].match
				break
			}
		}
		for j := lo + 1; j < hi; j++ {
			if !used[j] {
				r.match, used[j] = j, true
				break
			}
		}
	}
}

// rows collects the record rows whose place in the form is known.
func (c *comparer) rows() {
	seen := map[int]bool{}
	add := func(old, now int) {
		if old > 0 && now > 0 && !seen[old] {
			seen[old] = true
			c.anchors = append(c.anchors, [2]int{old, now})
		}
	}
	for _, r := range c.inds {
		if r.match >= 0 {
			add(r.row, c.fm.Indicators[r.match].Row)
		}
	}
	other := func(key, ref string) {
		if _, ok := indKey(key); ok {
			return
		}
		if x := c.cells[key]; x != nil && x.Found() {
			add(RowOf(ref), RowOf(x.Ref))
		}
	}
	for _, f := range c.rec.Fields {
		other(f.Key, f.Ref)
	}
	for _, f := range c.rec.Formulas {
		other(f.Key, f.Ref)
	}
	sort.Slice(c.anchors, func(a, b int) bool { return c.anchors[a][0] < c.anchors[b][0] })
}

// row maps a record row to the form's: exactly where known, else by the
// shift of the nearest known row above.
func (c *comparer) row(old int) int {
	shift := 0
	for _, a := range c.anchors {
		if a[0] > old {
			break
		}
		if a[0] == old {
			return a[1]
		}
		shift = a[1] - a[0]
	}
	return old + shift
}

func (c *comparer) fields() {
	for _, f := range c.rec.Fields {
		if _, ok := indKey(f.Key); ok {
			continue
		}
		x := c.cells[f.Key]
		if x == nil || !x.Found() {
			c.out = append(c.out, Diff{Kind: Changed, Key: f.Key, Cell: WithRow(f.Ref, c.row(RowOf(f.Ref))), Expected: f.Value, Note: NoteDeleted})
			continue
		}
		if !Same(f, *x) {
			c.out = append(c.out, Diff{Kind: Changed, Key: f.Key, Cell: x.Ref, Expected: f.Value, Found: Shown(*x), Note: NoteChanged})
		}
	}
	anyPreset := false
	for _, r := range c.inds {
		anyPreset = anyPreset || r.preset()
		if !r.preset() {
			continue
		}
		if r.match < 0 {
			c.out = append(c.out, Diff{Kind: Changed, Key: form.IndKey(r.i, form.FL3).String(),
				Cell: WithRow("C1", c.row(r.row)), Expected: r.fields[form.FL3].Value, Note: NoteDeleted})
			continue
		}
		for _, col := range []*form.Field{form.FL1, form.FL2, form.FL3, form.FTarget, form.FWeight} {
			f, ok := r.fields[col]
			if !ok {
				continue
			}
			x := c.fm.Cell(form.IndKey(r.match, col))
			if !Same(f, *x) {
				ref := x.Ref
				if ref == "" {
					ref = WithRow(f.Ref, c.fm.Indicators[r.match].Row)
				}
				c.out = append(c.out, Diff{Kind: Changed, Key: f.Key, Cell: ref, Expected: f.Value, Found: Shown(*x), Note: NoteChanged})
			}
		}
	}
	if anyPreset {
		c.added()
	}
}

// added reports the form's indicators that no record indicator matched.
func (c *comparer) added() {
	used := map[int]bool{}
	for _, r := range c.inds {
		used[r.match] = true
	}
	for j := range c.fm.Indicators {
		x := &c.fm.Indicators[j]
		if used[j] {
			continue
		}
		ref := x.L3.Ref
		if ref == "" {
			ref = fmt.Sprintf("C%d", x.Row)
		}
		c.out = append(c.out, Diff{Kind: Changed, Key: form.IndKey(j, form.FL3).String(), Cell: ref, Found: x.L3.Text, Note: NoteAdded})
	}
}

func (c *comparer) formulas(sheet Sheet) {
	for _, f := range c.rec.Formulas {
		if k, ok := indKey(f.Key); ok {
			if r := c.byIdx[k.Index]; r != nil && r.preset() && r.match < 0 {
				continue // the row is gone, reported once as deleted
			}
		}
		ref := WithRow(f.Ref, c.row(RowOf(f.Ref)))
		want := MapRows(f.Formula, c.row)
		got := NormFormula(sheet.Formula(ref))
		switch {
		case got == want:
		case got == "":
			v := sheet.Value(ref)
			note := NoteConstant
			if v == "" {
				note = NoteDeleted
			}
			c.out = append(c.out, Diff{Kind: FormulaChanged, Key: f.Key, Cell: ref, Expected: "=" + want, Found: v, Note: note})
		default:
			c.out = append(c.out, Diff{Kind: FormulaChanged, Key: f.Key, Cell: ref, Expected: "=" + want, Found: "=" + got, Note: NoteAltered})
		}
	}
}
