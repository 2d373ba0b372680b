package template

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// Spec is what a department knows before sending forms out: projects with
// their targets, and for filled samples what the unit reported.
type Spec struct {
	File     string     `yaml:"-"`
	Year     int        `yaml:"year"`
	Projects []*Project `yaml:"projects"`
}

// Project is one form to generate.
type Project struct {
	Name       string `yaml:"name"`
	Code       string `yaml:"code"`
	Department string `yaml:"department"`
	Unit       string `yaml:"unit"`
	Year       int    `yaml:"year"`
	// Funds by form row (form.FundCurrent, FundCarry, FundOther); the total
	// row is always the formula over the three.
	Funds      FundsSpec    `yaml:"funds"`
	Goal       string       `yaml:"goal"`
	Done       string       `yaml:"done"`
	Indicators []*Indicator `yaml:"indicators"`
	Line       int          `yaml:"-"` // line or row where the project starts
}

// FundsSpec holds the figures of the three funds rows that are typed in.
type FundsSpec struct {
	Current *Figures `yaml:"current"` // 当年财政拨款
	Carry   *Figures `yaml:"carry"`   // 上年结转资金
	Other   *Figures `yaml:"other"`   // 其他资金
	Special *Figures `yaml:"special"` // 财政专户管理资金 (四川's layout)
	Own     *Figures `yaml:"own"`     // 单位资金 (四川's layout)
}

// Row returns the figures of form row i (nil when not given).
func (s *FundsSpec) Row(i int) *Figures {
	switch i {
	case form.FundCurrent:
		return s.Current
	case form.FundCarry:
		return s.Carry
	case form.FundOther:
		return s.Other
	case form.FundSpecial:
		return s.Special
	case form.FundOwn:
		return s.Own
	}
	return nil
}

func (s *FundsSpec) set(i int, f *Figures) {
	switch i {
	case form.FundCurrent:
		s.Current = f
	case form.FundCarry:
		s.Carry = f
	case form.FundOther:
		s.Other = f
	case form.FundSpecial:
		s.Special = f
	case form.FundOwn:
		s.Own = f
	}
}

// Figures are the amounts of one funds row; nil when not given.
type Figures struct {
	Initial *Dec `yaml:"initial"` // 年初预算数
	Budget  *Dec `yaml:"budget"`  // 全年预算数
	Exec    *Dec `yaml:"exec"`    // 全年执行数
	Line    int  `yaml:"-"`
}

// Indicator is one indicator row.
type Indicator struct {
	L1     string `yaml:"l1"`
	L2     string `yaml:"l2"`
	L3     string `yaml:"l3"`
	Target string `yaml:"target"`
	Weight *Dec   `yaml:"weight"`
	Actual string `yaml:"actual"`
	Score  *Dec   `yaml:"score"`
	Reason string `yaml:"reason"`
	Line   int    `yaml:"-"`
}

// Dec is a number written in a spec, kept exactly as written (17.499).
type Dec struct{ decimal.Decimal }

// D wraps a decimal for building specs in code.
func D(s string) *Dec { return &Dec{decimal.RequireFromString(s)} }

// UnmarshalYAML reads a number or a decimal string without float rounding.
func (d *Dec) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseDec(n.Value)
	if err != nil {
		return &SpecError{Line: n.Line, Msg: err.Error()}
	}
	d.Decimal = v
	return nil
}

func parseDec(s string) (decimal.Decimal, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	v, err := decimal.NewFromString(t)
	if err != nil {
		return v, fmt.Errorf("%q 不是数字", s)
	}
	return v, nil
}

// SpecError is one mistake in a spec, located by file, line (or table
// row) and field.
type SpecError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " 第%d行", e.Line)
	}
	if e.Field != "" {
		b.WriteString(" " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// SpecErrors are all mistakes found in a spec.
type SpecErrors []*SpecError

func (es SpecErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// ReadSpec reads a spec from YAML, JSON, .csv or .xlsx and validates it
// against p. defaultYear fills projects that give no year.
func ReadSpec(path string, p *formulas.Profile, defaultYear int) (*Spec, error) {
	var s *Spec
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		s, err = readCSV(path, p)
	case ".xlsx", ".xlsm":
		s, err = readXLSX(path, p)
	default:
		s, err = readYAML(path)
	}
	if err != nil {
		return nil, err
	}
	s.File = path
	for _, pr := range s.Projects {
		if pr.Year == 0 {
			pr.Year = s.Year
		}
		if pr.Year == 0 {
			pr.Year = defaultYear
		}
	}
	if errs := s.Validate(p); len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

// ReadSpecData reads a spec that arrived as bytes named name (an upload):
// ReadSpec reads from a path, so the bytes go to a temporary folder that
// is removed before it returns, and messages name name, not that file.
func ReadSpecData(name string, data []byte, p *formulas.Profile, defaultYear int) (*Spec, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".yaml", ".yml", ".json", ".csv", ".xlsx", ".xlsm":
	default:
		return nil, &SpecTypeError{Name: name}
	}
	dir, err := os.MkdirTemp("", "xlsxeval-spec-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "spec"+ext)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, err
	}
	spec, err := ReadSpec(path, p, defaultYear)
	if err != nil {
		return nil, fmt.Errorf("%s", strings.ReplaceAll(err.Error(), path, name))
	}
	return spec, nil
}

// SpecTypeError is a spec file of a type ReadSpecData does not read.
type SpecTypeError struct{ Name string }

func (e *SpecTypeError) Error() string {
	return fmt.Sprintf("清单须为 .yaml、.json、.csv 或 .xlsx 文件, 而非 %q", e.Name)
}

// readYAML reads YAML or JSON (JSON is YAML), keeping line numbers.
func readYAML(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &SpecError{File: path, Msg: "无法读取清单文件"}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, &SpecError{File: path, Msg: "无法读取: " + err.Error()}
	}
	s := &Spec{}
	if len(root.Content) == 0 {
		return nil, &SpecError{File: path, Msg: "文件为空"}
	}
	doc := root.Content[0]
	if err := checkKeys(doc, "", "year", "projects"); err != nil {
		return nil, located(err, path)
	}
	if err := doc.Decode(s); err != nil {
		return nil, located(err, path)
	}
	return s, nil
}

// located fills in the file of a SpecError, or wraps another error.
func located(err error, path string) error {
	if e, ok := err.(*SpecError); ok {
		e.File = path
		return e
	}
	if te, ok := err.(*yaml.TypeError); ok {
		return &SpecError{File: path, Msg: "格式错误: " + strings.Join(te.Errors, "; ")}
	}
	return &SpecError{File: path, Msg: err.Error()}
}

// checkKeys refuses keys a mapping node does not know, so a typo such as
// "wieght" is not silently ignored.
func checkKeys(n *yaml.Node, where string, keys ...string) error {
	if n.Kind != yaml.MappingNode {
		return &SpecError{Line: n.Line, Field: where, Msg: "此处应为键值对"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(keys, k.Value) {
			return &SpecError{Line: k.Line, Field: strings.TrimPrefix(where+"."+k.Value, "."),
				Msg: "未知字段 (可用: " + strings.Join(keys, ", ") + ")"}
		}
	}
	return nil
}

// UnmarshalYAML records the line of the project and refuses unknown keys.
func (p *Project) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "project", "name", "code", "department", "unit", "year", "funds", "goal", "done", "indicators"); err != nil {
		return err
	}
	type plain Project
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*p = Project(v)
	p.Line = n.Line
	return nil
}

// UnmarshalYAML records the line of the indicator and refuses unknown keys.
func (x *Indicator) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "indicator", "l1", "l2", "l3", "target", "weight", "actual", "score", "reason"); err != nil {
		return err
	}
	type plain Indicator
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*x = Indicator(v)
	x.Line = n.Line
	return nil
}

// UnmarshalYAML refuses unknown funds rows.
func (s *FundsSpec) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "funds", "current", "carry", "other", "special", "own"); err != nil {
		return err
	}
	type plain FundsSpec
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*s = FundsSpec(v)
	return nil
}

// UnmarshalYAML records the line of a funds row and refuses unknown keys.
func (f *Figures) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "funds", "initial", "budget", "exec"); err != nil {
		return err
	}
	type plain Figures
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*f = Figures(v)
	f.Line = n.Line
	return nil
}

// Validate reports every mistake: unknown 一级指标, 二级指标 not under its
// 一级, unreadable targets, weights not adding up, duplicate projects.
func (s *Spec) Validate(p *formulas.Profile) SpecErrors {
	var errs SpecErrors
	add := func(line int, field, format string, args ...any) {
		errs = append(errs, &SpecError{File: s.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if len(s.Projects) == 0 {
		add(0, "projects", "没有任何项目")
	}
	seen := map[string]int{}
	files := map[string]string{}
	for _, pr := range s.Projects {
		if strings.TrimSpace(pr.Name) == "" {
			add(pr.Line, "项目名称", "不能为空")
			continue
		}
		key := pr.Name + "\x00" + pr.Code
		if l, ok := seen[key]; ok {
			add(pr.Line, "项目名称", "项目 %q 重复 (第%d行已有)", pr.Name, l)
		}
		seen[key] = pr.Line
		if other, ok := files[SafeName(pr.FileBase())]; ok && other != key {
			add(pr.Line, "项目名称", "项目 %q 的文件名与另一项目相同, 请填写不同的项目编码", pr.Name)
		}
		files[SafeName(pr.FileBase())] = key
		s.validateFunds(pr, add)
		s.validateIndicators(pr, p, add)
	}
	return errs
}

type addFunc func(line int, field, format string, args ...any)

func (s *Spec) validateFunds(pr *Project, add addFunc) {
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		f := pr.Funds.Row(i)
		if f == nil {
			continue
		}
		for _, d := range []*Dec{f.Initial, f.Budget, f.Exec} {
			if d != nil && d.IsNegative() {
				add(f.Line, "funds", "项目 %q: 金额不能为负数 (%s)", pr.Name, d.String())
			}
		}
	}
}

func (s *Spec) validateIndicators(pr *Project, p *formulas.Profile, add addFunc) {
	if len(pr.Indicators) == 0 {
		add(pr.Line, "indicators", "项目 %q 没有绩效指标", pr.Name)
		return
	}
	sum := p.BudgetWeight
	for _, x := range pr.Indicators {
		known, ok := p.L2Allowed(x.L1, x.L2)
		switch {
		case !known:
			add(x.Line, "一级指标", "%q 不是已知的一级指标 (可用: %s)", x.L1, strings.Join(l1Names(p), "、"))
		case !ok && !p.Open(x.L1): // an open 一级's 二级 vary by region (the checker warns)
			add(x.Line, "二级指标", "%q 不属于一级指标 %q (可用: %s)", x.L2, x.L1, strings.Join(l2Names(p, x.L1), "、"))
		}
		if strings.TrimSpace(x.L3) == "" {
			add(x.Line, "三级指标", "不能为空")
		}
		if _, err := formulas.Parse(x.Target); err != nil {
			add(x.Line, "年度指标值", "%q 无法识别: %v", x.Target, err)
		}
		if x.Weight == nil {
			add(x.Line, "分值", "不能为空")
			continue
		}
		if x.Weight.IsNegative() {
			add(x.Line, "分值", "不能为负数")
		}
		if x.Score != nil && (x.Score.IsNegative() || x.Score.GreaterThan(x.Weight.Decimal)) {
			add(x.Line, "得分", "%s 不在 0 到分值 %s 之间", x.Score.String(), x.Weight.String())
		}
		sum = sum.Add(x.Weight.Decimal)
	}
	if !sum.Equal(p.TotalWeight) {
		add(pr.Line, "分值", "项目 %q: 预算执行率分值 %s 与各指标分值合计为 %s, 应为 %s",
			pr.Name, p.BudgetWeight.String(), sum.String(), p.TotalWeight.String())
	}
}

func l1Names(p *formulas.Profile) []string {
	var s []string
	for _, c := range p.Categories {
		s = append(s, c.L1)
	}
	return s
}

func l2Names(p *formulas.Profile, l1 string) []string {
	for _, c := range p.Categories {
		if c.L1 == l1 {
			return c.L2
		}
	}
	return nil
}

// FileBase is the project's file name before cleaning: its name, and its
// code when it has one.
func (pr *Project) FileBase() string {
	if pr.Code != "" {
		return pr.Code + "_" + pr.Name
	}
	return pr.Name
}

// IsSpecError reports whether err is a mistake in the spec (as opposed to
// a failure to write).
func IsSpecError(err error) bool {
	var one *SpecError
	var many SpecErrors
	return errors.As(err, &one) || errors.As(err, &many)
}
