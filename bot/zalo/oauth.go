package zalo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// oauthPermissionPath is where an OA admin authorises the app (OAuth v4).
const oauthPermissionPath = "/v4/oa/permission"

// pkceVerifierBytes of randomness give a 64-character verifier (RFC 7636
// wants 43–128 characters of [A-Za-z0-9-._~]; base64url uses a subset).
const pkceVerifierBytes = 48

// NewPKCE returns a fresh PKCE pair for the authorization-code flow: a
// random verifier (64 base64url characters from crypto/rand) to keep
// secret until ExchangeCode, and its S256 challenge,
// base64url-no-padding(sha256(verifier)), for AuthorizeURL.
func NewPKCE() (verifier, challenge string, err error) {
	b := make([]byte, pkceVerifierBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("zalo: pkce: %w", err)
	}
	verifier = base64.RawURLEncoding.EncodeToString(b)
	return verifier, pkceChallenge(verifier), nil
}

// pkceChallenge is the S256 transform of a verifier.
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NewState returns a random, URL-safe state value (32 characters) to bind
// the permission redirect to the session that started it.
func NewState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("zalo: state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// AuthorizeURL is the page an OA admin opens to authorise the app:
// {OAuthBase}/v4/oa/permission?app_id=…&redirect_uri=…&code_challenge=…&state=….
// Zalo redirects to redirectURI with code, oa_id and state.
func (c *Client) AuthorizeURL(appID, redirectURI, challenge, state string) string {
	var b strings.Builder
	b.WriteString(c.oauthBase())
	b.WriteString(oauthPermissionPath)
	b.WriteString("?app_id=")
	b.WriteString(url.QueryEscape(appID))
	b.WriteString("&redirect_uri=")
	b.WriteString(url.QueryEscape(redirectURI))
	b.WriteString("&code_challenge=")
	b.WriteString(url.QueryEscape(challenge))
	b.WriteString("&state=")
	b.WriteString(url.QueryEscape(state))
	return b.String()
}

// ExchangeCode exchanges an authorization code (from the permission
// redirect) and its PKCE verifier for a new pair: POST
// {OAuthBase}/v4/oa/access_token, form-encoded
// code=…&app_id=…&grant_type=authorization_code&code_verifier=…, header
// "secret_key: <app secret>". The answer is handled as RefreshToken's: an
// error body → *OAuthError (even with HTTP 200), another non-200 →
// *HTTPError. Codes are single-use; the pair replaces any older one.
func (c *Client) ExchangeCode(ctx context.Context, appID, appSecret, code, verifier string) (TokenPair, error) {
	form := url.Values{
		"code":          {code},
		"app_id":        {appID},
		"grant_type":    {"authorization_code"},
		"code_verifier": {verifier},
	}
	return c.tokenRequest(ctx, "exchange code", appSecret, form)
}

// tokenRequest POSTs form to the OAuth token endpoint and parses the answer;
// op names the call in error messages ("refresh token", "exchange code").
func (c *Client) tokenRequest(ctx context.Context, op, appSecret string, form url.Values) (TokenPair, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.oauthBase()+oauthTokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return TokenPair{}, fmt.Errorf("zalo: %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("secret_key", appSecret)

	resp, err := c.httpClient().Do(req)
	if err != nil {
		return TokenPair{}, fmt.Errorf("zalo: %s: %w", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return TokenPair{}, fmt.Errorf("zalo: %s: reading answer: %w", op, err)
	}
	return parseTokenAnswer(op, resp.StatusCode, raw)
}

// parseTokenAnswer turns a token endpoint answer into a pair or an error.
func parseTokenAnswer(op string, status int, raw []byte) (TokenPair, error) {
	var ans oauthAnswer
	jsonErr := json.Unmarshal(raw, &ans)
	// An error body wins over the status: Zalo sends its errors with HTTP 200.
	if jsonErr == nil && ans.Error != nil && *ans.Error != 0 {
		desc := ans.ErrorDesc
		if desc == "" {
			desc = ans.Message
		}
		return TokenPair{}, &OAuthError{Code: int(*ans.Error), Name: ans.ErrorName, Reason: ans.ErrorReason, Description: desc}
	}
	if status != http.StatusOK {
		return TokenPair{}, &HTTPError{Status: status, Body: truncate(raw, errBodyLen)}
	}
	if jsonErr != nil {
		return TokenPair{}, fmt.Errorf("zalo: %s: unexpected answer %q: %w", op, truncate(raw, errBodyLen), jsonErr)
	}
	if ans.AccessToken == "" || ans.RefreshToken == "" {
		return TokenPair{}, errors.New("zalo: " + op + ": answer without access_token or refresh_token")
	}
	return TokenPair{
		AccessToken:  ans.AccessToken,
		RefreshToken: ans.RefreshToken,
		ExpiresIn:    time.Duration(ans.ExpiresIn) * time.Second,
	}, nil
}
