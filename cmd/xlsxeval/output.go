package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xlsxeval/xlsxeval/internal/atomicfile"
)

// openOutput returns where a report goes: def when path is empty, else an
// atomically written file; done(ok) publishes it (or drops it when !ok).
// A path that is one of the inputs is refused: the report would replace a
// unit's workbook.
func openOutput(path string, def io.Writer, inputs []string) (io.Writer, func(ok bool) error, error) {
	if path == "" || path == "-" {
		return def, func(bool) error { return nil }, nil
	}
	for _, in := range inputs {
		if atomicfile.Same(in, path) {
			return nil, nil, fmt.Errorf("报告文件 %s 是输入文件之一, 不能覆盖; 请为 -o 另选路径", path)
		}
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("无法创建 %s: %w", path, err)
	}
	return f, func(ok bool) error {
		if !ok {
			f.Abort()
			return nil
		}
		return f.Commit()
	}, nil
}

// progress draws a bar on stderr for long batches at a terminal.
type progress struct {
	n, done int
	on      bool
}

func newProgress(n int, want bool) *progress {
	return &progress{n: n, on: want && n >= 20 && isTerminal(os.Stderr)}
}

func (p *progress) step() {
	p.done++
	if !p.on || (p.done%10 != 0 && p.done != p.n) {
		return
	}
	const width = 30
	k := p.done * width / p.n
	fmt.Fprintf(os.Stderr, "\r[%s%s] %d/%d", strings.Repeat("#", k), strings.Repeat(".", width-k), p.done, p.n)
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprint(os.Stderr, "\r\x1b[K")
	}
}
