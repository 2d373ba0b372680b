package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/internal/atomicfile"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

// annotateSink writes an annotated copy of every workbook with errors or
// warnings under dir, at its path relative to the inputs' common folder.
type annotateSink struct {
	dir, root, password string
	lang                report.Lang
	log                 io.Writer
	n                   int
}

func newAnnotateSink(c *cli.Context, lang report.Lang) (sink, error) {
	dir := c.String("annotate")
	if dir == "" {
		return nil, nil
	}
	paths, err := validate.Expand(c.Args().Slice())
	if err != nil {
		return nil, err
	}
	root := commonDir(paths)
	if abs, err := filepath.Abs(dir); err == nil && (abs == root || isInputDir(abs, c.Args().Slice())) {
		// Copies among the inputs would be checked again next round.
		return nil, fmt.Errorf("--annotate 文件夹 %s 是输入文件夹; 请另选一个文件夹存放批注副本", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建文件夹 %s: %w", dir, err)
	}
	return &annotateSink{dir: dir, root: root, password: c.String("password"), lang: lang, log: c.App.ErrWriter}, nil
}

func (s *annotateSink) Add(r validate.FileResult, f report.File) error {
	if r.Err != nil || !needsReturn(f) {
		return nil
	}
	out, err := s.target(r.Path)
	if err != nil {
		return err
	}
	in, err := os.Open(r.Path)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	err = atomicfile.Write(out, func(w io.Writer) error {
		return report.AnnotateWith(in, st.Size(), r, s.lang, w, report.AnnotateOptions{Password: s.password})
	})
	if err != nil {
		return fmt.Errorf("批注副本 %s: %w", out, err)
	}
	s.n++
	return nil
}

// needsReturn: the unit has something to fix (an error or a warning).
func needsReturn(f report.File) bool {
	for _, fm := range f.Forms {
		if fm.Errors+fm.Warnings > 0 {
			return true
		}
	}
	return false
}

// target is where the copy of path goes: its path below the common input
// folder, each part made a safe file name, never outside dir and never
// onto an input.
func (s *annotateSink) target(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(s.root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(abs)
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for i, p := range parts {
		parts[i] = template.SafeName(p)
	}
	out := filepath.Join(append([]string{s.dir}, parts...)...)
	if !atomicfile.Within(s.dir, out) {
		return "", fmt.Errorf("批注副本 %s 不在 %s 之内", out, s.dir)
	}
	if atomicfile.Same(out, path) {
		return "", fmt.Errorf("批注副本会覆盖输入文件 %s; 请为 --annotate 另选文件夹", path)
	}
	return out, nil
}

func (s *annotateSink) Close(report.Summary) error {
	fmt.Fprintf(s.log, "已在 %s 写出 %d 个批注副本\n", s.dir, s.n)
	return nil
}

// isInputDir reports whether dir is one of the folders given as input.
func isInputDir(dir string, args []string) bool {
	for _, a := range args {
		if st, err := os.Stat(a); err == nil && st.IsDir() && atomicfile.Same(a, dir) {
			return true
		}
	}
	return false
}

// commonDir is the deepest folder holding every path.
func commonDir(paths []string) string {
	var common []string
	for i, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		parts := strings.Split(filepath.Dir(abs), string(filepath.Separator))
		if i == 0 || common == nil {
			common = parts
			continue
		}
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) == 0 {
		return string(filepath.Separator)
	}
	d := strings.Join(common, string(filepath.Separator))
	if d == "" {
		d = string(filepath.Separator)
	}
	return d
}

// summarySink keeps the summary rows and writes the workbook at the end.
type summarySink struct {
	path string
	book *report.SummaryBook
}

func newSummarySink(c *cli.Context, lang report.Lang) (sink, error) {
	path := c.String("summary")
	if path == "" {
		return nil, nil
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext != ".xlsx" {
		return nil, fmt.Errorf("--summary 须为 .xlsx 文件, 而非 %s", path)
	}
	return &summarySink{path: path, book: report.NewSummaryBook(lang)}, nil
}

func (s *summarySink) Add(r validate.FileResult, f report.File) error {
	if atomicfile.Same(r.Path, s.path) {
		return fmt.Errorf("汇总文件 %s 是输入文件之一; 请另选 --summary 路径", s.path)
	}
	s.book.Add(f)
	return nil
}

func (s *summarySink) Close(report.Summary) error {
	return atomicfile.Write(s.path, s.book.Write)
}
