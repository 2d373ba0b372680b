package validate

import (
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/integrity"
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

// tamper is what the integrity checks found on one form.
type tamper struct {
	keyed  bool             // a key was given and the form carries a fingerprint
	status integrity.Status // of its seal, when keyed
	diffs  []integrity.Diff
}

func remember(fm *form.Form, t *tamper) { fm.Seal = t }

func recall(fm *form.Form) *tamper {
	t, _ := fm.Seal.(*tamper)
	return t
}

// attach verifies every form of b read from f; nothing without a Seal.
func (s *Seal) attach(f *excelize.File, b *Book) {
	if s == nil || (s.Key.IsZero() && len(s.Specs) == 0) {
		return
	}
	for _, fm := range b.Forms {
		remember(fm, s.inspect(f, fm, b.Path))
	}
}

func (s *Seal) inspect(f *excelize.File, fm *form.Form, path string) *tamper {
	t := &tamper{}
	var sealed *integrity.Seal
	if !s.Key.IsZero() && fm.Template != nil {
		sealed = integrity.Read(f, fm.Sheet)
		t.keyed, t.status = true, sealed.Verify(s.Key)
		if t.status == integrity.Valid {
			t.diffs = integrity.Compare(sealed.Record, fm, integrity.FileSheet{F: f, Sheet: fm.Sheet}, integrity.Protected(f, fm.Sheet))
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
