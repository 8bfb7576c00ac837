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
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// forgotten is what an erasure did, whichever way it ran.
type forgotten struct {
	unknown   bool // nothing was stored: nothing to erase
	token     string
	counts    map[string]int
	notices   int
	remaining []string
}

// forget erases a person's personal data on a written request (Law 91/2025/QH15):
// on the file when no server holds it, else through the running server's admin API.
func forget(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot forget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file (CDTBOT_DB)")
	server := fs.String("server", "", "URL of the running server (default from CDTBOT_ADDR)")
	token := fs.String("admin-token", getenv("CDTBOT_ADMIN_TOKEN"), "admin token (CDTBOT_ADMIN_TOKEN)")
	withdraw := fs.Bool("withdraw", false, "the person withdrew consent (recorded in the audit log)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cdtbot forget ZALO_USER_ID [--db PATH] [--withdraw]")
		fs.PrintDefaults()
	}
	// Flags may come before or after the id.
	if err := fs.Parse(args); err != nil {
		return err
	}
	*token = adminTokenFor(*token, *dbPath)
	var id string
	if fs.NArg() > 0 {
		id = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if id == "" || fs.NArg() > 0 || strings.TrimSpace(id) != id || strings.ContainsRune(id, 0) {
		return errors.New("usage: cdtbot forget ZALO_USER_ID [--db PATH] [--withdraw]")
	}
	reason := "erase"
	if *withdraw {
		reason = "withdraw"
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("cdtbot forget: no database at %s: %w", *dbPath, err)
	}
	var res forgotten
	via := "on the file " + *dbPath
	db, err := store.Open(*dbPath, store.Options{LockTimeout: 300 * time.Millisecond})
	switch {
	case err == nil:
		res, err = forgetOnFile(db, id, reason)
		if err == nil {
			// No server runs: compact now, so no freed page of the file keeps what was erased.
			_, err = db.CompactIfPending()
		}
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	case errors.Is(err, store.ErrLocked):
		*server = serverOr(getenv, *server)
		via = "through the server at " + *server
		res, err = forgetThroughServer(ctx, *server, *token, id, reason)
	}
	if err != nil {
		return err
	}
	if res.unknown {
		fmt.Fprintf(stdout, "nothing is stored about %s: nothing to erase\n", id)
		return nil
	}
	fmt.Fprintf(stdout, "erased the personal data of %s %s; the records that stay now say %s\n", id, via, res.token)
	for _, k := range store.EraseKinds {
		fmt.Fprintf(stdout, "  %-20s %d\n", k, res.counts[k])
	}
	fmt.Fprintf(stdout, "%d notice(s) queued for leaders and approvers who were waiting on them\n", res.notices)
	if len(res.remaining) > 0 {
		fmt.Fprintf(stdout, "note: the id still appears in %s (messages they sent after this, still to be handled)\n", strings.Join(res.remaining, ", "))
	}
	return nil
}

// forgetOnFile erases in one transaction and queues the notices in the outbox (sent when the server starts).
func forgetOnFile(db *store.DB, id, reason string) (forgotten, error) {
	var res forgotten
	var hold store.HandOver
	err := db.Update(func(tx *store.Tx) error {
		er, replies, h, err := flows.ForgetOnRequest(tx, id, store.EraseOptions{By: "cli", Reason: reason})
		if hold = h; err != nil {
			return err
		}
		for _, rep := range replies {
			if err := bot.EnqueueReply(tx, rep, "forget"); err != nil {
				return err
			}
		}
		res = forgotten{token: er.Token, counts: er.Counts, notices: len(replies), remaining: er.Remaining}
		return nil
	})
	switch {
	case errors.Is(err, flows.ErrNothingStored):
		return forgotten{unknown: true}, nil
	case errors.Is(err, store.ErrHandOverFirst):
		return res, refusal(id, hold.String())
	}
	return res, err
}

func refusal(id, holds string) error {
	return fmt.Errorf("refused: %s is %s. Nothing was erased. Hand the role over first "+
		"(a leader by a leave request in chat or an import naming the new leader; approvers and officers by an import), then run forget again", id, holds)
}

func forgetThroughServer(ctx context.Context, server, token, id, reason string) (forgotten, error) {
	if token == "" {
		return forgotten{}, errors.New("the database is in use by a running server: set CDTBOT_ADMIN_TOKEN to erase through its admin API")
	}
	u := strings.TrimRight(server, "/") + "/api/v1/people/" + url.PathEscape(id) + "/forget?reason=" + url.QueryEscape(reason)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return forgotten{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return forgotten{}, fmt.Errorf("forget through %s: %w", server, err)
	}
	defer resp.Body.Close()
	var out struct {
		Token     string         `json:"token"`
		Erased    map[string]int `json:"erased"`
		Notices   int            `json:"notices"`
		Remaining []string       `json:"remaining"`
		Error     string         `json:"error"`
		Code      string         `json:"code"`
		HandOver  store.HandOver `json:"hand_over"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return forgotten{}, fmt.Errorf("forget through %s: HTTP %d: %w", server, resp.StatusCode, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound && out.Code == "unknown_person":
		return forgotten{unknown: true}, nil
	case resp.StatusCode == http.StatusConflict && out.Code == "hand_over_first":
		return forgotten{}, refusal(id, out.HandOver.String())
	case resp.StatusCode != http.StatusOK:
		return forgotten{}, fmt.Errorf("forget through %s: HTTP %d: %s", server, resp.StatusCode, out.Error)
	}
	return forgotten{token: out.Token, counts: out.Erased, notices: out.Notices, remaining: out.Remaining}, nil
}
