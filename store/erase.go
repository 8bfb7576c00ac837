package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"
)

// Personal data (Personal Data Protection Law 91/2025/QH15): what is stored
// about one person, and its erasure on request or when consent is withdrawn.
//
// Erasure deletes what is theirs (person record, roles, conversation, unreachable
// mark, their webhook events and dedupe keys, messages waiting for them) and
// anonymises what other people's records need to keep making sense: their
// requests, the reports they filed and audit entries keep their shape, with the
// Zalo id replaced by a stable opaque token ("erased-…") and name and phone gone.
// The team's report answers are never touched: the figures are the team's.

// ErrHandOverFirst refuses erasing someone others depend on: a team leader, an
// approver or an officer must hand the role over before their data can go.
var ErrHandOverFirst = errors.New("hand the role over first")

// HandOver lists the roles that block an erasure.
type HandOver struct {
	Leads    []string `json:"leads,omitempty"`    // team codes
	Approves []string `json:"approves,omitempty"` // unit codes
	Officer  []string `json:"officer,omitempty"`  // officer ids
}

// Empty tells whether nothing needs handing over.
func (h HandOver) Empty() bool { return len(h.Leads)+len(h.Approves)+len(h.Officer) == 0 }

// FiledReport is one team-month a person filed a report for (the answers are the team's, not theirs).
type FiledReport struct {
	Team     string    `json:"team"`
	Period   string    `json:"period"`
	Versions int       `json:"versions"` // how many of the versions they filed
	FiledAt  time.Time `json:"filed_at"` // their latest
}

// PersonData is everything stored about one person, for the right to see it.
type PersonData struct {
	ZaloID      string        `json:"zalo_id"`
	Person      *Person       `json:"person,omitempty"`
	Roles       []Membership  `json:"roles"`
	Requests    []Request     `json:"requests"`
	Reports     []FiledReport `json:"reports"`
	Unreachable *Unreachable  `json:"unreachable,omitempty"`
	Session     *Session      `json:"session,omitempty"`
	Approves    []Approver    `json:"approves,omitempty"`
	Officer     []Officer     `json:"officer,omitempty"`
	Events      int           `json:"events"` // webhook events from them still kept (8 days)
	Outbox      int           `json:"outbox"` // messages waiting to be sent to them
	Sent        int           `json:"sent"`   // sent-log entries addressed to them (kept CDTBOT_KEEP_SENT, 35 days by default)
	Audit       int           `json:"audit"`  // audit entries naming them
}

// Stored tells whether anything at all is kept about the person.
func (d PersonData) Stored() bool {
	return d.Person != nil || len(d.Roles)+len(d.Requests)+len(d.Reports)+len(d.Approves)+len(d.Officer) > 0 ||
		d.Unreachable != nil || d.Session != nil || d.Events+d.Outbox+d.Sent+d.Audit > 0
}

// HandOver is what the person must hand over before erasure.
func (d PersonData) HandOver() HandOver {
	var h HandOver
	for _, m := range d.Roles {
		if m.Role == RoleLeader {
			h.Leads = append(h.Leads, m.Team)
		}
	}
	for _, a := range d.Approves {
		h.Approves = append(h.Approves, a.Unit)
	}
	for _, o := range d.Officer {
		h.Officer = append(h.Officer, o.ID)
	}
	return h
}

// HandOverOf is what zaloID must hand over before erasure (cheaper than PersonData).
func (tx *Tx) HandOverOf(zaloID string) (HandOver, error) {
	roles, err := tx.RolesOf(zaloID)
	if err != nil {
		return HandOver{}, err
	}
	approves, officer, err := tx.posts(zaloID)
	return PersonData{Roles: roles, Approves: approves, Officer: officer}.HandOver(), err
}

// posts lists the approver and officer entries that name zaloID.
func (tx *Tx) posts(zaloID string) ([]Approver, []Officer, error) {
	var approves []Approver
	var officer []Officer
	approvers, err := tx.Approvers()
	if err != nil {
		return nil, nil, err
	}
	for _, a := range approvers {
		if a.ZaloID == zaloID {
			approves = append(approves, a)
		}
	}
	officers, err := tx.Officers()
	if err != nil {
		return nil, nil, err
	}
	for _, o := range officers {
		if o.ZaloID == zaloID {
			officer = append(officer, o)
		}
	}
	return approves, officer, nil
}

// PersonData collects what is stored about zaloID. It looks through every
// request, report, event and message (decoding only those holding the id's bytes).
func (tx *Tx) PersonData(zaloID string) (PersonData, error) {
	const op = "store.PersonData"
	d := PersonData{ZaloID: zaloID, Roles: []Membership{}, Requests: []Request{}, Reports: []FiledReport{}}
	if zaloID == "" {
		return d, nil
	}
	if p, ok, err := tx.Person(zaloID); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	} else if ok {
		d.Person = &p
	}
	roles, err := tx.RolesOf(zaloID)
	if err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	d.Roles = append(d.Roles, roles...)
	// Records that do not contain the id's bytes cannot be theirs: skip decoding them.
	id := []byte(zaloID)
	if err := tx.btx.Bucket(bucketRequests).ForEach(func(_, v []byte) error {
		if !bytes.Contains(v, id) {
			return nil
		}
		var r Request
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if r.ZaloID == zaloID {
			d.Requests = append(d.Requests, r)
		}
		return nil
	}); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	idx := map[string]int{}
	if err := tx.btx.Bucket(bucketReports).ForEach(func(_, v []byte) error {
		if !bytes.Contains(v, id) {
			return nil
		}
		var r Report
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if r.FiledBy != zaloID {
			return nil
		}
		k := r.Team + sep + r.Period
		i, ok := idx[k]
		if !ok {
			i, idx[k] = len(d.Reports), len(d.Reports)
			d.Reports = append(d.Reports, FiledReport{Team: r.Team, Period: r.Period})
		}
		d.Reports[i].Versions++
		if r.FiledAt.After(d.Reports[i].FiledAt) {
			d.Reports[i].FiledAt = r.FiledAt
		}
		return nil
	}); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	sort.Slice(d.Reports, func(i, j int) bool {
		if d.Reports[i].Period != d.Reports[j].Period {
			return d.Reports[i].Period < d.Reports[j].Period
		}
		return d.Reports[i].Team < d.Reports[j].Team
	})
	if u, ok, err := tx.UnreachableUser(zaloID); err != nil {
		return d, err
	} else if ok {
		d.Unreachable = &u
	}
	if s, ok, err := tx.Session(zaloID); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	} else if ok {
		d.Session = &s
	}
	if d.Approves, d.Officer, err = tx.posts(zaloID); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	bodies := tx.btx.Bucket(bucketEventBodies)
	if err := tx.btx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
		if !bytes.Contains(v, id) && !bytes.Contains(bodies.Get(k), id) {
			return nil
		}
		if ev, err := tx.event(btou64(k), v); err == nil && ownEvent(ev, zaloID) {
			d.Events++
		}
		return nil
	}); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	if err := tx.btx.Bucket(bucketOutbox).ForEach(func(_, v []byte) error {
		if h, ok := readOutHeader(v); ok && string(h.to) == zaloID {
			d.Outbox++
		}
		return nil
	}); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	if err := tx.btx.Bucket(bucketSent).ForEach(func(k, v []byte) error {
		if !bytes.Contains(v, id) {
			return nil
		}
		if o, err := decodeOutcome(btou64(k), v); err == nil && o.To == zaloID {
			d.Sent++
		}
		return nil
	}); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	if err := tx.btx.Bucket(bucketAudit).ForEach(func(_, v []byte) error {
		if !bytes.Contains(v, id) {
			return nil
		}
		var e AuditEntry
		if json.Unmarshal(v, &e) == nil && (e.Actor == zaloID || e.Subject == zaloID) {
			d.Audit++
		}
		return nil
	}); err != nil {
		return d, fmt.Errorf("%s: %w", op, err)
	}
	return d, nil
}

// EraseOptions say who asked and how.
type EraseOptions struct {
	// Answering means the erasure answers the person's own message, being handled
	// in this transaction: it is the oldest pending event of their partition and
	// goes too. Their later messages stay pending: they are new.
	Answering bool
	// By is who carried it out, for the audit log: "chat", "admin-api", "cli".
	By string
	// Reason is "erase" or "withdraw" (consent withdrawn), for the audit log.
	Reason string
}

// Erasure kinds, in the order they are reported.
const (
	ErasedPerson      = "person"             // person record: name, phone, consent
	ErasedRoles       = "roles"              // team roles removed
	ErasedSession     = "session"            // open conversation
	ErasedUnreachable = "unreachable"        // unreachable mark
	ErasedEvents      = "events"             // webhook events from them, with their dedupe keys
	ErasedOutbox      = "outbox"             // messages waiting for them
	ErasedSent        = "sent"               // sent-log entries to them: body dropped, recipient anonymised
	ErasedRequests    = "requests"           // their requests, anonymised
	ErasedCancelled   = "requests_cancelled" // of which open ones, now cancelled
	ErasedReports     = "reports"            // report versions they filed: filer anonymised
	ErasedAudit       = "audit"              // audit entries naming them, anonymised
	ErasedMentions    = "mentions"           // other people's records that named them, scrubbed
)

// EraseKinds lists the kinds of Erasure.Counts in report order.
var EraseKinds = []string{ErasedPerson, ErasedRoles, ErasedSession, ErasedUnreachable, ErasedEvents, ErasedOutbox,
	ErasedSent, ErasedRequests, ErasedCancelled, ErasedReports, ErasedAudit, ErasedMentions}

// Erasure is what ErasePerson did.
type Erasure struct {
	Token  string         `json:"token"`  // what their Zalo id became in the records that stay
	Counts map[string]int `json:"erased"` // by kind (EraseKinds)
	// Left are the roles they held, now removed; Cancelled their open requests
	// as they stood before (the callers tell whoever was waiting on them).
	Left      []Membership `json:"-"`
	Cancelled []Request    `json:"-"`
	// Remaining names buckets where the Zalo id still appears: their own messages
	// that arrived after the request and wait to be handled, or a record kind this
	// version does not know. Empty after a complete erasure.
	Remaining []string `json:"remaining,omitempty"`
}

// Total is the number of records erased or anonymised.
func (e Erasure) Total() int {
	n := 0
	for _, k := range EraseKinds {
		if k != ErasedCancelled {
			n += e.Counts[k]
		}
	}
	return n
}

var eraseSaltKey = []byte("erase_salt")

// ErasedToken is the opaque token that replaces zaloID in anonymised records:
// stable within this database (the same person always maps to the same token),
// and keyed with a random per-database salt so it cannot be recomputed from
// the id alone. Creates the salt on first use (in a read-write transaction).
func (tx *Tx) ErasedToken(zaloID string) (string, error) {
	meta := tx.btx.Bucket(bucketMeta)
	salt := meta.Get(eraseSaltKey)
	if salt == nil {
		if !tx.btx.Writable() {
			return "", errors.New("store.ErasedToken: no salt yet in a read-only transaction")
		}
		salt = make([]byte, 32)
		if _, err := rand.Read(salt); err != nil {
			return "", err
		}
		if err := meta.Put(eraseSaltKey, salt); err != nil {
			return "", err
		}
	}
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(zaloID))
	return "erased-" + hex.EncodeToString(mac.Sum(nil))[:16], nil
}

// ErasePerson erases zaloID's personal data (see the top of this file). It
// fails with ErrHandOverFirst, changing nothing, for a leader, approver or officer.
// Erasing someone unknown erases nothing and is not an error.
func (tx *Tx) ErasePerson(zaloID string, opts EraseOptions) (Erasure, error) {
	const op = "store.ErasePerson"
	er := Erasure{Counts: map[string]int{}}
	if zaloID == "" || strings.Contains(zaloID, sep) {
		return er, fmt.Errorf("%s: bad zalo id %q", op, zaloID)
	}
	d, err := tx.PersonData(zaloID)
	if err != nil {
		return er, err
	}
	if h := d.HandOver(); !h.Empty() {
		return er, fmt.Errorf("%s %s: %w (%s)", op, zaloID, ErrHandOverFirst, h)
	}
	if er.Token, err = tx.ErasedToken(zaloID); err != nil {
		return er, fmt.Errorf("%s: %w", op, err)
	}
	sc := newScrubber(zaloID, er.Token, d)
	steps := []func(*Erasure, *scrubber, PersonData, EraseOptions) error{
		tx.eraseDirectory, tx.eraseEvents, tx.eraseMessages, tx.eraseSessions, tx.eraseRequests, tx.eraseReports, tx.eraseAudit,
	}
	for _, step := range steps {
		if err := step(&er, sc, d, opts); err != nil {
			return er, fmt.Errorf("%s: %w", op, err)
		}
	}
	detail := fmt.Sprintf("reason=%s by=%s", opts.Reason, opts.By)
	for _, k := range EraseKinds {
		if n := er.Counts[k]; n > 0 {
			detail += fmt.Sprintf(" %s=%d", k, n)
		}
	}
	if err := tx.Audit(AuditEntry{Actor: opts.By, Action: "person.erased", Subject: er.Token, Detail: detail}); err != nil {
		return er, fmt.Errorf("%s: %w", op, err)
	}
	if len(zaloID) >= minScanID {
		if er.Remaining, err = tx.bucketsMentioning([]byte(zaloID)); err != nil {
			return er, fmt.Errorf("%s: %w", op, err)
		}
	}
	if er.Total() > 0 {
		// The erased bytes stay in freed pages until the file is compacted: ask for it.
		if err := tx.SetFlag(FlagCompactPending, "1"); err != nil {
			return er, fmt.Errorf("%s: %w", op, err)
		}
	}
	return er, nil
}

// FlagCompactPending is set by an erasure: the file should be compacted so no freed page keeps the data.
const FlagCompactPending = "compact_pending"

// CompactIfPending compacts the file when an erasure asked for it; true when it did.
func (db *DB) CompactIfPending() (bool, error) {
	var pending bool
	if err := db.View(func(tx *Tx) error { pending = tx.Flag(FlagCompactPending) != ""; return nil }); err != nil || !pending {
		return false, err
	}
	// Cleared first: an erasure committed during or after the copy sets it again for the next round.
	if err := db.Update(func(tx *Tx) error { return tx.SetFlag(FlagCompactPending, "") }); err != nil {
		return false, err
	}
	return true, db.Compact()
}

func (h HandOver) String() string {
	var parts []string
	if len(h.Leads) > 0 {
		parts = append(parts, "leader of "+strings.Join(h.Leads, ", "))
	}
	if len(h.Approves) > 0 {
		parts = append(parts, "approver for "+strings.Join(h.Approves, ", "))
	}
	if len(h.Officer) > 0 {
		parts = append(parts, "officer "+strings.Join(h.Officer, ", "))
	}
	return strings.Join(parts, "; ")
}

// eraseDirectory removes the person, their roles and their unreachable mark.
func (tx *Tx) eraseDirectory(er *Erasure, _ *scrubber, d PersonData, _ EraseOptions) error {
	if d.Person != nil {
		if err := tx.DeletePerson(d.ZaloID); err != nil {
			return err
		}
		er.Counts[ErasedPerson]++
	}
	for _, m := range d.Roles {
		if err := tx.RemoveRole(m.Team, d.ZaloID); err != nil {
			return err
		}
		er.Left = append(er.Left, m)
		er.Counts[ErasedRoles]++
	}
	if d.Unreachable != nil {
		if err := tx.ClearUnreachable(d.ZaloID); err != nil {
			return err
		}
		er.Counts[ErasedUnreachable]++
	}
	return tx.forgetContact(d.ZaloID)
}

// eraseEvents deletes the person's handled events (and, when answering, the message being
// answered) with their dedupe keys, and other people's handled events that name them (Zalo's raw
// JSON is not rewritten: only an event still waiting to be handled is scrubbed).
func (tx *Tx) eraseEvents(er *Erasure, sc *scrubber, d PersonData, opts EraseOptions) error {
	events := tx.btx.Bucket(bucketEvents)
	bodies := tx.btx.Bucket(bucketEventBodies)
	keys := tx.btx.Bucket(bucketEventKeys)
	inbox := tx.btx.Bucket(bucketInbox)
	dead := tx.btx.Bucket(bucketDeadEvents)
	partition := "u:" + d.ZaloID
	var current []byte // the message being answered
	if opts.Answering {
		c := inbox.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if v := events.Get(k); v != nil {
				if ev, err := decodeEvent(btou64(k), v); err == nil && ev.Partition == partition {
					current = bytes.Clone(k)
					break
				}
			}
		}
	}
	var del, mentions [][]byte
	var delKeys []Event
	var rewrite []Event
	err := events.ForEach(func(k, v []byte) error {
		if !sc.mentions(v) && !sc.mentions(bodies.Get(k)) {
			return nil // neither theirs (the partition names them) nor about them
		}
		ev, err := tx.event(btou64(k), v)
		if err != nil {
			return err
		}
		pending := inbox.Get(k) != nil
		own := ownEvent(ev, d.ZaloID)
		switch {
		case bytes.Equal(k, current), own && !pending:
			del = append(del, bytes.Clone(k))
			delKeys = append(delKeys, ev)
		case own:
			// Their own message that arrived after the request: new, and handled as such.
		case !pending:
			// Someone else's handled event that names them: Zalo's raw JSON, kept only for the retention
			// window, goes whole (its dedupe key stays, so a late retry is still recognised).
			if _, changed := sc.scrub(ev.Body); changed {
				mentions = append(mentions, bytes.Clone(k))
			}
		default:
			// Not handled yet: it must still be answered, so only their name, phone and id leave it.
			if body, changed := sc.scrub(ev.Body); changed {
				ev.Body = body
				rewrite = append(rewrite, ev)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range del {
		for _, b := range []*bolt.Bucket{events, bodies, inbox, dead} {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	for _, ev := range delKeys {
		if err := dropEventKey(keys, ev); err != nil {
			return err
		}
	}
	for _, k := range mentions {
		if err := errors.Join(events.Delete(k), bodies.Delete(k)); err != nil {
			return err
		}
	}
	// Orphan dedupe keys naming them (their event already pruned or erased).
	var orphans [][]byte
	if err := keys.ForEach(func(k, v []byte) error {
		if len(sc.id) >= minScanID && containsID(k, sc.id) && events.Get(v) == nil {
			orphans = append(orphans, bytes.Clone(k))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range orphans {
		if err := keys.Delete(k); err != nil {
			return err
		}
	}
	for _, ev := range rewrite {
		if err := tx.putEvent(ev); err != nil {
			return err
		}
	}
	er.Counts[ErasedEvents] += len(del)
	er.Counts[ErasedMentions] += len(rewrite) + len(mentions)
	return nil
}

// minScanID is the shortest Zalo id looked for inside other records' text:
// real ids have 18–19 digits; a short test id ("42") would match any number.
const minScanID = 8

// ownEvent tells whether an event is the person's: in their partition, or a
// group event that carries their id (a message they wrote in a group).
func ownEvent(ev Event, zaloID string) bool {
	if ev.Partition == "u:"+zaloID {
		return true
	}
	// A group event is theirs when its body names them as sender, or — its body dropped after
	// CDTBOT_KEEP_BODIES — when its dedupe key does ("e:<event>|<their id>|<time>").
	id := []byte(zaloID)
	return !strings.HasPrefix(ev.Partition, "u:") && len(zaloID) >= minScanID && (containsID(ev.Body, id) || containsID([]byte(ev.Key), id))
}

// eraseMessages drops the outbox messages waiting for them and the bodies of
// the sent log addressed to them; messages to others that named them are scrubbed.
func (tx *Tx) eraseMessages(er *Erasure, sc *scrubber, d PersonData, _ EraseOptions) error {
	outbox := tx.btx.Bucket(bucketOutbox)
	var del [][]byte
	var put []OutMsg
	err := outbox.ForEach(func(k, v []byte) error {
		if !sc.mentions(v) {
			return nil
		}
		m, err := decodeOut(k, v)
		if err != nil {
			return err
		}
		if m.To == d.ZaloID {
			del = append(del, bytes.Clone(k))
			return nil
		}
		// Scrub every field at once (text, choices, template data, a legacy body, the last error).
		js, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if nj, changed := sc.scrub(js); changed {
			var sm OutMsg
			if err := json.Unmarshal(nj, &sm); err != nil {
				return err
			}
			sm.Seq, sm.Priority, sm.To, sm.InFlight, sm.NextAt = m.Seq, m.Priority, m.To, m.InFlight, m.NextAt
			put = append(put, sm)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range del {
		if err := outbox.Delete(k); err != nil {
			return err
		}
	}
	for _, m := range put {
		if err := tx.putOut(m); err != nil {
			return err
		}
	}
	er.Counts[ErasedOutbox] += len(del)
	er.Counts[ErasedMentions] += len(put)

	var theirs [][]byte // sent_bodies keys of what was said to them
	_, err = tx.rewriteBucket(bucketSent, func(k, v []byte) ([]byte, error) {
		if !sc.mentions(v) {
			return nil, nil
		}
		o, err := decodeOutcome(btou64(k), v)
		if err != nil {
			return nil, err
		}
		// Field by field: the stored form has lengths that a byte scrub would break.
		errText, errChanged := sc.scrub([]byte(o.Error))
		body, bodyChanged := sc.scrub(o.Body) // a legacy outcome's own body
		if o.To != d.ZaloID {
			if !errChanged && !bodyChanged {
				return nil, nil
			}
			er.Counts[ErasedMentions]++
		} else {
			o.To, body = sc.token, nil
			er.Counts[ErasedSent]++
			if o.LogSeq != 0 {
				theirs = append(theirs, u64(o.LogSeq))
			}
		}
		o.Error = string(errText)
		if hasBody(body) {
			o.Body = body
			return json.Marshal(o) // a legacy record stays legacy: its body is inside
		}
		o.Body = nil
		return encodeOutcome(o), nil
	})
	if err != nil {
		return err
	}
	// What was said to them goes; what was said to others that named them is scrubbed.
	bodies := tx.btx.Bucket(bucketSentBodies)
	for _, k := range theirs {
		if err := bodies.Delete(k); err != nil {
			return err
		}
	}
	_, err = tx.rewriteBucket(bucketSentBodies, func(_, v []byte) ([]byte, error) {
		if !sc.mentions(v) {
			return nil, nil
		}
		nv, changed := sc.scrub(v)
		if changed {
			er.Counts[ErasedMentions]++
		}
		return nv, nil
	})
	return err
}

// eraseSessions ends their conversation; others' conversations only lose their id.
func (tx *Tx) eraseSessions(er *Erasure, sc *scrubber, d PersonData, _ EraseOptions) error {
	if d.Session != nil {
		if err := tx.EndSession(d.ZaloID); err != nil {
			return err
		}
		er.Counts[ErasedSession]++
	}
	n, err := tx.rewriteBucket(bucketSessions, func(_, v []byte) ([]byte, error) {
		nv, _ := sc.replaceID(v)
		return nv, nil
	})
	er.Counts[ErasedMentions] += n
	return err
}

// eraseRequests anonymises their requests (cancelling open ones) and the steps
// they took in other people's requests.
func (tx *Tx) eraseRequests(er *Erasure, sc *scrubber, d PersonData, opts EraseOptions) error {
	var put []Request
	var audits []AuditEntry
	err := tx.Requests(func(r Request) error {
		changed := false
		if r.ZaloID == d.ZaloID {
			if r.Open() {
				er.Cancelled = append(er.Cancelled, r)
				r.State = StateCancelled
				r.History = append(r.History, RequestStep{At: tx.now, By: opts.By, Action: "cancelled", Note: "personal data erased"})
				audits = append(audits, AuditEntry{Actor: opts.By, Action: r.Kind + ".cancelled", Subject: sc.token, Team: r.Team, Detail: "personal data erased"})
				er.Counts[ErasedCancelled]++
			}
			r.ZaloID, r.Name, r.Phone, r.Reason = sc.token, "", "", ""
			for i := range r.History {
				if r.History[i].By == d.ZaloID {
					r.History[i].Note = "" // their own words (a leave reason)
				}
			}
			er.Counts[ErasedRequests]++
			changed = true
		}
		for i := range r.History {
			step := &r.History[i]
			if step.By == d.ZaloID {
				step.By, changed = sc.token, true
			}
			if note, ok := sc.scrub([]byte(step.Note)); ok {
				step.Note, changed = string(note), true
			}
		}
		if reason, ok := sc.scrub([]byte(r.Reason)); ok {
			r.Reason, changed = string(reason), true
		}
		if changed {
			if r.ZaloID != sc.token {
				er.Counts[ErasedMentions]++
			}
			put = append(put, r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range put {
		if err := tx.putRequest(r); err != nil {
			return err
		}
	}
	for _, a := range audits {
		if err := tx.Audit(a); err != nil {
			return err
		}
	}
	return nil
}

// eraseReports anonymises who filed; the team's answers stay exactly as filed.
func (tx *Tx) eraseReports(er *Erasure, sc *scrubber, d PersonData, _ EraseOptions) error {
	n, err := tx.rewriteBucket(bucketReports, func(_, v []byte) ([]byte, error) {
		if !bytes.Contains(v, sc.id) {
			return nil, nil
		}
		var r Report
		if err := json.Unmarshal(v, &r); err != nil || r.FiledBy != d.ZaloID {
			return nil, err
		}
		r.FiledBy = sc.token
		return json.Marshal(r)
	})
	er.Counts[ErasedReports] += n
	return err
}

// eraseAudit anonymises actor and subject and scrubs details that named them.
func (tx *Tx) eraseAudit(er *Erasure, sc *scrubber, d PersonData, _ EraseOptions) error {
	n, err := tx.rewriteBucket(bucketAudit, func(_, v []byte) ([]byte, error) {
		if !sc.mentions(v) {
			return nil, nil
		}
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		changed := false
		if e.Actor == d.ZaloID {
			e.Actor, changed = sc.token, true
		}
		if e.Subject == d.ZaloID {
			e.Subject, changed = sc.token, true
		}
		if detail, ok := sc.scrub([]byte(e.Detail)); ok {
			e.Detail, changed = string(detail), true
		}
		if !changed {
			return nil, nil
		}
		return json.Marshal(e)
	})
	er.Counts[ErasedAudit] += n
	return err
}

// rewriteBucket calls fn for every record of a bucket and stores what it
// returns (nil: unchanged) once the walk is over: bbolt forbids writing while
// iterating. It returns how many records changed.
func (tx *Tx) rewriteBucket(name []byte, fn func(k, v []byte) ([]byte, error)) (int, error) {
	b := tx.btx.Bucket(name)
	rewrite := map[string][]byte{}
	if err := b.ForEach(func(k, v []byte) error {
		nv, err := fn(k, v)
		if err == nil && nv != nil && !bytes.Equal(nv, v) {
			rewrite[string(k)] = nv
		}
		return err
	}); err != nil {
		return 0, err
	}
	for k, v := range rewrite {
		if err := b.Put([]byte(k), v); err != nil {
			return 0, err
		}
	}
	return len(rewrite), nil
}

// bucketsMentioning walks every bucket of the file, nested ones included, and
// names those where id still appears in a key or a value.
func (tx *Tx) bucketsMentioning(id []byte) ([]string, error) {
	var out []string
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		found := false
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if nb := b.Bucket(k); nb != nil {
					return walk(path+"/"+string(k), nb)
				}
				return nil
			}
			if !found && (containsID(k, id) || containsID(v, id)) {
				found = true
				out = append(out, path)
			}
			return nil
		})
	}
	err := tx.btx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	return out, err
}

// scrubber finds and replaces one person's identifiers in other people's records.
type scrubber struct {
	id, tokenB []byte
	token      string
	names      [][]byte // full names as stored and in their other Unicode and JSON spellings
	phones     [][]byte // phone numbers, national and international
}

func newScrubber(zaloID, token string, d PersonData) *scrubber {
	s := &scrubber{id: []byte(zaloID), tokenB: []byte(token), token: token}
	var names, phones []string
	if d.Person != nil {
		names, phones = append(names, d.Person.Name), append(phones, d.Person.Phone)
	}
	for _, r := range d.Requests {
		names, phones = append(names, r.Name), append(phones, r.Phone)
	}
	if d.Session != nil {
		names, phones = append(names, d.Session.Data["name"]), append(phones, d.Session.Data["phone"])
	}
	seen := map[string]bool{}
	add := func(list *[][]byte, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, []byte(v))
		}
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		// A one-word name ("An") is too common a string to scrub from other people's records.
		if len(strings.Fields(n)) < 2 {
			continue
		}
		for _, form := range []string{n, norm.NFC.String(n), norm.NFD.String(n)} {
			add(&s.names, form)
			add(&s.names, jsonEscape(form, false))
			add(&s.names, jsonEscape(form, true))
		}
	}
	for _, p := range phones {
		if len(p) == 10 && p[0] == '0' {
			core := p[1:]
			// Longest spelling first, so "+84912…" does not leave "+84" behind.
			add(&s.phones, "+84"+core)
			add(&s.phones, "84"+core)
			add(&s.phones, p)
		} else if p != "" {
			add(&s.phones, p)
		}
	}
	// Longest first: a name that contains another is replaced whole.
	sort.SliceStable(s.names, func(i, j int) bool { return len(s.names[i]) > len(s.names[j]) })
	return s
}

// jsonEscape spells s as an ASCII-only JSON encoder would (\u1ec5), lower or upper case hex.
func jsonEscape(s string, upper bool) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		var buf [2]uint16
		n := 1
		if r > 0xFFFF {
			r -= 0x10000
			buf[0], buf[1], n = uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)), 2
		} else {
			buf[0] = uint16(r)
		}
		for _, u := range buf[:n] {
			f := "\\u%04x"
			if upper {
				f = "\\u%04X"
			}
			fmt.Fprintf(&b, f, u)
		}
	}
	return b.String()
}

// mentions is a quick look for any of the person's identifiers, before decoding a record.
func (s *scrubber) mentions(b []byte) bool {
	if bytes.Contains(b, s.id) {
		return true
	}
	for _, list := range [][][]byte{s.names, s.phones} {
		for _, n := range list {
			if bytes.Contains(b, n) {
				return true
			}
		}
	}
	return false
}

// scrubbed replaces a name or phone: plain ASCII, safe inside JSON strings.
var scrubbed = []byte("***")

// scrub replaces the Zalo id with the token and names and phones with "***".
func (s *scrubber) scrub(b []byte) ([]byte, bool) {
	out, changed := s.replaceID(b)
	for _, n := range s.names {
		if bytes.Contains(out, n) {
			out, changed = bytes.ReplaceAll(out, n, scrubbed), true
		}
	}
	for _, p := range s.phones {
		if nb, ok := replaceNumber(out, p, scrubbed); ok {
			out, changed = nb, true
		}
	}
	return out, changed
}

// replaceID replaces the Zalo id (a whole number, not part of a longer one) with the token.
func (s *scrubber) replaceID(b []byte) ([]byte, bool) {
	if len(s.id) < minScanID {
		return b, false
	}
	return replaceNumber(b, s.id, s.tokenB)
}

// replaceNumber replaces occurrences of num not preceded or followed by a digit
// (and, when num starts with "+", not followed by a digit).
func replaceNumber(b, num, with []byte) ([]byte, bool) {
	if len(num) == 0 || !bytes.Contains(b, num) {
		return b, false
	}
	var out []byte
	changed := false
	rest := b
	for {
		i := bytes.Index(rest, num)
		if i < 0 {
			break
		}
		end := i + len(num)
		before := i > 0 && isDigit(rest[i-1]) && isDigit(num[0])
		after := end < len(rest) && isDigit(rest[end])
		if before || after {
			out = append(out, rest[:end]...)
		} else {
			out = append(append(out, rest[:i]...), with...)
			changed = true
		}
		rest = rest[end:]
	}
	if !changed {
		return b, false
	}
	return append(out, rest...), true
}

// containsID tells whether id appears in b as a whole number.
func containsID(b, id []byte) bool {
	_, ok := replaceNumber(b, id, nil)
	return ok
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
