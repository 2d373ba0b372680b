package integrity

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
)

// A seal is stored on the fingerprint sheet (form.FingerprintSheet), on
// the row of its form sheet (column A = sheet name, B = fingerprint): C
// holds the header, D onwards the record's JSON in parts that fit a cell.
// A sheet survives re-saves where custom parts may not.

const (
	sealMark = "xlsxeval-seal"
	// partLen keeps each part under Excel's 32,767 characters a cell.
	partLen = 30000
	// sealCol is column C.
	sealCol = 3
)

type header struct {
	Mark  string `json:"seal"`
	V     int    `json:"v"`
	KeyID string `json:"kid"`
	MAC   string `json:"mac"`
	Parts int    `json:"parts"`
}

// Write stores s on the fingerprint sheet of f, on the row of s's sheet,
// which form.WriteFingerprints has written.
func Write(f *excelize.File, s *Seal) error {
	row, err := fingerprintRow(f, s.Record.Sheet)
	if err != nil {
		return err
	}
	if row == 0 {
		return fmt.Errorf("工作表 %q 没有指纹, 无法签名", s.Record.Sheet)
	}
	raw := []rune(string(s.raw))
	var parts []string
	for len(raw) > 0 {
		n := min(len(raw), partLen)
		parts = append(parts, string(raw[:n]))
		raw = raw[n:]
	}
	h, err := json.Marshal(header{sealMark, Version, s.KeyID, s.MAC, len(parts)})
	if err != nil {
		return err
	}
	for i, v := range append([]string{string(h)}, parts...) {
		ref, _ := excelize.CoordinatesToCellName(sealCol+i, row)
		if err := f.SetCellStr(form.FingerprintSheet, ref, v); err != nil {
			return err
		}
	}
	return nil
}

// fingerprintRow is the row of sheet on the fingerprint sheet, 0 if none.
func fingerprintRow(f *excelize.File, sheet string) (int, error) {
	if idx, _ := f.GetSheetIndex(form.FingerprintSheet); idx < 0 {
		return 0, nil
	}
	cols, err := f.GetCols(form.FingerprintSheet)
	if err != nil || len(cols) == 0 {
		return 0, err
	}
	for i, v := range cols[0] {
		if i > 0 && v == sheet {
			return i + 1, nil
		}
	}
	return 0, nil
}

// Read returns the seal stored for sheet in f: nil when there is none,
// a seal without a Record when it cannot be read.
func Read(f *excelize.File, sheet string) *Seal {
	if idx, _ := f.GetSheetIndex(form.FingerprintSheet); idx < 0 {
		return nil
	}
	rows, err := f.GetRows(form.FingerprintSheet)
	if err != nil {
		return nil
	}
	return ReadRows(rows, sheet)
}

// ReadRows returns the seal stored for sheet in rows, the fingerprint
// sheet's text (so that any reader of the workbook can find it): nil when
// there is none, a seal without a Record when it cannot be read.
func ReadRows(rows [][]string, sheet string) *Seal {
	var r []string
	for i, row := range rows {
		if i > 0 && len(row) > 0 && row[0] == sheet {
			r = row
			break
		}
	}
	if len(r) < sealCol || !strings.Contains(r[sealCol-1], sealMark) {
		return nil
	}
	var h header
	if err := json.Unmarshal([]byte(r[sealCol-1]), &h); err != nil || h.Mark != sealMark {
		return &Seal{}
	}
	s := &Seal{KeyID: h.KeyID, MAC: h.MAC}
	if h.V != Version || len(r) < sealCol+h.Parts {
		return s
	}
	raw := strings.Join(r[sealCol:sealCol+h.Parts], "")
	rec := &Record{}
	if err := json.Unmarshal([]byte(raw), rec); err != nil {
		return s
	}
	s.Record, s.raw = rec, []byte(raw)
	return s
}
