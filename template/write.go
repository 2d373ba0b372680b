package template

import (
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Title is the form's title; DeptTitle a department-wide form's.
const (
	Title     = "财政项目支出绩效自评表"
	DeptTitle = "部门整体支出绩效自评表"
)

// ListsSheet is the hidden sheet holding the dropdown lists.
const ListsSheet = "_lists"

// Workbook is a workbook being written: one or more forms.
type Workbook struct {
	File    *excelize.File
	Profile *formulas.Profile
	st      *styles
	fps     []*form.Fingerprint
	// cache holds the values formula cells show, computed in Go, by sheet
	// and cell; written into the file by Save.
	cache map[string]map[string]any
	// Password protects each form sheet when set.
	Password string
	// noCache leaves formula cells without values (tests: proves that
	// LibreOffice computes what it shows).
	noCache bool
	// noShare writes every formula whole (tests: the parts as before
	// shared formulas, to compare patchCells with how it used to work).
	noShare bool
	// SignKey, when set, signs every form (see seal.go).
	SignKey integrity.Key
	sealed  map[string]*sealed
	// heights are the rows, by sheet, whose height is a first estimate
	// the program may grow to fit the text (no customHeight).
	heights map[string]map[int]float64
	// rules are the profile's rule expressions, by name (formulas.Rules).
	rules map[string]formulas.Expr
	// rowTmpl are the helper formulas of an indicator row rendered once,
	// shared by the workbooks of one spec (see rowFormulas).
	rowTmpl *rowTemplates
	// splits are the shared formulas' masters tokenised, shared like rowTmpl.
	splits *xlsx.Splits
	// rowVals are the helper values of rows by their inputs, shared like rowTmpl.
	rowVals *rowValues
	// packed are the package parts deflated, shared like rowTmpl.
	packed *packedParts
	// helperRows are, by sheet and row, the helper cells withHelpers
	// writes into the sheet part (excelize never holds them).
	helperRows map[string]map[int][]string
	// helpersViaExcelize writes helper cells through excelize as every
	// other cell (tests: withHelpers must give the same bytes).
	helpersViaExcelize bool
	// used records, by sheet, every formula and conditional format
	// written: which rule over which cells.
	used map[string][]ruleUse
	// computed are the values Go computed for formula cells, by sheet and cell.
	computed map[string]map[string]formulas.Val
	// formulas are the formula cells' texts, by sheet and cell. excelize is
	// given a placeholder (formulaStub), which withCache replaces: marshalling
	// kilobytes of helper formulas through encoding/xml cost a quarter of
	// writing a workbook.
	formulas map[string]map[string]string
	// Layout is the region layout forms are written in (nil: the seed's).
	Layout *layout.Layout
	// finished is set once the sheets after the forms are written.
	finished bool
}

// NewWorkbook starts an empty workbook for profile p.
func NewWorkbook(p *formulas.Profile) (*Workbook, error) {
	return newWorkbook(p, newRendered(p))
}

// rendered is what the workbooks of one spec share, rendered once for
// its profile: the rules and the helper formulas of an indicator row.
type rendered struct {
	rules  map[string]formulas.Expr
	rows   *rowTemplates
	splits *xlsx.Splits
	vals   *rowValues
	packed *packedParts
}

func newRendered(p *formulas.Profile) *rendered {
	return &rendered{rules: formulas.Rules(p), rows: &rowTemplates{byGeometry: map[*geometry]map[string]string{}},
		splits: new(xlsx.Splits), vals: &rowValues{vals: map[string][]formulas.Val{}},
		packed: newPackedParts()}
}

// rowTemplates are, by geometry, the helper formulas of an indicator
// row with "#" for the row number; workbooks are built concurrently.
type rowTemplates struct {
	mu         sync.Mutex
	byGeometry map[*geometry]map[string]string
}

func (t *rowTemplates) get(g *geometry, render func() map[string]string) map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.byGeometry[g]
	if m == nil {
		m = render()
		t.byGeometry[g] = m
	}
	return m
}

func newWorkbook(p *formulas.Profile, r *rendered) (*Workbook, error) {
	f := excelize.NewFile()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	return &Workbook{File: f, Profile: p, st: st, cache: map[string]map[string]any{}, rules: r.rules, rowTmpl: r.rows, splits: r.splits,
		rowVals: r.vals, packed: r.packed, helperRows: map[string]map[int][]string{}, used: map[string][]ruleUse{}, computed: map[string]map[string]formulas.Val{},
		formulas: map[string]map[string]string{}}, nil
}

// ruleUse is one formula or conditional format as written: rule Name
// rendered over Refs at Ref (a cell, or the range a format covers).
type ruleUse struct {
	Ref, Name string
	Refs      formulas.Refs
	Cond      bool
	Formula   string
}

// Names of the dropdown lists on ListsSheet.
const (
	nameL1     = "xe_L1"
	nameL2     = "xe_L2_"
	nameLevels = "xe_Levels"
)

// writeLists fills the hidden lists sheet: 一级指标 in column A, the
// 二级指标 of the i-th 一级 in column i+1, levels in the next column.
func (w *Workbook) writeLists() error {
	f := w.File
	if _, err := f.NewSheet(ListsSheet); err != nil {
		return err
	}
	def := func(name string, col, n int) error {
		ref := fmt.Sprintf("'%s'!$%s$1:$%s$%d", ListsSheet, colName(col), colName(col), max(n, 1))
		return f.SetDefinedName(&excelize.DefinedName{Name: name, RefersTo: ref})
	}
	cats := w.Profile.Categories
	for i, c := range cats {
		if err := f.SetCellStr(ListsSheet, Cell(1, i+1), c.L1); err != nil {
			return err
		}
		for j, l2 := range c.L2 {
			if err := f.SetCellStr(ListsSheet, Cell(i+2, j+1), l2); err != nil {
				return err
			}
		}
		if err := def(fmt.Sprintf("%s%d", nameL2, i+1), i+2, len(c.L2)); err != nil {
			return err
		}
	}
	if err := def(nameL1, 1, len(cats)); err != nil {
		return err
	}
	lc := len(cats) + 2
	levels := formulas.LevelChoices()
	for j, l := range levels {
		if err := f.SetCellStr(ListsSheet, Cell(lc, j+1), l); err != nil {
			return err
		}
	}
	if err := def(nameLevels, lc, len(levels)); err != nil {
		return err
	}
	if err := f.ProtectSheet(ListsSheet, &excelize.SheetProtectionOptions{Password: w.Password}); err != nil {
		return err
	}
	return f.SetSheetVisible(ListsSheet, false)
}

// sheetWriter writes one form on one sheet.
type sheetWriter struct {
	w     *Workbook
	sheet string
	lay   Layout
	pr    *Project // nil for a blank form
	year  int
	err   error
	// vals are the inputs as typed, by cell, for the cached values.
	vals map[string]string
	out  *excelize.File
}

// AddForm writes a form on a new sheet: blank when pr is nil (with rows
// indicator rows), else prefilled from pr (one row per indicator).
func (w *Workbook) AddForm(sheet string, pr *Project, rows, year int) error {
	if pr == nil {
		pr = blankGrid(w.Layout, w.Profile, rows) // nil but for a gridded layout
	}
	if pr != nil {
		rows = len(pr.Indicators)
		if pr.Year != 0 {
			year = pr.Year
		}
	}
	if w.Layout != nil {
		if err := writable(w.Layout); err != nil {
			return err
		}
	}
	if _, err := w.File.NewSheet(sheet); err != nil {
		return err
	}
	s := &sheetWriter{w: w, sheet: sheet, lay: NewLayoutOf(rows, w.Profile, w.Layout), pr: pr, year: year, vals: map[string]string{}, out: w.File}
	// Sized for the formula cells: the helpers and a few more.
	n := rows*len(helperNames) + 16
	w.cache[sheet] = make(map[string]any, n)
	w.computed[sheet] = make(map[string]formulas.Val, n)
	w.formulas[sheet] = make(map[string]string, n)
	w.used[sheet] = make([]ruleUse, 0, n)
	if w.heights == nil {
		w.heights = map[string]map[int]float64{}
	}
	w.heights[sheet] = map[int]float64{}
	s.write()
	if s.err != nil {
		return s.err
	}
	w.fps = append(w.fps, s.lay.Fingerprint(sheet))
	w.noteForm(sheet, pr, year, s.lay)
	return nil
}

func (s *sheetWriter) write() {
	s.columns()
	s.head()
	s.funds()
	s.goal()
	s.indicators()
	s.totals()
	s.validations()
	s.conditional()
	s.page()
	s.protect()
}

// set writes a value with a style; the first error sticks.
func (s *sheetWriter) set(ref string, v any, style int) {
	if s.err != nil {
		return
	}
	if v != nil {
		if str, ok := v.(string); ok {
			s.vals[ref] = str
			s.err = s.out.SetCellStr(s.sheet, ref, str)
		} else {
			s.err = s.out.SetCellValue(s.sheet, ref, v)
		}
	}
	if s.err == nil {
		s.err = s.out.SetCellStyle(s.sheet, ref, ref, style)
	}
}

// setNum writes a typed amount or score, kept exact.
func (s *sheetWriter) setNum(ref string, d *Dec, style int) {
	if d == nil {
		s.set(ref, nil, style)
		return
	}
	s.vals[ref] = d.String()
	if s.err == nil {
		s.err = s.out.SetCellDefault(s.sheet, ref, d.String())
	}
	s.set(ref, nil, style)
}

// rule writes the formula of rule name rendered over refs at ref, with
// the value Go computes for it over env.
func (s *sheetWriter) rule(ref, name string, refs formulas.Refs, env formulas.Env, style int) {
	if s.err == nil {
		s.ruleAs(ref, name, refs, formulas.Excel(s.w.rules[name], refs), env, style)
	}
}

// ruleAs is rule with the formula already rendered.
func (s *sheetWriter) ruleAs(ref, name string, refs formulas.Refs, f string, env formulas.Env, style int) {
	if s.err != nil {
		return
	}
	v, err := s.w.rules[name].Eval(env)
	if err != nil {
		s.err = fmt.Errorf("%s %s: %w", name, ref, err)
		return
	}
	s.formula(ref, name, refs, f, v, style)
}

// formula writes at ref the formula f, rule name rendered over refs,
// with its value v.
func (s *sheetWriter) formula(ref, name string, refs formulas.Refs, f string, v formulas.Val, style int) {
	s.note(ref, name, refs, f, v)
	s.err = s.out.SetCellFormula(s.sheet, ref, formulaStub)
	s.set(ref, nil, style)
}

// note records formula cell ref: the rule it renders, its text (written
// by withCache in place of formulaStub) and its value.
func (s *sheetWriter) note(ref, name string, refs formulas.Refs, f string, v formulas.Val) {
	s.w.used[s.sheet] = append(s.w.used[s.sheet], ruleUse{Ref: ref, Name: name, Refs: refs, Formula: f})
	s.w.computed[s.sheet][ref] = v
	s.w.formulas[s.sheet][ref] = f
	s.w.cache[s.sheet][ref] = v.Cached()
}

func (s *sheetWriter) merge(a, b string) {
	if s.err == nil && a != b {
		s.err = s.out.MergeCell(s.sheet, a, b)
	}
}

// box merges a..b and styles every cell of it (borders on merged cells).
func (s *sheetWriter) box(a, b string, v any, style int) {
	if s.err == nil {
		s.err = s.out.SetCellStyle(s.sheet, a, b, style)
	}
	s.set(a, v, style)
	s.merge(a, b)
}

func (s *sheetWriter) columns() {
	f, g := s.w.File, s.lay.g
	for c := 1; c <= g.width; c++ {
		if s.err == nil {
			s.err = f.SetColWidth(s.sheet, colName(c), colName(c), g.colWidth(c))
		}
	}
	if s.err == nil {
		s.err = f.SetColVisible(s.sheet, colName(g.helperCol(0))+":"+colName(s.lay.lastCol()), false)
	}
}

// label returns the profile's label for a canonical name.
func (s *sheetWriter) label(canonical string) string { return s.w.Profile.Labels(canonical)[0] }

// text is the label the form shows for the field at path (form.Paths):
// the layout's first spelling, else the profile's label of canonical.
func (s *sheetWriter) text(path, canonical string) string {
	if sp := s.lay.g.lay.Spellings(path); len(sp) > 0 {
		return sp[0]
	}
	return s.label(canonical)
}

func (s *sheetWriter) head() {
	st, g := s.w.st, s.lay.g
	w, m := g.width, g.mid()
	title := Title
	if g.lay.Scope == "department" {
		title = DeptTitle
	}
	if g.title > 0 {
		s.box(Cell(1, g.title), Cell(w, g.title), title, st.title)
		s.rowHeight(g.title, 32)
	}
	if y := g.year; y > 0 {
		end := w
		if code := g.lay.Code; code != "" {
			// The form's own number at the right (公开14表), as printed.
			end = w - 1
			s.set(Cell(w, y), code, st.year)
		}
		s.box(Cell(1, y), Cell(end, y), fmt.Sprintf("(%d年度)", s.year), st.year)
		s.rowHeight(y, 20)
	}
	var name, dept, unit string
	if s.pr != nil {
		name, dept, unit = s.pr.Name, s.pr.Department, s.pr.Unit
	}
	if r := g.project; r > 0 {
		s.box(Cell(1, r), Cell(2, r), s.text("project", "项目名称"), st.label)
		s.box(Cell(3, r), Cell(w, r), name, s.given(name, st.textIn, st.labelL))
		s.rowHeight(r, 24)
	}
	r := g.dept
	if r == 0 {
		return
	}
	s.box(Cell(1, r), Cell(2, r), s.text("department", "主管部门"), st.label)
	if !g.lay.HasHead(form.FUnit) {
		end := g.headEnd(g.onHead)
		s.box(Cell(3, r), Cell(end, r), dept, s.given(dept, st.textIn, st.labelL))
		s.headExtra(r, end)
		s.rowHeight(r, max(30, textHeight(dept, g.span(3, end))))
		return
	}
	s.box(Cell(3, r), Cell(m, r), dept, s.given(dept, st.textIn, st.labelL))
	s.box(Cell(m+1, r), Cell(m+2, r), s.text("unit", "实施单位"), st.label)
	s.box(Cell(g.unitCol(), r), Cell(w, r), unit, s.given(unit, st.textIn, st.labelL))
	s.rowHeight(r, max(30, textHeight(dept, g.span(3, m)), textHeight(unit, g.span(g.unitCol(), w))))
}

// given picks the locked style for what the department filled in (a
// spec's value), the input style otherwise.
func (s *sheetWriter) given(v string, in, fixed int) int {
	if s.pr != nil && v != "" {
		return fixed
	}
	return in
}

var fundLabels = [form.NumFunds]string{"年度资金总额", "当年财政拨款", "上年结转资金", "其他资金", "财政专户管理资金", "单位资金"}

// fundHeads are the canonical headers of the funds columns after the label.
var fundHeads = map[string]string{"initial": "年初预算数", "budget": "全年预算数", "exec": "全年执行数",
	"weight": "分值", "rate": "执行率", "score": "得分"}

// amountCols are the typed amount columns of a funds row, in Figures order.
var amountCols = [3]string{"initial", "budget", "exec"}

func (s *sheetWriter) funds() {
	st, lay, g := s.w.st, s.lay, s.lay.g
	if g.fundsHead == 0 {
		return
	}
	hr := g.fundsHead
	s.box(Cell(1, hr), Cell(2, hr), s.text("funds.label", "项目资金")+" ("+s.w.Profile.AmountUnit+")", st.label)
	height := 20.0
	for _, k := range g.lay.Funds.Columns[1:] {
		h := s.text("funds."+k, fundHeads[k])
		if k == "rate" && len(g.lay.Spellings("funds.rate")) == 0 {
			h += "(%)"
		}
		s.set(Cell(g.fund[k], hr), h, st.label)
		// A region's longer header (调整后预算数, 执行率(B/A)) wraps in
		// its column; the row must show every line.
		height = max(height, textHeight(h, g.colWidth(g.fund[k])))
	}
	s.rowHeight(hr, height)
	s.box(Cell(1, g.fundsHead+1), Cell(1, g.fundsHead+len(g.fundRows)), "", st.text)
	// Typed amounts of the parts; the total row sums them.
	amounts := [form.NumFunds][3]decimal.Decimal{}
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		r := lay.FundRow(i)
		if r == 0 {
			continue
		}
		var fig Figures
		if s.pr != nil && s.pr.Funds.Row(i) != nil {
			fig = *s.pr.Funds.Row(i)
		}
		lbl := s.text("funds."+form.FundRows[i].Key, fundLabels[i])
		if i == form.FundCurrent && len(g.lay.Spellings("funds.current")) == 0 {
			lbl = "其中:" + lbl
		}
		s.set(Cell(2, r), lbl, st.labelL)
		for j, d := range []*Dec{fig.Initial, fig.Budget, fig.Exec} {
			style := st.amountIn
			if d != nil && j < 2 {
				style = st.num // the department's budget figures
			}
			if c := g.fund[amountCols[j]]; c > 0 {
				s.setNum(Cell(c, r), d, style)
			}
			if d != nil {
				amounts[i][j] = d.Decimal
			}
		}
		for _, k := range []string{"weight", "score"} {
			if c := g.fund[k]; c > 0 {
				s.set(Cell(c, r), "-", st.dash) // the total row's only
			}
		}
	}
	tr := lay.FundRow(form.FundTotal)
	s.set(Cell(2, tr), s.text("funds.total", "年度资金总额"), st.labelL)
	for j, k := range amountCols {
		c := g.fund[k]
		if c == 0 {
			continue
		}
		refs, env := s.fundParts(c, func(i int) decimal.Decimal { return amounts[i][j] })
		// Not rounded: the rate of the total row divides the unrounded
		// amounts, as the seed's 99.88 for 17.50 / 17.52 shows.
		ref := Cell(c, tr)
		s.rule(ref, "funds.sum", refs, env, st.formula)
		amounts[form.FundTotal][j] = s.w.computed[s.sheet][ref].Num.Lo
	}
	if c := g.fund["weight"]; c > 0 {
		s.setNum(Cell(c, tr), &Dec{s.w.Profile.BudgetWeight}, st.num)
	}
	for i := 0; i < form.NumFunds; i++ {
		r := lay.FundRow(i)
		if r == 0 {
			continue
		}
		refs := formulas.Refs{"budget": cellAt(g.fund["budget"], r), "exec": cellAt(g.fund["exec"], r),
			"weight": cellAt(g.fund["weight"], r), "rate": cellAt(g.fund["rate"], r)}
		env := formulas.Env{"budget": formulas.Num(amounts[i][1]), "exec": formulas.Num(amounts[i][2]), "weight": formulas.Num(s.w.Profile.BudgetWeight)}
		if g.fund["rate"] > 0 {
			s.rule(refs["rate"], "funds.rate", refs, env, st.formula)
		}
		if i == form.FundTotal && g.fund["score"] > 0 && g.fund["weight"] > 0 && g.fund["rate"] > 0 {
			env["rate"] = s.w.computed[s.sheet][refs["rate"]]
			s.rule(Cell(g.fund["score"], r), "funds.score", refs, env, st.formula)
		}
		s.rowHeight(r, 20)
	}
	s.fundsToEdge()
}

// fundsToEdge widens the funds block's last column to the form's right
// edge on a form wider than the block (新疆's 13 columns).
func (s *sheetWriter) fundsToEdge() {
	g := s.lay.g
	last := 0
	for _, c := range g.fund {
		last = max(last, c)
	}
	if last >= g.width || s.err != nil {
		return
	}
	rows := []int{g.fundsHead}
	for _, i := range g.fundRows {
		rows = append(rows, g.fundRow(i))
	}
	for _, r := range rows {
		a, b := Cell(last, r), Cell(g.width, r)
		style, err := s.out.GetCellStyle(s.sheet, a)
		if err == nil {
			err = s.out.SetCellStyle(s.sheet, Cell(last+1, r), b, style)
		}
		s.err = err
		s.merge(a, b)
	}
}

func (s *sheetWriter) goal() {
	st, g := s.w.st, s.lay.g
	if g.goalHead == 0 {
		return
	}
	var goal, done string
	if s.pr != nil {
		goal, done = s.pr.Goal, s.pr.Done
	}
	h, r, d, w := g.goalHead, g.goalRow(), g.doneCol(), g.width
	s.box(Cell(1, h), Cell(1, r), s.text("goals", "年度总体目标"), st.label)
	s.box(Cell(2, h), Cell(d-1, h), s.text("goal", "预期目标"), st.label)
	s.box(Cell(d, h), Cell(w, h), s.text("done", "实际完成情况"), st.label)
	s.box(Cell(2, r), Cell(d-1, r), goal, s.given(goal, st.textIn, st.labelL))
	s.box(Cell(d, r), Cell(w, r), done, st.textIn)
	s.rowHeight(h, 22)
	// Merged cells do not grow in any program: room for about ten lines.
	s.rowHeight(r, max(150, textHeight(goal, g.span(2, d-1)), textHeight(done, g.span(d, w))+30))
}

// textHeight estimates the row height (points) that shows text wrapped
// in a width of w characters at 宋体 11: CJK characters take two.
func textHeight(text string, w float64) float64 {
	units := 0
	for _, r := range text {
		if utf8.RuneLen(r) > 1 {
			units += 2
		} else {
			units++
		}
	}
	perLine := int(w) - 1
	lines := 1 + units/max(perLine, 1)
	return float64(lines)*13.5 + 5
}

// autoHeight gives row r a height of at least h that the program grows
// to fit what is typed (LibreOffice on load, Excel on edit): a fixed
// height cuts text in print.
func (s *sheetWriter) autoHeight(r int, h float64) { s.w.heights[s.sheet][r] = min(h, 409) }

func (s *sheetWriter) rowHeight(r int, h float64) {
	if s.err == nil {
		s.err = s.out.SetRowHeight(s.sheet, r, min(h, 409))
	}
}
