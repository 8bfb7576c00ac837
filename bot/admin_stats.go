package bot

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/stats"
)

// statsRoutes registers the reporting-rate summary and the report exports.
func (b *Bot) statsRoutes(api *gin.RouterGroup) {
	api.GET("/stats", b.statsSummary)
	api.GET("/storage", b.storageReport)
	api.GET("/exports/report.csv", b.exportReports("csv", "text/csv; charset=utf-8", stats.WriteCSV))
	api.GET("/exports/report.xlsx", b.exportReports("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", stats.WriteXLSX))
}

// countsJSON is stats.Counts on the wire, with its rates in percent (one decimal).
type countsJSON struct {
	Expected      int     `json:"expected"`
	Reported      int     `json:"reported"`
	OnTime        int     `json:"on_time"`
	Late          int     `json:"late"`
	Missing       int     `json:"missing"`
	NotDue        int     `json:"not_due"`
	ReportingRate float64 `json:"reporting_rate"`
	OnTimeRate    float64 `json:"on_time_rate"`
}

func toJSON(c stats.Counts) countsJSON {
	return countsJSON{c.Expected, c.Reported, c.OnTime, c.Late, c.Missing, c.NotDue, c.ReportingRate(), c.OnTimeRate()}
}

type statsRowJSON struct {
	Unit string `json:"unit"`
	Name string `json:"name"`
	countsJSON
}

type statsPointJSON struct {
	Period string `json:"period"`
	countsJSON
}

type statsJSON struct {
	Unit   string           `json:"unit"`
	Name   string           `json:"name"`
	Period string           `json:"period"`
	At     string           `json:"at"`
	Rows   []statsRowJSON   `json:"rows"`
	Total  countsJSON       `json:"total"`
	Series []statsPointJSON `json:"series"`
	// Sends counts this OA's delivered messages in the period's month by cost class
	// (cs_free, cs_paid, zns, group): what the account spends, whatever unit is asked.
	Sends map[string]int `json:"sends"`
}

// statsSummary is GET /api/v1/stats?unit=CODE[&period=YYYY-MM][&at=RFC3339]: the
// reporting rate summary of the teams under unit.
func (b *Bot) statsSummary(c *gin.Context) {
	q, ok := b.statsQuery(c)
	if !ok {
		return
	}
	var s stats.Summary
	var sends map[string]int
	if err := b.db.View(func(tx *store.Tx) error {
		var err error
		s, err = stats.Compute(tx, q)
		sends = tx.SendCosts(s.Period.String())
		return err
	}); err != nil {
		statsError(c, err)
		return
	}
	out := statsJSON{Unit: s.Unit.Code, Name: s.Unit.Display(), Period: s.Period.String(), At: s.At.In(q.Loc).Format(time.RFC3339),
		Rows: []statsRowJSON{}, Total: toJSON(s.Total), Series: []statsPointJSON{}, Sends: sends}
	for _, r := range s.Rows {
		out.Rows = append(out.Rows, statsRowJSON{r.Unit.Code, r.Unit.Display(), toJSON(r.Counts)})
	}
	for _, p := range s.Series {
		out.Series = append(out.Series, statsPointJSON{p.Period.String(), toJSON(p.Counts)})
	}
	c.JSON(http.StatusOK, out)
}

// exportReports serves GET /api/v1/exports/report.{csv,xlsx}?unit=CODE[&period=YYYY-MM][&at=RFC3339],
// streamed from one read transaction as the backup is.
func (b *Bot) exportReports(ext, contentType string, write web.ExportWriter) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, ok := b.statsQuery(c)
		if !ok {
			return
		}
		q, started, err := web.StreamExport(c, b.db, q, ext, contentType, write)
		switch {
		case err != nil && started:
			web.Log(c).Error().Err(err).Str("unit", q.Unit).Msg("export failed mid-stream")
		case err != nil:
			statsError(c, err)
		default:
			web.Log(c).Info().Str("unit", q.Unit).Str("period", q.Period.String()).Str("format", ext).Msg("report exported")
			web.AuditExport(c, b.db, web.Actor(c), ext, q)
		}
	}
}

// statsQuery reads unit (required), period (default: the open period of most
// teams under unit) and at (default: the database clock).
func (b *Bot) statsQuery(c *gin.Context) (stats.Query, bool) {
	q := stats.Query{Unit: strings.TrimSpace(c.Query("unit")), At: b.db.Now(), Loc: b.cfg.Location}
	if q.Unit == "" {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "missing_unit", "unit is required: the code of the province, commune or village, e.g. ?unit=42"))
		return q, false
	}
	if s := c.Query("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_at", "at must be an RFC 3339 instant, e.g. 2026-11-27T08:00:00+07:00"))
			return q, false
		}
		q.At = t
	}
	if s := c.Query("period"); s != "" {
		p, err := store.ParsePeriod(s)
		if err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_period", "period must be a month as YYYY-MM, e.g. 2026-11"))
			return q, false
		}
		q.Period = p
	}
	return q, true
}

func statsError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, stats.ErrUnknownUnit):
		web.Fail(c, web.Errorf(http.StatusNotFound, "unknown_unit", "no unit has this code"))
	case errors.Is(err, stats.ErrNoData):
		web.Fail(c, web.Errorf(http.StatusNotFound, "no_data", "no team lies under this unit"))
	case errors.Is(err, stats.ErrNotStarted):
		web.Fail(c, web.Errorf(http.StatusBadRequest, "period_not_started", "this period has not started for any team under this unit"))
	default:
		web.Fail(c, fmt.Errorf("stats: %w", err))
	}
}

// storageReport says where the database file's bytes go, per bucket (cdtbot stats-db asks it of a running server).
func (b *Bot) storageReport(c *gin.Context) {
	s, err := b.db.Space()
	if err != nil {
		b.log.Error().Err(err).Msg("storage report")
		c.JSON(http.StatusInternalServerError, gin.H{"error": "could not read the database"})
		return
	}
	c.JSON(http.StatusOK, s)
}
