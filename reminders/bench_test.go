package reminders

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// nationalWorld is the real list of 34 provinces and 3,321 communes with 28 village
// teams under each commune (~93,000 teams, the national count of 2024), each with a leader.
func nationalWorld(b *testing.B) (*store.DB, int) {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := importer.ImportFile(db, "../testdata/units/vn-units-2025.json"); err != nil {
		b.Fatal(err)
	}
	var communes []store.Unit
	db.View(func(tx *store.Tx) error {
		return tx.AllUnits(func(u store.Unit) error {
			if u.Parent != "" {
				communes = append(communes, u)
			}
			return nil
		})
	})
	teams := 0
	for start := 0; start < len(communes); start += 300 {
		err := db.Update(func(tx *store.Tx) error {
			for _, c := range communes[start:min(start+300, len(communes))] {
				for v := 1; v <= 28; v++ {
					code := fmt.Sprintf("%s.%02d", c.Code, v)
					if err := tx.PutUnit(store.Unit{Code: code, Name: fmt.Sprintf("Thôn %d", v), Level: "thôn", Parent: c.Code}); err != nil {
						return err
					}
					if err := tx.PutTeam(store.Team{Code: "T" + code, Name: "Tổ CNSCĐ thôn " + code, Unit: code}); err != nil {
						return err
					}
					lead := "L" + code
					if err := tx.PutPerson(store.Person{ZaloID: lead, Name: "Tổ trưởng " + code}); err != nil {
						return err
					}
					if err := tx.SetRole("T"+code, lead, store.RoleLeader); err != nil {
						return err
					}
					teams++
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return db, teams
}

// BenchmarkNationalSweep measures the 08:00 run three days before the cutoff for every team
// in the country: planning plus writing each reminder and its ledger entry to the outbox.
func BenchmarkNationalSweep(b *testing.B) {
	db, teams := nationalWorld(b)
	s := &Sweeper{DB: db, Loc: hcm, Enqueue: recordEnqueue}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Each iteration a different month, so the ledger does not turn it into a no-op.
		at := time.Date(2027, time.Month(1+i%12), 27, 8, 0, 0, 0, hcm)
		before := ledgerBytes(b, db)
		start := time.Now()
		sent, err := s.Sweep(at, false)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		if len(sent) < teams {
			b.Fatalf("sent %d for %d teams", len(sent), teams)
		}
		b.ReportMetric(float64(len(sent)), "messages")
		b.ReportMetric(took.Seconds(), "s/sweep")
		// The ledger is what a reminder leaves for good (the outbox record goes once delivered); counted as data,
		// since the pages a first month leaves half full take the next month's keys.
		after := ledgerBytes(b, db)
		b.ReportMetric(float64(after-before)/float64(len(sent)), "ledger-B/reminder")
	}
	b.ReportMetric(float64(teams), "teams")
}

// ledgerBytes is the data the reminder ledger holds in the file.
func ledgerBytes(b *testing.B, db *store.DB) int64 {
	b.StopTimer()
	defer b.StartTimer()
	sp, err := db.Space()
	if err != nil {
		b.Fatal(err)
	}
	for _, bs := range sp.Buckets {
		if bs.Name == "reminder_ledger" {
			return bs.UsedBytes
		}
	}
	return 0
}
