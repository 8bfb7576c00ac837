// Package store owns cdtbot's records and their persistence in one bbolt file:
// the webhook inbox, the outbox, OAuth tokens, contact reachability and, later,
// the directory, requests, reports and conversation state.
//
// It imports nothing of ours. Every write goes through a *Tx so that a
// conversation step, its replies and the "event handled" mark commit together.
package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrLocked means another process holds the database file.
var ErrLocked = errors.New("database is locked by another process (is a cdtbot server running?)")

// Options tune how the file is opened.
type Options struct {
	// LockTimeout bounds the wait for the file lock; zero means 2 seconds.
	LockTimeout time.Duration
	// ReadOnly opens the file with a shared lock, for offline backups.
	ReadOnly bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Check runs bbolt's own consistency check at open too (cdtbot check); every page is read anyway.
	Check bool
	// DedupeByKeyOnly stores dedupe keys alone, not after the event's stamp (CDTBOT_DEDUPE_ORDER=key):
	// for a platform whose retries might carry another timestamp than the first delivery (Zalo does
	// not say; a retry that did would be handled twice in the time order). Both layouts are read.
	DedupeByKeyOnly bool
}

// DB is an open cdtbot database.
type DB struct {
	// cur is the open bbolt file; Compact swaps in a fresh copy while the database stays in use.
	cur  atomic.Pointer[bolt.DB]
	opts Options
	path string
	now  func() time.Time
	log  *inboxLog // the webhook's inbox log (nil read-only)
	// offlineLogged: read-only, the acknowledged events the inbox log held at open (not in this file).
	offlineLogged int
	// eventReady and outboxReady are signalled (never block) after commits that add work.
	eventReady  chan struct{}
	outboxReady chan struct{}
	// migrated lists the schema migrations this Open ran, for the start-up log.
	migrated []string
}

// Migrated lists the schema migrations the opening ran ("2: index …"); empty when none were due.
func (db *DB) Migrated() []string { return db.migrated }

// Open opens (creating when needed, with its folder) the database at path.
func Open(path string, opts Options) (*DB, error) {
	const op = "store.Open"
	if opts.LockTimeout == 0 {
		opts.LockTimeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if !opts.ReadOnly {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("%s: create folder: %w", op, err)
			}
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		// An empty file is a copy cut short or a mistake, not a new database: never build on it silently.
		return nil, fmt.Errorf("%s %s: %w: the file is empty (0 bytes); delete it to start afresh, or restore a backup", op, path, ErrDamaged)
	}
	if err := checkMeta(path); err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, path, err)
	}
	if _, err := os.Stat(path); err == nil && !opts.ReadOnly {
		// Every page is checked from a read-only open first: a writable open rebuilds the free list by
		// walking the pages in a goroutine of bbolt's, where a damaged page would crash the process.
		if err := verify(path, opts.LockTimeout, opts.Check); err != nil {
			return nil, fmt.Errorf("%s %s: %w", op, path, err)
		}
	}
	bdb, err := openBolt(path, opts)
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%s %s: %w", op, path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, path, err)
	}
	offline := 0
	if opts.ReadOnly {
		if err := checkFile(bdb, opts.Check); err != nil {
			bdb.Close()
			return nil, fmt.Errorf("%s %s: %w", op, path, err)
		}
		var copied uint64
		_ = bdb.View(func(tx *bolt.Tx) error {
			if b := tx.Bucket(bucketEvents); b != nil {
				copied = b.Sequence()
			}
			return nil
		})
		offline = loggedOffline(path, copied)
	}
	// Batch callers (outcome records) wait at most 2 ms for company: a short window keeps crash repeats rare.
	bdb.MaxBatchDelay = 2 * time.Millisecond
	db := &DB{path: path, now: opts.Now, opts: opts, eventReady: make(chan struct{}, 1), outboxReady: make(chan struct{}, 1), offlineLogged: offline}
	db.cur.Store(bdb)
	if !opts.ReadOnly {
		if err := bdb.Update(func(tx *bolt.Tx) error {
			var err error
			db.migrated, err = prepare(tx)
			return err
		}); err != nil {
			bdb.Close()
			return nil, fmt.Errorf("%s %s: %w", op, path, err)
		}
		if db.log, err = openInboxLog(db); err != nil {
			bdb.Close()
			return nil, fmt.Errorf("%s %s: %w", op, path, err)
		}
	}
	return db, nil
}

// ErrDamaged means the database file is not a sound bbolt file: restore a backup.
var ErrDamaged = errors.New("the database file is damaged")

// checkMeta reads bbolt's two meta pages before bbolt does: a file cut short (smaller than the
// pages its newest valid meta counts) or with no valid meta is refused here, because bbolt
// panics on it after taking the file lock. A file that does not exist yet is fine.
func checkMeta(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	var best *metaInfo
	// Page 0, then page 1 wherever it may be: at the page size page 0 gives, or (page 0 torn) at
	// any page size bbolt may have used on this or another machine.
	offsets := []int64{0, 4096, 8192, 16384, 32768, 65536, int64(os.Getpagesize())}
	for _, off := range offsets {
		buf := make([]byte, 80)
		if _, err := f.ReadAt(buf, off); err != nil {
			continue
		}
		if m, ok := parseMeta(buf); ok && (off == 0 || off == int64(m.pageSize)) && (best == nil || m.txid > best.txid) {
			best = &m
		}
	}
	if best == nil {
		return fmt.Errorf("%w: no valid header (not a cdtbot database, or overwritten): restore it from a backup", ErrDamaged)
	}
	if need := int64(best.pgid) * int64(best.pageSize); fi.Size() < need {
		return fmt.Errorf("%w: it is cut short (%d bytes, its pages need %d): restore it from a backup", ErrDamaged, fi.Size(), need)
	}
	return nil
}

type metaInfo struct {
	pageSize   uint32
	pgid, txid uint64
}

// parseMeta reads a bbolt meta page (page header of 16 bytes, then magic, version, page size,
// flags, root bucket, freelist, pgid, txid and an FNV-64a checksum of what precedes it).
func parseMeta(b []byte) (metaInfo, bool) {
	le := binary.LittleEndian
	if le.Uint32(b[16:20]) != 0xED0CDAED || le.Uint32(b[20:24]) != 2 {
		return metaInfo{}, false
	}
	h := fnv.New64a()
	h.Write(b[16:72])
	if h.Sum64() != le.Uint64(b[72:80]) {
		return metaInfo{}, false
	}
	return metaInfo{pageSize: le.Uint32(b[24:28]), pgid: le.Uint64(b[56:64]), txid: le.Uint64(b[64:72])}, true
}

// openBolt opens the file, turning bbolt's panics on a damaged file into ErrDamaged. The free list is
// not written at each commit (NoFreelistSync): on a large file it is a run of hundreds of pages per
// commit that fragments the file and makes it outgrow its data (BenchmarkMonthOfTraffic, national:
// 1.26 GB → 0.82 GB at day 56, twice as fast); it is rebuilt from the tree when the file opens.
func openBolt(path string, opts Options) (bdb *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			bdb, err = nil, fmt.Errorf("%w (%v): restore it from a backup (cdtbot backup makes one)", ErrDamaged, r)
		}
	}()
	return bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly, FreelistType: bolt.FreelistMapType, NoFreelistSync: true})
}

// verify opens the file read-only (its free list is not needed) and checks every page.
func verify(path string, lockTimeout time.Duration, full bool) error {
	ro, err := openBolt(path, Options{ReadOnly: true, LockTimeout: lockTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return ErrLocked
	}
	if err != nil {
		return err
	}
	defer ro.Close()
	return checkFile(ro, full)
}

// checkFile reads every page the tree reaches, in this goroutine so that bbolt's panic on a
// damaged page becomes ErrDamaged (bbolt's own walks — its consistency check, and the free-list
// rebuild NoFreelistSync needs — run in goroutines of their own, where a panic cannot be caught).
// With full, bbolt's consistency check follows (cdtbot check): it is safe once every page read.
func checkFile(bdb *bolt.DB, full bool) (err error) {
	// A page number pointing outside the mapping is a memory fault, not a panic, unless asked for.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%v): restore it from a backup", ErrDamaged, r)
		}
	}()
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		var prev []byte
		return b.ForEach(func(k, v []byte) error {
			// Keys in order (reading every key's bytes): a key pointing outside its page shows here.
			if prev != nil && bytes.Compare(prev, k) >= 0 {
				return fmt.Errorf("%w (keys out of order in a page): restore it from a backup", ErrDamaged)
			}
			prev = k
			if v == nil {
				if nb := b.Bucket(k); nb != nil {
					return walk(nb)
				}
			}
			return nil
		})
	}
	if err := bdb.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
	}); err != nil || !full {
		return err
	}
	return bdb.View(func(tx *bolt.Tx) error {
		var first error
		for cerr := range tx.Check() { // drained to the end: the checker stops only then
			if first == nil {
				first = fmt.Errorf("%w (%v): restore it from a backup", ErrDamaged, cerr)
			}
		}
		return first
	})
}

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

// Now is the database clock (injected in tests).
func (db *DB) Now() time.Time { return db.now() }

// Close stops the inbox log (copying what it holds) and closes the file.
func (db *DB) Close() error {
	if db.log != nil {
		db.log.close() // what it holds goes into the database first
	}
	b := db.cur.Load()
	if !db.opts.ReadOnly {
		_ = b.Update(markClosed) // the next Open may trust the indexes (a second Close finds it closed)
	}
	return b.Close()
}

// errSwapped: the write began on a file Compact has since replaced; it is run again on the new one.
var errSwapped = errors.New("store: the file was compacted meanwhile")

// writeTo runs a bbolt write (Update or Batch) on the current file, again on the new one if
// Compact swapped files while it waited for the write lock (its write would otherwise be lost).
func (db *DB) writeTo(write func(b *bolt.DB, fn func(*bolt.Tx) error) error, fn func(btx *bolt.Tx) error) error {
	for {
		b := db.cur.Load()
		err := write(b, func(btx *bolt.Tx) error {
			if db.cur.Load() != b {
				return errSwapped
			}
			packAppends(btx)
			return fn(btx)
		})
		if !errors.Is(err, errSwapped) && !(errors.Is(err, bolt.ErrDatabaseNotOpen) && db.cur.Load() != b) {
			return err
		}
	}
}

// Compact rewrites the database into a fresh file and swaps it in while the database stays in
// use: the pages freed by deletions (an erased person's name, phone and messages) are not copied,
// so no trace of them is left in the file or in any later backup. Writers wait while it copies
// (seconds for a large file); readers go on.
func (db *DB) Compact() error {
	const op = "store.Compact"
	if db.opts.ReadOnly {
		return fmt.Errorf("%s: read-only", op)
	}
	tmp := db.path + ".compact"
	_ = os.Remove(tmp)
	old := db.cur.Load()
	var fresh *bolt.DB
	err := old.Update(func(src *bolt.Tx) error {
		// Holding the write lock: nothing changes in old while it is copied and swapped.
		var err error
		fresh, err = bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType, NoFreelistSync: true})
		if err != nil {
			return err
		}
		fresh.MaxBatchDelay = old.MaxBatchDelay
		if err := copyAll(fresh, src); err != nil {
			return err
		}
		if err := os.Rename(tmp, db.path); err != nil {
			return err
		}
		if d, err := os.Open(filepath.Dir(db.path)); err == nil {
			_ = d.Sync() // the rename survives a crash
			d.Close()
		}
		db.cur.Store(fresh)
		return errSwapped // nothing to commit in old
	})
	if !errors.Is(err, errSwapped) {
		if fresh != nil {
			fresh.Close()
			_ = os.Remove(tmp)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	// Readers still on the old file finish; then it is closed (its inode is gone with the rename).
	if err := old.Close(); err != nil {
		return fmt.Errorf("%s: closing the old file: %w", op, err)
	}
	return nil
}

// copyAll copies every bucket (nested ones included) and their sequences from src into dst.
func copyAll(dst *bolt.DB, src *bolt.Tx) error {
	return dst.Update(func(tx *bolt.Tx) error {
		return src.ForEach(func(name []byte, b *bolt.Bucket) error {
			nb, err := tx.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			return copyBucket(nb, b)
		})
	})
}

func copyBucket(dst, src *bolt.Bucket) error {
	if err := dst.SetSequence(src.Sequence()); err != nil {
		return err
	}
	dst.FillPercent = 0.9 // written in key order: pages can be nearly full
	return src.ForEach(func(k, v []byte) error {
		if v == nil {
			sub := src.Bucket(k)
			nb, err := dst.CreateBucketIfNotExists(k)
			if err != nil {
				return err
			}
			return copyBucket(nb, sub)
		}
		return dst.Put(k, v)
	})
}

// Tx is a read or read-write transaction over every record.
type Tx struct {
	btx *bolt.Tx
	db  *DB
	now time.Time
	// signals collected during the transaction, fired after a successful commit.
	wakeOutbox bool
	wakeEvents bool
	stamp      string // now as the ledger writes it, formatted once per transaction
	// movedDirectory: this transaction changed the directory (see MovedDirectory).
	movedDirectory bool
	batch          bool    // a Batch: fn may run again, so it takes nothing from the inbox log
	took           []Event // taken from the inbox log: forgotten there once this commits
}

// Now is the instant the transaction started (one clock reading per transaction).
func (tx *Tx) Now() time.Time { return tx.now }

// Writable tells a write transaction (which holds the database's one writer) from a read one.
func (tx *Tx) Writable() bool { return tx.btx.Writable() }

// MovedDirectory tells whether this transaction changed a unit, team or approver (moved DirectoryGen):
// what it reads of the directory may yet roll back.
func (tx *Tx) MovedDirectory() bool { return tx.movedDirectory }

// Update runs fn in a read-write transaction, committed when fn returns nil.
func (db *DB) Update(fn func(tx *Tx) error) (err error) {
	var t *Tx
	defer func() {
		// Events taken from the inbox log leave it only if this committed; a panic in fn releases them
		// too (a claim held forever would stop the log's copy, and a full log the webhook).
		if t != nil && t.took != nil {
			r := recover()
			db.log.release(t.took, err == nil && r == nil)
			if r != nil {
				panic(r) // released, and rolled back by bbolt: the panic goes on
			}
		}
	}()
	err = db.writeTo((*bolt.DB).Update, func(btx *bolt.Tx) error {
		if t != nil && t.took != nil {
			db.log.release(t.took, false) // an attempt on a file compacted meanwhile
		}
		t = &Tx{btx: btx, db: db, now: db.now()}
		return fn(t)
	})
	if err == nil && t != nil {
		db.fire(t)
	}
	return err
}

// Batch is Update coalesced with concurrent callers into one commit (one fsync);
// fn may run more than once, so it must be idempotent.
func (db *DB) Batch(fn func(tx *Tx) error) error {
	var t *Tx
	err := db.writeTo((*bolt.DB).Batch, func(btx *bolt.Tx) error {
		t = &Tx{btx: btx, db: db, now: db.now(), batch: true}
		return fn(t)
	})
	if err == nil && t != nil {
		db.fire(t)
	}
	return err
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(tx *Tx) error) error {
	for {
		b := db.cur.Load()
		err := b.View(func(btx *bolt.Tx) error {
			return fn(&Tx{btx: btx, db: db, now: db.now()})
		})
		if errors.Is(err, bolt.ErrDatabaseNotOpen) && db.cur.Load() != b {
			continue // the file was compacted as this began: read the new one
		}
		return err
	}
}

// Poke wakes whoever waits for new events or sendable messages, as a commit adding them would: a
// test clock moved past a waiting message's instant calls it.
func (db *DB) Poke() {
	signal(db.outboxReady)
	signal(db.eventReady)
}

func (db *DB) fire(t *Tx) {
	if t.wakeOutbox {
		signal(db.outboxReady)
	}
	if t.wakeEvents {
		signal(db.eventReady)
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// EventReady is signalled after new events are committed.
func (db *DB) EventReady() <-chan struct{} { return db.eventReady }

// OutboxReady is signalled after messages are added to the outbox.
func (db *DB) OutboxReady() <-chan struct{} { return db.outboxReady }

// WriteBackup writes a consistent copy of the whole file to w while the
// database stays in use (a read transaction sees one snapshot).
func (db *DB) WriteBackup(w io.Writer) (int64, error) {
	return db.StreamBackup(func(int64) io.Writer { return w })
}

// StreamBackup is WriteBackup for a stream that must announce its length first
// (an HTTP Content-Length, so that a copy cut short is seen as such): start gets
// the snapshot's size and returns where to write it.
func (db *DB) StreamBackup(start func(size int64) io.Writer) (int64, error) {
	db.SettleInbox() // every event acknowledged so far is in the copy
	var n int64
	err := db.cur.Load().View(func(btx *bolt.Tx) error {
		var err error
		n, err = btx.WriteTo(start(btx.Size()))
		return err
	})
	return n, err
}

// present is the value of set-like buckets (bbolt Get cannot tell an empty value from none).
var present = []byte{1}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btou64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
