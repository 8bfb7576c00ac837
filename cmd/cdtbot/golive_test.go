package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// prodEnv is a production configuration whose Zalo is unreachable (nothing is sent in these tests).
func prodEnv(db string) map[string]string {
	return map[string]string{
		"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": db, "CDTBOT_ADMIN_TOKEN": "adm",
		"ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "k", "ZALO_APP_SECRET_KEY": "s",
		"ZALO_ACCESS_TOKEN": "a", "ZALO_REFRESH_TOKEN": "r", "ZALO_API_BASE": "http://127.0.0.1:1", "ZALO_OAUTH_BASE": "http://127.0.0.1:1",
	}
}

func TestADatabaseThatHeldZaloCredentialsNeverStartsAsASandbox(t *testing.T) {
	db := filepath.Join(t.TempDir(), "prod.db")
	base, _, stop := startServe(t, prodEnv(db))
	// Production has no /dev pages, and the console's unsigned probe gets 200.
	if resp, err := http.Get(base + "/dev/api/people"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/dev in production: %v %v, want 404", resp.StatusCode, err)
	}
	for _, probe := range []func() (*http.Response, error){
		func() (*http.Response, error) {
			return http.Post(base+"/webhook/zalo", "application/json", strings.NewReader("{}"))
		},
		func() (*http.Response, error) { return http.Get(base + "/webhook/zalo") },
	} {
		if resp, err := probe(); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("console probe: %v %v, want 200", resp, err)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// The same file started without its ZALO_* variables (a typo) refuses to start and names them.
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": db}), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ZALO_APP_ID, ZALO_OA_SECRET_KEY and ZALO_APP_SECRET_KEY") || !strings.Contains(err.Error(), "CDTBOT_SANDBOX=1") {
		t.Fatalf("production file without credentials: err = %v, want a refusal naming the variables", err)
	}
	if strings.Contains(out.String(), "listening") {
		t.Error("it listened before refusing")
	}
	// Asked for explicitly, the sandbox opens it.
	base, out2, stop := startServe(t, map[string]string{"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": db, "CDTBOT_SANDBOX": "1", "CDTBOT_NO_DEMO": "1"})
	defer stop()
	if !strings.Contains(out2.String(), "SANDBOX") {
		t.Errorf("explicit sandbox not announced: %s", out2.String())
	}
	if resp, err := http.Get(base + "/dev/chat"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/dev/chat in an explicit sandbox: %v %v", resp, err)
	}
}

func TestASandboxListensOnLoopbackByDefault(t *testing.T) {
	cfg, _, err := parseConfig("serve", nil, envOf(map[string]string{}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.zalo.Sandbox || cfg.addr != "127.0.0.1:8080" || cfg.zalo.PublicURL != "http://127.0.0.1:8080" {
		t.Errorf("sandbox addr %q public %q, want 127.0.0.1:8080", cfg.addr, cfg.zalo.PublicURL)
	}
	cfg, _, err = parseConfig("serve", nil, envOf(map[string]string{"CDTBOT_ADDR": ":9090"}), io.Discard)
	if err != nil || cfg.addr != ":9090" {
		t.Errorf("an explicit address is kept: %q %v", cfg.addr, err)
	}
	cfg, _, err = parseConfig("serve", nil, envOf(prodEnv("x")), io.Discard)
	if err != nil || cfg.zalo.Sandbox || cfg.addr != "127.0.0.1:0" {
		t.Errorf("production: %+v %v", cfg, err)
	}
	if cfg.dedupeByKeyOnly {
		t.Error("dedupe keys: time order is the default")
	}
	if cfg, _, err = parseConfig("serve", nil, envOf(map[string]string{"CDTBOT_DEDUPE_ORDER": "key"}), io.Discard); err != nil || !cfg.dedupeByKeyOnly {
		t.Errorf("CDTBOT_DEDUPE_ORDER=key: %v %v", cfg != nil && cfg.dedupeByKeyOnly, err)
	}
	for _, bad := range []map[string]string{{"CDTBOT_WEBHOOK_UNSIGNED": "maybe"}, {"CDTBOT_OPS_NOTIFY": "12 34"}, {"CDTBOT_DEDUPE_ORDER": "random"}} {
		if _, _, err := parseConfig("serve", nil, envOf(bad), io.Discard); err == nil {
			t.Errorf("config %v accepted", bad)
		}
	}
}

func TestTokenSetOnTheFileAndThroughTheServer(t *testing.T) {
	db := filepath.Join(t.TempDir(), "prod.db")
	env := prodEnv(db)
	base, _, stop := startServe(t, env)
	stop()

	// No server: the pair goes into the file, and the environment's (unchanged) pair does not win it back.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"token", "set", "--access", "A2", "--refresh", "R2", "--expires-in", "90000", "--db", db}, envOf(env), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	base, _, stop = startServe(t, env)
	s, _ := store.Open(db, store.Options{ReadOnly: true, LockTimeout: 1})
	if s != nil {
		s.Close()
		t.Fatal("the server does not hold the file")
	}
	env["CDTBOT_ADDR"] = strings.TrimPrefix(base, "http://")
	out.Reset()
	if err := run(context.Background(), []string{"token", "status", "--db", db}, envOf(env), &out, io.Discard); err != nil || !strings.Contains(out.String(), `"source": "admin"`) {
		t.Errorf("token status through the server: %v\n%s", err, out.String())
	}
	// With the server holding the file, set goes through PUT /api/v1/zalo/token.
	out.Reset()
	if err := run(context.Background(), []string{"token", "set", "--access", "A3", "--refresh", "R3", "--db", db}, envOf(env), &out, io.Discard); err != nil || !strings.Contains(out.String(), "installed in the running server") {
		t.Errorf("token set through the server: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"token", "authorize", "--db", db}, envOf(env), &out, io.Discard); err != nil || !strings.Contains(out.String(), "/oauth/zalo/start?ticket=") {
		t.Errorf("token authorize: %v %s", err, out.String())
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	sdb, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	sdb.View(func(tx *store.Tx) error {
		p, _, _ := tx.Token()
		if p.AccessToken != "A3" || p.RefreshToken != "R3" || p.Source != "admin" {
			t.Errorf("stored pair after token set = %s/%s from %s, want A3/R3 from admin", p.AccessToken, p.RefreshToken, p.Source)
		}
		return nil
	})
}

// A server started with the app's secrets but no token yet (waiting for the browser authorisation)
// runs, says why it is not ready, and has made its file a production file already.
func TestProductionWithoutATokenYet(t *testing.T) {
	db := filepath.Join(t.TempDir(), "prod.db")
	env := prodEnv(db)
	delete(env, "ZALO_ACCESS_TOKEN")
	delete(env, "ZALO_REFRESH_TOKEN")
	base, _, stop := startServe(t, env)
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"reason":"zalo_auth"`) {
		t.Errorf("/readyz without a token: %d %s, want 503 zalo_auth", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"serve"}, envOf(map[string]string{"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": db}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "was used with a Zalo account") {
		t.Errorf("the file without its variables: %v, want a refusal", err)
	}
}

// Every command meets a damaged database file with a clear error, not a panic.
func TestCommandsRefuseADamagedFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cdtbot.db")
	if err := run(context.Background(), []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(map[string]string{"CDTBOT_DB": db}), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(db, 3*4096); err != nil { // the two meta pages and one more: cut well short
		t.Fatal(err)
	}
	env := map[string]string{"CDTBOT_DB": db, "CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_SANDBOX": "1", "CDTBOT_NO_DEMO": "1"}
	for _, args := range [][]string{{"serve"}, {"forget", "2200000000000000001"}, {"backup", filepath.Join(t.TempDir(), "copy.db")}, {"remind", "--dry-run"}, {"token", "status"}} {
		err := run(context.Background(), args, envOf(env), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%v on a damaged file: %v, want a clear 'damaged' error", args, err)
		}
	}
}

func TestCheckAndHealthCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cdtbot.db")
	env := map[string]string{"CDTBOT_DB": db, "CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_SANDBOX": "yes", "CDTBOT_NO_DEMO": "true"}
	if err := run(context.Background(), []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(env), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check"}, envOf(env), &out, io.Discard); err != nil || !strings.Contains(out.String(), "sound") {
		t.Errorf("check: %v %s", err, out.String())
	}
	if !regexp.MustCompile(`(?m)^units +[1-9][0-9]* +[0-9.]+ (B|KB)`).MatchString(out.String()) || !strings.Contains(out.String(), "unused") {
		t.Errorf("check shows no storage report with the imported units:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"stats-db"}, envOf(env), &out, io.Discard); err != nil || !regexp.MustCompile(`(?m)^teams +[1-9]`).MatchString(out.String()) {
		t.Errorf("stats-db on the file: %v\n%s", err, out.String())
	}
	base, _, stop := startServe(t, env)
	defer stop()
	out.Reset()
	if err := run(context.Background(), []string{"stats-db", "--server", base}, envOf(env), &out, io.Discard); err != nil || !regexp.MustCompile(`(?m)^teams +[1-9]`).MatchString(out.String()) {
		t.Errorf("stats-db through the running server: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"health", "--server", base}, envOf(env), &out, io.Discard); err != nil || !strings.Contains(out.String(), "ok") {
		t.Errorf("health: %v %s", err, out.String())
	}
	if err := run(context.Background(), []string{"health", "--server", "http://127.0.0.1:1"}, envOf(env), io.Discard, io.Discard); err == nil {
		t.Error("health of nothing answered ok")
	}
	if _, _, err := parseConfig("serve", nil, envOf(map[string]string{"CDTBOT_SANDBOX": "maybe"}), io.Discard); err == nil || !strings.Contains(err.Error(), "CDTBOT_SANDBOX") {
		t.Errorf("a yes/no setting that is neither: %v", err)
	}
}

// Retention settings: days or hours, defaults 8 and 35 days, events kept at least 7 days.
func TestRetentionSettings(t *testing.T) {
	cfg, _, err := parseConfig("serve", nil, envOf(map[string]string{}), io.Discard)
	if err != nil || cfg.zalo.KeepEvents != 8*24*time.Hour || cfg.zalo.KeepSent != 35*24*time.Hour {
		t.Fatalf("defaults: %v %v %v", err, cfg.zalo.KeepEvents, cfg.zalo.KeepSent)
	}
	cfg, _, err = parseConfig("serve", nil, envOf(map[string]string{"CDTBOT_KEEP_EVENTS": "240h", "CDTBOT_KEEP_SENT": "90d"}), io.Discard)
	if err != nil || cfg.zalo.KeepEvents != 10*24*time.Hour || cfg.zalo.KeepSent != 90*24*time.Hour {
		t.Errorf("240h and 90d: %v %v %v", err, cfg.zalo.KeepEvents, cfg.zalo.KeepSent)
	}
	for k, v := range map[string]string{"CDTBOT_KEEP_EVENTS": "3d", "CDTBOT_KEEP_SENT": "mãi mãi"} {
		if _, _, err := parseConfig("serve", nil, envOf(map[string]string{k: v}), io.Discard); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v, want a refusal naming it", k, v, err)
		}
	}
	if cfg, _, err := parseConfig("serve", nil, envOf(map[string]string{"CDTBOT_KEEP_BODIES": "3d"}), io.Discard); err != nil || cfg.zalo.KeepBodies != 72*time.Hour {
		t.Errorf("CDTBOT_KEEP_BODIES=3d: %v", err)
	}
	if _, _, err := parseConfig("serve", nil, envOf(map[string]string{"CDTBOT_KEEP_SENT": "0d"}), io.Discard); err == nil {
		t.Error("CDTBOT_KEEP_SENT=0d accepted")
	}
}

// A start that cannot listen writes nothing: no database file, no demo.
func TestAPortInUseWritesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	db := filepath.Join(t.TempDir(), "fresh.db")
	err = run(context.Background(), []string{"serve"}, envOf(map[string]string{"CDTBOT_DB": db, "CDTBOT_ADDR": ln.Addr().String()}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("serve on a port in use: %v", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the failed start wrote %s (%v)", db, err)
	}
}

// In sandbox mode the CLI works against the running server as it is: the server leaves its admin
// token next to the database and the CLI finds it (import, remind, backup through the admin API).
func TestTheCLIReachesASandboxServerWithNoSetUp(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cdtbot.db")
	env := map[string]string{"CDTBOT_DB": db, "CDTBOT_NO_DEMO": "1", "CDTBOT_ADDR": "127.0.0.1:0"}
	base, _, stop := startServe(t, env)
	env["CDTBOT_ADDR"] = strings.TrimPrefix(base, "http://")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(env), &out, io.Discard); err != nil || !strings.Contains(out.String(), "through the running server") {
		t.Errorf("import through a sandbox server: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"remind", "--dry-run"}, envOf(env), &out, io.Discard); err != nil {
		t.Errorf("remind through a sandbox server: %v", err)
	}
	if err := run(context.Background(), []string{"backup", filepath.Join(dir, "copy.db")}, envOf(env), io.Discard, io.Discard); err != nil {
		t.Errorf("backup through a sandbox server: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db + ".admin-token"); !os.IsNotExist(err) {
		t.Errorf("the local admin token outlived the server: %v", err)
	}
}
