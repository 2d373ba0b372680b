package main

import (
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/validate"
)

// newChecker builds the one checker a command reads workbooks with, from
// its flags: checks, --profile, --password, the seal of --sign-key-file
// (or XLSXEVAL_SIGN_KEY) and --spec, and the read limits. A flag the
// command does not declare takes no part.
func newChecker(c *cli.Context, checks []*validate.Check) (*validate.Checker, error) {
	prof, err := loadProfile(c.String("profile"))
	if err != nil {
		return nil, cli.Exit(err.Error(), exitRun)
	}
	opt := validate.ReadOptions{Profile: prof, Password: c.String("password")}
	if declares(c, "layout") {
		if opt.Layouts, err = layoutsOf(c); err != nil {
			return nil, err
		}
	}
	if declares(c, "sign-key-file") {
		if opt.Seal, err = sealOptions(c, prof); err != nil {
			return nil, err
		}
	}
	if declares(c, "max-file-size") {
		if opt, err = withLimits(c, opt); err != nil {
			return nil, err
		}
	}
	return validate.NewChecker(checks, opt), nil
}

// declares reports whether c's command has the flag name.
func declares(c *cli.Context, name string) bool {
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

func loadProfile(path string) (*formulas.Profile, error) {
	if path == "" {
		return formulas.Default(), nil
	}
	return formulas.LoadProfile(path)
}

// The garbage collector's setting for check and serve. Reading a workbook
// makes short-lived garbage and keeps little: at 400% the collector does
// about a third of the work of the default 100% for a peak of tens of MB
// on a batch of forms. The soft memory limit makes it collect harder
// before a batch of huge workbooks (up to the read limits, on every core)
// could grow the heap to five times what it holds. BenchmarkCheckBatch
// (validate/bench_test.go) measures with the same figures.
const (
	gcPercent   = 400
	memoryLimit = 1 << 30
)

// batchGC sets the collector for check and serve and returns what
// restores the previous setting. GOGC or GOMEMLIMIT set in the
// environment win.
func batchGC() (restore func()) {
	pct, lim := -2, int64(-1) // -2: left as it was
	if os.Getenv("GOGC") == "" {
		pct = debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		lim = debug.SetMemoryLimit(memoryLimit)
	}
	return func() {
		if pct != -2 {
			debug.SetGCPercent(pct)
		}
		if lim >= 0 {
			debug.SetMemoryLimit(lim)
		}
	}
}
