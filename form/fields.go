package form

import (
	"slices"
	"strconv"
	"strings"
)

// The field catalogue: every field of the form once, with the label that
// names it on the sheet, the spellings regions use for it, its English
// name and the kind of value it holds. The reader finds fields by these
// labels (a layout adds its own spellings), the fingerprint and the seal
// record name fields by Key, and messages and extract name them by Label
// and En.

// Kind is the kind of value a field holds.
type Kind int

// Kinds of value.
const (
	KindText     Kind = iota // free text: names, goals, reasons
	KindYear                 // 2024, (2024年度)
	KindAmount               // an amount in the form's unit
	KindRate                 // a percentage
	KindWeight               // 分值
	KindScore                // 得分
	KindGrade                // 优 / 良 / 中 / 差
	KindCategory             // 一级 / 二级指标
	KindTarget               // 年度指标值: operator, number, unit or words
	KindActual               // 实际完成值
	KindLabel                // a row's own label (年度资金总额)
)

// Field is one field of the catalogue.
type Field struct {
	// Key names the field in keys: "project"; for a column of the funds
	// or indicator table the column ("budget", "target").
	Key      string
	Label    string   // canonical Chinese label: 项目名称
	Synonyms []string // other spellings met in real forms
	En       string   // English name
	Kind     Kind
}

// Labels are the label and its synonyms.
func (f *Field) Labels() []string { return append([]string{f.Label}, f.Synonyms...) }

// Head fields and the total, one each per form.
var (
	FTitle      = &Field{"title", "标题", nil, "title", KindText}
	FYear       = &Field{"year", "年度", nil, "year", KindYear}
	FProject    = &Field{"project", "项目名称", []string{"项目"}, "project name", KindText}
	FDepartment = &Field{"department", "主管部门", []string{"主管单位", "预算部门", "自治区主管部门", "部门名称", "项目主管部门", "主管部门名称"}, "department", KindText}
	FUnit       = &Field{"unit", "实施单位", []string{"执行单位", "项目实施单位", "实施单位(盖章)", "资金使用单位", "项目单位", "项目承担单位", "实施单位名称"}, "implementing unit", KindText}
	FFundsLabel = &Field{"funds.label", "项目资金", []string{"年度预算数", "预算执行情况", "项目资金情况"}, "funds", KindText}
	FGoal       = &Field{"goal", "预期目标", []string{"年度目标", "项目年度目标", "总体目标"}, "expected goal", KindText}
	FDone       = &Field{"done", "实际完成情况", []string{"年度目标完成情况", "目标实际完成情况", "全年实际完成情况"}, "achieved", KindText}
	FTotalW     = &Field{"total.weight", "总分", []string{"合计", "总计", "总得分"}, "total weight", KindWeight}
	FTotal      = &Field{"total.score", "总分", []string{"合计", "总计", "总得分"}, "total score", KindScore}
	FGrade      = &Field{"grade", "评分等级", []string{"等级", "自评等级", "绩效等级", "自评结论等级"}, "grade", KindGrade}
)

// HeadFields are the fields a form has once, in key order of the fingerprint.
var HeadFields = []*Field{FTitle, FYear, FProject, FDepartment, FUnit, FFundsLabel, FGoal, FDone, FTotalW, FTotal, FGrade}

// FundRows name the rows of the funds block, in Fund* order.
var FundRows = [NumFunds]*Field{
	{"total", "年度资金总额", []string{"资金总额", "合计", "总额", "年度资金合计"}, "total funds", KindLabel},
	{"current", "当年财政拨款", []string{"本年财政拨款", "财政拨款", "财政资金", "其中当年财政拨款", "其中本年财政拨款", "其中财政拨款", "其中财政资金", "财政拨款资金", "一般公共预算", "一般公共预算拨款"}, "current-year appropriation", KindLabel},
	{"carry", "上年结转资金", []string{"上年结转", "结转资金", "上年结余结转"}, "carry-over", KindLabel},
	{"other", "其他资金", []string{"其他"}, "other funds", KindLabel},
	{"special", "财政专户管理资金", []string{"财政专户资金", "财政专户管理的资金"}, "special-account funds", KindLabel},
	{"own", "单位资金", []string{"单位自有资金"}, "unit's own funds", KindLabel},
}

// Columns of the funds block, in FundRow order.
var (
	FFundLabel   = &Field{"label", "资金来源", nil, "row", KindLabel}
	FFundInitial = &Field{"initial", "年初预算数", []string{"年初预算"}, "initial budget", KindAmount}
	FFundBudget  = &Field{"budget", "全年预算数", []string{"调整后预算数", "调整预算数", "全年预算", "预算数", "调整后预算"}, "full-year budget", KindAmount}
	FFundExec    = &Field{"exec", "全年执行数", []string{"执行数", "全年执行", "实际执行数", "预算执行数", "全年实际执行数", "实际支出数", "全年支出数", "截至年底执行数"}, "full-year spending", KindAmount}
	FFundWeight  = &Field{"weight", "分值", []string{"分数", "权重", "分值权重"}, "weight", KindWeight}
	FFundRate    = &Field{"rate", "执行率", []string{"执行率(%)", "预算执行率"}, "rate", KindRate}
	FFundScore   = &Field{"score", "得分", []string{"评分", "自评得分"}, "score", KindScore}
)

// FundCols are the columns of a funds row.
var FundCols = []*Field{FFundLabel, FFundInitial, FFundBudget, FFundExec, FFundWeight, FFundRate, FFundScore}

// Columns of the indicator table, in Indicator order.
var (
	FL1     = &Field{"l1", "一级指标", []string{"一级"}, "level-1 indicator", KindCategory}
	FL2     = &Field{"l2", "二级指标", []string{"二级"}, "level-2 indicator", KindCategory}
	FL3     = &Field{"l3", "三级指标", []string{"三级", "三级指标名称"}, "level-3 indicator", KindText}
	FTarget = &Field{"target", "年度指标值", []string{"指标值", "目标值", "年度目标值", "指标值(A)", "年度指标值(A)", "年度绩效目标值", "预期指标值", "预期目标值"}, "target", KindTarget}
	FActual = &Field{"actual", "实际完成值", []string{"完成值", "全年实际值", "实际值", "全年实际值(B)", "实际完成值(B)", "实际完成指标值", "全年实际完成值", "实际完成数"}, "actual", KindActual}
	FWeight = &Field{"weight", "分值", []string{"分数", "权重", "分值权重", "指标分值权重", "参考分值", "指标分值", "标准分值"}, "weight", KindWeight}
	FScore  = &Field{"score", "得分", []string{"评分", "指标得分", "自评得分", "自评分", "实际得分", "评价得分"}, "score", KindScore}
	// A target split over three cells (指标性质 | 指标值 | 度量单位): the
	// operator and the unit; Target is then the 指标值 cell.
	FTargetOp   = &Field{"target_op", "指标性质", []string{"运算符", "符号", "指标属性"}, "target operator", KindText}
	FTargetUnit = &Field{"target_unit", "度量单位", []string{"计量单位"}, "target unit", KindText}
	// FScoreCoef is a score given as a share of the weight (重庆's 得分系数(%)).
	FScoreCoef = &Field{"score_coef", "得分系数", nil, "score coefficient (%)", KindRate}
	FReason    = &Field{"reason", "偏差原因分析及改进措施", []string{"偏差原因分析", "偏差原因", "未完成原因分析", "原因分析及改进措施", "未完成原因及改进措施", "未完成原因"}, "deviation reason", KindText}
)

// IndCols are the columns of an indicator row.
var IndCols = []*Field{FL1, FL2, FL3, FTarget, FActual, FWeight, FScore, FReason, FTargetOp, FTargetUnit, FScoreCoef}

// FHelper names the hidden helper cells of an indicator row in a seal
// record ("ind.3.helper"), so their formulas follow the row when rows are
// inserted or deleted. No form cell has it: Form.Cell gives nil.
var FHelper = &Field{"helper", "辅助单元格", nil, "helper cell", KindText}

// Key names one field of one form: a head field, a column of one funds
// row, or a column of one indicator row.
type Key struct {
	Field *Field
	Group Group
	Index int // funds row (Fund*) or indicator (from 0); 0 for head fields
}

// Group is the part of the form a key belongs to.
type Group int

// Groups of fields.
const (
	GroupHead Group = iota
	GroupFunds
	GroupInd
)

// HeadKey is the key of a head field (FProject, FTotal, ...).
func HeadKey(f *Field) Key { return newKey(f, GroupHead, 0, HeadFields) }

// FundKey is the key of column f (FFundBudget, ...) of funds row row
// (FundTotal ... FundOwn).
func FundKey(row int, f *Field) Key {
	if row < 0 || row >= NumFunds {
		panic("form: no funds row " + strconv.Itoa(row))
	}
	return newKey(f, GroupFunds, row, FundCols)
}

// IndKey is the key of column f (FTarget, ..., or FHelper) of indicator i
// (from 0).
func IndKey(i int, f *Field) Key {
	if i < 0 {
		panic("form: negative indicator " + strconv.Itoa(i))
	}
	return newKey(f, GroupInd, i, append(IndCols[:len(IndCols):len(IndCols)], FHelper))
}

// newKey builds a key of a field of group fs; a field not of the group is
// a programming error, caught where it is made.
func newKey(f *Field, g Group, i int, fs []*Field) Key {
	if !slices.Contains(fs, f) {
		panic("form: field " + f.Key + " is not of its group")
	}
	return Key{Field: f, Group: g, Index: i}
}

// String is the key as the fingerprint and the seal record store it:
// "project", "funds.0.budget", "ind.3.target".
func (k Key) String() string {
	switch k.Group {
	case GroupFunds:
		return "funds." + strconv.Itoa(k.Index) + "." + k.Field.Key
	case GroupInd:
		return "ind." + strconv.Itoa(k.Index) + "." + k.Field.Key
	}
	return k.Field.Key
}

// ParseKey reads a key as stored in a fingerprint or a seal record. Only
// the spelling String gives is read ("ind.3.target", not "ind.03.target"),
// so a key read names the field the same string names everywhere.
func ParseKey(s string) (Key, bool) {
	k, ok := parseKey(s)
	if !ok || k.String() != s {
		return Key{}, false
	}
	return k, true
}

func parseKey(s string) (Key, bool) {
	for _, f := range HeadFields {
		if f.Key == s {
			return Key{Field: f}, true
		}
	}
	group, rest, ok := strings.Cut(s, ".")
	if !ok {
		return Key{}, false
	}
	num, col, ok := strings.Cut(rest, ".")
	i, err := strconv.Atoi(num)
	if !ok || err != nil || i < 0 {
		return Key{}, false
	}
	switch group {
	case "funds":
		if f := byKey(FundCols, col); f != nil && i < NumFunds {
			return Key{f, GroupFunds, i}, true
		}
	case "ind":
		if f := byKey(IndCols, col); f != nil {
			return Key{f, GroupInd, i}, true
		}
		if col == FHelper.Key {
			return Key{FHelper, GroupInd, i}, true
		}
	}
	return Key{}, false
}

func byKey(fs []*Field, key string) *Field {
	for _, f := range fs {
		if f.Key == key {
			return f
		}
	}
	return nil
}

// Cell is the cell of f that k names, or nil when f has no such field
// (an indicator beyond its rows).
func (f *Form) Cell(k Key) *Cell {
	switch k.Group {
	case GroupFunds:
		if k.Index < 0 || k.Index >= NumFunds {
			return nil
		}
		return f.Funds[k.Index].cells()[fieldIndex(FundCols, k.Field)]
	case GroupInd:
		if k.Index < 0 || k.Index >= len(f.Indicators) || k.Field == FHelper {
			return nil
		}
		return f.Indicators[k.Index].cells()[fieldIndex(IndCols, k.Field)]
	}
	return f.headCells()[fieldIndex(HeadFields, k.Field)]
}

func fieldIndex(fs []*Field, f *Field) int {
	for i, x := range fs {
		if x == f {
			return i
		}
	}
	panic("form: field " + f.Key + " not in its group")
}

// Each calls fn with every field of f and its cell, head fields first,
// then the funds rows, then the indicators, each in catalogue order.
func (f *Form) Each(fn func(Key, *Cell)) {
	for i, c := range f.headCells() {
		fn(Key{Field: HeadFields[i]}, c)
	}
	for i := range f.Funds {
		for j, c := range f.Funds[i].cells() {
			fn(Key{FundCols[j], GroupFunds, i}, c)
		}
	}
	for i := range f.Indicators {
		for j, c := range f.Indicators[i].cells() {
			fn(Key{IndCols[j], GroupInd, i}, c)
		}
	}
}

func (f *Form) headCells() []*Cell {
	return []*Cell{&f.Title, &f.Year, &f.Project, &f.Department, &f.Unit, &f.FundsLabel,
		&f.Goal, &f.Done, &f.TotalWeight, &f.TotalScore, &f.Grade}
}

func (r *FundRow) cells() []*Cell {
	return []*Cell{&r.Label, &r.Initial, &r.Budget, &r.Exec, &r.Weight, &r.Rate, &r.Score}
}

func (r *Indicator) cells() []*Cell {
	return []*Cell{&r.L1, &r.L2, &r.L3, &r.Target, &r.Actual, &r.Weight, &r.Score, &r.Reason, &r.TargetOp, &r.TargetUnit, &r.ScoreCoef}
}

// Sections are labels that head a part of the form without being a field.
var (
	SGoals = &Field{"goals", "年度总体目标", []string{"年度总体目标完成情况", "总体目标完成情况", "项目年度目标完成情况"}, "overall goals", KindLabel}
	// STopTotal is a written total at the top of the form (宁夏, transfer
	// payment forms) instead of, or besides, a 总分 row.
	STopTotal = &Field{"total.top", "项目总得分", []string{"自评总分", "自评得分", "总得分", "项目自评得分"}, "total score (top)", KindScore}
)

// Spellings returns label and every synonym the catalogue knows for it
// (分值 names the funds weight and the indicator weight: both lists).
func Spellings(label string) []string {
	out := []string{label}
	seen := map[string]bool{label: true}
	add := func(f *Field) {
		if f.Label != label {
			return
		}
		for _, s := range f.Synonyms {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, fs := range [][]*Field{HeadFields, FundRows[:], FundCols, IndCols, {SGoals, STopTotal}} {
		for _, f := range fs {
			add(f)
		}
	}
	return out
}

// FieldAt is the field at a path: a head field's key ("project"), a fund
// row or column ("funds.total", "funds.budget"), an indicator column
// ("ind.target"), or a section ("goals", "total.top"); nil when none.
func FieldAt(path string) *Field {
	for _, p := range allPaths {
		if p.path == path {
			return p.f
		}
	}
	return nil
}

// Paths lists every field path, in catalogue order.
func Paths() []string {
	var out []string
	for _, p := range allPaths {
		out = append(out, p.path)
	}
	return out
}

// allPaths is the catalogue's paths, a table built once from it.
var allPaths = fieldPaths()

type fieldPath struct {
	path string
	f    *Field
}

func fieldPaths() []fieldPath {
	var out []fieldPath
	for _, f := range HeadFields {
		out = append(out, fieldPath{f.Key, f})
	}
	for _, f := range FundRows {
		out = append(out, fieldPath{"funds." + f.Key, f})
	}
	for _, f := range FundCols {
		out = append(out, fieldPath{"funds." + f.Key, f})
	}
	for _, f := range IndCols {
		out = append(out, fieldPath{"ind." + f.Key, f})
	}
	return append(out, fieldPath{SGoals.Key, SGoals}, fieldPath{STopTotal.Key, STopTotal})
}
