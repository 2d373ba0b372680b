package formulas

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadProfileYAMLAndJSON(t *testing.T) {
	dir := t.TempDir()
	y := filepath.Join(dir, "p.yaml")
	os.WriteFile(y, []byte(`name: 某市
amount_unit: 元
budget_weight: 20
bands: [{grade: 优, min: 85}, {grade: 良, min: 75.5}, {grade: 差, min: 0}]
l1_weights: {产出指标: 50}
rescale: true
`), 0o644)
	p, err := LoadProfile(y)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "某市" || p.AmountUnit != "元" || p.BudgetWeight.String() != "20" || !p.Rescale {
		t.Errorf("yaml profile %+v", p)
	}
	if len(p.Bands) != 3 || p.Bands[1].Min.String() != "75.5" || p.L1Weights["产出指标"].String() != "50" {
		t.Errorf("bands %+v l1 %+v", p.Bands, p.L1Weights)
	}
	if len(p.Categories) != 4 || p.Places != 2 {
		t.Errorf("defaults not kept: %+v", p)
	}
	j := filepath.Join(dir, "p.json")
	os.WriteFile(j, []byte(`{"amount_unit": "美元"}`), 0o644)
	if _, err := LoadProfile(j); err == nil {
		t.Error("a bad amount unit was accepted")
	}
	os.WriteFile(j, []byte(`{"bands": [{"grade": "优", "min": 60}, {"grade": "良", "min": 80}]}`), 0o644)
	if _, err := LoadProfile(j); err == nil {
		t.Error("bands out of order were accepted")
	}
}
