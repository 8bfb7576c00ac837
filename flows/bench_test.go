package flows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalCommuneSearch is a resident naming their commune when asking to join, over the
// national directory (3,321 communes, 92,988 teams, no approvers yet): the turn runs inside the
// handling write transaction, so it is what webhook acknowledgements may wait behind. "cold" builds
// the commune list (after any directory change); "warm" is every search after it.
func BenchmarkNationalCommuneSearch(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../testdata/units/vn-units-2025.json")
	loc := time.FixedZone("ICT", 7*3600)
	turn := func(b *testing.B, e *flows.Engine, i int) {
		user := fmt.Sprintf("9%017d", i)
		if err := db.Update(func(tx *store.Tx) error {
			if _, err := e.Handle(tx, flows.Input{Kind: flows.KindText, UserID: user, Text: "tham gia"}); err != nil {
				return err
			}
			start := time.Now()
			out, err := e.Handle(tx, flows.Input{Kind: flows.KindText, UserID: user, Text: "phuong ba dinh"})
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "ms/search")
			if err == nil && len(out) == 0 {
				err = fmt.Errorf("no answer")
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for i := range b.N {
			turn(b, newEngine(loc, nil), i) // a new engine has no list yet
		}
	})
	b.Run("warm", func(b *testing.B) {
		e := newEngine(loc, nil)
		turn(b, e, -1)
		b.ResetTimer()
		for i := range b.N {
			turn(b, e, i)
		}
	})
}

// BenchmarkReportTurns is the bot's own pipeline for monthly reports, without HTTP or sending:
// leaders of the national directory file the default report by chat (about ten turns each: "báo
// cáo", the period, seven counts in one message, three narratives, two skips, "gửi"), turns handled
// by the engine in write transactions of 256, as the processor takes them, replies kept in memory.
// It reports turns a second.
func BenchmarkReportTurns(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../testdata/units/vn-units-2025.json")
	loc := time.FixedZone("ICT", 7*3600)
	e := newEngine(loc, nil)
	var leaders []string
	db.View(func(tx *store.Tx) error {
		return tx.AllTeams(func(t store.Team) error {
			if len(leaders) < 2000 {
				leaders = append(leaders, "L"+t.Unit)
			}
			return nil
		})
	})
	script := []string{"báo cáo", "#period:LATEST", "12, 30, 5, 3, 2, 0, 2", "Hướng dẫn người dân cài VNeID.",
		"Hỗ trợ mở tài khoản thanh toán.", "Tuyên truyền trên loa phát thanh.", "bỏ qua", "bỏ qua", "gửi"}
	b.ResetTimer()
	turns := 0
	start := time.Now()
	for range b.N {
		// Interleaved as people write: every leader's first turn, then every second one, …
		for step, text := range script {
			for from := 0; from < len(leaders); from += 256 {
				if err := db.Update(func(tx *store.Tx) error {
					for _, id := range leaders[from:min(from+256, len(leaders))] {
						in := text
						if step == 1 {
							in = "#period:" + time.Now().In(loc).Format("2006-01") // answered only if the bot asked
						}
						if _, err := e.Handle(tx, flows.Input{Kind: flows.KindText, UserID: id, Text: in}); err != nil {
							return err
						}
						turns++
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(turns)/time.Since(start).Seconds(), "turns/s")
	var filed int
	db.View(func(tx *store.Tx) error {
		return tx.AllTeams(func(t store.Team) error {
			if _, ok, _ := tx.LatestReport(t.Code, time.Now().In(loc).Format("2006-01")); ok {
				filed++
			}
			return nil
		})
	})
	if filed < len(leaders) {
		b.Fatalf("%d reports filed by %d leaders", filed, len(leaders))
	}
}
