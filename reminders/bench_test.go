package reminders

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalSweep measures the 08:00 run three days before the cutoff for every team
// in the country: planning plus writing each reminder and its ledger entry to the outbox.
func BenchmarkNationalSweep(b *testing.B) {
	db, teams := storetest.NationalWorld(b, "../testdata/units/vn-units-2025.json")
	s := &Sweeper{DB: db, Loc: hcm, Enqueue: recordEnqueue}
	// The first run after a start reads the whole directory (cold); the server's sweeper then keeps it
	// until the directory changes, so the mornings after are warm: the cold run is reported apart.
	cold := time.Now()
	if _, err := s.Sweep(time.Date(2026, 12, 27, 8, 0, 0, 0, s.Loc), false); err != nil {
		b.Fatal(err)
	}
	coldTook := time.Since(cold)
	storetest.DeliverAll(b, db)
	b.ResetTimer()
	var total time.Duration
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
		total += took
		// The ledger is what a reminder leaves for good (the outbox record goes once delivered); counted as data,
		// since the pages a first month leaves half full take the next month's keys.
		after := ledgerBytes(b, db)
		b.ReportMetric(float64(after-before)/float64(len(sent)), "ledger-B/reminder")
		b.StopTimer()
		storetest.DeliverAll(b, db) // the morning's sender: the next morning starts from an empty outbox
		b.StartTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/sweep")
	b.ReportMetric(float64(teams), "teams")
	b.ReportMetric(coldTook.Seconds(), "s/cold-sweep")
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

// BenchmarkNationalDigest is an officer asking "#baocao" for the largest province (79: 4,704 teams)
// and for the whole country, over the national directory: the digest runs inside the handling
// transaction, so webhook acknowledgements wait behind it. The first run reads the directory; the
// sweeper keeps it for the next ones (reported apart).
func BenchmarkNationalDigest(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../testdata/units/vn-units-2025.json")
	s := &Sweeper{DB: db, Loc: hcm}
	at := time.Date(2027, 1, 17, 9, 0, 0, 0, hcm)
	for _, scope := range []string{"79", ""} {
		name := "province"
		if scope == "" {
			name = "national"
		}
		b.Run(name, func(b *testing.B) {
			o := store.Officer{ID: "o-" + name, Name: "Sở KH&CN", GroupID: "g-" + name, Scope: scope}
			digest := func() time.Duration {
				start := time.Now()
				if err := db.View(func(tx *store.Tx) error {
					_, err := s.Digest(tx, o, at, store.Period{})
					return err
				}); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			s.tree = nil // cold: as after a start or a directory change
			cold := digest()
			b.ResetTimer()
			for range b.N {
				digest()
			}
			b.ReportMetric(cold.Seconds()*1000, "ms-cold")
		})
	}
}

// BenchmarkNationalCutoffEve is the heaviest morning: the day before the cutoff, every team of the
// country due, leaders and deputies (~186,000 messages, ~52 minutes at the ~3,568 bulk sends a minute
// the outbox gets). With the server's CDTBOT_MORNING_WINDOW of 30 minutes, the 07:00 run queues what
// does not fit to go before 08:00 and the 08:00 run the rest: reported are how many go ahead, from how
// many minutes before 08:00, and how long the 08:00 part takes at that rate.
func BenchmarkNationalCutoffEve(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../testdata/units/vn-units-2025.json")
	storetest.AddDeputies(b, db)
	const perMinute = 3568 // bot.BulkPerMinute(0, 0)
	// A lookback of an hour: the world never ran the mornings before, whose reminders a 07:00 run
	// would otherwise catch up.
	s := &Sweeper{DB: db, Loc: hcm, Enqueue: recordEnqueue, BulkPerMinute: perMinute, Window: 30 * time.Minute, Lookback: time.Hour}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Each iteration a different month, so the ledger does not turn it into a no-op.
		m := time.Month(1 + i%12)
		eve := time.Date(2027, m, min(30, daysIn(2027, m))-1, 0, 0, 0, 0, hcm) // the cutoff is the 30th or February's last day
		ahead, err := s.Sweep(eve.Add(7*time.Hour), false)
		if err != nil {
			b.Fatal(err)
		}
		rest, err := s.Sweep(eve.Add(8*time.Hour), false)
		if err != nil {
			b.Fatal(err)
		}
		if len(ahead) == 0 {
			b.Fatalf("nothing went ahead of %d messages", len(rest))
		}
		b.ReportMetric(float64(len(ahead)+len(rest)), "messages")
		b.ReportMetric(float64(len(ahead)), "ahead")
		b.ReportMetric(eve.Add(8*time.Hour).Sub(ahead[0].NotBefore).Minutes(), "min-before-08")
		b.ReportMetric(float64(len(rest))/perMinute, "min-after-08")
		b.StopTimer()
		storetest.DeliverAll(b, db)
		b.StartTimer()
	}
}
