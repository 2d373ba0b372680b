package report

import (
	"fmt"
	"io"

	"github.com/xlsxeval/xlsxeval/validate"
)

// Text writes findings for a person at a terminal, grouped by file and
// form, with a summary line. Color adds ANSI colours (terminals only).
type Text struct {
	W     io.Writer
	Lang  Lang
	Color bool
	// Quiet leaves out the files the summary counts clean: every form
	// without errors and warnings.
	Quiet bool
}

var textWords = map[Lang]map[string]string{
	ZH: {
		"error": "错误", "warning": "警告", "info": "提示", "unreadable": "无法读取",
		"skipped": "跳过工作表", "clean": "无问题", "expected": "应为", "found": "实为",
		"summary": "共 %d 个文件, %d 张表: %d 张无问题; %d 个错误, %d 个警告, %d 条提示; %d 个文件无法读取\n",
		"form":    "%s 项目「%s」 总分 %s 等级 %s: %d 个错误, %d 个警告\n",
		"dept":    "%s 部门「%s」 总分 %s 等级 %s: %d 个错误, %d 个警告\n",
	},
	EN: {
		"error": "error", "warning": "warning", "info": "info", "unreadable": "cannot read",
		"skipped": "skipped sheet", "clean": "clean", "expected": "expected", "found": "found",
		// Counts after their word: "1 errors" is not English.
		"summary": "files: %d, forms: %d, clean: %d; errors: %d, warnings: %d, infos: %d; unreadable files: %d\n",
		"form":    "%s project %q total %s grade %s: errors: %d, warnings: %d\n",
		"dept":    "%s department %q total %s grade %s: errors: %d, warnings: %d\n",
	},
}

func (t *Text) word(k string) string {
	if w, ok := textWords[t.Lang][k]; ok {
		return w
	}
	return textWords[ZH][k]
}

func (t *Text) paint(s string, sev validate.Severity) string {
	if !t.Color {
		return s
	}
	code := map[validate.Severity]string{validate.Error: "31", validate.Warning: "33", validate.Info: "36"}[sev]
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// File writes one file's results.
func (t *Text) File(f File) error {
	if f.Error != "" {
		_, err := fmt.Fprintf(t.W, "%s: %s: %s\n", f.Path, t.paint(t.word("unreadable"), validate.Error), f.Error)
		return err
	}
	if t.Quiet && !needsAttention(f) {
		return nil
	}
	fmt.Fprintf(t.W, "%s\n", f.Path)
	for _, s := range f.Skipped {
		fmt.Fprintf(t.W, "  %s %s: %s\n", t.word("skipped"), s.Sheet, s.Reason)
	}
	for _, x := range f.Findings {
		fmt.Fprintf(t.W, "  %s  [%s] %s\n", t.paint(t.word(x.Severity.String()), x.Severity), x.Rule, x.Message)
	}
	for _, fm := range f.Forms {
		// A department-wide form names its department, having no project.
		kind := "form"
		if fm.Project == "" && fm.Department != "" {
			kind = "dept"
		}
		fmt.Fprintf(t.W, "  "+t.word(kind), fm.Sheet, fm.Name(), dash(fm.Total), dash(fm.Grade), fm.Errors, fm.Warnings)
		for _, x := range fm.Findings {
			sev := t.paint(t.word(x.Severity.String()), x.Severity)
			fmt.Fprintf(t.W, "    %s!%s  %s  [%s] %s", x.Sheet, x.Cell, sev, x.Rule, x.Message)
			if x.Expected != "" || x.Found != "" {
				fmt.Fprintf(t.W, " (%s %s, %s %s)", t.word("expected"), dash(x.Expected), t.word("found"), dash(x.Found))
			}
			fmt.Fprintln(t.W)
		}
	}
	return nil
}

// needsAttention: f has a form with an error or a warning, or no form.
func needsAttention(f File) bool {
	for _, fm := range f.Forms {
		if fm.Errors+fm.Warnings > 0 {
			return true
		}
	}
	return len(f.Forms) == 0 || len(f.Findings) > 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Close writes the summary line.
func (t *Text) Close(s Summary) error {
	_, err := fmt.Fprintf(t.W, t.word("summary"), s.Files, s.Forms, s.Clean, s.Errors, s.Warnings, s.Infos, s.Unreadable)
	return err
}
