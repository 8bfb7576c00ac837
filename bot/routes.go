package bot

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cdtbot/cdtbot/bot/admin"
	"github.com/cdtbot/cdtbot/bot/devchat"
	"github.com/cdtbot/cdtbot/bot/form"
	"github.com/cdtbot/cdtbot/bot/officer"
	"github.com/cdtbot/cdtbot/bot/web"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// routes lists every HTTP route, for every audience: Zalo and the probes (b), the admin API (a,
// behind the admin token), officers (o, by signed link), leaders' report forms (f, by signed link)
// and, in sandbox mode only, the web chat simulator (d, nil otherwise).
func routes(b *Bot, a *admin.API, o *officer.Pages, f *form.Forms, d *devchat.Chat, adminToken string) http.Handler {
	r := gin.New()
	r.Use(web.RequestContext(b.log), web.Recovery())
	adminOnly := web.AdminAuth(adminToken)

	// Zalo, the operator's OAuth round trip, and the probes.
	r.POST("/webhook/zalo", b.webhook)
	r.GET("/webhook/zalo", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", okBody) }) // Zalo's console checks the URL
	r.GET(logoPath, serveLogo)
	r.GET("/oauth/zalo/start", b.oauthStart)
	r.GET("/oauth/zalo/callback", b.oauthCallback)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", b.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(b.m.reg, promhttp.HandlerOpts{})))

	api := r.Group("/api/v1", adminOnly)
	// The Zalo side as an operator sees it: tokens, authorisation, what waiting messages would cost.
	api.GET("/zalo/token", b.tokenStatus)
	api.PUT("/zalo/token", b.putToken)
	api.POST("/zalo/authorize", b.oauthLink)
	api.GET("/outbox/plan", b.outboxPlan)
	// Operations.
	api.GET("/status", a.Status)
	api.GET("/backup", a.Backup)
	api.GET("/messages", a.Messages)
	api.POST("/remind", a.Remind)
	api.GET("/storage", a.Storage)
	// The directory: units, teams, roles, approvers, officers, requests, reports, audit, import.
	api.POST("/import", a.Import)
	api.GET("/units", a.ListUnits)
	api.GET("/units/:code", a.GetUnit)
	api.PUT("/units/:code/group", a.PutUnitGroup)
	api.GET("/teams", a.ListTeams)
	api.GET("/teams/:code", a.GetTeam)
	api.GET("/teams/:code/reports", a.TeamReports)
	api.PUT("/teams/:code/group", a.PutTeamGroup)
	api.PUT("/teams/:code/roles/:zalo_id", a.PutRole)
	api.DELETE("/teams/:code/roles/:zalo_id", a.DeleteRole)
	api.PUT("/approvers/:unit", a.PutApprover)
	api.DELETE("/approvers/:unit", a.DeleteApprover)
	api.GET("/officers", a.ListOfficers)
	api.PUT("/officers/:id", a.PutOfficer)
	api.DELETE("/officers/:id", a.DeleteOfficer)
	api.POST("/officers/:id/link", o.IssueLink)
	api.GET("/requests", a.ListRequests)
	api.POST("/requests/:id/decision", a.DecideRequest)
	api.GET("/reports", a.PeriodReports)
	api.GET("/audit", a.AuditLog)
	// Statistics and exports.
	api.GET("/stats", a.Stats)
	api.GET("/exports/report.csv", a.ExportCSV)
	api.GET("/exports/report.xlsx", a.ExportXLSX)
	// Personal-data access and erasure (Law 91/2025/QH15), for requests made in writing.
	api.GET("/people/:zalo_id", a.PersonData)
	api.POST("/people/:zalo_id/forget", a.ForgetPerson)

	// The officer page: by signed link, or to an admin.
	r.GET("/o/:token", o.LinkPage)
	r.GET("/o/:token/export.csv", o.LinkCSV)
	r.GET("/o/:token/export.xlsx", o.LinkXLSX)
	r.GET("/officer/:id", adminOnly, o.AdminPage)

	// The monthly report as one web form: by signed link, given to a leader or deputy by chat.
	r.GET("/f/:token", f.Page)
	r.POST("/f/:token", f.Submit)

	if d != nil { // the web chat simulator: sandbox only
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
