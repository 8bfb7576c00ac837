package stats_test

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/stats"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalStats is /api/v1/stats over the national directory (92,988 teams): a province and
// a commune of 28 teams, both still reading every team (issue 13 wants aggregates per unit).
func BenchmarkNationalStats(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../../testdata/units/vn-units-2025.json")
	loc := hcm(b)
	var province, commune string
	db.View(func(tx *store.Tx) error {
		return tx.AllUnits(func(u store.Unit) error {
			if u.Parent == "" && province == "" {
				province = u.Code
			}
			if u.Parent != "" && u.Parent == province && commune == "" {
				commune = u.Code
			}
			return nil
		})
	})
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
}
