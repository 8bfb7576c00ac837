package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// importFiles loads directory files into the database, each file in its own
// transaction, in the order given; it stops at the first file with problems
// (that file imports nothing, the files before it stay imported).
func importFiles(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", envDefault(getenv, "CDTBOT_DB", "data/cdtbot.db"), "database file (CDTBOT_DB)")
	server := fs.String("server", "", "URL of the running server, used when it holds the file (default from CDTBOT_ADDR)")
	token := fs.String("admin-token", getenv("CDTBOT_ADMIN_TOKEN"), "admin token (CDTBOT_ADMIN_TOKEN; a sandbox's is found next to its database)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: cdtbot import [--db PATH] FILE...\n\nFILE is a directory file (.json), the national unit list (.json) or a people list (.csv).")
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: cdtbot import [--db PATH] FILE...")
	}
	db, err := store.Open(*dbPath, store.Options{LockTimeout: 2 * time.Second})
	if errors.Is(err, store.ErrLocked) {
		// The server holds the file: each file goes through its admin API (POST /api/v1/import).
		api := adminAPI{ctx: ctx, base: serverOr(getenv, *server), token: adminTokenFor(*token, *dbPath)}
		if api.token == "" {
			return fmt.Errorf("%w: set CDTBOT_ADMIN_TOKEN to import through the server's admin API, or stop the server to import", err)
		}
		for _, file := range fs.Args() {
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			var out struct {
				Summary string `json:"summary"`
			}
			if err := api.post("/api/v1/import?name="+url.QueryEscape(filepath.Base(file)), data, &out); err != nil {
				return fmt.Errorf("%s: not imported: %w", file, err)
			}
			fmt.Fprintf(stdout, "%s: %s (through the running server)\n", file, out.Summary)
		}
		return nil
	}
	if err != nil {
		return err
	}
	defer db.Close()
	changed := 0
	defer func() {
		if changed >= compactAfterImport {
			compactAfterBigImport(db, stdout)
		}
	}()
	for _, file := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := importer.ImportFile(db, file, func(tx *store.Tx, res importer.Result) error {
			if res.Changed() == 0 {
				return nil
			}
			return tx.Audit(store.AuditEntry{Actor: "cli", Action: "directory.imported", Subject: file, Detail: res.String()})
		})
		if err != nil {
			var es importer.Errors
			if errors.As(err, &es) {
				fmt.Fprintln(stderr, err)
				return fmt.Errorf("%s: not imported, %d problem(s); nothing from it was written", file, len(es))
			}
			return fmt.Errorf("%s: not imported: %w", file, err)
		}
		fmt.Fprintf(stdout, "%s: %s\n", file, res)
		changed += res.Changed()
	}
	return nil
}

// compactAfterImport is how many records an offline import must write before the file is compacted:
// a big import (a province's or the national directory) fills pages in no particular order, about half
// full; a compaction rewrites them nearly full (the national directory: a third smaller).
const compactAfterImport = 2000

func compactAfterBigImport(db *store.DB, stdout io.Writer) {
	size := func() int64 {
		fi, err := os.Stat(db.Path())
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	before := size()
	if err := db.Compact(); err != nil {
		fmt.Fprintf(stdout, "compaction after the import failed (the import stands): %v\n", err)
		return
	}
	fmt.Fprintf(stdout, "compacted after the import: %.1f MB → %.1f MB\n", float64(before)/(1<<20), float64(size())/(1<<20))
}
