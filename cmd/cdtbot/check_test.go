package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdtbot/cdtbot/store"
)

// "cdtbot check" says which layout a file has; a file of release 2026-11 is schema 1 until a
// writable open migrates it.
func TestCheckTellsTheSchemaAndOpeningMigrates(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/store/release-2026-11.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	check := func() string {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"check", "--db", path}, func(string) string { return "" }, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if got := check(); !strings.Contains(got, "schema 1; this release writes 3") {
		t.Errorf("check of a release 2026-11 file:\n%s", got)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := check(); !strings.Contains(got, "schema 3 (current)") {
		t.Errorf("check after a writable open:\n%s", got)
	}
}
