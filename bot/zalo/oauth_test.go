package zalo_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

var urlSafe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func TestNewPKCE(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		v, ch, err := zalo.NewPKCE()
		if err != nil {
			t.Fatal(err)
		}
		if len(v) < 43 || len(v) > 128 || !urlSafe.MatchString(v) {
			t.Errorf("verifier %q", v)
		}
		sum := sha256.Sum256([]byte(v))
		if ch != base64.RawURLEncoding.EncodeToString(sum[:]) || len(ch) != 43 {
			t.Errorf("challenge %q for %q", ch, v)
		}
		if seen[v] {
			t.Errorf("verifier repeated: %q", v)
		}
		seen[v] = true
	}
}

func TestNewState(t *testing.T) {
	a, err := zalo.NewState()
	b, err2 := zalo.NewState()
	if err != nil || err2 != nil || a == b || len(a) < 22 || !urlSafe.MatchString(a) {
		t.Errorf("states %q %q %v %v", a, b, err, err2)
	}
}

func TestAuthorizeURL(t *testing.T) {
	c := &zalo.Client{OAuthBase: "https://oauth.example/"}
	got := c.AuthorizeURL("app 1", "https://bot.example/cb?x=1&y=2", "ch-_", "s/t")
	want := "https://oauth.example/v4/oa/permission?app_id=app+1&redirect_uri=https%3A%2F%2Fbot.example%2Fcb%3Fx%3D1%26y%3D2&code_challenge=ch-_&state=s%2Ft"
	if got != want {
		t.Errorf("AuthorizeURL =\n%s\nwant\n%s", got, want)
	}
	if got := (&zalo.Client{}).AuthorizeURL("a", "https://b/c", "d", "e"); got != zalo.DefaultOAuthBase+"/v4/oa/permission?app_id=a&redirect_uri=https%3A%2F%2Fb%2Fc&code_challenge=d&state=e" {
		t.Errorf("default base: %s", got)
	}
}

// approve opens the authorize URL on the fake (which approves at once) and
// returns the redirect's query.
func approve(t *testing.T, authorizeURL string) url.Values {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host != "bot.example" || loc.Path != "/zalo/callback" {
		t.Fatalf("redirect %v %v", loc, err)
	}
	return loc.Query()
}

func TestAuthorizationCodeFlow(t *testing.T) {
	fake, c := newFake(t)
	fake.SetOA("oa-99", "UBND")
	fake.Interact("u1")
	ctx := context.Background()
	verifier, challenge, err := zalo.NewPKCE()
	if err != nil {
		t.Fatal(err)
	}
	state, _ := zalo.NewState()
	q := approve(t, c.AuthorizeURL(appID, "https://bot.example/zalo/callback", challenge, state))
	if q.Get("state") != state || q.Get("oa_id") != "oa-99" || q.Get("code") == "" {
		t.Fatalf("callback query %v", q)
	}

	pair, err := c.ExchangeCode(ctx, appID, appSecret, q.Get("code"), verifier)
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	if a, r := fake.Tokens(); a != pair.AccessToken || r != pair.RefreshToken || pair.ExpiresIn.Hours() != 25 {
		t.Errorf("pair %+v, fake %q %q", pair, a, r)
	}
	if _, err := c.Send(ctx, pair.AccessToken, zalo.EndpointCS, zalo.TextMessage("u1", "đã kết nối")); err != nil {
		t.Errorf("send with the new pair: %v", err)
	}
	if _, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x")); zalo.Classify(err) != zalo.ClassToken {
		t.Errorf("old pair still works: %v", err)
	}

	// A code is single-use.
	_, err = c.ExchangeCode(ctx, appID, appSecret, q.Get("code"), verifier)
	var oauthErr *zalo.OAuthError
	if !errors.As(err, &oauthErr) || oauthErr.Code == 0 || oauthErr.Name == "" || zalo.Classify(err) != zalo.ClassPermanent {
		t.Errorf("reused code: %v", err)
	}

	// A wrong verifier is refused (and burns the code).
	q = approve(t, c.AuthorizeURL(appID, "https://bot.example/zalo/callback", challenge, state))
	other, _, _ := zalo.NewPKCE()
	if _, err := c.ExchangeCode(ctx, appID, appSecret, q.Get("code"), other); !errors.As(err, &oauthErr) {
		t.Errorf("wrong verifier: %v", err)
	}
	if _, err := c.ExchangeCode(ctx, appID, appSecret, q.Get("code"), verifier); !errors.As(err, &oauthErr) {
		t.Errorf("code after a wrong verifier: %v", err)
	}

	// Wrong secret or app id.
	q = approve(t, c.AuthorizeURL(appID, "https://bot.example/zalo/callback", challenge, state))
	if _, err := c.ExchangeCode(ctx, appID, "wrong", q.Get("code"), verifier); !errors.As(err, &oauthErr) || oauthErr.Code != -14004 {
		t.Errorf("wrong secret: %v", err)
	}
	if _, err := c.ExchangeCode(ctx, "other-app", appSecret, q.Get("code"), verifier); !errors.As(err, &oauthErr) {
		t.Errorf("wrong app: %v", err)
	}
	if fake.Refreshes() != 0 {
		t.Errorf("code exchanges counted as refreshes: %d", fake.Refreshes())
	}
}

func TestRevokedAppNeedsReauthorisation(t *testing.T) {
	fake, c := newFake(t)
	fake.Interact("u1")
	ctx := context.Background()
	fake.RevokeRefreshToken()
	_, err := c.RefreshToken(ctx, appID, appSecret, "refresh-1")
	var oauthErr *zalo.OAuthError
	if !errors.As(err, &oauthErr) || oauthErr.Code != -14014 {
		t.Fatalf("refresh after revoke: %v", err)
	}
	if _, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x")); zalo.ErrorCode(err) != -216 {
		t.Errorf("send after revoke: %v", err)
	}
	// An admin re-authorises in the console: the new pair works and rotates.
	_, refresh := fake.IssuePair()
	pair, err := c.RefreshToken(ctx, appID, appSecret, refresh)
	if err != nil {
		t.Fatalf("refresh of the re-issued pair: %v", err)
	}
	if _, err := c.Send(ctx, pair.AccessToken, zalo.EndpointCS, zalo.TextMessage("u1", "x")); err != nil {
		t.Errorf("send after re-authorisation: %v", err)
	}
}

func TestExchangeCodeRequestAndAnswers(t *testing.T) {
	ctx := context.Background()
	var form url.Values
	var secret string
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		form, secret = r.PostForm, r.Header.Get("secret_key")
		_, _ = w.Write([]byte(`{"access_token":"a","refresh_token":"r","expires_in":"90000"}`))
	})
	pair, err := (&zalo.Client{OAuthBase: srv}).ExchangeCode(ctx, "app", "sec", "the-code", "the-verifier")
	if err != nil || pair.AccessToken != "a" || pair.RefreshToken != "r" {
		t.Fatalf("pair %+v %v", pair, err)
	}
	want := url.Values{"code": {"the-code"}, "app_id": {"app"}, "grant_type": {"authorization_code"}, "code_verifier": {"the-verifier"}}
	if form.Encode() != want.Encode() || secret != "sec" {
		t.Errorf("form %v secret %q", form, secret)
	}

	_, err = oauthStub(t, 200, `{"error":-14019,"error_name":"invalid_grant","error_description":"bad code"}`).ExchangeCode(ctx, "x", "y", "z", "v")
	var oauthErr *zalo.OAuthError
	if !errors.As(err, &oauthErr) || oauthErr.Code != -14019 || oauthErr.Description != "bad code" {
		t.Errorf("error body: %v", err)
	}
	_, err = oauthStub(t, 502, `bad gateway`).ExchangeCode(ctx, "x", "y", "z", "v")
	var httpErr *zalo.HTTPError
	if !errors.As(err, &httpErr) || zalo.Classify(err) != zalo.ClassTransient {
		t.Errorf("502: %v", err)
	}
	if _, err := oauthStub(t, 200, `{"access_token":"a"}`).ExchangeCode(ctx, "x", "y", "z", "v"); err == nil {
		t.Error("answer without refresh_token accepted")
	}
	if _, err := oauthStub(t, 200, `<html>`).ExchangeCode(ctx, "x", "y", "z", "v"); err == nil || zalo.Classify(err) != zalo.ClassTransient {
		t.Errorf("html: %v", err)
	}
}
