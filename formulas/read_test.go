package formulas

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
)

// readingCorpus is every spelling FORM.md lists, and more, as targets
// and actuals (testdata/spellings.json; template's LibreOffice test
// recalculates the same list).
func readingCorpus(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "spellings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadingAgreesWithParse evaluates the sheet's reading (RowHelpers)
// in Go for every pair of the corpus and holds it against Parse and the
// checker's row logic.
func TestReadingAgreesWithParse(t *testing.T) {
	p := Default()
	hs := RowHelpers(p)
	corpus := readingCorpus(t)
	for _, tgt := range corpus {
		for _, act := range corpus {
			env := Env{"target": StrVal(tgt), "actual": StrVal(act), "w": Num(decimal.NewFromInt(5)),
				"l1": StrVal("产出指标"), "l2": StrVal("数量指标")}
			if err := EvalHelpers(hs, env); err != nil {
				t.Fatalf("%q %q: %v", tgt, act, err)
			}
			tv, terr := Parse(tgt)
			av, aerr := Parse(act)
			check := func(what string, got Val, want any) {
				t.Helper()
				if g := got.Cached(); !sameCached(g, want) {
					t.Errorf("target %q actual %q: %s = %v, Parse says %v", tgt, act, what, g, want)
				}
			}
			check("t_err", env["t_err"], terr != nil)
			check("a_err", env["a_err"], aerr != nil)
			if terr == nil {
				check("t_num", env["t_num"], numOf(tv))
				check("t_op", env["t_op"], decimal.NewFromInt(int64(tv.Op)))
				check("t_unit", env["t_unit"], CanonUnit(tv.Unit))
			}
			if aerr == nil {
				check("a_num", env["a_num"], numOf(av))
				check("a_unit", env["a_unit"], CanonUnit(av.Unit))
				check("lvl", env["lvl"], decimal.NewFromInt(int64(RowLevel(tv, av))))
			}
		}
	}
}

func numOf(v Value) any {
	if v.Num == nil {
		return ""
	}
	return *v.Num
}

func sameCached(a, b any) bool {
	if x, ok := a.(decimal.Decimal); ok {
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	}
	return a == b
}
