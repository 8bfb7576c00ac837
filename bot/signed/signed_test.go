package signed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdtbot/cdtbot/store"
)

func TestTokensOpenOnlyTheirKindUntampered(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := Kind{Version: "a1", Label: "link a"}
	b := Kind{Version: "a1", Label: "link b"} // same version, other key: must not open a's tokens
	_ = db.View(func(tx *store.Tx) error {
		if _, err := a.Verify(tx, "a1.eA.c2ln", 1); !errors.Is(err, ErrInvalid) {
			t.Errorf("before any secret: %v", err)
		}
		return nil
	})
	var tok, long string
	if err := db.Update(func(tx *store.Tx) (err error) {
		if tok, err = a.Sign(tx, Field("người 1"), "42"); err != nil {
			return err
		}
		long, err = a.Sign(tx, strings.Repeat("x", 600), "42") // well signed, but longer than any link we make
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *store.Tx) error {
		f, err := a.Verify(tx, tok, 2)
		if err != nil || len(f) != 2 || f[1] != "42" {
			t.Fatalf("own token: %v %v", f, err)
		}
		if who, _ := Unfield(f[0]); who != "người 1" {
			t.Errorf("field %q", who)
		}
		tampered := strings.Replace(tok, ".42.", ".43.", 1)
		for name, c := range map[string]struct {
			k   Kind
			tok string
			n   int
		}{"other kind": {b, tok, 2}, "tampered": {a, tampered, 2}, "wrong count": {a, tok, 1}, "empty": {a, "", 2}, "long": {a, long, 2}} {
			if _, err := c.k.Verify(tx, c.tok, c.n); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		return nil
	})
}

// The officer links already sent keep opening: the token is "<version>.<fields>.<MAC>" with the MAC
// HMAC-SHA256 under HMAC-SHA256(the "officer-link" secret, label), computed here independently (a
// change of format, MAC, secret name or label would break every link out there).
func TestTokenFormatIsPinned(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	k := Kind{Version: "o2", Label: "cdtbot officer page link v1"}
	var tok string
	var secret []byte
	if err := db.Update(func(tx *store.Tx) (err error) {
		if tok, err = k.Sign(tx, Field("so-42"), "1800000000", "3"); err != nil {
			return err
		}
		secret, err = tx.ExistingSecret("officer-link", 32)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	key := hmac.New(sha256.New, secret)
	key.Write([]byte("cdtbot officer page link v1"))
	m := hmac.New(sha256.New, key.Sum(nil))
	m.Write([]byte("o2.c28tNDI.1800000000.3"))
	if want := "o2.c28tNDI.1800000000.3." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)); tok != want {
		t.Errorf("token %q\nwant  %q", tok, want)
	}
}
