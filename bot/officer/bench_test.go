package officer

import (
	"bytes"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/storetest"
)

// BenchmarkNationalOfficerPage builds and renders the officer page of the largest province
// (79: 168 communes, 4,704 teams) over the national directory, 60% of its teams filed for the month.
func BenchmarkNationalOfficerPage(b *testing.B) {
	db, _ := storetest.NationalWorld(b, "../../testdata/units/vn-units-2025.json")
	loc := time.FixedZone("ICT", 7*3600)
	const province = "79"
	at := db.Now()
	var teams []store.Team
	db.View(func(tx *store.Tx) error { var err error; teams, err = tx.TeamsUnder(province); return err })
	if err := db.Update(func(tx *store.Tx) error {
		for i, t := range teams {
			if i%5 >= 3 {
				continue
			}
			if _, err := tx.SaveReport(store.Report{Team: t.Code, Period: store.Period{Year: at.Year(), Month: at.Month()}.String(), Answers: map[string]string{"households": "12"},
				FiledBy: "L" + t.Unit, Role: store.RoleLeader, FiledAt: at.Add(-48 * time.Hour), Question: "default"}); err != nil {
				return err
			}
		}
		return tx.PutOfficer(store.Officer{ID: "so-79", Name: "Sở KH&CN", Scope: province, GroupID: "g79"})
	}); err != nil {
		b.Fatal(err)
	}
	pg := New(db, NewLinks(""), loc, zerolog.Nop())
	o := store.Officer{ID: "so-79", Name: "Sở KH&CN", Scope: province}
	b.Logf("province %s: %d teams", province, len(teams))
	b.ResetTimer()
	for range b.N {
		var buf bytes.Buffer
		if err := db.View(func(tx *store.Tx) error {
			d, err := pg.buildPage(tx, o, store.Period{})
			if err != nil {
				return err
			}
			return officerPage.Templates.ExecuteTemplate(&buf, "page.html", d)
		}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len())/1024, "KiB-html")
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
}
