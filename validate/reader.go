package validate

import (
	"fmt"
	"io"
)

// CheckReader checks a workbook of size bytes read from r (an upload, an
// entry of a zip); name is its path in results and messages. Like
// CheckFile it never panics: a reader failure on a hostile file becomes
// the file's error, so one bad upload cannot take a server down.
func CheckReader(r io.ReaderAt, size int64, name string, opt ReadOptions) (res FileResult) {
	res.Path = name
	defer func() {
		if p := recover(); p != nil {
			res.Forms, res.Skipped, res.Err = nil, nil, fmt.Errorf("内部错误, 无法校验此文件: %v", p)
		}
	}()
	b, err := Read(r, size, name, opt)
	if err != nil {
		res.Err = err
		return res
	}
	res.Skipped = b.Skipped
	for _, f := range b.Forms {
		res.Forms = append(res.Forms, FormResult{Form: f, Findings: Run(f, profileOf(opt))})
	}
	return res
}
