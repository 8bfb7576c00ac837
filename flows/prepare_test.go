package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/flows/flowstest"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// An officer's digest is read by Prepare in a read transaction, so the handling transaction (the
// database's one writer) does not spend ~130 ms of a national digest: Handle answers with what was
// read, once; without Prepare, or once it is too old, Handle reads it itself as before.
func TestADigestIsReadBeforeTheHandlingTransaction(t *testing.T) {
	w := newWorld(t, time.Date(2026, 11, 23, 9, 0, 0, 0, vnLoc(t)), "transcripts/tung-anh.json")
	watch := &flowstest.WatchedDigests{Inner: &reminders.Sweeper{Loc: w.loc}}
	w.engine = flows.New(w.loc, flows.Deps{Digest: watch, Links: fakeLinks{}})
	const group, hung = "9900000000000000001", "1100000000000000001"
	ask := func(in flows.Input, prepare bool) string {
		t.Helper()
		watch.Writable = nil
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
		if !strings.Contains(got, "Tình hình báo cáo") || len(watch.Writable) != 1 || watch.Writable[0] {
			t.Errorf("%q: digest read in write transactions %v; answer %q", words, watch.Writable, got)
		}
	}
	// Chatter in the group reads nothing.
	inGroup.Text = "chào cả nhà"
	if got := ask(inGroup, true); got != "" || len(watch.Writable) != 0 {
		t.Errorf("chatter: %v reads, answer %q", watch.Writable, got)
	}
	// Not prepared: read in the handling, as before.
	inGroup.Text = "#baocao"
	if got := ask(inGroup, false); !strings.Contains(got, "Tình hình báo cáo") || len(watch.Writable) != 1 || !watch.Writable[0] {
		t.Errorf("unprepared: reads %v, answer %q", watch.Writable, got)
	}
	// Prepared, then handled too late (a stuck batch): read again.
	w.db.View(func(tx *store.Tx) error { w.engine.Prepare(tx, inGroup); return nil })
	w.clock.Add(10 * time.Second)
	if ask(inGroup, false); len(watch.Writable) != 1 || !watch.Writable[0] {
		t.Errorf("a stale prepared digest was used: reads %v", watch.Writable)
	}
	// One prepared digest answers once.
	w.db.View(func(tx *store.Tx) error { w.engine.Prepare(tx, inGroup); return nil })
	ask(inGroup, false)
	if ask(inGroup, false); len(watch.Writable) != 1 || !watch.Writable[0] {
		t.Errorf("a prepared digest answered twice: reads %v", watch.Writable)
	}
}
