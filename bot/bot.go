// Package bot is cdtbot's Zalo side: the webhook (gin), event parsing and
// signatures (bot/zalo), the OpenAPI client and tokens, the outbox sender,
// and the routing of events to the conversations in flows/.
package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/admin"
	"github.com/cdtbot/cdtbot/bot/devchat"
	"github.com/cdtbot/cdtbot/bot/form"
	"github.com/cdtbot/cdtbot/bot/officer"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// Config is what the bot needs to know about its Zalo account and surroundings.
type Config struct {
	AppID        string // ZALO_APP_ID
	OASecret     string // ZALO_OA_SECRET_KEY: webhook signatures
	AppSecret    string // ZALO_APP_SECRET_KEY: token refresh
	AccessToken  string // ZALO_ACCESS_TOKEN: first pair only
	RefreshToken string // ZALO_REFRESH_TOKEN
	APIBase      string // ZALO_API_BASE
	OAuthBase    string // ZALO_OAUTH_BASE
	AdminToken   string // CDTBOT_ADMIN_TOKEN: the admin API is closed without it
	Location     *time.Location
	// Sandbox records outgoing messages instead of sending them and accepts unsigned webhooks.
	Sandbox bool
	// SendWorkers is how many sends may be in flight at once (default 32).
	SendWorkers int
	// RatePerMinute is the send budget until Zalo's headers say otherwise (default 4000).
	RatePerMinute int
	// RetryBase is the first retry delay after a transient send failure (default 2s).
	RetryBase time.Duration
	// HTTPClient is used for Zalo calls (nil: a client with timeouts).
	HTTPClient *http.Client
	// PublicURL is where people reach this server (signed links to the officer page), e.g. https://cdtbot.example.vn.
	PublicURL string
	// Remind runs the reminder sweep as of an instant for the admin API and the web chat (nil: not offered).
	Remind admin.Reminder
	// ZNSBase is the ZNS API base URL (ZALO_ZNS_BASE).
	ZNSBase string
	// ZNSTemplateReminder is the approved ZNS template for reminders and overdue notices
	// (ZALO_ZNS_TEMPLATE_REMINDER); empty: no ZNS.
	ZNSTemplateReminder string
	// TextOnly sends every choice as numbered text, never as a template (CDTBOT_TEXT_ONLY=1).
	TextOnly bool
	// OALogoURL is the image of request_user_info templates (CDTBOT_OA_LOGO_URL; default: served by cdtbot).
	OALogoURL string
	// OpsNotify are the Zalo user ids and group:<id> told about what an operator must fix (CDTBOT_OPS_NOTIFY).
	OpsNotify []string
	// CompactEvery is how often the bot looks for an erasure to compact after (default 30 s).
	CompactEvery time.Duration
	// KeepEvents is how long handled webhook events and their dedupe keys are kept (CDTBOT_KEEP_EVENTS,
	// default 8 days, at least MinKeepEvents); KeepSent how long settled messages' outcomes are
	// (CDTBOT_KEEP_SENT, default 35 days). Reports, requests, audit and consent records are kept.
	KeepEvents, KeepSent time.Duration
	// KeepBodies is how long a sent message keeps what it said (the rendered body) before only its
	// who/when/status remain (CDTBOT_KEEP_BODIES, default 2 days; in sandbox mode, by default, as long
	// as the outcome, since the web chat shows its history from them).
	KeepBodies time.Duration
	// AckUnsignedEvents answers 200 (storing nothing) to unsigned events, for consoles that probe
	// with sample events (CDTBOT_WEBHOOK_UNSIGNED=ack); by default they get 401.
	AckUnsignedEvents bool
}

// FlagZaloApp holds the Zalo app id a database has served (store flag): such a file is production.
const FlagZaloApp = "zalo_app"

// Bot is the running Zalo side of cdtbot.
type Bot struct {
	cfg       Config
	db        *store.DB
	log       zerolog.Logger
	m         *metrics
	tokens    *TokenManager
	client    *zalo.Client // nil in sandbox mode
	alerts    *alerter
	engine    *flows.Engine
	oauth     oauthFlows
	sender    *Sender
	processor *Processor
	parsed    *parsedEvents // the webhook's parses, for the handling
	ready     atomic.Bool
	// storageFailedAt is when a write to the database last failed (unix ns; 0: never).
	storageFailedAt atomic.Int64
	// inboxCopyError is the inbox log's failing copy (store.DB.InboxCopyError; tests replace it).
	inboxCopyError func() (time.Time, error)
	handler        http.Handler
}

// New wires a bot over an open database.
func New(cfg Config, db *store.DB, engine *flows.Engine, log zerolog.Logger) (*Bot, error) {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	b := &Bot{cfg: cfg, db: db, log: log, m: newMetrics(db), engine: engine}
	b.alerts = newAlerter(db, cfg.OpsNotify, log.With().Str("component", "alerts").Logger(), b.m)
	var tr Transport
	if cfg.Sandbox {
		tr = &sandboxTransport{log: log.With().Str("component", "sandbox").Logger()}
	} else {
		b.client = &zalo.Client{APIBase: cfg.APIBase, OAuthBase: cfg.OAuthBase, ZNSBase: cfg.ZNSBase, HTTP: cfg.HTTPClient}
		tm, err := NewTokenManager(db, b.client, cfg.AppID, cfg.AppSecret, cfg.AccessToken, cfg.RefreshToken, log.With().Str("component", "tokens").Logger(), b.m)
		if err != nil {
			return nil, err
		}
		tm.alert = b.alerts.alert
		b.tokens = tm
		tr = &zaloTransport{client: b.client, tokens: tm}
	}
	if err := db.Update(func(tx *store.Tx) error {
		if !cfg.Sandbox && tx.Flag(FlagZaloApp) != cfg.AppID {
			// Remembered so this file never starts as a sandbox by accident (cmd/cdtbot: failClosed).
			if err := tx.SetFlag(FlagZaloApp, cfg.AppID); err != nil {
				return err
			}
		}
		if tx.Flag(flagSeenSince) == "" {
			if err := tx.SetFlag(flagSeenSince, db.Now().UTC().Format(time.RFC3339)); err != nil {
				return err
			}
		}
		// The setting wins while set; a refusal Zalo taught us is kept across restarts.
		switch cur := tx.Flag(flagTemplates); {
		case cfg.TextOnly && cur == "":
			return tx.SetFlag(flagTemplates, flagForced)
		case !cfg.TextOnly && cur == flagForced:
			return tx.SetFlag(flagTemplates, "")
		}
		return nil
	}); err != nil {
		return nil, err
	}
	b.sender = newSender(db, tr, cfg.Location, cfg.RatePerMinute, cfg.SendWorkers, cfg.RetryBase, log.With().Str("component", "outbox").Logger(), b.m)
	b.sender.alert = b.alerts.alert
	b.sender.storageFailed = b.storageFailed
	if b.tokens != nil {
		b.sender.auth = b.tokens
	}
	b.sender.ladder = ladder{enforceWindow: !cfg.Sandbox, countSends: !cfg.Sandbox, logoURL: cfg.OALogoURL, znsOff: new(atomic.Int64)}
	if b.sender.ladder.logoURL == "" {
		b.sender.ladder.logoURL = strings.TrimRight(cfg.PublicURL, "/") + logoPath
		if !cfg.Sandbox && (strings.Contains(cfg.PublicURL, "127.0.0.1") || strings.Contains(cfg.PublicURL, "localhost")) {
			log.Warn().Str("url", b.sender.ladder.logoURL).Msg("the info-request image is on this machine, which Zalo cannot fetch: set CDTBOT_PUBLIC_URL or CDTBOT_OA_LOGO_URL")
		}
	}
	if cfg.ZNSTemplateReminder != "" {
		b.sender.ladder.znsTemplates = map[string]string{"reminder": cfg.ZNSTemplateReminder, "overdue": cfg.ZNSTemplateReminder}
	}
	b.parsed = newParsedEvents()
	rt := &router{parsed: b.parsed, engine: engine, log: log.With().Str("component", "router").Logger(), revoked: b.permissionRevoked, m: b.m}
	b.inboxCopyError = db.InboxCopyError
	b.processor = &Processor{db: db, handle: rt.handle, prepare: rt.prepare, log: log.With().Str("component", "events").Logger(), m: b.m}
	// The other audiences get what they need of the Zalo side as values and small interfaces.
	adm := admin.New(db, admin.Config{Location: cfg.Location, Sandbox: cfg.Sandbox, Decider: engine, Enqueue: EnqueueReply, Remind: cfg.Remind})
	pages := officer.New(db, officer.NewLinks(cfg.PublicURL), cfg.Location, log)
	var dev *devchat.Chat
	if cfg.Sandbox {
		dev = devchat.New(db, devchat.Config{AppID: cfg.AppID, OASecret: cfg.OASecret, Location: cfg.Location, Remind: cfg.Remind, Ready: b})
	}
	forms := form.New(db, engine, EnqueueReply, cfg.Location)
	b.handler = routes(b, adm, pages, forms, dev, cfg.AdminToken)
	return b, nil
}

// Handler is the HTTP side, every audience behind one list of routes (routes.go): the webhook,
// health and metrics, the admin API, the officer page and, in sandbox mode, the web chat.
func (b *Bot) Handler() http.Handler { return b.handler }

// Run handles events and drains the outbox until ctx ends, then waits for both.
func (b *Bot) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for _, run := range []func(context.Context) error{b.processor.Run, b.sender.Run, b.compactor} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil {
				errs <- err
			}
		}()
	}
	b.ready.Store(true)
	<-ctx.Done()
	b.ready.Store(false)
	wg.Wait()
	close(errs)
	return errors.Join(collect(errs)...)
}

func collect(c chan error) []error {
	var out []error
	for err := range c {
		out = append(out, err)
	}
	return out
}

// permissionRevoked handles Zalo's permission_revoked inside the handling transaction:
// sends will fail until an OA admin authorises again, so the operators are told now.
func (b *Bot) permissionRevoked(tx *store.Tx) error {
	b.log.Error().Str("reason", "permission_revoked").Msg("an OA admin revoked the app's permission")
	if b.tokens != nil {
		b.tokens.Revoked() // lock-free: safe inside this transaction
	}
	return b.alerts.alertTx(tx, "permission_revoked", textAlertRevoked)
}

// compactor rewrites the file after an erasure (store.CompactIfPending), so the erased person's
// bytes leave the freed pages soon after — and never reach a later backup.
func (b *Bot) compactor(ctx context.Context) error {
	every := b.cfg.CompactEvery
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		start := time.Now()
		did, err := b.db.CompactIfPending()
		switch {
		case err != nil:
			b.log.Error().Err(err).Msg("compaction after an erasure failed; it is tried again")
			_ = b.db.Update(func(tx *store.Tx) error { return tx.SetFlag(store.FlagCompactPending, "1") })
		case did:
			b.log.Info().Dur("took", time.Since(start)).Msg("database compacted after an erasure: no freed page keeps the erased data")
		}
	}
}

// SetReady flips /readyz, e.g. to drain traffic before shutdown.
func (b *Bot) SetReady(v bool) { b.ready.Store(v) }

// Ready tells whether the bot takes work (Run has started and SetReady(false) has not been called).
func (b *Bot) Ready() bool { return b.ready.Load() }

// Retention defaults (Config.KeepEvents, Config.KeepSent).
const (
	DefaultKeepEvents = 8 * 24 * time.Hour
	DefaultKeepSent   = 35 * 24 * time.Hour
	DefaultKeepBodies = 2 * 24 * time.Hour
	// MinKeepEvents: an event up to staleAfter old is still checked against its kept key.
	MinKeepEvents = staleAfter + 24*time.Hour
)

// pruneBatch bounds one pruning transaction, so webhook acknowledgements never wait long behind it.
const pruneBatch = 2000

// inBatches runs step (which handles at most pruneBatch records) in its own transaction until a step
// handles fewer, and counts what committed.
func (b *Bot) inBatches(ctx context.Context, step func(*store.Tx) (int, error)) (int, error) {
	total := 0
	for ctx.Err() == nil {
		var n int
		if err := b.db.Update(func(tx *store.Tx) error { var err error; n, err = step(tx); return err }); err != nil {
			return total, err
		}
		total += n
		if n < pruneBatch {
			break
		}
	}
	return total, nil
}

// Housekeeping forgets old handled events and settled messages, in small
// transactions, and renews the Zalo token when it is due. The scheduler runs it.
func (b *Bot) Housekeeping(ctx context.Context) {
	keepEvents, keepSent := b.cfg.KeepEvents, b.cfg.KeepSent
	if keepEvents <= 0 {
		keepEvents = DefaultKeepEvents
	}
	if keepSent <= 0 {
		keepSent = DefaultKeepSent
	}
	now := b.db.Now()
	evs, err := b.inBatches(ctx, func(tx *store.Tx) (int, error) { return tx.PruneEvents(now.Add(-keepEvents), pruneBatch) })
	outs, stripped := 0, 0
	if err == nil {
		outs, err = b.inBatches(ctx, func(tx *store.Tx) (int, error) { return tx.PruneOutcomes(now.Add(-keepSent), pruneBatch) })
	}
	keepBodies := b.cfg.KeepBodies
	if keepBodies <= 0 && !b.cfg.Sandbox {
		keepBodies = DefaultKeepBodies
	}
	if err == nil && keepBodies > 0 {
		stripped, err = b.inBatches(ctx, func(tx *store.Tx) (int, error) { return tx.StripOutcomeBodies(now.Add(-keepBodies), pruneBatch) })
	}
	if err == nil && keepBodies > 0 { // what people wrote: the events' raw bodies go after the same while
		var n int
		n, err = b.inBatches(ctx, func(tx *store.Tx) (int, error) { return tx.DropEventBodies(now.Add(-keepBodies), pruneBatch) })
		stripped += n
	}
	if err == nil {
		var n int
		err = b.db.Update(func(tx *store.Tx) error {
			var err error
			n, err = tx.PruneLegacyOutcomes(now.Add(-keepSent))
			return err
		})
		if err == nil {
			outs += n
		}
	}
	if err != nil {
		b.log.Error().Err(err).Int("events", evs).Int("outcomes", outs).Msg("housekeeping: prune failed")
	} else {
		b.log.Info().Int("events", evs).Int("outcomes", outs).Int("bodies", stripped).Msg("housekeeping: pruned")
	}
	if b.tokens != nil {
		if err := b.tokens.RefreshIfDue(ctx); err != nil {
			b.log.Error().Err(err).Msg("housekeeping: token refresh failed")
		}
	}
}
