package bot_test

// Evidence for the token repair (bot/tokens.go, bot/admin_zalo.go) and the webhook set-up:
// a dead pair stops sending without losing anything, /readyz and the operators say why,
// and a pair installed by an operator (admin API, browser authorisation, environment)
// delivers what waited, once.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/bottest"
	"github.com/cdtbot/cdtbot/bot/officer"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

var authTime = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

const (
	authUser = "9200000000000000001"
	authOps  = "9100000000000000001"
)

// oauthCounter sits between the bot and the fake's OAuth endpoints and counts token requests.
type oauthCounter struct {
	tokenRequests atomic.Int64
	srv           *httptest.Server
}

func newOAuthCounter(t *testing.T, target string) *oauthCounter {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	c := &oauthCounter{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v4/oa/access_token" {
			c.tokenRequests.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// front is a stable public URL (Config.PublicURL) in front of whichever bot server runs now.
type front struct {
	h   atomic.Value // http.Handler
	srv *httptest.Server
}

func newFront(t *testing.T) *front {
	f := &front{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, _ := f.h.Load().(http.Handler)
		if h == nil {
			http.Error(w, "no bot yet", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// newAuthHarness is a bot whose token requests are counted, whose public URL is a test
// server, and whose operator has written recently (alerts can reach them once sending works).
func newAuthHarness(t *testing.T) (*harness, *oauthCounter, *front) {
	t.Helper()
	var oc *oauthCounter
	fr := newFront(t)
	h := newHarness(t, authTime, func(c *bot.Config) {
		oc = newOAuthCounter(t, c.OAuthBase)
		c.OAuthBase = oc.srv.URL
		c.PublicURL = fr.srv.URL
		c.OpsNotify = []string{authOps}
	})
	fr.h.Store(h.Srv.Config.Handler)
	h.say(authOps, "xin chào")
	return h, oc, fr
}

// readyz returns the status and the reason of GET /readyz.
func (h *harness) readyz() (int, string) {
	h.T.Helper()
	status, body := h.Do("GET", "/readyz", "", "")
	var out struct {
		Reason string `json:"reason"`
	}
	_ = json.Unmarshal(body, &out)
	return status, out.Reason
}

func (h *harness) outboxReply() int {
	h.T.Helper()
	var st struct {
		OutboxReply int `json:"outbox_reply"`
	}
	h.MustAPI(http.StatusOK, "GET", "/api/v1/status", "", &st)
	return st.OutboxReply
}

// breakPair revokes the pair at Zalo, has the user write, and checks that the bot stops
// sending, says why, alerts, does not hammer Zalo, and keeps the reply queued.
func breakPair(t *testing.T, h *harness, oc *oauthCounter) {
	t.Helper()
	attempts0 := h.Fake.Attempts()
	h.Fake.RevokeRefreshToken()
	if resp := h.Post(textEvent(authUser, "auth-1", "xin chào", h.Clock.Now()), ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	waitFor(t, "/readyz to say zalo_auth", func() bool {
		s, r := h.readyz()
		return s == http.StatusServiceUnavailable && r == "zalo_auth"
	})
	if v := h.metricValue("cdtbot_zalo_auth_ok"); v != "0" {
		t.Errorf("cdtbot_zalo_auth_ok = %q, want 0", v)
	}
	// No tight loop: over a second of wall time, one refused refresh and one refused send.
	time.Sleep(time.Second)
	if v := h.metricValue(`cdtbot_alerts_total{reason="zalo_auth"}`); v != "1" { // raised asynchronously
		t.Errorf("zalo_auth alerts = %q, want 1", v)
	}
	if n := oc.tokenRequests.Load(); n != 1 {
		t.Errorf("%d refresh requests within a second of the refusal, want 1", n)
	}
	if a := h.Fake.Attempts() - attempts0; a != 1 {
		t.Errorf("%d send requests while no token works, want 1 (the one refused with -216)", a)
	}
	// The reply and the alert wait in the outbox; nothing was settled as lost.
	if d := h.outboxReply(); d != helpReplies+1 {
		t.Errorf("outbox_reply = %d, want %d (the reply and the operators' alert)", d, helpReplies+1)
	}
	var queued []store.OutMsg
	h.DB.View(func(tx *store.Tx) error { queued, _ = tx.Outbox(); return nil })
	var toUser, toOps int
	for _, m := range queued {
		switch {
		case m.To == authUser && m.Kind == store.KindReply:
			toUser++
		case m.To == authOps && m.Kind == bot.KindAlert && strings.Contains(m.Text, "token"):
			toOps++
		}
	}
	if toUser != helpReplies || toOps != 1 {
		t.Errorf("queued: %d replies to the user, %d alerts to the operators; want %d and 1", toUser, toOps, helpReplies)
	}
	if got := h.outcomesOf(authUser, store.KindReply); len(got) != 0 {
		t.Errorf("the reply was settled while no token works: %+v", got)
	}
	var ts struct {
		Usable  bool   `json:"usable"`
		Problem string `json:"problem"`
	}
	h.MustAPI(http.StatusOK, "GET", "/api/v1/zalo/token", "", &ts)
	if ts.Usable || ts.Problem == "" {
		t.Errorf("GET /api/v1/zalo/token = %+v, want unusable with the problem", ts)
	}
}

// repaired checks that the waiting reply went out exactly once, with the installed token.
func repaired(t *testing.T, h *harness, access string) {
	t.Helper()
	waitFor(t, "/readyz 200", func() bool { s, _ := h.readyz(); return s == http.StatusOK })
	h.Settle()
	got := h.SentTo(authUser)
	if len(got) != helpReplies {
		t.Fatalf("delivered %d messages to the user, want %d (exactly once)", len(got), helpReplies)
	}
	for _, s := range got {
		if s.AccessToken != access {
			t.Errorf("sent with %q, want the installed %q", s.AccessToken, access)
		}
	}
	if os := h.outcomesOf(authUser, store.KindReply); len(os) != helpReplies || os[0].Status != store.StatusSent {
		t.Errorf("outcomes %+v, want %d sent", os, helpReplies)
	}
	// The operators' alert waited too, and goes out now.
	if txt := h.lastText(authOps); !strings.Contains(txt, "token") {
		t.Errorf("last message to the operators = %q, want the token alert", txt)
	}
	if v := h.metricValue("cdtbot_zalo_auth_ok"); v != "1" {
		t.Errorf("cdtbot_zalo_auth_ok = %q, want 1", v)
	}
}

func TestTokenRepairByAdminAPI(t *testing.T) {
	h, oc, _ := newAuthHarness(t)
	breakPair(t, h, oc)

	// A pair with the wrong shape is refused and changes nothing.
	if got := h.API("PUT", "/api/v1/zalo/token", `{"access_token":"x"}`, nil); got != http.StatusBadRequest {
		t.Errorf("PUT a half pair: %d, want 400", got)
	}
	acc, ref := h.Fake.IssuePair()
	var ts struct {
		Usable bool   `json:"usable"`
		Source string `json:"source"`
	}
	h.MustAPI(http.StatusOK, "PUT", "/api/v1/zalo/token", fmt.Sprintf(`{"access_token":%q,"refresh_token":%q,"expires_in":90000}`, acc, ref), &ts)
	if !ts.Usable || ts.Source != "admin" {
		t.Errorf("after PUT: %+v, want usable from admin", ts)
	}
	repaired(t, h, acc)
	if n := oc.tokenRequests.Load(); n != 1 {
		t.Errorf("%d token requests in all, want 1 (the refused refresh; the installed pair needed none)", n)
	}

	// A restart with the first environment pair again: the installed pair stays.
	h.Restart()
	h.say(authUser, "xin chào")
	if got := h.SentTo(authUser); len(got) != 2*helpReplies || got[len(got)-1].AccessToken != acc {
		t.Errorf("after restart with the old environment pair: %d messages, last with %q; want %d with %q", len(got), got[len(got)-1].AccessToken, 2*helpReplies, acc)
	}
	var stored store.TokenPair
	h.DB.View(func(tx *store.Tx) error { stored, _, _ = tx.Token(); return nil })
	if stored.AccessToken != acc || stored.RefreshToken != ref || stored.Source != "admin" {
		t.Errorf("stored pair after restart: %s/%s from %s, want the admin's", stored.AccessToken, stored.RefreshToken, stored.Source)
	}
}

func TestTokenRepairByBrowserAuthorisation(t *testing.T) {
	h, oc, fr := newAuthHarness(t)
	breakPair(t, h, oc)

	var link struct {
		URL string `json:"url"`
	}
	h.MustAPI(http.StatusOK, "POST", "/api/v1/zalo/authorize", "", &link)
	if !strings.HasPrefix(link.URL, fr.srv.URL+"/oauth/zalo/start?ticket=") {
		t.Fatalf("authorisation link %q, want one on the public URL %s", link.URL, fr.srv.URL)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		t.Helper()
		resp, err := noFollow.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	// The bot sends the admin to Zalo's permission page, with PKCE.
	start := get(link.URL)
	perm, _ := url.Parse(start.Header.Get("Location"))
	if start.StatusCode != http.StatusFound || perm == nil || perm.Path != "/v4/oa/permission" || perm.Query().Get("code_challenge") == "" ||
		perm.Query().Get("redirect_uri") != fr.srv.URL+"/oauth/zalo/callback" {
		t.Fatalf("start: %d to %q, want a redirect to the permission page back to %s/oauth/zalo/callback", start.StatusCode, start.Header.Get("Location"), fr.srv.URL)
	}
	// The ticket is single-use.
	if again := get(link.URL); again.StatusCode != http.StatusForbidden {
		t.Errorf("the same ticket again: %d, want 403", again.StatusCode)
	}
	// Zalo (the fake OA admin approves at once) sends the browser back with a code.
	back := get(perm.String())
	cb := back.Header.Get("Location")
	if back.StatusCode != http.StatusFound || !strings.HasPrefix(cb, fr.srv.URL+"/oauth/zalo/callback?") {
		t.Fatalf("permission: %d to %q, want a redirect to the callback", back.StatusCode, cb)
	}
	if done := get(cb); done.StatusCode != http.StatusOK {
		t.Fatalf("callback: %d, want 200", done.StatusCode)
	}
	acc, _ := h.Fake.Tokens()
	repaired(t, h, acc)
	var stored store.TokenPair
	h.DB.View(func(tx *store.Tx) error { stored, _, _ = tx.Token(); return nil })
	if stored.AccessToken != acc || stored.Source != "oauth" {
		t.Errorf("stored pair %s from %s, want %s from oauth", stored.AccessToken, stored.Source, acc)
	}
	// The callback replayed (code already used, state consumed) installs nothing.
	if again := get(cb); again.StatusCode == http.StatusOK {
		t.Errorf("the callback replayed: %d, want a refusal", again.StatusCode)
	}
}

func TestTokenFromTheEnvironmentAfterRestart(t *testing.T) {
	h := newHarness(t, authTime, nil)
	h.say(authUser, "xin chào")
	if n := len(h.SentTo(authUser)); n != helpReplies {
		t.Fatalf("first reply: %d", n)
	}
	// The stored pair dies; an operator puts a new pair in the environment and restarts.
	h.Fake.RevokeRefreshToken()
	h.Stop()
	acc, ref := h.Fake.IssuePair()
	h.Cfg.AccessToken, h.Cfg.RefreshToken = acc, ref
	h.Start()
	if s, r := h.readyz(); s != http.StatusOK {
		t.Errorf("readyz after restart with a new environment pair: %d %s", s, r)
	}
	h.say(authUser, "xin chào")
	got := h.SentTo(authUser)
	if len(got) != 2*helpReplies || got[len(got)-1].AccessToken != acc {
		t.Fatalf("after restart: %d messages, last with %q; want %d, with the environment's %q", len(got), got[len(got)-1].AccessToken, 2*helpReplies, acc)
	}
	if r := h.Fake.Refreshes(); r != 0 {
		t.Errorf("refreshes = %d, want 0: the new environment pair is used as it is", r)
	}
	var stored store.TokenPair
	h.DB.View(func(tx *store.Tx) error { stored, _, _ = tx.Token(); return nil })
	if stored.AccessToken != acc || stored.Source != "env" {
		t.Errorf("stored %s from %s, want %s from env", stored.AccessToken, stored.Source, acc)
	}

	// That pair is refreshed (its access token expired); a restart with the same environment
	// must keep the refreshed pair: the environment's refresh token is dead now.
	h.Fake.ExpireAccessToken()
	h.say(authUser, "xin chào")
	if r := h.Fake.Refreshes(); r != 1 {
		t.Fatalf("refreshes = %d, want 1", r)
	}
	acc2, ref2 := h.Fake.Tokens()
	h.Restart()
	h.say(authUser, "xin chào")
	got = h.SentTo(authUser)
	if len(got) != 4*helpReplies || got[len(got)-1].AccessToken != acc2 {
		t.Errorf("after restart with the same environment: %d messages, last with %q; want %d with the refreshed %q", len(got), got[len(got)-1].AccessToken, 4*helpReplies, acc2)
	}
	if r := h.Fake.Refreshes(); r != 1 {
		t.Errorf("refreshes = %d, want still 1", r)
	}
	h.DB.View(func(tx *store.Tx) error { stored, _, _ = tx.Token(); return nil })
	if stored.AccessToken != acc2 || stored.RefreshToken != ref2 || stored.Source != "refresh" {
		t.Errorf("stored %s/%s from %s, want the refreshed %s/%s", stored.AccessToken, stored.RefreshToken, stored.Source, acc2, ref2)
	}
	if s, _ := h.readyz(); s != http.StatusOK {
		t.Errorf("readyz = %d, want 200", s)
	}
}

// permissionRevokedEvent is Zalo's permission_revoked webhook body.
func permissionRevokedEvent(at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"app_id": appID, "oa_id": "388613280878808645", "event_name": "permission_revoked",
		"timestamp": strconv.FormatInt(at.UnixMilli(), 10),
	})
	return b
}

func TestWebhookSetUpAndPermissionRevoked(t *testing.T) {
	h := newHarness(t, authTime, func(c *bot.Config) { c.OpsNotify = []string{authOps} })
	hook := h.Srv.URL + "/webhook/zalo"

	// The console's checks of the URL: 200, and nothing stored.
	before := h.EventCount()
	if s, err := h.Fake.ProbeWebhook(hook); err != nil || s != http.StatusOK {
		t.Errorf("console POST probe: %d %v, want 200", s, err)
	}
	if s, err := h.Fake.ProbeWebhookGET(hook); err != nil || s != http.StatusOK {
		t.Errorf("console GET probe: %d %v, want 200", s, err)
	}
	if n := h.EventCount(); n != before {
		t.Errorf("probes stored %d events", n-before)
	}
	// An unsigned event is refused by default.
	if resp := h.Post(textEvent(authUser, "unsigned-1", "xin chào", h.Clock.Now()), "-"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned event: %d, want 401", resp.StatusCode)
	}
	if n := h.EventCount(); n != before {
		t.Errorf("unsigned event stored")
	}
	if s, _ := h.readyz(); s != http.StatusOK {
		t.Fatalf("readyz before revocation: %d", s)
	}

	// An OA admin revokes the app.
	if resp := h.Post(permissionRevokedEvent(h.Clock.Now()), ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("permission_revoked: %d", resp.StatusCode)
	}
	h.settleInbox()
	waitFor(t, "/readyz to say zalo_auth", func() bool {
		s, r := h.readyz()
		return s == http.StatusServiceUnavailable && r == "zalo_auth"
	})
	if v := h.metricValue(`cdtbot_alerts_total{reason="permission_revoked"}`); v != "1" {
		t.Errorf("permission_revoked alerts = %q, want 1", v)
	}
	var queued []store.OutMsg
	h.DB.View(func(tx *store.Tx) error { queued, _ = tx.Outbox(); return nil })
	if len(queued) != 1 || queued[0].To != authOps || queued[0].Kind != bot.KindAlert {
		t.Errorf("outbox %+v, want one alert to the operators", queued)
	}
}

// settleInbox waits until every stored event is handled (the outbox may keep waiting).
func (h *harness) settleInbox() {
	h.T.Helper()
	waitFor(h.T, "inbox to drain", func() bool {
		h.DB.SettleInbox() // acknowledged events still in the inbox log are not pending in the database yet
		var p int
		h.DB.View(func(tx *store.Tx) error { p = tx.PendingCount(); return nil })
		return p == 0
	})
}

// TestPermissionRevokedDuringARefreshDoesNotFreezeTheBot: a permission_revoked event handled
// while a refresh is in flight. The event is handled inside a write transaction that calls
// TokenManager.Revoked (which takes the manager's lock); the refresh holds that lock and
// then needs a write transaction to store the new pair (or to queue its alert). If they wait
// for each other, the bot stops handling events, sending, and answering the webhook.
//
// It builds the bot by hand, not with newHarness, so that a frozen bot is reported as a
// failure instead of hanging the test's cleanup.
func TestPermissionRevokedDuringARefreshDoesNotFreezeTheBot(t *testing.T) {
	fake := zalotest.New(appID, appSecret, "access-1", "refresh-1")
	t.Cleanup(fake.Close)
	h := &harness{&bottest.Harness{T: t, DBPath: filepath.Join(t.TempDir(), "cdtbot.db"), Clock: bottest.NewClock(authTime), Fake: fake}}
	fake.SetClock(h.Clock.Now)
	oc := newOAuthCounter(t, fake.URL)
	h.Cfg = bot.Config{
		AppID: appID, OASecret: oaSecret, AppSecret: appSecret,
		AccessToken: "access-1", RefreshToken: "refresh-1",
		APIBase: fake.URL, OAuthBase: oc.srv.URL, AdminToken: adminToken,
		Location: mustLoc(t), RetryBase: 20 * time.Millisecond, OpsNotify: []string{authOps},
	}
	db, err := store.Open(h.DBPath, store.Options{Now: h.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	engine := flows.New(h.Cfg.Location, flows.Deps{Digest: &reminders.Sweeper{DB: db, Loc: h.Cfg.Location}, Links: officer.NewLinks(h.Cfg.PublicURL)})
	b, err := bot.New(h.Cfg, db, engine, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.Disabled))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); b.Run(ctx) }()
	h.DB, h.Srv = db, httptest.NewServer(b.Handler())
	frozen := true
	t.Cleanup(func() {
		if frozen {
			return // leave the stuck goroutines be: closing would wait for them forever
		}
		h.Srv.Close()
		cancel()
		<-done
		db.Close()
	})

	// The access token expires and the refresh answers slowly: the manager's lock is held meanwhile.
	fake.ExpireAccessToken()
	fake.FailNextRefresh(1, zalotest.Failure{Delay: 400 * time.Millisecond})
	h.Post(textEvent(authUser, "slow-1", "xin chào", h.Clock.Now()), "")
	waitFor(t, "the refresh to start", func() bool { return oc.tokenRequests.Load() >= 1 })
	h.Post(permissionRevokedEvent(h.Clock.Now()), "")

	// Within 3 s (the refresh takes 0.4 s) the event must be handled and a new webhook call answered.
	handled := make(chan struct{})
	go func() {
		for {
			p := db.InboxLogged() // acknowledged, not yet copied into the database
			db.View(func(tx *store.Tx) error { p += tx.PendingCount(); return nil })
			if p == 0 {
				close(handled)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	select {
	case <-handled:
	case <-time.After(3 * time.Second):
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("the permission_revoked event is still not handled after 3 s: the bot is frozen "+
			"(event handling holds the write transaction and waits for the token manager's lock, "+
			"the refresh holds that lock and waits for a write transaction).\n%s", relevantStacks(string(buf[:n])))
	}
	answered := make(chan int, 1)
	go func() {
		c := &http.Client{Timeout: 2 * time.Second}
		resp, err := c.Post(h.Srv.URL+"/webhook/zalo", "application/json", strings.NewReader("{}"))
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	if s := <-answered; s != http.StatusOK {
		t.Fatalf("webhook after the revocation: %d, want 200", s)
	}
	frozen = false
}

// relevantStacks keeps the goroutines that show the lock cycle.
func relevantStacks(all string) string {
	var out []string
	for _, g := range strings.Split(all, "\n\n") {
		if strings.Contains(g, "cdtbot/bot.(*TokenManager)") || strings.Contains(g, "bot.(*Processor)") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}
