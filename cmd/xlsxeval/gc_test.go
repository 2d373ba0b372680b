package main

import (
	"runtime/debug"
	"testing"
)

// currentGC reads the collector's percentage without changing it.
func currentGC() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestBatchGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(5 << 30))
	restore := batchGC()
	if p, l := currentGC(), debug.SetMemoryLimit(-1); p != gcPercent || l != memoryLimit {
		t.Errorf("during a batch: GOGC %d, limit %d", p, l)
	}
	restore()
	if p, l := currentGC(), debug.SetMemoryLimit(-1); p != 77 || l != 5<<30 {
		t.Errorf("after: GOGC %d, limit %d; want 77 and the limit before", p, l)
	}
	// A setting the user made in the environment wins.
	t.Setenv("GOGC", "200")
	batchGC()()
	if p := currentGC(); p != 77 {
		t.Errorf("with GOGC set: %d, want it left at 77", p)
	}
}
