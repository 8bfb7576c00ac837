package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// MustOpen opens a database in a temporary folder with a fixed clock.
func MustOpen(tb testing.TB, now func() time.Time) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "sub", "cdtbot.db"), Options{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func TestAppendEventDedupesConcurrentDuplicates(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := map[string]int{}
	for i := 0; i < 300; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			key := fmt.Sprintf("m:%d", i%100) // each key three times
			res, err := db.AppendEvent(context.Background(), Event{Key: key, Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(`{"x":1}`)})
			if err != nil {
				t.Error(err)
				return
			}
			if !res.Duplicate {
				mu.Lock()
				fresh[key]++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	db.SettleInbox()
	if got, want := len(fresh), 100; got != want {
		t.Fatalf("fresh keys = %d, want %d", got, want)
	}
	for k, n := range fresh {
		if n != 1 {
			t.Errorf("key %s stored %d times", k, n)
		}
	}
	var pending []Event
	db.View(func(tx *Tx) error {
		var err error
		pending, err = tx.PendingEvents(1000)
		return err
	})
	if len(pending) != 100 {
		t.Fatalf("pending = %d, want 100", len(pending))
	}
	if !bytes.Equal(pending[0].Body, []byte(`{"x":1}`)) || pending[0].Name != "user_send_text" {
		t.Errorf("event not stored intact: %+v", pending[0])
	}
}

func TestEventsSurviveReopenAndHandledStaysDeduped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := db.AppendEvent(context.Background(), Event{Key: "m:a", ReceivedAt: t0})
	db.AppendEvent(context.Background(), Event{Key: "m:b", ReceivedAt: t0})
	db.SettleInbox()
	if err := db.Update(func(tx *Tx) error { return tx.MarkHandled(res.Seq) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	again, _ := db.AppendEvent(context.Background(), Event{Key: "m:a", ReceivedAt: t0})
	if !again.Duplicate {
		t.Error("handled event accepted again after reopen")
	}
	db.View(func(tx *Tx) error {
		p, _ := tx.PendingEvents(10)
		if len(p) != 1 || p[0].Key != "m:b" {
			t.Errorf("pending after reopen = %+v, want only m:b", p)
		}
		return nil
	})
}

func TestSecondOpenFailsWithLockError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(path, Options{LockTimeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: err = %v, want ErrLocked", err)
	}
}

func TestNextSendableOrder(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	enq := func(p Priority, to, body string) uint64 {
		var seq uint64
		if err := db.Update(func(tx *Tx) error {
			var err error
			seq, err = tx.Enqueue(OutMsg{Priority: p, Endpoint: EndpointUser, To: to, Body: []byte(body)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return seq
	}
	enq(PriorityBulk, "A", `"bulk-A1"`)
	enq(PriorityBulk, "B", `"bulk-B1"`)
	enq(PriorityReply, "C", `"reply-C1"`)
	enq(PriorityReply, "C", `"reply-C2"`)
	enq(PriorityReply, "B", `"reply-B1"`)
	next := func(skip map[string]bool) []string {
		var got []string
		db.View(func(tx *Tx) error {
			ms, _, err := tx.NextSendable(t0, 10, skip)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				got = append(got, string(m.Body))
			}
			return nil
		})
		return got
	}
	if got, want := fmt.Sprint(next(nil)), `["reply-C1" "reply-B1" "bulk-A1"]`; got != want {
		t.Errorf("first pick = %s, want %s", got, want)
	}
	// C1 in flight: C2 must wait behind it.
	var c1 OutMsg
	db.Update(func(tx *Tx) error {
		ms, _, _ := tx.NextSendable(t0, 1, nil)
		var err error
		c1, err = tx.BeginSend(ms[0].Priority, ms[0].Seq)
		return err
	})
	if got, want := fmt.Sprint(next(nil)), `["reply-B1" "bulk-A1"]`; got != want {
		t.Errorf("with C1 in flight = %s, want %s", got, want)
	}
	if c1.Attempts != 1 || !c1.InFlight {
		t.Errorf("BeginSend = %+v", c1)
	}
	// Backing off: C1 returns later; nothing for C until then, and the wake time is reported.
	later := t0.Add(time.Minute)
	db.Update(func(tx *Tx) error { return tx.RetryLater(c1.Priority, c1.Seq, later, "503") })
	var wake time.Time
	db.View(func(tx *Tx) error { _, wake, _ = tx.NextSendable(t0, 10, nil); return nil })
	if !wake.Equal(later) {
		t.Errorf("wake = %v, want %v", wake, later)
	}
	db.Update(func(tx *Tx) error {
		return tx.Settle(c1.Priority, c1.Seq, Outcome{Status: StatusSent, MessageID: "mid-1"})
	})
	if got, want := fmt.Sprint(next(map[string]bool{"B": true})), `["reply-C2" "bulk-A1"]`; got != want {
		t.Errorf("after settle = %s, want %s", got, want)
	}
	db.View(func(tx *Tx) error {
		os, _ := tx.Outcomes(0, 10)
		if len(os) != 1 || os[0].MessageID != "mid-1" || os[0].Attempts != 1 || string(os[0].Body) != `"reply-C1"` {
			t.Errorf("outcomes = %+v", os)
		}
		return nil
	})
}

func TestRecoverInFlight(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	db.Update(func(tx *Tx) error {
		seq, _ := tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: "A", Body: []byte(`1`)})
		_, err := tx.BeginSend(PriorityReply, seq)
		return err
	})
	var n int
	db.Update(func(tx *Tx) error { var err error; n, err = tx.RecoverInFlight(); return err })
	if n != 1 {
		t.Fatalf("recovered %d, want 1", n)
	}
	db.View(func(tx *Tx) error {
		ms, _, _ := tx.NextSendable(t0, 10, nil)
		if len(ms) != 1 || ms[0].InFlight || ms[0].Attempts != 1 {
			t.Errorf("after recovery = %+v", ms)
		}
		return nil
	})
}

func TestPruneKeepsUnhandled(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	old := t0.Add(-10 * 24 * time.Hour)
	a, _ := db.AppendEvent(context.Background(), Event{Key: "m:old-handled", ReceivedAt: old})
	db.AppendEvent(context.Background(), Event{Key: "m:old-pending", ReceivedAt: old})
	db.AppendEvent(context.Background(), Event{Key: "m:new", ReceivedAt: t0})
	db.SettleInbox()
	db.Update(func(tx *Tx) error { return tx.MarkHandled(a.Seq) })
	var n int
	db.Update(func(tx *Tx) error { var err error; n, err = tx.PruneEvents(t0.Add(-7*24*time.Hour), 100); return err })
	if n != 1 {
		t.Errorf("pruned %d, want 1", n)
	}
	db.View(func(tx *Tx) error {
		if got := tx.EventCount(); got != 2 {
			t.Errorf("events left = %d, want 2", got)
		}
		return nil
	})
}

func TestSentLogFollowsSettleOrder(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	var a, b uint64
	db.Update(func(tx *Tx) error {
		a, _ = tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: "A", Body: []byte(`"a"`)})
		b, _ = tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: "B", Body: []byte(`"b"`)})
		return nil
	})
	// b settles first (a is being retried): a poller that saw b must still get a afterwards.
	db.Update(func(tx *Tx) error { return tx.Settle(PriorityReply, b, Outcome{Status: StatusSent}) })
	var first []Outcome
	db.View(func(tx *Tx) error { first, _ = tx.SentLog(0, 10); return nil })
	if len(first) != 1 || first[0].Seq != b {
		t.Fatalf("first poll = %+v", first)
	}
	db.Update(func(tx *Tx) error { return tx.Settle(PriorityReply, a, Outcome{Status: StatusSent}) })
	var next []Outcome
	db.View(func(tx *Tx) error { next, _ = tx.SentLog(first[0].LogSeq, 10); return nil })
	if len(next) != 1 || next[0].Seq != a {
		t.Fatalf("second poll after log_seq %d = %+v, want message %d", first[0].LogSeq, next, a)
	}
	// Pruning drops both the outcome and its log entry.
	db.Update(func(tx *Tx) error { _, err := tx.PruneOutcomes(t0.Add(time.Hour), 100); return err })
	db.View(func(tx *Tx) error {
		if all, _ := tx.SentLog(0, 10); len(all) != 0 {
			t.Errorf("after prune: %+v", all)
		}
		return nil
	})
}

// Pruning goes in batches of at most limit, oldest first, and stops at what is within retention.
func TestPruningInBatches(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	for i := range 5 {
		at := t0.Add(-time.Duration(40-i) * 24 * time.Hour) // 40 … 36 days ago
		if i == 4 {
			at = t0.Add(-time.Hour) // recent
		}
		ev, _ := db.AppendEvent(context.Background(), Event{Key: fmt.Sprintf("m:%d", i), ReceivedAt: at})
		db.SettleInbox()
		db.Update(func(tx *Tx) error {
			if err := tx.MarkHandled(ev.Seq); err != nil {
				return err
			}
			seq, err := tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: "A", Body: []byte(`"x"`)})
			if err != nil {
				return err
			}
			return tx.Settle(PriorityReply, seq, Outcome{Status: StatusSent, At: at})
		})
	}
	cutoff := t0.Add(-35 * 24 * time.Hour)
	for _, want := range []int{3, 1, 0} {
		var evs, outs int
		db.Update(func(tx *Tx) error {
			var err error
			if evs, err = tx.PruneEvents(cutoff, 3); err != nil {
				return err
			}
			outs, err = tx.PruneOutcomes(cutoff, 3)
			return err
		})
		if evs != want || outs != want {
			t.Errorf("batch of 3: pruned %d events and %d outcomes, want %d of each", evs, outs, want)
		}
	}
	db.View(func(tx *Tx) error {
		if n := tx.EventCount(); n != 1 {
			t.Errorf("%d events left, want the recent one", n)
		}
		if all, _ := tx.SentLog(0, 10); len(all) != 1 {
			t.Errorf("outcomes left: %+v, want the recent one", all)
		}
		return nil
	})
}

// Outcomes settled before the sent log existed have no log entry: they are pruned by age too, and once
// none is left the bucket is not read again.
func TestLegacyOutcomesArePruned(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	old, recent := t0.Add(-40*24*time.Hour), t0.Add(-time.Hour)
	db.Update(func(tx *Tx) error {
		sent := tx.btx.Bucket(bucketSent)
		sent.Put(u64(901), []byte(`{"seq":901,"to":"A","at":"`+old.Format(time.RFC3339)+`"}`))
		sent.Put(u64(902), []byte(`{"seq":902,"to":"A","at":"`+recent.Format(time.RFC3339)+`"}`))
		seq, _ := tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: "B", Body: []byte(`"b"`)})
		return tx.Settle(PriorityReply, seq, Outcome{Status: StatusSent, At: old})
	})
	prune := func(cutoff time.Time) int {
		var n int
		if err := db.Update(func(tx *Tx) error { var err error; n, err = tx.PruneLegacyOutcomes(cutoff); return err }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := prune(t0.Add(-35 * 24 * time.Hour)); n != 1 {
		t.Errorf("first run pruned %d legacy outcomes, want the old one", n)
	}
	if n := prune(t0); n != 1 {
		t.Errorf("second run pruned %d, want the recent one now past the cutoff", n)
	}
	db.Update(func(tx *Tx) error { // a legacy record appearing now would not be read: the work is done
		return tx.btx.Bucket(bucketSent).Put(u64(903), []byte(`{"seq":903,"at":"`+old.Format(time.RFC3339)+`"}`))
	})
	if n := prune(t0); n != 0 {
		t.Errorf("after the last legacy outcome went, a run pruned %d", n)
	}
	db.View(func(tx *Tx) error {
		if all, _ := tx.SentLog(0, 10); len(all) != 1 {
			t.Errorf("the logged outcome was touched: %+v", all)
		}
		return nil
	})
}

// Bodies go after their own retention, oldest first, from where the last run stopped; the outcome stays.
func TestStripOutcomeBodies(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	for i, age := range []time.Duration{5 * 24 * time.Hour, 4 * 24 * time.Hour, 3 * 24 * time.Hour, time.Hour} {
		db.Update(func(tx *Tx) error {
			seq, _ := tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: fmt.Sprint("U", i), Body: []byte(`{"message":{"text":"Câu 1/12"}}`)})
			return tx.Settle(PriorityReply, seq, Outcome{Status: StatusSent, At: t0.Add(-age)})
		})
	}
	strip := func(limit int) int {
		var n int
		if err := db.Update(func(tx *Tx) error {
			var err error
			n, err = tx.StripOutcomeBodies(t0.Add(-2*24*time.Hour), limit)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := strip(2); n != 2 {
		t.Errorf("first batch of 2: went through %d", n)
	}
	if n := strip(2); n != 1 {
		t.Errorf("second batch: went through %d, want the third old one only", n)
	}
	if n := strip(2); n != 0 {
		t.Errorf("third batch: went through %d, want nothing (the last one is recent)", n)
	}
	db.View(func(tx *Tx) error {
		all, _ := tx.SentLog(0, 10)
		if len(all) != 4 {
			t.Fatalf("outcomes: %d, want all 4 kept", len(all))
		}
		for i, o := range all {
			if has := len(o.Body) > 0 && string(o.Body) != "null"; has != (i == 3) {
				t.Errorf("outcome %d (to %s): body %q", i, o.To, o.Body)
			}
			if o.To == "" || o.Status != StatusSent {
				t.Errorf("outcome %d lost its record: %+v", i, o)
			}
		}
		return nil
	})
}

// What people wrote goes after CDTBOT_KEEP_BODIES once handled; the event's header and dedupe key stay
// for the retention, an unhandled event keeps its body, and a record of an earlier release (its body
// inside) is written again without it.
func TestDropEventBodies(t *testing.T) {
	now := t0
	db := MustOpen(t, func() time.Time { return now })
	ctx := context.Background()
	for i := range 4 {
		if _, err := db.AppendEvent(ctx, Event{Key: fmt.Sprintf("m:%d", i), Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(fmt.Sprintf(`{"n":%d}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
	db.SettleInbox()
	if err := db.Update(func(tx *Tx) error {
		// Events 1 and 2 handled; 3 waits; 4 is an earlier release's record (body inside), handled.
		if err := errors.Join(tx.MarkHandled(1), tx.MarkHandled(2), tx.MarkHandled(4)); err != nil {
			return err
		}
		val, _ := encodeEvent(Event{Seq: 4, Key: "m:3", Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(`{"n":3}`)})
		return errors.Join(tx.btx.Bucket(bucketEvents).Put(u64(4), val), tx.btx.Bucket(bucketEventBodies).Delete(u64(4)))
	}); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(3 * 24 * time.Hour)
	if err := db.Update(func(tx *Tx) error {
		if n, err := tx.DropEventBodies(t0.Add(time.Hour), 2); err != nil || n != 2 {
			t.Errorf("first batch: %d, %v", n, err)
		}
		_, err := tx.DropEventBodies(t0.Add(time.Hour), 10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		for seq, want := range map[uint64]string{1: "", 2: "", 3: `{"n":2}`, 4: ""} {
			v := tx.btx.Bucket(bucketEvents).Get(u64(seq))
			ev, err := tx.event(seq, v)
			if err != nil || string(ev.Body) != want || ev.Key == "" {
				t.Errorf("event %d: %+v %v, want body %q and its header", seq, ev, err, want)
			}
		}
		if tx.btx.Bucket(bucketEventKeys).Stats().KeyN != 4 {
			t.Error("dedupe keys went with the bodies")
		}
		return nil
	})
	// Event 3 is handled late, after the dropping went past it: its body goes as it is handled.
	if err := db.Update(func(tx *Tx) error { return tx.MarkHandled(3) }); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		if ev, _ := tx.event(3, tx.btx.Bucket(bucketEvents).Get(u64(3))); len(ev.Body) != 0 {
			t.Errorf("an event handled late kept its body: %q", ev.Body)
		}
		return nil
	})
}

// An event's header is binary now; headers earlier releases wrote in JSON still read, and a record
// cut short is refused, never read as something else.
func TestEventHeaders(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 1, 2, 345678901, time.UTC)
	for _, ev := range []Event{
		{Seq: 7, Key: "m:abc", Partition: "u:1", Name: "user_send_text", RequestID: "r-1", ReceivedAt: at, Attempts: 2, Stamp: at.UnixMilli(), Body: []byte(`{"x":1}`)},
		{Seq: 8, Key: "e:follow|1|1", Name: "follow"}, // no time, no body
	} {
		v, err := encodeEvent(ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeEvent(ev.Seq, v)
		if err != nil || got.Key != ev.Key || got.Partition != ev.Partition || got.Name != ev.Name || got.RequestID != ev.RequestID ||
			!got.ReceivedAt.Equal(ev.ReceivedAt) || got.ReceivedAt.IsZero() != ev.ReceivedAt.IsZero() || got.Attempts != ev.Attempts ||
			got.Stamp != ev.Stamp || string(got.Body) != string(ev.Body) {
			t.Errorf("%+v read back as %+v, %v", ev, got, err)
		}
		for cut := 1; cut < len(v)-len(ev.Body); cut++ {
			if _, err := decodeEvent(ev.Seq, v[:cut]); err == nil {
				t.Errorf("%+v cut to %d bytes read without error", ev, cut)
			}
		}
	}
	meta := []byte(`{"key":"m:old","partition":"u:9","name":"user_send_text","at":"2026-11-01T07:00:00+07:00","attempts":1}`)
	legacy := append(binary.AppendUvarint(nil, uint64(len(meta))), meta...)
	legacy = append(legacy, `{"body":1}`...)
	got, err := decodeEvent(3, legacy)
	if err != nil || got.Key != "m:old" || got.Partition != "u:9" || got.Attempts != 1 || string(got.Body) != `{"body":1}` ||
		!got.ReceivedAt.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a JSON header of an earlier release read as %+v, %v", got, err)
	}
}

// Dedupe keys are laid out after the event's stamp (time order) unless DedupeByKeyOnly; either way a
// delivery again is a duplicate — in the log, in the database, after the setting changed — and pruning
// and erasure forget the key whichever layout holds it.
func TestDedupeKeysInEitherLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	stamp := t0.UnixMilli()
	ev := func(key string, s int64) Event {
		return Event{Key: key, Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Stamp: s, Body: []byte(`{}`)}
	}
	appendOne := func(db *DB, e Event) AppendResult {
		t.Helper()
		res, err := db.AppendEvent(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, keyOnly := range []bool{false, true} {
		db, err := Open(path, Options{Now: fixedClock(t0), DedupeByKeyOnly: keyOnly})
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprint("m:", keyOnly)
		first := appendOne(db, ev(name, stamp))
		if again := appendOne(db, ev(name, stamp)); !again.Duplicate || again.Seq != first.Seq {
			t.Errorf("keyOnly=%v: again while logged: %+v", keyOnly, again)
		}
		db.SettleInbox()
		if again := appendOne(db, ev(name, stamp)); !again.Duplicate || again.Seq != first.Seq {
			t.Errorf("keyOnly=%v: again once stored: %+v", keyOnly, again)
		}
		db.View(func(tx *Tx) error {
			keys := tx.btx.Bucket(bucketEventKeys)
			stamped, alone := keys.Get(stampedKey(ev(name, stamp))) != nil, keys.Get([]byte(name)) != nil
			if stamped == keyOnly || alone != keyOnly {
				t.Errorf("keyOnly=%v: stored after the stamp %v, alone %v", keyOnly, stamped, alone)
			}
			return nil
		})
		db.Close()
	}
	// The setting changed both ways: the other layout's keys still say duplicate.
	for _, keyOnly := range []bool{false, true} {
		db, err := Open(path, Options{Now: fixedClock(t0), DedupeByKeyOnly: keyOnly})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"m:false", "m:true"} {
			if again := appendOne(db, ev(name, stamp)); !again.Duplicate {
				t.Errorf("keyOnly=%v: %s stored again after the setting changed", keyOnly, name)
			}
		}
		db.Close()
	}
	// Pruned: both keys go, whichever layout.
	db, err := Open(path, Options{Now: fixedClock(t0.Add(30 * 24 * time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *Tx) error {
		evs, err := tx.PendingEvents(10)
		for _, e := range evs {
			if err := tx.MarkHandled(e.Seq); err != nil {
				return err
			}
		}
		if err != nil {
			return err
		}
		_, err = tx.PruneEvents(t0.Add(time.Hour), 100)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		if n := tx.btx.Bucket(bucketEventKeys).Stats().KeyN; n != 0 {
			t.Errorf("%d dedupe keys left after pruning", n)
		}
		return nil
	})
}
