package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// refreshMargin is how long before expiry the access token is renewed.
const refreshMargin = time.Hour

// TokenManager hands out the OA access token and renews it through OAuth v4.
// Zalo's refresh tokens are single-use, so one refresh runs at a time and the
// new pair is committed to the database before anyone uses it.
type TokenManager struct {
	db        *store.DB
	client    *zalo.Client
	appID     string
	appSecret string
	log       zerolog.Logger

	mu  sync.Mutex
	cur store.TokenPair
}

// NewTokenManager loads the stored pair; the environment's pair is used only
// when the database has none (later pairs live in the database and win).
func NewTokenManager(db *store.DB, client *zalo.Client, appID, appSecret, envAccess, envRefresh string, log zerolog.Logger) (*TokenManager, error) {
	m := &TokenManager{db: db, client: client, appID: appID, appSecret: appSecret, log: log}
	err := db.Update(func(tx *store.Tx) error {
		p, ok, err := tx.Token()
		if err != nil {
			return err
		}
		if ok {
			m.cur = p
			return nil
		}
		if envAccess == "" && envRefresh == "" {
			return errors.New("no Zalo token: set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN")
		}
		m.cur = store.TokenPair{AccessToken: envAccess, RefreshToken: envRefresh, Source: "env"}
		return tx.SaveToken(m.cur)
	})
	if err != nil {
		return nil, fmt.Errorf("bot.NewTokenManager: %w", err)
	}
	log.Info().Str("source", m.cur.Source).Time("expires_at", m.cur.ExpiresAt).Msg("zalo token loaded")
	return m, nil
}

// Token returns a usable access token, renewing it first when it is about to expire.
func (m *TokenManager) Token(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dueLocked() || m.cur.AccessToken == "" {
		if err := m.refreshLocked(ctx); err != nil && m.cur.AccessToken == "" {
			return "", err
		} else if err != nil {
			// The old token may still work for a while; the next call tries again.
			m.log.Error().Err(err).Msg("zalo token refresh failed; using the current token")
		}
	}
	return m.cur.AccessToken, nil
}

// Invalidate is called when Zalo rejected stale (-216/-220). It refreshes
// unless another caller already replaced that token, and returns the new one.
func (m *TokenManager) Invalidate(ctx context.Context, stale string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur.AccessToken != stale {
		return m.cur.AccessToken, nil
	}
	if err := m.refreshLocked(ctx); err != nil {
		return "", err
	}
	return m.cur.AccessToken, nil
}

// RefreshIfDue renews the pair when it is near expiry; run periodically so
// the 3-month refresh token never lapses on a quiet account.
func (m *TokenManager) RefreshIfDue(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dueLocked() {
		return nil
	}
	return m.refreshLocked(ctx)
}

func (m *TokenManager) dueLocked() bool {
	if m.cur.ExpiresAt.IsZero() {
		return false // unknown expiry (pair from the environment): renew when Zalo says so
	}
	return !m.db.Now().Before(m.cur.ExpiresAt.Add(-refreshMargin))
}

func (m *TokenManager) refreshLocked(ctx context.Context) error {
	if m.cur.RefreshToken == "" {
		return errors.New("bot.refreshToken: no refresh token")
	}
	pair, err := m.client.RefreshToken(ctx, m.appID, m.appSecret, m.cur.RefreshToken)
	if err != nil {
		return fmt.Errorf("bot.refreshToken: %w", err)
	}
	next := store.TokenPair{AccessToken: pair.AccessToken, RefreshToken: pair.RefreshToken, Source: "refresh"}
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
	m.log.Info().Time("expires_at", next.ExpiresAt).Msg("zalo token refreshed")
	return nil
}
