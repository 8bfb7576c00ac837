package bot

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// morningWorld is a national reminder morning: n teams with a leader each, 40% of
// them written to the OA two days ago and 60% three weeks ago; of the latter half
// have a phone (ZNS) and a third of the rest a village group; one reminder each.
func morningWorld(tb testing.TB, n int, now time.Time) (*store.DB, []store.OutMsg) {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	var msgs []store.OutMsg
	for start := 0; start < n; start += 5000 {
		err := db.Update(func(tx *store.Tx) error {
			for i := start; i < min(start+5000, n); i++ {
				commune := fmt.Sprintf("C%04d", i/28)
				if i%28 == 0 {
					if err := tx.PutUnit(store.Unit{Code: commune, Name: "Xã " + commune, Level: "xã"}); err != nil {
						return err
					}
				}
				unit := fmt.Sprintf("%s.%02d", commune, i%28)
				u := store.Unit{Code: unit, Name: "Thôn " + unit, Level: "thôn", Parent: commune}
				lead := fmt.Sprintf("L%06d", i)
				p := store.Person{ZaloID: lead, Name: "Tổ trưởng " + unit}
				seen := now.Add(-21 * 24 * time.Hour)
				switch {
				case i%5 < 2: // 40% inside the window
					seen = now.Add(-50 * time.Hour)
				case i%2 == 0: // half of the rest have a phone
					p.Phone = fmt.Sprintf("09%08d", i)
				case i%3 == 0:
					u.GroupID = "G" + unit
				}
				if err := tx.PutUnit(u); err != nil {
					return err
				}
				if err := tx.PutTeam(store.Team{Code: "T" + unit, Name: "Tổ CNSCĐ " + unit, Unit: unit}); err != nil {
					return err
				}
				if err := tx.PutPerson(p); err != nil {
					return err
				}
				if err := tx.SetRole("T"+unit, lead, store.RoleLeader); err != nil {
					return err
				}
				if err := tx.SetLastSeen(lead, seen); err != nil {
					return err
				}
				msgs = append(msgs, store.OutMsg{Seq: uint64(i + 1), Priority: store.PriorityBulk, Endpoint: store.EndpointUser, To: lead, Kind: "reminder",
					Text: "⏰ Nhắc hạn", Choices: []store.Choice{{Title: "Báo cáo ngay", Payload: "báo cáo"}},
					Data: map[string]string{"name": p.Name, "team": "Tổ " + unit, "period": "11/2026", "deadline": "20/11/2026", "status": "còn 3 ngày"}})
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return db, msgs
}

var morningLadder = ladder{enforceWindow: true, znsTemplates: map[string]string{"reminder": "tpl-1", "overdue": "tpl-1"}}

func TestMorningPlanCountsEveryChannel(t *testing.T) {
	now := time.Date(2026, 11, 17, 1, 0, 0, 0, time.UTC)
	db, msgs := morningWorld(t, 3000, now)
	var got PlanTotals
	db.View(func(tx *store.Tx) error { got = morningLadder.plan(tx, msgs, now); return nil })
	// 3000 teams: 1200 inside the window (paid: 50 h ago), 900 with a phone, 300 in a linked group, 600 unreachable.
	want := PlanTotals{Messages: 3000, ByChannel: map[string]int{"cs": 1200, "zns": 900, "group": 300, "none": 600},
		ByCost: map[string]int{store.CostCSPaid: 1200, store.CostZNS: 900, store.CostGroup: 300}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("plan = %+v\nwant   %+v", got, want)
	}
}

// BenchmarkNationalMorningPlan: 93,000 leaders, 60% outside the window, half of
// those with a phone for ZNS: the channel and cost of every reminder, in one read.
func BenchmarkNationalMorningPlan(b *testing.B) {
	now := time.Date(2026, 11, 17, 1, 0, 0, 0, time.UTC)
	db, msgs := morningWorld(b, 93000, now)
	b.ResetTimer()
	var t PlanTotals
	for range b.N {
		db.View(func(tx *store.Tx) error { t = morningLadder.plan(tx, msgs, now); return nil })
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/plan")
	b.Logf("national morning plan: %d messages: by channel %v; by cost %v", t.Messages, t.ByChannel, t.ByCost)
}
