package bot

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/store"
)

// readyz says whether the bot takes work, and if not, what an operator must look at.
func (b *Bot) readyz(c *gin.Context) {
	if !b.ready.Load() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready"})
		return
	}
	if b.tokens != nil && !b.tokens.Usable() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "zalo_auth", "detail": b.tokens.Problem()})
		return
	}
	if at := b.storageFailedAt.Load(); at != 0 && b.db.Now().Sub(time.Unix(0, at)) < time.Minute {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "storage", "detail": "writes to the database failed in the last minute (disk full?)"})
		return
	}
	if since, err := b.inboxCopyError(); err != nil && time.Since(since) > inboxCopyGrace {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "inbox_copy",
			"detail": "acknowledged events cannot be copied into the database since " + since.UTC().Format(time.RFC3339) + " (they wait in the inbox log): " + err.Error()})
		return
	}
	var oldest time.Time
	_ = b.db.View(func(tx *store.Tx) error { oldest = tx.OldestSendableReply(b.db.Now()); return nil })
	if !oldest.IsZero() && b.db.Now().Sub(oldest) > stuckReplies {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "outbox_stuck", "detail": "a reply has waited to be sent since " + oldest.Format(time.RFC3339)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "sandbox": b.cfg.Sandbox})
}

// inboxCopyGrace is how long the inbox log's copy may fail before readiness says so (it retries
// every 100 ms: a moment's trouble passes unseen).
const inboxCopyGrace = 5 * time.Second

// stuckReplies is how long a sendable reply may wait before readiness says the outbox is stuck.
const stuckReplies = 10 * time.Minute

// storageFailed notes a failed write (readiness reports it for a minute).
func (b *Bot) storageFailed() { b.storageFailedAt.Store(b.db.Now().UnixNano()) }
