package template

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Every key a signed workbook stores, in its fingerprint and its seal
// record, in every built-in layout, is one the catalogue made: it reads
// back with form.ParseKey as the same string, and (a field, not a helper)
// names the cell it is stored with. A key spelt by hand in another way
// ("ind.03.target", an unknown column) fails here.
func TestStoredKeysFromCatalogue(t *testing.T) {
	key, err := integrity.NewKey([]byte("keys-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	s := variedSpecT(t, 2)
	for _, l := range layout.Builtin() {
		w, err := Build(s.Projects, Options{Profile: formulas.Default(), Year: 2024, Layout: l, SignKey: key})
		if err != nil {
			t.Fatalf("%s: %v", l.Name, err)
		}
		b, err := w.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		for _, fp := range w.fps {
			lay := w.sealed[fp.Sheet].lay
			for k, ref := range fp.Fields {
				checkStoredKey(t, l.Name+" fingerprint", lay, k, ref, false)
			}
			seal := integrity.Read(x, fp.Sheet)
			if seal == nil || seal.Verify(key) != integrity.Valid {
				t.Fatalf("%s %s: no valid seal", l.Name, fp.Sheet)
			}
			if len(seal.Record.Fields) < 10 {
				t.Errorf("%s %s: only %d preset fields sealed", l.Name, fp.Sheet, len(seal.Record.Fields))
			}
			for _, f := range seal.Record.Fields {
				checkStoredKey(t, l.Name+" seal field", lay, f.Key, f.Ref, false)
			}
			helpers := 0
			for _, f := range seal.Record.Formulas {
				if f.Key == "" {
					continue // a formula outside every field and indicator row
				}
				if k, _ := form.ParseKey(f.Key); k.Field == form.FHelper {
					helpers++
				}
				checkStoredKey(t, l.Name+" seal formula", lay, f.Key, f.Ref, true)
			}
			if helpers == 0 {
				t.Errorf("%s %s: no helper formula keyed", l.Name, fp.Sheet)
			}
		}
		x.Close()
	}
}

// checkStoredKey checks one stored key and the cell stored with it; a
// helper formula's cell is on its indicator's row.
func checkStoredKey(t *testing.T, what string, lay Layout, s, ref string, formula bool) {
	t.Helper()
	k, ok := form.ParseKey(s)
	if !ok || k.String() != s {
		t.Errorf("%s: key %q is not the catalogue's", what, s)
		return
	}
	switch {
	case k.Field == form.FHelper:
		if !formula || integrity.RowOf(ref) != lay.IndRow(k.Index) {
			t.Errorf("%s: helper key %q at %s, not on row %d", what, s, ref, lay.IndRow(k.Index))
		}
	case lay.RefOf(k) != ref:
		t.Errorf("%s: key %q stored at %s, the layout puts it at %s", what, s, ref, lay.RefOf(k))
	}
}
