package validate

import (
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
)

// a1Of is the A1 reference of 0-based (r, c).
func a1Of(r, c int) string {
	s, _ := excelize.CoordinatesToCellName(c+1, r+1)
	return s
}

// rowOf is the 0-based row of an A1 reference.
func rowOf(a1 string) int {
	_, r, err := excelize.CellNameToCoordinates(a1)
	if err != nil {
		return -1
	}
	return r - 1
}

// allLabels are every label of the catalogue, for the fuzzer.
var allLabels = func() []string {
	var out []string
	for _, p := range form.Paths() {
		out = append(out, form.FieldAt(p).Labels()...)
	}
	return out
}()
