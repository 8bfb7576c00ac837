package officer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/bot/signed"
	"github.com/cdtbot/cdtbot/store"
)

// Link lifetimes.
const (
	// DefaultLinkTTL is how long a link stays valid when no ttl is given (ttl 0).
	DefaultLinkTTL = 24 * time.Hour
	// MaxLinkTTL bounds any link: the page shows names and phone numbers.
	MaxLinkTTL = 31 * 24 * time.Hour
	// adminPageLinkTTL signs the period selector and download links of the admin page,
	// which a browser cannot follow with the admin token.
	adminPageLinkTTL = 2 * time.Hour
)

// linkKind: o2 carries the officer's link generation; o1 links (before it) are refused.
var linkKind = signed.Kind{Version: "o2", Label: "cdtbot officer page link v1"}

// Links makes and checks the signed links to officer pages. A link is
// "o2.<officer id, base64url>.<expiry, Unix seconds>.<officer's link generation>.<HMAC-SHA256, base64url>"
// signed with a key derived from a random secret kept in the database, so links
// survive restarts and no setting is needed. A tampered link is 403, an expired
// one 410 Gone (the officer asks the bot for a new one); a link names the
// officer, not the scope, so a changed scope or a removed officer takes effect
// at once. Links holds only the public address: the secret is read in the
// caller's transaction.
type Links struct {
	publicURL string
}

// NewLinks makes links under publicURL (CDTBOT_PUBLIC_URL), e.g. https://cdtbot.example.vn.
func NewLinks(publicURL string) *Links {
	return &Links{publicURL: strings.TrimRight(publicURL, "/")}
}

// PageLink is the address of officerID's page, valid for ttl (0: DefaultLinkTTL, at most
// MaxLinkTTL): the public URL + "/o/" + a signed token. An unknown officer is an error wrapping
// store.ErrNotFound. It runs inside tx, which must be writable: the first link makes the secret
// (the chat asks for a link while handling an event, and bbolt must not open a second
// transaction in the same goroutine).
func (l *Links) PageLink(tx *store.Tx, officerID string, ttl time.Duration) (string, error) {
	if l.publicURL == "" {
		return "", errors.New("officer.PageLink: the public URL is not configured")
	}
	token, _, err := l.sign(tx, officerID, ttl)
	if err != nil {
		return "", err
	}
	return l.publicURL + "/o/" + token, nil
}

// sign makes the token of a link to officerID's page and says when it expires.
func (l *Links) sign(tx *store.Tx, officerID string, ttl time.Duration) (string, time.Time, error) {
	const op = "officer.PageLink"
	if ttl == 0 {
		ttl = DefaultLinkTTL
	}
	if ttl < time.Second || ttl > MaxLinkTTL {
		return "", time.Time{}, fmt.Errorf("%s: ttl %v: want 1s to %v", op, ttl, MaxLinkTTL)
	}
	_, found, err := tx.Officer(officerID)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%s: %w", op, err)
	}
	if !found {
		return "", time.Time{}, fmt.Errorf("%s: officer %q: %w", op, officerID, store.ErrNotFound)
	}
	exp := time.Unix(tx.Now().Add(ttl).Unix(), 0)
	token, err := linkKind.Sign(tx, signed.Field(officerID), strconv.FormatInt(exp.Unix(), 10), strconv.FormatUint(tx.OfficerGeneration(officerID), 10))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%s: %w", op, err)
	}
	return token, exp, nil
}

// Why a link is refused.
var (
	errLinkInvalid = errors.New("officer link: malformed or bad signature")
	errLinkExpired = errors.New("officer link: expired")
)

// check verifies a token's signature, then its expiry, and returns the officer id it names.
// It never writes: before the first link is made there is no key and every token is refused.
func (l *Links) check(tx *store.Tx, token string) (string, time.Time, error) {
	fields, err := linkKind.Verify(tx, token, 3)
	if errors.Is(err, signed.ErrInvalid) {
		return "", time.Time{}, errLinkInvalid
	} else if err != nil {
		return "", time.Time{}, err
	}
	id, err1 := signed.Unfield(fields[0])
	secs, err2 := strconv.ParseInt(fields[1], 10, 64)
	gen, err3 := strconv.ParseUint(fields[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return "", time.Time{}, errLinkInvalid // signed by us, so cannot happen
	}
	if gen != tx.OfficerGeneration(string(id)) {
		return "", time.Time{}, errLinkInvalid // the officer was removed since: the link died with them
	}
	exp := time.Unix(secs, 0)
	if !tx.Now().Before(exp) {
		return string(id), exp, errLinkExpired
	}
	return string(id), exp, nil
}
