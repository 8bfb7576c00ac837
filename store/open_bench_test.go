package store_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalOpen is a server start on the national directory: every page read (the damage
// check), the free list rebuilt from the tree, the indexes trusted after a clean close.
func BenchmarkNationalOpen(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../testdata/units/vn-units-2025.json")
	path := db.Path()
	db.Close()
	if fi, err := os.Stat(path); err == nil {
		b.Logf("national directory file: %.1f MB", float64(fi.Size())/(1<<20))
	}
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/open")
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MB-heap-after")
		db.Close()
	}
}
