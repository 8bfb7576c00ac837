package bot

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/store"
)

// PlanTotals counts how waiting messages would go out now: by channel ("none"
// for those no channel can reach, "obsolete" for reminders whose report was filed) and by cost class.
type PlanTotals struct {
	Messages  int            `json:"messages"`
	ByChannel map[string]int `json:"by_channel"`
	ByCost    map[string]int `json:"by_cost"`
}

// plan routes every message as the sender would at instant now, in one read transaction.
func (l *ladder) plan(tx *store.Tx, msgs []store.OutMsg, now time.Time) PlanTotals {
	t := PlanTotals{ByChannel: map[string]int{}, ByCost: map[string]int{}}
	for _, m := range msgs {
		r := l.route(tx, m, now)
		t.Messages++
		switch {
		case r.obsolete:
			t.ByChannel["obsolete"]++ // its report was filed: it will not go
		case r.channel == "":
			t.ByChannel["none"]++
		case r.skip:
			t.ByChannel["skipped"]++
		default:
			t.ByChannel[r.channel]++
			t.ByCost[r.cost]++
		}
	}
	return t
}

// outboxPlan is GET /api/v1/outbox/plan: how the messages waiting now would go
// out and what they would cost (a reminder morning's ZNS bill before it is spent).
func (b *Bot) outboxPlan(c *gin.Context) {
	var t PlanTotals
	if err := b.db.View(func(tx *store.Tx) error {
		msgs, err := tx.Outbox()
		if err != nil {
			return err
		}
		t = b.sender.ladder.plan(tx, msgs, b.db.Now())
		return nil
	}); err != nil {
		web.Fail(c, fmt.Errorf("outbox plan: %w", err))
		return
	}
	c.JSON(http.StatusOK, t)
}
