// Package form is the model of one filled 财政项目支出绩效自评表: every field
// with the cell it sits in and the value it shows. The template writes it, the
// reader fills it, and the checks read it.
package form

import "github.com/shopspring/decimal"

// Cell is one field as found in a workbook.
type Cell struct {
	Ref     string // A1 reference; empty when the field was not found
	Text    string // the text a person sees (formatted value), trimmed
	Formula string // the cell's formula without '=', if any
	// Num is the numeric value when the cell holds or shows a number.
	// Places is how many decimals the figure is shown with (its rounding).
	Num    *decimal.Decimal
	Places int32
	// Percent is set when a number stored as a fraction (0.89) was shown
	// with a percent format (89%); Num then holds the shown figure (89).
	Percent bool
	// Raw is the stored value (cached value for formulas) before formatting.
	Raw string
}

// Found reports whether the field exists on the sheet.
func (c Cell) Found() bool { return c.Ref != "" }

// Empty reports whether the field shows nothing.
func (c Cell) Empty() bool { return c.Text == "" && c.Num == nil }

// Shown is what the cell shows: its text, or its number when it shows
// no text.
func (c Cell) Shown() string {
	if c.Text == "" && c.Num != nil {
		return c.Num.StringFixed(c.Places)
	}
	return c.Text
}

// Dash reports whether the cell is a placeholder such as "-".
func (c Cell) Dash() bool {
	switch c.Text {
	case "-", "—", "－", "/", "／", "--":
		return true
	}
	return false
}

// Fund rows, in catalogue order (the seed's form top to bottom; a layout
// orders the rows it has, funds.rows). The total is the sum of the others.
const (
	FundTotal   = iota // 年度资金总额
	FundCurrent        // 其中:当年财政拨款
	FundCarry          // 上年结转资金
	FundOther          // 其他资金
	FundSpecial        // 财政专户管理资金 (四川)
	FundOwn            // 单位资金 (四川)
	NumFunds
)

// FundRow is one row of the funds block.
type FundRow struct {
	Label   Cell
	Initial Cell // 年初预算数
	Budget  Cell // 全年预算数
	Exec    Cell // 全年执行数
	Weight  Cell // 分值 (total row only; '-' elsewhere)
	Rate    Cell // 执行率(%)
	Score   Cell // 得分 (total row only)
}

// Indicator is one row of the indicator table.
type Indicator struct {
	Row    int  // sheet row (1-based)
	L1     Cell // 一级指标 (inherited from a merged parent when blank)
	L2     Cell // 二级指标
	L3     Cell // 三级指标
	Target Cell // 年度指标值
	Actual Cell // 实际完成值
	Weight Cell // 分值
	Score  Cell // 得分
	Reason Cell // 偏差原因分析及改进措施
	// TargetOp and TargetUnit are the operator and unit cells of a target
	// split over three columns (指标性质 | 指标值 | 度量单位); Target then
	// holds the three read as one (≧ 735 人次 → ≧735人次) at the 指标值 cell.
	TargetOp, TargetUnit Cell
	// ScoreCoef is the 得分系数(%) of a form that scores by it (重庆); with
	// no 得分 column, Score is then 分值 × 得分系数 ÷ 100.
	ScoreCoef Cell
	// L1Own/L2Own are false when L1/L2 were inherited from a row above.
	L1Own, L2Own bool
	// NA is set when the row states it does not apply: `/`, 无 or 不适用
	// as target and actual (or as its 三级指标, 指标1:/).
	NA bool
}

// Form is one form found on one sheet.
type Form struct {
	Sheet      string
	Title      Cell
	Year       Cell
	Project    Cell
	Department Cell
	Unit       Cell
	// AmountUnit is 万元 or 元, from the funds header.
	AmountUnit string
	FundsLabel Cell
	Funds      [NumFunds]FundRow
	// FundsOther are the cells of amounts on rows of the funds block whose
	// label is no fund row the reader knows (项目支出, 政府性基金预算): the
	// parts of the total are then not all known.
	FundsOther  []string
	Goal        Cell // 预期目标
	Done        Cell // 实际完成情况
	Indicators  []Indicator
	TotalWeight Cell // 总分 row, 分值 column (100)
	TotalScore  Cell // 总分 row, 得分 column
	Grade       Cell // 评分等级
	// Layout names the layout the form was read by (package layout).
	Layout string
	// Head are the head fields its layout has; nil means 项目名称, 主管部门
	// and 实施单位 (a department-wide form has 部门 only).
	Head []*Field
	// FundsUnscored is set when the layout's budget carries no 分值 and 得分.
	FundsUnscored bool
	// Template is set when the sheet carries our fingerprint.
	Template *Fingerprint
}

// Fingerprint is what our generated workbooks record about themselves.
type Fingerprint struct {
	Generator string `json:"generator"` // "xlsxeval"
	Version   string `json:"version"`   // template format version
	Profile   string `json:"profile"`   // profile name
	Sheet     string `json:"sheet"`
	Rows      int    `json:"rows"` // indicator rows
	// Layout names the layout written (package layout); "" in workbooks
	// written before layouts existed, all of them the seed's.
	Layout string `json:"layout,omitempty"`
	// Fields maps field names (see template.Layout) to A1 references.
	Fields map[string]string `json:"fields,omitempty"`
}

// Cells returns every field of f by its key as stored (Key.String), as
// pointers so a reader or writer can fill them in place.
func (f *Form) Cells() map[string]*Cell {
	m := make(map[string]*Cell, len(HeadFields)+NumFunds*len(FundCols)+len(f.Indicators)*len(IndCols))
	f.Each(func(k Key, c *Cell) { m[k.String()] = c })
	return m
}
