package zalotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// post sends a raw request and decodes the JSON answer.
func post(t *testing.T, u, contentType string, header map[string]string, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, resp.Header, m
}

// sendText posts a text message to the cs endpoint with token.
func sendText(t *testing.T, s *Server, token, to, text string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"recipient": map[string]string{"user_id": to}, "message": map[string]string{"text": text}})
	_, _, m := post(t, s.URL+pathCS, "application/json", map[string]string{"access_token": token}, string(body))
	return m
}

func TestFakeSendAndToken(t *testing.T) {
	s := New("app", "secret", "acc", "ref")
	defer s.Close()
	s.Interact("u1")
	s.AddGroup("g1", "Nhóm 1")

	if m := sendText(t, s, "nope", "u1", "x"); m["error"] != float64(-216) {
		t.Errorf("bad token answered %v", m)
	}
	m := sendText(t, s, "acc", "u1", "chào")
	data, _ := m["data"].(map[string]any)
	if m["error"] != float64(0) || data["user_id"] != "u1" || data["message_id"] == "" {
		t.Fatalf("accepted answer %v", m)
	}
	if m := sendText(t, s, "acc", "u1", strings.Repeat("ư", maxTextLen+1)); m["error"] != float64(-201) {
		t.Errorf("long text answered %v", m)
	}
	if _, _, m := post(t, s.URL+pathCS, "application/json", map[string]string{"access_token": "acc"}, `{"recipient":{"user_id":"u1"},"message":{}}`); m["error"] != float64(-201) {
		t.Errorf("empty message answered %v", m)
	}
	if _, _, m := post(t, s.URL+pathGroup, "application/json", map[string]string{"access_token": "acc"}, `{"recipient":{"group_id":"g1"},"message":{"attachment":{"type":"template","payload":{}}}}`); m["error"] != float64(0) {
		t.Errorf("group attachment answered %v", m)
	}
	sent := s.Sent()
	if s.Attempts() != 5 || len(sent) != 2 || sent[0].Text != "chào" || sent[1].To != "g1" || sent[0].MessageID != data["message_id"] {
		t.Errorf("attempts %d sent %+v", s.Attempts(), sent)
	}

	s.ExpireAccessToken()
	if m := sendText(t, s, "acc", "u1", "x"); m["error"] != float64(-216) {
		t.Errorf("expired token answered %v", m)
	}
}

func TestFakeRefresh(t *testing.T) {
	s := New("app", "secret", "acc", "ref")
	defer s.Close()
	refresh := func(secret, rt string) map[string]any {
		form := url.Values{"app_id": {"app"}, "grant_type": {"refresh_token"}, "refresh_token": {rt}}
		code, _, m := post(t, s.URL+pathOAuth, "application/x-www-form-urlencoded", map[string]string{"secret_key": secret}, form.Encode())
		if code != 200 {
			t.Fatalf("status %d", code)
		}
		return m
	}
	if m := refresh("wrong", "ref"); m["error"] != float64(codeOAuthSecret) {
		t.Errorf("wrong secret answered %v", m)
	}
	m := refresh("secret", "ref")
	if m["access_token"] != "access-2" || m["refresh_token"] != "refresh-2" || m["expires_in"] != "90000" {
		t.Fatalf("refresh answered %v", m)
	}
	if a, r := s.Tokens(); a != "access-2" || r != "refresh-2" || s.Refreshes() != 1 {
		t.Errorf("tokens %q %q refreshes %d", a, r, s.Refreshes())
	}
	if m := refresh("secret", "ref"); m["error"] != float64(codeOAuthRefresh) || m["error_name"] != "invalid_grant" {
		t.Errorf("reused refresh token answered %v", m)
	}
	if m := sendText(t, s, "acc", "u1", "x"); m["error"] != float64(-216) {
		t.Errorf("old access token answered %v", m)
	}
	s.FailNextRefresh(1, Failure{HTTPStatus: 503})
	form := url.Values{"app_id": {"app"}, "grant_type": {"refresh_token"}, "refresh_token": {"refresh-2"}}
	if code, _, _ := post(t, s.URL+pathOAuth, "application/x-www-form-urlencoded", map[string]string{"secret_key": "secret"}, form.Encode()); code != 503 {
		t.Errorf("scripted refresh failure status %d", code)
	}
	if _, r := s.Tokens(); r != "refresh-2" {
		t.Errorf("failed refresh rotated to %q", r)
	}
}

func TestFakeFailuresAndHeaders(t *testing.T) {
	s := New("app", "secret", "acc", "ref")
	defer s.Close()
	s.SetRateLimit(10, 9)
	s.FailNext(2, Failure{Code: -32})
	s.FailNext(1, Failure{HTTPStatus: 503})
	for _, want := range []float64{-32, -32} {
		if m := sendText(t, s, "acc", "u1", "x"); m["error"] != want {
			t.Errorf("answered %v, want %v", m, want)
		}
	}
	body := `{"recipient":{"user_id":"u1"},"message":{"text":"x"}}`
	code, h, _ := post(t, s.URL+pathCS, "application/json", map[string]string{"access_token": "acc"}, body)
	if code != 503 || h.Get("X-RateLimit-Limit") != "10" || h.Get("X-RateLimit-Remain") != "9" {
		t.Errorf("status %d headers %v", code, h)
	}
	s.Interact("u2")
	s.FailFor("u2", Failure{Code: -230})
	if m := sendText(t, s, "acc", "u2", "x"); m["error"] != float64(-230) || m["message"] == "" {
		t.Errorf("FailFor answered %v", m)
	}
	s.ClearFailures()
	if m := sendText(t, s, "acc", "u2", "x"); m["error"] != float64(0) {
		t.Errorf("after ClearFailures answered %v", m)
	}
}

func TestFakeConcurrent(t *testing.T) {
	s := New("app", "secret", "acc", "ref")
	defer s.Close()
	s.Interact("u1")
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			// No t.Fatal off the test goroutine: report and carry on.
			body := `{"recipient":{"user_id":"u1"},"message":{"text":"x"}}`
			req, _ := http.NewRequest(http.MethodPost, s.URL+pathCS, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("access_token", "acc")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, m := range s.Sent() {
		ids[m.MessageID] = true
	}
	if len(ids) != 20 || s.Attempts() != 20 {
		t.Errorf("unique ids %d attempts %d", len(ids), s.Attempts())
	}
}
