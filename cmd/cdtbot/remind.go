package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/admin"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// newSweeper wires the reminder sweep to the outbox (bulk priority), timing a heavy morning by the
// sender's default rate when window is set (CDTBOT_MORNING_WINDOW).
func newSweeper(db *store.DB, loc *time.Location, window time.Duration) *reminders.Sweeper {
	s := &reminders.Sweeper{DB: db, Loc: loc, Enqueue: bot.EnqueueReminder}
	if window > 0 {
		s.BulkPerMinute, s.Window = bot.BulkPerMinute(0, 0), window
	}
	return s
}

// sweepRunner runs the sweep for the admin API and the web chat (admin.Reminder).
type sweepRunner struct{ s *reminders.Sweeper }

// Remind runs a sweep as of at and describes each message on one line.
func (r sweepRunner) Remind(at time.Time, dryRun bool) ([]string, error) {
	return sweepLines(r.s, at, dryRun)
}

// sweepLines runs a sweep and describes each message on one line.
func sweepLines(s *reminders.Sweeper, at time.Time, dryRun bool) ([]string, error) {
	msgs, err := s.Sweep(at, dryRun)
	lines := make([]string, 0, len(msgs))
	for _, m := range msgs {
		lines = append(lines, m.Line())
	}
	return lines, err
}

// remind runs the sweep as of an instant: on the file when no server holds it,
// else through the running server's admin API.
func remind(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot remind", flag.ContinueOnError)
	fs.SetOutput(stderr)
	atText := fs.String("at", "", "the instant to sweep as of, RFC 3339 (default now), e.g. 2026-11-27T08:00:00+07:00")
	dry := fs.Bool("dry-run", false, "print what would be sent; send and record nothing")
	force := fs.Bool("force", false, "allow a real run as of an instant more than 10 minutes from now")
	dbPath := fs.String("db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file (CDTBOT_DB)")
	tz := fs.String("tz", envDefault(getenv, "CDTBOT_TZ", "Asia/Ho_Chi_Minh"), "time zone (CDTBOT_TZ)")
	server := fs.String("server", "", "URL of the running server (default from CDTBOT_ADDR)")
	token := fs.String("admin-token", getenv("CDTBOT_ADMIN_TOKEN"), "admin token (CDTBOT_ADMIN_TOKEN)")
	windowText := morningWindowFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	window, err := parseMorningWindow(*windowText)
	if err != nil {
		return err
	}
	*token = adminTokenFor(*token, *dbPath)
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("CDTBOT_TZ %q: %w", *tz, err)
	}
	at := time.Now()
	if *atText != "" {
		if at, err = time.Parse(time.RFC3339, *atText); err != nil {
			return fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-27T08:00:00+07:00", *atText)
		}
	}
	if err := admin.CheckRemindInstant(at, time.Now(), *dry, *force); err != nil {
		return err
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("database %s: %w", *dbPath, err) // a mistyped path must not create an empty database
	}
	var lines []string
	db, err := store.Open(*dbPath, store.Options{LockTimeout: 300 * time.Millisecond})
	switch {
	case err == nil:
		lines, err = sweepLines(newSweeper(db, loc, window), at, *dry)
		db.Close()
	case errors.Is(err, store.ErrLocked):
		lines, err = remindThroughServer(ctx, *server, *token, getenv, at, *dry)
	}
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	verb := "sent"
	if *dry {
		verb = "would be sent"
	}
	fmt.Fprintf(stdout, "%d messages %s as of %s\n", len(lines), verb, at.In(loc).Format(time.RFC3339))
	return nil
}

func remindThroughServer(ctx context.Context, server, token string, getenv func(string) string, at time.Time, dry bool) ([]string, error) {
	if token == "" {
		return nil, errors.New("the database is in use by a running server: set CDTBOT_ADMIN_TOKEN to run reminders through its admin API")
	}
	server = serverOr(getenv, server)
	q := url.Values{"at": {at.Format(time.RFC3339)}}
	if dry {
		q.Set("dry_run", "1")
	}
	q.Set("force", "1") // checked here already; the server checks it again against its own clock when asked without it
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(server, "/")+"/api/v1/remind?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("remind through %s: %w", server, err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []string `json:"messages"`
		Error    string   `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&out); err != nil {
		return nil, fmt.Errorf("remind through %s: HTTP %d: %w", server, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("remind through %s: HTTP %d: %s", server, resp.StatusCode, out.Error)
	}
	return out.Messages, nil
}
