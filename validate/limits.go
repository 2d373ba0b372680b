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

// ErrorKind is why a workbook cannot be read. Each kind is itself an
// error, so a program can ask errors.Is(err, validate.ErrEncrypted).
type ErrorKind int

const (
	ErrUnreadable   ErrorKind = iota // cannot be read for another reason
	ErrNotFound                      // no such file
	ErrEmpty                         // 0 bytes, or too short to be anything
	ErrTruncated                     // the zip is incomplete (an interrupted copy)
	ErrBroken                        // damaged: a part or sheet cannot be read
	ErrLegacyFormat                  // Excel 97-2003 .xls or WPS .et
	ErrNotWorkbook                   // another kind of file (PDF, .docx, CSV, a folder, …)
	ErrEncrypted                     // needs a password, or the password is wrong
	ErrTooLarge                      // past a size limit (file, unpacked, parts, strings)
	ErrUnsafeXML                     // declares a DTD or entities
	ErrTimeout                       // not done within the time limit
	ErrInternal                      // the reader failed (a bug); the batch goes on
)

var kindNames = [...]msg{
	{"无法读取", "cannot be read"}, {"文件不存在", "no such file"}, {"文件为空", "empty file"},
	{"文件不完整", "truncated file"}, {"文件已损坏", "damaged file"}, {"旧版格式", "legacy format"},
	{"不是工作簿", "not a workbook"}, {"已加密", "encrypted"}, {"超过上限", "too large"},
	{"不安全的 XML", "unsafe XML"}, {"超时", "timed out"}, {"内部错误", "internal error"},
}

func (k ErrorKind) Error() string { return kindNames[k].zh }

// English names the kind in English.
func (k ErrorKind) English() string { return kindNames[k].en }

// InputError is a workbook that cannot be checked: where, which kind of
// trouble, the cause underneath (if any), and what to do, in Chinese and
// English. errors.Is matches its Kind and, through Unwrap, its Cause.
type InputError struct {
	Path  string
	Kind  ErrorKind
	Cause error
	// Zh and En say why and what to do, without the path.
	Zh, En string
}

func (e *InputError) Error() string { return e.Path + ": " + e.Zh }

// English is the message in English.
func (e *InputError) English() string { return e.Path + ": " + e.En }

func (e *InputError) Unwrap() error { return e.Cause }

// Is matches the error's kind: errors.Is(err, ErrEncrypted).
func (e *InputError) Is(target error) bool {
	k, ok := target.(ErrorKind)
	return ok && k == e.Kind
}

// inputErr builds the InputError of the file name.
func inputErr(name string, k ErrorKind, m msg) *InputError {
	return &InputError{Path: name, Kind: k, Zh: m.zh, En: m.en}
}

// because records the cause underneath e.
func (e *InputError) because(cause error) *InputError {
	e.Cause = cause
	return e
}

// ErrorText is err in English when en and err carries English text.
func ErrorText(err error, en bool) string {
	var ie *InputError
	if en && errors.As(err, &ie) {
		return ie.English()
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
		return FileResult{Path: name, Err: inputErr(name, ErrTimeout, say(
			"校验超过 %s 仍未完成, 已放弃 (文件可能已损坏或过于庞大; 可用 --timeout 延长)",
			"not finished after %s, given up (the file may be broken or huge; --timeout allows longer)", d, d))}
	}
}

// sizeErr is a limit passed, with the flag that raises it.
func sizeErr(name string, what msg, got, limit, flag string) *InputError {
	return inputErr(name, ErrTooLarge, say("%s %s, 超过上限 %s; 不像是自评表, 确需校验请用 %s 提高上限",
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
