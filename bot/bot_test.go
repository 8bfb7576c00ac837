package bot_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/bottest"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/store"
)

// The names of bottest as this package's tests know them.
const (
	appID      = bottest.AppID
	oaSecret   = bottest.OASecret
	appSecret  = bottest.AppSecret
	adminToken = bottest.AdminToken
)

var (
	waitFor   = bottest.WaitFor
	textEvent = bottest.TextEvent
	mustLoc   = bottest.Loc
)

// harness is the whole server (bottest.Harness) with this package's helpers.
type harness struct{ *bottest.Harness }

func newHarness(t *testing.T, now time.Time, mutate func(*bot.Config)) *harness {
	t.Helper()
	return &harness{bottest.New(t, now, mutate)}
}

var fixtureTime = time.Date(2024, 6, 3, 7, 0, 0, 0, time.UTC)

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
		before := h.EventCount()
		for i := 0; i < 2; i++ { // the second delivery is a retry
			if resp := h.Post(body, ""); resp.StatusCode != http.StatusOK {
				t.Errorf("%s delivery %d: status %d, want 200", filepath.Base(f), i+1, resp.StatusCode)
			}
		}
		want := 1
		if !ev.Known {
			want = 0 // unknown events are acknowledged and logged, not stored
		}
		if got := h.EventCount() - before; got != want {
			t.Errorf("%s: stored %d events, want %d", filepath.Base(f), got, want)
		}
		stored += want
	}
	h.Settle()
	// A follow gets the welcome; every user message, image or shared info gets help.
	// Too long for a card's title, the welcome goes as one text with its choices numbered: one send.
	if got := h.SentTo("8859403712658940371"); len(got) != 1 || !strings.Contains(got[0].Text, "Chào mừng") || !strings.Contains(got[0].Text, "\n1. ") {
		t.Errorf("follow: sent %d messages, want the welcome with its choices numbered, in one", len(got))
	}
	if got := h.SentTo("246845883529197922"); len(got) == 0 {
		t.Error("user_send_text: no reply")
	}
	t.Logf("%d fixtures, %d stored, %d messages sent", len(files), stored, len(h.Fake.Sent()))
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
		if resp := h.Post(c.body, c.sig); resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.status)
		}
	}
	if n := h.EventCount(); n != 0 {
		t.Errorf("%d events stored from bad input, want 0", n)
	}
	metrics := h.Get("/metrics", "")
	for _, reason := range []string{"missing_signature", "bad_signature", "too_large", "malformed"} {
		if !strings.Contains(metrics, `cdtbot_events_rejected_total{reason="`+reason+`"}`) {
			t.Errorf("metrics lack rejected reason %s", reason)
		}
	}
	// The good body still goes through afterwards.
	if resp := h.Post(good, "mac="+mac); resp.StatusCode != http.StatusOK {
		t.Errorf("good event after bad ones: %d", resp.StatusCode)
	}
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
			if resp := h.Post(body, ""); resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	h.Settle()
	// And once more after a restart: the dedupe record is durable.
	h.Restart()
	if resp := h.Post(body, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("after restart: status %d", resp.StatusCode)
	}
	h.Settle()
	if got := len(h.SentTo("1001")); got != helpReplies {
		t.Errorf("replies = %d, want %d (one handling)", got, helpReplies)
	}
	if m := h.Get("/metrics", ""); !strings.Contains(m, "cdtbot_events_duplicate_total 1") {
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
		text := "báo cáo" // even events ask who files, odd ones greet: the answers tell the order
		if i%2 == 1 {
			text = "xin chào"
		}
		h.Post(textEvent("2002", fmt.Sprintf("m-%d", i), text, now.Add(time.Duration(i)*time.Second)), "")
	}
	h.Settle()
	got := h.SentTo("2002")
	if len(got) != 5 {
		t.Fatalf("replies = %d, want 5", len(got))
	}
	// Per-recipient order: one message an event, in the order the events came — who files (too long
	// for a card: its choices numbered), then the menu (short: a card with buttons).
	for i, s := range got {
		whoFiles := strings.Contains(s.Text, "tổ trưởng") && strings.Contains(s.Text, "\n1. ")
		menu := strings.Contains(string(s.Body), `"template_type":"list"`)
		if whoFiles != (i%2 == 0) || menu != (i%2 == 1) {
			t.Errorf("reply %d: %s", i, s.Body)
		}
	}
}

func TestTokenRefreshOnInvalidTokenAndRotatedPairAfterRestart(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.Fake.ExpireAccessToken()
	h.Post(textEvent("3003", "tok-1", "xin chào", now), "")
	h.Settle()
	if got := len(h.SentTo("3003")); got != helpReplies {
		t.Fatalf("delivered %d after -216, want %d", got, helpReplies)
	}
	if h.Fake.Refreshes() != 1 {
		t.Fatalf("refreshes = %d, want 1", h.Fake.Refreshes())
	}
	acc, ref := h.Fake.Tokens()
	for _, s := range h.SentTo("3003") {
		if s.AccessToken != acc {
			t.Errorf("sent with %q, want the refreshed %q", s.AccessToken, acc)
		}
	}
	// Restart with the environment still holding the first pair: the stored pair must win,
	// because refresh-1 is dead and only the rotated refresh token works.
	h.Restart()
	h.Fake.ExpireAccessToken()
	h.Post(textEvent("3003", "tok-2", "xin chào", now), "")
	h.Settle()
	if got := len(h.SentTo("3003")); got != 2*helpReplies {
		t.Fatalf("delivered %d after restart, want %d", got, 2*helpReplies)
	}
	if h.Fake.Refreshes() != 2 {
		t.Errorf("refreshes = %d, want 2 (with %s)", h.Fake.Refreshes(), ref)
	}
	var stored store.TokenPair
	h.DB.View(func(tx *store.Tx) error { stored, _, _ = tx.Token(); return nil })
	if acc2, ref2 := h.Fake.Tokens(); stored.AccessToken != acc2 || stored.RefreshToken != ref2 || stored.Source != "refresh" {
		t.Errorf("stored pair %+v, want the fake's current %s/%s", stored, acc2, ref2)
	}
	if want := now.Add(90000 * time.Second); !near(stored.ExpiresAt, want) {
		t.Errorf("expires_at = %v, want %v", stored.ExpiresAt, want)
	}
}

func TestDeliveryAfterTheAPIWasDownForAWhile(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.Fake.FailNext(4, zalotest.Failure{HTTPStatus: http.StatusServiceUnavailable})
	h.Post(textEvent("4004", "down-1", "xin chào", now), "")
	h.Settle()
	if got := len(h.SentTo("4004")); got != helpReplies {
		t.Fatalf("delivered %d, want %d", got, helpReplies)
	}
	if a := h.Fake.Attempts(); a != helpReplies+4 {
		t.Errorf("attempts = %d, want %d (4 failures then success)", a, helpReplies+4)
	}
	m := h.Get("/metrics", "")
	if !strings.Contains(m, `cdtbot_sends_total{code="0",result="transient"} 4`) {
		t.Errorf("metrics should count 4 transient failures:\n%s", grep(m, "cdtbot_sends_total"))
	}
	var outs []store.Outcome
	h.DB.View(func(tx *store.Tx) error { outs, _ = tx.Outcomes(0, 10); return nil })
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
		h.Fake.FailFor(c.user, zalotest.Failure{Code: c.code, Message: "refused"})
		h.Post(textEvent(c.user, "perm-"+c.user, "xin chào", now), "")
	}
	h.Settle()
	before := h.Fake.Attempts()
	time.Sleep(100 * time.Millisecond) // several retry periods (RetryBase is 20ms)
	if after := h.Fake.Attempts(); after != before {
		t.Errorf("attempts went on after a permanent error: %d → %d", before, after)
	}
	// One attempt per message; a refused template is tried once more as text (the menu is one template).
	if want := len(cases)*helpReplies + 2; before != want {
		t.Errorf("attempts = %d, want one per message and one text retry per refused template (%d)", before, want)
	}
	var outs []store.Outcome
	h.DB.View(func(tx *store.Tx) error { outs, _ = tx.Outcomes(0, 100); return nil })
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
		h.DB.View(func(tx *store.Tx) error { u, ok, _ = tx.UnreachableUser(c.user); return nil })
		if ok != c.unreachable || (ok && (u.Code != c.code || !near(u.At, now))) {
			t.Errorf("%s: unreachable=%v %+v, want %v with code %d at %v", c.user, ok, u, c.unreachable, c.code, now)
		}
	}
	// Writing again reopens the window: the mark is cleared.
	h.Fake.ClearFailures()
	h.Post(textEvent("5001", "perm-again", "xin chào", now), "")
	h.Settle()
	var ok bool
	h.DB.View(func(tx *store.Tx) error { _, ok, _ = tx.UnreachableUser("5001"); return nil })
	if ok {
		t.Error("5001 still unreachable after writing to the OA")
	}
}

func TestNightBanWaitsForSixInTheMorning(t *testing.T) {
	now := time.Date(2026, 11, 23, 16, 30, 0, 0, time.UTC) // 23:30 in Hanoi
	h := newHarness(t, now, nil)
	h.Fake.FailFor("6006", zalotest.Failure{Code: -234, Message: "night"})
	h.Post(textEvent("6006", "night-1", "xin chào", now), "")
	waitFor(t, "the -234 answer", func() bool { return h.Fake.Attempts() >= 1 })
	var waiting []store.OutMsg
	waitFor(t, "the retry to be scheduled", func() bool {
		h.DB.View(func(tx *store.Tx) error { waiting, _ = tx.Outbox(); return nil })
		return len(waiting) == helpReplies && !waiting[0].NextAt.IsZero()
	})
	want := time.Date(2026, 11, 24, 6, 0, 0, 0, mustLoc(t))
	if !waiting[0].NextAt.Equal(want) { // the clock moved a little since: compare the instant the sender computed
		t.Errorf("retry at %v, want %v", waiting[0].NextAt, want)
	}
	if a := h.Fake.Attempts(); a != 1 {
		t.Errorf("attempts at night = %d, want 1 (nothing more is tried at night)", a)
	}
	// Morning comes.
	h.Fake.ClearFailures()
	h.Clock.Set(want.Add(time.Second))
	h.Settle()
	if got := len(h.SentTo("6006")); got != helpReplies {
		t.Errorf("delivered %d in the morning, want %d", got, helpReplies)
	}
}

func TestRepliesGoBeforeBulk(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	path := filepath.Join(dir, "db")
	db, err := store.Open(path, store.Options{Now: bottest.NewClock(now).Now})
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
	h := &harness{&bottest.Harness{T: t, DBPath: path, Clock: bottest.NewClock(now)}}
	h.Fake = zalotest.New(appID, appSecret, "access-1", "refresh-1")
	t.Cleanup(h.Fake.Close)
	for i := 0; i < 30; i++ {
		h.Fake.Interact(fmt.Sprintf("lead-%d", i))
	}
	h.Fake.Interact("chatter")
	h.Cfg = bot.Config{AppID: appID, OASecret: oaSecret, AppSecret: appSecret, AccessToken: "access-1", RefreshToken: "refresh-1",
		APIBase: h.Fake.URL, OAuthBase: h.Fake.URL, Location: time.UTC, SendWorkers: 1}
	h.Start()
	h.Settle()
	sent := h.Fake.Sent()
	if len(sent) != 31 || sent[0].To != "chatter" {
		t.Fatalf("first of %d sends went to %q, want the reply to chatter first", len(sent), sent[0].To)
	}
}

func TestHealthReadyMetricsAndAdminAuth(t *testing.T) {
	h := newHarness(t, fixtureTime, nil)
	waitFor(t, "readiness", func() bool { return strings.HasPrefix(h.Get("/readyz", ""), "200") })
	for path, want := range map[string]string{
		"/healthz":       "200",
		"/metrics":       "200",
		"/api/v1/status": "401",
	} {
		if got := h.Get(path, ""); !strings.HasPrefix(got, want) {
			t.Errorf("GET %s = %.60s, want %s", path, got, want)
		}
	}
	if got := h.Get("/api/v1/status", "wrong"); !strings.HasPrefix(got, "401") || !strings.Contains(got, `"code":"unauthorized"`) {
		t.Errorf("wrong token: %s", got)
	}
	if got := h.Get("/api/v1/status", "admin-secret"); !strings.HasPrefix(got, "200") || !strings.Contains(got, `"inbox_pending"`) {
		t.Errorf("status: %s", got)
	}
	// A hot backup through the admin API is a database that opens.
	got := h.Get("/api/v1/backup", "admin-secret")
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
	if resp := h.Post(textEvent("7007", "sb-1", "xin chào", now), "-"); resp.StatusCode != http.StatusOK {
		t.Fatalf("unsigned webhook in sandbox: %d", resp.StatusCode)
	}
	h.Settle()
	if n := h.Fake.Attempts(); n != 0 {
		t.Errorf("sandbox sent %d requests to Zalo", n)
	}
	got := h.Get("/api/v1/messages", "admin-secret")
	if !strings.Contains(got, `"to":"7007"`) || !strings.Contains(got, `"status":"sent"`) || !strings.Contains(got, "sandbox-") || !strings.Contains(got, "tham gia") {
		t.Errorf("sandbox messages: %.400s", got)
	}
}

func TestOneRefreshAtATimeAndRefreshBeforeExpiry(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.Fake.ExpireAccessToken()
	// Eight workers hit -216 together: one refresh serves them all (a second would burn the new refresh token).
	for i := 0; i < 20; i++ {
		h.Post(textEvent(fmt.Sprintf("80%02d", i), fmt.Sprintf("burst-%d", i), "xin chào", now), "")
	}
	h.Settle()
	if got := len(h.Fake.Sent()); got != 20*helpReplies {
		t.Fatalf("delivered %d, want %d", got, 20*helpReplies)
	}
	if r := h.Fake.Refreshes(); r != 1 {
		t.Errorf("refreshes = %d, want 1", r)
	}
	// 24h30m later the 25-hour token is within the hour of its expiry: renewed before use, no -216 needed.
	h.Clock.Set(now.Add(24*time.Hour + 30*time.Minute))
	attempts := h.Fake.Attempts()
	h.Post(textEvent("8100", "later", "xin chào", h.Clock.Now()), "")
	h.Settle()
	if r := h.Fake.Refreshes(); r != 2 {
		t.Errorf("refreshes = %d, want 2 (proactive)", r)
	}
	if a := h.Fake.Attempts() - attempts; a != helpReplies {
		t.Errorf("%d send attempts, want %d (no refused send)", a, helpReplies)
	}
}
