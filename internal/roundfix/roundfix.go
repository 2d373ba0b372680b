// Package roundfix makes the returned workbooks of a collection round for
// tests: copies of the filled samples, some made faulty, each stamped
// with the time the workbook says it was saved.
package roundfix

import (
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/xuri/excelize/v2"
)

// Root is the repository root (for samples/).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Sample is the path of a filled sample workbook, by project name:
// 信息化运维项目 or 文旅管理与服务 (both projects of samples/specs/batch.csv).
func Sample(project string) string {
	return filepath.Join(Root(), "samples", project+".xlsx")
}

// BatchSpec is samples/specs/batch.csv.
func BatchSpec() string { return filepath.Join(Root(), "samples", "specs", "batch.csv") }

// Cap is the edit of 信息化运维项目 that earns ind.cap: 功能模块更新数量
// reports 5 of 10 items done while its full score of 5.00 stays.
var Cap = map[string]string{"E14": "5.00(项)"}

// Write copies src to dst with cells (on the form sheet, named sheet)
// set as text and the workbook's saved time set to saved.
func Write(src, dst, sheet string, cells map[string]string, saved time.Time) error {
	f, err := excelize.OpenFile(src)
	if err != nil {
		return err
	}
	defer f.Close()
	for ref, v := range cells {
		if err := f.SetCellStr(sheet, ref, v); err != nil {
			return err
		}
	}
	if !saved.IsZero() {
		p, err := f.GetDocProps()
		if err != nil {
			return err
		}
		p.Modified = saved.UTC().Format(time.RFC3339)
		if err := f.SetDocProps(p); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return f.SaveAs(dst)
}
