package store

import (
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The unit index follows a team that moves, is built once for a file of an earlier release, and a
// read-only open of such a file still finds the teams (by reading them all).
func TestTeamsWithinFollowsTheUnitIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	within := func(db *DB, units ...string) []string {
		t.Helper()
		set := map[string]bool{}
		for _, u := range units {
			set[u] = true
		}
		var got []string
		if err := db.View(func(tx *Tx) error {
			return tx.TeamsWithin(set, func(tm Team) error { got = append(got, tm.Code); return nil })
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if err := db.Update(func(tx *Tx) error {
		for _, u := range []Unit{{Code: "P", Name: "Tỉnh"}, {Code: "A", Name: "Xã A", Parent: "P"}, {Code: "B", Name: "Xã B", Parent: "P"}} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		for _, tm := range []Team{{Code: "T2", Name: "Tổ 2", Unit: "A"}, {Code: "T1", Name: "Tổ 1", Unit: "A"}, {Code: "T3", Name: "Tổ 3", Unit: "B"}} {
			if err := tx.PutTeam(tm); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := within(db, "A"); len(got) != 2 || got[0] != "T1" || got[1] != "T2" {
		t.Errorf("teams in A: %v, want [T1 T2] in code order", got)
	}
	if err := db.Update(func(tx *Tx) error { return tx.PutTeam(Team{Code: "T2", Name: "Tổ 2", Unit: "B"}) }); err != nil {
		t.Fatal(err)
	}
	if got := within(db, "A"); len(got) != 1 || got[0] != "T1" {
		t.Errorf("teams in A after T2 moved to B: %v", got)
	}
	if got := within(db, "B", "P"); len(got) != 2 || got[0] != "T2" || got[1] != "T3" {
		t.Errorf("teams in B and P: %v, want [T2 T3]", got)
	}
	// A file of an earlier release: no index.
	if err := db.cur.Load().Update(func(btx *bolt.Tx) error { return btx.DeleteBucket(bucketUnitTeams) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := within(ro, "B"); len(got) != 2 {
		t.Errorf("read-only, no index: teams in B %v", got)
	}
	ro.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *Tx) error {
		if tx.btx.Bucket(bucketUnitTeams).Stats().KeyN != 3 {
			t.Errorf("index rebuilt with %d keys, want 3", tx.btx.Bucket(bucketUnitTeams).Stats().KeyN)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := within(db, "B"); len(got) != 2 || got[0] != "T2" {
		t.Errorf("after the index was built at open: teams in B %v", got)
	}
	// A rollback: an earlier release adds T4 to A and moves T3 to A, knowing nothing of the index.
	if err := db.cur.Load().Update(func(btx *bolt.Tx) error {
		teams := btx.Bucket(bucketTeams)
		if err := teams.Put([]byte("T4"), []byte(`{"code":"T4","name":"Tổ 4","unit":"A"}`)); err != nil {
			return err
		}
		return teams.Put([]byte("T3"), []byte(`{"code":"T3","name":"Tổ 3","unit":"A"}`))
	}); err != nil {
		t.Fatal(err)
	}
	if got := within(db, "B"); len(got) != 1 || got[0] != "T2" {
		t.Errorf("a stale index entry was believed: teams in B %v, want [T2]", got)
	}
	db.Close()
	// The earlier release wrote after this one closed the file (as a rollback does): not trusted.
	raw, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(btx *bolt.Tx) error { return btx.Bucket(bucketMeta).Put([]byte("x"), []byte("y")) }); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if db, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := within(db, "A"); len(got) != 3 || got[2] != "T4" {
		t.Errorf("after the upgrade again: teams in A %v, want [T1 T3 T4]", got)
	}
}
