package template

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Options are what `xlsxeval template` is told.
type Options struct {
	Profile  *formulas.Profile
	Rows     int // indicator rows of a blank form
	Year     int
	Password string
	// SignKey, when set, signs every form (tamper-evident, see integrity).
	SignKey integrity.Key
	// Layout is the region layout to write (nil: the seed's).
	Layout *layout.Layout
	// rendered, when set, is shared by the workbooks built with these
	// options (one spec's), rendered for scoring's profile.
	rendered *rendered
	// helpersViaExcelize: see Workbook.helpersViaExcelize (tests).
	helpersViaExcelize bool
}

// scoring is the profile forms are scored by in o's layout: with the
// layout's own categories (as the checker reads them, so its dropdowns
// offer 项目决策 ...), and a layout whose budget carries no 分值 (some
// transfer-payment forms) gives the indicators the whole 100.
func (o Options) scoring() *formulas.Profile {
	if o.Layout == nil || o.Profile == nil {
		return o.Profile
	}
	p := o.Profile.WithCategories(o.Layout.Categories)
	if !o.Layout.Funds.Unscored {
		return p
	}
	q := *p
	q.BudgetWeight = decimal.Zero
	return &q
}

// DefaultRows is the number of indicator rows of a blank form: the
// seed's 12 and room to spare.
const DefaultRows = 15

// BlankName is the file name of a blank form written into a folder.
const BlankName = Title + ".xlsx"

// Blank builds a workbook with one blank form.
func Blank(o Options) (*Workbook, error) {
	w, err := NewWorkbook(o.scoring())
	if err != nil {
		return nil, err
	}
	w.Password = o.Password
	w.SignKey = o.SignKey
	w.Layout = o.Layout
	w.helpersViaExcelize = o.helpersViaExcelize
	rows := o.Rows
	if rows <= 0 {
		rows = DefaultRows
	}
	return w, w.AddForm("自评表", nil, rows, o.Year)
}

// Build builds one workbook holding the given projects as sheets.
func Build(prs []*Project, o Options) (*Workbook, error) {
	p := o.scoring()
	r := o.rendered
	if r == nil {
		r = newRendered(p)
	}
	w, err := newWorkbook(p, r)
	if err != nil {
		return nil, err
	}
	w.Password = o.Password
	w.SignKey = o.SignKey
	w.Layout = o.Layout
	w.helpersViaExcelize = o.helpersViaExcelize
	used := map[string]bool{}
	for _, pr := range prs {
		if err := w.AddForm(SheetName(pr.Name, used), pr, 0, o.Year); err != nil {
			return nil, fmt.Errorf("项目 %q: %w", pr.Name, err)
		}
	}
	return w, nil
}

// WriteSpec writes the spec's projects: one workbook per project into the
// folder out, or all as sheets of the one workbook out when single. Every
// workbook is built before any is written; on failure the files written
// so far are removed. It returns the paths written.
func WriteSpec(s *Spec, out string, single bool, o Options) ([]string, error) {
	type job struct {
		path string
		data []byte
	}
	var jobs []job
	if single {
		w, err := Build(s.Projects, o)
		if err != nil {
			return nil, err
		}
		b, err := w.Bytes()
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, job{out, b})
	} else {
		books, err := buildEach(s.Projects, o)
		if err != nil {
			return nil, err
		}
		for i, pr := range s.Projects {
			jobs = append(jobs, job{filepath.Join(out, SafeName(pr.FileBase())+".xlsx"), books[i]})
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, err
		}
	}
	errs := make([]error, len(jobs))
	write := func(i int) { errs[i] = WriteAtomic(jobs[i].path, jobs[i].data) }
	paths := map[string]bool{}
	for _, j := range jobs {
		paths[strings.ToLower(j.path)] = true
	}
	if len(paths) == len(jobs) {
		eachParallel(len(jobs), write)
	} else {
		// Files that may be the same one: written in order, the last wins.
		for i := range jobs {
			write(i)
		}
	}
	var done []string
	var first error
	for i, j := range jobs {
		if errs[i] == nil {
			done = append(done, j.path)
		} else if first == nil {
			first = errs[i]
		}
	}
	if first != nil {
		for _, p := range done {
			os.Remove(p)
		}
		return nil, first
	}
	return done, nil
}

// eachParallel runs do(0..n-1) on every core.
func eachParallel(n int, do func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				do(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// buildEach builds one workbook per project on every core and returns
// their bytes in project order, or the error of the first project (in
// spec order) that fails.
func buildEach(prs []*Project, o Options) ([][]byte, error) {
	books := make([][]byte, len(prs))
	errs := make([]error, len(prs))
	o.rendered = newRendered(o.scoring())
	eachParallel(len(prs), func(i int) {
		w, err := Build(prs[i:i+1], o)
		if err == nil {
			books[i], err = w.Bytes()
		}
		errs[i] = err
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return books, nil
}

// FromSpecFile reads and validates the spec at path, then writes its
// workbooks (see WriteSpec). With single and out a folder, the workbook is
// named after the spec. On a spec error nothing is written.
func FromSpecFile(path, out string, single bool, o Options) ([]string, error) {
	s, err := ReadSpec(path, o.scoring(), o.Year)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(out); single && err == nil && st.IsDir() {
		out = filepath.Join(out, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+".xlsx")
	}
	return WriteSpec(s, out, single, o)
}
