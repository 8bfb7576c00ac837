package form_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/bottest"
	"github.com/cdtbot/cdtbot/bot/signed"
	"github.com/cdtbot/cdtbot/store"
)

const leader = "4200000000000000101" // leader of DEMO-DT-HB in the demo directory (7 questions)

var linkPattern = regexp.MustCompile(`https://cdtbot\.example\.vn(/f/[A-Za-z0-9._-]+)`)

// newForms is the bot over real HTTP with the fake Zalo and the demo directory, on 10 November 2026.
func newForms(t *testing.T) *bottest.Harness {
	h := bottest.New(t, time.Date(2026, 11, 10, 2, 0, 0, 0, time.UTC), func(c *bot.Config) { c.PublicURL = "https://cdtbot.example.vn" })
	h.ImportFile("demo/directory.json")
	// October is filed: "báo cáo" goes straight to November's first question.
	if err := h.DB.Update(func(tx *store.Tx) error {
		_, err := tx.SaveReport(store.Report{Team: "DEMO-DT-HB", Period: "2026-10", Answers: map[string]string{"households": "3"},
			FiledBy: leader, Role: store.RoleLeader, FiledAt: h.Clock.Now().AddDate(0, -1, 0), Question: "demo-ha-tinh"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

// formPath asks for the report by chat and takes the form's link from the first question.
func formPath(t *testing.T, h *bottest.Harness) string {
	t.Helper()
	h.Post(bottest.TextEvent(leader, "m-1", "báo cáo", h.Clock.Now()), "")
	h.Settle()
	sent := h.SentTo(leader)
	if len(sent) != 1 {
		t.Fatalf("want the first question alone, got %d sends", len(sent))
	}
	m := linkPattern.FindStringSubmatch(sent[0].Text)
	if m == nil || !strings.Contains(sent[0].Text, "Câu 1/7") {
		t.Fatalf("no form link with the first question:\n%s\n%s", sent[0].Text, sent[0].Body)
	}
	return m[1]
}

func post(t *testing.T, h *bottest.Harness, path string, v url.Values) (int, string) {
	t.Helper()
	status, body := h.Do(http.MethodPost, path, v.Encode(), "", "Content-Type", "application/x-www-form-urlencoded")
	return status, string(body)
}

func demoAnswers() url.Values {
	return url.Values{"base": {"0"}, "q.households": {"12"}, "q.dvctt": {"1.200"}, "q.vneid": {"5"},
		"q.gov": {"Hướng dẫn dân nộp hồ sơ trực tuyến"}, "q.econ": {"Hỗ trợ mở tài khoản"}, "q.soc": {"Tập huấn kỹ năng số"}}
}

// A whole report in two sends: the first question carries the form's link; the form files it; the
// receipt comes by chat.
func TestAReportByFormInTwoSends(t *testing.T) {
	h := newForms(t)
	path := formPath(t, h)
	status, page := h.Do(http.MethodGet, path, "", "")
	if status != http.StatusOK || !strings.Contains(string(page), "Báo cáo tháng 11/2026") || strings.Count(string(page), `name="q.`) != 7 {
		t.Fatalf("form page: %d\n%.600s", status, page)
	}
	// A word where a number goes: the form comes back marked, and nothing is filed or sent.
	bad := demoAnswers()
	bad.Set("q.vneid", "nhiều lắm")
	if status, body := post(t, h, path, bad); status != http.StatusUnprocessableEntity || !strings.Contains(body, `data-k="problem-vneid"`) || !strings.Contains(body, "Hướng dẫn dân nộp") {
		t.Fatalf("refused answer: %d\n%.800s", status, body)
	}
	status, body := post(t, h, path, demoAnswers())
	if status != http.StatusOK || !strings.Contains(body, "Đã nhận báo cáo tháng 11/2026") {
		t.Fatalf("filing: %d\n%.600s", status, body)
	}
	h.Settle()
	sent := h.SentTo(leader)
	if len(sent) != 2 || !strings.Contains(sent[1].Text, "Đã nhận báo cáo tháng 11/2026") {
		t.Fatalf("want 2 sends (the question with the link, the receipt), got %d: %+v", len(sent), sent)
	}
	h.DB.View(func(tx *store.Tx) error {
		r, ok, _ := tx.LatestReport("DEMO-DT-HB", "2026-11")
		if !ok || r.Answers["dvctt"] != "1200" || r.FiledBy != leader || r.Version != 1 {
			t.Errorf("report %+v", r)
		}
		if _, open, _ := tx.Session(leader); open {
			t.Error("the chat's report conversation is still open after the form filed it")
		}
		return nil
	})
}

// Links are credentials: a tampered one is refused, an expired one says so, and one whose holder
// is no longer leader files nothing.
func TestFormLinksAreCheckedEveryTime(t *testing.T) {
	h := newForms(t)
	path := formPath(t, h)
	if status, body := h.Do(http.MethodGet, path[:len(path)-3]+"AAA", "", ""); status != http.StatusForbidden || !strings.Contains(string(body), "không đúng") {
		t.Errorf("tampered link: %d %.200s", status, body)
	}
	// A well-formed r1 token signed under another kind's key (an officer link's) opens nothing.
	var other string
	if err := h.DB.Update(func(tx *store.Tx) (err error) {
		other, err = signed.Kind{Version: "r1", Label: "cdtbot officer page link v1"}.Sign(tx, signed.Field(leader), signed.Field("DEMO-DT-HB"), "2026-11", "1900000000")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if status, _ := post(t, h, "/f/"+other, demoAnswers()); status != http.StatusForbidden {
		t.Errorf("a token signed with another kind's key: %d", status)
	}
	h.MustAPI(http.StatusOK, "PUT", "/api/v1/teams/DEMO-DT-HB/roles/4200000000000000102", `{"role":"leader"}`, nil)
	if status, body := post(t, h, path, demoAnswers()); status != http.StatusConflict || !strings.Contains(body, "Chỉ tổ trưởng hoặc tổ phó") {
		t.Errorf("a former leader's link: %d %.300s", status, body)
	}
	h.Clock.Set(h.Clock.Now().Add(49 * time.Hour))
	if status, body := h.Do(http.MethodGet, path, "", ""); status != http.StatusGone || !strings.Contains(string(body), "hết hạn") {
		t.Errorf("expired link: %d %.200s", status, body)
	}
	h.DB.View(func(tx *store.Tx) error {
		if _, ok, _ := tx.LatestReport("DEMO-DT-HB", "2026-11"); ok {
			t.Error("a refused link filed a report")
		}
		return nil
	})
}
