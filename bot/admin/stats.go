package admin

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

// Stats is GET /api/v1/stats?unit=CODE[&period=YYYY-MM][&at=RFC3339]: the
// reporting rate summary of the teams under unit.
func (a *API) Stats(c *gin.Context) {
	q, err := a.statsQuery(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var s stats.Summary
	var sends map[string]int
	if err := a.db.View(func(tx *store.Tx) error {
		var err error
		s, err = stats.Compute(tx, q)
		sends = tx.SendCosts(s.Period.String())
		return err
	}); err != nil {
		web.Fail(c, statsErr(err))
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

// ExportCSV is GET /api/v1/exports/report.csv?unit=CODE[&period=YYYY-MM][&at=RFC3339].
func (a *API) ExportCSV(c *gin.Context) {
	a.export(c, "csv", "text/csv; charset=utf-8", stats.WriteCSV)
}

// ExportXLSX is GET /api/v1/exports/report.xlsx?unit=CODE[&period=YYYY-MM][&at=RFC3339].
func (a *API) ExportXLSX(c *gin.Context) {
	a.export(c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", stats.WriteXLSX)
}

// export streams the reports of the teams under unit from one read transaction, as the backup is.
func (a *API) export(c *gin.Context, ext, contentType string, write web.ExportWriter) {
	q, err := a.statsQuery(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	q, started, err := web.StreamExport(c, a.db, q, ext, contentType, write)
	switch {
	case err != nil && started:
		web.Log(c).Error().Err(err).Str("unit", q.Unit).Msg("export failed mid-stream")
	case err != nil:
		web.Fail(c, statsErr(err))
	default:
		web.Log(c).Info().Str("unit", q.Unit).Str("period", q.Period.String()).Str("format", ext).Msg("report exported")
		web.AuditExport(c, a.db, web.Actor(c), ext, q)
	}
}

// statsQuery reads unit (required), period (default: the open period of most
// teams under unit) and at (default: the database clock).
func (a *API) statsQuery(c *gin.Context) (stats.Query, error) {
	q := stats.Query{Unit: strings.TrimSpace(c.Query("unit")), At: a.db.Now(), Loc: a.loc}
	if q.Unit == "" {
		return q, web.Errorf(http.StatusBadRequest, "missing_unit", "unit is required: the code of the province, commune or village, e.g. ?unit=42")
	}
	if s := c.Query("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, errBadAt
		}
		q.At = t
	}
	if s := c.Query("period"); s != "" {
		p, err := store.ParsePeriod(s)
		if err != nil {
			return q, web.Errorf(http.StatusBadRequest, "bad_period", "period must be a month as YYYY-MM, e.g. 2026-11")
		}
		q.Period = p
	}
	return q, nil
}

// statsErr is what the caller is shown of a failed stats.Resolve or stats.Compute.
func statsErr(err error) error {
	switch {
	case errors.Is(err, stats.ErrUnknownUnit):
		return web.Errorf(http.StatusNotFound, "unknown_unit", "no unit has this code")
	case errors.Is(err, stats.ErrNoData):
		return web.Errorf(http.StatusNotFound, "no_data", "no team lies under this unit")
	case errors.Is(err, stats.ErrNotStarted):
		return web.Errorf(http.StatusBadRequest, "period_not_started", "this period has not started for any team under this unit")
	}
	return fmt.Errorf("stats: %w", err)
}

// Storage says where the database file's bytes go, per bucket (cdtbot stats-db asks it of a running server).
func (a *API) Storage(c *gin.Context) {
	s, err := a.db.Space()
	web.Answer(c, s, err)
}
