package validate

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// fuzzSeeds are the byte-level seeds of FuzzRead: a real workbook (so
// mutations reach the zip directory and part headers) and each disguise.
func fuzzSeeds(t testing.TB) [][]byte {
	good := goodBook(t, nil)
	return [][]byte{good, good[:len(good)/2], nil, []byte("PK\x05\x06"), cfb("Workbook"), cfb("EncryptedPackage", "EncryptionInfo"),
		[]byte("项目名称,信息化运维项目\n"), []byte("<html><table>")}
}

// FuzzRead: whatever bytes arrive, Read returns a book or a clear error
// of its own (xlsx.InputError, Chinese and English), and never panics.
func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read(bytes.NewReader(data), int64(len(data)), "fuzz.xlsx", ReadOptions{MaxRows: 2000, MaxCells: 20000})
		var ie *xlsx.InputError
		if err != nil && (!errors.As(err, &ie) || ie.Zh == "" || ie.En == "") {
			t.Fatalf("not a clear error: %T %v", err, err)
		}
		if err == nil && b == nil {
			t.Fatal("no book and no error")
		}
	})
}

// FuzzReadParts mutates the XML inside a good workbook and zips it again
// with fresh checksums, so the fuzzer reaches excelize's parsers and the
// reader rather than stopping at a CRC error.
func FuzzReadParts(f *testing.F) {
	good := goodBook(f, nil)
	part := func(name string) []byte {
		var out []byte
		rezip(f, good, func(n string, b []byte) ([]byte, bool) {
			if n == name {
				out = b
			}
			return b, true
		}, nil)
		return out
	}
	f.Add(uint8(0), part("xl/worksheets/sheet1.xml"))
	f.Add(uint8(1), part("xl/sharedStrings.xml"))
	f.Add(uint8(2), part("xl/workbook.xml"))
	f.Add(uint8(3), part("xl/styles.xml"))
	f.Add(uint8(0), []byte(laughs))
	names := []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		if len(body) > 1<<16 {
			return
		}
		data := rezip(t, good, replacePart(names[int(which)%len(names)], body), nil)
		_, err := Read(bytes.NewReader(data), int64(len(data)), "fuzz.xlsx", ReadOptions{MaxRows: 2000, MaxCells: 20000})
		var ie *xlsx.InputError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("not a clear error: %T %v", err, err)
		}
	})
}
