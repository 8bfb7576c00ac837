// Package web is what cdtbot's HTTP audiences share (the Zalo webhook, the admin API, the
// officer page, the sandbox chat): the id and logger each request carries, recovery from
// panics, the admin token check, and the one error type whose message is safe to show.
package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/rs/zerolog"
)

// requestIDs: a random per-process prefix and a counter are unique and cheap.
var (
	ridPrefix  = newRIDPrefix()
	ridCounter atomic.Uint64
	ridPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

func newRIDPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

const (
	ctxLogger = "cdtbot.log"
	ctxRID    = "cdtbot.rid"
)

// RequestContext gives every request an id (X-Request-Id when sane) and a logger carrying it.
func RequestContext(log zerolog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		rid := c.GetHeader("X-Request-Id")
		if !ridPattern.MatchString(rid) {
			rid = fmt.Sprintf("%s-%d", ridPrefix, ridCounter.Add(1))
		}
		c.Header("X-Request-Id", rid)
		c.Set(ctxRID, rid)
		l := log.With().Str("rid", rid).Logger()
		c.Set(ctxLogger, &l)
		start := time.Now()
		c.Next()
		if c.Request.URL.Path != "/webhook/zalo" || c.Writer.Status() != http.StatusOK {
			l.Debug().Str("method", c.Request.Method).Str("path", LoggedPath(c.Request.URL.Path)).Int("status", c.Writer.Status()).Dur("took", time.Since(start)).Msg("http")
		}
	}
}

// LoggedPath is a request path as logs may show it: the token of a signed link (an officer page
// under /o/, a report form under /f/) is a credential.
func LoggedPath(p string) string {
	for _, prefix := range []string{"/o/", "/f/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				return prefix + "…" + rest[i:]
			}
			return prefix + "…"
		}
	}
	return p
}

// Recovery turns a panic in a handler into a logged 500.
func Recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				Log(c).Error().Interface("panic", r).Str("path", LoggedPath(c.Request.URL.Path)).Msg("panic in handler")
				Fail(c, nil)
			}
		}()
		c.Next()
	}
}

var nopLog = zerolog.Nop()

// Log is the request's logger (RequestContext), or one that writes nothing.
func Log(c *gin.Context) *zerolog.Logger {
	if v, ok := c.Get(ctxLogger); ok {
		return v.(*zerolog.Logger)
	}
	return &nopLog
}

// RequestID is the request's id (RequestContext).
func RequestID(c *gin.Context) string { return c.GetString(ctxRID) }

// AdminAuth guards the admin API with the admin token (constant-time compare); without a token it is closed.
func AdminAuth(token string) gin.HandlerFunc {
	want := []byte("Bearer " + token)
	return func(c *gin.Context) {
		if token == "" {
			Fail(c, Errorf(http.StatusUnauthorized, "admin_disabled", "admin API disabled: set CDTBOT_ADMIN_TOKEN"))
			return
		}
		got := []byte(strings.TrimSpace(c.GetHeader("Authorization")))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			Log(c).Warn().Str("path", LoggedPath(c.Request.URL.Path)).Msg("admin API: bad or missing token")
			Fail(c, Errorf(http.StatusUnauthorized, "unauthorized", "missing or wrong bearer token"))
			return
		}
		c.Next()
	}
}

// actorHeader names who made a change in the audit log (default "admin").
const actorHeader = "X-Admin-Actor"

// Actor is who the audit log names: the X-Admin-Actor header, cleaned, or "admin".
func Actor(c *gin.Context) string {
	s := strings.ToValidUTF8(c.GetHeader(actorHeader), "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 64 {
		s = string([]rune(s)[:64])
	}
	if s == "" {
		return "admin"
	}
	return s
}
