package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkMonthOfTraffic runs two months of the storage a report brings — its 12 turns as webhook events
// (Zalo's JSON bodies), the handling, one reply each through the outbox and settled, the report itself —
// for CDTBOT_BENCH_TEAMS leaders (default 3,000) filing on days 1–20 of each month, with the daily pruning
// of the default retention (events 8 days, outcomes 35, their bodies 2). It logs the file's size each week and reports the
// lasting bytes per report of the second month (steady state).
// With CDTBOT_BENCH_PEOPLE=n the file first holds a directory: 34 provinces, a commune for every 28
// teams, a village for each team (T000000…), n people each (a leader, a deputy, members) with names
// and phones, as an import writes them.
func BenchmarkMonthOfTraffic(b *testing.B) {
	teams := 3000
	if v, err := strconv.Atoi(os.Getenv("CDTBOT_BENCH_TEAMS")); err == nil && v > 0 {
		teams = v
	}
	const turns = 12
	for range b.N {
		var now atomic.Pointer[time.Time]
		start := time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC)
		now.Store(&start)
		path := b.TempDir() + "/month.db"
		db, err := Open(path, Options{Now: func() time.Time { return *now.Load() }})
		if err != nil {
			b.Fatal(err)
		}
		body := `{"app_id":"1234567890","user_id_by_app":"app-%d","event_name":"user_send_text","timestamp":"%d",` +
			`"sender":{"id":"%d"},"recipient":{"id":"388613280878808645"},` +
			`"message":{"text":"12, 30, 5, 3, 2, 0, 2","msg_id":"%s"}}`
		reply := "Đã ghi:\n1. Số hộ gia đình được hướng dẫn: 12\n2. Số hồ sơ dịch vụ công trực tuyến đã hỗ trợ nộp: 30\n\nCâu 8/12: Kết quả về chính quyền số?"
		replyBody, _ := json.Marshal(map[string]any{"recipient": map[string]string{"user_id": "1100000000000000001"}, "message": map[string]string{"text": reply}})
		story := strings.Repeat("Hướng dẫn người dân cài VNeID và nộp hồ sơ trực tuyến. ", 3)
		size := func() int64 {
			fi, _ := os.Stat(path)
			return fi.Size()
		}
		inUse := func() int64 { // pages held by the buckets: the file grows in steps of up to 16 MB ahead of them
			sp, err := db.Space()
			if err != nil {
				b.Fatal(err)
			}
			return sp.FileBytes - sp.UnusedBytes
		}
		if people, err := strconv.Atoi(os.Getenv("CDTBOT_BENCH_PEOPLE")); err == nil && people > 0 {
			monthDirectory(b, db, teams, people)
			b.Logf("directory: %d teams, %d people each: file %5.1f MB, in use %5.1f MB", teams, people, float64(size())/(1<<20), float64(inUse())/(1<<20))
		}
		var monthStart int64
		msg := 0
		for day := range 60 {
			at := start.AddDate(0, 0, day)
			now.Store(&at)
			dom := at.Day()
			var filers []int
			if dom <= 20 { // each leader files on one day of 1–20
				for t := dom - 1; t < teams; t += 20 {
					filers = append(filers, t)
				}
			}
			// The webhook: every turn durably appended, 64 at a time as Zalo's connections would.
			var seqs []uint64
			var mu sync.Mutex
			work := make(chan string)
			var wg sync.WaitGroup
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for js := range work {
						r, err := db.AppendEvent(context.Background(), Event{Key: "m:" + js[len(js)-30:len(js)-3], Partition: "u", Name: "user_send_text", ReceivedAt: at, Body: []byte(js)})
						if err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						seqs = append(seqs, r.Seq)
						mu.Unlock()
					}
				}()
			}
			for _, t := range filers {
				for range turns {
					msg++
					work <- fmt.Sprintf(body, t, at.UnixMilli(), t, fmt.Sprintf("%027d", msg))
				}
			}
			close(work)
			wg.Wait()
			db.SettleInbox()
			// The handling and the replies, in transactions of 500 turns.
			for i := 0; i < len(seqs); i += 500 {
				part := seqs[i:min(i+500, len(seqs))]
				if err := db.Update(func(tx *Tx) error {
					for _, s := range part {
						if err := tx.MarkHandled(s); err != nil {
							return err
						}
						seq, err := tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: fmt.Sprint(s % 997), Kind: KindReply, Text: reply, Body: replyBody})
						if err != nil {
							return err
						}
						if err := tx.Settle(PriorityReply, seq, Outcome{Status: StatusSent, At: at, Cost: CostCSFree}); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			if err := db.Update(func(tx *Tx) error {
				for _, t := range filers {
					if _, err := tx.SaveReport(Report{Team: fmt.Sprintf("T%06d", t), Period: at.Format("2006-01"), FiledBy: fmt.Sprint(t), Role: RoleLeader,
						Answers: map[string]string{"households": "12", "dvctt": "30", "vneid": "5", "cashless": "3", "ecommerce": "2", "health_book": "0",
							"sessions": "2", "gov": story, "econ": story, "soc": story}}); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			// The nightly housekeeping.
			for _, prune := range []func(*Tx) (int, error){
				func(tx *Tx) (int, error) { return tx.PruneEvents(at.Add(-8*24*time.Hour), 2000) },
				func(tx *Tx) (int, error) { return tx.PruneOutcomes(at.Add(-35*24*time.Hour), 2000) },
				func(tx *Tx) (int, error) { return tx.StripOutcomeBodies(at.Add(-2*24*time.Hour), 2000) },
				func(tx *Tx) (int, error) { return tx.DropEventBodies(at.Add(-2*24*time.Hour), 2000) },
			} {
				for n := 2000; n == 2000; {
					if err := db.Update(func(tx *Tx) error { var err error; n, err = prune(tx); return err }); err != nil {
						b.Fatal(err)
					}
				}
			}
			if day == 30 {
				monthStart = inUse()
			}
			if day%7 == 6 {
				b.Logf("day %2d: file %5.1f MB, in use %5.1f MB", day+1, float64(size())/(1<<20), float64(inUse())/(1<<20))
			}
		}
		if sp, err := db.Space(); err == nil {
			for _, bs := range sp.Buckets {
				if bs.AllocBytes > 1<<20 {
					b.Logf("%-16s %8d keys %7.1f MB used %7.1f MB in pages (%.0f%% full)", bs.Name, bs.Keys, float64(bs.UsedBytes)/(1<<20), float64(bs.AllocBytes)/(1<<20), 100*bs.Fill())
				}
			}
		}
		grown := inUse() - monthStart
		b.ReportMetric(float64(grown)/float64(teams), "B/report-month2")
		b.ReportMetric(float64(inUse())/float64(2*teams), "B/report-all")
		b.ReportMetric(float64(size())/(1<<20), "MB-file")
		db.Close()
	}
}

// monthDirectory writes a national-shaped directory for the month's traffic: teams T%06d.
func monthDirectory(b *testing.B, db *DB, teams, people int) {
	for from := 0; from < teams; from += 1000 {
		if err := db.Update(func(tx *Tx) error {
			for t := from; t < min(from+1000, teams); t++ {
				prov, commune, village := fmt.Sprintf("P%02d", t%34), fmt.Sprintf("C%05d", t/28), fmt.Sprintf("V%06d", t)
				if t/28*28 == t || t < 34 {
					if err := tx.PutUnit(Unit{Code: prov, Name: "Tỉnh " + prov, Level: "tỉnh"}); err != nil {
						return err
					}
					if err := tx.PutUnit(Unit{Code: commune, Name: "Xã " + commune, Level: "xã", Parent: prov}); err != nil {
						return err
					}
				}
				if err := tx.PutUnit(Unit{Code: village, Name: "Thôn " + village, Level: "thôn", Parent: commune}); err != nil {
					return err
				}
				team := fmt.Sprintf("T%06d", t)
				if err := tx.PutTeam(Team{Code: team, Name: "Tổ công nghệ số cộng đồng thôn " + village, Unit: village, JoinCode: fmt.Sprintf("J%06d", t)}); err != nil {
					return err
				}
				for p := range people {
					id := fmt.Sprint(t)
					if p > 0 {
						id = fmt.Sprintf("%d%02d", 5000000000000000000+t, p)
					}
					if err := tx.PutPerson(Person{ZaloID: id, Name: fmt.Sprintf("Nguyễn Văn Thành %d", p), Phone: fmt.Sprintf("09%08d", (t*7+p)%100000000)}); err != nil {
						return err
					}
					role := RoleMember
					switch p {
					case 0:
						role = RoleLeader
					case 1:
						role = RoleDeputy
					}
					if err := tx.SetRole(team, id, role); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
