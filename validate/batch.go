package validate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// FileResult is the outcome of checking one file.
type FileResult struct {
	Path    string
	Err     error // the file could not be read; Forms is empty
	Forms   []FormResult
	Skipped []Skip
}

// FormResult is one form and its findings.
type FormResult struct {
	Form     *form.Form
	Findings []Finding
}

// CheckFile reads path and checks every form in it. It never panics: a
// reader failure on a hostile file becomes the file's error, and so does
// a check that runs past opt's time limit.
func CheckFile(path string, opt ReadOptions) FileResult {
	return bounded(path, opt.timeout(), func() FileResult { return checkFile(path, opt) })
}

func checkFile(path string, opt ReadOptions) FileResult {
	return checkBook(path, opt, func() (*Book, error) { return Open(path, opt) })
}

// checkBook reads a workbook with read and checks every form in it. It
// never panics: a reader failure on a hostile file becomes the file's
// error, so one bad file cannot end a batch or take a server down.
func checkBook(name string, opt ReadOptions, read func() (*Book, error)) (res FileResult) {
	res.Path = name
	defer func() {
		if r := recover(); r != nil {
			res.Forms, res.Skipped, res.Err = nil, nil, fmt.Errorf("内部错误, 无法校验此文件: %v", r)
		}
	}()
	b, err := read()
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

// workbookExt are the extensions a folder walk picks up. Legacy formats
// are included so that the user is told how to convert them.
var workbookExt = map[string]bool{".xlsx": true, ".xlsm": true, ".xls": true, ".et": true, ".xltx": true}

// Expand turns files, folders (walked recursively) and glob patterns into
// a sorted list of files. A named file is kept whatever its extension.
func Expand(args []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, a := range args {
		matches := []string{a}
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, fmt.Errorf("通配符 %q 无效: %v", a, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("没有与 %q 匹配的文件", a)
			}
			matches = m
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				return nil, fmt.Errorf("找不到 %s", m)
			}
			if !st.IsDir() {
				add(m)
				continue
			}
			err = filepath.WalkDir(m, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				name := d.Name()
				if d.IsDir() {
					if p != m && strings.HasPrefix(name, ".") {
						return filepath.SkipDir
					}
					return nil
				}
				// Excel's lock files (~$name.xlsx) are not workbooks.
				if !strings.HasPrefix(name, "~$") && !strings.HasPrefix(name, ".") &&
					workbookExt[strings.ToLower(filepath.Ext(name))] {
					add(p)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("无法读取文件夹 %s: %v", m, err)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// CheckAll checks paths with jobs workers and calls emit for each result
// in the order of paths, as soon as it and all before it are done, so a
// long batch streams and memory holds only the results waiting their turn.
func CheckAll(paths []string, jobs int, opt ReadOptions, emit func(FileResult)) {
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	type done struct {
		i int
		r FileResult
	}
	next := make(chan int)
	results := make(chan done, jobs)
	// At most window results wait for an earlier slow file.
	window := make(chan struct{}, jobs*4)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results <- done{i, CheckFile(paths[i], opt)}
			}
		}()
	}
	go func() {
		for i := range paths {
			window <- struct{}{}
			next <- i
		}
		close(next)
		wg.Wait()
		close(results)
	}()
	pending := map[int]FileResult{}
	want := 0
	for d := range results {
		pending[d.i] = d.r
		for {
			r, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			emit(r)
			<-window
			want++
		}
	}
}

func profileOf(opt ReadOptions) *formulas.Profile {
	if opt.Profile != nil {
		return opt.Profile
	}
	return formulas.Default()
}
