package store

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// The directory's rules, in one place: the chat flows and the admin API change rosters through
// AssignRole; the importer, which checks a whole file at once, applies the same pieces (ReplaceLeader,
// RoomIn, CheckOneCommune) to the rosters as the file leaves them; CommuneAt decides communes for all.
//
//   - Team size: the leader, deputies and members count against the policy's max_members;
//     collaborators never do.
//   - One commune per person: a person holds roles only in teams of one commune (CommuneOf).
//   - One leader per team: a new leader replaces the old one, who stays in the team as a member.
//
// Asking to join by chat is for people in no team yet (flows/join.go says so to a member): a second
// team in the same commune (a commune-level team besides a village one) is an administrator's act.

// ErrTeamFull refuses a counted role in a team at its size limit.
var ErrTeamFull = errors.New("the team is full")

// ErrOtherCommune refuses a role in a second commune.
var ErrOtherCommune = errors.New("the person holds a role in a team of another commune")

// Counted tells whether a role counts against a team's size limit.
func Counted(role string) bool { return role != "" && role != RoleCollaborator }

// Room is a team's size against its policy.
type Room struct {
	Members       int  // leader, deputies and members
	Collaborators int  // not counted
	Max           int  // 0: no limit
	AllowsCollab  bool // the policy lets people join as collaborators
}

// Full tells whether one more counted member would break the limit.
func (r Room) Full() bool { return r.Max > 0 && r.Members >= r.Max }

// Over tells whether the team already has more counted members than its limit.
func (r Room) Over() bool { return r.Max > 0 && r.Members > r.Max }

// RoomIn is a team's size against its effective policy.
func (tx *Tx) RoomIn(team string) (Room, error) {
	pol, err := tx.EffectivePolicy(team)
	if err != nil {
		return Room{}, err
	}
	roster, err := tx.Roster(team)
	if err != nil {
		return Room{}, err
	}
	r := Room{Max: pol.MaxMembers, AllowsCollab: pol.Collaborators}
	for _, m := range roster {
		if Counted(m.Role) {
			r.Members++
		} else {
			r.Collaborators++
		}
	}
	return r, nil
}

// FullError is ErrTeamFull with the numbers.
type FullError struct {
	Team string
	Room Room
}

func (e *FullError) Error() string {
	return fmt.Sprintf("team %s has %d members and its policy allows %d (leader and deputies included)", e.Team, e.Room.Members, e.Room.Max)
}

func (e *FullError) Unwrap() error { return ErrTeamFull }

// CommuneError is ErrOtherCommune with the role held elsewhere.
type CommuneError struct {
	ZaloID string
	Held   Membership // the role in the other commune
	There  Unit       // its commune
	Here   Unit       // the commune of the team asked for
}

func (e *CommuneError) Error() string {
	return fmt.Sprintf("%s is %s of team %s in %s; the team asked for is in %s", e.ZaloID, e.Held.Role, e.Held.Team, e.There.Display(), e.Here.Display())
}

func (e *CommuneError) Unwrap() error { return ErrOtherCommune }

// CheckOneCommune refuses a role in team for someone who holds one in a team of another commune.
func (tx *Tx) CheckOneCommune(team Team, zaloID string) error {
	roles, err := tx.RolesOf(zaloID)
	if err != nil {
		return err
	}
	var here *Unit
	for _, m := range roles {
		if m.Team == team.Code {
			continue
		}
		other, ok, err := tx.Team(m.Team)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if here == nil {
			u, err := tx.CommuneOf(team.Unit)
			if err != nil {
				return err
			}
			here = &u
		}
		there, err := tx.CommuneOf(other.Unit)
		if err != nil {
			return err
		}
		if there.Code != here.Code {
			return &CommuneError{ZaloID: zaloID, Held: m, There: there, Here: *here}
		}
	}
	return nil
}

// Assigned is what AssignRole changed.
type Assigned struct {
	Previous string // the person's role in the team before ("" none)
	Replaced string // the Zalo id of the leader a new leader replaced (now a member); "" none
}

// AssignRole gives a person a role in a team under every rule above: ErrOtherCommune (a
// *CommuneError) for a second commune, ErrTeamFull (a *FullError) for a counted role in a full
// team — unless the person already counts there —, and a new leader demotes the old one to member.
func (tx *Tx) AssignRole(team, zaloID, role string) (Assigned, error) {
	if !ValidRole(role) {
		return Assigned{}, fmt.Errorf("role %q: want leader, deputy, member or collaborator", role)
	}
	t, ok, err := tx.Team(team)
	if err != nil {
		return Assigned{}, err
	}
	if !ok {
		return Assigned{}, fmt.Errorf("team %q: %w", team, ErrNotFound)
	}
	out := Assigned{Previous: tx.RoleIn(team, zaloID)}
	if err := tx.CheckOneCommune(t, zaloID); err != nil {
		return out, err
	}
	if Counted(role) && !Counted(out.Previous) {
		room, err := tx.RoomIn(team)
		if err != nil {
			return out, err
		}
		if room.Full() {
			return out, &FullError{Team: team, Room: room}
		}
	}
	if role == RoleLeader {
		if out.Replaced, err = tx.ReplaceLeader(team, zaloID); err != nil {
			return out, err
		}
	}
	if out.Previous != role {
		if err := tx.SetRole(team, zaloID, role); err != nil {
			return out, err
		}
	}
	return out, nil
}

// ReplaceLeader makes way for zaloID to lead team: a leader other than them becomes a member.
// It returns that leader's Zalo id ("" when there was none to replace).
func (tx *Tx) ReplaceLeader(team, zaloID string) (string, error) {
	lead, has, err := tx.Leader(team)
	if err != nil || !has || lead == zaloID {
		return "", err
	}
	return lead, tx.SetRole(team, lead, RoleMember)
}

// CommuneAt is the rule behind CommuneOf on a unit's path from the root: the nearest unit with an
// approver, else the unit's parent (the unit itself at the root). The sweep applies it to its own
// snapshot of units; CommuneOf to the file.
func CommuneAt(path []Unit, hasApprover func(code string) bool) Unit {
	for i := len(path) - 1; i >= 0; i-- {
		if hasApprover(path[i].Code) {
			return path[i]
		}
	}
	switch len(path) {
	case 0:
		return Unit{}
	case 1:
		return path[0]
	}
	return path[len(path)-2]
}

// Communes are the units residents pick first when they ask to join: the commune (CommuneOf) of
// every team, in code order. It reads keys only (the unit tree, the approvers, the unit index of
// teams) and decodes just the communes it returns; callers that ask often cache it by DirectoryGen.
func (tx *Tx) Communes() ([]Unit, error) {
	parent := map[string]string{}
	if err := tx.btx.Bucket(bucketUnitChildren).ForEach(func(k, _ []byte) error {
		p, c, _ := bytes.Cut(k, []byte(sep))
		parent[string(c)] = string(p)
		return nil
	}); err != nil {
		return nil, err
	}
	approved := map[string]bool{}
	if err := tx.btx.Bucket(bucketApprovers).ForEach(func(k, _ []byte) error { approved[string(k)] = true; return nil }); err != nil {
		return nil, err
	}
	communes := map[string]bool{}
	last := ""
	err := tx.btx.Bucket(bucketUnitTeams).ForEach(func(k, _ []byte) error {
		unit, _, _ := bytes.Cut(k, []byte(sep))
		if string(unit) == last {
			return nil
		}
		last = string(unit)
		var path []Unit // codes only: CommuneAt decides on them
		for c, depth := last, 0; c != "" && depth < 32; c, depth = parent[c], depth+1 {
			path = append(path, Unit{Code: c})
		}
		slices.Reverse(path)
		communes[CommuneAt(path, func(c string) bool { return approved[c] }).Code] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Unit, 0, len(communes))
	for _, code := range slices.Sorted(maps.Keys(communes)) {
		u, ok, err := tx.Unit(code)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// DirectoryGen changes whenever a unit, team or approver does: what is derived from the tree
// (the communes people search) can be cached until it moves.
func (tx *Tx) DirectoryGen() uint64 {
	v := tx.btx.Bucket(bucketMeta).Get([]byte(metaDirectoryGen))
	if len(v) != 8 {
		return 0
	}
	return btou64(v)
}

const metaDirectoryGen = "directory_gen"

func (tx *Tx) directoryChanged() error {
	tx.movedDirectory = true
	return tx.btx.Bucket(bucketMeta).Put([]byte(metaDirectoryGen), u64(tx.DirectoryGen()+1))
}
