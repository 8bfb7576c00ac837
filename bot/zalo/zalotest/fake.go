// Package zalotest provides a fake Zalo OpenAPI and OAuth server for tests
// and local sandbox experiments. It does not import package zalo, so tests of
// that package can use it.
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
	pathCS    = "/v3.0/oa/message/cs"
	pathGroup = "/v3.0/oa/group/message"
	pathOAuth = "/v4/oa/access_token"
)

// maxTextLen mirrors zalo.MaxTextLen: longer texts get -201.
const maxTextLen = 2000

// Zalo error codes the fake answers with.
const (
	codeBadParameter   = -201
	codeTokenInvalid   = -216
	codeOAuthAppID     = -14002 // seen live: "Invalid appId"
	codeOAuthSecret    = -14004 // seen live: invalid secret key
	codeOAuthRefresh   = -14014 // invalid, expired or already used refresh token
	codeOAuthGrantType = -14018 // seen live: invalid grant type
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
	MessageID   string    // the id answered in data.message_id
	Endpoint    string    // request path, e.g. "/v3.0/oa/message/cs"
	AccessToken string    // the access_token header it came with
	To          string    // recipient.user_id or recipient.group_id
	Text        string    // message.text; empty for attachments
	Body        []byte    // the raw request body
	At          time.Time // when it was accepted
}

// Server is a fake Zalo OpenAPI + OAuth server wrapping an httptest.Server.
// Safe for concurrent use.
type Server struct {
	URL       string // base URL for both zalo.Client.APIBase and OAuthBase
	AppID     string // app_id refreshes must carry
	AppSecret string // secret_key header refreshes must carry

	ts *httptest.Server

	mu            sync.Mutex
	access        string // the current access token
	accessExpired bool   // ExpireAccessToken was called since the last refresh
	refresh       string // the current (single-use) refresh token
	generation    int    // number of the current pair, for "access-N"/"refresh-N"
	sent          []Sent
	attempts      int
	refreshes     int
	failNext      []Failure
	failRefresh   []Failure
	failFor       map[string]Failure
	rateLimit     int
	rateRemain    int
}

// New starts a fake whose current valid pair is accessToken/refreshToken.
func New(appID, appSecret, accessToken, refreshToken string) *Server {
	s := &Server{
		AppID:      appID,
		AppSecret:  appSecret,
		access:     accessToken,
		refresh:    refreshToken,
		generation: 1,
		failFor:    map[string]Failure{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc(pathCS, s.handleSend)
	mux.HandleFunc(pathGroup, s.handleSend)
	mux.HandleFunc(pathOAuth, s.handleOAuth)
	s.ts = httptest.NewServer(mux)
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Sent returns the accepted messages in order of acceptance.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Attempts returns how many requests reached a send endpoint, accepted or not.
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
// and the last issued access token (refused if ExpireAccessToken was called).
func (s *Server) Tokens() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.access, s.refresh
}

// ExpireAccessToken makes the current access token get -216 until the next refresh.
func (s *Server) ExpireAccessToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessExpired = true
}

// FailNext makes the next n send requests, in order of arrival, fail with f.
// It runs before any other check, including the access token.
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

// FailFor makes every valid send to recipient (a user or group id) fail with
// f until ClearFailures. It applies after the token and body checks.
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

// handleSend serves both send endpoints.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading body", http.StatusBadRequest)
		return
	}
	token := r.Header.Get("access_token")

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
		return
	}

	s.mu.Lock()
	valid := token != "" && token == s.access && !s.accessExpired
	s.mu.Unlock()
	if !valid {
		writeAPIError(w, http.StatusOK, codeTokenInvalid, "Access token is invalid")
		return
	}

	to, text, problem := validateSend(r, body)
	if problem != "" {
		writeAPIError(w, http.StatusOK, codeBadParameter, "Parameter is invalid: "+problem)
		return
	}

	s.mu.Lock()
	f, failing := s.failFor[to]
	s.mu.Unlock()
	if failing && !s.fail(w, r, f) {
		return
	}

	sent := Sent{
		MessageID:   newMessageID(),
		Endpoint:    r.URL.Path,
		AccessToken: token,
		To:          to,
		Text:        text,
		Body:        body,
		At:          time.Now(),
	}
	s.mu.Lock()
	s.sent = append(s.sent, sent)
	s.mu.Unlock()

	data := map[string]string{"message_id": sent.MessageID}
	if r.URL.Path == pathGroup {
		data["group_id"] = to
	} else {
		data["user_id"] = to
	}
	writeJSON(w, http.StatusOK, map[string]any{"error": 0, "message": "Success", "data": data})
}

// validateSend checks a send body and returns the recipient and text, or a problem.
func validateSend(r *http.Request, body []byte) (to, text, problem string) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return "", "", "Content-Type must be application/json"
	}
	var b sendBody
	if err := json.Unmarshal(body, &b); err != nil {
		return "", "", "body is not JSON: " + err.Error()
	}
	if r.URL.Path == pathGroup {
		to = b.Recipient.GroupID
		if to == "" || b.Recipient.UserID != "" {
			return "", "", "recipient.group_id is required"
		}
	} else {
		to = b.Recipient.UserID
		if to == "" || b.Recipient.GroupID != "" {
			return "", "", "recipient.user_id is required"
		}
	}
	hasAttachment := len(b.Message.Attachment) > 0 && !bytes.Equal(bytes.TrimSpace(b.Message.Attachment), []byte("null"))
	hasText := b.Message.Text != nil && *b.Message.Text != ""
	if !hasText && !hasAttachment {
		return "", "", "message.text or message.attachment is required"
	}
	// Text and attachment together is legal (a caption on a media template).
	if hasText {
		text = *b.Message.Text
		if utf8.RuneCountInString(text) > maxTextLen {
			return "", "", fmt.Sprintf("message.text longer than %d characters", maxTextLen)
		}
	}
	if hasAttachment {
		var a struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(b.Message.Attachment, &a); err != nil || a.Type == "" {
			return "", "", "message.attachment.type is required"
		}
	}
	return to, text, ""
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
	if r.PostForm.Get("grant_type") != "refresh_token" {
		writeOAuthError(w, codeOAuthGrantType, "Invalid grant type", "grant_type must be refresh_token")
		return
	}

	s.mu.Lock()
	if rt := r.PostForm.Get("refresh_token"); rt == "" || rt != s.refresh {
		s.mu.Unlock()
		writeOAuthError(w, codeOAuthRefresh, "invalid_grant", "Refresh token is invalid, expired or already used")
		return
	}
	s.generation++
	s.access = fmt.Sprintf("access-%d", s.generation)
	s.refresh = fmt.Sprintf("refresh-%d", s.generation)
	s.accessExpired = false
	s.refreshes++
	access, refresh := s.access, s.refresh
	s.mu.Unlock()

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
