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
