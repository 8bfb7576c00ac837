package bot_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// A request to decide that arrives while the leader answers a count must not turn "2" into a decision.
func TestANoticeMidConversationKeepsWhatANumberMeans(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.DB.Update(func(tx *store.Tx) error {
		if err := tx.SaveSession(store.Session{ZaloID: "lead", Flow: "report", Step: "q2", Data: map[string]string{"team": "T"}}); err != nil {
			return err
		}
		return bot.EnqueueReply(tx, flows.Reply{ToUser: "lead", Text: "Yêu cầu số 5", Buttons: []flows.Button{{Title: "Đồng ý", Payload: "#rq:5:rec"}, {Title: "Từ chối", Payload: "#rq:5:dec"}}}, "t")
	})
	h.DB.View(func(tx *store.Tx) error {
		if c := tx.Choices("lead"); len(c) != 0 {
			t.Errorf("a notice mid-conversation set the typed choices to %+v", c)
		}
		return nil
	})
	// With no conversation open, the same notice does set them.
	h.DB.Update(func(tx *store.Tx) error {
		return bot.EnqueueReply(tx, flows.Reply{ToUser: "idle", Text: "Yêu cầu số 6", Buttons: []flows.Button{{Title: "Đồng ý", Payload: "#rq:6:rec"}}}, "t")
	})
	h.DB.View(func(tx *store.Tx) error {
		if c := tx.Choices("idle"); len(c) != 1 || c[0].Payload != "#rq:6:rec" {
			t.Errorf("choices of an idle person = %+v", c)
		}
		return nil
	})
}

// A refusal of the whole account (-211 quota) holds a reply instead of losing it and
// marking the person unreachable.
func TestAnAccountRefusalHoldsRepliesForTheOperator(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.Fake.FailFor("7001", zalotest.Failure{Code: -211, Message: "quota"})
	h.Post(textEvent("7001", "acct-1", "xin chào", now), "")
	waitFor(t, "the refused send", func() bool { return len(h.Fake.Refused()) > 0 || h.Fake.Attempts() > 0 })
	time.Sleep(100 * time.Millisecond)
	var reply, bulk int
	var unreachable bool
	h.DB.View(func(tx *store.Tx) error {
		reply, bulk = tx.OutboxDepth()
		_, unreachable, _ = tx.UnreachableUser("7001")
		return nil
	})
	if reply != 1 || unreachable {
		t.Errorf("after -211: %d replies held (want 1), unreachable=%v (want false)", reply, unreachable)
	}
	_ = bulk
}

// A pair installed by an operator on a file that never took one from the environment
// gives way to a pair put in the environment later.
func TestAnEnvironmentPairAfterAnInstalledOneWins(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, func(c *bot.Config) { c.AccessToken, c.RefreshToken = "", "" })
	a, r := h.Fake.IssuePair()
	h.MustAPI(http.StatusOK, "PUT", "/api/v1/zalo/token", fmt.Sprintf(`{"access_token":%q,"refresh_token":%q}`, a, r), nil, "Authorization", "Bearer admin-secret")
	a2, r2 := h.Fake.IssuePair()
	h.Cfg.AccessToken, h.Cfg.RefreshToken = a2, r2
	h.Restart()
	h.DB.View(func(tx *store.Tx) error {
		p, _, _ := tx.Token()
		if p.AccessToken != a2 || p.Source != "env" {
			t.Errorf("after restart with a new environment pair: %s from %s, want %s from env", p.AccessToken, p.Source, a2)
		}
		return nil
	})
	// And the same environment pair again does not override a later install.
	a3, r3 := h.Fake.IssuePair()
	h.MustAPI(http.StatusOK, "PUT", "/api/v1/zalo/token", fmt.Sprintf(`{"access_token":%q,"refresh_token":%q}`, a3, r3), nil, "Authorization", "Bearer admin-secret")
	h.Restart()
	h.DB.View(func(tx *store.Tx) error {
		if p, _, _ := tx.Token(); p.AccessToken != a3 {
			t.Errorf("the unchanged environment pair won over an installed one: %s", p.AccessToken)
		}
		return nil
	})
}

// Delivered by ZNS or a group: a person marked unreachable is not listed so any more.
func TestSomethingGettingThroughClearsUnreachable(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.Fake.AddGroup("g1", "Xã")
	h.DB.Update(func(tx *store.Tx) error {
		tx.PutUnit(store.Unit{Code: "C", Name: "Xã", GroupID: "g1"})
		tx.PutTeam(store.Team{Code: "T", Name: "Tổ", Unit: "C"})
		tx.PutPerson(store.Person{ZaloID: "8001", Name: "Tổ trưởng"})
		tx.SetRole("T", "8001", store.RoleLeader)
		tx.SetLastSeen("8001", now.Add(-30*24*time.Hour))
		tx.MarkUnreachable("8001", -230)
		return bot.EnqueueReply(tx, flows.Reply{ToUser: "8001", Text: "Nhắc hạn", Kind: "reminder", Bulk: true}, "t")
	})
	h.Settle()
	h.DB.View(func(tx *store.Tx) error {
		if _, ok, _ := tx.UnreachableUser("8001"); ok {
			t.Error("still unreachable after a group mention went through")
		}
		return nil
	})
	if s := h.SentTo("g1"); len(s) != 1 || !strings.Contains(s[0].Text, "[@8001]") {
		t.Errorf("group sends: %+v", s)
	}
}

// A real sweep through the admin API dated far from the server's clock is refused (a dry run is not).
func TestRemindAtAFarInstantIsRefused(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newLadderHarness(t, now, "", false)
	far := url.QueryEscape(now.Add(72 * time.Hour).Format(time.RFC3339))
	if status, body := h.Do("POST", "/api/v1/remind?at="+far, "", "admin-secret"); status != http.StatusBadRequest || !strings.Contains(string(body), "far_instant") {
		t.Errorf("far real run: %d %s, want 400 far_instant", status, body)
	}
	for _, q := range []string{"&dry_run=1", "&force=1"} {
		if status, body := h.Do("POST", "/api/v1/remind?at="+far+q, "", "admin-secret"); status != http.StatusOK {
			t.Errorf("far run with %s: %d %s, want 200", q, status, body)
		}
	}
}

// After an outage, delivery resumes within a few first-retry delays of Zalo answering again
// (8 s in production, where the first retry is 2 s), and only one message at a time probes meanwhile.
func TestDeliveryResumesSoonAfterAnOutage(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil) // RetryBase 20 ms: the cap is 80 ms
	h.Fake.FailNext(100000, zalotest.Failure{HTTPStatus: http.StatusServiceUnavailable})
	users := []string{"9101", "9102", "9103", "9104", "9105"}
	for i, u := range users {
		h.Post(textEvent(u, fmt.Sprintf("out-%d", i), "xin chào", now), "")
	}
	time.Sleep(1500 * time.Millisecond) // Zalo down for 1.5 s
	during := h.Fake.Attempts()
	if during > 1500/20+len(users) {
		t.Errorf("%d requests during a 1.5 s outage: probing should be one at a time", during)
	}
	h.Fake.ClearFailures()
	back := time.Now()
	waitFor(t, "every reply delivered", func() bool { return len(h.Fake.Sent()) >= len(users)*helpReplies })
	if took := time.Since(back); took > time.Second { // the cap is 80 ms; before, it took 1.36 s here
		t.Errorf("delivery resumed %v after Zalo answered again, want within 1 s (the cap is 80 ms)", took)
	}
}

// A leader taps "Từ chối", an administrator replaces that leader, then the old leader types the
// reason: the refusal is not recorded in their name, and they are told why.
func TestADeclineCommitsOnlyWithTheRightStillHeld(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	var id uint64
	h.DB.Update(func(tx *store.Tx) error {
		tx.PutUnit(store.Unit{Code: "C", Name: "Xã", Level: "xã"})
		tx.PutTeam(store.Team{Code: "T", Name: "Tổ", Unit: "C"})
		tx.PutPerson(store.Person{ZaloID: "5500000000000000501", Name: "Tổ Trưởng Cũ"})
		tx.SetRole("T", "5500000000000000501", store.RoleLeader)
		r, err := tx.CreateRequest(store.Request{Kind: store.RequestJoin, Team: "T", ZaloID: "5500000000000000599", Name: "Người Xin", Phone: "0912000999", Role: store.RoleMember, State: store.StateAwaitLeader})
		id = r.ID
		return err
	})
	h.Post(textEvent("5500000000000000501", "dec-1", fmt.Sprintf("#rq:%d:dec", id), now), "")
	h.Settle()
	h.MustAPI(http.StatusOK, "PUT", "/api/v1/teams/T/roles/5500000000000000502", `{"role":"leader","name":"Tổ Trưởng Mới"}`, nil, "Authorization", "Bearer admin-secret")
	h.Post(textEvent("5500000000000000501", "dec-2", "Không ở thôn này", now), "")
	h.Settle()
	h.DB.View(func(tx *store.Tx) error {
		r, _, _ := tx.Request(id)
		if r.State != store.StateAwaitLeader {
			t.Errorf("request %s after a replaced leader's reason, want still waiting for the leader", r.State)
		}
		return nil
	})
	if got := h.SentTo("5500000000000000501"); len(got) == 0 || !strings.Contains(got[len(got)-1].Text, "không còn quyền") {
		t.Errorf("the replaced leader was not told: %+v", got)
	}
}

// One person writing 80 messages in a minute gets 60 answers and one "slow down", not 80 answers;
// someone else writing meanwhile is answered.
func TestOnePersonCannotFloodTheAccount(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	for i := 0; i < 80; i++ {
		h.Post(textEvent("6600000000000000001", fmt.Sprintf("flood-%d", i), "xin chào", now), "")
	}
	h.Post(textEvent("6600000000000000002", "other-1", "xin chào", now), "")
	h.Settle()
	got := h.SentTo("6600000000000000001")
	if want := 60*helpReplies + 1; len(got) != want || !strings.Contains(got[len(got)-1].Text, "nhắn nhanh quá") {
		t.Errorf("the flooder got %d messages, want %d (the last one asking to slow down)", len(got), want)
	}
	if len(h.SentTo("6600000000000000002")) != helpReplies {
		t.Error("someone else was not answered")
	}
	if m := h.metricValue("cdtbot_fair_use_unanswered_total"); m != "20" {
		t.Errorf("unanswered = %s, want 20 (80 messages, 60 answered)", m)
	}
}

// One recipient whose sends keep failing is not an outage: it backs off on its own, and
// everyone else's replies go at the usual pace.
func TestOneFailingRecipientDoesNotHoldEveryoneBack(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	h.Fake.FailFor("9200000000000000001", zalotest.Failure{HTTPStatus: http.StatusServiceUnavailable})
	h.Post(textEvent("9200000000000000001", "bad-1", "xin chào", now), "")
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	for i := 0; i < 20; i++ {
		h.Post(textEvent(fmt.Sprintf("92000000000000001%02d", i), fmt.Sprintf("ok-%d", i), "xin chào", now), "")
	}
	waitFor(t, "the others answered", func() bool { return len(h.Fake.Sent()) >= 20*helpReplies })
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("20 replies took %v next to one failing recipient", took)
	}
	before := h.Fake.Attempts()
	time.Sleep(time.Second)
	if n := h.Fake.Attempts() - before; n > 4 {
		t.Errorf("the failing recipient was tried %d times in a second: its own backoff should grow", n)
	}
}

// A reminder too long for a card's title is one send — text with its choice numbered — not a
// text and then a card; "1" then works like the button.
func TestALongReminderIsOneSend(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	lead := "9300000000000000001"
	h.Fake.Interact(lead)
	h.DB.Update(func(tx *store.Tx) error {
		tx.SetLastSeen(lead, now.Add(-time.Hour))
		text := "⏰ Nhắc hạn: Tổ chuyển đổi số cộng đồng khu phố 1, phường Bến Tre chưa gửi báo cáo tháng 11/2026. Hạn chót: 20/11/2026 (còn 3 ngày)."
		return bot.EnqueueReply(tx, flows.Reply{ToUser: lead, Text: text, Kind: "reminder", Bulk: true,
			Buttons: []flows.Button{{Title: "Báo cáo ngay", Payload: "báo cáo"}}}, "t")
	})
	h.Settle()
	got := h.SentTo(lead)
	if len(got) != 1 || !strings.Contains(got[0].Text, "1. Báo cáo ngay") {
		t.Fatalf("a long reminder went as %d sends: %+v", len(got), got)
	}
	h.DB.View(func(tx *store.Tx) error {
		if c := tx.Choices(lead); len(c) != 1 || c[0].Payload != "báo cáo" {
			t.Errorf("typed choices after the reminder: %+v", c)
		}
		return nil
	})
}

// A person erases their data by chat: soon after, the file itself (and a backup) holds none of
// their bytes — the bot compacts it after the erasure.
func TestErasureByChatLeavesNoBytesInTheFile(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, func(c *bot.Config) { c.CompactEvery = 50 * time.Millisecond })
	const id, name, phone = "9400000000000000001", "Đoàn Thị Xuyến", "0987654321"
	h.DB.Update(func(tx *store.Tx) error {
		tx.PutUnit(store.Unit{Code: "C", Name: "Xã", Level: "xã"})
		tx.PutTeam(store.Team{Code: "T", Name: "Tổ", Unit: "C"})
		tx.PutPerson(store.Person{ZaloID: id, Name: name, Phone: phone})
		return tx.SetRole("T", id, store.RoleMember)
	})
	h.Post(textEvent(id, "er-1", "xóa dữ liệu của tôi", now), "")
	h.Post(textEvent(id, "er-2", "#privacy:erase", now), "")
	h.Settle()
	h.DB.View(func(tx *store.Tx) error {
		if _, ok, _ := tx.Person(id); ok {
			t.Fatal("the person was not erased")
		}
		return nil
	})
	waitFor(t, "no byte of her in the file", func() bool {
		raw, err := os.ReadFile(h.DBPath)
		return err == nil && !bytes.Contains(raw, []byte(phone)) && !bytes.Contains(raw, []byte(name))
	})
	var backup bytes.Buffer
	if _, err := h.DB.WriteBackup(&backup); err != nil {
		t.Fatal(err)
	}
	// (Her Zalo id stays only on the one message that tells her the erasure is done.)
	if bytes.Contains(backup.Bytes(), []byte(phone)) || bytes.Contains(backup.Bytes(), []byte(name)) {
		t.Error("a backup taken after the erasure still holds her name or phone")
	}
}

// A request nobody up the tree may decide (the approver asked it) is decided through the admin API,
// and the requester hears it by chat.
func TestAnAdministratorDecidesWhatNoApproverMay(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	const chair = "9500000000000000001"
	h.Fake.Interact(chair)
	var id uint64
	h.DB.Update(func(tx *store.Tx) error {
		tx.PutUnit(store.Unit{Code: "C", Name: "Xã", Level: "xã"})
		tx.PutUnit(store.Unit{Code: "C.1", Name: "Thôn 1", Level: "thôn", Parent: "C"})
		tx.PutTeam(store.Team{Code: "T", Name: "Tổ thôn 1", Unit: "C.1"})
		tx.PutApprover(store.Approver{Unit: "C", ZaloID: chair, Name: "Chủ tịch"})
		r, err := tx.CreateRequest(store.Request{Kind: store.RequestJoin, Team: "T", ZaloID: chair, Name: "Chủ Tịch", Phone: "0912000111", Role: store.RoleMember, State: store.StateAwaitApprover})
		id = r.ID
		return err
	})
	path := fmt.Sprintf("/api/v1/requests/%d/decision", id)
	auth := []string{"Authorization", "Bearer admin-secret"}
	if status, body := h.Do("POST", path, `{"action":"reject"}`, "", auth...); status != http.StatusBadRequest || !strings.Contains(string(body), "reason_required") {
		t.Errorf("reject without a reason: %d %s", status, body)
	}
	var r store.Request
	h.MustAPI(http.StatusOK, "POST", path, `{"action":"approve"}`, &r, auth...)
	if r.State != store.StateApproved {
		t.Errorf("after the administrator's approval: %s", r.State)
	}
	h.DB.View(func(tx *store.Tx) error {
		if tx.RoleIn("T", chair) != store.RoleMember {
			t.Error("the roster did not change")
		}
		return nil
	})
	h.Settle()
	if got := h.SentTo(chair); len(got) != 1 {
		t.Errorf("the requester was told %d times, want once: %+v", len(got), got)
	}
	if status, _ := h.Do("POST", path, `{"action":"approve"}`, "", auth...); status != http.StatusConflict {
		t.Errorf("deciding twice: %d, want 409", status)
	}
	if status, _ := h.Do("POST", "/api/v1/requests/999/decision", `{"action":"approve"}`, "", auth...); status != http.StatusNotFound {
		t.Errorf("an unknown request: %d, want 404", status)
	}
}

// An administrator's approval the directory's rules refuse (the team filled up, or the person took a
// role in another commune meanwhile) is a 409 naming the rule, and the request keeps waiting.
func TestAnAdministratorsApprovalFollowsTheDirectoryRules(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	one := 1
	no := false
	ids := map[string]uint64{}
	h.DB.Update(func(tx *store.Tx) error {
		tx.PutUnit(store.Unit{Code: "P", Name: "Tỉnh", Level: "tỉnh"})
		tx.PutUnit(store.Unit{Code: "C", Name: "Xã C", Level: "xã", Parent: "P", Policy: &store.Policy{MaxMembers: &one, Collaborators: &no}})
		tx.PutUnit(store.Unit{Code: "C.1", Name: "Thôn 1", Level: "thôn", Parent: "C"})
		tx.PutUnit(store.Unit{Code: "D", Name: "Xã D", Level: "xã", Parent: "P"})
		tx.PutUnit(store.Unit{Code: "D.1", Name: "Thôn 1", Level: "thôn", Parent: "D"})
		tx.PutTeam(store.Team{Code: "T", Name: "Tổ thôn 1 xã C", Unit: "C.1"})
		tx.PutTeam(store.Team{Code: "U", Name: "Tổ thôn 1 xã D", Unit: "D.1"})
		tx.PutPerson(store.Person{ZaloID: "9500000000000000001", Name: "Tổ Trưởng"})
		tx.SetRole("T", "9500000000000000001", store.RoleLeader) // T is full now
		tx.PutPerson(store.Person{ZaloID: "9500000000000000003", Name: "Đã Ở Xã D"})
		tx.SetRole("U", "9500000000000000003", store.RoleMember)
		for name, who := range map[string]string{"full": "9500000000000000002", "commune": "9500000000000000003"} {
			r, err := tx.CreateRequest(store.Request{Kind: store.RequestJoin, Team: "T", ZaloID: who, Role: store.RoleMember, State: store.StateAwaitApprover})
			if err != nil {
				return err
			}
			ids[name] = r.ID
		}
		return nil
	})
	auth := []string{"Authorization", "Bearer admin-secret"}
	for name, code := range map[string]string{"full": "team_full", "commune": "other_commune"} {
		status, body := h.Do("POST", fmt.Sprintf("/api/v1/requests/%d/decision", ids[name]), `{"action":"approve"}`, "", auth...)
		if status != http.StatusConflict || !strings.Contains(string(body), `"code":"`+code+`"`) {
			t.Errorf("%s: %d %s, want 409 %s", name, status, body, code)
		}
	}
	h.DB.View(func(tx *store.Tx) error {
		for name, id := range ids {
			if r, _, _ := tx.Request(id); r.State != store.StateAwaitApprover {
				t.Errorf("%s: request is %s after a refused approval", name, r.State)
			}
		}
		return nil
	})
}

// A long request to decide reaching a leader in the middle of the report keeps its card: there a typed
// "1" answers the report, so the request's choices are not numbered (found in review).
func TestANoticeMidConversationKeepsItsButtons(t *testing.T) {
	h := newHarness(t, tungAnhDay, nil)
	h.ImportFile("transcripts/tung-anh.json")
	h.say(hung, "báo cáo")
	h.say(hung, "2") // November: the first question
	for _, text := range []string{"tham gia", "tung anh", "1", "Nguyễn Thị Thanh Hương Lê Phạm Trần", "0983 111 222", "1", "1"} {
		h.say(lan, text)
	}
	sent := h.SentTo(hung)
	last := sent[len(sent)-1]
	if !strings.Contains(string(last.Body), `"template_type":"list"`) || strings.Contains(string(last.Body), "Gõ số") {
		t.Fatalf("the request reached the leader mid-report as %s, want its card", last.Body)
	}
	h.say(hung, "1")
	h.DB.View(func(tx *store.Tx) error {
		s, _, _ := tx.Session(hung)
		if s.Data["a.households"] != "1" {
			t.Errorf("\"1\" did not answer the report's question: %v", s.Data)
		}
		if r, _, _ := tx.Request(1); r.State != store.StateAwaitLeader {
			t.Errorf("\"1\" decided the request: %s", r.State)
		}
		return nil
	})
}

// A reminder reaching someone in the middle of a conversation says which words work, not "type 1":
// there "1" is the conversation's (found in review: at "bỏ bản nháp?" it dropped the draft).
func TestAReminderMidConversationSaysWordsNotNumbers(t *testing.T) {
	h := newHarness(t, tungAnhDay, nil)
	h.ImportFile("transcripts/tung-anh.json")
	h.say(hung, "báo cáo")
	h.say(hung, "2")
	h.say(hung, "hủy") // "bỏ bản nháp?" [Tiếp tục báo cáo | Bỏ bản nháp]
	h.DB.Update(func(tx *store.Tx) error {
		return bot.EnqueueReminder(tx, reminders.Message{Key: "k", Kind: reminders.KindReminder, ToUser: hung,
			Text:    "⏰ Nhắc hạn: Tổ CNSCĐ thôn 1 chưa gửi báo cáo tháng 11/2026. Hạn chót: 20/11/2026 (còn 2 ngày). Bấm nút để báo cáo ngay.",
			Buttons: []reminders.Button{{Title: "Báo cáo ngay", Payload: "báo cáo"}}})
	})
	h.Settle()
	got := h.lastText(hung)
	if !strings.Contains(got, `Báo cáo ngay: nhắn "báo cáo"`) || strings.Contains(got, "Gõ số") {
		t.Fatalf("the reminder mid-conversation: %q", got)
	}
	h.DB.View(func(tx *store.Tx) error {
		if c := tx.Choices(hung); len(c) != 2 || c[1].Title != "Bỏ bản nháp" {
			t.Errorf("the conversation's typed choices were replaced by the reminder's: %+v", c)
		}
		return nil
	})
}

// Through the real webhook: a signed event is acknowledged (200) while something holds the database's
// writer (a national digest in the handling, a compaction), and is handled once the writer is free.
func TestTheWebhookAcknowledgesWhileTheWriterIsBusy(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, now, nil)
	holding, release := make(chan struct{}), make(chan struct{})
	var released atomic.Bool
	go h.DB.Update(func(*store.Tx) error {
		close(holding)
		select {
		case <-release:
		case <-time.After(30 * time.Second): // the test fails below rather than hanging
			released.Store(true)
		}
		return nil
	})
	<-holding
	resp := h.Post(textEvent("5005", "busy-1", "xin chào", now), "")
	if resp.StatusCode != http.StatusOK || released.Load() {
		t.Fatalf("acknowledged %d only after the writer let go (%v)", resp.StatusCode, released.Load())
	}
	close(release)
	h.Settle()
	if got := h.SentTo("5005"); len(got) != 1 {
		t.Errorf("the event acknowledged meanwhile got %d replies, want 1", len(got))
	}
}
