package store

import (
	"fmt"
	"testing"
	"time"
)

// Replies go first, but waiting bulk keeps a quarter of the places; a recipient's
// bulk never overtakes their own reply.
func TestNextSendableKeepsAShareForBulk(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db := MustOpen(t, fixedClock(t0))
	db.Update(func(tx *Tx) error {
		for i := 0; i < 10; i++ {
			tx.Enqueue(OutMsg{Priority: PriorityReply, Endpoint: EndpointUser, To: fmt.Sprintf("r%d", i), Text: "trả lời"})
			tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: fmt.Sprintf("b%d", i), Text: "nhắc"})
		}
		// r0 also has bulk waiting: it must stay behind r0's reply.
		tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: "r0", Text: "nhắc r0"})
		return nil
	})
	count := func(ms []OutMsg) (r, b int) {
		for _, m := range ms {
			if m.Priority == PriorityReply {
				r++
			} else {
				b++
			}
			if m.To == "r0" && m.Priority == PriorityBulk {
				t.Error("r0's reminder overtook r0's reply")
			}
		}
		return
	}
	db.View(func(tx *Tx) error {
		ms, _, err := tx.NextSendable(t0, 8, nil)
		if r, b := count(ms); err != nil || r != 6 || b != 2 {
			t.Errorf("8 places: %d replies, %d bulk (%v), want 6 and 2", r, b, err)
		}
		ms, _, _ = tx.NextSendable(t0, 1, nil)
		if r, b := count(ms); r != 1 || b != 0 {
			t.Errorf("1 place: %d replies, %d bulk, want the reply", r, b)
		}
		return nil
	})
	// Without bulk waiting, replies take every place.
	db.Update(func(tx *Tx) error {
		bulk, _ := tx.Outbox()
		for _, m := range bulk {
			if m.Priority == PriorityBulk {
				tx.Settle(m.Priority, m.Seq, Outcome{Status: StatusSent})
			}
		}
		return nil
	})
	db.View(func(tx *Tx) error {
		ms, _, _ := tx.NextSendable(t0, 8, nil)
		if r, b := count(ms); r != 8 || b != 0 {
			t.Errorf("no bulk: %d replies, %d bulk, want 8 and 0", r, b)
		}
		return nil
	})
}

// The oldest reply that could go now: what readiness watches to see a stuck sender.
func TestOldestSendableReply(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db := MustOpen(t, fixedClock(t0))
	db.Update(func(tx *Tx) error {
		tx.Enqueue(OutMsg{Priority: PriorityReply, Endpoint: EndpointUser, To: "a", Text: "x", CreatedAt: t0.Add(-20 * time.Minute), NextAt: t0.Add(time.Minute)})
		tx.Enqueue(OutMsg{Priority: PriorityReply, Endpoint: EndpointUser, To: "b", Text: "x", CreatedAt: t0.Add(-12 * time.Minute)})
		tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: "c", Text: "x", CreatedAt: t0.Add(-60 * time.Minute)})
		// A reply queued behind a's held one is not waiting on the sender either.
		tx.Enqueue(OutMsg{Priority: PriorityReply, Endpoint: EndpointUser, To: "a", Text: "y", CreatedAt: t0.Add(-30 * time.Minute)})
		return nil
	})
	db.View(func(tx *Tx) error {
		if got := tx.OldestSendableReply(t0); !got.Equal(t0.Add(-12 * time.Minute)) {
			t.Errorf("oldest sendable reply %v, want 12 minutes ago (a backing-off reply and bulk do not count)", got)
		}
		return nil
	})
}

// A morning queued ahead (many reminders not due yet) is not walked whole for each batch: the walk
// stops after maxWaitingWalk of them in a row (what comes after waits until they fall due, and a
// recipient's order is kept); replies and bulk due before them go as always.
func TestNextSendableStopsAtAMorningQueuedAhead(t *testing.T) {
	t0 := time.Date(2026, 12, 19, 7, 0, 0, 0, time.UTC)
	db := MustOpen(t, fixedClock(t0))
	db.Update(func(tx *Tx) error {
		tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: "early", Text: "nhắc"})
		for i := 0; i < maxWaitingWalk+10; i++ {
			tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: fmt.Sprintf("d%d", i), Text: "nhắc", NextAt: t0.Add(37 * time.Minute)})
		}
		tx.Enqueue(OutMsg{Priority: PriorityBulk, Endpoint: EndpointUser, To: "late", Text: "nhắc"})
		tx.Enqueue(OutMsg{Priority: PriorityReply, Endpoint: EndpointUser, To: "r", Text: "trả lời"})
		return nil
	})
	db.View(func(tx *Tx) error {
		ms, wake, err := tx.NextSendable(t0, 8, nil)
		var to []string
		for _, m := range ms {
			to = append(to, m.To)
		}
		if err != nil || fmt.Sprint(to) != "[r early]" || !wake.Equal(t0.Add(37*time.Minute)) {
			t.Errorf("picked %v (wake %v, %v), want the reply and the reminder due before the morning", to, wake, err)
		}
		ms, _, _ = tx.NextSendable(t0.Add(37*time.Minute), 8, nil)
		if len(ms) != 8 || ms[2].To != "d0" {
			t.Errorf("once due: %d picked, starting %v", len(ms), ms)
		}
		return nil
	})
}
