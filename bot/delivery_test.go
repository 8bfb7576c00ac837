package bot_test

// Evidence for the delivery ladder (bot/delivery.go, bot/sender.go): which
// channel a message takes at send time, what it costs, and what happens when
// Zalo refuses a channel — all through the webhook and the admin API, against
// the strict fake Zalo.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// znsTemplate is the approved ZNS reminder template registered in the fake.
const znsTemplate = "7001"

// remindHook wires Config.Remind as cmd/cdtbot/remind.go does (bot.EnqueueReminder, Message.Line):
// the sweep's messages go through bot.EnqueueReply with their kind and ZNS data.
type remindHook struct{ h atomic.Pointer[harness] }

func (r *remindHook) Remind(at time.Time, dryRun bool) ([]string, error) {
	h := r.h.Load()
	s := &reminders.Sweeper{DB: h.DB, Loc: h.Cfg.Location, Enqueue: bot.EnqueueReminder}
	msgs, err := s.Sweep(at, dryRun)
	lines := make([]string, 0, len(msgs))
	for _, m := range msgs {
		lines = append(lines, m.Line())
	}
	return lines, err
}

// newLadderHarness is a bot with reminders offered through the admin API, ZNS on the fake
// with the reminder template approved, and an operator to alert.
func newLadderHarness(t *testing.T, now time.Time, ops string, zns bool) *harness {
	t.Helper()
	hook := &remindHook{}
	h := newHarness(t, now, func(c *bot.Config) {
		c.Remind = hook
		if zns {
			c.ZNSBase = c.APIBase
			c.ZNSTemplateReminder = znsTemplate
		}
		if ops != "" {
			c.OpsNotify = []string{ops}
		}
	})
	hook.h.Store(h)
	h.Fake.AddZNSTemplate(znsTemplate, reminders.ZNSKeys)
	return h
}

// writeAt makes each user write "xin chào" at instant at (the bot's last_seen and Zalo's window both open then).
func (h *harness) writeAt(at time.Time, users ...string) {
	h.T.Helper()
	h.Clock.Set(at)
	for _, u := range users {
		if resp := h.Post(textEvent(u, fmt.Sprintf("hi-%s-%d", u, at.Unix()), "xin chào", at), ""); resp.StatusCode != http.StatusOK {
			h.T.Fatalf("webhook: %d", resp.StatusCode)
		}
	}
	h.Settle()
}

// say makes one user type text now and waits until everything it caused is settled.
func (h *harness) say(user, text string) {
	h.T.Helper()
	n := h.EventCount()
	if resp := h.Post(textEvent(user, fmt.Sprintf("say-%s-%d", user, n), text, h.Clock.Now()), ""); resp.StatusCode != http.StatusOK {
		h.T.Fatalf("webhook: %d", resp.StatusCode)
	}
	h.Settle()
}

// remindAt runs the reminder sweep through the admin API as of at and returns its lines.
func (h *harness) remindAt(at time.Time) []string {
	h.T.Helper()
	h.Clock.Set(at)
	var out struct {
		Messages []string `json:"messages"`
	}
	h.MustAPI(http.StatusOK, "POST", "/api/v1/remind?at="+url.QueryEscape(at.Format(time.RFC3339)), "", &out)
	return out.Messages
}

func (h *harness) outcomes() []store.Outcome {
	var out []store.Outcome
	h.DB.View(func(tx *store.Tx) error { out, _ = tx.Outcomes(0, 100000); return nil })
	return out
}

// outcomesOf lists the outcomes of one kind of message to one recipient.
func (h *harness) outcomesOf(to, kind string) []store.Outcome {
	var out []store.Outcome
	for _, o := range h.outcomes() {
		if o.To == to && o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func (h *harness) sendCosts(month string) map[string]int {
	var c map[string]int
	h.DB.View(func(tx *store.Tx) error { c = tx.SendCosts(month); return nil })
	return c
}

func (h *harness) unreachable(user string) (store.Unreachable, bool) {
	var u store.Unreachable
	var ok bool
	h.DB.View(func(tx *store.Tx) error { u, ok, _ = tx.UnreachableUser(user); return nil })
	return u, ok
}

func refusedFor(f *zalotest.Server, to string) []zalotest.Refusal {
	var out []zalotest.Refusal
	for _, r := range f.Refused() {
		if r.To == to {
			out = append(out, r)
		}
	}
	return out
}

// lastText is the text of the last message Zalo accepted for a recipient.
func (h *harness) lastText(to string) string {
	s := h.SentTo(to)
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1].Text
}

// metricValue reads one sample of /metrics ("" when absent).
func (h *harness) metricValue(sample string) string {
	for _, l := range strings.Split(h.Get("/metrics", ""), "\n") {
		if v, ok := strings.CutPrefix(l, sample+" "); ok {
			return v
		}
	}
	return ""
}

// statsSends reads the cost breakdown of GET /api/v1/stats for a month (false when the answer has none).
func (h *harness) statsSends(period string) (map[string]int, bool) {
	h.T.Helper()
	var stats struct {
		Sends map[string]int `json:"sends"`
	}
	h.MustAPI(http.StatusOK, "GET", "/api/v1/stats?unit=P&period="+period, "", &stats)
	return stats.Sends, stats.Sends != nil
}

func diffCosts(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for _, c := range store.CostClasses {
		out[c] = after[c] - before[c]
	}
	return out
}

// remindDay is a reminder morning: the default cutoff is the 30th, reminders go 3 days before.
var remindDay = time.Date(2026, 11, 27, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// The people of TestDeliveryLadderRungs: each leads one team.
const (
	wrote3d   = "3100000000000000001" // wrote 3 days ago: cs, paid
	wrote1h   = "3100000000000000002" // wrote 1 hour ago: cs, free
	znsLeader = "3100000000000000003" // wrote 10 days ago, has a phone: ZNS
	grpLeader = "3100000000000000004" // wrote 10 days ago, no phone, team in a group the OA is in: group
	noChannel = "3100000000000000005" // wrote 10 days ago, no phone, no group: unreachable, nothing sent
	staleBot  = "3100000000000000006" // the bot saw them 1 hour ago, Zalo says 8 days: -230, then ZNS
	allRefuse = "3100000000000000007" // wrote 10 days ago, ZNS refuses the phone, group not the OA's: unreachable + alert
	znsToGrp  = "3100000000000000008" // wrote 10 days ago, ZNS refuses the phone, group the OA's: group
	opsUser   = "3900000000000000001" // CDTBOT_OPS_NOTIFY
)

const ladderDirectory = `{
  "units": [
    {"code": "P", "name": "Tỉnh Thử", "level": "tỉnh", "policy": {"cutoff_day": 30}},
    {"code": "P.X", "name": "Thử", "level": "xã", "parent": "P"},
    {"code": "P.X.1", "name": "Thôn 1", "level": "thôn", "parent": "P.X"},
    {"code": "P.X.2", "name": "Thôn 2", "level": "thôn", "parent": "P.X"},
    {"code": "P.X.3", "name": "Thôn 3", "level": "thôn", "parent": "P.X"},
    {"code": "P.X.4", "name": "Thôn 4", "level": "thôn", "parent": "P.X"},
    {"code": "P.X.5", "name": "Thôn 5", "level": "thôn", "parent": "P.X"},
    {"code": "P.X.6", "name": "Thôn 6", "level": "thôn", "parent": "P.X"},
    {"code": "P.X.7", "name": "Thôn 7", "level": "thôn", "parent": "P.X"},
    {"code": "P.X.8", "name": "Thôn 8", "level": "thôn", "parent": "P.X"}
  ],
  "teams": [
    {"code": "TA", "name": "Tổ A", "unit": "P.X.1", "group_id": "g-ta", "created": "2025-01-01"},
    {"code": "TB", "name": "Tổ B", "unit": "P.X.2", "created": "2025-01-01"},
    {"code": "TC", "name": "Tổ C", "unit": "P.X.3", "created": "2025-01-01"},
    {"code": "TD", "name": "Tổ D", "unit": "P.X.4", "created": "2025-01-01"},
    {"code": "TE", "name": "Tổ E", "unit": "P.X.5", "created": "2025-01-01"},
    {"code": "TF", "name": "Tổ F", "unit": "P.X.6", "created": "2025-01-01"},
    {"code": "TG", "name": "Tổ G", "unit": "P.X.7", "created": "2025-01-01"},
    {"code": "TH", "name": "Tổ H", "unit": "P.X.8", "group_id": "g-th", "created": "2025-01-01"}
  ],
  "people": [
    {"zalo_id": "3100000000000000001", "name": "Người Ba Ngày", "phone": "0912000001", "roles": [{"team": "TA", "role": "leader"}]},
    {"zalo_id": "3100000000000000002", "name": "Người Một Giờ", "roles": [{"team": "TB", "role": "leader"}]},
    {"zalo_id": "3100000000000000003", "name": "Người Có Số", "phone": "0912000003", "roles": [{"team": "TC", "role": "leader"}]},
    {"zalo_id": "3100000000000000004", "name": "Người Trong Nhóm", "roles": [{"team": "TD", "role": "leader"}]},
    {"zalo_id": "3100000000000000005", "name": "Người Không Kênh", "roles": [{"team": "TE", "role": "leader"}]},
    {"zalo_id": "3100000000000000006", "name": "Người Cũ", "phone": "0912000006", "roles": [{"team": "TF", "role": "leader"}]},
    {"zalo_id": "3100000000000000007", "name": "Người Bị Từ Chối", "phone": "0912000007", "roles": [{"team": "TG", "role": "leader"}]},
    {"zalo_id": "3100000000000000008", "name": "Người Số Hỏng", "phone": "0912000008", "roles": [{"team": "TH", "role": "leader"}]}
  ]
}`

// TestDeliveryLadderRungs sends one reminder sweep to seven leaders, each set up for one rung
// or fall-through of the ladder, and checks the channel, the cost, the requests Zalo saw and
// what the bot recorded for each.
func TestDeliveryLadderRungs(t *testing.T) {
	h := newLadderHarness(t, remindDay.Add(-10*24*time.Hour), opsUser, true)
	h.MustAPI(http.StatusOK, "POST", "/api/v1/import?name=ladder.json", ladderDirectory, nil)
	// Team groups through the admin API: TD's group has the OA in it, TG's does not.
	h.MustAPI(http.StatusOK, "PUT", "/api/v1/teams/TD/group", `{"group_id":"g-td"}`, nil)
	h.MustAPI(http.StatusOK, "PUT", "/api/v1/teams/TG/group", `{"group_id":"g-tg"}`, nil)
	h.Fake.AddGroup("g-td", "Nhóm tổ D")
	h.Fake.AddGroup("g-ta", "Nhóm tổ A") // TA's leader is in the window: the group must not be used
	h.Fake.ZNSRefusePhone("84912000007")
	h.Fake.ZNSRefusePhone("84912000008")
	h.Fake.AddGroup("g-th", "Nhóm tổ H")

	h.writeAt(remindDay.Add(-10*24*time.Hour), znsLeader, grpLeader, noChannel, allRefuse, znsToGrp)
	h.writeAt(remindDay.Add(-3*24*time.Hour), wrote3d)
	h.writeAt(remindDay.Add(-time.Hour), wrote1h, staleBot, opsUser)
	// Zalo's own record of staleBot is 8 days old: the bot's last_seen is wrong (an event lost, a restore).
	h.Fake.InteractAt(staleBot, remindDay.Add(-8*24*time.Hour))

	costs0 := h.sendCosts("2026-11")
	attempts0 := h.Fake.Attempts()
	sent0 := len(h.Fake.Sent())
	refused0 := len(h.Fake.Refused())

	lines := h.remindAt(remindDay)
	if len(lines) != 8 {
		t.Fatalf("sweep queued %d messages, want 8 reminders:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	h.Settle()

	one := func(user string) store.Outcome {
		t.Helper()
		os := h.outcomesOf(user, reminders.KindReminder)
		if len(os) != 1 {
			t.Fatalf("%s: %d reminder outcomes, want 1: %+v", user, len(os), os)
		}
		return os[0]
	}
	newSent := h.Fake.Sent()[sent0:]
	sentTo := func(to string) []zalotest.Sent {
		var out []zalotest.Sent
		for _, s := range newSent {
			if s.To == to {
				out = append(out, s)
			}
		}
		return out
	}

	// (a) In the window: cs, paid after 48 hours, free before; buttons as a list template.
	for _, c := range []struct{ user, cost string }{{wrote3d, store.CostCSPaid}, {wrote1h, store.CostCSFree}} {
		o := one(c.user)
		s := sentTo(c.user)
		if o.Status != store.StatusSent || o.Channel != store.ChannelCS || o.Cost != c.cost || o.Attempts != 1 {
			t.Errorf("%s: outcome %s/%s/%s after %d attempts, want sent/cs/%s after 1", c.user, o.Status, o.Channel, o.Cost, o.Attempts, c.cost)
		}
		if len(s) != 1 || s[0].Kind != zalotest.KindCS || s[0].Cost != c.cost || s[0].MessageID != o.MessageID {
			t.Errorf("%s: Zalo accepted %+v, want one cs message costing %s with message id %s", c.user, s, c.cost, o.MessageID)
		}
	}
	if got := sentTo("g-ta"); len(got) != 0 {
		t.Errorf("a leader inside the window was also mentioned in the group: %d group messages", len(got))
	}

	// (b) Outside the window with a phone: ZNS, template data as Zalo wants it, Zalo's msg id recorded.
	{
		o := one(znsLeader)
		s := sentTo("84912000003")
		if o.Status != store.StatusSent || o.Channel != store.ChannelZNS || o.Cost != store.CostZNS || o.Attempts != 1 {
			t.Errorf("zns: outcome %s/%s/%s after %d attempts, want sent/zns/zns after 1", o.Status, o.Channel, o.Cost, o.Attempts)
		}
		if len(s) != 1 {
			t.Fatalf("zns: Zalo accepted %d ZNS messages for 84912000003, want 1", len(s))
		}
		if s[0].Kind != zalotest.KindZNS || s[0].Cost != zalotest.CostZNS || s[0].MessageID != o.MessageID || o.MessageID == "" {
			t.Errorf("zns: sent %+v, outcome message id %q: want kind zns and Zalo's msg_id recorded", s[0], o.MessageID)
		}
		var body struct {
			Phone        string            `json:"phone"`
			TemplateID   string            `json:"template_id"`
			TemplateData map[string]string `json:"template_data"`
			TrackingID   string            `json:"tracking_id"`
		}
		if err := json.Unmarshal(s[0].Body, &body); err != nil {
			t.Fatalf("zns body: %v: %s", err, s[0].Body)
		}
		want := map[string]string{"name": "Người Có Số", "team": "Tổ C", "period": "11/2026", "deadline": "30/11/2026", "status": "còn 3 ngày"}
		if body.Phone != "84912000003" || body.TemplateID != znsTemplate || body.TrackingID == "" || fmt.Sprint(body.TemplateData) != fmt.Sprint(want) {
			t.Errorf("zns request %s, want phone 84912000003, template %s, data %v", s[0].Body, znsTemplate, want)
		}
		if r := refusedFor(h.Fake, znsLeader); len(r) != 0 {
			t.Errorf("zns: cs was tried although the window had closed: %+v", r)
		}
	}

	// (c) Outside the window, no phone, team in a group: a mention in the group.
	{
		o := one(grpLeader)
		s := sentTo("g-td")
		if o.Status != store.StatusSent || o.Channel != store.ChannelGroup || o.Cost != store.CostGroup || o.Attempts != 1 {
			t.Errorf("group: outcome %s/%s/%s after %d attempts, want sent/group/group after 1", o.Status, o.Channel, o.Cost, o.Attempts)
		}
		if len(s) != 1 || s[0].Kind != zalotest.KindGroup || !strings.Contains(s[0].Text, "[@"+grpLeader+"]") || !strings.Contains(s[0].Text, "30/11/2026") {
			t.Errorf("group: Zalo accepted %+v, want one group message mentioning [@%s] with the cutoff", s, grpLeader)
		}
	}

	// (d) No channel: settled unreachable without a single request.
	{
		o := one(noChannel)
		if o.Status != store.StatusUnreachable || o.Attempts != 0 {
			t.Errorf("none: outcome %s after %d attempts, want unreachable after 0", o.Status, o.Attempts)
		}
		if s, r := sentTo(noChannel), refusedFor(h.Fake, noChannel); len(s)+len(r) != 0 {
			t.Errorf("none: Zalo saw requests for them: sent %+v refused %+v", s, r)
		}
		if _, ok := h.unreachable(noChannel); !ok {
			t.Error("none: not listed as unreachable")
		}
	}

	// (e) The bot's window is open, Zalo's is not: -230, then ZNS at once; cs is closed for them.
	{
		o := one(staleBot)
		r := refusedFor(h.Fake, staleBot)
		if len(r) != 1 || r[0].Code != -230 || r[0].Endpoint != "/v3.0/oa/message/cs" {
			t.Errorf("stale: refusals %+v, want one cs -230", r)
		}
		if s := sentTo("84912000006"); len(s) != 1 || s[0].Kind != zalotest.KindZNS {
			t.Errorf("stale: ZNS sends %+v, want 1", s)
		}
		if o.Status != store.StatusSent || o.Channel != store.ChannelZNS || o.Cost != store.CostZNS || o.Attempts != 2 {
			t.Errorf("stale: outcome %s/%s/%s after %d attempts, want sent/zns/zns after 2", o.Status, o.Channel, o.Cost, o.Attempts)
		}
		var seen time.Time
		h.DB.View(func(tx *store.Tx) error { seen, _ = tx.LastSeen(staleBot); return nil })
		if seen.After(remindDay.Add(-7 * 24 * time.Hour)) {
			t.Errorf("stale: last_seen still %v after Zalo said -230: the next message would try cs again", seen)
		}
	}

	// (f) ZNS refuses the phone: the group at once.
	{
		o := one(znsToGrp)
		if r := refusedFor(h.Fake, "84912000008"); len(r) != 1 || r[0].Code != zalotest.ZNSCodeAccountNotExisted {
			t.Errorf("zns→group: ZNS refusals %+v, want one -118", r)
		}
		s := sentTo("g-th")
		if len(s) != 1 || !strings.Contains(s[0].Text, "[@"+znsToGrp+"]") {
			t.Errorf("zns→group: group messages %+v, want one mentioning them", s)
		}
		if o.Status != store.StatusSent || o.Channel != store.ChannelGroup || o.Cost != store.CostGroup || o.Attempts != 2 {
			t.Errorf("zns→group: outcome %s/%s/%s after %d attempts, want sent/group/group after 2", o.Status, o.Channel, o.Cost, o.Attempts)
		}
		if _, ok := h.unreachable(znsToGrp); ok {
			t.Error("zns→group: listed as unreachable although the group reached them")
		}
	}

	// (f) ZNS refuses the phone, the group is not the OA's: unreachable, and the operators are told.
	{
		o := one(allRefuse)
		r := refusedFor(h.Fake, "84912000007")
		g := refusedFor(h.Fake, "g-tg")
		if len(r) != 1 || r[0].Code != zalotest.ZNSCodeAccountNotExisted || len(g) != 1 || g[0].Code != -403 {
			t.Errorf("refused: ZNS refusals %+v, group refusals %+v: want one -118 then one -403", r, g)
		}
		if o.Status != store.StatusUnreachable || o.Code != -403 || o.Attempts != 2 {
			t.Errorf("refused: outcome %s code %d after %d attempts, want unreachable -403 after 2", o.Status, o.Code, o.Attempts)
		}
		if u, ok := h.unreachable(allRefuse); !ok || u.Code != -403 {
			t.Errorf("refused: unreachable=%v %+v, want listed with -403", ok, u)
		}
		if v := h.metricValue(`cdtbot_alerts_total{reason="group_-403"}`); v != "1" {
			t.Errorf("alert metric for the group refusal = %q, want 1", v)
		}
		alerts := h.outcomesOf(opsUser, bot.KindAlert)
		if len(alerts) != 1 || alerts[0].Status != store.StatusSent || !strings.Contains(h.lastText(opsUser), "group") {
			t.Errorf("operator alert: %+v (last text to ops %q), want one sent alert naming the group channel", alerts, h.lastText(opsUser))
		}
	}

	// Exactly these requests, and the month's costs by class.
	if a := h.Fake.Attempts() - attempts0; a != 11 {
		t.Errorf("send requests = %d, want 11 (cs 2, zns 1, group 1, none 0, -230+zns 2, -118+group 2, -118+-403 2, the alert 1)", a)
	}
	if n := len(h.Fake.Refused()) - refused0; n != 4 {
		t.Errorf("refusals = %d, want 4", n)
	}
	want := map[string]int{store.CostCSFree: 2, store.CostCSPaid: 1, store.CostZNS: 2, store.CostGroup: 2} // cs_free: wrote1h and the alert
	if got := diffCosts(costs0, h.sendCosts("2026-11")); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("send costs this month grew by %v, want %v", got, want)
	}
}

// TestReminderDayHalfOutsideTheWindow: 20 leaders, 10 inside the window, 10 outside (5 with
// a phone, 3 in a group, 2 with nothing). Every leader is reached by exactly one channel or
// listed unreachable; nobody is lost or reached twice; the costs add up.
// halfOutsideDay is a reminder day for 20 leaders: 1–10 wrote 50 hours ago, 11–20 twenty days ago;
// 1–15 have phones; 11–18 sit in commune C2 (group g-c2, the OA is in it), 19–20 have nothing.
func halfOutsideDay(t *testing.T) (h *harness, leader, phone func(int) string) {
	t.Helper()
	h = newLadderHarness(t, remindDay.Add(-20*24*time.Hour), "", true)
	leader = func(i int) string { return fmt.Sprintf("41000000000000000%02d", i) }
	phone = func(i int) string { return fmt.Sprintf("09130000%02d", i) }
	var dir strings.Builder
	dir.WriteString(`{"units": [{"code": "P", "name": "Tỉnh Thử", "level": "tỉnh", "policy": {"cutoff_day": 30}},
	  {"code": "C1", "name": "Một", "level": "xã", "parent": "P", "group_id": "g-c1"},
	  {"code": "C2", "name": "Hai", "level": "xã", "parent": "P", "group_id": "g-c2"},
	  {"code": "C3", "name": "Ba", "level": "xã", "parent": "P"}`)
	commune := func(i int) string {
		switch {
		case i <= 10:
			return "C1" // in the window; their commune has a group too, which must not be used
		case i >= 11 && i <= 18:
			return "C2" // 11–15 have phones: ZNS goes before the group; 16–18 have none: the group
		}
		return "C3"
	}
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&dir, `, {"code": "%s.%02d", "name": "Thôn %d", "level": "thôn", "parent": "%s"}`, commune(i), i, i, commune(i))
	}
	dir.WriteString(`], "teams": [`)
	for i := 1; i <= 20; i++ {
		if i > 1 {
			dir.WriteString(",")
		}
		fmt.Fprintf(&dir, `{"code": "T%02d", "name": "Tổ %02d", "unit": "%s.%02d", "created": "2025-01-01"}`, i, i, commune(i), i)
	}
	dir.WriteString(`], "people": [`)
	for i := 1; i <= 20; i++ {
		if i > 1 {
			dir.WriteString(",")
		}
		ph := ""
		if i <= 15 { // the 10 in the window have phones too: ZNS must not be used for them
			ph = phone(i)
		}
		fmt.Fprintf(&dir, `{"zalo_id": "%s", "name": "Tổ trưởng %02d", "phone": "%s", "roles": [{"team": "T%02d", "role": "leader"}]}`, leader(i), i, ph, i)
	}
	dir.WriteString(`]}`)
	h.MustAPI(http.StatusOK, "POST", "/api/v1/import?name=day.json", dir.String(), nil)
	h.Fake.AddGroup("g-c1", "Xã Một")
	h.Fake.AddGroup("g-c2", "Xã Hai")

	var inside, outside []string
	for i := 1; i <= 20; i++ {
		if i <= 10 {
			inside = append(inside, leader(i))
		} else {
			outside = append(outside, leader(i))
		}
	}
	h.writeAt(remindDay.Add(-20*24*time.Hour), outside...)
	h.writeAt(remindDay.Add(-50*time.Hour), inside...)
	return h, leader, phone
}

func TestReminderDayHalfOutsideTheWindow(t *testing.T) {
	h, leader, phone := halfOutsideDay(t)

	costs0 := h.sendCosts("2026-11")
	stats0, _ := h.statsSends("2026-11")
	sent0 := len(h.Fake.Sent())
	attempts0 := h.Fake.Attempts()
	refused0 := len(h.Fake.Refused())
	lines := h.remindAt(remindDay)
	if len(lines) != 20 {
		t.Fatalf("sweep queued %d messages, want 20:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	h.Settle()

	// Each leader: one reminder outcome, on the channel their situation allows.
	newSent := h.Fake.Sent()[sent0:]
	reached := map[string][]string{} // leader → channels Zalo accepted for them
	for _, s := range newSent {
		switch s.Kind {
		case zalotest.KindCS:
			reached[s.To] = append(reached[s.To], "cs")
		case zalotest.KindZNS:
			for i := 1; i <= 20; i++ {
				if "84"+phone(i)[1:] == s.To {
					reached[leader(i)] = append(reached[leader(i)], "zns")
				}
			}
		case zalotest.KindGroup:
			for i := 1; i <= 20; i++ {
				if strings.Contains(s.Text, "[@"+leader(i)+"]") {
					reached[leader(i)] = append(reached[leader(i)], "group:"+s.To)
				}
			}
		}
	}
	for i := 1; i <= 20; i++ {
		id := leader(i)
		var want, status string
		switch {
		case i <= 10:
			want, status = "cs", store.StatusSent
		case i <= 15:
			want, status = "zns", store.StatusSent
		case i <= 18:
			want, status = "group:g-c2", store.StatusSent
		default:
			want, status = "", store.StatusUnreachable
		}
		os := h.outcomesOf(id, reminders.KindReminder)
		if len(os) != 1 || os[0].Status != status {
			t.Errorf("leader %d: outcomes %+v, want one %s", i, os, status)
		}
		if got := strings.Join(reached[id], ","); got != want {
			t.Errorf("leader %d: reached by %q, want %q", i, got, want)
		}
		_, unr := h.unreachable(id)
		if unr != (i >= 19) {
			t.Errorf("leader %d: unreachable=%v", i, unr)
		}
	}
	if n := len(newSent); n != 18 {
		t.Errorf("Zalo accepted %d messages, want 18 (one per reachable leader)", n)
	}
	if a := h.Fake.Attempts() - attempts0; a != 18 {
		t.Errorf("send requests = %d, want 18: no refused attempt, no request for the unreachable", a)
	}
	if n := len(h.Fake.Refused()) - refused0; n != 0 {
		t.Errorf("%d refused requests, want 0", n)
	}
	want := map[string]int{store.CostCSFree: 0, store.CostCSPaid: 10, store.CostZNS: 5, store.CostGroup: 3}
	if got := diffCosts(costs0, h.sendCosts("2026-11")); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("send costs this month grew by %v, want %v", got, want)
	}
	// GET /api/v1/stats counts the month's deliveries per cost class ("sends").
	if sends1, ok := h.statsSends("2026-11"); ok {
		if got := diffCosts(stats0, sends1); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("GET /api/v1/stats sends grew by %v, want %v", got, want)
		}
	} else {
		t.Logf("GET /api/v1/stats has no \"sends\" cost breakdown; costs checked through store.SendCosts only")
	}
	// A second sweep the same morning sends nothing again.
	if lines := h.remindAt(remindDay.Add(time.Hour)); len(lines) != 0 {
		t.Errorf("second sweep queued %d messages, want 0: %v", len(lines), lines)
	}
}

// The people of testdata/transcripts/tung-anh.json used below, on its day (bot/admin's tests know them all).
const (
	hung    = "1100000000000000001" // leader of TA-T1 (Tùng Ảnh)
	chutich = "1100000000000000009" // approver of Tùng Ảnh
	lan     = "2200000000000000001" // a resident, not in the directory
)

var tungAnhDay = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// TestTemplatesRefusedEverythingByTypedNumbers: an OA whose Zalo refuses templates. A resident
// joins (commune, team, name, phone, consent by typing), the leader recommends and the
// approver approves by typing numbers, the leader files a monthly report with numbers and
// words only (at the summary, whose items are numbered, by words). Every choice reaches Zalo as numbered text; the refusal is learned once and kept.
func TestTemplatesRefusedEverythingByTypedNumbers(t *testing.T) {
	h := newHarness(t, tungAnhDay, nil)
	h.Fake.RefuseTemplates(true)
	h.ImportFile("transcripts/tung-anh.json")

	// The leader and the approver write first: nobody can be notified by cs before they have.
	h.say(hung, "xin chào")
	if r := h.Fake.Refused(); len(r) != 1 || r[0].To != hung || r[0].Code != -201 {
		t.Fatalf("first menu: refusals %+v, want one -201 for the list template", r)
	}
	if txt := h.lastText(hung); !strings.Contains(txt, "\n1. Báo cáo tháng") {
		t.Fatalf("menu as text: %q, want numbered choices", txt)
	}
	h.say(chutich, "xin chào")
	if txt := h.lastText(chutich); !strings.Contains(txt, "\n1. ") {
		t.Errorf("approver's menu: %q, want numbered choices", txt)
	}

	expect := func(who, sub string) {
		t.Helper()
		if txt := h.lastText(who); !strings.Contains(txt, sub) {
			t.Fatalf("last message to %s = %q, want it to contain %q", who, txt, sub)
		}
	}
	// The resident joins.
	h.say(lan, "tham gia")
	expect(lan, "xã/phường nào")
	h.say(lan, "tung anh")
	expect(lan, "\n1. Thôn 1\n2. Thôn Trung Lưu")
	h.say(lan, "1")
	expect(lan, "nhập họ và tên")
	h.say(lan, "Lê Thị Lan")
	expect(lan, "Số điện thoại")
	h.say(lan, "0983 111 222")
	expect(lan, "\n1. Tôi đồng ý\n2. Không đồng ý")
	h.say(lan, "1")
	expect(lan, "\n1. Gửi yêu cầu")
	h.say(lan, "1")
	expect(lan, "Đã gửi yêu cầu số 1")
	expect(hung, "\n1. Giới thiệu\n2. Từ chối")
	h.say(hung, "1")
	expect(hung, "Đã chuyển yêu cầu số 1")
	expect(chutich, "\n1. Phê duyệt\n2. Từ chối")
	h.say(chutich, "1")
	expect(chutich, "Đã phê duyệt yêu cầu số 1")
	expect(lan, "chính thức là thành viên Tổ CNSCĐ thôn 1")
	var roles []store.Membership
	h.DB.View(func(tx *store.Tx) error { roles, _ = tx.RolesOf(lan); return nil })
	if len(roles) != 1 || roles[0].Team != "TA-T1" || roles[0].Role != store.RoleMember {
		t.Errorf("lan's roles after approval: %+v, want member of TA-T1", roles)
	}
	// The info request was not sent at all (nothing to show without templates).
	var skipped int
	for _, o := range h.outcomes() {
		if o.To == lan && o.Status == store.StatusSkipped {
			skipped++
		}
	}
	if skipped != 1 {
		t.Errorf("%d skipped info requests for the resident, want 1", skipped)
	}

	// The leader files the monthly report with numbers and words only.
	h.say(hung, "báo cáo")
	expect(hung, "\n1. Tháng 10/2026 (quá hạn)\n2. Tháng 11/2026")
	h.say(hung, "2")
	expect(hung, "Câu 1/12")
	answers := []string{"12", "120", "5", "3", "2", "1", "2",
		"Hướng dẫn 12 hộ cài VNeID.", "Hỗ trợ 3 hộ mở tài khoản.", "Tuyên truyền trên loa.", "bỏ qua", "Đề nghị cấp tài liệu."}
	for i, a := range answers {
		h.say(hung, a)
		if i < len(answers)-1 {
			expect(hung, fmt.Sprintf("Câu %d/12", i+2))
		}
	}
	// The summary numbers its items 1 to 12: its choices go as words, and a typed number names an item.
	expect(hung, "\n• Gửi: nhắn \"gửi\"\n• Sửa: nhắn \"sửa\"\n• Hủy: nhắn \"hủy\"")
	h.say(hung, "2")
	expect(hung, "Câu 2/12")
	h.say(hung, "120")
	expect(hung, "• Gửi: nhắn \"gửi\"")
	h.say(hung, "gửi")
	expect(hung, "Đã nhận báo cáo tháng 11/2026")
	var rep store.Report
	var filed bool
	h.DB.View(func(tx *store.Tx) error {
		vs, _ := tx.ReportVersions("TA-T1", "2026-11")
		if filed = len(vs) > 0; filed {
			rep = vs[0]
		}
		return nil
	})
	if !filed || rep.FiledBy != hung {
		t.Errorf("report: filed=%v %+v", filed, rep)
	}
	for q, a := range rep.Answers {
		if strings.HasPrefix(a, "#") {
			t.Errorf("answer %s = %q: a typed number became a button payload", q, a)
		}
	}

	// Every message reached Zalo as text: no template after the first refusal.
	for _, s := range h.Fake.Sent() {
		if strings.Contains(string(s.Body), `"attachment"`) {
			t.Errorf("a template reached Zalo after it refused templates: %s", s.Body)
		}
	}
	if n := len(h.Fake.Refused()); n != 1 {
		t.Errorf("%d refused sends, want only the first one: %+v", n, h.Fake.Refused())
	}
	if v := h.metricValue(`cdtbot_alerts_total{reason="templates_refused"}`); v != "1" {
		t.Errorf("templates_refused alerts = %q, want 1", v)
	}

	// After a restart the first menu goes straight as text.
	h.Restart()
	h.say("2200000000000000077", "xin chào")
	if n := len(h.Fake.Refused()); n != 1 {
		t.Errorf("after restart: %d refused sends, want still 1 (the refusal is remembered)", n)
	}
	if txt := h.lastText("2200000000000000077"); !strings.Contains(txt, "\n1. ") {
		t.Errorf("after restart the menu went as %q, want numbered text", txt)
	}
}

// TestZNSQuotaUsedUpMidMorning: the account's daily ZNS quota runs out after two reminders. The
// third ZNS is refused and falls to the commune group at once; the rest of the morning does not
// try ZNS again (no request wasted per message), and the operators are alerted once.
func TestZNSQuotaUsedUpMidMorning(t *testing.T) {
	h, leader, _ := halfOutsideDay(t)
	h.Cfg.SendWorkers = 1 // one send at a time: what follows the refusal is exactly countable
	h.Restart()
	h.Fake.SetZNSQuota(2)
	attempts0 := h.Fake.Attempts()
	if lines := h.remindAt(remindDay); len(lines) != 20 {
		t.Fatalf("sweep queued %d messages, want 20", len(lines))
	}
	h.Settle()
	var zns, group int
	for i := 11; i <= 18; i++ {
		os := h.outcomesOf(leader(i), reminders.KindReminder)
		if len(os) != 1 || os[0].Status != store.StatusSent {
			t.Fatalf("leader %d: %+v, want one sent reminder", i, os)
		}
		switch os[0].Channel {
		case store.ChannelZNS:
			zns++
		case store.ChannelGroup:
			group++
		}
	}
	if zns != 2 || group != 6 {
		t.Errorf("leaders 11–18: %d by ZNS and %d by group, want 2 and 6", zns, group)
	}
	// 10 cs + 3 ZNS (the third refused) + 6 group: the two leaders after the refusal cost no ZNS request.
	if a := h.Fake.Attempts() - attempts0; a != 19 {
		t.Errorf("send requests = %d, want 19", a)
	}
	if got := h.metricValue(`cdtbot_alerts_total{reason="zns_-144"}`); got != "1" {
		t.Errorf("zns quota alert = %q, want 1", got)
	}
}

// A reminder queued before the morning (a sweep at night, or a national morning spread over the hours
// before it) is not sent to a leader who filed meanwhile: "you have not filed" would be wrong.
func TestAReminderOfAReportFiledMeanwhileIsNotSent(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	h := newLadderHarness(t, time.Date(2026, 12, 19, 5, 0, 0, 0, ict), "", false)
	h.ImportFile("transcripts/tung-anh.json")
	h.writeAt(time.Date(2026, 12, 19, 5, 0, 0, 0, ict), hung)
	lines := h.remindAt(time.Date(2026, 12, 19, 6, 0, 0, 0, ict)) // the cutoff's eve: due at 07:00
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "remind|TA-T1|2026-12|") }) {
		t.Fatalf("no reminder to the leader queued:\n%s", strings.Join(lines, "\n"))
	}
	h.Clock.Set(time.Date(2026, 12, 19, 6, 30, 0, 0, ict))
	for i, text := range []string{"báo cáo", "tháng 12", "4, 10, 2, 1, 0, 0, 1", "8. hướng dẫn 4 hộ\n9. không\n10. không\n11. bỏ qua\n12. bỏ qua", "gửi"} {
		h.Post(textEvent(hung, fmt.Sprintf("early-%d", i), text, h.Clock.Now()), "")
		h.SettleReplies()
	}
	h.DB.View(func(tx *store.Tx) error {
		if _, filed, _ := tx.FirstFiled("TA-T1", "2026-12"); !filed {
			t.Fatalf("the report was not filed; last message: %q", h.lastText(hung))
		}
		return nil
	})
	// The admin API's plan of the waiting messages says so before the morning.
	var plan bot.PlanTotals
	h.MustAPI(http.StatusOK, "GET", "/api/v1/outbox/plan", "", &plan)
	if plan.ByChannel["obsolete"] < 1 {
		t.Errorf("outbox plan: %+v, want the filed report's reminder as obsolete", plan)
	}
	before := len(h.SentTo(hung))
	h.Clock.Set(time.Date(2026, 12, 19, 7, 1, 0, 0, ict))
	h.Settle()
	if got := h.SentTo(hung)[before:]; len(got) != 0 {
		t.Errorf("the leader who filed at 06:30 got %d more messages at 07:00: %s", len(got), got[0].Body)
	}
	if os := h.outcomesOf(hung, reminders.KindReminder); len(os) != 1 || os[0].Status != store.StatusObsolete {
		t.Errorf("the reminder's outcome: %+v, want one %q", os, store.StatusObsolete)
	}
}
