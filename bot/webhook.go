package bot

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// staleAfter: an event older than this is a replay, not a retry (Zalo retries for
// at most 12 hours), and its dedupe key may already be pruned, so it is ignored.
const staleAfter = 6 * 24 * time.Hour

// okBody is the fixed answer to Zalo (a constant: rendering it per request showed in profiles).
var okBody = []byte(`{"ok":true}`)

// hasEventName tells whether a body is a JSON object naming an event.
func hasEventName(body []byte) bool {
	var probe struct {
		EventName string `json:"event_name"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.EventName != ""
}

// webhook stores a Zalo event durably, then answers 200; handling comes after.
func (b *Bot) webhook(c *gin.Context) {
	start := time.Now()
	log := web.Log(c)
	reject := func(status int, reason, detail string) {
		b.m.eventsRejected.WithLabelValues(reason).Inc()
		log.Warn().Int("status", status).Str("reason", reason).Str("detail", detail).Msg("webhook rejected")
		c.AbortWithStatusJSON(status, gin.H{"error": reason})
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, zalo.MaxEventSize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			reject(http.StatusRequestEntityTooLarge, "too_large", "body over 64 KiB")
			return
		}
		reject(http.StatusBadRequest, "read_error", err.Error())
		return
	}
	sig := c.GetHeader(zalo.SignatureHeader)
	if !b.cfg.Sandbox && sig == "" {
		// Zalo's console checks a webhook URL with an unsigned POST ({} or a sample event) before saving it.
		if !hasEventName(body) || b.cfg.AckUnsignedEvents {
			b.m.eventsRejected.WithLabelValues("unsigned_probe").Inc()
			log.Info().Int("bytes", len(body)).Bool("event_name", hasEventName(body)).Msg("unsigned webhook (a console URL check?): answered 200, nothing stored")
			c.Data(http.StatusOK, "application/json", okBody)
			return
		}
		reject(http.StatusUnauthorized, "missing_signature", "no "+zalo.SignatureHeader+" header")
		return
	}
	ev, err := zalo.Parse(body)
	if err != nil {
		reject(http.StatusBadRequest, "malformed", err.Error())
		return
	}
	// In sandbox mode a signature is optional, but one that is sent must still be right when a key is set.
	if (!b.cfg.Sandbox || sig != "") && b.cfg.OASecret != "" {
		if !zalo.VerifySignature(sig, ev.AppID, body, ev.TimestampRaw, b.cfg.OASecret) {
			reject(http.StatusUnauthorized, "bad_signature", "mac mismatch for app_id "+ev.AppID)
			return
		}
	} else if !b.cfg.Sandbox {
		reject(http.StatusUnauthorized, "bad_signature", "no OA secret key configured")
		return
	}
	evLog := log.With().Str("event", ev.Name).Str("user", ev.UserID).Logger()
	log = &evLog
	if !ev.Known {
		b.m.eventsRejected.WithLabelValues("unknown_event").Inc()
		log.Info().Msg("unknown event: acknowledged and ignored")
		c.Data(http.StatusOK, "application/json", okBody)
		return
	}
	now := b.db.Now()
	if !ev.Timestamp.IsZero() && now.Sub(ev.Timestamp) > staleAfter {
		b.m.eventsRejected.WithLabelValues("stale").Inc()
		log.Warn().Time("event_time", ev.Timestamp).Msg("event older than 6 days: replay ignored")
		c.Data(http.StatusOK, "application/json", okBody)
		return
	}
	key := ev.DedupeKey()
	b.parsed.put(key, ev) // before it is stored: the handling may take it at once
	res, err := b.db.AppendEvent(c.Request.Context(), store.Event{
		Key: key, Partition: ev.PartitionKey(), Name: ev.Name, Stamp: max(ev.TimestampMillis, 0),
		RequestID: web.RequestID(c), ReceivedAt: now, Body: body,
	})
	if errors.Is(err, store.ErrBadEvent) {
		// Nothing Zalo sends has such a key: refused, not to be delivered again.
		b.m.eventsRejected.WithLabelValues("bad_event").Inc()
		log.Warn().Err(err).Msg("webhook: event refused")
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "bad_event"})
		return
	}
	if err != nil {
		// Not stored: a 5xx makes Zalo deliver it again.
		b.m.eventsRejected.WithLabelValues("store_error").Inc()
		b.storageFailed()
		log.Error().Err(err).Msg("webhook: event not stored")
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": "store_unavailable"})
		return
	}
	if res.Duplicate {
		b.m.eventsDuplicate.Inc()
		log.Info().Uint64("seq", res.Seq).Msg("duplicate event: acknowledged, not handled again")
	} else {
		b.m.eventsReceived.WithLabelValues(ev.Name).Inc()
		log.Debug().Uint64("seq", res.Seq).Msg("event stored")
	}
	b.m.ackSeconds.Observe(time.Since(start).Seconds())
	c.Data(http.StatusOK, "application/json", okBody)
}
