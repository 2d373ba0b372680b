package validate

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// fuzzWords are what a fuzzed sheet is made of: every label, values,
// notes and blanks, so the reader meets its labels in any order.
var fuzzWords = append(append([]string{"", "", "", "17.52", "-", "≥90.00(%)", "(2024年度)", "财政项目支出绩效自评表",
	"项目名称：x", "评分等级：优", "其中：当年财政拨款", "产出指标(50分)", "合计", "项目资金 (元)", "1,234.5", "86.19%"},
	allLabels...), "总分", "分数", "权重")

// FuzzReadLabels: whatever the cells say and however they are merged, the
// reader returns forms or skips, never panics, and every field it finds
// has a reference on the sheet.
func FuzzReadLabels(f *testing.F) {
	f.Add([]byte{7, 2, 0, 0, 30, 31, 32, 33, 34, 35, 36, 37, 255, 1, 2})
	f.Add([]byte("\x14\x15\x16\x17\x18\x19\x1a\x1b\xff\x1c\x1d\x1e\x1f\x20\x21\x22\x23\x24\xfe\x02\x03"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 400 {
			return
		}
		x := excelize.NewFile()
		r, c := 1, 1
		for i, b := range data {
			switch {
			case b == 255: // next row
				r, c = r+1, 1
			case b == 254 && i+1 < len(data): // merge down and right
				n := int(data[i+1]%3) + 1
				from, _ := excelize.CoordinatesToCellName(c, r)
				to, _ := excelize.CoordinatesToCellName(c+n%2, r+n/2)
				_ = x.MergeCell("Sheet1", from, to)
			default:
				a, _ := excelize.CoordinatesToCellName(c, r)
				_ = x.SetCellStr("Sheet1", a, fuzzWords[int(b)%len(fuzzWords)])
				c++
			}
		}
		buf, err := x.WriteToBuffer()
		if err != nil {
			return
		}
		bk, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "fuzz.xlsx", ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, fm := range bk.Forms {
			for k, cell := range fm.Cells() {
				if cell.Found() {
					if _, _, err := excelize.CellNameToCoordinates(cell.Ref); err != nil {
						t.Fatalf("%s: bad ref %q", k, cell.Ref)
					}
				}
			}
		}
	})
}
