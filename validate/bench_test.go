package validate_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/xlsxeval/xlsxeval/form"
	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

// benchDistinct is how many different workbooks a batch is made of; the
// batch repeats them under other names (generating 1,000 would dominate
// the benchmark's setup).
const benchDistinct = 200

// filledBatch writes n filled workbooks into a temporary folder and
// returns their paths. They are the seed forms with scaled funds, some
// with a score above what the completion allows, and every fourth with
// the fingerprint sheet removed so that it is read by its labels, like a
// form that did not come from our template.
func filledBatch(b *testing.B, n int) []string {
	b.Helper()
	var seeds []*template.Project
	for _, name := range []string{"seed1.yaml", "seed2.yaml"} {
		s, err := template.ReadSpec(filepath.Join("..", "samples", "specs", name), formulas.Default(), 2024)
		if err != nil {
			b.Fatal(err)
		}
		seeds = append(seeds, s.Projects...)
	}
	if d := os.Getenv("XLSXEVAL_BENCH_BOOKS"); d != "" {
		// Workbooks written by another version (see below), to tell a
		// slower checker from bigger workbooks.
		var paths []string
		for i := 0; i < n; i++ {
			paths = append(paths, filepath.Join(d, fmt.Sprintf("%05d.xlsx", i%benchDistinct)))
		}
		return paths
	}
	r := rand.New(rand.NewPCG(7, 2024))
	dir := b.TempDir()
	if d := os.Getenv("XLSXEVAL_BENCH_KEEP"); d != "" {
		dir = d // the batch is kept there for XLSXEVAL_BENCH_BOOKS
	}
	var books [][]byte
	for i := 0; i < min(n, benchDistinct); i++ {
		books = append(books, filledBook(b, seeds[i%len(seeds)], i, r))
	}
	var paths []string
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("%05d.xlsx", i))
		if err := os.WriteFile(p, books[i%len(books)], 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func filledBook(b *testing.B, seed *template.Project, i int, r *rand.Rand) []byte {
	pr := *seed
	pr.Name = fmt.Sprintf("%s%04d", pr.Name, i)
	k := decimal.New(int64(50+r.IntN(150)), -2)
	scale := func(f *template.Figures) *template.Figures {
		if f == nil {
			return nil
		}
		mul := func(d *template.Dec) *template.Dec {
			if d == nil {
				return nil
			}
			return &template.Dec{Decimal: d.Mul(k).Round(3)}
		}
		return &template.Figures{Initial: mul(f.Initial), Budget: mul(f.Budget), Exec: mul(f.Exec)}
	}
	pr.Funds.Current, pr.Funds.Carry, pr.Funds.Other = scale(pr.Funds.Current), scale(pr.Funds.Carry), scale(pr.Funds.Other)
	if i%3 == 0 { // full marks for the last indicator, whatever it achieved
		inds := append([]*template.Indicator(nil), pr.Indicators...)
		last := *inds[len(inds)-1]
		last.Score, last.Reason = last.Weight, ""
		inds[len(inds)-1] = &last
		pr.Indicators = inds
	}
	w, err := template.Build([]*template.Project{&pr}, template.Options{Profile: formulas.Default(), Year: 2024})
	if err != nil {
		b.Fatal(err)
	}
	data, err := w.Bytes()
	if err != nil {
		b.Fatal(err)
	}
	if i%4 != 3 {
		return data
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := f.DeleteSheet(form.FingerprintSheet); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkCheckOne reads and checks one filled workbook from disk, by
// its fingerprint and by its labels.
func BenchmarkCheckOne(b *testing.B) {
	paths := filledBatch(b, 4)
	for _, c := range []struct {
		name string
		path string
	}{{"fingerprint", paths[0]}, {"labels", paths[3]}} {
		b.Run(c.name, func(b *testing.B) {
			k := validate.NewChecker(validate.Checks(), validate.ReadOptions{})
			b.ReportAllocs()
			for b.Loop() {
				r := k.CheckFile(c.path)
				if r.Err != nil || len(r.Forms) != 1 {
					b.Fatalf("%v %d forms", r.Err, len(r.Forms))
				}
			}
		})
	}
}

// BenchmarkCheckBatch checks 1,000 workbooks per operation the way
// `xlsxeval check --format json` does: CheckAll on every core, with the
// command's collector setting, each result turned into its report and
// streamed out as JSON.
func BenchmarkCheckBatch(b *testing.B) {
	const n = 1000
	paths := filledBatch(b, n)
	// The collector as cmd/xlsxeval's batchGC sets it for check.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	k := validate.NewChecker(validate.Checks(), validate.ReadOptions{})
	b.ReportAllocs()
	for b.Loop() {
		out := &report.JSON{W: io.Discard}
		var sum report.Summary
		var werr error
		k.CheckAll(paths, runtime.NumCPU(), func(r validate.FileResult) {
			if r.Err != nil || len(r.Forms) != 1 {
				b.Fatalf("%s: %v", r.Path, r.Err)
			}
			f := report.FromResult(r, report.ZH)
			sum.Add(f)
			if werr == nil {
				werr = out.File(f)
			}
		})
		if err := out.Close(sum); err != nil || werr != nil {
			b.Fatal(err, werr)
		}
		if sum.Files != n || sum.Errors == 0 {
			b.Fatalf("summary %+v", sum)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "forms/s")
}
