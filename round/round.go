// Package round is the record of a collection round: which project of a
// spec has come back, in which state, and which return counts. The
// offline `status` command and the portal share it, so a form gets the
// same state by e-mail and through the portal.
package round

import (
	"sort"
	"strings"
	"time"

	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
)

// State is where one project of a round stands.
type State string

// The states, in the order a department works through them.
const (
	Missing    State = "未交"   // not returned
	Clean      State = "合格"   // returned without errors
	Faulty     State = "需退回"  // returned with errors
	Tampered   State = "模板被改" // a tpl.* finding: the preset content was changed
	Duplicate  State = "重复"   // several returns; the newest counts
	Unlisted   State = "不在清单" // a form of no project of the spec
	Unreadable State = "无法读取" // a file that could not be read
	Accepted   State = "定稿"   // accepted by the department (portal)
)

// Open reports whether s still needs the department's or the unit's
// attention: the round is not finished while any project is open.
func (s State) Open() bool { return s != Clean && s != Accepted }

// English names, for --lang en.
var english = map[State]string{
	Missing: "missing", Clean: "clean", Faulty: "returned", Tampered: "template changed",
	Duplicate: "duplicate", Unlisted: "not in spec", Unreadable: "unreadable", Accepted: "accepted",
}

// Word is the state's name in lang.
func (s State) Word(lang report.Lang) string {
	if lang == report.EN {
		return english[s]
	}
	return string(s)
}

// FormState is the state a returned form earns by its findings: a
// changed template outranks other errors, since the figures of a changed
// form cannot be trusted.
func FormState(fm report.Form) State {
	for _, x := range fm.Findings {
		if strings.HasPrefix(x.Rule, "tpl.") {
			return Tampered
		}
	}
	if fm.Errors > 0 {
		return Faulty
	}
	return Clean
}

// Return is one returned form: the file it came in, when the workbook
// says it was last saved, and its check result.
type Return struct {
	Path     string      `json:"path"`
	Modified time.Time   `json:"modified"`
	Form     report.Form `json:"-"`
	State    State       `json:"state"`
	Errors   int         `json:"errors"`
}

// Project is one project of the spec and what came back for it.
type Project struct {
	Unit    string `json:"unit"`
	Name    string `json:"project"`
	Code    string `json:"code,omitempty"`
	State   State  `json:"state"`
	Current State  `json:"current,omitempty"` // of the newest return, when State is 重复
	// Latest is the return that counts; Older are the others, newest first.
	Latest *Return   `json:"latest,omitempty"`
	Older  []*Return `json:"older,omitempty"`
}

// Effective is the state of the return that counts: Current for a
// duplicate, else State.
func (p *Project) Effective() State {
	if p.State == Duplicate {
		return p.Current
	}
	return p.State
}

// Progress is a whole round.
type Progress struct {
	Projects []*Project `json:"projects"`
	// Unlisted are forms of no project of the spec; Unreadable are files
	// that could not be read (their Path and the error as Form.Sheet).
	Unlisted   []*Return      `json:"unlisted"`
	Unreadable []Unread       `json:"unreadable"`
	Counts     map[State]int  `json:"counts"`
	Units      []string       `json:"units"` // in spec order
	byUnit     map[string]int // unit → index in Units
}

// Unread is a file that could not be read.
type Unread struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// Open reports whether anything is missing or faulty: the round is not
// done (status exits 1).
func (p *Progress) Open() bool {
	if len(p.Unreadable) > 0 {
		return true
	}
	for _, pr := range p.Projects {
		if pr.Effective().Open() {
			return true
		}
	}
	return false
}

// Matcher finds the spec project of a returned form: by project name,
// then by unit, then by the project code in the file name (as the
// templates are named), like the tpl.changed comparison.
type Matcher struct {
	projects []*template.Project
	byName   map[string][]int
}

// NewMatcher indexes the projects of spec.
func NewMatcher(spec *template.Spec) *Matcher {
	m := &Matcher{projects: spec.Projects, byName: map[string][]int{}}
	for i, pr := range spec.Projects {
		k := integrity.NormText(pr.Name)
		m.byName[k] = append(m.byName[k], i)
	}
	return m
}

// Match returns the index of fm's project in the spec, or -1.
func (m *Matcher) Match(fm report.Form, path string) int {
	same := m.byName[integrity.NormText(fm.Project)]
	if len(same) > 1 && fm.Unit != "" {
		var u []int
		for _, i := range same {
			if integrity.NormText(m.projects[i].Unit) == integrity.NormText(fm.Unit) {
				u = append(u, i)
			}
		}
		if len(u) > 0 {
			same = u
		}
	}
	if len(same) == 1 {
		return same[0]
	}
	base := baseName(path)
	for _, i := range same {
		if c := m.projects[i].Code; c != "" && strings.Contains(base, c) {
			return i
		}
	}
	return -1
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Build gives every project of spec its state from the returned files.
// modified says when a file's workbook was last saved (ModifiedTime).
func Build(spec *template.Spec, files []report.File, modified func(path string) time.Time) *Progress {
	p := &Progress{Counts: map[State]int{}, byUnit: map[string]int{}}
	for _, pr := range spec.Projects {
		p.Projects = append(p.Projects, &Project{Unit: pr.Unit, Name: pr.Name, Code: pr.Code})
		p.unit(pr.Unit)
	}
	m := NewMatcher(spec)
	returns := make([][]*Return, len(spec.Projects))
	for _, f := range files {
		if f.Error != "" {
			p.Unreadable = append(p.Unreadable, Unread{f.Path, f.Error})
			continue
		}
		t := modified(f.Path)
		for _, fm := range f.Forms {
			r := &Return{Path: f.Path, Modified: t, Form: fm, State: FormState(fm), Errors: fm.Errors}
			if i := m.Match(fm, f.Path); i >= 0 {
				returns[i] = append(returns[i], r)
			} else {
				p.Unlisted = append(p.Unlisted, r)
			}
		}
	}
	for i, pr := range p.Projects {
		pr.settle(returns[i])
		p.Counts[pr.State]++
	}
	p.Counts[Unlisted] = len(p.Unlisted)
	p.Counts[Unreadable] = len(p.Unreadable)
	return p
}

func (p *Progress) unit(name string) {
	if _, ok := p.byUnit[name]; !ok {
		p.byUnit[name] = len(p.Units)
		p.Units = append(p.Units, name)
	}
}

// settle picks the newest return (by the workbook's own saved time, then
// by path for a stable answer) and names the state.
func (pr *Project) settle(rs []*Return) {
	if len(rs) == 0 {
		pr.State = Missing
		return
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if !rs[i].Modified.Equal(rs[j].Modified) {
			return rs[i].Modified.After(rs[j].Modified)
		}
		return rs[i].Path > rs[j].Path
	})
	pr.Latest, pr.Older = rs[0], rs[1:]
	pr.State = pr.Latest.State
	if len(rs) > 1 {
		pr.State, pr.Current = Duplicate, pr.Latest.State
	}
}

// ByUnit returns the projects grouped by unit, units in spec order.
func (p *Progress) ByUnit() [][]*Project {
	out := make([][]*Project, len(p.Units))
	for _, pr := range p.Projects {
		i := p.byUnit[pr.Unit]
		out[i] = append(out[i], pr)
	}
	return out
}
