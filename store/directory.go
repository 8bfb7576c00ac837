package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Unit is a place in the administrative tree: province, [district,] commune,
// village or residential group. Depth and level names come from the imported data.
type Unit struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`            // "Tùng Ảnh"
	Level    string  `json:"level,omitempty"` // "xã", "thôn", "tổ dân phố"…
	FullName string  `json:"full_name,omitempty"`
	Parent   string  `json:"parent,omitempty"`
	Policy   *Policy `json:"policy,omitempty"` // overrides for everything below
	// GroupID is the unit's Zalo group (GMF): where people of the unit are reached by mention when no personal channel works.
	GroupID string `json:"group_id,omitempty"`
}

// Display is the name as people say it: "Xã Tùng Ảnh".
func (u Unit) Display() string {
	if u.FullName != "" {
		return u.FullName
	}
	if u.Level != "" && !strings.HasPrefix(strings.ToLower(u.Name), strings.ToLower(u.Level)) {
		return strings.ToUpper(u.Level[:1]) + u.Level[1:] + " " + u.Name
	}
	return u.Name
}

// Policy is the set of rules a province or unit chooses; a nil field inherits
// from the unit above.
type Policy struct {
	MaxMembers    *int   `json:"max_members,omitempty"`   // members per team, leader included; 0 = no limit
	Collaborators *bool  `json:"collaborators,omitempty"` // when full, volunteers join as collaborators
	CutoffDay     *int   `json:"cutoff_day,omitempty"`    // 1–31
	Closes        string `json:"closes,omitempty"`        // "previous", "current", or "" for the default rule
	QuestionSet   string `json:"question_set,omitempty"`
	ReminderDays  []int  `json:"reminder_days,omitempty"` // days before the cutoff to remind (issue 4)
}

// EffectivePolicy is a Policy with every field resolved.
type EffectivePolicy struct {
	MaxMembers    int
	Collaborators bool
	CutoffDay     int
	Closes        string
	QuestionSet   string
	ReminderDays  []int
}

// DefaultPolicy applies where nothing up the tree says otherwise.
var DefaultPolicy = EffectivePolicy{MaxMembers: 0, Collaborators: false, CutoffDay: 30, Closes: CloseAuto, QuestionSet: "default", ReminderDays: []int{3, 1, 0}}

// Validate rejects impossible values.
func (p *Policy) Validate() error {
	if p == nil {
		return nil
	}
	if p.MaxMembers != nil && (*p.MaxMembers < 0 || *p.MaxMembers > 1000) {
		return fmt.Errorf("max_members %d: want 0–1000", *p.MaxMembers)
	}
	if p.CutoffDay != nil && (*p.CutoffDay < 1 || *p.CutoffDay > 31) {
		return fmt.Errorf("cutoff_day %d: want 1–31", *p.CutoffDay)
	}
	switch p.Closes {
	case CloseAuto, ClosePrevious, CloseCurrent:
	default:
		return fmt.Errorf("closes %q: want %q or %q", p.Closes, ClosePrevious, CloseCurrent)
	}
	for _, d := range p.ReminderDays {
		if d < 0 || d > 27 {
			return fmt.Errorf("reminder_days %d: want 0–27", d)
		}
	}
	return nil
}

// policyFields is the one list of a policy's fields, in the order sources are reported: a new kind
// of province rule is a field in Policy and EffectivePolicy, its check in Validate, and a line here.
var policyFields = []struct {
	name string                                   // the JSON name, as ResolvePolicy reports sources
	take func(e *EffectivePolicy, p *Policy) bool // copies p's value into e when p sets it
}{
	{"max_members", func(e *EffectivePolicy, p *Policy) bool { return takePtr(&e.MaxMembers, p.MaxMembers) }},
	{"collaborators", func(e *EffectivePolicy, p *Policy) bool { return takePtr(&e.Collaborators, p.Collaborators) }},
	{"cutoff_day", func(e *EffectivePolicy, p *Policy) bool { return takePtr(&e.CutoffDay, p.CutoffDay) }},
	{"closes", func(e *EffectivePolicy, p *Policy) bool { return takeSet(&e.Closes, p.Closes, p.Closes != "") }},
	{"question_set", func(e *EffectivePolicy, p *Policy) bool {
		return takeSet(&e.QuestionSet, p.QuestionSet, p.QuestionSet != "")
	}},
	{"reminder_days", func(e *EffectivePolicy, p *Policy) bool {
		return takeSet(&e.ReminderDays, p.ReminderDays, p.ReminderDays != nil)
	}},
}

func takePtr[T any](dst *T, v *T) bool { return v != nil && takeSet(dst, *v, true) }

func takeSet[T any](dst *T, v T, set bool) bool {
	if set {
		*dst = v
	}
	return set
}

// defaultLayer is DefaultPolicy as the last layer under every unit.
var defaultLayer = Policy{MaxMembers: &DefaultPolicy.MaxMembers, Collaborators: &DefaultPolicy.Collaborators, CutoffDay: &DefaultPolicy.CutoffDay,
	Closes: DefaultPolicy.Closes, QuestionSet: DefaultPolicy.QuestionSet, ReminderDays: DefaultPolicy.ReminderDays}

// Calendar is the team's deadline rule in loc.
func (e EffectivePolicy) Calendar(loc *time.Location) Calendar {
	return Calendar{CutoffDay: e.CutoffDay, Close: e.Closes, Loc: loc}
}

// Team is a community digital technology team attached to a unit.
type Team struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Unit     string  `json:"unit"`
	JoinCode string  `json:"join_code,omitempty"`
	Policy   *Policy `json:"policy,omitempty"`
	// GroupID is the team's own Zalo group, if it has one (it wins over its units' groups).
	GroupID string `json:"group_id,omitempty"`
	// Created is when the team came into the directory; zero for teams older than this field.
	// A team is expected to report from the first period that starts after it.
	Created time.Time `json:"created,omitempty"`
}

// ExpectedFor tells whether the team is expected to report period p (whose reporting starts at start):
// not for periods that began before the team existed.
func (t Team) ExpectedFor(start time.Time) bool {
	return t.Created.IsZero() || !start.Before(t.Created)
}

// Roles a person can hold in a team.
const (
	RoleLeader       = "leader"
	RoleDeputy       = "deputy"
	RoleMember       = "member"
	RoleCollaborator = "collaborator"
)

// ValidRole tells whether r is one of the four roles.
func ValidRole(r string) bool {
	return r == RoleLeader || r == RoleDeputy || r == RoleMember || r == RoleCollaborator
}

// Person is someone the bot knows.
type Person struct {
	ZaloID         string    `json:"zalo_id"`
	Name           string    `json:"name"`
	Phone          string    `json:"phone,omitempty"`
	ConsentAt      time.Time `json:"consent_at,omitempty"`
	ConsentVersion string    `json:"consent_version,omitempty"`
}

// Membership is one role of one person in one team.
type Membership struct {
	Team   string `json:"team"`
	ZaloID string `json:"zalo_id"`
	Role   string `json:"role"`
}

// Approver decides join and leave requests for the teams under a unit (the commune chairman or his delegate).
type Approver struct {
	Unit   string `json:"unit"`
	ZaloID string `json:"zalo_id"`
	Name   string `json:"name,omitempty"`
}

// Officer supervises the teams under Scope and reads digests in a Zalo group.
type Officer struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	GroupID string `json:"group_id"`
	Scope   string `json:"scope"`
	ZaloID  string `json:"zalo_id,omitempty"`
	// DigestDays are when the group gets a digest, in days relative to each cutoff:
	// 3 is three days before, 0 the cutoff day, -1 the day after. Empty: DefaultDigestDays.
	DigestDays []int `json:"digest_days,omitempty"`
}

// Equal tells whether two officer records are the same.
func (o Officer) Equal(p Officer) bool {
	return o.ID == p.ID && o.Name == p.Name && o.GroupID == p.GroupID && o.Scope == p.Scope &&
		o.ZaloID == p.ZaloID && slices.Equal(o.DigestDays, p.DigestDays)
}

// ValidateDigestDays rejects days out of range and repeated days (a repeat would count teams twice).
func ValidateDigestDays(days []int) error {
	seen := map[int]bool{}
	for _, d := range days {
		if !ValidDigestDay(d) {
			return fmt.Errorf("digest day %d: want days before the cutoff from 27 down to -7 (-1 is the day after)", d)
		}
		if seen[d] {
			return fmt.Errorf("digest day %d is listed twice", d)
		}
		seen[d] = true
	}
	return nil
}

// DefaultDigestDays: three days before the cutoff and the day after it.
var DefaultDigestDays = []int{3, -1}

// ValidDigestDay tells whether a digest day is within a month around the cutoff.
func ValidDigestDay(d int) bool { return d >= -7 && d <= 27 }

// Question is one item of the monthly report.
type Question struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Kind     string `json:"kind"` // "count" or "text"
	Pillar   string `json:"pillar,omitempty"`
	Max      int64  `json:"max,omitempty"` // counts: upper bound (default 100000)
	Optional bool   `json:"optional,omitempty"`
}

// Question kinds.
const (
	QuestionCount = "count"
	QuestionText  = "text"
)

// QuestionSet is a province's report template.
type QuestionSet struct {
	ID        string     `json:"id"`
	Name      string     `json:"name,omitempty"`
	Questions []Question `json:"questions"`
}

// Validate checks ids are unique and kinds known.
func (qs QuestionSet) Validate() error {
	if qs.ID == "" || len(qs.Questions) == 0 {
		return errors.New("question set needs an id and questions")
	}
	seen := map[string]bool{}
	for i, q := range qs.Questions {
		if q.ID == "" || seen[q.ID] {
			return fmt.Errorf("question %d: missing or repeated id %q", i+1, q.ID)
		}
		seen[q.ID] = true
		if q.Kind != QuestionCount && q.Kind != QuestionText {
			return fmt.Errorf("question %s: kind %q, want count or text", q.ID, q.Kind)
		}
		if q.Label == "" {
			return fmt.Errorf("question %s: empty label", q.ID)
		}
	}
	return nil
}

// ErrNotFound is returned for a missing record.
var ErrNotFound = errors.New("not found")

// PutUnit creates or replaces a unit; its parent must exist already.
func (tx *Tx) PutUnit(u Unit) error {
	if u.Code == "" || strings.Contains(u.Code, sep) || u.Name == "" {
		return errors.New("unit needs a code and a name")
	}
	if err := u.Policy.Validate(); err != nil {
		return err
	}
	if err := tx.directoryChanged(); err != nil {
		return err
	}
	var old Unit
	had, err := tx.getUnit(u.Code, &old)
	if err != nil {
		return err
	}
	if u.Parent != "" {
		if u.Parent == u.Code {
			return errors.New("a unit cannot be its own parent")
		}
		if _, ok, err := tx.Unit(u.Parent); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("parent unit %q: %w", u.Parent, ErrNotFound)
		}
	}
	children := tx.btx.Bucket(bucketUnitChildren)
	if had && old.Parent != u.Parent {
		if err := children.Delete(ckey(old.Parent, u.Code)); err != nil {
			return err
		}
	}
	if err := children.Put(ckey(u.Parent, u.Code), present); err != nil {
		return err
	}
	return tx.putUnit(u)
}

// Unit returns one unit.
func (tx *Tx) Unit(code string) (Unit, bool, error) {
	var u Unit
	ok, err := tx.getUnit(code, &u)
	return u, ok, err
}

// Children lists the units directly under code ("" for the roots), by code.
func (tx *Tx) Children(code string) ([]Unit, error) {
	var out []Unit
	err := tx.scanPrefix(bucketUnitChildren, ckey(code, ""), func(k, _ []byte) error {
		child := string(k[len(code)+1:])
		u, ok, err := tx.Unit(child)
		if err != nil || !ok {
			return err
		}
		out = append(out, u)
		return nil
	})
	return out, err
}

// UnitPath lists the units from the root down to code.
func (tx *Tx) UnitPath(code string) ([]Unit, error) {
	var path []Unit
	for c := code; c != ""; {
		u, ok, err := tx.Unit(c)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("unit %q: %w", c, ErrNotFound)
		}
		path = append(path, u)
		if len(path) > 32 {
			return nil, fmt.Errorf("unit %q: parent loop", code)
		}
		c = u.Parent
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path, nil
}

// AllUnits calls fn for every unit, in code order.
func (tx *Tx) AllUnits(fn func(Unit) error) error {
	return tx.btx.Bucket(bucketUnits).ForEach(func(k, v []byte) error {
		var u Unit
		if err := decodeUnit(k, v, &u); err != nil {
			return err
		}
		return fn(u)
	})
}

// IsUnder tells whether unit code lies in the subtree of root (itself included).
func (tx *Tx) IsUnder(code, root string) (bool, error) {
	path, err := tx.UnitPath(code)
	if err != nil {
		return false, err
	}
	for _, u := range path {
		if u.Code == root {
			return true, nil
		}
	}
	return false, nil
}

// PutTeam creates or replaces a team; its unit must exist and its join code be free.
func (tx *Tx) PutTeam(t Team) error {
	if t.Code == "" || strings.Contains(t.Code, sep) || t.Name == "" {
		return errors.New("team needs a code and a name")
	}
	if err := t.Policy.Validate(); err != nil {
		return err
	}
	if _, ok, err := tx.Unit(t.Unit); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("unit %q: %w", t.Unit, ErrNotFound)
	}
	if err := tx.directoryChanged(); err != nil {
		return err
	}
	var old Team
	had, err := tx.getTeam(t.Code, &old)
	if err != nil {
		return err
	}
	switch {
	case !t.Created.IsZero():
	case had:
		t.Created = old.Created // a change is not a new team
	default:
		t.Created = tx.now
	}
	if byUnit := tx.btx.Bucket(bucketUnitTeams); byUnit != nil { // absent only in a read-only file of an older release
		if had && old.Unit != t.Unit {
			if err := byUnit.Delete(ckey(old.Unit, t.Code)); err != nil {
				return err
			}
		}
		if err := byUnit.Put(ckey(t.Unit, t.Code), present); err != nil {
			return err
		}
	}
	codes := tx.btx.Bucket(bucketJoinCodes)
	if had && old.JoinCode != "" && old.JoinCode != t.JoinCode {
		if err := codes.Delete([]byte(strings.ToUpper(old.JoinCode))); err != nil {
			return err
		}
	}
	if t.JoinCode != "" {
		jc := []byte(strings.ToUpper(t.JoinCode))
		if owner := codes.Get(jc); owner != nil && string(owner) != t.Code {
			return fmt.Errorf("join code %q already belongs to team %s", t.JoinCode, owner)
		}
		if err := codes.Put(jc, []byte(t.Code)); err != nil {
			return err
		}
	}
	return tx.putTeam(t)
}

// Team returns one team.
func (tx *Tx) Team(code string) (Team, bool, error) {
	var t Team
	ok, err := tx.getTeam(code, &t)
	return t, ok, err
}

// TeamByJoinCode finds a team by its join code (case-insensitive).
func (tx *Tx) TeamByJoinCode(code string) (Team, bool, error) {
	owner := tx.btx.Bucket(bucketJoinCodes).Get([]byte(strings.ToUpper(strings.TrimSpace(code))))
	if owner == nil {
		return Team{}, false, nil
	}
	return tx.Team(string(owner))
}

// AllTeams calls fn for every team, in code order.
func (tx *Tx) AllTeams(fn func(Team) error) error {
	return tx.btx.Bucket(bucketTeams).ForEach(func(k, v []byte) error {
		var t Team
		if err := decodeTeam(k, v, &t); err != nil {
			return err
		}
		return fn(t)
	})
}

// TeamsWithin calls fn for every team attached to one of units, in team code order, reading only
// those teams (from the unit index; a file of an older release opened read-only reads them all).
func (tx *Tx) TeamsWithin(units map[string]bool, fn func(Team) error) error {
	byUnit := tx.btx.Bucket(bucketUnitTeams)
	if byUnit == nil {
		return tx.AllTeams(func(t Team) error {
			if units[t.Unit] {
				return fn(t)
			}
			return nil
		})
	}
	var codes []string
	for u := range units {
		prefix := ckey(u, "")
		if err := tx.scanPrefix(bucketUnitTeams, prefix, func(k, _ []byte) error {
			codes = append(codes, string(k[len(prefix):]))
			return nil
		}); err != nil {
			return err
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		t, ok, err := tx.Team(code)
		if err != nil {
			return err
		}
		if ok && units[t.Unit] { // a stale entry (a team moved by a release without the index) is not believed
			if err := fn(t); err != nil {
				return err
			}
		}
	}
	return nil
}

// TeamsOfUnit lists the teams attached directly to a unit.
func (tx *Tx) TeamsOfUnit(unit string) ([]Team, error) {
	var out []Team
	err := tx.TeamsWithin(map[string]bool{unit: true}, func(t Team) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// EffectivePolicy resolves a team's policy: the team's own fields, then its
// unit's, then each unit above, then DefaultPolicy.
func (tx *Tx) EffectivePolicy(teamCode string) (EffectivePolicy, error) {
	t, ok, err := tx.Team(teamCode)
	if err != nil {
		return EffectivePolicy{}, err
	}
	if !ok {
		return EffectivePolicy{}, fmt.Errorf("team %q: %w", teamCode, ErrNotFound)
	}
	path, err := tx.UnitPath(t.Unit)
	if err != nil {
		return EffectivePolicy{}, err
	}
	return LayerPolicy(t.Policy, path), nil
}

// LayerPolicy layers own over the policies of path (root first, the team's unit last), then DefaultPolicy.
// Callers that already hold the units (a sweep over every team) use it to skip the reads.
func LayerPolicy(own *Policy, path []Unit) EffectivePolicy {
	return layerPolicy(own, path, nil)
}

// layerPolicy is LayerPolicy noting in from (when not nil) where each field came from, by its JSON
// name: PolicyFromTeam, a unit's code, or PolicyFromDefault (also for a field the default leaves empty).
func layerPolicy(own *Policy, path []Unit, from map[string]string) EffectivePolicy {
	type layer struct {
		p      *Policy
		source string
	}
	layers := make([]layer, 0, len(path)+2)
	layers = append(layers, layer{own, PolicyFromTeam})
	for i := len(path) - 1; i >= 0; i-- {
		layers = append(layers, layer{path[i].Policy, path[i].Code})
	}
	layers = append(layers, layer{&defaultLayer, PolicyFromDefault})
	var e EffectivePolicy
	for _, f := range policyFields {
		source := PolicyFromDefault
		for _, l := range layers {
			if l.p != nil && f.take(&e, l.p) {
				source = l.source
				break
			}
		}
		if from != nil {
			from[f.name] = source
		}
	}
	return e
}

// PutPerson creates or replaces a person.
func (tx *Tx) PutPerson(p Person) error {
	if p.ZaloID == "" || strings.Contains(p.ZaloID, sep) {
		return errors.New("person needs a zalo id")
	}
	return tx.btx.Bucket(bucketPeople).Put([]byte(p.ZaloID), encodePerson(p))
}

// Person returns one person.
func (tx *Tx) Person(zaloID string) (Person, bool, error) {
	var p Person
	v := tx.btx.Bucket(bucketPeople).Get([]byte(zaloID))
	if v == nil {
		return p, false, nil
	}
	return p, true, decodePerson([]byte(zaloID), v, &p)
}

// DeletePerson removes a person record (their roles are removed separately).
func (tx *Tx) DeletePerson(zaloID string) error {
	return tx.btx.Bucket(bucketPeople).Delete([]byte(zaloID))
}

// SetRole gives a person one role in a team, replacing any other role there.
// A team has at most one leader: appointing one demotes nobody silently, it fails.
func (tx *Tx) SetRole(team, zaloID, role string) error {
	if !ValidRole(role) {
		return fmt.Errorf("role %q: want leader, deputy, member or collaborator", role)
	}
	if _, ok, err := tx.Team(team); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("team %q: %w", team, ErrNotFound)
	}
	if role == RoleLeader {
		lead, ok, err := tx.Leader(team)
		if err != nil {
			return err
		}
		if ok && lead != zaloID {
			return fmt.Errorf("team %s already has leader %s", team, lead)
		}
	}
	if err := tx.btx.Bucket(bucketRoles).Put(ckey(team, zaloID), []byte(role)); err != nil {
		return err
	}
	return tx.btx.Bucket(bucketPersonRoles).Put(ckey(zaloID, team), []byte(role))
}

// RemoveRole takes a person off a team's roster.
func (tx *Tx) RemoveRole(team, zaloID string) error {
	if err := tx.btx.Bucket(bucketRoles).Delete(ckey(team, zaloID)); err != nil {
		return err
	}
	return tx.btx.Bucket(bucketPersonRoles).Delete(ckey(zaloID, team))
}

// Roster lists a team's people, leader first, then deputies, members, collaborators.
func (tx *Tx) Roster(team string) ([]Membership, error) {
	var out []Membership
	err := tx.scanPrefix(bucketRoles, ckey(team, ""), func(k, v []byte) error {
		out = append(out, Membership{Team: team, ZaloID: string(k[len(team)+1:]), Role: string(v)})
		return nil
	})
	rank := map[string]int{RoleLeader: 0, RoleDeputy: 1, RoleMember: 2, RoleCollaborator: 3}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Role] < rank[out[j].Role] })
	return out, err
}

// Leader returns the zalo id of a team's leader.
func (tx *Tx) Leader(team string) (string, bool, error) {
	r, err := tx.Roster(team)
	if err != nil {
		return "", false, err
	}
	for _, m := range r {
		if m.Role == RoleLeader {
			return m.ZaloID, true, nil
		}
	}
	return "", false, nil
}

// RolesOf lists every role a person holds.
func (tx *Tx) RolesOf(zaloID string) ([]Membership, error) {
	var out []Membership
	err := tx.scanPrefix(bucketPersonRoles, ckey(zaloID, ""), func(k, v []byte) error {
		out = append(out, Membership{Team: string(k[len(zaloID)+1:]), ZaloID: zaloID, Role: string(v)})
		return nil
	})
	return out, err
}

// RoleIn is a person's role in a team, "" when none.
func (tx *Tx) RoleIn(team, zaloID string) string {
	v := tx.btx.Bucket(bucketRoles).Get(ckey(team, zaloID))
	return string(v)
}

// PutApprover sets who decides requests for the teams under a unit.
func (tx *Tx) PutApprover(a Approver) error {
	if _, ok, err := tx.Unit(a.Unit); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("unit %q: %w", a.Unit, ErrNotFound)
	}
	if a.ZaloID == "" {
		return errors.New("approver needs a zalo id")
	}
	if err := tx.directoryChanged(); err != nil {
		return err
	}
	return tx.putJSON(bucketApprovers, []byte(a.Unit), a)
}

// ApproverFor finds the approver of a team: the nearest unit above it that has one.
func (tx *Tx) ApproverFor(teamCode string) (Approver, bool, error) {
	t, ok, err := tx.Team(teamCode)
	if err != nil || !ok {
		return Approver{}, false, err
	}
	a, _, ok, err := tx.ApproverAbove(t.Unit)
	return a, ok, err
}

// ApproverAbove is the nearest approver at or above a unit, with the unit it is registered at.
func (tx *Tx) ApproverAbove(unit string) (Approver, Unit, bool, error) {
	path, err := tx.UnitPath(unit)
	if err != nil {
		return Approver{}, Unit{}, false, err
	}
	for i := len(path) - 1; i >= 0; i-- {
		var a Approver
		if ok, err := tx.getJSON(bucketApprovers, []byte(path[i].Code), &a); err != nil || ok {
			return a, path[i], ok, err
		}
	}
	return Approver{}, Unit{}, false, nil
}

// ApproverForRequest is who decides a request by requester for a team: the team's approver,
// or, when that is the requester themself, the next approver up the tree (an approver never
// decides their own request). skipped says the nearest one was passed over; ok is false when
// nobody up the tree may decide (the admin API does).
func (tx *Tx) ApproverForRequest(teamCode, requester string) (a Approver, skipped, ok bool, err error) {
	t, found, err := tx.Team(teamCode)
	if err != nil || !found {
		return Approver{}, false, false, err
	}
	for unit := t.Unit; unit != ""; {
		a, at, ok, err := tx.ApproverAbove(unit)
		if err != nil || !ok {
			return Approver{}, skipped, false, err
		}
		if a.ZaloID != requester {
			return a, skipped, true, nil
		}
		skipped, unit = true, at.Parent // an approver never decides their own request: the next one up
	}
	return Approver{}, skipped, false, nil
}

// ApproverForUnit is the approver registered at exactly this unit.
func (tx *Tx) ApproverForUnit(code string) (Approver, bool, error) {
	var a Approver
	ok, err := tx.getJSON(bucketApprovers, []byte(code), &a)
	return a, ok, err
}

// Approvers lists every approver, by unit code.
func (tx *Tx) Approvers() ([]Approver, error) {
	var out []Approver
	err := tx.btx.Bucket(bucketApprovers).ForEach(func(k, v []byte) error {
		var a Approver
		if err := decodeJSON(bucketApprovers, k, v, &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// ApproverUnits lists the units a person approves for.
func (tx *Tx) ApproverUnits(zaloID string) ([]string, error) {
	var out []string
	err := tx.btx.Bucket(bucketApprovers).ForEach(func(k, v []byte) error {
		if bytes.Contains(v, []byte(`"zalo_id":"`+zaloID+`"`)) {
			out = append(out, string(k))
		}
		return nil
	})
	return out, err
}

// PutOfficer creates or replaces an officer.
func (tx *Tx) PutOfficer(o Officer) error {
	if o.ID == "" || o.Scope == "" {
		return errors.New("officer needs an id and a scope")
	}
	if err := ValidateDigestDays(o.DigestDays); err != nil {
		return err
	}
	if _, ok, err := tx.Unit(o.Scope); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("scope unit %q: %w", o.Scope, ErrNotFound)
	}
	if old, had, err := tx.Officer(o.ID); err != nil {
		return err
	} else if had {
		if err := indexOfficer(tx.btx, old, false); err != nil {
			return err
		}
		if old.ZaloID != o.ZaloID || old.GroupID != o.GroupID {
			// Someone else (or another group) now holds this id: old links must not open it (a new scope keeps them).
			if err := tx.bumpOfficerGeneration(o.ID); err != nil {
				return err
			}
		}
	}
	if err := indexOfficer(tx.btx, o, true); err != nil {
		return err
	}
	return tx.putJSON(bucketOfficers, []byte(o.ID), o)
}

// indexOfficer adds (or removes) an officer's entries in the Zalo id and group id indexes.
func indexOfficer(btx *bolt.Tx, o Officer, add bool) error {
	for _, ix := range []struct {
		bucket []byte
		id     string
	}{{bucketOfficerZalo, o.ZaloID}, {bucketOfficerGroup, o.GroupID}} {
		if ix.id == "" {
			continue
		}
		b, k := btx.Bucket(ix.bucket), ckey(ix.id, o.ID)
		var err error
		if add {
			err = b.Put(k, present)
		} else {
			err = b.Delete(k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// OfficerByZalo finds the officer registered with a Zalo user id (the first by officer id when several).
func (tx *Tx) OfficerByZalo(userID string) (Officer, bool, error) {
	return tx.officerBy(bucketOfficerZalo, userID, func(o Officer) string { return o.ZaloID })
}

// OfficerByGroup finds the officer whose digests go to a Zalo group (the first by officer id when several).
func (tx *Tx) OfficerByGroup(groupID string) (Officer, bool, error) {
	return tx.officerBy(bucketOfficerGroup, groupID, func(o Officer) string { return o.GroupID })
}

// officerBy reads an officer index; an entry whose record no longer matches (left by an earlier
// release) is not believed.
func (tx *Tx) officerBy(index []byte, id string, field func(Officer) string) (Officer, bool, error) {
	if id == "" {
		return Officer{}, false, nil
	}
	b := tx.btx.Bucket(index)
	if b == nil { // a file of schema 1 opened read-only: no index yet
		all, err := tx.Officers()
		for _, o := range all {
			if field(o) == id {
				return o, true, err
			}
		}
		return Officer{}, false, err
	}
	prefix := ckey(id, "")
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		o, ok, err := tx.Officer(string(k[len(prefix):]))
		if err != nil {
			return o, false, err
		}
		if ok && field(o) == id {
			return o, true, nil
		}
	}
	return Officer{}, false, nil
}

// Officers lists every officer.
func (tx *Tx) Officers() ([]Officer, error) {
	var out []Officer
	err := tx.btx.Bucket(bucketOfficers).ForEach(func(k, v []byte) error {
		var o Officer
		if err := decodeJSON(bucketOfficers, k, v, &o); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	return out, err
}

// PutQuestionSet creates or replaces a report template.
func (tx *Tx) PutQuestionSet(qs QuestionSet) error {
	if err := qs.Validate(); err != nil {
		return err
	}
	return tx.putJSON(bucketQuestionSets, []byte(qs.ID), qs)
}

// QuestionSet returns a template; "default" falls back to the built-in one.
func (tx *Tx) QuestionSet(id string) (QuestionSet, bool, error) {
	var qs QuestionSet
	ok, err := tx.getJSON(bucketQuestionSets, []byte(id), &qs)
	if !ok && err == nil && id == "default" {
		return DefaultQuestionSet, true, nil
	}
	return qs, ok, err
}

// DefaultQuestionSet is the report when a province has not configured one:
// the counts provinces commonly ask for, then narrative per pillar.
var DefaultQuestionSet = QuestionSet{ID: "default", Name: "Mẫu báo cáo chung", Questions: []Question{
	{ID: "households", Label: "Số hộ gia đình được hướng dẫn", Kind: QuestionCount, Max: 100000},
	{ID: "dvctt", Label: "Số hồ sơ dịch vụ công trực tuyến đã hỗ trợ nộp", Kind: QuestionCount, Max: 100000},
	{ID: "vneid", Label: "Số tài khoản VNeID mức 2 đã kích hoạt", Kind: QuestionCount, Max: 100000},
	{ID: "cashless", Label: "Số tài khoản thanh toán không dùng tiền mặt đã mở", Kind: QuestionCount, Max: 100000},
	{ID: "ecommerce", Label: "Số hộ bán hàng trên sàn thương mại điện tử", Kind: QuestionCount, Max: 100000},
	{ID: "health_book", Label: "Số sổ sức khỏe điện tử đã tạo", Kind: QuestionCount, Max: 100000},
	{ID: "sessions", Label: "Số buổi tập huấn, tuyên truyền đã tổ chức", Kind: QuestionCount, Max: 1000},
	{ID: "gov", Label: "Kết quả về chính quyền số", Kind: QuestionText, Pillar: "chính quyền số"},
	{ID: "econ", Label: "Kết quả về kinh tế số", Kind: QuestionText, Pillar: "kinh tế số"},
	{ID: "soc", Label: "Kết quả về xã hội số", Kind: QuestionText, Pillar: "xã hội số"},
	{ID: "difficulties", Label: "Khó khăn, vướng mắc", Kind: QuestionText, Optional: true},
	{ID: "proposals", Label: "Đề xuất, kiến nghị", Kind: QuestionText, Optional: true},
}}

// LeadWalk reads the leader and first deputy of teams asked in increasing team code order (as
// AllTeams and TeamsWithin give them) with one cursor moving forward: the sweep asks it of every team.
type LeadWalk struct {
	c       *bolt.Cursor
	k, v    []byte
	started bool
}

// LeadWalk starts a walk over the rosters.
func (tx *Tx) LeadWalk() *LeadWalk { return &LeadWalk{c: tx.btx.Bucket(bucketRoles).Cursor()} }

// Leads returns a team's leader and its deputy first by Zalo id ("" when none).
func (w *LeadWalk) Leads(team string) (leader, deputy string) {
	prefix := ckey(team, "")
	if !w.started {
		w.k, w.v = w.c.Seek(prefix)
		w.started = true
	}
	// Nearby keys are reached by stepping; a team far ahead (or one asked out of order) by seeking.
	for i := 0; w.k != nil && bytes.Compare(w.k, prefix) < 0; i++ {
		if i == 16 {
			w.k, w.v = w.c.Seek(prefix)
			break
		}
		w.k, w.v = w.c.Next()
	}
	if w.k != nil && bytes.Compare(w.k, prefix) > 0 && !bytes.HasPrefix(w.k, prefix) {
		w.k, w.v = w.c.Seek(prefix) // asked out of order: correct, if slower
	}
	for ; w.k != nil && bytes.HasPrefix(w.k, prefix); w.k, w.v = w.c.Next() {
		switch role := string(w.v); {
		case role == RoleLeader && leader == "":
			leader = string(w.k[len(prefix):])
		case role == RoleDeputy && deputy == "":
			deputy = string(w.k[len(prefix):])
		}
	}
	return leader, deputy
}

// TeamCodes lists every team code in order (keys only: no record is decoded).
func (tx *Tx) TeamCodes() ([]string, error) {
	var out []string
	err := tx.btx.Bucket(bucketTeams).ForEach(func(k, _ []byte) error {
		out = append(out, string(k))
		return nil
	})
	return out, err
}

// TeamsBetween calls fn for every team with from ≤ code < to ("" to: to the end), in code order.
func (tx *Tx) TeamsBetween(from, to string, fn func(Team) error) error {
	c := tx.btx.Bucket(bucketTeams).Cursor()
	for k, v := c.Seek([]byte(from)); k != nil && (to == "" || string(k) < to); k, v = c.Next() {
		var t Team
		if err := decodeTeam(k, v, &t); err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}
