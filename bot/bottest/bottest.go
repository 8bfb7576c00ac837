// Package bottest runs the whole server for tests of every audience (bot, bot/admin,
// bot/officer): a bot on real HTTP, a real bbolt file on a temporary folder and a fake Zalo,
// with a clock the test sets, and helpers to post webhook events and call the admin API.
package bottest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/form"
	"github.com/cdtbot/cdtbot/bot/officer"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// The Zalo app of the fake, and the admin token of every harness unless changed.
const (
	AppID      = "360846524940903967"
	OASecret   = "oa-secret-key"
	AppSecret  = "app-secret-key"
	AdminToken = "admin-secret"
)

// Clock runs at real speed from a settable instant, so backoffs elapse but dates are fixed. Moving
// it wakes the bot's workers (what waits for an instant looks again at once, not at its next poll).
type Clock struct {
	offset atomic.Int64
	wake   atomic.Pointer[func()]
}

// NewClock is a clock reading t now.
func NewClock(t time.Time) *Clock { c := &Clock{}; c.Set(t); return c }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.offset.Store(int64(time.Until(t)))
	if w := c.wake.Load(); w != nil {
		(*w)()
	}
}

// Loc is Asia/Ho_Chi_Minh.
func Loc(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Testdata is the path of a file under the repository's testdata folder.
func Testdata(elem ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", "..", "testdata"}, elem...)...)
}

// Harness is one bot on real HTTP, a real bbolt file and a fake Zalo.
type Harness struct {
	T      *testing.T
	DBPath string
	Clock  *Clock
	Fake   *zalotest.Server
	DB     *store.DB
	Srv    *httptest.Server
	Cfg    bot.Config
	stop   func()
}

// New starts a bot as of now over a fresh database; mutate changes its Config first.
func New(t *testing.T, now time.Time, mutate func(*bot.Config)) *Harness {
	t.Helper()
	fake := zalotest.New(AppID, AppSecret, "access-1", "refresh-1")
	fake.EnforceRate(4000) // Zalo's limit per app: a send over it is refused with -32, as Zalo would
	t.Cleanup(fake.Close)
	h := &Harness{T: t, DBPath: filepath.Join(t.TempDir(), "cdtbot.db"), Clock: NewClock(now), Fake: fake}
	fake.SetClock(h.Clock.Now) // Zalo's 7-day window runs on the test's clock
	h.Cfg = bot.Config{
		AppID: AppID, OASecret: OASecret, AppSecret: AppSecret,
		AccessToken: "access-1", RefreshToken: "refresh-1",
		APIBase: fake.URL, OAuthBase: fake.URL, AdminToken: AdminToken,
		Location: Loc(t), RetryBase: 20 * time.Millisecond,
	}
	if mutate != nil {
		mutate(&h.Cfg)
	}
	h.Start()
	return h
}

// NewSandbox is a sandbox bot (Config{Sandbox, Location, AdminToken} only), ready to answer.
func NewSandbox(t *testing.T, now time.Time) *Harness {
	t.Helper()
	h := New(t, now, func(c *bot.Config) {
		*c = bot.Config{Sandbox: true, Location: Loc(t), AdminToken: AdminToken}
	})
	WaitFor(t, "readiness", func() bool { return strings.HasPrefix(h.Get("/readyz", ""), "200") })
	return h
}

// Start opens the database and runs the bot, wired as cmd/cdtbot wires it; Restart = Stop + Start on the same file.
func (h *Harness) Start() {
	h.T.Helper()
	db, err := store.Open(h.DBPath, store.Options{Now: h.Clock.Now})
	if err != nil {
		h.T.Fatal(err)
	}
	engine := flows.New(h.Cfg.Location, flows.Deps{Digest: &reminders.Sweeper{DB: db, Loc: h.Cfg.Location}, Links: officer.NewLinks(h.Cfg.PublicURL), Forms: form.NewLinks(h.Cfg.PublicURL)})
	b, err := bot.New(h.Cfg, db, engine, zerolog.New(zerolog.NewTestWriter(h.T)).Level(zerolog.WarnLevel))
	if err != nil {
		h.T.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.Run(ctx) }()
	h.DB, h.Srv = db, httptest.NewServer(b.Handler())
	poke := db.Poke
	h.Clock.wake.Store(&poke)
	stopped := false
	h.stop = func() {
		if stopped {
			return
		}
		stopped = true
		h.Srv.Close()
		cancel()
		<-done
		db.Close()
	}
	h.T.Cleanup(h.stop)
}

// Stop stops the bot and closes the database (twice is harmless).
func (h *Harness) Stop() { h.stop() }

// Restart stops the bot and starts it again on the same file.
func (h *Harness) Restart() { h.Stop(); h.Start() }

// Post sends body to the webhook, signed unless sig is given ("" means sign it, "-" none).
func (h *Harness) Post(body []byte, sig string) *http.Response {
	h.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.Srv.URL+"/webhook/zalo", bytes.NewReader(body))
	switch sig {
	case "":
		ev, err := zalo.Parse(body)
		if err != nil {
			h.T.Fatalf("cannot sign an unparsable body: %v", err)
		}
		req.Header.Set(zalo.SignatureHeader, "mac="+zalo.Mac(ev.AppID, body, ev.TimestampRaw, OASecret))
		Interacted(h.Fake, ev)
	case "-":
	default:
		req.Header.Set(zalo.SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// Interacted tells the fake Zalo that a person wrote, tapped or followed: what opens their cs window.
func Interacted(fake *zalotest.Server, ev *zalo.Event) {
	switch ev.Category {
	case zalo.CategoryUserMessage, zalo.CategoryFollow, zalo.CategorySubmitInfo, zalo.CategoryChatNow:
		fake.Interact(ev.UserID)
	}
}

// EventCount is how many webhook events are stored.
func (h *Harness) EventCount() int {
	h.DB.SettleInbox()
	var n int
	h.DB.View(func(tx *store.Tx) error { n = tx.EventCount(); return nil })
	return n
}

// SentTo lists what the fake accepted for a recipient.
func (h *Harness) SentTo(to string) []zalotest.Sent {
	var out []zalotest.Sent
	for _, s := range h.Fake.Sent() {
		if s.To == to {
			out = append(out, s)
		}
	}
	return out
}

// WaitFor polls cond for up to 10 s: work happens after the 200, so tests wait for its effect.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Settle waits until both queues are empty, so "nothing more" can be asserted.
func (h *Harness) Settle() {
	h.T.Helper()
	WaitFor(h.T, "inbox and outbox to drain", func() bool {
		h.DB.SettleInbox() // acknowledged events in the inbox log first
		var p, r, b int
		h.DB.View(func(tx *store.Tx) error { p = tx.PendingCount(); r, b = tx.OutboxDepth(); return nil })
		return p == 0 && r == 0 && b == 0
	})
}

// SettleReplies waits until every event is handled and every reply sent: bulk messages may wait
// for their hour (reminders queued before the morning).
func (h *Harness) SettleReplies() {
	h.T.Helper()
	WaitFor(h.T, "inbox and replies to drain", func() bool {
		h.DB.SettleInbox()
		var p, r int
		h.DB.View(func(tx *store.Tx) error { p = tx.PendingCount(); r, _ = tx.OutboxDepth(); return nil })
		return p == 0 && r == 0
	})
}

// TextEvent is a user_send_text event of the app AppID.
func TextEvent(user, msgID, text string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"app_id": AppID, "user_id_by_app": "u" + user, "event_name": "user_send_text",
		"timestamp": strconv.FormatInt(at.UnixMilli(), 10),
		"sender":    map[string]string{"id": user}, "recipient": map[string]string{"id": "388613280878808645"},
		"message": map[string]string{"text": text, "msg_id": msgID},
	})
	return b
}

// Get is a GET answered as "status body"; token "" sends no Authorization header.
func (h *Harness) Get(path, token string) string {
	h.T.Helper()
	status, body := h.Do(http.MethodGet, path, "", token)
	return strconv.Itoa(status) + " " + string(body)
}

// Download is a GET that keeps the headers and the raw body.
func (h *Harness) Download(path, token string) (*http.Response, []byte) {
	h.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.Srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.T.Fatal(err)
	}
	return resp, body
}

// Do sends one request; token "" sends no Authorization header; hdr are extra name, value pairs.
func (h *Harness) Do(method, path, body, token string, hdr ...string) (int, []byte) {
	h.T.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.Srv.URL+path, r)
	if err != nil {
		h.T.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// API calls the admin API with AdminToken and decodes the answer into out (unless nil).
func (h *Harness) API(method, path, body string, out any, hdr ...string) int {
	h.T.Helper()
	status, b := h.Do(method, path, body, AdminToken, hdr...)
	if !json.Valid(b) {
		h.T.Fatalf("%s %s: %d, not JSON: %.200s", method, path, status, b)
	}
	if out != nil {
		reflect.ValueOf(out).Elem().SetZero() // a field the answer leaves out must not keep an earlier value
		if err := json.Unmarshal(b, out); err != nil {
			h.T.Fatalf("%s %s: %v: %.300s", method, path, err, b)
		}
	}
	return status
}

// MustAPI is API that fails the test unless the status is want.
func (h *Harness) MustAPI(want int, method, path, body string, out any, hdr ...string) {
	h.T.Helper()
	var raw json.RawMessage
	if got := h.API(method, path, body, &raw, hdr...); got != want {
		h.T.Fatalf("%s %s: status %d, want %d: %.400s", method, path, got, want, raw)
	}
	if out != nil {
		reflect.ValueOf(out).Elem().SetZero()
		if err := json.Unmarshal(raw, out); err != nil {
			h.T.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// ImportFile posts a file of testdata (a path under it) through the admin API.
func (h *Harness) ImportFile(rel string) {
	h.T.Helper()
	body, err := os.ReadFile(Testdata(rel))
	if err != nil {
		h.T.Fatal(err)
	}
	h.MustAPI(http.StatusOK, "POST", "/api/v1/import?name="+filepath.Base(rel), string(body), nil)
}

// NewStats is a bot holding testdata/stats (directory and reports) on 3 December 2026, 10:00 in Hanoi.
func NewStats(t *testing.T) *Harness {
	t.Helper()
	h := New(t, time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC), nil)
	if _, err := importer.ImportFile(h.DB, Testdata("stats", "directory.json")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(Testdata("stats", "reports.json"))
	if err != nil {
		t.Fatal(err)
	}
	var reports []store.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		t.Fatal(err)
	}
	if err := h.DB.Update(func(tx *store.Tx) error {
		for _, r := range reports {
			if _, err := tx.SaveReport(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return h
}
