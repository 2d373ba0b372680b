package main

import (
	"bytes"
	"encoding/json"
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
