package bot_test

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalSweepToOutbox is the 08:00 run three days before the cutoff for every team in
// the country as the server does it: planning, then each reminder put in the outbox as what it
// means to say (bot.EnqueueReply, as cmd/cdtbot wires it) with its ledger entry.
func BenchmarkNationalSweepToOutbox(b *testing.B) {
	db, teams := storetest.NationalWorld(b, "../testdata/units/vn-units-2025.json")
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		b.Fatal(err)
	}
	s := &reminders.Sweeper{DB: db, Loc: loc, Enqueue: bot.EnqueueReminder}
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
		at := time.Date(2027, time.Month(1+i%12), 27, 8, 0, 0, 0, loc)
		start := time.Now()
		sent, err := s.Sweep(at, false)
		if err != nil {
			b.Fatal(err)
		}
		if len(sent) < teams {
			b.Fatalf("sent %d for %d teams", len(sent), teams)
		}
		total += time.Since(start)
		b.ReportMetric(float64(len(sent)), "messages")
		b.StopTimer()
		storetest.DeliverAll(b, db) // the morning's sender: the next morning starts from an empty outbox
		b.StartTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/sweep")
	b.ReportMetric(coldTook.Seconds(), "s/cold-sweep")
}
