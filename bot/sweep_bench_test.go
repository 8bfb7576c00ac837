package bot_test

import (
	"runtime"
	"sync/atomic"
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
	heap := watchHeap(b)
	cold := time.Now()
	if _, err := s.Sweep(time.Date(2026, 12, 27, 8, 0, 0, 0, s.Loc), false); err != nil {
		b.Fatal(err)
	}
	coldTook, coldPeak := time.Since(cold), heap.peak()
	storetest.DeliverAll(b, db)
	b.ResetTimer()
	var total time.Duration
	warmPeak := 0.0
	for i := 0; i < b.N; i++ {
		at := time.Date(2027, time.Month(1+i%12), 27, 8, 0, 0, 0, loc)
		heap.reset()
		start := time.Now()
		sent, err := s.Sweep(at, false)
		warmPeak = max(warmPeak, heap.peak())
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
	b.ReportMetric(warmPeak, "MB-peak-heap")
	b.ReportMetric(coldPeak, "MB-cold-peak-heap")
	b.ReportMetric(heap.live(), "MB-kept-heap") // what stays between mornings (the directory kept)
	runtime.KeepAlive(s)
}

// heapWatch samples the heap in use every 10 ms: the peak of a run is what its memory needs.
type heapWatch struct {
	max  atomic.Uint64
	stop chan struct{}
}

func watchHeap(b *testing.B) *heapWatch {
	w := &heapWatch{stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > w.max.Load() {
					w.max.Store(m.HeapInuse)
				}
			}
		}
	}()
	b.Cleanup(func() { close(w.stop) })
	return w
}

func (w *heapWatch) peak() float64 { return float64(w.max.Load()) / (1 << 20) }

// reset starts a new peak from a collected heap.
func (w *heapWatch) reset() {
	runtime.GC()
	w.max.Store(0)
}

// live is the heap still reachable, in MB.
func (w *heapWatch) live() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}
