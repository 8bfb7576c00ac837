package store

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A damaged file is refused at open with a clear error, never a panic: cut in half, with bytes
// flipped in a data page, or empty.
func TestADamagedFileIsRefusedClearly(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	make := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "cdtbot.db")
		db, err := Open(path, Options{Now: fixedClock(t0)})
		if err != nil {
			t.Fatal(err)
		}
		db.Update(func(tx *Tx) error {
			for i := 0; i < 2000; i++ {
				tx.PutPerson(Person{ZaloID: "1100000000000" + string(rune('0'+i%10)) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)), Name: "Nguyễn Văn Thử nghiệm dài để lấp trang"})
			}
			return nil
		})
		db.Close()
		return path
	}
	cases := map[string]func(path string) error{
		"cut in half": func(path string) error {
			fi, _ := os.Stat(path)
			return os.Truncate(path, fi.Size()/2)
		},
		"bytes flipped": func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i := len(b) / 2; i < len(b)/2+4096 && i < len(b); i++ {
				b[i] ^= 0xA5
			}
			return os.WriteFile(path, b, 0o600)
		},
		"empty": func(path string) error { return os.Truncate(path, 0) },
		// A branch page whose first child points far outside the file: a memory fault, not a panic.
		"child page outside the file": func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			const pageSize = 4096
			for off := 2 * pageSize; off+32 <= len(b); off += pageSize {
				if binary.LittleEndian.Uint16(b[off+8:]) == 0x01 && binary.LittleEndian.Uint16(b[off+10:]) > 0 { // a branch page with elements
					binary.LittleEndian.PutUint64(b[off+16+8:], 0x200000000)
					return os.WriteFile(path, b, 0o600)
				}
			}
			return errors.New("no branch page in the file")
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			path := make(t)
			if err := damage(path); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{false, true} {
				db, err := Open(path, Options{ReadOnly: ro, LockTimeout: time.Second})
				if err == nil {
					db.Close()
					t.Fatalf("read-only=%v: a damaged file opened", ro)
				}
				if !errors.Is(err, ErrDamaged) {
					t.Errorf("read-only=%v: %v, want ErrDamaged", ro, err)
				}
			}
		})
	}
}
