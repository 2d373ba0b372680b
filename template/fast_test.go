package template

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
)

// parts unpacks a workbook: its part names in order and their contents.
func parts(t *testing.T, x []byte) ([]string, map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	out := map[string][]byte{}
	for _, zf := range zr.File {
		b, err := readZip(zf)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, zf.Name)
		out[zf.Name] = b
	}
	return names, out
}

// fastProjects are projects of every kind the fast path writes: the seeds,
// the batch table (blank actuals and scores), random fills of 3 to 12
// rows, and text that escapes, keeps its spaces, or is refused.
func fastProjects(t *testing.T) []*Project {
	var prs []*Project
	prs = append(prs, readSeed(t, "seed1.yaml").Projects...)
	prs = append(prs, readSeed(t, "seed2.yaml").Projects...)
	prs = append(prs, readSeedTable(t).Projects...)
	prs = append(prs, randomProjects(30)...)
	odd := *prs[0]
	odd.Name = `A&B <"项目"> 'x' \ 续`
	odd.Goal = " 前后有空格 \n第二行\t"
	odd.Department = "部门\r&"
	odd.Year = 2023
	ind := *odd.Indicators[0]
	ind.Reason = "a\x01b\uFFFEc"
	odd.Indicators = append([]*Indicator{&ind}, odd.Indicators[1:]...)
	prs = append(prs, &odd)
	slow := *prs[1]
	slow.Name = "转义_x0041_项目"
	prs = append(prs, &slow)
	long := *prs[1]
	long.Name = "长文本"
	long.Goal = strings.Repeat("很长", 20000)
	prs = append(prs, &long)
	empty := &Project{Name: "空项目"}
	prs = append(prs, empty)
	return prs
}

// TestFastMatchesExcelize: every workbook WriteSpec writes from a
// prototype unpacks to the same parts, in the same order, byte for byte,
// as the workbook Build writes through excelize; with a password too.
func TestFastMatchesExcelize(t *testing.T) {
	prs := fastProjects(t)
	for _, o := range []Options{opts(), {Profile: formulas.Default(), Year: 2025, Password: "密码1"}} {
		protos := protosFor(prs, o)
		var zb zipBuf
		for _, pr := range prs {
			got, err := buildOne(pr, o, protos, &zb)
			if err != nil {
				t.Fatalf("%s: %v", pr.Name, err)
			}
			w, err := Build([]*Project{pr}, o)
			if err != nil {
				t.Fatal(err)
			}
			want, err := w.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			gotNames, gotParts := parts(t, got)
			wantNames, wantParts := parts(t, want)
			if fmt.Sprint(gotNames) != fmt.Sprint(wantNames) {
				t.Fatalf("%s: parts %v, want %v", pr.Name, gotNames, wantNames)
			}
			for _, n := range wantNames {
				if g, w := gotParts[n], wantParts[n]; !bytes.Equal(g, w) {
					i := 0
					for i < min(len(g), len(w)) && g[i] == w[i] {
						i++
					}
					t.Errorf("%s: %s differs at %d:\n got …%s\nwant …%s", pr.Name, n, i,
						g[max(0, i-200):min(len(g), i+200)], w[max(0, i-200):min(len(w), i+200)])
				}
			}
		}
	}
}

// The prototype path is the one taken: a project it refuses is the only
// one rebuilt by excelize.
func TestFastPathTaken(t *testing.T) {
	prs := fastProjects(t)
	protos := protosFor(prs, opts())
	var zb zipBuf
	for _, pr := range prs {
		p := protos[NewLayout(len(pr.Indicators), formulas.Default()).Rows]
		_, err := p.build(pr, SheetName(pr.Name, map[string]bool{}), opts(), &zb)
		refused := strings.Contains(pr.Name, "_x") || pr.Name == "长文本"
		if refused != (err == errSlow) {
			t.Errorf("%s: fast path error %v", pr.Name, err)
		}
	}
}
