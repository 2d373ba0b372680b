package template

import (
	"sort"
	"strconv"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
)

// sealed is what a form sheet's integrity record is built from.
type sealed struct {
	rec *integrity.Record
	lay Layout
}

// noteForm keeps the record of a form just written, for seal.
func (w *Workbook) noteForm(sheet string, pr *Project, year int, lay Layout) {
	if w.sealed == nil {
		w.sealed = map[string]*sealed{}
	}
	w.sealed[sheet] = &sealed{rec: Record(pr, sheet, year, lay), lay: lay}
}

// seal signs every form sheet with SignKey: its preset values and every
// formula as written, stored on the fingerprint sheet.
func (w *Workbook) seal() error {
	if w.SignKey.IsZero() {
		return nil
	}
	for _, fp := range w.fps {
		s := w.sealed[fp.Sheet]
		if s == nil {
			continue
		}
		rec := *s.rec
		rec.Protected = true
		rec.Formulas = nil
		keys := map[string]string{}
		for k, ref := range s.lay.Fingerprint(fp.Sheet).Fields {
			keys[ref] = k
		}
		for _, ref := range sortedRefs(w.cache[fp.Sheet]) {
			f := w.formulas[fp.Sheet][ref]
			rec.Formulas = append(rec.Formulas, integrity.Formula{Key: formulaKey(s.lay, keys, ref), Ref: ref, Formula: integrity.NormFormula(f)})
		}
		seal, err := integrity.Sign(&rec, w.SignKey)
		if err != nil {
			return err
		}
		if err := integrity.Write(w.File, seal); err != nil {
			return err
		}
	}
	return nil
}

// formulaKey names a formula cell by the field it is, or the indicator
// row its hidden helper belongs to.
func formulaKey(lay Layout, keys map[string]string, ref string) string {
	if k := keys[ref]; k != "" {
		return k
	}
	if i := integrity.RowOf(ref) - lay.IndRow(0); i >= 0 && i < lay.Rows {
		return form.IndKey(i, form.FHelper).String()
	}
	return ""
}

func sortedRefs(m map[string]any) []string {
	var refs []string
	for r := range m {
		refs = append(refs, r)
	}
	// By row, then column, so the record reads like the sheet.
	sort.Slice(refs, func(i, j int) bool {
		a, b := refs[i], refs[j]
		if ra, rb := integrity.RowOf(a), integrity.RowOf(b); ra != rb {
			return ra < rb
		}
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
	return refs
}

// Record is what the department set on the form of pr (nil: a blank
// form) on sheet: the values a unit must not change, at their cells.
// It carries no formulas; a signed record adds them from the workbook.
func Record(pr *Project, sheet string, year int, lay Layout) *integrity.Record {
	if pr != nil && pr.Year != 0 {
		year = pr.Year
	}
	r := &integrity.Record{Version: integrity.Version, Sheet: sheet}
	add := func(k form.Key, v string, num bool) {
		if ref := lay.RefOf(k); v != "" && ref != "" { // a field the layout has
			r.Fields = append(r.Fields, integrity.Field{Key: k.String(), Ref: ref, Value: v, Num: num})
		}
	}
	if year != 0 {
		add(form.HeadKey(form.FYear), strconv.Itoa(year), true)
	}
	add(form.FundKey(form.FundTotal, form.FFundWeight), lay.Profile.BudgetWeight.String(), true)
	if pr == nil {
		return r
	}
	r.Project, r.Code = pr.Name, pr.Code
	add(form.HeadKey(form.FProject), pr.Name, false)
	add(form.HeadKey(form.FDepartment), pr.Department, false)
	add(form.HeadKey(form.FUnit), pr.Unit, false)
	add(form.HeadKey(form.FGoal), pr.Goal, false)
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		if f := pr.Funds.Row(i); f != nil {
			add(form.FundKey(i, form.FFundInitial), decString(f.Initial), true)
			add(form.FundKey(i, form.FFundBudget), decString(f.Budget), true)
		}
	}
	for i, x := range pr.Indicators {
		k := func(f *form.Field) form.Key { return form.IndKey(i, f) }
		add(k(form.FL1), x.L1, false)
		add(k(form.FL2), x.L2, false)
		add(k(form.FL3), x.L3, false)
		add(k(form.FTarget), x.Target, false)
		add(k(form.FWeight), decString(x.Weight), true)
	}
	return r
}

func decString(d *Dec) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// SpecRecords are the records of a spec's projects as the template would
// write them (one form per workbook, sheet named after the project), for
// comparing returned forms with the spec they were made from.
func SpecRecords(s *Spec, p *formulas.Profile) []*integrity.Record {
	if p == nil {
		p = formulas.Default()
	}
	var out []*integrity.Record
	used := map[string]bool{}
	for _, pr := range s.Projects {
		lay := NewLayout(len(pr.Indicators), p)
		out = append(out, Record(pr, SheetName(pr.Name, used), s.Year, lay))
	}
	return out
}
