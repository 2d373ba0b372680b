package round

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/xlsxeval/xlsxeval/report"
)

// order is how states are counted in the totals line.
var order = []State{Clean, Faulty, Tampered, Duplicate, Missing, Unlisted, Unreadable}

// WriteText writes the round grouped by unit, then the forms not in the
// spec and the files that could not be read, then the counts.
func (p *Progress) WriteText(w io.Writer, lang report.Lang) error {
	var b strings.Builder
	for i, prs := range p.ByUnit() {
		unit := p.Units[i]
		if unit == "" {
			unit = tr(lang, "(未填实施单位)", "(no unit)")
		}
		fmt.Fprintf(&b, "%s\n", unit)
		for _, pr := range prs {
			fmt.Fprintf(&b, "  %s %s%s\n", pad(pr.State.Word(lang), 8), pr.Name, p.detail(pr, lang))
		}
	}
	for _, r := range p.Unlisted {
		fmt.Fprintf(&b, "%s  %s  %s (%s)\n", Unlisted.Word(lang), r.Path, r.Form.Project, r.Form.Unit)
	}
	for _, u := range p.Unreadable {
		fmt.Fprintf(&b, "%s  %s: %s\n", Unreadable.Word(lang), u.Path, u.Error)
	}
	fmt.Fprintf(&b, "%s %d:", tr(lang, "回收进度: 项目", "Round: projects"), len(p.Projects))
	for _, s := range order {
		fmt.Fprintf(&b, " %s %d", s.Word(lang), p.Counts[s])
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// detail is the file that counts and, for a duplicate, the others.
func (p *Progress) detail(pr *Project, lang report.Lang) string {
	if pr.Latest == nil {
		return ""
	}
	s := "  " + pr.Latest.Path
	if pr.State == Duplicate {
		s = fmt.Sprintf("  %s %s (%s)", tr(lang, "以最新为准:", "newest counts:"), pr.Latest.Path, pr.Current.Word(lang))
		var older []string
		for _, r := range pr.Older {
			older = append(older, r.Path)
		}
		s += fmt.Sprintf("; %s %s", tr(lang, "另有:", "also:"), strings.Join(older, ", "))
	}
	if pr.Latest.Errors > 0 {
		s += fmt.Sprintf(tr(lang, " [%d 个错误]", " [%d errors]"), pr.Latest.Errors)
	}
	return s
}

// WriteJSON writes the round as one JSON document.
func (p *Progress) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	return e.Encode(p)
}

// SheetName is the name of the round's sheet in the summary workbook.
func SheetName(lang report.Lang) string { return tr(lang, "回收进度", "Round") }

// Sheet is the round as the rows of a sheet, grouped by unit: one row per
// project, then the forms not in the spec and the unreadable files.
func (p *Progress) Sheet(lang report.Lang) (head []string, rows [][]any) {
	head = []string{tr(lang, "实施单位", "Unit"), tr(lang, "项目名称", "Project"), tr(lang, "编码", "Code"),
		tr(lang, "状态", "State"), tr(lang, "最新一份的状态", "State of newest"), tr(lang, "错误", "Errors"),
		tr(lang, "文件", "File"), tr(lang, "保存时间", "Saved"), tr(lang, "其他文件", "Other files")}
	for i, prs := range p.ByUnit() {
		for _, pr := range prs {
			row := []any{p.Units[i], pr.Name, pr.Code, pr.State.Word(lang), "", nil, "", "", ""}
			if r := pr.Latest; r != nil {
				row[4], row[5], row[6] = pr.Effective().Word(lang), r.Errors, r.Path
				row[7] = r.Modified.Format("2006-01-02 15:04:05")
				var older []string
				for _, o := range pr.Older {
					older = append(older, o.Path)
				}
				row[8] = strings.Join(older, "; ")
			}
			rows = append(rows, row)
		}
	}
	for _, r := range p.Unlisted {
		rows = append(rows, []any{r.Form.Unit, r.Form.Project, "", Unlisted.Word(lang), r.State.Word(lang), r.Errors,
			r.Path, r.Modified.Format("2006-01-02 15:04:05"), ""})
	}
	for _, u := range p.Unreadable {
		rows = append(rows, []any{"", "", "", Unreadable.Word(lang), "", nil, u.Path, "", u.Error})
	}
	return head, rows
}

func tr(lang report.Lang, zh, en string) string {
	if lang == report.EN {
		return en
	}
	return zh
}

// pad fills s with spaces to width columns, a CJK character taking two.
func pad(s string, width int) string {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x1100 {
			w++
		}
	}
	return s + strings.Repeat(" ", max(width-w, 0))
}
