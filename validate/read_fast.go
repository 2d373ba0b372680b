package validate

import (
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formread"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// fastBook is a workbook read by internal/xlsx.
type fastBook struct {
	b    *xlsx.Book
	kept map[string]*xlsx.Sheet // sheets read, kept for the seal; nil: none kept
}

func (x fastBook) sheetList() []string {
	var out []string
	for _, s := range x.b.Sheets() {
		out = append(out, s.Name)
	}
	return out
}

func (x fastBook) visible(sheet string) bool {
	for _, s := range x.b.Sheets() {
		if s.Name == sheet {
			return s.Visible()
		}
	}
	return false
}

// fingerprints reads the fingerprint sheet as excelize's
// form.ReadFingerprints finds it: by its name in any case.
func (x fastBook) fingerprints() (map[string]*form.Fingerprint, error) {
	for _, s := range x.b.Sheets() {
		if strings.EqualFold(s.Name, form.FingerprintSheet) {
			sh, err := x.b.Sheet(s.Name)
			if err != nil {
				return nil, err
			}
			return form.ParseFingerprints(sh.Rows)
		}
	}
	return nil, nil
}

// grid is the sheet as the form reader sees it; raw values and formulas
// come with it, keyed by cell.
func (x fastBook) grid(sheet string) (*formread.Grid, error) {
	sh, err := x.b.Sheet(sheet)
	if err != nil {
		return nil, err
	}
	if x.kept != nil {
		x.kept[sheet] = sh
	}
	return formread.FromXLSX(sheet, sh), nil
}
