package validate

import "testing"

// headVariants are the layouts whose header values sit right of their
// labels (not "项目名称：xxx" in one cell).
func headVariants() []variant {
	var vs []variant
	for _, v := range append(variants, combined) {
		if !v.inline {
			vs = append(vs, v)
		}
	}
	return vs
}

// TestReadEmptyHeadValues: an emptied 项目名称/主管部门/实施单位 is found in
// the cell the layout has for it (where head.missing must point), alone,
// all three together, and on a blank form, in every layout: merged or
// not, with a leading column, with a blank spacer column.
func TestReadEmptyHeadValues(t *testing.T) {
	head := []string{"project", "department", "unit"}
	var blank []string
	for _, e := range blankAll(len(book1.inds)) {
		blank = append(blank, e.key)
	}
	cases := []struct {
		name string
		keys []string
	}{
		{"project", head[:1]}, {"department", head[1:2]}, {"unit", head[2:]},
		{"head", head}, {"blank form", blank},
	}
	for _, v := range headVariants() {
		for _, tc := range cases {
			x := newXL(t)
			want := buildBook(x, "Sheet1", book1, v)
			emptied := map[string]bool{}
			for _, k := range tc.keys {
				x.must(x.f.SetCellValue("Sheet1", want.want[k].Ref, nil))
				emptied[k] = true
			}
			b := openBook(t, writeBook(t, x, v.name+".xlsx"))
			if len(b.Forms) != 1 {
				t.Fatalf("%s %s: %d forms", v.name, tc.name, len(b.Forms))
			}
			cells := b.Forms[0].Cells()
			for _, k := range head {
				got, w := *cells[k], want.want[k]
				switch {
				case got.Ref != w.Ref:
					t.Errorf("%s %s: %s at %s, want %s", v.name, tc.name, k, got.Ref, w.Ref)
				case emptied[k] && !got.Empty():
					t.Errorf("%s %s: %s reads %q, want empty", v.name, tc.name, k, got.Text)
				case !emptied[k] && got.Text != w.Text:
					t.Errorf("%s %s: %s reads %q, want %q", v.name, tc.name, k, got.Text, w.Text)
				}
			}
		}
	}
}

// TestReadYearLeftBlank: the year field as a unit leaves it, in any
// spelling, is the year cell with no value; the title is not taken for it.
func TestReadYearLeftBlank(t *testing.T) {
	for _, v := range []variant{{name: "plain"}, combined} {
		for _, y := range []string{"(年度)", "(    年度)", "（  年度）", "年度:", "年度：", "(____年度)", "（＿＿年度）"} {
			v.year = y
			x := newXL(t)
			want := buildBook(x, "Sheet1", book2, v)
			fm := openBook(t, writeBook(t, x, v.name+".xlsx")).Forms[0]
			if w := want.want["year"].Ref; fm.Year.Ref != w || !fm.Year.Empty() {
				t.Errorf("%s %q: year %s %q num=%v, want %s with no value", v.name, y, fm.Year.Ref, fm.Year.Text, fm.Year.Num, w)
			}
			if w := want.want["title"]; fm.Title.Ref != w.Ref || fm.Title.Text != w.Text {
				t.Errorf("%s %q: title %s %q, want %s %q", v.name, y, fm.Title.Ref, fm.Title.Text, w.Ref, w.Text)
			}
		}
	}
}

// TestReadYearBlankUnderDatedTitle: a title that states the year gives
// the year even when the year field below it is left blank.
func TestReadYearBlankUnderDatedTitle(t *testing.T) {
	sf := book1
	sf.title = "2024年度" + sf.title
	x := newXL(t)
	buildBook(x, "Sheet1", sf, variant{name: "plain", year: "(年度)"})
	fm := openBook(t, writeBook(t, x, "dated.xlsx")).Forms[0]
	if fm.Year.Ref != "A1" || fm.Year.Num == nil || fm.Year.Num.IntPart() != 2024 {
		t.Errorf("year %s %q num=%v, want 2024 from the title A1", fm.Year.Ref, fm.Year.Text, fm.Year.Num)
	}
	if fm.Title.Ref != "A1" {
		t.Errorf("title at %s, want A1", fm.Title.Ref)
	}
}
