package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// backup writes a consistent copy of the database: straight from the file
// when no server holds it, else through the running server's admin API.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file (CDTBOT_DB)")
	server := fs.String("server", "", "URL of the running server (default from CDTBOT_ADDR)")
	token := fs.String("admin-token", getenv("CDTBOT_ADMIN_TOKEN"), "admin token (CDTBOT_ADMIN_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	*token = adminTokenFor(*token, *dbPath)
	if fs.NArg() != 1 {
		return errors.New("usage: cdtbot backup [flags] FILE")
	}
	dest := fs.Arg(0)
	tmp := dest + ".partial"
	if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	n, via, err := copyDB(ctx, *dbPath, *server, *token, getenv, f)
	if err == nil {
		err = f.Sync() // on disk before it replaces an older backup
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// The copy must open as a database before it replaces anything.
	check, err := store.Open(tmp, store.Options{ReadOnly: true, LockTimeout: time.Second})
	if err != nil {
		return fmt.Errorf("backup copy does not open: %w", err)
	}
	check.Close()
	if err := os.Rename(tmp, dest); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cdtbot: backup of %d bytes written to %s (%s)\n", n, dest, via)
	return nil
}

func copyDB(ctx context.Context, dbPath, server, token string, getenv func(string) string, w io.Writer) (int64, string, error) {
	db, err := store.Open(dbPath, store.Options{ReadOnly: true, LockTimeout: 300 * time.Millisecond})
	if err == nil {
		defer db.Close()
		if n := db.InboxLogged(); n > 0 {
			// After a crash: acknowledged events wait in PATH.inbox, not in the file.
			return 0, "", fmt.Errorf("%s.inbox holds %d acknowledged events the file does not have yet (the server stopped without copying them): start the server once, stop it, and back up again", dbPath, n)
		}
		n, err := db.WriteBackup(w)
		return n, "from the file", err
	}
	if !errors.Is(err, store.ErrLocked) {
		return 0, "", err
	}
	if token == "" {
		return 0, "", errors.New("the database is in use by a running server: set CDTBOT_ADMIN_TOKEN to back up through its admin API")
	}
	server = serverOr(getenv, server)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(server, "/")+"/api/v1/backup", nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("backup through %s: %w", server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, "", fmt.Errorf("backup through %s: HTTP %d: %s", server, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	n, err := io.Copy(w, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("backup through %s: got %d of %d bytes: the copy is incomplete", server, n, resp.ContentLength)
	}
	return n, "through the server at " + server, err
}

// serverURL turns a listen address into a URL on this machine.
func serverURL(addr string) string {
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	return "http://" + addr
}
