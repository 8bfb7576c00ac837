package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

var updateDemo = flag.Bool("update-demo", false, "rewrite testdata/demo/directory.json from demo.go")

const demoCopy = "../../testdata/demo/directory.json"

// openAt opens a database whose clock reads now.
func openAt(t *testing.T, path string, now time.Time) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// seedDemoQuietly runs seedDemo with its notice captured.
func seedDemoQuietly(t *testing.T, db *store.DB) string {
	t.Helper()
	var out bytes.Buffer
	old := demoOut
	demoOut = &out
	defer func() { demoOut = old }()
	if err := seedDemo(db, mustHCM(t), zerolog.Nop()); err != nil {
		t.Fatalf("seedDemo: %v", err)
	}
	return out.String()
}

// demoState is what a look at the database finds of the demo.
type demoState struct {
	units, teams, reports int
	statuses              map[string]int // "on_time", "late", "missing" over the closed months
}

func readDemo(t *testing.T, db *store.DB) demoState {
	t.Helper()
	s := demoState{statuses: map[string]int{}}
	loc := mustHCM(t)
	err := db.View(func(tx *store.Tx) error {
		if err := tx.AllUnits(func(store.Unit) error { s.units++; return nil }); err != nil {
			return err
		}
		return tx.AllTeams(func(team store.Team) error {
			s.teams++
			pol, err := tx.EffectivePolicy(team.Code)
			if err != nil {
				return err
			}
			cal := pol.Calendar(loc)
			open := cal.OpenPeriod(tx.Now())
			for p, i := open, 0; i <= 4; p, i = p.Prev(), i+1 {
				vs, err := tx.ReportVersions(team.Code, p.String())
				if err != nil {
					return err
				}
				s.reports += len(vs)
				for _, r := range vs {
					if !r.FiledAt.Before(tx.Now()) {
						t.Errorf("%s %s: filed at %v, not before now %v", team.Code, p, r.FiledAt, tx.Now())
					}
					if r.Late != !r.FiledAt.Before(cal.Deadline(p)) {
						t.Errorf("%s %s: late = %v but filed %v, deadline %v", team.Code, p, r.Late, r.FiledAt, cal.Deadline(p))
					}
				}
				if p != open && i <= 3 {
					first := time.Time{}
					if len(vs) > 0 {
						first = vs[0].FiledAt
					}
					s.statuses[cal.StatusOf(p, first, tx.Now()).Code()]++
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDemoLoadsOnceOnAnEmptyDatabase: the demo fills an empty database with the two policies side
// by side, leaders, deputies, members, an approver per commune, an officers' group and three months
// of reports (on time, late, one missing), whatever the day of the month; a second start changes
// nothing.
func TestDemoLoadsOnceOnAnEmptyDatabase(t *testing.T) {
	loc := mustHCM(t)
	for _, now := range []time.Time{
		time.Date(2026, 11, 23, 9, 0, 0, 0, loc),   // after the cutoff
		time.Date(2026, 12, 1, 0, 30, 0, 0, loc),   // the first night of a month
		time.Date(2027, 2, 20, 23, 59, 0, 0, loc),  // the cutoff day, in February
		time.Date(2027, 3, 10, 14, 0, 0, 0, loc),   // before the cutoff
		time.Date(2028, 12, 31, 23, 30, 0, 0, loc), // the year's last evening
	} {
		t.Run(now.Format("2006-01-02T15:04"), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cdtbot.db")
			db := openAt(t, path, now)
			defer db.Close()
			notice := seedDemoQuietly(t, db)
			if !strings.Contains(notice, "DEMO loaded") || !strings.Contains(notice, path) || !strings.Contains(notice, "/dev/chat") || strings.Count(notice, "\n") != 1 {
				t.Errorf("notice: %q", notice)
			}
			got := readDemo(t, db)
			if got.units != 7 || got.teams != 4 {
				t.Errorf("%d units and %d teams, want 7 and 4", got.units, got.teams)
			}
			if got.statuses["on_time"] < 5 || got.statuses["late"] < 2 || got.statuses["missing"] != 1 {
				t.Errorf("closed months: %v, want mostly on time, some late, one missing", got.statuses)
			}
			checkDemoDirectory(t, db)

			// Starting again finds units and leaves everything as it is.
			if notice := seedDemoQuietly(t, db); notice != "" {
				t.Errorf("second start printed %q", notice)
			}
			if again := readDemo(t, db); again.reports != got.reports || again.teams != got.teams {
				t.Errorf("second start: %+v, first: %+v", again, got)
			}
		})
	}
}

// checkDemoDirectory checks the people and rules the demo promises.
func checkDemoDirectory(t *testing.T, db *store.DB) {
	t.Helper()
	err := db.View(func(tx *store.Tx) error {
		for _, c := range []struct {
			team   string
			max    int
			collab bool
		}{
			{"DEMO-DT-HB", 3, true}, {"DEMO-DT-PT", 3, true}, // Xã Đức Thọ: three, then collaborators
			{"DEMO-TS-3", 10, false}, {"DEMO-TS-5", 10, false}, // Phường Thành Sen: up to ten
		} {
			pol, err := tx.EffectivePolicy(c.team)
			if err != nil {
				return err
			}
			if pol.MaxMembers != c.max || pol.Collaborators != c.collab || pol.CutoffDay != 20 || pol.QuestionSet != "demo-ha-tinh" {
				t.Errorf("%s: policy %+v", c.team, pol)
			}
			team, _, _ := tx.Team(c.team)
			if !strings.HasPrefix(team.Name, "[DEMO]") {
				t.Errorf("%s: name %q is not labelled [DEMO]", c.team, team.Name)
			}
			roles := map[string]int{}
			roster, _ := tx.Roster(c.team)
			for _, m := range roster {
				roles[m.Role]++
			}
			if roles[store.RoleLeader] != 1 || roles[store.RoleDeputy] != 1 {
				t.Errorf("%s: roster %v, want a leader and a deputy", c.team, roles)
			}
			if a, ok, _ := tx.ApproverFor(c.team); !ok || !strings.Contains(a.Name, "[DEMO]") {
				t.Errorf("%s: approver %+v", c.team, a)
			}
		}
		if room, _ := tx.RoomIn("DEMO-DT-HB"); room.Members != 3 || !room.Full() {
			t.Errorf("DEMO-DT-HB: %+v, want 3 members and full (so volunteers become collaborators)", room)
		}
		officers, _ := tx.Officers()
		if len(officers) != 1 || officers[0].GroupID == "" || officers[0].Scope != "42" {
			t.Errorf("officers: %+v", officers)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDemoNotOnANonEmptyDatabase(t *testing.T) {
	db := openAt(t, filepath.Join(t.TempDir(), "cdtbot.db"), time.Date(2026, 11, 23, 9, 0, 0, 0, mustHCM(t)))
	defer db.Close()
	if _, err := importer.ImportFile(db, "../../testdata/transcripts/tung-anh.json"); err != nil {
		t.Fatal(err)
	}
	if notice := seedDemoQuietly(t, db); notice != "" {
		t.Errorf("printed %q on a database with units", notice)
	}
	db.View(func(tx *store.Tx) error {
		if _, ok, _ := tx.Team("DEMO-TS-3"); ok {
			t.Error("demo teams added to a database that had units")
		}
		return nil
	})
}

// TestServeLoadsTheDemoUnlessAskedNot: serve in sandbox mode fills an empty file, not with
// --no-demo or CDTBOT_NO_DEMO=1 (and never outside sandbox mode).
func TestServeLoadsTheDemoUnlessAskedNot(t *testing.T) {
	old := demoOut
	demoOut = &bytes.Buffer{}
	defer func() { demoOut = old }()
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want bool
	}{
		{"sandbox", nil, nil, true},
		{"--no-demo", nil, []string{"--no-demo"}, false},
		{"CDTBOT_NO_DEMO", map[string]string{"CDTBOT_NO_DEMO": "1"}, nil, false},
		{"production", map[string]string{"ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "k", "ZALO_APP_SECRET_KEY": "s",
			"ZALO_ACCESS_TOKEN": "a", "ZALO_REFRESH_TOKEN": "r", "ZALO_API_BASE": "http://127.0.0.1:1", "ZALO_OAUTH_BASE": "http://127.0.0.1:1"}, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cdtbot.db")
			env := map[string]string{"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": path, "CDTBOT_LOG_LEVEL": "warn"}
			for k, v := range c.env {
				env[k] = v
			}
			stop := startServeArgs(t, env, c.args)
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			db := openAt(t, path, time.Now())
			defer db.Close()
			if got := readDemo(t, db).teams > 0; got != c.want {
				t.Errorf("demo loaded = %v, want %v", got, c.want)
			}
		})
	}
}

// startServeArgs runs "serve ARGS..." in-process until it listens, and returns its stop function.
func startServeArgs(t *testing.T, env map[string]string, args []string) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), envOf(env), out, errOut) }()
	for deadline := time.Now().Add(10 * time.Second); !listenRE.MatchString(out.String()); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v\n%s", err, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s\n%s", out.String(), errOut.String())
		}
	}
	return func() error { cancel(); return <-done }
}

// TestDemoDirectoryFile: testdata/demo/directory.json is the demo as a directory file anyone can
// import, and its province and communes are real ones of the national list.
func TestDemoDirectoryFile(t *testing.T) {
	if *updateDemo {
		if err := os.MkdirAll(filepath.Dir(demoCopy), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(demoCopy, []byte(demoDirectory), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(demoCopy)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/cdtbot -run TestDemoDirectoryFile -update-demo)", err)
	}
	if string(got) != demoDirectory {
		t.Errorf("%s differs from demo.go: run go test ./cmd/cdtbot -run TestDemoDirectoryFile -update-demo", demoCopy)
	}

	var national []struct {
		Code, Name, FullName string
		Wards                []struct{ Code, Name, FullName string }
	}
	raw, err := os.ReadFile("../../testdata/units/vn-units-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &national); err != nil {
		t.Fatal(err)
	}
	real := map[string]string{}
	for _, p := range national {
		real[p.Code] = p.FullName
		for _, w := range p.Wards {
			real[w.Code] = w.FullName
		}
	}
	var dir struct {
		Units []struct {
			Code     string `json:"code"`
			FullName string `json:"full_name"`
		}
	}
	if err := json.Unmarshal([]byte(demoDirectory), &dir); err != nil {
		t.Fatal(err)
	}
	for _, u := range dir.Units {
		if strings.Contains(u.Code, ".") {
			continue // invented villages and residential groups, below real communes
		}
		if full, ok := real[u.Code]; !ok || full != u.FullName {
			t.Errorf("unit %s %q: the national list has %q", u.Code, u.FullName, full)
		}
	}
}
