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
	if got := check(); !strings.Contains(got, "schema 1; this release writes 5") {
		t.Errorf("check of a release 2026-11 file:\n%s", got)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if got := check(); !strings.Contains(got, "schema 5 (current)") {
		t.Errorf("check after a writable open:\n%s", got)
	}
}

// Report-form links point at the public URL; in production without one, no link is offered.
func TestFormLinksNeedAPublicURLInProduction(t *testing.T) {
	prod := map[string]string{"ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "s", "ZALO_APP_SECRET_KEY": "a"}
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "http://127.0.0.1:8080"}, // sandbox: its own address, for the web chat
		{prod, ""},
		{map[string]string{"ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "s", "ZALO_APP_SECRET_KEY": "a", "CDTBOT_PUBLIC_URL": "https://bot.example.vn"}, "https://bot.example.vn"},
	} {
		cfg, _, err := parseConfig("serve", nil, envOf(c.env), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := formLinkBase(cfg); got != c.want {
			t.Errorf("%v: form links under %q, want %q", c.env, got, c.want)
		}
	}
}
