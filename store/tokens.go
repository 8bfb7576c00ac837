package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// TokenPair is the OA's current OAuth pair. The refresh token is single-use,
// so a new pair must be committed here before anything uses it.
type TokenPair struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresAt    time.Time `json:"expires_at,omitempty"` // zero when unknown (a pair from the environment)
	UpdatedAt    time.Time `json:"updated_at"`
	Source       string    `json:"source"` // "env", "refresh", "admin" (cdtbot token set) or "oauth" (browser authorisation)
	// EnvHash fingerprints the last pair taken from the environment: a different pair there wins at start.
	EnvHash string `json:"env_hash,omitempty"`
}

var tokenKey = []byte("zalo")

// Token returns the stored pair, if any.
func (tx *Tx) Token() (TokenPair, bool, error) {
	v := tx.btx.Bucket(bucketTokens).Get(tokenKey)
	if v == nil {
		return TokenPair{}, false, nil
	}
	var p TokenPair
	if err := json.Unmarshal(v, &p); err != nil {
		return TokenPair{}, false, fmt.Errorf("store.Token: %w", err)
	}
	return p, true, nil
}

// SaveToken replaces the stored pair.
func (tx *Tx) SaveToken(p TokenPair) error {
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = tx.now
	}
	js, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.btx.Bucket(bucketTokens).Put(tokenKey, js)
}
