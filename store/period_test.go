package store

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata"
)

func hcm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// refMonthLen is an independent month-length table (Gregorian leap rule).
func refMonthLen(y, m int) int {
	switch m {
	case 1, 3, 5, 7, 8, 10, 12:
		return 31
	case 4, 6, 9, 11:
		return 30
	case 2:
		if y%400 == 0 || (y%4 == 0 && y%100 != 0) {
			return 29
		}
		return 28
	}
	panic(fmt.Sprintf("month %d", m))
}

// ymd is a plain calendar date for the reference computation.
type ymd struct{ y, m, d int }

func (a ymd) String() string { return fmt.Sprintf("%04d-%02d-%02d", a.y, a.m, a.d) }

func refNextDay(a ymd) ymd {
	a.d++
	if a.d > refMonthLen(a.y, a.m) {
		a.d, a.m = 1, a.m+1
		if a.m > 12 {
			a.m, a.y = 1, a.y+1
		}
	}
	return a
}

func refMonthShift(y, m, by int) (int, int) {
	m += by
	for m > 12 {
		m, y = m-12, y+1
	}
	for m < 1 {
		m, y = m+12, y-1
	}
	return y, m
}

// refCutoff is the cutoff date of period (y, m), computed without package code.
func refCutoff(day int, previous bool, y, m int) ymd {
	if previous {
		y, m = refMonthShift(y, m, 1)
	}
	d := day
	if n := refMonthLen(y, m); d > n {
		d = n
	}
	return ymd{y, m, d}
}

func dateOf(tm time.Time) ymd {
	y, m, d := tm.Date()
	return ymd{y, int(m), d}
}

// mustMidnight checks tm is 00:00:00 in loc on the date want.
func mustMidnight(t *testing.T, what string, tm time.Time, loc *time.Location, want ymd) {
	t.Helper()
	if tm.Location() != loc {
		t.Errorf("%s: location %v, want %v", what, tm.Location(), loc)
	}
	l := tm.In(loc)
	if got := dateOf(l); got != want || l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 || l.Nanosecond() != 0 {
		t.Errorf("%s = %v, want %v 00:00:00", what, l, want)
	}
}

func TestCalendarWholeYears(t *testing.T) {
	loc := hcm(t)
	cases := []struct {
		day      int
		close    string
		previous bool // expected resolution, written out rather than derived
	}{
		{5, CloseAuto, true},
		{20, CloseAuto, false},
		{30, CloseAuto, false},
		{31, CloseAuto, false},
		{1, CloseAuto, true},
		{10, CloseAuto, true},
		{11, CloseAuto, false},
		{5, CloseCurrent, false},
		{1, CloseCurrent, false},
		{20, ClosePrevious, true},
		{30, ClosePrevious, true},
		{31, ClosePrevious, true},
		{5, ClosePrevious, true},
		{31, CloseCurrent, false},
	}
	for _, year := range []int{2027, 2028} {
		for _, tc := range cases {
			name := fmt.Sprintf("%d/day%d/%s", year, tc.day, tc.close)
			if tc.close == CloseAuto {
				name = fmt.Sprintf("%d/day%d/auto", year, tc.day)
			}
			t.Run(name, func(t *testing.T) {
				c := Calendar{CutoffDay: tc.day, Close: tc.close, Loc: loc}
				if err := c.Validate(); err != nil {
					t.Fatal(err)
				}
				days := 0
				for m := 1; m <= 12; m++ {
					for d := 1; d <= refMonthLen(year, m); d++ {
						days++
						now := time.Date(year, time.Month(m), d, 8, 0, 0, 0, loc)
						today := ymd{year, m, d}

						wy, wm := year, m
						if tc.previous {
							wy, wm = refMonthShift(year, m, -1)
						}
						p := c.OpenPeriod(now)
						if p.Year != wy || int(p.Month) != wm {
							t.Fatalf("%v: OpenPeriod = %v, want %04d-%02d", today, p, wy, wm)
						}
						// Same answer from UTC-expressed instant (08:00 ICT = 01:00 UTC).
						if q := c.OpenPeriod(now.UTC()); q != p {
							t.Fatalf("%v: OpenPeriod(UTC) = %v, want %v", today, q, p)
						}

						cut := refCutoff(tc.day, tc.previous, wy, wm)
						mustMidnight(t, fmt.Sprintf("%v: CutoffDate(%v)", today, p), c.CutoffDate(p), loc, cut)
						dl := c.Deadline(p)
						mustMidnight(t, fmt.Sprintf("%v: Deadline(%v)", today, p), dl, loc, refNextDay(cut))
						if got := dl.Sub(c.CutoffDate(p)); got != 24*time.Hour {
							t.Fatalf("%v: deadline - cutoff = %v, want 24h (no DST in Vietnam)", today, got)
						}

						// PeriodStart brackets now.
						start := c.PeriodStart(p)
						startDate := ymd{wy, wm, 1}
						if tc.previous {
							ny, nm := refMonthShift(wy, wm, 1)
							startDate = ymd{ny, nm, 1}
						}
						mustMidnight(t, fmt.Sprintf("%v: PeriodStart(%v)", today, p), start, loc, startDate)
						if now.Before(start) || !now.Before(c.PeriodStart(p.Next())) {
							t.Fatalf("%v: now not in [PeriodStart(%v), PeriodStart(next))", today, p)
						}

						// Status of an unfiled report as of now: due iff today is after the cutoff date.
						afterCutoff := today.y > cut.y ||
							(today.y == cut.y && (today.m > cut.m || (today.m == cut.m && today.d > cut.d)))
						want := StatusNotDue
						if afterCutoff {
							want = StatusMissing
						}
						if got := c.StatusOf(p, time.Time{}, now); got != want {
							t.Fatalf("%v: StatusOf(%v, unfiled) = %v, want %v", today, p, got, want)
						}
						// Filed now.
						want = StatusOnTime
						if afterCutoff {
							want = StatusLate
						}
						if got := c.StatusOf(p, now, now); got != want {
							t.Fatalf("%v: StatusOf(%v, filed now) = %v, want %v", today, p, got, want)
						}
					}
				}
				wantDays := 365
				if year == 2028 {
					wantDays = 366
				}
				if days != wantDays {
					t.Fatalf("walked %d days, want %d", days, wantDays)
				}
			})
		}
	}
}

func TestCutoffSpotChecks(t *testing.T) {
	loc := hcm(t)
	cases := []struct {
		day   int
		close string
		p     Period
		want  ymd
	}{
		{30, CloseAuto, Period{2027, time.February}, ymd{2027, 2, 28}},
		{30, CloseAuto, Period{2028, time.February}, ymd{2028, 2, 29}},
		{30, CloseCurrent, Period{2028, time.February}, ymd{2028, 2, 29}},
		{5, CloseAuto, Period{2027, time.December}, ymd{2028, 1, 5}},
		{5, ClosePrevious, Period{2027, time.December}, ymd{2028, 1, 5}},
		{31, CloseAuto, Period{2027, time.April}, ymd{2027, 4, 30}},
		{31, CloseAuto, Period{2028, time.April}, ymd{2028, 4, 30}},
		{20, CloseCurrent, Period{2028, time.February}, ymd{2028, 2, 20}},
		{20, CloseAuto, Period{2028, time.February}, ymd{2028, 2, 20}},
		{30, ClosePrevious, Period{2027, time.January}, ymd{2027, 2, 28}},
		{31, ClosePrevious, Period{2028, time.January}, ymd{2028, 2, 29}},
		{31, CloseAuto, Period{2027, time.December}, ymd{2027, 12, 31}},
		{1, CloseAuto, Period{2027, time.December}, ymd{2028, 1, 1}},
		{5, CloseCurrent, Period{2027, time.December}, ymd{2027, 12, 5}},
	}
	for _, tc := range cases {
		c := Calendar{CutoffDay: tc.day, Close: tc.close, Loc: loc}
		what := fmt.Sprintf("day %d %q: CutoffDate(%v)", tc.day, tc.close, tc.p)
		mustMidnight(t, what, c.CutoffDate(tc.p), loc, tc.want)
	}

	// Deadline crossing the year and February's end.
	c := Calendar{CutoffDay: 31, Close: CloseAuto, Loc: loc}
	mustMidnight(t, "Deadline 31/2027-12", c.Deadline(Period{2027, time.December}), loc, ymd{2028, 1, 1})
	c = Calendar{CutoffDay: 30, Loc: loc}
	mustMidnight(t, "Deadline 30/2028-02", c.Deadline(Period{2028, time.February}), loc, ymd{2028, 3, 1})
	mustMidnight(t, "Deadline 30/2027-02", c.Deadline(Period{2027, time.February}), loc, ymd{2027, 3, 1})
}

func TestStatusOf(t *testing.T) {
	loc := hcm(t)
	p := Period{2027, time.November}
	at := func(y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, loc)
	}
	current := Calendar{CutoffDay: 20, Loc: loc} // 2027-11 due by 2027-11-20
	previous := Calendar{CutoffDay: 5, Loc: loc} // 2027-11 due by 2027-12-05
	late30 := Calendar{CutoffDay: 30, Loc: loc}  // 2027-11 due by 2027-11-30
	feb := Calendar{CutoffDay: 31, Loc: loc}     // 2028-02 due by 2028-02-29
	pFeb := Period{2028, time.February}          //
	later := at(2030, time.January, 1, 0, 0, 0)  // t long after, for filed reports
	var none time.Time                           // not filed
	cases := []struct {
		name    string
		c       Calendar
		p       Period
		filedAt time.Time
		now     time.Time
		want    Status
	}{
		{"current cutoff day 23:59", current, p, at(2027, 11, 20, 23, 59, 0), later, StatusOnTime},
		{"current cutoff day 23:59:59", current, p, at(2027, 11, 20, 23, 59, 59), later, StatusOnTime},
		{"current next day 00:00", current, p, at(2027, 11, 21, 0, 0, 0), later, StatusLate},
		{"current early", current, p, at(2027, 11, 1, 0, 0, 0), later, StatusOnTime},
		{"current unfiled 1s before", current, p, none, at(2027, 11, 20, 23, 59, 59), StatusNotDue},
		{"current unfiled at deadline", current, p, none, at(2027, 11, 21, 0, 0, 0), StatusMissing},

		{"previous cutoff day 23:59", previous, p, at(2027, 12, 5, 23, 59, 0), later, StatusOnTime},
		{"previous next day 00:00", previous, p, at(2027, 12, 6, 0, 0, 0), later, StatusLate},
		{"previous unfiled 1s before", previous, p, none, at(2027, 12, 5, 23, 59, 59), StatusNotDue},
		{"previous unfiled at deadline", previous, p, none, at(2027, 12, 6, 0, 0, 0), StatusMissing},

		{"30 cutoff day 23:59", late30, p, at(2027, 11, 30, 23, 59, 0), later, StatusOnTime},
		{"30 next day 00:00", late30, p, at(2027, 12, 1, 0, 0, 0), later, StatusLate},

		{"leap Feb 29 23:59", feb, pFeb, at(2028, 2, 29, 23, 59, 0), later, StatusOnTime},
		{"leap Mar 1 00:00", feb, pFeb, at(2028, 3, 1, 0, 0, 0), later, StatusLate},
		{"leap unfiled 1s before", feb, pFeb, none, at(2028, 2, 29, 23, 59, 59), StatusNotDue},
		{"leap unfiled at deadline", feb, pFeb, none, at(2028, 3, 1, 0, 0, 0), StatusMissing},

		// The instant counts, not the zone it is written in: 23:59 ICT = 16:59 UTC.
		{"UTC-expressed on time", current, p, at(2027, 11, 20, 23, 59, 0).UTC(), later, StatusOnTime},
		{"UTC-expressed late", current, p, time.Date(2027, 11, 20, 17, 0, 0, 0, time.UTC), later, StatusLate},
		// A filed report keeps its status whatever t is.
		{"filed, t before filing", current, p, at(2027, 11, 10, 9, 0, 0), at(2027, 11, 1, 0, 0, 0), StatusOnTime},
	}
	for _, tc := range cases {
		if got := tc.c.StatusOf(tc.p, tc.filedAt, tc.now); got != tc.want {
			t.Errorf("%s: StatusOf = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestStatusStrings(t *testing.T) {
	cases := []struct {
		s          Status
		text, code string
	}{
		{StatusNotDue, "chưa đến hạn", "not_due"},
		{StatusMissing, "thiếu", "missing"},
		{StatusOnTime, "đúng hạn", "on_time"},
		{StatusLate, "trễ hạn", "late"},
		{Status(9), "Status(9)", "status_9"},
	}
	for _, tc := range cases {
		if got := tc.s.String(); got != tc.text {
			t.Errorf("String(%d) = %q, want %q", int(tc.s), got, tc.text)
		}
		if got := tc.s.Code(); got != tc.code {
			t.Errorf("Code(%d) = %q, want %q", int(tc.s), got, tc.code)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	good := map[string]Period{
		"2026-11": {2026, time.November},
		"2026-01": {2026, time.January},
		"2028-02": {2028, time.February},
		"0001-12": {1, time.December},
	}
	for s, want := range good {
		p, err := ParsePeriod(s)
		if err != nil || p != want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", s, p, err, want)
		}
		if p.String() != s {
			t.Errorf("%v.String() = %q, want %q", p, p.String(), s)
		}
	}
	for _, s := range []string{
		"", "2026-13", "2026-1x", "2026-00", "2026-1", "26-11", "2026/11",
		"2026-011", " 2026-11", "2026-11 ", "0000-05", "-026-11", "+026-11", "2026-+1",
		"2026-11-01", "２０２６-11",
	} {
		if p, err := ParsePeriod(s); err == nil {
			t.Errorf("ParsePeriod(%q) = %v, want error", s, p)
		}
	}
}

func TestPeriodArithmetic(t *testing.T) {
	p := Period{2026, time.November}
	if got := p.Label(); got != "tháng 11/2026" {
		t.Errorf("Label = %q", got)
	}
	if got := (Period{2027, time.January}).Label(); got != "tháng 1/2027" {
		t.Errorf("Label = %q", got)
	}
	steps := []struct{ p, next Period }{
		{Period{2026, time.November}, Period{2026, time.December}},
		{Period{2026, time.December}, Period{2027, time.January}},
		{Period{2027, time.January}, Period{2027, time.February}},
		{Period{2028, time.February}, Period{2028, time.March}},
	}
	for _, s := range steps {
		if got := s.p.Next(); got != s.next {
			t.Errorf("%v.Next() = %v, want %v", s.p, got, s.next)
		}
		if got := s.next.Prev(); got != s.p {
			t.Errorf("%v.Prev() = %v, want %v", s.next, got, s.p)
		}
		if !s.p.Before(s.next) || s.next.Before(s.p) || s.p.Before(s.p) {
			t.Errorf("Before wrong for %v, %v", s.p, s.next)
		}
	}
	// Walk 30 years forward and back; String order must match Before.
	q := Period{2020, time.January}
	for i := 0; i < 360; i++ {
		n := q.Next()
		if n.Prev() != q || !q.Before(n) || !(q.String() < n.String()) {
			t.Fatalf("step %d: %v → %v", i, q, n)
		}
		q = n
	}
	if q != (Period{2050, time.January}) {
		t.Fatalf("after 360 months: %v", q)
	}
	if !(Period{2026, time.December}).Before(Period{2027, time.January}) {
		t.Error("December should be before next January")
	}
}

func TestCalendarValidate(t *testing.T) {
	loc := hcm(t)
	for _, c := range []Calendar{
		{CutoffDay: 1, Loc: loc},
		{CutoffDay: 31, Close: CloseCurrent, Loc: loc},
		{CutoffDay: 5, Close: ClosePrevious, Loc: time.UTC},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for _, c := range []Calendar{
		{CutoffDay: 0, Loc: loc},
		{CutoffDay: 32, Loc: loc},
		{CutoffDay: -5, Loc: loc},
		{CutoffDay: 5, Close: "next", Loc: loc},
		{CutoffDay: 5, Close: "Current", Loc: loc},
		{CutoffDay: 5},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: want error", c)
		}
	}
}

// Deadline is midnight local of the next calendar day even across a DST
// change (the spec asks for AddDate, not +24h). Not relevant in Vietnam, but
// Calendar takes any location.
func TestDeadlineDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// DST starts 2027-03-14 02:00 in New York: that day has 23 hours.
	c := Calendar{CutoffDay: 14, Close: CloseCurrent, Loc: ny}
	p := Period{2027, time.March}
	mustMidnight(t, "CutoffDate", c.CutoffDate(p), ny, ymd{2027, 3, 14})
	mustMidnight(t, "Deadline", c.Deadline(p), ny, ymd{2027, 3, 15})
	if got := c.Deadline(p).Sub(c.CutoffDate(p)); got != 23*time.Hour {
		t.Errorf("deadline - cutoff = %v, want 23h", got)
	}
}

func TestPeriodString(t *testing.T) {
	for p, want := range map[Period]string{{2026, 11}: "2026-11", {2027, 1}: "2027-01", {999, 3}: "0999-03", {2026, 13}: "2026-13"} {
		if got := p.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", p, got, want)
		}
	}
}
