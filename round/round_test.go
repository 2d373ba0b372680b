package round

import (
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

// Two projects of one name at two units, one with a code: a form goes to
// its unit's project, or by the code in its file name; the newest saved
// return counts, whatever the order of the files.
func TestBuild(t *testing.T) {
	spec := &template.Spec{Projects: []*template.Project{
		{Name: "运维项目", Unit: "甲单位"},
		{Name: "运维项目", Unit: "乙单位", Code: "P002"},
		{Name: "宣传项目", Unit: "甲单位"},
	}}
	form := func(project, unit string, errors int, rule string) report.Form {
		f := report.Form{Project: project, Unit: unit, Errors: errors}
		if rule != "" {
			f.Findings = []validate.Finding{{Rule: rule, Severity: validate.Error}}
		}
		return f
	}
	files := []report.File{
		{Path: "a/运维.xlsx", Forms: []report.Form{form("运维项目", "甲单位", 0, "")}},
		{Path: "b/P002_运维.xlsx", Forms: []report.Form{form("运 维 项目", "", 1, "ind.cap")}},
		{Path: "b/P002_运维(旧).xlsx", Forms: []report.Form{form("运维项目", "", 0, "")}},
		{Path: "x.xlsx", Forms: []report.Form{form("别的项目", "甲单位", 0, "")}},
		{Path: "坏.xlsx", Error: "无法读取"},
	}
	saved := map[string]time.Time{
		"b/P002_运维.xlsx":    time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC),
		"b/P002_运维(旧).xlsx": time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	p := Build(spec, files, func(path string) time.Time { return saved[path] })
	want := []State{Clean, Duplicate, Missing}
	for i, pr := range p.Projects {
		if pr.State != want[i] {
			t.Errorf("%s %s: %s, want %s", pr.Unit, pr.Name, pr.State, want[i])
		}
	}
	dup := p.Projects[1]
	if dup.Latest.Path != "b/P002_运维.xlsx" || dup.Current != Faulty || len(dup.Older) != 1 {
		t.Errorf("duplicate: latest %s (%s), older %d", dup.Latest.Path, dup.Current, len(dup.Older))
	}
	if len(p.Unlisted) != 1 || len(p.Unreadable) != 1 || !p.Open() {
		t.Errorf("unlisted %d, unreadable %d, open %v", len(p.Unlisted), len(p.Unreadable), p.Open())
	}
	if g := p.ByUnit(); len(g) != 2 || len(g[0]) != 2 || len(g[1]) != 1 {
		t.Errorf("by unit: %v", g)
	}
	if FormState(form("x", "", 2, "tpl.changed")) != Tampered {
		t.Error("tpl.* is 模板被改 before 需退回")
	}
}
