package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// Tokens distinctive enough to notice if doctor ever printed them.
const (
	doctorAccess  = "AT-do-not-print-7f3a"
	doctorRefresh = "RT-do-not-print-9c1e"
	doctorTpl     = "250101"
	doctorAt      = "2026-11-26T09:00:00+07:00" // default policy: cutoff 30/11, reminders 27 (leaders), 29 and 30/11
)

// doctorWorld is a healthy setup: a fake Zalo, a webhook, and a database
// whose directory names only groups the OA is in and whose leaders are all
// reachable.
type doctorWorld struct {
	fake      *zalotest.Server
	dbPath    string
	env       map[string]string
	hookState *atomic.Int32
}

func newDoctorWorld(t *testing.T) *doctorWorld {
	t.Helper()
	fake := zalotest.New("app-1", "app-secret", doctorAccess, doctorRefresh)
	t.Cleanup(fake.Close)
	fake.SetOA("4321", "Tổ CĐS Đức Thọ")
	fake.AddGroup("g-commune", "Tổ CĐS xã Tùng Ảnh")
	fake.AddGroup("g-t2", "Thôn 2")
	fake.AddGroup("g-officers", "Cán bộ huyện")
	fake.AddZNSTemplate(doctorTpl, reminders.ZNSKeys)

	status := &atomic.Int32{}
	status.Store(http.StatusOK)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/webhook/zalo" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(hook.Close)

	dbPath := filepath.Join(t.TempDir(), "cdtbot.db")
	at, _ := time.Parse(time.RFC3339, doctorAt)
	seedDoctorDB(t, dbPath, func(tx *store.Tx) error {
		for _, u := range []store.Unit{
			{Code: "42", Name: "Hà Tĩnh", Level: "tỉnh"},
			{Code: "42.436", Name: "Tùng Ảnh", Level: "xã", Parent: "42", GroupID: "g-commune"},
			{Code: "42.436.01", Name: "Thôn 1", Level: "thôn", Parent: "42.436"},
			{Code: "42.436.02", Name: "Thôn 2", Level: "thôn", Parent: "42.436"},
		} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		if err := tx.PutTeam(store.Team{Code: "T1", Name: "Tổ CĐS Thôn 1", Unit: "42.436.01"}); err != nil {
			return err
		}
		if err := tx.PutTeam(store.Team{Code: "T2", Name: "Tổ CĐS Thôn 2", Unit: "42.436.02", GroupID: "g-t2"}); err != nil {
			return err
		}
		if err := tx.PutOfficer(store.Officer{ID: "o1", Name: "Phòng VHTT", GroupID: "g-officers", Scope: "42"}); err != nil {
			return err
		}
		for _, p := range []struct {
			id, name, team, role string
			seen                 time.Time
		}{
			{"u-l1", "Nguyễn Văn An", "T1", store.RoleLeader, at.AddDate(0, 0, -1)}, // in the window at the reminder
			{"u-d1", "Trần Thị Bình", "T1", store.RoleDeputy, at.AddDate(0, 0, -2)},
			{"u-l2", "Lê Văn Cường", "T2", store.RoleLeader, time.Time{}}, // never wrote: reached through g-t2
		} {
			if err := tx.PutPerson(store.Person{ZaloID: p.id, Name: p.name}); err != nil {
				return err
			}
			if err := tx.SetRole(p.team, p.id, p.role); err != nil {
				return err
			}
			if !p.seen.IsZero() {
				if err := tx.SetLastSeen(p.id, p.seen); err != nil {
					return err
				}
			}
		}
		return tx.SaveToken(store.TokenPair{AccessToken: doctorAccess, RefreshToken: doctorRefresh, Source: "oauth", ExpiresAt: time.Now().Add(20 * time.Hour)})
	})

	return &doctorWorld{fake: fake, dbPath: dbPath, hookState: status, env: map[string]string{
		"ZALO_APP_ID":                "app-1",
		"ZALO_APP_SECRET_KEY":        "app-secret",
		"ZALO_OA_SECRET_KEY":         "oa-secret",
		"ZALO_API_BASE":              fake.URL,
		"ZALO_OAUTH_BASE":            fake.URL,
		"ZALO_ZNS_BASE":              fake.URL,
		"ZALO_ZNS_TEMPLATE_REMINDER": doctorTpl,
		"CDTBOT_PUBLIC_URL":          hook.URL,
		"CDTBOT_DB":                  dbPath,
	}}
}

func seedDoctorDB(t *testing.T, path string, fn func(tx *store.Tx) error) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// doctor runs the command; it returns stdout and the error.
func (w *doctorWorld) doctor(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"doctor", "--at", doctorAt}, args...), envOf(w.env), &out, &errOut)
	if errOut.Len() > 0 {
		t.Errorf("stderr: %s", errOut.String())
	}
	s := out.String()
	if strings.Contains(s, doctorAccess) || strings.Contains(s, doctorRefresh) || strings.Contains(s, "app-secret") || strings.Contains(s, "oa-secret") {
		t.Errorf("doctor printed a secret:\n%s", s)
	}
	return s, err
}

// checkLine returns the line of the named check with the given mark, "" when none.
func checkLine(out, mark, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, mark+" "+name+":") {
			return l
		}
	}
	return ""
}

func TestDoctorHealthy(t *testing.T) {
	w := newDoctorWorld(t)
	out, err := w.doctor(t)
	t.Logf("output:\n%s", out)
	if err != nil {
		t.Fatalf("healthy account: %v", err)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" || l == "all checks passed" || strings.HasPrefix(l, "    ") {
			continue
		}
		if !strings.HasPrefix(l, markOK+" ") {
			t.Errorf("not ✓: %s", l)
		}
	}
	for _, want := range []string{
		"✓ credentials: app id app-1",
		"✓ token: stored pair (source oauth), expires in 20h",
		`✓ token valid: OA "Tổ CĐS Đức Thọ" (id 4321), verified`,
		"✓ groups: the OA is in all 3 groups named in the directory",
		`✓ ZNS template: 250101 "Template 250101": ENABLE, params name, team, period, deadline, status`,
		"✓ ZNS quota: 500 a day, 500 left today",
		"✓ webhook: " + w.env["CDTBOT_PUBLIC_URL"] + "/webhook/zalo answers 200",
		"✓ people: 3 leaders and deputies to remind next; 1 outside the 7-day window then (0 by ZNS, 1 by group), all reachable",
		"all checks passed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	if n := w.fake.Refreshes(); n != 0 {
		t.Errorf("doctor refreshed the token %d times", n)
	}
}

func TestDoctorFailures(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(t *testing.T, w *doctorWorld)
		check  string // the check that must fail
		advice []string
	}{
		{
			name:   "revoked token",
			break_: func(t *testing.T, w *doctorWorld) { w.fake.RevokeRefreshToken() },
			check:  "token valid",
			advice: []string{"token refused: run `cdtbot token set --access … --refresh …` or authorise again at " + "PUBLIC/oauth/zalo/start", "cdtbot token authorize"},
		},
		{
			name: "directory group the OA is not in",
			break_: func(t *testing.T, w *doctorWorld) {
				seedDoctorDB(t, w.dbPath, func(tx *store.Tx) error {
					return tx.PutTeam(store.Team{Code: "T3", Name: "Tổ CĐS Thôn 3", Unit: "42.436.02", GroupID: "g-gone"})
				})
			},
			check:  "groups",
			advice: []string{"g-gone: team T3 (Tổ CĐS Thôn 3)", "add the OA to the group or fix group_id"},
		},
		{
			name: "ZNS template pending review",
			break_: func(t *testing.T, w *doctorWorld) {
				w.fake.SetZNSTemplateStatus(doctorTpl, "PENDING_REVIEW")
			},
			check:  "ZNS template",
			advice: []string{"status PENDING_REVIEW, want ENABLE", "wait for Zalo's review"},
		},
		{
			name: "ZNS template with a param cdtbot does not send",
			break_: func(t *testing.T, w *doctorWorld) {
				w.fake.AddZNSTemplate(doctorTpl, append([]string{"code"}, reminders.ZNSKeys...))
			},
			check:  "ZNS template params",
			advice: []string{"the template needs code, which cdtbot does not send", "use a template whose params are among name, team, period, deadline, status"},
		},
		{
			name:   "webhook answers 401",
			break_: func(t *testing.T, w *doctorWorld) { w.hookState.Store(http.StatusUnauthorized) },
			check:  "webhook",
			advice: []string{"POST {} → 401, GET → 401", "it refused Zalo's unsigned check"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newDoctorWorld(t)
			tc.break_(t, w)
			out, err := w.doctor(t)
			if err == nil || !strings.Contains(err.Error(), "1 check failed") {
				t.Errorf("err = %v, want doctor: 1 check failed", err)
			}
			if checkLine(out, markFail, tc.check) == "" {
				t.Errorf("no ✗ %s line", tc.check)
			}
			for _, a := range tc.advice {
				if a = strings.ReplaceAll(a, "PUBLIC", w.env["CDTBOT_PUBLIC_URL"]); !strings.Contains(out, a) {
					t.Errorf("missing %q", a)
				}
			}
			t.Logf("output:\n%s", out)
		})
	}

	// A pending template with a missing param: both fail; reminders by ZNS are not counted on.
	t.Run("pending template missing a param", func(t *testing.T) {
		w := newDoctorWorld(t)
		w.fake.AddZNSTemplate(doctorTpl, []string{"name", "team", "period", "deadline", "code"})
		w.fake.SetZNSTemplateStatus(doctorTpl, "PENDING_REVIEW")
		out, err := w.doctor(t)
		if err == nil || !strings.Contains(err.Error(), "2 checks failed") {
			t.Errorf("err = %v", err)
		}
		for _, l := range []string{checkLine(out, markFail, "ZNS template"), checkLine(out, markFail, "ZNS template params"), checkLine(out, markWarn, "ZNS template params")} {
			if l == "" {
				t.Errorf("want ✗ status, ✗ params (code) and ! params (status):\n%s", out)
			}
		}
	})
}

// With no network and nothing configured, every check still prints.
func TestDoctorNothingWorks(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	env := map[string]string{
		"ZALO_ACCESS_TOKEN": doctorAccess, "ZALO_REFRESH_TOKEN": doctorRefresh,
		"ZALO_API_BASE": deadURL, "ZALO_ZNS_BASE": deadURL, "CDTBOT_PUBLIC_URL": deadURL,
		"CDTBOT_DB": filepath.Join(t.TempDir(), "none.db"),
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"doctor"}, envOf(env), &out, &errOut)
	s := out.String()
	t.Logf("output:\n%s", s)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"✗ credentials: missing ZALO_APP_ID, ZALO_APP_SECRET_KEY, ZALO_OA_SECRET_KEY",
		"! database: ", "✓ token: environment pair (ZALO_ACCESS_TOKEN), expiry unknown",
		"✗ token valid: ", "Zalo did not answer", "! groups: not checked", "! ZNS: no ZNS template",
		"✗ webhook: ", "! people: not checked",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if strings.Contains(s, doctorAccess) {
		t.Error("printed the access token")
	}
}

// While a server holds the database, doctor says so and checks the environment pair.
func TestDoctorDatabaseLocked(t *testing.T) {
	w := newDoctorWorld(t)
	w.env["ZALO_ACCESS_TOKEN"], w.env["ZALO_REFRESH_TOKEN"] = doctorAccess, doctorRefresh
	db, err := store.Open(w.dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := w.doctor(t)
	if err != nil {
		t.Errorf("err = %v\n%s", err, out)
	}
	for _, want := range []string{
		"! database: " + w.dbPath + " is in use by a running server",
		"✓ token: environment pair (ZALO_ACCESS_TOKEN); the running server may have refreshed it since",
		"✓ token valid:",
		`! groups: the OA is in 3 groups; the directory is not readable`,
		`"Thôn 2" (g-t2)`,
		"! people: not checked",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// Two leaders outside the 7-day window: one has a phone and ZNS is configured
// (reachable); the other has no phone and no group (unreachable, listed).
func TestDoctorPeople(t *testing.T) {
	w := newDoctorWorld(t)
	at, _ := time.Parse(time.RFC3339, doctorAt)
	seedDoctorDB(t, w.dbPath, func(tx *store.Tx) error {
		for _, u := range []store.Unit{
			{Code: "43", Name: "Quảng Nam", Level: "tỉnh"},
			{Code: "43.501", Name: "Tam Kỳ", Level: "xã", Parent: "43"},
		} {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		for _, p := range []struct {
			team, name, leader, phone string
		}{
			{"Q1", "Tổ CĐS Tam Kỳ 1", "Phạm Thị Dung", "0912 345 678"},
			{"Q2", "Tổ CĐS Tam Kỳ 2", "Hoàng Văn Em", ""},
		} {
			if err := tx.PutTeam(store.Team{Code: p.team, Name: p.name, Unit: "43.501"}); err != nil {
				return err
			}
			id := "u-" + p.team
			if err := tx.PutPerson(store.Person{ZaloID: id, Name: p.leader, Phone: p.phone}); err != nil {
				return err
			}
			if err := tx.SetRole(p.team, id, store.RoleLeader); err != nil {
				return err
			}
			if err := tx.SetLastSeen(id, at.AddDate(0, -1, 0)); err != nil {
				return err
			}
		}
		return nil
	})
	out, err := w.doctor(t)
	if err != nil {
		t.Errorf("unreachable people are a warning, not a failure: %v", err)
	}
	line := checkLine(out, markWarn, "people")
	if want := "! people: 5 leaders and deputies to remind next; 3 outside the 7-day window then (1 by ZNS, 1 by group); 1 unreachable:"; line != want {
		t.Errorf("people line\n%s\nwant\n%s\n%s", line, want, out)
	}
	for _, want := range []string{
		"    Hoàng Văn Em (leader, Tổ CĐS Tam Kỳ 2 (Q2)): reminder 27/11/2026, last wrote 26/10/2026",
		"    → ask them to message the OA, add a phone, or link a group",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "Phạm Thị Dung") {
		t.Errorf("the leader with a phone is listed as unreachable:\n%s", out)
	}

	// Without ZNS the phone does not help: both are unreachable.
	delete(w.env, "ZALO_ZNS_TEMPLATE_REMINDER")
	out, _ = w.doctor(t)
	if line := checkLine(out, markWarn, "people"); !strings.Contains(line, "2 unreachable") || !strings.Contains(out, "Phạm Thị Dung (leader") {
		t.Errorf("without ZNS:\n%s", out)
	}
}
