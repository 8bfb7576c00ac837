// Package devchat is the sandbox's web chat simulator: a Zalo-like page (embedded here) that posts
// the JSON Zalo would send to the real /webhook/zalo and reads what the bot "sent" from the sandbox
// sent log through a small JSON API. bot/routes.go serves it in sandbox mode only.
package devchat

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// files are the simulator's page, script and style sheet.
//
//go:embed index.html app.js app.css
var files embed.FS

// Reminder runs the reminder sweep as of an instant (nil: the simulator offers no sweep).
type Reminder interface {
	Remind(at time.Time, dryRun bool) ([]string, error)
}

// Readiness tells whether the server still takes work: a long poll ends when it stops.
type Readiness interface {
	Ready() bool
}

// Config is what the simulator needs to know of the account it plays.
type Config struct {
	AppID    string // put in events ("sandbox" when empty)
	OASecret string // signs events for local pages when set
	Location *time.Location
	Remind   Reminder
	Ready    Readiness
}

// Chat serves the simulator's page and API.
type Chat struct {
	db  *store.DB
	cfg Config
}

// New is the simulator over db.
func New(db *store.DB, cfg Config) *Chat {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &Chat{db: db, cfg: cfg}
}

// devOAID is the account id the simulator puts in events (sandbox has no real account).
const devOAID = "388613280878808645"

// devAppID is the app id of simulated events when no ZALO_APP_ID is configured.
const devAppID = "sandbox"

// devGroupSender writes in an officers' group when the officer has no Zalo id of their own.
const devGroupSender = "4299000000000000099"

// devEpochKey names the random id of this database in the ledger, so a page can tell a fresh
// database from the one its browser remembers.
const devEpochKey = "devchat|epoch"

// Bounds of the message API.
const (
	devMaxWait     = 25 * time.Second
	devPollEvery   = 120 * time.Millisecond
	devMaxMessages = 2000
	devMaxScan     = 20000
	devMaxPeople   = 400
)

// The simulator's routes (bot/routes.go registers them):
//
//	GET  /dev/chat                     the page (and /dev/chat/app.js, /dev/chat/app.css)
//	GET  /dev/api/config               ids to put in events, whether to sign, the clock, suggested sweep instants
//	GET  /dev/api/people               who one can be: leaders, deputies, members, approvers, officers' groups
//	GET  /dev/api/messages?after=W&have=K&to=ID&wait=S
//	                                   settled messages with seq > W (to one user or group), waiting up to S
//	                                   seconds while there are exactly K of them; "watermark" is the next W
//	POST /dev/api/remind?at=T          the reminder sweep as of T (local "2026-11-17T08:00" or RFC 3339)
//	POST /dev/api/sign                 X-ZEvent-Signature for an event body, when an OA secret is set

// Home is GET /dev: on to the page.
func (d *Chat) Home(c *gin.Context) { c.Redirect(http.StatusFound, "/dev/chat") }

// Page is GET /dev/chat.
func (d *Chat) Page(c *gin.Context) { devAsset(c, "index.html") }

// Asset is GET /dev/chat/:file, the page's script and style sheet.
func (d *Chat) Asset(c *gin.Context) { devAsset(c, c.Param("file")) }

// NotCrossSite guards the API: it refuses requests another web site's page makes (browsers say so
// in Sec-Fetch-Site), so that visiting one cannot run reminder sweeps on a developer's sandbox.
func NotCrossSite(c *gin.Context) {
	if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
		web.Fail(c, web.Errorf(http.StatusForbidden, "cross_site", "the simulator's API answers its own page only"))
		return
	}
	c.Next()
}

// devAsset serves one embedded file with a strict content security policy: no inline script,
// nothing from other origins.
func devAsset(c *gin.Context, name string) {
	if name != path.Base(name) || strings.HasPrefix(name, ".") {
		web.Fail(c, web.Errorf(http.StatusNotFound, "not_found", "no such file"))
		return
	}
	data, err := fs.ReadFile(files, name)
	if err != nil {
		web.Fail(c, web.Errorf(http.StatusNotFound, "not_found", "no such file"))
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".html":
		ctype = "text/html; charset=utf-8"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".css":
		ctype = "text/css; charset=utf-8"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	c.Data(http.StatusOK, ctype, data)
}

// devMoment is a suggested instant for the reminder sweep.
type devMoment struct {
	At    string `json:"at"`    // "2026-11-17T08:00", local time as a datetime-local input wants it
	Label string `json:"label"` // "08:00 17/11 · còn 3 ngày"
}

// Settings is GET /dev/api/config.
func (d *Chat) Settings(c *gin.Context) {
	epoch, err := d.devEpoch()
	if err != nil {
		web.Fail(c, fmt.Errorf("devchat: epoch: %w", err))
		return
	}
	now := d.db.Now().In(d.cfg.Location)
	var moments []devMoment
	if err := d.db.View(func(tx *store.Tx) error {
		var serr error
		moments, serr = devSuggestions(tx, now, d.cfg.Location)
		return serr
	}); err != nil {
		web.Log(c).Error().Err(err).Msg("devchat: suggestions")
	}
	if moments == nil {
		moments = []devMoment{}
	}
	appID := d.cfg.AppID
	if appID == "" {
		appID = devAppID
	}
	c.JSON(http.StatusOK, gin.H{
		"sandbox": true, "app_id": appID, "oa_id": devOAID, "signed": d.cfg.OASecret != "" && devLocal(c.Request),
		"epoch": epoch, "now": now.Format(time.RFC3339), "now_ms": now.UnixMilli(), "tz": d.cfg.Location.String(),
		"remind": d.cfg.Remind != nil, "suggestions": moments,
	})
}

// devEpoch is a random id kept in the database: it changes when the file is deleted.
func (d *Chat) devEpoch() (string, error) {
	var epoch string
	_ = d.db.View(func(tx *store.Tx) error {
		epoch, _ = tx.LedgerGet(devEpochKey)
		return nil
	})
	if epoch != "" {
		return epoch, nil
	}
	err := d.db.Update(func(tx *store.Tx) error {
		if e, ok := tx.LedgerGet(devEpochKey); ok {
			epoch = e
			return nil
		}
		buf := make([]byte, 8)
		_, _ = rand.Read(buf)
		epoch = hex.EncodeToString(buf)
		return tx.LedgerPut(devEpochKey, epoch)
	})
	return epoch, err
}

// devSuggestions are the coming instants at which the sweep has something to do: the reminder
// days of each team's policy and the day after the cutoff, at 08:00, for this period and the next.
func devSuggestions(tx *store.Tx, now time.Time, loc *time.Location) ([]devMoment, error) {
	type key struct {
		day    int
		closes string
		days   string
	}
	seen := map[key]bool{}
	at := map[time.Time]string{}
	n := 0
	err := tx.AllTeams(func(t store.Team) error {
		if n++; n > 500 {
			return nil
		}
		pol, err := tx.EffectivePolicy(t.Code)
		if err != nil {
			return err
		}
		k := key{pol.CutoffDay, pol.Closes, fmt.Sprint(pol.ReminderDays)}
		if seen[k] {
			return nil
		}
		seen[k] = true
		cal := pol.Calendar(loc)
		for _, p := range []store.Period{cal.OpenPeriod(now), cal.OpenPeriod(now).Next()} {
			cutoff := cal.CutoffDate(p)
			for _, d := range append(append([]int(nil), pol.ReminderDays...), -1) {
				day := cutoff.AddDate(0, 0, -d)
				t := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, loc)
				if !t.After(now) {
					continue
				}
				switch {
				case d > 0:
					at[t] = fmt.Sprintf("%s · còn %d ngày", t.Format("15:04 02/01"), d)
				case d == 0:
					at[t] = t.Format("15:04 02/01") + " · hạn chót"
				default:
					at[t] = t.Format("15:04 02/01") + " · quá hạn 1 ngày"
				}
			}
		}
		return nil
	})
	times := make([]time.Time, 0, len(at))
	for t := range at {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	var out []devMoment
	for _, t := range times[:min(len(times), 6)] {
		out = append(out, devMoment{At: t.Format("2006-01-02T15:04"), Label: at[t]})
	}
	return out, err
}

// devPerson is someone to be in the simulator.
type devPerson struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"` // "user" or "group"
	Name      string `json:"name"`
	Phone     string `json:"phone,omitempty"`
	Role      string `json:"role"`       // leader, deputy, member, collaborator, approver, officer
	RoleLabel string `json:"role_label"` // in Vietnamese
	Where     string `json:"where"`      // team, commune or scope
	Sender    string `json:"sender,omitempty"`
}

var devRoleLabel = map[string]string{
	store.RoleLeader: "Tổ trưởng", store.RoleDeputy: "Tổ phó", store.RoleMember: "Thành viên",
	store.RoleCollaborator: "Cộng tác viên", "approver": "Phê duyệt", "officer": "Cán bộ",
}

var devRoleRank = map[string]int{store.RoleLeader: 0, store.RoleDeputy: 1, "approver": 2, "officer": 3, store.RoleMember: 4, store.RoleCollaborator: 5}

// People is GET /dev/api/people.
func (d *Chat) People(c *gin.Context) {
	var people []devPerson
	err := d.db.View(func(tx *store.Tx) error {
		var err error
		people, err = devListPeople(tx)
		return err
	})
	if err != nil {
		web.Fail(c, fmt.Errorf("devchat: people: %w", err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"people": people})
}

// devListPeople lists everyone with a role, each once under their highest role, then the officers' groups.
func devListPeople(tx *store.Tx) ([]devPerson, error) {
	byID := map[string]*devPerson{}
	var order []*devPerson
	add := func(p devPerson) {
		if old, ok := byID[p.ID]; ok {
			if devRoleRank[p.Role] < devRoleRank[old.Role] {
				*old = p
			}
			return
		}
		if len(order) >= devMaxPeople {
			return
		}
		pp := p
		byID[p.ID] = &pp
		order = append(order, &pp)
	}
	person := func(id string) store.Person {
		p, _, _ := tx.Person(id)
		return p
	}
	teams := 0
	err := tx.AllTeams(func(t store.Team) error {
		if teams++; teams > devMaxPeople {
			return nil
		}
		roster, err := tx.Roster(t.Code)
		if err != nil {
			return err
		}
		for _, m := range roster {
			p := person(m.ZaloID)
			add(devPerson{ID: m.ZaloID, Kind: "user", Name: p.Name, Phone: p.Phone, Role: m.Role, RoleLabel: devRoleLabel[m.Role], Where: t.Name})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	approvers, err := tx.Approvers()
	if err != nil {
		return nil, err
	}
	for _, a := range approvers {
		p := person(a.ZaloID)
		where := a.Name // "Chủ tịch UBND xã Tùng Ảnh"
		if u, ok, _ := tx.Unit(a.Unit); ok && where == "" {
			where = u.Display()
		}
		name := p.Name
		if name == "" {
			name = a.Name
		}
		add(devPerson{ID: a.ZaloID, Kind: "user", Name: name, Phone: p.Phone, Role: "approver", RoleLabel: devRoleLabel["approver"], Where: where})
	}
	officers, err := tx.Officers()
	if err != nil {
		return nil, err
	}
	var groups []devPerson
	for _, o := range officers {
		where := o.Scope
		if u, ok, _ := tx.Unit(o.Scope); ok {
			where = u.Display()
		}
		if o.GroupID != "" {
			sender := o.ZaloID
			if sender == "" {
				sender = devGroupSender
			}
			groups = append(groups, devPerson{ID: o.GroupID, Kind: "group", Name: o.Name, Role: "officer", RoleLabel: "Nhóm cán bộ", Where: where, Sender: sender})
		}
		if o.ZaloID != "" {
			p := person(o.ZaloID)
			name := p.Name
			if name == "" {
				name = o.Name
			}
			add(devPerson{ID: o.ZaloID, Kind: "user", Name: name, Phone: p.Phone, Role: "officer", RoleLabel: devRoleLabel["officer"], Where: o.Name + " — " + where})
		}
	}
	out := make([]devPerson, 0, len(order)+len(groups))
	for _, p := range order {
		if p.Name == "" {
			p.Name = "(chưa có tên) " + p.ID
		}
		out = append(out, *p)
	}
	sort.SliceStable(out, func(i, j int) bool { return devRoleRank[out[i].Role] < devRoleRank[out[j].Role] })
	return append(out, groups...), nil
}

// devMsg is one message the bot sent, as the page draws it.
type devMsg struct {
	Seq      uint64      `json:"seq"`
	To       string      `json:"to"`
	Group    bool        `json:"group"`
	Bulk     bool        `json:"bulk"`
	Status   string      `json:"status"`
	Error    string      `json:"error,omitempty"`
	At       string      `json:"at"`
	Time     string      `json:"time"` // "09:03 23/11" in the deployment's time zone
	Kind     string      `json:"kind"` // "text", "list" or "info" (request_user_info)
	Text     string      `json:"text,omitempty"`
	Title    string      `json:"title,omitempty"`
	Subtitle string      `json:"subtitle,omitempty"`
	Buttons  []devButton `json:"buttons,omitempty"`
}

type devButton struct {
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

var devMention = regexp.MustCompile(`\[@([0-9A-Za-z_-]{1,64})\]`)

// Messages is GET /dev/api/messages: a long poll.
func (d *Chat) Messages(c *gin.Context) {
	num := func(name string, def int64) (int64, bool) {
		s := c.Query(name)
		if s == "" {
			return def, true
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_"+name, "%s must be a whole number", name))
			return 0, false
		}
		return v, true
	}
	after, ok := num("after", 0)
	if !ok {
		return
	}
	have, ok := num("have", -1)
	if !ok {
		return
	}
	wait, ok := num("wait", 0)
	if !ok {
		return
	}
	if after < 0 {
		after = 0
	}
	to := c.Query("to")
	deadline := time.Now().Add(min(time.Duration(max(wait, 0))*time.Second, devMaxWait))
	for {
		msgs, watermark, err := d.devScan(uint64(after), to)
		if err != nil {
			web.Fail(c, fmt.Errorf("devchat: messages: %w", err))
			return
		}
		if int64(len(msgs)) != have || !time.Now().Before(deadline) || !d.ready() {
			if msgs == nil {
				msgs = []devMsg{}
			}
			c.JSON(http.StatusOK, gin.H{"messages": msgs, "watermark": watermark})
			return
		}
		t := time.NewTimer(devPollEvery)
		select {
		case <-c.Request.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// devScan reads the settled messages with seq > after (to one recipient when to is set). The
// watermark is the highest seq below which nothing can settle any more: outbox messages settle out
// of order (per recipient, replies first, some wait for the morning), so a reader that only asked
// for seqs above the last one seen could miss a message; it asks from the watermark and drops the
// ones it has.
func (d *Chat) devScan(after uint64, to string) ([]devMsg, uint64, error) {
	var out []devMsg
	watermark := after
	err := d.db.View(func(tx *store.Tx) error {
		waiting, err := tx.Outbox()
		if err != nil {
			return err
		}
		var lowWaiting uint64
		for _, m := range waiting {
			if lowWaiting == 0 || m.Seq < lowWaiting {
				lowWaiting = m.Seq
			}
		}
		names := map[string]string{}
		scanned := 0
		for cursor := after; scanned < devMaxScan && len(out) < devMaxMessages; {
			page, err := tx.Outcomes(cursor, 500)
			if err != nil {
				return err
			}
			for _, o := range page {
				if len(out) >= devMaxMessages {
					return nil // the rest comes with the next request, from the watermark
				}
				cursor = o.Seq
				scanned++
				if lowWaiting == 0 || o.Seq < lowWaiting {
					watermark = o.Seq
				}
				if to == "" || o.To == to {
					out = append(out, d.devMessage(tx, o, names))
				}
			}
			if len(page) < 500 {
				break
			}
		}
		return nil
	})
	return out, watermark, err
}

func (d *Chat) devMessage(tx *store.Tx, o store.Outcome, names map[string]string) devMsg {
	at := o.At.In(d.cfg.Location)
	m := devMsg{Seq: o.Seq, To: o.To, Group: o.Endpoint == store.EndpointGroup, Bulk: o.Priority == store.PriorityBulk,
		Status: o.Status, Error: o.Error, At: at.Format(time.RFC3339), Time: at.Format("15:04 02/01"), Kind: "text"}
	sent, err := zalo.ReadMessage(o.Body)
	if err != nil {
		m.Text = string(o.Body)
		return m
	}
	m.Text = sent.Text
	switch sent.Template {
	case "list", "request_user_info":
		m.Kind = "list"
		if sent.Template == "request_user_info" {
			m.Kind = "info"
		}
		m.Title, m.Subtitle = sent.Title, sent.Subtitle
		for _, btn := range sent.Buttons {
			m.Buttons = append(m.Buttons, devButton{Title: btn.Title, Payload: btn.Payload})
		}
	}
	if m.Group { // Zalo shows a mention as the person's name
		m.Text = devMention.ReplaceAllStringFunc(m.Text, func(s string) string {
			id := devMention.FindStringSubmatch(s)[1]
			name, ok := names[id]
			if !ok {
				p, _, _ := tx.Person(id)
				name = p.Name
				names[id] = name
			}
			if name == "" {
				return s
			}
			return "@" + name
		})
	}
	return m
}

// Remind is POST /dev/api/remind.
func (d *Chat) Remind(c *gin.Context) {
	if d.cfg.Remind == nil {
		web.Fail(c, web.Errorf(http.StatusNotImplemented, "no_reminders", "reminders are not configured"))
		return
	}
	at := d.db.Now()
	if s := strings.TrimSpace(c.Query("at")); s != "" {
		t, err := devParseTime(s, d.cfg.Location)
		if err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_at", "at must be a local time like 2026-11-17T08:00 or an RFC 3339 instant"))
			return
		}
		at = t
	}
	dry := c.Query("dry_run") == "1" || c.Query("dry_run") == "true"
	lines, err := d.cfg.Remind.Remind(at, dry)
	if err != nil {
		web.Fail(c, fmt.Errorf("devchat: remind: %w", err))
		return
	}
	if lines == nil {
		lines = []string{}
	}
	var released, waiting int
	if !dry {
		if released, waiting, err = d.devRelease(at); err != nil {
			web.Log(c).Error().Err(err).Msg("devchat: release held messages")
		}
	}
	local := at.In(d.cfg.Location)
	night := local.Hour() >= 21 || local.Hour() < 7
	web.Log(c).Info().Time("at", at).Bool("dry_run", dry).Int("messages", len(lines)).Int("released", released).Msg("reminder sweep from the chat simulator")
	c.JSON(http.StatusOK, gin.H{"at": local.Format(time.RFC3339), "label": local.Format("15:04 02/01/2006"), "dry_run": dry, "night": night,
		"messages": lines, "released": released, "waiting": waiting})
}

// devRelease moves the sender's clock along with the simulated one: messages held for the morning
// (made at night) whose hour has come by at are let go now. Without it, a reminder made at night
// by the start-up sweep would hold back every later message to the same person or group until
// the real morning, since the outbox keeps each recipient's order. It also counts what still waits.
func (d *Chat) devRelease(at time.Time) (released, waiting int, err error) {
	err = d.db.Update(func(tx *store.Tx) error {
		released, waiting = 0, 0
		msgs, err := tx.Outbox()
		if err != nil {
			return err
		}
		now := tx.Now()
		for _, m := range msgs {
			if m.InFlight || !m.NextAt.After(now) || m.Attempts > 0 {
				continue // due anyway, being sent, or backing off after a failure
			}
			if m.NextAt.After(at) {
				waiting++
				continue
			}
			if err := tx.RetryLater(m.Priority, m.Seq, time.Time{}, ""); err != nil {
				return err
			}
			released++
		}
		return nil
	})
	return released, waiting, err
}

// devParseTime reads a datetime-local value (in loc) or an RFC 3339 instant.
func devParseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad time")
}

// Sign is POST /dev/api/sign: the signature Zalo would put on an event body; empty when no OA
// secret is set (in sandbox mode an unsigned webhook is accepted).
func (d *Chat) Sign(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, zalo.MaxEventSize))
	if err != nil {
		web.Fail(c, web.Errorf(http.StatusRequestEntityTooLarge, "too_large", "body over 64 KiB"))
		return
	}
	if d.cfg.OASecret == "" {
		c.JSON(http.StatusOK, gin.H{"signature": ""})
		return
	}
	// Signing with a real OA secret (sandbox forced with credentials) is for this machine only: a
	// signature made here would be valid for any deployment that shares the secret. Elsewhere the
	// page sends its events unsigned, which sandbox mode accepts.
	if !devLocal(c.Request) {
		c.JSON(http.StatusOK, gin.H{"signature": "", "reason": "signing is offered to local clients only"})
		return
	}
	ev, err := zalo.Parse(body)
	if err != nil {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "malformed", "%v", err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"signature": "mac=" + zalo.Mac(ev.AppID, body, ev.TimestampRaw, d.cfg.OASecret)})
}

// devLocal tells whether a request comes straight from this machine (not through a proxy).
func devLocal(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ready tells whether the server still takes work (no Readiness: it does).
func (d *Chat) ready() bool { return d.cfg.Ready == nil || d.cfg.Ready.Ready() }
