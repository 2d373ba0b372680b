package template

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
)

// A flat table has one row per indicator; the project columns repeat on
// every row of the project. Departments keep their targets this way.

// Column keys of a flat table and the headers that name them.
var tableHeaders = []struct{ key, label string }{
	{"name", "项目名称"}, {"code", "项目编码"}, {"department", "主管部门"}, {"unit", "实施单位"},
	{"year", "年度"}, {"goal", "预期目标"}, {"done", "实际完成情况"},
	{"l1", "一级指标"}, {"l2", "二级指标"}, {"l3", "三级指标"}, {"target", "年度指标值"},
	{"weight", "分值"}, {"actual", "实际完成值"}, {"score", "得分"}, {"reason", "偏差原因分析及改进措施"},
}

var extraHeaders = map[string][]string{
	"code": {"项目代码", "项目编号"}, "year": {"年份"}, "goal": {"年度总体目标", "总体目标"},
}

var requiredCols = []string{"name", "l1", "l2", "l3", "target", "weight"}

func readCSV(path string, p *formulas.Profile) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &SpecError{File: path, Msg: "无法读取清单文件"}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		// Excel in China saves CSV as GBK.
		if u, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil {
			b = u
		}
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, &SpecError{File: path, Msg: "CSV 无法读取: " + err.Error()}
	}
	return fromTable(path, rows, p)
}

func readXLSX(path string, p *formulas.Profile) (*Spec, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, &SpecError{File: path, Msg: "无法打开: " + err.Error()}
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		return nil, &SpecError{File: path, Msg: err.Error()}
	}
	return fromTable(path, rows, p)
}

// tableCols maps column keys to column indexes; funds columns are keyed
// "funds.<row>.<initial|budget|exec>".
func tableCols(path string, head []string, p *formulas.Profile) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range head {
		h = formulas.Normalize(h)
		if h == "" {
			continue
		}
		if k := headerKey(h, p); k != "" {
			if _, dup := cols[k]; dup {
				return nil, &SpecError{File: path, Line: 1, Field: h, Msg: "表头重复"}
			}
			cols[k] = i
			continue
		}
		return nil, &SpecError{File: path, Line: 1, Field: h, Msg: "无法识别的表头"}
	}
	for _, k := range requiredCols {
		if _, ok := cols[k]; !ok {
			return nil, &SpecError{File: path, Line: 1, Field: labelOf(k), Msg: "缺少此列"}
		}
	}
	return cols, nil
}

func labelOf(key string) string {
	for _, h := range tableHeaders {
		if h.key == key {
			return h.label
		}
	}
	return key
}

// headerKey recognises a header by its label, the profile's synonyms, or
// as a funds column ("年初预算数", "上年结转资金全年执行数", ...).
func headerKey(h string, p *formulas.Profile) string {
	for _, t := range tableHeaders {
		for _, l := range append(p.Labels(t.label), extraHeaders[t.key]...) {
			if h == formulas.Normalize(l) {
				return t.key
			}
		}
	}
	var col *form.Field
	switch {
	case strings.Contains(h, "年初"):
		col = form.FFundInitial
	case strings.Contains(h, "执行数"):
		col = form.FFundExec
	case strings.Contains(h, "预算数"):
		col = form.FFundBudget
	default:
		return ""
	}
	row := form.FundCurrent
	switch {
	case strings.Contains(h, "结转"):
		row = form.FundCarry
	case strings.Contains(h, "财政专户"):
		row = form.FundSpecial
	case strings.Contains(h, "单位资金"):
		row = form.FundOwn
	case strings.Contains(h, "其他"):
		row = form.FundOther
	}
	return form.FundKey(row, col).String()
}

// fromTable groups the rows of a flat table by project.
func fromTable(path string, rows [][]string, p *formulas.Profile) (*Spec, error) {
	if len(rows) == 0 {
		return nil, &SpecError{File: path, Msg: "表格为空"}
	}
	cols, err := tableCols(path, rows[0], p)
	if err != nil {
		return nil, err
	}
	s := &Spec{}
	byName := map[string]*Project{}
	var errs SpecErrors
	for n, r := range rows[1:] {
		line := n + 2
		get := func(k string) string {
			if i, ok := cols[k]; ok && i < len(r) {
				return strings.TrimSpace(r[i])
			}
			return ""
		}
		if strings.Join(r, "") == "" {
			continue
		}
		pr, err := tableProject(path, line, get, byName, s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		x, es := tableIndicator(path, line, get)
		errs = append(errs, es...)
		pr.Indicators = append(pr.Indicators, x)
		errs = append(errs, tableFunds(path, line, get, cols, pr)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

// tableProject finds or starts the project of a row; the project columns
// of later rows must agree with the first.
func tableProject(path string, line int, get func(string) string, byName map[string]*Project, s *Spec) (*Project, *SpecError) {
	name, code := get("name"), get("code")
	key := name + "\x00" + code
	pr := byName[key]
	if pr == nil {
		pr = &Project{Name: name, Code: code, Line: line}
		byName[key] = pr
		s.Projects = append(s.Projects, pr)
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"department", &pr.Department}, {"unit", &pr.Unit}, {"goal", &pr.Goal}, {"done", &pr.Done}} {
		v := get(f.key)
		switch {
		case v == "":
		case *f.dst == "":
			*f.dst = v
		case *f.dst != v:
			return nil, &SpecError{File: path, Line: line, Field: labelOf(f.key),
				Msg: fmt.Sprintf("与第%d行同一项目的 %q 不一致", pr.Line, *f.dst)}
		}
	}
	if y := get("year"); y != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(y, "年"))
		if err != nil {
			return nil, &SpecError{File: path, Line: line, Field: "年度", Msg: fmt.Sprintf("%q 不是年份", y)}
		}
		pr.Year = n
	}
	return pr, nil
}

func tableIndicator(path string, line int, get func(string) string) (*Indicator, SpecErrors) {
	x := &Indicator{L1: get("l1"), L2: get("l2"), L3: get("l3"), Target: get("target"),
		Actual: get("actual"), Reason: get("reason"), Line: line}
	var errs SpecErrors
	num := func(k string) *Dec {
		v := get(k)
		if v == "" {
			return nil
		}
		d, err := parseDec(v)
		if err != nil {
			errs = append(errs, &SpecError{File: path, Line: line, Field: labelOf(k), Msg: err.Error()})
			return nil
		}
		return &Dec{d}
	}
	x.Weight, x.Score = num("weight"), num("score")
	return x, errs
}

// tableFunds reads the funds columns of a row; a project states them once.
func tableFunds(path string, line int, get func(string) string, cols map[string]int, pr *Project) SpecErrors {
	var errs SpecErrors
	for i := form.FundCurrent; i < form.NumFunds; i++ {
		for _, c := range []*form.Field{form.FFundInitial, form.FFundBudget, form.FFundExec} {
			k := form.FundKey(i, c).String()
			v := get(k)
			if _, ok := cols[k]; !ok || v == "" {
				continue
			}
			d, err := parseDec(v)
			if err != nil {
				errs = append(errs, &SpecError{File: path, Line: line, Field: "资金", Msg: err.Error()})
				continue
			}
			f := pr.Funds.Row(i)
			if f == nil {
				f = &Figures{Line: line}
				pr.Funds.set(i, f)
			}
			dst := map[*form.Field]**Dec{form.FFundInitial: &f.Initial, form.FFundBudget: &f.Budget, form.FFundExec: &f.Exec}[c]
			if *dst != nil && !(*dst).Equal(d) {
				errs = append(errs, &SpecError{File: path, Line: line, Field: "资金",
					Msg: fmt.Sprintf("与同一项目已填的 %s 不一致", (*dst).String())})
				continue
			}
			*dst = &Dec{d}
		}
	}
	return errs
}
