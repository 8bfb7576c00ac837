package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/officer"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

const (
	appID     = "360846524940903967"
	oaSecret  = "oa-secret-key"
	appSecret = "app-secret-key"
)

// clock runs at real speed from a settable instant, so backoffs elapse but dates are fixed.
type clock struct{ offset atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.Set(t); return c }
func (c *clock) Now() time.Time   { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Set(t time.Time)  { c.offset.Store(int64(time.Until(t))) }

// harness is one bot on real HTTP, a real bbolt file and a fake Zalo.
type harness struct {
	t      *testing.T
	dbPath string
	clock  *clock
	fake   *zalotest.Server
	db     *store.DB
	srv    *httptest.Server
	stop   func()
	cfg    bot.Config
}

func newHarness(t *testing.T, now time.Time, mutate func(*bot.Config)) *harness {
	t.Helper()
	fake := zalotest.New(appID, appSecret, "access-1", "refresh-1")
	t.Cleanup(fake.Close)
	h := &harness{t: t, dbPath: filepath.Join(t.TempDir(), "cdtbot.db"), clock: newClock(now), fake: fake}
	fake.SetClock(h.clock.Now) // Zalo's 7-day window runs on the test's clock
	h.cfg = bot.Config{
		AppID: appID, OASecret: oaSecret, AppSecret: appSecret,
		AccessToken: "access-1", RefreshToken: "refresh-1",
		APIBase: fake.URL, OAuthBase: fake.URL, AdminToken: "admin-secret",
		Location: mustLoc(t), RetryBase: 20 * time.Millisecond,
	}
	if mutate != nil {
		mutate(&h.cfg)
	}
	h.start()
	return h
}

func mustLoc(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// start opens the database and runs the bot; restart = stop + start on the same file.
func (h *harness) start() {
	h.t.Helper()
	db, err := store.Open(h.dbPath, store.Options{Now: h.clock.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	engine := flows.New(h.cfg.Location, flows.Deps{Digest: &reminders.Sweeper{DB: db, Loc: h.cfg.Location}, Links: officer.NewLinks(h.cfg.PublicURL)})
	b, err := bot.New(h.cfg, db, engine, zerolog.New(zerolog.NewTestWriter(h.t)).Level(zerolog.WarnLevel))
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.Run(ctx) }()
	h.db, h.srv = db, httptest.NewServer(b.Handler())
	stopped := false
	h.stop = func() {
		if stopped {
			return
		}
		stopped = true
		h.srv.Close()
		cancel()
		<-done
		db.Close()
	}
	h.t.Cleanup(h.stop)
}

func (h *harness) restart() { h.stop(); h.start() }

// post sends body to the webhook, signed unless sig is given ("" means sign it, "-" none).
func (h *harness) post(body []byte, sig string) *http.Response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/webhook/zalo", bytes.NewReader(body))
	switch sig {
	case "":
		ev, err := zalo.Parse(body)
		if err != nil {
			h.t.Fatalf("cannot sign an unparsable body: %v", err)
		}
		req.Header.Set(zalo.SignatureHeader, "mac="+zalo.Mac(ev.AppID, body, ev.TimestampRaw, oaSecret))
		interacted(h.fake, ev)
	case "-":
	default:
		req.Header.Set(zalo.SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// interacted tells the fake Zalo that a person wrote, tapped or followed: what opens their cs window.
func interacted(fake *zalotest.Server, ev *zalo.Event) {
	switch ev.Category {
	case zalo.CategoryUserMessage, zalo.CategoryFollow, zalo.CategorySubmitInfo, zalo.CategoryChatNow:
		fake.Interact(ev.UserID)
	}
}

func (h *harness) eventCount() int {
	var n int
	h.db.View(func(tx *store.Tx) error { n = tx.EventCount(); return nil })
	return n
}

// sentTo lists what the fake accepted for a recipient.
func (h *harness) sentTo(to string) []zalotest.Sent {
	var out []zalotest.Sent
	for _, s := range h.fake.Sent() {
		if s.To == to {
			out = append(out, s)
		}
	}
	return out
}

// waitFor polls cond for up to 10 s: work happens after the 200, so tests wait for its effect.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle waits until both queues are empty, so "nothing more" can be asserted.
func (h *harness) settle() {
	h.t.Helper()
	waitFor(h.t, "inbox and outbox to drain", func() bool {
		var p, r, b int
		h.db.View(func(tx *store.Tx) error { p = tx.PendingCount(); r, b = tx.OutboxDepth(); return nil })
		return p == 0 && r == 0 && b == 0
	})
}

var fixtureTime = time.Date(2024, 6, 3, 7, 0, 0, 0, time.UTC)

func textEvent(user, msgID, text string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"app_id": appID, "user_id_by_app": "u" + user, "event_name": "user_send_text",
		"timestamp": strconv.FormatInt(at.UnixMilli(), 10),
		"sender":    map[string]string{"id": user}, "recipient": map[string]string{"id": "388613280878808645"},
		"message": map[string]string{"text": text, "msg_id": msgID},
	})
	return b
}

// helpReplies is how many messages answer "xin chào" from a stranger: the menu, text and buttons in one list.
const helpReplies = 1

func TestEveryFixtureIsAcceptedAndStoredOnce(t *testing.T) {
	h := newHarness(t, fixtureTime, nil)
	files, _ := filepath.Glob("../testdata/zalo/*.json")
	if len(files) < 20 {
		t.Fatalf("only %d fixtures found", len(files))
	}
	stored := 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := zalo.Parse(body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		before := h.eventCount()
		for i := 0; i < 2; i++ { // the second delivery is a retry
			if resp := h.post(body, ""); resp.StatusCode != http.StatusOK {
				t.Errorf("%s delivery %d: status %d, want 200", filepath.Base(f), i+1, resp.StatusCode)
			}
		}
		want := 1
		if !ev.Known {
			want = 0 // unknown events are acknowledged and logged, not stored
		}
		if got := h.eventCount() - before; got != want {
			t.Errorf("%s: stored %d events, want %d", filepath.Base(f), got, want)
		}
		stored += want
	}
	h.settle()
	// A follow gets the welcome; every user message, image or shared info gets help.
	if got := h.sentTo("8859403712658940371"); len(got) != 2 || !strings.Contains(got[0].Text, "Chào mừng") || !strings.Contains(string(got[1].Body), `"oa.query.hide"`) {
		t.Errorf("follow: sent %d messages, want the welcome text then its buttons", len(got))
	}
	if got := h.sentTo("246845883529197922"); len(got) == 0 {
		t.Error("user_send_text: no reply")
	}
	t.Logf("%d fixtures, %d stored, %d messages sent", len(files), stored, len(h.fake.Sent()))
}

func TestWebhookRejectsBadInputAndStoresNothing(t *testing.T) {
	h := newHarness(t, fixtureTime, nil)
	good, _ := os.ReadFile("../testdata/zalo/user_send_text.json")
	ev, _ := zalo.Parse(good)
	mac := zalo.Mac(ev.AppID, good, ev.TimestampRaw, oaSecret)
	tampered := bytes.Replace(good, []byte(ev.Message.Text), []byte("xoa het"), 1)
	if bytes.Equal(tampered, good) {
		t.Fatal("fixture changed: tampering did nothing")
	}
	huge := append(bytes.Repeat([]byte(" "), zalo.MaxEventSize), good...)
	cases := []struct {
		name   string
		body   []byte
		sig    string
		status int
	}{
		{"no signature", good, "-", http.StatusUnauthorized},
		{"wrong signature", good, "mac=" + strings.Repeat("0", 64), http.StatusUnauthorized},
		{"signed with another key", good, "mac=" + zalo.Mac(ev.AppID, good, ev.TimestampRaw, "other"), http.StatusUnauthorized},
		{"tampered body", tampered, "mac=" + mac, http.StatusUnauthorized},
		{"oversized", huge, "mac=" + mac, http.StatusRequestEntityTooLarge},
		{"malformed json", []byte(`{"event_name":`), "mac=" + mac, http.StatusBadRequest},
	}
	bad, _ := filepath.Glob("../testdata/zalo/bad/*")
	for _, f := range bad {
		body, _ := os.ReadFile(f)
		cases = append(cases, struct {
			name   string
			body   []byte
			sig    string
			status int
		}{"bad/" + filepath.Base(f), body, "mac=" + mac, http.StatusBadRequest})
	}
	for _, c := range cases {
		if resp := h.post(c.body, c.sig); resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.status)
		}
	}
	if n := h.eventCount(); n != 0 {
		t.Errorf("%d events stored from bad input, want 0", n)
	}
	metrics := h.get("/metrics", "")
	for _, reason := range []string{"missing_signature", "bad_signature", "too_large", "malformed"} {
		if !strings.Contains(metrics, `cdtbot_events_rejected_total{reason="`+reason+`"}`) {
			t.Errorf("metrics lack rejected reason %s", reason)
		}
	}
	// The good body still goes through afterwards.
	if resp := h.post(good, "mac="+mac); resp.StatusCode != http.StatusOK {
		t.Errorf("good event after bad ones: %d", resp.StatusCode)
	}
}

func (h *harness) get(path, token string) string {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strconv.Itoa(resp.StatusCode) + " " + string(b)
}

func TestTripleDeliveryIsHandledOnce(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	body := textEvent("1001", "msg-triple", "xin chào", now)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp := h.post(body, ""); resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	h.settle()
	// And once more after a restart: the dedupe record is durable.
	h.restart()
	if resp := h.post(body, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("after restart: status %d", resp.StatusCode)
	}
	h.settle()
	if got := len(h.sentTo("1001")); got != helpReplies {
		t.Errorf("replies = %d, want %d (one handling)", got, helpReplies)
	}
	if m := h.get("/metrics", ""); !strings.Contains(m, "cdtbot_events_duplicate_total 1") {
		t.Errorf("duplicate counter after restart should be 1 (fresh process):\n%s", grep(m, "duplicate"))
	}
}

// near compares instants of the real-speed test clock.
func near(a, b time.Time) bool { return a.Sub(b).Abs() < 5*time.Second }

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestEventsOfOneUserAreAnsweredInOrder(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	for i := 0; i < 5; i++ {
		h.post(textEvent("2002", fmt.Sprintf("m-%d", i), "báo cáo", now.Add(time.Duration(i)*time.Second)), "")
	}
	h.settle()
	got := h.sentTo("2002")
	if len(got) != 10 {
		t.Fatalf("replies = %d, want 10", len(got))
	}
	// Per-recipient order: "who files" text, then the menu's buttons, five times over.
	for i, s := range got {
		isList := strings.Contains(string(s.Body), `"template_type":"list"`)
		if isList != (i%2 == 1) {
			t.Errorf("reply %d out of order: %s", i, s.Body)
		}
	}
}

func TestTokenRefreshOnInvalidTokenAndRotatedPairAfterRestart(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.fake.ExpireAccessToken()
	h.post(textEvent("3003", "tok-1", "xin chào", now), "")
	h.settle()
	if got := len(h.sentTo("3003")); got != helpReplies {
		t.Fatalf("delivered %d after -216, want %d", got, helpReplies)
	}
	if h.fake.Refreshes() != 1 {
		t.Fatalf("refreshes = %d, want 1", h.fake.Refreshes())
	}
	acc, ref := h.fake.Tokens()
	for _, s := range h.sentTo("3003") {
		if s.AccessToken != acc {
			t.Errorf("sent with %q, want the refreshed %q", s.AccessToken, acc)
		}
	}
	// Restart with the environment still holding the first pair: the stored pair must win,
	// because refresh-1 is dead and only the rotated refresh token works.
	h.restart()
	h.fake.ExpireAccessToken()
	h.post(textEvent("3003", "tok-2", "xin chào", now), "")
	h.settle()
	if got := len(h.sentTo("3003")); got != 2*helpReplies {
		t.Fatalf("delivered %d after restart, want %d", got, 2*helpReplies)
	}
	if h.fake.Refreshes() != 2 {
		t.Errorf("refreshes = %d, want 2 (with %s)", h.fake.Refreshes(), ref)
	}
	var stored store.TokenPair
	h.db.View(func(tx *store.Tx) error { stored, _, _ = tx.Token(); return nil })
	if acc2, ref2 := h.fake.Tokens(); stored.AccessToken != acc2 || stored.RefreshToken != ref2 || stored.Source != "refresh" {
		t.Errorf("stored pair %+v, want the fake's current %s/%s", stored, acc2, ref2)
	}
	if want := now.Add(90000 * time.Second); !near(stored.ExpiresAt, want) {
		t.Errorf("expires_at = %v, want %v", stored.ExpiresAt, want)
	}
}

func TestDeliveryAfterTheAPIWasDownForAWhile(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.fake.FailNext(4, zalotest.Failure{HTTPStatus: http.StatusServiceUnavailable})
	h.post(textEvent("4004", "down-1", "xin chào", now), "")
	h.settle()
	if got := len(h.sentTo("4004")); got != helpReplies {
		t.Fatalf("delivered %d, want %d", got, helpReplies)
	}
	if a := h.fake.Attempts(); a != helpReplies+4 {
		t.Errorf("attempts = %d, want %d (4 failures then success)", a, helpReplies+4)
	}
	m := h.get("/metrics", "")
	if !strings.Contains(m, `cdtbot_sends_total{code="0",result="transient"} 4`) {
		t.Errorf("metrics should count 4 transient failures:\n%s", grep(m, "cdtbot_sends_total"))
	}
	var outs []store.Outcome
	h.db.View(func(tx *store.Tx) error { outs, _ = tx.Outcomes(0, 10); return nil })
	for _, o := range outs {
		if o.Status != store.StatusSent || o.MessageID == "" {
			t.Errorf("outcome %+v: want sent with Zalo's message_id", o)
		}
	}
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) // 16:00 in Hanoi
	h := newHarness(t, now, nil)
	cases := []struct {
		user, status string
		code         int
		unreachable  bool
	}{
		{"5001", store.StatusUnreachable, -230, true},
		{"5002", store.StatusUnreachable, -232, true},
		{"5003", store.StatusUnreachable, -213, true},
		{"5004", store.StatusRejected, -201, false},
		{"5005", store.StatusRejected, -233, false},
	}
	for _, c := range cases {
		h.fake.FailFor(c.user, zalotest.Failure{Code: c.code, Message: "refused"})
		h.post(textEvent(c.user, "perm-"+c.user, "xin chào", now), "")
	}
	h.settle()
	before := h.fake.Attempts()
	time.Sleep(100 * time.Millisecond) // several retry periods (RetryBase is 20ms)
	if after := h.fake.Attempts(); after != before {
		t.Errorf("attempts went on after a permanent error: %d → %d", before, after)
	}
	// One attempt per message; a refused template is tried once more as text (the menu is one template).
	if want := len(cases)*helpReplies + 2; before != want {
		t.Errorf("attempts = %d, want one per message and one text retry per refused template (%d)", before, want)
	}
	var outs []store.Outcome
	h.db.View(func(tx *store.Tx) error { outs, _ = tx.Outcomes(0, 100); return nil })
	byUser := map[string][]store.Outcome{}
	for _, o := range outs {
		byUser[o.To] = append(byUser[o.To], o)
	}
	for _, c := range cases {
		os := byUser[c.user]
		if len(os) != helpReplies {
			t.Errorf("%s: %d outcomes, want %d", c.user, len(os), helpReplies)
		}
		for _, o := range os {
			wantAttempts := 1
			if c.status == store.StatusRejected && strings.Contains(string(o.Body), "Gõ số") {
				wantAttempts = 2 // the template, then the same content as text
			}
			if o.Status != c.status || o.Code != c.code || o.Attempts != wantAttempts {
				t.Errorf("%s: outcome %s/%d after %d attempts, want %s/%d after 1", c.user, o.Status, o.Code, o.Attempts, c.status, c.code)
			}
		}
		var u store.Unreachable
		var ok bool
		h.db.View(func(tx *store.Tx) error { u, ok, _ = tx.UnreachableUser(c.user); return nil })
		if ok != c.unreachable || (ok && (u.Code != c.code || !near(u.At, now))) {
			t.Errorf("%s: unreachable=%v %+v, want %v with code %d at %v", c.user, ok, u, c.unreachable, c.code, now)
		}
	}
	// Writing again reopens the window: the mark is cleared.
	h.fake.ClearFailures()
	h.post(textEvent("5001", "perm-again", "xin chào", now), "")
	h.settle()
	var ok bool
	h.db.View(func(tx *store.Tx) error { _, ok, _ = tx.UnreachableUser("5001"); return nil })
	if ok {
		t.Error("5001 still unreachable after writing to the OA")
	}
}

func TestNightBanWaitsForSixInTheMorning(t *testing.T) {
	now := time.Date(2026, 11, 23, 16, 30, 0, 0, time.UTC) // 23:30 in Hanoi
	h := newHarness(t, now, nil)
	h.fake.FailFor("6006", zalotest.Failure{Code: -234, Message: "night"})
	h.post(textEvent("6006", "night-1", "xin chào", now), "")
	waitFor(t, "the -234 answer", func() bool { return h.fake.Attempts() >= 1 })
	var waiting []store.OutMsg
	waitFor(t, "the retry to be scheduled", func() bool {
		h.db.View(func(tx *store.Tx) error { waiting, _ = tx.Outbox(); return nil })
		return len(waiting) == helpReplies && !waiting[0].NextAt.IsZero()
	})
	want := time.Date(2026, 11, 24, 6, 0, 0, 0, mustLoc(t))
	if !waiting[0].NextAt.Equal(want) { // the clock moved a little since: compare the instant the sender computed
		t.Errorf("retry at %v, want %v", waiting[0].NextAt, want)
	}
	if a := h.fake.Attempts(); a != 1 {
		t.Errorf("attempts at night = %d, want 1 (nothing more is tried at night)", a)
	}
	// Morning comes.
	h.fake.ClearFailures()
	h.clock.Set(want.Add(time.Second))
	h.settle()
	if got := len(h.sentTo("6006")); got != helpReplies {
		t.Errorf("delivered %d in the morning, want %d", got, helpReplies)
	}
}

func TestRepliesGoBeforeBulk(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	path := filepath.Join(dir, "db")
	db, err := store.Open(path, store.Options{Now: newClock(now).Now})
	if err != nil {
		t.Fatal(err)
	}
	// A morning's reminders are queued, then someone chats.
	db.Update(func(tx *store.Tx) error {
		for i := 0; i < 30; i++ {
			to := fmt.Sprintf("lead-%d", i)
			tx.Enqueue(store.OutMsg{Priority: store.PriorityBulk, Endpoint: store.EndpointUser, To: to, Body: zalo.TextMessage(to, "nhắc hạn")})
		}
		tx.Enqueue(store.OutMsg{Priority: store.PriorityReply, Endpoint: store.EndpointUser, To: "chatter", Body: zalo.TextMessage("chatter", "trả lời")})
		return nil
	})
	db.Close()
	h := &harness{t: t, dbPath: path, clock: newClock(now)}
	h.fake = zalotest.New(appID, appSecret, "access-1", "refresh-1")
	t.Cleanup(h.fake.Close)
	for i := 0; i < 30; i++ {
		h.fake.Interact(fmt.Sprintf("lead-%d", i))
	}
	h.fake.Interact("chatter")
	h.cfg = bot.Config{AppID: appID, OASecret: oaSecret, AppSecret: appSecret, AccessToken: "access-1", RefreshToken: "refresh-1",
		APIBase: h.fake.URL, OAuthBase: h.fake.URL, Location: time.UTC, SendWorkers: 1}
	h.start()
	h.settle()
	sent := h.fake.Sent()
	if len(sent) != 31 || sent[0].To != "chatter" {
		t.Fatalf("first of %d sends went to %q, want the reply to chatter first", len(sent), sent[0].To)
	}
}

func TestHealthReadyMetricsAndAdminAuth(t *testing.T) {
	h := newHarness(t, fixtureTime, nil)
	waitFor(t, "readiness", func() bool { return strings.HasPrefix(h.get("/readyz", ""), "200") })
	for path, want := range map[string]string{
		"/healthz":       "200",
		"/metrics":       "200",
		"/api/v1/status": "401",
	} {
		if got := h.get(path, ""); !strings.HasPrefix(got, want) {
			t.Errorf("GET %s = %.60s, want %s", path, got, want)
		}
	}
	if got := h.get("/api/v1/status", "wrong"); !strings.HasPrefix(got, "401") || !strings.Contains(got, `"code":"unauthorized"`) {
		t.Errorf("wrong token: %s", got)
	}
	if got := h.get("/api/v1/status", "admin-secret"); !strings.HasPrefix(got, "200") || !strings.Contains(got, `"inbox_pending"`) {
		t.Errorf("status: %s", got)
	}
	// A hot backup through the admin API is a database that opens.
	got := h.get("/api/v1/backup", "admin-secret")
	if !strings.HasPrefix(got, "200 ") {
		t.Fatalf("backup: %.80s", got)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	os.WriteFile(copyPath, []byte(strings.TrimPrefix(got, "200 ")), 0o600)
	cp, err := store.Open(copyPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("backup does not open: %v", err)
	}
	cp.Close()
}

func TestSandboxRecordsInsteadOfSending(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, func(c *bot.Config) {
		*c = bot.Config{Sandbox: true, Location: time.UTC, AdminToken: "admin-secret"}
	})
	if resp := h.post(textEvent("7007", "sb-1", "xin chào", now), "-"); resp.StatusCode != http.StatusOK {
		t.Fatalf("unsigned webhook in sandbox: %d", resp.StatusCode)
	}
	h.settle()
	if n := h.fake.Attempts(); n != 0 {
		t.Errorf("sandbox sent %d requests to Zalo", n)
	}
	got := h.get("/api/v1/messages", "admin-secret")
	if !strings.Contains(got, `"to":"7007"`) || !strings.Contains(got, `"status":"sent"`) || !strings.Contains(got, "sandbox-") || !strings.Contains(got, "tham gia") {
		t.Errorf("sandbox messages: %.400s", got)
	}
}

func TestOneRefreshAtATimeAndRefreshBeforeExpiry(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.fake.ExpireAccessToken()
	// Eight workers hit -216 together: one refresh serves them all (a second would burn the new refresh token).
	for i := 0; i < 20; i++ {
		h.post(textEvent(fmt.Sprintf("80%02d", i), fmt.Sprintf("burst-%d", i), "xin chào", now), "")
	}
	h.settle()
	if got := len(h.fake.Sent()); got != 20*helpReplies {
		t.Fatalf("delivered %d, want %d", got, 20*helpReplies)
	}
	if r := h.fake.Refreshes(); r != 1 {
		t.Errorf("refreshes = %d, want 1", r)
	}
	// 24h30m later the 25-hour token is within the hour of its expiry: renewed before use, no -216 needed.
	h.clock.Set(now.Add(24*time.Hour + 30*time.Minute))
	attempts := h.fake.Attempts()
	h.post(textEvent("8100", "later", "xin chào", h.clock.Now()), "")
	h.settle()
	if r := h.fake.Refreshes(); r != 2 {
		t.Errorf("refreshes = %d, want 2 (proactive)", r)
	}
	if a := h.fake.Attempts() - attempts; a != helpReplies {
		t.Errorf("%d send attempts, want %d (no refused send)", a, helpReplies)
	}
}
