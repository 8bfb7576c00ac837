package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// refreshMargin is how long before expiry the access token is renewed.
const refreshMargin = time.Hour

// Backoff of refresh attempts after a failure: no tight loop against Zalo's OAuth server.
const (
	authRetryMin = 30 * time.Second
	authRetryMax = 30 * time.Minute
)

// ErrNoToken means no usable Zalo token exists: an operator must install a new pair
// (cdtbot token set, PUT /api/v1/zalo/token or the browser authorisation).
var ErrNoToken = errors.New("zalo_auth: no usable Zalo access token")

// TokenManager hands out the OA access token and renews it through OAuth v4.
// Zalo's refresh tokens are single-use, so one refresh runs at a time and the
// new pair is committed to the database before anyone uses it. When Zalo
// refuses the refresh token the bot stops sending (nothing is lost), /readyz
// says why and the operators are alerted until a new pair is installed.
type TokenManager struct {
	db        *store.DB
	client    *zalo.Client
	appID     string
	appSecret string
	log       zerolog.Logger
	m         *metrics
	alert     func(reason, text string)

	mu       sync.Mutex
	cur      store.TokenPair
	broken   string    // why no token is usable ("" when fine)
	failures int       // refresh failures in a row
	nextTry  time.Time // no refresh before this after a failure
	changed  chan struct{}
	problem  atomic.Pointer[string] // m.broken, for readers that must not wait for a refresh
	revoked  atomic.Bool            // permission_revoked arrived; taken up under the lock
}

// NoEnvPair marks a stored pair that no environment pair ever preceded (installed by an operator):
// any pair put in the environment later wins at start.
const NoEnvPair = "-"

// EnvHash fingerprints a pair from the environment (store.TokenPair.EnvHash).
func EnvHash(access, refresh string) string {
	if access == "" && refresh == "" {
		return ""
	}
	h := sha256.Sum256([]byte(access + "\x00" + refresh))
	return hex.EncodeToString(h[:8])
}

// NewTokenManager loads the stored pair. A pair in the environment wins when it
// differs from the one last taken from there (an operator replaced it); otherwise
// the stored pair wins, since refreshed pairs live only in the database.
func NewTokenManager(db *store.DB, client *zalo.Client, appID, appSecret, envAccess, envRefresh string, log zerolog.Logger, m *metrics) (*TokenManager, error) {
	tm := &TokenManager{db: db, client: client, appID: appID, appSecret: appSecret, log: log, m: m,
		alert: func(string, string) {}, changed: make(chan struct{})}
	envH := EnvHash(envAccess, envRefresh)
	err := db.Update(func(tx *store.Tx) error {
		p, ok, err := tx.Token()
		if err != nil {
			return err
		}
		switch {
		case ok && p.EnvHash == "" && envH != "":
			// A database from before fingerprints: its pair came from this environment, refreshed since.
			p.EnvHash = envH
			tm.cur = p
			return tx.SaveToken(p)
		case ok && (envH == "" || envH == p.EnvHash):
			tm.cur = p
			return nil
		case envH == "":
			tm.broken = "no Zalo token: set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN, run cdtbot token set, or authorise at /oauth/zalo/start"
			return nil
		}
		if ok {
			log.Warn().Msg("a new Zalo token pair in the environment replaces the stored one")
		}
		tm.cur = store.TokenPair{AccessToken: envAccess, RefreshToken: envRefresh, Source: "env", EnvHash: envH}
		return tx.SaveToken(tm.cur)
	})
	if err != nil {
		return nil, fmt.Errorf("bot.NewTokenManager: %w", err)
	}
	tm.gauge()
	if tm.broken != "" {
		log.Error().Str("reason", "zalo_auth").Msg(tm.broken)
	} else {
		log.Info().Str("source", tm.cur.Source).Time("expires_at", tm.cur.ExpiresAt).Msg("zalo token loaded")
	}
	return tm, nil
}

// Token returns a usable access token, renewing it first when it is about to expire.
func (m *TokenManager) Token(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.takeRevokedLocked()
	if m.broken != "" {
		if !m.mayTryLocked() {
			return "", fmt.Errorf("%w: %s", ErrNoToken, m.broken)
		}
		if err := m.refreshLocked(ctx); err != nil {
			return "", fmt.Errorf("%w: %s", ErrNoToken, m.broken)
		}
		return m.cur.AccessToken, nil
	}
	if (m.dueLocked() || m.cur.AccessToken == "") && m.mayTryLocked() {
		if err := m.refreshLocked(ctx); err != nil && m.cur.AccessToken == "" {
			return "", fmt.Errorf("%w: %v", ErrNoToken, err) // %v: a refused refresh must not read as a refused message
		}
		// On failure the old token may still work for a while; the next try waits for the backoff.
	}
	return m.cur.AccessToken, nil
}

// Invalidate is called when Zalo rejected stale (-216/-220). It refreshes
// unless another caller already replaced that token, and returns the new one.
// When the refresh fails no token is usable: sending stops until one is.
func (m *TokenManager) Invalidate(ctx context.Context, stale string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.takeRevokedLocked()
	if m.cur.AccessToken != stale && m.broken == "" {
		return m.cur.AccessToken, nil
	}
	if !m.mayTryLocked() {
		m.breakLocked("Zalo refused the access token and a refresh is not due yet")
		return "", fmt.Errorf("%w: %s", ErrNoToken, m.broken)
	}
	if err := m.refreshLocked(ctx); err != nil {
		m.breakLocked("Zalo refused the access token and the refresh failed: " + err.Error())
		return "", fmt.Errorf("%w: %s", ErrNoToken, m.broken)
	}
	return m.cur.AccessToken, nil
}

// RefreshIfDue renews the pair when it is near expiry; run periodically so
// the 3-month refresh token never lapses on a quiet account.
func (m *TokenManager) RefreshIfDue(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.takeRevokedLocked()
	if (!m.dueLocked() && m.broken == "") || !m.mayTryLocked() {
		return nil
	}
	return m.refreshLocked(ctx)
}

// Probe tries a refresh while no token is usable, once its backoff has passed.
func (m *TokenManager) Probe(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.takeRevokedLocked()
	if m.broken != "" && m.mayTryLocked() && m.cur.RefreshToken != "" {
		_ = m.refreshLocked(ctx)
	}
}

// Revoked records Zalo's word that the app's permission was revoked: no token works until a
// new pair. It takes no lock (it is called inside the handling transaction, while a refresh may
// hold the lock and wait for that transaction); the next token request takes it up.
func (m *TokenManager) Revoked() {
	why := "an OA admin revoked the app's permission (permission_revoked)"
	m.revoked.Store(true)
	m.problem.Store(&why)
	if m.m != nil {
		m.m.authOK.Set(0)
	}
	m.log.Error().Str("reason", "zalo_auth").Msg("app permission revoked: sending stops until an operator installs a pair")
}

// takeRevokedLocked turns a revocation noted by Revoked into the broken state.
func (m *TokenManager) takeRevokedLocked() {
	if m.revoked.CompareAndSwap(true, false) {
		m.broken = "an OA admin revoked the app's permission (permission_revoked)"
		m.nextTry = m.db.Now().Add(authRetryMin)
		m.gauge()
	}
}

// Usable tells whether a token exists that Zalo has not refused (never waits for a refresh in progress).
func (m *TokenManager) Usable() bool { return m.Problem() == "" }

// Problem is why no token is usable ("" when one is).
func (m *TokenManager) Problem() string {
	if p := m.problem.Load(); p != nil {
		return *p
	}
	return ""
}

// Changed is closed when a pair is installed or refreshed after trouble.
func (m *TokenManager) Changed() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.changed
}

// Current returns the pair in use (for status pages: callers must not log the tokens).
func (m *TokenManager) Current() store.TokenPair {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cur
}

// Install replaces the pair by one an operator brought (source "admin" or
// "oauth"), committed before use; sending resumes at once.
func (m *TokenManager) Install(access, refresh string, expiresIn time.Duration, source string) error {
	if access == "" || refresh == "" {
		return errors.New("bot.Install: both the access and the refresh token are needed")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	eh := m.cur.EnvHash
	if eh == "" {
		eh = NoEnvPair
	}
	next := store.TokenPair{AccessToken: access, RefreshToken: refresh, Source: source, EnvHash: eh}
	if expiresIn > 0 {
		next.ExpiresAt = m.db.Now().Add(expiresIn)
	}
	if err := m.db.Update(func(tx *store.Tx) error { return tx.SaveToken(next) }); err != nil {
		return fmt.Errorf("bot.Install: %w", err)
	}
	m.cur = next
	m.revoked.Store(false)
	m.repairedLocked()
	m.log.Info().Str("source", source).Msg("zalo token pair installed: sending resumes")
	return nil
}

func (m *TokenManager) dueLocked() bool {
	if m.cur.ExpiresAt.IsZero() {
		return false // unknown expiry (pair from the environment): renew when Zalo says so
	}
	return !m.db.Now().Before(m.cur.ExpiresAt.Add(-refreshMargin))
}

func (m *TokenManager) mayTryLocked() bool { return !m.db.Now().Before(m.nextTry) }

// breakLocked records that no token is usable and tells the operators.
func (m *TokenManager) breakLocked(why string) {
	first := m.broken == ""
	m.broken = why
	m.gauge()
	if first {
		m.log.Error().Str("reason", "zalo_auth").Msg("no usable Zalo token: sending stops until an operator installs a pair")
	}
	// Told outside the lock: the alert writes to the database, where a handler may be waiting for this lock.
	go m.alert("zalo_auth", fmt.Sprintf(textAlertAuth, why))
}

func (m *TokenManager) repairedLocked() {
	m.broken, m.failures, m.nextTry = "", 0, time.Time{}
	m.gauge()
	close(m.changed)
	m.changed = make(chan struct{})
}

// gauge publishes the state after every change: readiness and the metric read it without the lock.
func (m *TokenManager) gauge() {
	why := m.broken
	m.problem.Store(&why)
	if m.m == nil {
		return
	}
	if m.broken == "" {
		m.m.authOK.Set(1)
	} else {
		m.m.authOK.Set(0)
	}
}

func (m *TokenManager) refreshLocked(ctx context.Context) error {
	if m.cur.RefreshToken == "" {
		m.breakLocked("no refresh token: install a new pair")
		return errors.New("bot.refreshToken: no refresh token")
	}
	pair, err := m.client.RefreshToken(ctx, m.appID, m.appSecret, m.cur.RefreshToken)
	if err != nil {
		m.failures++
		wait := authRetryMin << min(m.failures-1, 10)
		m.nextTry = m.db.Now().Add(min(wait, authRetryMax))
		var oe *zalo.OAuthError
		ev := m.log.Error().Err(err).Int("code", zalo.ErrorCode(err)).Time("next_try", m.nextTry).Int("failures", m.failures)
		if errors.As(err, &oe) {
			// Zalo refused the refresh token itself: only a new pair helps.
			m.count("refused")
			ev.Str("error_name", oe.Name).Msg("zalo refused the refresh token: an OA admin must authorise again")
			m.breakLocked(fmt.Sprintf("Zalo refused the refresh token (error %d %s)", oe.Code, oe.Name))
		} else {
			m.count("error")
			ev.Msg("zalo token refresh failed")
		}
		return fmt.Errorf("bot.refreshToken: %w", err)
	}
	m.count("ok")
	next := store.TokenPair{AccessToken: pair.AccessToken, RefreshToken: pair.RefreshToken, Source: "refresh", EnvHash: m.cur.EnvHash}
	if pair.ExpiresIn > 0 {
		next.ExpiresAt = m.db.Now().Add(pair.ExpiresIn)
	}
	// The old refresh token is dead now: the new pair must be on disk before use.
	// If this write fails, keep it in memory (it is the only copy) and retry the write next time.
	if err := m.db.Update(func(tx *store.Tx) error { return tx.SaveToken(next) }); err != nil {
		m.cur = next
		m.cur.ExpiresAt = m.db.Now() // forces another save attempt via refresh soon
		return fmt.Errorf("bot.refreshToken: save new pair: %w", err)
	}
	m.cur = next
	if m.broken != "" {
		m.repairedLocked()
	}
	m.failures, m.nextTry = 0, time.Time{}
	m.log.Info().Time("expires_at", next.ExpiresAt).Msg("zalo token refreshed")
	return nil
}

func (m *TokenManager) count(result string) {
	if m.m != nil {
		m.m.tokenRefreshes.WithLabelValues(result).Inc()
	}
}
