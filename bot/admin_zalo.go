package bot

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/bot/zalo"
)

// tokenBody is what PUT /api/v1/zalo/token takes: a pair from Zalo's console or API explorer.
type tokenBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"` // seconds; 0 when unknown
}

// tokenStatus shows the token's state without the tokens themselves.
func (b *Bot) tokenStatus(c *gin.Context) {
	if b.tokens == nil {
		c.JSON(http.StatusOK, gin.H{"sandbox": true, "usable": false, "problem": "sandbox mode: no Zalo account"})
		return
	}
	p := b.tokens.Current()
	out := gin.H{"usable": b.tokens.Usable(), "source": p.Source, "updated_at": p.UpdatedAt}
	if !p.ExpiresAt.IsZero() {
		out["expires_at"] = p.ExpiresAt
	}
	if pr := b.tokens.Problem(); pr != "" {
		out["problem"] = pr
	}
	c.JSON(http.StatusOK, out)
}

// putToken installs a new pair while running (cdtbot token set).
func (b *Bot) putToken(c *gin.Context) {
	if b.tokens == nil {
		web.Fail(c, web.Errorf(http.StatusConflict, "sandbox", "sandbox mode has no Zalo token to replace"))
		return
	}
	var body tokenBody
	if err := c.ShouldBindJSON(&body); err != nil || body.AccessToken == "" || body.RefreshToken == "" || body.ExpiresIn < 0 {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_token", `want {"access_token":"…","refresh_token":"…","expires_in":90000}`))
		return
	}
	if err := b.tokens.Install(body.AccessToken, body.RefreshToken, time.Duration(body.ExpiresIn)*time.Second, "admin"); err != nil {
		web.Fail(c, fmt.Errorf("token install: %w", err))
		return
	}
	web.Log(c).Info().Msg("zalo token pair installed through the admin API")
	b.tokenStatus(c)
}

// oauthTicketTTL bounds how long an authorisation link and a started authorisation stay valid.
const oauthTicketTTL = 15 * time.Minute

// oauthFlows holds the authorisations in progress: one-use tickets minted by an
// operator, and the PKCE verifier of each state sent to Zalo.
type oauthFlows struct {
	mu       sync.Mutex
	tickets  map[string]time.Time
	verifier map[string]oauthPending
}

type oauthPending struct {
	verifier string
	until    time.Time
}

func (f *oauthFlows) init() {
	if f.tickets == nil {
		f.tickets, f.verifier = map[string]time.Time{}, map[string]oauthPending{}
	}
}

// oauthLink mints a one-use link an OA admin opens to authorise the app (POST /api/v1/zalo/authorize).
func (b *Bot) oauthLink(c *gin.Context) {
	if b.client == nil {
		web.Fail(c, web.Errorf(http.StatusConflict, "sandbox", "sandbox mode has no Zalo app to authorise"))
		return
	}
	t, err := zalo.NewState()
	if err != nil {
		web.Fail(c, web.Errorf(http.StatusInternalServerError, "internal", "internal error"))
		return
	}
	b.oauth.mu.Lock()
	b.oauth.init()
	b.oauth.tickets[t] = b.db.Now().Add(oauthTicketTTL)
	b.oauth.mu.Unlock()
	c.JSON(http.StatusOK, gin.H{"url": b.publicURL() + "/oauth/zalo/start?ticket=" + t, "expires_in": int(oauthTicketTTL.Seconds())})
}

// oauthStart sends the OA admin to Zalo's permission page (OAuth v4 with PKCE).
func (b *Bot) oauthStart(c *gin.Context) {
	if b.client == nil {
		c.String(http.StatusNotFound, "Chế độ thử (sandbox): không có ứng dụng Zalo để cấp quyền.")
		return
	}
	ticket := c.Query("ticket")
	now := b.db.Now()
	b.oauth.mu.Lock()
	b.oauth.init()
	until, ok := b.oauth.tickets[ticket]
	delete(b.oauth.tickets, ticket)
	b.oauth.mu.Unlock()
	if ticket == "" || !ok || now.After(until) {
		web.Log(c).Warn().Msg("oauth start without a valid ticket")
		c.String(http.StatusForbidden, "Liên kết cấp quyền không hợp lệ hoặc đã hết hạn. Tạo liên kết mới bằng lệnh: cdtbot token authorize")
		return
	}
	verifier, challenge, err := zalo.NewPKCE()
	state, serr := zalo.NewState()
	if err != nil || serr != nil {
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	b.oauth.mu.Lock()
	b.oauth.verifier[state] = oauthPending{verifier: verifier, until: now.Add(oauthTicketTTL)}
	b.oauth.mu.Unlock()
	c.Redirect(http.StatusFound, b.client.AuthorizeURL(b.cfg.AppID, b.publicURL()+"/oauth/zalo/callback", challenge, state))
}

// oauthCallback exchanges the code Zalo sends back for a new pair and installs it.
func (b *Bot) oauthCallback(c *gin.Context) {
	if b.client == nil {
		c.String(http.StatusNotFound, "sandbox mode")
		return
	}
	state, code := c.Query("state"), c.Query("code")
	b.oauth.mu.Lock()
	b.oauth.init()
	p, ok := b.oauth.verifier[state]
	delete(b.oauth.verifier, state)
	b.oauth.mu.Unlock()
	if state == "" || !ok || b.db.Now().After(p.until) {
		web.Log(c).Warn().Msg("oauth callback with an unknown or expired state")
		c.String(http.StatusBadRequest, "Phiên cấp quyền không hợp lệ hoặc đã hết hạn. Hãy bắt đầu lại.")
		return
	}
	if code == "" {
		c.String(http.StatusBadRequest, "Zalo không gửi mã cấp quyền (quản trị viên OA đã từ chối?).")
		return
	}
	pair, err := b.client.ExchangeCode(c.Request.Context(), b.cfg.AppID, b.cfg.AppSecret, code, p.verifier)
	if err != nil {
		web.Log(c).Error().Err(err).Int("code", zalo.ErrorCode(err)).Msg("oauth code exchange failed")
		c.String(http.StatusBadGateway, "Zalo từ chối đổi mã cấp quyền: "+err.Error())
		return
	}
	if err := b.tokens.Install(pair.AccessToken, pair.RefreshToken, pair.ExpiresIn, "oauth"); err != nil {
		web.Log(c).Error().Err(err).Msg("oauth: token install failed")
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	web.Log(c).Info().Str("oa_id", c.Query("oa_id")).Msg("zalo authorised from the browser: new pair installed")
	c.String(http.StatusOK, "Đã cấp quyền thành công. cdtbot đã nhận token mới và tiếp tục gửi tin.")
}

func (b *Bot) publicURL() string {
	u := b.cfg.PublicURL
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}
