package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// batch is one file's records after parsing: each checked on its own, with
// where it came from, and not yet compared with the database.
type batch struct {
	file      string
	qsets     []qsetIn
	units     []*unitIn
	teams     []*teamIn
	people    []*personIn
	approvers []approverIn
	officers  []officerIn
	errs      Errors
}

// A nil pointer field means "not in the file: keep what is stored".
type unitIn struct {
	row                           string
	index                         int
	code                          string
	name, level, fullName, parent *string
	groupID                       *string // "" unlinks the Zalo group
	setPolicy                     bool
	policy                        *store.Policy // nil with setPolicy: no overrides
}

type teamIn struct {
	row                  string
	code                 string
	name, unit, joinCode *string
	groupID              *string
	created              *time.Time // when the team began, if the file says (history imported from elsewhere)
	setPolicy            bool
	policy               *store.Policy
}

type personIn struct {
	row    string
	col    func(field string) string // how the file names a field (CSV: its header)
	zaloID string
	name   string // "" keeps the stored name
	phone  string // normalised; "" keeps the stored number
	roles  []roleIn
}

type roleIn struct {
	row, teamField, roleField string
	team, role                string
}

type approverIn struct {
	row string
	a   store.Approver
}

type officerIn struct {
	row string
	o   store.Officer
}

type qsetIn struct {
	row string
	qs  store.QuestionSet
}

func (b *batch) add(row, field, format string, args ...any) {
	if len(b.errs) < maxErrors {
		b.errs = append(b.errs, &Error{File: b.file, Row: row, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
}

// applier checks a batch against the database and writes it, inside one transaction.
type applier struct {
	b   *batch
	tx  *store.Tx
	res Result

	qsets      map[string]bool
	units      map[string]*unitIn
	unitOrder  []*unitIn
	teams      map[string]*teamIn
	unitCache  map[string]cachedUnit
	teamCache  map[string]cachedTeam
	roleTeams  []string            // teams given roles in the file, in first-mention order
	teamRoles  map[string][]roleAt // team → its roles in the file
	finalJoins map[string]string   // team code in the file → its join code afterwards (upper case)
}

type cachedUnit struct {
	u  store.Unit
	ok bool
}

type cachedTeam struct {
	t  store.Team
	ok bool
}

type roleAt struct {
	r      roleIn
	zaloID string
}

func (b *batch) apply(tx *store.Tx) (Result, error) {
	a := &applier{b: b, tx: tx, qsets: map[string]bool{}, units: map[string]*unitIn{}, teams: map[string]*teamIn{},
		unitCache: map[string]cachedUnit{}, teamCache: map[string]cachedTeam{}, teamRoles: map[string][]roleAt{}, finalJoins: map[string]string{}}
	for _, step := range []func() error{a.checkQuestionSets, a.checkUnits, a.checkTeams, a.checkPeople, a.checkApprovers, a.checkOfficers} {
		if err := step(); err != nil {
			return Result{}, err
		}
	}
	if len(b.errs) > 0 {
		sortErrors(b.errs)
		return Result{}, b.errs
	}
	for _, step := range []func() error{a.writeQuestionSets, a.writeUnits, a.writeTeams, a.writePeople, a.writeRoles, a.writeApprovers, a.writeOfficers, a.checkTeamSizes} {
		err := step()
		if errors.Is(err, errRefused) || (err == nil && len(b.errs) > 0) {
			return Result{}, b.errs // found while writing: the caller's transaction rolls back
		}
		if err != nil {
			return Result{}, err
		}
	}
	return a.res, nil
}

func (a *applier) storedUnit(code string) (store.Unit, bool, error) {
	if c, ok := a.unitCache[code]; ok {
		return c.u, c.ok, nil
	}
	u, ok, err := a.tx.Unit(code)
	if err != nil {
		return store.Unit{}, false, err
	}
	a.unitCache[code] = cachedUnit{u, ok}
	return u, ok, nil
}

func (a *applier) storedTeam(code string) (store.Team, bool, error) {
	if c, ok := a.teamCache[code]; ok {
		return c.t, c.ok, nil
	}
	t, ok, err := a.tx.Team(code)
	if err != nil {
		return store.Team{}, false, err
	}
	a.teamCache[code] = cachedTeam{t, ok}
	return t, ok, nil
}

// unitExists tells whether a unit is in the file or the database.
func (a *applier) unitExists(code string) (bool, error) {
	if a.units[code] != nil {
		return true, nil
	}
	_, ok, err := a.storedUnit(code)
	return ok, err
}

func (a *applier) teamExists(code string) (bool, error) {
	if a.teams[code] != nil {
		return true, nil
	}
	_, ok, err := a.storedTeam(code)
	return ok, err
}

// parentOf is a unit's parent once the file is imported.
func (a *applier) parentOf(code string) (string, error) {
	if u := a.units[code]; u != nil && u.parent != nil {
		return *u.parent, nil
	}
	s, _, err := a.storedUnit(code)
	return s.Parent, err
}

const notFound = "not found (neither in this file nor in the database)"

func (a *applier) checkQuestionSetRef(row, field, id string) error {
	if id == "" || a.qsets[id] {
		return nil
	}
	_, ok, err := a.tx.QuestionSet(id)
	if err != nil {
		return err
	}
	if !ok {
		a.b.add(row, field, "question set %q %s", id, notFound)
	}
	return nil
}

func (a *applier) checkQuestionSets() error {
	rows := map[string]string{}
	for _, q := range a.b.qsets {
		if prev, dup := rows[q.qs.ID]; dup {
			a.b.add(q.row, "id", "question set %q is already listed at %s", q.qs.ID, prev)
			continue
		}
		rows[q.qs.ID] = q.row
		a.qsets[q.qs.ID] = true
	}
	return nil
}

// maxDepth keeps unit paths well inside what store.UnitPath accepts.
const maxDepth = 24

func (a *applier) checkUnits() error {
	for _, u := range a.b.units {
		if prev := a.units[u.code]; prev != nil {
			a.b.add(u.row, "code", "unit %q is already listed at %s", u.code, prev.row)
			continue
		}
		a.units[u.code] = u
	}
	for _, u := range a.b.units {
		if a.units[u.code] != u {
			continue
		}
		if _, had, err := a.storedUnit(u.code); err != nil {
			return err
		} else if !had && u.name == nil {
			a.b.add(u.row, "name", "required for a new unit")
		}
		if u.policy != nil {
			if err := a.checkQuestionSetRef(u.row, "policy.question_set", u.policy.QuestionSet); err != nil {
				return err
			}
		}
	}
	// Follow each unit's parents to a root: this finds unknown parents and
	// loops (also through units already stored), and gives the depth that orders the writes.
	depth := map[string]int{}
	for _, u := range a.b.units {
		if a.units[u.code] != u {
			continue
		}
		var chain []string
		on := map[string]int{}
		base, bad := -1, false
		for c := u.code; ; {
			if d, ok := depth[c]; ok {
				base = d
				break
			}
			if i, ok := on[c]; ok {
				a.reportLoop(chain[i:], c)
				bad = true
				break
			}
			on[c] = len(chain)
			chain = append(chain, c)
			p, err := a.parentOf(c)
			if err != nil {
				return err
			}
			if p == "" {
				break
			}
			ok, err := a.unitExists(p)
			if err != nil {
				return err
			}
			if !ok {
				if fu := a.units[c]; fu != nil {
					a.b.add(fu.row, "parent", "unit %q %s", p, notFound)
				} else {
					a.b.add(u.row, "parent", "unit %q above it has a missing parent %q", c, p)
				}
				bad = true
				break
			}
			c = p
		}
		for i, c := range chain {
			d := base + len(chain) - i
			if bad {
				d = 0
			}
			depth[c] = d
			if fu := a.units[c]; fu != nil && d > maxDepth && !bad {
				a.b.add(fu.row, "parent", "more than %d levels above this unit", maxDepth)
				bad = true
			}
		}
	}
	for _, u := range a.b.units {
		if a.units[u.code] == u {
			a.unitOrder = append(a.unitOrder, u)
		}
	}
	sort.SliceStable(a.unitOrder, func(i, j int) bool { return depth[a.unitOrder[i].code] < depth[a.unitOrder[j].code] })
	return nil
}

// reportLoop names the loop once, at the unit of the file listed first in it.
func (a *applier) reportLoop(loop []string, back string) {
	var first *unitIn
	for _, c := range loop {
		if u := a.units[c]; u != nil && (first == nil || u.index < first.index) {
			first = u
		}
	}
	path := strings.Join(append(append([]string{}, loop...), back), " → ")
	a.b.add(first.row, "parent", "the parents form a loop: %s", path)
}

func (a *applier) checkTeams() error {
	for _, t := range a.b.teams {
		if prev := a.teams[t.code]; prev != nil {
			a.b.add(t.row, "code", "team %q is already listed at %s", t.code, prev.row)
			continue
		}
		a.teams[t.code] = t
	}
	joinRows := map[string]*teamIn{}
	for _, t := range a.b.teams {
		if a.teams[t.code] != t {
			continue
		}
		stored, had, err := a.storedTeam(t.code)
		if err != nil {
			return err
		}
		if !had && t.name == nil {
			a.b.add(t.row, "name", "required for a new team")
		}
		if !had && t.unit == nil {
			a.b.add(t.row, "unit", "required for a new team")
		}
		if t.unit != nil {
			if ok, err := a.unitExists(*t.unit); err != nil {
				return err
			} else if !ok {
				a.b.add(t.row, "unit", "unit %q %s", *t.unit, notFound)
			}
		}
		if t.policy != nil {
			if err := a.checkQuestionSetRef(t.row, "policy.question_set", t.policy.QuestionSet); err != nil {
				return err
			}
		}
		jc := strings.ToUpper(stored.JoinCode)
		if t.joinCode != nil {
			jc = *t.joinCode
		}
		a.finalJoins[t.code] = jc
		if jc == "" {
			continue
		}
		if other := joinRows[jc]; other != nil {
			a.b.add(t.row, "join_code", "join code %q is also given to team %s at %s", jc, other.code, other.row)
			continue
		}
		joinRows[jc] = t
	}
	// A join code held by a stored team stays taken unless the file gives that team another one.
	for jc, t := range joinRows {
		owner, ok, err := a.tx.TeamByJoinCode(jc)
		if err != nil {
			return err
		}
		if !ok || owner.Code == t.code {
			continue
		}
		if _, inFile := a.teams[owner.Code]; inFile && a.finalJoins[owner.Code] != jc {
			continue
		}
		a.b.add(t.row, "join_code", "join code %q already belongs to team %s", jc, owner.Code)
	}
	return nil
}

func (a *applier) checkPeople() error {
	rows := map[string]string{}
	for _, p := range a.b.people {
		if prev, dup := rows[p.zaloID]; dup {
			a.b.add(p.row, p.col("zalo_id"), "%s is already listed at %s", p.zaloID, prev)
			continue
		}
		rows[p.zaloID] = p.row
		if _, had, err := a.tx.Person(p.zaloID); err != nil {
			return err
		} else if !had && p.name == "" {
			a.b.add(p.row, p.col("name"), "required for a new person")
		}
		teamRow := map[string]string{}
		for _, r := range p.roles {
			if prev, dup := teamRow[r.team]; dup {
				a.b.add(r.row, r.teamField, "%s is given a role in team %s twice (also at %s)", p.zaloID, r.team, prev)
				continue
			}
			teamRow[r.team] = r.row
			if ok, err := a.teamExists(r.team); err != nil {
				return err
			} else if !ok {
				a.b.add(r.row, r.teamField, "team %q %s", r.team, notFound)
				continue
			}
			if _, seen := a.teamRoles[r.team]; !seen {
				a.roleTeams = append(a.roleTeams, r.team)
			}
			a.teamRoles[r.team] = append(a.teamRoles[r.team], roleAt{r, p.zaloID})
		}
	}
	// One leader per team in the file (a stored leader the file does not name is replaced: store.AssignRole's rule).
	for _, team := range a.roleTeams {
		leader, leaderRow := "", ""
		for _, ra := range a.teamRoles[team] {
			if ra.r.role != store.RoleLeader {
				continue
			}
			if leader == "" || leader == ra.zaloID {
				leader, leaderRow = ra.zaloID, ra.r.row
				continue
			}
			a.b.add(ra.r.row, ra.r.roleField, "team %s already has a leader in this file, %s at %s: a team has one leader", team, leader, leaderRow)
		}
	}
	return nil
}

func (a *applier) checkApprovers() error {
	rows := map[string]string{}
	for _, ap := range a.b.approvers {
		if prev, dup := rows[ap.a.Unit]; dup {
			a.b.add(ap.row, "unit", "unit %q already has an approver at %s (one approver per unit)", ap.a.Unit, prev)
			continue
		}
		rows[ap.a.Unit] = ap.row
		if ok, err := a.unitExists(ap.a.Unit); err != nil {
			return err
		} else if !ok {
			a.b.add(ap.row, "unit", "unit %q %s", ap.a.Unit, notFound)
		}
	}
	return nil
}

func (a *applier) checkOfficers() error {
	rows := map[string]string{}
	for _, o := range a.b.officers {
		if prev, dup := rows[o.o.ID]; dup {
			a.b.add(o.row, "id", "officer %q is already listed at %s", o.o.ID, prev)
			continue
		}
		rows[o.o.ID] = o.row
		if ok, err := a.unitExists(o.o.Scope); err != nil {
			return err
		} else if !ok {
			a.b.add(o.row, "scope", "unit %q %s", o.o.Scope, notFound)
		}
	}
	return nil
}

// sortErrors puts errors in file order when a later check found an earlier row.
func sortErrors(es Errors) {
	sort.SliceStable(es, func(i, j int) bool { return rowKey(es[i].Row) < rowKey(es[j].Row) })
}

// rowKey orders "line 9" before "line 10" and "people[9]" before "people[10]",
// sections in the order they are imported.
func rowKey(row string) string {
	if n, ok := strings.CutPrefix(row, "line "); ok {
		i, _ := strconv.Atoi(n)
		return fmt.Sprintf("line %09d", i)
	}
	name, rest, ok := strings.Cut(row, "[")
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, "]")
	sec := len(sections)
	for i, s := range sections {
		if s == name {
			sec = i
		}
	}
	i, _ := strconv.Atoi(n)
	return fmt.Sprintf("%02d %09d", sec, i)
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// errRefused stops the writes after the store refused a record (listed in b.errs).
var errRefused = errors.New("refused by the store")

// save writes next unless it equals what is stored, and counts which it was.
// A refusal by the store, which the checks should have prevented, becomes an
// error at the row (and the transaction rolls back).
func (a *applier) save(row string, had bool, stored, next any, count *int, put func() error) error {
	if had && sameJSON(stored, next) {
		a.res.Unchanged++
		return nil
	}
	if err := put(); err != nil {
		a.b.add(row, "", "%v", err)
		return errRefused
	}
	*count++
	return nil
}

func (a *applier) writeQuestionSets() error {
	for _, q := range a.b.qsets {
		stored, ok, err := a.tx.QuestionSet(q.qs.ID)
		if err != nil {
			return err
		}
		if err := a.save(q.row, ok, stored, q.qs, &a.res.QuestionSets, func() error { return a.tx.PutQuestionSet(q.qs) }); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) writeUnits() error {
	for _, u := range a.unitOrder {
		stored, had, err := a.storedUnit(u.code)
		if err != nil {
			return err
		}
		nu := stored
		if !had {
			nu = store.Unit{Code: u.code}
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&nu.Name, u.name}, {&nu.Level, u.level}, {&nu.FullName, u.fullName}, {&nu.Parent, u.parent}, {&nu.GroupID, u.groupID}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if u.setPolicy {
			nu.Policy = u.policy
		}
		if err := a.save(u.row, had, stored, nu, &a.res.Units, func() error { return a.tx.PutUnit(nu) }); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) writeTeams() error {
	// First free the join codes that move, so that two teams may swap theirs.
	for _, t := range a.b.teams {
		stored, had, err := a.storedTeam(t.code)
		if err != nil {
			return err
		}
		if had && stored.JoinCode != "" && strings.ToUpper(stored.JoinCode) != a.finalJoins[t.code] {
			stored.JoinCode = ""
			if err := a.tx.PutTeam(stored); err != nil {
				a.b.add(t.row, "join_code", "%v", err)
				return errRefused
			}
		}
	}
	for _, t := range a.b.teams {
		stored, had, err := a.storedTeam(t.code)
		if err != nil {
			return err
		}
		nt := stored
		if !had {
			nt = store.Team{Code: t.code}
		}
		if t.name != nil {
			nt.Name = *t.name
		}
		if t.unit != nil {
			nt.Unit = *t.unit
		}
		if t.joinCode != nil {
			nt.JoinCode = *t.joinCode
		}
		if t.groupID != nil {
			nt.GroupID = *t.groupID
		}
		if t.created != nil {
			nt.Created = t.created.UTC() // as the store keeps it, so a file read again compares equal
		}
		if t.setPolicy {
			nt.Policy = t.policy
		}
		if err := a.save(t.row, had, stored, nt, &a.res.Teams, func() error { return a.tx.PutTeam(nt) }); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) writePeople() error {
	for _, p := range a.b.people {
		stored, had, err := a.tx.Person(p.zaloID)
		if err != nil {
			return err
		}
		np := stored // consent stays as the person gave it
		if !had {
			np = store.Person{ZaloID: p.zaloID}
		}
		if p.name != "" {
			np.Name = p.name
		}
		if p.phone != "" {
			np.Phone = p.phone
		}
		if err := a.save(p.row, had, stored, np, &a.res.People, func() error { return a.tx.PutPerson(np) }); err != nil {
			return err
		}
	}
	return nil
}

// writeRoles sets the other roles before the leaders, so a file may hand
// the leadership over: the old leader becomes a member, then the new one leads.
func (a *applier) writeRoles() error {
	for _, leaders := range []bool{false, true} {
		for _, team := range a.roleTeams {
			for _, ra := range a.teamRoles[team] {
				if (ra.r.role == store.RoleLeader) != leaders {
					continue
				}
				set := func() error {
					if ra.r.role == store.RoleLeader { // a stored leader the file replaces stays in the team as a member
						replaced, err := a.tx.ReplaceLeader(team, ra.zaloID)
						if err != nil {
							return err
						}
						if replaced != "" {
							a.res.Roles++
						}
					}
					return a.tx.SetRole(team, ra.zaloID, ra.r.role)
				}
				if err := a.save(ra.r.row, true, a.tx.RoleIn(team, ra.zaloID), ra.r.role, &a.res.Roles, set); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (a *applier) writeApprovers() error {
	for _, ap := range a.b.approvers {
		stored, ok, err := a.tx.ApproverForUnit(ap.a.Unit)
		if err != nil {
			return err
		}
		if err := a.save(ap.row, ok, stored, ap.a, &a.res.Approvers, func() error { return a.tx.PutApprover(ap.a) }); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) writeOfficers() error {
	if len(a.b.officers) == 0 {
		return nil
	}
	all, err := a.tx.Officers()
	if err != nil {
		return err
	}
	stored := map[string]store.Officer{}
	for _, o := range all {
		stored[o.ID] = o
	}
	for _, o := range a.b.officers {
		s, ok := stored[o.o.ID]
		if err := a.save(o.row, ok, s, o.o, &a.res.Officers, func() error { return a.tx.PutOfficer(o.o) }); err != nil {
			return err
		}
	}
	return nil
}

// checkTeamSizes runs after the writes, on the rosters and policies as the file leaves them: a team
// given members by the file must not exceed its max_members, and nobody given a role may hold
// roles in two communes (the rules of store.AssignRole, applied to the batch as a whole).
func (a *applier) checkTeamSizes() error {
	for _, team := range a.roleTeams {
		var last *roleAt
		for i, ra := range a.teamRoles[team] {
			t, _, err := a.tx.Team(team)
			if err != nil {
				return err
			}
			var other *store.CommuneError
			if err := a.tx.CheckOneCommune(t, ra.zaloID); errors.As(err, &other) {
				a.b.add(ra.r.row, ra.r.teamField, "%s is %s of team %s in %s; team %s is in %s: a person joins teams of one commune only",
					ra.zaloID, other.Held.Role, other.Held.Team, other.There.Display(), team, other.Here.Display())
			} else if err != nil {
				return err
			}
			if store.Counted(ra.r.role) {
				last = &a.teamRoles[team][i]
			}
		}
		if last == nil {
			continue
		}
		room, err := a.tx.RoomIn(team)
		if err != nil {
			return err
		}
		if room.Over() {
			hint := ""
			if room.AllowsCollab {
				hint = "; list the others as collaborator (cộng tác viên)"
			}
			a.b.add(last.r.row, last.r.roleField, "team %s would have %d members, its policy allows %d, leader included%s", team, room.Members, room.Max, hint)
		}
	}
	return nil
}
