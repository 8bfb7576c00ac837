package stats_test

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/stats"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalStats is /api/v1/stats over the national directory (92,988 teams): the largest
// province and one of its communes (28 teams), each reading only its own teams through the unit index.
func BenchmarkNationalStats(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../../testdata/units/vn-units-2025.json")
	loc := hcm(b)
	// The province with the most communes, and one of its communes.
	communes := map[string][]string{}
	db.View(func(tx *store.Tx) error {
		return tx.AllUnits(func(u store.Unit) error {
			if u.Level != "thôn" && u.Parent != "" {
				communes[u.Parent] = append(communes[u.Parent], u.Code)
			}
			return nil
		})
	})
	var province string
	for p, cs := range communes {
		if len(cs) > len(communes[province]) || len(cs) == len(communes[province]) && p < province {
			province = p
		}
	}
	commune := communes[province][0]
	b.Logf("province %s: %d communes, %d teams", province, len(communes[province]), 28*len(communes[province]))
	for _, c := range []struct{ name, unit string }{{"province", province}, {"commune", commune}} {
		b.Run(c.name, func(b *testing.B) {
			q := stats.Query{Unit: c.unit, At: time.Date(2026, 12, 1, 8, 0, 0, 0, loc), Loc: loc}
			for range b.N {
				if err := db.View(func(tx *store.Tx) error { _, err := stats.Compute(tx, q); return err }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/view")
		})
	}
	b.Run("province-csv", func(b *testing.B) {
		q := stats.Query{Unit: province, At: time.Date(2026, 12, 1, 8, 0, 0, 0, loc), Loc: loc}
		var first time.Duration
		for range b.N {
			w := &firstByte{start: time.Now()}
			if err := db.View(func(tx *store.Tx) error { return stats.WriteCSV(tx, w, q) }); err != nil {
				b.Fatal(err)
			}
			first += w.after
		}
		b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-first-byte")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/export")
	})
}

// firstByte notes when the first bytes were written.
type firstByte struct {
	start time.Time
	after time.Duration
}

func (w *firstByte) Write(p []byte) (int, error) {
	if w.after == 0 {
		w.after = time.Since(w.start)
	}
	return len(p), nil
}
