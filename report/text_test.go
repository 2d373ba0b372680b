package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/validate"
)

// TestTextCounts: the text report states its counts in both languages,
// in English after their word ("errors: 1", never "1 errors").
func TestTextCounts(t *testing.T) {
	r := validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckFile(faultyBook(t, t.TempDir()))
	for lang, want := range map[Lang][]string{ZH: {"个错误", "共 1 个文件"}, EN: {"errors: ", "files: 1, forms: 1"}} {
		var buf bytes.Buffer
		x := &Text{W: &buf, Lang: lang}
		f := FromResult(r, lang)
		var sum Summary
		sum.Add(f)
		if err := x.File(f); err != nil {
			t.Fatal(err)
		}
		if err := x.Close(sum); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: report lacks %q:\n%s", lang, w, out)
			}
		}
		if lang == EN && strings.Contains(out, " 1 errors") {
			t.Errorf("English says '1 errors':\n%s", out)
		}
	}
}

// TestTextDepartment: a department-wide form, having no project, is named
// by its department.
func TestTextDepartment(t *testing.T) {
	for lang, want := range map[Lang]string{ZH: "部门「某县财政局」", EN: `department "某县财政局"`} {
		var buf bytes.Buffer
		x := &Text{W: &buf, Lang: lang}
		if err := x.File(File{Path: "a.xlsx", Forms: []Form{{Sheet: "表", Department: "某县财政局", Total: "99"}}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), want) {
			t.Errorf("%v: %q lacks %q", lang, buf.String(), want)
		}
	}
}
