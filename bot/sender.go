package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	fair    fairness // only the Run loop's goroutine uses it
	limiter *rate.Limiter
	// bulkLimiter holds everything but replies to the budget less replyReserve: a national morning's
	// reminders never take the share people chatting with the account need.
	bulkLimiter *rate.Limiter
	// retryBase is the first retry delay of a transient failure (doubles each time).
	retryBase time.Duration
	ladder    ladder
	// auth, when set, says whether a usable Zalo token exists; while not, nothing is sent.
	auth authState
	// alert tells the operators about something only they can fix.
	alert func(reason, text string)
	// storageFailed notes a failed database write (readiness reports it).
	storageFailed func()

	mu         sync.Mutex
	pauseUntil time.Time       // set on -32 and during an outage: nobody sends until then
	outage     int             // transient failures in a row
	failedTo   map[string]bool // recipients among them: two or more means Zalo is down (one at a time probes)
}

// sendTimeout bounds one HTTP send; a send cut off here has an unknown outcome and is retried.
const sendTimeout = 20 * time.Second

// maxBackoff caps the wait between retries of a transient failure.
const maxBackoff = 10 * time.Minute

// Defaults of the send budget and of the sends in flight.
const (
	defaultPerMinute   = 4000
	defaultSendWorkers = 32 // in-flight marks and outcomes of many sends in one commit: 8 held a crowd to 1,200 answers a second, 32 to 2,100
)

// BulkPerMinute is how many bulk messages (reminders, digests) the sender lets go a minute over a
// long morning, with a budget of perMinute and workers in flight (0: the defaults): what the
// reminder sweep times a heavy morning by (reminders.Sweeper.BulkPerMinute).
func BulkPerMinute(perMinute, workers int) int {
	perMinute, workers = cmp.Or(perMinute, defaultPerMinute), cmp.Or(workers, defaultSendWorkers)
	return max(bulkShare(perMinute)-workers, 1)
}

func newSender(db *store.DB, tr Transport, loc *time.Location, perMinute, workers int, retryBase time.Duration, log zerolog.Logger, m *metrics) *Sender {
	if retryBase <= 0 {
		retryBase = 2 * time.Second
	}
	if perMinute <= 0 {
		perMinute = defaultPerMinute
	}
	if workers <= 0 {
		workers = defaultSendWorkers
	}
	return &Sender{db: db, tr: tr, loc: loc, log: log, m: m, workers: workers, retryBase: retryBase,
		limiter:     rate.NewLimiter(minuteRate(perMinute, workers), workers),
		bulkLimiter: rate.NewLimiter(minuteRate(bulkShare(perMinute), workers), workers),
		ladder:      ladder{enforceWindow: true, znsOff: new(atomic.Int64)}, alert: func(string, string) {}}
}

// authState is the token manager as the sender sees it.
type authState interface {
	// Usable is false while no valid token exists (an operator must install one).
	Usable() bool
	// Changed is signalled when a new pair is installed or a refresh succeeds.
	Changed() <-chan struct{}
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
			// Every place was taken: gather the places freed within a millisecond, so their in-flight
			// marks share one commit instead of one commit a send.
			gather := time.NewTimer(time.Millisecond)
		gathering:
			for active > s.workers*3/4 {
				select {
				case <-done:
					active--
				case <-gather.C:
					break gathering
				case <-ctx.Done():
					break gathering
				}
			}
			gather.Stop()
			continue
		}
		if wait := s.pausedFor(); wait > 0 {
			sleep(ctx, wait)
			continue
		}
		var authChanged <-chan struct{}
		if s.auth != nil {
			authChanged = s.auth.Changed() // taken before Usable: a pair installed in between still wakes us
		}
		if s.auth != nil && !s.auth.Usable() {
			// No token: leave every message as it is until an operator installs a pair (or a retry works).
			t := time.NewTimer(time.Minute)
			select {
			case <-ctx.Done():
			case <-authChanged:
			case <-done:
				active--
			case <-t.C:
			}
			t.Stop()
			if ctx.Err() == nil && !s.auth.Usable() {
				s.probeAuth(ctx)
			}
			continue
		}
		now := s.db.Now()
		var batch []store.OutMsg
		var wake time.Time
		err := s.db.View(func(tx *store.Tx) error {
			var err error
			limit := s.workers - active
			if s.inOutage() {
				limit = min(limit, 1) // one probe at a time while Zalo does not answer
			}
			// More heads than places, so the places go to the people served least lately (fairPick).
			batch, wake, err = tx.NextSendable(now, limit+fairPool, nil)
			batch = s.fair.pick(batch, limit, int(s.bulkLimiter.Tokens()))
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
		// Pick each message's channel first: one that no channel can take (or that has nothing
		// to say on it) is settled without a request and without counting an attempt.
		routes := make(map[uint64]route, len(batch))
		sendable := batch[:0]
		for _, m := range batch {
			r := s.route(m)
			if r.channel == "" || r.skip || r.obsolete {
				s.settle(m, r, zalo.SendResult{}, nil, false)
				continue
			}
			routes[m.Seq] = r
			sendable = append(sendable, m)
		}
		// The in-flight mark is on disk before any request leaves.
		started := make([]store.OutMsg, 0, len(sendable))
		if err := s.db.Update(func(tx *store.Tx) error {
			started = started[:0]
			for _, m := range sendable {
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
			r := routes[m.Seq]
			if err := s.wait(ctx, m.Priority); err != nil {
				// Shutting down: this one never left, put it back as it was.
				s.settle(m, r, zalo.SendResult{}, context.Canceled, false)
				continue
			}
			active++
			wg.Add(1)
			go func(m store.OutMsg, r route) {
				defer wg.Done()
				defer func() { done <- struct{}{} }()
				sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
				started := s.db.Now()
				res, err := s.send(sctx, r)
				cancel()
				s.observeRate(res)
				s.settleSent(m, r, res, err, true, started)
			}(m, r)
		}
	}
}

// route picks the channel of a message now.
func (s *Sender) route(m store.OutMsg) route {
	var r route
	now := s.db.Now()
	_ = s.db.View(func(tx *store.Tx) error { r = s.ladder.route(tx, m, now); return nil })
	return r
}

// send makes the request of a route.
func (s *Sender) send(ctx context.Context, r route) (zalo.SendResult, error) {
	if r.zns != nil {
		zr, err := s.tr.SendZNS(ctx, *r.zns)
		if zr.RemainingQuota == 0 && zr.DailyQuota > 0 {
			s.alert("zns_quota", textAlertZNSQuota)
		}
		return zalo.SendResult{MessageID: zr.MsgID, HTTPStatus: zr.HTTPStatus, RateLimit: zr.RateLimit, RateRemain: zr.RateRemain}, err
	}
	ep := zalo.EndpointCS
	if r.channel == store.ChannelGroup {
		ep = zalo.EndpointGroup
	}
	return s.tr.Send(ctx, ep, r.body)
}

// probeAuth tries the token once while it is known broken (a refresh may work again after a Zalo outage).
func (s *Sender) probeAuth(ctx context.Context) {
	if p, ok := s.auth.(interface{ Probe(context.Context) }); ok {
		p.Probe(ctx)
	}
}

// settle records what became of a send. attempted=false means no request left.
func (s *Sender) settle(m store.OutMsg, r route, res zalo.SendResult, err error, attempted bool) {
	s.settleSent(m, r, res, err, attempted, time.Time{})
}

// settleSent is settle with the instant the request left (zero when unknown).
func (s *Sender) settleSent(m store.OutMsg, r route, res zalo.SendResult, err error, attempted bool, started time.Time) {
	class := zalo.Classify(err)
	code := zalo.ErrorCode(err)
	now := s.db.Now()
	channel := r.channel
	if channel == "" {
		channel = "none"
	}
	log := s.log.With().Str("rid", m.RequestID).Uint64("msg", m.Seq).Str("to", m.To).Str("kind", m.Kind).Str("channel", channel).Int("attempt", m.Attempts).Logger()
	if attempted {
		s.m.sent(class.String(), code)
	}
	result := "retry"
	var next time.Time
	var outcome *store.Outcome
	fallBack, closeWindow, learned := false, false, false
	// sendStart bounds when the request left: a contact recorded after it is newer than Zalo's answer.
	sendStart := now.Add(-sendTimeout)
	if !started.IsZero() {
		sendStart = started
	}
	markUnreachable := false
	sent := func() *store.Outcome {
		o := &store.Outcome{Status: store.StatusSent, MessageID: res.MessageID, Channel: r.channel, Cost: r.cost, Body: r.body,
			Month: now.In(s.loc).Format("2006-01")}
		if r.zns != nil {
			o.Body, _ = json.Marshal(r.zns)
		}
		return o
	}
	switch {
	case !attempted && r.obsolete && err == nil:
		result = "obsolete"
		outcome = &store.Outcome{Status: store.StatusObsolete}
		log.Debug().Msg("its report was filed before it went: not sent")
	case !attempted && r.channel == "" && err == nil:
		result = "unreachable"
		outcome = &store.Outcome{Status: store.StatusUnreachable, Code: m.LastCode, Error: "no channel left (tried: " + strings.Join(m.Tried, ", ") + "): " + m.LastError}
		code = m.LastCode
		markUnreachable = m.Endpoint == store.EndpointUser
		log.Info().Strs("tried", m.Tried).Msg("no channel can reach the recipient: listed as unreachable")
	case !attempted && r.skip && err == nil:
		result = "skipped"
		outcome = &store.Outcome{Status: store.StatusSkipped, Channel: r.channel}
		log.Debug().Msg("nothing to send on this channel: skipped")
	case class == zalo.ClassOK:
		result = "sent"
		outcome = sent()
		// Its template was refused and the same content went through as text: this OA refuses templates.
		learned = tried(m, triedTemplate) && !r.template
		log.Debug().Str("message_id", res.MessageID).Str("cost", r.cost).Msg("sent")
	case class == zalo.ClassNight:
		next = nextMorning(now, s.loc)
		log.Info().Time("retry_at", next).Msg("zalo night ban: retry in the morning")
	case class == zalo.ClassRateLimited:
		s.pause(now.Add(15 * time.Second))
		next = now.Add(s.backoff(m.Attempts))
		log.Warn().Err(err).Msg("zalo rate limit: backing off")
	case class == zalo.ClassUnreachable:
		// Outside the 7-day window, not a follower, a phone without Zalo: try the next channel at once.
		result, fallBack = "fallback", true
		closeWindow = r.channel == store.ChannelCS && m.Endpoint == store.EndpointUser
		log.Info().Int("code", code).Msg("channel cannot reach the recipient: next channel")
	case class == zalo.ClassOperator && r.channel != store.ChannelZNS:
		// The account itself is refused (quota, package, authorisation): nothing for this person
		// is wrong, and no other channel would do better. Held until an operator acts.
		next = now.Add(max(s.backoff(m.Attempts), 15*time.Minute))
		s.alert(alertReason(r.channel, code), fmt.Sprintf(textAlertChannel, r.channel, err))
		log.Error().Err(err).Int("code", code).Msg("zalo refused the account: held until an operator acts")
	case zalo.IsTemplateRefusal(err) && r.template:
		// Zalo refused the template: the same content goes at once as text with numbered choices.
		result, fallBack = "refused_template", true
		r.channel = triedTemplate
		log.Warn().Int("code", code).Msg("zalo refused a template: sending it as text with numbered choices")
	case class == zalo.ClassBug && r.channel == store.ChannelZNS, class == zalo.ClassOperator, class == zalo.ClassGroup,
		class == zalo.ClassPermanent && r.channel == store.ChannelZNS:
		result, fallBack = "fallback", true
		if r.channel == store.ChannelZNS && class == zalo.ClassOperator {
			// The account cannot send ZNS today (quota, template): don't spend a request per message on it.
			s.ladder.pauseZNS(nextLocalMidnight(now, s.loc))
		}
		log.Error().Err(err).Int("code", code).Msg("channel refused by Zalo: next channel; an operator must look")
		s.alert(alertReason(r.channel, code), fmt.Sprintf(textAlertChannel, r.channel, err))
	case class == zalo.ClassBug:
		result = "failed"
		outcome = &store.Outcome{Status: store.StatusRejected, Code: code, Error: err.Error(), Channel: r.channel, Body: r.body}
		log.Error().Err(err).Bytes("body", r.body).Msg("BUG: zalo rejected the message as malformed; not retried")
	case class == zalo.ClassPermanent:
		result = "failed"
		outcome = &store.Outcome{Status: store.StatusFailed, Code: code, Error: err.Error(), Channel: r.channel, Body: r.body}
		log.Error().Err(err).Msg("send failed permanently")
	default: // transient, token trouble, shutdown
		next = now.Add(s.backoff(m.Attempts))
		if !attempted {
			next = time.Time{}
		} else if class == zalo.ClassTransient {
			if pause, down := s.noteOutage(m.To); down {
				// Several recipients fail in a row: Zalo (or the way to it) is down. Everyone waits a
				// short, growing pause and one message at a time probes, so delivery resumes within
				// seconds of Zalo answering again.
				next = now.Add(min(s.backoff(m.Attempts), s.outageCap()))
				s.pause(now.Add(pause))
			} else {
				// One recipient's trouble: its own backoff, capped so it is not forgotten for long.
				next = now.Add(min(s.backoff(m.Attempts), transientCap))
			}
		}
		log.Warn().Err(err).Time("retry_at", next).Msg("send failed: will retry")
	}
	if attempted && class != zalo.ClassTransient && class != zalo.ClassRateLimited {
		if n := s.endOutage(); n > 0 { // Zalo answered something: it is up
			log.Info().Int("failures", n).Msg("zalo answers again: delivery resumes")
		}
	}
	s.m.channelSends.WithLabelValues(channel, result).Inc()
	if learned {
		log.Warn().Msg("this OA refuses templates: choices go as numbered text from now on")
		s.alert("templates_refused", textAlertTemplates)
	}
	write := func(tx *store.Tx) error {
		if learned && tx.Flag(flagTemplates) == "" {
			if err := tx.SetFlag(flagTemplates, flagRefused); err != nil {
				return err
			}
		}
		if outcome != nil {
			if outcome.Status == store.StatusSent && m.Endpoint == store.EndpointUser {
				// Something got through: they are not "unreachable" in the digests any more.
				if err := tx.ClearUnreachable(m.To); err != nil {
					return err
				}
				// A reminder's choices mean something typed from when it arrives, not from when it was
				// queued (and a national sweep does not write 93,000 of them at once): see enqueueReply.
				// Not when they wrote since it was queued: a reply to that may have set newer choices.
				if m.Priority == store.PriorityBulk && len(m.Choices) > 0 && r.channel == store.ChannelCS && choicesAreTyped(tx, m.Kind, m.To) && !wroteSince(tx, m.To, m.CreatedAt) {
					if err := tx.SetChoices(m.To, m.Choices); err != nil {
						return err
					}
				}
			}
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
		switch {
		case fallBack:
			if closeWindow {
				// Zalo says the window is shut: skip cs for them until they write again
				// (unless they wrote while this send was on its way).
				if seen, ok := tx.LastSeen(m.To); !ok || !seen.After(sendStart) {
					if err := tx.SetLastSeen(m.To, time.Unix(0, 1)); err != nil {
						return err
					}
				}
			}
			return tx.FallBack(m.Priority, m.Seq, r.channel, code, reason)
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
		if s.storageFailed != nil {
			s.storageFailed()
		}
		if i == 5 {
			return // RecoverInFlight at the next start retries it once
		}
		time.Sleep(time.Duration(i+1) * 200 * time.Millisecond)
	}
}

// alertReason names an operator alert so the same trouble is told once an hour, not per message.
func alertReason(channel string, code int) string {
	return fmt.Sprintf("%s_%d", channel, code)
}

// minuteRate is the steady rate that keeps any rolling minute within perMinute sends: a token bucket lets
// its burst go on top of a minute's refill, so the refill is perMinute less the burst.
func minuteRate(perMinute, burst int) rate.Limit {
	return rate.Limit(float64(max(perMinute-burst, 1)) / 60)
}

// replyReserve is the share of the send budget (percent) bulk messages leave to replies.
const replyReserve = 10

// bulkShare is the part of a minute's budget bulk messages may use.
func bulkShare(perMinute int) int { return perMinute * (100 - replyReserve) / 100 }

// limitersFor lists the budgets a message of a priority waits on: replies the account's, anything
// else also the bulk share.
func (s *Sender) limitersFor(p store.Priority) []*rate.Limiter {
	if p == store.PriorityReply {
		return []*rate.Limiter{s.limiter}
	}
	return []*rate.Limiter{s.bulkLimiter, s.limiter}
}

// wait takes a message's place in its budgets.
func (s *Sender) wait(ctx context.Context, p store.Priority) error {
	for _, l := range s.limitersFor(p) {
		if err := l.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// observeRate follows Zalo's X-RateLimit-* headers: the budget it announces,
// and a pause when the window is used up.
func (s *Sender) observeRate(res zalo.SendResult) {
	if res.RateLimit > 0 {
		if want := minuteRate(res.RateLimit, s.limiter.Burst()); want != s.limiter.Limit() {
			s.limiter.SetLimit(want)
			s.bulkLimiter.SetLimit(minuteRate(bulkShare(res.RateLimit), s.bulkLimiter.Burst()))
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

// outageCap bounds the pause and each message's wait during an outage: 4× the first retry
// delay (8 s by default), so delivery resumes within about 10 s of Zalo answering again.
func (s *Sender) outageCap() time.Duration { return 4 * s.retryBase }

// outageRecipients is how many different recipients must fail in a row (no answer from Zalo
// in between) before the failures are read as Zalo being down rather than one message's trouble.
const outageRecipients = 2

// transientCap bounds one message's wait after transient failures of its own.
const transientCap = 30 * time.Second

// noteOutage counts a transient failure of a send to recipient; down says that several
// recipients failed in a row, with the pause before the next probe.
func (s *Sender) noteOutage(recipient string) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outage++
	if s.failedTo == nil {
		s.failedTo = map[string]bool{}
	}
	if len(s.failedTo) < 64 {
		s.failedTo[recipient] = true
	}
	if len(s.failedTo) < outageRecipients {
		return 0, false
	}
	d := s.retryBase
	for i := 1; i < s.outage && d < s.outageCap(); i++ {
		d *= 2
	}
	return min(d, s.outageCap()), true
}

// endOutage clears the outage state once Zalo answers and returns how many failures it had.
func (s *Sender) endOutage() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.outage
	s.outage, s.failedTo = 0, nil
	return n
}

// inOutage: several recipients failed in a row and nothing has come back since.
func (s *Sender) inOutage() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.failedTo) >= outageRecipients
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

// nextLocalMidnight is when a new day's ZNS quota begins.
func nextLocalMidnight(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
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

// wroteSince tells whether the person's last message came after t.
func wroteSince(tx *store.Tx, userID string, t time.Time) bool {
	seen, ok := tx.LastSeen(userID)
	return ok && seen.After(t)
}

// fairPool is how many heads beyond the free places the sender looks at to choose fairly.
const fairPool = 32

// fairness serves recipients in turn: NextSendable gives each recipient's oldest message, oldest first,
// so one person's burst (a long answer in parts) would take every place freed one at a time while
// others wait behind all of it. Among the heads it gives, the places go to those served least lately.
// In memory only: after a restart everyone starts equal.
type fairness struct {
	served map[string]uint64 // recipient → the turn they were last served
	turn   uint64
}

// pick chooses up to limit of heads (replies, then bulk, as NextSendable ordered them): replies first
// by who was served least lately, bulk keeping its share of the places as NextSendable reserves it —
// but no more bulk than its budget lets go now (bulkRoom): a bulk message picked waits for its turn
// in the minute before the sender looks again, and a reply arriving meanwhile would wait behind it.
func (f *fairness) pick(heads []store.OutMsg, limit, bulkRoom int) []store.OutMsg {
	if len(heads) <= limit && !slices.ContainsFunc(heads, func(m store.OutMsg) bool { return m.Priority != store.PriorityReply }) {
		f.note(heads)
		return heads
	}
	if f.served == nil || len(f.served) > 100_000 {
		f.served = map[string]uint64{} // forget old turns: fairness is about the last minutes
	}
	var replies, bulk []store.OutMsg
	for _, m := range heads {
		if m.Priority == store.PriorityReply {
			replies = append(replies, m)
		} else {
			bulk = append(bulk, m)
		}
	}
	for _, m := range heads {
		if _, ok := f.served[m.To]; !ok {
			f.served[m.To] = f.turn // someone new queues behind those served already, not ahead of them all
		}
	}
	byTurn := func(a, b store.OutMsg) int { return cmp.Compare(f.served[a.To], f.served[b.To]) }
	slices.SortStableFunc(replies, byTurn)
	slices.SortStableFunc(bulk, byTurn)
	reserve := 0
	if len(bulk) > 0 && limit >= 2 {
		reserve = max(1, limit/4)
	}
	out := make([]store.OutMsg, 0, limit)
	nr := min(len(replies), limit-reserve)
	out = append(out, replies[:nr]...)
	room := max(bulkRoom, 0)
	if len(out) == 0 {
		room = max(room, 1) // nothing else to send: one bulk message waits for its turn
	}
	out = append(out, bulk[:min(len(bulk), limit-len(out), room)]...)
	if len(out) < limit { // places bulk did not need
		out = append(out, replies[nr:min(len(replies), nr+limit-len(out))]...)
	}
	f.note(out)
	return out
}

func (f *fairness) note(picked []store.OutMsg) {
	if f.served == nil {
		f.served = map[string]uint64{}
	}
	for _, m := range picked {
		f.turn++
		f.served[m.To] = f.turn
	}
}
