package formulas

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/width"
)

// Op is the comparison a target states.
type Op int

// Operators, numbered as the template's helper cells number them.
const (
	OpNone Op = iota // qualitative target
	OpGE             // ≥: positive indicator
	OpGT             // >
	OpLE             // ≤: reverse indicator
	OpLT             // <
	OpEQ             // =: exact indicator
)

var opNames = [...]string{"", "≥", ">", "≤", "<", "="}

func (o Op) String() string { return opNames[o] }

// Positive, Reverse and Exact classify an operator for the cap rule.
func (o Op) Positive() bool { return o == OpGE || o == OpGT }
func (o Op) Reverse() bool  { return o == OpLE || o == OpLT }

// opSpellings lists how people write operators, after width folding,
// longest first so ">=" wins over ">".
var opSpellings = []struct {
	s  string
	op Op
}{
	{">=", OpGE}, {"≥", OpGE}, {"≧", OpGE}, {"=>", OpGE}, {"不低于", OpGE}, {"不少于", OpGE}, {"大于等于", OpGE},
	{"<=", OpLE}, {"≤", OpLE}, {"≦", OpLE}, {"=<", OpLE}, {"不高于", OpLE}, {"不超过", OpLE}, {"不多于", OpLE}, {"小于等于", OpLE},
	{">", OpGT}, {"大于", OpGT}, {"<", OpLT}, {"小于", OpLT}, {"=", OpEQ}, {"等于", OpEQ},
	// Full-width forms: Parse folds them away first, but the template's
	// Excel formulas see the raw text.
	{"＞＝", OpGE}, {"＜＝", OpLE}, {"＞", OpGT}, {"＜", OpLT}, {"＝", OpEQ},
}

// Level is the completion level a qualitative actual states.
type Level int

// Levels, numbered as the template's helper cells number them.
const (
	LevelNone    Level = iota // states no level
	LevelMissed               // 未达成指标且效果较差
	LevelPartial              // 部分达成指标并具有一定效果
	LevelMet                  // 达成指标
)

var levelNames = [...]string{"", "未达成指标且效果较差", "部分达成指标并具有一定效果", "达成指标"}

func (l Level) String() string { return levelNames[l] }

// LevelChoices are the dropdown entries for qualitative actuals.
func LevelChoices() []string {
	return []string{levelNames[LevelMet], levelNames[LevelPartial], levelNames[LevelMissed]}
}

// levelWords are searched in order; the first found decides the level.
var levelWords = []struct {
	s string
	l Level
}{
	{"未达成", LevelMissed}, {"未完成", LevelMissed}, {"未达到", LevelMissed}, {"效果较差", LevelMissed},
	{"部分达成", LevelPartial}, {"部分完成", LevelPartial}, {"部分达到", LevelPartial}, {"基本达成", LevelPartial},
	{"达成", LevelMet}, {"完成", LevelMet}, {"达到", LevelMet},
}

// LevelOf returns the level a text states.
func LevelOf(s string) Level {
	for _, w := range levelWords {
		if strings.Contains(s, w.s) {
			return w.l
		}
	}
	return LevelNone
}

// Value is a parsed target or actual.
type Value struct {
	Op     Op
	Num    *decimal.Decimal // nil when qualitative
	Places int32            // decimals the number was written with
	Unit   string           // "%", "项", "万元/年"; "" when none
	Text   string           // the normalised text
	Level  Level            // for qualitative actuals
}

// Numeric reports whether the value carries a number.
func (v Value) Numeric() bool { return v.Num != nil }

// Interval is the range of true values behind a numeric actual.
func (v Value) Interval() Interval { return Shown(*v.Num, v.Places) }

var numRe = regexp.MustCompile(`^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)`)

// Normalize folds full-width forms and removes spaces. The reader calls it
// on every label cell, so the fold (which allocates) runs only when s
// holds a full-width form.
func Normalize(s string) string {
	if needsNarrow(s) {
		s = width.Narrow.String(s)
	}
	return normSpaces.Replace(s)
}

// needsNarrow reports whether s holds a full-width form to fold.
func needsNarrow(s string) bool {
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFFEE || r == 0x3000 {
			return true
		}
	}
	return false
}

// normSpaces is built once: building a Replacer costs more than using it.
var normSpaces = strings.NewReplacer("（", "(", "）", ")", "　", "", " ", "", "\u00a0", "", "\t", "", "\n", "", "\r", "")

// ErrEmpty is returned for an empty value.
var ErrEmpty = fmt.Errorf("空值")

// Parse reads a target or an actual as people write them: `≥10.00(项)`,
// `>=90%`, `＞＝95%`, `146,370.00(件)`, `86.19%`, `健全`, `达成指标`.
func Parse(s string) (Value, error) {
	t := Normalize(s)
	v := Value{Text: t}
	if t == "" {
		return v, ErrEmpty
	}
	rest := t
	for _, o := range opSpellings {
		if strings.HasPrefix(rest, o.s) {
			v.Op, rest = o.op, rest[len(o.s):]
			break
		}
	}
	m := numRe.FindString(rest)
	if m == "" {
		if v.Op != OpNone {
			return v, fmt.Errorf("%q: 运算符后没有数值", s)
		}
		v.Level = LevelOf(t)
		return v, nil
	}
	d, err := decimal.NewFromString(strings.ReplaceAll(m, ",", ""))
	if err != nil {
		return v, fmt.Errorf("%q: 数值无法识别", s)
	}
	v.Num = &d
	if i := strings.IndexByte(m, '.'); i >= 0 {
		v.Places = int32(len(m) - i - 1)
	}
	unit := strings.Trim(rest[len(m):], "()[]")
	unit = strings.TrimSuffix(unit, "以上")
	unit = strings.TrimSuffix(unit, "以下")
	if strings.ContainsAny(unit, "0123456789") {
		return v, fmt.Errorf("%q: 单位中含有数字", s)
	}
	v.Unit = unit
	return v, nil
}

// SameUnit reports whether two units name the same thing, ignoring
// spelling differences such as "%" and "百分比".
func SameUnit(a, b string) bool {
	if a == "" || b == "" {
		return true
	}
	canon := func(u string) string {
		switch u {
		case "百分比", "％":
			return "%"
		}
		return u
	}
	return canon(a) == canon(b)
}
