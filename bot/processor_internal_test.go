package bot

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/store"
)

// The processor reads ahead (prepare) in a read transaction for every event of a batch before the
// write transaction that handles it: a national digest is read outside the database's one writer.
// A panic while reading ahead is logged and the event is handled all the same.
func TestTheProcessorReadsAheadOutsideTheWriter(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, key := range []string{"a", "b", "c"} {
		if _, err := db.AppendEvent(context.Background(), store.Event{Key: key, Name: "user_send_text", Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	db.SettleInbox()
	var log []string
	p := &Processor{db: db, log: zerolog.Nop(), m: newMetrics(db),
		prepare: func(tx *store.Tx, ev store.Event) {
			if tx.Writable() {
				t.Errorf("event %s read ahead in a write transaction", ev.Key)
			}
			log = append(log, "prepare "+ev.Key)
			if ev.Key == "b" {
				panic("a bug reading ahead")
			}
		},
		handle: func(tx *store.Tx, ev store.Event) error {
			log = append(log, "handle "+ev.Key)
			return nil
		}}
	n, err := p.step()
	if err != nil || n != 3 {
		t.Fatalf("step: %d, %v", n, err)
	}
	want := "prepare a,prepare b,prepare c,handle a,handle b,handle c"
	if got := strings.Join(log, ","); got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}
