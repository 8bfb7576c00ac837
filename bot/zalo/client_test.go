package zalo_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
)

const (
	appID     = "app-1"
	appSecret = "secret-1"
)

// newFake starts a fake and a client pointed at it.
func newFake(t *testing.T) (*zalotest.Server, *zalo.Client) {
	t.Helper()
	fake := zalotest.New(appID, appSecret, "access-1", "refresh-1")
	t.Cleanup(fake.Close)
	return fake, &zalo.Client{APIBase: fake.URL, OAuthBase: fake.URL}
}

func TestSendText(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	text := "Chào bạn! Hôm nay <đã> báo cáo & nộp chưa?"
	res, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", text))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if res.MessageID == "" || res.UserID != "u1" || res.HTTPStatus != 200 {
		t.Fatalf("result = %+v", res)
	}
	if res.RateLimit != -1 || res.RateRemain != -1 {
		t.Errorf("rate limit without headers = %d/%d, want -1/-1", res.RateLimit, res.RateRemain)
	}
	sent := fake.Sent()
	if len(sent) != 1 {
		t.Fatalf("fake recorded %d messages, want 1", len(sent))
	}
	s := sent[0]
	if s.MessageID != res.MessageID || s.To != "u1" || s.Text != text || s.Endpoint != string(zalo.EndpointCS) || s.AccessToken != "access-1" {
		t.Errorf("recorded %+v", s)
	}
	if !strings.Contains(string(s.Body), "<đã> báo cáo & nộp") {
		t.Errorf("body escapes text: %s", s.Body)
	}
}

func TestTextMessageShape(t *testing.T) {
	got := string(zalo.TextMessage("u1", "xin chào"))
	want := `{"recipient":{"user_id":"u1"},"message":{"text":"xin chào"}}`
	if got != want {
		t.Errorf("TextMessage = %s, want %s", got, want)
	}
	got = string(zalo.GroupTextMessage("g1", "chào [@u1]"))
	want = `{"recipient":{"group_id":"g1"},"message":{"text":"chào [@u1]"}}`
	if got != want {
		t.Errorf("GroupTextMessage = %s, want %s", got, want)
	}
}

// templateBody is the decoded shape of a template message.
type templateBody struct {
	Recipient map[string]string `json:"recipient"`
	Message   struct {
		Text       *string `json:"text"`
		Attachment struct {
			Type    string `json:"type"`
			Payload struct {
				TemplateType string              `json:"template_type"`
				Elements     []map[string]string `json:"elements"`
				Buttons      []map[string]string `json:"buttons"`
			} `json:"payload"`
		} `json:"attachment"`
	} `json:"message"`
}

func TestListMessage(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u2")
	body := zalo.ListMessage("u2",
		[]zalo.ListElement{{Title: "Bạn đã nộp báo cáo tuần chưa?", Subtitle: "Hạn chót thứ Sáu"}, {Title: "Ảnh", ImageURL: "https://example.com/a.png"}},
		[]zalo.Button{{Title: "Đồng ý", Payload: "#dong_y"}, {Title: "Chưa", Payload: "#chua"}})
	if _, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, body); err != nil {
		t.Fatalf("Send: %v", err)
	}
	var b templateBody
	if err := json.Unmarshal(fake.Sent()[0].Body, &b); err != nil {
		t.Fatal(err)
	}
	if b.Recipient["user_id"] != "u2" || b.Message.Text != nil {
		t.Errorf("recipient/text: %+v", b)
	}
	a := b.Message.Attachment
	if a.Type != "template" || a.Payload.TemplateType != "list" {
		t.Errorf("attachment type %q template_type %q", a.Type, a.Payload.TemplateType)
	}
	if len(a.Payload.Elements) != 2 || a.Payload.Elements[0]["title"] != "Bạn đã nộp báo cáo tuần chưa?" || a.Payload.Elements[0]["subtitle"] != "Hạn chót thứ Sáu" {
		t.Errorf("elements = %v", a.Payload.Elements)
	}
	if _, ok := a.Payload.Elements[0]["image_url"]; ok {
		t.Errorf("empty image_url not omitted: %v", a.Payload.Elements[0])
	}
	if a.Payload.Elements[1]["image_url"] != "https://example.com/a.png" {
		t.Errorf("image_url = %v", a.Payload.Elements[1])
	}
	wantButtons := []map[string]string{
		{"title": "Đồng ý", "type": "oa.query.hide", "payload": "#dong_y"},
		{"title": "Chưa", "type": "oa.query.hide", "payload": "#chua"},
	}
	if len(a.Payload.Buttons) != len(wantButtons) {
		t.Fatalf("buttons = %v", a.Payload.Buttons)
	}
	for i, want := range wantButtons {
		for k, v := range want {
			if a.Payload.Buttons[i][k] != v {
				t.Errorf("button %d %s = %q, want %q", i, k, a.Payload.Buttons[i][k], v)
			}
		}
	}
}

func TestListMessageNoElementsIsArray(t *testing.T) {
	// Zalo needs at least one element; an empty list must still be [] not null.
	if s := string(zalo.ListMessage("u", nil, nil)); !strings.Contains(s, `"elements":[]`) || strings.Contains(s, "buttons") {
		t.Errorf("ListMessage(nil, nil) = %s", s)
	}
}

func TestRequestUserInfoMessage(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u3")
	body := zalo.RequestUserInfoMessage("u3", "Chia sẻ số điện thoại", "Để nhận nhắc việc", "https://example.com/logo.png")
	if _, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, body); err != nil {
		t.Fatalf("Send: %v", err)
	}
	var b templateBody
	if err := json.Unmarshal(fake.Sent()[0].Body, &b); err != nil {
		t.Fatal(err)
	}
	p := b.Message.Attachment.Payload
	if b.Message.Attachment.Type != "template" || p.TemplateType != "request_user_info" || len(p.Buttons) != 0 {
		t.Errorf("payload = %+v", p)
	}
	want := map[string]string{"title": "Chia sẻ số điện thoại", "subtitle": "Để nhận nhắc việc", "image_url": "https://example.com/logo.png"}
	if len(p.Elements) != 1 || len(p.Elements[0]) != len(want) {
		t.Fatalf("elements = %v", p.Elements)
	}
	for k, v := range want {
		if p.Elements[0][k] != v {
			t.Errorf("element %s = %q, want %q", k, p.Elements[0][k], v)
		}
	}
}

func TestSendGroup(t *testing.T) {
	fake, c := newFake(t)
	fake.AddGroup("g1", "Nhóm 1")
	res, err := c.Send(context.Background(), "access-1", zalo.EndpointGroup, zalo.GroupTextMessage("g1", "Chào cả nhóm"))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	s := fake.Sent()
	if len(s) != 1 || s[0].To != "g1" || s[0].Endpoint != string(zalo.EndpointGroup) || s[0].MessageID != res.MessageID {
		t.Errorf("recorded %+v", s)
	}
	// A user message sent to the group endpoint is a bad parameter.
	_, err = c.Send(context.Background(), "access-1", zalo.EndpointGroup, zalo.TextMessage("u1", "x"))
	if zalo.ErrorCode(err) != -201 || zalo.Classify(err) != zalo.ClassBug {
		t.Errorf("user body to group endpoint: %v", err)
	}
}

func TestSendAPIError(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	res, err := c.Send(context.Background(), "wrong-token", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	var apiErr *zalo.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != -216 || apiErr.Message == "" {
		t.Fatalf("err = %v, want APIError -216", err)
	}
	if got, want := err.Error(), "zalo error -216: Access token is invalid"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if res.HTTPStatus != 200 || zalo.Classify(err) != zalo.ClassToken || zalo.ErrorCode(err) != -216 {
		t.Errorf("res %+v class %v", res, zalo.Classify(err))
	}
	if fake.Attempts() != 1 || len(fake.Sent()) != 0 {
		t.Errorf("attempts %d sent %d", fake.Attempts(), len(fake.Sent()))
	}

	// Too long a text is a bad parameter.
	_, err = c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", strings.Repeat("ả", zalo.MaxTextLen+1)))
	if zalo.ErrorCode(err) != -201 {
		t.Errorf("long text: %v", err)
	}
	if _, err = c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", strings.Repeat("ả", zalo.MaxTextLen))); err != nil {
		t.Errorf("text of exactly MaxTextLen: %v", err)
	}
}

func TestSendHTTPError(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	fake.FailNext(1, zalotest.Failure{HTTPStatus: 503})
	res, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	var httpErr *zalo.HTTPError
	if !errors.As(err, &httpErr) || httpErr.Status != 503 || res.HTTPStatus != 503 {
		t.Fatalf("err = %v res %+v, want HTTPError 503", err, res)
	}
	if zalo.Classify(err) != zalo.ClassTransient || zalo.ErrorCode(err) != 0 {
		t.Errorf("class %v code %d", zalo.Classify(err), zalo.ErrorCode(err))
	}
	// The failure was used up: the retry goes through.
	if _, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x")); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if fake.Attempts() != 2 || len(fake.Sent()) != 1 {
		t.Errorf("attempts %d sent %d", fake.Attempts(), len(fake.Sent()))
	}
}

func TestSendHTTPErrorBodyTruncated(t *testing.T) {
	fake, c := newFake(t)
	fake.FailNext(1, zalotest.Failure{HTTPStatus: 502, Message: strings.Repeat("x", 2000)})
	_, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	var httpErr *zalo.HTTPError
	if !errors.As(err, &httpErr) || len(httpErr.Body) != 512 {
		t.Fatalf("err = %v", err)
	}
}

func TestClassify(t *testing.T) {
	fake, c := newFake(t)
	cases := []struct {
		name string
		f    zalotest.Failure
		want zalo.Class
	}{
		{"-216", zalotest.Failure{Code: -216}, zalo.ClassToken},
		{"-220", zalotest.Failure{Code: -220}, zalo.ClassToken},
		{"-32", zalotest.Failure{Code: -32}, zalo.ClassRateLimited},
		{"-234", zalotest.Failure{Code: -234}, zalo.ClassNight},
		{"-230", zalotest.Failure{Code: -230}, zalo.ClassUnreachable},
		{"-232", zalotest.Failure{Code: -232}, zalo.ClassUnreachable},
		{"-213", zalotest.Failure{Code: -213}, zalo.ClassUnreachable},
		{"-227", zalotest.Failure{Code: -227}, zalo.ClassUnreachable},
		{"-201", zalotest.Failure{Code: -201}, zalo.ClassBug},
		{"-233", zalotest.Failure{Code: -233}, zalo.ClassBug},
		{"-403", zalotest.Failure{Code: -403}, zalo.ClassGroup},
		{"-237", zalotest.Failure{Code: -237}, zalo.ClassGroup},
		{"unknown code", zalotest.Failure{Code: -999}, zalo.ClassPermanent},
		{"HTTP 503", zalotest.Failure{HTTPStatus: 503}, zalo.ClassTransient},
		{"HTTP 500", zalotest.Failure{HTTPStatus: 500}, zalo.ClassTransient},
		{"HTTP 408", zalotest.Failure{HTTPStatus: 408}, zalo.ClassTransient},
		{"HTTP 429", zalotest.Failure{HTTPStatus: 429}, zalo.ClassRateLimited},
		{"HTTP 400", zalotest.Failure{HTTPStatus: 400}, zalo.ClassBug},
		{"HTTP 404", zalotest.Failure{HTTPStatus: 404}, zalo.ClassBug},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake.FailNext(1, tc.f)
			_, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
			if got := zalo.Classify(err); got != tc.want {
				t.Errorf("Classify(%v) = %v, want %v", err, got, tc.want)
			}
			if tc.f.Code != 0 && zalo.ErrorCode(err) != tc.f.Code {
				t.Errorf("ErrorCode(%v) = %d, want %d", err, zalo.ErrorCode(err), tc.f.Code)
			}
		})
	}
	if len(fake.Sent()) != 0 {
		t.Errorf("failures were recorded as sent: %v", fake.Sent())
	}
	if zalo.Classify(nil) != zalo.ClassOK {
		t.Error("Classify(nil) != ClassOK")
	}
	if zalo.Classify(&zalo.OAuthError{Code: -14014}) != zalo.ClassPermanent {
		t.Error("OAuthError not permanent")
	}
}

func TestClassifyNetworkError(t *testing.T) {
	// A port nobody listens on: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &zalo.Client{APIBase: "http://" + addr}
	res, err := c.Send(context.Background(), "t", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	if err == nil || zalo.Classify(err) != zalo.ClassTransient || res.HTTPStatus != 0 || res.RateLimit != -1 {
		t.Fatalf("err %v class %v res %+v", err, zalo.Classify(err), res)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("transport error not wrapped: %v", err)
	}
}

func TestSendTimeout(t *testing.T) {
	fake, _ := newFake(t)
	c := &zalo.Client{APIBase: fake.URL, HTTP: &http.Client{Timeout: 50 * time.Millisecond}}
	fake.FailNext(1, zalotest.Failure{Delay: 5 * time.Second})
	_, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	if err == nil || zalo.Classify(err) != zalo.ClassTransient {
		t.Fatalf("err %v class %v", err, zalo.Classify(err))
	}
}

func TestSendDelayOnlySucceeds(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	fake.FailNext(1, zalotest.Failure{Delay: 20 * time.Millisecond})
	if _, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x")); err != nil {
		t.Fatal(err)
	}
}

func TestFailFor(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u-gone")
	fake.Interact("u-ok")
	fake.FailFor("u-gone", zalotest.Failure{Code: -230})
	ctx := context.Background()
	for range 2 {
		_, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u-gone", "x"))
		if zalo.Classify(err) != zalo.ClassUnreachable {
			t.Fatalf("err = %v", err)
		}
	}
	if _, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u-ok", "x")); err != nil {
		t.Fatalf("other recipient: %v", err)
	}
	fake.ClearFailures()
	if _, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u-gone", "x")); err != nil {
		t.Fatalf("after ClearFailures: %v", err)
	}
	if fake.Attempts() != 4 || len(fake.Sent()) != 2 {
		t.Errorf("attempts %d sent %d", fake.Attempts(), len(fake.Sent()))
	}
}

func TestRefreshTokenRotates(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	ctx := context.Background()
	pair, err := c.RefreshToken(ctx, appID, appSecret, "refresh-1")
	if err != nil {
		t.Fatalf("RefreshToken: %v", err)
	}
	if pair.AccessToken == "access-1" || pair.RefreshToken == "refresh-1" || pair.AccessToken == "" || pair.RefreshToken == "" {
		t.Fatalf("pair not rotated: %+v", pair)
	}
	if pair.ExpiresIn != 90000*time.Second {
		t.Errorf("ExpiresIn = %v", pair.ExpiresIn)
	}
	if a, r := fake.Tokens(); a != pair.AccessToken || r != pair.RefreshToken || fake.Refreshes() != 1 {
		t.Errorf("fake tokens %q %q refreshes %d", a, r, fake.Refreshes())
	}

	// The old refresh token is single-use.
	_, err = c.RefreshToken(ctx, appID, appSecret, "refresh-1")
	var oauthErr *zalo.OAuthError
	if !errors.As(err, &oauthErr) || oauthErr.Code >= 0 || oauthErr.Name == "" {
		t.Fatalf("reused refresh token: %v", err)
	}
	if zalo.ErrorCode(err) != oauthErr.Code || !strings.Contains(err.Error(), oauthErr.Name) {
		t.Errorf("ErrorCode %d Error %q", zalo.ErrorCode(err), err)
	}
	if fake.Refreshes() != 1 {
		t.Errorf("refreshes = %d", fake.Refreshes())
	}

	// The old access token died with it; the new one works.
	if _, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x")); zalo.Classify(err) != zalo.ClassToken {
		t.Errorf("old access token: %v", err)
	}
	if _, err := c.Send(ctx, pair.AccessToken, zalo.EndpointCS, zalo.TextMessage("u1", "x")); err != nil {
		t.Errorf("new access token: %v", err)
	}

	// And the new refresh token rotates again.
	pair2, err := c.RefreshToken(ctx, appID, appSecret, pair.RefreshToken)
	if err != nil || pair2.RefreshToken == pair.RefreshToken {
		t.Fatalf("second refresh: %+v %v", pair2, err)
	}
}

func TestRefreshTokenBadSecret(t *testing.T) {
	fake, c := newFake(t)
	_, err := c.RefreshToken(context.Background(), appID, "wrong", "refresh-1")
	var oauthErr *zalo.OAuthError
	if !errors.As(err, &oauthErr) || oauthErr.Code == 0 {
		t.Fatalf("err = %v", err)
	}
	// A refused refresh must not rotate the pair.
	if a, r := fake.Tokens(); a != "access-1" || r != "refresh-1" {
		t.Errorf("tokens rotated: %q %q", a, r)
	}
	if _, err := c.RefreshToken(context.Background(), "other-app", appSecret, "refresh-1"); !errors.As(err, &oauthErr) {
		t.Errorf("wrong app id: %v", err)
	}
}

func TestExpireAccessToken(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	ctx := context.Background()
	fake.ExpireAccessToken()
	_, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	if zalo.ErrorCode(err) != -216 {
		t.Fatalf("expired token: %v", err)
	}
	pair, err := c.RefreshToken(ctx, appID, appSecret, "refresh-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, pair.AccessToken, zalo.EndpointCS, zalo.TextMessage("u1", "x")); err != nil {
		t.Fatalf("after refresh: %v", err)
	}
}

// newStub serves h for one test and returns its base URL.
func newStub(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// oauthStub answers the token endpoint with a fixed status and body.
func oauthStub(t *testing.T, status int, body string) *zalo.Client {
	t.Helper()
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
	return &zalo.Client{OAuthBase: srv}
}

func TestRefreshTokenAnswerShapes(t *testing.T) {
	ctx := context.Background()
	pair, err := oauthStub(t, 200, `{"access_token":"a","refresh_token":"r","expires_in":3600}`).RefreshToken(ctx, "x", "y", "z")
	if err != nil || pair.ExpiresIn != time.Hour {
		t.Errorf("numeric expires_in: %+v %v", pair, err)
	}
	if _, err := oauthStub(t, 200, `{"access_token":"","refresh_token":"r","expires_in":"90000"}`).RefreshToken(ctx, "x", "y", "z"); err == nil {
		t.Error("empty access_token accepted")
	}
	if _, err := oauthStub(t, 200, `{"access_token":"a","expires_in":"90000"}`).RefreshToken(ctx, "x", "y", "z"); err == nil {
		t.Error("missing refresh_token accepted")
	}
	_, err = oauthStub(t, 400, `{"error":-14014,"error_name":"Invalid refresh token","error_reason":"used","error_description":"d"}`).RefreshToken(ctx, "x", "y", "z")
	var oauthErr *zalo.OAuthError
	if !errors.As(err, &oauthErr) || *oauthErr != (zalo.OAuthError{Code: -14014, Name: "Invalid refresh token", Reason: "used", Description: "d"}) {
		t.Errorf("error body with 400: %v", err)
	}
	_, err = oauthStub(t, 502, `<html>bad gateway</html>`).RefreshToken(ctx, "x", "y", "z")
	var httpErr *zalo.HTTPError
	if !errors.As(err, &httpErr) || httpErr.Status != 502 || zalo.Classify(err) != zalo.ClassTransient {
		t.Errorf("502: %v", err)
	}
}

func TestSendUnexpectedAnswer(t *testing.T) {
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<html>ok</html>`))
	})
	c := &zalo.Client{APIBase: srv}
	_, err := c.Send(context.Background(), "t", zalo.EndpointCS, zalo.TextMessage("u", "x"))
	if err == nil || zalo.Classify(err) != zalo.ClassTransient {
		t.Errorf("html 200: %v", err)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	fake.SetRateLimit(4000, 3999)
	res, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	if err != nil || res.RateLimit != 4000 || res.RateRemain != 3999 {
		t.Fatalf("res %+v err %v", res, err)
	}
	// Parsed on errors too.
	fake.SetRateLimit(4000, 0)
	fake.FailNext(1, zalotest.Failure{Code: -32})
	res, err = c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	if zalo.Classify(err) != zalo.ClassRateLimited || res.RateLimit != 4000 || res.RateRemain != 0 {
		t.Fatalf("res %+v err %v", res, err)
	}
	fake.FailNext(1, zalotest.Failure{HTTPStatus: 429})
	res, err = c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	if zalo.Classify(err) != zalo.ClassRateLimited || res.RateLimit != 4000 || res.HTTPStatus != 429 {
		t.Fatalf("res %+v err %v", res, err)
	}
	fake.SetRateLimit(0, 0)
	res, _ = c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
	if res.RateLimit != -1 || res.RateRemain != -1 {
		t.Fatalf("headers removed: %+v", res)
	}
}

func TestClassString(t *testing.T) {
	seen := map[string]bool{}
	for c := zalo.ClassOK; c <= zalo.ClassPermanent; c++ {
		s := c.String()
		if s == "" || seen[s] || strings.HasPrefix(s, "class(") {
			t.Errorf("Class(%d).String() = %q", int(c), s)
		}
		seen[s] = true
	}
}

// stripSpace removes all whitespace, to compare content modulo the split points.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestSplitText(t *testing.T) {
	var digest strings.Builder
	for i := range 300 {
		digest.WriteString("• Nguyễn Thị Hương: đã nộp báo cáo tuần, còn thiếu bảng chấm công số ")
		digest.WriteString(strings.Repeat("9", i%7))
		digest.WriteString("\n")
		if i%25 == 0 {
			digest.WriteString("\n")
		}
	}
	longWord := strings.Repeat("Đường", 900)     // no spaces at all
	nfd := strings.Repeat("a\u0301e\u0323", 700) // decomposed Vietnamese diacritics
	inputs := map[string]string{
		"digest":     digest.String(),
		"long word":  longWord,
		"decomposed": nfd,
		"spaces":     strings.Repeat("tiếng Việt có dấu ", 500),
		"mixed":      "Tiêu đề\n" + longWord + " đuôi " + digest.String(),
	}
	for name, text := range inputs {
		for _, max := range []int{1, 7, 100, zalo.MaxTextLen} {
			parts := zalo.SplitText(text, max)
			if len(parts) == 0 {
				t.Fatalf("%s/%d: no parts", name, max)
			}
			for i, p := range parts {
				if n := utf8.RuneCountInString(p); n > max || n == 0 {
					t.Errorf("%s/%d: part %d has %d runes", name, max, i, n)
				}
				if !utf8.ValidString(p) {
					t.Errorf("%s/%d: part %d is not valid UTF-8", name, max, i)
				}
			}
			if got, want := stripSpace(strings.Join(parts, "")), stripSpace(text); got != want {
				t.Errorf("%s/%d: content changed", name, max)
			}
			if max >= 7 && name == "decomposed" {
				for i, p := range parts {
					if r, _ := utf8.DecodeRuneInString(p); unicode.Is(unicode.Mn, r) {
						t.Errorf("%s/%d: part %d starts with a combining mark", name, max, i)
					}
				}
			}
		}
	}
	// Line breaks are preferred: a digest part ends at the end of a line.
	parts := zalo.SplitText(digest.String(), zalo.MaxTextLen)
	if len(parts) < 2 {
		t.Fatalf("digest not split: %d parts", len(parts))
	}
	for i, p := range parts[:len(parts)-1] {
		if !strings.HasSuffix(p, "số") && !strings.HasSuffix(p, "9") {
			t.Errorf("part %d does not end at a line end: …%q", i, p[len(p)-20:])
		}
	}
	// A word-only text splits exactly, losing nothing.
	if got := strings.Join(zalo.SplitText(longWord, 100), ""); got != longWord {
		t.Error("hard split lost content")
	}
}

func TestSplitTextEdges(t *testing.T) {
	if p := zalo.SplitText("", 10); len(p) != 0 {
		t.Errorf("empty → %q", p)
	}
	if p := zalo.SplitText(" \n\n ", 10); len(p) != 0 {
		t.Errorf("blank → %q", p)
	}
	if p := zalo.SplitText("  ngắn\n", 10); len(p) != 1 || p[0] != "  ngắn\n" {
		t.Errorf("fitting text changed: %q", p)
	}
	if p := zalo.SplitText("một hai ba", 0); len(p) != 1 {
		t.Errorf("max 0 → %q", p)
	}
	got := zalo.SplitText("một hai ba bốn", 7)
	want := []string{"một hai", "ba bốn"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SplitText words = %q, want %q", got, want)
	}
	got = zalo.SplitText("dòng một\n\n\ndòng hai", 10)
	want = []string{"dòng một", "dòng hai"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("SplitText lines = %q, want %q", got, want)
	}
}

// ReadMessage reads back what the message builders write: a text, a list card with its buttons, the
// request_user_info card; an object payload (oa.open.url) stays as its JSON.
func TestReadMessageReadsWhatTheBuildersWrite(t *testing.T) {
	text, err := zalo.ReadMessage(zalo.TextMessage("u1", "Xin chào"))
	if err != nil || text.Text != "Xin chào" || text.Template != "" || text.Buttons != nil {
		t.Errorf("text: %+v, %v", text, err)
	}
	list, err := zalo.ReadMessage(zalo.ListMessage("u1", []zalo.ListElement{{Title: "Bạn kiểm tra lại", Subtitle: "12 câu"}}, []zalo.Button{{Title: "Gửi", Payload: "gửi"}, {Title: "Hủy", Payload: "hủy"}}))
	if err != nil || list.Template != "list" || list.Title != "Bạn kiểm tra lại" || list.Subtitle != "12 câu" ||
		len(list.Buttons) != 2 || list.Buttons[1] != (zalo.Button{Title: "Hủy", Payload: "hủy"}) {
		t.Errorf("list: %+v, %v", list, err)
	}
	info, err := zalo.ReadMessage(zalo.RequestUserInfoMessage("u1", "Chia sẻ thông tin", "Bấm Chia sẻ", "https://x/logo.png"))
	if err != nil || info.Template != "request_user_info" || info.Title != "Chia sẻ thông tin" {
		t.Errorf("request_user_info: %+v, %v", info, err)
	}
	url, err := zalo.ReadMessage([]byte(`{"message":{"attachment":{"type":"template","payload":{"template_type":"list","elements":[{"title":"Trang"}],"buttons":[{"title":"Mở","type":"oa.open.url","payload":{"url":"https://x"}}]}}}}`))
	if err != nil || len(url.Buttons) != 1 || url.Buttons[0].Payload != `{"url":"https://x"}` {
		t.Errorf("oa.open.url: %+v, %v", url, err)
	}
	if _, err := zalo.ReadMessage([]byte("not json")); err == nil {
		t.Error("not JSON: no error")
	}
}
