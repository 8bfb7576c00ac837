package zalotest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ZNS error codes the fake answers with. "Verified" means the number and its
// meaning appear in Zalo's own table (zalo.cloud/zns/guidelines/handle-error-code);
// the others are marked with where they come from.
const (
	// ZNSCodePhoneInvalid: "Phone number invalid". Verified (zalo.cloud table).
	ZNSCodePhoneInvalid = -108
	// ZNSCodeTemplateInvalid: "Template ID invalid". Verified (zalo.cloud table).
	ZNSCodeTemplateInvalid = -109
	// ZNSCodeTemplateDataEmpty: "Template data empty". Verified (zalo.cloud table).
	ZNSCodeTemplateDataEmpty = -111
	// ZNSCodeTemplateDataInvalid: "Template data invalid" (a missing or bad
	// param). Verified (zalo.cloud table).
	ZNSCodeTemplateDataInvalid = -112
	// ZNSCodeAccountNotExisted: "Zalo account not existed" — the phone has no
	// Zalo account that can receive ZNS. Verified in practice: several
	// integrations match -118 with exactly this message; it follows -117 in
	// the official table's order.
	ZNSCodeAccountNotExisted = -118
	// ZNSCodeTokenInvalid: "Access token invalid". Seen in integrations
	// (treated as token errors together with -125); unverified in the table.
	ZNSCodeTokenInvalid = -124
	// ZNSCodeTemplateNotApproved: a template that is not (or no longer)
	// approved — PENDING_REVIEW or REJECT. Unverified: plausible code.
	ZNSCodeTemplateNotApproved = -131
	// ZNSCodeQuotaExceeded: the OA's daily ZNS quota is used up. Unverified:
	// one integration maps -144 to "quota exceeded"; not in the table excerpt.
	ZNSCodeQuotaExceeded = -144
	// ZNSCodeTemplateDisabled: a template disabled (e.g. for low quality).
	// Unverified: plausible code.
	ZNSCodeTemplateDisabled = -146
)

// defaultZNSQuota is the fake's daily ZNS quota until SetZNSQuota.
const defaultZNSQuota = 500

// znsPhone is the form Zalo wants: 84 and the national number, no +.
var znsPhone = regexp.MustCompile(`^84[0-9]{9,10}$`)

// vnZone is Vietnam's time (UTC+7, no DST); ZNS quotas reset on its dates.
var vnZone = time.FixedZone("ICT", 7*60*60)

// znsTemplate is a template the OA owns in the ZNS console.
type znsTemplate struct {
	id     string
	name   string
	status string // ENABLE, PENDING_REVIEW, REJECT, DISABLE
	params []string
}

// AddZNSTemplate adds an approved (ENABLE) ZNS template whose data must hold
// every one of params.
func (s *Server) AddZNSTemplate(id string, params []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.znsTemplates[id] = &znsTemplate{id: id, name: "Template " + id, status: "ENABLE", params: append([]string(nil), params...)}
}

// SetZNSTemplateStatus sets a template's status, e.g. "PENDING_REVIEW",
// "REJECT", "DISABLE" (refused) or "ENABLE" (accepted). Unknown ids are ignored.
func (s *Server) SetZNSTemplateStatus(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.znsTemplates[id]; ok {
		t.status = status
	}
}

// SetZNSQuota sets the OA's daily ZNS quota (500 by default). What was used
// today stays used; the count restarts when the fake clock's date in UTC+7
// changes.
func (s *Server) SetZNSQuota(daily int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.znsDaily = daily
}

// ZNSRefusePhone makes ZNS sends to phone (84… form) fail with -118, as for
// a number whose owner cannot receive ZNS.
func (s *Server) ZNSRefusePhone(phone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.znsRefused[phone] = true
}

// znsRemainingLocked rolls the quota day over and returns what is left;
// callers hold s.mu.
func (s *Server) znsRemainingLocked() int {
	if day := s.clock().In(vnZone).Format(time.DateOnly); day != s.znsDay {
		s.znsDay, s.znsUsed = day, 0
	}
	return max(s.znsDaily-s.znsUsed, 0)
}

// znsBody is a ZNS send request.
type znsBody struct {
	Phone        string          `json:"phone"`
	TemplateID   json.RawMessage `json:"template_id"` // a string; integrators also send a number
	TemplateData map[string]any  `json:"template_data"`
	TrackingID   string          `json:"tracking_id"`
}

// handleZNSSend serves POST /message/template.
//
// Order of checks: FailNext, access token (-124), body, phone format (-108),
// FailFor, template known (-109) and approved (-131/-146), template data
// (-111/-112), refused phone (-118), daily quota (-144).
func (s *Server) handleZNSSend(w http.ResponseWriter, r *http.Request) {
	body, token, ok := s.sendPrelude(w, r, ZNSCodeTokenInvalid, "Access token invalid")
	if !ok {
		return
	}
	var b znsBody
	if err := json.Unmarshal(body, &b); err != nil {
		s.refuse(w, r.URL.Path, "", ZNSCodeTemplateDataInvalid, "Body format invalid: "+err.Error())
		return
	}
	if !znsPhone.MatchString(b.Phone) {
		s.refuse(w, r.URL.Path, b.Phone, ZNSCodePhoneInvalid, "Phone number invalid")
		return
	}
	s.mu.Lock()
	f, failing := s.failFor[b.Phone]
	s.mu.Unlock()
	if failing && !s.fail(w, r, f) {
		return
	}

	var templateID string
	if err := json.Unmarshal(b.TemplateID, &templateID); err != nil {
		templateID = strings.TrimSpace(string(b.TemplateID)) // a number
	}
	s.mu.Lock()
	code, msg, remaining := s.znsCheckLocked(templateID, b)
	if code != 0 {
		s.mu.Unlock()
		s.refuse(w, r.URL.Path, b.Phone, code, msg)
		return
	}
	s.znsUsed++
	remaining--
	now := s.clock()
	sent := Sent{
		MessageID:   newMessageID(),
		Endpoint:    r.URL.Path,
		AccessToken: token,
		To:          b.Phone,
		Text:        renderData(b.TemplateData),
		Body:        body,
		At:          now,
		Kind:        KindZNS,
		Cost:        CostZNS,
	}
	s.sent = append(s.sent, sent)
	daily := s.znsDaily
	s.mu.Unlock()

	writeJSON(w, http.StatusOK, map[string]any{
		"error":   0,
		"message": "Success",
		"data": map[string]any{
			"msg_id":    sent.MessageID,
			"sent_time": strconv.FormatInt(now.UnixMilli(), 10),
			"quota": map[string]string{
				"dailyQuota":     strconv.Itoa(daily),
				"remainingQuota": strconv.Itoa(remaining),
			},
		},
	})
}

// znsCheckLocked applies the template, data, phone and quota rules; callers hold s.mu.
func (s *Server) znsCheckLocked(templateID string, b znsBody) (code int, msg string, remaining int) {
	t, ok := s.znsTemplates[templateID]
	switch {
	case !ok:
		return ZNSCodeTemplateInvalid, "Template ID invalid", 0
	case t.status == "DISABLE":
		return ZNSCodeTemplateDisabled, "Template is disabled", 0
	case t.status != "ENABLE":
		return ZNSCodeTemplateNotApproved, "Template has not been approved (status " + t.status + ")", 0
	}
	if len(b.TemplateData) == 0 && len(t.params) > 0 {
		return ZNSCodeTemplateDataEmpty, "Template data empty", 0
	}
	for _, p := range t.params {
		v, ok := b.TemplateData[p]
		if !ok || v == nil || v == "" {
			return ZNSCodeTemplateDataInvalid, "Template data invalid: missing " + p, 0
		}
	}
	if s.znsRefused[b.Phone] {
		return ZNSCodeAccountNotExisted, "Zalo account not existed", 0
	}
	remaining = s.znsRemainingLocked()
	if remaining <= 0 {
		return ZNSCodeQuotaExceeded, "OA has exceeded the daily ZNS quota", 0
	}
	return 0, "", remaining
}

// renderData renders template data as "k=v;k=v" with the keys sorted.
func renderData(data map[string]any) string {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := data[k]
		var s string
		switch v := v.(type) {
		case string:
			s = v
		default:
			raw, _ := json.Marshal(v)
			s = string(raw)
		}
		parts[i] = k + "=" + s
	}
	return strings.Join(parts, ";")
}

// handleZNSQuota serves GET /message/quota (through authedGET): data {dailyQuota, remainingQuota}
// as numbers (the send answer carries them as strings; clients accept both).
func (s *Server) handleZNSQuota(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"error":   0,
		"message": "Success",
		"data":    map[string]int{"dailyQuota": s.znsDaily, "remainingQuota": s.znsRemainingLocked()},
	})
}

// handleZNSTemplate serves GET /template/info and /template/info/v2 ?template_id=… (through authedGET).
func (s *Server) handleZNSTemplate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.znsTemplates[r.URL.Query().Get("template_id")]
	if !ok {
		writeAPIError(w, http.StatusOK, ZNSCodeTemplateInvalid, "Template ID invalid")
		return
	}
	params := make([]map[string]any, len(t.params))
	for i, p := range t.params {
		params[i] = map[string]any{"name": p, "require": true, "type": "STRING", "maxLength": 30, "minLength": 0, "acceptNull": false}
	}
	id, err := strconv.Atoi(t.id)
	var idJSON any = t.id
	if err == nil {
		idJSON = id // Zalo's templateId is a number
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"error":   0,
		"message": "Success",
		"data": map[string]any{
			"templateId":      idJSON,
			"templateName":    t.name,
			"status":          t.status,
			"listParams":      params,
			"templateQuality": "HIGH",
			"timeout":         7200000,
			"price":           "300.0",
		},
	})
}
