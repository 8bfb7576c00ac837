package store

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// The directory's rules through AssignRole, the one way rosters change.
func TestAssignRoleAppliesTheDirectoryRules(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	two, yes := 2, true
	err := db.Update(func(tx *Tx) error {
		for _, u := range []Unit{
			{Code: "42", Name: "Hà Tĩnh", Level: "tỉnh", Policy: &Policy{MaxMembers: &two, Collaborators: &yes}},
			{Code: "42.1", Name: "Đức Thọ", Level: "xã", Parent: "42"},
			{Code: "42.1.1", Name: "Thôn 1", Level: "thôn", Parent: "42.1"},
			{Code: "42.2", Name: "Thành Sen", Level: "phường", Parent: "42"},
			{Code: "42.2.1", Name: "Tổ dân phố 1", Level: "tổ dân phố", Parent: "42.2"},
		} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		for _, tm := range []Team{{Code: "A", Name: "Tổ A", Unit: "42.1.1"}, {Code: "A2", Name: "Tổ A2", Unit: "42.1.1"}, {Code: "B", Name: "Tổ B", Unit: "42.2.1"}} {
			if err := tx.PutTeam(tm); err != nil {
				return err
			}
		}
		if _, err := tx.AssignRole("A", "u1", RoleLeader); err != nil {
			return err
		}
		if _, err := tx.AssignRole("A", "u2", RoleMember); err != nil {
			return err
		}
		// Full: a third counted member is refused, a collaborator is not, a member moving up is not.
		var full *FullError
		if _, err := tx.AssignRole("A", "u3", RoleDeputy); !errors.As(err, &full) || full.Room.Members != 2 || full.Room.Max != 2 {
			t.Errorf("a third member of a team of two: %v", err)
		}
		if _, err := tx.AssignRole("A", "u3", RoleCollaborator); err != nil {
			t.Errorf("a collaborator in a full team: %v", err)
		}
		if room, _ := tx.RoomIn("A"); !room.Full() || room.Over() || room.Collaborators != 1 {
			t.Errorf("room %+v", room)
		}
		// A second leader replaces the first, who stays a member.
		got, err := tx.AssignRole("A", "u2", RoleLeader)
		if err != nil {
			return err
		}
		if got.Previous != RoleMember || got.Replaced != "u1" || tx.RoleIn("A", "u1") != RoleMember {
			t.Errorf("a new leader: %+v; the old one is %q", got, tx.RoleIn("A", "u1"))
		}
		// One commune: the same commune is fine, another one is refused with both named.
		if _, err := tx.AssignRole("A2", "u1", RoleMember); err != nil {
			t.Errorf("a second team in the same commune: %v", err)
		}
		var other *CommuneError
		if _, err := tx.AssignRole("B", "u1", RoleMember); !errors.As(err, &other) || other.There.Code != "42.1" || other.Here.Code != "42.2" {
			t.Errorf("a team of another commune: %v", err)
		}
		if tx.RoleIn("B", "u1") != "" {
			t.Error("a refused role was stored")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCommuneAt(t *testing.T) {
	path := []Unit{{Code: "42"}, {Code: "42.1"}, {Code: "42.1.1"}}
	none := func(string) bool { return false }
	for _, c := range []struct {
		path []Unit
		has  func(string) bool
		want string
	}{
		{path, none, "42.1"},
		{path, func(c string) bool { return c == "42" }, "42"},
		{path, func(c string) bool { return c == "42.1.1" || c == "42" }, "42.1.1"},
		{path[:1], none, "42"},
		{nil, none, ""},
	} {
		if got := CommuneAt(c.path, c.has).Code; got != c.want {
			t.Errorf("CommuneAt(%v) = %q, want %q", c.path, got, c.want)
		}
	}
}

// LeadWalk gives what Roster would, for teams asked in order, with gaps, and out of order.
func TestLeadWalkAgreesWithRoster(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	if err := db.Update(func(tx *Tx) error {
		if err := tx.PutUnit(Unit{Code: "42", Name: "Hà Tĩnh", Level: "tỉnh"}); err != nil {
			return err
		}
		for i := range 40 {
			code := fmt.Sprintf("T%02d", i)
			if err := tx.PutTeam(Team{Code: code, Name: code, Unit: "42"}); err != nil {
				return err
			}
			if i%3 == 0 {
				continue // no roster
			}
			for j, role := range []string{RoleMember, RoleDeputy, RoleDeputy, RoleLeader, RoleCollaborator} {
				if i%2 == 0 && role == RoleLeader {
					continue
				}
				if err := tx.SetRole(code, fmt.Sprintf("u%02d-%d", i, 5-j), role); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		want := func(team string) (string, string) {
			r, _ := tx.Roster(team)
			var l, d string
			for _, m := range r {
				if m.Role == RoleLeader && l == "" {
					l = m.ZaloID
				}
				if m.Role == RoleDeputy && d == "" {
					d = m.ZaloID
				}
			}
			return l, d
		}
		for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 39}, {5, 37, 38}, {20, 3, 21}} {
			w := tx.LeadWalk()
			for _, i := range order {
				team := fmt.Sprintf("T%02d", i)
				gl, gd := w.Leads(team)
				if wl, wd := want(team); gl != wl || gd != wd {
					t.Errorf("order %v, %s: got %q %q, want %q %q", order, team, gl, gd, wl, wd)
				}
			}
		}
		return nil
	})
}

// Communes is the set of every team's CommuneOf, whatever mix of approvers the tree has; DirectoryGen
// moves with the tree.
func TestCommunesAreEveryTeamsCommune(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	if err := db.Update(func(tx *Tx) error {
		for _, u := range []Unit{
			{Code: "42", Name: "Hà Tĩnh", Level: "tỉnh"},
			{Code: "42.1", Name: "Đức Thọ", Level: "xã", Parent: "42"},
			{Code: "42.1.1", Name: "Thôn 1", Level: "thôn", Parent: "42.1"},
			{Code: "42.2", Name: "Thành Sen", Level: "phường", Parent: "42"},
			{Code: "42.2.1", Name: "Tổ dân phố 1", Level: "tổ dân phố", Parent: "42.2"},
			{Code: "42.3", Name: "Xã trống", Level: "xã", Parent: "42"},
		} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		for _, tm := range []Team{{Code: "A", Name: "A", Unit: "42.1.1"}, {Code: "B", Name: "B", Unit: "42.2.1"}, {Code: "C", Name: "C", Unit: "42.2"}} {
			if err := tx.PutTeam(tm); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check := func(want ...string) {
		t.Helper()
		_ = db.View(func(tx *Tx) error {
			got, err := tx.Communes()
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range got {
				codes = append(codes, u.Code)
			}
			if fmt.Sprint(codes) != fmt.Sprint(want) {
				t.Errorf("communes %v, want %v", codes, want)
			}
			for _, team := range []string{"A", "B", "C"} {
				tm, _, _ := tx.Team(team)
				c, _ := tx.CommuneOf(tm.Unit)
				if !slices.Contains(codes, c.Code) {
					t.Errorf("team %s's commune %s is not offered", team, c.Code)
				}
			}
			return nil
		})
	}
	// No approvers: each team's unit's parent (team C, attached at the ward itself, gives the province).
	check("42", "42.1", "42.2")
	var before uint64
	_ = db.View(func(tx *Tx) error { before = tx.DirectoryGen(); return nil })
	if err := db.Update(func(tx *Tx) error { return tx.PutApprover(Approver{Unit: "42.2", ZaloID: "ch"}) }); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		if tx.DirectoryGen() == before {
			t.Error("an approver did not move the directory generation")
		}
		return nil
	})
	// The ward's approver decides for both its teams.
	check("42.1", "42.2")
}
