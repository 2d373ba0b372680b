package template

import (
	"archive/zip"
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/layout"
)

// TestHelpersAsExcelizeWrites: the helper cells withHelpers writes into
// the sheet part give the same package, part for part and byte for byte,
// as the same cells given to excelize (signed, prefilled and blank, in
// every built-in layout). Shared strings are compared by their text:
// their order is the order cells are written in.
func TestHelpersAsExcelizeWrites(t *testing.T) {
	key, err := integrity.NewKey([]byte("helpers-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	prs := variedSpecT(t, 3).Projects
	for _, l := range append([]*layout.Layout{nil}, layout.Builtin()...) {
		name := "seed"
		if l != nil {
			name = l.Name
		}
		o := Options{Profile: formulas.Default(), Year: 2024, Layout: l, SignKey: key, Rows: 4}
		build := func(via bool, blank bool) map[string][]byte {
			o := o
			o.helpersViaExcelize = via
			var w *Workbook
			var err error
			if blank {
				w, err = Blank(o)
			} else {
				w, err = Build(prs, o)
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if n := len(w.helperRows); via == (n > 0) {
				t.Fatalf("%s: %d sheets with helper rows, via excelize %v", name, n, via)
			}
			return parts(t, w)
		}
		for _, blank := range []bool{false, true} {
			got, want := build(false, blank), build(true, blank)
			if len(got) != len(want) {
				t.Errorf("%s: %d parts, want %d", name, len(got), len(want))
			}
			for p, b := range want {
				if !bytes.Equal(got[p], b) {
					t.Errorf("%s (blank %v) %s: differs from excelize's", name, blank, p)
				}
			}
		}
	}
}

// parts are the workbook's package parts, unpacked, by name.
func parts(t *testing.T, w *Workbook) map[string][]byte {
	t.Helper()
	x, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	out := rawParts(t, x)
	const sst = "xl/sharedStrings.xml"
	strs := siText.FindAll(out[sst], -1)
	for name, b := range out {
		out[name] = sstRef.ReplaceAllFunc(b, func(m []byte) []byte {
			i, err := strconv.Atoi(string(sstRef.FindSubmatch(m)[1]))
			if err != nil || i >= len(strs) {
				t.Fatalf("%s: %s: no such shared string", name, m)
			}
			return append([]byte(` t="s"><v>`), append(strs[i], `</v>`...)...)
		})
	}
	slices.SortFunc(strs, bytes.Compare)
	out[sst] = bytes.Join(strs, nil)
	return out
}

// siText is a shared string; sstRef a cell's index into them.
var (
	siText = regexp.MustCompile(`<si>.*?</si>`)
	sstRef = regexp.MustCompile(` t="s"><v>([0-9]+)</v>`)
)

// TestSameBytes: the same form built twice is the same package, part for
// part, in every built-in layout (docProps/core.xml holds the time).
// Map order once reordered the shared strings of xinjiang-13.
func TestSameBytes(t *testing.T) {
	prs := variedSpecT(t, 2).Projects
	for _, l := range append([]*layout.Layout{nil}, layout.Builtin()...) {
		o := Options{Profile: formulas.Default(), Year: 2024, Layout: l, Rows: 4}
		var first map[string][]byte
		for range 4 {
			w, err := Build(prs, o)
			if err != nil {
				t.Fatal(err)
			}
			x, err := w.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			got := rawParts(t, x)
			delete(got, "docProps/core.xml")
			if first == nil {
				first = got
				continue
			}
			for p, b := range first {
				if !bytes.Equal(got[p], b) {
					t.Errorf("%s: %s differs between two builds", layoutName(l), p)
				}
			}
		}
	}
}

// rawParts are the package's parts, unpacked, by name.
func rawParts(t *testing.T, x []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		if out[zf.Name], err = readZip(zf); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func layoutName(l *layout.Layout) string {
	if l == nil {
		return "seed"
	}
	return l.Name
}
