// Package officer is the officer web page (issue 5): the reporting picture of an
// officer's scope for one period, the 12-month reporting rate of each unit under
// it as inline SVG, the teams that have not reported with their leaders' phones,
// and the exports. Officers reach it by a signed link (Links) the bot sends them
// on request; admins with the admin token. Everything is embedded (the *.html
// and page.css beside this file) and the page runs no script.
//
//	GET  /o/:token[?period=YYYY-MM]       the page of the officer the link names
//	GET  /o/:token/export.csv|.xlsx       that period's exports of the officer's scope
//	GET  /officer/:id[?period=YYYY-MM]    the same page for an admin (Authorization: Bearer)
//	POST /api/v1/officers/:id/link[?ttl=] a signed link, as the chat sends it (admin)
package officer

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/stats"
)

//go:embed page.html error.html page.css
var files embed.FS

// Every Vietnamese sentence of the page's Go side; the rest is in page.html and error.html.
const (
	textBadLinkTitle     = "Liên kết không hợp lệ"
	textBadLink          = "Liên kết này không đúng hoặc đã bị sửa."
	textExpiredTitle     = "Liên kết đã hết hạn"
	textExpired          = "Liên kết này đã hết hạn lúc %s."
	textAskAgain         = "Nhắn “xem trang tổng hợp” cho Zalo OA để nhận liên kết mới."
	textGoneOfficerTitle = "Liên kết không còn hiệu lực"
	textGoneOfficer      = "Cán bộ nhận liên kết này không còn trong danh sách theo dõi."
	textNoOfficerTitle   = "Không có cán bộ này"
	textNoOfficer        = "Không có cán bộ nào có mã %q."
	textBadPeriodTitle   = "Kỳ báo cáo không hợp lệ"
	textBadPeriod        = "Kỳ báo cáo phải có dạng năm-tháng, ví dụ 2026-11."
	textNotStartedTitle  = "Kỳ báo cáo chưa bắt đầu"
	textNotStarted       = "Kỳ này chưa bắt đầu với tổ nào trong phạm vi theo dõi."
	textNoDataTitle      = "Chưa có tổ nào"
	textNoData           = "Chưa có tổ công nghệ số cộng đồng nào trong phạm vi theo dõi."
	textInternalTitle    = "Đã có lỗi"
	textInternal         = "Máy chủ gặp lỗi khi lập trang. Xin thử lại sau ít phút."
	textCurrentPeriod    = " (kỳ hiện tại)"
	textOverdue          = "Quá hạn"
	textNotDue           = "Chưa đến hạn"
	textLeader           = "tổ trưởng"
	textDeputy           = "tổ phó"
	textNoLeader         = "Chưa có tổ trưởng"
	textChartPoint       = "%s: %d/%d tổ (%s%%)"
	textChartNone        = "%s: không có tổ phải báo cáo"
	textChartLabel       = "Tỷ lệ báo cáo từng tháng, %s đến %s"
	timeFormatVN         = "15:04 ngày 02/01/2006"
)

// officerPage is the page set: its templates and stylesheet under their CSP (bot/web).
var officerPage = web.NewPage(files, "page.css", template.FuncMap{"pct": pct})

// Pages serves the officer page and its exports, by signed link or to an admin.
type Pages struct {
	db    *store.DB
	links *Links
	loc   *time.Location
	log   zerolog.Logger
}

// New serves the pages of db's officers, checking and making links with links; dates are in loc.
func New(db *store.DB, links *Links, loc *time.Location, log zerolog.Logger) *Pages {
	if loc == nil {
		loc = time.UTC
	}
	return &Pages{db: db, links: links, loc: loc, log: log}
}

// signLink signs a link to officerID's page in its own transaction.
func (pg *Pages) signLink(officerID string, ttl time.Duration) (token string, exp time.Time, err error) {
	err = pg.db.Update(func(tx *store.Tx) error {
		token, exp, err = pg.links.sign(tx, officerID, ttl)
		return err
	})
	return token, exp, err
}

// officerFromLink resolves the :token of the request to its officer, or answers with an error page.
func (pg *Pages) officerFromLink(c *gin.Context) (store.Officer, time.Time, bool) {
	var id string
	var exp time.Time
	err := pg.db.View(func(tx *store.Tx) error {
		var err error
		id, exp, err = pg.links.check(tx, c.Param("token"))
		return err
	})
	switch {
	case errors.Is(err, errLinkExpired):
		web.Log(c).Info().Str("officer", id).Time("expired", exp).Msg("officer page: expired link")
		pg.officerError(c, http.StatusGone, textExpiredTitle, fmt.Sprintf(textExpired, exp.In(pg.loc).Format(timeFormatVN)), textAskAgain)
		return store.Officer{}, exp, false
	case errors.Is(err, errLinkInvalid):
		web.Log(c).Warn().Msg("officer page: invalid link")
		pg.officerError(c, http.StatusForbidden, textBadLinkTitle, textBadLink, textAskAgain)
		return store.Officer{}, exp, false
	case err != nil:
		web.Log(c).Error().Err(err).Msg("officer page: link check failed")
		pg.officerError(c, http.StatusInternalServerError, textInternalTitle, textInternal, "")
		return store.Officer{}, exp, false
	}
	o, ok := pg.lookupOfficer(c, id)
	if !ok {
		return o, exp, false
	}
	if o.ID == "" {
		web.Log(c).Info().Str("officer", id).Msg("officer page: link of a removed officer")
		pg.officerError(c, http.StatusForbidden, textGoneOfficerTitle, textGoneOfficer, "")
		return o, exp, false
	}
	return o, exp, true
}

// lookupOfficer reads an officer; a missing one is the zero Officer. False means an error page went out.
func (pg *Pages) lookupOfficer(c *gin.Context, id string) (store.Officer, bool) {
	var o store.Officer
	if err := pg.db.View(func(tx *store.Tx) error {
		var err error
		o, _, err = tx.Officer(id)
		return err
	}); err != nil {
		web.Log(c).Error().Err(err).Msg("officer page: reading the officer failed")
		pg.officerError(c, http.StatusInternalServerError, textInternalTitle, textInternal, "")
		return o, false
	}
	return o, true
}

// LinkPage is GET /o/:token.
func (pg *Pages) LinkPage(c *gin.Context) {
	o, exp, ok := pg.officerFromLink(c)
	if !ok {
		return
	}
	self := "./" + c.Param("token") // relative, so the page works behind any public address
	pg.officerPage(c, o, pageLinks{self: self, expires: exp, via: "link"})
}

// AdminPage is GET /officer/:id with the admin token. Its selector and
// downloads go through a short-lived signed link: a browser cannot send the token.
func (pg *Pages) AdminPage(c *gin.Context) {
	o, ok := pg.lookupOfficer(c, c.Param("id"))
	if !ok {
		return
	}
	if o.ID == "" {
		pg.officerError(c, http.StatusNotFound, textNoOfficerTitle, fmt.Sprintf(textNoOfficer, c.Param("id")), "")
		return
	}
	token, exp, err := pg.signLink(o.ID, adminPageLinkTTL)
	if err != nil {
		web.Log(c).Error().Err(err).Msg("officer page: signing the admin page's links failed")
		pg.officerError(c, http.StatusInternalServerError, textInternalTitle, textInternal, "")
		return
	}
	pg.officerPage(c, o, pageLinks{self: "../o/" + token, expires: exp, via: "admin"})
}

// IssueLink is POST /api/v1/officers/:id/link[?ttl=72h]: a signed link, audited.
func (pg *Pages) IssueLink(c *gin.Context) {
	id := c.Param("id")
	ttl := DefaultLinkTTL
	if s := c.Query("ttl"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Second || d > MaxLinkTTL {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_ttl", "ttl must be a duration from 1s to 744h, e.g. 24h"))
			return
		}
		ttl = d
	}
	token, exp, err := pg.signLink(id, ttl)
	if errors.Is(err, store.ErrNotFound) {
		web.Fail(c, web.Errorf(http.StatusNotFound, "unknown_officer", "no officer has this id"))
		return
	}
	if err == nil {
		err = pg.db.Update(func(tx *store.Tx) error {
			return tx.Audit(store.AuditEntry{Actor: web.Actor(c), Action: "officer.link", Subject: id,
				Detail: "page link valid until " + exp.In(pg.loc).Format(time.RFC3339)})
		})
	}
	if err != nil {
		web.Fail(c, fmt.Errorf("officer link: %w", err))
		return
	}
	path := "/o/" + token
	c.JSON(http.StatusOK, gin.H{"officer": id, "url": pg.links.publicURL + path, "path": path,
		"expires_at": exp.In(pg.loc).Format(time.RFC3339)})
}

// LinkCSV is GET /o/:token/export.csv[?period=].
func (pg *Pages) LinkCSV(c *gin.Context) {
	pg.linkExport(c, "csv", "text/csv; charset=utf-8", stats.WriteCSV)
}

// LinkXLSX is GET /o/:token/export.xlsx[?period=].
func (pg *Pages) LinkXLSX(c *gin.Context) {
	pg.linkExport(c, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", stats.WriteXLSX)
}

// linkExport streams an export of the period the link's officer follows, as the admin exports are.
func (pg *Pages) linkExport(c *gin.Context, ext, contentType string, write web.ExportWriter) {
	o, _, ok := pg.officerFromLink(c)
	if !ok {
		return
	}
	p, ok := pg.pagePeriod(c)
	if !ok {
		return
	}
	q := stats.Query{Unit: o.Scope, Period: p, At: pg.db.Now(), Loc: pg.loc}
	c.Header("Cache-Control", "no-store")
	q, started, err := web.StreamExport(c, pg.db, q, ext, contentType, write)
	switch {
	case err != nil && started:
		web.Log(c).Error().Err(err).Str("officer", o.ID).Msg("officer export failed mid-stream")
	case err != nil:
		pg.statsPageError(c, err)
	default:
		web.Log(c).Info().Str("officer", o.ID).Str("unit", q.Unit).Str("period", q.Period.String()).Str("format", ext).Msg("officer export downloaded")
		web.AuditExport(c, pg.db, "officer:"+o.ID, ext, q)
	}
}

// pagePeriod reads ?period=YYYY-MM (the zero Period when absent) or answers 400.
func (pg *Pages) pagePeriod(c *gin.Context) (store.Period, bool) {
	s := c.Query("period")
	if s == "" {
		return store.Period{}, true
	}
	p, err := store.ParsePeriod(s)
	if err != nil {
		pg.officerError(c, http.StatusBadRequest, textBadPeriodTitle, textBadPeriod, "")
		return p, false
	}
	return p, true
}

func (pg *Pages) statsPageError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, stats.ErrNoData):
		pg.officerError(c, http.StatusNotFound, textNoDataTitle, textNoData, "")
	case errors.Is(err, stats.ErrNotStarted):
		pg.officerError(c, http.StatusBadRequest, textNotStartedTitle, textNotStarted, "")
	default:
		web.Log(c).Error().Err(err).Msg("officer page failed")
		pg.officerError(c, http.StatusInternalServerError, textInternalTitle, textInternal, "")
	}
}

// pageLinks is where the page's own links lead and for how long they work.
type pageLinks struct {
	self    string // the page, relative to it (a signed link)
	expires time.Time
	via     string // "link" or "admin", for the log
}

// officerPage renders the page of o for ?period= (default: the open period of most of its teams).
func (pg *Pages) officerPage(c *gin.Context, o store.Officer, links pageLinks) {
	p, ok := pg.pagePeriod(c)
	if !ok {
		return
	}
	var data pageData
	if err := pg.db.View(func(tx *store.Tx) error {
		var err error
		data, err = pg.buildPage(tx, o, p)
		return err
	}); err != nil {
		pg.statsPageError(c, err)
		return
	}
	data.SelfURL = links.self
	data.CSVURL = links.self + "/export.csv?period=" + data.Period.String()
	data.XLSXURL = links.self + "/export.xlsx?period=" + data.Period.String()
	data.Expires = links.expires.In(pg.loc).Format(timeFormatVN)
	data.Admin = links.via == "admin"
	web.Log(c).Info().Str("officer", o.ID).Str("period", data.Period.String()).Str("via", links.via).Msg("officer page viewed")
	pg.renderOfficer(c, http.StatusOK, "page.html", data)
}

func (pg *Pages) officerError(c *gin.Context, status int, title, msg, hint string) {
	pg.renderOfficer(c, status, "error.html", errorData{CSS: officerPage.CSS, Title: title, Message: msg, Hint: hint})
	c.Abort()
}

// renderOfficer sends a page of the set.
func (pg *Pages) renderOfficer(c *gin.Context, status int, name string, data any) {
	officerPage.Render(c, status, name, data, textInternal)
}

type errorData struct {
	CSS                  template.CSS
	Title, Message, Hint string
}

// pageData is everything page.html shows.
type pageData struct {
	CSS         template.CSS
	Officer     store.Officer
	ScopeName   string
	Period      store.Period
	PeriodLabel string // "tháng 11/2026"
	AsOf        string
	Expires     string
	Admin       bool
	Periods     []periodOption
	Total       stats.Counts
	TotalChart  chart
	Rows        []pageRow
	NotReported int
	Groups      []teamGroup
	SelfURL     string
	CSVURL      string
	XLSXURL     string
	FirstLabel  string // first period of the charts
}

type periodOption struct {
	Value, Label string
	Selected     bool
}

// pageRow is one unit directly under the scope (or the scope's own teams).
type pageRow struct {
	Name string
	stats.Counts
	Chart chart
}

// teamGroup is the teams of one row that have not reported.
type teamGroup struct {
	Name  string
	Teams []pageTeam
}

type pageTeam struct {
	Name, Place, Deadline string
	Overdue               bool
	Status                string
	Contact, Role, Phone  string
	Tel                   template.URL
}

// buildPage reads the figures, each row's 12 months and the teams not in yet from one walk of the
// scope (stats.Compute), then whom to call for each team not in.
func (pg *Pages) buildPage(tx *store.Tx, o store.Officer, p store.Period) (pageData, error) {
	loc, now := pg.loc, pg.db.Now()
	def, err := stats.Resolve(tx, stats.Query{Unit: o.Scope, At: now, Loc: loc})
	if err != nil {
		return pageData{}, err
	}
	q := def
	if p != (store.Period{}) {
		q.Period = p
	}
	q.WithMissing = true // whom to call, from the same walk as the figures
	s, err := stats.Compute(tx, q)
	if err != nil {
		return pageData{}, err
	}
	d := pageData{CSS: officerPage.CSS, Officer: o, ScopeName: s.Unit.Display(), Period: s.Period,
		PeriodLabel: s.Period.Label(), AsOf: now.In(loc).Format(timeFormatVN), Total: s.Total}
	for i := range stats.SeriesLength {
		v := def.Period.Add(-i)
		opt := periodOption{Value: v.String(), Label: capitalize(v.Label()), Selected: v == s.Period}
		if i == 0 {
			opt.Label += textCurrentPeriod
		}
		d.Periods = append(d.Periods, opt)
	}
	if s.Period.Before(def.Period.Add(-(stats.SeriesLength - 1))) || def.Period.Before(s.Period) {
		d.Periods = append(d.Periods, periodOption{Value: s.Period.String(), Label: capitalize(s.Period.Label()), Selected: true})
	}
	periods := make([]store.Period, len(s.Series))
	total := make([]stats.Counts, len(s.Series))
	for i, pt := range s.Series {
		periods[i], total[i] = pt.Period, pt.Counts
	}
	d.FirstLabel = periods[0].Label()
	d.TotalChart = barChart(periods, total, true)

	notReported := map[string][]pageTeam{} // row unit → its teams not in, overdue first, then by code
	waiting := map[string][]pageTeam{}
	for _, m := range s.Missing {
		pt, err := notReportedTeam(tx, m.Team, m.Below, m.Status, m.Cutoff)
		if err != nil {
			return pageData{}, err
		}
		if pt.Overdue {
			notReported[m.Row] = append(notReported[m.Row], pt)
		} else {
			waiting[m.Row] = append(waiting[m.Row], pt)
		}
	}
	for _, r := range s.Rows {
		d.Rows = append(d.Rows, pageRow{Name: r.Unit.Display(), Counts: r.Counts, Chart: barChart(periods, r.Series, false)})
		if ts := append(notReported[r.Unit.Code], waiting[r.Unit.Code]...); len(ts) > 0 {
			d.Groups = append(d.Groups, teamGroup{Name: r.Unit.Display(), Teams: ts})
			d.NotReported += len(ts)
		}
	}
	return d, nil
}

// telDigits is a stored phone number fit for a tel: link.
var telDigits = regexp.MustCompile(`^\+?[0-9]{6,15}$`)

// notReportedTeam is a team not in yet, with whom to call: the leader, else a deputy.
func notReportedTeam(tx *store.Tx, t store.Team, below []store.Unit, st store.Status, cutoff time.Time) (pageTeam, error) {
	pt := pageTeam{Name: t.Name, Deadline: cutoff.Format("02/01/2006"), Overdue: st == store.StatusMissing, Status: textNotDue}
	if pt.Overdue {
		pt.Status = textOverdue
	}
	if len(below) > 1 {
		names := make([]string, 0, len(below)-1)
		for _, u := range below[1:] {
			names = append(names, u.Display())
		}
		pt.Place = strings.Join(names, " / ")
	}
	roster, err := tx.Roster(t.Code)
	if err != nil {
		return pt, err
	}
	pt.Contact = textNoLeader
	for _, m := range roster { // leader first, then deputies
		if m.Role != store.RoleLeader && m.Role != store.RoleDeputy {
			break
		}
		person, ok, err := tx.Person(m.ZaloID)
		if err != nil {
			return pt, err
		}
		if !ok {
			continue // erased
		}
		pt.Contact, pt.Role, pt.Phone = person.Name, textLeader, person.Phone
		if m.Role == store.RoleDeputy {
			pt.Role = textDeputy
		}
		if telDigits.MatchString(person.Phone) {
			pt.Tel = template.URL("tel:" + person.Phone) // digits only: safe as a URL
		}
		break
	}
	return pt, nil
}

// chart is an inline SVG bar chart of reporting rates, one bar per period.
type chart struct {
	Width, Height int
	Left, AxisX   int // big chart: where the plot starts and the axis labels end
	Label         string
	Bars          []bar
	Grid          []gridLine
	Big           bool
}

type bar struct {
	X, Y, W, H int
	Class      string // hi, mid, lo (by rate), na (nothing expected); " sel" on the period shown
	Title      string
	Value      string // big chart: the rate above the bar
	Month      string // big chart: month number under the bar
	Year       string // big chart: under the first bar and each January
	TextX      int
}

type gridLine struct {
	Y     int
	Label string
}

// Chart geometry, in SVG units (the SVG scales to the screen's width).
const (
	chartLeft   = 36
	chartStep   = 27
	chartBarW   = 19
	bigTop      = 16
	bigPlotH    = 110
	smallPlotH  = 30
	chartMinBar = 2
)

// barChart draws counts per period; the last period is the one shown.
func barChart(periods []store.Period, counts []stats.Counts, big bool) chart {
	ch := chart{Width: chartLeft + chartStep*len(periods), Left: chartLeft, AxisX: chartLeft - 4, Big: big,
		Label: fmt.Sprintf(textChartLabel, periods[0].Label(), periods[len(periods)-1].Label())}
	top, plotH := 2, smallPlotH
	if big {
		top, plotH = bigTop, bigPlotH
		ch.Height = top + plotH + 36
		for _, r := range []int{0, 50, 100} {
			ch.Grid = append(ch.Grid, gridLine{Y: top + plotH - plotH*r/100, Label: strconv.Itoa(r) + "%"})
		}
	} else {
		ch.Height = top + plotH + 13 // month numbers under the bars
	}
	base := top + plotH
	for i, p := range periods {
		c := counts[i]
		rate := c.ReportingRate()
		bb := bar{X: chartLeft + i*chartStep + (chartStep-chartBarW)/2, W: chartBarW, TextX: chartLeft + i*chartStep + chartStep/2,
			Month: strconv.Itoa(int(p.Month))}
		if !big {
			bb.X -= chartLeft // the small charts have no axis
			bb.TextX -= chartLeft
		}
		if i == 0 || p.Month == time.January {
			bb.Year = strconv.Itoa(p.Year)
		}
		switch {
		case c.Expected == 0:
			bb.Class, bb.H, bb.Value = "na", chartMinBar, "–"
			bb.Title = fmt.Sprintf(textChartNone, capitalize(p.Label()))
		default:
			bb.H = max(int(rate*float64(plotH)/100+0.5), chartMinBar)
			bb.Value = strconv.Itoa(int(rate + 0.5))
			bb.Title = fmt.Sprintf(textChartPoint, capitalize(p.Label()), c.Reported, c.Expected, pct(rate))
			switch {
			case rate >= 80:
				bb.Class = "hi"
			case rate >= 50:
				bb.Class = "mid"
			default:
				bb.Class = "lo"
			}
		}
		if i == len(periods)-1 {
			bb.Class += " sel"
		}
		bb.Y = base - bb.H
		ch.Bars = append(ch.Bars, bb)
	}
	if !big {
		ch.Width -= chartLeft
	}
	return ch
}

// pct writes a rate the Vietnamese way: 71,4 (and 100, 0).
func pct(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] // labels start with ASCII "tháng"
}
