// Package zalo talks to the Zalo Official Account platform.
package zalo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Endpoint is a path of the OpenAPI that sends a message.
type Endpoint string

// The send endpoints the bot uses.
const (
	// EndpointCS sends a consultation message to one user.
	EndpointCS Endpoint = "/v3.0/oa/message/cs"
	// EndpointGroup sends a message to a group (GMF).
	EndpointGroup Endpoint = "/v3.0/oa/group/message"
)

// Production base URLs.
const (
	// DefaultAPIBase is the OpenAPI base URL.
	DefaultAPIBase = "https://openapi.zalo.me"
	// DefaultOAuthBase is the OAuth v4 base URL.
	DefaultOAuthBase = "https://oauth.zaloapp.com"
)

// oauthTokenPath is where OA access tokens are refreshed.
const oauthTokenPath = "/v4/oa/access_token"

// maxBody caps how much of an answer is read, so a broken proxy cannot exhaust memory.
const maxBody = 1 << 20

// errBodyLen is how much of a non-200 body HTTPError keeps.
const errBodyLen = 512

// defaultHTTP is shared by clients without their own, so connections are reused: as many kept open
// to Zalo as the sender has sends in flight (Go's default keeps 2 a host, so 30 of 32 concurrent sends
// would each open a new TLS connection).
var defaultHTTP = &http.Client{Timeout: 15 * time.Second, Transport: keepAliveTransport()}

func keepAliveTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 128, 64
	return t
}

// Client calls the Zalo OpenAPI and OAuth endpoints. It holds no token:
// callers pass the current access token to every call. Safe for concurrent use.
type Client struct {
	APIBase   string       // OpenAPI base URL, no trailing slash (DefaultAPIBase in production)
	OAuthBase string       // OAuth base URL, no trailing slash (DefaultOAuthBase in production)
	ZNSBase   string       // ZNS base URL (DefaultZNSBase in production)
	HTTP      *http.Client // nil → a shared client with a 15 s timeout
}

// httpClient returns the configured HTTP client or the default one.
func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

// SendResult is what Zalo answered to a send.
type SendResult struct {
	MessageID  string // data.message_id on success
	UserID     string // data.user_id on success (empty for group sends)
	HTTPStatus int    // 0 when no answer arrived
	RateLimit  int    // X-RateLimit-Limit, -1 when absent
	RateRemain int    // X-RateLimit-Remain, -1 when absent
}

// Send POSTs body (already-built JSON, see TextMessage etc.) to ep with the
// header "access_token: <token>".
//
// HTTP 200 with "error":0 → the result and nil. HTTP 200 with another code →
// *APIError. Any other status → *HTTPError. A transport failure → the wrapped
// transport error. The rate-limit headers are parsed into the result in every
// case where an answer arrived, so it is returned alongside any error.
func (c *Client) Send(ctx context.Context, accessToken string, ep Endpoint, body []byte) (SendResult, error) {
	var d struct {
		MessageID looseString `json:"message_id"`
		UserID    looseString `json:"user_id"`
	}
	meta, err := c.call(ctx, "send "+string(ep), http.MethodPost, c.apiBase()+string(ep), accessToken, body, &d)
	return SendResult{MessageID: string(d.MessageID), UserID: string(d.UserID),
		HTTPStatus: meta.HTTPStatus, RateLimit: meta.RateLimit, RateRemain: meta.RateRemain}, err
}

// TokenPair is an OAuth v4 answer.
type TokenPair struct {
	AccessToken  string
	RefreshToken string        // the NEW refresh token; the one sent is dead now
	ExpiresIn    time.Duration // access token lifetime; 0 when Zalo did not say
}

// oauthAnswer is both the success and the error body of the token endpoint.
type oauthAnswer struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresIn    looseInt  `json:"expires_in"`
	Error        *looseInt `json:"error"`
	ErrorName    string    `json:"error_name"`
	ErrorReason  string    `json:"error_reason"`
	ErrorDesc    string    `json:"error_description"`
	Message      string    `json:"message"`
}

// RefreshToken exchanges refreshToken for a new pair: POST
// {OAuthBase}/v4/oa/access_token, form-encoded, header "secret_key: <app secret>".
//
// Refresh tokens are single-use: once this call reached Zalo, the old token
// may be dead even if the answer was lost, so callers store the new pair
// durably before using it and never run two refreshes at once. Zalo answers
// errors with HTTP 200 and an error body → *OAuthError; a non-200 status
// without one → *HTTPError; a success lacking either token → an error.
func (c *Client) RefreshToken(ctx context.Context, appID, appSecret, refreshToken string) (TokenPair, error) {
	form := url.Values{
		"refresh_token": {refreshToken},
		"app_id":        {appID},
		"grant_type":    {"refresh_token"},
	}
	return c.tokenRequest(ctx, "refresh token", appSecret, form)
}

// apiBase returns the OpenAPI base, defaulting to production.
func (c *Client) apiBase() string {
	if c.APIBase == "" {
		return DefaultAPIBase
	}
	return strings.TrimRight(c.APIBase, "/")
}

// znsBase returns the ZNS base, defaulting to production.
func (c *Client) znsBase() string {
	if c.ZNSBase == "" {
		return DefaultZNSBase
	}
	return strings.TrimRight(c.ZNSBase, "/")
}

// oauthBase returns the OAuth base, defaulting to production.
func (c *Client) oauthBase() string {
	if c.OAuthBase == "" {
		return DefaultOAuthBase
	}
	return strings.TrimRight(c.OAuthBase, "/")
}

// headerInt parses an integer header, -1 when absent or malformed.
func headerInt(h http.Header, name string) int {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return -1
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

// truncate returns at most n bytes of b as a string, for error messages.
func truncate(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// looseInt decodes a JSON number or a string holding one; Zalo sends
// expires_in as "90000" and has been seen sending numbers too.
type looseInt int64

// UnmarshalJSON accepts 90000, "90000", "" and null.
func (n *looseInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		s = strings.TrimSpace(str)
		if s == "" {
			*n = 0
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("zalo: not an integer: %s", b)
	}
	*n = looseInt(v)
	return nil
}

// looseString decodes a JSON string or a number as a string, so an id sent
// as a number does not fail a send that Zalo accepted.
type looseString string

// UnmarshalJSON accepts "abc", 123 and null.
func (s *looseString) UnmarshalJSON(b []byte) error {
	t := strings.TrimSpace(string(b))
	switch {
	case t == "null":
		return nil
	case strings.HasPrefix(t, `"`):
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = looseString(str)
	default:
		*s = looseString(t)
	}
	return nil
}
