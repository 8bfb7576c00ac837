// Package admin is the admin API under /api/v1 (bot/routes.go lists its routes, behind the admin
// token): the directory (import, units, teams, rosters, approvers, officers, requests, reports,
// audit), statistics and exports, personal-data access and erasure, and the operator's look at
// the queues, backups and the reminder sweep. It changes records only in transactions with their
// audit entries, and leaves Zalo to bot/: what it says to people goes through Config.Enqueue.
package admin

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// Reminder runs the reminder sweep as of an instant; a dry run only says what it would send.
type Reminder interface {
	Remind(at time.Time, dryRun bool) ([]string, error)
}

// Decider decides a join or leave request as an administrator (flows.Engine).
type Decider interface {
	DecideAsAdmin(tx *store.Tx, id uint64, approve bool, reason, by string) (store.Request, []flows.Reply, error)
}

// Config is what the admin API works with besides the database.
type Config struct {
	Location *time.Location
	// Sandbox is reported by /status.
	Sandbox bool
	// Decider decides requests nobody up the tree may decide.
	Decider Decider
	// Enqueue puts a message to a person in the outbox inside tx (bot.EnqueueReply), with the request's id.
	Enqueue func(tx *store.Tx, rep flows.Reply, requestID string) error
	// Remind runs the reminder sweep for POST /remind (nil: 501, not offered).
	Remind Reminder
}

// API is the admin API's handlers.
type API struct {
	db      *store.DB
	loc     *time.Location
	sandbox bool
	decider Decider
	enqueue func(tx *store.Tx, rep flows.Reply, requestID string) error
	remind  Reminder
}

// New is the admin API over db.
func New(db *store.DB, cfg Config) *API {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &API{db: db, loc: cfg.Location, sandbox: cfg.Sandbox, decider: cfg.Decider, enqueue: cfg.Enqueue, remind: cfg.Remind}
}

// Status is GET /status: a quick look at the queues.
func (a *API) Status(c *gin.Context) {
	var pending, reply, bulk, dead int
	_ = a.db.View(func(tx *store.Tx) error {
		pending = tx.PendingCount()
		reply, bulk = tx.OutboxDepth()
		dead = len(tx.DeadEvents())
		return nil
	})
	pending += a.db.InboxLogged() // acknowledged, in the inbox log a moment before the database
	status := gin.H{"sandbox": a.sandbox, "inbox_pending": pending, "outbox_reply": reply, "outbox_bulk": bulk, "dead_events": dead}
	if since, err := a.db.InboxCopyError(); err != nil {
		status["inbox_copy_error"], status["inbox_copy_failing_since"] = err.Error(), since.UTC().Format(time.RFC3339)
	}
	c.JSON(http.StatusOK, status)
}

// Backup is GET /backup: a consistent copy of the database, streamed while it stays in use. The
// length is announced first, so a copy cut short by an error is seen as truncated.
func (a *API) Backup(c *gin.Context) {
	n, err := a.db.StreamBackup(func(size int64) io.Writer {
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

// Messages is GET /messages: settled outgoing messages in the order they were settled, after
// ?after= (a log_seq): the sandbox's "sent" view, safe to poll.
func (a *API) Messages(c *gin.Context) {
	var after uint64
	if s := c.Query("after"); s != "" {
		if _, err := fmt.Sscan(s, &after); err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_after", "after must be a number"))
			return
		}
	}
	var out []store.Outcome
	err := a.db.View(func(tx *store.Tx) error {
		var err error
		out, err = tx.SentLog(after, 500)
		return err
	})
	if out == nil {
		out = []store.Outcome{}
	}
	web.Answer(c, gin.H{"messages": out}, err)
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

// errBadAt answers an ?at= that is not an instant.
var errBadAt = web.Errorf(http.StatusBadRequest, "bad_at", "at must be an RFC 3339 instant, e.g. 2026-11-27T08:00:00+07:00")

// Remind is POST /remind: the reminder sweep now or as of ?at=RFC3339, optionally as a dry run (?dry_run=1).
func (a *API) Remind(c *gin.Context) {
	if a.remind == nil {
		web.Fail(c, web.Errorf(http.StatusNotImplemented, "no_reminders", "reminders are not configured"))
		return
	}
	at := a.db.Now()
	if s := c.Query("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			web.Fail(c, errBadAt)
			return
		}
		at = t
	}
	dry := c.Query("dry_run") == "1" || c.Query("dry_run") == "true"
	force := c.Query("force") == "1" || c.Query("force") == "true"
	if err := CheckRemindInstant(at, a.db.Now(), dry, force); err != nil {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "far_instant", "%v", err))
		return
	}
	lines, err := a.remind.Remind(at, dry)
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
