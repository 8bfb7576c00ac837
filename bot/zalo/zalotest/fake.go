// Package zalotest provides a fake Zalo OpenAPI, ZNS and OAuth server for
// tests and local sandbox experiments. It does not import package zalo, so
// tests of that package can use it.
//
// The fake plays by Zalo's rules by default (see /work/shared/zalo-oa.md): a
// consultation (cs) message needs an interaction in the last 7 days, a group
// message needs a group the OA is in, a ZNS message needs an approved
// template, a valid phone and quota left. A fake that accepted everything
// would prove nothing. Every decision about time uses the fake's clock
// (SetClock), so tests can move through windows without sleeping.
package zalotest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Paths the fake serves; the same as in package zalo.
const (
	pathCS         = "/v3.0/oa/message/cs"
	pathGroup      = "/v3.0/oa/group/message"
	pathGroupsOfOA = "/v3.0/oa/group/getgroupsofoa"
	pathOAInfo     = "/v2.0/oa/getoa"
	pathOAuth      = "/v4/oa/access_token"
	pathPermission = "/v4/oa/permission"
	// ZNS lives on business.openapi.zalo.me in production; the fake serves it
	// on the same URL, so a client's ZNS base is the fake's URL too.
	pathZNSSend       = "/message/template"
	pathZNSQuota      = "/message/quota"
	pathZNSTemplate   = "/template/info"
	pathZNSTemplateV2 = "/template/info/v2"
)

// The cs window (zalo-oa.md): free within 48 hours of the user's last
// interaction, billable up to 7 days, refused after.
const (
	csFreeWindow = 48 * time.Hour
	csWindow     = 7 * 24 * time.Hour
)

// Cost labels recorded in Sent.Cost.
const (
	CostCSFree = "cs_free" // cs message within 48 h of the last interaction
	CostCSPaid = "cs_paid" // cs message 48 h – 7 days after it
	CostGroup  = "group"   // GMF group message
	CostZNS    = "zns"     // ZNS message (always paid)
)

// Kinds recorded in Sent.Kind.
const (
	KindCS    = "cs"
	KindGroup = "group"
	KindZNS   = "zns"
)

// maxTextLen mirrors zalo.MaxTextLen: longer texts get -201.
const maxTextLen = 2000

// Zalo error codes the fake answers with (OpenAPI and OAuth; the ZNS codes
// are in zns.go).
const (
	codeBadParameter   = -201
	codeTokenInvalid   = -216
	codeOutsideWindow  = -230   // last interaction older than 7 days (zalo-oa.md)
	codeNoInteraction  = -232   // the user never interacted with the OA (zalo-oa.md)
	codeGroupDisabled  = -237   // group disabled, package expired (zalo-oa.md)
	codeNotInGroup     = -403   // OA is not in the group (zalo-oa.md)
	codeOAuthAppID     = -14002 // seen live: "Invalid appId"
	codeOAuthSecret    = -14004 // seen live: invalid secret key
	codeOAuthRefresh   = -14014 // invalid, expired or already used refresh token
	codeOAuthGrantType = -14018 // seen live: invalid grant type
	// codeOAuthCode answers an authorization code that is unknown, used,
	// expired, or whose code_verifier does not match its code_challenge.
	// Unverified: Zalo's OAuth v4 table was not available; -14019 is a
	// plausible neighbour of the verified -14014/-14018 and the body has the
	// same shape (HTTP 200, error/error_name/error_reason/error_description).
	codeOAuthCode = -14019
)

// Failure is a scripted answer to a send (or refresh) request.
//
// HTTPStatus != 0 answers that status (with a JSON error body when Code is
// set too); Code != 0 with HTTPStatus 0 answers HTTP 200 {"error":Code}.
// Delay is waited first (or until the client gives up). A Failure with only a
// Delay slows the request down and then processes it normally.
type Failure struct {
	HTTPStatus int           // e.g. 503
	Code       int           // Zalo error code, answered with HTTP 200 unless HTTPStatus is set
	Message    string        // "message" text; a default is used when empty
	Delay      time.Duration // wait before answering
}

// Sent is one message the fake accepted.
type Sent struct {
	MessageID   string    // the id answered in data.message_id (data.msg_id for ZNS)
	Endpoint    string    // request path, e.g. "/v3.0/oa/message/cs"
	AccessToken string    // the access_token header it came with
	To          string    // recipient.user_id, recipient.group_id, or the ZNS phone
	Text        string    // message.text (empty for attachments); ZNS: template data as "k=v;k=v", keys sorted
	Body        []byte    // the raw request body
	At          time.Time // when it was accepted, by the fake's clock
	Kind        string    // KindCS, KindGroup or KindZNS
	Cost        string    // CostCSFree, CostCSPaid, CostGroup or CostZNS
}

// Refusal is a send the fake refused by one of Zalo's rules (window,
// template, group, ZNS checks, body validation) — not a scripted Failure and
// not a bad access token.
type Refusal struct {
	Endpoint string    // request path
	To       string    // user id, group id or phone, when the body named one
	Code     int       // the error code answered
	Message  string    // the message answered
	At       time.Time // by the fake's clock
}

// group is a GMF group the OA is in.
type group struct {
	id, name string
	disabled bool
}

// Server is a fake Zalo OpenAPI + ZNS + OAuth server wrapping an httptest.Server.
// Safe for concurrent use.
type Server struct {
	URL       string // base URL for both zalo.Client.APIBase and OAuthBase
	AppID     string // app_id refreshes must carry
	AppSecret string // secret_key header refreshes must carry

	ts *httptest.Server

	mu            sync.Mutex
	now           func() time.Time
	access        string // the current access token
	accessExpired bool   // ExpireAccessToken was called since the last refresh
	revoked       bool   // RevokeRefreshToken: the whole pair is dead until a new one is issued
	refresh       string // the current (single-use) refresh token
	generation    int    // number of the current pair, for "access-N"/"refresh-N"
	sent          []Sent
	refused       []Refusal
	attempts      int
	refreshes     int
	failNext      []Failure
	failRefresh   []Failure
	failFor       map[string]Failure
	rateLimit     int
	rateRemain    int

	interactions    map[string]time.Time // user id → last interaction
	refuseTemplates bool
	refuseCode      int
	groups          map[string]*group
	groupOrder      []string // AddGroup order, for getgroupsofoa
	oaID, oaName    string

	znsTemplates map[string]*znsTemplate
	znsDaily     int
	znsUsed      int
	znsDay       string // the UTC+7 date znsUsed counts for
	znsRefused   map[string]bool

	authCodes map[string]authCode // authorization code → its PKCE challenge

	perMinute   int         // EnforceRate: OpenAPI sends accepted in any rolling minute (0: no limit)
	recent      []time.Time // when the sends of the last minute were accepted, oldest first
	rateRefused int
	onSend      func(Sent)
}

// codeRateLimited is Zalo's answer to more requests in a minute than the app may make (zalo-oa.md).
const codeRateLimited = -32

// EnforceRate makes the fake refuse, with -32, an OpenAPI send (cs or group) beyond perMinute in any
// rolling minute, as Zalo does at 4,000 a minute per app; 0 lifts it.
func (s *Server) EnforceRate(perMinute int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perMinute, s.recent = perMinute, nil
}

// RateRefused counts the sends refused for going over EnforceRate's limit.
func (s *Server) RateRefused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateRefused
}

// OnSend calls fn (outside the fake's lock) for every send it accepts, as it accepts it: a load test
// sees each reply arrive without polling Sent.
func (s *Server) OnSend(fn func(Sent)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onSend = fn
}

// overRateLocked tells whether one more send now would exceed EnforceRate's limit, and counts the
// send when it would not.
func (s *Server) overRateLocked(now time.Time) bool {
	if s.perMinute <= 0 {
		return false
	}
	cut := 0
	for cut < len(s.recent) && now.Sub(s.recent[cut]) >= time.Minute {
		cut++
	}
	s.recent = s.recent[cut:]
	if len(s.recent) >= s.perMinute {
		s.rateRefused++
		return true
	}
	s.recent = append(s.recent, now)
	return false
}

// New starts a fake whose current valid pair is accessToken/refreshToken.
func New(appID, appSecret, accessToken, refreshToken string) *Server {
	s := &Server{
		AppID:        appID,
		AppSecret:    appSecret,
		now:          time.Now,
		access:       accessToken,
		refresh:      refreshToken,
		generation:   1,
		failFor:      map[string]Failure{},
		interactions: map[string]time.Time{},
		refuseCode:   codeBadParameter,
		groups:       map[string]*group{},
		oaID:         "fake-oa-id",
		oaName:       "Fake OA",
		znsTemplates: map[string]*znsTemplate{},
		znsDaily:     defaultZNSQuota,
		znsRefused:   map[string]bool{},
		authCodes:    map[string]authCode{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc(pathCS, s.handleSend)
	mux.HandleFunc(pathGroup, s.handleSend)
	mux.HandleFunc(pathOAuth, s.handleOAuth)
	mux.HandleFunc(pathPermission, s.handlePermission)
	mux.HandleFunc(pathGroupsOfOA, s.authedGET(codeTokenInvalid, "Access token is invalid", s.handleGroupsOfOA))
	mux.HandleFunc(pathOAInfo, s.authedGET(codeTokenInvalid, "Access token is invalid", s.handleOAInfo))
	mux.HandleFunc(pathZNSSend, s.handleZNSSend)
	mux.HandleFunc(pathZNSQuota, s.authedGET(ZNSCodeTokenInvalid, "Access token invalid", s.handleZNSQuota))
	mux.HandleFunc(pathZNSTemplate, s.authedGET(ZNSCodeTokenInvalid, "Access token invalid", s.handleZNSTemplate))
	mux.HandleFunc(pathZNSTemplateV2, s.authedGET(ZNSCodeTokenInvalid, "Access token invalid", s.handleZNSTemplate))
	s.ts = httptest.NewServer(mux)
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.ts.Close() }

// SetClock replaces the fake's clock (time.Now by default); every window,
// quota and code-expiry decision, and Sent.At, use it. nil restores time.Now.
// now is called with the fake's lock held: it must not call the Server.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	s.now = now
}

// clock returns the current fake time; callers hold s.mu.
func (s *Server) clock() time.Time { return s.now() }

// Interact records that userID interacted with the OA (sent a message,
// tapped a button, followed) now, by the fake's clock.
func (s *Server) Interact(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interactions[userID] = s.clock()
}

// InteractAt records userID's last interaction at t.
func (s *Server) InteractAt(userID string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interactions[userID] = t
}

// RefuseTemplates makes cs sends of "list" and "request_user_info" templates
// fail (with -201 unless RefuseTemplatesWith chose another code), as an OA
// whose Zalo does not accept them would; false accepts them again.
func (s *Server) RefuseTemplates(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseTemplates = on
}

// RefuseTemplatesWith turns template refusal on, answering code (e.g. -233).
func (s *Server) RefuseTemplatesWith(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseTemplates = true
	s.refuseCode = code
}

// Refused returns the sends refused by a rule, in order.
func (s *Server) Refused() []Refusal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refusal(nil), s.refused...)
}

// refuse records a refusal and writes the error answer (HTTP 200).
func (s *Server) refuse(w http.ResponseWriter, endpoint, to string, code int, msg string) {
	s.mu.Lock()
	s.refused = append(s.refused, Refusal{Endpoint: endpoint, To: to, Code: code, Message: msg, At: s.clock()})
	s.mu.Unlock()
	writeAPIError(w, http.StatusOK, code, msg)
}

// tokenValid says whether token is the current, live access token; callers hold s.mu.
func (s *Server) tokenValid(token string) bool {
	return token != "" && token == s.access && !s.accessExpired && !s.revoked
}

// Sent returns the accepted messages in order of acceptance.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Attempts returns how many requests reached a send endpoint (cs, group or
// ZNS), accepted or not.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Refreshes returns how many refreshes succeeded.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// Tokens returns the current pair: the refresh token that will be accepted,
// and the last issued access token (refused if ExpireAccessToken was called;
// both refused after RevokeRefreshToken until a new pair is issued).
func (s *Server) Tokens() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.access, s.refresh
}

// ExpireAccessToken makes the current access token get -216 until the next
// refresh (or a new pair from IssuePair or the authorization-code flow).
func (s *Server) ExpireAccessToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessExpired = true
}

// FailNext makes the next n send requests (cs, group or ZNS), in order of
// arrival, fail with f. It runs before any other check, including the access token.
func (s *Server) FailNext(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failNext = append(s.failNext, f)
	}
}

// FailNextRefresh makes the next n refresh requests fail with f, before any
// check, so the pair does not rotate.
func (s *Server) FailNextRefresh(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failRefresh = append(s.failRefresh, f)
	}
}

// FailFor makes every valid send to recipient (a user or group id, or a ZNS
// phone in 84… form) fail with f until ClearFailures. It applies after the
// token and body checks and before Zalo's rules (window, group, template,
// quota), so a scripted answer wins over them.
func (s *Server) FailFor(recipient string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failFor[recipient] = f
}

// ClearFailures drops every scripted failure (FailNext, FailNextRefresh and FailFor).
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = nil
	s.failRefresh = nil
	s.failFor = map[string]Failure{}
}

// SetRateLimit sets the X-RateLimit-Limit / X-RateLimit-Remain headers
// answered on every send; (0, 0) removes them.
func (s *Server) SetRateLimit(limit, remain int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit, s.rateRemain = limit, remain
}

// sendBody is the part of a send request the fake checks.
type sendBody struct {
	Recipient struct {
		UserID  string `json:"user_id"`
		GroupID string `json:"group_id"`
	} `json:"recipient"`
	Message struct {
		Text       *string         `json:"text"`
		Attachment json.RawMessage `json:"attachment"`
	} `json:"message"`
}

// sendPrelude is what every send endpoint (cs, group, ZNS) does first: it
// counts the attempt, sets the rate-limit headers and plays a FailNext
// failure. ok is false when the request was answered.
// tokenCode and tokenMsg are how the endpoint answers an unknown access token.
func (s *Server) sendPrelude(w http.ResponseWriter, r *http.Request, tokenCode int, tokenMsg string) (body []byte, token string, ok bool) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, "", false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading body", http.StatusBadRequest)
		return nil, "", false
	}
	token = r.Header.Get("access_token")

	s.mu.Lock()
	s.attempts++
	limit, remain := s.rateLimit, s.rateRemain
	var scripted *Failure
	if len(s.failNext) > 0 {
		scripted = &s.failNext[0]
		s.failNext = s.failNext[1:]
	}
	s.mu.Unlock()

	if limit != 0 || remain != 0 {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remain", strconv.Itoa(remain))
	}
	if scripted != nil && !s.fail(w, r, *scripted) {
		return nil, "", false
	}
	s.mu.Lock()
	valid := s.tokenValid(token)
	s.mu.Unlock()
	if !valid {
		writeAPIError(w, http.StatusOK, tokenCode, tokenMsg)
		return nil, "", false
	}
	return body, token, true
}

// handleSend serves both OpenAPI send endpoints (cs and group).
//
// Order of checks: FailNext, access token, body (-201), FailFor, then Zalo's
// rules — group membership; for cs, template refusal and the 7-day window.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	body, token, ok := s.sendPrelude(w, r, codeTokenInvalid, "Access token is invalid")
	if !ok {
		return
	}

	v := validateSend(r, body)
	if v.problem != "" {
		s.refuse(w, r.URL.Path, v.to, codeBadParameter, "Parameter is invalid: "+v.problem)
		return
	}
	to, text := v.to, v.text

	s.mu.Lock()
	f, failing := s.failFor[to]
	s.mu.Unlock()
	if failing && !s.fail(w, r, f) {
		return
	}

	kind, cost, code, msg := s.applyRules(r.URL.Path, to, v)
	if code != 0 {
		s.refuse(w, r.URL.Path, to, code, msg)
		return
	}

	s.mu.Lock()
	if s.overRateLocked(s.clock()) {
		s.mu.Unlock()
		writeAPIError(w, http.StatusOK, codeRateLimited, defaultMessage(codeRateLimited, http.StatusOK))
		return
	}
	sent := Sent{
		MessageID:   newMessageID(),
		Endpoint:    r.URL.Path,
		AccessToken: token,
		To:          to,
		Text:        text,
		Body:        body,
		At:          s.clock(),
		Kind:        kind,
		Cost:        cost,
	}
	s.sent = append(s.sent, sent)
	notify := s.onSend
	s.mu.Unlock()
	if notify != nil {
		notify(sent)
	}

	data := map[string]string{"message_id": sent.MessageID}
	if r.URL.Path == pathGroup {
		data["group_id"] = to
	} else {
		data["user_id"] = to
	}
	writeJSON(w, http.StatusOK, map[string]any{"error": 0, "message": "Success", "data": data})
}

// applyRules applies Zalo's sending rules to a valid body for recipient to:
// the cs window and template support for users, membership for groups. It
// returns the kind and cost of an accepted send, or a non-zero code.
func (s *Server) applyRules(path, to string, v validSend) (kind, cost string, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path == pathGroup {
		g, ok := s.groups[to]
		switch {
		case !ok:
			return "", "", codeNotInGroup, defaultMessage(codeNotInGroup, 0)
		case g.disabled:
			return "", "", codeGroupDisabled, defaultMessage(codeGroupDisabled, 0)
		}
		return KindGroup, CostGroup, 0, ""
	}
	if s.refuseTemplates && (v.templateType == "list" || v.templateType == "request_user_info") {
		code := s.refuseCode
		msg := defaultMessage(code, 0)
		if code == codeBadParameter {
			msg = "Parameter is invalid"
		}
		return "", "", code, msg
	}
	last, ok := s.interactions[to]
	if !ok {
		return "", "", codeNoInteraction, defaultMessage(codeNoInteraction, 0)
	}
	age := s.clock().Sub(last)
	switch {
	case age > csWindow:
		return "", "", codeOutsideWindow, defaultMessage(codeOutsideWindow, 0)
	case age >= csFreeWindow:
		return KindCS, CostCSPaid, 0, ""
	}
	return KindCS, CostCSFree, 0, ""
}

// validSend is what validateSend found in a send body.
type validSend struct {
	to, text     string
	templateType string // attachment.payload.template_type when the attachment is a template
	problem      string // non-empty: the body is invalid (-201)
}

// sendAttachment is the part of an attachment the fake checks.
type sendAttachment struct {
	Type    string `json:"type"`
	Payload struct {
		TemplateType string `json:"template_type"`
		Elements     []struct {
			ImageURL string `json:"image_url"`
		} `json:"elements"`
	} `json:"payload"`
}

// validateSend checks a send body and returns the recipient and text, or a problem.
func validateSend(r *http.Request, body []byte) validSend {
	bad := func(to, problem string) validSend { return validSend{to: to, problem: problem} }
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return bad("", "Content-Type must be application/json")
	}
	var b sendBody
	if err := json.Unmarshal(body, &b); err != nil {
		return bad("", "body is not JSON: "+err.Error())
	}
	var v validSend
	if r.URL.Path == pathGroup {
		v.to = b.Recipient.GroupID
		if v.to == "" || b.Recipient.UserID != "" {
			return bad(v.to, "recipient.group_id is required")
		}
	} else {
		v.to = b.Recipient.UserID
		if v.to == "" || b.Recipient.GroupID != "" {
			return bad(v.to, "recipient.user_id is required")
		}
	}
	hasAttachment := len(b.Message.Attachment) > 0 && !bytes.Equal(bytes.TrimSpace(b.Message.Attachment), []byte("null"))
	hasText := b.Message.Text != nil && *b.Message.Text != ""
	if !hasText && !hasAttachment {
		return bad(v.to, "message.text or message.attachment is required")
	}
	// Text and attachment together is legal (a caption on a media template).
	if hasText {
		v.text = *b.Message.Text
		if utf8.RuneCountInString(v.text) > maxTextLen {
			return bad(v.to, fmt.Sprintf("message.text longer than %d characters", maxTextLen))
		}
	}
	if hasAttachment {
		var a sendAttachment
		if err := json.Unmarshal(b.Message.Attachment, &a); err != nil || a.Type == "" {
			return bad(v.to, "message.attachment.type is required")
		}
		if a.Type == "template" {
			v.templateType = a.Payload.TemplateType
		}
		// Resellers document image_url as required for request_user_info,
		// and every SDK sample sends one: refuse it missing, always.
		if v.templateType == "request_user_info" {
			if len(a.Payload.Elements) == 0 {
				return bad(v.to, "request_user_info needs an element")
			}
			for _, e := range a.Payload.Elements {
				if e.ImageURL == "" {
					return bad(v.to, "request_user_info element needs image_url")
				}
			}
		}
	}
	return v
}

// fail waits f.Delay and writes f's answer. It returns true when f is only
// a delay and the request should be processed normally, false when it
// answered (or the client went away).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Failure) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
	}
	if f.HTTPStatus == 0 && f.Code == 0 {
		return true
	}
	msg := f.Message
	if msg == "" {
		msg = defaultMessage(f.Code, f.HTTPStatus)
	}
	switch {
	case f.Code != 0:
		status := f.HTTPStatus
		if status == 0 {
			status = http.StatusOK
		}
		writeAPIError(w, status, f.Code, msg)
	default:
		http.Error(w, msg, f.HTTPStatus)
	}
	return false
}

// defaultMessage gives scripted failures Zalo-like texts.
func defaultMessage(code, status int) string {
	switch code {
	case 0:
		return fmt.Sprintf("fake: injected HTTP %d", status)
	case -32:
		return "Exceeded limit request per minute"
	case -201:
		return "Parameter is invalid"
	case -213:
		return "User has not followed OA"
	case -216:
		return "Access token is invalid"
	case -220:
		return "Access token has expired"
	case -227:
		return "User is inactive"
	case -230:
		return "User has not interacted with the OA in the last 7 days"
	case -232:
		return "User has not interacted with the OA"
	case -124:
		return "Access token is invalid"
	case -233:
		return "Message type is not supported"
	case -234:
		return "Cannot send messages at night"
	case -237:
		return "Group is disabled"
	case -403:
		return "OA is not in the group"
	}
	return "fake: injected error"
}

// handleOAuth serves the OA refresh-token grant. Refresh tokens are
// single-use: a success retires the old pair and issues access-N/refresh-N.
func (s *Server) handleOAuth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	var scripted *Failure
	if len(s.failRefresh) > 0 {
		scripted = &s.failRefresh[0]
		s.failRefresh = s.failRefresh[1:]
	}
	s.mu.Unlock()
	if scripted != nil && !s.fail(w, r, *scripted) {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, -14001, "Invalid parameter", err.Error())
		return
	}
	// Zalo answers OAuth errors with HTTP 200 and an error body.
	if r.Header.Get("secret_key") != s.AppSecret {
		writeOAuthError(w, codeOAuthSecret, "Invalid secret key", "secret_key header does not match the app secret")
		return
	}
	if r.PostForm.Get("app_id") != s.AppID {
		writeOAuthError(w, codeOAuthAppID, "Invalid appId", "app_id does not match")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "refresh_token":
	case "authorization_code":
		s.handleCodeGrant(w, r)
		return
	default:
		writeOAuthError(w, codeOAuthGrantType, "Invalid grant type", "grant_type must be refresh_token or authorization_code")
		return
	}

	s.mu.Lock()
	if rt := r.PostForm.Get("refresh_token"); rt == "" || rt != s.refresh || s.revoked {
		s.mu.Unlock()
		writeOAuthError(w, codeOAuthRefresh, "invalid_grant", "Refresh token is invalid, expired or already used")
		return
	}
	access, refresh := s.issuePairLocked()
	s.refreshes++
	s.mu.Unlock()
	writePair(w, access, refresh)
}

// issuePairLocked retires the current pair and issues access-N/refresh-N;
// callers hold s.mu.
func (s *Server) issuePairLocked() (access, refresh string) {
	s.generation++
	s.access = fmt.Sprintf("access-%d", s.generation)
	s.refresh = fmt.Sprintf("refresh-%d", s.generation)
	s.accessExpired = false
	s.revoked = false
	return s.access, s.refresh
}

// writePair writes a token answer, the same for a refresh and a code exchange.
func writePair(w http.ResponseWriter, access, refresh string) {
	writeJSON(w, http.StatusOK, map[string]string{
		"access_token":             access,
		"refresh_token":            refresh,
		"expires_in":               "90000",
		"refresh_token_expires_in": "7776000",
	})
}

// writeAPIError writes an OpenAPI error envelope.
func writeAPIError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"error": code, "message": msg})
}

// writeOAuthError writes an OAuth error body with HTTP 200, as Zalo does.
func writeOAuthError(w http.ResponseWriter, code int, name, desc string) {
	writeJSON(w, http.StatusOK, map[string]any{
		"error":             code,
		"error_name":        name,
		"error_reason":      "",
		"error_description": desc,
	})
}

// writeJSON writes v as a JSON answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newMessageID returns a random 32-hex-digit id, like Zalo's.
func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
