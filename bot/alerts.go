package bot

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// alertEvery is how often the same trouble is told again.
const alertEvery = time.Hour

// KindAlert marks messages to the operators.
const KindAlert = "alert"

// opsTarget is one entry of CDTBOT_OPS_NOTIFY: a Zalo user id, or "group:<id>".
type opsTarget struct{ user, group string }

// ParseOpsNotify reads CDTBOT_OPS_NOTIFY: Zalo user ids and group:<group id>, separated by commas.
func ParseOpsNotify(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		id := strings.TrimPrefix(strings.TrimPrefix(f, "group:"), "user:")
		if err := store.ValidateGroupID(id); err != nil || id == "" {
			return nil, fmt.Errorf("CDTBOT_OPS_NOTIFY: %q is not a Zalo user id or group:<group id>", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// alerter tells the operators about what only they can fix: an error log line
// with the reason, the cdtbot_alerts_total metric, and a Zalo message to
// CDTBOT_OPS_NOTIFY — the same reason at most once an hour.
type alerter struct {
	db      *store.DB
	log     zerolog.Logger
	m       *metrics
	targets []opsTarget

	mu   sync.Mutex
	last map[string]time.Time
}

func newAlerter(db *store.DB, notify []string, log zerolog.Logger, m *metrics) *alerter {
	a := &alerter{db: db, log: log, m: m, last: map[string]time.Time{}}
	for _, n := range notify {
		if g, ok := strings.CutPrefix(n, "group:"); ok {
			a.targets = append(a.targets, opsTarget{group: g})
		} else {
			a.targets = append(a.targets, opsTarget{user: strings.TrimPrefix(n, "user:")})
		}
	}
	return a
}

// due tells whether reason may be told now, and notes that it is.
func (a *alerter) due(reason string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.db.Now()
	if t, ok := a.last[reason]; ok && now.Sub(t) < alertEvery {
		return false
	}
	a.last[reason] = now
	return true
}

// alert raises reason in its own transaction (never call it inside one: use alertTx).
func (a *alerter) alert(reason, text string) {
	if !a.due(reason) {
		return
	}
	a.record(reason, text)
	if len(a.targets) == 0 {
		return
	}
	if err := a.db.Update(func(tx *store.Tx) error { return a.enqueue(tx, text) }); err != nil {
		a.log.Error().Err(err).Str("reason", reason).Msg("alert: cannot queue the message to the operators")
	}
}

// alertTx raises reason inside the caller's transaction (event handling). When it was
// last told is kept in that transaction too: a rolled-back batch that is handled again tells it again.
func (a *alerter) alertTx(tx *store.Tx, reason, text string) error {
	k := "alert:" + reason
	if t, err := time.Parse(time.RFC3339Nano, tx.Flag(k)); err == nil && tx.Now().Sub(t) < alertEvery {
		return nil
	}
	if err := tx.SetFlag(k, tx.Now().Format(time.RFC3339Nano)); err != nil {
		return err
	}
	a.record(reason, text)
	return a.enqueue(tx, text)
}

func (a *alerter) record(reason, text string) {
	a.m.alerts.WithLabelValues(reason).Inc()
	a.log.Error().Str("alert", reason).Str("text", text).Msg("ALERT: an operator must act")
}

func (a *alerter) enqueue(tx *store.Tx, text string) error {
	for _, t := range a.targets {
		rep := flows.Reply{ToUser: t.user, ToGroup: t.group, Text: textAlertHead + text, Kind: KindAlert}
		if err := enqueueReply(tx, rep, "alert"); err != nil {
			return err
		}
	}
	return nil
}

// What the operators are told.
const (
	textAlertHead      = "⚠️ cdtbot cần người vận hành: "
	textAlertAuth      = "không có token Zalo dùng được (%s). Cài cặp token mới bằng \"cdtbot token set\" hoặc cấp quyền lại tại /oauth/zalo/start. Tin nhắn chờ trong hàng đợi, không mất."
	textAlertTemplates = "Zalo từ chối tin mẫu có nút bấm của OA này: từ giờ lựa chọn được gửi dạng chữ có đánh số."
	textAlertZNSQuota  = "hạn mức ZNS trong ngày đã hết: nhắc việc chuyển sang nhóm Zalo hoặc được liệt kê là không liên lạc được."
	textAlertChannel   = "kênh %s bị Zalo từ chối (%v): tin nhắn chuyển sang kênh kế tiếp. Kiểm tra bằng \"cdtbot doctor\"."
	textAlertRevoked   = "quản trị viên OA đã thu hồi quyền của ứng dụng (permission_revoked): cần cấp quyền lại tại /oauth/zalo/start."
)
