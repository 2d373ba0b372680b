package validate

import (
	"errors"
	"fmt"
	"time"
)

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
	// DefaultTimeout caps the time to read and check one file in
	// CheckFile and CheckAll (--timeout).
	DefaultTimeout = 2 * time.Minute
	// maxParts caps the number of parts in the zip; a workbook has tens.
	maxParts = 10_000
)

// limits are ReadOptions' limits with the defaults filled in.
type limits struct {
	fileSize, unzipSize int64
	rows, cells         int
}

func (o ReadOptions) limits() limits {
	l := limits{o.MaxFileSize, o.MaxUnzipSize, o.MaxRows, o.MaxCells}
	if l.fileSize <= 0 {
		l.fileSize = DefaultMaxFileSize
	}
	if l.unzipSize <= 0 {
		l.unzipSize = DefaultMaxUnzipSize
	}
	if l.rows <= 0 {
		l.rows = DefaultMaxRows
	}
	if l.cells <= 0 {
		l.cells = DefaultMaxCells
	}
	return l
}

// timeout is the per-file time limit; 0 when there is none.
func (o ReadOptions) timeout() time.Duration {
	switch {
	case o.Timeout < 0:
		return 0
	case o.Timeout == 0:
		return DefaultTimeout
	}
	return o.Timeout
}

// InputError says why a file cannot be checked and what to do, in
// Chinese (Error) and English (En).
type InputError struct{ Zh, En string }

func (e *InputError) Error() string { return e.Zh }

// inputErr builds an InputError prefixed with the file's name.
func inputErr(name string, m msg) *InputError {
	return &InputError{Zh: name + ": " + m.zh, En: name + ": " + m.en}
}

// ErrorText is err in English when en and err carries English text.
func ErrorText(err error, en bool) string {
	var ie *InputError
	if en && errors.As(err, &ie) {
		return ie.En
	}
	return err.Error()
}

// bounded runs check and gives up after d (none when d is 0). Go cannot
// stop a goroutine, so an overrun keeps running until the read limits
// end it, but the file is reported and the batch goes on.
func bounded(name string, d time.Duration, check func() FileResult) FileResult {
	if d <= 0 {
		return check()
	}
	done := make(chan FileResult, 1)
	go func() { done <- check() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-done:
		return r
	case <-t.C:
		return FileResult{Path: name, Err: inputErr(name, say(
			"校验超过 %s 仍未完成, 已放弃 (文件可能已损坏或过于庞大; 可用 --timeout 延长)",
			"not finished after %s, given up (the file may be broken or huge; --timeout allows longer)", d, d))}
	}
}

// sizeErr is a limit passed, with the flag that raises it.
func sizeErr(name string, what msg, got, limit, flag string) *InputError {
	return inputErr(name, say("%s %s, 超过上限 %s; 不像是自评表, 确需校验请用 %s 提高上限",
		"%s %s exceeds the limit of %s; this is not a form; if it must be checked, raise %s",
		what, got, limit, flag))
}

// bytesText prints a byte count readably.
func bytesText(n uint64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
