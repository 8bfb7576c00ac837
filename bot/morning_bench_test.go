package bot_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// BenchmarkMorningReplies: a national morning's reminders drain at Zalo's 4,000 sends a minute
// (20,000 queued, more than the window lasts) while 20 people chat, each writing every 2–4 s, through
// the signed webhook: how long their replies take, and how fast the reminders go meanwhile, against a
// fake Zalo that refuses anything over the limit. CDTBOT_MORNING_SECONDS sets the window (default 60):
//
//	go test -run='^$' -bench=BenchmarkMorningReplies -benchtime=1x ./bot/
func BenchmarkMorningReplies(b *testing.B) {
	window := 60 * time.Second
	if v, err := strconv.Atoi(os.Getenv("CDTBOT_MORNING_SECONDS")); err == nil && v > 0 {
		window = time.Duration(v) * time.Second
	}
	const queued, chatters = 20_000, 20
	for range b.N {
		fake := zalotest.New(loadAppID, loadAppSec, loadAccess, loadRefresh)
		fake.EnforceRate(4000)
		db, err := store.Open(filepath.Join(b.TempDir(), "db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		for from := 0; from < queued; from += 2000 {
			if err := db.Update(func(tx *store.Tx) error {
				for i := from; i < min(from+2000, queued); i++ {
					id := fmt.Sprintf("66%017d", i)
					fake.Interact(id)
					if err := tx.SetLastSeen(id, now.Add(-time.Hour)); err != nil { // inside Zalo's window: by chat
						return err
					}
					if err := bot.EnqueueReminder(tx, reminders.Message{Key: "k" + id, Kind: reminders.KindReminder, ToUser: id,
						Text:    "⏰ Nhắc hạn: Tổ chưa gửi báo cáo tháng 11/2026. Hạn chót: 20/11/2026 (còn 3 ngày).",
						Buttons: []reminders.Button{{Title: "Báo cáo ngay", Payload: "báo cáo"}}}); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
		replies := map[string]chan time.Time{}
		for c := range chatters {
			id := fmt.Sprintf("77%017d", c)
			replies[id] = make(chan time.Time, 64)
			fake.Interact(id) // their messages open Zalo's window, as on the real platform
		}
		var mu sync.Mutex
		bulk := 0
		fake.OnSend(func(m zalotest.Sent) {
			if ch, ok := replies[m.To]; ok {
				ch <- time.Now()
				return
			}
			mu.Lock()
			bulk++
			mu.Unlock()
		})
		url, _, stop := loadBot(b, db, fake, nil)
		client := newLoadClient(chatters)
		var lat []time.Duration
		var failed string
		var wg sync.WaitGroup
		b.ResetTimer()
		start := time.Now()
		for c := range chatters {
			id := fmt.Sprintf("77%017d", c)
			rng := rand.New(rand.NewPCG(uint64(c), 3))
			wg.Go(func() {
				for n := 0; time.Since(start) < window; n++ {
					time.Sleep(2*time.Second + time.Duration(rng.Int64N(int64(2*time.Second))))
					ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
					ev, _ := json.Marshal(map[string]any{"app_id": loadAppID, "event_name": "user_send_text", "timestamp": ts,
						"sender": map[string]string{"id": id}, "recipient": map[string]string{"id": loadOAID},
						"message": map[string]string{"text": "xin chào", "msg_id": fmt.Sprintf("%s-%d", id, n)}})
					t0 := time.Now()
					if code, err := post(client, url+"/webhook/zalo", loadRequest{body: ev, sig: "mac=" + zalo.Mac(loadAppID, ev, ts, loadSecret)}); err != nil || code != 200 {
						mu.Lock()
						failed = fmt.Sprintf("webhook: %d %v", code, err)
						mu.Unlock()
						return
					}
					select {
					case at := <-replies[id]:
						mu.Lock()
						lat = append(lat, at.Sub(t0))
						mu.Unlock()
					case <-time.After(time.Minute):
						mu.Lock()
						failed = id + ": no reply in a minute"
						mu.Unlock()
						return
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		mu.Lock()
		sentBulk := bulk
		mu.Unlock()
		refused := fake.RateRefused()
		stop()
		db.Close()
		fake.Close()
		if failed != "" {
			b.Fatalf("%s (reminders sent %d, refused over the limit %d)", failed, sentBulk, refused)
		}
		slices.Sort(lat)
		pct := func(p float64) float64 {
			return float64(lat[min(len(lat)-1, int(float64(len(lat))*p/100))]) / float64(time.Millisecond)
		}
		b.ReportMetric(pct(50), "reply-p50-ms")
		b.ReportMetric(pct(99), "reply-p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1])/float64(time.Millisecond), "reply-max-ms")
		b.ReportMetric(float64(sentBulk)/elapsed.Minutes(), "reminders/min")
		b.ReportMetric(float64(refused), "over-limit")
	}
}
