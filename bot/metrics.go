package bot

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/cdtbot/cdtbot/store"
)

// metrics are per Bot (own registry) so tests can run several servers in one process.
type metrics struct {
	reg             *prometheus.Registry
	eventsReceived  *prometheus.CounterVec
	eventsDuplicate prometheus.Counter
	eventsRejected  *prometheus.CounterVec
	ackSeconds      prometheus.Histogram
	handleSeconds   prometheus.Histogram
	handleFailures  prometheus.Counter
	sends           *prometheus.CounterVec
	channelSends    *prometheus.CounterVec
	alerts          *prometheus.CounterVec
	tokenRefreshes  *prometheus.CounterVec
	authOK          prometheus.Gauge
	fairUseDropped  prometheus.Counter
}

func newMetrics(db *store.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		eventsReceived: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cdtbot_events_received_total", Help: "Webhook events accepted and stored, by event name.",
		}, []string{"event"}),
		eventsDuplicate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cdtbot_events_duplicate_total", Help: "Webhook deliveries of an event already stored (answered 200, not handled again).",
		}),
		eventsRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cdtbot_events_rejected_total", Help: "Webhook deliveries refused or ignored, by reason.",
		}, []string{"reason"}),
		ackSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "cdtbot_webhook_ack_seconds", Help: "Time from request to durable acknowledgement.",
			Buckets: []float64{.001, .002, .005, .01, .02, .03, .05, .1, .25, .5, 1, 2},
		}),
		handleSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "cdtbot_event_handling_seconds", Help: "Time from receipt of an event to its handling being committed.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}),
		handleFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cdtbot_event_handling_failures_total", Help: "Failed attempts to handle an event.",
		}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cdtbot_sends_total", Help: "Send attempts to Zalo by result class and Zalo error code (0 for none).",
		}, []string{"result", "code"}),
		channelSends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cdtbot_channel_sends_total", Help: "Messages by delivery channel (cs, zns, group, none) and result (sent, fallback, retry, failed, unreachable, skipped).",
		}, []string{"channel", "result"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cdtbot_alerts_total", Help: "Operator alerts raised, by reason.",
		}, []string{"reason"}),
		tokenRefreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cdtbot_token_refreshes_total", Help: "Zalo token refreshes by result (ok, refused, error) .",
		}, []string{"result"}),
		fairUseDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cdtbot_fair_use_unanswered_total", Help: "Messages not answered because their sender wrote more than 20 a minute.",
		}),
		authOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cdtbot_zalo_auth_ok", Help: "1 while a usable Zalo access token exists, 0 while an operator must install one.",
		}),
	}
	depth := func(p store.Priority) func() float64 {
		return func() float64 {
			var r, b int
			_ = db.View(func(tx *store.Tx) error { r, b = tx.OutboxDepth(); return nil })
			if p == store.PriorityReply {
				return float64(r)
			}
			return float64(b)
		}
	}
	m.reg.MustRegister(m.eventsReceived, m.eventsDuplicate, m.eventsRejected, m.ackSeconds, m.handleSeconds, m.handleFailures, m.sends, m.channelSends, m.alerts, m.tokenRefreshes, m.authOK, m.fairUseDropped,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "cdtbot_outbox_depth", Help: "Messages waiting in the outbox.", ConstLabels: prometheus.Labels{"priority": "reply"}}, depth(store.PriorityReply)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "cdtbot_outbox_depth", Help: "Messages waiting in the outbox.", ConstLabels: prometheus.Labels{"priority": "bulk"}}, depth(store.PriorityBulk)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "cdtbot_inbox_pending", Help: "Acknowledged events not yet handled."}, func() float64 {
			var n int
			_ = db.View(func(tx *store.Tx) error { n = tx.PendingCount(); return nil })
			return float64(n + db.InboxLogged())
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "cdtbot_inbox_log_events", Help: "Acknowledged events in the inbox log, not yet copied into the database."}, func() float64 {
			return float64(db.InboxLogged())
		}),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func (m *metrics) sent(result string, code int) {
	m.sends.WithLabelValues(result, strconv.Itoa(code)).Inc()
}
