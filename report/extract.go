package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// Column is one column of the extract table: a key for JSON and headers
// for people.
type Column struct{ Key, ZH, EN string }

// col is an extract column named after a catalogue field.
func col(key string, f *form.Field) Column { return Column{key, f.Label, f.En} }

// ExtractColumns are the columns of the extract table, in order: the
// form's header and funds (repeated on each of its rows), then one
// indicator per row. Names come from the field catalogue.
func ExtractColumns() []Column {
	cols := []Column{
		{"file", "文件", "file"}, {"sheet", "工作表", "sheet"}, col("year", form.FYear),
		col("project", form.FProject), col("department", form.FDepartment), col("unit", form.FUnit),
		{"amount_unit", "金额单位", "amount unit"},
	}
	for _, r := range form.FundRows {
		for _, c := range []*form.Field{form.FFundInitial, form.FFundBudget, form.FFundExec, form.FFundRate} {
			cols = append(cols, Column{r.Key + "_" + c.Key, r.Label + "-" + c.Label, r.En + " " + c.En})
		}
	}
	return append(cols,
		Column{"funds_weight", "资金分值", "funds weight"}, Column{"funds_score", "资金得分", "funds score"},
		col("goal", form.FGoal), col("done", form.FDone),
		col("total_score", form.FTotal), col("grade", form.FGrade),
		Column{"ind_no", "指标序号", "indicator no."},
		col("l1", form.FL1), col("l2", form.FL2), col("l3", form.FL3),
		col("target", form.FTarget), Column{"target_op", "目标运算符", "target operator"},
		Column{"target_value", "目标数值", "target value"}, Column{"target_unit", "目标单位", "target unit"},
		col("actual", form.FActual), Column{"actual_value", "实际数值", "actual value"},
		Column{"actual_unit", "实际单位", "actual unit"}, Column{"actual_level", "完成程度", "completion level"},
		col("weight", form.FWeight), col("score", form.FScore),
		col("reason", form.FReason),
	)
}

// ExtractRows turns one form into rows of the extract table: one per
// indicator (one row when it has none). Figures are decimal.Decimal (nil
// when empty), everything else strings.
func ExtractRows(path string, f *form.Form) [][]any {
	head := []any{path, f.Sheet, yearOf(f.Year), f.Project.Text, f.Department.Text, f.Unit.Text, f.AmountUnit}
	for _, r := range f.Funds {
		head = append(head, num(r.Initial), num(r.Budget), num(r.Exec), num(r.Rate))
	}
	t := f.Funds[form.FundTotal]
	head = append(head, num(t.Weight), num(t.Score), f.Goal.Text, f.Done.Text, num(f.TotalScore), f.Grade.Text)
	if len(f.Indicators) == 0 {
		return [][]any{append(head, make([]any, 15)...)}
	}
	var rows [][]any
	for i, x := range f.Indicators {
		row := append(append([]any(nil), head...), i+1, x.L1.Text, x.L2.Text, x.L3.Text)
		tv, av := parsed(x.Target), parsed(x.Actual)
		row = append(row, shown(x.Target), tv.Op.String(), tv.num(), tv.Unit)
		row = append(row, shown(x.Actual), av.num(), av.Unit, av.Level.String())
		row = append(row, num(x.Weight), num(x.Score), x.Reason.Text)
		rows = append(rows, row)
	}
	return rows
}

type value struct{ formulas.Value }

func (v value) num() any {
	if v.Num == nil {
		return nil
	}
	return *v.Num
}

// parsed reads a target or actual; what cannot be read leaves the parsed
// columns empty (the text column still shows it).
func parsed(c form.Cell) value {
	v, err := formulas.Parse(shown(c))
	if err != nil {
		return value{}
	}
	return value{v}
}

func shown(c form.Cell) string {
	if c.Text != "" {
		return c.Text
	}
	if c.Num != nil {
		return c.Num.StringFixed(c.Places)
	}
	return ""
}

func num(c form.Cell) any {
	if c.Num == nil {
		return nil
	}
	return *c.Num
}

func yearOf(c form.Cell) any {
	if c.Num != nil {
		return int(c.Num.IntPart())
	}
	return c.Text
}

// Extractor writes the extract table of forms as they arrive.
type Extractor interface {
	Add(path string, f *form.Form) error
	Close() error
}

// NewExtractor returns the writer of format "csv", "json" or "xlsx".
func NewExtractor(format string, w io.Writer, lang Lang) (Extractor, error) {
	switch format {
	case "csv":
		return &extractCSV{w: w, lang: lang}, nil
	case "json":
		return &extractJSON{w: w}, nil
	case "xlsx":
		return &extractXLSX{w: w, lang: lang}, nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

func headers(lang Lang) []string {
	var out []string
	for _, c := range ExtractColumns() {
		out = append(out, tr(lang, c.ZH, c.EN))
	}
	return out
}

// text renders a value for CSV.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case decimal.Decimal:
		return x.String()
	}
	return fmt.Sprint(v)
}

type extractCSV struct {
	w    io.Writer
	lang Lang
	cw   *csv.Writer
}

func (e *extractCSV) start() error {
	if e.cw != nil {
		return nil
	}
	if _, err := io.WriteString(e.w, "\ufeff"); err != nil {
		return err
	}
	e.cw = csv.NewWriter(e.w)
	e.cw.UseCRLF = true
	return e.cw.Write(headers(e.lang))
}

func (e *extractCSV) Add(path string, f *form.Form) error {
	if err := e.start(); err != nil {
		return err
	}
	for _, row := range ExtractRows(path, f) {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = SafeCSV(text(v))
		}
		if err := e.cw.Write(rec); err != nil {
			return err
		}
	}
	e.cw.Flush()
	return e.cw.Error()
}

func (e *extractCSV) Close() error {
	if err := e.start(); err != nil {
		return err
	}
	e.cw.Flush()
	return e.cw.Error()
}

// extractJSON writes an array of objects with the columns' keys in order;
// figures are JSON numbers written from the exact decimal.
type extractJSON struct {
	w io.Writer
	n int
}

func (e *extractJSON) Add(path string, f *form.Form) error {
	cols := ExtractColumns()
	for _, row := range ExtractRows(path, f) {
		var b strings.Builder
		b.WriteString(map[bool]string{true: "[\n", false: ",\n"}[e.n == 0])
		e.n++
		b.WriteByte('{')
		for i, v := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(cols[i].Key)
			var val []byte
			switch x := v.(type) {
			case decimal.Decimal:
				val = []byte(x.String())
			default:
				var err error
				if val, err = json.Marshal(x); err != nil {
					return err
				}
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(val)
		}
		b.WriteByte('}')
		if _, err := io.WriteString(e.w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

func (e *extractJSON) Close() error {
	end := "\n]\n"
	if e.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(e.w, end)
	return err
}

// extractXLSX keeps the rows and writes one table at Close, so that the
// columns can be sized to their content.
type extractXLSX struct {
	w    io.Writer
	lang Lang
	rows [][]any
}

func (e *extractXLSX) Add(path string, f *form.Form) error {
	e.rows = append(e.rows, ExtractRows(path, f)...)
	return nil
}

func (e *extractXLSX) Close() error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := tr(e.lang, "自评表数据", "Data")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	if err := writeTable(f, st, sheet, "Data", headers(e.lang), e.rows); err != nil {
		return err
	}
	return f.Write(e.w)
}
