// Package report turns check results into what people read: text for a
// terminal, JSON for other systems, and the department's files.
package report

import (
	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/validate"
)

// Lang selects the language of messages: "zh" (default) or "en".
type Lang string

const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// File is one checked file in the JSON schema (see README, 输出格式).
type File struct {
	Path    string    `json:"path"`
	Error   string    `json:"error,omitempty"`
	Forms   []Form    `json:"forms"`
	Skipped []Skipped `json:"skipped,omitempty"`
	// Findings about the file as a whole (file.noform).
	Findings []validate.Finding `json:"findings,omitempty"`
}

// Skipped is a sheet that holds no form.
type Skipped struct {
	Sheet  string `json:"sheet"`
	Reason string `json:"reason"`
}

// Name is what the form is about: its project, or the department of a
// department-wide form, which has none.
func (f Form) Name() string {
	if f.Project == "" {
		return f.Department
	}
	return f.Project
}

// Form is one form's identity, figures and findings.
type Form struct {
	Sheet      string             `json:"sheet"`
	Project    string             `json:"project"`
	Department string             `json:"department"`
	Unit       string             `json:"unit"`
	Year       string             `json:"year"`
	Budget     string             `json:"budget"`   // 全年预算数, total row
	Executed   string             `json:"executed"` // 全年执行数, total row
	Rate       string             `json:"rate"`     // 执行率
	Total      string             `json:"total"`    // 总分
	Grade      string             `json:"grade"`    // 评分等级
	Template   bool               `json:"template"` // carries our fingerprint
	Layout     string             `json:"layout"`   // the layout it was read by (xlsxeval layouts)
	Errors     int                `json:"errors"`
	Warnings   int                `json:"warnings"`
	Infos      int                `json:"infos"`
	Findings   []validate.Finding `json:"findings"`
}

// Summary counts a whole run.
type Summary struct {
	Files      int            `json:"files"`
	Unreadable int            `json:"unreadable"`
	Forms      int            `json:"forms"`
	Clean      int            `json:"clean"`  // forms without errors or warnings
	Errors     int            `json:"errors"` // findings at error level
	Warnings   int            `json:"warnings"`
	Infos      int            `json:"infos"`
	Rules      map[string]int `json:"rules"` // findings per rule code
}

// Add counts f into s.
func (s *Summary) Add(f File) {
	s.Files++
	if f.Error != "" {
		s.Unreadable++
	}
	if s.Rules == nil {
		s.Rules = map[string]int{}
	}
	s.count(f.Findings)
	for _, fm := range f.Forms {
		s.Forms++
		s.Errors += fm.Errors
		s.Warnings += fm.Warnings
		s.Infos += fm.Infos
		if fm.Errors+fm.Warnings == 0 {
			s.Clean++
		}
		for _, x := range fm.Findings {
			s.Rules[x.Rule]++
		}
	}
}

// count adds file-level findings, which belong to no form.
func (s *Summary) count(fs []validate.Finding) {
	for _, x := range fs {
		s.Rules[x.Rule]++
		switch x.Severity {
		case validate.Error:
			s.Errors++
		case validate.Warning:
			s.Warnings++
		default:
			s.Infos++
		}
	}
}

// FromResult builds the report of one file, messages in lang.
func FromResult(r validate.FileResult, lang Lang) File {
	out := File{Path: r.Path, Forms: []Form{}}
	if r.Err != nil {
		out.Error = xlsx.ErrorText(r.Err, lang == EN)
	}
	for _, s := range r.Skipped {
		reason := s.Reason
		if lang == EN && s.ReasonEn != "" {
			reason = s.ReasonEn
		}
		out.Skipped = append(out.Skipped, Skipped{s.Sheet, reason})
	}
	for _, fr := range r.Forms {
		out.Forms = append(out.Forms, formOf(fr, lang))
	}
	for _, x := range r.Findings {
		if lang == EN && x.MessageEn != "" {
			x.Message = x.MessageEn
		}
		x.MessageEn = ""
		out.Findings = append(out.Findings, x)
	}
	return out
}

func formOf(fr validate.FormResult, lang Lang) Form {
	f := fr.Form
	total := f.Funds[0]
	// Figures a formula cell holds no value for come from the check, with
	// the check's profile.
	sum := fr.Summary
	fm := Form{
		Sheet: f.Sheet, Project: f.Project.Text, Department: f.Department.Text, Unit: f.Unit.Text,
		Year: f.Year.Text, Budget: total.Budget.Text, Executed: total.Exec.Text,
		Rate: shownOr(total.Rate.Text, sum.Rate), Total: shownOr(f.TotalScore.Text, sum.Total),
		Grade: shownOr(f.Grade.Text, sum.Grade), Template: f.Template != nil, Layout: f.Layout,
		Findings: make([]validate.Finding, 0, len(fr.Findings)),
	}
	if validate.Unfilled(f) {
		// A blank template shows 0.00 and 差 from its formulas: not a result.
		fm.Rate, fm.Total, fm.Grade = "", "", ""
	}
	for _, x := range fr.Findings {
		if lang == EN && x.MessageEn != "" {
			x.Message = x.MessageEn
		}
		x.MessageEn = ""
		switch x.Severity {
		case validate.Error:
			fm.Errors++
		case validate.Warning:
			fm.Warnings++
		default:
			fm.Infos++
		}
		fm.Findings = append(fm.Findings, x)
	}
	return fm
}

// shownOr prefers what the form shows, else the recomputed figure.
func shownOr(shown, recomputed string) string {
	if shown != "" {
		return shown
	}
	return recomputed
}

// Writer renders results as they arrive and the summary at the end.
type Writer interface {
	File(File) error
	Close(Summary) error
}
