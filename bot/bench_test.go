package bot_test

// Webhook load benchmark: 64 keep-alive connections posting distinct signed
// user_send_text events, against a bare handler (reads the body, answers 200)
// and against the real bot (gin, parse, signature, group-committed fsynced
// bbolt append, metrics), with the event processor and outbox sender running
// as in production. Run:
//
//	go test -run='^$' -bench=BenchmarkWebhook -benchtime=20000x -count=3 ./bot/
//
// TestWebhookLoad drives the same load against a running server when
// CDTBOT_LOAD_URL is set (see its comment); it is skipped otherwise.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

const (
	loadConns   = 64     // concurrent client goroutines, one keep-alive connection each
	loadUsers   = 10_000 // distinct senders the events are spread over
	loadAppID   = "360846524940903967"
	loadOAID    = "388613280878808645"
	loadSecret  = "bench-oa-secret"
	loadAppSec  = "bench-app-secret"
	loadAccess  = "bench-access"
	loadRefresh = "bench-refresh"
)

// loadMsgSeq keeps msg_ids unique across every run in the process.
var loadMsgSeq atomic.Uint64

// mix64 is the splitmix64 finalizer, a bijection: distinct sequence numbers
// give distinct ids that look random, like Zalo's msg_ids, so the dedupe-key
// index sees scattered inserts as in production, not appends in key order.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// loadRequest is one prepared webhook delivery.
type loadRequest struct {
	body []byte
	sig  string // X-ZEvent-Signature value
}

// makeLoadRequests prepares n distinct signed user_send_text events with recent
// millisecond timestamps, spread over loadUsers senders. It is done before the
// clock starts so the client spends its CPU on HTTP only.
func makeLoadRequests(n int, appID, secret string) []loadRequest {
	reqs := make([]loadRequest, n)
	base := time.Now().UnixMilli()
	for i := range reqs {
		seq := loadMsgSeq.Add(1)
		user := (uint64(i)*7919 + seq) % loadUsers    // stride so consecutive events come from different users
		ts := strconv.FormatInt(base+int64(i/10), 10) // Zalo stamps events as they happen: ~10 a millisecond here
		body := fmt.Appendf(nil, `{"app_id":%q,"user_id_by_app":"55217727971%07d","event_name":"user_send_text","timestamp":%q,`+
			`"sender":{"id":"24684588352%07d"},"recipient":{"id":%q},"message":{"text":"bao cao","msg_id":"%016x%03x"}}`,
			appID, user, ts, user, loadOAID, mix64(seq), seq&0xfff)
		reqs[i] = loadRequest{body: body, sig: "mac=" + zalo.Mac(appID, body, ts, secret)}
	}
	return reqs
}

// loadResult is what one load run measured.
type loadResult struct {
	n         int
	elapsed   time.Duration
	latencies []time.Duration // sorted
	failures  int64
	firstErr  string
}

func (r loadResult) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

// pct returns the p-th percentile (0 < p ≤ 100) of the recorded latencies in ms.
func (r loadResult) pct(p float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p/100+0.5) - 1
	i = min(max(i, 0), len(r.latencies)-1)
	return float64(r.latencies[i]) / float64(time.Millisecond)
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d events in %v: %.0f events/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d failed",
		r.n, r.elapsed.Round(time.Millisecond), r.rate(), r.pct(50), r.pct(99), r.pct(100), r.failures)
}

// newLoadClient returns a client whose transport keeps conns keep-alive connections to one host.
func newLoadClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// post sends one delivery and reports its status (0 and an error when there was no answer).
func post(client *http.Client, url string, r loadRequest) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(r.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(zalo.SignatureHeader, r.sig)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // drain so the connection is reused
	resp.Body.Close()
	return resp.StatusCode, nil
}

// warmUp opens conns keep-alive connections (one concurrent request each) so
// connection setup is not measured. Each warm-up request is a valid event.
func warmUp(client *http.Client, url string, reqs []loadRequest) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(reqs))
	for _, r := range reqs {
		wg.Go(func() {
			code, err := post(client, url, r)
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("warm-up: HTTP %d", code)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// runLoad posts every request once from conns goroutines sharing client, each
// taking the next unsent request, and records every latency. start and stop
// are called just around the measured part (b.StartTimer/b.StopTimer).
func runLoad(client *http.Client, url string, reqs []loadRequest, conns int, start, stop func()) loadResult {
	lat := make([]time.Duration, len(reqs))
	var next atomic.Int64
	var failures atomic.Int64
	var firstErr atomic.Value
	fail := func(msg string) {
		failures.Add(1)
		firstErr.CompareAndSwap(nil, msg)
	}
	var wg sync.WaitGroup
	begin := make(chan struct{})
	for range conns {
		wg.Go(func() {
			<-begin
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) {
					return
				}
				t0 := time.Now()
				code, err := post(client, url, reqs[i])
				lat[i] = time.Since(t0)
				switch {
				case err != nil:
					fail(err.Error())
				case code != http.StatusOK:
					fail("HTTP " + strconv.Itoa(code))
				}
			}
		})
	}
	start()
	t0 := time.Now()
	close(begin)
	wg.Wait()
	elapsed := time.Since(t0)
	stop()
	slices.Sort(lat)
	res := loadResult{n: len(reqs), elapsed: elapsed, latencies: lat, failures: failures.Load()}
	if v := firstErr.Load(); v != nil {
		res.firstErr = v.(string)
	}
	return res
}

// BenchmarkWebhook compares a bare handler with the real signed webhook under
// loadConns concurrent keep-alive connections. One op is one event.
func BenchmarkWebhook(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
		}))
		defer srv.Close()
		benchLoad(b, srv.URL+"/webhook/zalo", nil)
	})
	b.Run("signed", func(b *testing.B) { benchSigned(b, false, false) })
	// The same with dedupe keys stored alone (CDTBOT_DEDUPE_ORDER=key): each key a random page.
	b.Run("signed-keys-alone", func(b *testing.B) { benchSigned(b, false, true) })
	// The same while something holds the database's writer 150 ms in every 300 (a national digest in the
	// handling, a compaction): acknowledgements go to the inbox log and do not wait for it.
	b.Run("signed-busy-writer", func(b *testing.B) { benchSigned(b, true, false) })
}

// loadBot runs the real bot over db against fake, as in production (processor and sender running),
// behind an HTTP server; stop ends both. mutate changes its Config first (nil: none).
func loadBot(b *testing.B, db *store.DB, fake *zalotest.Server, mutate func(*bot.Config)) (url string, ctx context.Context, stop func()) {
	cfg := bot.Config{
		AppID: loadAppID, OASecret: loadSecret, AppSecret: loadAppSec,
		AccessToken: loadAccess, RefreshToken: loadRefresh,
		APIBase: fake.URL, OAuthBase: fake.URL, Location: time.UTC,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	bt, err := bot.New(cfg, db, flows.New(time.UTC, flows.Deps{}), zerolog.Nop())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- bt.Run(ctx) }()
	srv := httptest.NewServer(bt.Handler())
	return srv.URL, ctx, func() {
		srv.Close()
		cancel()
		if err := <-ran; err != nil {
			b.Errorf("bot.Run: %v", err)
		}
	}
}

func benchSigned(b *testing.B, busy, keysAlone bool) {
	{
		fake := zalotest.New(loadAppID, loadAppSec, loadAccess, loadRefresh)
		defer fake.Close()
		db, err := store.Open(filepath.Join(b.TempDir(), "db"), store.Options{DedupeByKeyOnly: keysAlone})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		url, ctx, stop := loadBot(b, db, fake, nil)
		defer stop()
		if busy {
			go func() {
				for ctx.Err() == nil {
					_ = db.Update(func(*store.Tx) error { time.Sleep(150 * time.Millisecond); return nil })
					time.Sleep(150 * time.Millisecond)
				}
			}()
		}
		benchLoad(b, url+"/webhook/zalo", func(sent int) {
			// Every acknowledged event must be in the database (once the inbox log has been copied).
			db.SettleInbox()
			var stored, pending int
			_ = db.View(func(tx *store.Tx) error {
				stored, pending = tx.EventCount(), tx.PendingCount()
				return nil
			})
			if stored != sent {
				b.Fatalf("%d events acknowledged, %d stored", sent, stored)
			}
			b.ReportMetric(float64(pending), "unhandled-at-end")
		})
	}
}

// benchLoad runs b.N events (plus a warm-up of loadConns) against url and
// reports events/s, p50 and p99; check, when set, gets the number of events
// sent (warm-up included) after the clock stops.
func benchLoad(b *testing.B, url string, check func(sent int)) {
	b.StopTimer()
	client := newLoadClient(loadConns)
	defer client.CloseIdleConnections()
	reqs := makeLoadRequests(loadConns+b.N, loadAppID, loadSecret)
	if err := warmUp(client, url, reqs[:loadConns]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	res := runLoad(client, url, reqs[loadConns:], loadConns, b.StartTimer, b.StopTimer)
	if res.failures > 0 {
		b.Fatalf("%d of %d requests not answered 200; first: %s", res.failures, res.n, res.firstErr)
	}
	b.ReportMetric(res.rate(), "events/s")
	b.ReportMetric(res.pct(50), "p50-ms")
	b.ReportMetric(res.pct(99), "p99-ms")
	b.ReportMetric(res.pct(100), "max-ms")
	if check != nil {
		check(len(reqs))
	}
}

// TestWebhookLoad is a load command for a running server (a sandbox or
// staging cdtbot, never Zalo's production webhook). Skipped unless
// CDTBOT_LOAD_URL is set, e.g.:
//
//	CDTBOT_LOAD_URL=http://127.0.0.1:8080/webhook/zalo ZALO_APP_ID=… ZALO_OA_SECRET_KEY=… \
//	CDTBOT_LOAD_EVENTS=50000 CDTBOT_LOAD_CONNS=64 go test -run=TestWebhookLoad -v ./bot/
//
// It reports the same numbers as BenchmarkWebhook and fails only on answers other than 200.
func TestWebhookLoad(t *testing.T) {
	url := os.Getenv("CDTBOT_LOAD_URL")
	if url == "" {
		t.Skip("set CDTBOT_LOAD_URL (and ZALO_APP_ID, ZALO_OA_SECRET_KEY) to load a running server")
	}
	appID, secret := os.Getenv("ZALO_APP_ID"), os.Getenv("ZALO_OA_SECRET_KEY")
	if appID == "" || secret == "" {
		t.Fatal("ZALO_APP_ID and ZALO_OA_SECRET_KEY must match the server's")
	}
	atoi := func(name string, def int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want a positive number", name, v)
		}
		return n
	}
	n, conns := atoi("CDTBOT_LOAD_EVENTS", 20_000), atoi("CDTBOT_LOAD_CONNS", loadConns)
	client := newLoadClient(conns)
	defer client.CloseIdleConnections()
	reqs := makeLoadRequests(conns+n, appID, secret)
	if err := warmUp(client, url, reqs[:conns]); err != nil {
		t.Fatal(err)
	}
	res := runLoad(client, url, reqs[conns:], conns, func() {}, func() {})
	t.Logf("%d connections: %v", conns, res)
	if res.failures > 0 {
		t.Fatalf("%d of %d requests not answered 200; first: %s", res.failures, res.n, res.firstErr)
	}
}
