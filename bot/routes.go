package bot

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cdtbot/cdtbot/bot/devchat"
	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/store"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// routes lists every HTTP route in one place.
func (b *Bot) routes() http.Handler {
	r := gin.New()
	r.Use(web.RequestContext(b.log), web.Recovery())
	r.POST("/webhook/zalo", b.webhook)
	r.GET("/webhook/zalo", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", okBody) }) // Zalo's console checks the URL
	r.GET(logoPath, serveLogo)
	r.GET("/oauth/zalo/start", b.oauthStart)
	r.GET("/oauth/zalo/callback", b.oauthCallback)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", b.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(b.m.reg, promhttp.HandlerOpts{})))
	api := r.Group("/api/v1", web.AdminAuth(b.cfg.AdminToken))
	api.GET("/status", b.status)
	api.GET("/backup", b.backup)
	api.GET("/messages", b.messages)
	api.GET("/outbox/plan", b.outboxPlan)
	api.POST("/remind", b.remind)
	api.GET("/zalo/token", b.tokenStatus)
	api.PUT("/zalo/token", b.putToken)
	api.POST("/zalo/authorize", b.oauthLink)
	b.directoryRoutes(api) // bot/admin_directory.go: units, teams, roles, officers, requests, reports, audit, import
	b.statsRoutes(api)     // bot/admin_stats.go: statistics and exports
	b.privacyRoutes(api)   // bot/admin_privacy.go: personal-data access and erasure
	// bot/officer: the officer web page by signed link, or to an admin.
	r.GET("/o/:token", b.officer.LinkPage)
	r.GET("/o/:token/export.csv", b.officer.LinkCSV)
	r.GET("/o/:token/export.xlsx", b.officer.LinkXLSX)
	r.GET("/officer/:id", web.AdminAuth(b.cfg.AdminToken), b.officer.AdminPage)
	api.POST("/officers/:id/link", b.officer.IssueLink)
	if d := b.dev; d != nil { // bot/devchat: the web chat simulator, sandbox only
		r.GET("/dev", d.Home)
		r.GET("/dev/chat", d.Page)
		r.GET("/dev/chat/:file", d.Asset)
		dev := r.Group("/dev/api", devchat.NotCrossSite)
		dev.GET("/config", d.Settings)
		dev.GET("/people", d.People)
		dev.GET("/messages", d.Messages)
		dev.POST("/remind", d.Remind)
		dev.POST("/sign", d.Sign)
	}
	r.NoRoute(func(c *gin.Context) { web.Fail(c, web.Errorf(http.StatusNotFound, "not_found", "no such route")) })
	return r
}

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
	var oldest time.Time
	_ = b.db.View(func(tx *store.Tx) error { oldest = tx.OldestSendableReply(b.db.Now()); return nil })
	if !oldest.IsZero() && b.db.Now().Sub(oldest) > stuckReplies {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": "outbox_stuck", "detail": "a reply has waited to be sent since " + oldest.Format(time.RFC3339)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "sandbox": b.cfg.Sandbox})
}

// stuckReplies is how long a sendable reply may wait before readiness says the outbox is stuck.
const stuckReplies = 10 * time.Minute

// storageFailed notes a failed write (readiness reports it for a minute).
func (b *Bot) storageFailed() { b.storageFailedAt.Store(b.db.Now().UnixNano()) }

// status is a quick look at the queues.
func (b *Bot) status(c *gin.Context) {
	var pending, reply, bulk, dead int
	_ = b.db.View(func(tx *store.Tx) error {
		pending = tx.PendingCount()
		reply, bulk = tx.OutboxDepth()
		dead = len(tx.DeadEvents())
		return nil
	})
	c.JSON(http.StatusOK, gin.H{"sandbox": b.cfg.Sandbox, "inbox_pending": pending, "outbox_reply": reply, "outbox_bulk": bulk, "dead_events": dead})
}

// backup streams a consistent copy of the database while it stays in use. The
// length is announced first, so a copy cut short by an error is seen as truncated.
func (b *Bot) backup(c *gin.Context) {
	n, err := b.db.StreamBackup(func(size int64) io.Writer {
		c.Header("Content-Type", "application/octet-stream")
		c.Header("Content-Disposition", `attachment; filename="cdtbot.db"`)
		c.Header("Content-Length", strconv.FormatInt(size, 10))
		c.Status(http.StatusOK)
		return c.Writer
	})
	if err != nil {
		web.Log(c).Error().Err(err).Int64("bytes", n).Msg("backup failed mid-stream")
		return
	}
	web.Log(c).Info().Int64("bytes", n).Msg("backup streamed")
}

// messages lists settled outgoing messages in the order they were settled, after ?after= (a log_seq):
// the sandbox's "sent" view, safe to poll.
func (b *Bot) messages(c *gin.Context) {
	var after uint64
	if s := c.Query("after"); s != "" {
		if _, err := fmt.Sscan(s, &after); err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_after", "after must be a number"))
			return
		}
	}
	var out []store.Outcome
	if err := b.db.View(func(tx *store.Tx) error {
		var err error
		out, err = tx.SentLog(after, 500)
		return err
	}); err != nil {
		web.Fail(c, web.Errorf(http.StatusInternalServerError, "internal", "internal error"))
		return
	}
	if out == nil {
		out = []store.Outcome{}
	}
	c.JSON(http.StatusOK, gin.H{"messages": out})
}

// remindSlack is how far from now a real reminder run may be dated without --force.
const remindSlack = 10 * time.Minute

// CheckRemindInstant refuses a real sweep dated far from now: a future instant would send
// overdue notices before the deadline and use up the ledger; a past one mixes countdowns with
// reports filed since. A dry run may look at any instant.
func CheckRemindInstant(at, now time.Time, dryRun, force bool) error {
	if dryRun || force {
		return nil
	}
	if d := at.Sub(now); d > remindSlack || d < -remindSlack {
		return fmt.Errorf("the instant %s is %s from now: a real run must be within 10 minutes of now (use --dry-run to look, or --force)",
			at.Format(time.RFC3339), d.Round(time.Minute).Abs())
	}
	return nil
}

// remind runs the reminder sweep now or as of ?at=RFC3339, optionally as a dry run (?dry_run=1).
func (b *Bot) remind(c *gin.Context) {
	if b.cfg.Remind == nil {
		web.Fail(c, web.Errorf(http.StatusNotImplemented, "no_reminders", "reminders are not configured"))
		return
	}
	at := b.db.Now()
	if s := c.Query("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_at", "at must be an RFC 3339 instant, e.g. 2026-11-27T08:00:00+07:00"))
			return
		}
		at = t
	}
	dry := c.Query("dry_run") == "1" || c.Query("dry_run") == "true"
	force := c.Query("force") == "1" || c.Query("force") == "true"
	if err := CheckRemindInstant(at, b.db.Now(), dry, force); err != nil {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "far_instant", "%v", err))
		return
	}
	lines, err := b.cfg.Remind(at, dry)
	if err != nil {
		web.Fail(c, fmt.Errorf("remind: %w", err))
		return
	}
	if lines == nil {
		lines = []string{}
	}
	web.Log(c).Info().Time("at", at).Bool("dry_run", dry).Int("messages", len(lines)).Msg("reminder sweep via admin API")
	c.JSON(http.StatusOK, gin.H{"at": at.Format(time.RFC3339), "dry_run": dry, "messages": lines})
}
