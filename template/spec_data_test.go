package template

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/xlsxeval/xlsxeval/formulas"
)

// TestReadSpecData: an uploaded spec reads as the same file on disk does;
// a wrong type is a SpecTypeError; messages name the upload, never the
// temporary file.
func TestReadSpecData(t *testing.T) {
	p := formulas.Default()
	data, err := os.ReadFile("../samples/specs/batch.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadSpec("../samples/specs/batch.csv", p, 2024)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadSpecData("batch.csv", data, p, 2024)
	if err != nil || len(got.Projects) != len(want.Projects) || got.Projects[0].Name != want.Projects[0].Name {
		t.Fatalf("from bytes: %v, %+v", err, got)
	}
	var te *SpecTypeError
	if _, err := ReadSpecData("list.txt", data, p, 2024); !errors.As(err, &te) || te.Name != "list.txt" {
		t.Errorf("wrong type: %v", err)
	}
	_, err = ReadSpecData("bad.yaml", []byte("projects:\n  - name: x\n    wieght: 1\n"), p, 2024)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml") || strings.Contains(err.Error(), "xlsxeval-spec-") {
		t.Errorf("bad spec: %v", err)
	}
}

// TestSpecTableSichuanFunds: a spec table's 财政专户管理资金 and 单位资金
// columns fill 四川's own fund rows.
func TestSpecTableSichuanFunds(t *testing.T) {
	data := []byte("项目名称,主管部门,实施单位,年度,一级指标,二级指标,三级指标,年度指标值,分值,全年预算数,财政专户管理资金全年预算数,单位资金全年预算数,单位资金全年执行数\n" +
		"工资性支出,某县发展和改革局,某县发展和改革局,2023,产出指标,数量指标,发放覆盖率,=100%,90,200,30,21.89,20\n")
	s, err := ReadSpecData("sichuan.csv", data, formulas.Default(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Projects[0].Funds
	if f.Current == nil || f.Current.Budget.String() != "200" || f.Special == nil || f.Special.Budget.String() != "30" ||
		f.Own == nil || f.Own.Budget.String() != "21.89" || f.Own.Exec.String() != "20" {
		t.Errorf("funds %+v %+v %+v", f.Current, f.Special, f.Own)
	}
}
