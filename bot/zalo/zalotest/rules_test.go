package zalotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for SetClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newClocked starts a fake on a fixed clock.
func newClocked(t *testing.T) (*Server, *fakeClock) {
	t.Helper()
	s := New("app", "secret", "acc", "ref")
	t.Cleanup(s.Close)
	clk := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s.SetClock(clk.now)
	return s, clk
}

// get sends a GET with an access_token header and decodes the JSON answer.
func get(t *testing.T, u, token string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("access_token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, raw)
	}
	return m
}

// sendJSON posts body to path with token and returns the answer's error code.
func sendJSON(t *testing.T, s *Server, path, token, body string) (float64, map[string]any) {
	t.Helper()
	_, _, m := post(t, s.URL+path, "application/json", map[string]string{"access_token": token}, body)
	code, ok := m["error"].(float64)
	if !ok {
		t.Fatalf("answer without error field: %v", m)
	}
	return code, m
}

func TestFakeCSWindow(t *testing.T) {
	s, clk := newClocked(t)
	t0 := clk.now()
	text := func(to string) string {
		return `{"recipient":{"user_id":"` + to + `"},"message":{"text":"nhắc việc"}}`
	}
	if code, _ := sendJSON(t, s, pathCS, "acc", text("never")); code != codeNoInteraction {
		t.Errorf("never interacted: %v", code)
	}
	cases := []struct {
		name     string
		ago      time.Duration
		wantCode float64
		wantCost string
	}{
		{"just now", 0, 0, CostCSFree},
		{"47h", 47 * time.Hour, 0, CostCSFree},
		{"exactly 48h", 48 * time.Hour, 0, CostCSPaid},
		{"3 days", 72 * time.Hour, 0, CostCSPaid},
		{"exactly 7 days", 7 * 24 * time.Hour, 0, CostCSPaid},
		{"7 days and a second", 7*24*time.Hour + time.Second, codeOutsideWindow, ""},
		{"a month", 30 * 24 * time.Hour, codeOutsideWindow, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			user := "u-" + strings.ReplaceAll(tc.name, " ", "-")
			s.InteractAt(user, t0.Add(-tc.ago))
			before := len(s.Sent())
			code, m := sendJSON(t, s, pathCS, "acc", text(user))
			if code != tc.wantCode {
				t.Fatalf("answered %v, want %v", m, tc.wantCode)
			}
			sent := s.Sent()
			if tc.wantCode != 0 {
				if len(sent) != before {
					t.Errorf("refused send recorded as sent")
				}
				return
			}
			last := sent[len(sent)-1]
			if last.To != user || last.Kind != KindCS || last.Cost != tc.wantCost || !last.At.Equal(t0) {
				t.Errorf("recorded %+v, want cost %s at %v", last, tc.wantCost, t0)
			}
		})
	}

	// Interact uses the fake clock, and the window moves with it.
	s.Interact("mover")
	clk.add(49 * time.Hour)
	if _, _ = sendJSON(t, s, pathCS, "acc", text("mover")); s.Sent()[len(s.Sent())-1].Cost != CostCSPaid {
		t.Errorf("after 49h: %+v", s.Sent()[len(s.Sent())-1])
	}
	clk.add(6 * 24 * time.Hour)
	if code, _ := sendJSON(t, s, pathCS, "acc", text("mover")); code != codeOutsideWindow {
		t.Errorf("after 8 days: %v", code)
	}

	ref := s.Refused()
	want := []float64{codeNoInteraction, codeOutsideWindow, codeOutsideWindow, codeOutsideWindow}
	if len(ref) != len(want) {
		t.Fatalf("refused %+v", ref)
	}
	for i, r := range ref {
		if float64(r.Code) != want[i] || r.Endpoint != pathCS || r.To == "" || r.Message == "" {
			t.Errorf("refusal %d = %+v", i, r)
		}
	}
	if ref[0].To != "never" || ref[3].To != "mover" {
		t.Errorf("refusal recipients %+v", ref)
	}
}

func TestFakeScriptedFailureWinsOverRules(t *testing.T) {
	s, _ := newClocked(t)
	s.FailFor("never", Failure{Code: -234})
	if code, _ := sendJSON(t, s, pathCS, "acc", `{"recipient":{"user_id":"never"},"message":{"text":"x"}}`); code != -234 {
		t.Errorf("FailFor on a user outside the window answered %v", code)
	}
	if len(s.Refused()) != 0 {
		t.Errorf("scripted failure counted as a refusal: %+v", s.Refused())
	}
	// A bad token is not a rule refusal either.
	if code, _ := sendJSON(t, s, pathCS, "bad", `{"recipient":{"user_id":"never"},"message":{"text":"x"}}`); code != codeTokenInvalid || len(s.Refused()) != 0 {
		t.Errorf("bad token: %v %+v", code, s.Refused())
	}
}

// templateBody builds a cs template message.
func templateBody(to, templateType, elements string) string {
	return `{"recipient":{"user_id":"` + to + `"},"message":{"attachment":{"type":"template","payload":{"template_type":"` +
		templateType + `","elements":` + elements + `,"buttons":[{"title":"Đồng ý","type":"oa.query.hide","payload":"#dong_y"}]}}}}`
}

func TestFakeTemplates(t *testing.T) {
	s, _ := newClocked(t)
	s.Interact("u1")
	list := templateBody("u1", "list", `[{"title":"Nộp báo cáo?"}]`)
	info := templateBody("u1", "request_user_info", `[{"title":"Chia sẻ","subtitle":"SĐT","image_url":"https://x/logo.png"}]`)
	noImage := templateBody("u1", "request_user_info", `[{"title":"Chia sẻ","subtitle":"SĐT"}]`)
	noElement := templateBody("u1", "request_user_info", `[]`)
	plain := `{"recipient":{"user_id":"u1"},"message":{"text":"1. Đồng ý"}}`

	steps := []struct {
		name  string
		setup func()
		body  string
		want  float64
	}{
		{"list accepted by default", func() {}, list, 0},
		{"request_user_info accepted by default", func() {}, info, 0},
		{"request_user_info without image_url", func() {}, noImage, codeBadParameter},
		{"request_user_info without element", func() {}, noElement, codeBadParameter},
		{"list refused", func() { s.RefuseTemplates(true) }, list, codeBadParameter},
		{"request_user_info refused", func() {}, info, codeBadParameter},
		{"text still accepted", func() {}, plain, 0},
		{"list refused with -233", func() { s.RefuseTemplatesWith(-233) }, list, -233},
		{"request_user_info refused with -233", func() {}, info, -233},
		{"accepted again", func() { s.RefuseTemplates(false) }, list, 0},
		{"image still required", func() {}, noImage, codeBadParameter},
	}
	for _, st := range steps {
		st.setup()
		if code, m := sendJSON(t, s, pathCS, "acc", st.body); code != st.want {
			t.Errorf("%s: answered %v, want %v", st.name, m, st.want)
		}
	}
	var codes []int
	for _, r := range s.Refused() {
		codes = append(codes, r.Code)
	}
	if len(codes) != 7 || codes[2] != codeBadParameter || codes[4] != -233 {
		t.Errorf("refusals %v", codes)
	}
	// The template rule is about cs: a group with the OA in it takes a list.
	s.RefuseTemplates(true)
	s.AddGroup("g1", "Xã")
	if code, m := sendJSON(t, s, pathGroup, "acc", strings.Replace(list, `"user_id":"u1"`, `"group_id":"g1"`, 1)); code != 0 {
		t.Errorf("group list: %v", m)
	}
}

func TestFakeGroups(t *testing.T) {
	s, _ := newClocked(t)
	body := func(g string) string {
		return `{"recipient":{"group_id":"` + g + `"},"message":{"text":"chào [@u1]"}}`
	}
	if code, m := sendJSON(t, s, pathGroup, "acc", body("g1")); code != codeNotInGroup || m["message"] != "OA is not in the group" {
		t.Errorf("unknown group: %v", m)
	}
	s.AddGroup("g1", "Thôn 1")
	if code, m := sendJSON(t, s, pathGroup, "acc", body("g1")); code != 0 {
		t.Errorf("added group: %v", m)
	}
	if last := s.Sent()[0]; last.Kind != KindGroup || last.Cost != CostGroup || last.To != "g1" {
		t.Errorf("recorded %+v", last)
	}
	s.DisableGroup("g1")
	if code, _ := sendJSON(t, s, pathGroup, "acc", body("g1")); code != codeGroupDisabled {
		t.Errorf("disabled group: %v", code)
	}
	if code, _ := sendJSON(t, s, pathGroup, "bad", body("g1")); code != codeTokenInvalid {
		t.Errorf("bad token: %v", code)
	}
	s.AddGroup("g1", "Thôn 1 mới")
	if code, _ := sendJSON(t, s, pathGroup, "acc", body("g1")); code != 0 {
		t.Errorf("re-enabled group: %v", code)
	}
	if r := s.Refused(); len(r) != 2 || r[0].Code != codeNotInGroup || r[1].Code != codeGroupDisabled || r[1].Endpoint != pathGroup {
		t.Errorf("refused %+v", r)
	}
}

func TestFakeGroupsOfOA(t *testing.T) {
	s, _ := newClocked(t)
	for _, id := range []string{"g1", "g2", "g3", "g4", "g5", "g6", "g7"} {
		s.AddGroup(id, "Nhóm "+id)
	}
	s.DisableGroup("g7")
	list := func(q, token string) (data map[string]any, ids []string, statuses []string) {
		m := get(t, s.URL+pathGroupsOfOA+q, token)
		if m["error"] != float64(0) {
			return m, nil, nil
		}
		data = m["data"].(map[string]any)
		for _, g := range data["groups"].([]any) {
			g := g.(map[string]any)
			ids = append(ids, g["group_id"].(string))
			statuses = append(statuses, g["status"].(string))
			if g["name"] != "Nhóm "+g["group_id"].(string) {
				t.Errorf("group %v", g)
			}
		}
		return data, ids, statuses
	}
	data, ids, _ := list("?offset=0&count=5", "acc")
	if data["total"] != float64(7) || strings.Join(ids, ",") != "g1,g2,g3,g4,g5" {
		t.Errorf("page 1: %v %v", data, ids)
	}
	_, ids, st := list("?offset=5&count=5", "acc")
	if strings.Join(ids, ",") != "g6,g7" || strings.Join(st, ",") != "enable,disable" {
		t.Errorf("page 2: %v %v", ids, st)
	}
	if _, ids, _ := list("", "acc"); len(ids) != defaultGroupPage {
		t.Errorf("default page: %v", ids)
	}
	if _, ids, _ := list("?offset=7&count=5", "acc"); len(ids) != 0 {
		t.Errorf("past the end: %v", ids)
	}
	if m, _, _ := list("?offset=0&count=5", "bad"); m["error"] != float64(codeTokenInvalid) {
		t.Errorf("bad token: %v", m)
	}
	if m, _, _ := list("?offset=x", "acc"); m["error"] != float64(codeBadParameter) {
		t.Errorf("bad offset: %v", m)
	}
}

func TestFakeOAInfo(t *testing.T) {
	s, _ := newClocked(t)
	s.SetOA("oa-42", "UBND xã")
	m := get(t, s.URL+pathOAInfo, "acc")
	data, _ := m["data"].(map[string]any)
	if m["error"] != float64(0) || data["oa_id"] != "oa-42" || data["name"] != "UBND xã" || data["is_verified"] != true {
		t.Errorf("getoa: %v", m)
	}
	if m := get(t, s.URL+pathOAInfo, "bad"); m["error"] != float64(codeTokenInvalid) {
		t.Errorf("bad token: %v", m)
	}
}

// znsSend posts a ZNS message and returns its code and answer.
func znsSend(t *testing.T, s *Server, token, phone, template string, data map[string]string) (float64, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"phone": phone, "template_id": template, "template_data": data, "tracking_id": "tr-1"})
	return sendJSON(t, s, pathZNSSend, token, string(b))
}

func TestFakeZNSRules(t *testing.T) {
	s, _ := newClocked(t)
	s.AddZNSTemplate("1001", []string{"name", "deadline"})
	s.AddZNSTemplate("1002", []string{"name"})
	s.AddZNSTemplate("1003", []string{"name"})
	s.AddZNSTemplate("1004", []string{"name"})
	s.SetZNSTemplateStatus("1002", "PENDING_REVIEW")
	s.SetZNSTemplateStatus("1003", "REJECT")
	s.SetZNSTemplateStatus("1004", "DISABLE")
	s.ZNSRefusePhone("84987654321")
	full := map[string]string{"name": "Hương", "deadline": "05/03"}
	cases := []struct {
		name     string
		token    string
		phone    string
		template string
		data     map[string]string
		want     float64
	}{
		{"bad token", "bad", "84912345678", "1001", full, ZNSCodeTokenInvalid},
		{"phone with 0", "acc", "0912345678", "1001", full, ZNSCodePhoneInvalid},
		{"phone with +", "acc", "+84912345678", "1001", full, ZNSCodePhoneInvalid},
		{"phone too short", "acc", "8491234567", "1001", full, ZNSCodePhoneInvalid},
		{"unknown template", "acc", "84912345678", "9999", full, ZNSCodeTemplateInvalid},
		{"pending template", "acc", "84912345678", "1002", full, ZNSCodeTemplateNotApproved},
		{"rejected template", "acc", "84912345678", "1003", full, ZNSCodeTemplateNotApproved},
		{"disabled template", "acc", "84912345678", "1004", full, ZNSCodeTemplateDisabled},
		{"no data", "acc", "84912345678", "1001", nil, ZNSCodeTemplateDataEmpty},
		{"missing param", "acc", "84912345678", "1001", map[string]string{"name": "Hương"}, ZNSCodeTemplateDataInvalid},
		{"empty param", "acc", "84912345678", "1001", map[string]string{"name": "Hương", "deadline": ""}, ZNSCodeTemplateDataInvalid},
		{"refused phone", "acc", "84987654321", "1001", full, ZNSCodeAccountNotExisted},
		{"accepted", "acc", "84912345678", "1001", full, 0},
		{"accepted, 11-digit number", "acc", "842412345678", "1001", full, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code, m := znsSend(t, s, tc.token, tc.phone, tc.template, tc.data); code != tc.want {
				t.Errorf("answered %v, want %v", m, tc.want)
			}
		})
	}
	sent := s.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent %+v", sent)
	}
	z := sent[0]
	if z.Kind != KindZNS || z.Cost != CostZNS || z.To != "84912345678" || z.Text != "deadline=05/03;name=Hương" ||
		z.Endpoint != pathZNSSend || !strings.Contains(string(z.Body), `"tracking_id":"tr-1"`) || z.MessageID == "" {
		t.Errorf("recorded %+v", z)
	}
	// Every rule refusal is listed; the bad token is not one.
	if r := s.Refused(); len(r) != 11 || r[0].Code != ZNSCodePhoneInvalid || r[0].To != "0912345678" || r[10].Code != ZNSCodeAccountNotExisted {
		t.Errorf("refused %+v", r)
	}
	if s.Attempts() != len(cases) {
		t.Errorf("attempts %d", s.Attempts())
	}
}

func TestFakeZNSAnswerAndQuota(t *testing.T) {
	s, clk := newClocked(t)
	// 16:59:59 UTC is 23:59:59 in Vietnam: the quota day ends a second later.
	clk.set(time.Date(2026, 3, 2, 16, 59, 0, 0, time.UTC))
	s.AddZNSTemplate("1001", []string{"name"})
	s.SetZNSQuota(2)
	data := map[string]string{"name": "Lan"}
	code, m := znsSend(t, s, "acc", "84912345678", "1001", data)
	d, _ := m["data"].(map[string]any)
	q, _ := d["quota"].(map[string]any)
	if code != 0 || d["msg_id"] == "" || d["sent_time"] != "1772470740000" || q["dailyQuota"] != "2" || q["remainingQuota"] != "1" {
		t.Fatalf("answer %v", m)
	}
	if d["msg_id"] != s.Sent()[0].MessageID {
		t.Errorf("msg_id %v vs %v", d["msg_id"], s.Sent()[0].MessageID)
	}
	if code, _ := znsSend(t, s, "acc", "84912345678", "1001", data); code != 0 {
		t.Fatalf("second send: %v", code)
	}
	if code, _ := znsSend(t, s, "acc", "84912345678", "1001", data); code != ZNSCodeQuotaExceeded {
		t.Errorf("over quota: %v", code)
	}
	qm := get(t, s.URL+pathZNSQuota, "acc")
	if qd, _ := qm["data"].(map[string]any); qd["dailyQuota"] != float64(2) || qd["remainingQuota"] != float64(0) {
		t.Errorf("quota: %v", qm)
	}
	clk.add(time.Minute) // 00:00 in Vietnam
	if code, m := znsSend(t, s, "acc", "84912345678", "1001", data); code != 0 {
		t.Errorf("next day: %v", m)
	}
	if qd, _ := get(t, s.URL+pathZNSQuota, "acc")["data"].(map[string]any); qd["remainingQuota"] != float64(1) {
		t.Errorf("next day quota: %v", qd)
	}
	if m := get(t, s.URL+pathZNSQuota, "bad"); m["error"] != float64(ZNSCodeTokenInvalid) {
		t.Errorf("quota bad token: %v", m)
	}

	// Scripted failures apply to ZNS too.
	s.FailNext(1, Failure{HTTPStatus: 503})
	b, _ := json.Marshal(map[string]any{"phone": "84912345678", "template_id": "1001", "template_data": data})
	if st, _, _ := post(t, s.URL+pathZNSSend, "application/json", map[string]string{"access_token": "acc"}, string(b)); st != 503 {
		t.Errorf("scripted 503: %d", st)
	}
	s.FailFor("84912345678", Failure{Code: -100})
	if code, _ := znsSend(t, s, "acc", "84912345678", "1001", data); code != -100 {
		t.Errorf("FailFor phone: %v", code)
	}
}

func TestFakeZNSTemplateInfo(t *testing.T) {
	s, _ := newClocked(t)
	s.AddZNSTemplate("1001", []string{"name", "deadline"})
	s.SetZNSTemplateStatus("1001", "PENDING_REVIEW")
	for _, path := range []string{pathZNSTemplate, pathZNSTemplateV2} {
		m := get(t, s.URL+path+"?template_id=1001", "acc")
		d, _ := m["data"].(map[string]any)
		params, _ := d["listParams"].([]any)
		if m["error"] != float64(0) || d["templateId"] != float64(1001) || d["status"] != "PENDING_REVIEW" || len(params) != 2 || d["templateQuality"] == nil {
			t.Fatalf("%s: %v", path, m)
		}
		p0 := params[0].(map[string]any)
		if p0["name"] != "name" || p0["require"] != true || p0["type"] == nil || p0["maxLength"] == nil || p0["minLength"] == nil {
			t.Errorf("param %v", p0)
		}
		if m := get(t, s.URL+path+"?template_id=42", "acc"); m["error"] != float64(ZNSCodeTemplateInvalid) {
			t.Errorf("unknown template: %v", m)
		}
		if m := get(t, s.URL+path+"?template_id=1001", "bad"); m["error"] != float64(ZNSCodeTokenInvalid) {
			t.Errorf("bad token: %v", m)
		}
	}
}

// refreshForm posts a refresh-token grant.
func refreshForm(t *testing.T, s *Server, rt string) map[string]any {
	t.Helper()
	form := url.Values{"app_id": {"app"}, "grant_type": {"refresh_token"}, "refresh_token": {rt}}
	_, _, m := post(t, s.URL+pathOAuth, "application/x-www-form-urlencoded", map[string]string{"secret_key": "secret"}, form.Encode())
	return m
}

func TestFakeRevokeAndIssuePair(t *testing.T) {
	s, _ := newClocked(t)
	s.Interact("u1")
	s.RevokeRefreshToken()
	if m := sendText(t, s, "acc", "u1", "x"); m["error"] != float64(codeTokenInvalid) {
		t.Errorf("send after revoke: %v", m)
	}
	if m := get(t, s.URL+pathOAInfo, "acc"); m["error"] != float64(codeTokenInvalid) {
		t.Errorf("getoa after revoke: %v", m)
	}
	if m := refreshForm(t, s, "ref"); m["error"] != float64(codeOAuthRefresh) {
		t.Errorf("refresh after revoke: %v", m)
	}
	access, refresh := s.IssuePair()
	if access == "acc" || refresh == "ref" {
		t.Fatalf("IssuePair %q %q", access, refresh)
	}
	if a, r := s.Tokens(); a != access || r != refresh {
		t.Errorf("Tokens %q %q", a, r)
	}
	if m := sendText(t, s, access, "u1", "x"); m["error"] != float64(0) {
		t.Errorf("send with the new pair: %v", m)
	}
	if m := refreshForm(t, s, refresh); m["access_token"] == nil || m["access_token"] == access {
		t.Errorf("refresh with the new pair: %v", m)
	}
	if s.Refreshes() != 1 {
		t.Errorf("refreshes %d", s.Refreshes())
	}
}

// authorize follows the permission URL without following the redirect.
func authorize(t *testing.T, s *Server, q url.Values) (int, *url.URL) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.URL + pathPermission + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp.StatusCode, loc
}

func TestFakeAuthorizationCodeFlow(t *testing.T) {
	s, clk := newClocked(t)
	s.SetOA("oa-7", "UBND")
	s.Interact("u1")
	verifier := strings.Repeat("v", 50)
	challenge := s256(verifier)
	q := url.Values{"app_id": {"app"}, "redirect_uri": {"https://bot.example/oauth/callback?x=1"}, "code_challenge": {challenge}, "state": {"st-1"}}
	status, loc := authorize(t, s, q)
	if status != http.StatusFound || loc.Host != "bot.example" || loc.Path != "/oauth/callback" {
		t.Fatalf("redirect %d %v", status, loc)
	}
	lq := loc.Query()
	code := lq.Get("code")
	if code == "" || lq.Get("oa_id") != "oa-7" || lq.Get("state") != "st-1" || lq.Get("x") != "1" {
		t.Fatalf("redirect query %v", lq)
	}

	exchange := func(code, verifier, secret string) map[string]any {
		form := url.Values{"code": {code}, "app_id": {"app"}, "grant_type": {"authorization_code"}, "code_verifier": {verifier}}
		st, _, m := post(t, s.URL+pathOAuth, "application/x-www-form-urlencoded", map[string]string{"secret_key": secret}, form.Encode())
		if st != 200 {
			t.Fatalf("status %d", st)
		}
		return m
	}
	if m := exchange(code, verifier, "wrong"); m["error"] != float64(codeOAuthSecret) {
		t.Errorf("wrong secret: %v", m)
	}
	if m := exchange(code, verifier+"x", "secret"); m["error"] != float64(codeOAuthCode) || m["error_name"] == "" {
		t.Errorf("wrong verifier: %v", m)
	}
	// The failed attempt used the code up.
	if m := exchange(code, verifier, "secret"); m["error"] != float64(codeOAuthCode) {
		t.Errorf("code reused after a failure: %v", m)
	}

	_, loc = authorize(t, s, q)
	code = loc.Query().Get("code")
	m := exchange(code, verifier, "secret")
	access, _ := m["access_token"].(string)
	refresh, _ := m["refresh_token"].(string)
	if access == "" || refresh == "" || m["expires_in"] != "90000" {
		t.Fatalf("exchange: %v", m)
	}
	if a, r := s.Tokens(); a != access || r != refresh {
		t.Errorf("Tokens %q %q", a, r)
	}
	if m := exchange(code, verifier, "secret"); m["error"] != float64(codeOAuthCode) {
		t.Errorf("code used twice: %v", m)
	}
	if m := sendText(t, s, "acc", "u1", "x"); m["error"] != float64(codeTokenInvalid) {
		t.Errorf("old access token: %v", m)
	}
	if m := sendText(t, s, access, "u1", "x"); m["error"] != float64(0) {
		t.Errorf("new access token: %v", m)
	}

	// A code not exchanged within its lifetime is dead.
	_, loc = authorize(t, s, q)
	clk.add(authCodeTTL + time.Second)
	if m := exchange(loc.Query().Get("code"), verifier, "secret"); m["error"] != float64(codeOAuthCode) {
		t.Errorf("expired code: %v", m)
	}

	// The code flow also revives a revoked app.
	s.RevokeRefreshToken()
	_, loc = authorize(t, s, q)
	if m := exchange(loc.Query().Get("code"), verifier, "secret"); m["access_token"] == nil {
		t.Errorf("after revoke: %v", m)
	}

	for name, bad := range map[string]url.Values{
		"wrong app":       {"app_id": {"other"}, "redirect_uri": {"https://bot.example/cb"}, "code_challenge": {challenge}},
		"no challenge":    {"app_id": {"app"}, "redirect_uri": {"https://bot.example/cb"}},
		"relative uri":    {"app_id": {"app"}, "redirect_uri": {"/cb"}, "code_challenge": {challenge}},
		"no redirect_uri": {"app_id": {"app"}, "code_challenge": {challenge}},
	} {
		if st, _ := authorize(t, s, bad); st != http.StatusBadRequest {
			t.Errorf("%s: status %d", name, st)
		}
	}
}

func TestFakeProbeWebhook(t *testing.T) {
	s, _ := newClocked(t)
	var (
		mu   sync.Mutex
		seen []string
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.Header.Get("Content-Type")+" "+string(body)+" sig="+r.Header.Get("X-ZEvent-Signature"))
		mu.Unlock()
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
		}
	}))
	defer hook.Close()

	if st, err := s.ProbeWebhook(hook.URL + "/webhook"); err != nil || st != 200 {
		t.Errorf("POST probe %d %v", st, err)
	}
	if st, err := s.ProbeWebhookGET(hook.URL + "/webhook"); err != nil || st != 200 {
		t.Errorf("GET probe %d %v", st, err)
	}
	if st, err := s.ProbeWebhook(hook.URL + "/missing"); err != nil || st != 404 {
		t.Errorf("404 probe %d %v", st, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 || seen[0] != "POST application/json {} sig=" || seen[1] != "GET   sig=" {
		t.Errorf("hook saw %q", seen)
	}
	if _, err := s.ProbeWebhook("http://127.0.0.1:1/none"); err == nil {
		t.Error("probe of a dead URL: no error")
	}
}

// EnforceRate refuses, with -32, a send beyond the limit in any rolling minute, and accepts again
// once the oldest send of the minute has left it; OnSend sees each accepted send.
func TestFakeRateLimit(t *testing.T) {
	s, clk := newClocked(t)
	s.EnforceRate(3)
	var seen []string
	s.OnSend(func(m Sent) { seen = append(seen, m.To) })
	s.Interact("u1")
	body := `{"recipient":{"user_id":"u1"},"message":{"text":"x"}}`
	for i := range 3 {
		if code, _ := sendJSON(t, s, pathCS, "acc", body); code != 0 {
			t.Fatalf("send %d: %v", i+1, code)
		}
		clk.add(10 * time.Second)
	}
	if code, _ := sendJSON(t, s, pathCS, "acc", body); code != codeRateLimited {
		t.Errorf("a fourth send within the minute: %v, want %d", code, codeRateLimited)
	}
	clk.add(30 * time.Second) // the first send is now a minute old
	if code, _ := sendJSON(t, s, pathCS, "acc", body); code != 0 {
		t.Errorf("once the first left the minute: %v", code)
	}
	if code, _ := sendJSON(t, s, pathCS, "acc", body); code != codeRateLimited {
		t.Errorf("the second still in it: %v", code)
	}
	if n := s.RateRefused(); n != 2 {
		t.Errorf("refused %d, want 2", n)
	}
	if len(seen) != 4 || len(s.Sent()) != 4 {
		t.Errorf("OnSend saw %d, Sent has %d; want 4 accepted", len(seen), len(s.Sent()))
	}
}
