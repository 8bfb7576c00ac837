package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/bot"
	"github.com/cdtbot/cdtbot/store"
)

// failClosed refuses to start a database that held Zalo credentials as a
// sandbox (one mistyped variable must not open a production file to unsigned
// webhooks and /dev), unless CDTBOT_SANDBOX=1 asks for it.
func failClosed(db *store.DB, cfg *config) error {
	if !cfg.zalo.Sandbox || cfg.sandboxForced {
		return nil
	}
	var held bool
	if err := db.View(func(tx *store.Tx) error {
		_, held, _ = tx.Token()
		held = held || tx.Flag(bot.FlagZaloApp) != ""
		return nil
	}); err != nil {
		return err
	}
	if held {
		return fmt.Errorf("database %s was used with a Zalo account but ZALO_APP_ID, ZALO_OA_SECRET_KEY and ZALO_APP_SECRET_KEY are not set: "+
			"set them (a typo in a variable name?), or CDTBOT_SANDBOX=1 to open it as a sandbox on purpose", cfg.dbPath)
	}
	return nil
}

// tokenCmd installs or shows the Zalo token pair: on the file when no server
// holds it, else through the running server's admin API (so the server uses it at once).
func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("cdtbot token: want set, status or authorize")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("cdtbot token "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file (CDTBOT_DB)")
	server := fs.String("server", "", "URL of the running server (default from CDTBOT_ADDR)")
	adminToken := fs.String("admin-token", getenv("CDTBOT_ADMIN_TOKEN"), "admin token (CDTBOT_ADMIN_TOKEN)")
	access := fs.String("access", "", "the new access token (set)")
	refresh := fs.String("refresh", "", "the new refresh token (set)")
	expiresIn := fs.Int64("expires-in", 0, "access token lifetime in seconds, as Zalo gave it (set; 0: unknown)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	*adminToken = adminTokenFor(*adminToken, *dbPath)
	*server = serverOr(getenv, *server)
	api := adminAPI{ctx: ctx, base: *server, token: *adminToken}
	switch sub {
	case "set":
		if *access == "" || *refresh == "" || *expiresIn < 0 {
			return errors.New("cdtbot token set: want --access and --refresh (and --expires-in seconds when known)")
		}
		body := map[string]any{"access_token": *access, "refresh_token": *refresh, "expires_in": *expiresIn}
		return onFileOrServer(*dbPath, func(db *store.DB) error {
			p := store.TokenPair{AccessToken: *access, RefreshToken: *refresh, Source: "admin"}
			if *expiresIn > 0 {
				p.ExpiresAt = time.Now().Add(time.Duration(*expiresIn) * time.Second)
			}
			err := db.Update(func(tx *store.Tx) error {
				p.EnvHash = bot.NoEnvPair
				if old, ok, _ := tx.Token(); ok && old.EnvHash != "" {
					p.EnvHash = old.EnvHash // the environment's (unchanged) pair must not win over this one at the next start
				}
				return tx.SaveToken(p)
			})
			if err == nil {
				fmt.Fprintf(stdout, "token pair saved in %s; the server uses it when it starts\n", *dbPath)
			}
			return err
		}, func() error {
			var out map[string]any
			if err := api.call(http.MethodPut, "/api/v1/zalo/token", body, &out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "token pair installed in the running server (usable: %v)\n", out["usable"])
			return nil
		})
	case "status":
		return onFileOrServer(*dbPath, func(db *store.DB) error {
			return db.View(func(tx *store.Tx) error {
				p, ok, err := tx.Token()
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(stdout, "no token pair stored (sandbox, or not authorised yet)")
					return nil
				}
				fmt.Fprintf(stdout, "source %s, saved %s, expires %s (no server running: whether Zalo accepts it is unknown; run cdtbot doctor)\n",
					p.Source, p.UpdatedAt.Format(time.RFC3339), expiry(p.ExpiresAt))
				return nil
			})
		}, func() error {
			var out map[string]any
			if err := api.call(http.MethodGet, "/api/v1/zalo/token", nil, &out); err != nil {
				return err
			}
			js, _ := json.MarshalIndent(out, "", "  ")
			fmt.Fprintln(stdout, string(js))
			return nil
		})
	case "authorize":
		var out struct {
			URL string `json:"url"`
		}
		if err := api.call(http.MethodPost, "/api/v1/zalo/authorize", nil, &out); err != nil {
			return fmt.Errorf("cdtbot token authorize needs the running server: %w", err)
		}
		fmt.Fprintf(stdout, "Open this link (valid 15 minutes, once) as an admin of the Official Account:\n%s\n", out.URL)
		return nil
	}
	return fmt.Errorf("cdtbot token %s: want set, status or authorize", sub)
}

func expiry(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Format(time.RFC3339)
}

// onFileOrServer runs onFile when the database is free, else onServer (a server holds it).
func onFileOrServer(path string, onFile func(*store.DB) error, onServer func() error) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	db, err := store.Open(path, store.Options{LockTimeout: 300 * time.Millisecond})
	switch {
	case err == nil:
		defer db.Close()
		return onFile(db)
	case errors.Is(err, store.ErrLocked):
		return onServer()
	}
	return err
}

// adminAPI calls the running server's admin API.
type adminAPI struct {
	ctx         context.Context
	base, token string
}

// post sends a raw body (a directory file) and decodes the answer.
func (a adminAPI) post(path string, body []byte, out any) error {
	return a.do(http.MethodPost, path, bytes.NewReader(body), out)
}

func (a adminAPI) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		js, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(js)
	}
	return a.do(method, path, body, out)
}

func (a adminAPI) do(method, path string, body io.Reader, out any) error {
	if a.token == "" {
		return errors.New("the database is in use by a running server: set CDTBOT_ADMIN_TOKEN to reach its admin API")
	}
	req, err := http.NewRequestWithContext(a.ctx, method, a.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, a.base+path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, e.Error)
	}
	return json.Unmarshal(raw, out)
}

// localTokenFile is where a sandbox server leaves its admin token, next to its database, so the CLI
// on the same machine reaches its admin API with no set-up.
func localTokenFile(dbPath string) string { return dbPath + ".admin-token" }

// serverOr is the running server's URL: the one given, else the local one CDTBOT_ADDR names.
func serverOr(getenv func(string) string, given string) string {
	if given = strings.TrimRight(strings.TrimSpace(given), "/"); given != "" {
		return given
	}
	return serverURL(envDefault(getenv, "CDTBOT_ADDR", ":8080"))
}

// adminTokenFor is the admin token to use: the one given, else a sandbox server's local one.
func adminTokenFor(given, dbPath string) string {
	if given != "" {
		return given
	}
	b, err := os.ReadFile(localTokenFile(dbPath))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
