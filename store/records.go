package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// sep joins parts of composite keys; codes and ids never contain it.
const sep = "\x00"

func ckey(parts ...string) []byte {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.Bytes()
}

func (tx *Tx) putJSON(bucket, key []byte, v any) error {
	js, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.btx.Bucket(bucket).Put(key, js)
}

// getJSON decodes the record at key into v and tells whether it was there.
func (tx *Tx) getJSON(bucket, key []byte, v any) (bool, error) {
	raw := tx.btx.Bucket(bucket).Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("store: %s/%q: %w", bucket, key, err)
	}
	return true, nil
}

// decodeJSON decodes a record already read (by a cursor walk: no second lookup).
func decodeJSON(bucket, key, raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("store: %s/%q: %w", bucket, key, err)
	}
	return nil
}

// scanPrefix calls fn for each key with the prefix, in key order.
func (tx *Tx) scanPrefix(bucket, prefix []byte, fn func(k, v []byte) error) error {
	c := tx.btx.Bucket(bucket).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}
