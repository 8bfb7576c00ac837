// Package form serves the monthly report as a web form, opened from a signed link the chat gives a
// team's leader or deputy: the whole report in one page, filed with the chat's own rules
// (flows.Engine.SubmitReportForm), and one receipt by chat. Two sends for a report instead of eight.
package form

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/signed"
	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// LinkTTL is how long a form link opens the form: long enough to fill it in over a day.
const LinkTTL = 48 * time.Hour

// maxBody bounds a submitted form: twelve answers of at most 2,000 characters fit well inside.
const maxBody = 256 << 10

var linkKind = signed.Kind{Version: "r1", Label: "cdtbot report form link v1"}

// Links makes the signed links to report forms. Like the officer links, they hold only the public
// address; the key comes from the database in the caller's transaction.
type Links struct{ publicURL string }

// NewLinks makes links under publicURL (CDTBOT_PUBLIC_URL).
func NewLinks(publicURL string) *Links { return &Links{publicURL: strings.TrimRight(publicURL, "/")} }

// FormLink is the address of userID's form for team's report of period (YYYY-MM), valid LinkTTL.
// It runs in a writable tx (the first link makes the key). No public address: no link ("").
func (l *Links) FormLink(tx *store.Tx, userID, team, period string) (string, error) {
	if l.publicURL == "" {
		return "", nil
	}
	exp := tx.Now().Add(LinkTTL).Unix()
	token, err := linkKind.Sign(tx, signed.Field(userID), signed.Field(team), period, strconv.FormatInt(exp, 10))
	if err != nil {
		return "", fmt.Errorf("form.FormLink: %w", err)
	}
	return l.publicURL + "/f/" + token, nil
}

// Reports is what the form needs of the conversation engine (flows.Engine).
type Reports interface {
	ReportForm(tx *store.Tx, userID, team, period string) (flows.Form, error)
	SubmitReportForm(tx *store.Tx, userID, team, period string, base int, values map[string]string) (flows.FormResult, error)
}

// Enqueue puts a message to a person in the outbox inside tx (bot.EnqueueReply).
type Enqueue func(tx *store.Tx, rep flows.Reply, requestID string) error

// Forms serves GET and POST /f/:token.
type Forms struct {
	db      *store.DB
	reports Reports
	enqueue Enqueue
	loc     *time.Location
}

// New serves the forms of db's teams.
func New(db *store.DB, reports Reports, enqueue Enqueue, loc *time.Location) *Forms {
	if loc == nil {
		loc = time.UTC
	}
	return &Forms{db: db, reports: reports, enqueue: enqueue, loc: loc}
}

// link is what a checked token names.
type link struct {
	user, team, period string
	expires            time.Time
}

var errExpired = errors.New("form link: expired")

func check(tx *store.Tx, token string) (link, error) {
	f, err := linkKind.Verify(tx, token, 4)
	if err != nil {
		return link{}, err
	}
	user, err1 := signed.Unfield(f[0])
	team, err2 := signed.Unfield(f[1])
	secs, err3 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return link{}, signed.ErrInvalid
	}
	l := link{user: user, team: team, period: f[2], expires: time.Unix(secs, 0)}
	if !tx.Now().Before(l.expires) {
		return l, errExpired
	}
	return l, nil
}

// Page is GET /f/:token: the form, prefilled.
func (fs *Forms) Page(c *gin.Context) {
	var f flows.Form
	var l link
	err := fs.db.View(func(tx *store.Tx) error { // a read: opening a link takes no write lock
		var err error
		if l, err = check(tx, c.Param("token")); err != nil {
			return err
		}
		f, err = fs.reports.ReportForm(tx, l.user, l.team, l.period)
		return err
	})
	if fs.linkFailed(c, l, err) {
		return
	}
	if f.Refused != "" {
		fs.render(c, http.StatusConflict, "message.html", messageData{Title: textCannotTitle, Message: f.Refused})
		return
	}
	fs.render(c, http.StatusOK, "form.html", fs.formData(f, l, ""))
}

// Submit is POST /f/:token: files the report, or shows the form again with what to fix.
func (fs *Forms) Submit(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	if err := c.Request.ParseForm(); err != nil {
		web.Log(c).Warn().Err(err).Msg("report form: unreadable submission")
		fs.render(c, http.StatusBadRequest, "message.html", messageData{Title: textCannotTitle, Message: textBadSubmission})
		return
	}
	base, _ := strconv.Atoi(c.Request.PostForm.Get("base"))
	values := map[string]string{}
	for k, v := range c.Request.PostForm {
		if id, ok := strings.CutPrefix(k, "q."); ok && len(v) > 0 {
			values[id] = v[0]
		}
	}
	var res flows.FormResult
	var l link
	// The link is checked in a read first: a bad or expired one never queues for the write lock.
	err := fs.db.View(func(tx *store.Tx) error { var err error; l, err = check(tx, c.Param("token")); return err })
	if fs.linkFailed(c, l, err) {
		return
	}
	err = fs.db.Update(func(tx *store.Tx) error {
		var err error
		if l, err = check(tx, c.Param("token")); err != nil {
			return err
		}
		if res, err = fs.reports.SubmitReportForm(tx, l.user, l.team, l.period, base, values); err != nil || !res.Filed {
			return err
		}
		for _, r := range res.Replies { // the receipt by chat commits with the report
			if err := fs.enqueue(tx, r, web.RequestID(c)); err != nil {
				return err
			}
		}
		return nil
	})
	if fs.linkFailed(c, l, err) {
		return
	}
	switch {
	case res.Form.Refused != "":
		fs.render(c, http.StatusConflict, "message.html", messageData{Title: textCannotTitle, Message: res.Form.Refused})
	case !res.Filed:
		fs.render(c, http.StatusUnprocessableEntity, "form.html", fs.formData(res.Form, l, res.Notice))
	default:
		web.Log(c).Info().Str("team", l.team).Str("period", l.period).Int("version", res.Version).Msg("report filed by web form")
		fs.render(c, http.StatusOK, "message.html", messageData{Title: textFiledTitle, Message: res.Receipt, Hint: textFiledHint, OK: true})
	}
}

// linkFailed answers a bad, expired or failed link with its page; false when all is well.
func (fs *Forms) linkFailed(c *gin.Context, l link, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, errExpired):
		web.Log(c).Info().Str("team", l.team).Time("expired", l.expires).Msg("report form: expired link")
		fs.render(c, http.StatusGone, "message.html", messageData{Title: textExpiredTitle, Message: fmt.Sprintf(textExpired, l.expires.In(fs.loc).Format("15:04 ngày 02/01/2006")), Hint: textAskAgain})
	case errors.Is(err, signed.ErrInvalid):
		web.Log(c).Warn().Msg("report form: invalid link")
		fs.render(c, http.StatusForbidden, "message.html", messageData{Title: textBadLinkTitle, Message: textBadLink, Hint: textAskAgain})
	default:
		web.Log(c).Error().Err(err).Msg("report form failed")
		fs.render(c, http.StatusInternalServerError, "message.html", messageData{Title: textCannotTitle, Message: textInternal})
	}
	return true
}

//go:embed *.html form.css
var files embed.FS

var page = web.NewPage(files, "form.css", nil)

type formData struct {
	CSS       template.CSS
	Heading   string
	Notice    string
	Base      int
	Questions []flows.FormQuestion
	Expires   string
	Edit      bool
}

type messageData struct {
	CSS                  template.CSS
	Title, Message, Hint string
	OK                   bool
}

func (fs *Forms) formData(f flows.Form, l link, notice string) formData {
	return formData{CSS: page.CSS, Heading: f.Heading, Notice: notice, Base: f.Base, Questions: f.Questions,
		Expires: l.expires.In(fs.loc).Format("15:04 ngày 02/01/2006"), Edit: f.Base > 0}
}

// render sends a page of the form.
func (fs *Forms) render(c *gin.Context, status int, name string, data any) {
	if d, ok := data.(messageData); ok {
		d.CSS = page.CSS
		data = d
	}
	page.Render(c, status, name, data, textInternal)
	c.Abort()
}

// The page's words.
const (
	textCannotTitle   = "Chưa gửi được báo cáo"
	textBadSubmission = "Không đọc được nội dung vừa gửi. Vui lòng mở lại liên kết và thử lại."
	textFiledTitle    = "Đã nhận báo cáo"
	textFiledHint     = "Biên nhận cũng đã được gửi cho bạn qua Zalo. Bạn có thể đóng trang này."
	textExpiredTitle  = "Liên kết đã hết hạn"
	textExpired       = "Liên kết điền báo cáo này đã hết hạn lúc %s."
	textBadLinkTitle  = "Liên kết không hợp lệ"
	textBadLink       = "Liên kết này không đúng hoặc đã bị thay đổi."
	textAskAgain      = "Nhắn \"báo cáo\" cho Official Account để nhận liên kết mới."
	textInternal      = "Có lỗi xảy ra, vui lòng thử lại sau ít phút."
)
