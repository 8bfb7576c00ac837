package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Priority orders the outbox: every reply goes before any bulk message.
type Priority uint8

const (
	// PriorityReply is an answer inside a conversation: someone is waiting for it.
	PriorityReply Priority = 0
	// PriorityBulk is a reminder or digest: it may wait behind replies.
	PriorityBulk Priority = 1
)

// OutMsg is one message waiting in the outbox: what the bot means to say and to
// whom, not Zalo JSON. The sender picks the channel (cs, ZNS, a group mention)
// and renders it when it goes out, so a refusal can fall to the next channel.
type OutMsg struct {
	Seq      uint64   `json:"-"`
	Priority Priority `json:"-"`
	Endpoint string   `json:"endpoint"` // who it is for: "cs" a person, "group" a group chat
	To       string   `json:"-"`        // user id or group id; order is kept per recipient
	// Kind says why it is sent (KindReply, KindNotice, reminders' kinds…): it decides the channels allowed.
	Kind    string   `json:"kind,omitempty"`
	Text    string   `json:"text,omitempty"`
	Choices []Choice `json:"choices,omitempty"`
	AskInfo bool     `json:"ask_info,omitempty"` // ask to share name and phone (request_user_info)
	// Numbered sends the choices as numbered lines under the text even where buttons work: one
	// request instead of a text and a template (reminders: a national morning is 93,000 of them).
	Numbered bool `json:"numbered,omitempty"`
	// WordsOnly: a typed number does not choose its choices (they go as words when as text).
	WordsOnly bool              `json:"words_only,omitempty"`
	Data      map[string]string `json:"data,omitempty"` // fields of a ZNS template (reminders)
	// About is the report a reminder asks for ("team|period"): filed before it goes, it is not sent.
	About string `json:"about,omitempty"`
	// Tried lists the channels that could not deliver it (Zalo refused): the sender goes down the ladder.
	Tried []string `json:"tried,omitempty"`
	// Body is a ready Zalo request, in records written before intents; sent as it is.
	Body      json.RawMessage `json:"body,omitempty"`
	RequestID string          `json:"rid,omitempty"`
	CreatedAt time.Time       `json:"created"`
	Attempts  int             `json:"attempts,omitempty"`
	LastError string          `json:"last_error,omitempty"`
	LastCode  int             `json:"last_code,omitempty"` // Zalo's code of the last refusal
	NextAt    time.Time       `json:"-"`                   // not before this instant (backoff, night)
	InFlight  bool            `json:"-"`                   // a send was started; if we crash now the outcome is unknown
}

// Endpoints of the outbox.
const (
	EndpointUser  = "cs"
	EndpointGroup = "group"
)

// Kinds of outgoing message that are not reminders (reminders name their own).
const (
	KindReply  = "reply"  // an answer to the person who just wrote
	KindNotice = "notice" // news for someone else: a request to decide, a decision, a role change
)

// Channels a message can go out on, and the cost classes they are counted in.
const (
	ChannelCS    = "cs"    // consultation message to a user id (7-day window)
	ChannelZNS   = "zns"   // ZNS template message by phone number (paid)
	ChannelGroup = "group" // a group chat message, with a mention when it is for one person
	CostCSFree   = "cs_free"
	CostCSPaid   = "cs_paid"
	CostZNS      = "zns"
	CostGroup    = "group"
)

// CostClasses lists the cost classes in report order.
var CostClasses = []string{CostCSFree, CostCSPaid, CostZNS, CostGroup}

// Outcome statuses recorded in the sent log.
const (
	StatusSent        = "sent"
	StatusUnreachable = "unreachable" // the person cannot receive messages now
	StatusRejected    = "rejected"    // Zalo refused the message itself (a bug on our side)
	StatusFailed      = "failed"      // other permanent failure
	StatusSkipped     = "skipped"     // nothing to send on the channel left (an info request when templates are refused)
	StatusObsolete    = "obsolete"    // a reminder whose report was filed before it could go
)

// Outcome is the final fate of an outbox message.
type Outcome struct {
	Seq       uint64          `json:"seq"`
	LogSeq    uint64          `json:"log_seq,omitempty"` // position in the settle order (SentLog)
	Priority  Priority        `json:"priority"`
	Endpoint  string          `json:"endpoint"`
	To        string          `json:"to"`
	Body      json.RawMessage `json:"body"`
	RequestID string          `json:"rid,omitempty"`
	CreatedAt time.Time       `json:"created"`
	Attempts  int             `json:"attempts"`
	Kind      string          `json:"kind,omitempty"`
	Channel   string          `json:"channel,omitempty"` // what it went out on (ChannelCS…)
	Cost      string          `json:"cost,omitempty"`    // its cost class (CostCSFree…)
	Status    string          `json:"status"`
	MessageID string          `json:"message_id,omitempty"`
	// Month is the local month the send is counted in (YYYY-MM); set by the sender.
	Month string    `json:"-"`
	Code  int       `json:"code,omitempty"`
	Error string    `json:"error,omitempty"`
	At    time.Time `json:"at"`
}

// outbox keys are priority | seq so a cursor walk meets replies first, each class in arrival order.
func outboxKey(p Priority, seq uint64) []byte {
	k := make([]byte, 9)
	k[0] = byte(p)
	binary.BigEndian.PutUint64(k[1:], seq)
	return k
}

// outbox values start with a fixed header so that the sender's scan reads
// who and when without decoding JSON: nextAt(8) | flags(1) | len(to)(2) | to | json.
const flagInFlight = 1

func encodeOut(m OutMsg) ([]byte, error) {
	size := 11 + len(m.To) + 64 + len(m.About) + len(m.Endpoint) + len(m.Kind) + len(m.Text) + len(m.RequestID)
	for _, c := range m.Choices {
		size += 4 + len(c.Title) + len(c.Payload)
	}
	for k, v := range m.Data {
		size += 4 + len(k) + len(v)
	}
	b := make([]byte, 11, size) // one allocation: a national sweep encodes 93,000 of them
	var next int64
	if !m.NextAt.IsZero() {
		next = m.NextAt.UnixNano()
	}
	binary.BigEndian.PutUint64(b[0:8], uint64(next))
	if m.InFlight {
		b[8] = flagInFlight
	}
	binary.BigEndian.PutUint16(b[9:11], uint16(len(m.To)))
	b = append(b, m.To...)
	return encodeOutPayload(b, m), nil
}

type outHeader struct {
	next     int64
	inFlight bool
	to       []byte
}

func readOutHeader(v []byte) (outHeader, bool) {
	if len(v) < 11 {
		return outHeader{}, false
	}
	n := int(binary.BigEndian.Uint16(v[9:11]))
	if len(v) < 11+n {
		return outHeader{}, false
	}
	return outHeader{next: int64(binary.BigEndian.Uint64(v[0:8])), inFlight: v[8]&flagInFlight != 0, to: v[11 : 11+n]}, true
}

func decodeOut(k, v []byte) (OutMsg, error) {
	h, ok := readOutHeader(v)
	if !ok || len(k) != 9 {
		return OutMsg{}, errors.New("store: corrupt outbox record")
	}
	var m OutMsg
	if err := decodeOutPayload(v[11+len(h.to):], &m); err != nil {
		return OutMsg{}, fmt.Errorf("store: outbox record: %w", err)
	}
	m.Priority = Priority(k[0])
	m.Seq = binary.BigEndian.Uint64(k[1:])
	m.To = string(h.to)
	m.InFlight = h.inFlight
	if h.next != 0 {
		m.NextAt = time.Unix(0, h.next)
	}
	return m, nil
}

// Enqueue adds a message to the outbox in this transaction; it is sent after commit.
func (tx *Tx) Enqueue(m OutMsg) (uint64, error) {
	const op = "store.Enqueue"
	if m.To == "" || len(m.To) > 1024 {
		return 0, fmt.Errorf("%s: bad recipient %q", op, m.To)
	}
	if m.Endpoint != EndpointUser && m.Endpoint != EndpointGroup {
		return 0, fmt.Errorf("%s: unknown endpoint %q", op, m.Endpoint)
	}
	if m.Text == "" && len(m.Body) == 0 && !m.AskInfo {
		return 0, fmt.Errorf("%s: nothing to say to %q", op, m.To)
	}
	b := tx.btx.Bucket(bucketOutbox)
	seq, err := b.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = tx.now
	}
	m.InFlight = false
	v, err := encodeOut(m)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if err := b.Put(outboxKey(m.Priority, seq), v); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	tx.wakeOutbox = true
	return seq, nil
}

// NextSendable picks up to limit messages that may be sent now: the oldest
// waiting message of each recipient, skipping recipients whose head message is
// in flight or backing off, and recipients in skip. Replies go first, but bulk
// messages (reminders, digests) keep a quarter of the places when they wait, so a
// flood of conversation cannot hold the morning's reminders back indefinitely.
// It also returns the earliest future NextAt among the heads it skipped (zero if none).
func (tx *Tx) NextSendable(now time.Time, limit int, skip map[string]bool) ([]OutMsg, time.Time, error) {
	reserve := 0
	if limit >= 2 {
		reserve = max(1, limit/4)
	}
	c := tx.btx.Bucket(bucketOutbox).Cursor()
	heads := make(map[string]struct{})
	var out, spare []OutMsg
	var wake time.Time
	nowN := now.UnixNano()
	// head reports whether the record is its recipient's sendable head (and notes the head either way).
	head := func(k, v []byte) (bool, error) {
		h, ok := readOutHeader(v)
		if !ok {
			return false, fmt.Errorf("store.NextSendable: corrupt record %x", k)
		}
		if _, seen := heads[string(h.to)]; seen {
			return false, nil // per-recipient order: only the head may go
		}
		heads[string(h.to)] = struct{}{}
		if h.inFlight || skip[string(h.to)] {
			return false, nil
		}
		if h.next > nowN {
			if t := time.Unix(0, h.next); wake.IsZero() || t.Before(wake) {
				wake = t
			}
			return false, nil
		}
		return true, nil
	}
	// Replies: with bulk waiting, every one is walked, so that a recipient's queued reply keeps their
	// bulk behind it; without, the walk stops when the batch is full (a crowd's backlog is not
	// walked whole for each batch).
	bk, _ := c.Seek([]byte{byte(PriorityBulk)})
	bulkWaits := bk != nil
	for k, v := c.First(); k != nil && Priority(k[0]) == PriorityReply; k, v = c.Next() {
		if !bulkWaits && len(out)+len(spare) >= limit {
			break
		}
		ok, err := head(k, v)
		if err != nil {
			return nil, wake, err
		}
		if !ok || len(out)+len(spare) >= limit {
			continue
		}
		m, err := decodeOut(k, v)
		if err != nil {
			return nil, wake, err
		}
		if len(out) < limit-reserve {
			out = append(out, m)
		} else {
			spare = append(spare, m)
		}
	}
	waiting := 0 // bulk heads in a row that are not due yet
	for k, v := c.Seek([]byte{byte(PriorityBulk)}); k != nil && len(out) < limit; k, v = c.Next() {
		ok, err := head(k, v)
		if err != nil {
			return nil, wake, err
		}
		if !ok {
			if waiting++; waiting >= maxWaitingWalk {
				// A morning queued ahead (79,000 reminders due at 07:37) is not walked whole for each
				// batch: what comes after it waits at most until it falls due.
				break
			}
			continue
		}
		waiting = 0
		m, err := decodeOut(k, v)
		if err != nil {
			return nil, wake, err
		}
		out = append(out, m)
	}
	for _, m := range spare { // places bulk did not need
		if len(out) < limit {
			out = append(out, m)
		}
	}
	return out, wake, nil
}

// maxWaitingWalk bounds the bulk records NextSendable walks past in a row without finding one to send.
const maxWaitingWalk = 4096

// OldestSendableReply is when the oldest reply that could go now was queued (zero when none):
// a reply waiting long while sendable means the sender is stuck.
func (tx *Tx) OldestSendableReply(now time.Time) time.Time {
	c := tx.btx.Bucket(bucketOutbox).Cursor()
	var oldest time.Time
	heads := map[string]bool{}
	n := 0
	for k, v := c.First(); k != nil && Priority(k[0]) == PriorityReply && n < 1000; k, v = c.Next() {
		n++
		h, ok := readOutHeader(v)
		if !ok || heads[string(h.to)] {
			continue // only a recipient's first message may go: the others are not waiting on the sender
		}
		heads[string(h.to)] = true
		if h.inFlight || h.next > now.UnixNano() {
			continue
		}
		m, err := decodeOut(k, v)
		if err != nil {
			continue
		}
		since := m.CreatedAt // it became sendable when queued, or when its wait ended
		if m.NextAt.After(since) {
			since = m.NextAt
		}
		if oldest.IsZero() || since.Before(oldest) {
			oldest = since
		}
	}
	return oldest
}

func (tx *Tx) putOut(m OutMsg) error {
	v, err := encodeOut(m)
	if err != nil {
		return err
	}
	return tx.btx.Bucket(bucketOutbox).Put(outboxKey(m.Priority, m.Seq), v)
}

func (tx *Tx) getOut(p Priority, seq uint64) (OutMsg, bool, error) {
	k := outboxKey(p, seq)
	v := tx.btx.Bucket(bucketOutbox).Get(k)
	if v == nil {
		return OutMsg{}, false, nil
	}
	m, err := decodeOut(k, v)
	return m, err == nil, err
}

// ErrNotQueued means the outbox message is no longer there (already settled).
var ErrNotQueued = errors.New("store: message not in the outbox")

// BeginSend marks a message in flight and counts the attempt; it must be
// committed before the request leaves, so a crash leaves a trace.
func (tx *Tx) BeginSend(p Priority, seq uint64) (OutMsg, error) {
	m, ok, err := tx.getOut(p, seq)
	if err != nil {
		return m, err
	}
	if !ok {
		return m, ErrNotQueued
	}
	m.InFlight = true
	m.Attempts++
	return m, tx.putOut(m)
}

// FallBack puts an in-flight message back to go out at once on its next channel:
// channel could not deliver it.
func (tx *Tx) FallBack(p Priority, seq uint64, channel string, code int, reason string) error {
	m, ok, err := tx.getOut(p, seq)
	if err != nil || !ok {
		return err
	}
	m.InFlight = false
	m.NextAt = time.Time{}
	m.LastError, m.LastCode = reason, code
	m.Tried = append(m.Tried, channel)
	tx.wakeOutbox = true
	return tx.putOut(m)
}

// RetryLater puts an in-flight message back with a reason and a not-before instant.
func (tx *Tx) RetryLater(p Priority, seq uint64, next time.Time, reason string) error {
	m, ok, err := tx.getOut(p, seq)
	if err != nil || !ok {
		return err
	}
	m.InFlight = false
	m.NextAt = next
	m.LastError = reason
	tx.wakeOutbox = true
	return tx.putOut(m)
}

// Settle removes a message from the outbox and records its final outcome.
func (tx *Tx) Settle(p Priority, seq uint64, o Outcome) error {
	m, ok, err := tx.getOut(p, seq)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotQueued
	}
	o.Seq, o.Priority, o.Endpoint, o.To = m.Seq, m.Priority, m.Endpoint, m.To
	if o.Body == nil {
		o.Body = m.Body
	}
	if o.Kind == "" {
		o.Kind = m.Kind
	}
	o.RequestID, o.CreatedAt, o.Attempts = m.RequestID, m.CreatedAt, m.Attempts
	if o.Status == StatusSent && o.Cost != "" {
		month := o.Month
		if month == "" {
			month = tx.now.Format("2006-01")
		}
		if err := tx.countSend(month, o.Cost); err != nil {
			return err
		}
	}
	if o.At.IsZero() {
		o.At = tx.now
	}
	log := tx.btx.Bucket(bucketSentLog)
	if o.LogSeq, err = log.NextSequence(); err != nil {
		return err
	}
	// What was said goes beside the outcome, in settle order: dropping it after a few days then frees
	// whole pages, where shrinking each outcome in place left them half empty.
	body := o.Body
	o.Body = nil
	if err := tx.btx.Bucket(bucketSent).Put(u64(m.Seq), encodeOutcome(o)); err != nil {
		return err
	}
	if err := log.Put(u64(o.LogSeq), u64(m.Seq)); err != nil {
		return err
	}
	if len(body) > 0 {
		if err := tx.btx.Bucket(bucketSentBodies).Put(u64(o.LogSeq), body); err != nil {
			return err
		}
	}
	tx.wakeOutbox = true
	return tx.btx.Bucket(bucketOutbox).Delete(outboxKey(p, seq))
}

// RecoverInFlight clears the in-flight mark left by a crash: those sends have
// an unknown outcome and go once more. Returns how many there were.
func (tx *Tx) RecoverInFlight() (int, error) {
	b := tx.btx.Bucket(bucketOutbox)
	var fix []OutMsg
	err := b.ForEach(func(k, v []byte) error {
		h, ok := readOutHeader(v)
		if !ok || !h.inFlight {
			return nil
		}
		m, err := decodeOut(k, v)
		if err != nil {
			return err
		}
		fix = append(fix, m)
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, m := range fix {
		m.InFlight = false
		m.LastError = "outcome unknown after restart"
		if err := tx.putOut(m); err != nil {
			return 0, err
		}
	}
	if len(fix) > 0 {
		tx.wakeOutbox = true
	}
	return len(fix), nil
}

// OutboxDepth counts waiting messages per priority.
func (tx *Tx) OutboxDepth() (reply, bulk int) {
	c := tx.btx.Bucket(bucketOutbox).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if Priority(k[0]) == PriorityReply {
			reply++
		} else {
			bulk++
		}
	}
	return reply, bulk
}

// Outbox lists every waiting message in send order.
func (tx *Tx) Outbox() ([]OutMsg, error) {
	var out []OutMsg
	err := tx.btx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		m, err := decodeOut(k, v)
		out = append(out, m)
		return err
	})
	return out, err
}

// Outcomes lists settled messages with seq greater than after, oldest first, at most limit.
func (tx *Tx) Outcomes(after uint64, limit int) ([]Outcome, error) {
	c := tx.btx.Bucket(bucketSent).Cursor()
	var out []Outcome
	for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
		o, err := decodeOutcome(btou64(k), v)
		if err != nil {
			return nil, fmt.Errorf("store.Outcomes: %w", err)
		}
		tx.withBody(&o)
		out = append(out, o)
	}
	return out, nil
}

// SentLog lists settled messages in the order they were settled, after log position
// after (an Outcome's LogSeq), at most limit: what a poller reads to miss nothing.
func (tx *Tx) SentLog(after uint64, limit int) ([]Outcome, error) {
	sent := tx.btx.Bucket(bucketSent)
	c := tx.btx.Bucket(bucketSentLog).Cursor()
	var out []Outcome
	for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
		raw := sent.Get(v)
		if raw == nil {
			continue // pruned or erased since
		}
		o, err := decodeOutcome(btou64(v), raw)
		if err != nil {
			return nil, fmt.Errorf("store.SentLog: %w", err)
		}
		o.LogSeq = btou64(k)
		tx.withBody(&o)
		out = append(out, o)
	}
	return out, nil
}

// withBody adds what an outcome said, kept beside it until stripped (outcomes settled by releases
// before sent_bodies carry it inside).
func (tx *Tx) withBody(o *Outcome) {
	if !hasBody(o.Body) && o.LogSeq != 0 {
		o.Body = nil
		if b := tx.btx.Bucket(bucketSentBodies).Get(u64(o.LogSeq)); b != nil {
			o.Body = bytes.Clone(b)
		}
	}
}

// hasBody tells whether an outcome's JSON carried a body ("body":null is none).
func hasBody(b json.RawMessage) bool { return len(b) > 0 && string(b) != "null" }

// flagBodiesStripped is the sent-log position up to which outcomes have lost their bodies.
const flagBodiesStripped = "bodies_stripped_upto"

// StripOutcomeBodies drops the rendered Zalo body (what was said) of outcomes settled before cutoff, at
// most limit of them, in settle order from where the last run stopped; the rest of the outcome (who,
// when, channel, cost, status) stays for its own retention. It returns how many it went through.
func (tx *Tx) StripOutcomeBodies(cutoff time.Time, limit int) (int, error) {
	from, _ := strconv.ParseUint(tx.Flag(flagBodiesStripped), 10, 64)
	sent := tx.btx.Bucket(bucketSent)
	bodies := tx.btx.Bucket(bucketSentBodies)
	c := tx.btx.Bucket(bucketSentLog).Cursor()
	n, last := 0, from
	for k, v := c.Seek(u64(from + 1)); k != nil && n < limit; k, v = c.Next() {
		if raw := sent.Get(v); raw != nil {
			o, err := decodeOutcome(btou64(v), raw)
			if err != nil {
				return n, fmt.Errorf("store.StripOutcomeBodies: %w", err)
			}
			if !o.At.Before(cutoff) {
				break // settle order: the rest is newer
			}
			if err := bodies.Delete(k); err != nil {
				return n, err
			}
			if hasBody(o.Body) { // settled by a release before sent_bodies: stored again, compact
				o.Body = nil
				if err := sent.Put(bytes.Clone(v), encodeOutcome(o)); err != nil {
					return n, err
				}
			}
		} else if err := bodies.Delete(k); err != nil { // its outcome was erased or pruned
			return n, err
		}
		last = btou64(k)
		n++
	}
	if last == from {
		return n, nil
	}
	return n, tx.SetFlag(flagBodiesStripped, strconv.FormatUint(last, 10))
}

// flagLegacySentPruned: every outcome settled before the sent log existed (no log_seq) has been pruned.
const flagLegacySentPruned = "legacy_sent_pruned"

// PruneLegacyOutcomes forgets outcomes settled before cutoff by a release older than the sent log (they
// have no log entry, so PruneOutcomes never meets them). It reads the whole sent bucket, so once none is
// left it records that and does nothing more.
func (tx *Tx) PruneLegacyOutcomes(cutoff time.Time) (int, error) {
	if tx.Flag(flagLegacySentPruned) != "" {
		return 0, nil
	}
	sent := tx.btx.Bucket(bucketSent)
	var old [][]byte
	left := 0
	if err := sent.ForEach(func(k, v []byte) error {
		o, err := decodeOutcome(btou64(k), v)
		if err != nil || o.LogSeq != 0 {
			return nil
		}
		if o.At.Before(cutoff) {
			old = append(old, append([]byte(nil), k...))
		} else {
			left++
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, k := range old {
		if err := sent.Delete(k); err != nil {
			return 0, err
		}
	}
	if left == 0 {
		return len(old), tx.SetFlag(flagLegacySentPruned, tx.now.UTC().Format(time.RFC3339))
	}
	return len(old), nil
}

// PruneOutcomes forgets at most limit outcomes settled before cutoff, oldest first, walking the
// settle-order log (so a batch reads only what it deletes); it returns how many went.
func (tx *Tx) PruneOutcomes(cutoff time.Time, limit int) (int, error) {
	sent := tx.btx.Bucket(bucketSent)
	log := tx.btx.Bucket(bucketSentLog)
	bodies := tx.btx.Bucket(bucketSentBodies)
	c := log.Cursor()
	n := 0
	for k, v := c.First(); k != nil && n < limit; k, v = c.First() {
		if raw := sent.Get(v); raw != nil {
			o, err := decodeOutcome(btou64(v), raw)
			if err != nil {
				return n, fmt.Errorf("store.PruneOutcomes: %w", err)
			}
			if !o.At.Before(cutoff) {
				break // the log is in settle order: the rest is newer
			}
			if err := sent.Delete(v); err != nil {
				return n, err
			}
			n++
		}
		if err := bodies.Delete(k); err != nil {
			return n, err
		}
		if err := log.Delete(k); err != nil { // its outcome is pruned now, or was erased
			return n, err
		}
	}
	return n, nil
}
