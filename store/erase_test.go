package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The person whose data is erased, and the people around them.
const (
	lanID    = "2200000000000000005"
	lanName  = "Lê Thị Lan"
	lanPhone = "0983111222"
	leadID   = "1100000000000000001" // leader of T1
	lead2ID  = "1100000000000000002" // leader of T2
	apprID   = "1100000000000000009" // approver of the commune
	offID    = "1100000000000000010" // officer with a Zalo id
	groupID  = "9900000000000000001"
)

// lanNameEscaped is her name as an ASCII-only JSON encoder writes it.
const lanNameEscaped = `L\u00ea Th\u1ecb Lan`

// seedErasure builds a database where Lan appears in every kind of record.
func seedErasure(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Update(func(tx *Tx) error {
		must(tx.PutUnit(Unit{Code: "42", Name: "Hà Tĩnh", Level: "tỉnh"}))
		must(tx.PutUnit(Unit{Code: "42.18", Name: "Tùng Ảnh", Level: "xã", Parent: "42"}))
		must(tx.PutTeam(Team{Code: "T1", Name: "Tổ CNSCĐ thôn 1", Unit: "42.18", JoinCode: "TA01"}))
		must(tx.PutTeam(Team{Code: "T2", Name: "Tổ CNSCĐ thôn 2", Unit: "42.18"}))
		must(tx.PutPerson(Person{ZaloID: leadID, Name: "Nguyễn Văn Hùng", Phone: "0912345001"}))
		must(tx.PutPerson(Person{ZaloID: lead2ID, Name: "Trần Văn Đức", Phone: "0912345002"}))
		must(tx.PutPerson(Person{ZaloID: lanID, Name: lanName, Phone: lanPhone, ConsentAt: t0, ConsentVersion: "2026-01"}))
		must(tx.SetRole("T1", leadID, RoleLeader))
		must(tx.SetRole("T2", lead2ID, RoleLeader))
		must(tx.SetRole("T2", lanID, RoleDeputy))
		must(tx.PutApprover(Approver{Unit: "42.18", ZaloID: apprID, Name: "Chủ tịch UBND xã Tùng Ảnh"}))
		must(tx.PutOfficer(Officer{ID: "skhcn", Name: "Sở KH&CN", Scope: "42", GroupID: groupID, ZaloID: offID}))

		// Her join request, approved: created by her, recommended, approved (audit entries name her).
		r, err := tx.CreateRequest(Request{Kind: RequestJoin, Team: "T1", ZaloID: lanID, Name: lanName, Phone: lanPhone, Role: RoleMember})
		must(err)
		r, err = tx.UpdateRequest(r, StateAwaitApprover, leadID, "recommended", "")
		must(err)
		_, err = tx.UpdateRequest(r, StateApproved, apprID, "approved", RoleMember)
		must(err)
		must(tx.SetRole("T1", lanID, RoleMember))
		// Her open leave request, waiting for the leader, with her reason.
		_, err = tx.CreateRequest(Request{Kind: RequestLeave, Team: "T1", ZaloID: lanID, Reason: "Chuyển công tác, số mới " + lanPhone})
		must(err)
		// Someone else's request whose refusal note names her.
		o, err := tx.CreateRequest(Request{Kind: RequestJoin, Team: "T1", ZaloID: "2200000000000000006", Name: "Phạm Văn Tú", Phone: "0912000006"})
		must(err)
		_, err = tx.UpdateRequest(o, StateDeclined, leadID, "declined", "Đã có "+lanName+" ở thôn này")
		must(err)

		// Reports: she filed T2's (and corrected it) as deputy; the leader filed T1's.
		_, err = tx.SaveReport(Report{Team: "T2", Period: "2026-11", FiledBy: lanID, Role: RoleDeputy, Answers: map[string]string{"households": "12", "gov": "Hướng dẫn 12 hộ"}})
		must(err)
		_, err = tx.SaveReport(Report{Team: "T2", Period: "2026-11", FiledBy: lanID, Role: RoleDeputy, Answers: map[string]string{"households": "14", "gov": "Hướng dẫn 14 hộ"}})
		must(err)
		_, err = tx.SaveReport(Report{Team: "T1", Period: "2026-11", FiledBy: leadID, Role: RoleLeader, Answers: map[string]string{"households": "30"}})
		must(err)
		must(tx.Audit(AuditEntry{Actor: "admin", Action: "note", Detail: "gọi cho " + lanName + " số " + lanPhone}))

		// Her conversation, and the leader's that mentions her id.
		must(tx.SaveSession(Session{ZaloID: lanID, Flow: "join", Step: "confirm", Data: map[string]string{"name": lanName, "phone": lanPhone}}))
		must(tx.SaveSession(Session{ZaloID: leadID, Flow: "decide", Step: "reason", Data: map[string]string{"id": "1", "about": lanID}}))
		must(tx.SetLastSeen(lanID, tx.Now().Add(-time.Hour)))
		must(tx.SetChoices(lanID, []Choice{{Title: "Đồng ý", Payload: "đồng ý"}}))
		must(tx.MarkUnreachable(lanID, -230))

		// Messages: waiting for her, waiting for the leader about her, and settled ones both ways.
		_, err = tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: lanID, Body: json.RawMessage(`{"recipient":{"user_id":"` + lanID + `"},"message":{"text":"Chào ` + lanName + `"}}`)})
		must(err)
		_, err = tx.Enqueue(OutMsg{Endpoint: EndpointUser, To: leadID, Body: json.RawMessage(`{"recipient":{"user_id":"` + leadID + `"},"message":{"text":"Yêu cầu số 2: ` + lanName + ` (` + lanPhone + `) xin rời tổ"}}`)})
		must(err)
		s1, err := tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: lanID, Body: json.RawMessage(`{"recipient":{"user_id":"` + lanID + `"},"message":{"text":"Nhắc báo cáo"}}`)})
		must(err)
		s2, err := tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: apprID, Body: json.RawMessage(`{"recipient":{"user_id":"` + apprID + `"},"message":{"attachment":{"payload":{"buttons":[{"title":"` + lanName + `","payload":"#appoint:T1:` + lanID + `"}]}}}}`)})
		must(err)
		for _, seq := range []uint64{s1, s2} {
			_, err := tx.BeginSend(PriorityBulk, seq)
			must(err)
			must(tx.Settle(PriorityBulk, seq, Outcome{Status: StatusSent, MessageID: fmt.Sprintf("mid-%d", seq)}))
		}
		return nil
	}))

	// Webhook events: hers (a text, her shared name and phone written the way Zalo may escape it, a group
	// message), the leader's that name her, and one of the leader's still waiting to be handled.
	type ev struct {
		key, partition, body string
		handled, dead        bool
	}
	events := []ev{
		{"m:lan-1", "u:" + lanID, `{"event_name":"user_send_text","sender":{"id":"` + lanID + `"},"message":{"text":"tham gia","msg_id":"lan-1"}}`, true, true},
		{"e:user_submit_info|" + lanID + "|1763863200000", "u:" + lanID, `{"event_name":"user_submit_info","sender":{"id":"` + lanID + `"},"info":{"name":"` + lanNameEscaped + `","phone":"84983111222"}}`, true, false},
		{"m:lan-g", "g:" + groupID, `{"event_name":"user_send_group_text","sender":{"id":"` + lanID + `"},"recipient":{"id":"` + groupID + `"},"message":{"text":"Em là Lan ạ","msg_id":"lan-g"}}`, true, false},
		{"m:lead-1", "u:" + leadID, `{"event_name":"user_send_text","sender":{"id":"` + leadID + `"},"message":{"text":"#appoint:T1:` + lanID + `","msg_id":"lead-1"}}`, true, false},
		{"m:lead-2", "u:" + leadID, `{"event_name":"user_send_text","sender":{"id":"` + leadID + `"},"message":{"text":"` + lanNameEscaped + ` chuyển đi rồi","msg_id":"lead-2"}}`, true, false},
		{"m:lead-3", "u:" + leadID, `{"event_name":"user_send_text","sender":{"id":"` + leadID + `"},"message":{"text":"báo cáo","msg_id":"lead-3"}}`, false, false},
	}
	for _, e := range events {
		res, err := db.AppendEvent(ctx, Event{Key: e.key, Partition: e.partition, Name: "user_send_text", ReceivedAt: t0, Stamp: t0.UnixMilli(), Body: []byte(e.body)})
		must(err)
		db.SettleInbox()
		must(db.Update(func(tx *Tx) error {
			switch {
			case e.dead:
				return tx.DeadLetter(res.Seq, "handler failed")
			case e.handled:
				return tx.MarkHandled(res.Seq)
			}
			return nil
		}))
	}
}

// teamFigures is what must not change: every report version's team, period, answers, lateness and time.
// (Rosters do change: she leaves her teams.)
func teamFigures(t *testing.T, db *DB) string {
	t.Helper()
	var out []string
	db.View(func(tx *Tx) error {
		for _, team := range []string{"T1", "T2"} {
			vs, err := tx.ReportVersions(team, "2026-11")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range vs {
				js, _ := json.Marshal([]any{r.Team, r.Period, r.Version, r.Answers, r.Late, r.FiledAt, r.Role, r.Question})
				out = append(out, string(js))
			}
		}
		return nil
	})
	return strings.Join(out, "\n")
}

func openErasureDB(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(path, Options{Now: fixedClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestErasePersonLeavesNoTraceAndKeepsTheTeamsFigures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cdtbot.db")
	db := openErasureDB(t, path)
	seedErasure(t, db)

	var before PersonData
	db.View(func(tx *Tx) error {
		var err error
		before, err = tx.PersonData(lanID)
		return err
	})
	if got, want := fmt.Sprint(len(before.Roles), len(before.Requests), len(before.Reports), before.Reports[0].Versions, before.Events, before.Outbox, before.Sent), "2 2 1 2 3 1 1"; got != want {
		t.Errorf("PersonData roles requests reports versions events outbox sent = %s, want %s", got, want)
	}
	if before.Person == nil || before.Unreachable == nil || before.Session == nil || !before.HandOver().Empty() {
		t.Errorf("PersonData = %+v", before)
	}
	figures := teamFigures(t, db)

	// Leaders, approvers and officers hand over first: nothing changes.
	for _, id := range []string{leadID, apprID, offID} {
		err := db.Update(func(tx *Tx) error { _, err := tx.ErasePerson(id, EraseOptions{By: "test"}); return err })
		if !errors.Is(err, ErrHandOverFirst) {
			t.Errorf("erase %s: err = %v, want ErrHandOverFirst", id, err)
		}
	}
	// Someone unknown: nothing to erase, no error.
	db.Update(func(tx *Tx) error {
		er, err := tx.ErasePerson("3300000000000000001", EraseOptions{By: "test"})
		if err != nil || er.Total() != 0 {
			t.Errorf("erase unknown: %+v, %v", er, err)
		}
		return nil
	})

	var er Erasure
	if err := db.Update(func(tx *Tx) error {
		var err error
		er, err = tx.ErasePerson(lanID, EraseOptions{By: "test", Reason: "erase"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{ErasedPerson: 1, ErasedRoles: 2, ErasedSession: 1, ErasedUnreachable: 1, ErasedEvents: 3, ErasedOutbox: 1,
		ErasedSent: 1, ErasedRequests: 2, ErasedCancelled: 1, ErasedReports: 2, ErasedAudit: 6}
	for k, n := range want {
		if er.Counts[k] != n {
			t.Errorf("erased %s = %d, want %d (all: %v)", k, er.Counts[k], n, er.Counts)
		}
	}
	if er.Counts[ErasedMentions] < 5 || len(er.Remaining) != 0 || !strings.HasPrefix(er.Token, "erased-") || len(er.Cancelled) != 1 {
		t.Errorf("erasure = %+v", er)
	}
	if got := teamFigures(t, db); got != figures || !strings.Contains(got, `"households":"14"`) {
		t.Errorf("team figures changed:\n%s\nwant\n%s", got, figures)
	}
	// The records that stay point at the token; the leader's data and pending event are untouched.
	db.View(func(tx *Tx) error {
		r, _, _ := tx.LatestReport("T2", "2026-11")
		if r.FiledBy != er.Token || r.Answers["households"] != "14" {
			t.Errorf("T2 report = %+v", r)
		}
		req, _, _ := tx.Request(2)
		if req.ZaloID != er.Token || req.State != StateCancelled || req.Reason != "" {
			t.Errorf("leave request = %+v", req)
		}
		if p, ok, _ := tx.Person(leadID); !ok || p.Name != "Nguyễn Văn Hùng" {
			t.Errorf("leader person = %+v", p)
		}
		if pend, _ := tx.PendingEvents(10); len(pend) != 1 || pend[0].Key != "m:lead-3" {
			t.Errorf("pending events = %+v", pend)
		}
		if tx.RoleIn("T1", leadID) != RoleLeader || tx.RoleIn("T2", lead2ID) != RoleLeader {
			t.Error("leaders lost their roles")
		}
		again, _ := tx.ErasedToken(lanID)
		if again != er.Token {
			t.Errorf("token not stable: %s then %s", er.Token, again)
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Walk every bucket of the file, nested ones included: her id, name and phone appear nowhere.
	needles := map[string][]byte{
		"zalo id": []byte(lanID), "name": []byte(lanName), "escaped name": []byte(lanNameEscaped),
		"phone": []byte(lanPhone), "phone (+84)": []byte("84983111222"), "phone digits": []byte("983111222"),
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	nb, records := 0, 0
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		nb++
		return b.ForEach(func(k, v []byte) error {
			if v == nil && b.Bucket(k) != nil {
				return walk(path+"/"+string(k), b.Bucket(k))
			}
			records++
			for what, n := range needles {
				if bytes.Contains(k, n) || bytes.Contains(v, n) {
					t.Errorf("her %s is still in %s, key %q: %s", what, path, k, v)
				}
			}
			return nil
		})
	}
	if err := bdb.View(func(btx *bolt.Tx) error {
		return btx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	}); err != nil {
		t.Fatal(err)
	}
	if nb < len(buckets) || records < 40 {
		t.Errorf("walked %d buckets and %d records: the scan missed the data", nb, records)
	}
}

// When the erasure answers her own message, that message goes; what she sent after it stays, to be handled.
func TestEraseWhileAnsweringHerMessage(t *testing.T) {
	db := MustOpen(t, fixedClock(t0))
	ctx := context.Background()
	for i, text := range []string{"xóa", "xin chào"} {
		body := fmt.Sprintf(`{"sender":{"id":"%s"},"message":{"text":"%s","msg_id":"x%d"}}`, lanID, text, i)
		if _, err := db.AppendEvent(ctx, Event{Key: fmt.Sprintf("m:x%d", i), Partition: "u:" + lanID, ReceivedAt: t0, Body: []byte(body)}); err != nil {
			t.Fatal(err)
		}
	}
	db.SettleInbox()
	var er Erasure
	if err := db.Update(func(tx *Tx) error {
		var err error
		er, err = tx.ErasePerson(lanID, EraseOptions{Answering: true, By: "chat"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *Tx) error {
		pend, err := tx.PendingEvents(10)
		if err != nil || len(pend) != 1 || !strings.Contains(string(pend[0].Body), "xin chào") {
			t.Errorf("pending = %+v, %v; want only the later message", pend, err)
		}
		return nil
	})
	if er.Counts[ErasedEvents] != 1 || !reflect.DeepEqual(er.Remaining, []string{"event_bodies", "events"}) {
		t.Errorf("erasure = %+v", er)
	}
}

func TestScrubberReplacesWholeNumbersOnly(t *testing.T) {
	s := newScrubber(lanID, "erased-x", PersonData{Person: &Person{Name: lanName, Phone: lanPhone}})
	in := `{"to":"` + lanID + `","other":"1` + lanID + `","p":"+84983111222","q":"0983111222","n":"` + lanName + `","e":"` + lanNameEscaped + `"}`
	out, changed := s.scrub([]byte(in))
	if want := `{"to":"erased-x","other":"1` + lanID + `","p":"***","q":"***","n":"***","e":"***"}`; !changed || string(out) != want {
		t.Errorf("scrub:\n got %s\nwant %s", out, want)
	}
}

// Her group events go with her even once their bodies were dropped: the header's dedupe key names her.
func TestEraseFindsHerGroupEventsAfterTheirBodiesWent(t *testing.T) {
	now := t0
	db := MustOpen(t, func() time.Time { return now })
	ev := Event{Key: "e:user_reacted_message|" + lanID + "|1764500000000", Partition: "g:9900000000000000001", Name: "user_reacted_message",
		ReceivedAt: t0, Body: []byte(`{"sender":{"id":"` + lanID + `"}}`)}
	res, err := db.AppendEvent(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	db.SettleInbox()
	now = t0.Add(3 * 24 * time.Hour)
	if err := db.Update(func(tx *Tx) error {
		if err := tx.MarkHandled(res.Seq); err != nil {
			return err
		}
		_, err := tx.DropEventBodies(now.Add(-48*time.Hour), 10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var er Erasure
	if err := db.Update(func(tx *Tx) error {
		if d, err := tx.PersonData(lanID); err != nil || d.Events != 1 {
			t.Errorf("her data counts %d events (%v), want 1", d.Events, err)
		}
		er, err = tx.ErasePerson(lanID, EraseOptions{By: "admin"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if er.Counts[ErasedEvents] != 1 || len(er.Remaining) != 0 {
		t.Errorf("erasure %+v: her group event without its body stayed", er)
	}
}
