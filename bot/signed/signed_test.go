package signed

import (
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
	var tok string
	if err := db.Update(func(tx *store.Tx) (err error) { tok, err = a.Sign(tx, Field("người 1"), "42"); return err }); err != nil {
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
		}{"other kind": {b, tok, 2}, "tampered": {a, tampered, 2}, "wrong count": {a, tok, 1}, "empty": {a, "", 2}, "long": {a, strings.Repeat("a.", 400), 2}} {
			if _, err := c.k.Verify(tx, c.tok, c.n); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		return nil
	})
}
