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
	db, err := store.Open(*dbPath, store.Options{ReadOnly: true, LockTimeout: 300 * time.Millisecond})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("the database is in use by a running server: check a copy (cdtbot backup copy.db && cdtbot check --db copy.db)")
	}
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "%s: sound (%d bytes, every page checked)\n", *dbPath, fi.Size())
	return nil
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
	if *server == "" {
		*server = serverURL(envDefault(getenv, "CDTBOT_ADDR", ":8080"))
	}
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
