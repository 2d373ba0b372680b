package formulas

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

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
	{">=", OpGE}, {"≥", OpGE}, {"≧", OpGE}, {"=>", OpGE}, {"不低于", OpGE}, {"不少于", OpGE}, {"不小于", OpGE}, {"大于等于", OpGE}, {"达到", OpGE},
	{"<=", OpLE}, {"≤", OpLE}, {"≦", OpLE}, {"=<", OpLE}, {"不高于", OpLE}, {"不超过", OpLE}, {"不多于", OpLE}, {"不大于", OpLE}, {"小于等于", OpLE},
	{">", OpGT}, {"大于", OpGT}, {"<", OpLT}, {"小于", OpLT}, {"=", OpEQ}, {"═", OpEQ}, {"等于", OpEQ},
	// Small forms (U+FE64–FE66), which width folding leaves as they are:
	// 丽江 (云南) typed ﹦ in its 指标性质 column.
	{"﹥﹦", OpGE}, {"﹤﹦", OpLE}, {"﹥", OpGT}, {"﹤", OpLT}, {"﹦", OpEQ},
	// Full-width forms: Parse folds them away first, but the template's
	// Excel formulas see the raw text.
	{"＞＝", OpGE}, {"＜＝", OpLE}, {"＞", OpGT}, {"＜", OpLT}, {"＝", OpEQ},
}

// OpOf reads a cell holding only an operator (指标性质 of a split target):
// ≧, ═, >=, 不低于; ok is false for anything else (定量, 正向).
func OpOf(s string) (Op, bool) {
	t := Normalize(s)
	for _, o := range opSpellings {
		if t == o.s {
			return o.op, true
		}
	}
	return OpNone, false
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
	// Bare is set for a number written with no operator (43.2, 3807人);
	// on a target the checks read it as ≥ (≤ under 成本指标) and say so.
	Bare bool
	// Deadline is set for a time target (11月底前, 年底前, 12月31日前):
	// met or not, like a qualitative one.
	Deadline bool
}

// wordOp reports whether an operator is spelled in words: it counts only
// before a number (达到预期 is a qualitative target).
func wordOp(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r >= 0x4E00 && r <= 0x9FFF
}

// opSuffixes are operators written after the figure: 95%以上, 5万元以下.
var opSuffixes = []struct {
	s  string
	op Op
}{{"及以上", OpGE}, {"以上", OpGE}, {"及以下", OpLE}, {"以下", OpLE}}

// deadlineRe is a time target: an optional year, month and day (or 底,
// 末, a 旬) followed by 前; 年底前 and 年内 too.
var deadlineRe = regexp.MustCompile(`^(?:(?:\d{2,4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号]|[底末]|[上中下]旬)?|年[底末]|年内)(?:以|之)?前?(?:完成|前完成)?$`)

// IsDeadline reports whether normalised text t is a time target; a date
// followed by 完成 is one too (2021年12月完成, 银川), and so is a date
// alone (2023年11月, 11月30日): the actual units write against a
// deadline, a time like the target, not 2023 of unit 年11月.
func IsDeadline(t string) bool {
	done := strings.HasSuffix(t, "月完成") || strings.HasSuffix(t, "日完成")
	if !strings.ContainsAny(t, "年月日号底末旬内") || !strings.ContainsAny(t, "前内底末") && !done && !isDate(t) {
		return false
	}
	return deadlineRe.MatchString(t)
}

// isDate: a year and month (2023年11月) or a month and day (11月30日);
// deadlineRe asks for the digits before 月 and 日.
func isDate(t string) bool {
	return strings.HasSuffix(t, "月") && strings.Contains(t, "年") ||
		(strings.HasSuffix(t, "日") || strings.HasSuffix(t, "号")) && strings.Contains(t, "月")
}

// Numeric reports whether the value carries a number.
func (v Value) Numeric() bool { return v.Num != nil }

// Interval is the range of true values behind a numeric actual.
func (v Value) Interval() Interval { return Shown(*v.Num, v.Places) }

var numRe = regexp.MustCompile(`^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)`)

// Normalize folds full-width forms and removes spaces. The reader calls it
// on every label cell, so the fold and the replacing (which allocate) run
// only when s holds what they change, found in one pass over s.
func Normalize(s string) string {
	narrow, space := normScan(s)
	if narrow {
		s = width.Narrow.String(s)
		_, space = normScan(s)
	}
	if !space {
		return s // a Replacer allocates even when it replaces nothing
	}
	return normSpaces.Replace(s)
}

// normScan reports whether s holds a full-width form to fold, and a
// character normSpaces replaces (（）　, space, NBSP, tab, CR, LF).
func normScan(s string) (narrow, space bool) {
	for _, r := range s {
		switch {
		case r == '\u3000':
			narrow, space = true, true
		case r >= 0xFF01 && r <= 0xFFEE:
			narrow = true
			space = space || r == '（' || r == '）'
		case r == ' ' || r == '\u00a0' || r == '\t' || r == '\n' || r == '\r':
			space = true
		}
	}
	return narrow, space
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
	if IsDeadline(t) {
		v.Deadline = true
		return v, nil
	}
	rest := t
	for _, o := range opSpellings {
		if strings.HasPrefix(rest, o.s) {
			if wordOp(o.s) && numRe.FindString(rest[len(o.s):]) == "" {
				break
			}
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
	unit := rest[len(m):]
	for _, o := range opSuffixes {
		if u, ok := strings.CutSuffix(unit, o.s); ok {
			unit = u
			if v.Op == OpNone {
				v.Op = o.op
			}
			break
		}
	}
	unit = strings.Trim(unit, "()[]")
	if strings.ContainsAny(unit, "0123456789") {
		return v, fmt.Errorf("%q: 单位中含有数字", s)
	}
	v.Unit = unit
	v.Bare = v.Op == OpNone
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

// RowLevel is the completion level an indicator's actual states; an
// actual that names none but repeats the target (健全 for 健全) reads as
// met. A number states none.
func RowLevel(tv, av Value) Level {
	if av.Level != LevelNone || av.Numeric() {
		return av.Level
	}
	if av.Text != "" && av.Text == tv.Text {
		return LevelMet
	}
	return LevelNone
}
