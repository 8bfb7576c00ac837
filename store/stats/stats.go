// Package stats answers "who reported?" for a period and a part of the unit
// tree, the way DHIS2's reporting rate summary does: expected reports (the
// teams whose period has started), reported, on time, late, missing and not
// yet due, per unit and in total, with a 12-month series; and it exports the
// reports of a period, one row per team, as CSV or XLSX.
//
// Every figure is "as of" an instant the caller passes in, never the wall
// clock. A team is judged by its own policy's calendar and by the first
// version of its report (corrections do not change on time or late), exactly
// as the reminders' digests judge it.
package stats

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// Errors a query can end in before any figure is computed or any byte written.
var (
	// ErrUnknownUnit: the root unit does not exist.
	ErrUnknownUnit = errors.New("stats: unknown unit")
	// ErrNoData: no team lies under the root unit.
	ErrNoData = errors.New("stats: no team under this unit")
	// ErrNotStarted: the period has not started for any team under the root (PeriodStart > at).
	ErrNotStarted = errors.New("stats: period not started for any team under this unit")
)

// SeriesLength is the number of periods in Summary.Series, the last being the queried period.
const SeriesLength = 12

// Query names what to count: the teams under Unit, for Period, as of At.
type Query struct {
	Unit   string         // root of the subtree, itself included
	Period store.Period   // the zero Period means the default (see Resolve)
	At     time.Time      // the instant the figures are computed for
	Loc    *time.Location // time zone of the calendars and of exported times
	// WithMissing lists in Summary.Missing the teams not in for Period (the officer page's "whom to call").
	WithMissing bool
}

// Counts are the reporting figures of a set of teams for one period.
// Expected = Reported + Missing + NotDue and Reported = OnTime + Late.
type Counts struct {
	Expected int // teams whose period has started
	Reported int // filed at or before At
	OnTime   int // first version filed before the deadline
	Late     int // first version filed at or after the deadline
	Missing  int // deadline passed, nothing filed
	NotDue   int // nothing filed yet, deadline not reached
}

// ReportingRate is Reported/Expected in percent, one decimal; 0 when nothing is expected.
func (c Counts) ReportingRate() float64 { return Rate(c.Reported, c.Expected) }

// OnTimeRate is OnTime/Expected in percent, one decimal; 0 when nothing is expected.
func (c Counts) OnTimeRate() float64 { return Rate(c.OnTime, c.Expected) }

// Rate is n/of in percent rounded to one decimal (66.7), 0 when of is 0.
func Rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(of)) / 10
}

// Add counts one expected team with its status.
func (c *Counts) Add(s store.Status) {
	c.Expected++
	switch s {
	case store.StatusOnTime:
		c.Reported++
		c.OnTime++
	case store.StatusLate:
		c.Reported++
		c.Late++
	case store.StatusMissing:
		c.Missing++
	case store.StatusNotDue:
		c.NotDue++
	}
}

func (c *Counts) plus(d Counts) {
	c.Expected += d.Expected
	c.Reported += d.Reported
	c.OnTime += d.OnTime
	c.Late += d.Late
	c.Missing += d.Missing
	c.NotDue += d.NotDue
}

// Row is the figures of one unit directly under the root (its whole subtree),
// or of the teams attached to the root itself.
type Row struct {
	Unit store.Unit
	Counts
	// Series is the row's figures for each period of Summary.Series.
	Series []Counts
}

// Missing is a team not in for the queried period (Query.WithMissing).
type Missing struct {
	Team   store.Team
	Row    string       // the code of the row it counts in
	Below  []store.Unit // its units under the root, down to its own
	Status store.Status // StatusMissing (the deadline passed) or StatusNotDue
	Cutoff time.Time    // its cutoff date for the period
}

// Point is the total of one period of the series.
type Point struct {
	Period store.Period
	Counts
}

// Summary is the reporting picture of a subtree for one period.
type Summary struct {
	Unit   store.Unit   // the root
	Period store.Period // as resolved (the default when the query left it out)
	At     time.Time
	// Rows: the teams attached to the root first (when there are any), then one
	// row per child of the root with teams in its subtree, by unit code.
	Rows  []Row
	Total Counts
	// Series: the SeriesLength periods ending at Period, oldest first.
	Series []Point
	// Missing: with Query.WithMissing, the teams not in for Period, in team code order.
	Missing []Missing
}

// Resolve checks a query against the database and fills in the default
// period: the period most teams under the root are reporting on at At (their
// calendar's OpenPeriod), the later one on a tie. It fails with
// ErrUnknownUnit, ErrNoData or ErrNotStarted.
func Resolve(tx *store.Tx, q Query) (Query, error) {
	if q.Loc == nil {
		return q, errors.New("stats: query has no time zone")
	}
	if q.At.IsZero() {
		return q, errors.New("stats: query has no instant")
	}
	if _, ok, err := tx.Unit(q.Unit); err != nil {
		return q, err
	} else if !ok {
		return q, fmt.Errorf("%w %q", ErrUnknownUnit, q.Unit)
	}
	teams, started := 0, 0
	open := map[store.Period]int{}
	err := eachTeam(tx, q.Unit, q.Loc, func(m member) error {
		teams++
		open[m.cal.OpenPeriod(q.At)]++
		if q.Period != (store.Period{}) && m.started(q.Period, q.At) {
			started++
		}
		return nil
	})
	if err != nil {
		return q, err
	}
	if teams == 0 {
		return q, fmt.Errorf("%w %q", ErrNoData, q.Unit)
	}
	if q.Period == (store.Period{}) {
		best := 0
		for p, n := range open {
			if n > best || (n == best && q.Period.Before(p)) {
				q.Period, best = p, n
			}
		}
		return q, nil // an open period has started by definition
	}
	if started == 0 {
		return q, fmt.Errorf("%w: %s under %q", ErrNotStarted, q.Period, q.Unit)
	}
	return q, nil
}

// Compute is the summary of a query (see Summary), from one read transaction.
func Compute(tx *store.Tx, q Query) (Summary, error) {
	q, err := Resolve(tx, q)
	if err != nil {
		return Summary{}, err
	}
	root, _, err := tx.Unit(q.Unit)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{Unit: root, Period: q.Period, At: q.At, Series: make([]Point, SeriesLength)}
	for i := range s.Series {
		s.Series[i].Period = q.Period.Add(i - (SeriesLength - 1))
	}
	rows := map[string]*Row{}
	reports := tx.FiledWalk() // only when each was filed: one bucket open, no report decoded whole
	err = eachTeam(tx, q.Unit, q.Loc, func(m member) error {
		u := m.rowUnit()
		r := rows[u.Code]
		if r == nil {
			r = &Row{Unit: u, Series: make([]Counts, SeriesLength)}
			rows[u.Code] = r
		}
		for i := range s.Series {
			p := s.Series[i].Period
			first, filed, err := reports.FirstFiled(m.team.Code, p.String())
			if err != nil {
				return err
			}
			expected, st := m.judge(p, first, filed, q.At)
			if !expected {
				continue
			}
			s.Series[i].Add(st)
			r.Series[i].Add(st)
			if p != q.Period {
				continue
			}
			r.Add(st)
			if q.WithMissing && (st == store.StatusMissing || st == store.StatusNotDue) {
				s.Missing = append(s.Missing, Missing{Team: m.team, Row: u.Code, Below: m.path[m.root+1:], Status: st, Cutoff: m.cal.CutoffDate(p)})
			}
		}
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	for _, r := range rows {
		s.Rows = append(s.Rows, *r)
		s.Total.plus(r.Counts)
	}
	sort.Slice(s.Rows, func(i, j int) bool {
		a, b := s.Rows[i].Unit.Code, s.Rows[j].Unit.Code
		if (a == root.Code) != (b == root.Code) {
			return a == root.Code
		}
		return a < b
	})
	return s, nil
}
