package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"strconv"
	"time"
)

// Event is one acknowledged webhook delivery, stored before the 200 goes out.
type Event struct {
	Seq        uint64    `json:"-"`
	Key        string    `json:"key"`       // dedupe key: a message id, or name|user|timestamp
	Partition  string    `json:"partition"` // events of one partition (a user, a group) are handled in order
	Name       string    `json:"name"`
	RequestID  string    `json:"rid,omitempty"`
	ReceivedAt time.Time `json:"at"`
	Attempts   int       `json:"attempts,omitempty"`
	// Stamp is the event's own time (Zalo's timestamp, ms; 0: unknown): its dedupe key is laid out
	// after it, so keys append instead of landing on random pages (Options.DedupeByKeyOnly: not).
	Stamp int64  `json:"stamp,omitempty"`
	Body  []byte `json:"-"` // the exact bytes Zalo sent
}

// AppendResult tells what became of an appended event.
type AppendResult struct {
	Seq       uint64
	Duplicate bool // the key was seen before: nothing new was stored
}

// maxGroup bounds one group commit so a burst cannot make a transaction huge.
const maxGroup = 1024

type appendReq struct {
	ev   Event
	done chan appendResp
}

type appendResp struct {
	res AppendResult
	err error
}

// AppendEvent stores ev durably (written and fdatasynced in the inbox log, copied into the database
// right after) unless an event with the same key is already stored; concurrent calls share one sync.
// It never waits for the database's writer.
func (db *DB) AppendEvent(ctx context.Context, ev Event) (AppendResult, error) {
	if db.log == nil {
		return AppendResult{}, errors.New("store.AppendEvent: database opened read-only")
	}
	if ev.Key == "" || len(ev.Key) > maxEventKey {
		return AppendResult{}, fmt.Errorf("store.AppendEvent: %w: a key of %d bytes", ErrBadEvent, len(ev.Key))
	}
	return db.log.append(ctx, ev)
}

// maxEventKey bounds a dedupe key (Zalo's are tens of bytes): the database refuses keys over 32 KiB,
// and an event acknowledged into the log must never be one the copy cannot store.
const maxEventKey = 1024

// ErrBadEvent is an event the store will not take (its dedupe key empty or too long).
var ErrBadEvent = errors.New("event refused")

// InboxCopyError is the error of the copy of acknowledged events from the inbox log into the
// database while it keeps failing (a full disk), and since when (wall clock); nil once a copy
// succeeds. The events stay in the log meanwhile, and are copied at the next open if not before.
func (db *DB) InboxCopyError() (since time.Time, err error) { return db.log.copyError() }

// An event's dedupe key is stored in one of two layouts: after its stamp (8 bytes, big-endian ms: keys
// of one moment sit together and new ones append) or alone (events without a stamp, those of earlier
// releases, and all of them with Options.DedupeByKeyOnly). Lookups and deletions try both, so the
// setting may change at any time. A stamped key starts with a 0 byte (ms since 1970 fit in 7 bytes):
// never a key alone ("m:…", "e:…", "h:…").

// stampedKey is ev's dedupe key after its stamp.
func stampedKey(ev Event) []byte {
	return append(u64(uint64(ev.Stamp)), ev.Key...)
}

// eventKeySeq is the seq stored under ev's dedupe key in either layout, 0 when none.
func eventKeySeq(keys *bolt.Bucket, ev Event) uint64 {
	if ev.Stamp > 0 {
		if v := keys.Get(stampedKey(ev)); v != nil {
			return btou64(v)
		}
	}
	if v := keys.Get([]byte(ev.Key)); v != nil {
		return btou64(v)
	}
	return 0
}

// putEventKey stores ev's dedupe key in the layout the database uses.
func (tx *Tx) putEventKey(keys *bolt.Bucket, ev Event) error {
	if ev.Stamp > 0 && !tx.db.opts.DedupeByKeyOnly {
		return keys.Put(stampedKey(ev), u64(ev.Seq))
	}
	return keys.Put([]byte(ev.Key), u64(ev.Seq))
}

// dropEventKey forgets ev's dedupe key, in whichever layout it was stored.
func dropEventKey(keys *bolt.Bucket, ev Event) error {
	if ev.Stamp > 0 {
		if err := keys.Delete(stampedKey(ev)); err != nil {
			return err
		}
	}
	return keys.Delete([]byte(ev.Key))
}

// TakeLogged copies into this transaction up to limit of the oldest events the inbox log holds (none
// while its mover is copying), so the handling that follows sees them without a commit of their own;
// they leave the log when this transaction commits and stay there if it rolls back. Update only; its
// error must end the transaction (committing after a half copy would drop the rest from the log).
func (tx *Tx) TakeLogged(limit int) error {
	if tx.db.log == nil || tx.batch || tx.took != nil || !tx.Writable() {
		return nil
	}
	batch := tx.db.log.claim(limit)
	if batch == nil {
		return nil
	}
	tx.took = batch
	if err := tx.moveLogged(batch); err != nil {
		tx.db.log.copyFailed(err) // the mover takes it from here, retrying
		return fmt.Errorf("store.TakeLogged: %w", err)
	}
	return nil
}

// DeferInboxCopy lets the handling take logged events itself (TakeLogged): the inbox log's mover
// copies only those that waited d (0: everything at once, as when nothing handles events).
func (db *DB) DeferInboxCopy(d time.Duration) {
	if db.log == nil {
		return
	}
	db.log.mu.Lock()
	db.log.delay = d
	db.log.cond.Broadcast()
	db.log.mu.Unlock()
}

// LoggedEvents is a copy of up to limit of the oldest events in the inbox log, not yet in the
// database (the handling reads ahead for them before taking them).
func (db *DB) LoggedEvents(limit int) []Event {
	if db.log == nil {
		return nil
	}
	return db.log.snapshot(limit)
}

// InboxLogged is how many acknowledged events wait in the inbox log for their copy into the database
// (a number that stays up means the database refuses them: see the log).
func (db *DB) InboxLogged() int {
	if db.log == nil {
		return db.offlineLogged // read-only: what the log held at open (after a crash)
	}
	return db.log.logged()
}

// SettleInbox waits until every event acknowledged before it is in the database (tests, benchmarks, backups
// that want the last second).
func (db *DB) SettleInbox() {
	if db.log != nil {
		db.log.settle(30 * time.Second) // past it the database is refusing the copy: go on without
	}
}

// putEvent stores an event: its header in events, its body in event_bodies, both under its seq —
// so the body, most of its bytes, can go once it is handled and old (whole pages freed, in order)
// while the header stays for the dedupe retention.
func (tx *Tx) putEvent(ev Event) error {
	k := u64(ev.Seq)
	val, err := encodeEvent(Event{Seq: ev.Seq, Key: ev.Key, Partition: ev.Partition, Name: ev.Name, RequestID: ev.RequestID,
		ReceivedAt: ev.ReceivedAt, Attempts: ev.Attempts, Stamp: ev.Stamp})
	if err != nil {
		return err
	}
	if err := tx.btx.Bucket(bucketEvents).Put(k, val); err != nil {
		return err
	}
	if len(ev.Body) == 0 {
		return tx.btx.Bucket(bucketEventBodies).Delete(k)
	}
	return tx.btx.Bucket(bucketEventBodies).Put(k, ev.Body)
}

// event reads a stored event with its body (inside the record for events of earlier releases).
func (tx *Tx) event(seq uint64, v []byte) (Event, error) {
	ev, err := decodeEvent(seq, v)
	if err == nil && len(ev.Body) == 0 {
		if b := tx.btx.Bucket(bucketEventBodies).Get(u64(seq)); b != nil {
			ev.Body = bytes.Clone(b)
		}
	}
	return ev, err
}

// encodeEvent lays out an event's header in binary after a 0 byte (a JSON header, as earlier releases
// wrote it, never starts with one: its length comes first and is at least 2), then its body. JSON
// headers cost ~3% of the webhook's CPU: they were written twice and read twice per event.
func encodeEvent(ev Event) ([]byte, error) {
	buf := make([]byte, 0, 1+4*binary.MaxVarintLen16+len(ev.Key)+len(ev.Partition)+len(ev.Name)+len(ev.RequestID)+
		3*binary.MaxVarintLen64+len(ev.Body))
	buf = append(buf, 0)
	for _, f := range [...]string{ev.Key, ev.Partition, ev.Name, ev.RequestID} {
		buf = binary.AppendUvarint(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	buf = binary.AppendVarint(buf, ev.ReceivedAt.Unix())
	buf = binary.AppendUvarint(buf, uint64(ev.ReceivedAt.Nanosecond()))
	buf = binary.AppendUvarint(buf, uint64(max(ev.Attempts, 0)))
	buf = binary.AppendUvarint(buf, uint64(max(ev.Stamp, 0)))
	return append(buf, ev.Body...), nil
}

func decodeEvent(seq uint64, v []byte) (Event, error) {
	if len(v) > 0 && v[0] == 0 {
		return decodeBinaryEvent(seq, v[1:])
	}
	n, w := binary.Uvarint(v)
	if w <= 0 || uint64(len(v)-w) < n {
		return Event{}, fmt.Errorf("store: event %d: corrupt record", seq)
	}
	var ev Event
	if err := json.Unmarshal(v[w:w+int(n)], &ev); err != nil {
		return Event{}, fmt.Errorf("store: event %d: %w", seq, err)
	}
	ev.Seq = seq
	ev.Body = bytes.Clone(v[w+int(n):])
	return ev, nil
}

// decodeBinaryEvent reads what encodeEvent wrote after its 0 byte.
func decodeBinaryEvent(seq uint64, v []byte) (Event, error) {
	corrupt := fmt.Errorf("store: event %d: corrupt record", seq)
	var f [4]string
	for i := range f {
		n, w := binary.Uvarint(v)
		if w <= 0 || uint64(len(v)-w) < n {
			return Event{}, corrupt
		}
		f[i] = string(v[w : w+int(n)])
		v = v[w+int(n):]
	}
	sec, w := binary.Varint(v)
	if w <= 0 {
		return Event{}, corrupt
	}
	v = v[w:]
	nsec, w := binary.Uvarint(v)
	if w <= 0 || nsec >= 1e9 {
		return Event{}, corrupt
	}
	v = v[w:]
	attempts, w := binary.Uvarint(v)
	if w <= 0 || attempts > 1<<31 {
		return Event{}, corrupt
	}
	v = v[w:]
	stamp, w := binary.Uvarint(v)
	if w <= 0 || stamp > 1<<62 {
		return Event{}, corrupt
	}
	ev := Event{Seq: seq, Key: f[0], Partition: f[1], Name: f[2], RequestID: f[3], Attempts: int(attempts),
		Stamp: int64(stamp), Body: bytes.Clone(v[w:])}
	if sec != zeroUnix || nsec != 0 {
		ev.ReceivedAt = time.Unix(sec, int64(nsec)).UTC()
	}
	return ev, nil
}

// zeroUnix is the zero time's Unix seconds.
var zeroUnix = time.Time{}.Unix()

// PendingEvents returns up to limit acknowledged events not yet handled, oldest first.
func (tx *Tx) PendingEvents(limit int) ([]Event, error) {
	events := tx.btx.Bucket(bucketEvents)
	c := tx.btx.Bucket(bucketInbox).Cursor()
	var out []Event
	for k, _ := c.First(); k != nil && len(out) < limit; k, _ = c.Next() {
		seq := btou64(k)
		v := events.Get(k)
		if v == nil {
			return nil, fmt.Errorf("store.PendingEvents: event %d missing", seq)
		}
		ev, err := tx.event(seq, v)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// PendingCount is the number of acknowledged events in the database not yet handled (those still in
// the inbox log, a moment from it, are not counted: DB.SettleInbox waits for them).
func (tx *Tx) PendingCount() int {
	return tx.btx.Bucket(bucketInbox).Stats().KeyN
}

// MarkHandled removes an event from the inbox; its record stays for deduplication.
func (tx *Tx) MarkHandled(seq uint64) error {
	if err := tx.btx.Bucket(bucketInbox).Delete(u64(seq)); err != nil {
		return err
	}
	// Handled after DropEventBodies went past it (a backlog, retries): its body goes now, not at the
	// end of the events' retention.
	if upto, _ := strconv.ParseUint(tx.Flag(flagEventBodiesDropped), 10, 64); seq <= upto {
		return tx.dropEventBody(seq)
	}
	return nil
}

// dropEventBody forgets what Zalo sent for one event (also inside an earlier release's record).
func (tx *Tx) dropEventBody(seq uint64) error {
	k := u64(seq)
	if err := tx.btx.Bucket(bucketEventBodies).Delete(k); err != nil {
		return err
	}
	v := tx.btx.Bucket(bucketEvents).Get(k)
	if v == nil {
		return nil
	}
	ev, err := decodeEvent(seq, v)
	if err != nil || len(ev.Body) == 0 {
		return err
	}
	ev.Body = nil
	return tx.putEvent(ev)
}

// RecordEventFailure counts a failed handling attempt and returns the new count.
func (tx *Tx) RecordEventFailure(seq uint64) (int, error) {
	events := tx.btx.Bucket(bucketEvents)
	v := events.Get(u64(seq))
	if v == nil {
		return 0, fmt.Errorf("store.RecordEventFailure: event %d missing", seq)
	}
	ev, err := tx.event(seq, v)
	if err != nil {
		return 0, err
	}
	ev.Attempts++
	return ev.Attempts, tx.putEvent(ev)
}

// DeadLetter takes an event out of the inbox for good, keeping the reason.
func (tx *Tx) DeadLetter(seq uint64, reason string) error {
	if err := tx.btx.Bucket(bucketDeadEvents).Put(u64(seq), []byte(reason)); err != nil {
		return err
	}
	return tx.MarkHandled(seq)
}

// DeadEvents lists events whose handling was given up, with the reason.
func (tx *Tx) DeadEvents() map[uint64]string {
	out := map[uint64]string{}
	_ = tx.btx.Bucket(bucketDeadEvents).ForEach(func(k, v []byte) error {
		out[btou64(k)] = string(v)
		return nil
	})
	return out
}

// EventCount is the number of events in the database (handled or not) still within retention.
func (tx *Tx) EventCount() int {
	return tx.btx.Bucket(bucketEvents).Stats().KeyN
}

// PruneEvents forgets at most limit handled events received before cutoff, and their dedupe keys.
// Events still in the inbox are kept whatever their age.
func (tx *Tx) PruneEvents(cutoff time.Time, limit int) (int, error) {
	events := tx.btx.Bucket(bucketEvents)
	keys := tx.btx.Bucket(bucketEventKeys)
	inbox := tx.btx.Bucket(bucketInbox)
	c := events.Cursor()
	n := 0
	var del [][]byte
	for k, v := c.First(); k != nil && len(del) < limit; k, v = c.Next() {
		ev, err := decodeEvent(btou64(k), v)
		if err != nil {
			return n, err
		}
		if !ev.ReceivedAt.Before(cutoff) {
			break // sequence order is arrival order
		}
		if inbox.Get(k) != nil {
			continue
		}
		if err := dropEventKey(keys, ev); err != nil {
			return n, err
		}
		del = append(del, bytes.Clone(k))
	}
	bodies := tx.btx.Bucket(bucketEventBodies)
	for _, k := range del {
		if err := errors.Join(events.Delete(k), bodies.Delete(k)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// flagEventBodiesDropped is the event seq up to which handled events have lost their bodies.
const flagEventBodiesDropped = "event_bodies_dropped_upto"

// DropEventBodies forgets what Zalo sent (the raw body) of at most limit handled events received
// before cutoff, in arrival order from where the last run stopped; their headers and dedupe keys stay
// for the events' own retention. Events not handled yet, or given up on, keep their bodies.
func (tx *Tx) DropEventBodies(cutoff time.Time, limit int) (int, error) {
	from, _ := strconv.ParseUint(tx.Flag(flagEventBodiesDropped), 10, 64)
	inbox, dead := tx.btx.Bucket(bucketInbox), tx.btx.Bucket(bucketDeadEvents)
	c := tx.btx.Bucket(bucketEvents).Cursor()
	n, last := 0, from
	var drop []uint64 // dropped after the walk: a legacy record is written again, which a cursor must not see
	for k, v := c.Seek(u64(from + 1)); k != nil && n < limit; k, v = c.Next() {
		ev, err := decodeEvent(btou64(k), v)
		if err != nil {
			return n, err
		}
		if !ev.ReceivedAt.Before(cutoff) {
			break // arrival order: the rest is newer
		}
		last = btou64(k)
		n++
		if inbox.Get(k) == nil && dead.Get(k) == nil { // else still to be handled, or given up on: it keeps its body
			drop = append(drop, last)
		}
	}
	for _, seq := range drop {
		if err := tx.dropEventBody(seq); err != nil {
			return n, err
		}
	}
	if last == from {
		return n, nil
	}
	return n, tx.SetFlag(flagEventBodiesDropped, strconv.FormatUint(last, 10))
}
