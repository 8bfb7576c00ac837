package reminders

import (
	"context"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"
)

// Scheduler runs jobs at wall-clock times in the deployment's time zone.
// A panicking job is logged and the schedule goes on (cron.Recover).
type Scheduler struct {
	cron *cron.Cron
	log  zerolog.Logger
}

// NewScheduler returns a stopped scheduler for times in loc.
func NewScheduler(loc *time.Location, log zerolog.Logger) *Scheduler {
	cl := cronLogger{log: log}
	return &Scheduler{
		cron: cron.New(cron.WithLocation(loc), cron.WithLogger(cl), cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl))),
		log:  log,
	}
}

// Add schedules fn under a standard five-field spec (or @every / @daily).
func (s *Scheduler) Add(spec, name string, fn func(ctx context.Context)) error {
	_, err := s.cron.AddFunc(spec, func() {
		start := time.Now()
		fn(context.Background())
		s.log.Debug().Str("job", name).Dur("took", time.Since(start)).Msg("scheduled job done")
	})
	return err
}

// Start begins running jobs in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling and waits for running jobs until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) {
	select {
	case <-s.cron.Stop().Done():
	case <-ctx.Done():
	}
}

// cronLogger sends robfig/cron's messages to zerolog.
type cronLogger struct{ log zerolog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug().Fields(kv).Msg("cron: " + msg) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error().Err(err).Fields(kv).Msg("cron: " + msg)
}
