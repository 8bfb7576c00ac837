package store

import "time"

// LedgerHas tells whether a reminder key was already sent (or dropped).
func (tx *Tx) LedgerHas(key string) bool {
	return tx.btx.Bucket(bucketLedger).Get([]byte(key)) != nil
}

// LedgerPut records a reminder key with what became of it ("sent", "dropped: …").
func (tx *Tx) LedgerPut(key, outcome string) error {
	if tx.stamp == "" {
		tx.stamp = tx.now.UTC().Format(time.RFC3339)
	}
	return tx.btx.Bucket(bucketLedger).Put([]byte(key), []byte(tx.stamp+" "+outcome))
}

// LedgerGet returns what was recorded for a key.
func (tx *Tx) LedgerGet(key string) (string, bool) {
	v := tx.btx.Bucket(bucketLedger).Get([]byte(key))
	return string(v), v != nil
}
