package stats

import (
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// member is one team under the root with what every computation needs.
type member struct {
	team store.Team
	path []store.Unit // from the top of the tree down to the team's unit
	root int          // index of the query's root in path
	pol  store.EffectivePolicy
	cal  store.Calendar
}

// eachTeam calls fn for every team under root (itself included), in team
// code order. Nothing is kept between teams, so a province costs no more
// memory than a village.
func eachTeam(tx *store.Tx, root string, loc *time.Location, fn func(member) error) error {
	return tx.AllTeams(func(t store.Team) error {
		path, err := tx.UnitPath(t.Unit)
		if err != nil {
			return err
		}
		at := -1
		for i, u := range path {
			if u.Code == root {
				at = i
				break
			}
		}
		if at < 0 {
			return nil
		}
		pol, err := tx.EffectivePolicy(t.Code)
		if err != nil {
			return err
		}
		return fn(member{team: t, path: path, root: at, pol: pol, cal: pol.Calendar(loc)})
	})
}

// started tells whether reporting for p has begun for this team at at: a
// period that has not started is not expected.
func (m member) started(p store.Period, at time.Time) bool {
	start := m.cal.PeriodStart(p)
	return !start.After(at) && m.team.ExpectedFor(start) // nor one that began before the team existed
}

// judge is the team's standing for p as of at, from the first version of its
// report. A version filed after at did not exist yet at at.
func (m member) judge(p store.Period, first store.Report, filed bool, at time.Time) (expected bool, s store.Status) {
	if !m.started(p, at) {
		return false, store.StatusNotDue
	}
	var filedAt time.Time
	if filed && !first.FiledAt.After(at) {
		filedAt = first.FiledAt
	}
	return true, m.cal.StatusOf(p, filedAt, at)
}

// rowUnit is the unit of the summary row the team counts in: the root's child
// on its path, or the root for a team attached to the root itself.
func (m member) rowUnit() store.Unit {
	if m.root+1 < len(m.path) {
		return m.path[m.root+1]
	}
	return m.path[m.root]
}

// commune is the index in path of the team's commune, by the reminders' rule:
// the nearest unit at or above the team's unit with an approver; without one,
// the unit's parent (the unit itself at the top of the tree).
func (m member) commune(tx *store.Tx) (int, error) {
	for i := len(m.path) - 1; i >= 0; i-- {
		if _, ok, err := tx.ApproverForUnit(m.path[i].Code); err != nil {
			return 0, err
		} else if ok {
			return i, nil
		}
	}
	return max(len(m.path)-2, 0), nil
}

// asOf keeps the versions filed at or before at (they are stored oldest first).
func asOf(vs []store.Report, at time.Time) []store.Report {
	n := 0
	for n < len(vs) && !vs[n].FiledAt.After(at) {
		n++
	}
	return vs[:n]
}
