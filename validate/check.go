// Package validate checks filled forms against the rules in formulas. It
// opens workbooks within the limits on hostile input (internal/xlsx, with
// excelize as fallback) and leaves turning a sheet into a form to package
// formread.
package validate

import (
	"fmt"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// Severity of a finding.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string { return [...]string{"info", "warning", "error"}[s] }

// MarshalText writes the severity as its name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name, so the JSON report reads back
// (xlsxeval serve builds the summary workbook from it).
func (s *Severity) UnmarshalText(b []byte) error {
	v, ok := ParseSeverity(string(b))
	if !ok {
		return fmt.Errorf("unknown severity %q", b)
	}
	*s = v
	return nil
}

// ParseSeverity reads "info", "warning" or "error".
func ParseSeverity(s string) (Severity, bool) {
	for v := Info; v <= Error; v++ {
		if v.String() == s {
			return v, true
		}
	}
	return 0, false
}

// Finding is one thing wrong (or worth knowing) about a form.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Sheet    string   `json:"sheet"`
	Cell     string   `json:"cell"`
	Expected string   `json:"expected"`
	Found    string   `json:"found"`
	// Message in Chinese and in English; reports pick one by --lang.
	Message   string `json:"message"`
	MessageEn string `json:"message_en,omitempty"`
}

// Check is one named rule, in the manner of go/analysis: a code, a
// default severity, a one-line doc and a function that reports findings.
type Check struct {
	Code     string
	Severity Severity
	Doc      string // one line, Chinese
	DocEn    string // one line, English
	Run      func(*Pass)
}

// Pass carries one form through the checks.
type Pass struct {
	Form    *form.Form
	Profile *formulas.Profile
	// Tamper is the seal inspection of Form, the tpl.* checks' input (as
	// go/analysis passes a prerequisite's result in ResultOf); nil when
	// the checker has no seal.
	Tamper *Tamper
	check  *Check
	out    *[]Finding
	memo   *calcMemo // shared by the passes of one Run
}

// Report records a finding at the check's default severity.
func (p *Pass) Report(f Finding) { p.ReportAs(p.check.Severity, f) }

// ReportAs records a finding at severity s (a rounding slip is a warning
// under a check whose default is error).
func (p *Pass) ReportAs(s Severity, f Finding) {
	f.Rule = p.check.Code
	f.Severity = s
	if f.Sheet == "" {
		f.Sheet = p.Form.Sheet
	}
	*p.out = append(*p.out, f)
}

// rootCauses keeps only the cell.error finding of a cell that shows an
// error value: whatever else its rules say about it follows from that.
func rootCauses(fs []Finding) []Finding {
	broken := map[string]bool{}
	for _, x := range fs {
		if x.Rule == cellError.Code {
			broken[x.Cell] = true
		}
	}
	if len(broken) == 0 {
		return fs
	}
	out := fs[:0]
	for _, x := range fs {
		if x.Rule == cellError.Code || !broken[x.Cell] {
			out = append(out, x)
		}
	}
	return out
}

// SortFindings orders findings by sheet, row, column, then rule code.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Sheet != b.Sheet {
			return a.Sheet < b.Sheet
		}
		ca, ra, _ := excelize.SplitCellName(a.Cell)
		cb, rb, _ := excelize.SplitCellName(b.Cell)
		if ra != rb {
			return ra < rb
		}
		if len(ca) != len(cb) {
			return len(ca) < len(cb)
		}
		if ca != cb {
			return ca < cb
		}
		return a.Rule < b.Rule
	})
}
