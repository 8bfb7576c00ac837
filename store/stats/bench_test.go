package stats_test

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/stats"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalStats is /api/v1/stats over the national directory (92,988 teams): the largest
// province (60% of its teams filed) and one of its communes (28 teams), each reading only its own teams
// through the unit index, and the province's CSV export with its reports.
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
	// 60% of the province's teams filed November's report (12 answers), so rows and exports are full.
	var teams []store.Team
	db.View(func(tx *store.Tx) error { var err error; teams, err = tx.TeamsUnder(province); return err })
	filedAt := time.Date(2026, 11, 18, 9, 0, 0, 0, loc)
	answers := map[string]string{"households": "12", "dvctt": "30", "vneid": "5", "cashless": "3", "ecommerce": "2", "health_book": "0", "sessions": "2",
		"gov": "Hướng dẫn người dân cài VNeID và nộp hồ sơ trực tuyến.", "econ": "Hỗ trợ mở tài khoản thanh toán.", "soc": "Tuyên truyền trên loa phát thanh."}
	if err := db.Update(func(tx *store.Tx) error {
		for i, t := range teams {
			if i%5 < 3 {
				if _, err := tx.SaveReport(store.Report{Team: t.Code, Period: "2026-11", Answers: answers, FiledBy: "L" + t.Unit, Role: store.RoleLeader, FiledAt: filedAt, Question: "default"}); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
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
		q := stats.Query{Unit: province, Period: store.Period{Year: 2026, Month: 11}, At: time.Date(2026, 12, 1, 8, 0, 0, 0, loc), Loc: loc}
		var first time.Duration
		for range b.N {
			w := &firstByte{start: time.Now()}
			defer func() { b.ReportMetric(float64(w.n)/1024, "KiB") }()
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
	n     int
}

func (w *firstByte) Write(p []byte) (int, error) {
	if w.after == 0 {
		w.after = time.Since(w.start)
	}
	w.n += len(p)
	return len(p), nil
}
