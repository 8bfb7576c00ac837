package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/store"
)

// handleFunc handles one stored event inside tx; its writes commit with the
// event's "handled" mark, so a crash can never handle an event half or twice.
type handleFunc func(tx *store.Tx, ev store.Event) error

// maxHandleAttempts is how often a failing event is retried before it is set aside.
const maxHandleAttempts = 3

// processBatch is how many events one handling transaction takes.
const processBatch = 256

// inboxCopyDelay is how long an acknowledged event waits in the inbox log for the handling to take it
// before the log's mover copies it into the database by itself.
const inboxCopyDelay = 50 * time.Millisecond

// Processor handles acknowledged events after the webhook has answered.
// One goroutine takes them in arrival order, so each person's events are
// handled in order; a batch shares one commit.
type Processor struct {
	db     *store.DB
	handle handleFunc
	// prepare, when set, reads in a read transaction what handling an event will need (an officer's
	// digest), so the handling transaction, which holds the database's one writer, stays short.
	prepare func(tx *store.Tx, ev store.Event)
	// toldCopy is when a failing copy of the inbox log was last logged.
	toldCopy time.Time
	log      zerolog.Logger
	m        *metrics
}

// Run handles events until ctx ends; events left pending are handled at the next start.
func (p *Processor) Run(ctx context.Context) error {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	// Events are taken from the inbox log by the handling transaction (a commit fewer per batch); the
	// log's mover copies only what waited longer than this (the handling is busy).
	p.db.DeferInboxCopy(inboxCopyDelay)
	defer p.db.DeferInboxCopy(0)
	for {
		for ctx.Err() == nil {
			n, err := p.step()
			if err != nil {
				p.log.Error().Err(err).Msg("event handling: database error")
				sleep(ctx, time.Second)
				break
			}
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-p.db.EventReady():
		case <-tick.C:
			p.tellCopyTrouble()
		}
	}
}

// step handles one batch and returns how many events it settled.
func (p *Processor) step() (int, error) {
	p.prepareBatch()
	var evs []store.Event
	var failed *store.Event
	err := p.db.Update(func(tx *store.Tx) error {
		if err := tx.TakeLogged(processBatch); err != nil {
			return err
		}
		var err error
		if evs, err = tx.PendingEvents(processBatch); err != nil {
			return err
		}
		for i := range evs {
			if herr := p.safeHandle(tx, evs[i]); herr != nil {
				failed = &evs[i]
				return herr
			}
			if err := tx.MarkHandled(evs[i].Seq); err != nil {
				return err
			}
		}
		return nil
	})
	if failed == nil {
		if err != nil {
			return 0, err
		}
		p.observe(evs)
		return len(evs), nil
	}
	// One event spoiled the batch: handle its predecessors alone, then count its failure.
	return p.isolate(failed.Seq, err)
}

func (p *Processor) isolate(badSeq uint64, cause error) (int, error) {
	n := 0
	p.db.SettleInbox() // one by one from the database: the batch may have been taken from the log
	for {
		var ev store.Event
		var herr error
		err := p.db.Update(func(tx *store.Tx) error {
			evs, err := tx.PendingEvents(1)
			if err != nil || len(evs) == 0 {
				return err
			}
			ev = evs[0]
			if herr = p.safeHandle(tx, ev); herr != nil {
				return herr
			}
			return tx.MarkHandled(ev.Seq)
		})
		if herr == nil && err != nil {
			return n, err
		}
		if herr == nil {
			if ev.Seq == 0 {
				return n, nil
			}
			p.observe([]store.Event{ev})
			n++
			if ev.Seq >= badSeq {
				return n, nil
			}
			continue
		}
		p.m.handleFailures.Inc()
		var backoff time.Duration
		log := p.log.With().Str("rid", ev.RequestID).Uint64("event", ev.Seq).Str("name", ev.Name).Logger()
		err = p.db.Update(func(tx *store.Tx) error {
			attempts, err := tx.RecordEventFailure(ev.Seq)
			if err != nil {
				return err
			}
			if attempts >= maxHandleAttempts {
				log.Error().Err(herr).Int("attempts", attempts).Msg("event handling failed repeatedly: set aside in dead_events")
				return tx.DeadLetter(ev.Seq, herr.Error())
			}
			log.Warn().Err(herr).Int("attempts", attempts).Msg("event handling failed: will retry")
			backoff = time.Duration(attempts) * 250 * time.Millisecond // a passing trouble gets a moment to pass
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("record failure of event %d (%v): %w", ev.Seq, cause, err)
		}
		time.Sleep(backoff)
		return n + 1, nil
	}
}

// tellCopyTrouble logs, once a minute, that acknowledged events cannot be copied from the inbox log
// into the database (readiness and the admin status say it too): nothing reaches the handling meanwhile.
func (p *Processor) tellCopyTrouble() {
	since, err := p.db.InboxCopyError()
	if err == nil || time.Since(since) < inboxCopyGrace || time.Since(p.toldCopy) < time.Minute {
		return
	}
	p.toldCopy = time.Now()
	p.log.Error().Err(err).Time("since", since).Int("waiting", p.db.InboxLogged()).Msg("acknowledged events cannot be copied into the database: they wait in the inbox log")
}

// prepareBatch runs prepare over the batch step is about to handle, outside the writer.
func (p *Processor) prepareBatch() {
	if p.prepare == nil {
		return
	}
	err := p.db.View(func(tx *store.Tx) error {
		evs, err := tx.PendingEvents(processBatch)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			p.safePrepare(tx, ev)
		}
		if len(evs) < processBatch {
			for _, ev := range p.db.LoggedEvents(processBatch - len(evs)) {
				p.safePrepare(tx, ev) // to be taken from the inbox log by the handling
			}
		}
		return nil
	})
	if err != nil {
		p.log.Warn().Err(err).Msg("event handling: cannot read ahead; handled without")
	}
}

func (p *Processor) safePrepare(tx *store.Tx, ev store.Event) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Error().Uint64("event", ev.Seq).Interface("panic", r).Msg("BUG: reading ahead for an event panicked; handled without")
		}
	}()
	p.prepare(tx, ev)
}

// safeHandle turns a panic in a handler into an error so one bad event cannot stop the bot.
func (p *Processor) safeHandle(tx *store.Tx, ev store.Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic handling event %d: %v", ev.Seq, r)
		}
	}()
	return p.handle(tx, ev)
}

func (p *Processor) observe(evs []store.Event) {
	now := p.db.Now()
	for _, ev := range evs {
		p.m.handleSeconds.Observe(now.Sub(ev.ReceivedAt).Seconds())
	}
}
