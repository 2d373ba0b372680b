package template

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/xlsxeval/xlsxeval/formulas"
)

// variedSpec is n prefilled projects: the two seed forms taken in turn,
// each with its own name and funds scaled by a random factor, so no two
// workbooks are alike.
func variedSpec(b *testing.B, n int) *Spec {
	b.Helper()
	var seeds []*Project
	for _, name := range []string{"seed1.yaml", "seed2.yaml"} {
		s, err := ReadSpec(filepath.Join("..", "samples", "specs", name), formulas.Default(), 2024)
		if err != nil {
			b.Fatal(err)
		}
		seeds = append(seeds, s.Projects...)
	}
	r := rand.New(rand.NewPCG(7, 2024))
	s := &Spec{Year: 2024}
	for i := 0; i < n; i++ {
		pr := *seeds[i%len(seeds)]
		pr.Name = fmt.Sprintf("%s%04d", pr.Name, i)
		pr.Code = fmt.Sprintf("P%04d", i)
		k := decimal.New(int64(50+r.IntN(150)), -2) // 0.50 … 1.99
		pr.Funds.Current = scaled(pr.Funds.Current, k)
		pr.Funds.Carry = scaled(pr.Funds.Carry, k)
		pr.Funds.Other = scaled(pr.Funds.Other, k)
		s.Projects = append(s.Projects, &pr)
	}
	return s
}

func scaled(f *Figures, k decimal.Decimal) *Figures {
	if f == nil {
		return nil
	}
	mul := func(d *Dec) *Dec {
		if d == nil {
			return nil
		}
		return &Dec{d.Mul(k).Round(3)}
	}
	return &Figures{Initial: mul(f.Initial), Budget: mul(f.Budget), Exec: mul(f.Exec)}
}

// BenchmarkGenerate writes 1,000 prefilled workbooks per operation, one
// per project, the way `xlsxeval template --spec … -o dir/` does.
func BenchmarkGenerate(b *testing.B) {
	const n = 1000
	s := variedSpec(b, n)
	o := Options{Profile: formulas.Default(), Year: 2024}
	b.ReportAllocs()
	for b.Loop() {
		out := filepath.Join(b.TempDir(), "out")
		paths, err := WriteSpec(s, out, false, o)
		if err != nil || len(paths) != n {
			b.Fatalf("%d files: %v", len(paths), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "forms/s")
}

// BenchmarkGenerateOne builds one prefilled workbook in memory.
func BenchmarkGenerateOne(b *testing.B) {
	s := variedSpec(b, 2)
	o := Options{Profile: formulas.Default(), Year: 2024}
	b.ReportAllocs()
	for b.Loop() {
		w, err := Build(s.Projects[:1], o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}
