package bot

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

func TestNextMorning(t *testing.T) {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	cases := []struct{ now, want string }{
		{"2026-11-23T22:30:00+07:00", "2026-11-24T06:00:00+07:00"},
		{"2026-11-24T01:00:00+07:00", "2026-11-24T06:00:00+07:00"},
		{"2026-11-24T06:00:00+07:00", "2026-11-24T06:05:00+07:00"}, // clocks disagree at the boundary: try again soon
		{"2026-11-24T21:59:00+07:00", "2026-11-24T22:04:00+07:00"},
		{"2026-11-24T22:00:00+07:00", "2026-11-25T06:00:00+07:00"},
		{"2026-12-31T23:59:00+07:00", "2027-01-01T06:00:00+07:00"},
		{"2028-02-28T23:00:00+07:00", "2028-02-29T06:00:00+07:00"},
	}
	for _, c := range cases {
		now, _ := time.Parse(time.RFC3339, c.now)
		want, _ := time.Parse(time.RFC3339, c.want)
		if got := nextMorning(now, hcm); !got.Equal(want) {
			t.Errorf("nextMorning(%s) = %s, want %s", c.now, got.Format(time.RFC3339), c.want)
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	s := &Sender{retryBase: 2 * time.Second}
	prev := time.Duration(0)
	for a := 1; a <= 20; a++ {
		d := s.backoff(a)
		if d > maxBackoff*12/10 {
			t.Fatalf("attempt %d: backoff %v over the cap", a, d)
		}
		if a <= 5 && d*10 < prev*10*6/10 { // jitter is ±20%: a later backoff is never much shorter
			t.Errorf("attempt %d: backoff %v shrank from %v", a, d, prev)
		}
		prev = d
	}
	if d := s.backoff(1); d < 1600*time.Millisecond || d > 2400*time.Millisecond {
		t.Errorf("first backoff %v, want 2s ±20%%", d)
	}
}

func TestRateLimitHeadersSetTheBudget(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := newSender(db, nil, time.UTC, 4000, 8, 0, zerolog.Nop(), newMetrics(db))
	if got, want := s.limiter.Limit(), rate.Limit(3992.0/60); got != want {
		t.Fatalf("default limit %v, want %v (4,000 less the burst of 8, a minute)", got, want)
	}
	// Sending as fast as the limiter allows, no rolling minute holds more than 4,000 sends.
	lim := rate.NewLimiter(s.limiter.Limit(), s.limiter.Burst())
	t0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	var sent []time.Time
	for ms := 0; ms < 180_000; ms++ {
		if at := t0.Add(time.Duration(ms) * time.Millisecond); lim.AllowN(at, 1) {
			sent = append(sent, at)
		}
	}
	most := 0
	for i, j := 0, 0; j < len(sent); j++ {
		for sent[j].Sub(sent[i]) >= time.Minute {
			i++
		}
		most = max(most, j-i+1)
	}
	if most > 4000 || most < 3990 {
		t.Errorf("busiest rolling minute: %d sends, want 3,990–4,000", most)
	}
	s.observeRate(zalo.SendResult{RateLimit: 608, RateRemain: 300})
	if got, want := s.limiter.Limit(), rate.Limit(10); got != want {
		t.Errorf("after X-RateLimit-Limit 608: %v/s, want %v/s", got, want)
	}
	if s.pausedFor() > 0 {
		t.Error("paused with budget remaining")
	}
	s.observeRate(zalo.SendResult{RateLimit: 608, RateRemain: 0})
	if p := s.pausedFor(); p <= 0 || p > 5*time.Second {
		t.Errorf("window used up: paused for %v, want up to 5s", p)
	}
	s.observeRate(zalo.SendResult{RateLimit: -1, RateRemain: -1}) // no headers: nothing changes
	if got := s.limiter.Limit(); got != 10 {
		t.Errorf("absent headers changed the limit to %v", got)
	}
}

// A national morning: bulk floods the outbox while people chat. Bulk never takes more than its share
// of a minute, replies go out within a few milliseconds of being sendable, and no rolling minute
// holds more than 4,000 sends of either kind.
func TestBulkLeavesRepliesTheirReserve(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := newSender(db, nil, time.UTC, 4000, 8, 0, zerolog.Nop(), newMetrics(db))
	t0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	allow := func(p store.Priority, at time.Time) bool {
		ls := s.limitersFor(p)
		for _, l := range ls {
			if l.TokensAt(at) < 1 {
				return false
			}
		}
		for _, l := range ls {
			l.AllowN(at, 1)
		}
		return true
	}
	var bulk, all []time.Time
	var waiting []time.Time // replies not sent yet, by when they became sendable
	worst := time.Duration(0)
	for ms := 0; ms < 180_000; ms++ {
		at := t0.Add(time.Duration(ms) * time.Millisecond)
		if ms%150 == 0 { // 400 replies a minute: the whole reserve
			waiting = append(waiting, at)
		}
		for len(waiting) > 0 && allow(store.PriorityReply, at) {
			worst = max(worst, at.Sub(waiting[0]))
			waiting = waiting[1:]
			all = append(all, at)
		}
		if allow(store.PriorityBulk, at) {
			bulk = append(bulk, at)
			all = append(all, at)
		}
	}
	busiest := func(sent []time.Time) int {
		slices.SortFunc(sent, func(a, b time.Time) int { return a.Compare(b) })
		most := 0
		for i, j := 0, 0; j < len(sent); j++ {
			for sent[j].Sub(sent[i]) >= time.Minute {
				i++
			}
			most = max(most, j-i+1)
		}
		return most
	}
	if most := busiest(bulk); most > 3600 || most < 3500 {
		t.Errorf("busiest minute of bulk: %d, want 3,500–3,600 (90%% of 4,000)", most)
	}
	if most := busiest(all); most > 4000 {
		t.Errorf("busiest minute of all sends: %d, over 4,000", most)
	}
	if worst > 50*time.Millisecond || len(waiting) > 1 {
		t.Errorf("a reply waited %v behind bulk (%d never sent)", worst, len(waiting))
	}
}

// The sender's own wait takes a bulk message from both budgets and a reply from the account's only.
func TestWaitTakesFromTheRightBudgets(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := newSender(db, nil, time.UTC, 4000, 8, 0, zerolog.Nop(), newMetrics(db))
	account, bulk := s.limiter.Tokens(), s.bulkLimiter.Tokens()
	if err := s.wait(context.Background(), store.PriorityReply); err != nil {
		t.Fatal(err)
	}
	if a, b := s.limiter.Tokens(), s.bulkLimiter.Tokens(); a > account-0.9 || b < bulk-0.1 {
		t.Errorf("a reply: account %.2f → %.2f, bulk %.2f → %.2f; want only the account's taken", account, a, bulk, b)
	}
	account, bulk = s.limiter.Tokens(), s.bulkLimiter.Tokens()
	if err := s.wait(context.Background(), store.PriorityBulk); err != nil {
		t.Fatal(err)
	}
	if a, b := s.limiter.Tokens(), s.bulkLimiter.Tokens(); a > account-0.9 || b > bulk-0.9 {
		t.Errorf("a bulk message: account %.2f → %.2f, bulk %.2f → %.2f; want both taken", account, a, bulk, b)
	}
}
