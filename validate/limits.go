package validate

import (
	"time"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
)

// DefaultTimeout caps the time to read and check one file in CheckFile
// and CheckAll (--timeout). The limits on reading one workbook are
// internal/xlsx's (xlsx.Limits).
const DefaultTimeout = 2 * time.Minute

// openOptions are how internal/xlsx opens a workbook for o.
func (o ReadOptions) openOptions() xlsx.OpenOptions {
	return xlsx.OpenOptions{
		Limits:   xlsx.Limits{FileSize: o.MaxFileSize, UnzipSize: o.MaxUnzipSize, Rows: o.MaxRows, Cells: o.MaxCells},
		Password: o.Password, Reader: o.path, Splits: o.splits,
	}
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
		return FileResult{Path: name, Err: xlsx.NewInputError(name, xlsx.ErrTimeout, say(
			"校验超过 %s 仍未完成, 已放弃 (文件可能已损坏或过于庞大; 可用 --timeout 延长)",
			"not finished after %s, given up (the file may be broken or huge; --timeout allows longer)", d, d).xmsg(), nil)}
	}
}
