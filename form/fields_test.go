package form

import "testing"

// The stored spelling of keys: fingerprints and seal records written by
// every version hold these strings, so they must not change.
func TestKeyStrings(t *testing.T) {
	for _, c := range []struct {
		k    Key
		want string
	}{
		{HeadKey(FProject), "project"},
		{HeadKey(FFundsLabel), "funds.label"},
		{HeadKey(FTotal), "total.score"},
		{FundKey(FundTotal, FFundWeight), "funds.0.weight"},
		{FundKey(FundCarry, FFundBudget), "funds.2.budget"},
		{IndKey(3, FTarget), "ind.3.target"},
		{IndKey(12, FHelper), "ind.12.helper"},
		{IndKey(0, FTargetUnit), "ind.0.target_unit"},
	} {
		if got := c.k.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.k, got, c.want)
		}
		if k, ok := ParseKey(c.want); !ok || k != c.k {
			t.Errorf("ParseKey(%q) = %+v, %v; want %+v", c.want, k, ok, c.k)
		}
	}
}

// Every key of a form reads back as itself; spellings no key has do not
// read at all.
func TestParseKey(t *testing.T) {
	f := &Form{Indicators: make([]Indicator, 12)}
	n := 0
	f.Each(func(k Key, c *Cell) {
		n++
		if got, ok := ParseKey(k.String()); !ok || got != k {
			t.Errorf("ParseKey(%q) = %+v, %v", k.String(), got, ok)
		}
		if f.Cell(k) != c {
			t.Errorf("Cell(%q) is not the cell Each gives", k.String())
		}
	})
	if want := len(HeadFields) + NumFunds*len(FundCols) + 12*len(IndCols); n != want {
		t.Errorf("Each gave %d keys, want %d", n, want)
	}
	if c := f.Cell(IndKey(2, FHelper)); c != nil {
		t.Errorf("a helper has a form cell: %+v", c)
	}
	for _, s := range []string{"", "ind", "ind.3", "ind.03.target", "ind.+3.target", "ind.-1.l1", "ind.3.budget",
		"funds.6.budget", "funds.0.helper", "funds.0.target", "funds.00.exec", "head.0.project", "projects", "ind.3.target."} {
		if k, ok := ParseKey(s); ok {
			t.Errorf("ParseKey(%q) = %+v, want none", s, k)
		}
	}
}

// A key of a field outside its group cannot be made.
func TestKeyConstructorsRefuseOtherGroups(t *testing.T) {
	for name, mk := range map[string]func(){
		"head of a column":    func() { HeadKey(FTarget) },
		"funds of ind column": func() { FundKey(0, FTarget) },
		"ind of funds column": func() { IndKey(0, FFundExec) },
		"funds row 6":         func() { FundKey(NumFunds, FFundExec) },
		"helper in funds":     func() { FundKey(0, FHelper) },
		"indicator -1":        func() { IndKey(-1, FL1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			mk()
		}()
	}
}
