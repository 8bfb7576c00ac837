package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/flows/flowstest"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
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

// Through the webhook and the processor: "#baocao" in an officers' group is answered with a digest
// read in a read transaction (router.prepare found the officer by the event's partition), and
// nothing is read ahead for a resident's message.
func TestAnOfficersDigestIsReadAheadThroughTheWebhook(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := importer.ImportFile(db, "../testdata/transcripts/tung-anh.json"); err != nil {
		t.Fatal(err)
	}
	watch := &flowstest.WatchedDigests{Inner: &reminders.Sweeper{Loc: time.UTC}}
	b, err := New(Config{Sandbox: true, Location: time.UTC}, db, flows.New(time.UTC, flows.Deps{Digest: watch}), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) {
		rec := httptest.NewRecorder()
		b.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/webhook/zalo", strings.NewReader(body)))
		if rec.Code != http.StatusOK {
			t.Fatalf("webhook: %d %s", rec.Code, rec.Body)
		}
		db.SettleInbox()
		if _, err := b.processor.step(); err != nil {
			t.Fatal(err)
		}
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	post(`{"app_id":"1","event_name":"user_send_group_text","timestamp":"` + ts + `","sender":{"id":"1100000000000000001"},"recipient":{"id":"9900000000000000001"},"message":{"text":"#baocao","msg_id":"g1"}}`)
	if len(watch.Writable) != 1 || watch.Writable[0] {
		t.Fatalf("the group's digest was read %d times, in write transactions: %v", len(watch.Writable), watch.Writable)
	}
	var reply, bulk int
	db.View(func(tx *store.Tx) error { reply, bulk = tx.OutboxDepth(); return nil })
	if reply+bulk == 0 {
		t.Error("no digest queued for the group")
	}
	watch.Writable = nil
	post(`{"app_id":"1","event_name":"user_send_text","timestamp":"` + ts + `","sender":{"id":"2200000000000000001"},"recipient":{"id":"388613280878808645"},"message":{"text":"tình hình báo cáo","msg_id":"u1"}}`)
	if len(watch.Writable) != 0 {
		t.Errorf("a resident's words read a digest: %v", watch.Writable)
	}
}
