package bot

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// /readyz says why the server cannot do its work: a failed write in the last minute, or a reply
// that could go but has waited over 10 minutes (the sender is stuck).
func TestReadinessReportsStorageAndAStuckOutbox(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clock := now
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := New(Config{Sandbox: true, Location: time.UTC}, db, flows.New(time.UTC, flows.Deps{}), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	b.SetReady(true) // the workers are not run: the outbox stays as it is
	ready := func() (int, string) {
		rec := httptest.NewRecorder()
		b.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := ready(); code != http.StatusOK {
		t.Fatalf("a fresh server: %d %s", code, body)
	}
	b.storageFailed()
	if code, body := ready(); code != http.StatusServiceUnavailable || !strings.Contains(body, `"reason":"storage"`) {
		t.Errorf("after a failed write: %d %s", code, body)
	}
	clock = now.Add(2 * time.Minute)
	if code, _ := ready(); code != http.StatusOK {
		t.Errorf("a minute after the failed write: %d, want 200", code)
	}
	// The inbox log's copy into the database failing for longer than a moment.
	b.inboxCopyError = func() (time.Time, error) { return time.Now().Add(-time.Second), errors.New("no space left on device") }
	if code, _ := ready(); code != http.StatusOK {
		t.Errorf("a copy failing for a second: %d, want 200", code)
	}
	b.inboxCopyError = func() (time.Time, error) { return time.Now().Add(-time.Minute), errors.New("no space left on device") }
	if code, body := ready(); code != http.StatusServiceUnavailable || !strings.Contains(body, `"reason":"inbox_copy"`) || !strings.Contains(body, "no space") {
		t.Errorf("a copy failing for a minute: %d %s", code, body)
	}
	b.inboxCopyError = db.InboxCopyError
	db.Update(func(tx *store.Tx) error {
		_, err := tx.Enqueue(store.OutMsg{Priority: store.PriorityReply, Endpoint: store.EndpointUser, To: "u1", Text: "trả lời"})
		return err
	})
	clock = clock.Add(11 * time.Minute)
	if code, body := ready(); code != http.StatusServiceUnavailable || !strings.Contains(body, `"reason":"outbox_stuck"`) {
		t.Errorf("a reply waiting 11 minutes: %d %s", code, body)
	}
}
