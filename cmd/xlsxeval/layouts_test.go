package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/layout"
)

// `layouts` lists every built-in layout; --show prints one that loads back.
func TestLayoutsCommand(t *testing.T) {
	out, err := runApp(t, "layouts", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var ls []layoutJSON
	if err := json.Unmarshal([]byte(out), &ls); err != nil {
		t.Fatal(err)
	}
	if len(ls) != len(layout.Builtin()) || ls[0].Name != "seed" {
		t.Fatalf("%d layouts listed: %v", len(ls), ls)
	}
	src, err := runApp(t, "layouts", "--show", "yunnan-14")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "mine.yaml")
	os.WriteFile(p, []byte(strings.Replace(src, "name: yunnan-14", "name: mine", 1)), 0o644)
	if l, err := layout.Load(p); err != nil || l.Name != "mine" || !l.Split() {
		t.Errorf("--show output does not load back: %v %+v", err, l)
	}
	if _, err := runApp(t, "layouts", "--show", "nowhere"); err == nil {
		t.Error("--show of an unknown layout succeeded")
	}
}

// check --layout FILE reads with the user's layout (JSON says which); a
// layout file that cannot be read stops the run (exit 2).
func TestCheckLayoutFlag(t *testing.T) {
	dir := t.TempDir()
	src, err := runApp(t, "layouts", "--show", "yunnan-14")
	if err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "mine.yaml")
	os.WriteFile(mine, []byte(strings.Replace(src, "name: yunnan-14", "name: mine", 1)), 0o644)
	form := filepath.Join("..", "..", "validate", "testdata", "forms", "yongde_mlzx2022.xlsx")
	out, _, code := run(t, "check", "--format", "json", "--layout", mine, form)
	if code != 1 || !strings.Contains(out, `"layout":"mine"`) {
		t.Errorf("exit %d, output %s", code, out)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nlabels: {ind.nope: [a]}\n"), 0o644)
	if _, stderr, code := run(t, "check", "--layout", bad, form); code != 2 || !strings.Contains(stderr, "ind.nope") {
		t.Errorf("bad layout: exit %d, %s", code, stderr)
	}
}
