package formulas

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
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
	// Synonyms maps a canonical label to other spellings regions use.
	Synonyms map[string][]string `json:"synonyms,omitempty" yaml:"synonyms,omitempty"`
}

// Category is a 一级指标 with its allowed 二级指标.
type Category struct {
	L1 string   `json:"l1" yaml:"l1"`
	L2 []string `json:"l2" yaml:"l2"`
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
			{"成本指标", []string{"经济成本指标", "社会成本指标", "生态环境成本指标"}},
			{"产出指标", []string{"数量指标", "质量指标", "时效指标", "成本指标"}},
			{"效益指标", []string{"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"}},
			{"满意度指标", []string{"服务对象满意度指标"}},
		},
		Synonyms: map[string][]string{
			"项目名称":        {"项目"},
			"主管部门":        {"主管单位", "预算部门"},
			"实施单位":        {"执行单位", "项目实施单位"},
			"年度资金总额":      {"资金总额", "合计"},
			"当年财政拨款":      {"本年财政拨款", "财政拨款", "其中当年财政拨款", "其中本年财政拨款", "其中财政拨款"},
			"上年结转资金":      {"上年结转", "结转资金"},
			"其他资金":        {"其他"},
			"年初预算数":       {"年初预算"},
			"全年预算数":       {"调整后预算数", "全年预算", "预算数"},
			"全年执行数":       {"执行数", "全年执行", "实际执行数"},
			"分值":          {"分数", "权重"},
			"执行率":         {"执行率(%)", "预算执行率"},
			"得分":          {"评分"},
			"年度指标值":       {"指标值", "目标值", "年度目标值"},
			"实际完成值":       {"完成值", "全年实际值", "实际值"},
			"偏差原因分析及改进措施": {"偏差原因分析", "偏差原因", "未完成原因分析", "原因分析及改进措施"},
			"总分":          {"合计", "总计", "总得分"},
			"评分等级":        {"等级", "自评等级", "绩效等级"},
			"一级指标":        {},
			"二级指标":        {},
			"三级指标":        {},
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

// Labels returns the canonical label and its synonyms.
func (p *Profile) Labels(canonical string) []string {
	return append([]string{canonical}, p.Synonyms[canonical]...)
}
