package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestGroupFor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	// province 42 (group P) → commune 42.18 → village 42.18.01 (group V); commune 42.20 → village 42.20.01.
	err = db.Update(func(tx *Tx) error {
		for _, u := range []Unit{
			{Code: "42", Name: "Hà Tĩnh", GroupID: "P"},
			{Code: "42.18", Name: "Tùng Ảnh", Parent: "42"},
			{Code: "42.18.01", Name: "Thôn 1", Parent: "42.18", GroupID: "V-01"},
			{Code: "42.18.02", Name: "Thôn 2", Parent: "42.18"},
			{Code: "43", Name: "Quảng Bình"},
			{Code: "43.01", Name: "Xã 1", Parent: "43"},
		} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		for _, tm := range []Team{
			{Code: "OWN", Name: "Tổ có nhóm riêng", Unit: "42.18.01", GroupID: "T_own"},
			{Code: "VILLAGE", Name: "Tổ thôn 1", Unit: "42.18.01"},
			{Code: "PROVINCE", Name: "Tổ thôn 2", Unit: "42.18.02"},
			{Code: "NONE", Name: "Tổ Quảng Bình", Unit: "43.01"},
		} {
			if err := tx.PutTeam(tm); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(team, wantGroup, wantFrom string) {
		t.Helper()
		db.View(func(tx *Tx) error {
			g, from, err := tx.GroupFor(team)
			if err != nil || g != wantGroup || from != wantFrom {
				t.Errorf("GroupFor(%s) = %q, %q, %v; want %q, %q", team, g, from, err, wantGroup, wantFrom)
			}
			return nil
		})
	}
	check("OWN", "T_own", "")
	check("VILLAGE", "V-01", "42.18.01")
	check("PROVINCE", "P", "42")
	check("NONE", "", "")

	// Unlinking the village's group: its team falls back to the province's; the
	// team with its own group keeps it. A commune group comes nearer than the province's.
	err = db.Update(func(tx *Tx) error {
		u, _, _ := tx.Unit("42.18.01")
		u.GroupID = ""
		if err := tx.PutUnit(u); err != nil {
			return err
		}
		c, _, _ := tx.Unit("42.18")
		c.GroupID = "12345678901234567890"
		return tx.PutUnit(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	check("OWN", "T_own", "")
	check("VILLAGE", "12345678901234567890", "42.18")
	check("PROVINCE", "12345678901234567890", "42.18")

	db.View(func(tx *Tx) error {
		if _, _, err := tx.GroupFor("NOPE"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown team: %v, want ErrNotFound", err)
		}
		return nil
	})

	// The group ids survive a reopen of the file.
	err = db.Close()
	db = nil
	if err != nil {
		t.Fatal(err)
	}
	db2, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.View(func(tx *Tx) error {
		if g, from, err := tx.GroupFor("VILLAGE"); err != nil || g != "12345678901234567890" || from != "42.18" {
			t.Errorf("after reopening: %q %q %v", g, from, err)
		}
		return nil
	})
}

func TestValidateGroupID(t *testing.T) {
	for _, ok := range []string{"", "8349430689648453470", "abc_DEF-123", strings.Repeat("9", 64)} {
		if err := ValidateGroupID(ok); err != nil {
			t.Errorf("ValidateGroupID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"nhóm", "12 34", "a.b", "g/1", strings.Repeat("9", 65), " 123"} {
		if err := ValidateGroupID(bad); err == nil {
			t.Errorf("ValidateGroupID(%q) accepted", bad)
		}
	}
}
