package xlsx

import (
	"errors"
	"fmt"
)

// Msg is a message in Chinese and English.
type Msg struct{ Zh, En string }

// say formats both languages with the same arguments; an argument that
// is itself a Msg is given in each message's language.
func say(zh, en string, args ...any) Msg {
	az, ae := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		az[i], ae[i] = a, a
		if m, ok := a.(Msg); ok {
			az[i], ae[i] = m.Zh, m.En
		}
	}
	return Msg{fmt.Sprintf(zh, az...), fmt.Sprintf(en, ae...)}
}

// ErrorKind is why a workbook cannot be read. Each kind is itself an
// error, so a program can ask errors.Is(err, xlsx.ErrEncrypted).
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

var kindNames = [...]Msg{
	{"无法读取", "cannot be read"}, {"文件不存在", "no such file"}, {"文件为空", "empty file"},
	{"文件不完整", "truncated file"}, {"文件已损坏", "damaged file"}, {"旧版格式", "legacy format"},
	{"不是工作簿", "not a workbook"}, {"已加密", "encrypted"}, {"超过上限", "too large"},
	{"不安全的 XML", "unsafe XML"}, {"超时", "timed out"}, {"内部错误", "internal error"},
}

func (k ErrorKind) Error() string { return kindNames[k].Zh }

// English names the kind in English.
func (k ErrorKind) English() string { return kindNames[k].En }

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

// NewInputError is the InputError of the file path: kind, why (m) and
// the cause underneath (nil: none).
func NewInputError(path string, k ErrorKind, m Msg, cause error) *InputError {
	return &InputError{Path: path, Kind: k, Cause: cause, Zh: m.Zh, En: m.En}
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
func inputErr(name string, k ErrorKind, m Msg) *InputError {
	return &InputError{Path: name, Kind: k, Zh: m.Zh, En: m.En}
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

// sizeErr is a limit passed, with the flag that raises it.
func sizeErr(name string, what Msg, got, limit, flag string) *InputError {
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
