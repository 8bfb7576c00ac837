package reminders

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

var hcm = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func ip(n int) *int { return &n }

// world is a small directory: three communes with cutoffs on the 5th, 20th and 30th.
//
//	A (cutoff 5, closes the previous month): team A1, leader a1 + deputy a1d, never files
//	B (cutoff 20): team B1 (leader b1) never files; team B2 (leader b2) files on the first day it can
//	C (cutoff 30): team C1 (leader c1) files late, at 10:00 the day after the cutoff
//	an officer group over the whole province; approvers chA, chB, chC
func world(t *testing.T) (*store.DB, *Sweeper) { return worldAt(t, nil) }

// worldAt is world on a database whose clock is now (nil: the real one).
func worldAt(t *testing.T, now func() time.Time) (*store.DB, *Sweeper) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(func(tx *store.Tx) error {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(tx.PutUnit(store.Unit{Code: "P", Name: "Tỉnh Thử", Level: "tỉnh"}))
		for _, c := range []struct {
			code string
			day  int
		}{{"A", 5}, {"B", 20}, {"C", 30}} {
			must(tx.PutUnit(store.Unit{Code: c.code, Name: "Xã " + c.code, Level: "xã", Parent: "P", Policy: &store.Policy{CutoffDay: ip(c.day)}}))
			must(tx.PutApprover(store.Approver{Unit: c.code, ZaloID: "ch" + c.code}))
		}
		for _, tm := range []struct{ code, unit string }{{"A1", "A"}, {"B1", "B"}, {"B2", "B"}, {"C1", "C"}} {
			must(tx.PutUnit(store.Unit{Code: tm.unit + "." + tm.code, Name: "Thôn " + tm.code, Level: "thôn", Parent: tm.unit}))
			must(tx.PutTeam(store.Team{Code: tm.code, Name: "Tổ " + tm.code, Unit: tm.unit + "." + tm.code}))
			lead := strings.ToLower(tm.code)
			must(tx.PutPerson(store.Person{ZaloID: lead, Name: "Trưởng " + tm.code}))
			must(tx.SetRole(tm.code, lead, store.RoleLeader))
		}
		must(tx.PutPerson(store.Person{ZaloID: "a1d", Name: "Phó A1"}))
		must(tx.SetRole("A1", "a1d", store.RoleDeputy))
		must(tx.PutOfficer(store.Officer{ID: "so", Name: "Sở KH&CN", GroupID: "grp", Scope: "P"}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, &Sweeper{DB: db, Loc: hcm, Enqueue: recordEnqueue}
}

// recordEnqueue puts the message itself in the outbox, so it commits or rolls back with the sweep.
func recordEnqueue(tx *store.Tx, m Message) error {
	body, _ := json.Marshal(m)
	to, ep := m.ToUser, store.EndpointUser
	if m.ToGroup != "" {
		to, ep = m.ToGroup, store.EndpointGroup
	}
	_, err := tx.Enqueue(store.OutMsg{Priority: store.PriorityBulk, Endpoint: ep, To: to, Body: body, NextAt: m.NotBefore})
	return err
}

// drain takes every queued message out of the outbox, returning their keys.
func drain(t *testing.T, db *store.DB) []Message {
	t.Helper()
	var out []Message
	err := db.Update(func(tx *store.Tx) error {
		ms, err := tx.Outbox()
		if err != nil {
			return err
		}
		for _, m := range ms {
			var msg Message
			if err := json.Unmarshal(m.Body, &msg); err != nil {
				return err
			}
			out = append(out, msg)
			if err := tx.Settle(m.Priority, m.Seq, store.Outcome{Status: store.StatusSent}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(ms []Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key)
	}
	sort.Strings(out)
	return out
}

// daysIn is written without the time package's calendar arithmetic, as an independent check.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// cutoffOf is the cutoff date of period (y, m) for a cutoff day: the 5th closes the previous month.
func cutoffOf(y int, m time.Month, day int) (int, time.Month, int) {
	if day <= 10 {
		m++
		if m > 12 {
			m, y = 1, y+1
		}
	}
	return y, m, min(day, daysIn(y, m))
}

type ymd struct {
	y int
	m time.Month
	d int
}

func (a ymd) plus(n int) ymd {
	for ; n > 0; n-- {
		a.d++
		if a.d > daysIn(a.y, a.m) {
			a.d, a.m = 1, a.m+1
			if a.m > 12 {
				a.m, a.y = 1, a.y+1
			}
		}
	}
	for ; n < 0; n++ {
		a.d--
		if a.d == 0 {
			a.m--
			if a.m == 0 {
				a.m, a.y = 12, a.y-1
			}
			a.d = daysIn(a.y, a.m)
		}
	}
	return a
}

// expected lists the keys due on one day for the world above, derived from the rules by hand.
func expected(day ymd) []string {
	var out []string
	type team struct {
		code, commune string
		cutoff        int
		deputy        bool
		reminded      bool // false for B2, which files on the first day
	}
	teams := []team{{"A1", "A", 5, true, true}, {"B1", "B", 20, false, true}, {"B2", "B", 20, false, false}, {"C1", "C", 30, false, true}}
	approverTeams := map[string]int{}
	digest := map[string]bool{}
	for _, tm := range teams {
		for _, y := range []int{day.y - 1, day.y, day.y + 1} {
			for m := time.January; m <= time.December; m++ {
				cy, cm, cd := cutoffOf(y, m, tm.cutoff)
				cut := ymd{cy, cm, cd}
				period := fmt.Sprintf("%04d-%02d", y, int(m))
				if tm.reminded {
					for _, d := range []int{3, 1, 0} {
						if cut.plus(-d) == day {
							out = append(out, fmt.Sprintf("remind|%s|%s|%d|leader", tm.code, period, d))
							if tm.deputy && d <= 1 {
								out = append(out, fmt.Sprintf("remind|%s|%s|%d|deputy", tm.code, period, d))
							}
						}
					}
					if cut.plus(1) == day {
						out = append(out, fmt.Sprintf("overdue|%s|%s", tm.code, period))
						approverTeams[fmt.Sprintf("approver|%s|%s|%04d-%02d-%02d", tm.commune, period, cy, int(cm), cd)]++
					}
				}
				if cut.plus(-3) == day {
					digest[fmt.Sprintf("digest|so|%s|%04d-%02d-%02d|before", period, cy, int(cm), cd)] = true
				}
				if cut.plus(1) == day {
					digest[fmt.Sprintf("digest|so|%s|%04d-%02d-%02d|after", period, cy, int(cm), cd)] = true
				}
			}
		}
	}
	for k := range approverTeams {
		out = append(out, k)
	}
	for k := range digest {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// file records a report for a team at an instant.
func file(t *testing.T, db *store.DB, team, period string, at time.Time) {
	t.Helper()
	if err := db.Update(func(tx *store.Tx) error {
		_, err := tx.SaveReport(store.Report{Team: team, Period: period, FiledBy: strings.ToLower(team), Role: store.RoleLeader, FiledAt: at, Answers: map[string]string{}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// walk sweeps every day of a year at 08:00 (filing B2 early and C1 late as in the world's story) and
// compares the day's messages with the hand-derived list. skip lists days the server was down.
func walk(t *testing.T, year int, skip map[ymd]bool) {
	db, s := world(t)
	skip = freshStart(ymd{year, 1, 1}, skip)
	total := 0
	for day := (ymd{year, 1, 1}); day.y == year; day = day.plus(1) {
		at := time.Date(day.y, day.m, day.d, 8, 0, 0, 0, hcm)
		// B2 files on the first day of each period's window (its month for a cutoff on the 20th).
		if day.d == 1 {
			file(t, db, "B2", fmt.Sprintf("%04d-%02d", day.y, int(day.m)), at.Add(-time.Hour))
		}
		if skip[day] {
			continue
		}
		sent, err := s.Sweep(at, false)
		if err != nil {
			t.Fatal(err)
		}
		got := keys(drain(t, db))
		if len(got) != len(sent) {
			t.Fatalf("%v: sweep reported %d, outbox has %d", day, len(sent), len(got))
		}
		want := expected(day)
		if skip[day.plus(-1)] {
			want = afterDowntime(day, skip)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%04d-%02d-%02d:\ngot  %v\nwant %v", day.y, day.m, day.d, got, want)
		}
		total += len(got)
		// C1 files late: at 10:00 the day after its cutoff, after the overdue notice went out.
		for _, k := range got {
			if strings.HasPrefix(k, "overdue|C1|") {
				file(t, db, "C1", strings.Split(k, "|")[2], at.Add(2*time.Hour))
			}
		}
		// A second run the same day sends nothing.
		if again, err := s.Sweep(at.Add(5*time.Hour), false); err != nil || len(again) != 0 {
			t.Fatalf("%v: second run sent %v (err %v)", day, keys(again), err)
		}
	}
	t.Logf("%d: %d messages over the year", year, total)
}

// freshStart marks the week before day as downtime: a new server catches up on it.
func freshStart(day ymd, skip map[ymd]bool) map[ymd]bool {
	out := map[ymd]bool{}
	for k, v := range skip {
		out[k] = v
	}
	for i := 1; i <= 7; i++ {
		out[day.plus(-i)] = true
	}
	return out
}

// afterDowntime is what a sweep sends on the first day back: per team and period only the
// latest reminder whose cutoff has not passed; overdue notices and digests still due within a week.
func afterDowntime(day ymd, skip map[ymd]bool) []string {
	set := map[string]bool{}
	latest := map[string]string{} // team|period → key of the latest reminder
	for back := 0; back < 7; back++ {
		d := day.plus(-back)
		if back > 0 && !skip[d] {
			break
		}
		for _, k := range expected(d) {
			parts := strings.Split(k, "|")
			switch parts[0] {
			case "remind":
				id := parts[1] + "|" + parts[2] + "|" + parts[4]
				if _, ok := latest[id]; !ok {
					latest[id] = k // the walk goes backwards: the first seen is the latest
				}
			case "digest":
				// The digest before a cutoff is pointless once the cutoff has passed.
				if parts[4] == "before" && parts[3] < fmt.Sprintf("%04d-%02d-%02d", day.y, int(day.m), day.d) {
					continue
				}
				set[k] = true
			default:
				set[k] = true
			}
		}
	}
	for _, k := range latest {
		parts := strings.Split(k, "|")
		// Dropped when its cutoff passed during the downtime: an overdue notice for the same period is due.
		if set["overdue|"+parts[1]+"|"+parts[2]] {
			continue
		}
		set[k] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestYearWalkCommonYear(t *testing.T) { walk(t, 2027, nil) }

func TestYearWalkLeapYear(t *testing.T) {
	// February 2028 has 29 days: the cutoff on the 30th falls on the 29th.
	if got := expected(ymd{2028, 2, 29}); !contains(got, "remind|C1|2028-02|0|leader") {
		t.Fatalf("29 Feb 2028 should remind C1 for its cutoff day: %v", got)
	}
	if got := expected(ymd{2027, 2, 28}); !contains(got, "remind|C1|2027-02|0|leader") {
		t.Fatalf("28 Feb 2027 should remind C1 for its cutoff day: %v", got)
	}
	walk(t, 2028, nil)
}

func TestDowntimeAcrossReminderTimes(t *testing.T) {
	// Down from 17 to 21 November 2028: the cutoffs of the 20th pass unseen.
	skip := map[ymd]bool{}
	for d := 17; d <= 21; d++ {
		skip[ymd{2028, 11, d}] = true
	}
	got := afterDowntime(ymd{2028, 11, 22}, skip)
	if contains(got, "remind|B1|2028-11|0|leader") || !contains(got, "overdue|B1|2028-11") {
		t.Fatalf("after downtime: reminders for a passed cutoff must be dropped, the overdue notice sent: %v", got)
	}
	walk(t, 2028, skip)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCrashInTheMiddleOfASweepSendsEachOnce(t *testing.T) {
	db, s := world(t)
	s.Chunk = 2
	at := time.Date(2027, 12, 2, 8, 0, 0, 0, hcm) // a new server: A1 reminded for 5 Dec, C1 overdue since 1 Dec, approver C, digests
	want := afterDowntime(ymd{2027, 12, 2}, freshStart(ymd{2027, 12, 2}, nil))
	if len(want) < 4 {
		t.Fatalf("test day too quiet: %v", want)
	}
	calls := 0
	s.Enqueue = func(tx *store.Tx, m Message) error {
		calls++
		if calls == 3 { // dies in the second transaction
			return errors.New("killed")
		}
		return recordEnqueue(tx, m)
	}
	if _, err := s.Sweep(at, false); err == nil {
		t.Fatal("the crashing sweep reported no error")
	}
	s.Enqueue = recordEnqueue
	if _, err := s.Sweep(at, false); err != nil {
		t.Fatal(err)
	}
	if got := keys(drain(t, db)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after crash and re-run:\ngot  %v\nwant %v", got, want)
	}
}

func TestOverlappingRunsSendEachOnce(t *testing.T) {
	db, s := world(t)
	at := time.Date(2027, 12, 2, 8, 0, 0, 0, hcm)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Sweep(at, false); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, want := keys(drain(t, db)), afterDowntime(ymd{2027, 12, 2}, freshStart(ymd{2027, 12, 2}, nil)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("overlapping runs:\ngot  %v\nwant %v", got, want)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	db, s := world(t)
	at := time.Date(2027, 12, 2, 8, 0, 0, 0, hcm)
	plan, err := s.Sweep(at, true)
	if err != nil || len(plan) == 0 {
		t.Fatalf("dry run: %v %v", plan, err)
	}
	if got := drain(t, db); len(got) != 0 {
		t.Fatalf("dry run queued %d messages", len(got))
	}
	sent, _ := s.Sweep(at, false)
	if strings.Join(keys(sent), ",") != strings.Join(keys(plan), ",") {
		t.Errorf("the real run differs from the dry run")
	}
}

func TestNightMessagesWaitForTheMorning(t *testing.T) {
	db, s := world(t)
	at := time.Date(2027, 12, 2, 22, 30, 0, 0, hcm) // the server was down at 08:00 and came back at night
	if _, err := s.Sweep(at, false); err != nil {
		t.Fatal(err)
	}
	var msgs []store.OutMsg
	db.View(func(tx *store.Tx) error { msgs, _ = tx.Outbox(); return nil })
	want := time.Date(2027, 12, 3, 7, 0, 0, 0, hcm)
	if len(msgs) == 0 {
		t.Fatal("nothing queued")
	}
	for _, m := range msgs {
		if !m.NextAt.Equal(want) {
			t.Errorf("message to %s not before %v, want %v", m.To, m.NextAt, want)
		}
	}
}

// A leader no channel reached last time is still reminded (the sender's ladder may reach them now:
// a ZNS template or a group linked since) and is named in the digest until something gets through.
func TestUnreachableLeaderIsStillRemindedAndNamedInTheDigest(t *testing.T) {
	db, s := world(t)
	db.Update(func(tx *store.Tx) error { return tx.MarkUnreachable("b1", -230) })
	at := time.Date(2027, 11, 17, 8, 0, 0, 0, hcm) // 3 days before the 20th
	file(t, db, "B2", "2027-11", at.Add(-48*time.Hour))
	sent, err := s.Sweep(at, false)
	if err != nil {
		t.Fatal(err)
	}
	var digest string
	reminded := false
	for _, m := range sent {
		if m.ToUser == "b1" && m.Kind == KindReminder {
			reminded = true
			// The name is the sender's to add, when the message does go by ZNS (bot/delivery_test.go).
			if got, want := fmt.Sprint(m.ZNS.Map()), "map[deadline:20/11/2027 period:11/2027 status:còn 3 ngày team:Tổ B1]"; got != want {
				t.Errorf("ZNS data = %s, want %s", got, want)
			}
		}
		if m.Kind == KindDigest {
			digest = m.Text
		}
	}
	if !reminded {
		t.Error("a leader marked unreachable got no reminder: the ladder never had a chance")
	}
	for _, want := range []string{
		"Tình hình báo cáo tháng 11/2027 — Sở KH&CN",
		"Hạn chót: 20/11/2027 (còn 3 ngày)",
		"Đã báo cáo: 1/2 tổ (50%) — đúng hạn 1, trễ hạn 0.",
		"• Tổ B1 — tổ trưởng Trưởng B1 [@b1] — không liên lạc được",
		"Không liên lạc được qua Zalo (nhắc trực tiếp giúp): Trưởng B1 (Tổ B1)",
	} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest lacks %q:\n%s", want, digest)
		}
	}
}

func TestDigestOnDemandAndSplitting(t *testing.T) {
	db, s := world(t)
	at := time.Date(2027, 11, 25, 15, 0, 0, 0, hcm)
	var text string
	db.View(func(tx *store.Tx) error {
		os, _ := tx.Officers()
		var err error
		text, err = s.Digest(tx, os[0], at, store.Period{})
		return err
	})
	// Three cutoffs in scope: three sections, one per period and cutoff.
	for _, want := range []string{"tháng 10/2027", "Hạn chót: 05/11/2027 (đã quá hạn 20 ngày)", "Hạn chót: 20/11/2027", "Hạn chót: 30/11/2027 (còn 5 ngày)"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
}

func TestLargeScopeDigestIsGroupedByCommuneAndSplits(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Update(func(tx *store.Tx) error {
		tx.PutUnit(store.Unit{Code: "H", Name: "Đức Thọ", Level: "huyện"})
		for c := 1; c <= 40; c++ {
			cc := fmt.Sprintf("H.%02d", c)
			tx.PutUnit(store.Unit{Code: cc, Name: fmt.Sprintf("Xã Số %d", c), Level: "xã", Parent: "H"})
			tx.PutApprover(store.Approver{Unit: cc, ZaloID: "ch" + cc})
			for v := 1; v <= 8; v++ {
				vc := fmt.Sprintf("%s.%d", cc, v)
				tx.PutUnit(store.Unit{Code: vc, Name: fmt.Sprintf("Thôn %d", v), Level: "thôn", Parent: cc})
				tx.PutTeam(store.Team{Code: "T" + vc, Name: "Tổ thôn " + vc, Unit: vc})
				tx.PutPerson(store.Person{ZaloID: "L" + vc, Name: "Người " + vc})
				tx.SetRole("T"+vc, "L"+vc, store.RoleLeader)
			}
		}
		return tx.PutOfficer(store.Officer{ID: "vhtt", Name: "Phòng VH-TT", GroupID: "g", Scope: "H"})
	})
	s := &Sweeper{DB: db, Loc: hcm}
	var text string
	db.View(func(tx *store.Tx) error {
		os, _ := tx.Officers()
		text, err = s.Digest(tx, os[0], time.Date(2027, 11, 27, 9, 0, 0, 0, hcm), store.Period{})
		return err
	})
	lines := strings.Split(text, "\n")
	communeLines := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "• Xã Số ") {
			communeLines++
			// 8 missing teams: 5 named, the rest counted.
			if !strings.Contains(l, "0/8 (0%)") || !strings.Contains(l, " và 3 tổ khác") || strings.Count(l, "[@") != 5 {
				t.Fatalf("commune line: %s", l)
			}
		}
	}
	if communeLines != 40 || !strings.Contains(text, "Đã báo cáo: 0/320 tổ (0%)") {
		t.Fatalf("%d commune lines in:\n%.600s", communeLines, text)
	}
	parts := zalo.SplitText(text, zalo.MaxTextLen)
	if len(parts) < 2 {
		t.Fatalf("a %d-character digest should need several messages", len([]rune(text)))
	}
	for _, p := range parts {
		if n := len([]rune(p)); n > zalo.MaxTextLen {
			t.Errorf("part of %d characters", n)
		}
		// Splits fall between lines: every part starts at a line start.
		if !strings.HasPrefix(p, "• ") && !strings.HasPrefix(p, "📊") {
			t.Errorf("part starts mid-line: %.40q", p)
		}
	}
}

func TestOfficerDigestDaysAreSettable(t *testing.T) {
	db, s := world(t)
	// A district office that wants its digest five days before and on the cutoff day, in person.
	db.Update(func(tx *store.Tx) error {
		return tx.PutOfficer(store.Officer{ID: "phong", Name: "Phòng VH-TT", ZaloID: "can-bo", Scope: "B", DigestDays: []int{5, 0}})
	})
	got := func(day int) []string {
		sent, err := s.Sweep(time.Date(2027, 11, day, 8, 0, 0, 0, hcm), false)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, m := range sent {
			if m.ToUser == "can-bo" {
				keys = append(keys, m.Key)
			}
		}
		return keys
	}
	// A fresh server first catches up on the previous week, then walks the days.
	got(8)
	for day := 9; day <= 22; day++ {
		keys := got(day)
		var want []string
		switch day {
		case 15:
			want = []string{"digest|phong|2027-11|2027-11-20|d5"}
		case 20:
			want = []string{"digest|phong|2027-11|2027-11-20|d0"}
		}
		if strings.Join(keys, ",") != strings.Join(want, ",") {
			t.Errorf("November %d: %v, want %v", day, keys, want)
		}
	}
}

func TestNightCatchUpOnTheCutoffDayDropsTheReminder(t *testing.T) {
	_, s := world(t)
	// The server comes back at 22:00 on B's cutoff day: the messages would reach people at 07:00
	// the next day, after the deadline, so "today is the deadline" must not be sent.
	at := time.Date(2027, 11, 20, 22, 0, 0, 0, hcm)
	plan, err := s.Sweep(at, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range plan {
		if strings.HasPrefix(m.Key, "remind|B1|2027-11|") || strings.HasSuffix(m.Key, "|2027-11-20|before") {
			t.Errorf("planned %s at night for delivery after the deadline: %s", m.Key, m.Text)
		}
	}
}

// A sweep as of an earlier instant judges reports as they stood then: a report filed after that
// instant does not silence the reminder, and the digest counts the team as not yet reported.
func TestASweepJudgesReportsAsTheyStoodAtItsInstant(t *testing.T) {
	db, s := world(t)
	at := time.Date(2027, 11, 17, 8, 0, 0, 0, hcm)     // 3 days before the 20th
	file(t, db, "B1", "2027-11", at.Add(24*time.Hour)) // filed the next day
	msgs, err := s.Sweep(at, true)
	if err != nil {
		t.Fatal(err)
	}
	reminded, digest := false, ""
	for _, m := range msgs {
		if m.Kind == KindReminder && m.ToUser == "b1" {
			reminded = true
		}
		if m.Kind == KindDigest {
			digest = m.Text
		}
	}
	if !reminded {
		t.Error("a report filed after the sweep's instant silenced the reminder")
	}
	if !strings.Contains(digest, "Đã báo cáo: 0/2") {
		t.Errorf("the digest counted a report filed after its instant:\n%s", digest)
	}
}

// A starting server sweeps only when no sweep completed since the last scheduled run: a restart
// after 08:00's run costs no national re-plan; one after a missed 08:00 catches up.
func TestCatchUpSweepsOnlyWhenARunWasMissed(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2027, 3, d, h, 0, 0, 0, hcm) }
	clock := day(2, 10)
	_, s := worldAt(t, func() time.Time { return clock })
	if _, ran, err := s.CatchUp(day(2, 10)); err != nil || !ran {
		t.Fatalf("a database never swept: ran %v, %v", ran, err)
	}
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{day(2, 11), false}, // restarted after today's catch-up
		{day(3, 7), false},  // before the 3rd's run: the 2nd's is done
		{day(3, 9), true},   // the 3rd's 08:00 was missed
		{day(3, 23), false}, // and now it is done
	} {
		clock = c.at
		if _, ran, err := s.CatchUp(c.at); err != nil || ran != c.want {
			t.Errorf("catch-up at %s: ran %v (%v), want %v", c.at.Format("02 15:04"), ran, err, c.want)
		}
	}
	// The scheduled run marks its day too: a restart after it does not sweep again.
	clock = day(4, 8)
	if _, err := s.Sweep(day(4, 8), false); err != nil {
		t.Fatal(err)
	}
	clock = day(4, 12)
	if _, ran, _ := s.CatchUp(day(4, 12)); ran {
		t.Error("a restart after the scheduled run swept again")
	}
	// A dry run marks nothing.
	clock = day(5, 8)
	if _, err := s.Sweep(day(5, 8), true); err != nil {
		t.Fatal(err)
	}
	clock = day(5, 12)
	if _, ran, _ := s.CatchUp(day(5, 12)); !ran {
		t.Error("a dry run counted as the day's run")
	}
	// A run forced as of a later instant vouches only for now: tomorrow's missed run is made up.
	clock = day(6, 9)
	if _, err := s.Sweep(day(9, 8), false); err != nil {
		t.Fatal(err)
	}
	clock = day(7, 9)
	if _, ran, _ := s.CatchUp(day(7, 9)); !ran {
		t.Error("a sweep forced as of a later day hid a missed run")
	}
}

// A national plan is shared among workers over ranges of teams: the plan is the same, in the same
// order, whatever their number.
func TestThePlanIsTheSameWithAnyNumberOfWorkers(t *testing.T) {
	_, s := world(t)
	for day := 0; day < 120; day += 3 {
		at := time.Date(2027, 1, 1, 8, 0, 0, 0, hcm).AddDate(0, 0, day)
		var want []Message
		for _, w := range []int{1, 2, 3, 4, 9} {
			s.Workers = w
			got, err := s.Sweep(at, true)
			if err != nil {
				t.Fatal(err)
			}
			if w == 1 {
				want = got
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, %d workers:\n%v\nwant (1 worker)\n%v", at.Format("2006-01-02"), w, keys(got), keys(want))
			}
		}
	}
}

// A directory without teams plans nothing, whatever the number of workers (and does not fail).
func TestAnEmptyDirectoryPlansNothing(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, w := range []int{0, 1, 4} {
		s := &Sweeper{DB: db, Loc: hcm, Enqueue: recordEnqueue, Workers: w}
		if got, err := s.Sweep(time.Date(2027, 3, 2, 8, 0, 0, 0, hcm), true); err != nil || len(got) != 0 {
			t.Errorf("%d workers: %v, %v", w, keys(got), err)
		}
	}
}

// The Sweeper keeps the directory's units between runs; a change to a unit's policy, a new unit or
// a new approver is seen by the next run.
func TestTheNextRunSeesADirectoryChange(t *testing.T) {
	db, s := world(t)
	at := time.Date(2027, 3, 17, 8, 0, 0, 0, hcm) // three days before B's cutoff (the 20th)
	plan := func() []string {
		got, err := s.Sweep(at, true)
		if err != nil {
			t.Fatal(err)
		}
		return keys(got)
	}
	if got := plan(); !contains(got, "remind|B1|2027-03|3|leader") || contains(got, "remind|A1|2027-03|3|leader") {
		t.Fatalf("before: %v", got)
	}
	change := func(fn func(tx *store.Tx) error) {
		if err := db.Update(fn); err != nil {
			t.Fatal(err)
		}
	}
	// A new leader of B1 (the roster changes, the directory does not) is the one reminded.
	change(func(tx *store.Tx) error {
		if err := tx.SetRole("B1", "b1", store.RoleMember); err != nil {
			return err
		}
		return tx.SetRole("B1", "b1new", store.RoleLeader)
	})
	got, err := s.Sweep(at, true)
	if err != nil {
		t.Fatal(err)
	}
	to := ""
	for _, m := range got {
		if m.Key == "remind|B1|2027-03|3|leader" {
			to = m.ToUser
		}
	}
	if to != "b1new" {
		t.Errorf("B1's reminder goes to %q, want its new leader", to)
	}
	// A's cutoff moves to the 20th: A1 is due today as well.
	change(func(tx *store.Tx) error {
		return tx.PutUnit(store.Unit{Code: "A", Name: "Xã A", Level: "xã", Parent: "P", Policy: &store.Policy{CutoffDay: ip(20)}})
	})
	if got := plan(); !contains(got, "remind|A1|2027-03|3|leader") {
		t.Errorf("after A's cutoff moved to the 20th: %v", got)
	}
	// A new commune with a team of its own, due today.
	change(func(tx *store.Tx) error {
		if err := tx.PutUnit(store.Unit{Code: "D", Name: "Xã D", Level: "xã", Parent: "P", Policy: &store.Policy{CutoffDay: ip(20)}}); err != nil {
			return err
		}
		if err := tx.PutUnit(store.Unit{Code: "D.D1", Name: "Thôn D1", Level: "thôn", Parent: "D"}); err != nil {
			return err
		}
		if err := tx.PutTeam(store.Team{Code: "D1", Name: "Tổ D1", Unit: "D.D1"}); err != nil {
			return err
		}
		return tx.SetRole("D1", "d1", store.RoleLeader)
	})
	if got := plan(); !contains(got, "remind|D1|2027-03|3|leader") {
		t.Errorf("after a new commune: %v", got)
	}
	// A new approver for D hears about D1 the day after the cutoff.
	change(func(tx *store.Tx) error { return tx.PutApprover(store.Approver{Unit: "D", ZaloID: "chD"}) })
	after := time.Date(2027, 3, 21, 8, 0, 0, 0, hcm)
	got, err = s.Sweep(after, true)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range got {
		found = found || (m.Kind == KindApprover && m.ToUser == "chD")
	}
	if !found {
		t.Errorf("the new approver of D is not told: %v", keys(got))
	}
}

// A unit's view, derived from its parent's, is what store.LayerPolicy and store.CommuneAt say on the
// unit's whole path: with and without approvers above, with policies at any level.
func TestUnitViewsFollowTheRules(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	units := []store.Unit{
		{Code: "R", Name: "Tỉnh có chủ tịch", Level: "tỉnh", Policy: &store.Policy{CutoffDay: ip(5)}},
		{Code: "R.1", Name: "Xã 1", Level: "xã", Parent: "R"},
		{Code: "R.1.a", Name: "Thôn a", Level: "thôn", Parent: "R.1"},
		{Code: "R.1.a.x", Name: "Xóm x", Level: "xóm", Parent: "R.1.a", Policy: &store.Policy{CutoffDay: ip(30)}},
		{Code: "R.2", Name: "Xã 2", Level: "xã", Parent: "R", Policy: &store.Policy{CutoffDay: ip(20)}},
		{Code: "R.2.b", Name: "Thôn b", Level: "thôn", Parent: "R.2"},
		{Code: "S", Name: "Tỉnh không ai duyệt", Level: "tỉnh"},
		{Code: "S.1", Name: "Xã S1", Level: "xã", Parent: "S"},
		{Code: "S.1.c", Name: "Thôn c", Level: "thôn", Parent: "S.1"},
		{Code: "S.1.c.y", Name: "Xóm y", Level: "xóm", Parent: "S.1.c"},
		{Code: "S.2", Name: "Xã S2", Level: "xã", Parent: "S"},
		{Code: "S.2.d", Name: "Thôn d", Level: "thôn", Parent: "S.2", Policy: &store.Policy{CutoffDay: ip(10)}},
		{Code: "S.2.d.z", Name: "Xóm z", Level: "xóm", Parent: "S.2.d"},
	}
	approvers := map[string]string{"R": "chR", "R.1.a": "cha", "S.2": "chS2"}
	if err := db.Update(func(tx *store.Tx) error {
		for _, u := range units {
			if err := tx.PutUnit(u); err != nil {
				return err
			}
		}
		for unit, id := range approvers {
			if err := tx.PutApprover(store.Approver{Unit: unit, ZaloID: id}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s := &Sweeper{DB: db, Loc: hcm}
	if err := db.View(func(tx *store.Tx) error {
		sn, err := s.baseSnapshot(tx)
		if err != nil {
			return err
		}
		for _, u := range slices.Backward(units) { // leaves first: parents are worked out on the way
			got, err := sn.viewOf(u.Code, hcm, 0)
			if err != nil {
				return err
			}
			path, err := tx.UnitPath(u.Code)
			if err != nil {
				return err
			}
			pol := store.LayerPolicy(nil, path)
			commune := store.CommuneAt(path, func(c string) bool { _, ok := approvers[c]; return ok })
			if got.cal != pol.Calendar(hcm) || !slices.Equal(got.days, pol.ReminderDays) || got.commune.Code != commune.Code || got.approver != approvers[commune.Code] {
				t.Errorf("%s: view cutoff %d, commune %s (%q); the rules say cutoff %d, commune %s (%q)",
					u.Code, got.cal.CutoffDay, got.commune.Code, got.approver, pol.Calendar(hcm).CutoffDay, commune.Code, approvers[commune.Code])
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A digest inside a write transaction that changed the directory and then rolled back leaves nothing
// behind: the next run, after another change committed, plans as a fresh sweeper does (found in review:
// the tree read in the rolled-back transaction carried the generation the next change committed).
func TestATreeReadInARolledBackTransactionIsNotKept(t *testing.T) {
	db, s := world(t)
	at := time.Date(2027, 3, 3, 8, 0, 0, 0, hcm) // two days before A's cutoff on the 5th
	o := store.Officer{ID: "so", Name: "Sở", GroupID: "grp", Scope: "P"}
	_ = db.Update(func(tx *store.Tx) error {
		if err := tx.PutUnit(store.Unit{Code: "A", Name: "Xã A", Level: "xã", Parent: "P", Policy: &store.Policy{CutoffDay: ip(25)}}); err != nil {
			return err
		}
		if _, err := s.Digest(tx, o, at, store.Period{}); err != nil {
			return err
		}
		return errors.New("rolled back")
	})
	if err := db.Update(func(tx *store.Tx) error {
		return tx.PutUnit(store.Unit{Code: "B", Name: "Xã B", Level: "xã", Parent: "P", Policy: &store.Policy{CutoffDay: ip(20)}, GroupID: "g"})
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sweep(at, true)
	if err != nil {
		t.Fatal(err)
	}
	want, err := (&Sweeper{DB: db, Loc: hcm, Enqueue: recordEnqueue}).Sweep(at, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys(got), keys(want)) {
		t.Errorf("the sweeper planned %v\na fresh one plans %v", keys(got), keys(want))
	}
}

// A digest inside the handling transaction (a write transaction that changed no unit, team or
// approver) keeps the tree it read for the next ones; one that changed the directory does not.
func TestADigestKeepsTheTreeUnlessItsTransactionMovedTheDirectory(t *testing.T) {
	db, s := world(t)
	o := store.Officer{ID: "so", Name: "Sở", GroupID: "grp", Scope: "P"}
	at := time.Date(2027, 3, 3, 8, 0, 0, 0, hcm)
	if err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutUnit(store.Unit{Code: "B", Name: "Xã B", Level: "xã", Parent: "P", Policy: &store.Policy{CutoffDay: ip(20)}, GroupID: "g"}); err != nil {
			return err
		}
		_, err := s.Digest(tx, o, at, store.Period{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if s.tree != nil {
		t.Fatal("a tree read where the directory moved was kept")
	}
	if err := db.Update(func(tx *store.Tx) error { _, err := s.Digest(tx, o, at, store.Period{}); return err }); err != nil {
		t.Fatal(err)
	}
	if s.tree == nil {
		t.Error("the handling's digest did not keep the tree it read")
	}
}

// On the cutoff's eve the deputies are reminded too: the officers' digest first, then every leader's
// reminder before the first deputy's (the outbox sends bulk in order), so deputies do not delay leaders.
func TestLeadersAreQueuedBeforeDeputies(t *testing.T) {
	db, s := world(t)
	if err := db.Update(func(tx *store.Tx) error {
		return errors.Join(tx.SetRole("B1", "b1d", store.RoleDeputy), tx.SetRole("B2", "b2d", store.RoleDeputy))
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sweep(time.Date(2027, 3, 19, 8, 0, 0, 0, hcm), true) // B's cutoff is the 20th
	if err != nil {
		t.Fatal(err)
	}
	var order []string // as queued, not sorted
	for _, m := range got {
		order = append(order, m.Key)
	}
	want := []string{"digest|so|2027-03|2027-03-20|before", "remind|B1|2027-03|1|leader", "remind|B2|2027-03|1|leader", "remind|B1|2027-03|1|deputy", "remind|B2|2027-03|1|deputy"}
	if !slices.Equal(order, want) {
		t.Errorf("queued %v, want %v", order, want)
	}
}

// A morning too big to go out within Window of Hour at the outbox's bulk rate starts before Hour: a
// sweep at 07:00 queues what does not fit (reminders from the end of the order: deputies, then the
// last leaders) to go from the time that makes it end at 08:00, never before quiet hours end nor
// before the sweep; the run at 08:00 queues the rest once. The digests wait for 08:00 (they say who
// filed by then; this world's went the day before).
func TestAHeavyMorningStartsBeforeItsHour(t *testing.T) {
	eve := func(h, m int) time.Time { return time.Date(2027, 3, 19, h, m, 0, 0, hcm) } // B's cutoff is the 20th
	newWorld := func(perMinute int, hour int) (*store.DB, *Sweeper) {
		db, s := world(t)
		if err := db.Update(func(tx *store.Tx) error {
			return errors.Join(tx.SetRole("B1", "b1d", store.RoleDeputy), tx.SetRole("B2", "b2d", store.RoleDeputy))
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Sweep(time.Date(2027, 3, 18, 8, 0, 0, 0, hcm), false); err != nil { // yesterday's run
			t.Fatal(err)
		}
		drain(t, db)
		s.BulkPerMinute, s.Window, s.Hour = perMinute, 2*time.Minute, hour
		return db, s
	}
	// Two leaders and two deputies still to go at 08:00 (the digest before the cutoff went the day
	// before: the ledger's, it is not counted); at 1 a minute within 2 minutes, two do not fit: they
	// go from 07:58.
	db, s := newWorld(1, 8)
	early, err := s.Sweep(eve(7, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"remind|B1|2027-03|1|deputy", "remind|B2|2027-03|1|deputy"}
	if got := keys(early); !slices.Equal(got, want) {
		t.Fatalf("queued at 07:00: %v, want %v", got, want)
	}
	for _, m := range early {
		if !m.NotBefore.Equal(eve(7, 58)) {
			t.Errorf("%s goes at %v, want 07:58", m.Key, m.NotBefore)
		}
	}
	rest, err := s.Sweep(eve(8, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := keys(rest), []string{"remind|B1|2027-03|1|leader", "remind|B2|2027-03|1|leader"}; !slices.Equal(got, want) {
		t.Errorf("queued at 08:00: %v, want %v", got, want)
	}
	if n := len(drain(t, db)); n != 4 {
		t.Errorf("%d messages in the outbox, want 4: each once", n)
	}

	for _, c := range []struct {
		name            string
		perMinute, hour int
		at              time.Time
		want            int
		from            time.Time
	}{
		{"no rate: nothing ahead", 0, 8, eve(7, 0), 0, time.Time{}},
		{"a rate that fits the morning", 3, 8, eve(7, 0), 0, time.Time{}},
		{"too early: 06:00 looks at nothing", 1, 8, eve(6, 0), 0, time.Time{}},
		{"messages at 07:00, when quiet hours end: nothing before", 1, 7, eve(6, 30), 0, time.Time{}},
		{"a sweep at 07:58 (a start after downtime): two minutes' worth, from then", 1, 8, eve(7, 58), 2, eve(7, 58)},
	} {
		_, s := newWorld(c.perMinute, c.hour)
		got, err := s.Sweep(c.at, false)
		if err != nil || len(got) != c.want {
			t.Errorf("%s: %v, %v; want %d", c.name, keys(got), err, c.want)
			continue
		}
		for _, m := range got {
			if !m.NotBefore.Equal(c.from) {
				t.Errorf("%s: %s goes at %v, want %v", c.name, m.Key, m.NotBefore, c.from)
			}
		}
	}
}

// A start within the hour before Hour after downtime (07:10) runs the sweep that queues the overflow
// ahead, which the server's 07:00 run would have; once it ran, a restart does not run it again.
func TestCatchUpQueuesTheOverflowAfterDowntime(t *testing.T) {
	var clock time.Time
	db, s := worldAt(t, func() time.Time { return clock })
	if err := db.Update(func(tx *store.Tx) error {
		return errors.Join(tx.SetRole("B1", "b1d", store.RoleDeputy), tx.SetRole("B2", "b2d", store.RoleDeputy))
	}); err != nil {
		t.Fatal(err)
	}
	clock = time.Date(2027, 3, 18, 8, 0, 0, 0, hcm)
	if _, err := s.Sweep(clock, false); err != nil {
		t.Fatal(err)
	}
	drain(t, db)
	s.BulkPerMinute, s.Window = 1, 2*time.Minute
	clock = time.Date(2027, 3, 19, 7, 10, 0, 0, hcm)
	sent, ran, err := s.CatchUp(clock)
	if err != nil || !ran || len(sent) != 2 {
		t.Fatalf("catch-up at 07:10: ran %v, %v, queued %v; want the two deputies ahead", ran, err, keys(sent))
	}
	if _, ran, _ := s.CatchUp(clock.Add(5 * time.Minute)); ran {
		t.Error("a second start at 07:15 swept again")
	}
	clock = time.Date(2027, 3, 19, 8, 0, 0, 0, hcm) // the day's run
	if _, err := s.Sweep(clock, false); err != nil {
		t.Fatal(err)
	}
	s.BulkPerMinute = 0 // no spreading: nothing to catch up before 08:00
	clock = time.Date(2027, 3, 20, 7, 10, 0, 0, hcm)
	if _, ran, _ := s.CatchUp(clock); ran {
		t.Error("without a rate, a start at 07:10 swept")
	}
}

// A month every team has filed is not "overdue 41 days", and a month not begun is said to be so.
func TestDigestOfAFiledMonthAndOfOneNotBegun(t *testing.T) {

	db, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Update(func(tx *store.Tx) error {
		tx.PutUnit(store.Unit{Code: "X", Name: "Tùng Ảnh", Level: "xã", Policy: &store.Policy{CutoffDay: ptr(20)}})
		tx.PutUnit(store.Unit{Code: "X.1", Name: "Thôn 1", Level: "thôn", Parent: "X"})
		tx.PutTeam(store.Team{Code: "T1", Name: "Tổ thôn 1", Unit: "X.1"})
		_, err := tx.SaveReport(store.Report{Team: "T1", Period: "2027-10", FiledBy: "l", Role: store.RoleLeader,
			FiledAt: time.Date(2027, 10, 15, 9, 0, 0, 0, hcm), Answers: map[string]string{}})
		if err != nil {
			return err
		}
		return tx.PutOfficer(store.Officer{ID: "o", Name: "UBND xã", GroupID: "g", Scope: "X"})
	})
	s := &Sweeper{DB: db, Loc: hcm}
	at := time.Date(2027, 11, 27, 9, 0, 0, 0, hcm)
	for _, c := range []struct {
		p    store.Period
		want string
	}{
		{store.Period{Year: 2027, Month: 10}, "Hạn chót: 20/10/2027 (đã qua, các tổ đã nộp đủ)"},
		{store.Period{Year: 2027, Month: 12}, "Kỳ báo cáo tháng 12/2027 chưa bắt đầu."},
	} {
		var text string
		db.View(func(tx *store.Tx) error {
			o, _, _ := tx.Officer("o")
			text, err = s.Digest(tx, o, at, c.p)
			return err
		})
		if !strings.Contains(text, c.want) {
			t.Errorf("digest of %v: %q, want %q in it", c.p, text, c.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
