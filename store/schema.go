package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The file's layout in one place: every bucket, what its keys and values are, and how the erasure
// of a person (erase.go) treats it. Open creates the missing ones; a test checks that nothing else
// in the package makes a bucket and that every one declares its erasure.
var (
	bucketMeta = []byte("meta") // "schema" → version; flags ("flag:…"); erasure salt

	// The webhook inbox (events.go).
	bucketEvents      = []byte("events")       // seq → event record (kept for the retention period)
	bucketEventKeys   = []byte("event_keys")   // dedupe key → seq
	bucketEventBodies = []byte("event_bodies") // seq → the bytes Zalo sent, kept until handled and CDTBOT_KEEP_BODIES
	bucketInbox       = []byte("inbox")        // seq → 1: acknowledged, not yet handled
	bucketDeadEvents  = []byte("dead_events")  // seq → reason: handling failed repeatedly

	// The outbox and what became of each message (outbox.go, delivery.go).
	bucketOutbox     = []byte("outbox")      // priority+seq → message waiting to be sent
	bucketSent       = []byte("sent")        // seq → final outcome of an outbox message
	bucketSentLog    = []byte("sent_log")    // log seq → outbox seq, in the order messages settled (outbox seqs settle out of order)
	bucketSentBodies = []byte("sent_bodies") // log seq → what a settled message said (its rendered body), kept CDTBOT_KEEP_BODIES
	bucketSendCosts  = []byte("send_costs")  // "2026-11|zns" → delivered messages that month and cost class

	// Zalo access and reachability (tokens.go, contacts.go).
	bucketTokens      = []byte("tokens")      // "zalo" → current OAuth pair
	bucketUnreachable = []byte("unreachable") // user id → when and why Zalo refused to deliver
	bucketLastSeen    = []byte("last_seen")   // user id → unix ns of their last inbound event (Zalo's 7-day window)
	bucketChoices     = []byte("choices")     // user id → the numbered choices of the last message sent to them
	bucketSecrets     = []byte("secrets")     // name → random key made on first use (officer links), travels with backups

	// The directory (directory.go, queries.go).
	bucketUnits        = []byte("units")         // unit code → Unit
	bucketUnitChildren = []byte("unit_children") // parent code \x00 child code → 1
	bucketTeams        = []byte("teams")         // team code → Team
	bucketUnitTeams    = []byte("unit_teams")    // unit code \x00 team code → 1: a scope's teams without reading the others
	bucketJoinCodes    = []byte("join_codes")    // folded join code → team code
	bucketPeople       = []byte("people")        // zalo id → Person
	bucketRoles        = []byte("roles")         // team code \x00 zalo id → role
	bucketPersonRoles  = []byte("person_roles")  // zalo id \x00 team code → role
	bucketApprovers    = []byte("approvers")     // unit code → Approver
	bucketOfficers     = []byte("officers")      // officer id → Officer
	bucketOfficerZalo  = []byte("officer_zalo")  // zalo id \x00 officer id → 1 (schema 2)
	bucketOfficerGroup = []byte("officer_group") // group id \x00 officer id → 1 (schema 2)
	bucketOfficerGen   = []byte("officer_gen")   // officer id → link generation (outlives the officer)
	bucketQuestionSets = []byte("question_sets") // id → QuestionSet

	// Conversations and their outcomes (requests.go, reports.go, sessions.go, audit.go, ledger.go).
	bucketRequests     = []byte("requests")        // seq → Request
	bucketPersonReqs   = []byte("requests_person") // zalo id \x00 seq → kind (schema 2)
	bucketOpenRequests = []byte("requests_open")   // seq → 1 while the request waits for someone (schema 2)
	bucketReports      = []byte("reports")         // team \x00 period \x00 version(8) → Report
	bucketSessions     = []byte("sessions")        // zalo id → Session
	bucketAudit        = []byte("audit")           // seq → AuditEntry
	bucketLedger       = []byte("reminder_ledger") // kind|team or scope|period|step → sent: never remind twice
)

// How a person's erasure treats a bucket: which step of ErasePerson covers it, or why none needs to.
const (
	eraseNothing   = "holds no personal data"
	eraseDerived   = "an index: follows the records it indexes"
	eraseDirectory = "eraseDirectory"
	eraseEvents    = "eraseEvents"
	eraseMessages  = "eraseMessages"
	eraseSessions  = "eraseSessions"
	eraseRequests  = "eraseRequests"
	eraseReports   = "eraseReports"
	eraseAudit     = "eraseAudit"
)

// bucketDef is one bucket of the registry.
type bucketDef struct {
	name  []byte
	erase string
	// appends: keys arrive in increasing order (sequences) and leave from the front, so pages are
	// filled to appendFill instead of bbolt's half (which left such buckets at half their size forever).
	appends bool
}

// appendFill is how full an append-only bucket's pages are packed when they split.
const appendFill = 0.9

// packAppends sets the fill of the append-only buckets for a write transaction (bbolt keeps it per
// bucket handle, not in the file).
func packAppends(btx *bolt.Tx) {
	for _, b := range buckets {
		if b.appends {
			if h := btx.Bucket(b.name); h != nil {
				h.FillPercent = appendFill
			}
		}
	}
}

// buckets is the registry: every bucket of the file.
var buckets = []bucketDef{
	{name: bucketMeta, erase: eraseNothing},
	{name: bucketEvents, erase: eraseEvents, appends: true},
	{name: bucketEventKeys, erase: eraseEvents},
	{name: bucketEventBodies, erase: eraseEvents, appends: true},
	{name: bucketInbox, erase: eraseNothing, appends: true},
	{name: bucketDeadEvents, erase: eraseNothing, appends: true},
	{name: bucketOutbox, erase: eraseMessages, appends: true},
	{name: bucketSent, erase: eraseMessages, appends: true},
	{name: bucketSentLog, erase: eraseNothing, appends: true},
	{name: bucketSentBodies, erase: eraseMessages, appends: true},
	{name: bucketSendCosts, erase: eraseNothing},
	{name: bucketTokens, erase: eraseNothing},
	{name: bucketUnreachable, erase: eraseDirectory},
	{name: bucketLastSeen, erase: eraseDirectory},
	{name: bucketChoices, erase: eraseDirectory},
	{name: bucketSecrets, erase: eraseNothing},
	{name: bucketUnits, erase: eraseNothing},
	{name: bucketUnitChildren, erase: eraseNothing},
	{name: bucketTeams, erase: eraseNothing},
	{name: bucketUnitTeams, erase: eraseDerived},
	{name: bucketJoinCodes, erase: eraseNothing},
	{name: bucketPeople, erase: eraseDirectory},
	{name: bucketRoles, erase: eraseDirectory},
	{name: bucketPersonRoles, erase: eraseDirectory},
	{name: bucketApprovers, erase: eraseNothing}, // an approver must hand over first (ErrHandOverFirst)
	{name: bucketOfficers, erase: eraseNothing},  // an officer must hand over first (ErrHandOverFirst)
	{name: bucketOfficerZalo, erase: eraseDerived},
	{name: bucketOfficerGroup, erase: eraseDerived},
	{name: bucketOfficerGen, erase: eraseNothing},
	{name: bucketQuestionSets, erase: eraseNothing},
	{name: bucketRequests, erase: eraseRequests}, // records grow in place (their history): not packed
	{name: bucketPersonReqs, erase: eraseDerived},
	{name: bucketOpenRequests, erase: eraseDerived},
	{name: bucketReports, erase: eraseReports},
	{name: bucketSessions, erase: eraseSessions},
	{name: bucketAudit, erase: eraseAudit, appends: true},
	{name: bucketLedger, erase: eraseNothing},
}

// SchemaVersion is the layout this release writes. A file without a version is 1: the layout of
// release 2026-11 (testdata/store/release-2026-11.db), the first one kept as a fixture.
const SchemaVersion = 5

// ErrNewerSchema means the file was written by a newer release: opening it could lose what that
// release added, so it is refused.
var ErrNewerSchema = errors.New("the database was written by a newer cdtbot release")

const metaSchema = "schema"

// migration moves a file from version to version+1 inside the opening transaction.
type migration struct {
	to   int
	what string
	run  func(btx *bolt.Tx) error
}

// migrations in order; each one runs once, in the same transaction as the version it writes.
var migrations = []migration{
	{2, "index requests by person and open state, officers by Zalo id and group id", func(btx *bolt.Tx) error {
		if err := reindexRequests(btx); err != nil {
			return err
		}
		return reindexOfficers(btx)
	}},
	// 3 changes no record already written: outcomes and outbox messages are now written in a compact
	// binary form and bodies beside their records, which a schema-2 build cannot read — the version
	// makes it refuse the file instead of half-reading it.
	{3, "compact outcomes and outbox records; event and message bodies beside their records", func(*bolt.Tx) error { return nil }},
	// 4: units, teams and people in a compact binary form (a schema-3 build would misread them).
	{4, "compact unit, team and person records", compactDirectory},
	// 5 changes no record already written: event headers are now binary (a 0 byte first) and dedupe
	// keys may follow the event's stamp, which a schema-4 build would fail to read or to find.
	{5, "binary event headers; dedupe keys in time order", func(*bolt.Tx) error { return nil }},
}

// schemaOf reads the file's version (1 when it has none).
func schemaOf(btx *bolt.Tx) (int, error) {
	meta := btx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil // a new file
	}
	v := meta.Get([]byte(metaSchema))
	if v == nil {
		return 1, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%w: schema version %q", ErrDamaged, v)
	}
	return n, nil
}

// Schema is the file's layout version.
func (tx *Tx) Schema() int {
	n, _ := schemaOf(tx.btx)
	return n
}

// prepare brings a file opened for writing to SchemaVersion: creates the missing buckets, runs the
// migrations it has not had, and rebuilds indexes an earlier release may have left behind.
func prepare(btx *bolt.Tx) (migrated []string, err error) {
	from, err := schemaOf(btx)
	if err != nil {
		return nil, err
	}
	if from > SchemaVersion {
		return nil, fmt.Errorf("%w (schema %d; this release knows %d): run that release, or restore a backup made by this one", ErrNewerSchema, from, SchemaVersion)
	}
	// Indexes are trusted only when this release closed the file and nothing wrote to it since;
	// otherwise (a crash, or an earlier release run after a rollback) they are rebuilt from the records.
	trusted := closedCleanly(btx)
	if btx.Bucket(bucketTeams) != nil { // trusted, it is still built when missing (a file of an earlier release)
		if err := indexTeamsByUnit(btx, !trusted); err != nil {
			return nil, err
		}
	}
	for _, b := range buckets {
		if _, err := btx.CreateBucketIfNotExists(b.name); err != nil {
			return nil, err
		}
	}
	if from == 0 { // a new file: nothing to migrate
		return nil, btx.Bucket(bucketMeta).Put([]byte(metaSchema), []byte(strconv.Itoa(SchemaVersion)))
	}
	for _, m := range migrations {
		if m.to <= from {
			continue
		}
		if err := m.run(btx); err != nil {
			return migrated, fmt.Errorf("migration to schema %d (%s): %w", m.to, m.what, err)
		}
		migrated = append(migrated, fmt.Sprintf("%d: %s", m.to, m.what))
	}
	if from < SchemaVersion {
		if err := btx.Bucket(bucketMeta).Put([]byte(metaSchema), []byte(strconv.Itoa(SchemaVersion))); err != nil {
			return migrated, err
		}
	} else if !trusted {
		if err := reindexRequests(btx); err != nil {
			return nil, err
		}
		if err := reindexOfficers(btx); err != nil {
			return nil, err
		}
	}
	return migrated, btx.Bucket(bucketMeta).Delete([]byte(metaClosedAt)) // a crash from here on leaves no marker
}

// metaClosedAt is the bbolt transaction id of the commit Close made, written as the file's last one.
const metaClosedAt = "closed_at_txid"

// closedCleanly tells whether the last commit to the file was this release's Close (so no other
// writer, and no crash, came after the indexes were last kept).
func closedCleanly(btx *bolt.Tx) bool {
	meta := btx.Bucket(bucketMeta)
	if meta == nil {
		return false
	}
	v := meta.Get([]byte(metaClosedAt))
	return len(v) == 8 && btou64(v) == uint64(btx.ID())-1
}

// markClosed is the last commit of a clean Close.
func markClosed(btx *bolt.Tx) error {
	meta := btx.Bucket(bucketMeta)
	if meta == nil {
		return nil
	}
	return meta.Put([]byte(metaClosedAt), u64(uint64(btx.ID())))
}

// reindexRequests rebuilds both request indexes from the records.
func reindexRequests(btx *bolt.Tx) error {
	for _, name := range [][]byte{bucketPersonReqs, bucketOpenRequests} {
		if _, err := freshBucket(btx, name); err != nil {
			return err
		}
	}
	reqs := btx.Bucket(bucketRequests)
	if reqs == nil {
		return nil
	}
	if err := reqs.ForEach(func(k, v []byte) error {
		var r Request
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("request %d: %w", btou64(k), err)
		}
		return indexRequest(btx, r)
	}); err != nil {
		return err
	}
	return nil
}

// reindexOfficers rebuilds both officer indexes from the records.
func reindexOfficers(btx *bolt.Tx) error {
	for _, name := range [][]byte{bucketOfficerZalo, bucketOfficerGroup} {
		if _, err := freshBucket(btx, name); err != nil {
			return err
		}
	}
	officers := btx.Bucket(bucketOfficers)
	if officers == nil {
		return nil
	}
	return officers.ForEach(func(k, v []byte) error {
		var o Officer
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("officer %s: %w", k, err)
		}
		return indexOfficer(btx, o, true)
	})
}

// freshBucket empties a bucket (an index about to be rebuilt), creating it when missing.
func freshBucket(btx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if btx.Bucket(name) != nil {
		if err := btx.DeleteBucket(name); err != nil {
			return nil, err
		}
	}
	return btx.CreateBucket(name)
}

// indexTeamsByUnit builds the unit index when the file has none, and rebuilds it when forced (the
// indexes are not trusted: a crash, or an earlier release writing after a rollback).
func indexTeamsByUnit(btx *bolt.Tx, force bool) error {
	if !force && btx.Bucket(bucketUnitTeams) != nil {
		return nil
	}
	byUnit, err := freshBucket(btx, bucketUnitTeams)
	if err != nil {
		return err
	}
	return btx.Bucket(bucketTeams).ForEach(func(k, v []byte) error {
		var t Team
		if err := decodeTeam(k, v, &t); err != nil {
			return fmt.Errorf("team %s: %w", k, err)
		}
		return byUnit.Put(ckey(t.Unit, t.Code), present)
	})
}
