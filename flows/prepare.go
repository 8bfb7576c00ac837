package flows

import (
	"sync"
	"time"

	"github.com/cdtbot/cdtbot/flows/intent"
	"github.com/cdtbot/cdtbot/store"
)

// Prepare does, in a read transaction before the one that handles in, the slow reading its answer
// will need: an officer's digest ("#baocao", "tình hình báo cáo") reads every team of the scope —
// ~130 ms for the whole country — and the handling transaction holds the database's one writer, so
// every reply queued meanwhile would wait behind it. Handle then uses what was read, if it is asked
// for within a few seconds; otherwise it reads it itself, as before. A report filed in the same
// batch of events just before the question may be missing from such a digest: it is as of the read.
func (e *Engine) Prepare(tx *store.Tx, in Input) {
	if e.deps.Digest == nil || (in.Kind != KindText && in.Kind != KindGroupText) {
		return
	}
	var o store.Officer
	var ok bool
	situation := intent.Idle
	if in.Kind == KindGroupText {
		o, ok, _ = tx.OfficerByGroup(in.GroupID)
		situation = intent.Group
	} else {
		o, ok, _ = tx.OfficerByZalo(in.UserID)
	}
	if !ok {
		return // most messages: no officer, nothing to read
	}
	res, scopes, err := e.officerAsks(tx, in.Text, situation, o, true)
	if err != nil || commandOf[res.Intent] != cmdStatus {
		return
	}
	now := tx.Now()
	asked := askedPeriod(in.Text, now.In(e.loc))
	for _, o := range scopes {
		if o.Scope == "" {
			continue
		}
		text, err := e.deps.Digest.Digest(tx, o, now, asked)
		if err != nil {
			return // Handle reads it again and reports the error where it belongs
		}
		e.prepared.put(o, asked, text, now)
	}
}

// preparedFor is how long a prepared digest may wait for its handling: that comes within the same
// batch of events, milliseconds later.
const preparedFor = 5 * time.Second

type preparedDigest struct {
	period store.Period // the month asked, zero for the open ones
	text   string
	at     time.Time
}

// preparedDigests holds digests read by Prepare until Handle takes them (each once).
type preparedDigests struct {
	mu sync.Mutex
	m  map[string]preparedDigest // by officer id and scope asked
}

// preparedKey: an officer's digest of their scope, or of a commune in it they named.
func preparedKey(o store.Officer) string { return o.ID + "\x00" + o.Scope }

func (p *preparedDigests) put(o store.Officer, period store.Period, text string, at time.Time) {
	officer := preparedKey(o)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]preparedDigest{}
	}
	for id, d := range p.m { // those never taken (the words meant something else in a conversation)
		if at.Sub(d.at) > preparedFor {
			delete(p.m, id)
		}
	}
	p.m[officer] = preparedDigest{period: period, text: text, at: at}
}

func (p *preparedDigests) take(o store.Officer, period store.Period, now time.Time) (string, bool) {
	officer := preparedKey(o)
	p.mu.Lock()
	defer p.mu.Unlock()
	d, ok := p.m[officer]
	if !ok {
		return "", false
	}
	delete(p.m, officer)
	if now.Sub(d.at) > preparedFor || d.at.After(now) || d.period != period {
		return "", false
	}
	return d.text, true
}
