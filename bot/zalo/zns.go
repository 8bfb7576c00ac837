package zalo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultZNSBase is the ZNS (Zalo Notification Service) base URL.
const DefaultZNSBase = "https://business.openapi.zalo.me"

// ZNS paths.
const (
	pathZNSSend     = "/message/template"
	pathZNSTemplate = "/template/info/v2"
	pathZNSQuota    = "/message/quota"
)

// ZNSMessage is a templated notification to a phone number, reaching a person
// outside the 7-day cs window. The template must be approved in the ZNS
// console; every one of its params must be in Data.
type ZNSMessage struct {
	Phone      string            // 84… form (see PhoneTo84)
	TemplateID string            // the approved template's id
	TrackingID string            // the caller's id for this message, echoed in reports
	Data       map[string]string // template params
}

// ZNSResult is what Zalo answered to a ZNS send.
type ZNSResult struct {
	MsgID          string    // data.msg_id; delivery arrives as a webhook carrying it
	SentTime       time.Time // data.sent_time (milliseconds); zero when absent
	DailyQuota     int       // data.quota.dailyQuota, -1 unknown
	RemainingQuota int       // data.quota.remainingQuota, -1 unknown
	HTTPStatus     int       // 0 when no answer arrived
	RateLimit      int       // X-RateLimit-Limit, -1 when absent
	RateRemain     int       // X-RateLimit-Remain, -1 when absent
}

// znsRequest is the body of a ZNS send.
type znsRequest struct {
	Phone        string            `json:"phone"`
	TemplateID   string            `json:"template_id"`
	TemplateData map[string]string `json:"template_data"`
	TrackingID   string            `json:"tracking_id,omitempty"`
}

// SendZNS sends m: POST {ZNSBase}/message/template with the OA's access
// token. Errors are as Send's: *APIError for error != 0 (Classify knows the
// ZNS codes), *HTTPError for a non-200 status, anything else transient. The
// HTTP status and rate-limit headers are in the result even with an error.
func (c *Client) SendZNS(ctx context.Context, accessToken string, m ZNSMessage) (ZNSResult, error) {
	res := ZNSResult{DailyQuota: -1, RemainingQuota: -1, RateLimit: -1, RateRemain: -1}
	data := m.Data
	if data == nil {
		data = map[string]string{}
	}
	body, err := json.Marshal(znsRequest{Phone: m.Phone, TemplateID: m.TemplateID, TemplateData: data, TrackingID: m.TrackingID})
	if err != nil {
		return res, fmt.Errorf("zalo: send zns: %w", err)
	}
	var d struct {
		MsgID    looseString `json:"msg_id"`
		SentTime looseInt    `json:"sent_time"`
		Quota    *struct {
			Daily     *looseInt `json:"dailyQuota"`
			Remaining *looseInt `json:"remainingQuota"`
		} `json:"quota"`
	}
	meta, err := c.call(ctx, "send zns", http.MethodPost, c.znsBase()+pathZNSSend, accessToken, body, &d)
	res.HTTPStatus, res.RateLimit, res.RateRemain = meta.HTTPStatus, meta.RateLimit, meta.RateRemain
	if err != nil {
		return res, err
	}
	res.MsgID = string(d.MsgID)
	if d.SentTime > 0 {
		res.SentTime = time.UnixMilli(int64(d.SentTime))
	}
	if d.Quota != nil {
		if d.Quota.Daily != nil {
			res.DailyQuota = int(*d.Quota.Daily)
		}
		if d.Quota.Remaining != nil {
			res.RemainingQuota = int(*d.Quota.Remaining)
		}
	}
	return res, nil
}

// PhoneTo84 converts a Vietnamese mobile number to the 84… form ZNS wants:
// 0912345678, +84912345678, 84912345678, "+84 (0)912…" and the bare
// 912345678 (a leading 0 lost in a spreadsheet) all become 84912345678.
// Spaces, dots and dashes are ignored. It returns false when the number is
// not a VN mobile: after the country code it must be 9 digits starting with
// 3, 5, 7, 8 or 9 (the mobile ranges since the 2018 renumbering).
func PhoneTo84(phone string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '\u00a0' || r == '\t':
		case r == '(' || r == ')':
			// "+84 (0) 912…" is common on business cards.
		default:
			return "", false
		}
	}
	d := b.String()
	plus := strings.HasPrefix(strings.TrimSpace(phone), "+")
	var nsn string
	switch {
	case plus && strings.HasPrefix(d, "84"):
		nsn = strings.TrimPrefix(d[2:], "0")
	case plus:
		return "", false // another country
	case strings.HasPrefix(d, "0084"):
		nsn = strings.TrimPrefix(d[4:], "0")
	case len(d) == 11 && strings.HasPrefix(d, "84"):
		nsn = d[2:]
	case len(d) == 12 && strings.HasPrefix(d, "840"):
		nsn = d[3:]
	case len(d) == 10 && d[0] == '0':
		nsn = d[1:]
	case len(d) == 9:
		nsn = d
	default:
		return "", false
	}
	if len(nsn) != 9 || !strings.ContainsRune("35789", rune(nsn[0])) {
		return "", false
	}
	return "84" + nsn, true
}

// ZNSTemplate is a ZNS template as the console holds it.
type ZNSTemplate struct {
	ID     string
	Name   string
	Status string   // ENABLE (usable), PENDING_REVIEW, REJECT, DISABLE
	Params []string // names of the params its data must carry
}

// ZNSTemplateInfo reads a template: GET {ZNSBase}/template/info/v2?template_id=….
// Errors are as Send's.
func (c *Client) ZNSTemplateInfo(ctx context.Context, accessToken, templateID string) (ZNSTemplate, error) {
	var d struct {
		TemplateID   looseString `json:"templateId"`
		TemplateName string      `json:"templateName"`
		Status       string      `json:"status"`
		ListParams   []struct {
			Name string `json:"name"`
		} `json:"listParams"`
	}
	u := c.znsBase() + pathZNSTemplate + "?" + url.Values{"template_id": {templateID}}.Encode()
	if _, err := c.call(ctx, "zns template info", http.MethodGet, u, accessToken, nil, &d); err != nil {
		return ZNSTemplate{}, err
	}
	t := ZNSTemplate{ID: string(d.TemplateID), Name: d.TemplateName, Status: d.Status}
	if t.ID == "" {
		t.ID = templateID
	}
	for _, p := range d.ListParams {
		t.Params = append(t.Params, p.Name)
	}
	return t, nil
}

// ZNSQuota is the OA's ZNS quota for today (Vietnam time).
type ZNSQuota struct {
	Daily     int
	Remaining int
}

// ZNSQuota reads the OA's ZNS quota: GET {ZNSBase}/message/quota. Errors are as Send's.
func (c *Client) ZNSQuota(ctx context.Context, accessToken string) (ZNSQuota, error) {
	var d struct {
		Daily     looseInt `json:"dailyQuota"`
		Remaining looseInt `json:"remainingQuota"`
	}
	if _, err := c.call(ctx, "zns quota", http.MethodGet, c.znsBase()+pathZNSQuota, accessToken, nil, &d); err != nil {
		return ZNSQuota{}, err
	}
	return ZNSQuota{Daily: int(d.Daily), Remaining: int(d.Remaining)}, nil
}
