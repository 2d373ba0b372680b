package template

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
)

// TestEveryFormulaFromRule holds every formula and conditional format in
// a written workbook against formulas.Rules: each is one rule's
// expression rendered over the cells the writer recorded, so none is
// written by hand.
func TestEveryFormulaFromRule(t *testing.T) {
	p := formulas.Default()
	prs := append(readSeed(t, "seed1.yaml").Projects, readSeed(t, "seed2.yaml").Projects...)
	w, err := Build(prs, opts())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddForm("空白", nil, DefaultRows, 2024); err != nil {
		t.Fatal(err)
	}
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules := formulas.Rules(p)
	for _, fp := range w.fps {
		sheet := fp.Sheet
		cells, conds := map[string]ruleUse{}, map[string]ruleUse{}
		for _, u := range w.used[sheet] {
			e, ok := rules[u.Name]
			if !ok {
				t.Fatalf("%s!%s: no rule %q", sheet, u.Ref, u.Name)
			}
			if got := formulas.Excel(e, u.Refs); got != u.Formula {
				t.Errorf("%s!%s: written %s, rule %s renders %s", sheet, u.Ref, u.Formula, u.Name, got)
			}
			if u.Cond {
				conds[u.Ref] = u
			} else {
				cells[u.Ref] = u
			}
		}
		lay := NewLayout(fp.Rows, p)
		// excelize shows a merged range's formula in each of its cells.
		merged := map[string]bool{}
		mcs, err := f.GetMergeCells(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mcs {
			c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
			for r := r1; r <= r2; r++ {
				for c := c1; c <= c2; c++ {
					merged[Cell(c, r)] = Cell(c, r) != m.GetStartAxis()
				}
			}
		}
		n := 0
		for r := 1; r <= lay.LastRow()+5; r++ {
			for c := 1; c <= lay.lastCol()+5; c++ {
				ref := Cell(c, r)
				fm, err := f.GetCellFormula(sheet, ref)
				if err != nil {
					t.Fatal(err)
				}
				if fm == "" || merged[ref] {
					continue
				}
				n++
				u, ok := cells[ref]
				if !ok {
					t.Errorf("%s!%s: formula %s comes from no rule", sheet, ref, fm)
				} else if fm != u.Formula {
					t.Errorf("%s!%s: file has %s, rule %s renders %s", sheet, ref, fm, u.Name, u.Formula)
				}
			}
		}
		if n != len(cells) {
			t.Errorf("%s: %d formula cells in the file, %d written from rules", sheet, n, len(cells))
		}
		cfs, err := f.GetConditionalFormats(sheet)
		if err != nil {
			t.Fatal(err)
		}
		nc := 0
		for sqref, opts := range cfs {
			for _, o := range opts {
				nc++
				if u, ok := conds[sqref]; !ok || o.Criteria != u.Formula {
					t.Errorf("%s %s: conditional format %s comes from no rule", sheet, sqref, o.Criteria)
				}
			}
		}
		if nc != len(conds) || nc < 3 {
			t.Errorf("%s: %d conditional formats, %d from rules", sheet, nc, len(conds))
		}
		// The range checks are formulas.Bounds rendered.
		bounds := map[string]bool{}
		for _, b := range []formulas.Bounds{formulas.AmountBounds(), formulas.ScoreBounds(), formulas.WeightBounds(p)} {
			hi := ""
			if b.Hi != nil {
				hi = formulas.Excel(b.Hi, formulas.Refs{"w": "$" + Cell(lay.g.ind["weight"], lay.IndRow(0))})
			}
			bounds[formulas.Excel(b.Lo, nil)+"|"+hi] = true
		}
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		nd := 0
		for _, dv := range dvs {
			if dv.Type == "decimal" {
				nd++
				if !bounds[dv.Formula1+"|"+dv.Formula2] {
					t.Errorf("%s %s: range %s..%s comes from no formulas.Bounds", sheet, dv.Sqref, dv.Formula1, dv.Formula2)
				}
			}
		}
		if nd < 2 {
			t.Errorf("%s: %d range checks", sheet, nd)
		}
	}
}

// TestFormulaLimits keeps every formula within what Excel 2010 accepts:
// 8,192 characters and 64 nested levels.
func TestFormulaLimits(t *testing.T) {
	w, err := Blank(opts())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range w.used[w.fps[0].Sheet] {
		depth, deepest, quoted := 0, 0, false
		for _, c := range u.Formula {
			switch {
			case c == '"':
				quoted = !quoted
			case quoted:
			case c == '(':
				depth++
				deepest = max(deepest, depth)
			case c == ')':
				depth--
			}
		}
		if len([]rune(u.Formula)) > 8192 || deepest > 64 {
			t.Errorf("%s %s: %d characters, %d levels", u.Name, u.Ref, len([]rune(u.Formula)), deepest)
		}
	}
}
