package formread

import (
	"strings"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
)

// layoutReader is a layout with the labels it reads by: the catalogue's,
// the layout's own spellings and the profile's.
type layoutReader struct {
	l  *layout.Layout
	lb *labels
}

// layoutSet is the layouts a checker reads with, and the labels that tell
// them apart.
type layoutSet struct {
	rs []*layoutReader
	// match maps a normalised label to the layouts it points to (by index).
	match map[string][]int
}

func newLayoutSet(ls []*layout.Layout, p *formulas.Profile) *layoutSet {
	if len(ls) == 0 {
		ls = layout.Builtin()
	}
	s := &layoutSet{match: map[string][]int{}}
	for i, l := range ls {
		s.rs = append(s.rs, &layoutReader{l, newLabels(p, l)})
		for _, m := range l.Match {
			k := matchKey(m)
			if n := len(s.match[k]); n == 0 || s.match[k][n-1] != i {
				s.match[k] = append(s.match[k], i)
			}
		}
	}
	return s
}

// matchKey is a label as layouts are told apart by: width and spaces
// folded, its note kept (全年预算数(A) is not 全年预算数).
func matchKey(s string) string {
	s = formulas.Normalize(s)
	if strings.ContainsAny(s, labelPunctChars) {
		s = labelPunct.Replace(s)
	}
	return s
}

// pick is the layout that explains g best: the most of its match labels
// found on the sheet (each counted once); on a tie the one with fewer
// match labels, more of whose are found (丽江's 指标性质 | 度量单位 are
// both Sichuan's and Yunnan's, and half of Yunnan's), then the first
// listed.
func (s *layoutSet) pick(g *Grid) *layoutReader {
	if len(s.rs) == 1 {
		return s.rs[0]
	}
	score := make([]int, len(s.rs))
	seen := map[string]bool{}
	for r := range g.text {
		for c := range g.text[r] {
			t := g.text[r][c]
			if t == "" || len(t) > maxMatchLen {
				continue
			}
			k := matchKey(t)
			if _, v, ok := splitLabel(k); ok && len(s.match[k]) == 0 {
				k = v // 报表编号:510000_0013zp
			}
			if len(s.match[k]) == 0 && strings.HasSuffix(k, "分)") {
				k = cleanName(k) // 项目决策(10分): a category with its weight
			}
			s.count(k, score, seen)
			if isTitle(k) {
				// 2023年度部门整体支出绩效自评表, 中央对地方转移支付项目绩效
				// 自评表: a title names its kind among other words.
				for m := range s.match {
					if m != k && strings.Contains(k, m) {
						s.count(m, score, seen)
					}
				}
			}
		}
	}
	best := 0
	for i := range score {
		if score[i] > score[best] || score[i] == score[best] && len(s.rs[i].l.Match) < len(s.rs[best].l.Match) {
			best = i
		}
	}
	if score[best] == 0 {
		// No layout's labels: the common form, not whichever layout
		// --layout listed first.
		return s.named(layout.Seed)
	}
	return s.rs[best]
}

// count adds match label k, once per sheet, to the layouts it names.
func (s *layoutSet) count(k string, score []int, seen map[string]bool) {
	if ids := s.match[k]; len(ids) > 0 && !seen[k] {
		seen[k] = true
		for _, i := range ids {
			score[i]++
		}
	}
}

// isTitle reports whether cell text k is a form's title.
func isTitle(k string) bool {
	return strings.HasSuffix(k, "自评表") || strings.HasSuffix(k, "评价表")
}

// maxMatchLen bounds the cells looked at to tell layouts apart: labels
// are short, paragraphs are not.
const maxMatchLen = 96

// named is the reader of the layout called name ("" in fingerprints
// written before layouts: the seed's), or the first.
func (s *layoutSet) named(name string) *layoutReader {
	if name == "" {
		name = layout.Seed
	}
	for _, r := range s.rs {
		if r.l.Name == name {
			return r
		}
	}
	return s.rs[0]
}

// otherLabel is what labels of cells that are no field stand for.
const otherLabel = "\x00other"

// layoutLabels adds a layout's own spellings to lb, each under the
// canonical label of its field, and its other labels as known labels of
// no field.
func layoutLabels(lb *labels, l *layout.Layout) {
	for _, s := range l.OtherLabels() {
		if n := normLabel(s); n != "" && !lb.any(n) {
			lb.by[n] = append(lb.by[n], otherLabel)
		}
	}
	for path, ss := range l.Labels {
		f := form.FieldAt(path)
		if f == nil {
			continue
		}
		for _, s := range ss {
			if n := normLabel(s); n != "" && !lb.match(n, f.Label) {
				lb.by[n] = append(lb.by[n], f.Label)
			}
		}
	}
}
