package validate

import "io"

// CheckReader checks a workbook of size bytes read from r (an upload, an
// entry of a zip); name is its path in results and messages. Like
// CheckFile it never panics: a reader failure on a hostile file becomes
// the file's error, so one bad upload cannot take a server down.
func CheckReader(r io.ReaderAt, size int64, name string, opt ReadOptions) FileResult {
	return checkBook(name, opt, func() (*Book, error) { return Read(r, size, name, opt) })
}
