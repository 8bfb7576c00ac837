package bot

import (
	"net/http"
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
	api.GET("/status", b.admin.Status)
	api.GET("/backup", b.admin.Backup)
	api.GET("/messages", b.admin.Messages)
	api.GET("/outbox/plan", b.outboxPlan)
	api.POST("/remind", b.admin.Remind)
	api.GET("/zalo/token", b.tokenStatus)
	api.PUT("/zalo/token", b.putToken)
	api.POST("/zalo/authorize", b.oauthLink)
	// bot/admin: the directory: units, teams, roles, approvers, officers, requests, reports, audit, import.
	api.POST("/import", b.admin.Import)
	api.GET("/units", b.admin.ListUnits)
	api.GET("/units/:code", b.admin.GetUnit)
	api.PUT("/units/:code/group", b.admin.PutUnitGroup)
	api.GET("/teams", b.admin.ListTeams)
	api.GET("/teams/:code", b.admin.GetTeam)
	api.GET("/teams/:code/reports", b.admin.TeamReports)
	api.PUT("/teams/:code/group", b.admin.PutTeamGroup)
	api.PUT("/teams/:code/roles/:zalo_id", b.admin.PutRole)
	api.DELETE("/teams/:code/roles/:zalo_id", b.admin.DeleteRole)
	api.PUT("/approvers/:unit", b.admin.PutApprover)
	api.DELETE("/approvers/:unit", b.admin.DeleteApprover)
	api.GET("/officers", b.admin.ListOfficers)
	api.PUT("/officers/:id", b.admin.PutOfficer)
	api.DELETE("/officers/:id", b.admin.DeleteOfficer)
	api.GET("/requests", b.admin.ListRequests)
	api.POST("/requests/:id/decision", b.admin.DecideRequest)
	api.GET("/reports", b.admin.PeriodReports)
	api.GET("/audit", b.admin.AuditLog)
	// bot/admin: statistics and exports.
	api.GET("/stats", b.admin.Stats)
	api.GET("/storage", b.admin.Storage)
	api.GET("/exports/report.csv", b.admin.ExportCSV)
	api.GET("/exports/report.xlsx", b.admin.ExportXLSX)
	// bot/admin: personal-data access and erasure (Law 91/2025/QH15), for requests made in writing.
	api.GET("/people/:zalo_id", b.admin.PersonData)
	api.POST("/people/:zalo_id/forget", b.admin.ForgetPerson)
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
