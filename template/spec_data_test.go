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
