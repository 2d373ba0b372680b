package template

import (
	"github.com/xuri/excelize/v2"
)

// Font and fills of the form.
const (
	fontName  = "宋体"
	inputFill = "FFF2CC" // light yellow: a cell the unit fills in
	condRed   = "FFC7CE"
	condYel   = "FFEB9C"
)

// styles are the cell styles of one workbook.
type styles struct {
	title, year, label, labelL, text, textIn, num, numIn, formula, dash, helper, grade int
	amountIn                                                                           int
	// textAt is an input cell formatted as text (@): what is typed stays as
	// typed (=100.00(%) is no formula, 89% no 0.89).
	textAt              int
	condRed, condYellow int
}

func border() []excelize.Border {
	var b []excelize.Border
	for _, t := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: t, Color: "000000", Style: 1})
	}
	return b
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{}
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: fontName, Size: size, Bold: bold}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{inputFill}}
	unlocked := &excelize.Protection{Locked: false}
	locked := &excelize.Protection{Locked: true}
	defs := []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.title, &excelize.Style{Font: font(18, true), Alignment: center, Protection: locked}},
		{&s.year, &excelize.Style{Font: font(12, false), Alignment: center, Protection: locked}},
		{&s.label, &excelize.Style{Font: font(11, true), Alignment: center, Border: border(), Protection: locked}},
		{&s.labelL, &excelize.Style{Font: font(11, false), Alignment: left, Border: border(), Protection: locked}},
		{&s.text, &excelize.Style{Font: font(11, false), Alignment: center, Border: border(), Protection: locked}},
		{&s.textIn, &excelize.Style{Font: font(11, false), Alignment: left, Border: border(), Fill: fill, Protection: unlocked}},
		{&s.textAt, &excelize.Style{Font: font(11, false), Alignment: left, Border: border(), Fill: fill, NumFmt: 49, Protection: unlocked}},
		{&s.num, &excelize.Style{Font: font(11, false), Alignment: center, Border: border(), NumFmt: 2, Protection: locked}},
		{&s.numIn, &excelize.Style{Font: font(11, false), Alignment: center, Border: border(), NumFmt: 2, Fill: fill, Protection: unlocked}},
		{&s.amountIn, &excelize.Style{Font: font(11, false), Alignment: center, Border: border(), NumFmt: 2, Fill: fill, Protection: unlocked}},
		{&s.formula, &excelize.Style{Font: font(11, false), Alignment: center, Border: border(), NumFmt: 2, Protection: &excelize.Protection{Locked: true, Hidden: false}}},
		{&s.grade, &excelize.Style{Font: font(11, true), Alignment: left, Border: border(), Protection: locked}},
		{&s.dash, &excelize.Style{Font: font(11, false), Alignment: center, Border: border(), Protection: locked}},
		{&s.helper, &excelize.Style{Font: font(9, false), Protection: &excelize.Protection{Locked: true, Hidden: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.st)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	var err error
	if s.condRed, err = f.NewConditionalStyle(&excelize.Style{
		Font: &excelize.Font{Color: "9C0006", Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{condRed}},
	}); err != nil {
		return nil, err
	}
	s.condYellow, err = f.NewConditionalStyle(&excelize.Style{
		Font: &excelize.Font{Color: "9C5700"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{condYel}},
	})
	return s, err
}
