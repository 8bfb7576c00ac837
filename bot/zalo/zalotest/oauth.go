package zalotest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
)

// authCodeTTL is how long an authorization code can be exchanged.
// Unverified: Zalo does not document it; OAuth servers commonly use 10 minutes.
const authCodeTTL = 10 * time.Minute

// authCode is an issued, not yet exchanged authorization code.
type authCode struct {
	challenge string    // S256 code_challenge from the permission request
	issued    time.Time // by the fake's clock
}

// RevokeRefreshToken kills the current pair, as when an OA admin revokes the
// app: refreshing answers -14014 and sends (and every other call) get -216 /
// -124 until IssuePair or the authorization-code flow issues a new pair.
func (s *Server) RevokeRefreshToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// IssuePair issues a fresh pair, as if an OA admin re-authorised the app in
// the console, and returns it; the old pair is dead.
func (s *Server) IssuePair() (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issuePairLocked()
}

// handlePermission serves GET /v4/oa/permission: the fake plays the OA
// admin who approves at once, redirecting (302) to redirect_uri with
// code, oa_id and state. It remembers the code's S256 challenge.
func (s *Server) handlePermission(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if q.Get("app_id") != s.AppID {
		http.Error(w, "fake: unknown app_id", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || (redirect.Scheme != "http" && redirect.Scheme != "https") || redirect.Host == "" {
		http.Error(w, "fake: redirect_uri must be an absolute http(s) URL", http.StatusBadRequest)
		return
	}
	challenge := q.Get("code_challenge")
	if challenge == "" {
		http.Error(w, "fake: code_challenge is required", http.StatusBadRequest)
		return
	}
	code := newMessageID()
	s.mu.Lock()
	s.authCodes[code] = authCode{challenge: challenge, issued: s.clock()}
	oaID := s.oaID
	s.mu.Unlock()

	rq := redirect.Query()
	rq.Set("code", code)
	rq.Set("oa_id", oaID)
	rq.Set("state", q.Get("state"))
	redirect.RawQuery = rq.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// handleCodeGrant finishes POST /v4/oa/access_token with
// grant_type=authorization_code; the secret and app id were checked. A code
// is single use: any attempt to exchange it consumes it, even a failed one.
func (s *Server) handleCodeGrant(w http.ResponseWriter, r *http.Request) {
	code := r.PostForm.Get("code")
	verifier := r.PostForm.Get("code_verifier")
	s.mu.Lock()
	ac, ok := s.authCodes[code]
	delete(s.authCodes, code)
	expired := ok && s.clock().Sub(ac.issued) > authCodeTTL
	s.mu.Unlock()
	switch {
	case !ok || code == "":
		writeOAuthError(w, codeOAuthCode, "invalid_grant", "Authorization code is invalid or already used")
		return
	case expired:
		writeOAuthError(w, codeOAuthCode, "invalid_grant", "Authorization code has expired")
		return
	case verifier == "" || subtle.ConstantTimeCompare([]byte(s256(verifier)), []byte(ac.challenge)) != 1:
		writeOAuthError(w, codeOAuthCode, "invalid_grant", "code_verifier does not match code_challenge")
		return
	}
	s.mu.Lock()
	access, refresh := s.issuePairLocked()
	s.mu.Unlock()
	writePair(w, access, refresh)
}

// s256 is the PKCE S256 transform: base64url-no-padding(sha256(verifier)).
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
