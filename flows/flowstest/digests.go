// Package flowstest holds test doubles of the conversations' dependencies, shared by the tests of
// flows and of bot.
package flowstest

import (
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// WatchedDigests records whether each digest was read inside a write transaction (which holds the
// database's one writer), then asks Inner.
type WatchedDigests struct {
	Inner    flows.Digester
	Writable []bool
}

// Digest implements flows.Digester.
func (w *WatchedDigests) Digest(tx *store.Tx, o store.Officer, at time.Time, p store.Period) (string, error) {
	w.Writable = append(w.Writable, tx.Writable())
	return w.Inner.Digest(tx, o, at, p)
}
