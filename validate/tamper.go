package validate

import (
	"path/filepath"
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// Seal asks the reader for the template integrity checks (tpl.*): with a
// Key, forms that carry our fingerprint are verified against their signed
// record; with Specs, forms are compared with the records of the spec
// they were made from (matched by project name, and code). A valid seal
// proves only that someone holding the key signed the form, so with Specs
// the form is still compared with the spec: a signed template of changed
// figures is a changed template.
type Seal struct {
	Key   integrity.Key
	Specs []*integrity.Record
}

// Tamper is what the seal inspection found on one form: the input of the
// tpl.* checks, which reaches them as Pass.Tamper (as go/analysis hands an
// analyzer its prerequisites' results in ResultOf). nil: no seal asked.
type Tamper struct {
	keyed  bool             // a key was given and the form carries a fingerprint
	status integrity.Status // of its seal, when keyed
	diffs  []integrity.Diff
}

// wanted: s asks for an inspection (a key or a spec).
func (s *Seal) wanted() bool { return s != nil && (!s.Key.IsZero() || len(s.Specs) > 0) }

// inspect verifies every form of b read from src; nil without a Seal.
func (s *Seal) inspect(src sealSource, b *Book) map[*form.Form]*Tamper {
	if !s.wanted() {
		return nil
	}
	out := make(map[*form.Form]*Tamper, len(b.Forms))
	var fp [][]string
	for _, fm := range b.Forms {
		if fp == nil && !s.Key.IsZero() && fm.Template != nil {
			fp = src.fingerprintRows()
		}
		out[fm] = s.inspectForm(src, fp, fm, b.Path)
	}
	return out
}

func (s *Seal) inspectForm(src sealSource, fp [][]string, fm *form.Form, path string) *Tamper {
	t := &Tamper{}
	if !s.Key.IsZero() && fm.Template != nil {
		sealed := integrity.ReadRows(fp, fm.Sheet)
		t.keyed, t.status = true, sealed.Verify(s.Key)
		if t.status == integrity.Valid {
			cells, protected := src.sheet(fm.Sheet)
			t.diffs = integrity.Compare(sealed.Record, fm, cells, protected)
		}
	}
	if len(s.Specs) > 0 {
		t.diffs = mergeDiffs(t.diffs, s.specDiffs(fm, path))
	}
	return t
}

// specDiffs compares fm with its project's spec record.
func (s *Seal) specDiffs(fm *form.Form, path string) []integrity.Diff {
	if rec := s.specOf(fm, path); rec != nil {
		return integrity.Compare(rec, fm, nil, false)
	}
	return []integrity.Diff{{Kind: integrity.Changed, Key: "project", Cell: fm.Project.Ref,
		Found: fm.Project.Text, Note: noteUnknown}}
}

// mergeDiffs adds to a the diffs of b not already found at the same cell.
func mergeDiffs(a, b []integrity.Diff) []integrity.Diff {
	type at struct {
		kind integrity.Kind
		cell string
	}
	seen := map[at]bool{}
	for _, d := range a {
		seen[at{d.Kind, d.Cell}] = true
	}
	for _, d := range b {
		if !seen[at{d.Kind, d.Cell}] {
			a = append(a, d)
		}
	}
	return a
}

// sealSource is what the inspection reads of a workbook, whichever reader
// opened it: the fingerprint sheet's text, and a form sheet's cells and
// protection, from the form sheets the reader kept, so a signed form
// costs no second parse.
type sealSource struct {
	wb   xlsx.Workbook
	kept map[string]*xlsx.Sheet
}

// fingerprintRows is the fingerprint sheet's text, found by its name in
// any case.
func (x sealSource) fingerprintRows() [][]string {
	for _, s := range x.wb.Sheets() {
		if strings.EqualFold(s.Name, form.FingerprintSheet) {
			if rows, err := x.wb.Rows(s.Name); err == nil {
				return rows
			}
		}
	}
	return nil
}

func (x sealSource) sheet(name string) (integrity.Sheet, bool) {
	sh := x.kept[name]
	if sh == nil {
		var err error
		if sh, err = x.wb.Sheet(name); err != nil {
			return &xlsx.Sheet{}, false
		}
	}
	return sh, sh.Protected()
}

// noteUnknown marks a project the spec does not name.
const noteUnknown = "unknown"

// specOf is the spec record of fm's project: by name, and where the spec
// has several of that name, by the code in the file name.
func (s *Seal) specOf(fm *form.Form, path string) *integrity.Record {
	name := integrity.NormText(fm.Project.Text)
	var same []*integrity.Record
	for _, r := range s.Specs {
		if integrity.NormText(r.Project) == name && name != "" {
			same = append(same, r)
		}
	}
	if len(same) == 1 {
		return same[0]
	}
	base := filepath.Base(path)
	for _, r := range same {
		if r.Code != "" && strings.Contains(base, r.Code) {
			return r
		}
	}
	return nil
}
