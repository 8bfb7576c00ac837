package store

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// releaseFixture is a database written by release 2026-11 (schema 1, before versions existed) through
// its real entry points: the sandbox demo, a report filed and one half-way, a join request approved, a
// leave request waiting for the leader's reason, a digest asked in an officer group, a team group set.
const releaseFixture = "../testdata/store/release-2026-11.db"

// copyFixture puts a copy of the fixture in a temporary folder (Open would migrate the original).
func copyFixture(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(releaseFixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	fxLeader   = "4200000000000000101" // filed the November report of DEMO-DT-HB
	fxLeaving  = "4200000000000000103" // leave request 2, waiting for the leader
	fxJoined   = "4200000000000000777" // join request 1, approved
	fxHalfWay  = "4200000000000000301" // a report session at question 2
	fxOfficerG = "4299000000000000001" // the province officer's group
)

func TestAFileOfRelease202611IsMigratedAndReadsAsBefore(t *testing.T) {
	path := copyFixture(t)

	// Read-only (backups, check, stats-db) the file is not changed, and the new queries still answer.
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.View(func(tx *Tx) error {
		if v := tx.Schema(); v != 1 {
			t.Errorf("schema of the release file: %d, want 1", v)
		}
		return checkFixture(t, tx)
	}); err != nil {
		t.Fatal(err)
	}
	ro.Close()

	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := db.Migrated(); len(got) != 4 || !strings.HasPrefix(got[0], "2: ") || !strings.HasPrefix(got[1], "3: ") || !strings.HasPrefix(got[2], "4: ") ||
		!strings.HasPrefix(got[3], "5: ") {
		t.Errorf("migrations run: %q, want those to schemas 2, 3, 4 and 5", got)
	}
	// Schema 4: every unit, team and person record in the compact form.
	if err := db.cur.Load().View(func(btx *bolt.Tx) error {
		for _, name := range [][]byte{bucketUnits, bucketTeams, bucketPeople} {
			n := 0
			if err := btx.Bucket(name).ForEach(func(k, v []byte) error {
				n++
				if len(v) == 0 || v[0] == '{' {
					t.Errorf("%s/%s still JSON after the migration", name, k)
				}
				return nil
			}); err != nil {
				return err
			}
			if n == 0 {
				t.Errorf("no %s in the fixture", name)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.View(func(tx *Tx) error {
		if v := tx.Schema(); v != SchemaVersion {
			t.Errorf("schema after opening: %d, want %d", v, SchemaVersion)
		}
		return checkFixture(t, tx)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	again, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := again.Migrated(); len(got) != 0 {
		t.Errorf("a migrated file migrated again: %q", got)
	}
}

// checkFixture reads what the release wrote, through today's queries.
func checkFixture(t *testing.T, tx *Tx) error {
	t.Helper()
	r, ok, err := tx.LatestReport("DEMO-DT-HB", "2026-11")
	if err != nil {
		return err
	}
	if !ok || r.Answers["households"] != "12" || r.Answers["vneid"] != "5" || r.FiledBy != fxLeader {
		t.Errorf("the filed report: %+v (found %v)", r, ok)
	}
	leave, ok, err := tx.OpenRequestOf(fxLeaving, RequestLeave)
	if err != nil {
		return err
	}
	if !ok || leave.ID != 2 || leave.State != StateAwaitLeader {
		t.Errorf("the open leave request: %+v (found %v)", leave, ok)
	}
	if _, ok, err := tx.OpenRequestOf(fxJoined, RequestJoin); err != nil || ok {
		t.Errorf("an approved join request reads as open (%v)", err)
	}
	var mine []uint64
	if err := tx.RequestsOf(fxJoined, func(r Request) error { mine = append(mine, r.ID); return nil }); err != nil {
		return err
	}
	if !slices.Equal(mine, []uint64{1}) {
		t.Errorf("requests of the person who joined: %v, want [1]", mine)
	}
	var open []uint64
	if err := tx.OpenRequests(func(r Request) error { open = append(open, r.ID); return nil }); err != nil {
		return err
	}
	if !slices.Equal(open, []uint64{2}) {
		t.Errorf("open requests: %v, want [2]", open)
	}
	o, ok, err := tx.OfficerByGroup(fxOfficerG)
	if err != nil {
		return err
	}
	if !ok || o.ID != "demo-skhcn-ha-tinh" {
		t.Errorf("officer of the province group: %+v (found %v)", o, ok)
	}
	if _, ok, err := tx.OfficerByZalo(fxLeader); err != nil || ok {
		t.Errorf("a leader reads as an officer (%v)", err)
	}
	s, ok, err := tx.Session(fxHalfWay)
	if err != nil {
		return err
	}
	if !ok || s.Flow == "" {
		t.Errorf("the report half-way: %+v (found %v)", s, ok)
	}
	teams, err := tx.TeamsOfUnit("18229.01")
	if err != nil {
		return err
	}
	if len(teams) != 1 || teams[0].Code != "DEMO-DT-HB" {
		t.Errorf("teams of thôn Hòa Bình: %+v", teams)
	}
	// Units, teams and people read the same in either form (JSON before schema 4, compact after).
	if p, ok, err := tx.Person(fxLeader); err != nil || !ok || p.Name == "" || p.Phone == "" {
		t.Errorf("the leader: %+v (found %v, %v)", p, ok, err)
	}
	u, ok, err := tx.Unit("18229.01")
	if err != nil {
		return err
	}
	if !ok || u.Parent == "" || u.Name == "" || u.Code != "18229.01" {
		t.Errorf("thôn Hòa Bình: %+v (found %v)", u, ok)
	}
	tm, ok, err := tx.Team("DEMO-DT-HB")
	if err != nil {
		return err
	}
	if !ok || tm.Unit != "18229.01" || tm.Name == "" || tm.JoinCode == "" {
		t.Errorf("the team: %+v (found %v)", tm, ok)
	}
	return nil
}

func TestAFileOfANewerReleaseIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error {
		return tx.btx.Bucket(bucketMeta).Put([]byte(metaSchema), []byte(strconv.Itoa(SchemaVersion+1)))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("opening a file of schema %d: %v, want ErrNewerSchema", SchemaVersion+1, err)
	}
}

// After a rollback, an earlier release writes to the file without keeping the indexes: it creates
// and pseudonymises requests, moves a team, adds an officer. The next start of this release must
// see all of it (the file was not closed by this release last, so the indexes are rebuilt).
func TestIndexesCatchUpWithWritesOfAnEarlierRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error {
		for _, u := range []Unit{{Code: "42", Name: "Hà Tĩnh", Level: "tỉnh"}, {Code: "42.A", Name: "A", Parent: "42"}, {Code: "42.B", Name: "B", Parent: "42"}} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		if err := tx.PutTeam(Team{Code: "T1", Name: "Tổ 1", Unit: "42.A"}); err != nil {
			return err
		}
		if _, err := tx.CreateRequest(Request{Kind: RequestJoin, Team: "T1", ZaloID: "u1"}); err != nil {
			return err
		}
		return tx.PutOfficer(Officer{ID: "o1", Scope: "42", GroupID: "g1"})
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// What a release before schema 2 does: records only.
	raw, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	put := func(btx *bolt.Tx, bucket []byte, key []byte, v any) {
		js, _ := json.Marshal(v)
		if err := btx.Bucket(bucket).Put(key, js); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Update(func(btx *bolt.Tx) error {
		seq, _ := btx.Bucket(bucketRequests).NextSequence()
		put(btx, bucketRequests, u64(seq), Request{ID: seq, Kind: RequestJoin, Team: "T1", ZaloID: "u2", State: StateAwaitLeader})
		put(btx, bucketRequests, u64(1), Request{ID: 1, Kind: RequestJoin, Team: "T1", ZaloID: "erased-1", State: StateCancelled})
		put(btx, bucketTeams, []byte("T1"), Team{Code: "T1", Name: "Tổ 1", Unit: "42.B"})
		put(btx, bucketOfficers, []byte("o2"), Officer{ID: "o2", Scope: "42", GroupID: "g2"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *Tx) error {
		if r, ok, err := tx.OpenRequestOf("u2", RequestJoin); err != nil || !ok || r.ID != 2 {
			t.Errorf("request written without its index: %+v %v %v", r, ok, err)
		}
		n := 0
		_ = tx.RequestsOf("u1", func(Request) error { n++; return nil })
		if n != 0 {
			t.Errorf("a request pseudonymised by the earlier release is still found under the person's id")
		}
		if o, ok, err := tx.OfficerByGroup("g2"); err != nil || !ok || o.ID != "o2" {
			t.Errorf("officer written without its index: %+v %v %v", o, ok, err)
		}
		if in, _ := tx.TeamsOfUnit("42.B"); len(in) != 1 {
			t.Errorf("a team moved by the earlier release is not under its new unit: %v", in)
		}
		if in, _ := tx.TeamsOfUnit("42.A"); len(in) != 0 {
			t.Errorf("a team moved by the earlier release is still under its old unit: %v", in)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// The indexes follow every change of the records they index.
func TestRequestAndOfficerIndexesFollowChanges(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	if err := db.Update(func(tx *Tx) error {
		if err := tx.PutUnit(Unit{Code: "42", Name: "Hà Tĩnh", Level: "tỉnh"}); err != nil {
			return err
		}
		r, err := tx.CreateRequest(Request{Kind: RequestLeave, Team: "T", ZaloID: "u1"})
		if err != nil {
			return err
		}
		if _, ok, _ := tx.OpenRequestOf("u1", RequestLeave); !ok {
			t.Error("a new request is not open")
		}
		if _, err := tx.UpdateRequest(r, StateApproved, "a", "approved", ""); err != nil {
			return err
		}
		if _, ok, _ := tx.OpenRequestOf("u1", RequestLeave); ok {
			t.Error("an approved request is still open")
		}
		n := 0
		_ = tx.OpenRequests(func(Request) error { n++; return nil })
		if n != 0 {
			t.Errorf("%d open requests after the approval", n)
		}
		if err := tx.PutOfficer(Officer{ID: "o1", Scope: "42", ZaloID: "z1", GroupID: "g1"}); err != nil {
			return err
		}
		if err := tx.PutOfficer(Officer{ID: "o1", Scope: "42", ZaloID: "z2", GroupID: "g1"}); err != nil {
			return err
		}
		if _, ok, _ := tx.OfficerByZalo("z1"); ok {
			t.Error("the officer's old Zalo id still finds them")
		}
		if o, ok, _ := tx.OfficerByZalo("z2"); !ok || o.ID != "o1" {
			t.Error("the officer's new Zalo id does not find them")
		}
		if _, err := tx.DeleteOfficer("o1"); err != nil {
			return err
		}
		if _, ok, _ := tx.OfficerByGroup("g1"); ok {
			t.Error("a removed officer's group still finds them")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// One registry: every bucket a new file has is declared there once, with how erasure treats it,
// and no other file of the package makes buckets.
func TestTheBucketRegistryIsTheWholeLayout(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	var inFile []string
	if err := db.cur.Load().View(func(btx *bolt.Tx) error {
		return btx.ForEach(func(name []byte, _ *bolt.Bucket) error { inFile = append(inFile, string(name)); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{eraseNothing: true, eraseDerived: true, eraseDirectory: true, eraseEvents: true, eraseMessages: true,
		eraseSessions: true, eraseRequests: true, eraseReports: true, eraseAudit: true}
	var declared []string
	for _, b := range buckets {
		if slices.Contains(declared, string(b.name)) {
			t.Errorf("bucket %q declared twice", b.name)
		}
		declared = append(declared, string(b.name))
		if !known[b.erase] {
			t.Errorf("bucket %q: erasure %q is not a known step", b.name, b.erase)
		}
	}
	slices.Sort(inFile)
	slices.Sort(declared)
	if !slices.Equal(inFile, declared) {
		t.Errorf("buckets in a new file %v\n   declared %v", inFile, declared)
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "schema.go" {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && (strings.HasPrefix(sel.Sel.Name, "CreateBucket") || sel.Sel.Name == "DeleteBucket") {
				// Compaction copies whatever buckets the file has (db.go): that is not a layout.
				if f != "db.go" {
					t.Errorf("%s: %s outside the registry (schema.go)", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}
