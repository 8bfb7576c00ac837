package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// watchedDigests records whether each digest was read inside a write transaction.
type watchedDigests struct {
	inner    flows.Digester
	writable []bool
}

func (w *watchedDigests) Digest(tx *store.Tx, o store.Officer, at time.Time, p store.Period) (string, error) {
	w.writable = append(w.writable, tx.Writable())
	return w.inner.Digest(tx, o, at, p)
}

// An officer's digest is read by Prepare in a read transaction, so the handling transaction (the
// database's one writer) does not spend ~130 ms of a national digest: Handle answers with what was
// read, once; without Prepare, or once it is too old, Handle reads it itself as before.
func TestADigestIsReadBeforeTheHandlingTransaction(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 23, 9, 0, 0, 0, vnLoc(t)), "transcripts/tung-anh.json")
	watch := &watchedDigests{inner: &reminders.Sweeper{Loc: w.loc}}
	w.engine = flows.New(w.loc, flows.Deps{Digest: watch, Links: fakeLinks{}})
	const group, hung = "9900000000000000001", "1100000000000000001"
	ask := func(in flows.Input, prepare bool) string {
		t.Helper()
		watch.writable = nil
		if prepare {
			w.db.View(func(tx *store.Tx) error { w.engine.Prepare(tx, in); return nil })
		}
		var text []string
		for _, r := range w.handle(in) {
			text = append(text, r.Text)
		}
		return strings.Join(text, "\n")
	}
	inGroup := flows.Input{Kind: flows.KindGroupText, UserID: hung, GroupID: group}
	for _, words := range []string{"#baocao", "tình hình báo cáo", "tinh hinh bao cao"} {
		inGroup.Text = words
		got := ask(inGroup, true)
		if !strings.Contains(got, "Tình hình báo cáo") || len(watch.writable) != 1 || watch.writable[0] {
			t.Errorf("%q: digest read in write transactions %v; answer %q", words, watch.writable, got)
		}
	}
	// Chatter in the group reads nothing.
	inGroup.Text = "chào cả nhà"
	if got := ask(inGroup, true); got != "" || len(watch.writable) != 0 {
		t.Errorf("chatter: %v reads, answer %q", watch.writable, got)
	}
	// Not prepared: read in the handling, as before.
	inGroup.Text = "#baocao"
	if got := ask(inGroup, false); !strings.Contains(got, "Tình hình báo cáo") || len(watch.writable) != 1 || !watch.writable[0] {
		t.Errorf("unprepared: reads %v, answer %q", watch.writable, got)
	}
	// Prepared, then handled too late (a stuck batch): read again.
	w.db.View(func(tx *store.Tx) error { w.engine.Prepare(tx, inGroup); return nil })
	w.clock.Add(10 * time.Second)
	if ask(inGroup, false); len(watch.writable) != 1 || !watch.writable[0] {
		t.Errorf("a stale prepared digest was used: reads %v", watch.writable)
	}
	// One prepared digest answers once.
	w.db.View(func(tx *store.Tx) error { w.engine.Prepare(tx, inGroup); return nil })
	ask(inGroup, false)
	if ask(inGroup, false); len(watch.writable) != 1 || !watch.writable[0] {
		t.Errorf("a prepared digest answered twice: reads %v", watch.writable)
	}
}
