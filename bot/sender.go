package bot

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// Sender drains the outbox: replies before bulk, one message at a time per
// recipient, under Zalo's rate limit, with retries for what may succeed later.
type Sender struct {
	db      *store.DB
	tr      Transport
	loc     *time.Location
	log     zerolog.Logger
	m       *metrics
	workers int
	limiter *rate.Limiter
	// retryBase is the first retry delay of a transient failure (doubles each time).
	retryBase time.Duration

	mu         sync.Mutex
	pauseUntil time.Time // set on -32: nobody sends until then
}

// sendTimeout bounds one HTTP send; a send cut off here has an unknown outcome and is retried.
const sendTimeout = 20 * time.Second

// maxBackoff caps the wait between retries of a transient failure.
const maxBackoff = 10 * time.Minute

func newSender(db *store.DB, tr Transport, loc *time.Location, perMinute, workers int, retryBase time.Duration, log zerolog.Logger, m *metrics) *Sender {
	if retryBase <= 0 {
		retryBase = 2 * time.Second
	}
	if perMinute <= 0 {
		perMinute = 4000
	}
	if workers <= 0 {
		workers = 8
	}
	return &Sender{db: db, tr: tr, loc: loc, log: log, m: m, workers: workers, retryBase: retryBase,
		limiter: rate.NewLimiter(rate.Limit(float64(perMinute)/60), workers)}
}

// Run sends until ctx ends, then waits for sends already started.
func (s *Sender) Run(ctx context.Context) error {
	if err := s.db.Update(func(tx *store.Tx) error {
		n, err := tx.RecoverInFlight()
		if n > 0 {
			s.log.Warn().Int("messages", n).Msg("outbox: sends interrupted by a crash will be retried once")
		}
		return err
	}); err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	done := make(chan struct{}, s.workers)
	active := 0
	for {
		for active > 0 { // collect finished sends without blocking
			select {
			case <-done:
				active--
				continue
			default:
			}
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if active == s.workers {
			select {
			case <-done:
				active--
			case <-ctx.Done():
			}
			continue
		}
		if wait := s.pausedFor(); wait > 0 {
			sleep(ctx, wait)
			continue
		}
		now := s.db.Now()
		var batch []store.OutMsg
		var wake time.Time
		err := s.db.View(func(tx *store.Tx) error {
			var err error
			batch, wake, err = tx.NextSendable(now, s.workers-active, nil)
			return err
		})
		if err != nil {
			s.log.Error().Err(err).Msg("outbox: read failed")
			sleep(ctx, time.Second)
			continue
		}
		if len(batch) == 0 {
			idle := 5 * time.Second
			if !wake.IsZero() && wake.Sub(now) < idle {
				idle = max(wake.Sub(now), 10*time.Millisecond)
			}
			t := time.NewTimer(idle)
			select {
			case <-ctx.Done():
			case <-s.db.OutboxReady():
			case <-done:
				active--
			case <-t.C:
			}
			t.Stop()
			continue
		}
		// The in-flight mark is on disk before any request leaves.
		started := make([]store.OutMsg, 0, len(batch))
		if err := s.db.Update(func(tx *store.Tx) error {
			started = started[:0]
			for _, m := range batch {
				sm, err := tx.BeginSend(m.Priority, m.Seq)
				if errors.Is(err, store.ErrNotQueued) {
					continue
				}
				if err != nil {
					return err
				}
				started = append(started, sm)
			}
			return nil
		}); err != nil {
			s.log.Error().Err(err).Msg("outbox: cannot mark sends in flight")
			sleep(ctx, time.Second)
			continue
		}
		for _, m := range started {
			if err := s.limiter.Wait(ctx); err != nil {
				// Shutting down: this one never left, put it back as it was.
				s.settle(m, zalo.SendResult{}, context.Canceled, false)
				continue
			}
			active++
			wg.Add(1)
			go func(m store.OutMsg) {
				defer wg.Done()
				defer func() { done <- struct{}{} }()
				sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
				res, err := s.tr.Send(sctx, m)
				cancel()
				s.observeRate(res)
				s.settle(m, res, err, true)
			}(m)
		}
	}
}

// settle records what became of a send. attempted=false means no request left.
func (s *Sender) settle(m store.OutMsg, res zalo.SendResult, err error, attempted bool) {
	class := zalo.Classify(err)
	code := zalo.ErrorCode(err)
	now := s.db.Now()
	log := s.log.With().Str("rid", m.RequestID).Uint64("msg", m.Seq).Str("to", m.To).Int("attempt", m.Attempts).Logger()
	if attempted {
		s.m.sent(class.String(), code)
	}
	var next time.Time
	var outcome *store.Outcome
	markUnreachable := false
	switch class {
	case zalo.ClassOK:
		outcome = &store.Outcome{Status: store.StatusSent, MessageID: res.MessageID}
		log.Debug().Str("message_id", res.MessageID).Msg("sent")
	case zalo.ClassNight:
		next = nextMorning(now, s.loc)
		log.Info().Time("retry_at", next).Msg("zalo night ban: retry in the morning")
	case zalo.ClassRateLimited:
		s.pause(now.Add(15 * time.Second))
		next = now.Add(s.backoff(m.Attempts))
		log.Warn().Err(err).Msg("zalo rate limit: backing off")
	case zalo.ClassUnreachable:
		outcome = &store.Outcome{Status: store.StatusUnreachable, Code: code, Error: err.Error()}
		markUnreachable = m.Endpoint == store.EndpointUser
		log.Info().Int("code", code).Msg("recipient unreachable: not retried")
	case zalo.ClassBug:
		outcome = &store.Outcome{Status: store.StatusRejected, Code: code, Error: err.Error()}
		log.Error().Err(err).Bytes("body", m.Body).Msg("BUG: zalo rejected the message as malformed; not retried")
	case zalo.ClassGroup, zalo.ClassPermanent:
		outcome = &store.Outcome{Status: store.StatusFailed, Code: code, Error: err.Error()}
		log.Error().Err(err).Msg("send failed permanently")
	default: // transient, token trouble, shutdown
		next = now.Add(s.backoff(m.Attempts))
		if !attempted {
			next = time.Time{}
		}
		log.Warn().Err(err).Time("retry_at", next).Msg("send failed: will retry")
	}
	write := func(tx *store.Tx) error {
		if outcome != nil {
			if markUnreachable {
				if err := tx.MarkUnreachable(m.To, code); err != nil {
					return err
				}
			}
			return tx.Settle(m.Priority, m.Seq, *outcome)
		}
		reason := ""
		if err != nil {
			reason = err.Error()
		}
		return tx.RetryLater(m.Priority, m.Seq, next, reason)
	}
	// Keep trying to record: an unrecorded success would be sent again after a restart.
	for i := 0; ; i++ {
		werr := s.db.Batch(write)
		if werr == nil || errors.Is(werr, store.ErrNotQueued) {
			return
		}
		log.Error().Err(werr).Msg("outbox: cannot record send outcome")
		if i == 5 {
			return // RecoverInFlight at the next start retries it once
		}
		time.Sleep(time.Duration(i+1) * 200 * time.Millisecond)
	}
}

// observeRate follows Zalo's X-RateLimit-* headers: the budget it announces,
// and a pause when the window is used up.
func (s *Sender) observeRate(res zalo.SendResult) {
	if res.RateLimit > 0 {
		if want := rate.Limit(float64(res.RateLimit) / 60); want != s.limiter.Limit() {
			s.limiter.SetLimit(want)
		}
	}
	if res.RateLimit > 0 && res.RateRemain == 0 {
		s.pause(s.db.Now().Add(5 * time.Second))
	}
}

func (s *Sender) pause(until time.Time) {
	s.mu.Lock()
	if until.After(s.pauseUntil) {
		s.pauseUntil = until
	}
	s.mu.Unlock()
}

func (s *Sender) pausedFor() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pauseUntil.Sub(s.db.Now())
}

// backoff grows 2s, 4s, 8s… (from retryBase) to maxBackoff, with ±20% jitter so retries do not march in step.
func (s *Sender) backoff(attempts int) time.Duration {
	d := s.retryBase
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// nextMorning is when to retry after Zalo's night ban (-234, 22:00–06:00):
// the next 06:00 in loc, or in 5 minutes when our clock says it is day already
// (the two clocks disagree near the boundary; waiting a whole day would be wrong).
func nextMorning(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	if h := l.Hour(); h >= 6 && h < 22 {
		return now.Add(5 * time.Minute)
	}
	six := time.Date(l.Year(), l.Month(), l.Day(), 6, 0, 0, 0, loc)
	if !six.After(l) {
		six = six.AddDate(0, 0, 1)
	}
	return six
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
