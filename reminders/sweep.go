package reminders

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// Kinds of scheduled message.
const (
	KindReminder = "reminder" // to a leader (and deputy) before the cutoff
	KindOverdue  = "overdue"  // to a leader the day after a missed cutoff
	KindApprover = "approver" // to a commune approver: his teams that missed it
	KindDigest   = "digest"   // to an officers' group chat
)

// Button is a finite choice on a message; Payload comes back as text.
type Button struct{ Title, Payload string }

// Message is one reminder or digest, with the ledger key that makes it unique.
type Message struct {
	Key       string
	Kind      string
	ToUser    string
	ToGroup   string
	Text      string
	Buttons   []Button
	NotBefore time.Time // set for messages made at night: they wait for the morning
	Team      string
	Period    string
	// ZNS are the ZNS template fields of reminders and overdue notices (zero for the others).
	ZNS ZNSFields
}

// ZNSFields are the template fields (ZNSKeys) of a reminder or overdue notice but "name": the sender
// adds the person's name when one does go by ZNS (most go by chat, and a national sweep would
// otherwise read every leader's record for nothing). Kept as fields, not a map: a national plan holds
// 93,000 of them.
type ZNSFields struct{ Team, Period, Deadline, Status string }

// Map is the template_data of the fields, nil for none.
func (z ZNSFields) Map() map[string]string {
	if z == (ZNSFields{}) {
		return nil
	}
	return map[string]string{"team": z.Team, "period": z.Period, "deadline": z.Deadline, "status": z.Status}
}

// Line describes a message on one line (the remind command, the admin API, the web chat).
func (m Message) Line() string {
	to := "user " + m.ToUser
	if m.ToGroup != "" {
		to = "group " + m.ToGroup
	}
	first, _, _ := strings.Cut(m.Text, "\n")
	if !m.NotBefore.IsZero() {
		to += " from " + m.NotBefore.Format("15:04")
	}
	return fmt.Sprintf("%-8s %s → %s: %s", m.Kind, m.Key, to, first)
}

// ZNSKeys are the template_data keys of a reminder or overdue notice sent by ZNS;
// an operator registers a ZNS template with exactly these parameters.
var ZNSKeys = []string{"name", "team", "period", "deadline", "status"}

// Enqueuer puts one message in the outbox inside tx (bulk priority).
type Enqueuer func(tx *store.Tx, m Message) error

// Sweeper decides, for any instant, which reminders and digests are due and
// sends each exactly once.
type Sweeper struct {
	DB      *store.DB
	Loc     *time.Location
	Enqueue Enqueuer
	// Hour is the local hour of scheduled messages (default 8).
	Hour int
	// Lookback bounds how far back missed runs are caught up (default 7 days).
	Lookback time.Duration
	// Chunk is how many messages one write transaction takes (default 2000: ~12 ms of holding the
	// write lock on this machine, so a webhook acknowledgement never waits long behind a national sweep).
	Chunk int
	// Workers share a national plan, each over a range of teams (default: one per CPU from 2,000
	// teams up, else one).
	Workers int
	// BulkPerMinute is how many bulk messages the outbox sends a minute (Zalo's budget less the
	// replies' reserve). With it, a morning too big to go out within Window of Hour starts before
	// Hour (see ahead); 0 never does.
	BulkPerMinute int
	// Window is how long after Hour the morning's messages may take (default 30 minutes).
	Window time.Duration

	treeMu sync.Mutex
	tree   *tree // the directory's units as last read, while DirectoryGen stays the same
}

// defaultChunk bounds one write transaction of a sweep; the ledger makes a re-run after a crash resume where it stopped.
const defaultChunk = 2000

// Quiet hours: nothing goes out from 21:00 until 07:00.
const (
	quietFrom = 21
	quietTo   = 7
)

// Sweep plans every message due as of at and, unless dryRun, puts the ones not
// yet in the ledger into the outbox. It returns what it sent (or would send).
func (s *Sweeper) Sweep(at time.Time, dryRun bool) ([]Message, error) {
	// The coming morning's overflow first: its whole plan is let go before this one is made.
	ahead, err := s.ahead(at)
	if err != nil {
		return nil, fmt.Errorf("reminders.Sweep: %w", err)
	}
	plan, err := s.planAll(at, deliveryTime(at, s.loc()))
	if err != nil {
		return nil, fmt.Errorf("reminders.Sweep: %w", err)
	}
	if wait := morning(at, s.loc()); !wait.IsZero() {
		for i := range plan {
			plan[i].NotBefore = wait
		}
	}
	plan = append(plan, ahead...)
	if dryRun {
		return plan, nil
	}
	chunk := s.Chunk
	if chunk <= 0 {
		chunk = defaultChunk
	}
	sent := 0 // plan[:sent] are the messages sent: the plan is compacted in place, not copied
	for start := 0; start < len(plan); start += chunk {
		part := plan[start:min(start+chunk, len(plan))]
		var done []int
		err := s.DB.Update(func(tx *store.Tx) error {
			done = done[:0]
			for i, m := range part {
				if tx.LedgerHas(m.Key) {
					continue // another run got there first
				}
				if err := s.Enqueue(tx, m); err != nil {
					return err
				}
				if err := tx.LedgerPut(m.Key, "sent"); err != nil {
					return err
				}
				done = append(done, start+i)
			}
			return nil
		})
		if err != nil {
			return plan[:sent], fmt.Errorf("reminders.Sweep: %w", err)
		}
		for _, i := range done {
			plan[sent] = plan[i]
			sent++
		}
	}
	plan = plan[:sent]
	if err := s.DB.Update(func(tx *store.Tx) error { return markSwept(tx, at) }); err != nil {
		return plan, fmt.Errorf("reminders.Sweep: %w", err)
	}
	return plan, nil
}

// aheadFrom is how long before Hour a sweep looks at the coming morning: from 07:00 (the server's run
// then, or a catch-up at a start after it), when quiet hours end and the overflow may go.
const aheadFrom = time.Hour

func (s *Sweeper) window() time.Duration {
	if s.Window == 0 {
		return 30 * time.Minute
	}
	return s.Window
}

// ahead is the part of this morning's messages that would not go out within Window of Hour at the
// outbox's bulk rate, queued by a sweep in the two hours before Hour to go out from the end of quiet
// hours, timed to end at Hour: reminders and overdue notices only (never the digests or the
// approvers' lists: they say who filed by Hour), taken from the end of the queue's order (the
// deputies, then the last leaders). One whose report is filed meanwhile is not sent (OutMsg.About);
// the run at Hour finds the others in the ledger.
func (s *Sweeper) ahead(at time.Time) ([]Message, error) {
	if s.BulkPerMinute <= 0 {
		return nil, nil
	}
	l := at.In(s.loc())
	scheduled := time.Date(l.Year(), l.Month(), l.Day(), s.hour(), 0, 0, 0, s.loc())
	if !at.Before(scheduled) || at.Before(scheduled.Add(-aheadFrom)) {
		return nil, nil
	}
	plan, err := s.planAll(scheduled, scheduled)
	if err != nil {
		return nil, err
	}
	// Only what is still to go counts: overdue notices and lists are planned again for days, and the
	// ledger skips them (and anything an earlier run queued ahead).
	if err := s.DB.View(func(tx *store.Tx) error {
		plan = slices.DeleteFunc(plan, func(m Message) bool { return tx.LedgerHas(m.Key) })
		return nil
	}); err != nil {
		return nil, err
	}
	over := len(plan) - int(s.window()/time.Minute)*s.BulkPerMinute
	from := time.Date(l.Year(), l.Month(), l.Day(), quietTo, 0, 0, 0, s.loc())
	if at.After(from) {
		from = at
	}
	over = min(over, int(scheduled.Sub(from)/time.Minute)*s.BulkPerMinute)
	if over <= 0 {
		return nil, nil
	}
	start := scheduled.Add(-time.Duration((over+s.BulkPerMinute-1)/s.BulkPerMinute) * time.Minute)
	var out []Message
	for i := len(plan) - 1; i >= 0 && len(out) < over; i-- {
		if k := plan[i].Kind; k == KindReminder || k == KindOverdue {
			m := plan[i]
			m.NotBefore = start
			out = append(out, m)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// ledgerLastSweep keeps the instant of the latest real sweep that completed.
const ledgerLastSweep = "sweep|last"

func markSwept(tx *store.Tx, at time.Time) error {
	if now := tx.Now(); at.After(now) {
		at = now // a run forced as of a later instant does not vouch for runs still to come
	}
	if last, ok := lastSwept(tx); ok && !at.After(last) {
		return nil
	}
	return tx.LedgerPut(ledgerLastSweep, at.UTC().Format(time.RFC3339Nano))
}

func lastSwept(tx *store.Tx) (time.Time, bool) {
	v, ok := tx.LedgerGet(ledgerLastSweep)
	if !ok {
		return time.Time{}, false
	}
	_, at, _ := strings.Cut(v, " ") // "<written at> <swept as of>"
	t, err := time.Parse(time.RFC3339Nano, at)
	return t, err == nil
}

// CatchUp is the sweep a starting server runs: as of now, unless a sweep completed since the last
// scheduled run (today's at Hour, or yesterday's before it) — a restart or a deploy then costs no
// national re-plan. It tells whether it swept.
func (s *Sweeper) CatchUp(now time.Time) ([]Message, bool, error) {
	l := now.In(s.loc())
	scheduled := time.Date(l.Year(), l.Month(), l.Day(), s.hour(), 0, 0, 0, s.loc())
	if scheduled.After(now) {
		scheduled = scheduled.AddDate(0, 0, -1)
	}
	var last time.Time
	var swept bool
	if err := s.DB.View(func(tx *store.Tx) error { last, swept = lastSwept(tx); return nil }); err != nil {
		return nil, false, err
	}
	// Within the hour before Hour (from 07:00), the run that queues a heavy morning's overflow ahead
	// may have been missed (a start at 07:10 after downtime): sweep then, unless one ran since 07:00.
	next := scheduled.AddDate(0, 0, 1)
	if aheadStart := next.Add(-aheadFrom); s.BulkPerMinute > 0 && !now.Before(aheadStart) && now.Before(next) {
		scheduled = aheadStart
	}
	if swept && !last.Before(scheduled) {
		return nil, false, nil
	}
	sent, err := s.Sweep(now, false)
	return sent, true, err
}

func (s *Sweeper) loc() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

func (s *Sweeper) hour() int {
	if s.Hour == 0 {
		return 8
	}
	return s.Hour
}

func (s *Sweeper) lookback() time.Duration {
	if s.Lookback == 0 {
		return 7 * 24 * time.Hour
	}
	return s.Lookback
}

// morning is when a message made at instant at may go out: zero when now is fine.
func morning(at time.Time, loc *time.Location) time.Time {
	l := at.In(loc)
	switch {
	case l.Hour() >= quietFrom:
		return time.Date(l.Year(), l.Month(), l.Day()+1, quietTo, 0, 0, 0, loc)
	case l.Hour() < quietTo:
		return time.Date(l.Year(), l.Month(), l.Day(), quietTo, 0, 0, 0, loc)
	}
	return time.Time{}
}

// teamInfo is what the directory says of a team: kept between sweeps.
type teamInfo struct {
	team      store.Team
	*unitView // its calendar and commune, shared with the other teams of its unit
}

// teamView is what a sweep needs to know about one team: with its leader and deputy as the roster
// says this morning (rosters change without the directory moving).
type teamView struct {
	*teamInfo
	leader string
	deputy string
}

// snapshot reads every team once, caching unit lookups (a national run has ~93,000 teams).
type snapshot struct {
	tx *store.Tx
	*tree
	teams []*teamView
}

// tree is every unit and approver, and what each unit's teams share: read once and kept by the
// Sweeper until the directory changes (store.DirectoryGen), so a sweep or an officer's digest does
// not decode 100,000 units each time. Read only once built, but for views, filled as units are met.
type tree struct {
	db        *store.DB
	gen       uint64
	units     map[string]*store.Unit // pointers: views and teams share them
	approvers map[string]store.Approver
	views     sync.Map                   // unit code → *unitView
	teams     atomic.Pointer[[]teamInfo] // every team once a sweep has read them
}

// readTree reads every unit and approver: what all teams' views are made from.
func readTree(tx *store.Tx) (*tree, error) {
	t := &tree{gen: tx.DirectoryGen(), units: map[string]*store.Unit{}, approvers: map[string]store.Approver{}}
	if err := tx.AllUnits(func(u store.Unit) error { t.units[u.Code] = &u; return nil }); err != nil {
		return nil, err
	}
	as, err := tx.Approvers()
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		t.approvers[a.Unit] = a
	}
	return t, nil
}

// baseSnapshot is a snapshot of the directory as tx sees it, without teams: the tree kept from an
// earlier call when the directory has not changed since.
func (s *Sweeper) baseSnapshot(tx *store.Tx) (*snapshot, error) {
	gen := tx.DirectoryGen()
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	if t := s.tree; t != nil && t.db == s.DB && t.gen == gen {
		return &snapshot{tx: tx, tree: t}, nil
	}
	t, err := readTree(tx)
	if err != nil {
		return nil, err
	}
	t.db = s.DB
	// Not kept when read in a transaction that changed the directory itself: it may yet roll back the
	// generation it moved. An older transaction's tree is not kept either.
	if !tx.MovedDirectory() && (s.tree == nil || s.tree.db != s.DB || s.tree.gen < gen) {
		s.tree = t
	}
	return &snapshot{tx: tx, tree: t}, nil
}

// keptTeams are every team of the tree, in code order, without their leaders; nil when no sweep has
// read them since the directory last changed.
func (sn *snapshot) keptTeams() []teamInfo {
	if v := sn.tree.teams.Load(); v != nil {
		return *v
	}
	return nil
}

// keepTeams keeps the teams a sweep read (leaders left out: rosters change without the directory
// moving, so each sweep reads them) for the next sweeps over the same tree.
func (s *Sweeper) keepTeams(t *tree, teams []*teamView) {
	kept := make([]teamInfo, len(teams)) // values in one array: 93,000 of them stay in memory
	for i, v := range teams {
		kept[i] = teamInfo{team: v.team, unitView: v.unitView}
		kept[i].team.JoinCode = "" // not the sweep's business
	}
	t.teams.Store(&kept)
}

// addKept adds kept teams, with their leaders and deputies as the roster says now.
func (sn *snapshot) addKept(kept []teamInfo) {
	leads := sn.tx.LeadWalk()
	views := make([]teamView, len(kept))
	for i := range kept {
		views[i].teamInfo = &kept[i]
		views[i].leader, views[i].deputy = leads.Leads(kept[i].team.Code)
		sn.teams = append(sn.teams, &views[i])
	}
}

// fork is a snapshot sharing the tree in another transaction, with teams of its own: one per worker
// of a national sweep.
func (sn *snapshot) fork(tx *store.Tx) *snapshot {
	return &snapshot{tx: tx, tree: sn.tree}
}

// addTeams adds the views of the teams each gives, in team code order.
func (s *Sweeper) addTeams(sn *snapshot, each func(fn func(store.Team) error) error) error {
	leads := sn.tx.LeadWalk() // teams come in code order: one pass over the rosters
	return each(func(t store.Team) error {
		uv, err := sn.unitOf(t, s.loc())
		if err != nil {
			return err
		}
		v := &teamView{teamInfo: &teamInfo{team: t, unitView: uv}}
		v.leader, v.deputy = leads.Leads(t.Code)
		sn.teams = append(sn.teams, v)
		return nil
	})
}

// snapshot reads the teams under scope ("" for all).
func (s *Sweeper) snapshot(tx *store.Tx, scope string) (*snapshot, error) {
	sn, err := s.baseSnapshot(tx)
	if err != nil {
		return nil, err
	}
	each := tx.AllTeams
	if scope != "" { // an officer's digest reads only their teams (from the unit index): it runs inside the handling transaction
		within, err := tx.SubtreeUnits(scope)
		if errors.Is(err, store.ErrNotFound) {
			within = map[string]bool{} // a scope naming no unit has no teams
		} else if err != nil {
			return nil, err
		}
		each = func(fn func(store.Team) error) error { return tx.TeamsWithin(within, fn) }
	}
	return sn, s.addTeams(sn, each)
}

// unitOf resolves, once per unit, what its teams share: the calendar of teams without a policy of
// their own, and the commune (store.CommuneAt on the cached units; the unit itself when its path
// is broken) with its approver. A team with its own policy gets its calendar on its own.
func (sn *snapshot) unitOf(t store.Team, loc *time.Location) (*unitView, error) {
	uv, err := sn.viewOf(t.Unit, loc, 0)
	if err != nil {
		return nil, fmt.Errorf("team %s: %w", t.Code, err)
	}
	if t.Policy == nil {
		return uv, nil
	}
	path, err := sn.pathOf(t.Unit)
	if err != nil {
		return nil, fmt.Errorf("team %s: %w", t.Code, err)
	}
	pol := store.LayerPolicy(t.Policy, path)
	own := *uv
	own.cal, own.days = pol.Calendar(loc), pol.ReminderDays
	return &own, nil
}

// viewOf is a unit's view, derived from its parent's (every village is a unit of its own: a national
// directory has 100,000 of them, and most only inherit): the same as store.LayerPolicy and
// store.CommuneAt on the unit's whole path, which TestUnitViewsFollowTheRules checks.
func (sn *snapshot) viewOf(code string, loc *time.Location, depth int) (*unitView, error) {
	if v, ok := sn.views.Load(code); ok {
		return v.(*unitView), nil
	}
	u, ok := sn.units[code]
	if !ok || depth > 32 {
		return nil, fmt.Errorf("unit %q: %w", code, store.ErrNotFound)
	}
	a, approved := sn.approvers[code]
	var uv *unitView
	if u.Parent == "" {
		pol := store.LayerPolicy(nil, []store.Unit{*u})
		uv = &unitView{cal: pol.Calendar(loc), days: pol.ReminderDays, commune: u, approver: a.ZaloID, approved: approved}
	} else {
		parent, err := sn.viewOf(u.Parent, loc, depth+1)
		if err != nil {
			return nil, err
		}
		if u.Policy == nil && !approved && parent.approved {
			sn.views.Store(code, parent) // nothing of its own: its parent's view, shared (most villages)
			return parent, nil
		}
		if u.Policy == nil && !approved {
			// No approver on the path: the commune is the parent, the same for all its children.
			if v, ok := sn.views.Load(childKey(u.Parent)); ok {
				sn.views.Store(code, v)
				return v.(*unitView), nil
			}
		}
		c := *parent
		uv = &c
		if u.Policy != nil {
			path, err := sn.pathOf(code)
			if err != nil {
				return nil, err
			}
			pol := store.LayerPolicy(nil, path)
			uv.cal, uv.days = pol.Calendar(loc), pol.ReminderDays
		}
		switch {
		case approved: // the nearest unit with an approver is the unit itself
			uv.commune, uv.approver, uv.approved = u, a.ZaloID, true
		case !parent.approved: // no approver on the path: the unit's parent
			uv.commune, uv.approver = sn.units[u.Parent], ""
			if u.Policy == nil {
				sn.views.Store(childKey(u.Parent), uv)
			}
		}
	}
	sn.views.Store(code, uv)
	return uv, nil
}

// childKey keys, among the views, the one the children of a unit without an approver above share.
func childKey(parent string) string { return parent + "\x00children" }

// unitView is what the teams of a unit share in a sweep.
type unitView struct {
	cal      store.Calendar
	days     []int
	commune  *store.Unit // the unit whose approver decides for it (or the village's parent)
	approver string      // the commune approver's Zalo id ("" none)
	approved bool        // commune is the nearest unit with an approver (else the unit's parent)
}

// pathOf is a unit's path from the root, from the cached units.
func (sn *snapshot) pathOf(code string) ([]store.Unit, error) {
	path := make([]store.Unit, 0, 6)
	for c := code; c != ""; {
		u, ok := sn.units[c]
		if !ok || len(path) > 32 {
			return nil, fmt.Errorf("unit %q: %w", c, store.ErrNotFound)
		}
		path = append(path, *u)
		c = u.Parent
	}
	slices.Reverse(path)
	return path, nil
}

// inScope tells whether a unit lies under root.
func (sn *snapshot) inScope(code, root string) bool {
	for c, depth := code, 0; c != "" && depth < 32; depth++ {
		if c == root {
			return true
		}
		u, ok := sn.units[c]
		if !ok {
			return false
		}
		c = u.Parent
	}
	return false
}

// at08 is the scheduled instant of a message on a local calendar date.
func (s *Sweeper) at(date time.Time, days int) time.Time {
	d := date.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), s.hour(), 0, 0, 0, s.loc())
}

// due tells whether a message scheduled at t should go out in a sweep at instant now.
func (s *Sweeper) due(t, now time.Time) bool {
	return !t.After(now) && now.Sub(t) < s.lookback()
}

// periodsNear are the periods whose cutoff can be within a month of at.
func periodsNear(cal store.Calendar, at time.Time) []store.Period {
	open := cal.OpenPeriod(at)
	return []store.Period{open.Prev(), open, open.Next()}
}

// deliveryTime is when messages planned at instant at reach people: at, or 07:00 after a night.
func deliveryTime(at time.Time, loc *time.Location) time.Time {
	if wait := morning(at, loc); !wait.IsZero() {
		return wait
	}
	return at
}

// planAll lists what is due at instant at for the whole country; deliver is when it will actually go
// out (later at night), which decides whether a reminder still makes sense and what its countdown
// says. The teams are split among workers, each in a read transaction of its own (none is held
// while they run), then merged in team code order, so the plan is the same with any number of them.
func (s *Sweeper) planAll(at, deliver time.Time) ([]Message, error) {
	var base *snapshot
	var kept []teamInfo // every team as the tree keeps them (nil until a sweep has read them)
	var starts []string // else: the first team code of each worker's range
	if err := s.DB.View(func(tx *store.Tx) error {
		var err error
		if base, err = s.baseSnapshot(tx); err != nil {
			return err
		}
		if kept = base.keptTeams(); kept != nil {
			return nil
		}
		codes, err := tx.TeamCodes()
		if len(codes) == 0 {
			return err // no team: nothing to split (digests still run)
		}
		w := s.workers(len(codes))
		for i := range w {
			starts = append(starts, codes[i*len(codes)/w])
		}
		return err
	}); err != nil {
		return nil, err
	}
	type part struct {
		teams    []*teamView
		out      messages // reminders to leaders, overdue notices
		deputies messages // reminders to deputies
		lists    map[string]*approverList
		gen      uint64 // the directory generation the worker's transaction saw
		err      error
	}
	ranges := len(starts)
	if kept != nil {
		ranges = s.workers(len(kept))
	}
	parts := make([]part, ranges)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func(p *part) {
			defer wg.Done()
			p.err = s.DB.View(func(tx *store.Tx) error {
				sn := base.fork(tx)
				p.gen = tx.DirectoryGen()
				if kept != nil { // the teams as kept, with this morning's leaders
					sn.addKept(kept[i*len(kept)/ranges : (i+1)*len(kept)/ranges])
				} else {
					from, to := starts[i], ""
					if i+1 < len(starts) {
						to = starts[i+1]
					}
					if err := s.addTeams(sn, func(fn func(store.Team) error) error { return tx.TeamsBetween(from, to, fn) }); err != nil {
						return err
					}
				}
				p.teams, p.lists = sn.teams, map[string]*approverList{}
				w := &planWalk{filed: tx.FiledWalk(), plans: map[calendarKey][]periodPlan{}, lists: p.lists, at: at, deliver: deliver}
				for _, v := range sn.teams {
					if err := s.planTeam(w, v, &p.out, &p.deputies); err != nil {
						return err
					}
				}
				return nil
			})
		}(&parts[i])
	}
	wg.Wait()
	approverLists := map[string]*approverList{}
	nt := 0
	for _, p := range parts {
		nt += len(p.teams)
	}
	teams := make([]*teamView, 0, nt)
	same := true // every worker saw the directory the tree was read from
	for i := range parts {
		p := &parts[i]
		if p.err != nil {
			return nil, p.err
		}
		same = same && p.gen == base.gen
		teams = append(teams, p.teams...)
		for _, k := range slices.Sorted(maps.Keys(p.lists)) {
			if l, ok := approverLists[k]; ok {
				l.teams = append(l.teams, p.lists[k].teams...) // later ranges' teams come after
			} else {
				approverLists[k] = p.lists[k]
			}
		}
	}
	if kept == nil && same {
		s.keepTeams(base.tree, teams)
	}
	var digests, lists []Message
	err := s.DB.View(func(tx *store.Tx) error {
		for _, k := range slices.Sorted(maps.Keys(approverLists)) {
			l := approverLists[k]
			lists = append(lists, Message{Key: l.key, Kind: KindApprover, ToUser: l.to, Period: l.period.String(), Text: l.text(tx)})
		}
		sn := base.fork(tx)
		sn.teams = teams
		var err error
		digests, err = s.planDigests(sn, at, deliver)
		return err
	})
	// The outbox sends bulk in the order it is queued: officers' digests (a few) first, then every
	// leader, then the deputies (on the cutoff's eve and day they double the morning: the leaders are
	// not kept waiting behind them), then the commune approvers' lists. Merged in one allocation.
	n := len(digests) + len(lists)
	for _, p := range parts {
		n += p.out.n + p.deputies.n
	}
	out := make([]Message, 0, n)
	out = append(out, digests...)
	for i := range parts {
		out = parts[i].out.moveTo(out) // merged: let go before the writes
	}
	for i := range parts {
		out = parts[i].deputies.moveTo(out)
	}
	return append(out, lists...), err
}

// workers is how many share a national plan: one for small directories (and always at least one).
func (s *Sweeper) workers(teams int) int {
	w := s.Workers
	if w <= 0 {
		w = 1
		if teams >= 2000 {
			w = runtime.GOMAXPROCS(0)
		}
	}
	return max(1, min(w, teams))
}

// messages collects a worker's plan in blocks, never copied as it grows: a growing slice of a
// national plan (93,000 messages of ~220 bytes, growing by a quarter at a time once large) left
// five times the plan in garbage, most of a sweep's peak heap.
type messages struct {
	blocks [][]Message
	n      int
}

const messageBlock = 2048

func (ms *messages) add(m Message) {
	if k := len(ms.blocks); k == 0 || len(ms.blocks[k-1]) == messageBlock {
		ms.blocks = append(ms.blocks, make([]Message, 0, messageBlock))
	}
	k := len(ms.blocks) - 1
	ms.blocks[k] = append(ms.blocks[k], m)
	ms.n++
}

// moveTo appends the messages to out and lets each block go as it is copied.
func (ms *messages) moveTo(out []Message) []Message {
	for i, b := range ms.blocks {
		out = append(out, b...)
		ms.blocks[i] = nil
	}
	ms.blocks, ms.n = nil, 0
	return out
}

// planWalk is one worker's state over its range of teams.
type planWalk struct {
	filed       *store.FiledWalk
	plans       map[calendarKey][]periodPlan // per calendar: what is due this morning
	lists       map[string]*approverList     // commune approvers' lists, by ledger key
	at, deliver time.Time
}

// calendarKey tells calendars apart: a unit's teams, and most of a province's, share one.
type calendarKey struct {
	cal  store.Calendar
	days string // the reminder days
}

func keyOf(v *teamView) calendarKey {
	var b [32]byte
	days := b[:0]
	for _, d := range v.days {
		days = strconv.AppendInt(append(days, ','), int64(d), 10)
	}
	return calendarKey{cal: v.cal, days: string(days)}
}

// periodPlan is what is due this morning for one period near it, on one calendar: worked out once
// for all the teams of a unit (dates, texts), so a team costs only its report lookup and its messages.
type periodPlan struct {
	p                store.Period
	period           string // p.String()
	start            time.Time
	remind           int  // the reminder day due (days before the cutoff), -1 when none
	overdue          bool // the overdue notice is due
	label, cutoff    string
	cutoffISO        string
	countdown, znsPd string
}

// periodPlans works out what a calendar has due at w.at: after downtime only the latest due reminder
// of a period, none whose cutoff passes before delivery.
func (s *Sweeper) periodPlans(w *planWalk, cal store.Calendar, days []int) []periodPlan {
	var out []periodPlan
	for _, p := range periodsNear(cal, w.at) {
		cutoff := cal.CutoffDate(p)
		pp := periodPlan{p: p, period: p.String(), start: cal.PeriodStart(p), remind: -1,
			label: p.Label(), cutoff: cutoff.Format("02/01/2006"), cutoffISO: cutoff.Format("2006-01-02"),
			countdown: countdown(cutoff, w.deliver), znsPd: fmt.Sprintf("%02d/%d", int(p.Month), p.Year)}
		if w.deliver.Before(cal.Deadline(p)) {
			for _, d := range days {
				if s.due(s.at(cutoff, -d), w.at) && (pp.remind < 0 || d < pp.remind) {
					pp.remind = d
				}
			}
		}
		pp.overdue = s.due(s.at(cutoff, 1), w.at)
		if pp.remind >= 0 || pp.overdue {
			out = append(out, pp)
		}
	}
	return out
}

// reportButtons is the one choice of a reminder (shared: nobody changes it).
var reportButtons = []Button{{Title: "Báo cáo ngay", Payload: "báo cáo"}}

// planTeam adds what is due for one team: its reminders and overdue notice, and its place on its
// commune approver's list.
func (s *Sweeper) planTeam(w *planWalk, v *teamView, out, deputies *messages) error {
	k := keyOf(v)
	pps, ok := w.plans[k]
	if !ok {
		pps = s.periodPlans(w, v.cal, v.days)
		w.plans[k] = pps
	}
	for i := range pps {
		pp := &pps[i]
		if !v.team.ExpectedFor(pp.start) {
			continue // no reminder or overdue notice for a period that began before the team existed
		}
		filedAt, filed, err := w.filed.FirstFiled(v.team.Code, pp.period)
		if err != nil {
			return err
		}
		filed = filed && !filedAt.After(w.at) // as things stood at the sweep's instant
		if pp.remind >= 0 && !filed {
			d := pp.remind
			for _, who := range [...]struct{ id, role string }{{v.leader, "leader"}, {v.deputy, "deputy"}} {
				if who.id == "" || (who.role == "deputy" && d > 1) {
					continue
				}
				to := out
				if who.role == "deputy" {
					to = deputies
				}
				to.add(Message{
					Key:  "remind|" + v.team.Code + "|" + pp.period + "|" + strconv.Itoa(d) + "|" + who.role,
					Kind: KindReminder, ToUser: who.id, Team: v.team.Code, Period: pp.period,
					ZNS:     ZNSFields{Team: v.team.Name, Period: pp.znsPd, Deadline: pp.cutoff, Status: pp.countdown},
					Text:    fmt.Sprintf(textReminder, v.team.Name, pp.label, pp.cutoff, pp.countdown),
					Buttons: reportButtons,
				})
			}
		}
		if !pp.overdue || filed {
			continue
		}
		if v.leader != "" {
			out.add(Message{
				Key:  "overdue|" + v.team.Code + "|" + pp.period,
				Kind: KindOverdue, ToUser: v.leader, Team: v.team.Code, Period: pp.period,
				ZNS:     ZNSFields{Team: v.team.Name, Period: pp.znsPd, Deadline: pp.cutoff, Status: textZNSOverdue},
				Text:    fmt.Sprintf(textOverdue, v.team.Name, pp.label, pp.cutoff),
				Buttons: reportButtons,
			})
		}
		if v.approver != "" {
			k := "approver|" + v.commune.Code + "|" + pp.period + "|" + pp.cutoffISO
			l := w.lists[k]
			if l == nil {
				l = &approverList{key: k, to: v.approver, commune: *v.commune, period: pp.p, cutoff: v.cal.CutoffDate(pp.p)}
				w.lists[k] = l
			}
			l.teams = append(l.teams, v)
		}
	}
	return nil
}

type approverList struct {
	key     string
	to      string
	commune store.Unit
	period  store.Period
	cutoff  time.Time
	teams   []*teamView
}

func (l *approverList) text(tx *store.Tx) string {
	var b strings.Builder
	fmt.Fprintf(&b, textApproverHead, len(l.teams), l.commune.Display(), l.period.Label(), l.cutoff.Format("02/01/2006"))
	for _, v := range l.teams {
		b.WriteString("\n• " + v.team.Name + " — " + leaderLine(tx, v.leader, false))
	}
	return b.String()
}

func unreachable(tx *store.Tx, id string) bool {
	_, ok, _ := tx.UnreachableUser(id)
	return ok
}

// leaderLine names a leader, with a group mention when asked.
func leaderLine(tx *store.Tx, id string, mention bool) string {
	if id == "" {
		return textNoLeader
	}
	p, _, _ := tx.Person(id)
	name := p.Name
	if name == "" {
		name = "tổ trưởng"
	} else {
		name = "tổ trưởng " + name
	}
	if p.Phone != "" && !mention {
		name += " (" + p.Phone + ")"
	}
	if mention {
		name += " [@" + id + "]"
	}
	if unreachable(tx, id) {
		name += " — " + textUnreachable
	}
	return name
}

// ErrNoOfficer means a group or person asked for a digest but is no officer.
var ErrNoOfficer = errors.New("not an officer")
