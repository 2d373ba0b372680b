package report

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/validate"
)

// SummaryBook collects the rows of the batch summary workbook as files
// arrive; it keeps only rows (a few strings per form and finding), never
// the workbooks, so it serves batches of thousands.
type SummaryBook struct {
	Lang     Lang
	forms    [][]any
	findings [][]any
	rules    map[string]*ruleCount
	extra    []extraSheet
}

// extraSheet is a sheet another package adds (the round's 回收进度).
type extraSheet struct {
	name, table string
	head        []string
	rows        [][]any
}

// AddSheet adds a sheet written after the summary's own; table names its
// Excel table (letters only).
func (s *SummaryBook) AddSheet(name, table string, head []string, rows [][]any) {
	s.extra = append(s.extra, extraSheet{name, table, head, rows})
}

type ruleCount struct {
	bySev [3]int
	forms int
}

// NewSummaryBook starts an empty summary.
func NewSummaryBook(lang Lang) *SummaryBook {
	return &SummaryBook{Lang: lang, rules: map[string]*ruleCount{}}
}

// SummaryWorkbook writes the summary workbook of files to w: one row per
// form, a sheet of every finding and a sheet of counts per rule.
func SummaryWorkbook(files []File, lang Lang, w io.Writer) error {
	s := NewSummaryBook(lang)
	for _, f := range files {
		s.Add(f)
	}
	return s.Write(w)
}

// Sheet names and headers of the summary workbook.
var summaryWords = map[Lang]struct {
	forms, findings, rules string
	formHead, findHead     []string
	ruleHead               []string
	status                 [4]string // clean, warnings, errors, unreadable
}{
	ZH: {"汇总", "问题清单", "规则统计",
		[]string{"文件", "工作表", "项目名称", "主管部门", "实施单位", "全年预算数", "全年执行数", "执行率(%)", "总分", "评分等级", "错误", "警告", "提示", "状态", "备注"},
		[]string{"文件", "工作表", "项目名称", "单元格", "级别", "规则", "问题", "应为", "实为"},
		[]string{"规则", "说明", "错误", "警告", "提示", "合计", "涉及表数"},
		[4]string{"无问题", "有警告", "需退回", "无法读取"}},
	EN: {"Forms", "Findings", "Rules",
		[]string{"File", "Sheet", "Project", "Department", "Unit", "Budget", "Executed", "Rate (%)", "Total", "Grade", "Errors", "Warnings", "Infos", "Status", "Note"},
		[]string{"File", "Sheet", "Project", "Cell", "Severity", "Rule", "Message", "Expected", "Found"},
		[]string{"Rule", "Description", "Errors", "Warnings", "Infos", "Total", "Forms"},
		[4]string{"clean", "warnings", "errors", "unreadable"}},
}

// Add records one file's forms and findings.
func (s *SummaryBook) Add(f File) {
	w := summaryWords[langOr(s.Lang)]
	if f.Error != "" {
		s.forms = append(s.forms, []any{f.Path, "", "", "", "", nil, nil, nil, nil, "", 0, 0, 0, w.status[3], f.Error})
		return
	}
	t := &Text{Lang: s.Lang}
	for _, x := range f.Findings {
		// A file-level finding (no form in it): the file needs returning.
		s.forms = append(s.forms, []any{f.Path, "", "", "", "", nil, nil, nil, nil, "", 1, 0, 0, w.status[2], x.Message})
		s.findings = append(s.findings, []any{f.Path, "", "", "", t.word(x.Severity.String()), x.Rule, x.Message, x.Expected, x.Found})
	}
	for _, fm := range f.Forms {
		status := w.status[0]
		switch {
		case fm.Errors > 0:
			status = w.status[2]
		case fm.Warnings > 0:
			status = w.status[1]
		}
		s.forms = append(s.forms, []any{f.Path, fm.Sheet, fm.Project, fm.Department, fm.Unit,
			number(fm.Budget), number(fm.Executed), number(fm.Rate), number(fm.Total), fm.Grade,
			fm.Errors, fm.Warnings, fm.Infos, status, ""})
		seen := map[string]bool{}
		for _, x := range fm.Findings {
			s.findings = append(s.findings, []any{f.Path, x.Sheet, fm.Project, x.Cell,
				t.word(x.Severity.String()), x.Rule, x.Message, x.Expected, x.Found})
			rc := s.rules[x.Rule]
			if rc == nil {
				rc = &ruleCount{}
				s.rules[x.Rule] = rc
			}
			rc.bySev[x.Severity]++
			if !seen[x.Rule] {
				seen[x.Rule] = true
				rc.forms++
			}
		}
	}
}

// number turns a figure as shown ("1,234.50", "99.88%") into a decimal so
// that the cell is a number; text that is no number stays text.
func number(s string) any {
	t := strings.TrimSpace(strings.NewReplacer(",", "", "%", "", " ", "").Replace(s))
	if t == "" {
		return nil
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return s
	}
	return d
}

// Write writes the workbook to w, each sheet through a stream writer.
func (s *SummaryBook) Write(w io.Writer) error {
	words := summaryWords[langOr(s.Lang)]
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", words.forms); err != nil {
		return err
	}
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	sheets := []struct {
		name  string
		head  []string
		rows  [][]any
		table string
	}{
		{words.forms, words.formHead, s.forms, "Forms"},
		{words.findings, words.findHead, s.findings, "Findings"},
		{words.rules, words.ruleHead, s.ruleRows(), "Rules"},
	}
	for _, x := range s.extra {
		sheets = append(sheets, struct {
			name  string
			head  []string
			rows  [][]any
			table string
		}{x.name, x.head, x.rows, x.table})
	}
	for _, sh := range sheets {
		if _, err := f.NewSheet(sh.name); err != nil {
			return err
		}
		if err := writeTable(f, st, sh.name, sh.table, sh.head, sh.rows); err != nil {
			return fmt.Errorf("%s: %v", sh.name, err)
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func (s *SummaryBook) ruleRows() [][]any {
	docs := map[string]string{}
	for _, c := range validate.Checks() {
		docs[c.Code] = c.Doc
		if s.Lang == EN && c.DocEn != "" {
			docs[c.Code] = c.DocEn
		}
	}
	codes := make([]string, 0, len(s.rules))
	for c := range s.rules {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var rows [][]any
	for _, c := range codes {
		rc := s.rules[c]
		e, w, i := rc.bySev[validate.Error], rc.bySev[validate.Warning], rc.bySev[validate.Info]
		rows = append(rows, []any{c, docs[c], e, w, i, e + w + i, rc.forms})
	}
	return rows
}

type sheetStyles struct{ head, text, num, int int }

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	var st sheetStyles
	money := "#,##0.00"
	defs := []struct {
		to *int
		s  *excelize.Style
	}{
		{&st.head, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&st.text, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.num, &excelize.Style{CustomNumFmt: &money}},
		{&st.int, &excelize.Style{NumFmt: 1}},
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

// writeTable streams head and rows into sheet as an Excel table (filter
// buttons) with a frozen header and columns as wide as their content.
func writeTable(f *excelize.File, st sheetStyles, sheet, table string, head []string, rows [][]any) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range colWidths(head, rows) {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	hv := make([]any, len(head))
	for i, h := range head {
		hv[i] = excelize.Cell{StyleID: st.head, Value: h}
	}
	if err := sw.SetRow("A1", hv); err != nil {
		return err
	}
	for r, row := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(ref, cellsOf(st, row)); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(head), max(len(rows)+1, 2))
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: table, StyleName: "TableStyleLight9", ShowRowStripes: boolPtr(true)}); err != nil {
		return err
	}
	return sw.Flush()
}

// cellsOf types a row: decimals become numbers with two decimals, ints
// whole numbers, strings text.
func cellsOf(st sheetStyles, row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		switch x := v.(type) {
		case decimal.Decimal:
			// A cell stores an IEEE double; the figure has at most a few
			// decimals, which a double holds exactly enough to show.
			out[i] = excelize.Cell{StyleID: st.num, Value: x.InexactFloat64()}
		case int:
			out[i] = excelize.Cell{StyleID: st.int, Value: x}
		case nil:
			out[i] = nil
		default:
			out[i] = excelize.Cell{StyleID: st.text, Value: fmt.Sprint(x)}
		}
	}
	return out
}

// colWidths fits each column to its widest content (CJK counts double),
// within bounds so that a long message does not make a column unusable.
func colWidths(head []string, rows [][]any) []float64 {
	w := make([]float64, len(head))
	fit := func(i int, s string) {
		n := 2.0
		for _, r := range s {
			if utf8.RuneLen(r) > 1 {
				n += 2
			} else {
				n++
			}
		}
		w[i] = min(max(w[i], n), 60)
	}
	for i, h := range head {
		fit(i, h)
		w[i] += 2 // the filter button
	}
	for _, row := range rows {
		for i, v := range row {
			switch x := v.(type) {
			case nil:
			case decimal.Decimal:
				fit(i, x.StringFixed(2)+",,,")
			default:
				fit(i, fmt.Sprint(x))
			}
		}
	}
	return w
}

// Helpers shared by the report files.

// tr picks the Chinese or English text.
func tr(lang Lang, zh, en string) string {
	if lang == EN {
		return en
	}
	return zh
}

// langOr is lang, or Chinese when unset or unknown.
func langOr(lang Lang) Lang {
	if lang == EN {
		return EN
	}
	return ZH
}

// bySeverity returns the findings errors first, keeping their order
// (by cell) within a level.
func bySeverity(xs []validate.Finding) []validate.Finding {
	out := append([]validate.Finding(nil), xs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity > out[j].Severity })
	return out
}

// baseName is the file name of a path, either separator.
func baseName(p string) string {
	return filepath.Base(strings.ReplaceAll(p, "\\", "/"))
}
