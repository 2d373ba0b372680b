package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/validate"
)

func TestExtract(t *testing.T) {
	dir := t.TempDir()
	b, err := validate.Open(faultyBook(t, dir), validate.ReadOptions{})
	if err != nil || len(b.Forms) != 1 {
		t.Fatal(err)
	}
	fm := b.Forms[0]
	cols := ExtractColumns()
	rows := ExtractRows("bad.xlsx", fm)
	if len(rows) != 12 {
		t.Fatalf("%d rows, want one per indicator (12)", len(rows))
	}
	at := func(row []any, key string) any {
		for i, c := range cols {
			if c.Key == key {
				return row[i]
			}
		}
		t.Fatalf("no column %s", key)
		return nil
	}
	r0 := rows[0]
	if at(r0, "target_op") != "≤" || at(r0, "target_unit") != "万元" || !at(r0, "target_value").(decimal.Decimal).Equal(decimal.RequireFromString("17.52")) {
		t.Errorf("row 1 target parsed as %v %v %v", at(r0, "target_op"), at(r0, "target_value"), at(r0, "target_unit"))
	}
	if at(r0, "project") != "信息化运维项目" || at(r0, "year") != 2024 || !at(r0, "total_budget").(decimal.Decimal).Equal(decimal.RequireFromString("17.52")) {
		t.Errorf("header: %v %v %v", at(r0, "project"), at(r0, "year"), at(r0, "total_budget"))
	}
	if at(rows[10], "actual_level") != "达成指标" || at(rows[10], "target_op") != "" {
		t.Errorf("qualitative row: %v %v", at(rows[10], "actual_level"), at(rows[10], "target_op"))
	}
	if at(rows[1], "actual_unit") != "个" {
		t.Errorf("actual unit %v", at(rows[1], "actual_unit"))
	}

	// JSON: valid, numbers as numbers.
	var buf bytes.Buffer
	ex, _ := NewExtractor("json", &buf, ZH)
	if err := ex.Add("bad.xlsx", fm); err != nil {
		t.Fatal(err)
	}
	ex.Close()
	var objs []map[string]any
	d := json.NewDecoder(&buf)
	d.UseNumber()
	if err := d.Decode(&objs); err != nil {
		t.Fatal(err)
	}
	if n, ok := objs[0]["target_value"].(json.Number); len(objs) != 12 || !ok || n.String() != "17.52" {
		t.Errorf("JSON: %d objects, target_value %#v", len(objs), objs[0]["target_value"])
	}

	// xlsx: a header row, numbers in numeric cells.
	buf.Reset()
	ex, _ = NewExtractor("xlsx", &buf, ZH)
	ex.Add("bad.xlsx", fm)
	if err := ex.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	rs, _ := f.GetRows(sheet)
	if len(rs) != 13 || rs[0][0] != "文件" {
		t.Fatalf("xlsx rows %d, header %v", len(rs), rs[0])
	}
	col := 0
	for i, c := range cols {
		if c.Key == "total_budget" {
			col = i + 1
		}
	}
	ref, _ := excelize.CoordinatesToCellName(col, 2)
	if ty, _ := f.GetCellType(sheet, ref); ty != excelize.CellTypeNumber && ty != excelize.CellTypeUnset {
		t.Errorf("total budget cell type %v", ty)
	}
	if v, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true}); v != "17.52" {
		t.Errorf("total budget %q", v)
	}
}
