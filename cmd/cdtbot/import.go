package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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
		return fmt.Errorf("%w: stop the server to import (importing through the admin API is not available yet)", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
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
	}
	return nil
}
