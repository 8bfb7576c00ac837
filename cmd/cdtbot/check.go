package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// check runs bbolt's consistency check on the database file (opening it does: headers, then every page).
func check(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file (CDTBOT_DB)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	fi, err := os.Stat(*dbPath)
	if err != nil {
		return fmt.Errorf("database %s: %w", *dbPath, err)
	}
	db, err := store.Open(*dbPath, store.Options{ReadOnly: true, LockTimeout: 300 * time.Millisecond, Check: true})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("the database is in use by a running server: check a copy (cdtbot backup copy.db && cdtbot check --db copy.db)")
	}
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "%s: sound (%d bytes, every page checked)\n", *dbPath, fi.Size())
	if n := db.InboxLogged(); n > 0 {
		fmt.Fprintf(stdout, "inbox log: %d acknowledged events in %s.inbox, not yet in the file (the next start copies them; keep the two together)\n", n, *dbPath)
	}
	var schema int
	_ = db.View(func(tx *store.Tx) error { schema = tx.Schema(); return nil })
	switch {
	case schema < store.SchemaVersion:
		fmt.Fprintf(stdout, "layout: schema %d; this release writes %d and migrates the file when it opens it for writing\n", schema, store.SchemaVersion)
	case schema > store.SchemaVersion:
		fmt.Fprintf(stdout, "layout: schema %d, written by a newer release (this one knows %d and will not open it for writing)\n", schema, store.SchemaVersion)
	default:
		fmt.Fprintf(stdout, "layout: schema %d (current)\n", schema)
	}
	sp, err := db.Space()
	if err != nil {
		return err
	}
	writeSpace(stdout, sp)
	return nil
}

// statsDB prints where the database file's bytes go, per bucket: from the file, or from the running server that holds it.
func statsDB(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot stats-db", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file (CDTBOT_DB)")
	server := fs.String("server", "", "URL of the running server, asked when it holds the file (default from CDTBOT_ADDR)")
	token := fs.String("admin-token", getenv("CDTBOT_ADMIN_TOKEN"), "admin token (CDTBOT_ADMIN_TOKEN; a sandbox's is found next to its database)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("database %s: %w", *dbPath, err)
	}
	var sp store.Space
	db, err := store.Open(*dbPath, store.Options{ReadOnly: true, LockTimeout: 300 * time.Millisecond})
	switch {
	case errors.Is(err, store.ErrLocked):
		api := adminAPI{ctx: ctx, base: serverOr(getenv, *server), token: adminTokenFor(*token, *dbPath)}
		if err := api.call(http.MethodGet, "/api/v1/storage", nil, &sp); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		defer db.Close()
		if sp, err = db.Space(); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s:\n", *dbPath)
	writeSpace(stdout, sp)
	return nil
}

// writeSpace prints the storage report as a table, largest bucket first.
func writeSpace(w io.Writer, s store.Space) {
	const unused = "unused (free pages, meta)"
	width := len(unused)
	for _, b := range s.Buckets {
		width = max(width, len(b.Name))
	}
	fmt.Fprintf(w, "%-*s %10s %10s %10s %5s\n", width, "bucket", "keys", "pages", "data", "fill")
	for _, b := range s.Buckets {
		fmt.Fprintf(w, "%-*s %10d %10s %10s %4.0f%%\n", width, b.Name, b.Keys, size(b.AllocBytes), size(b.UsedBytes), 100*b.Fill())
	}
	fmt.Fprintf(w, "%-*s %10s %10s\n", width, unused, "", size(s.UnusedBytes))
	fmt.Fprintf(w, "%-*s %10s %10s\n", width, "file", "", size(s.FileBytes))
}

// size is a byte count people read at a glance: 512 B, 4.0 KB, 1.3 MB, 2.4 GB.
func size(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
}

// health asks the running server whether it is alive (or ready, with --ready): the Docker HEALTHCHECK.
func health(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "URL of the server (default from CDTBOT_ADDR)")
	ready := fs.Bool("ready", false, "ask /readyz (ready to work, Zalo token usable) instead of /healthz (alive)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	*server = serverOr(getenv, *server)
	path := "/healthz"
	if *ready {
		path = "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*server, "/")+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d %s", path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(body)))
	return nil
}
