package admin_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/bottest"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// People of testdata/transcripts/tung-anh.json.
const (
	pvHung = "1100000000000000001" // leader of TA-T1
	pvMai  = "1100000000000000002" // deputy of TA-T1
	pvLan  = "2200000000000000001" // not in the directory
)

// privacyHarness is a sandbox bot over the Tùng Ảnh directory where Mai (deputy)
// filed November's report and has written to the account, and Lan has an open join request.
func privacyHarness(t *testing.T) *harness {
	t.Helper()
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, bottest.Loc(t))
	h := &harness{bottest.New(t, start, func(c *bot.Config) {
		*c = bot.Config{Sandbox: true, Location: bottest.Loc(t), AdminToken: bottest.AdminToken}
	})}
	if _, err := importer.ImportFile(h.DB, filepath.Join("..", "..", "testdata", "transcripts", "tung-anh.json")); err != nil {
		t.Fatal(err)
	}
	if err := h.DB.Update(func(tx *store.Tx) error {
		if _, err := tx.SaveReport(store.Report{Team: "TA-T1", Period: "2026-11", FiledBy: pvMai, Role: store.RoleDeputy,
			Answers: map[string]string{"households": "12", "gov": "Hướng dẫn 12 hộ cài VNeID"}}); err != nil {
			return err
		}
		_, err := tx.CreateRequest(store.Request{Kind: store.RequestJoin, Team: "TA-T1", ZaloID: pvLan, Name: "Lê Thị Lan", Phone: "0983111222", Role: store.RoleMember})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) privacyCall(method, path, token string) (int, map[string]any) {
	h.T.Helper()
	req, _ := http.NewRequest(method, h.Srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// textsTo lists the text of every message recorded as sent to a person, list titles included.
func (h *harness) privacyTexts(to string) []string {
	var out []string
	h.DB.View(func(tx *store.Tx) error {
		os, _ := tx.Outcomes(0, 1000)
		for _, o := range os {
			if o.To != to {
				continue
			}
			var b struct {
				Message struct {
					Text       string `json:"text"`
					Attachment struct {
						Payload struct {
							Elements []struct {
								Title string `json:"title"`
							} `json:"elements"`
						} `json:"payload"`
					} `json:"attachment"`
				} `json:"message"`
			}
			json.Unmarshal(o.Body, &b)
			text := b.Message.Text
			if els := b.Message.Attachment.Payload.Elements; text == "" && len(els) > 0 {
				text = els[0].Title
			}
			out = append(out, text)
		}
		return nil
	})
	return out
}

func TestPrivacyAdminAPI(t *testing.T) {
	h := privacyHarness(t)
	if resp := h.Post(bottest.TextEvent(pvMai, "mai-1", "xin chào", h.Clock.Now()), "-"); resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	h.Settle()

	// Not authorised: no token, a wrong token.
	for _, tok := range []string{"", "wrong"} {
		if code, body := h.privacyCall(http.MethodGet, "/api/v1/people/"+pvMai, tok); code != http.StatusUnauthorized {
			t.Errorf("GET with token %q: %d %v", tok, code, body)
		}
		if code, _ := h.privacyCall(http.MethodPost, "/api/v1/people/"+pvMai+"/forget", tok); code != http.StatusUnauthorized {
			t.Errorf("POST forget with token %q: %d", tok, code)
		}
	}
	var stillThere bool
	h.DB.View(func(tx *store.Tx) error { _, stillThere, _ = tx.Person(pvMai); return nil })
	if !stillThere {
		t.Fatal("an unauthorised forget erased the person")
	}

	// What is stored about Mai.
	code, got := h.privacyCall(http.MethodGet, "/api/v1/people/"+pvMai, "admin-secret")
	if code != http.StatusOK {
		t.Fatalf("GET mai: %d %v", code, got)
	}
	js, _ := json.Marshal(got)
	for _, want := range []string{`"name":"Trần Thị Mai"`, `"phone":"0912345002"`, `"role":"deputy"`, `"period":"2026-11"`, `"events":1`, `"sent":1`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("GET mai lacks %s: %s", want, js)
		}
	}
	if code, got := h.privacyCall(http.MethodGet, "/api/v1/people/3300000000000000001", "admin-secret"); code != http.StatusNotFound || got["code"] != "unknown_person" {
		t.Errorf("GET unknown: %d %v", code, got)
	}
	if code, got := h.privacyCall(http.MethodGet, "/api/v1/people/12%2034", "admin-secret"); code != http.StatusBadRequest || got["code"] != "bad_zalo_id" {
		t.Errorf("GET bad id: %d %v", code, got)
	}

	// A leader, an approver: 409, nothing erased.
	for id, want := range map[string]string{pvHung: "TA-T1", "1100000000000000009": "42.18"} {
		code, got := h.privacyCall(http.MethodPost, "/api/v1/people/"+id+"/forget", "admin-secret")
		if js, _ := json.Marshal(got["hand_over"]); code != http.StatusConflict || got["code"] != "hand_over_first" || !strings.Contains(string(js), want) {
			t.Errorf("forget %s: %d %v", id, code, got)
		}
	}
	if code, _ := h.privacyCall(http.MethodGet, "/api/v1/people/"+pvHung, "admin-secret"); code != http.StatusOK {
		t.Errorf("the leader's data went after a refusal: %d", code)
	}

	// Mai is erased; the team's report stays, filed by a token; the leader is told.
	code, got = h.privacyCall(http.MethodPost, "/api/v1/people/"+pvMai+"/forget", "admin-secret")
	if code != http.StatusOK {
		t.Fatalf("forget mai: %d %v", code, got)
	}
	erased, _ := got["erased"].(map[string]any)
	token, _ := got["token"].(string)
	if erased["person"] != 1.0 || erased["roles"] != 1.0 || erased["reports"] != 1.0 || erased["events"] != 1.0 || erased["sent"] != 1.0 || got["notices"] != 1.0 || !strings.HasPrefix(token, "erased-") {
		t.Errorf("forget mai: %v", got)
	}
	h.Settle()
	if texts := h.privacyTexts(pvHung); len(texts) != 1 || !strings.Contains(texts[0], "Một tổ phó đã rời Tổ CNSCĐ thôn 1") {
		t.Errorf("leader told: %q", texts)
	}
	if texts := h.privacyTexts(pvMai); len(texts) != 0 {
		t.Errorf("messages to mai still in the sent log: %q", texts)
	}
	h.DB.View(func(tx *store.Tx) error {
		r, _, _ := tx.LatestReport("TA-T1", "2026-11")
		if r.FiledBy != token || r.Answers["households"] != "12" || r.Answers["gov"] != "Hướng dẫn 12 hộ cài VNeID" {
			t.Errorf("report after erasure: %+v", r)
		}
		return nil
	})
	if code, got := h.privacyCall(http.MethodGet, "/api/v1/people/"+pvMai, "admin-secret"); code != http.StatusNotFound {
		t.Errorf("GET mai after erasure: %d %v", code, got)
	}
	if code, got := h.privacyCall(http.MethodPost, "/api/v1/people/"+pvMai+"/forget", "admin-secret"); code != http.StatusNotFound || got["code"] != "unknown_person" {
		t.Errorf("forget mai twice: %d %v", code, got)
	}

	// Lan's consent withdrawn in writing: her open request is cancelled and the leader told.
	code, got = h.privacyCall(http.MethodPost, "/api/v1/people/"+pvLan+"/forget?reason=withdraw", "admin-secret")
	if erased, _ := got["erased"].(map[string]any); code != http.StatusOK || erased["requests_cancelled"] != 1.0 || got["reason"] != "withdraw" {
		t.Errorf("forget lan: %d %v", code, got)
	}
	h.Settle()
	if texts := h.privacyTexts(pvHung); len(texts) != 2 || !strings.Contains(texts[1], "Yêu cầu số 1 (xin tham gia Tổ CNSCĐ thôn 1) đã bị hủy") {
		t.Errorf("leader told: %q", texts)
	}
}

// The whole summary "dữ liệu của tôi" sends, line by line.
func TestMyDataSummary(t *testing.T) {
	h := privacyHarness(t)
	if resp := h.Post(bottest.TextEvent(pvMai, "mai-1", "Dữ liệu của tôi", h.Clock.Now()), "-"); resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	h.Settle()
	texts := h.privacyTexts(pvMai)
	want := strings.Join([]string{
		"Dữ liệu của bạn đang được lưu:",
		"• Họ tên: Trần Thị Mai",
		"• Điện thoại: 0912345002",
		"• Mã Zalo: " + pvMai,
		"• Đồng ý lưu dữ liệu: chưa ghi nhận qua tin nhắn (thông tin do xã/phường nhập)",
		"• Vai trò: tổ phó Tổ CNSCĐ thôn 1",
		"• Yêu cầu đang chờ: chưa có",
		"• Yêu cầu trước đây: chưa có",
		"• Báo cáo đã gửi: tháng 11/2026 – Tổ CNSCĐ thôn 1",
		"• Đánh dấu không liên lạc được: không",
		"• Việc đang dở: không",
		"• Tin nhắn: 1 tin bạn gửi (lưu 8 ngày), 0 tin gửi cho bạn (lưu 35 ngày)",
		`Muốn xóa, nhắn "xóa dữ liệu của tôi" hoặc "rút lại đồng ý".`,
	}, "\n")
	// One message: too long for a card's title, its choices go in it (numbered where sends are counted).
	if len(texts) != 1 || !strings.HasPrefix(texts[0], want) {
		t.Errorf("summary:\n%s\nwant\n%s", strings.Join(texts, "\n---\n"), want)
	}
	// Nothing was written about her by asking.
	h.DB.View(func(tx *store.Tx) error {
		if _, ok, _ := tx.Session(pvMai); ok {
			t.Error("asking opened a conversation")
		}
		return nil
	})
}
