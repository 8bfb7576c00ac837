package stats

import (
	"cmp"
	"fmt"
	"slices"
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
// code order. Nothing is kept between teams but what their units' parents
// share (a few thousand communes and provinces): a village's own unit is read
// with its team, so a province costs little more memory than a village.
func eachTeam(tx *store.Tx, root string, loc *time.Location, fn func(member) error) error {
	type above struct {
		path []store.Unit // from the top down to this unit
		pol  *store.EffectivePolicy
		cal  store.Calendar
	}
	parents := map[string]*above{}
	var pathTo func(code string, depth int) (*above, error)
	pathTo = func(code string, depth int) (*above, error) {
		if a, ok := parents[code]; ok {
			return a, nil
		}
		u, ok, err := tx.Unit(code)
		if err != nil {
			return nil, err
		}
		if !ok || depth > 32 {
			return nil, fmt.Errorf("unit %q: %w", code, store.ErrNotFound)
		}
		a := &above{path: []store.Unit{u}}
		if u.Parent != "" {
			up, err := pathTo(u.Parent, depth+1)
			if err != nil {
				return nil, err
			}
			a.path = append(slices.Clip(up.path), u)
		}
		parents[code] = a
		return a, nil
	}
	within, err := tx.SubtreeUnits(root)
	if err != nil {
		return err
	}
	return tx.TeamsWithin(within, func(t store.Team) error { // a commune's view reads that commune's teams only
		u, ok, err := tx.Unit(t.Unit)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("team %s: unit %q: %w", t.Code, t.Unit, store.ErrNotFound)
		}
		path := []store.Unit{u}
		var up *above
		if u.Parent != "" {
			if up, err = pathTo(u.Parent, 0); err != nil {
				return err
			}
			path = append(slices.Clip(up.path), u)
		}
		at := -1
		for i, pu := range path {
			if pu.Code == root {
				at = i
				break
			}
		}
		if at < 0 {
			return nil
		}
		if t.Policy != nil || u.Policy != nil || up == nil {
			pol := store.LayerPolicy(t.Policy, path)
			return fn(member{team: t, path: path, root: at, pol: pol, cal: pol.Calendar(loc)})
		}
		if up.pol == nil { // the teams of a commune without policies of their own share the commune's
			pol := store.LayerPolicy(nil, up.path)
			up.pol, up.cal = &pol, pol.Calendar(loc)
		}
		return fn(member{team: t, path: path, root: at, pol: *up.pol, cal: up.cal})
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
func (m member) judge(p store.Period, firstFiled time.Time, filed bool, at time.Time) (expected bool, s store.Status) {
	if !m.started(p, at) {
		return false, store.StatusNotDue
	}
	var filedAt time.Time
	if filed && !firstFiled.After(at) {
		filedAt = firstFiled
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

// commune is the index in path of the team's commune (store.CommuneAt: the nearest unit with an
// approver, else the unit's parent).
func (m member) commune(tx *store.Tx) (int, error) {
	var lookErr error
	c := store.CommuneAt(m.path, func(code string) bool {
		_, ok, err := tx.ApproverForUnit(code)
		lookErr = cmp.Or(lookErr, err)
		return ok
	})
	for i, u := range m.path {
		if u.Code == c.Code {
			return i, lookErr
		}
	}
	return 0, lookErr
}

// asOf keeps the versions filed at or before at (they are stored oldest first).
func asOf(vs []store.Report, at time.Time) []store.Report {
	n := 0
	for n < len(vs) && !vs[n].FiledAt.After(at) {
		n++
	}
	return vs[:n]
}
