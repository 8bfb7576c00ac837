package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/bot/form"
	"github.com/cdtbot/cdtbot/bot/officer"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

const usage = `cdtbot: Zalo OA backend for community digital technology teams

Usage:
  cdtbot [serve] [flags]   run the server (sandbox mode without Zalo credentials)
  cdtbot backup FILE       write a consistent copy of the database to FILE
  cdtbot remind [--at T] [--dry-run]
                           run the reminder sweep as of instant T (default now)
  cdtbot forget ZALO_USER_ID
                           erase a person's personal data (a written request)
  cdtbot chat --as USER_ID talk to a running sandbox server from the terminal
  cdtbot import FILE...    load units, teams and people from JSON or CSV files (README: Directory import)
  cdtbot token set --access A --refresh R [--expires-in S]
                           install a new Zalo token pair (through the running server when it holds the file)
  cdtbot token status      show where the token came from, when it expires and whether Zalo accepts it
  cdtbot token authorize   print a one-use link an OA admin opens to authorise the app (running server)
  cdtbot doctor            check the Zalo OA, token, groups, ZNS, webhook and who reminders reach
  cdtbot check             run the consistency check on the database file, then show where its bytes go
  cdtbot stats-db          show where the database file's bytes go, per bucket (asks the server when it runs)
  cdtbot health [--ready]  ask the running server whether it is alive (or ready): the Docker HEALTHCHECK
  cdtbot help              this text

Run "cdtbot serve -h" for the flags; every flag has an environment variable.
`

// run is the whole program, callable from tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backup(ctx, args, getenv, stdout, stderr)
	case "remind":
		return remind(ctx, args, getenv, stdout, stderr)
	case "forget":
		return forget(ctx, args, getenv, stdout, stderr)
	case "chat":
		return chat(ctx, args, getenv, stdout, stderr)
	case "import":
		return importFiles(ctx, args, getenv, stdout, stderr)
	case "doctor":
		return doctor(ctx, args, getenv, stdout, stderr)
	case "token":
		return tokenCmd(ctx, args, getenv, stdout, stderr)
	case "check":
		return check(ctx, args, getenv, stdout, stderr)
	case "stats-db":
		return statsDB(ctx, args, getenv, stdout, stderr)
	case "health":
		return health(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// newLocalToken makes a random admin token and writes it next to the database (readable by its owner only).
func newLocalToken(dbPath string) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	if err := os.WriteFile(localTokenFile(dbPath), []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("sandbox admin token: %w", err)
	}
	return tok, nil
}

// formLinkBase is where report-form links point: the public URL, except in production without
// CDTBOT_PUBLIC_URL — a leader on Zalo cannot open this machine's own address, so no link rather
// than a dead one. (A sandbox's links point at the machine it runs on, for its web chat.)
func formLinkBase(cfg *config) string {
	if !cfg.zalo.Sandbox && !cfg.publicSet {
		return ""
	}
	return cfg.zalo.PublicURL
}

// clickable is the address a person can open: "http://localhost:8080" for a server on every interface.
func clickable(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// newLogger writes JSON, or a human console format when stderr is a terminal.
func newLogger(w io.Writer, level string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil {
		return zerolog.Logger{}, fmt.Errorf("log level %q: %w", level, err)
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("serve", args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log, err := newLogger(stderr, cfg.logLevel)
	if err != nil {
		return err
	}
	// The port first: a start that cannot listen (port in use) writes nothing (no database, no demo).
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.addr, err)
	}
	if !cfg.publicSet {
		cfg.zalo.PublicURL = clickable(ln.Addr()) // the port really listened on (":0" picks one)
	}
	listening := false
	defer func() {
		if !listening {
			ln.Close()
		}
	}()
	db, err := store.Open(cfg.dbPath, store.Options{LockTimeout: 2 * time.Second, DedupeByKeyOnly: cfg.dedupeByKeyOnly})
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range db.Migrated() {
		log.Info().Str("migration", m).Msg("database migrated")
	}
	if err := failClosed(db, cfg); err != nil {
		return err
	}

	// The sweep digests for officers who ask and runs when the admin API or the web chat says;
	// the signed officer links and report form links go out by chat (their pages check them with the same secret).
	sweeper := newSweeper(db, cfg.zalo.Location, cfg.morningWindow)
	formBase := formLinkBase(cfg)
	if formBase == "" {
		log.Warn().Msg("CDTBOT_PUBLIC_URL is not set: leaders are not offered the report as a web form")
	}
	engine := flows.New(cfg.zalo.Location, flows.Deps{Digest: sweeper, Links: officer.NewLinks(cfg.zalo.PublicURL), Forms: form.NewLinks(formBase)})
	engine.KeepEvents, engine.KeepSent = cfg.zalo.KeepEvents, cfg.zalo.KeepSent
	engine.Log = log.With().Str("component", "flows").Logger()
	cfg.zalo.Remind = sweepRunner{sweeper}
	if cfg.zalo.Sandbox && !cfg.noDemo {
		if err := seedDemo(db, cfg.zalo.Location, log); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	if cfg.zalo.Sandbox && cfg.zalo.AdminToken == "" {
		// A sandbox opens its admin API with a token kept next to the database (mode 0600), which the
		// CLI on this machine finds: "cdtbot remind", "backup", "token" work against it as they are.
		tok, err := newLocalToken(cfg.dbPath)
		if err != nil {
			return err
		}
		cfg.zalo.AdminToken = tok
		defer os.Remove(localTokenFile(cfg.dbPath))
	}
	b, err := bot.New(cfg.zalo, db, engine, log)
	if err != nil {
		return err
	}
	remindLog := log.With().Str("component", "reminders").Logger()
	runSweep := func(context.Context) {
		lines, err := sweepLines(sweeper, db.Now(), false)
		if err != nil {
			remindLog.Error().Err(err).Msg("reminder sweep failed")
			return
		}
		remindLog.Info().Int("messages", len(lines)).Msg("reminder sweep done")
	}
	sched := reminders.NewScheduler(cfg.zalo.Location, log.With().Str("component", "scheduler").Logger())
	// One daily run at 08:00 local handles every cutoff day, month ends included (the calendar clamps
	// the 30th to February's last day, so no "day 30" cron spec can skip a month).
	if err := sched.Add("0 8 * * *", "reminders", runSweep); err != nil {
		return err
	}
	// At 07:00 (the end of quiet hours), a morning too big for CDTBOT_MORNING_WINDOW after 08:00 has
	// its overflow queued to go from then, timed to end at 08:00; a light one queues nothing. Not
	// earlier: the sender walks past queued reminders that are not due yet.
	if err := sched.Add("0 7 * * *", "reminders ahead", runSweep); err != nil {
		return err
	}
	if err := sched.Add("7 * * * *", "housekeeping", b.Housekeeping); err != nil {
		return err
	}

	srv := &http.Server{
		Handler:           b.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      10 * time.Minute, // backups stream through the admin API
		IdleTimeout:       2 * time.Minute,
	}
	if cfg.zalo.Sandbox {
		fmt.Fprintf(stdout, "cdtbot: SANDBOX MODE (no Zalo credentials): webhooks need no signature; messages are recorded in %s and logged, not sent.\n", cfg.dbPath)
		if !cfg.addrSet {
			fmt.Fprintln(stdout, "cdtbot: the sandbox listens on 127.0.0.1 only (set CDTBOT_ADDR=:8080 to open it to other machines).")
		}
		log.Warn().Msg("sandbox mode: messages are recorded, not sent")
	}
	listening = true
	fmt.Fprintf(stdout, "cdtbot: listening on %s (database %s)\n", clickable(ln.Addr()), cfg.dbPath)
	log.Info().Str("addr", ln.Addr().String()).Str("db", cfg.dbPath).Bool("sandbox", cfg.zalo.Sandbox).Str("tz", cfg.tz).Msg("cdtbot started")

	botCtx, stopBot := context.WithCancel(context.Background())
	botDone := make(chan error, 1)
	go func() { botDone <- b.Run(botCtx) }()
	sched.Start()
	go func() { // catch up on a run missed while the server was down (none when today's is done: no re-plan per restart)
		sent, ran, err := sweeper.CatchUp(db.Now())
		switch {
		case err != nil:
			remindLog.Error().Err(err).Msg("catch-up sweep failed")
		case ran:
			remindLog.Info().Int("messages", len(sent)).Msg("catch-up sweep done")
		default:
			remindLog.Info().Msg("catch-up sweep not needed: the last scheduled run completed")
		}
	}()
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()

	select {
	case <-ctx.Done():
	case err = <-srvErr:
		log.Error().Err(err).Msg("http server stopped")
	}
	// Shut down in reverse: stop taking webhooks (in-flight ones finish storing), then the workers.
	log.Info().Msg("shutting down")
	b.SetReady(false)
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutCtx); serr != nil {
		log.Error().Err(serr).Msg("http shutdown")
	}
	sched.Stop(shutCtx)
	stopBot()
	if berr := <-botDone; berr != nil {
		log.Error().Err(berr).Msg("workers stopped with error")
	}
	log.Info().Msg("stopped")
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
