package bot

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

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
func (b *Bot) exportReports(ext, contentType string, write func(*store.Tx, io.Writer, stats.Query) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, ok := b.statsQuery(c)
		if !ok {
			return
		}
		q, started, err := b.streamExport(c, q, ext, contentType, write)
		switch {
		case err != nil && started:
			reqLog(c).Error().Err(err).Str("unit", q.Unit).Msg("export failed mid-stream")
		case err != nil:
			statsError(c, err)
		default:
			reqLog(c).Info().Str("unit", q.Unit).Str("period", q.Period.String()).Str("format", ext).Msg("report exported")
			b.auditExport(c, actor(c), ext, q)
		}
	}
}

// streamExport resolves q and streams one export of it from a single read transaction.
// started tells whether the download's headers went out (after that an error can only be logged).
func (b *Bot) streamExport(c *gin.Context, q stats.Query, ext, contentType string, write func(*store.Tx, io.Writer, stats.Query) error) (stats.Query, bool, error) {
	body := &lazyBody{c: c, contentType: contentType}
	err := b.db.View(func(tx *store.Tx) error {
		var err error
		if q, err = stats.Resolve(tx, q); err != nil {
			return err
		}
		body.filename = "bao-cao-" + q.Period.String() + "-" + fileSafe.ReplaceAllString(q.Unit, "_") + "." + ext
		return write(tx, body, q)
	})
	if err == nil && !body.started {
		body.start() // cannot happen (a header row is always written), but never answer nothing
	}
	return q, body.started, err
}

// auditExport records who took an export: exports carry leaders' names and phones.
func (b *Bot) auditExport(c *gin.Context, who, ext string, q stats.Query) {
	if err := b.db.Update(func(tx *store.Tx) error {
		return tx.Audit(store.AuditEntry{Actor: who, Action: "export." + ext, Subject: q.Unit, Detail: q.Period.String()})
	}); err != nil {
		reqLog(c).Error().Err(err).Msg("export done but its audit entry failed")
	}
}

// fileSafe is what a unit code may not bring into a file name.
var fileSafe = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// lazyBody sends the download's headers with its first byte, so an error
// found before anything is written can still be answered as JSON.
type lazyBody struct {
	c                     *gin.Context
	contentType, filename string
	started               bool
}

func (l *lazyBody) start() {
	l.started = true
	l.c.Header("Content-Type", l.contentType)
	l.c.Header("Content-Disposition", `attachment; filename="`+l.filename+`"`)
	l.c.Status(http.StatusOK)
}

func (l *lazyBody) Write(p []byte) (int, error) {
	if !l.started {
		l.start()
	}
	return l.c.Writer.Write(p)
}

// statsQuery reads unit (required), period (default: the open period of most
// teams under unit) and at (default: the database clock).
func (b *Bot) statsQuery(c *gin.Context) (stats.Query, bool) {
	q := stats.Query{Unit: strings.TrimSpace(c.Query("unit")), At: b.db.Now(), Loc: b.cfg.Location}
	if q.Unit == "" {
		apiError(c, http.StatusBadRequest, "missing_unit", "unit is required: the code of the province, commune or village, e.g. ?unit=42")
		return q, false
	}
	if s := c.Query("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			apiError(c, http.StatusBadRequest, "bad_at", "at must be an RFC 3339 instant, e.g. 2026-11-27T08:00:00+07:00")
			return q, false
		}
		q.At = t
	}
	if s := c.Query("period"); s != "" {
		p, err := store.ParsePeriod(s)
		if err != nil {
			apiError(c, http.StatusBadRequest, "bad_period", "period must be a month as YYYY-MM, e.g. 2026-11")
			return q, false
		}
		q.Period = p
	}
	return q, true
}

func statsError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, stats.ErrUnknownUnit):
		apiError(c, http.StatusNotFound, "unknown_unit", "no unit has this code")
	case errors.Is(err, stats.ErrNoData):
		apiError(c, http.StatusNotFound, "no_data", "no team lies under this unit")
	case errors.Is(err, stats.ErrNotStarted):
		apiError(c, http.StatusBadRequest, "period_not_started", "this period has not started for any team under this unit")
	default:
		reqLog(c).Error().Err(err).Msg("stats failed")
		apiError(c, http.StatusInternalServerError, "internal", "internal error")
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
