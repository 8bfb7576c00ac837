package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

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
	var log []byte
	for _, ev := range []Event{
		{Seq: 1, Key: "m:copied", Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(`{"n":0}`)},
		{Seq: 2, Key: "m:a", Partition: "u:1", Name: "user_send_text", ReceivedAt: t0, Body: []byte(`{"n":1}`)},
		{Seq: 3, Key: "m:b", Partition: "u:2", Name: "follow", ReceivedAt: t0, Body: []byte(`{"n":2}`)},
	} {
		if log, err = appendLogRecord(log, ev); err != nil {
			t.Fatal(err)
		}
	}
	torn, _ := appendLogRecord(nil, Event{Seq: 4, Key: "m:torn", ReceivedAt: t0, Body: []byte(`{"n":3}`)})
	log = append(log, torn[:len(torn)-5]...)
	if err := os.WriteFile(inboxLogPath(path), log, 0o600); err != nil {
		t.Fatal(err)
	}

	db, err = Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if fi, err := os.Stat(inboxLogPath(path)); err != nil || fi.Size() != 0 {
		t.Errorf("the log after open: %v, %v (want empty)", fi.Size(), err)
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
