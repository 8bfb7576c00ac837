package stats_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
	"github.com/cdtbot/cdtbot/store/stats"
)

const fixtures = "../../testdata/stats/"

func hcm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// openFixture is a real database holding testdata/stats: the directory
// through the importer, then the reports, versions in file order.
func openFixture(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "cdtbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := importer.ImportFile(db, fixtures+"directory.json"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(fixtures + "reports.json")
	if err != nil {
		t.Fatal(err)
	}
	var reports []store.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *store.Tx) error {
		for _, r := range reports {
			if _, err := tx.SaveReport(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

// c is Counts written as expected, reported, on time, late, missing, not due.
func c(e, r, o, l, m, n int) stats.Counts {
	return stats.Counts{Expected: e, Reported: r, OnTime: o, Late: l, Missing: m, NotDue: n}
}

func period(t testing.TB, s string) store.Period {
	t.Helper()
	p, err := store.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func compute(t *testing.T, db *store.DB, unit, p string, at time.Time) (stats.Summary, error) {
	t.Helper()
	q := stats.Query{Unit: unit, At: at, Loc: hcm(t)}
	if p != "" {
		q.Period = period(t, p)
	}
	var s stats.Summary
	err := db.View(func(tx *store.Tx) error {
		var err error
		s, err = stats.Compute(tx, q)
		return err
	})
	return s, err
}

type row struct {
	unit, name string
	stats.Counts
}

func rowsOf(s stats.Summary) []row {
	var out []row
	for _, r := range s.Rows {
		out = append(out, row{r.Unit.Code, r.Unit.Display(), r.Counts})
	}
	return out
}

// The figures below are worked out by hand from testdata/stats (see the comments per team).
func TestSummaryByHand(t *testing.T) {
	db := openFixture(t)
	loc := hcm(t)
	dec3 := time.Date(2026, 12, 3, 10, 0, 0, 0, loc)
	dec7 := time.Date(2026, 12, 7, 10, 0, 0, 0, loc)
	cases := []struct {
		name, unit, period string
		at                 time.Time
		rows               []row
		total              stats.Counts
	}{
		{
			// November as of 3 December.
			//   LA-TINH (20th, current): filed 15/11 → on time.
			//   AT-XA (its own 20th, current): first filed 21/11 00:00, the first instant after the cutoff date → late.
			//   AT-A1 (5th, previous: deadline 6/12 00:00): filed 2/12 → on time.
			//   AT-A2: files on 4/12, after the instant asked about → not due yet.
			//   TA-KP1: first 19/11 → on time (its correction of 26/11, after the deadline, does not make it late). TA-KP2: first 23/11 → late (the correction of 24/11 does not change it). TA-KP3: nothing → missing.
			// Bình Lãng has no team: no row.
			name: "province in November as of 3 December", unit: "80", period: "2026-11", at: dec3,
			rows: []row{
				{"80", "Tỉnh Long An", c(1, 1, 1, 0, 0, 0)},
				{"80.001", "Xã An Thạnh", c(3, 2, 1, 1, 0, 1)},
				{"80.002", "Phường Tân An", c(3, 2, 1, 1, 1, 0)},
			},
			total: c(7, 5, 3, 2, 1, 1),
		},
		{
			// By 7 December AT-A2's report of 4/12 exists and was before its deadline of 6/12 00:00.
			name: "province in November as of 7 December", unit: "80", period: "2026-11", at: dec7,
			rows: []row{
				{"80", "Tỉnh Long An", c(1, 1, 1, 0, 0, 0)},
				{"80.001", "Xã An Thạnh", c(3, 3, 2, 1, 0, 0)},
				{"80.002", "Phường Tân An", c(3, 2, 1, 1, 1, 0)},
			},
			total: c(7, 6, 4, 2, 1, 0),
		},
		{
			// December has started on 1/12 for the teams of the 20th only; the 5th's teams start on 1/1.
			name: "province in December as of 3 December", unit: "80", period: "2026-12", at: dec3,
			rows: []row{
				{"80", "Tỉnh Long An", c(1, 0, 0, 0, 0, 1)},
				{"80.001", "Xã An Thạnh", c(1, 0, 0, 0, 0, 1)},
				{"80.002", "Phường Tân An", c(3, 0, 0, 0, 0, 3)},
			},
			total: c(5, 0, 0, 0, 0, 5),
		},
		{
			name: "ward: one row per residential quarter", unit: "80.002", period: "2026-11", at: dec3,
			rows: []row{
				{"80.002.01", "Khu phố 1", c(1, 1, 1, 0, 0, 0)},
				{"80.002.02", "Khu phố 2", c(1, 1, 0, 1, 0, 0)},
				{"80.002.03", "Khu phố 3", c(1, 0, 0, 0, 1, 0)},
			},
			total: c(3, 2, 1, 1, 1, 0),
		},
		{
			name: "a village: the row of its own team", unit: "80.001.02", period: "2026-11", at: dec3,
			rows:  []row{{"80.001.02", "Ấp 2", c(1, 0, 0, 0, 0, 1)}},
			total: c(1, 0, 0, 0, 0, 1),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := compute(t, db, tc.unit, tc.period, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowsOf(s); !reflect.DeepEqual(got, tc.rows) {
				t.Errorf("rows:\n got %+v\nwant %+v", got, tc.rows)
			}
			if s.Total != tc.total {
				t.Errorf("total = %+v, want %+v", s.Total, tc.total)
			}
			if s.Unit.Code != tc.unit || s.Period.String() != tc.period || !s.At.Equal(tc.at) {
				t.Errorf("summary of %s %s at %v, want %s %s at %v", s.Unit.Code, s.Period, s.At, tc.unit, tc.period, tc.at)
			}
		})
	}
}

func TestRates(t *testing.T) {
	for _, tc := range []struct {
		counts         stats.Counts
		reporting, onT float64
	}{
		{c(7, 5, 3, 2, 1, 1), 71.4, 42.9},
		{c(3, 2, 1, 1, 0, 1), 66.7, 33.3},
		{c(1, 1, 1, 0, 0, 0), 100, 100},
		{c(0, 0, 0, 0, 0, 0), 0, 0},
		{c(8, 1, 1, 0, 7, 0), 12.5, 12.5},
	} {
		if got, got2 := tc.counts.ReportingRate(), tc.counts.OnTimeRate(); got != tc.reporting || got2 != tc.onT {
			t.Errorf("%+v: rates %v, %v; want %v, %v", tc.counts, got, got2, tc.reporting, tc.onT)
		}
	}
}

func TestSeriesOfTwelvePeriods(t *testing.T) {
	db := openFixture(t)
	loc := hcm(t)
	s, err := compute(t, db, "80", "2026-11", time.Date(2026, 12, 3, 10, 0, 0, 0, loc))
	if err != nil {
		t.Fatal(err)
	}
	none := c(7, 0, 0, 0, 7, 0)
	want := []struct {
		period string
		counts stats.Counts
	}{
		// LA-TINH's report of 2025-11 lies outside the window and counts nowhere.
		{"2025-12", none},
		{"2026-01", c(7, 1, 0, 1, 6, 0)}, // TA-KP3 on 25/1, after the 20th
		{"2026-02", none}, {"2026-03", none}, {"2026-04", none}, {"2026-05", none},
		{"2026-06", none}, {"2026-07", none}, {"2026-08", none},
		{"2026-09", c(7, 2, 2, 0, 5, 0)}, // LA-TINH 10/9; AT-A2 3/10 for September (5th, previous)
		// October: LA-TINH 18/10, TA-KP1 20/10 22:00 (the cutoff date counts) and AT-A2 4/11 on time;
		// TA-KP2 25/10 and AT-A1 7/11 late; AT-XA and TA-KP3 missing.
		{"2026-10", c(7, 5, 3, 2, 2, 0)},
		{"2026-11", c(7, 5, 3, 2, 1, 1)},
	}
	if len(s.Series) != len(want) {
		t.Fatalf("series of %d periods, want %d", len(s.Series), len(want))
	}
	for i, w := range want {
		if got := s.Series[i]; got.Period.String() != w.period || got.Counts != w.counts {
			t.Errorf("series[%d] = %s %+v, want %s %+v", i, got.Period, got.Counts, w.period, w.counts)
		}
	}
	if last := s.Series[len(s.Series)-1].Counts; last != s.Total {
		t.Errorf("the series ends at %+v, the total is %+v", last, s.Total)
	}

	// A series ending in December as of 3 December: the teams of the 5th are not expected for it yet.
	s, err = compute(t, db, "80", "2026-12", time.Date(2026, 12, 3, 10, 0, 0, 0, loc))
	if err != nil {
		t.Fatal(err)
	}
	if first, last := s.Series[0], s.Series[11]; first.Period.String() != "2026-01" || first.Counts != c(7, 1, 0, 1, 6, 0) ||
		last.Period.String() != "2026-12" || last.Counts != c(5, 0, 0, 0, 0, 5) {
		t.Errorf("series from %s %+v to %s %+v", first.Period, first.Counts, last.Period, last.Counts)
	}
}

func TestQueryErrors(t *testing.T) {
	db := openFixture(t)
	dec3 := time.Date(2026, 12, 3, 10, 0, 0, 0, hcm(t))
	for _, tc := range []struct {
		unit, period string
		want         error
	}{
		{"99", "2026-11", stats.ErrUnknownUnit},
		{"80.003", "2026-11", stats.ErrNoData},        // Bình Lãng has no team
		{"80", "2027-01", stats.ErrNotStarted},        // starts on 1/1 for the 20th's teams, 1/2 for the 5th's
		{"80.001.01", "2026-12", stats.ErrNotStarted}, // AT-A1 (5th, previous) starts December on 1/1
	} {
		_, err := compute(t, db, tc.unit, tc.period, dec3)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s %s: error %v, want %v", tc.unit, tc.period, err, tc.want)
		}
	}
	// The 20th's teams have started December: a mixed subtree is not an error.
	if _, err := compute(t, db, "80.001", "2026-12", dec3); err != nil {
		t.Errorf("An Thạnh in December: %v", err)
	}
}

func TestDefaultPeriodIsTheOpenPeriodOfMostTeams(t *testing.T) {
	db := openFixture(t)
	loc := hcm(t)
	for _, tc := range []struct {
		unit string
		at   time.Time
		want string
	}{
		{"80", time.Date(2026, 12, 3, 10, 0, 0, 0, loc), "2026-12"},       // five teams of the 20th are on December, two of the 5th on November
		{"80.001", time.Date(2026, 12, 3, 10, 0, 0, 0, loc), "2026-11"},   // two of the 5th (November) against AT-XA (December)
		{"80.001.01", time.Date(2026, 12, 1, 0, 0, 0, 0, loc), "2026-11"}, // previous mode: November opens on 1/12 00:00
		{"80.001.01", time.Date(2026, 11, 30, 23, 59, 0, 0, loc), "2026-10"},
		{"80.002", time.Date(2026, 12, 3, 10, 0, 0, 0, loc), "2026-12"},
	} {
		s, err := compute(t, db, tc.unit, "", tc.at)
		if err != nil {
			t.Fatalf("%s at %v: %v", tc.unit, tc.at, err)
		}
		if s.Period.String() != tc.want {
			t.Errorf("%s at %v: default period %s, want %s", tc.unit, tc.at, s.Period, tc.want)
		}
	}
}

// ExampleRate shows how rates round.
func ExampleRate() {
	fmt.Println(stats.Rate(5, 7), stats.Rate(2, 3), stats.Rate(0, 0))
	// Output: 71.4 66.7 0
}

// A team joins the directory in the middle of November: it is not counted missing for the
// months before it existed, only from the first period that starts after.
func TestATeamIsExpectedOnlyFromItsFirstPeriod(t *testing.T) {
	added := time.Date(2026, 11, 15, 10, 0, 0, 0, hcm(t))
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Now: func() time.Time { return added }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutUnit(store.Unit{Code: "P", Name: "Tỉnh", Level: "tỉnh", Policy: &store.Policy{CutoffDay: ptr(20)}}); err != nil {
			return err
		}
		if err := tx.PutUnit(store.Unit{Code: "P.1", Name: "Xã", Level: "xã", Parent: "P"}); err != nil {
			return err
		}
		return tx.PutTeam(store.Team{Code: "NEW", Name: "Tổ mới", Unit: "P.1"}) // no date given: created now
	}); err != nil {
		t.Fatal(err)
	}
	s, err := compute(t, db, "P", "2026-12", time.Date(2027, 1, 5, 9, 0, 0, 0, hcm(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range s.Series {
		want := 0
		if !pt.Period.Before(period(t, "2026-12")) {
			want = 1
		}
		if pt.Counts.Expected != want {
			t.Errorf("%s: expected %d teams, want %d (the team was added on 15/11/2026)", pt.Period, pt.Counts.Expected, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Each row's series adds up to the summary's series, its last point is the row's figures, and with
// WithMissing the teams not in for the period are listed (code order, the row they count in, their
// standing and cutoff) — what the officer page shows, from the same walk.
func TestRowSeriesAndMissingTeams(t *testing.T) {
	db := openFixture(t)
	loc := hcm(t)
	var s stats.Summary
	db.View(func(tx *store.Tx) error {
		var err error
		s, err = stats.Compute(tx, stats.Query{Unit: "80", Period: store.Period{Year: 2026, Month: 11}, At: time.Date(2026, 12, 3, 10, 0, 0, 0, loc), Loc: loc, WithMissing: true})
		if err != nil {
			t.Fatal(err)
		}
		return nil
	})
	for i, pt := range s.Series {
		var sum stats.Counts
		for _, r := range s.Rows {
			if len(r.Series) != stats.SeriesLength {
				t.Fatalf("row %s: %d points", r.Unit.Code, len(r.Series))
			}
			sum.Expected += r.Series[i].Expected
			sum.Reported += r.Series[i].Reported
			sum.Missing += r.Series[i].Missing
			sum.NotDue += r.Series[i].NotDue
		}
		if sum.Expected != pt.Expected || sum.Reported != pt.Reported || sum.Missing != pt.Missing || sum.NotDue != pt.NotDue {
			t.Errorf("%s: rows add up to %+v, the series says %+v", pt.Period, sum, pt.Counts)
		}
	}
	for _, r := range s.Rows {
		if r.Series[stats.SeriesLength-1] != r.Counts {
			t.Errorf("row %s: last point %+v, figures %+v", r.Unit.Code, r.Series[stats.SeriesLength-1], r.Counts)
		}
	}
	// As of 3 December: TA-KP3 missing (row 80.002), AT-A2 not due yet (row 80.001).
	var got []string
	for _, m := range s.Missing {
		got = append(got, fmt.Sprintf("%s %s %s %s", m.Team.Code, m.Row, m.Status, m.Cutoff.Format("2006-01-02")))
	}
	if want := []string{"AT-A2 80.001 chưa đến hạn 2026-12-05", "TA-KP3 80.002 thiếu 2026-11-20"}; !reflect.DeepEqual(got, want) {
		t.Errorf("missing:\n got %q\nwant %q", got, want)
	}
}
