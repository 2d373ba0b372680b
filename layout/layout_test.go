package layout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every built-in layout parses, is named once, and covers families (a)-(h).
func TestBuiltin(t *testing.T) {
	ls := Builtin()
	seen := map[string]bool{}
	for _, l := range ls {
		if seen[l.Name] {
			t.Errorf("layout %s twice", l.Name)
		}
		seen[l.Name] = true
		if l.Title == "" || l.TitleEn == "" || len(l.Ind.Columns) == 0 {
			t.Errorf("%s: incomplete: %+v", l.Name, l)
		}
	}
	if ls[0].Name != "seed" {
		t.Errorf("first layout %s, want seed", ls[0].Name)
	}
	for _, n := range []string{"seed", "mof", "sichuan-0013zp", "yunnan-14", "decision", "transfer", "xinjiang-13", "dept-mof", "dept-chongqing"} {
		if !seen[n] {
			t.Errorf("no built-in layout %s", n)
		}
	}
}

// A layout file naming a field the catalogue does not have, or with a
// typo in a key, is refused with the reason.
func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ yaml, want string }{
		{"name: x\nlabels: {funds.nope: [a]}\n", "funds.nope"},
		{"name: x\nlabelz: {}\n", "labelz"},
		{"labels: {}\n", "name"},
		{"name: x\namount_unit: 千元\n", "amount_unit"},
		{"name: x\nplaceholders: ['(']\n", "placeholders"},
	} {
		p := filepath.Join(dir, "l.yaml")
		os.WriteFile(p, []byte(c.yaml), 0o644)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one naming %s", c.yaml, err, c.want)
		}
	}
}
