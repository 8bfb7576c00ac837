// Package signed makes and checks the signed tokens of cdtbot's links (the officer page, the
// report form): "<version>.<field>….<HMAC-SHA256, base64url>", keyed by a random secret kept in
// the database (so links survive restarts and travel with a backup, and no setting is needed) and
// a label per kind of link (so one kind's token never opens another).
package signed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/cdtbot/cdtbot/store"
)

// The database secret every kind of link derives its key from.
const (
	secretName = "officer-link" // its first user's name, kept: links made before this package still check
	secretSize = 32
	maxToken   = 600
)

// ErrInvalid means a token is malformed, of another kind, or not signed by this database.
var ErrInvalid = errors.New("signed link: malformed or bad signature")

// Kind is one kind of link: the token's version and the label its key is derived with.
type Kind struct {
	Version string // first part of the token, e.g. "o2"
	Label   string // e.g. "cdtbot officer page link v1"
}

// Sign makes the token of fields (none may contain "."; encode free text with Field). It runs in
// a writable tx: the first token made creates the secret.
func (k Kind) Sign(tx *store.Tx, fields ...string) (string, error) {
	secret, err := tx.Secret(secretName, secretSize)
	if err != nil {
		return "", err
	}
	body := k.Version + "." + strings.Join(fields, ".")
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(mac(secret, k.Label), body)), nil
}

// Verify checks a token of this kind carrying n fields and returns them. It never writes: before
// the first token is made there is no secret and every token is refused.
func (k Kind) Verify(tx *store.Tx, token string, n int) ([]string, error) {
	parts := strings.Split(token, ".")
	if len(token) > maxToken || len(parts) != n+2 || parts[0] != k.Version {
		return nil, ErrInvalid
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[n+1])
	if err != nil {
		return nil, ErrInvalid
	}
	secret, err := tx.ExistingSecret(secretName, secretSize)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalid // no link was ever made here
	} else if err != nil {
		return nil, err
	}
	if !hmac.Equal(sig, mac(mac(secret, k.Label), strings.Join(parts[:n+1], "."))) {
		return nil, ErrInvalid
	}
	return parts[1 : n+1], nil
}

// Field encodes free text (ids, codes) as a token field.
func Field(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// Unfield decodes a Field.
func Unfield(f string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(f)
	if err != nil {
		return "", ErrInvalid
	}
	return string(b), nil
}

func mac(key []byte, body string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(body))
	return m.Sum(nil)
}
