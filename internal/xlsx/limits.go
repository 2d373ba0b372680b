package xlsx

// Default limits on one workbook. A filled form is a few hundred cells in
// a file of tens of kilobytes; a department's export stacking hundreds of
// forms on one sheet stays well inside these. They keep a hostile or
// broken file to bounded time and memory (about 300 MB at worst); the
// check command's flags raise them.
const (
	// DefaultMaxFileSize caps the workbook file itself (--max-file-size).
	DefaultMaxFileSize = 100 << 20
	// DefaultMaxUnzipSize caps the unpacked size of all parts, by the
	// sizes the zip declares; archive/zip refuses a part that inflates
	// past its declared size, so the cap also holds while streaming
	// (--max-unzip-size).
	DefaultMaxUnzipSize = 256 << 20
	// DefaultMaxRows caps the rows of one sheet (--max-rows).
	DefaultMaxRows = 100_000
	// DefaultMaxCells caps the cells of one sheet and the shared strings
	// of the workbook (--max-cells).
	DefaultMaxCells = 200_000
	// MaxXMLInMemory caps one unpacked XML part excelize keeps in memory;
	// larger parts go to a temporary file (excelize's own mechanism).
	MaxXMLInMemory = 16 << 20
	// maxParts caps the number of parts in the zip; a workbook has tens.
	maxParts = 10_000
	// inMemory is the largest workbook file OpenFile reads whole before
	// unzipping; forms are tens of kilobytes.
	inMemory = 8 << 20
)

// Limits bound what opening one workbook may cost; zero means the default.
type Limits struct {
	FileSize  int64 // bytes of the workbook file
	UnzipSize int64 // bytes of all its parts unpacked
	Rows      int   // rows of one sheet
	Cells     int   // cells of one sheet; shared strings of the workbook
}

// filled is l with the defaults in place of zeros.
func (l Limits) filled() Limits {
	if l.FileSize <= 0 {
		l.FileSize = DefaultMaxFileSize
	}
	if l.UnzipSize <= 0 {
		l.UnzipSize = DefaultMaxUnzipSize
	}
	if l.Rows <= 0 {
		l.Rows = DefaultMaxRows
	}
	if l.Cells <= 0 {
		l.Cells = DefaultMaxCells
	}
	return l
}
