package integrity

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/form"
)

func TestNormFormula(t *testing.T) {
	for in, want := range map[string]string{
		"=ROUND(IF(D6=0,0,E6/D6*100),2)":          "ROUND(IF(D6=0,0,E6/D6*100),2)",
		"round( if( $D$6 = 0, 0, e6/d6*100 ), 2)": "ROUND(IF(D6=0,0,E6/D6*100),2)",
		`_xlfn.IFS(A1="a b",1)`:                   `IFS(A1="a b",1)`,
		`IF(A1="x $y _xlfn.",1)`:                  `IF(A1="x $y _xlfn.",1)`,
	} {
		if got := NormFormula(in); got != want {
			t.Errorf("NormFormula(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMapRows(t *testing.T) {
	shift := func(n int) int {
		if n >= 12 {
			return n + 1
		}
		return n
	}
	for in, want := range map[string]string{
		"SUM(F10:F21)":                        "SUM(F10:F22)",
		`IF(C12="F12",LOG10(A12),0)`:          `IF(C13="F12",LOG10(A13),0)`,
		"INDIRECT(XE_L2_&MATCH(A12,XE_L1,0))": "INDIRECT(XE_L2_&MATCH(A13,XE_L1,0))",
	} {
		if got := MapRows(in, shift); got != want {
			t.Errorf("MapRows(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSignVerify(t *testing.T) {
	k, _ := NewKey([]byte("department-key-2024"))
	other, _ := NewKey([]byte("another-department-key"))
	rec := &Record{Version: Version, Sheet: "s", Fields: []Field{{Key: "ind.0.target", Ref: "D10", Value: "≥10.00(项)"}}}
	s, err := Sign(rec, k)
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Verify(k); st != Valid {
		t.Errorf("own key: %v", st)
	}
	if st := s.Verify(other); st != OtherKey {
		t.Errorf("other key: %v, want OtherKey", st)
	}
	rec.Fields[0].Value = "≥5.00(项)"
	if st := s.Verify(k); st != Altered {
		t.Errorf("altered record: %v, want Altered", st)
	}
	var none *Seal
	if st := none.Verify(k); st != Missing {
		t.Errorf("no seal: %v", st)
	}
	if _, err := NewKey([]byte("short")); err == nil || strings.Contains(err.Error(), "short") {
		t.Errorf("short key: %v", err)
	}
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%#v %+v", k, k), k.ID()} {
		if strings.Contains(s, "department") {
			t.Errorf("key leaks: %s", s)
		}
	}
}

func TestSame(t *testing.T) {
	d := decimal.RequireFromString("17.52")
	for _, c := range []struct {
		f    Field
		cell form.Cell
		want bool
	}{
		{Field{Value: "17.52", Num: true}, form.Cell{Raw: "17.519999999999999"}, true},
		{Field{Value: "17.52", Num: true}, form.Cell{Raw: "17.520"}, true},
		{Field{Value: "17.52", Num: true}, form.Cell{Raw: "17.5"}, false},
		{Field{Value: "17.52", Num: true}, form.Cell{Num: &d, Text: "17.52"}, true},
		{Field{Value: "≥10.00(项)"}, form.Cell{Text: " ≥10.00(项)"}, true},
		{Field{Value: "≥10.00(项)"}, form.Cell{Text: "≥5.00(项)"}, false},
	} {
		if got := Same(c.f, c.cell); got != c.want {
			t.Errorf("Same(%v, %+v) = %v", c.f, c.cell, got)
		}
	}
}
