package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// leaveLog writes path's inbox log as a run stopped by a crash would leave it: the records of evs,
// then tail (a torn record, when not empty).
func leaveLog(t *testing.T, path string, tail []byte, evs ...Event) {
	t.Helper()
	var log []byte
	for _, ev := range evs {
		var err error
		if log, err = appendLogRecord(log, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(inboxLogPath(path), append(log, tail...), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readLogFile reads the records path's inbox log holds.
func readLogFile(t *testing.T, path string) []Event {
	t.Helper()
	f, err := os.Open(inboxLogPath(path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	evs, err := readInboxLog(f)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// The log is written over zeros and rewound once copied: what it held is zeroed (an erased person's
// messages do not linger in it), the file does not grow with traffic, and a record of before a rewind
// that a crash left behind a newer one is not read as the log's (its seq does not follow).
func TestTheInboxLogIsRewoundAndZeroed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		for i := range 200 {
			k := fmt.Sprintf("m:%d:%d", round, i)
			if _, err := db.AppendEvent(context.Background(), Event{Key: k, Partition: "u:1", ReceivedAt: t0, Body: []byte(`{"text":"secret-` + k + `"}`)}); err != nil {
				t.Fatal(err)
			}
		}
		db.SettleInbox()
	}
	raw, err := os.ReadFile(inboxLogPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "secret-") {
		t.Error("the log still holds bodies it copied")
	}
	if len(raw) > inboxLogChunk+1<<20 {
		t.Errorf("the log is %d bytes after 600 small events", len(raw))
	}
	db.Close()

	// A crash after a rewind whose zeros did not reach the disk: a new record (seq 9) over the start of
	// older ones (seqs 5, 6). Only seq 9 is the log's.
	newer, _ := appendLogRecord(nil, Event{Seq: 9, Key: "m:new", ReceivedAt: t0, Body: []byte(`{}`)})
	older, _ := appendLogRecord(nil, Event{Seq: 5, Key: "m:old5", ReceivedAt: t0, Body: []byte(`{}`)})
	older, _ = appendLogRecord(older, Event{Seq: 6, Key: "m:old6", ReceivedAt: t0, Body: []byte(`{}`)})
	if err := os.WriteFile(inboxLogPath(path), append(newer, older...), 0o600); err != nil {
		t.Fatal(err)
	}
	if evs := readLogFile(t, path); len(evs) != 1 || evs[0].Key != "m:new" {
		t.Errorf("read after a crash behind a rewind: %+v (want m:new alone)", evs)
	}
}

// What a run logged and acknowledged but did not copy into the database (a crash in between) is
// copied at the next open: once, in order, with its body; an event already copied is not stored twice;
// a torn last record (never acknowledged) is dropped; the log is emptied and seqs go on after the
// highest logged one.
func TestTheInboxLogIsCopiedAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AppendEvent(context.Background(), Event{Key: "m:copied", Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(`{"n":0}`)}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The log as a crash would leave it: "m:copied" again (it had been copied), two events that had
	// not been, and half of a third.
	torn, _ := appendLogRecord(nil, Event{Seq: 4, Key: "m:torn", ReceivedAt: t0, Body: []byte(`{"n":3}`)})
	leaveLog(t, path, torn[:len(torn)-5],
		Event{Seq: 1, Key: "m:copied", Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(`{"n":0}`)},
		Event{Seq: 2, Key: "m:a", Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(`{"n":1}`)},
		Event{Seq: 3, Key: "m:b", Partition: "u:2", Name: "follow", ReceivedAt: t0, Body: []byte(`{"n":2}`)})

	db, err = Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if left := readLogFile(t, path); len(left) != 0 {
		t.Errorf("the log after open holds %d records (want none)", len(left))
	}
	var pending []Event
	db.View(func(tx *Tx) error { pending, err = tx.PendingEvents(10); return err })
	if len(pending) != 3 || pending[0].Key != "m:copied" || pending[1].Key != "m:a" || pending[2].Key != "m:b" ||
		string(pending[2].Body) != `{"n":2}` || pending[2].Name != "follow" || pending[1].Seq != 2 {
		t.Fatalf("pending after open: %+v", pending)
	}
	res, err := db.AppendEvent(context.Background(), Event{Key: "m:torn", ReceivedAt: t0})
	if err != nil || res.Duplicate || res.Seq != 4 {
		t.Errorf("the torn event delivered again: %+v, %v (want stored, seq 4)", res, err)
	}
	if again, _ := db.AppendEvent(context.Background(), Event{Key: "m:a", ReceivedAt: t0}); !again.Duplicate || again.Seq != 2 {
		t.Errorf("m:a delivered again: %+v", again)
	}
}

// An acknowledgement never waits for the database's writer: while a long write transaction (a
// national digest, a sweep's chunk, a compaction) holds it, events are still logged and acknowledged,
// and they reach the database once it is free.
func TestAcknowledgementsDoNotWaitForTheWriter(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	holding, release := make(chan struct{}), make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		writerDone <- db.Update(func(tx *Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	acked := make(chan error, 1)
	go func() {
		for i := range 50 {
			if _, err := db.AppendEvent(context.Background(), Event{Key: "m:" + string(rune('a'+i%26)) + string(rune('a'+i/26)), ReceivedAt: t0}); err != nil {
				acked <- err
				return
			}
		}
		acked <- nil
	}()
	select {
	case err := <-acked:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("acknowledgements waited for the writer")
	}
	if n := db.log.logged(); n != 50 {
		t.Errorf("logged while the writer is held: %d, want 50", n)
	}
	close(release)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	db.SettleInbox()
	db.View(func(tx *Tx) error {
		evs, _ := tx.PendingEvents(100)
		if len(evs) != 50 {
			t.Errorf("in the database once the writer is free: %d, want 50", len(evs))
		}
		return nil
	})
}

// A record the log still holds though it was copied long ago (the log is emptied only when the copy
// catches up) is not brought back at the next open, though the event has since been handled, pruned or
// erased — its dedupe key gone (found in review: an erased person's message came back, pending).
func TestACopiedRecordIsNotBroughtBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"m:1", "m:2", "m:3"} {
		if _, err := db.AppendEvent(context.Background(), Event{Key: k, Partition: "u:1", ReceivedAt: t0, Body: []byte(`{"text":"` + k + `"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	db.SettleInbox()
	// Event 2 is handled, then erased: its record and its key are gone.
	if err := db.Update(func(tx *Tx) error {
		if err := tx.MarkHandled(2); err != nil {
			return err
		}
		return errors.Join(tx.btx.Bucket(bucketEvents).Delete(u64(2)), tx.btx.Bucket(bucketEventBodies).Delete(u64(2)),
			tx.btx.Bucket(bucketEventKeys).Delete([]byte("m:2")))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	leaveLog(t, path, nil, Event{Seq: 2, Key: "m:2", Partition: "u:1", ReceivedAt: t0, Body: []byte(`{"text":"m:2"}`)})
	db, err = Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *Tx) error {
		if v := tx.btx.Bucket(bucketEvents).Get(u64(2)); v != nil {
			t.Error("the erased event came back from the log")
		}
		return nil
	})
}

// An event whose dedupe key the database could not store is refused before it is acknowledged: an
// acknowledged event must be one the copy can store (found in review: a 40 KB key wedged the copy).
func TestAnEventTheDatabaseWouldRefuseIsNotAcknowledged(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	if _, err := db.AppendEvent(context.Background(), Event{Key: "m:" + strings.Repeat("x", 40000), ReceivedAt: t0}); !errors.Is(err, ErrBadEvent) {
		t.Fatalf("a 40 KB key: %v, want ErrBadEvent", err)
	}
	if _, err := db.AppendEvent(context.Background(), Event{Key: "m:ok", ReceivedAt: t0}); err != nil {
		t.Fatal(err)
	}
	db.SettleInbox()
	db.View(func(tx *Tx) error {
		if n := tx.PendingCount(); n != 1 {
			t.Errorf("pending %d, want the one good event", n)
		}
		return nil
	})
}

// SettleInbox waits for what was acknowledged before it, not for the log to be empty: under steady
// traffic it returns at once (a backup or an erasure is not held up by a busy webhook).
func TestSettlingDoesNotWaitForLaterTraffic(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				db.AppendEvent(context.Background(), Event{Key: fmt.Sprintf("m:%d-%d", g, i), ReceivedAt: t0})
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()
	if _, err := db.AppendEvent(context.Background(), Event{Key: "m:mine", ReceivedAt: t0}); err != nil {
		t.Fatal(err)
	}
	done := make(chan bool, 1)
	go func() { done <- db.log.settle(time.Minute) }()
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("settle gave up")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("settling waited for the traffic that came after it")
	}
	db.View(func(tx *Tx) error {
		if tx.btx.Bucket(bucketEventKeys).Get([]byte("m:mine")) == nil {
			t.Error("the event acknowledged before settling is not in the database")
		}
		return nil
	})
}

// A read-only open (a backup or a check of a server's file after a crash) tells how many acknowledged
// events the log holds that the file does not (found in review: an offline backup left them out silently).
func TestAReadOnlyOpenCountsTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	leaveLog(t, path, nil, Event{Seq: 1, Key: "m:a", ReceivedAt: t0}, Event{Seq: 2, Key: "m:b", ReceivedAt: t0})
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if n := ro.InboxLogged(); n != 2 {
		t.Errorf("read-only open: %d logged, want 2", n)
	}
}

// A copy the database keeps refusing (a full disk) is told: InboxCopyError names the error and since
// when, the event stays acknowledged in the log, and once the database takes it again the error is gone.
func TestAFailingCopyIsTold(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.InboxCopyError(); err != nil {
		t.Fatalf("a fresh database: %v", err)
	}
	db.log.mu.Lock()
	db.log.fault = errors.New("no space left on device")
	db.log.mu.Unlock()
	if _, err := db.AppendEvent(context.Background(), Event{Key: "k1", Name: "user_send_text", Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		since, err := db.InboxCopyError()
		if err != nil {
			if !strings.Contains(err.Error(), "no space") || since.IsZero() || db.InboxLogged() != 1 {
				t.Errorf("while failing: %v since %v, %d logged", err, since, db.InboxLogged())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the failing copy was never told")
		}
		time.Sleep(10 * time.Millisecond)
	}
	db.log.mu.Lock()
	db.log.fault = nil
	db.log.mu.Unlock()
	db.SettleInbox()
	if _, err := db.InboxCopyError(); err != nil || db.InboxLogged() != 0 {
		t.Errorf("after the copy: %v, %d logged", err, db.InboxLogged())
	}
}

// The handling takes logged events in its own transaction (no commit of the copy alone): they are in
// the database once it commits and still in the log if it rolls back; a Batch takes nothing; what
// nobody takes, the mover copies once it has waited the delay.
func TestTheHandlingTakesLoggedEvents(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	db.DeferInboxCopy(time.Hour)
	appendN := func(prefix string, n int) {
		for i := range n {
			if _, err := db.AppendEvent(context.Background(), Event{Key: fmt.Sprintf("m:%s%d", prefix, i), Partition: "u:1", ReceivedAt: t0, Body: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendN("a", 3)
	if n := db.InboxLogged(); n != 3 {
		t.Fatalf("logged with the copy deferred: %d, want 3", n)
	}
	// Rolled back: nothing is lost, nothing copied.
	boom := errors.New("handling failed")
	if err := db.Update(func(tx *Tx) error {
		if err := tx.TakeLogged(10); err != nil {
			return err
		}
		if evs, _ := tx.PendingEvents(10); len(evs) != 3 {
			t.Errorf("taken into the transaction: %d, want 3", len(evs))
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n := db.InboxLogged(); n != 3 {
		t.Errorf("logged after a rollback: %d, want 3", n)
	}
	if err := db.Batch(func(tx *Tx) error { return tx.TakeLogged(10) }); err != nil || db.InboxLogged() != 3 {
		t.Errorf("a Batch took from the log: %v, %d logged", err, db.InboxLogged())
	}
	// Committed, two at a time.
	var handled []string
	for db.InboxLogged() > 0 {
		if err := db.Update(func(tx *Tx) error {
			if err := tx.TakeLogged(2); err != nil {
				return err
			}
			evs, err := tx.PendingEvents(10)
			for _, ev := range evs {
				handled = append(handled, ev.Key)
				if err := tx.MarkHandled(ev.Seq); err != nil {
					return err
				}
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(handled, " ") != "m:a0 m:a1 m:a2" {
		t.Errorf("handled %v", handled)
	}
	if again, _ := db.AppendEvent(context.Background(), Event{Key: "m:a1", ReceivedAt: t0}); !again.Duplicate {
		t.Error("an event taken by the handling was stored again")
	}
	if left := readLogFile(t, db.path); len(left) != 0 {
		t.Errorf("the log holds %d records once all were taken", len(left))
	}
	// Nobody handles: the mover copies what waited the delay.
	db.DeferInboxCopy(20 * time.Millisecond)
	appendN("b", 2)
	deadline := time.Now().Add(30 * time.Second)
	for db.InboxLogged() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	db.View(func(tx *Tx) error {
		if n := tx.PendingCount(); n != 2 {
			t.Errorf("copied by the mover after the delay: %d pending, want 2", n)
		}
		return nil
	})
}

// A panic in a transaction that took logged events releases them (found in review): the log's copy
// goes on, settling and closing do not hang, and the events are copied once.
func TestAPanicAfterTakingLoggedEventsReleasesThem(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "p.db"), Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	db.DeferInboxCopy(time.Hour)
	if _, err = db.AppendEvent(context.Background(), Event{Key: "m:1", ReceivedAt: t0, Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not go on")
			}
		}()
		_ = db.Update(func(tx *Tx) error {
			if err := tx.TakeLogged(10); err != nil {
				return err
			}
			panic("a handler's bug outside its guard")
		})
	}()
	if !db.log.settle(5 * time.Second) {
		t.Error("settling gave up: the claim was not released")
	}
	closed := make(chan struct{})
	go func() { db.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("close hangs: the mover waits for a claim nobody releases")
	}
	db, err = Open(db.path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *Tx) error {
		if n := tx.EventCount(); n != 1 {
			t.Errorf("%d events stored, want 1", n)
		}
		return nil
	})
}
