package validate

import (
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formread"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/layout"
)

// Checks returns every check of the tool, sorted by code, in a new slice:
// the list main hands to NewChecker (as staticcheck lists its analyzers).
// The tpl.* checks report what the reader found when ReadOptions.Seal asks
// for it (tamper.go); without it they find nothing.
func Checks() []*Check {
	out := []*Check{
		cellError,
		fileNoForm,
		formEmpty,
		fundsSum, fundsRate, fundsScore, fundsOver, fundsMissing, fundsWeight,
		indRange, indCap, indBelow, indBand, indReason, indCategory, indUnit, indParse, indMissing, indLevel, indOp,
		weightsSum, weightsL1, l1Weight, totalSum, totalGrade, totalMissing, headMissing, cacheStale,
		tplChanged, tplFormula, tplSignature, tplProtection,
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Checker is one configured check: the checks to run and how workbooks are
// read (profile, password, seal, limits). main builds one and hands it to
// every command that reads forms; nothing about a check run lives outside
// it.
type Checker struct {
	checks []*Check
	opt    ReadOptions
	// byLayout is the profile a form read with the named layout is checked
	// with: opt.Profile plus the layout's own categories (Layout.Categories),
	// for the layouts that carry some; built once, not per form.
	byLayout map[string]*formulas.Profile
	// exprs are the row rules of opt.Profile and of each byLayout profile.
	exprs map[*formulas.Profile]*rowExprs
}

// NewChecker returns a checker running checks on the forms read with opt
// (a nil opt.Profile means formulas.Default()).
func NewChecker(checks []*Check, opt ReadOptions) *Checker {
	if opt.Profile == nil {
		opt.Profile = formulas.Default()
	}
	ls := opt.Layouts
	if len(ls) == 0 {
		ls = layout.Builtin()
	}
	opt.reader = formread.NewReader(ls, opt.Profile)
	opt.splits = new(xlsx.Splits)
	byLayout := map[string]*formulas.Profile{}
	for _, l := range ls {
		if len(l.Categories) > 0 {
			byLayout[l.Name] = opt.Profile.WithCategories(l.Categories)
		}
	}
	exprs := map[*formulas.Profile]*rowExprs{opt.Profile: newRowExprs(opt.Profile)}
	for _, p := range byLayout {
		exprs[p] = newRowExprs(p)
	}
	return &Checker{checks: append([]*Check(nil), checks...), opt: opt, byLayout: byLayout, exprs: exprs}
}

// profileOf is the profile f is checked with: the checker's, plus the
// categories of the layout f was read with.
func (k *Checker) profileOf(f *form.Form) *formulas.Profile {
	if p := k.byLayout[f.Layout]; p != nil {
		return p
	}
	return k.opt.Profile
}

// Profile is the profile the checker reads and scores with.
func (k *Checker) Profile() *formulas.Profile { return k.opt.Profile }

// WithPassword is k opening encrypted workbooks with password (a server
// request's own password).
func (k *Checker) WithPassword(password string) *Checker {
	c := *k
	c.opt.Password = password
	return &c
}

// has tells whether c is among k's checks.
func (k *Checker) has(c *Check) bool {
	for _, x := range k.checks {
		if x.Code == c.Code {
			return true
		}
	}
	return false
}

// WithSpecs is k comparing every form with specs (tpl.changed), keeping
// its signing key: the portal checks an upload against its own project.
func (k *Checker) WithSpecs(specs []*integrity.Record) *Checker {
	c := *k
	s := Seal{Specs: specs}
	if k.opt.Seal != nil {
		s.Key = k.opt.Seal.Key
	}
	c.opt.Seal = &s
	return &c
}

// Run applies the checks to f and returns the findings in a stable order:
// by row, column, then rule. A form nobody filled in gets form.empty alone.
func (k *Checker) Run(f *form.Form) []Finding {
	fs, _ := k.run(f, nil)
	return fs
}

// run is Run with the form's seal inspection t, and the figures it
// recomputed (zero for a blank form).
func (k *Checker) run(f *form.Form, t *Tamper) ([]Finding, Summary) {
	var out []Finding
	checks := k.checks
	blank := Unfilled(f)
	if blank {
		checks = nil
		for _, c := range k.checks {
			if c.Code == formEmpty.Code {
				checks = append(checks, c)
			}
		}
	}
	prof := k.profileOf(f)
	memo := &calcMemo{x: k.exprs[prof]}
	for _, c := range checks {
		pass := &Pass{Form: f, Profile: prof, Tamper: t, check: c, out: &out, memo: memo}
		c.Run(pass)
	}
	out = rootCauses(out)
	SortFindings(out)
	if blank {
		return out, Summary{}
	}
	if memo.c == nil {
		memo.c = newCalcWith(f, prof, memo.x)
	}
	return out, memo.c.summary()
}

// CheckFile reads path and checks every form in it. It never panics: a
// reader failure on a hostile file becomes the file's error, and so does
// a check that runs past the time limit.
func (k *Checker) CheckFile(path string) FileResult {
	return bounded(path, k.opt.timeout(), func() FileResult {
		return k.checkBook(path, func() (*Book, error) { return Open(path, k.opt) })
	})
}

// CheckReader checks a workbook of size bytes read from r (an upload, an
// entry of a zip); name is its path in results and messages. Like
// CheckFile it never panics, so one bad upload cannot take a server down.
func (k *Checker) CheckReader(r io.ReaderAt, size int64, name string) FileResult {
	return k.checkBook(name, func() (*Book, error) { return Read(r, size, name, k.opt) })
}

// checkBook reads a workbook with read and checks every form in it. It
// never panics: a reader failure on a hostile file becomes the file's
// error, so one bad file cannot end a batch or take a server down.
func (k *Checker) checkBook(name string, read func() (*Book, error)) (res FileResult) {
	res.Path = name
	defer func() {
		if r := recover(); r != nil {
			cause, ok := r.(error)
			if !ok {
				cause = fmt.Errorf("%v", r)
			}
			res.Forms, res.Skipped, res.Findings = nil, nil, nil
			res.Err = xlsx.NewInputError(name, xlsx.ErrInternal, say("内部错误, 无法校验此文件: %v", "internal error, the file cannot be checked: %v", r).xmsg(), cause)
		}
	}()
	b, err := read()
	if err != nil {
		res.Err = err
		return res
	}
	res.Skipped = b.Skipped
	if len(b.Forms) == 0 && k.has(fileNoForm) {
		res.Findings = []Finding{noForm(b)}
	}
	for _, f := range b.Forms {
		fs, sum := k.run(f, b.Tamper[f])
		res.Forms = append(res.Forms, FormResult{Form: f, Findings: fs, Summary: sum})
	}
	return res
}

// CheckAll checks paths with jobs workers and calls emit for each result
// in the order of paths, as soon as it and all before it are done, so a
// long batch streams and memory holds only the results waiting their turn.
func (k *Checker) CheckAll(paths []string, jobs int, emit func(FileResult)) {
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
				results <- done{i, k.CheckFile(paths[i])}
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
