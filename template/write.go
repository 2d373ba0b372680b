package template

import (
	"fmt"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
)

// Title is the form's title.
const Title = "财政项目支出绩效自评表"

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
	// SignKey, when set, signs every form (see seal.go).
	SignKey integrity.Key
	sealed  map[string]*sealed
	// heights are the rows, by sheet, whose height is a first estimate
	// the program may grow to fit the text (no customHeight).
	heights map[string]map[int]float64
	// rules are the profile's rule expressions, by name (formulas.Rules).
	rules map[string]formulas.Expr
	// used records, by sheet, every formula and conditional format
	// written: which rule over which cells.
	used map[string][]ruleUse
	// computed are the values Go computed for formula cells, by sheet and cell.
	computed map[string]map[string]formulas.Val
	// finished is set once the sheets after the forms are written.
	finished bool
}

// NewWorkbook starts an empty workbook for profile p.
func NewWorkbook(p *formulas.Profile) (*Workbook, error) {
	f := excelize.NewFile()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	return &Workbook{File: f, Profile: p, st: st, cache: map[string]map[string]any{}, rules: formulas.Rules(p),
		used: map[string][]ruleUse{}, computed: map[string]map[string]formulas.Val{}}, nil
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
	if pr != nil {
		rows = len(pr.Indicators)
		if pr.Year != 0 {
			year = pr.Year
		}
	}
	if _, err := w.File.NewSheet(sheet); err != nil {
		return err
	}
	s := &sheetWriter{w: w, sheet: sheet, lay: NewLayout(rows, w.Profile), pr: pr, year: year, vals: map[string]string{}, out: w.File}
	w.cache[sheet] = map[string]any{}
	w.computed[sheet] = map[string]formulas.Val{}
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
	if s.err != nil {
		return
	}
	e := s.w.rules[name]
	f := formulas.Excel(e, refs)
	v, err := e.Eval(env)
	if err != nil {
		s.err = fmt.Errorf("%s %s: %w", name, ref, err)
		return
	}
	s.w.used[s.sheet] = append(s.w.used[s.sheet], ruleUse{Ref: ref, Name: name, Refs: refs, Formula: f})
	s.w.computed[s.sheet][ref] = v
	s.err = s.out.SetCellFormula(s.sheet, ref, f)
	s.w.cache[s.sheet][ref] = v.Cached()
	s.set(ref, nil, style)
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

// widths fit the seed's text at 宋体 11.
var widths = map[int]float64{colA: 11, colB: 15, colC: 24, colD: 17, colE: 17, colF: 9, colG: 10, colH: 30}

func (s *sheetWriter) columns() {
	f := s.w.File
	for c, wd := range widths {
		if s.err == nil {
			s.err = f.SetColWidth(s.sheet, colName(c), colName(c), wd)
		}
	}
	if s.err == nil {
		s.err = f.SetColVisible(s.sheet, colName(colHelpers)+":"+colName(lastCol), false)
	}
}

// label returns the profile's label for a canonical name.
func (s *sheetWriter) label(canonical string) string { return s.w.Profile.Labels(canonical)[0] }

func (s *sheetWriter) head() {
	st := s.w.st
	s.box(Cell(colA, rowTitle), Cell(colH, rowTitle), Title, st.title)
	s.box(Cell(colA, rowYear), Cell(colH, rowYear), fmt.Sprintf("(%d年度)", s.year), st.year)
	s.rowHeight(rowTitle, 32)
	s.rowHeight(rowYear, 20)
	var name, dept, unit string
	if s.pr != nil {
		name, dept, unit = s.pr.Name, s.pr.Department, s.pr.Unit
	}
	s.box(Cell(colA, rowProject), Cell(colB, rowProject), s.label("项目名称"), st.label)
	s.box(Cell(colC, rowProject), Cell(colH, rowProject), name, s.given(name, st.textIn, st.labelL))
	s.box(Cell(colA, rowDept), Cell(colB, rowDept), s.label("主管部门"), st.label)
	s.box(Cell(colC, rowDept), Cell(colD, rowDept), dept, s.given(dept, st.textIn, st.labelL))
	s.box(Cell(colE, rowDept), Cell(colF, rowDept), s.label("实施单位"), st.label)
	s.box(Cell(colG, rowDept), Cell(colH, rowDept), unit, s.given(unit, st.textIn, st.labelL))
	s.rowHeight(rowProject, 24)
	s.rowHeight(rowDept, max(30, textHeight(dept, widths[colC]+widths[colD]), textHeight(unit, widths[colG]+widths[colH])))
}

// given picks the locked style for what the department filled in (a
// spec's value), the input style otherwise.
func (s *sheetWriter) given(v string, in, fixed int) int {
	if s.pr != nil && v != "" {
		return fixed
	}
	return in
}

var fundLabels = [form.NumFunds]string{"年度资金总额", "当年财政拨款", "上年结转资金", "其他资金"}

func (s *sheetWriter) funds() {
	st, lay, p := s.w.st, s.lay, s.w.Profile
	s.box(Cell(colA, rowFundsHead), Cell(colB, rowFundsHead), lay.amountHeader(), st.label)
	for i, h := range []string{"年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"} {
		c := Cell(colC+i, rowFundsHead)
		if h == "执行率(%)" {
			s.set(c, s.label("执行率")+"(%)", st.label)
		} else {
			s.set(c, s.label(h), st.label)
		}
	}
	s.box(Cell(colA, lay.FundRow(0)), Cell(colA, lay.FundRow(form.NumFunds-1)), "", st.text)
	// Typed amounts of the three parts; the total row sums them.
	amounts := [form.NumFunds][3]decimal.Decimal{}
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		r := lay.FundRow(i)
		var fig Figures
		if s.pr != nil && s.pr.Funds.Row(i) != nil {
			fig = *s.pr.Funds.Row(i)
		}
		lbl := s.label(fundLabels[i])
		if i == form.FundCurrent {
			lbl = "其中:" + lbl
		}
		s.set(Cell(colB, r), lbl, st.labelL)
		for j, d := range []*Dec{fig.Initial, fig.Budget, fig.Exec} {
			style := st.amountIn
			if d != nil && j < 2 {
				style = st.num // the department's budget figures
			}
			s.setNum(Cell(colC+j, r), d, style)
			if d != nil {
				amounts[i][j] = d.Decimal
			}
		}
		s.set(Cell(colF, r), "-", st.dash)
		s.set(Cell(colH, r), "-", st.dash)
	}
	s.set(Cell(colB, lay.FundRow(form.FundTotal)), s.label("年度资金总额"), st.labelL)
	tr := lay.FundRow(form.FundTotal)
	for j := 0; j < 3; j++ {
		refs := formulas.Refs{"current": Cell(colC+j, lay.FundRow(form.FundCurrent)),
			"carry": Cell(colC+j, lay.FundRow(form.FundCarry)), "other": Cell(colC+j, lay.FundRow(form.FundOther))}
		// Not rounded: the rate of the total row divides the unrounded
		// amounts, as the seed's 99.88 for 17.50 / 17.52 shows.
		ref := Cell(colC+j, tr)
		s.rule(ref, "funds.sum", refs, formulas.Env{
			"current": formulas.Num(amounts[form.FundCurrent][j]), "carry": formulas.Num(amounts[form.FundCarry][j]),
			"other": formulas.Num(amounts[form.FundOther][j])}, st.formula)
		amounts[form.FundTotal][j] = s.w.computed[s.sheet][ref].Num.Lo
	}
	s.setNum(Cell(colF, tr), &Dec{p.BudgetWeight}, st.num)
	for i := 0; i < form.NumFunds; i++ {
		r := lay.FundRow(i)
		refs := formulas.Refs{"budget": Cell(colD, r), "exec": Cell(colE, r), "weight": Cell(colF, r), "rate": Cell(colG, r)}
		env := formulas.Env{"budget": formulas.Num(amounts[i][1]), "exec": formulas.Num(amounts[i][2]), "weight": formulas.Num(p.BudgetWeight)}
		s.rule(Cell(colG, r), "funds.rate", refs, env, st.formula)
		if i == form.FundTotal {
			env["rate"] = s.w.computed[s.sheet][Cell(colG, r)]
			s.rule(Cell(colH, r), "funds.score", refs, env, st.formula)
		}
		s.rowHeight(r, 20)
	}
}

func (s *sheetWriter) goal() {
	st := s.w.st
	var goal, done string
	if s.pr != nil {
		goal, done = s.pr.Goal, s.pr.Done
	}
	s.box(Cell(colA, rowGoalHead), Cell(colA, rowGoal), "年度总体目标", st.label)
	s.box(Cell(colB, rowGoalHead), Cell(colE, rowGoalHead), "预期目标", st.label)
	s.box(Cell(colF, rowGoalHead), Cell(colH, rowGoalHead), "实际完成情况", st.label)
	s.box(Cell(colB, rowGoal), Cell(colE, rowGoal), goal, s.given(goal, st.textIn, st.labelL))
	s.box(Cell(colF, rowGoal), Cell(colH, rowGoal), done, st.textIn)
	wGoal := widths[colB] + widths[colC] + widths[colD] + widths[colE]
	wDone := widths[colF] + widths[colG] + widths[colH]
	s.rowHeight(rowGoalHead, 22)
	// Merged cells do not grow in any program: room for about ten lines.
	s.rowHeight(rowGoal, max(150, textHeight(goal, wGoal), textHeight(done, wDone)+30))
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
