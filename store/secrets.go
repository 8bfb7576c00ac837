package store

import (
	"bytes"
	"crypto/rand"
	"fmt"
)

// Secret returns the size random bytes stored under name, creating and storing
// them on first use. In a read-only transaction a secret not made yet is an
// error wrapping ErrNotFound (make it in an Update). A stored secret of
// another size is an error: the caller changed its mind about the key.
func (tx *Tx) Secret(name string, size int) ([]byte, error) {
	return tx.secret(name, size, true)
}

// ExistingSecret is Secret that never makes one: a secret not made yet is an error wrapping
// ErrNotFound, in any transaction (checking a token must not write).
func (tx *Tx) ExistingSecret(name string, size int) ([]byte, error) {
	return tx.secret(name, size, false)
}

func (tx *Tx) secret(name string, size int, create bool) ([]byte, error) {
	const op = "store.Secret"
	if name == "" || size < 16 || size > 1024 {
		return nil, fmt.Errorf("%s %q: want a name and 16–1024 bytes, got %d", op, name, size)
	}
	b := tx.btx.Bucket(bucketSecrets)
	if v := b.Get([]byte(name)); v != nil {
		if len(v) != size {
			return nil, fmt.Errorf("%s %q: stored secret has %d bytes, want %d", op, name, len(v), size)
		}
		return bytes.Clone(v), nil // bbolt's memory is only valid inside the transaction
	}
	if !create || !tx.btx.Writable() {
		return nil, fmt.Errorf("%s %q: %w", op, name, ErrNotFound)
	}
	v := make([]byte, size)
	if _, err := rand.Read(v); err != nil {
		return nil, fmt.Errorf("%s %q: %w", op, name, err)
	}
	if err := b.Put([]byte(name), v); err != nil {
		return nil, fmt.Errorf("%s %q: %w", op, name, err)
	}
	return bytes.Clone(v), nil
}
