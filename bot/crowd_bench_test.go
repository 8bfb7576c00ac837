package bot_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/store"
)

// BenchmarkFilingCrowd: a crowd of leaders (CDTBOT_CROWD, default 1,000) file the month's report by
// chat at once, human-paced — each waits for the bot's reply, then thinks 8–24 s before answering
// (62.5 answers a second from 1,000 leaders: the load of the measurement) — through the real
// webhook (signed events), the processor, the outbox and the sender, against a fake Zalo that
// refuses anything over 4,000 sends a minute. Each leader answers as a person who read the hints
// would: the month, the seven counts in one message, the five narratives in one message, "gửi".
// Reports the reply latency (an answer's webhook POST to its reply landing at Zalo) p50 and p99,
// answers a second, and Zalo requests per report. Takes about two minutes:
//
//	go test -run='^$' -bench=BenchmarkFilingCrowd -benchtime=1x ./bot/
//
// The bot's own pipeline, Zalo's limit lifted, 10,000 leaders answering at once:
//
//	CDTBOT_CROWD=10000 CDTBOT_CROWD_THINK=0 CDTBOT_CROWD_UNLIMITED=1 go test -run='^$' -bench=BenchmarkFilingCrowd -benchtime=1x ./bot/
func BenchmarkFilingCrowd(b *testing.B) {
	leaders := 1000
	if v, err := strconv.Atoi(os.Getenv("CDTBOT_CROWD")); err == nil && v > 0 {
		leaders = v
	}
	think := 16 * time.Second // the mean; each think is uniform in [think/2, think·3/2)
	if d, err := time.ParseDuration(os.Getenv("CDTBOT_CROWD_THINK")); err == nil {
		think = d
	}
	// CDTBOT_CROWD_UNLIMITED=1 lifts Zalo's limit (the bot's own pipeline: with CDTBOT_CROWD_THINK=0,
	// how many answers a second it takes end to end).
	unlimited := os.Getenv("CDTBOT_CROWD_UNLIMITED") == "1"
	rate := 4000
	if unlimited {
		rate = 10_000_000
	}
	pause := func(rng *rand.Rand) time.Duration {
		if think <= 0 {
			return 0
		}
		return think/2 + time.Duration(rng.Int64N(int64(think)))
	}
	for range b.N {
		fake := zalotest.New(loadAppID, loadAppSec, loadAccess, loadRefresh)
		if !unlimited {
			fake.EnforceRate(4000)
		}
		db, err := store.Open(filepath.Join(b.TempDir(), "db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ids := crowdDirectory(b, db, leaders)
		for _, id := range ids {
			fake.Interact(id) // they write to the OA: inside Zalo's 7-day window
		}
		url, _, stop := loadBot(b, db, fake, func(c *bot.Config) { c.RatePerMinute, c.SendWorkers = rate, crowdWorkers() })

		// Each leader's replies arrive on their own channel as Zalo accepts them.
		inbox := map[string]chan zalotest.Sent{}
		for _, id := range ids {
			inbox[id] = make(chan zalotest.Sent, 16)
		}
		fake.OnSend(func(m zalotest.Sent) {
			if ch, ok := inbox[m.To]; ok {
				ch <- m
			}
		})
		client := newLoadClient(64)
		var (
			mu        sync.Mutex
			latencies []time.Duration
			answers   atomic.Int64
			failed    atomic.Int64
			firstErr  atomic.Value
			seq       atomic.Uint64
		)
		fail := func(msg string) {
			failed.Add(1)
			firstErr.CompareAndSwap(nil, msg)
		}
		say := func(id, text string) time.Time {
			n := seq.Add(1)
			ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
			ev, _ := json.Marshal(map[string]any{"app_id": loadAppID, "user_id_by_app": "app-" + id, "event_name": "user_send_text", "timestamp": ts,
				"sender": map[string]string{"id": id}, "recipient": map[string]string{"id": loadOAID},
				"message": map[string]string{"text": text, "msg_id": fmt.Sprintf("%016x%04x", mix64(n), n&0xffff)}})
			t0 := time.Now()
			if code, err := post(client, url+"/webhook/zalo", loadRequest{body: ev, sig: "mac=" + zalo.Mac(loadAppID, ev, ts, loadSecret)}); err != nil || code != 200 {
				fail(fmt.Sprintf("webhook: %d %v", code, err))
			}
			answers.Add(1)
			return t0
		}
		b.ResetTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for i, id := range ids {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			wg.Go(func() {
				if think > 0 {
					time.Sleep(time.Duration(rng.Int64N(int64(think)))) // they start within the first think
				}
				text := "báo cáo"
				for turn := 0; turn < 8; turn++ {
					t0 := say(id, text)
					var reply zalotest.Sent
					select {
					case reply = <-inbox[id]:
					case <-time.After(2 * time.Minute):
						fail(id + ": no reply to " + strconv.Quote(text))
						return
					}
					mu.Lock()
					latencies = append(latencies, time.Since(t0))
					mu.Unlock()
					next, done := crowdAnswer(reply)
					if done {
						return
					}
					if next == "" {
						fail(id + ": cannot answer " + strconv.Quote(reply.Text+string(reply.Body)))
						return
					}
					text = next
					time.Sleep(pause(rng))
				}
				fail(id + ": the report took more than 8 answers")
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		stop()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d leaders failed; first: %v", n, firstErr.Load())
		}
		var filed int
		_ = db.View(func(tx *store.Tx) error {
			for i := range ids {
				if _, ok, _ := tx.FirstFiled(fmt.Sprintf("CR%05d", i), "2026-11"); ok {
					filed++
				}
			}
			return nil
		})
		if filed != leaders {
			b.Fatalf("%d of %d reports filed", filed, leaders)
		}
		slices.Sort(latencies)
		pct := func(p float64) float64 {
			return latencies[min(len(latencies)-1, int(float64(len(latencies))*p/100))].Seconds()
		}
		b.ReportMetric(pct(50), "p50-s")
		b.ReportMetric(pct(99), "p99-s")
		b.ReportMetric(latencies[len(latencies)-1].Seconds(), "max-s")
		b.ReportMetric(float64(answers.Load())/elapsed.Seconds(), "answers/s")
		b.ReportMetric(float64(len(fake.Sent()))/float64(leaders), "sends/report")
		b.ReportMetric(float64(fake.RateRefused()), "over-limit")
		db.Close()
		fake.Close()
	}
}

// crowdDirectory makes one team per leader (CR00000…) in ten communes, and returns the leaders' ids.
func crowdDirectory(b *testing.B, db *store.DB, n int) []string {
	ids := make([]string, n)
	err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutUnit(store.Unit{Code: "P", Name: "Tỉnh Thử", Level: "tỉnh"}); err != nil {
			return err
		}
		for i := range n {
			commune, village := fmt.Sprintf("P.%d", i%10), fmt.Sprintf("P.%d.%d", i%10, i)
			if i < 10 {
				if err := tx.PutUnit(store.Unit{Code: commune, Name: "Xã " + commune, Level: "xã", Parent: "P"}); err != nil {
					return err
				}
			}
			if err := tx.PutUnit(store.Unit{Code: village, Name: "Thôn " + strconv.Itoa(i), Level: "thôn", Parent: commune}); err != nil {
				return err
			}
			team := fmt.Sprintf("CR%05d", i)
			if err := tx.PutTeam(store.Team{Code: team, Name: "Tổ CNSCĐ thôn " + strconv.Itoa(i), Unit: village}); err != nil {
				return err
			}
			ids[i] = fmt.Sprintf("77%017d", i)
			if err := tx.PutPerson(store.Person{ZaloID: ids[i], Name: "Tổ trưởng " + strconv.Itoa(i)}); err != nil {
				return err
			}
			if err := tx.SetRole(team, ids[i], store.RoleLeader); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// crowdAnswer is what a leader who reads the bot's hints answers to a reply; done when it is the receipt.
func crowdAnswer(m zalotest.Sent) (next string, done bool) {
	sent, _ := zalo.ReadMessage(m.Body)
	text := cmp.Or(sent.Title, m.Text)
	switch {
	case strings.Contains(text, "Đã nhận báo cáo"):
		return "", true
	case strings.Contains(text, "tháng nào"):
		for _, b := range sent.Buttons {
			if strings.Contains(b.Title, "11/2026") {
				return b.Payload, false
			}
		}
		return "2", false // numbered choices: the second is November
	case strings.Contains(text, "Câu 1/"):
		return "12, 30, 5, 3, 2, 0, 2", false
	case strings.Contains(text, "Câu 8/"):
		return "8. Hướng dẫn 12 hộ cài VNeID.\n9. Hỗ trợ 3 hộ mở tài khoản thanh toán.\n10. Tuyên truyền trên loa.\n11. bỏ qua\n12. bỏ qua", false
	case strings.Contains(text, "Bạn kiểm tra lại"):
		return "gửi", false
	}
	return "", false
}

// crowdWorkers is CDTBOT_CROWD_SENDERS (the bot's default when unset).
func crowdWorkers() int {
	n, _ := strconv.Atoi(os.Getenv("CDTBOT_CROWD_SENDERS"))
	return n
}
