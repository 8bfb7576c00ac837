package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// Checklist marks.
const (
	markOK   = "✓"
	markFail = "✗"
	markWarn = "!"
)

// Limits of the doctor's output and probes.
const (
	doctorListMax        = 10               // names listed under one check
	doctorWebhookTimeout = 5 * time.Second  // each webhook probe
	doctorZaloTimeout    = 15 * time.Second // each Zalo call
	doctorCSWindow       = 7 * 24 * time.Hour
	doctorReminderHour   = 8 // the sweep's local hour (reminders.Sweeper.Hour default)
	doctorConsoleWait    = 2 * time.Second
)

// doctorConfig is what doctor reads from flags and the environment (the server's names).
type doctorConfig struct {
	dbPath      string
	publicURL   string
	addr        string
	appID       string
	appSecret   string
	oaSecret    string
	envAccess   string
	envRefresh  string
	znsTemplate string
	loc         *time.Location
	at          time.Time
	client      *zalo.Client
}

// checklist prints one line per check and counts failures and warnings.
type checklist struct {
	w        io.Writer
	failed   int
	warnings int
}

// report prints a check: its mark, name and detail, then indented lines, then
// what to do (for failures and warnings).
func (c *checklist) report(mark, name, detail string, lines []string, advice string) {
	switch mark {
	case markFail:
		c.failed++
	case markWarn:
		c.warnings++
	}
	fmt.Fprintf(c.w, "%s %s: %s\n", mark, name, detail)
	for _, l := range lines {
		fmt.Fprintf(c.w, "    %s\n", l)
	}
	if advice != "" && mark != markOK {
		fmt.Fprintf(c.w, "    → %s\n", advice)
	}
}

func (c *checklist) ok(name, detail string) { c.report(markOK, name, detail, nil, "") }

// capList keeps at most doctorListMax lines, saying how many were left out.
func capList(lines []string) []string {
	if len(lines) <= doctorListMax {
		return lines
	}
	return append(lines[:doctorListMax:doctorListMax], fmt.Sprintf("… and %d more", len(lines)-doctorListMax))
}

func plural(n int, word string) string { return count(n, word, word+"s") }

// count says "1 group" or "3 groups".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// doctor checks the live Zalo account with the configured credentials and the
// directory in the database, and prints a checklist. It fails when a check
// fails; warnings alone do not. It changes nothing: the database is opened
// read-only and no token is refreshed.
func doctor(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &doctorConfig{}
	fs.StringVar(&cfg.dbPath, "db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file, opened read-only (CDTBOT_DB)")
	tz := fs.String("tz", envDefault(getenv, "CDTBOT_TZ", "Asia/Ho_Chi_Minh"), "time zone of the reminder calendar (CDTBOT_TZ)")
	atText := fs.String("at", "", "check who reminders reach as of instant T, RFC 3339 (default now)")
	fs.StringVar(&cfg.publicURL, "public-url", getenv("CDTBOT_PUBLIC_URL"), "public base URL of the server; its /webhook/zalo is probed like Zalo's console does (CDTBOT_PUBLIC_URL)")
	fs.StringVar(&cfg.appID, "zalo-app-id", getenv("ZALO_APP_ID"), "Zalo app id (ZALO_APP_ID)")
	apiBase := fs.String("zalo-api-base", envDefault(getenv, "ZALO_API_BASE", zalo.DefaultAPIBase), "Zalo OpenAPI base URL (ZALO_API_BASE)")
	znsBase := fs.String("zalo-zns-base", envDefault(getenv, "ZALO_ZNS_BASE", zalo.DefaultZNSBase), "Zalo ZNS base URL (ZALO_ZNS_BASE)")
	fs.StringVar(&cfg.znsTemplate, "zns-template-reminder", getenv("ZALO_ZNS_TEMPLATE_REMINDER"), "ZNS template id for reminders (ZALO_ZNS_TEMPLATE_REMINDER)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cdtbot doctor [flags]\n\nChecks the Zalo OA with the configured credentials (ZALO_APP_ID, ZALO_APP_SECRET_KEY,\nZALO_OA_SECRET_KEY, the stored or ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN pair), the groups,\nthe ZNS template, the webhook URL and who the next reminders can reach. Changes nothing.")
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("doctor takes no arguments, got %q", fs.Args())
	}
	if cfg.loc, err = time.LoadLocation(*tz); err != nil {
		return fmt.Errorf("CDTBOT_TZ %q: %w", *tz, err)
	}
	cfg.at = time.Now()
	if *atText != "" {
		if cfg.at, err = time.Parse(time.RFC3339, *atText); err != nil {
			return fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-27T08:00:00+07:00", *atText)
		}
	}
	cfg.addr = envDefault(getenv, "CDTBOT_ADDR", ":8080")
	cfg.appSecret = getenv("ZALO_APP_SECRET_KEY")
	cfg.oaSecret = getenv("ZALO_OA_SECRET_KEY")
	cfg.envAccess = strings.TrimSpace(getenv("ZALO_ACCESS_TOKEN"))
	cfg.envRefresh = strings.TrimSpace(getenv("ZALO_REFRESH_TOKEN"))
	cfg.client = &zalo.Client{
		APIBase:   *apiBase,
		OAuthBase: envDefault(getenv, "ZALO_OAUTH_BASE", zalo.DefaultOAuthBase), // unused: doctor never refreshes
		ZNSBase:   *znsBase,
		HTTP:      &http.Client{Timeout: doctorZaloTimeout},
	}

	d := &doctorRun{cfg: cfg, c: &checklist{w: stdout}}
	d.run(ctx)
	c := d.c
	switch {
	case c.failed > 0:
		fmt.Fprintf(stdout, "\n%s failed, %s\n", plural(c.failed, "check"), plural(c.warnings, "warning"))
		return fmt.Errorf("doctor: %s failed", plural(c.failed, "check"))
	case c.warnings > 0:
		fmt.Fprintf(stdout, "\nno check failed, %s\n", plural(c.warnings, "warning"))
	default:
		fmt.Fprintln(stdout, "\nall checks passed")
	}
	return nil
}

// doctorRun carries what one check learns for the next ones.
type doctorRun struct {
	cfg  *doctorConfig
	c    *checklist
	snap *doctorSnapshot

	token     string          // the access token checked; "" when none
	tokenDesc string          // which pair it is, for advice
	tokenOK   bool            // Zalo accepted it
	expiresAt time.Time       // of the stored pair; zero when unknown
	oaGroups  map[string]bool // ids of the OA's groups; nil when unknown
	znsUsable bool            // a ZNS template is set and not known to be unusable
}

func (d *doctorRun) run(ctx context.Context) {
	d.snap = readDoctorSnapshot(d.cfg)
	d.checkCredentials()
	d.checkDatabase()
	d.checkToken()
	d.checkOA(ctx)
	d.checkGroups(ctx)
	d.checkZNS(ctx)
	d.checkWebhook(ctx)
	d.checkPeople()
}

// 1. Credentials.

func (d *doctorRun) checkCredentials() {
	var missing []string
	for _, kv := range [][2]string{{"ZALO_APP_ID", d.cfg.appID}, {"ZALO_APP_SECRET_KEY", d.cfg.appSecret}, {"ZALO_OA_SECRET_KEY", d.cfg.oaSecret}} {
		if strings.TrimSpace(kv[1]) == "" {
			missing = append(missing, kv[0])
		}
	}
	if len(missing) > 0 {
		d.c.report(markFail, "credentials", "missing "+strings.Join(missing, ", "), nil,
			"set them from the Zalo developer console: app id and secret key (app settings), OA secret key (webhook settings)")
		return
	}
	d.c.ok("credentials", fmt.Sprintf("app id %s, app secret key and OA secret key set", d.cfg.appID))
}

// The database: read once, up front, then closed, so that the shared lock is
// not held during the network checks (a server starting meanwhile would wait
// for it).

// doctorSnapshot is what the checks need from the database.
type doctorSnapshot struct {
	state    string // "ok", "missing", "locked" or "error"
	err      error
	token    store.TokenPair
	hasToken bool
	groups   map[string][]string // directory group id → where it is named
	teams    int
	remind   []remindee // leaders and deputies with a reminder ahead
	noLeader []string   // teams without a leader (reminders go nowhere)
}

// remindee is a leader or deputy the sweep will remind next.
type remindee struct {
	id, name, role string
	team           string // the team's name and code
	at             time.Time
	period         store.Period
	seen           time.Time
	seenKnown      bool
	phoneOK        bool   // a phone ZNS can use
	group          string // the team's group (or its unit's), "" when none
}

func readDoctorSnapshot(cfg *doctorConfig) *doctorSnapshot {
	s := &doctorSnapshot{}
	if _, err := os.Stat(cfg.dbPath); err != nil {
		s.state, s.err = "missing", err
		return s
	}
	db, err := store.Open(cfg.dbPath, store.Options{ReadOnly: true, LockTimeout: 300 * time.Millisecond})
	switch {
	case errors.Is(err, store.ErrLocked):
		s.state, s.err = "locked", err
		return s
	case err != nil:
		s.state, s.err = "error", err
		return s
	}
	defer db.Close()
	err = db.View(func(tx *store.Tx) (err error) {
		defer func() {
			// A file from an older release may lack buckets this one reads
			// (read-only opens create nothing): say so rather than crash.
			if r := recover(); r != nil {
				err = fmt.Errorf("unreadable (from an older release? start the server once to upgrade it): %v", r)
			}
		}()
		return s.read(tx, cfg)
	})
	if err != nil {
		s.state, s.err = "error", err
		return s
	}
	s.state = "ok"
	return s
}

func (s *doctorSnapshot) read(tx *store.Tx, cfg *doctorConfig) error {
	var err error
	if s.token, s.hasToken, err = tx.Token(); err != nil {
		return err
	}
	s.groups = map[string][]string{}
	name := func(id, where string) {
		if id != "" {
			s.groups[id] = append(s.groups[id], where)
		}
	}
	if err := tx.AllUnits(func(u store.Unit) error {
		name(u.GroupID, fmt.Sprintf("unit %s (%s)", u.Code, u.Display()))
		return nil
	}); err != nil {
		return err
	}
	var teams []store.Team
	if err := tx.AllTeams(func(t store.Team) error {
		name(t.GroupID, fmt.Sprintf("team %s (%s)", t.Code, t.Name))
		teams = append(teams, t)
		return nil
	}); err != nil {
		return err
	}
	officers, err := tx.Officers()
	if err != nil {
		return err
	}
	for _, o := range officers {
		name(o.GroupID, fmt.Sprintf("officer %s (%s)", o.ID, o.Name))
	}
	s.teams = len(teams)
	for _, t := range teams {
		if err := s.readTeam(tx, cfg, t); err != nil {
			return err
		}
	}
	return nil
}

// readTeam adds the team's leader and deputy with their next reminder, as the
// sweep decides it: the first deputy and leader of the roster; deputies only
// on the last reminder days (d ≤ 1).
func (s *doctorSnapshot) readTeam(tx *store.Tx, cfg *doctorConfig, t store.Team) error {
	pol, err := tx.EffectivePolicy(t.Code)
	if err != nil {
		return err
	}
	roster, err := tx.Roster(t.Code)
	if err != nil {
		return err
	}
	var leader, deputy string
	for _, m := range roster {
		switch {
		case m.Role == store.RoleLeader && leader == "":
			leader = m.ZaloID
		case m.Role == store.RoleDeputy && deputy == "":
			deputy = m.ZaloID
		}
	}
	label := fmt.Sprintf("%s (%s)", t.Name, t.Code)
	if leader == "" {
		s.noLeader = append(s.noLeader, label)
	}
	group, _, _ := tx.GroupFor(t.Code) // a broken unit chain counts as no group
	cal := pol.Calendar(cfg.loc)
	for _, who := range []struct{ id, role string }{{leader, store.RoleLeader}, {deputy, store.RoleDeputy}} {
		if who.id == "" {
			continue
		}
		at, p, ok, err := nextReminder(tx, t.Code, cal, pol.ReminderDays, cfg.at, who.role == store.RoleDeputy)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		r := remindee{id: who.id, name: who.id, role: who.role, team: label, at: at, period: p, group: group}
		if person, ok, err := tx.Person(who.id); err != nil {
			return err
		} else if ok {
			if person.Name != "" {
				r.name = person.Name
			}
			_, r.phoneOK = zalo.PhoneTo84(person.Phone)
		}
		r.seen, r.seenKnown = tx.LastSeen(who.id)
		s.remind = append(s.remind, r)
	}
	return nil
}

// nextReminder is the instant of the team's next reminder after now: in the
// open period, else the next one, skipping periods already reported; false
// when none (no reminder days).
func nextReminder(tx *store.Tx, team string, cal store.Calendar, days []int, now time.Time, deputy bool) (time.Time, store.Period, bool, error) {
	open := cal.OpenPeriod(now)
	for _, p := range []store.Period{open, open.Next()} {
		_, filed, err := tx.FirstFiled(team, p.String())
		if err != nil {
			return time.Time{}, p, false, err
		}
		if filed {
			continue
		}
		cutoff := cal.CutoffDate(p)
		var best time.Time
		for _, d := range days {
			if deputy && d > 1 {
				continue // the sweep reminds deputies on the last days only
			}
			t := time.Date(cutoff.Year(), cutoff.Month(), cutoff.Day()-d, doctorReminderHour, 0, 0, 0, cal.Loc)
			if t.After(now) && (best.IsZero() || t.Before(best)) {
				best = t
			}
		}
		if !best.IsZero() {
			return best, p, true, nil
		}
	}
	return time.Time{}, store.Period{}, false, nil
}

func (d *doctorRun) checkDatabase() {
	s := d.snap
	switch s.state {
	case "ok":
		d.c.ok("database", fmt.Sprintf("%s: %s, %s named in the directory", d.cfg.dbPath, plural(s.teams, "team"), plural(len(s.groups), "group")))
	case "missing":
		d.c.report(markWarn, "database", fmt.Sprintf("%s not found: no stored token, directory checks skipped", d.cfg.dbPath), nil,
			"set CDTBOT_DB (or --db) to the server's database file")
	case "locked":
		d.c.report(markWarn, "database", fmt.Sprintf("%s is in use by a running server: its stored token and the directory cannot be read", d.cfg.dbPath), nil,
			"stop the server, or check a copy: cdtbot backup copy.db && cdtbot doctor --db copy.db")
	default:
		d.c.report(markFail, "database", fmt.Sprintf("%s: %v", d.cfg.dbPath, s.err), nil, "")
	}
}

// 1b. The token: which pair, and when it expires. Tokens are never printed.

func (d *doctorRun) checkToken() {
	s, cfg := d.snap, d.cfg
	envH := bot.EnvHash(cfg.envAccess, cfg.envRefresh)
	var pair store.TokenPair
	var desc string
	switch {
	case s.hasToken && (envH == "" || s.token.EnvHash == "" || s.token.EnvHash == envH):
		pair = s.token
		desc = "stored pair (source " + orDash(pair.Source) + ")"
	case envH != "":
		pair = store.TokenPair{AccessToken: cfg.envAccess, RefreshToken: cfg.envRefresh, Source: "env"}
		desc = "environment pair (ZALO_ACCESS_TOKEN)"
		switch {
		case s.hasToken:
			desc += "; it differs from the stored one, and the server takes it at its next start"
		case s.state == "locked":
			desc += "; the running server may have refreshed it since, so its own pair can differ"
		}
	default:
		advice := "authorise at " + d.authorizeURL() + " (link from `cdtbot token authorize`), or set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN"
		if s.state == "locked" {
			d.c.report(markWarn, "token", "no pair in the environment and the stored one cannot be read while the server runs", nil,
				"check a copy of the database: cdtbot backup copy.db && cdtbot doctor --db copy.db")
			return
		}
		d.c.report(markFail, "token", "no token stored and none in the environment", nil, advice)
		return
	}
	d.token, d.tokenDesc, d.expiresAt = pair.AccessToken, desc, pair.ExpiresAt
	if pair.AccessToken == "" {
		d.c.report(markFail, "token", desc+": no access token", nil,
			"run `cdtbot token set --access … --refresh …` or authorise again at "+d.authorizeURL())
		return
	}
	expiry := "expiry unknown"
	mark, advice := markOK, ""
	if !pair.ExpiresAt.IsZero() {
		if left := pair.ExpiresAt.Sub(time.Now()); left > 0 {
			expiry = "expires in " + roughDuration(left)
		} else {
			expiry = "access token expired " + roughDuration(-left) + " ago"
			mark, advice = markWarn, "a running server refreshes it by itself: start the server"
		}
	}
	if pair.RefreshToken == "" {
		mark, advice = markWarn, "no refresh token: the access token cannot be renewed when it expires (25 h); install a full pair with `cdtbot token set`"
	}
	d.c.report(mark, "token", desc+", "+expiry, nil, advice)
}

// authorizeURL is where an OA admin authorises the app in a browser.
func (d *doctorRun) authorizeURL() string {
	base := d.cfg.publicURL
	if base == "" {
		base = serverURL(d.cfg.addr)
	}
	return strings.TrimRight(base, "/") + "/oauth/zalo/start"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// roughDuration says 45m, 20h or 3d.
func roughDuration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", max(int(d.Round(time.Minute)/time.Minute), 1))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Round(time.Hour)/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d.Round(24*time.Hour)/(24*time.Hour)))
}

// 2. Token valid: the cheapest call that proves it alive. Doctor never calls
// RefreshToken: Zalo's refresh tokens are single-use, so a refresh here would
// rotate the pair behind the server's back and leave it holding a dead one.

func (d *doctorRun) checkOA(ctx context.Context) {
	if d.token == "" {
		d.c.report(markWarn, "token valid", "not checked: no access token", nil, "")
		return
	}
	cctx, cancel := context.WithTimeout(ctx, doctorZaloTimeout)
	defer cancel()
	oa, err := d.cfg.client.OAInfo(cctx, d.token)
	if err != nil {
		d.c.report(markFail, "token valid", d.tokenDesc+": "+err.Error(), nil, d.zaloAdvice(err))
		return
	}
	d.tokenOK = true
	detail := fmt.Sprintf("OA %q (id %s)", oa.Name, oa.ID)
	if !oa.Verified {
		d.c.report(markWarn, "token valid", detail+", not verified", nil, "groups (GMF) and ZNS need a verified OA: verify it in the OA admin page")
		return
	}
	d.c.ok("token valid", detail+", verified")
}

// zaloAdvice says what to do about a refused Zalo call.
func (d *doctorRun) zaloAdvice(err error) string {
	refused := "token refused: run `cdtbot token set --access … --refresh …` or authorise again at " + d.authorizeURL() + " (link from `cdtbot token authorize`)"
	switch zalo.Classify(err) {
	case zalo.ClassToken:
		if !d.expiresAt.IsZero() && time.Now().After(d.expiresAt) {
			return "the access token expired and no server refreshed it: start the server (it refreshes with the stored refresh token); if it reports zalo_auth, " + refused
		}
		return refused
	case zalo.ClassTransient:
		return "Zalo did not answer: check the network, a proxy, and ZALO_API_BASE / ZALO_ZNS_BASE"
	case zalo.ClassRateLimited:
		return "rate limited: try again in a minute"
	case zalo.ClassOperator:
		return fmt.Sprintf("Zalo error %d needs an OA admin (verification, authorisation, package or quota): see the OA admin page; to authorise again: %s", zalo.ErrorCode(err), d.authorizeURL())
	}
	return ""
}

// 3. Groups: the directory's groups against the OA's.

func (d *doctorRun) checkGroups(ctx context.Context) {
	if !d.tokenOK {
		d.c.report(markWarn, "groups", "not checked: no valid token", nil, "")
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 2*doctorZaloTimeout)
	defer cancel()
	groups, err := d.cfg.client.GroupsOfOA(cctx, d.token)
	named := d.snap.groups
	if err != nil {
		mark := markFail
		if d.snap.state == "ok" && len(named) == 0 {
			mark = markWarn // no group in use: only informational
		}
		d.c.report(mark, "groups", "cannot list the OA's groups: "+err.Error(), nil, "groups need a verified OA with a group (GMF) package; "+d.zaloAdvice(err))
		return
	}
	d.oaGroups = map[string]bool{}
	byID := map[string]zalo.Group{}
	for _, g := range groups {
		d.oaGroups[g.ID] = true
		byID[g.ID] = g
	}
	if d.snap.state != "ok" {
		d.c.report(markWarn, "groups", fmt.Sprintf("the OA is in %s; the directory is not readable, so they are not compared", plural(len(groups), "group")), groupNames(groups), "")
		return
	}
	ids := slices.Sorted(maps.Keys(named))
	var missing, disabled []string
	for _, id := range ids {
		where := strings.Join(named[id], ", ")
		g, ok := byID[id]
		switch {
		case !ok:
			missing = append(missing, id+": "+where)
		case strings.Contains(strings.ToLower(g.Status), "disable"):
			disabled = append(disabled, fmt.Sprintf("%s %q: %s", id, g.Name, where))
		}
	}
	switch {
	case len(missing) > 0:
		d.c.report(markFail, "groups", fmt.Sprintf("%d of %s named in the directory: the OA is not in them", len(missing), plural(len(ids), "group")),
			capList(missing), "add the OA to the group or fix group_id")
	case len(ids) == 0:
		d.c.ok("groups", fmt.Sprintf("the directory names no group; the OA is in %s", plural(len(groups), "group")))
	default:
		d.c.ok("groups", fmt.Sprintf("the OA is in all %s named in the directory", plural(len(ids), "group")))
	}
	if len(disabled) > 0 {
		d.c.report(markWarn, "groups disabled", plural(len(disabled), "directory group")+" disabled by Zalo", capList(disabled),
			"renew the OA's group (GMF) package; messages to a disabled group fail")
	}
	var unlinked []zalo.Group
	for _, g := range groups {
		if _, ok := named[g.ID]; !ok {
			unlinked = append(unlinked, g)
		}
	}
	if len(unlinked) > 0 {
		d.c.report(markWarn, "groups not linked", fmt.Sprintf("the OA is in %s the directory does not name", plural(len(unlinked), "group")), groupNames(unlinked),
			"to use one, set it as group_id of its unit or team (import file or admin API)")
	}
}

func groupNames(gs []zalo.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = fmt.Sprintf("%q (%s)", g.Name, g.ID)
	}
	return capList(out)
}

// 4. ZNS: the reminder template and today's quota.

func (d *doctorRun) checkZNS(ctx context.Context) {
	tpl := d.cfg.znsTemplate
	if tpl == "" {
		d.c.report(markWarn, "ZNS", "no ZNS template: leaders outside the 7-day window are reached only through a linked group", nil,
			"to reach them by phone, get a template approved in the ZNS console with params "+strings.Join(reminders.ZNSKeys, ", ")+" and set ZALO_ZNS_TEMPLATE_REMINDER")
		return
	}
	d.znsUsable = true // until Zalo says otherwise
	if !d.tokenOK {
		d.c.report(markWarn, "ZNS", "template "+tpl+" not checked: no valid token", nil, "")
		return
	}
	cctx, cancel := context.WithTimeout(ctx, doctorZaloTimeout)
	defer cancel()
	t, err := d.cfg.client.ZNSTemplateInfo(cctx, d.token, tpl)
	if err != nil {
		d.znsUsable = zalo.Classify(err) == zalo.ClassTransient
		advice := d.zaloAdvice(err)
		switch zalo.ErrorCode(err) {
		case -109:
			advice = "this OA has no template " + tpl + ": check ZALO_ZNS_TEMPLATE_REMINDER against the ZNS console"
		case -117:
			advice = "the template belongs to another OA or app: use one of this OA's templates"
		}
		d.c.report(markFail, "ZNS template", tpl+": "+err.Error(), nil, advice)
	} else {
		d.checkTemplate(t)
	}

	q, err := d.cfg.client.ZNSQuota(cctx, d.token)
	switch {
	case err != nil:
		d.c.report(markFail, "ZNS quota", err.Error(), nil, "check the ZNS account in the ZNS console (balance, permissions); "+d.zaloAdvice(err))
	case q.Daily <= 0:
		d.znsUsable = false
		d.c.report(markFail, "ZNS quota", "no daily quota", nil, "top up or enable the ZNS account in the ZNS console")
	case q.Remaining <= 0:
		d.c.report(markWarn, "ZNS quota", fmt.Sprintf("%d a day, used up today", q.Daily), nil, "it renews tomorrow; raise the daily quota in the ZNS console if this recurs")
	default:
		d.c.ok("ZNS quota", fmt.Sprintf("%d a day, %d left today", q.Daily, q.Remaining))
	}
}

func (d *doctorRun) checkTemplate(t zalo.ZNSTemplate) {
	name := fmt.Sprintf("%s %q", t.ID, t.Name)
	switch t.Status {
	case "ENABLE":
		d.c.ok("ZNS template", name+": ENABLE, params "+orDash(strings.Join(t.Params, ", ")))
	default:
		d.znsUsable = false
		advice := "only an ENABLE template can be sent: see it in the ZNS console"
		switch t.Status {
		case "PENDING_REVIEW":
			advice = "wait for Zalo's review; until then leaders outside the 7-day window are reached only through a linked group"
		case "REJECT":
			advice = "Zalo rejected it: read the reason in the ZNS console, fix it and submit again"
		case "DISABLE":
			advice = "Zalo disabled it (e.g. low quality): see the ZNS console, or get another one approved"
		}
		d.c.report(markFail, "ZNS template", name+": status "+orDash(t.Status)+", want ENABLE", nil, advice)
	}
	var unknown, unused []string
	for _, p := range t.Params {
		if !slices.Contains(reminders.ZNSKeys, p) {
			unknown = append(unknown, p)
		}
	}
	for _, k := range reminders.ZNSKeys {
		if !slices.Contains(t.Params, k) {
			unused = append(unused, k)
		}
	}
	if len(unknown) > 0 {
		d.znsUsable = false
		d.c.report(markFail, "ZNS template params", "the template needs "+strings.Join(unknown, ", ")+", which cdtbot does not send: Zalo refuses every reminder", nil,
			"use a template whose params are among "+strings.Join(reminders.ZNSKeys, ", "))
	}
	if len(unused) > 0 {
		d.c.report(markWarn, "ZNS template params", "cdtbot sends "+strings.Join(unused, ", ")+", which the template does not use", nil,
			"fine if intended; reminders then do not show them")
	}
}

// 5. Webhook: probe the public URL as Zalo's console does before saving it.

func (d *doctorRun) checkWebhook(ctx context.Context) {
	if d.cfg.publicURL == "" {
		d.c.report(markWarn, "webhook", "CDTBOT_PUBLIC_URL not set: not checked", nil, "set it to the https address Zalo's webhook setting points at (without /webhook/zalo)")
		return
	}
	u := strings.TrimRight(d.cfg.publicURL, "/") + "/webhook/zalo"
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		d.c.report(markFail, "webhook", fmt.Sprintf("CDTBOT_PUBLIC_URL %q is not a URL", d.cfg.publicURL), nil, "set it like https://cdtbot.example.vn")
		return
	}
	client := &http.Client{
		Timeout:       doctorWebhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, // the console does not follow them
	}
	post, postTook, postErr := probeWebhook(ctx, client, http.MethodPost, u)
	get, _, getErr := probeWebhook(ctx, client, http.MethodGet, u)
	if postErr == nil && getErr == nil && post.StatusCode == http.StatusOK && get.StatusCode == http.StatusOK {
		switch {
		case postTook > doctorConsoleWait:
			d.c.report(markWarn, "webhook", fmt.Sprintf("%s answers 200, but took %s", u, postTook.Round(time.Millisecond)), nil,
				"Zalo wants 200 within 2 seconds: check the server's load and the proxy")
		default:
			d.c.ok("webhook", u+" answers 200 to Zalo's check (unsigned POST {} and GET)")
		}
		if pu.Scheme != "https" && !isLoopback(pu.Hostname()) { // a local URL is a test or a tunnel's far end
			d.c.report(markWarn, "webhook https", u+" is not https", nil, "Zalo calls only https URLs on a verified domain")
		}
		return
	}
	detail := fmt.Sprintf("%s: POST {} → %s, GET → %s", u, probeResult(post, postErr), probeResult(get, getErr))
	d.c.report(markFail, "webhook", detail, nil, webhookAdvice(post, postErr, get, getErr))
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// probeResult is what one probe got: a status or an error.
func probeResult(resp *http.Response, err error) string {
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is on the line already
		}
		return "error: " + err.Error()
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		return fmt.Sprintf("%d (to %s)", resp.StatusCode, loc)
	}
	return fmt.Sprint(resp.StatusCode)
}

func webhookAdvice(post *http.Response, postErr error, get *http.Response, getErr error) string {
	if postErr != nil || getErr != nil {
		return "Zalo must reach this URL from the internet: check DNS, TLS, the firewall and that the server runs"
	}
	for _, r := range []*http.Response{post, get} {
		switch {
		case r.StatusCode == http.StatusOK:
			continue
		case r.StatusCode >= 300 && r.StatusCode < 400:
			return "Zalo does not follow redirects: set CDTBOT_PUBLIC_URL to the final https address"
		case r.StatusCode == http.StatusUnauthorized || r.StatusCode == http.StatusForbidden:
			return "it refused Zalo's unsigned check: make sure the URL reaches this cdtbot server (not an authenticating proxy) and run a cdtbot release that answers console checks"
		case r.StatusCode == http.StatusNotFound || r.StatusCode == http.StatusMethodNotAllowed:
			return "nothing answers /webhook/zalo there: check CDTBOT_PUBLIC_URL and the reverse proxy's routes"
		case r.StatusCode >= 500:
			return "the server or its proxy fails: read the server's log (is cdtbot running behind the proxy?)"
		}
	}
	return "Zalo's console wants 200 to an unsigned POST {} before it saves the URL"
}

func probeWebhook(ctx context.Context, client *http.Client, method, u string) (*http.Response, time.Duration, error) {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := client.Do(req)
	took := time.Since(start)
	if err != nil {
		return nil, took, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp, took, nil
}

// 6. People: who the next reminders can reach.

func (d *doctorRun) checkPeople() {
	s := d.snap
	if s.state != "ok" {
		d.c.report(markWarn, "people", "not checked: the directory is not readable", nil, "")
		return
	}
	if s.teams == 0 {
		d.c.report(markWarn, "people", "the directory has no teams", nil, "load it: cdtbot import FILE")
		return
	}
	outside, byZNS, byGroup := 0, 0, 0
	var unreachable []remindee
	for _, r := range s.remind {
		if r.seenKnown && r.at.Sub(r.seen) < doctorCSWindow {
			continue // cs reaches them
		}
		outside++
		switch {
		case d.znsUsable && r.phoneOK:
			byZNS++
		case r.group != "" && (d.oaGroups == nil || d.oaGroups[r.group]):
			byGroup++
		default:
			unreachable = append(unreachable, r)
		}
	}
	head := fmt.Sprintf("%s to remind next; %d outside the 7-day window then (%d by ZNS, %d by group)",
		count(len(s.remind), "leader or deputy", "leaders and deputies"), outside, byZNS, byGroup)
	if len(unreachable) == 0 {
		d.c.ok("people", head+", all reachable")
	} else {
		sort.SliceStable(unreachable, func(i, j int) bool { return unreachable[i].at.Before(unreachable[j].at) })
		lines := make([]string, len(unreachable))
		for i, r := range unreachable {
			seen := "never wrote to the OA"
			if r.seenKnown {
				seen = "last wrote " + r.seen.In(d.cfg.loc).Format("02/01/2006")
			}
			lines[i] = fmt.Sprintf("%s (%s, %s): reminder %s, %s", r.name, r.role, r.team, r.at.In(d.cfg.loc).Format("02/01/2006"), seen)
		}
		// A warning, not a failure: a directory always has someone to chase,
		// and the exit status should keep meaning "the setup is broken".
		d.c.report(markWarn, "people", fmt.Sprintf("%s; %d unreachable:", head, len(unreachable)), capList(lines),
			"ask them to message the OA, add a phone, or link a group")
	}
	if len(s.noLeader) > 0 {
		d.c.report(markWarn, "teams without a leader", count(len(s.noLeader), "team gets", "teams get")+" no reminder", capList(s.noLeader), "appoint a leader (import file or admin API)")
	}
}
