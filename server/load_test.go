package server

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/validate"
)

// Many users upload at once over loopback: every answer is exactly the
// report of its own upload, and memory returns to where it was.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const requests, clients = 200, 16
	books := seeds(t)
	// The uploads: each alone, and a zip of all three.
	type job struct {
		parts []part
		want  []byte
	}
	var jobs []job
	for _, name := range []string{"seed1", "seed2", "faulty"} {
		jobs = append(jobs, job{parts: []part{{"file", name + ".xlsx", books[name]}}})
	}
	zipped := makeZip(t, map[string][]byte{"1.xlsx": books["seed1"], "2.xlsx": books["seed2"], "3.xlsx": books["faulty"]})
	jobs = append(jobs, job{parts: []part{{"file", "all.zip", zipped}}})
	for i := range jobs {
		jobs[i].want = expectedJSON(t, jobs[i].parts)
	}

	_, ts := newTestServer(t, Config{})
	client := ts.Client()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
		}
	}()

	start := time.Now()
	next := make(chan int)
	var wrong atomic.Int32
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j := jobs[i%len(jobs)]
				code, body, _ := post(t, client, ts.URL+"/api/check", j.parts...)
				if code != 200 || !bytes.Equal(body, j.want) {
					if wrong.Add(1) == 1 {
						t.Errorf("request %d: %d\n%s\nwant\n%s", i, code, body, j.want)
					}
				}
			}
		}()
	}
	for i := 0; i < requests; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	close(stop)
	elapsed := time.Since(start)
	client.CloseIdleConnections()

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d requests over %d clients in %s (%.0f/s); heap %s before, peak %s, %s after; %d goroutines",
		requests, clients, elapsed.Round(time.Millisecond), requests/elapsed.Seconds(),
		mb(before.HeapAlloc), mb(peak.Load()), mb(after.HeapAlloc), runtime.NumGoroutine())
	if wrong.Load() > 0 {
		t.Errorf("%d of %d answers wrong", wrong.Load(), requests)
	}
	if grew > 8<<20 {
		t.Errorf("heap grew by %s after the load", mb(uint64(grew)))
	}
	if peak.Load() > 128<<20 {
		t.Errorf("heap peaked at %s", mb(peak.Load()))
	}
}

// expectedJSON is the report of parts computed without the server.
func expectedJSON(t *testing.T, parts []part) []byte {
	t.Helper()
	s := New(Config{})
	up := &upload{fields: map[string]string{}}
	for _, p := range parts {
		if err := s.addFile(up, p.name, p.data); err != nil {
			t.Fatal(err)
		}
	}
	var results []validate.FileResult
	for _, b := range up.books {
		data, err := b.load(1 << 30)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, validate.NewChecker(validate.Checks(), validate.ReadOptions{}).CheckReader(bytes.NewReader(data), int64(len(data)), b.name))
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, results, report.ZH); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mb(n uint64) string { return fmt.Sprintf("%.1fMB", float64(n)/(1<<20)) }
