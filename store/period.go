package store

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Reporting calendar: which month a team is reporting on and when its report
// is due. Pure date arithmetic, no database access.
//
// Every computation happens in the Calendar's location (Asia/Ho_Chi_Minh in
// production): a "day" is a local calendar date and instants are compared as
// instants.

// Period is a reporting month.
type Period struct {
	Year  int
	Month time.Month
}

// ParsePeriod parses the "YYYY-MM" form written by Period.String, e.g. "2026-11".
// The year must have four digits (0001–9999) and the month two (01–12).
func ParsePeriod(s string) (Period, error) {
	bad := func() (Period, error) {
		return Period{}, fmt.Errorf("store: invalid period %q (want YYYY-MM, e.g. 2026-11)", s)
	}
	if len(s) != 7 || s[4] != '-' {
		return bad()
	}
	n := 0
	for i, c := range []byte(s) {
		if i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return bad()
		}
		n = n*10 + int(c-'0')
	}
	year, month := n/100, n%100
	if year < 1 || month < 1 || month > 12 {
		return bad()
	}
	return Period{Year: year, Month: time.Month(month)}, nil
}

// String returns the "YYYY-MM" form, e.g. "2026-11". It sorts chronologically.
func (p Period) String() string {
	if p.Year < 1000 || p.Year > 9999 || p.Month < 1 || p.Month > 12 {
		return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month))
	}
	// Formed by hand: a national sweep asks it hundreds of thousands of times.
	b := strconv.AppendInt(make([]byte, 0, 7), int64(p.Year), 10)
	b = append(b, '-', byte('0'+p.Month/10), byte('0'+p.Month%10))
	return string(b)
}

// Label returns the Vietnamese name of the month, e.g. "tháng 11/2026".
func (p Period) Label() string { return fmt.Sprintf("tháng %d/%d", int(p.Month), p.Year) }

// Next returns the following month.
func (p Period) Next() Period { return p.Add(1) }

// Prev returns the preceding month.
func (p Period) Prev() Period { return p.Add(-1) }

// Before reports whether p is an earlier month than q.
func (p Period) Before(q Period) bool { return p.index() < q.index() }

// index counts months since January of year 0 (month 0 = January).
func (p Period) index() int { return p.Year*12 + int(p.Month) - 1 }

// Add moves p by months (negative: back).
func (p Period) Add(months int) Period {
	i := p.index() + months
	y, m := i/12, i%12
	if m < 0 { // negative years: keep the month in 0..11
		y, m = y-1, m+12
	}
	return Period{Year: y, Month: time.Month(m + 1)}
}

// periodOf is the month containing t, read in loc.
func periodOf(t time.Time, loc *time.Location) Period {
	y, m, _ := t.In(loc).Date()
	return Period{Year: y, Month: m}
}

// firstInstant is 00:00 local on the first day of p.
func (p Period) firstInstant(loc *time.Location) time.Time {
	return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, loc)
}

// lastDay is the number of days in p's month.
func (p Period) lastDay() int {
	// Day 0 of the next month is the last day of this one; UTC has no gaps.
	return time.Date(p.Year, p.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Closing modes: which month a cutoff closes.
const (
	// CloseAuto picks by the cutoff day: up to the 10th closes the previous
	// month ("before the 5th" is for the month just ended), later days close
	// the current month ("before the 20th" is for this month).
	CloseAuto = ""
	// ClosePrevious: the cutoff in month M closes month M-1.
	ClosePrevious = "previous"
	// CloseCurrent: the cutoff in month M closes month M.
	CloseCurrent = "current"
)

// autoPreviousMaxDay is the last cutoff day that CloseAuto treats as closing
// the previous month.
const autoPreviousMaxDay = 10

// Calendar is the deadline rule of one policy.
//
// The methods assume Validate passed. If it did not, they still return
// something rather than fail: a CutoffDay outside 1..31 is clamped into the
// month and an unknown Close acts as CloseAuto; a nil Loc panics (time.Date).
type Calendar struct {
	// CutoffDay is the last day of the month (1..31) on which a report is on
	// time. Past the end of a short month it falls on the month's last day
	// (30 → 28 or 29 February).
	CutoffDay int
	// Close is CloseAuto, ClosePrevious or CloseCurrent.
	Close string
	// Loc is the time zone of the policy's calendar.
	Loc *time.Location
}

// Validate checks the rule: CutoffDay in 1..31, Close one of the modes, Loc set.
func (c Calendar) Validate() error {
	if c.CutoffDay < 1 || c.CutoffDay > 31 {
		return fmt.Errorf("store: cutoff day %d out of range 1..31", c.CutoffDay)
	}
	switch c.Close {
	case CloseAuto, ClosePrevious, CloseCurrent:
	default:
		return fmt.Errorf("store: unknown closing mode %q (want %q, %q or %q)", c.Close, CloseAuto, ClosePrevious, CloseCurrent)
	}
	if c.Loc == nil {
		return errors.New("store: calendar has no time zone")
	}
	return nil
}

// closesPrevious reports whether the cutoff in month M closes month M-1.
func (c Calendar) closesPrevious() bool {
	switch c.Close {
	case ClosePrevious:
		return true
	case CloseCurrent:
		return false
	default:
		return c.CutoffDay <= autoPreviousMaxDay
	}
}

// cutoffMonth is the month whose cutoff day closes p.
func (c Calendar) cutoffMonth(p Period) Period {
	if c.closesPrevious() {
		return p.Next()
	}
	return p
}

// CutoffDate is the local date of p's cutoff, as 00:00 local on that date:
// day CutoffDay (clamped to the month's last day) of p's month in current
// mode, of the month after p in previous mode. Reports filed on that date are
// still on time.
func (c Calendar) CutoffDate(p Period) time.Time {
	m := c.cutoffMonth(p)
	d := min(max(c.CutoffDay, 1), m.lastDay())
	return time.Date(m.Year, m.Month, d, 0, 0, 0, 0, c.Loc)
}

// Deadline is the first instant after the cutoff date (00:00 local of the
// next day): reports filed before Deadline(p) are on time.
func (c Calendar) Deadline(p Period) time.Time {
	return c.CutoffDate(p).AddDate(0, 0, 1)
}

// OpenPeriod is the period being reported at t: the month containing t in
// current mode, the month before it in previous mode. It changes at
// PeriodStart, not at the deadline: in previous mode on the 7th (cutoff the
// 5th) the open period is still last month, now overdue.
func (c Calendar) OpenPeriod(t time.Time) Period {
	p := periodOf(t, c.Loc)
	if c.closesPrevious() {
		return p.Prev()
	}
	return p
}

// PeriodStart is when reporting for p may begin: the first instant of p's
// month in current mode, of the following month in previous mode. OpenPeriod(t)
// is p exactly when PeriodStart(p) <= t < PeriodStart(p.Next()).
func (c Calendar) PeriodStart(p Period) time.Time {
	if c.closesPrevious() {
		return p.Next().firstInstant(c.Loc)
	}
	return p.firstInstant(c.Loc)
}

// Status of one team's report for a period.
type Status int

const (
	// StatusNotDue: not filed, deadline not reached yet.
	StatusNotDue Status = iota
	// StatusMissing: not filed, deadline passed.
	StatusMissing
	// StatusOnTime: filed before the deadline.
	StatusOnTime
	// StatusLate: filed at or after the deadline.
	StatusLate
)

// String returns the Vietnamese label shown to people.
func (s Status) String() string {
	switch s {
	case StatusNotDue:
		return "chưa đến hạn"
	case StatusMissing:
		return "thiếu"
	case StatusOnTime:
		return "đúng hạn"
	case StatusLate:
		return "trễ hạn"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Code returns the stable machine form: "not_due", "missing", "on_time", "late".
func (s Status) Code() string {
	switch s {
	case StatusNotDue:
		return "not_due"
	case StatusMissing:
		return "missing"
	case StatusOnTime:
		return "on_time"
	case StatusLate:
		return "late"
	}
	return fmt.Sprintf("status_%d", int(s))
}

// StatusOf is the status of a report for p as of t, given when it was filed
// (the zero time means not filed). A filed report is judged by filedAt alone,
// whatever t is.
func (c Calendar) StatusOf(p Period, filedAt, t time.Time) Status {
	dl := c.Deadline(p)
	if filedAt.IsZero() {
		if t.Before(dl) {
			return StatusNotDue
		}
		return StatusMissing
	}
	if filedAt.Before(dl) {
		return StatusOnTime
	}
	return StatusLate
}
