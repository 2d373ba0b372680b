package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteCommitsOrLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "out.txt")
	if err := Write(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("content %q", b)
	}
	// A failed write keeps the old file and leaves no temp file behind.
	err := Write(p, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") })
	if err == nil {
		t.Fatal("error lost")
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("old content replaced by a failed write: %q", b)
	}
	ents, _ := os.ReadDir(filepath.Dir(p))
	if len(ents) != 1 {
		t.Errorf("leftovers: %v", ents)
	}
}

func TestWithinAndSame(t *testing.T) {
	dir := t.TempDir()
	for p, want := range map[string]bool{
		filepath.Join(dir, "a", "b.xlsx"):        true,
		filepath.Join(dir, "..", "x.xlsx"):       false,
		filepath.Join(dir, "a", "..", "..", "y"): false,
		filepath.Join(dir, "..a"):                true,
	} {
		if got := Within(dir, p); got != want {
			t.Errorf("Within(%s, %s) = %v", dir, p, got)
		}
	}
	a := filepath.Join(dir, "a.txt")
	os.WriteFile(a, []byte("x"), 0o644)
	if !Same(a, filepath.Join(dir, ".", "a.txt")) || Same(a, filepath.Join(dir, "b.txt")) {
		t.Error("Same is wrong")
	}
}
