package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// countingTransport accepts every send.
type countingTransport struct{ sends atomic.Int64 }

func (c *countingTransport) Send(context.Context, zalo.Endpoint, []byte) (zalo.SendResult, error) {
	c.sends.Add(1)
	return zalo.SendResult{MessageID: "m", HTTPStatus: 200}, nil
}

func (c *countingTransport) SendZNS(context.Context, zalo.ZNSMessage) (zalo.ZNSResult, error) {
	c.sends.Add(1)
	return zalo.ZNSResult{MsgID: "z", HTTPStatus: 200}, nil
}

// installedBetweenChecks is a token manager where an operator installs a pair just after the
// sender asked whether a token is usable (and was told no), before it waits for the change.
type installedBetweenChecks struct {
	mu      sync.Mutex
	usable  bool
	changed chan struct{}
	asked   int
}

func (a *installedBetweenChecks) Usable() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked++
	u := a.usable
	if a.asked == 1 { // Install runs now: the pair is usable and the change is signalled
		a.usable = true
		close(a.changed)
		a.changed = make(chan struct{})
	}
	return u
}

func (a *installedBetweenChecks) Changed() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.changed
}

// TestSenderWakesWhenAPairIsInstalledBetweenItsChecks: a pair installed (PUT /api/v1/zalo/token,
// the OAuth callback, a refresh) between the sender's Usable() and its wait must wake it; a
// wake-up lost there leaves every waiting message (replies included) for a whole minute.
func TestSenderWakesWhenAPairIsInstalledBetweenItsChecks(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *store.Tx) error {
		if err := tx.Seen("u1"); err != nil {
			return err
		}
		_, err := tx.Enqueue(store.OutMsg{Priority: store.PriorityReply, Endpoint: store.EndpointUser, To: "u1", Kind: store.KindReply, Text: "xin chào"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	tr := &countingTransport{}
	s := newSender(db, tr, time.UTC, 4000, 1, 20*time.Millisecond, zerolog.Nop(), newMetrics(db))
	s.auth = &installedBetweenChecks{changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(3 * time.Second)
	for tr.sends.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the reply was not sent 3 s after a usable pair was installed: the sender missed the change and sleeps for a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// choicesLen counts what withChoices adds, without formatting it.
func TestChoicesLenIsWhatWithChoicesAdds(t *testing.T) {
	for _, choices := range [][]store.Choice{
		nil,
		{{Title: "Báo cáo ngay", Payload: "báo cáo"}},
		{{Title: "Gửi"}, {Title: "Sửa"}, {Title: "Hủy"}},
		{{Title: "1"}, {Title: "2"}, {Title: "3"}, {Title: "4"}, {Title: "5"}, {Title: "6"}, {Title: "7"}, {Title: "8"}, {Title: "9"}, {Title: "Thôn Đông Hà mười"}},
	} {
		if got, want := choicesLen(choices), utf8.RuneCountInString(withChoices("", choices)); got != want {
			t.Errorf("%d choices: choicesLen %d, withChoices adds %d", len(choices), got, want)
		}
	}
}

// recordingTransport accepts every send and keeps the recipients in the order they were sent.
type recordingTransport struct {
	mu sync.Mutex
	to []string
}

func (r *recordingTransport) Send(_ context.Context, _ zalo.Endpoint, body []byte) (zalo.SendResult, error) {
	var b struct {
		Recipient struct {
			UserID string `json:"user_id"`
		} `json:"recipient"`
	}
	_ = json.Unmarshal(body, &b)
	r.mu.Lock()
	r.to = append(r.to, b.Recipient.UserID)
	r.mu.Unlock()
	return zalo.SendResult{MessageID: "m", HTTPStatus: 200}, nil
}

func (r *recordingTransport) SendZNS(context.Context, zalo.ZNSMessage) (zalo.ZNSResult, error) {
	return zalo.ZNSResult{MsgID: "z", HTTPStatus: 200}, nil
}

func (r *recordingTransport) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.to)
}

// One person's burst of replies does not hold others back when places free up one at a time (a busy
// sender): the places go to those served least lately, so B and C are answered right after A's first.
func TestABurstOfRepliesIsServedInTurn(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *store.Tx) error {
		put := func(to, text string) error {
			_, err := tx.Enqueue(store.OutMsg{Priority: store.PriorityReply, Endpoint: store.EndpointUser, To: to, Kind: store.KindReply, Text: text})
			return err
		}
		for i := range 20 {
			if err := put("A", fmt.Sprintf("phần %d", i+1)); err != nil {
				return err
			}
		}
		return errors.Join(put("B", "xin chào"), put("C", "xin chào"))
	}); err != nil {
		t.Fatal(err)
	}
	tr := &recordingTransport{}
	s := newSender(db, tr, time.UTC, 4000, 1, 20*time.Millisecond, zerolog.Nop(), newMetrics(db))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for len(tr.sent()) < 22 {
		if time.Now().After(deadline) {
			t.Fatalf("sent %v in 10 s", tr.sent())
		}
		time.Sleep(5 * time.Millisecond)
	}
	got := tr.sent()
	if b, c := slices.Index(got, "B"), slices.Index(got, "C"); b > 2 || c > 2 {
		t.Errorf("B went %d-th and C %d-th after A's burst began: %v", b+1, c+1, got)
	}
}

// Someone served once is not starved by newcomers: with one place freeing at a time and a newcomer
// writing at every send (a saturated morning), the second part of X's answer — the oldest message
// waiting — still goes soon (found in review: a newcomer counted as never served and always won).
func TestFairnessDoesNotStarveSomeoneServedOnce(t *testing.T) {
	var f fairness
	type msg struct {
		seq uint64
		to  string
	}
	var queue []msg
	seq := uint64(0)
	add := func(to string) { seq++; queue = append(queue, msg{seq, to}) }
	add("X")
	add("X")
	for i := range 100 {
		add(fmt.Sprintf("N%d", i))
	}
	for step := 1; step <= 500; step++ {
		seen := map[string]bool{} // NextSendable: each recipient's oldest, oldest first, up to 1+fairPool
		var heads []store.OutMsg
		for _, m := range queue {
			if !seen[m.to] && len(heads) < 1+fairPool {
				heads = append(heads, store.OutMsg{Seq: m.seq, To: m.to, Priority: store.PriorityReply})
			}
			seen[m.to] = true
		}
		got := f.pick(heads, 1, 0)[0]
		queue = slices.DeleteFunc(queue, func(m msg) bool { return m.seq == got.Seq })
		if got.Seq == 2 {
			if step > 40 {
				t.Errorf("X's second part went at step %d", step)
			}
			return
		}
		add(fmt.Sprintf("N%d", 100+step))
	}
	t.Error("X's second part did not go in 500 sends")
}
