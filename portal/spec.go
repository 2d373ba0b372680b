package portal

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/store"
	"github.com/xlsxeval/xlsxeval/template"
)

// roundSpec is a round's spec as read, each project's unit set to the
// unit the round assigned it (the roster may move a project), so the
// templates and the tpl.* comparison name the unit that returns it.
type roundSpec struct {
	spec    *template.Spec
	records []*integrity.Record // by project index
}

// parseSpec reads a spec uploaded as name.
func parseSpec(name string, data []byte, o template.Options) (*template.Spec, error) {
	return template.ReadSpecData(name, data, o.Profile, o.Year)
}

// spec returns round's spec, read once.
func (p *Portal) spec(ctx context.Context, round int64) (*roundSpec, error) {
	if rs, ok := p.specs.Load(round); ok {
		return rs.(*roundSpec), nil
	}
	r, err := p.st.Round(ctx, round)
	if err != nil {
		return nil, err
	}
	spec, err := parseSpec(r.SpecName, r.Spec, p.templateOptions())
	if err != nil {
		return nil, err
	}
	units, err := p.st.Units(ctx, round)
	if err != nil {
		return nil, err
	}
	prs, err := p.st.Projects(ctx, round)
	if err != nil {
		return nil, err
	}
	name := map[int64]string{}
	for _, u := range units {
		name[u.ID] = u.Name
	}
	for _, pr := range prs {
		if pr.Idx < len(spec.Projects) {
			spec.Projects[pr.Idx].Unit = name[pr.Unit]
		}
	}
	rs := &roundSpec{spec: spec, records: template.SpecRecords(spec, p.cfg.Profile)}
	p.specs.Store(round, rs)
	return rs, nil
}

func (p *Portal) templateOptions() template.Options {
	return template.Options{Profile: p.cfg.Profile, SignKey: p.cfg.SignKey}
}

// rosterRow is one line of a roster: a unit, its contact, and optionally
// a project it returns (moving it from the spec's 实施单位).
type rosterRow struct{ unit, contact, project string }

// parseRoster reads a roster CSV: a header with 单位 (or 实施单位),
// optionally 联系人 and 项目名称, then one row per unit or per project.
func parseRoster(data []byte) ([]rosterRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("名单为空或不是 CSV: %v", err)
	}
	col := map[string]int{"unit": -1, "contact": -1, "project": -1}
	for i, h := range head {
		switch strings.TrimSpace(h) {
		case "单位", "实施单位", "单位名称":
			col["unit"] = i
		case "联系人", "联系方式", "联系人及电话":
			col["contact"] = i
		case "项目", "项目名称":
			col["project"] = i
		}
	}
	if col["unit"] < 0 {
		return nil, fmt.Errorf("名单第1行须有「单位」列 (可选「联系人」「项目名称」), 实为 %q", strings.Join(head, ","))
	}
	get := func(rec []string, k string) string {
		if i := col[k]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []rosterRow
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("名单第%d行: %v", line, err)
		}
		row := rosterRow{get(rec, "unit"), get(rec, "contact"), get(rec, "project")}
		if row.unit == "" {
			continue
		}
		out = append(out, row)
	}
}

// plan turns a spec and a roster into the round's units and projects:
// units in roster order, then the spec's other 实施单位; each project to
// the unit the roster names for it, else to its 实施单位.
func plan(name, specName string, specData []byte, spec *template.Spec, roster []rosterRow) (store.NewRound, error) {
	nr := store.NewRound{Name: name, SpecName: specName, Spec: specData}
	idx := map[string]int{}
	unit := func(n, contact string) int {
		k := integrity.NormText(n)
		i, ok := idx[k]
		if !ok {
			i = len(nr.Units)
			idx[k] = i
			nr.Units = append(nr.Units, store.Unit{Name: n})
		}
		if contact != "" && nr.Units[i].Contact == "" {
			nr.Units[i].Contact = contact
		}
		return i
	}
	moved := map[string]int{}
	for _, r := range roster {
		i := unit(r.unit, r.contact)
		if r.project != "" {
			moved[integrity.NormText(r.project)] = i
		}
	}
	known := map[string]bool{}
	for _, pr := range spec.Projects {
		k := integrity.NormText(pr.Name)
		known[k] = true
		i, ok := moved[k]
		if !ok {
			if strings.TrimSpace(pr.Unit) == "" {
				return nr, fmt.Errorf("项目「%s」没有实施单位, 名单中也没有指定单位", pr.Name)
			}
			i = unit(pr.Unit, "")
		}
		nr.Projects = append(nr.Projects, store.Project{Name: pr.Name, Code: pr.Code, Unit: int64(i)})
	}
	for _, r := range roster {
		if r.project != "" && !known[integrity.NormText(r.project)] {
			return nr, fmt.Errorf("名单中的项目「%s」不在清单中", r.project)
		}
	}
	return nr, nil
}
