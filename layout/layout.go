// Package layout describes how a region lays out the 绩效自评表, as data:
// the blocks a form has and their order, the labels and synonyms of its
// fields, columns split over several cells, where the written total and
// grade sit, placeholder conventions and the amount unit. The built-in
// layouts are YAML files embedded in the binary; a region we do not ship
// is one more YAML file (`--layout FILE`), no code. The reader matches
// each sheet to the layout that explains it best; a generator can write a
// layout from the same description. Scoring differences stay in the
// profile (formulas.Profile).
package layout

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// Layout is one layout of the form.
type Layout struct {
	// Name identifies the layout (`--layout NAME`, JSON "layout").
	Name    string   `yaml:"name"`
	Title   string   `yaml:"title"`    // 中文名称
	TitleEn string   `yaml:"title_en"` // English name
	Regions []string `yaml:"regions,omitempty"`
	// Scope is "project" (项目支出) or "department" (部门整体支出).
	Scope string `yaml:"scope"`
	// Match are labels that tell this layout from the others: each one
	// found on a sheet scores a point; the best score wins, ties go to the
	// layout listed first.
	Match []string `yaml:"match,omitempty"`
	// Code is what the form prints to name itself (报表编号:510000_0013zp,
	// 公开14表), one of its match labels: a generated form shows it, so it
	// reads back as this layout and not a look-alike.
	Code string `yaml:"code,omitempty"`
	// AmountUnit is 万元 or 元 where the funds header does not say.
	AmountUnit string `yaml:"amount_unit"`
	// Blocks are the parts of the form top to bottom: title, year, head,
	// total (written at the top), funds, goals, indicators, total, grade.
	Blocks []string `yaml:"blocks"`
	// Head are the head fields the form has (catalogue keys): project,
	// department, unit; a department-wide form has department only.
	Head []string `yaml:"head"`
	// HeadExtra are labels of other cells on the department's row, each
	// with a value typed beside it that is no field (重庆's 财政处室).
	HeadExtra []string `yaml:"head_extra,omitempty"`
	// Labels adds spellings to catalogue fields, by field path
	// (Paths): `funds.total: [总额]`, `ind.weight: [权重]`. The first
	// spelling is the label a generated form shows.
	Labels map[string][]string `yaml:"labels,omitempty"`
	Funds  Funds               `yaml:"funds"`
	Ind    Indicators          `yaml:"indicators"`
	Total  Total               `yaml:"total"`
	// Placeholders are patterns (regular expressions, whole cell) of a
	// 三级指标 cell on a template row left unused; such a row with nothing
	// else typed is not an indicator. Defaults apply besides these.
	Placeholders []string `yaml:"placeholders,omitempty"`
	// NotApplicable are the words that, as target and actual, say an
	// indicator does not apply. Defaults apply besides these.
	NotApplicable []string `yaml:"not_applicable,omitempty"`
	// Categories are the 一级指标 of this layout's family with their
	// 二级指标 (项目决策: 项目立项, ...): a form read with this layout is
	// checked against the profile's categories plus these, so the family
	// checks out of the box; a profile naming the same 一级 overrides them.
	Categories []formulas.Category `yaml:"categories,omitempty"`
	// Other are labels of cells that are no field (财政处室, 报表编号): known
	// as labels, so they are never taken for a value.
	Other []string `yaml:"other_labels,omitempty"`

	placeholders []*regexp.Regexp
}

// Funds describes the funds block.
type Funds struct {
	// Rows are the fund rows present, top to bottom (catalogue keys:
	// total, current, carry, other, special, own); the total sums the others.
	Rows []string `yaml:"rows"`
	// Columns are its columns left to right (label, initial, budget, exec,
	// weight, rate, score); others the form has go in Extra.
	Columns []string `yaml:"columns"`
	Extra   []string `yaml:"extra,omitempty"`
	// Unscored is set when the budget carries no 分值 and 得分 (some
	// transfer-payment forms): the indicators then weigh 100.
	Unscored bool `yaml:"unscored,omitempty"`
}

// Indicators describes the indicator table.
type Indicators struct {
	// Columns left to right (l1, l2, l3, target_op, target, target_unit,
	// actual, weight, score, reason); target_op and target_unit mean the
	// target is split over three cells.
	Columns []string `yaml:"columns"`
	// Extra are labels of other columns the form has (指标值设置依据,
	// 上年完成值, ...): shown, not checked.
	Extra []string `yaml:"extra,omitempty"`
	// Header rows: 2 when labels sit under merged ones (公开14表).
	HeaderRows int `yaml:"header_rows,omitempty"`
	// L1Weights: 一级 cells carry their weight, 产出指标(50分).
	L1Weights bool `yaml:"l1_weights,omitempty"`
	// Prefix is how 三级 cells are numbered (指标1:), if they are.
	Prefix string `yaml:"prefix,omitempty"`
}

// Total says where the written total and grade sit.
type Total struct {
	// Where: "row" (a 总分 row under the indicators), "top" (项目总得分 in
	// the head), or both.
	Where []string `yaml:"where"`
	// OnHead: the total written at the top sits at the right end of the
	// department's row (重庆: 主管部门 | 财政处室 | 自评总分), not on a row of its own.
	OnHead bool `yaml:"on_head,omitempty"`
	// Grade: "row" (its own 评分等级 row), "total_row" (on the 总分 row),
	// "none" (not written).
	Grade string `yaml:"grade"`
}

// Seed names the seed's layout, the common form: what a sheet showing
// no layout's own labels is read as.
const Seed = "seed"

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns the layouts shipped in the binary, the seed's first.
func Builtin() []*Layout {
	out, err := parseDir(builtinFS, "builtin")
	if err != nil {
		panic(err) // the embedded files are tested
	}
	return out
}

func parseDir(fsys fs.FS, dir string) ([]*Layout, error) {
	names, err := fs.Glob(fsys, dir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names) // 0-seed.yaml first
	var out []*Layout
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		l, err := Parse(b, path.Base(n))
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Load reads a layout from a YAML file.
func Load(file string) (*Layout, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(b, file)
}

// Parse reads a layout from YAML; name is where it came from, for messages.
func Parse(b []byte, name string) (*Layout, error) {
	l := &Layout{}
	d := yaml.NewDecoder(bytes.NewReader(b))
	d.KnownFields(true)
	if err := d.Decode(l); err != nil {
		return nil, fmt.Errorf("版式文件 %s 无法读取: %v", name, err)
	}
	if err := l.validate(); err != nil {
		return nil, fmt.Errorf("版式文件 %s: %v", name, err)
	}
	return l, nil
}

// Find returns the built-in layout called name, or loads name as a file.
func Find(name string) (*Layout, error) {
	for _, l := range Builtin() {
		if l.Name == name {
			return l, nil
		}
	}
	if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.ContainsAny(name, `/\`) {
		return Load(name)
	}
	return nil, fmt.Errorf("没有名为 %q 的版式 (xlsxeval layouts 列出内置版式; 也可给出 YAML 文件)", name)
}

func (l *Layout) validate() error {
	if l.Name == "" {
		return fmt.Errorf("缺少 name")
	}
	switch l.Scope {
	case "", "project", "department":
	default:
		return fmt.Errorf("scope 须为 project 或 department, 而非 %q", l.Scope)
	}
	switch l.AmountUnit {
	case "", "万元", "元":
	default:
		return fmt.Errorf("amount_unit 须为 万元 或 元, 而非 %q", l.AmountUnit)
	}
	for p := range l.Labels {
		if form.FieldAt(p) == nil {
			return fmt.Errorf("labels: 没有字段 %q (可用: %s)", p, strings.Join(form.Paths(), ", "))
		}
	}
	for _, k := range l.Head {
		if f := form.FieldAt(k); f == nil || !slices.Contains([]*form.Field{form.FProject, form.FDepartment, form.FUnit}, f) {
			return fmt.Errorf("head: %q 不是 project、department 或 unit", k)
		}
	}
	for _, k := range l.Funds.Rows {
		if form.FieldAt("funds."+k) == nil {
			return fmt.Errorf("funds.rows: 没有资金行 %q", k)
		}
	}
	for _, k := range l.Funds.Columns {
		if form.FieldAt("funds."+k) == nil {
			return fmt.Errorf("funds.columns: 没有资金列 %q", k)
		}
	}
	for _, k := range l.Ind.Columns {
		if form.FieldAt("ind."+k) == nil {
			return fmt.Errorf("indicators.columns: 没有指标列 %q", k)
		}
	}
	for _, w := range l.Total.Where {
		if w != "row" && w != "top" {
			return fmt.Errorf("total.where: %q 须为 row 或 top", w)
		}
	}
	if l.Total.OnHead && !slices.Contains(l.Total.Where, "top") {
		return fmt.Errorf("total.on_head 须与 total.where: [top] 同用")
	}
	switch l.Total.Grade {
	case "", "row", "total_row", "none":
	default:
		return fmt.Errorf("total.grade 须为 row、total_row 或 none, 而非 %q", l.Total.Grade)
	}
	for _, c := range l.Categories {
		if c.L1 == "" {
			return fmt.Errorf("categories: 缺少 l1")
		}
	}
	for _, p := range l.Placeholders {
		re, err := regexp.Compile("^(?:" + p + ")$")
		if err != nil {
			return fmt.Errorf("placeholders: %q: %v", p, err)
		}
		l.placeholders = append(l.placeholders, re)
	}
	return nil
}

// Split reports whether the target is split over 指标性质 | 指标值 | 度量单位.
func (l *Layout) Split() bool {
	return slices.Contains(l.Ind.Columns, "target_op") || slices.Contains(l.Ind.Columns, "target_unit")
}

// HasHead reports whether the form has head field f.
func (l *Layout) HasHead(f *form.Field) bool {
	if len(l.Head) == 0 {
		return true
	}
	for _, k := range l.Head {
		if form.FieldAt(k) == f {
			return true
		}
	}
	return false
}

// Placeholder reports whether a normalised 三级指标 text is one of the
// layout's own placeholder conventions.
func (l *Layout) Placeholder(t string) bool {
	for _, re := range l.placeholders {
		if re.MatchString(t) {
			return true
		}
	}
	return false
}

// NA reports whether a normalised text is one of the layout's own words
// for not applicable.
func (l *Layout) NA(t string) bool { return slices.Contains(l.NotApplicable, t) }

// OtherLabels are the labels of the layout's cells that are no field:
// other_labels and the extra columns of the funds and indicator tables.
func (l *Layout) OtherLabels() []string {
	return slices.Concat(l.Other, l.HeadExtra, l.Funds.Extra, l.Ind.Extra)
}

// Spellings are the extra spellings the layout gives the field at path.
func (l *Layout) Spellings(path string) []string { return l.Labels[path] }

// Source is the YAML of the built-in layout called name.
func Source(name string) ([]byte, error) {
	names, _ := fs.Glob(builtinFS, "builtin/*.yaml")
	for _, n := range names {
		b, err := fs.ReadFile(builtinFS, n)
		if err != nil {
			return nil, err
		}
		if l, err := Parse(b, n); err == nil && l.Name == name {
			return b, nil
		}
	}
	return nil, fmt.Errorf("没有名为 %q 的内置版式 (xlsxeval layouts 列出全部)", name)
}
