package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/validate"
)

// runApp runs the CLI in process and returns what it wrote.
func runApp(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	app := newApp()
	app.Writer, app.ErrWriter = &out, &out
	err := app.Run(append([]string{"xlsxeval"}, args...))
	return out.String(), err
}

func TestRulesListsEveryCode(t *testing.T) {
	checks := validate.Checks()
	if len(checks) < 15 {
		t.Fatalf("only %d checks registered", len(checks))
	}
	zh, err := runApp(t, "rules")
	if err != nil {
		t.Fatal(err)
	}
	en, err := runApp(t, "rules", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(zh), "\n")
	if len(lines) != len(checks) {
		t.Errorf("%d lines for %d checks:\n%s", len(lines), len(checks), zh)
	}
	for i, k := range checks {
		f := strings.Fields(lines[i])
		if len(f) < 3 || f[0] != k.Code || f[1] != k.Severity.String() || !strings.Contains(lines[i], k.Doc) {
			t.Errorf("line %q does not list %s %s %s", lines[i], k.Code, k.Severity, k.Doc)
		}
		if !strings.Contains(en, k.DocEn) {
			t.Errorf("--lang en lacks %s: %s", k.Code, k.DocEn)
		}
	}
	js, err := runApp(t, "rules", "--format", "json", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	var rules []ruleJSON
	if err := json.Unmarshal([]byte(js), &rules); err != nil {
		t.Fatalf("json: %v\n%s", err, js)
	}
	if len(rules) != len(checks) {
		t.Fatalf("json lists %d of %d rules", len(rules), len(checks))
	}
	for i, k := range checks {
		if rules[i] != (ruleJSON{k.Code, k.Severity.String(), k.DocEn}) {
			t.Errorf("json rule %d = %+v, want %s", i, rules[i], k.Code)
		}
	}
	if _, err := runApp(t, "rules", "--format", "xml"); err == nil {
		t.Error("--format xml accepted")
	}
}

// The explicit check list (validate.Checks, what check runs), `xlsxeval
// rules` and the README's rule table name the same rules, in the same
// order, with the same severity and description.
func TestRulesListReadmeAgree(t *testing.T) {
	js, err := runApp(t, "rules", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var listed []ruleJSON
	if err := json.Unmarshal([]byte(js), &listed); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "## 规则与取整")
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9]+\\.[a-z0-9]+)` \\| ([a-z]+) \\| (.*) \\|$")
	var documented []ruleJSON
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		documented = append(documented, ruleJSON{m[1], m[2], m[3]})
	}
	var checks []ruleJSON
	for _, k := range validate.Checks() {
		checks = append(checks, ruleJSON{k.Code, k.Severity.String(), k.Doc})
	}
	if len(checks) < 20 {
		t.Fatalf("only %d checks", len(checks))
	}
	for i, k := range checks {
		if i >= len(listed) || listed[i] != k {
			t.Errorf("rules lists %v at %d, the check list %v", at(listed, i), i, k)
		}
		if i >= len(documented) || documented[i] != k {
			t.Errorf("README lists %v at %d, the check list %v", at(documented, i), i, k)
		}
	}
	if len(listed) != len(checks) || len(documented) != len(checks) {
		t.Errorf("%d checks, %d in rules, %d in the README", len(checks), len(listed), len(documented))
	}
}

func at(rs []ruleJSON, i int) any {
	if i < len(rs) {
		return rs[i]
	}
	return "nothing"
}
