package form

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// FingerprintSheet is the very hidden sheet where our templates record
// themselves. A sheet survives re-saves by Excel, WPS and LibreOffice,
// where custom XML parts and document properties may not.
const FingerprintSheet = "_xlsxeval"

// fingerprintMark is A1 of the fingerprint sheet.
const fingerprintMark = "xlsxeval-fingerprint"

// WriteFingerprints records fps on the fingerprint sheet of f, one row per
// form sheet: A = sheet name, B = JSON of its Fingerprint.
func WriteFingerprints(f *excelize.File, fps []*Fingerprint) error {
	if _, err := f.NewSheet(FingerprintSheet); err != nil {
		return err
	}
	if err := f.SetCellStr(FingerprintSheet, "A1", fingerprintMark); err != nil {
		return err
	}
	for i, fp := range fps {
		b, err := json.Marshal(fp)
		if err != nil {
			return err
		}
		row := i + 2
		if err := f.SetCellStr(FingerprintSheet, fmt.Sprintf("A%d", row), fp.Sheet); err != nil {
			return err
		}
		if err := f.SetCellStr(FingerprintSheet, fmt.Sprintf("B%d", row), string(b)); err != nil {
			return err
		}
	}
	return f.SetSheetVisible(FingerprintSheet, false, true)
}

// ReadFingerprints returns the fingerprints recorded in f by sheet name,
// or nil when f is not one of our templates.
func ReadFingerprints(f *excelize.File) (map[string]*Fingerprint, error) {
	if idx, _ := f.GetSheetIndex(FingerprintSheet); idx < 0 {
		return nil, nil
	}
	rows, err := f.GetRows(FingerprintSheet)
	if err != nil {
		return nil, err
	}
	return ParseFingerprints(rows)
}

// ParseFingerprints reads the fingerprints from the rows of the
// fingerprint sheet (as excelize's GetRows gives them), or nil when they
// do not start with its mark.
func ParseFingerprints(rows [][]string) (map[string]*Fingerprint, error) {
	if len(rows) == 0 || len(rows[0]) == 0 || strings.TrimSpace(rows[0][0]) != fingerprintMark {
		return nil, nil
	}
	out := map[string]*Fingerprint{}
	for _, r := range rows[1:] {
		if len(r) < 2 || r[1] == "" {
			continue
		}
		fp, ok := parseFingerprint(r[1]) // what WriteFingerprints writes
		if !ok {
			fp = &Fingerprint{}
			if err := json.Unmarshal([]byte(r[1]), fp); err != nil {
				return nil, fmt.Errorf("指纹表 %s 已损坏: %v", FingerprintSheet, err)
			}
		}
		out[r[0]] = fp
	}
	return out, nil
}
