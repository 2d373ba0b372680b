package formulas

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"

	"github.com/xlsxeval/xlsxeval/form"
)

// Band is one grade band: totals at or above Min (and below the band
// above it) earn Grade.
type Band struct {
	Grade string          `json:"grade" yaml:"grade"`
	Min   decimal.Decimal `json:"min" yaml:"min"`
}

// Profile holds what differs between regions. Default() is the profile
// both seed forms satisfy.
type Profile struct {
	Name string `json:"name" yaml:"name"`
	// Bands from the highest grade down; the last has Min 0.
	Bands []Band `json:"bands" yaml:"bands"`
	// BudgetWeight is the 分值 of the funds block (normally 10).
	BudgetWeight decimal.Decimal `json:"budget_weight" yaml:"budget_weight"`
	// TotalWeight is what all weights add up to (100).
	TotalWeight decimal.Decimal `json:"total_weight" yaml:"total_weight"`
	// AmountUnit is 万元 or 元.
	AmountUnit string `json:"amount_unit" yaml:"amount_unit"`
	// Places is the number of decimals amounts, rates and scores are shown with.
	Places int32 `json:"places" yaml:"places"`
	// Categories maps each 一级指标 to the 二级指标 allowed under it, in order.
	Categories []Category `json:"categories" yaml:"categories"`
	// L1Weights optionally fixes the total 分值 per 一级指标.
	L1Weights map[string]decimal.Decimal `json:"l1_weights,omitempty" yaml:"l1_weights,omitempty"`
	// Rescale leaves indicators marked 不适用 out and rescales the total to 100.
	Rescale bool `json:"rescale" yaml:"rescale"`
	// Synonyms maps a canonical label to other spellings this region uses,
	// besides those the field catalogue (form.Spellings) knows.
	Synonyms map[string][]string `json:"synonyms,omitempty" yaml:"synonyms,omitempty"`
}

// Category is a 一级指标 with its allowed 二级指标.
type Category struct {
	L1 string   `json:"l1" yaml:"l1"`
	L2 []string `json:"l2" yaml:"l2"`
	// Open: the 二级 wording under L1 varies between regions (the 决策-
	// 过程-产出-效益 family), so a 二级 not listed is a warning, not an error.
	Open bool `json:"open,omitempty" yaml:"open,omitempty"`
}

// Default is the national profile that both seed forms satisfy.
func Default() *Profile {
	d := decimal.RequireFromString
	return &Profile{
		Name: "default",
		Bands: []Band{
			{"优", d("90")}, {"良", d("80")}, {"中", d("60")}, {"差", d("0")},
		},
		BudgetWeight: d("10"),
		TotalWeight:  d("100"),
		AmountUnit:   "万元",
		Places:       2,
		Categories: []Category{
			{L1: "成本指标", L2: []string{"经济成本指标", "社会成本指标", "生态环境成本指标"}},
			{L1: "产出指标", L2: []string{"数量指标", "质量指标", "时效指标", "成本指标"}},
			{L1: "效益指标", L2: []string{"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"}},
			{L1: "满意度指标", L2: []string{"服务对象满意度指标"}},
		},
	}
}

// LoadProfile reads a profile from a YAML or JSON file. Fields the file
// leaves out keep the default's values.
func LoadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := Default()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		err = json.Unmarshal(b, p)
	default:
		err = yaml.Unmarshal(b, p)
	}
	if err != nil {
		return nil, fmt.Errorf("配置文件 %s 无法读取: %v", path, err)
	}
	return p, p.Validate()
}

// Validate reports a profile that cannot be used.
func (p *Profile) Validate() error {
	if len(p.Bands) == 0 {
		return fmt.Errorf("配置 %s: bands 为空", p.Name)
	}
	for i := 1; i < len(p.Bands); i++ {
		if !p.Bands[i].Min.LessThan(p.Bands[i-1].Min) {
			return fmt.Errorf("配置 %s: 等级 %s 的下限须低于 %s", p.Name, p.Bands[i].Grade, p.Bands[i-1].Grade)
		}
	}
	if p.AmountUnit != "万元" && p.AmountUnit != "元" {
		return fmt.Errorf("配置 %s: amount_unit 须为 万元 或 元, 而非 %q", p.Name, p.AmountUnit)
	}
	if len(p.Categories) == 0 {
		return fmt.Errorf("配置 %s: categories 为空", p.Name)
	}
	return nil
}

// WithCategories is p with the categories of cs whose 一级 p lacks added
// after its own (a layout's family, such as 项目决策 ... 项目效益): p's own
// win, so a region's profile still decides. p itself when none is added.
func (p *Profile) WithCategories(cs []Category) *Profile {
	var add []Category
	for _, c := range cs {
		if known, _ := p.L2Allowed(c.L1, ""); !known {
			add = append(add, c)
		}
	}
	if len(add) == 0 {
		return p
	}
	q := *p
	q.Categories = append(slices.Clip(p.Categories), add...)
	return &q
}

// Open reports whether the 二级 wording under l1 varies (Category.Open).
func (p *Profile) Open(l1 string) bool {
	for _, c := range p.Categories {
		if c.L1 == l1 {
			return c.Open
		}
	}
	return false
}

// L2Allowed reports whether l2 is a 二级指标 of l1, and whether l1 is known.
func (p *Profile) L2Allowed(l1, l2 string) (known, ok bool) {
	for _, c := range p.Categories {
		if c.L1 == l1 {
			for _, x := range c.L2 {
				if x == l2 {
					return true, true
				}
			}
			return true, false
		}
	}
	return false, false
}

// Labels returns the canonical label, the catalogue's synonyms and the
// profile's own.
func (p *Profile) Labels(canonical string) []string {
	return append(form.Spellings(canonical), p.Synonyms[canonical]...)
}
