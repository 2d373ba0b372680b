package validate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formread"
)

// FileResult is the outcome of checking one file.
type FileResult struct {
	Path    string
	Err     error // the file could not be read; Forms is empty
	Forms   []FormResult
	Skipped []formread.Skip
	// Findings about the file as a whole (file.noform): no form to hold them.
	Findings []Finding
}

// FormResult is one form and its findings.
type FormResult struct {
	Form     *form.Form
	Findings []Finding
	// Summary is the form's figures recomputed with the checker's profile
	// (zero for a blank form): reports show it where a formula cell holds
	// no cached value, so they grade as the check did.
	Summary Summary
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
				return nil, fmt.Errorf("通配符 %q 无效: %w", a, err)
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
				return nil, fmt.Errorf("无法读取文件夹 %s: %w", m, err)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
