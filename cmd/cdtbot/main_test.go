package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// syncBuffer is a bytes.Buffer safe to read while the server writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var listenRE = regexp.MustCompile(`listening on (http://\S+)`)

// startServe runs the whole program in-process and returns its base URL and a stop function.
func startServe(t *testing.T, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), out, errOut) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listenRE.FindStringSubmatch(out.String()); m != nil {
			stop := func() error { cancel(); return <-done }
			return m[1], out, stop
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func textEvent(user, msgID, text string) string {
	return fmt.Sprintf(`{"app_id":"1","user_id_by_app":"9","event_name":"user_send_text","timestamp":"%d","sender":{"id":"%s"},"recipient":{"id":"388613280878808645"},"message":{"text":%q,"msg_id":"%s"}}`,
		time.Now().UnixMilli(), user, text, msgID)
}

func TestSandboxServeAnswersAndBackupWorksBothWays(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": filepath.Join(dir, "nested", "cdtbot.db"), "CDTBOT_ADMIN_TOKEN": "tok"}
	base, out, stop := startServe(t, env)
	if !strings.Contains(out.String(), "SANDBOX MODE") {
		t.Errorf("sandbox mode not announced:\n%s", out.String())
	}
	resp, err := http.Post(base+"/webhook/zalo", "application/json", strings.NewReader(textEvent("42", "m1", "tham gia")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	// The reply is recorded in the sandbox outbox log, readable through the admin API.
	var body string
	for i := 0; i < 200 && !strings.Contains(body, `"to":"42"`); i++ {
		time.Sleep(10 * time.Millisecond)
		req, _ := http.NewRequest("GET", base+"/api/v1/messages", nil)
		req.Header.Set("Authorization", "Bearer tok")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		body = string(b)
	}
	if !strings.Contains(body, `"to":"42"`) {
		t.Fatalf("no sandbox reply recorded: %s", body)
	}

	// While the server holds the file, backup goes through its admin API.
	var bout, berr syncBuffer
	live := filepath.Join(dir, "live.db")
	if err := run(context.Background(), []string{"backup", "--server", base, live}, envOf(env), &bout, &berr); err != nil {
		t.Fatalf("backup through server: %v", err)
	}
	if !strings.Contains(bout.String(), "through the server") {
		t.Errorf("backup output: %s", bout.String())
	}
	// A second server on the same file fails at once with a clear message.
	env2 := map[string]string{"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": env["CDTBOT_DB"]}
	start := time.Now()
	err = run(context.Background(), []string{"serve"}, envOf(env2), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("second server: err = %v, want a lock error", err)
	}
	if waited := time.Since(start); waited > 8*time.Second {
		t.Errorf("second server waited %v", waited)
	}

	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	// With the server gone, backup reads the file directly.
	bout = syncBuffer{}
	cold := filepath.Join(dir, "cold.db")
	if err := run(context.Background(), []string{"backup", cold}, envOf(env), &bout, &berr); err != nil {
		t.Fatalf("backup from file: %v", err)
	}
	if !strings.Contains(bout.String(), "from the file") {
		t.Errorf("backup output: %s", bout.String())
	}
	for _, p := range []string{live, cold} {
		db, err := store.Open(p, store.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var n int
		db.View(func(tx *store.Tx) error { n = tx.EventCount(); return nil })
		db.Close()
		if n != 1 {
			t.Errorf("%s holds %d events, want 1", filepath.Base(p), n)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"ZALO_APP_ID": "1"}, nil, "ZALO_OA_SECRET_KEY, ZALO_APP_SECRET_KEY"},
		{map[string]string{"CDTBOT_TZ": "Mars/Olympus"}, nil, "CDTBOT_TZ"},
		{map[string]string{"CDTBOT_LOG_LEVEL": "loud"}, nil, "log level"},
		{nil, []string{"frobnicate"}, `unknown command "frobnicate"`},
		{nil, []string{"backup"}, "usage: cdtbot backup"},
	}
	for i, c := range cases {
		args := c.args
		if args == nil {
			args = []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "db")}
		}
		err := run(context.Background(), args, envOf(c.env), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: err = %v, want it to mention %q", i, err, c.want)
		}
	}
}

func TestProductionModeNeedsSignatures(t *testing.T) {
	env := map[string]string{
		"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": filepath.Join(t.TempDir(), "db"),
		"ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "k", "ZALO_APP_SECRET_KEY": "s",
		"ZALO_ACCESS_TOKEN": "a", "ZALO_REFRESH_TOKEN": "r", "ZALO_API_BASE": "http://127.0.0.1:1", "ZALO_OAUTH_BASE": "http://127.0.0.1:1",
	}
	base, out, stop := startServe(t, env)
	defer stop()
	if strings.Contains(out.String(), "SANDBOX") {
		t.Error("production mode announced as sandbox")
	}
	resp, err := http.Post(base+"/webhook/zalo", "application/json", strings.NewReader(textEvent("42", "m1", "hi")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := strconv.Itoa(resp.StatusCode); got != "401" {
		t.Errorf("unsigned webhook in production: %s, want 401", got)
	}
}

func TestRemindCommandOnFileAndThroughServer(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"CDTBOT_DB": filepath.Join(dir, "cdtbot.db"), "CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_ADMIN_TOKEN": "tok"}
	ctx := context.Background()
	if err := run(ctx, []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(env), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	remindAt := func(at string, extra ...string) string {
		t.Helper()
		var out syncBuffer
		args := append([]string{"remind", "--at", at}, extra...)
		if err := run(ctx, args, envOf(env), &out, io.Discard); err != nil {
			t.Fatalf("remind %v: %v", args, err)
		}
		return out.String()
	}
	// Three days before the cutoff of the 20th: the three leaders and the officers' group.
	dry := remindAt("2026-11-17T08:00:00+07:00", "--dry-run")
	if !strings.Contains(dry, "4 messages would be sent") || !strings.Contains(dry, "remind|TA-T1|2026-11|3|leader") {
		t.Fatalf("dry run:\n%s", dry)
	}
	// A real run dated far from now is refused (it would use up the ledger) unless forced.
	if err := run(ctx, []string{"remind", "--at", "2026-11-17T08:00:00+07:00"}, envOf(env), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "within 10 minutes of now") {
		t.Fatalf("a real run at a far instant: %v, want a refusal", err)
	}
	if out := remindAt("2026-11-17T08:00:00+07:00", "--force"); !strings.Contains(out, "4 messages sent") {
		t.Fatalf("run:\n%s", out)
	}
	if out := remindAt("2026-11-17T09:00:00+07:00", "--force"); !strings.Contains(out, "0 messages sent") {
		t.Fatalf("a re-run sent again:\n%s", out)
	}
	if err := run(ctx, []string{"remind", "--at", "17/11/2026"}, envOf(env), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("bad --at: %v", err)
	}
	// With the server holding the database, the same command goes through its admin API.
	base, _, stop := startServe(t, env)
	defer stop()
	if out := remindAt("2026-11-19T08:00:00+07:00", "--server", base, "--force"); !strings.Contains(out, "4 messages sent") || !strings.Contains(out, "remind|TA-T1|2026-11|1|deputy") {
		t.Fatalf("through the server:\n%s", out)
	}
}

// CDTBOT_MORNING_WINDOW: a morning too big to go out within it after 08:00 at Zalo's rate has its
// overflow queued by the 07:00 run, to go before 08:00 (a window of 1s holds nothing: every reminder
// goes from 07:59, a minute's worth at the default rate); 0 keeps the whole morning at 08:00.
func TestRemindCommandSpreadsAHeavyMorning(t *testing.T) {
	env := map[string]string{"CDTBOT_DB": filepath.Join(t.TempDir(), "cdtbot.db"), "CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_ADMIN_TOKEN": "tok"}
	ctx := context.Background()
	if err := run(ctx, []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(env), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	remind := func(window, at string, extra ...string) string {
		t.Helper()
		env["CDTBOT_MORNING_WINDOW"] = window
		var out syncBuffer
		args := append([]string{"remind", "--at", at}, extra...)
		if err := run(ctx, args, envOf(env), &out, io.Discard); err != nil {
			t.Fatalf("remind %v: %v", args, err)
		}
		return out.String()
	}
	remind("0", "2026-11-17T08:00:00+07:00", "--force") // three days before: sent, as every day
	if out := remind("0", "2026-11-19T07:00:00+07:00", "--dry-run"); strings.Contains(out, "|1|") {
		t.Errorf("the eve's reminders went ahead without a window:\n%s", out)
	}
	out := remind("1s", "2026-11-19T07:00:00+07:00", "--force")
	if !strings.Contains(out, "remind|TA-T1|2026-11|1|leader → user 1100000000000000001 from 07:59") ||
		!strings.Contains(out, "remind|TA-T1|2026-11|1|deputy") || strings.Contains(out, "digest") {
		t.Fatalf("07:00 with a window of 1s:\n%s", out)
	}
	if out := remind("1s", "2026-11-19T08:00:00+07:00", "--force"); !strings.Contains(out, "0 messages sent") {
		t.Errorf("08:00 sent a reminder twice:\n%s", out)
	}
	if err := run(ctx, []string{"remind", "--dry-run", "--morning-window", "soon"}, envOf(env), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "CDTBOT_MORNING_WINDOW") {
		t.Errorf("a bad window: %v", err)
	}
}

func TestRemindRefusesAMissingDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.db")
	err := run(context.Background(), []string{"remind", "--db", path}, envOf(nil), io.Discard, io.Discard)
	if err == nil {
		t.Fatal("remind on a missing database succeeded")
	}
	if _, serr := os.Stat(path); serr == nil {
		t.Error("remind created an empty database at a mistyped path")
	}
}

func TestBackupDetectsATruncatedCopy(t *testing.T) {
	// A server that announces more bytes than it sends, as one that failed mid-stream does.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write(bytes.Repeat([]byte{0}, 4096))
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "held.db")
	held, err := store.Open(path, store.Options{}) // a "server" holds the file, so the copy goes over HTTP
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var buf bytes.Buffer
	_, via, err := copyDB(context.Background(), path, srv.URL, "tok", envOf(nil), &buf)
	if err == nil {
		t.Fatalf("a truncated backup was accepted (%s)", via)
	}
	if buf.Len() == 0 {
		t.Errorf("the copy never reached the server: %v", err)
	}
}
