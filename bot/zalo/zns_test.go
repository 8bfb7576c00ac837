package zalo_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
)

// newZNSFake starts a fake with one approved template "1001" (name, deadline)
// and a client whose ZNS base is the fake.
func newZNSFake(t *testing.T) (*zalotest.Server, *zalo.Client) {
	t.Helper()
	fake, c := newFake(t)
	c.ZNSBase = fake.URL + "/" // a trailing slash is trimmed
	fake.AddZNSTemplate("1001", []string{"name", "deadline"})
	return fake, c
}

// znsMsg is a valid message for template 1001.
func znsMsg(phone string) zalo.ZNSMessage {
	return zalo.ZNSMessage{Phone: phone, TemplateID: "1001", TrackingID: "report-7", Data: map[string]string{"name": "Nguyễn Thị Hương", "deadline": "05/03"}}
}

func TestSendZNS(t *testing.T) {
	fake, c := newZNSFake(t)
	at := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)
	fake.SetClock(func() time.Time { return at })
	fake.SetRateLimit(4000, 3998)
	res, err := c.SendZNS(context.Background(), "access-1", znsMsg("84912345678"))
	if err != nil {
		t.Fatalf("SendZNS: %v", err)
	}
	sent := fake.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %+v", sent)
	}
	s := sent[0]
	if res.MsgID == "" || res.MsgID != s.MessageID || !res.SentTime.Equal(at) || res.DailyQuota != 500 || res.RemainingQuota != 499 ||
		res.HTTPStatus != 200 || res.RateLimit != 4000 || res.RateRemain != 3998 {
		t.Errorf("result %+v", res)
	}
	if s.Kind != zalotest.KindZNS || s.Cost != zalotest.CostZNS || s.To != "84912345678" || s.Text != "deadline=05/03;name=Nguyễn Thị Hương" || s.AccessToken != "access-1" {
		t.Errorf("recorded %+v", s)
	}
	var body map[string]any
	if err := json.Unmarshal(s.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["phone"] != "84912345678" || body["template_id"] != "1001" || body["tracking_id"] != "report-7" {
		t.Errorf("body %s", s.Body)
	}
}

func TestSendZNSErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		setup func(*zalotest.Server)
		token string
		msg   zalo.ZNSMessage
		code  int // 0: not an APIError
		class zalo.Class
	}{
		{"bad token", nil, "wrong", znsMsg("84912345678"), -124, zalo.ClassToken},
		{"phone not in 84 form", nil, "access-1", znsMsg("0912345678"), -108, zalo.ClassUnreachable},
		{"unknown template", nil, "access-1", zalo.ZNSMessage{Phone: "84912345678", TemplateID: "42", Data: map[string]string{"x": "y"}}, -109, zalo.ClassOperator},
		{"template pending review", func(f *zalotest.Server) { f.SetZNSTemplateStatus("1001", "PENDING_REVIEW") }, "access-1", znsMsg("84912345678"), -131, zalo.ClassOperator},
		{"template rejected", func(f *zalotest.Server) { f.SetZNSTemplateStatus("1001", "REJECT") }, "access-1", znsMsg("84912345678"), -131, zalo.ClassOperator},
		{"template disabled", func(f *zalotest.Server) { f.SetZNSTemplateStatus("1001", "DISABLE") }, "access-1", znsMsg("84912345678"), -146, zalo.ClassOperator},
		{"no data", nil, "access-1", zalo.ZNSMessage{Phone: "84912345678", TemplateID: "1001"}, -111, zalo.ClassBug},
		{"missing param", nil, "access-1", zalo.ZNSMessage{Phone: "84912345678", TemplateID: "1001", Data: map[string]string{"name": "Lan"}}, -112, zalo.ClassBug},
		{"phone cannot receive", func(f *zalotest.Server) { f.ZNSRefusePhone("84912345678") }, "access-1", znsMsg("84912345678"), -118, zalo.ClassUnreachable},
		{"quota used up", func(f *zalotest.Server) { f.SetZNSQuota(0) }, "access-1", znsMsg("84912345678"), -144, zalo.ClassOperator},
		{"unknown error", func(f *zalotest.Server) { f.FailNext(1, zalotest.Failure{Code: -100}) }, "access-1", znsMsg("84912345678"), -100, zalo.ClassTransient},
		{"HTTP 503", func(f *zalotest.Server) { f.FailNext(1, zalotest.Failure{HTTPStatus: 503}) }, "access-1", znsMsg("84912345678"), 0, zalo.ClassTransient},
		{"revoked app", func(f *zalotest.Server) { f.RevokeRefreshToken() }, "access-1", znsMsg("84912345678"), -124, zalo.ClassToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, c := newZNSFake(t)
			if tc.setup != nil {
				tc.setup(fake)
			}
			res, err := c.SendZNS(ctx, tc.token, tc.msg)
			if err == nil {
				t.Fatalf("accepted: %+v", res)
			}
			if got := zalo.Classify(err); got != tc.class {
				t.Errorf("Classify(%v) = %v, want %v", err, got, tc.class)
			}
			var apiErr *zalo.APIError
			if tc.code != 0 && (!errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Message == "") {
				t.Errorf("err = %v, want APIError %d", err, tc.code)
			}
			var httpErr *zalo.HTTPError
			if tc.code == 0 && (!errors.As(err, &httpErr) || res.HTTPStatus != 503) {
				t.Errorf("err = %v res %+v, want HTTPError 503", err, res)
			}
			if len(fake.Sent()) != 0 || res.MsgID != "" || res.DailyQuota != -1 {
				t.Errorf("sent %+v res %+v", fake.Sent(), res)
			}
		})
	}
}

func TestSendZNSUnexpectedAnswers(t *testing.T) {
	ctx := context.Background()
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		// Quota as numbers, sent_time as a number, msg_id as a number.
		_, _ = w.Write([]byte(`{"error":0,"message":"Success","data":{"msg_id":12345,"sent_time":1772440200000,"quota":{"dailyQuota":1000,"remainingQuota":"7"}}}`))
	})
	html := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<html>ok</html>`))
	})
	c := &zalo.Client{ZNSBase: srv}
	res, err := c.SendZNS(ctx, "t", znsMsg("84912345678"))
	if err != nil || res.MsgID != "12345" || res.SentTime.UnixMilli() != 1772440200000 || res.DailyQuota != 1000 || res.RemainingQuota != 7 {
		t.Errorf("numbers: %+v %v", res, err)
	}
	c.ZNSBase = html
	if _, err := c.SendZNS(ctx, "t", znsMsg("84912345678")); err == nil || zalo.Classify(err) != zalo.ClassTransient {
		t.Errorf("html: %v", err)
	}
	noQuota := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"error":0,"message":"Success","data":{"msg_id":"m1"}}`))
	})
	res, err = (&zalo.Client{ZNSBase: noQuota}).SendZNS(ctx, "t", znsMsg("84912345678"))
	if err != nil || res.MsgID != "m1" || res.DailyQuota != -1 || res.RemainingQuota != -1 || !res.SentTime.IsZero() {
		t.Errorf("no quota: %+v %v", res, err)
	}
}

// roundTripFunc lets a test see where a client sends its requests.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestZNSBaseDefault(t *testing.T) {
	var got string
	c := &zalo.Client{APIBase: "http://api.invalid", HTTP: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.URL.String()
		return nil, errors.New("no network in tests")
	})}}
	_, err := c.SendZNS(context.Background(), "t", znsMsg("84912345678"))
	if got != zalo.DefaultZNSBase+"/message/template" || zalo.DefaultZNSBase != "https://business.openapi.zalo.me" {
		t.Errorf("default ZNS URL %q", got)
	}
	if zalo.Classify(err) != zalo.ClassTransient {
		t.Errorf("transport error: %v", err)
	}
}

func TestPhoneTo84(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"0912345678", "84912345678", true},
		{"+84912345678", "84912345678", true},
		{"84912345678", "84912345678", true},
		{"091 234 5678", "84912345678", true},
		{"091.234.5678", "84912345678", true},
		{"091-234-5678", "84912345678", true},
		{" +84 91 234 56 78 ", "84912345678", true},
		{"+84 (0) 912 345 678", "84912345678", true},
		{"+840912345678", "84912345678", true},
		{"0084912345678", "84912345678", true},
		{"912345678", "84912345678", true}, // leading 0 lost in a spreadsheet
		{"0387654321", "84387654321", true},
		{"0567654321", "84567654321", true},
		{"0707654321", "84707654321", true},
		{"0867654321", "84867654321", true},
		{"", "", false},
		{"abc", "", false},
		{"0912 345 67x", "", false},
		{"091234567", "", false},       // 9 digits with the 0: too short
		{"09123456789", "", false},     // too long
		{"02438123456", "", false},     // Hà Nội landline
		{"0112345678", "", false},      // not a mobile range
		{"+1 415 555 0100", "", false}, // another country
		{"+8491234567", "", false},
		{"8491234567", "", false},
		{"84+912345678", "", false},
		{"0912/345/678", "", false},
	}
	for _, tc := range cases {
		got, ok := zalo.PhoneTo84(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("PhoneTo84(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPhoneTo84FeedsTheFake(t *testing.T) {
	_, c := newZNSFake(t)
	for _, in := range []string{"0912 345 678", "+84 387 654 321"} {
		p, ok := zalo.PhoneTo84(in)
		if !ok {
			t.Fatalf("PhoneTo84(%q) failed", in)
		}
		if _, err := c.SendZNS(context.Background(), "access-1", znsMsg(p)); err != nil {
			t.Errorf("%q → %q refused: %v", in, p, err)
		}
	}
}

func TestZNSTemplateInfo(t *testing.T) {
	fake, c := newZNSFake(t)
	ctx := context.Background()
	tpl, err := c.ZNSTemplateInfo(ctx, "access-1", "1001")
	if err != nil {
		t.Fatal(err)
	}
	if tpl.ID != "1001" || tpl.Name == "" || tpl.Status != "ENABLE" || strings.Join(tpl.Params, ",") != "name,deadline" {
		t.Errorf("template %+v", tpl)
	}
	fake.SetZNSTemplateStatus("1001", "REJECT")
	if tpl, err := c.ZNSTemplateInfo(ctx, "access-1", "1001"); err != nil || tpl.Status != "REJECT" {
		t.Errorf("rejected: %+v %v", tpl, err)
	}
	_, err = c.ZNSTemplateInfo(ctx, "access-1", "404")
	if zalo.ErrorCode(err) != -109 || zalo.Classify(err) != zalo.ClassOperator {
		t.Errorf("unknown template: %v", err)
	}
	if _, err := c.ZNSTemplateInfo(ctx, "wrong", "1001"); zalo.Classify(err) != zalo.ClassToken {
		t.Errorf("bad token: %v", err)
	}
}

func TestZNSQuota(t *testing.T) {
	fake, c := newZNSFake(t)
	ctx := context.Background()
	fake.SetZNSQuota(5)
	for range 2 {
		if _, err := c.SendZNS(ctx, "access-1", znsMsg("84912345678")); err != nil {
			t.Fatal(err)
		}
	}
	q, err := c.ZNSQuota(ctx, "access-1")
	if err != nil || q != (zalo.ZNSQuota{Daily: 5, Remaining: 3}) {
		t.Errorf("quota %+v %v", q, err)
	}
	if _, err := c.ZNSQuota(ctx, "wrong"); zalo.Classify(err) != zalo.ClassToken {
		t.Errorf("bad token: %v", err)
	}
}
