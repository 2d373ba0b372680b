package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/validate"
)

// ResultSheet is the first sheet of an annotated copy: the findings with
// links to their cells.
const ResultSheet = "校验结果"

// Fills of faulty cells. They differ from the template's light yellow
// input fill so that a marked cell stands out.
// A template's own conditional formats may paint over a cell's fill, so a
// marked cell also gets a border of the same colour, which they leave alone.
const (
	errorFill     = "FF8080"
	warningFill   = "FFE033"
	errorBorder   = "C00000"
	warningBorder = "E0A000"
)

// AnnotateOptions tune Annotate.
type AnnotateOptions struct {
	// Password opens (and re-encrypts) an encrypted workbook.
	Password string
}

// Annotate writes to dst a copy of the workbook in src where every cell
// with a finding of r is highlighted (red: error, yellow: warning) and
// carries a comment with the message and the expected value, and whose
// first sheet lists the findings with links to their cells. Everything
// else of the workbook (data, formulas, protection, formats) is kept; src
// is only read.
func Annotate(src io.ReaderAt, size int64, r validate.FileResult, lang Lang, dst io.Writer) error {
	return AnnotateWith(src, size, r, lang, dst, AnnotateOptions{})
}

// AnnotateWith is Annotate with options.
func AnnotateWith(src io.ReaderAt, size int64, r validate.FileResult, lang Lang, dst io.Writer, o AnnotateOptions) error {
	f, err := excelize.OpenReader(io.NewSectionReader(src, 0, size), excelize.Options{
		Password: o.Password, UnzipSizeLimit: xlsx.DefaultMaxUnzipSize, UnzipXMLSizeLimit: xlsx.MaxXMLInMemory,
	})
	if err != nil {
		return err
	}
	defer f.Close()
	findings := localized(r, lang)
	a := &annotator{f: f, lang: lang, styles: map[styleKey]int{}}
	if err := a.markCells(findings); err != nil {
		return err
	}
	if err := a.resultSheet(r.Path, findings); err != nil {
		return err
	}
	return f.Write(dst, excelize.Options{Password: o.Password})
}

// localized lists the findings of every form with messages in lang.
func localized(r validate.FileResult, lang Lang) []validate.Finding {
	var out []validate.Finding
	for _, fm := range FromResult(r, lang).Forms {
		out = append(out, fm.Findings...)
	}
	return out
}

type annotator struct {
	f      *excelize.File
	lang   Lang
	styles map[styleKey]int // derived styles, reused across cells
}

type styleKey struct {
	base int
	fill string
}

// cellKey names a cell of a sheet.
type cellKey struct{ sheet, cell string }

// markCells fills and comments every cell that has findings, once per
// cell, with the worst severity deciding the fill.
func (a *annotator) markCells(findings []validate.Finding) error {
	var order []cellKey
	byCell := map[cellKey][]validate.Finding{}
	for _, x := range findings {
		if x.Cell == "" || !a.hasSheet(x.Sheet) {
			continue
		}
		k := cellKey{x.Sheet, x.Cell}
		if byCell[k] == nil {
			order = append(order, k)
		}
		byCell[k] = append(byCell[k], x)
	}
	for _, k := range order {
		if err := a.markCell(k, byCell[k]); err != nil {
			return fmt.Errorf("%s!%s: %v", k.sheet, k.cell, err)
		}
	}
	return nil
}

func (a *annotator) hasSheet(name string) bool {
	i, err := a.f.GetSheetIndex(name)
	return err == nil && i >= 0
}

func (a *annotator) markCell(k cellKey, xs []validate.Finding) error {
	worst := validate.Info
	for _, x := range xs {
		worst = max(worst, x.Severity)
	}
	fill := map[validate.Severity]string{validate.Error: errorFill, validate.Warning: warningFill}[worst]
	if fill != "" {
		if err := a.fillCell(k, fill); err != nil {
			return err
		}
	}
	return a.comment(k, xs)
}

// fillCell gives the cell a style derived from its own with a solid fill
// and a thick border, so that its number format, font, alignment and lock
// are kept.
func (a *annotator) fillCell(k cellKey, color string) error {
	base, err := a.f.GetCellStyle(k.sheet, k.cell)
	if err != nil {
		return err
	}
	key := styleKey{base, color}
	id, ok := a.styles[key]
	if !ok {
		st, err := a.f.GetStyle(base)
		if err != nil {
			return err
		}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
		edge := map[string]string{errorFill: errorBorder, warningFill: warningBorder}[color]
		st.Border = nil
		for _, side := range []string{"left", "right", "top", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: edge, Style: 5})
		}
		if id, err = a.f.NewStyle(st); err != nil {
			return err
		}
		a.styles[key] = id
	}
	return a.f.SetCellStyle(k.sheet, k.cell, k.cell, id)
}

// comment puts the findings into the cell's comment, after any comment
// the unit already wrote there.
func (a *annotator) comment(k cellKey, xs []validate.Finding) error {
	var lines []string
	cs, _ := a.f.GetComments(k.sheet)
	for _, c := range cs {
		if c.Cell == k.cell {
			lines = append(lines, commentText(c))
			if err := a.f.DeleteComment(k.sheet, k.cell); err != nil {
				return err
			}
		}
	}
	for _, x := range xs {
		lines = append(lines, a.findingText(x))
	}
	text := strings.Join(lines, "\n")
	// Excel's limit for a comment.
	if r := []rune(text); len(r) > 32000 {
		text = string(r[:32000])
	}
	height := uint(min(40+len(lines)*36, 400))
	return a.f.AddComment(k.sheet, excelize.Comment{
		Cell: k.cell, Author: "xlsxeval", Width: 320, Height: height,
		Paragraph: []excelize.RichTextRun{{Text: text}},
	})
}

func commentText(c excelize.Comment) string {
	s := c.Text
	for _, r := range c.Paragraph {
		s += r.Text
	}
	return s
}

// findingText is one finding as a person reads it in a comment.
func (a *annotator) findingText(x validate.Finding) string {
	t := &Text{Lang: a.lang}
	s := fmt.Sprintf("[%s] %s", t.word(x.Severity.String()), x.Message)
	if x.Expected != "" {
		s += fmt.Sprintf(" (%s %s, %s %s)", t.word("expected"), x.Expected, t.word("found"), dash(x.Found))
	}
	return s
}

// resultSheet adds the findings sheet and moves it to the front.
func (a *annotator) resultSheet(path string, findings []validate.Finding) error {
	f := a.f
	if a.hasSheet(ResultSheet) {
		// Left by an earlier annotation of this copy.
		if err := f.DeleteSheet(ResultSheet); err != nil {
			return err
		}
	}
	// Sheet-scoped names (print areas) refer to sheets by position;
	// excelize's MoveSheet does not renumber them, so re-add them.
	scoped := scopedNames(f)
	for _, n := range scoped {
		if err := f.DeleteDefinedName(&n); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(ResultSheet); err != nil {
		return err
	}
	if err := f.MoveSheet(ResultSheet, f.GetSheetList()[0]); err != nil {
		return err
	}
	for _, n := range scoped {
		if err := f.SetDefinedName(&n); err != nil {
			return err
		}
	}
	if err := a.writeResults(path, findings); err != nil {
		return err
	}
	// SetActiveSheet also unselects the other tabs, so Excel does not
	// open them grouped.
	f.SetActiveSheet(0)
	return nil
}

func scopedNames(f *excelize.File) []excelize.DefinedName {
	var out []excelize.DefinedName
	for _, n := range f.GetDefinedName() {
		if n.Scope != "" && n.Scope != "Workbook" {
			out = append(out, n)
		}
	}
	return out
}

func boolPtr(b bool) *bool { return &b }

var resultHead = map[Lang][]string{
	ZH: {"序号", "级别", "工作表", "单元格", "规则", "问题", "应为", "实为"},
	EN: {"No.", "Severity", "Sheet", "Cell", "Rule", "Problem", "Expected", "Found"},
}

// writeResults fills the findings sheet: a title, the counts, then one
// row per finding (errors first) with a link to its cell.
func (a *annotator) writeResults(path string, findings []validate.Finding) error {
	f, s, t := a.f, ResultSheet, &Text{Lang: a.lang}
	sorted := bySeverity(findings)
	ne, nw := 0, 0
	for _, x := range sorted {
		ne += b2i(x.Severity == validate.Error)
		nw += b2i(x.Severity == validate.Warning)
	}
	title := tr(a.lang, "校验结果: ", "Check results: ") + baseName(path)
	counts := fmt.Sprintf(tr(a.lang, "%d 个错误, %d 个警告。红色单元格为错误, 黄色为警告; 将鼠标移到单元格上查看批注。点击单元格地址跳转。",
		"%d errors, %d warnings. Red cells are errors, yellow warnings; hover a cell to read its comment. Click a cell address to go there."), ne, nw)
	st, err := a.resultStyles()
	if err != nil {
		return err
	}
	set := func(ref string, v any, style int) {
		if err == nil {
			err = f.SetCellValue(s, ref, v)
		}
		if err == nil && style != 0 {
			err = f.SetCellStyle(s, ref, ref, style)
		}
	}
	set("A1", title, st.title)
	set("A2", counts, 0)
	for i, h := range resultHead[langOr(a.lang)] {
		ref, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(ref, h, st.head)
	}
	for i, x := range sorted {
		row := i + 4
		sev := st.sev[x.Severity]
		vals := []any{i + 1, t.word(x.Severity.String()), x.Sheet, x.Cell, x.Rule, x.Message, x.Expected, x.Found}
		for j, v := range vals {
			ref, _ := excelize.CoordinatesToCellName(j+1, row)
			style := st.text
			if j == 1 {
				style = sev
			}
			if j == 3 && x.Cell != "" {
				style = st.link
			}
			set(ref, v, style)
		}
		if err == nil {
			// Wrapped text does not grow the row by itself in every program.
			err = f.SetRowHeight(s, row, 15*float64(lines(x.Message, 58)))
		}
		if err == nil && x.Cell != "" && a.hasSheet(x.Sheet) {
			loc := quoteSheet(x.Sheet) + "!" + x.Cell
			err = f.SetCellHyperLink(s, fmt.Sprintf("D%d", row), loc, "Location")
		}
	}
	if err != nil {
		return err
	}
	for i, w := range []float64{6, 8, 18, 8, 14, 60, 14, 14} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(s, col, col, w); err != nil {
			return err
		}
	}
	// A4 (paper size 9) landscape, one page wide, as the form prints;
	// excelize's default paper is Letter.
	a4, orient, one, zero, fit := 9, "landscape", 1, 0, true
	if err := f.SetPageLayout(s, &excelize.PageLayoutOptions{Size: &a4, Orientation: &orient, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	if err := f.SetSheetProps(s, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
}

// lines is how many lines s takes in a column width wide (CJK counts
// double).
func lines(s string, width int) int {
	n := 0
	for _, r := range s {
		n += 1 + b2i(r > 0x2e80)
	}
	return max(1, (n+width-1)/width)
}

type resultStyles struct {
	title, head, text, link int
	sev                     map[validate.Severity]int
}

func (a *annotator) resultStyles() (resultStyles, error) {
	f := a.f
	var st resultStyles
	wrap := &excelize.Alignment{Vertical: "top", WrapText: true}
	defs := []struct {
		to *int
		s  *excelize.Style
	}{
		{&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.head, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}}, Alignment: wrap}},
		{&st.text, &excelize.Style{Alignment: wrap}},
		{&st.link, &excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}, Alignment: wrap}},
	}
	st.sev = map[validate.Severity]int{}
	for sev, color := range map[validate.Severity]string{validate.Error: errorFill, validate.Warning: warningFill, validate.Info: "DDEBF7"} {
		id, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}, Alignment: wrap})
		if err != nil {
			return st, err
		}
		st.sev[sev] = id
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.s)
		if err != nil {
			return st, err
		}
		*d.to = id
	}
	return st, nil
}

// quoteSheet quotes a sheet name for a reference.
func quoteSheet(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
