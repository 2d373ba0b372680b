package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/internal/roundfix"
)

// roundFolder builds a round by e-mail: the spec is samples/specs/batch.csv
// and two more projects copied from it; 信息化运维项目 came back faulty
// (ind.cap), 文旅管理与服务 twice (a faulty draft, then a clean copy saved
// later), 文旅市场监测 never, 信息系统等保测评 with a weight changed, and
// one form of a project the spec does not name.
func roundFolder(t *testing.T) (spec, dir string) {
	t.Helper()
	tmp := t.TempDir()
	b, err := os.ReadFile(roundfix.BatchSpec())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	out := append([]string(nil), lines...)
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "文旅管理与服务,") {
			out = append(out, strings.Replace(l, "文旅管理与服务,", "文旅市场监测,", 1))
		}
		if strings.HasPrefix(l, "信息化运维项目,") {
			out = append(out, strings.Replace(l, "信息化运维项目,", "信息系统等保测评,", 1))
		}
	}
	spec = filepath.Join(tmp, "清单.csv")
	if err := os.WriteFile(spec, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(tmp, "回收")
	day := func(d int) time.Time { return time.Date(2025, 3, d, 9, 0, 0, 0, time.UTC) }
	ops, wl := "信息化运维项目", "文旅管理与服务"
	files := []struct {
		src, name string
		cells     map[string]string
		saved     time.Time
	}{
		{ops, "单位甲/信息化运维项目.xlsx", roundfix.Cap, day(2)},
		{wl, "单位甲/文旅管理与服务.xlsx", nil, day(5)},
		{wl, "单位甲/旧/文旅管理与服务(初稿).xlsx", map[string]string{"G14": "9.00"}, day(1)},
		{ops, "单位乙/等保测评.xlsx", map[string]string{"C3": "信息系统等保测评", "F13": "9.00", "F14": "6.00"}, day(3)},
		{wl, "单位乙/别的项目.xlsx", map[string]string{"C3": "不在清单的项目"}, day(3)},
	}
	for _, f := range files {
		if err := roundfix.Write(roundfix.Sample(f.src), filepath.Join(dir, f.name), f.src, f.cells, f.saved); err != nil {
			t.Fatal(err)
		}
	}
	return spec, dir
}

func TestStatusRound(t *testing.T) {
	spec, dir := roundFolder(t)
	sum := filepath.Join(t.TempDir(), "汇总.xlsx")
	out, errs, code := run(t, "status", "--spec", spec, dir, "--format", "json", "--summary", sum)
	if code != 1 {
		t.Fatalf("exit %d (want 1: missing and faulty forms), stderr %s\n%s", code, errs, out)
	}
	var v struct {
		Projects []struct {
			Project, State, Current string
			Latest                  struct{ Path string }
			Older                   []struct{ Path string }
		}
		Unlisted []struct{ Path string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := map[string]string{"信息化运维项目": "需退回", "文旅管理与服务": "重复", "文旅市场监测": "未交", "信息系统等保测评": "模板被改"}
	for _, p := range v.Projects {
		if p.State != want[p.Project] {
			t.Errorf("%s: state %s, want %s", p.Project, p.State, want[p.Project])
		}
		if p.Project == "文旅管理与服务" {
			if p.Current != "合格" || !strings.HasSuffix(p.Latest.Path, "单位甲/文旅管理与服务.xlsx") ||
				len(p.Older) != 1 || !strings.Contains(p.Older[0].Path, "初稿") {
				t.Errorf("duplicate: newest %s (%s), older %+v", p.Latest.Path, p.Current, p.Older)
			}
		}
		delete(want, p.Project)
	}
	if len(want) != 0 {
		t.Errorf("projects not reported: %v", want)
	}
	if len(v.Unlisted) != 1 || !strings.HasSuffix(v.Unlisted[0].Path, "别的项目.xlsx") {
		t.Errorf("unlisted %+v", v.Unlisted)
	}
	f, err := excelize.OpenFile(sum)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("回收进度")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[0][0] != "实施单位" || rows[5][3] != "不在清单" {
		t.Errorf("回收进度 sheet:\n%v", rows)
	}
	text, _, _ := run(t, "status", "--spec", spec, dir)
	for _, s := range []string{"未交", "文旅市场监测", "以最新为准", "初稿", "回收进度: 项目 4"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
}

func TestStatusAllClean(t *testing.T) {
	out, errs, code := run(t, "status", "--spec", "../../samples/specs/batch.csv", "../../samples/")
	if code != 0 || !strings.Contains(out, "合格 2") {
		t.Fatalf("exit %d, stderr %s\n%s", code, errs, out)
	}
}
