package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// Housekeeping keeps events and sent outcomes for the configured time, pruning more than one
// batch's worth (batches of 2,000) in one run.
func TestHousekeepingKeepsWhatRetentionSays(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(t.TempDir(), "cdtbot.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// 2,100 handled events and outcomes 12 days old, 10 of each 2 days old.
	add := func(n int, age time.Duration, tag string) {
		var seqs []uint64
		for i := range n {
			ev, err := db.AppendEvent(context.Background(), store.Event{Key: fmt.Sprintf("m:%s%d", tag, i), ReceivedAt: now.Add(-age)})
			if err != nil {
				t.Fatal(err)
			}
			seqs = append(seqs, ev.Seq)
		}
		db.SettleInbox()
		if err := db.Update(func(tx *store.Tx) error {
			for _, s := range seqs {
				if err := tx.MarkHandled(s); err != nil {
					return err
				}
				seq, err := tx.Enqueue(store.OutMsg{Endpoint: store.EndpointUser, To: "u", Text: "x", Body: []byte(`{"message":{"text":"x"}}`)})
				if err != nil {
					return err
				}
				if err := tx.Settle(store.PriorityReply, seq, store.Outcome{Status: store.StatusSent, At: now.Add(-age)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	add(2100, 12*24*time.Hour, "old")
	add(10, 2*24*time.Hour, "new")
	b, err := bot.New(bot.Config{Sandbox: true, Location: time.UTC, KeepEvents: 10 * 24 * time.Hour, KeepSent: 10 * 24 * time.Hour},
		db, flows.New(time.UTC, flows.Deps{}), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	bodies := func() int {
		n := 0
		db.View(func(tx *store.Tx) error {
			all, _ := tx.SentLog(0, 10000)
			for _, o := range all {
				if len(o.Body) > 0 && string(o.Body) != "null" {
					n++
				}
			}
			return nil
		})
		return n
	}
	b.Housekeeping(context.Background())
	db.View(func(tx *store.Tx) error {
		if n := tx.EventCount(); n != 10 {
			t.Errorf("%d events left, want the 10 within 10 days", n)
		}
		if all, _ := tx.SentLog(0, 10000); len(all) != 10 {
			t.Errorf("%d outcomes left, want the 10 within 10 days", len(all))
		}
		return nil
	})
	if n := bodies(); n != 10 {
		t.Errorf("sandbox, no CDTBOT_KEEP_BODIES: %d bodies left, want all 10 (the web chat shows them)", n)
	}
	b, err = bot.New(bot.Config{Sandbox: true, Location: time.UTC, KeepBodies: 24 * time.Hour}, db, flows.New(time.UTC, flows.Deps{}), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	b.Housekeeping(context.Background())
	if n := bodies(); n != 0 {
		t.Errorf("CDTBOT_KEEP_BODIES=1d: %d bodies of 2-day-old messages left", n)
	}
}
