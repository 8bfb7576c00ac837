package store

import (
	"encoding/binary"
	"strings"
)

func (tx *Tx) countSend(month, class string) error {
	b := tx.btx.Bucket(bucketSendCosts)
	k := []byte(month + "|" + class)
	var n uint64
	if v := b.Get(k); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put(k, u64(n+1))
}

// SendCosts returns the month's delivered messages per cost class (every class present, zero or not).
func (tx *Tx) SendCosts(month string) map[string]int {
	out := map[string]int{}
	for _, c := range CostClasses {
		out[c] = 0
	}
	c := tx.btx.Bucket(bucketSendCosts).Cursor()
	prefix := []byte(month + "|")
	for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
		if len(v) == 8 {
			out[strings.TrimPrefix(string(k), string(prefix))] = int(binary.BigEndian.Uint64(v))
		}
	}
	return out
}

// Flags are small settings the bot learns about its Zalo account and keeps
// across restarts (e.g. that the OA refuses templates).
const flagPrefix = "flag:"

// Flag reads a learned setting ("" when unset).
func (tx *Tx) Flag(name string) string {
	return string(tx.btx.Bucket(bucketMeta).Get([]byte(flagPrefix + name)))
}

// SetFlag records a learned setting; "" removes it.
func (tx *Tx) SetFlag(name, value string) error {
	b := tx.btx.Bucket(bucketMeta)
	if value == "" {
		return b.Delete([]byte(flagPrefix + name))
	}
	return b.Put([]byte(flagPrefix+name), []byte(value))
}
