package formread

import (
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// Skip is a sheet that holds no form, and why.
type Skip struct {
	Sheet    string `json:"sheet"`
	Reason   string `json:"reason"`
	ReasonEn string `json:"reason_en,omitempty"`
}

// Book is what was read from one workbook.
type Book struct {
	Path    string
	Forms   []*form.Form
	Skipped []Skip
}

// Book turns every visible sheet of wb into forms or a skip. Sheets past
// the limits are skipped unread. The sheets read are put in kept when it
// is not nil (the seal compares their cells). Any error is the
// workbook's: internal/xlsx then reads it again with excelize, if it has
// not.
func (rd *Reader) Book(wb xlsx.Workbook, kept map[string]*xlsx.Sheet) (*Book, error) {
	name := wb.Name()
	fps, err := fingerprints(wb)
	if err != nil {
		return nil, xlsx.Broken(name, err)
	}
	b := &Book{Path: name}
	for _, s := range wb.Sheets() {
		sheet := s.Name
		if sheet == form.FingerprintSheet {
			continue
		}
		if !s.Visible() {
			// Our templates hide helper sheets (dropdown lists); their
			// fingerprint names the form sheets. Elsewhere a hidden sheet
			// may hide a form, so say it was not checked.
			if fps == nil || fps[sheet] != nil {
				b.Skipped = append(b.Skipped, Skip{sheet, "隐藏的工作表，未检查", "hidden sheet, not checked"})
			}
			continue
		}
		if m, over := wb.Oversize(sheet); over {
			b.Skipped = append(b.Skipped, Skip{sheet, m.Zh, m.En})
			continue
		}
		sh, err := wb.Sheet(sheet)
		if err != nil {
			// A form there would pass unchecked: the file is unreadable.
			return nil, xlsx.UnreadableSheet(name, sheet, err)
		}
		if kept != nil {
			kept[sheet] = sh
		}
		forms, skip := rd.readSheet(FromSheet(sheet, sh), fps[sheet])
		if skip != nil {
			b.Skipped = append(b.Skipped, *skip)
			continue
		}
		b.Forms = append(b.Forms, forms...)
	}
	return b, nil
}

// fingerprints reads the fingerprint sheet, found as excelize's
// GetSheetIndex finds it: by its name in any case.
func fingerprints(wb xlsx.Workbook) (map[string]*form.Fingerprint, error) {
	for _, s := range wb.Sheets() {
		if strings.EqualFold(s.Name, form.FingerprintSheet) {
			rows, err := wb.Rows(s.Name)
			if err != nil {
				return nil, err
			}
			return form.ParseFingerprints(rows)
		}
	}
	return nil, nil
}

// readSheet reads the forms on one sheet: by the fingerprint when it
// carries one that still fits, by labels otherwise (an export may stack
// several forms on one sheet).
func (rd *Reader) readSheet(g *Grid, fp *form.Fingerprint) ([]*form.Form, *Skip) {
	forms, blank := rd.Sheet(g, fp)
	switch {
	case blank:
		return nil, &Skip{g.sheet, "空白工作表", "empty sheet"}
	case len(forms) == 0:
		return nil, &Skip{g.sheet, "未找到自评表 (没有项目资金表头或绩效指标表头)",
			"no form found (no funds header or indicator header)"}
	}
	return forms, nil
}
