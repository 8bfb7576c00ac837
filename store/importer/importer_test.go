package importer_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

const (
	dirData  = "../../testdata/directory/"
	national = "../../testdata/units/vn-units-2025.json"
)

func openDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "cdtbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustImport(t testing.TB, db *store.DB, path string) importer.Result {
	t.Helper()
	res, err := importer.ImportFile(db, path)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return res
}

// dump is every key and value of every bucket, read from a backup copy so
// the database stays open.
func dump(t testing.TB, db *store.DB) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := db.WriteBackup(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	out := map[string]string{}
	err = bdb.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)+"/"] = ""
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"/"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diff(a, b map[string]string) string {
	var d []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			d = append(d, fmt.Sprintf("- %q = %q", k, v))
		}
	}
	for k, v := range b {
		if w, ok := a[k]; !ok || w != v {
			d = append(d, fmt.Sprintf("+ %q = %q", k, v))
		}
	}
	if len(d) > 10 {
		d = append(d[:10], fmt.Sprintf("… %d more", len(d)-10))
	}
	return strings.Join(d, "\n")
}

// rule is a province's rules from the seeds, as EffectivePolicy should resolve them.
func rule(maxMembers int, collab bool, cutoff int, closes, qs string) store.EffectivePolicy {
	return store.EffectivePolicy{MaxMembers: maxMembers, Collaborators: collab, CutoffDay: cutoff, Closes: closes,
		QuestionSet: qs, ReminderDays: store.DefaultPolicy.ReminderDays}
}

func TestExamplesImportOnceAndReimportChangesNothing(t *testing.T) {
	cases := []struct {
		file     string
		want     importer.Result
		policies map[string]store.EffectivePolicy // team → rule
	}{
		{"ben-tre.json", importer.Result{Units: 7, Teams: 4, People: 11, Roles: 12, Approvers: 2, Officers: 1, QuestionSets: 1},
			map[string]store.EffectivePolicy{
				"BT-PBT":  rule(10, false, 30, store.CloseCurrent, "ben-tre-2023"),
				"TH-THOA": rule(10, false, 30, store.CloseCurrent, "ben-tre-2023"),
			}},
		{"duc-tho.json", importer.Result{Units: 9, Teams: 3, People: 8, Roles: 8, Approvers: 1, Officers: 1, QuestionSets: 1},
			map[string]store.EffectivePolicy{
				"TA-XA": rule(3, true, 20, store.CloseCurrent, "ha-tinh-2022"),
				"TA-T1": rule(3, true, 20, store.CloseCurrent, "ha-tinh-2022"),
			}},
		{"thu-duc.json", importer.Result{Units: 7, Teams: 2, People: 5, Roles: 5, Approvers: 1, Officers: 1},
			map[string]store.EffectivePolicy{
				"LT-KP1-05":   rule(2, false, 30, store.CloseAuto, "default"),
				"LT-KP1-0607": rule(3, false, 30, store.CloseAuto, "default"),
			}},
		{"quang-nam.json", importer.Result{Units: 5, Teams: 3, People: 7, Roles: 7, Approvers: 1, Officers: 2},
			map[string]store.EffectivePolicy{
				"DS-XA":  rule(0, false, 5, store.ClosePrevious, "default"),
				"DS-TKT": rule(0, false, 5, store.ClosePrevious, "default"),
			}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			db := openDB(t)
			path := dirData + c.file
			if got := mustImport(t, db, path); got != c.want {
				t.Errorf("first import: %v, want %v", got, c.want)
			}
			before := dump(t, db)
			again := mustImport(t, db, path)
			if again.Changed() != 0 || again.Unchanged != c.want.Changed() {
				t.Errorf("second import: %v, want no changes and %d unchanged", again, c.want.Changed())
			}
			if d := diff(before, dump(t, db)); d != "" {
				t.Errorf("second import changed the database:\n%s", d)
			}
			db.View(func(tx *store.Tx) error {
				for team, want := range c.policies {
					got, err := tx.EffectivePolicy(team)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: effective policy %+v, want %+v", team, got, want)
					}
				}
				return nil
			})
		})
	}
}

func TestDucThoDetails(t *testing.T) {
	db := mustDucTho(t)
	db.View(func(tx *store.Tx) error {
		path, err := tx.UnitPath("42.436.18.01")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range path {
			names = append(names, u.Display())
		}
		if got, want := strings.Join(names, " / "), "Tỉnh Hà Tĩnh / Huyện Đức Thọ / Xã Tùng Ảnh / Thôn 1"; got != want {
			t.Errorf("path %q, want %q", got, want)
		}
		if p, _, _ := tx.Person("590881330367580918"); p.Phone != "0977000318" {
			t.Errorf("phone +84 977 000 318 stored as %q", p.Phone)
		}
		if lead, _, _ := tx.Leader("TA-T1"); lead != "4182484920598988928" {
			t.Errorf("TA-T1 leader %q (role written as “tổ trưởng”)", lead)
		}
		if tm, ok, _ := tx.TeamByJoinCode("ta01"); !ok || tm.Code != "TA-T1" {
			t.Errorf("join code ta01 → %v %v", tm, ok)
		}
		if a, ok, _ := tx.ApproverFor("TA-T1"); !ok || a.ZaloID != "424879699655139241" {
			t.Errorf("approver of TA-T1: %+v %v", a, ok)
		}
		if u, _, _ := tx.Unit("42.436.18"); u.Policy != nil {
			t.Errorf("commune has policy %+v, want none", u.Policy)
		}
		if tm, _, _ := tx.Team("TA-T1"); tm.Policy != nil {
			t.Errorf(`"policy": {} stored as %+v, want none`, tm.Policy)
		}
		return nil
	})
}

func mustDucTho(t *testing.T) *store.DB {
	t.Helper()
	db := openDB(t)
	mustImport(t, db, dirData+"duc-tho.json")
	return db
}

func TestPeopleCSV(t *testing.T) {
	db := mustDucTho(t)
	res := mustImport(t, db, dirData+"people.csv")
	// Sơn and Thu Hà are already known; Sơn's leadership is unchanged, Thu Hà gains a role.
	want := importer.Result{People: 4, Roles: 5, Unchanged: 3}
	if res != want {
		t.Errorf("csv import: %v, want %v", res, want)
	}
	before := dump(t, db)
	if again := mustImport(t, db, dirData+"people.csv"); again.Changed() != 0 {
		t.Errorf("second csv import: %v", again)
	}
	if d := diff(before, dump(t, db)); d != "" {
		t.Errorf("second csv import changed the database:\n%s", d)
	}
	db.View(func(tx *store.Tx) error {
		roster, _ := tx.Roster("TA-T2")
		var got []string
		for _, m := range roster {
			got = append(got, m.Role)
		}
		if want := "leader deputy member collaborator collaborator collaborator"; strings.Join(got, " ") != want {
			t.Errorf("TA-T2 roles %v, want %s", got, want)
		}
		if p, _, _ := tx.Person("427281124590091995"); p.Phone != "0368000552" || p.Name != "Trần Văn Đức" {
			t.Errorf("person from csv: %+v", p)
		}
		roles, _ := tx.RolesOf("672805693166101361")
		if len(roles) != 2 {
			t.Errorf("Thu Hà roles %+v, want TA-XA member and TA-T2 collaborator", roles)
		}
		return nil
	})
}

func TestCSVVariants(t *testing.T) {
	db := mustDucTho(t)
	// English headers, semicolons, Excel's dropped leading zero, an empty line and no role column.
	in := "Zalo_ID;Name;Phone;Team\n" +
		"4440001112223334445;Bùi Thị Hồng;912000555;TA-T2\n" +
		";;;\n"
	res, err := importer.Import(db, "list.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if res.People != 1 || res.Roles != 1 {
		t.Errorf("result %v", res)
	}
	db.View(func(tx *store.Tx) error {
		if p, _, _ := tx.Person("4440001112223334445"); p.Phone != "0912000555" {
			t.Errorf("phone %q", p.Phone)
		}
		if r := tx.RoleIn("TA-T2", "4440001112223334445"); r != store.RoleMember {
			t.Errorf("role %q, want member by default", r)
		}
		return nil
	})
}

func TestNationalList(t *testing.T) {
	db := openDB(t)
	start := time.Now()
	res := mustImport(t, db, national)
	took := time.Since(start)
	t.Logf("national list: %v in %v", res, took)
	if res.Units != 34+3321 || res.Changed() != res.Units {
		t.Errorf("result %v, want 3355 units", res)
	}
	if took > 5*time.Second {
		t.Errorf("national import took %v", took)
	}
	provinces, communes := 0, 0
	levels := map[string]int{}
	db.View(func(tx *store.Tx) error {
		return tx.AllUnits(func(u store.Unit) error {
			levels[u.Level]++
			if u.Parent == "" {
				provinces++
			} else {
				communes++
			}
			return nil
		})
	})
	if provinces != 34 || communes != 3321 {
		t.Errorf("%d provinces and %d communes, want 34 and 3321", provinces, communes)
	}
	t.Logf("levels: %v", levels)
	if levels["xã"]+levels["phường"]+levels["đặc khu"] != 3321 || levels["tỉnh"]+levels["thành phố"] != 34 {
		t.Errorf("levels %v", levels)
	}
	db.View(func(tx *store.Tx) error {
		for code, want := range map[string]store.Unit{
			"06325": {Code: "06325", Name: "Bắc Sơn", Level: "xã", FullName: "Xã Bắc Sơn", Parent: "20"}, // "xã Bắc Sơn" in the list
			"00004": {Code: "00004", Name: "Ba Đình", Level: "phường", FullName: "Phường Ba Đình", Parent: "01"},
			"01":    {Code: "01", Name: "Hà Nội", Level: "thành phố", FullName: "Thành phố Hà Nội"},
			"42":    {Code: "42", Name: "Hà Tĩnh", Level: "tỉnh", FullName: "Tỉnh Hà Tĩnh"},
		} {
			if got, _, _ := tx.Unit(code); !reflect.DeepEqual(got, want) {
				t.Errorf("unit %s = %+v, want %+v", code, got, want)
			}
		}
		return nil
	})
	var special int
	db.View(func(tx *store.Tx) error {
		return tx.AllUnits(func(u store.Unit) error {
			if u.Level == "đặc khu" && strings.HasPrefix(u.FullName, "Đặc khu ") {
				special++
			}
			return nil
		})
	})
	if special == 0 {
		t.Error("no đặc khu found")
	}

	before := dump(t, db)
	if again := mustImport(t, db, national); again.Changed() != 0 || again.Unchanged != 3355 {
		t.Errorf("second national import: %v", again)
	}
	if d := diff(before, dump(t, db)); d != "" {
		t.Errorf("second national import changed the database:\n%s", d)
	}

	// A directory file uses the national codes; the national list imported
	// again afterwards keeps its policies.
	bt := mustImport(t, db, dirData+"ben-tre.json")
	if bt.Units != 5 || bt.Unchanged != 2 { // the province gains a policy; Phường Bến Tre and Xã Thạnh Hải are as listed
		t.Errorf("ben-tre over the national list: %v", bt)
	}
	if again := mustImport(t, db, national); again.Changed() != 0 {
		t.Errorf("national list after ben-tre: %v", again)
	}
	db.View(func(tx *store.Tx) error {
		u, _, _ := tx.Unit("86")
		if u.Policy == nil || *u.Policy.MaxMembers != 10 || u.FullName != "Tỉnh Vĩnh Long" {
			t.Errorf("province 86 after both imports: %+v", u)
		}
		return nil
	})
}

func BenchmarkNationalList(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := openDB(b)
		b.StartTimer()
		mustImport(b, db, national)
	}
}

func TestLeadershipHandOver(t *testing.T) {
	db := mustDucTho(t)
	// Phan Văn Tâm steps down to member, Võ Thị Lan leads: one file, either order.
	in := `{"people": [
		{"zalo_id": "5834908960333327924", "name": "Võ Thị Lan", "roles": [{"team": "TA-T1", "role": "leader"}]},
		{"zalo_id": "4182484920598988928", "roles": [{"team": "TA-T1", "role": "member"}]}]}`
	res, err := importer.Import(db, "handover.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if res.Roles != 2 || res.People != 0 || res.Unchanged != 2 {
		t.Errorf("result %v", res)
	}
	db.View(func(tx *store.Tx) error {
		if lead, _, _ := tx.Leader("TA-T1"); lead != "5834908960333327924" {
			t.Errorf("leader %s", lead)
		}
		if p, _, _ := tx.Person("4182484920598988928"); p.Name != "Phan Văn Tâm" || p.Phone != "0839000462" {
			t.Errorf("a person listed without name and phone keeps them: %+v", p)
		}
		return nil
	})
}

// A file naming a new leader replaces the stored one, who stays a member (store.AssignRole's rule,
// the same as the admin API and the chat).
func TestANewLeaderReplacesTheStoredOne(t *testing.T) {
	db := mustDucTho(t)
	res, err := importer.Import(db, "x.json", strings.NewReader(`{"people": [
		{"zalo_id": "5834908960333327924", "roles": [{"team": "TA-T1", "role": "leader"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Roles != 2 {
		t.Errorf("result %v: want the new leader's role and the old leader's", res)
	}
	db.View(func(tx *store.Tx) error {
		if lead, _, _ := tx.Leader("TA-T1"); lead != "5834908960333327924" {
			t.Errorf("leader %s", lead)
		}
		if r := tx.RoleIn("TA-T1", "4182484920598988928"); r != store.RoleMember {
			t.Errorf("the replaced leader is %q, want member", r)
		}
		return nil
	})
}

func TestErrorMessage(t *testing.T) {
	db := mustDucTho(t)
	_, err := importer.Import(db, "testdata/directory/x.json", strings.NewReader(`{"teams": [
		{"code": "A", "name": "Tổ A", "unit": "42.436.18"},
		{"code": "B", "name": "Tổ B", "unit": "42.436.18"},
		{"code": "C", "name": "Tổ C", "unit": "X"}]}`))
	want := `testdata/directory/x.json: teams[3].unit: unit "X" not found (neither in this file nor in the database)`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	e := &importer.Error{File: "people.csv", Row: "line 4", Field: "số điện thoại", Msg: "bad"}
	if got, want := e.Error(), `people.csv: line 4, column "số điện thoại": bad`; got != want {
		t.Errorf("csv error %q, want %q", got, want)
	}
}

func TestBrokenInputsImportNothing(t *testing.T) {
	cases := []struct {
		name, file, in   string
		row, field, want string
	}{
		{"unknown parent", "x.json", `{"units": [{"code": "X1", "name": "Thôn X", "level": "thôn", "parent": "NOPE"}]}`,
			"units[1]", "parent", `unit "NOPE" not found`},
		{"cycle in the file", "x.json", `{"units": [
			{"code": "A", "name": "A", "parent": "C"}, {"code": "B", "name": "B", "parent": "A"}, {"code": "C", "name": "C", "parent": "B"}]}`,
			"units[1]", "parent", "loop"},
		{"cycle through the database", "x.json", `{"units": [{"code": "42", "parent": "42.436.18.01"}]}`,
			"units[1]", "parent", "42 → 42.436.18.01 → 42.436.18 → 42.436 → 42"},
		{"own parent", "x.json", `{"units": [{"code": "A", "name": "A", "parent": "A"}]}`,
			"units[1]", "parent", "own parent"},
		{"two leaders in the file", "x.json", `{"teams": [{"code": "N", "name": "Tổ mới", "unit": "42.436.18.03"}], "people": [
			{"zalo_id": "1000000000000000001", "name": "Nguyễn Văn A", "roles": [{"team": "N", "role": "leader"}]},
			{"zalo_id": "1000000000000000002", "name": "Nguyễn Văn B", "roles": [{"team": "N", "role": "tổ trưởng"}]}]}`,
			"people[2]", "roles[1].role", "already has a leader in this file"},
		{"a role in a second commune", "x.json", `{"units": [{"code": "42.436.01.09", "name": "Thôn 9", "parent": "42.436.01"}],
			"teams": [{"code": "DT-9", "name": "Tổ thôn 9", "unit": "42.436.01.09"}],
			"people": [{"zalo_id": "619632235425526397", "roles": [{"team": "DT-9", "role": "member"}]}]}`,
			"people[1]", "roles[1].team", "of one commune only"},
		{"bad phone", "x.json", `{"people": [{"zalo_id": "1000000000000000001", "name": "Nguyễn Văn A", "phone": "0241 000 123"}]}`,
			"people[1]", "phone", "10-digit mobile"},
		{"bad role", "x.json", `{"people": [{"zalo_id": "1000000000000000001", "name": "Nguyễn Văn A", "roles": [{"team": "TA-T1", "role": "boss"}]}]}`,
			"people[1]", "roles[1].role", "want leader, deputy"},
		{"unknown team", "x.json", `{"people": [{"zalo_id": "1000000000000000001", "name": "Nguyễn Văn A", "roles": [{"team": "TA-T9"}]}]}`,
			"people[1]", "roles[1].team", `team "TA-T9" not found`},
		{"zalo id rounded by a spreadsheet", "x.json", `{"people": [{"zalo_id": "4.18248E+18", "name": "Nguyễn Văn A"}]}`,
			"people[1]", "zalo_id", "format the column as text"},
		{"cutoff day 0", "x.json", `{"units": [{"code": "42", "policy": {"cutoff_day": 0}}]}`,
			"units[1]", "policy.cutoff_day", "want 1–31"},
		{"cutoff day 32", "x.json", `{"teams": [{"code": "TA-T1", "policy": {"cutoff_day": 32}}]}`,
			"teams[1]", "policy.cutoff_day", "want 1–31"},
		{"closes", "x.json", `{"units": [{"code": "42", "policy": {"closes": "next"}}]}`,
			"units[1]", "policy.closes", `closes "next"`},
		{"misspelt field", "x.json", `{"units": [{"code": "42", "policy": {"cuttoff_day": 20}}]}`,
			"units[1]", "cuttoff_day", "unknown field"},
		{"wrong type", "x.json", `{"units": [{"code": "42", "policy": {"cutoff_day": "20"}}]}`,
			"units[1]", "policy.cutoff_day", "want a number"},
		{"group id with a space", "x.json", `{"units": [{"code": "42", "group_id": "123 456"}]}`,
			"units[1]", "group_id", "want the id of the Zalo group"},
		{"group id with diacritics", "x.json", `{"teams": [{"code": "TA-T1", "group_id": "nhóm-thôn-1"}]}`,
			"teams[1]", "group_id", "want the id of the Zalo group"},
		{"group id too long", "x.json", `{"teams": [{"code": "TA-T1", "group_id": "` + strings.Repeat("1", 65) + `"}]}`,
			"teams[1]", "group_id", "longer than 64 characters"},
		{"group id a number", "x.json", `{"units": [{"code": "42", "group_id": 8349430689648453470}]}`,
			"units[1]", "group_id", "want a text"},
		{"unknown section", "x.json", `{"unit": []}`, "", "unit", "unknown section"},
		{"unknown question set", "x.json", `{"units": [{"code": "42", "policy": {"question_set": "ha-tinh-2030"}}]}`,
			"units[1]", "policy.question_set", `question set "ha-tinh-2030" not found`},
		{"bad question", "x.json", `{"question_sets": [{"id": "q", "questions": [{"id": "a", "label": "A", "kind": "number"}]}]}`,
			"question_sets[1]", "questions[1].kind", `"number": want count or text`},
		{"join code taken", "x.json", `{"teams": [{"code": "NEW", "name": "Tổ mới", "unit": "42.436.18.03", "join_code": "ta01"}]}`,
			"teams[1]", "join_code", `join code "TA01" already belongs to team TA-T1`},
		{"new team without unit", "x.json", `{"teams": [{"code": "NEW", "name": "Tổ mới"}]}`,
			"teams[1]", "unit", "required for a new team"},
		{"new person without name", "x.json", `{"people": [{"zalo_id": "1000000000000000001"}]}`,
			"people[1]", "name", "required for a new person"},
		{"team too big (found after writing, rolled back)", "x.json", `{"people": [
			{"zalo_id": "1000000000000000001", "name": "Nguyễn Văn A", "roles": [{"team": "TA-T1", "role": "member"}]}]}`,
			"people[1]", "roles[1].role", "would have 4 members, its policy allows 3, leader included; list the others as collaborator"},
		{"good records before a bad one", "x.json", `{"units": [{"code": "42.436.18.04", "name": "Thôn 4", "parent": "42.436.18"}],
			"people": [{"zalo_id": "1000000000000000001", "name": "Nguyễn Văn A", "phone": "12345"}]}`,
			"people[1]", "phone", "10-digit"},
		{"malformed JSON", "x.json", "{\"units\": [\n  {\"code\": \"A\",\n  }\n]}", "line 3", "", "malformed JSON"},
		{"not a directory", "x.json", `"hello"`, "", "", "not a directory file"},
		{"national list without wards", "units.json", `[{"Code": "01", "Name": "Hà Nội", "FullName": "Thành phố Hà Nội"}]`,
			"[1]", "Wards", "required"},
		{"national list bad level", "units.json", `[{"Code": "01", "Name": "Hà Nội", "FullName": "Thành phố Hà Nội", "Wards": [
			{"Code": "00004", "Name": "Ba Đình", "FullName": "Quận Ba Đình", "ProvinceCode": "01"}]}]`,
			"[1].Wards[1]", "FullName", "begin with a level"},
		{"csv missing column", "people.csv", "Họ tên,Số điện thoại,Tổ,Vai trò\nNguyễn Văn A,0912000111,TA-T2,thành viên\n",
			"line 1", "zalo_id", "missing column"},
		{"csv bad phone", "people.csv", "\ufeffZalo ID,Họ tên,Số điện thoại,Tổ,Vai trò\n" +
			"1000000000000000001,Nguyễn Văn A,0912000111,TA-T2,thành viên\n" +
			"1000000000000000002,Nguyễn Văn B,091200011,TA-T2,thành viên\n",
			"line 3", "Số điện thoại", "10-digit mobile"},
		{"csv bad role", "people.csv", "zalo_id,name,team,role\n1000000000000000001,Nguyễn Văn A,TA-T2,trưởng nhóm\n",
			"line 2", "role", "want leader"},
		{"csv same person, other name", "people.csv", "zalo_id,name,team,role\n" +
			"1000000000000000001,Nguyễn Văn A,TA-T2,member\n1000000000000000001,Nguyễn Văn B,TA-T1,collaborator\n",
			"line 3", "name", `is "Nguyễn Văn A" on line 2`},
		{"csv broken quotes", "people.csv", "zalo_id,name,team\n1000000000000000001,\"Nguyễn \"Văn\" A,TA-T2\n",
			"line 2", "", `extraneous or missing " in quoted-field`},
		{"csv not utf-8", "people.csv", "zalo_id,name,team\n1000000000000000001,Nguy\xea\xe3n,TA-T2\n",
			"line 2", "", "not UTF-8"},
	}
	db := mustDucTho(t)
	before := dump(t, db)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := importer.Import(db, c.file, strings.NewReader(c.in))
			var e *importer.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *importer.Error", err)
			}
			if e.File != c.file || e.Row != c.row || e.Field != c.field || !strings.Contains(e.Msg, c.want) {
				t.Errorf("got %#v\nwant row %q field %q msg containing %q", e, c.row, c.field, c.want)
			}
			if d := diff(before, dump(t, db)); d != "" {
				t.Errorf("a failed import changed the database:\n%s", d)
			}
		})
	}
}

func TestAllErrorsAreReported(t *testing.T) {
	db := openDB(t)
	_, err := importer.Import(db, "x.json", strings.NewReader(`{"people": [
		{"zalo_id": "1000000000000000001", "name": "A", "phone": "1"},
		{"zalo_id": "x", "name": "B"},
		{"zalo_id": "1000000000000000003", "name": "C", "roles": [{"team": "T", "role": "chief"}]}]}`))
	var es importer.Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("err = %v, want 3 problems", err)
	}
	if es[0].Row != "people[1]" || es[1].Row != "people[2]" || es[2].Row != "people[3]" {
		t.Errorf("rows %s %s %s, want file order", es[0].Row, es[1].Row, es[2].Row)
	}
}

func TestPhoneNumbers(t *testing.T) {
	good := map[string]string{
		"0912345678": "0912345678", "0912 345 678": "0912345678", "0912.345.678": "0912345678",
		"+84 912 345 678": "0912345678", "+84 (0) 912 345 678": "0912345678", "84912345678": "0912345678",
		"912345678": "0912345678", "0386-000-241": "0386000241", "0523000000": "0523000000", "0708000000": "0708000000",
	}
	for in, want := range good {
		got, err := importer.NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"02412345678", "0112345678", "091234567", "09123456789", "+1 415 555 0100", "0912 345 67x", "84"} {
		if got, err := importer.NormalizePhone(in); err == nil {
			t.Errorf("NormalizePhone(%q) = %q, want an error", in, got)
		}
	}
}

// The example in README.md is the documented contract: it must import as shown.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Directory import")
	_, example, ok2 := strings.Cut(section, "```json\n")
	example, _, ok3 := strings.Cut(example, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README.md has no JSON example under “## Directory import”")
	}
	db := openDB(t)
	res, err := importer.Import(db, "README.md", strings.NewReader(example))
	if err != nil {
		t.Fatal(err)
	}
	if want := (importer.Result{Units: 4, Teams: 1, People: 3, Roles: 3, Approvers: 1, Officers: 1, QuestionSets: 1}); res != want {
		t.Errorf("result %v, want %v", res, want)
	}
	db.View(func(tx *store.Tx) error {
		got, _ := tx.EffectivePolicy("TA-T1")
		if want := rule(3, true, 20, store.CloseCurrent, "ha-tinh-2022"); !reflect.DeepEqual(got, want) {
			t.Errorf("policy %+v, want %+v", got, want)
		}
		return nil
	})
}

// group_id links a unit or a team to its Zalo group: left out it keeps the
// stored one (also through the national list), "" unlinks it.
func TestGroupIDs(t *testing.T) {
	db := mustDucTho(t)
	groups := func() string {
		t.Helper()
		var out []string
		db.View(func(tx *store.Tx) error {
			for _, code := range []string{"42", "42.436.18", "42.436.18.01"} {
				u, _, _ := tx.Unit(code)
				out = append(out, code+"="+u.GroupID)
			}
			for _, code := range []string{"TA-XA", "TA-T1", "TA-T2"} {
				tm, _, _ := tx.Team(code)
				g, from, err := tx.GroupFor(code)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%s=%s(%s←%s)", code, tm.GroupID, g, from))
			}
			return nil
		})
		return strings.Join(out, " ")
	}
	in := `{"units": [{"code": "42.436.18", "group_id": " 8349430689648453470 "}, {"code": "42", "group_id": "ha_tinh-CDS"}],
		"teams": [{"code": "TA-T1", "group_id": "g_TA-T1"}]}`
	res, err := importer.Import(db, "groups.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := (importer.Result{Units: 2, Teams: 1}); res != want {
		t.Errorf("import with group ids: %v, want %v", res, want)
	}
	want := "42=ha_tinh-CDS 42.436.18=8349430689648453470 42.436.18.01= " +
		"TA-XA=(8349430689648453470←42.436.18) TA-T1=g_TA-T1(g_TA-T1←) TA-T2=(8349430689648453470←42.436.18)"
	if got := groups(); got != want {
		t.Errorf("after import:\n%s\nwant\n%s", got, want)
	}

	// The same file again changes nothing; the seed without group_id keeps them.
	before := dump(t, db)
	if again, err := importer.Import(db, "groups.json", strings.NewReader(in)); err != nil || again.Changed() != 0 || again.Unchanged != 3 {
		t.Errorf("same file again: %v %v", again, err)
	}
	if again := mustImport(t, db, dirData+"duc-tho.json"); again.Changed() != 0 {
		t.Errorf("seed without group_id over linked groups: %v", again)
	}
	if d := diff(before, dump(t, db)); d != "" {
		t.Errorf("re-imports without changes changed the database:\n%s", d)
	}
	if got := groups(); got != want {
		t.Errorf("after re-imports without group_id:\n%s\nwant\n%s", got, want)
	}

	// "" unlinks: the team falls back to its units' group, the commune's to the province's.
	res, err = importer.Import(db, "unlink.json", strings.NewReader(`{"units": [{"code": "42.436.18", "group_id": ""}],
		"teams": [{"code": "TA-T1", "group_id": ""}]}`))
	if err != nil || res.Units != 1 || res.Teams != 1 {
		t.Fatalf("unlink: %v %v", res, err)
	}
	want = "42=ha_tinh-CDS 42.436.18= 42.436.18.01= TA-XA=(ha_tinh-CDS←42) TA-T1=(ha_tinh-CDS←42) TA-T2=(ha_tinh-CDS←42)"
	if got := groups(); got != want {
		t.Errorf("after unlinking:\n%s\nwant\n%s", got, want)
	}

	// A refused group id imports nothing, not even the valid records beside it.
	before = dump(t, db)
	_, err = importer.Import(db, "bad.json", strings.NewReader(`{"units": [{"code": "42.436.18", "group_id": "123456"}],
		"teams": [{"code": "TA-T2", "group_id": "nhóm thôn 2"}]}`))
	var e *importer.Error
	if !errors.As(err, &e) || e.Row != "teams[1]" || e.Field != "group_id" {
		t.Errorf("bad group id: %v", err)
	}
	if d := diff(before, dump(t, db)); d != "" {
		t.Errorf("a refused import changed the database:\n%s", d)
	}
}

// The national list writes names, levels and parents only: a province's group survives it.
func TestGroupIDSurvivesTheNationalList(t *testing.T) {
	db := openDB(t)
	mustImport(t, db, national)
	if _, err := importer.Import(db, "g.json", strings.NewReader(`{"units": [{"code": "42", "group_id": "8349430689648453470"}]}`)); err != nil {
		t.Fatal(err)
	}
	if again := mustImport(t, db, national); again.Changed() != 0 {
		t.Errorf("national list again: %v", again)
	}
	db.View(func(tx *store.Tx) error {
		if u, _, _ := tx.Unit("42"); u.GroupID != "8349430689648453470" || u.FullName != "Tỉnh Hà Tĩnh" {
			t.Errorf("province 42 after the national list: %+v", u)
		}
		return nil
	})
}
