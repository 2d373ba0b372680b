package template

import (
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// Shared formulas: the helper columns repeat one long formula down the
// indicator rows, each row's moved by one. Written as a shared formula
// (the first cell holds the text, the others name it) a form's sheet is
// a fifth the size, and every reader unpacks and scans less.

// shareTag is how a formula cell is written as part of a shared formula.
type shareTag struct {
	si  int
	ref string // the range it covers, on its first cell; "" on the others
}

// sharedFormulas picks out, among a sheet's formula cells fs (by
// reference), each column's runs of consecutive rows whose formulas are
// the first's moved down a row at a time, as readers expand a shared
// formula: xlsx.Split is excelize's expansion, which the checker's reader
// reproduces; splits keeps what it moved for the next workbook of a spec,
// whose cells ask the same. A run whose expansion would differ in any cell by a single
// character, the first included, is not shared.
func sharedFormulas(fs map[string]string, splits *xlsx.Splits) map[string]shareTag {
	byCol := map[int][]int{}
	for ref := range fs {
		col, row, err := excelize.CellNameToCoordinates(ref)
		if err == nil {
			byCol[col] = append(byCol[col], row)
		}
	}
	cols := make([]int, 0, len(byCol))
	for c := range byCol {
		cols = append(cols, c)
	}
	sort.Ints(cols)
	tags := map[string]shareTag{}
	si := 0
	for _, col := range cols {
		rows := byCol[col]
		sort.Ints(rows)
		for i := 0; i < len(rows); {
			n := run(fs, col, rows[i:], splits)
			if n > 1 {
				first, last := Cell(col, rows[i]), Cell(col, rows[i+n-1])
				tags[first] = shareTag{si: si, ref: first + ":" + last}
				for _, r := range rows[i+1 : i+n] {
					tags[Cell(col, r)] = shareTag{si: si}
				}
				si++
			}
			i += max(n, 1)
		}
	}
	return tags
}

// run is how many of rows (ascending), from the first, are consecutive
// and read back as the first's formula moved down; 0 when the first does
// not read back as itself.
func run(fs map[string]string, col int, rows []int, splits *xlsx.Splits) int {
	if len(rows) < 2 || rows[1] != rows[0]+1 {
		return 1
	}
	master := fs[Cell(col, rows[0])]
	s := splits.Get(master)
	if s == nil || s.At(0, 0) != master {
		return 0
	}
	n := 1
	for n < len(rows) && rows[n] == rows[0]+n && splits.At(s, 0, n) == fs[Cell(col, rows[n])] {
		n++
	}
	return n
}
