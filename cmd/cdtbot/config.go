package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/zalo"
)

// config is everything read from the environment and flags (flags win).
type config struct {
	addr       string
	dbPath     string
	adminToken string
	tz         string
	logLevel   string
	sandbox    bool
	noDemo     bool
	zalo       bot.Config
	// addrSet: the listen address was chosen (flag or CDTBOT_ADDR); a sandbox otherwise listens on 127.0.0.1 only.
	addrSet bool
	// sandboxForced: CDTBOT_SANDBOX=1 asked for sandbox mode explicitly.
	sandboxForced bool
	// publicSet: CDTBOT_PUBLIC_URL was given; otherwise links point at the address actually listened on.
	publicSet bool
	// morningWindow: how long after 08:00 a morning's reminders may take; more starts before 08:00 (0: never).
	morningWindow time.Duration
	// dedupeByKeyOnly: CDTBOT_DEDUPE_ORDER=key (store.Options.DedupeByKeyOnly).
	dedupeByKeyOnly bool
}

// morningWindowFlag declares CDTBOT_MORNING_WINDOW on a command's flags.
func morningWindowFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("morning-window", envDefault(getenv, "CDTBOT_MORNING_WINDOW", "30m"),
		"how long after 08:00 the morning's reminders may take at Zalo's rate; what does not fit goes from 07:00, timed to end at 08:00; 0: all at 08:00 (CDTBOT_MORNING_WINDOW)")
}

// parseMorningWindow reads CDTBOT_MORNING_WINDOW: a duration, 0 for off.
func parseMorningWindow(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if v == "0" {
		d, err = 0, nil
	}
	if err != nil || d < 0 {
		return 0, fmt.Errorf("CDTBOT_MORNING_WINDOW %q: want a duration such as 30m, or 0", v)
	}
	return d, nil
}

// envDefault reads a variable with a fallback.
func envDefault(getenv func(string) string, key, def string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return def
}

// parseConfig builds the configuration for serve-like commands.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (*config, *flag.FlagSet, error) {
	c := &config{}
	fs := flag.NewFlagSet("cdtbot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", envDefault(getenv, "CDTBOT_ADDR", ":8080"), "listen address (CDTBOT_ADDR)")
	fs.StringVar(&c.dbPath, "db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file; its folder is created (CDTBOT_DB)")
	fs.StringVar(&c.adminToken, "admin-token", getenv("CDTBOT_ADMIN_TOKEN"), "bearer token for /api/v1 (CDTBOT_ADMIN_TOKEN)")
	fs.StringVar(&c.tz, "tz", envDefault(getenv, "CDTBOT_TZ", "Asia/Ho_Chi_Minh"), "time zone for schedules and the night ban (CDTBOT_TZ)")
	fs.StringVar(&c.logLevel, "log-level", envDefault(getenv, "CDTBOT_LOG_LEVEL", "info"), "debug, info, warn or error (CDTBOT_LOG_LEVEL)")
	var boolErr error
	envBool := func(key string) bool {
		v, err := parseBool(getenv(key))
		if err != nil && boolErr == nil {
			boolErr = fmt.Errorf("%s: %w", key, err)
		}
		return v
	}
	fs.BoolVar(&c.sandbox, "sandbox", envBool("CDTBOT_SANDBOX"), "force sandbox mode even with Zalo credentials (CDTBOT_SANDBOX=1)")
	fs.BoolVar(&c.noDemo, "no-demo", envBool("CDTBOT_NO_DEMO"), "sandbox mode: do not fill an empty database with the demo directory (CDTBOT_NO_DEMO=1)")
	fs.StringVar(&c.zalo.PublicURL, "public-url", getenv("CDTBOT_PUBLIC_URL"), "public base URL of this server, for links sent by chat (CDTBOT_PUBLIC_URL; default http://localhost:PORT)")
	z := &c.zalo
	fs.StringVar(&z.AppID, "zalo-app-id", getenv("ZALO_APP_ID"), "Zalo app id (ZALO_APP_ID)")
	z.OASecret = getenv("ZALO_OA_SECRET_KEY")
	z.AppSecret = getenv("ZALO_APP_SECRET_KEY")
	z.AccessToken = getenv("ZALO_ACCESS_TOKEN")
	z.RefreshToken = getenv("ZALO_REFRESH_TOKEN")
	fs.StringVar(&z.APIBase, "zalo-api-base", envDefault(getenv, "ZALO_API_BASE", zalo.DefaultAPIBase), "Zalo OpenAPI base URL (ZALO_API_BASE)")
	fs.StringVar(&z.OAuthBase, "zalo-oauth-base", envDefault(getenv, "ZALO_OAUTH_BASE", zalo.DefaultOAuthBase), "Zalo OAuth base URL (ZALO_OAUTH_BASE)")
	fs.StringVar(&z.ZNSBase, "zalo-zns-base", envDefault(getenv, "ZALO_ZNS_BASE", zalo.DefaultZNSBase), "Zalo ZNS base URL (ZALO_ZNS_BASE)")
	fs.StringVar(&z.ZNSTemplateReminder, "zns-template-reminder", getenv("ZALO_ZNS_TEMPLATE_REMINDER"), "approved ZNS template id for reminders and overdue notices; empty: no ZNS (ZALO_ZNS_TEMPLATE_REMINDER)")
	fs.BoolVar(&z.TextOnly, "text-only", envBool("CDTBOT_TEXT_ONLY"), "send choices as numbered text, never as button templates (CDTBOT_TEXT_ONLY=1)")
	fs.StringVar(&z.OALogoURL, "oa-logo-url", getenv("CDTBOT_OA_LOGO_URL"), "image for request_user_info templates (CDTBOT_OA_LOGO_URL; default served at PUBLIC_URL/static/oa-logo.png)")
	opsNotify := fs.String("ops-notify", getenv("CDTBOT_OPS_NOTIFY"), "Zalo user ids and group:<id>, comma-separated, told when an operator must act (CDTBOT_OPS_NOTIFY)")
	keepEvents := fs.String("keep-events", envDefault(getenv, "CDTBOT_KEEP_EVENTS", "8d"), "how long handled webhook events are kept, e.g. 8d or 240h; at least 7d (CDTBOT_KEEP_EVENTS)")
	keepSent := fs.String("keep-sent", envDefault(getenv, "CDTBOT_KEEP_SENT", "35d"), "how long the outcomes of sent messages are kept, e.g. 35d (CDTBOT_KEEP_SENT)")
	keepBodies := fs.String("keep-bodies", envDefault(getenv, "CDTBOT_KEEP_BODIES", ""), "how long sent messages keep their text before only who/when/status remain, e.g. 2d (CDTBOT_KEEP_BODIES; default 2d, in sandbox mode as long as CDTBOT_KEEP_SENT)")
	window := morningWindowFlag(fs, getenv)
	dedupeOrder := fs.String("dedupe-order", envDefault(getenv, "CDTBOT_DEDUPE_ORDER", "time"), "how webhook dedupe keys are laid out: time (after Zalo's timestamp: fast, if a retry keeps the first delivery's timestamp) or key (the key alone) (CDTBOT_DEDUPE_ORDER)")
	unsigned := fs.String("webhook-unsigned", envDefault(getenv, "CDTBOT_WEBHOOK_UNSIGNED", "reject"), "unsigned events: reject (401) or ack (200, nothing stored; for consoles that probe with sample events) (CDTBOT_WEBHOOK_UNSIGNED)")
	if err := fs.Parse(args); err != nil {
		return nil, fs, err
	}
	if boolErr != nil {
		return nil, fs, boolErr
	}
	switch *dedupeOrder {
	case "time":
	case "key":
		c.dedupeByKeyOnly = true
	default:
		return nil, fs, fmt.Errorf("CDTBOT_DEDUPE_ORDER %q: want time or key", *dedupeOrder)
	}
	switch *unsigned {
	case "reject":
	case "ack":
		z.AckUnsignedEvents = true
	default:
		return nil, fs, fmt.Errorf("CDTBOT_WEBHOOK_UNSIGNED %q: want reject or ack", *unsigned)
	}
	var err error
	if c.morningWindow, err = parseMorningWindow(*window); err != nil {
		return nil, fs, err
	}
	if z.KeepEvents, err = parseDays(*keepEvents); err != nil {
		return nil, fs, fmt.Errorf("CDTBOT_KEEP_EVENTS: %w", err)
	}
	if z.KeepEvents < bot.MinKeepEvents {
		return nil, fs, fmt.Errorf("CDTBOT_KEEP_EVENTS %q: at least 7d, so that a replayed event is still recognised", *keepEvents)
	}
	if z.KeepSent, err = parseDays(*keepSent); err != nil {
		return nil, fs, fmt.Errorf("CDTBOT_KEEP_SENT: %w", err)
	}
	if *keepBodies != "" {
		if z.KeepBodies, err = parseDays(*keepBodies); err != nil {
			return nil, fs, fmt.Errorf("CDTBOT_KEEP_BODIES: %w", err)
		}
	}
	if z.OpsNotify, err = bot.ParseOpsNotify(*opsNotify); err != nil {
		return nil, fs, err
	}
	fs.Visit(func(f *flag.Flag) { c.addrSet = c.addrSet || f.Name == "addr" })
	c.addrSet = c.addrSet || strings.TrimSpace(getenv("CDTBOT_ADDR")) != ""
	c.sandboxForced = c.sandbox
	loc, err := time.LoadLocation(c.tz)
	if err != nil {
		return nil, fs, fmt.Errorf("CDTBOT_TZ %q: %w", c.tz, err)
	}
	z.Location = loc
	publicSet := z.PublicURL != ""
	c.publicSet = publicSet
	if !publicSet {
		z.PublicURL = serverURL(c.addr)
	}
	z.AdminToken = c.adminToken
	secrets := map[string]string{"ZALO_APP_ID": z.AppID, "ZALO_OA_SECRET_KEY": z.OASecret, "ZALO_APP_SECRET_KEY": z.AppSecret}
	var missing []string
	set := 0
	for _, k := range []string{"ZALO_APP_ID", "ZALO_OA_SECRET_KEY", "ZALO_APP_SECRET_KEY"} {
		if secrets[k] == "" {
			missing = append(missing, k)
		} else {
			set++
		}
	}
	switch {
	case c.sandbox:
		z.Sandbox = true
	case set == 0 && z.AccessToken == "" && z.RefreshToken == "":
		z.Sandbox = true // no credentials at all: let a new user try it at once (serve checks the database never held any)
	case len(missing) > 0:
		return nil, fs, errors.New("incomplete Zalo credentials: set " + strings.Join(missing, ", ") + " (or none of them for sandbox mode)")
	}
	if z.Sandbox && !c.addrSet {
		// A sandbox takes unsigned webhooks and shows people's data at /dev: only this machine may reach it.
		c.addr = "127.0.0.1:8080"
		if !publicSet {
			z.PublicURL = serverURL(c.addr)
		}
	}
	return c, fs, nil
}

// parseDays reads a retention: "8d" (days) or a Go duration ("240h"); it must be positive.
func parseDays(v string) (time.Duration, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	var d time.Duration
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("%q: want days like 8d, or hours like 240h", v)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("%q: want days like 8d, or hours like 240h", v)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: must be positive", v)
	}
	return d, nil
}

// parseBool reads a yes/no setting strictly: 1/true/yes/on, 0/false/no/off or empty (no).
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%q: want 1, true, yes or 0, false, no", v)
}
