package admin

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// The directory part of the admin API: import, units, teams and their
// rosters, approvers, officers, requests, reports and the audit log. Every
// change happens in one transaction with its audit entries, so a refused
// change leaves the database as it was.

// maxJSONBody bounds the JSON bodies of this API (imports have their own limit).
const maxJSONBody = 64 << 10

// List sizes: a search returns the best few, a listing everything up to a cap.
const (
	defaultSearchLimit = 20
	defaultListLimit   = 1000
	maxListLimit       = 10000
	defaultAuditLimit  = 100
	maxAuditLimit      = 1000
)

// readJSON decodes exactly one JSON object with known fields only, so a misspelt field is refused, not ignored.
func readJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return web.Errorf(http.StatusRequestEntityTooLarge, "too_large", "body larger than %d KiB", maxJSONBody>>10)
		case errors.Is(err, io.EOF):
			return web.Errorf(http.StatusBadRequest, "bad_json", "empty body: want a JSON object")
		}
		return web.Errorf(http.StatusBadRequest, "bad_json", "malformed JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return web.Errorf(http.StatusBadRequest, "bad_json", "malformed JSON: want one object and nothing after it")
	}
	return nil
}

// queryLimit reads ?limit= (a positive number, capped at max).
func queryLimit(c *gin.Context, def, max int) (int, error) {
	s := c.Query("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, web.Errorf(http.StatusBadRequest, "bad_limit", "limit %q: want a positive whole number", s)
	}
	return min(n, max), nil
}

// cleanText trims a name and folds runs of spaces, as the importer does.
func cleanText(s string) string { return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ") }

// validZaloID accepts the numeric ids Zalo gives (the importer's rule: 6–25 digits).
func validZaloID(s string) bool {
	if len(s) < 6 || len(s) > 25 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validCode is the importer's rule for codes: printable, no spaces, up to 64 bytes.
func validCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// roleWords are the ways to write a role, folded: English or Vietnamese, as the importer reads them.
var roleWords = map[string]string{
	"leader": store.RoleLeader, "to truong": store.RoleLeader,
	"deputy": store.RoleDeputy, "to pho": store.RoleDeputy,
	"member": store.RoleMember, "thanh vien": store.RoleMember,
	"collaborator": store.RoleCollaborator, "cong tac vien": store.RoleCollaborator, "ctv": store.RoleCollaborator,
}

func parseRole(s string) (string, error) {
	if r, ok := roleWords[vntext.Fold(s)]; ok {
		return r, nil
	}
	return "", web.Errorf(http.StatusBadRequest, "bad_role", "role %q: want leader, deputy, member or collaborator", s)
}

func errUnknownUnit(code string) error {
	return web.Errorf(http.StatusNotFound, "unknown_unit", "no unit %q", code)
}

func errUnknownTeam(code string) error {
	return web.Errorf(http.StatusNotFound, "unknown_team", "no team %q", code)
}

// lookup caches the units and people one request reads more than once.
type lookup struct {
	tx     *store.Tx
	units  map[string]store.Unit
	people map[string]store.Person
}

func newLookup(tx *store.Tx) *lookup {
	return &lookup{tx: tx, units: map[string]store.Unit{}, people: map[string]store.Person{}}
}

func (l *lookup) unit(code string) (store.Unit, bool, error) {
	if u, ok := l.units[code]; ok {
		return u, true, nil
	}
	u, ok, err := l.tx.Unit(code)
	if ok {
		l.units[code] = u
	}
	return u, ok, err
}

// path is a unit's place in the tree as people read it: "Tỉnh Hà Tĩnh / Xã Tùng Ảnh / Thôn 1".
func (l *lookup) path(code string) (string, error) {
	var names []string
	for c, depth := code, 0; c != "" && depth < 32; depth++ {
		u, ok, err := l.unit(c)
		if err != nil || !ok {
			return strings.Join(names, " / "), err
		}
		names = append([]string{u.Display()}, names...)
		c = u.Parent
	}
	return strings.Join(names, " / "), nil
}

func (l *lookup) personName(zaloID string) (string, error) {
	p, ok, err := l.person(zaloID)
	if !ok {
		return "", err
	}
	return p.Name, nil
}

func (l *lookup) person(zaloID string) (store.Person, bool, error) {
	if p, ok := l.people[zaloID]; ok {
		return p, true, nil
	}
	p, ok, err := l.tx.Person(zaloID)
	if ok {
		l.people[zaloID] = p
	}
	return p, ok, err
}

// unitView is a unit as the API shows it; Path and Score are filled in search results.
type unitView struct {
	store.Unit
	Display string  `json:"display"`
	Path    string  `json:"path,omitempty"`
	Score   float64 `json:"score,omitempty"`
}

func viewUnit(u store.Unit) unitView { return unitView{Unit: u, Display: u.Display()} }

func viewUnits(us []store.Unit) []unitView {
	out := make([]unitView, 0, len(us))
	for _, u := range us {
		out = append(out, viewUnit(u))
	}
	return out
}

// teamView is a team with the name and place of its unit.
type teamView struct {
	store.Team
	UnitName string  `json:"unit_name"`
	Path     string  `json:"path"`
	Score    float64 `json:"score,omitempty"`
}

func (l *lookup) viewTeam(t store.Team) (teamView, error) {
	v := teamView{Team: t}
	u, ok, err := l.unit(t.Unit)
	if err != nil {
		return v, err
	}
	if ok {
		v.UnitName = u.Display()
	}
	v.Path, err = l.path(t.Unit)
	return v, err
}

// policyView is a policy with every value resolved, and where each came from:
// "team", the code of the unit that set it, or "default".
type policyView struct {
	MaxMembers    int               `json:"max_members"`
	Collaborators bool              `json:"collaborators"`
	CutoffDay     int               `json:"cutoff_day"`
	Closes        string            `json:"closes"` // "previous" or "current", the automatic rule applied
	QuestionSet   string            `json:"question_set"`
	ReminderDays  []int             `json:"reminder_days"`
	From          map[string]string `json:"from"`
}

// policies is a unit's or team's own overrides next to what applies.
type policies struct {
	Own       *store.Policy `json:"own"`
	Effective policyView    `json:"effective"`
}

func (a *API) resolvePolicy(tx *store.Tx, own *store.Policy, unit string) (policies, store.EffectivePolicy, error) {
	e, from, err := tx.ResolvePolicy(own, unit)
	if err != nil {
		return policies{}, e, err
	}
	closes := store.ClosePrevious
	jan := store.Period{Year: 2001, Month: time.January}
	if e.Calendar(a.loc).CutoffDate(jan).Month() == time.January {
		closes = store.CloseCurrent
	}
	days := e.ReminderDays
	if days == nil {
		days = []int{}
	}
	return policies{Own: own, Effective: policyView{MaxMembers: e.MaxMembers, Collaborators: e.Collaborators, CutoffDay: e.CutoffDay,
		Closes: closes, QuestionSet: e.QuestionSet, ReminderDays: days, From: from}}, e, nil
}

// approverView is the approver deciding for a unit or team, and the unit it is registered at.
type approverView struct {
	store.Approver
	UnitName string `json:"unit_name"`
}

// approverAbove is the nearest approver at or above the last unit of path (store.ApproverAbove).
func (l *lookup) approverAbove(path []store.Unit) (*approverView, error) {
	if len(path) == 0 {
		return nil, nil
	}
	a, at, ok, err := l.tx.ApproverAbove(path[len(path)-1].Code)
	if err != nil || !ok {
		return nil, err
	}
	return &approverView{Approver: a, UnitName: at.Display()}, nil
}

// scored ranks search hits.
type scored[T any] struct {
	item  T
	score float64
	key   string
}

// rankHits orders hits best first, then by key, so equal queries give equal lists.
func rankHits[T any](hits []scored[T]) {
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].key < hits[j].key
	})
}

func bestScore(q string, names ...string) float64 {
	best := 0.0
	for _, n := range names {
		best = max(best, vntext.Similar(q, n))
	}
	return best
}

// listLimit is ?limit= of a list: the longer default when listing, the shorter when searching (q).
func listLimit(c *gin.Context, q string) (int, error) {
	if q != "" {
		return queryLimit(c, defaultSearchLimit, maxListLimit)
	}
	return queryLimit(c, defaultListLimit, maxListLimit)
}

// scopeExists is nil for no scope ("") or a unit that exists, errUnknownUnit otherwise.
func scopeExists(tx *store.Tx, code string) error {
	if code == "" {
		return nil
	}
	if _, ok, err := tx.Unit(code); err != nil || !ok {
		return cmp.Or(err, errUnknownUnit(code))
	}
	return nil
}

// ListUnits is GET /units: ?q= searches names with or without diacritics (within ?parent= when given);
// without q, the children of ?parent= (the roots when absent); ?level= filters either.
func (a *API) ListUnits(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	parent := strings.TrimSpace(c.Query("parent"))
	level := vntext.Fold(c.Query("level"))
	limit, err := listLimit(c, q)
	if err != nil {
		web.Fail(c, err)
		return
	}
	type result struct {
		Units []unitView `json:"units"`
		Total int        `json:"total"`
	}
	var out result
	err = a.db.View(func(tx *store.Tx) error {
		l := newLookup(tx)
		if err := scopeExists(tx, parent); err != nil {
			return err
		}
		keep := func(u store.Unit) bool { return level == "" || vntext.Fold(u.Level) == level }
		if q == "" {
			children, err := tx.Children(parent)
			if err != nil {
				return err
			}
			out.Units = []unitView{}
			for _, u := range children {
				if keep(u) {
					out.Units = append(out.Units, viewUnit(u))
				}
			}
			out.Total = len(out.Units)
			out.Units = out.Units[:min(len(out.Units), limit)]
			return nil
		}
		var within map[string]bool
		if parent != "" {
			var err error
			if within, err = tx.SubtreeUnits(parent); err != nil {
				return err
			}
		}
		var hits []scored[store.Unit]
		err := tx.AllUnits(func(u store.Unit) error {
			if (within != nil && (!within[u.Code] || u.Code == parent)) || !keep(u) {
				return nil
			}
			if s := bestScore(q, u.Name, u.Display()); s > 0 {
				hits = append(hits, scored[store.Unit]{u, s, u.Code})
			}
			return nil
		})
		if err != nil {
			return err
		}
		rankHits(hits)
		out.Total = len(hits)
		out.Units = []unitView{}
		for _, h := range hits[:min(len(hits), limit)] {
			v := viewUnit(h.item)
			v.Score = h.score
			if v.Path, err = l.path(h.item.Code); err != nil {
				return err
			}
			out.Units = append(out.Units, v)
		}
		return nil
	})
	web.Answer(c, out, err)
}

// unitDetail is one unit with its surroundings.
type unitDetail struct {
	Unit     unitView      `json:"unit"`
	Path     []unitView    `json:"path"` // from the root down to the unit itself
	Children []unitView    `json:"children"`
	Teams    []store.Team  `json:"teams"` // attached directly to the unit
	Commune  unitView      `json:"commune"`
	Approver *approverView `json:"approver"` // the nearest at or above the unit; null when none
	Policy   policies      `json:"policy"`   // effective: what a team attached here would see
}

// GetUnit is GET /units/:code: one unit with its surroundings.
func (a *API) GetUnit(c *gin.Context) {
	code := c.Param("code")
	var out unitDetail
	err := a.db.View(func(tx *store.Tx) error {
		l := newLookup(tx)
		u, ok, err := l.unit(code)
		if err != nil {
			return err
		}
		if !ok {
			return errUnknownUnit(code)
		}
		path, err := tx.UnitPath(code)
		if err != nil {
			return err
		}
		children, err := tx.Children(code)
		if err != nil {
			return err
		}
		teams, err := tx.TeamsOfUnit(code)
		if err != nil {
			return err
		}
		commune, err := tx.CommuneOf(code)
		if err != nil {
			return err
		}
		if out.Approver, err = l.approverAbove(path); err != nil {
			return err
		}
		if out.Policy, _, err = a.resolvePolicy(tx, nil, code); err != nil {
			return err
		}
		out.Policy.Own = u.Policy
		if teams == nil {
			teams = []store.Team{}
		}
		out.Unit, out.Path, out.Children, out.Teams, out.Commune = viewUnit(u), viewUnits(path), viewUnits(children), teams, viewUnit(commune)
		return nil
	})
	web.Answer(c, out, err)
}

// ListTeams is GET /teams: ?q= searches team names, join codes and the names of their villages;
// ?unit= keeps the teams of that subtree (all of them when there is no q).
func (a *API) ListTeams(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	unit := strings.TrimSpace(c.Query("unit"))
	limit, err := listLimit(c, q)
	if err != nil {
		web.Fail(c, err)
		return
	}
	type result struct {
		Teams []teamView `json:"teams"`
		Total int        `json:"total"`
	}
	var out result
	err = a.db.View(func(tx *store.Tx) error {
		l := newLookup(tx)
		if err := scopeExists(tx, unit); err != nil {
			return err
		}
		teams, err := tx.TeamsUnder(unit)
		if err != nil {
			return err
		}
		var hits []scored[store.Team]
		for _, t := range teams {
			s := 1.0
			if q != "" {
				u, _, err := l.unit(t.Unit)
				if err != nil {
					return err
				}
				s = bestScore(q, t.Name, u.Name, u.Display())
				if strings.EqualFold(q, t.JoinCode) || strings.EqualFold(q, t.Code) {
					s = 1
				}
			}
			if s > 0 {
				hits = append(hits, scored[store.Team]{t, s, t.Code})
			}
		}
		rankHits(hits)
		out.Total = len(hits)
		out.Teams = []teamView{}
		for _, h := range hits[:min(len(hits), limit)] {
			v, err := l.viewTeam(h.item)
			if err != nil {
				return err
			}
			if q != "" {
				v.Score = h.score
			}
			out.Teams = append(out.Teams, v)
		}
		return nil
	})
	web.Answer(c, out, err)
}

// memberView is one line of a roster.
type memberView struct {
	ZaloID    string     `json:"zalo_id"`
	Name      string     `json:"name"`
	Phone     string     `json:"phone,omitempty"`
	Role      string     `json:"role"`
	ConsentAt *time.Time `json:"consent_at,omitempty"`
}

func (l *lookup) roster(team string) ([]memberView, error) {
	ms, err := l.tx.Roster(team)
	if err != nil {
		return nil, err
	}
	out := make([]memberView, 0, len(ms))
	for _, m := range ms {
		v := memberView{ZaloID: m.ZaloID, Role: m.Role}
		p, ok, err := l.person(m.ZaloID)
		if err != nil {
			return nil, err
		}
		if ok {
			v.Name, v.Phone = p.Name, p.Phone
			if !p.ConsentAt.IsZero() {
				at := p.ConsentAt
				v.ConsentAt = &at
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// requestView is a request with its team's name.
type requestView struct {
	store.Request
	TeamName string `json:"team_name"`
}

// reportSummary is the newest version of a team's newest report.
type reportSummary struct {
	Period      string    `json:"period"`
	Version     int       `json:"version"`
	Versions    int       `json:"versions"`
	FiledBy     string    `json:"filed_by"`
	FiledByName string    `json:"filed_by_name,omitempty"`
	Role        string    `json:"role"`
	FiledAt     time.Time `json:"filed_at"`
	Late        bool      `json:"late"`
}

// periodStatus is where a team stands on the period open now.
type periodStatus struct {
	Period string `json:"period"`
	Cutoff string `json:"cutoff"` // the last day a report is on time, local date
	Status string `json:"status"` // not_due, missing, on_time, late
}

type memberCounts struct {
	Members       int  `json:"members"` // leader and deputies included, collaborators not
	Collaborators int  `json:"collaborators"`
	MaxMembers    int  `json:"max_members"` // 0: no limit
	Full          bool `json:"full"`
}

// teamDetail is everything an administrator wants to see about one team.
type teamDetail struct {
	Team          store.Team     `json:"team"`
	UnitPath      []unitView     `json:"unit_path"`
	Commune       unitView       `json:"commune"`
	Policy        policies       `json:"policy"`
	Counts        memberCounts   `json:"counts"`
	Roster        []memberView   `json:"roster"`
	Approver      *approverView  `json:"approver"`
	OpenRequests  []requestView  `json:"open_requests"`
	LatestReport  *reportSummary `json:"latest_report"`
	CurrentPeriod periodStatus   `json:"current_period"`
	Group         groupView      `json:"group"`
}

// groupView is the Zalo group where a team's people are reached by mention,
// and where it comes from: "team" (its own), the code of the unit that links
// it, or "" with no group at all.
type groupView struct {
	GroupID string `json:"group_id"`
	From    string `json:"from"`
}

func groupOfTeam(tx *store.Tx, team string) (groupView, error) {
	g, from, err := tx.GroupFor(team)
	switch {
	case err != nil || g == "":
		return groupView{}, err
	case from == "":
		from = "team"
	}
	return groupView{GroupID: g, From: from}, nil
}

// GetTeam is GET /teams/:code: everything an administrator wants to see about one team.
func (a *API) GetTeam(c *gin.Context) {
	code := c.Param("code")
	var out teamDetail
	err := a.db.View(func(tx *store.Tx) error {
		l := newLookup(tx)
		t, ok, err := tx.Team(code)
		if err != nil {
			return err
		}
		if !ok {
			return errUnknownTeam(code)
		}
		out.Team = t
		path, err := tx.UnitPath(t.Unit)
		if err != nil {
			return err
		}
		out.UnitPath = viewUnits(path)
		commune, err := tx.CommuneOf(t.Unit)
		if err != nil {
			return err
		}
		out.Commune = viewUnit(commune)
		pol, eff, err := a.resolvePolicy(tx, t.Policy, t.Unit)
		if err != nil {
			return err
		}
		out.Policy = pol
		if out.Roster, err = l.roster(code); err != nil {
			return err
		}
		room, err := tx.RoomIn(code)
		if err != nil {
			return err
		}
		out.Counts = memberCounts{Members: room.Members, Collaborators: room.Collaborators, MaxMembers: room.Max, Full: room.Full()}
		if out.Approver, err = l.approverAbove(path); err != nil {
			return err
		}
		out.OpenRequests = []requestView{}
		err = tx.Requests(func(r store.Request) error {
			if r.Team == code && r.Open() {
				out.OpenRequests = append(out.OpenRequests, requestView{Request: r, TeamName: t.Name})
			}
			return nil
		})
		if err != nil {
			return err
		}
		reverse(out.OpenRequests)
		reports, err := tx.TeamReports(code)
		if err != nil {
			return err
		}
		if n := len(reports); n > 0 {
			last := reports[n-1]
			s := &reportSummary{Period: last.Period, Version: last.Version, Versions: last.Version, FiledBy: last.FiledBy, Role: last.Role, FiledAt: last.FiledAt, Late: last.Late}
			if s.FiledByName, err = l.personName(last.FiledBy); err != nil {
				return err
			}
			out.LatestReport = s
		}
		cal := eff.Calendar(a.loc)
		now := tx.Now()
		p := cal.OpenPeriod(now)
		filedAt, _, err := tx.FirstFiled(code, p.String()) // zero when not filed
		if err != nil {
			return err
		}
		out.CurrentPeriod = periodStatus{Period: p.String(), Cutoff: cal.CutoffDate(p).Format(time.DateOnly), Status: cal.StatusOf(p, filedAt, now).Code()}
		out.Group, err = groupOfTeam(tx, code)
		return err
	})
	web.Answer(c, out, err)
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// roleBody is what PUT /teams/:code/roles/:zalo_id takes.
type roleBody struct {
	Role  string `json:"role"`
	Name  string `json:"name"`  // required when the person is new; otherwise replaces the stored name
	Phone string `json:"phone"` // optional; any Vietnamese mobile spelling
}

// replacedLeader is the leader an appointment demoted.
type replacedLeader struct {
	ZaloID string `json:"zalo_id"`
	Name   string `json:"name"`
	Role   string `json:"role"` // what they are now: member
}

// roleResult answers a role change.
type roleResult struct {
	Team           string          `json:"team"`
	ZaloID         string          `json:"zalo_id"`
	Role           string          `json:"role"`                      // "" after a removal
	PreviousRole   string          `json:"previous_role"`             // "" when they had none
	Changed        bool            `json:"changed"`                   // false when everything was already so
	PersonCreated  bool            `json:"person_created"`            // a new person record was made
	ReplacedLeader *replacedLeader `json:"replaced_leader,omitempty"` // the old leader, now a member
	Notes          []string        `json:"notes"`
	Roster         []memberView    `json:"roster"`
}

// PutRole appoints a person to a role in a team, or changes their role.
func (a *API) PutRole(c *gin.Context) {
	var in roleBody
	if err := readJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	role, err := parseRole(in.Role)
	if err != nil {
		web.Fail(c, err)
		return
	}
	name, phone := cleanText(in.Name), ""
	if strings.TrimSpace(in.Phone) != "" {
		p, ok := vntext.NormalizePhone(in.Phone)
		if !ok {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_phone", "phone %q: want a Vietnamese mobile number (10 digits starting with 03, 05, 07, 08 or 09)", in.Phone))
			return
		}
		phone = p
	}
	code, zaloID, who := c.Param("code"), c.Param("zalo_id"), web.Actor(c)
	out := roleResult{Team: code, ZaloID: zaloID, Role: role, Notes: []string{}}
	err = a.db.Update(func(tx *store.Tx) error {
		l := newLookup(tx)
		_, ok, err := tx.Team(code)
		if err != nil {
			return err
		}
		if !ok {
			return errUnknownTeam(code)
		}
		person, known, err := tx.Person(zaloID)
		if err != nil {
			return err
		}
		if !known {
			if !validZaloID(zaloID) {
				return web.Errorf(http.StatusBadRequest, "bad_zalo_id", "zalo id %q: want the numeric id Zalo gives (6–25 digits)", zaloID)
			}
			if name == "" {
				return web.Errorf(http.StatusBadRequest, "name_required", "%s is not known yet: give a name to add them", zaloID)
			}
		}
		prev := tx.RoleIn(code, zaloID)
		out.PreviousRole = prev
		audit := func(action, subject, detail string) error {
			return tx.Audit(store.AuditEntry{Actor: who, Action: action, Subject: subject, Team: code, Detail: detail})
		}
		switch {
		case !known:
			person = store.Person{ZaloID: zaloID, Name: name, Phone: phone}
			if err := tx.PutPerson(person); err != nil {
				return err
			}
			out.PersonCreated, out.Changed = true, true
			if err := audit("person.created", zaloID, person.Name); err != nil {
				return err
			}
		case (name != "" && name != person.Name) || (phone != "" && phone != person.Phone):
			var changed []string
			if name != "" && name != person.Name {
				person.Name, changed = name, append(changed, "name")
			}
			if phone != "" && phone != person.Phone {
				person.Phone, changed = phone, append(changed, "phone")
			}
			if err := tx.PutPerson(person); err != nil {
				return err
			}
			out.Changed = true
			if err := audit("person.updated", zaloID, strings.Join(changed, ", ")); err != nil {
				return err
			}
		}
		// The directory's rules (store.AssignRole): one commune per person, the team's size, one leader.
		got, err := tx.AssignRole(code, zaloID, role)
		var full *store.FullError
		var other *store.CommuneError
		switch {
		case errors.As(err, &full):
			return web.Errorf(http.StatusConflict, "team_full", "team %s has %d members and its policy allows %d (leader and deputies included): remove someone first, or appoint a collaborator", code, full.Room.Members, full.Room.Max)
		case errors.As(err, &other):
			name, err := l.personName(zaloID)
			if err != nil {
				return err
			}
			return web.Errorf(http.StatusConflict, "other_commune", "%s (%s) is %s of team %s in %s; team %s is in %s: remove that role first",
				orDash(name), zaloID, roleNoun[other.Held.Role], other.Held.Team, other.There.Display(), code, other.Here.Display())
		case err != nil:
			return err
		}
		if lead := got.Replaced; lead != "" {
			if err := audit("role.set", lead, fmt.Sprintf("leader → member: replaced by %s", zaloID)); err != nil {
				return err
			}
			leadName, err := l.personName(lead)
			if err != nil {
				return err
			}
			out.ReplacedLeader = &replacedLeader{ZaloID: lead, Name: leadName, Role: store.RoleMember}
			if err := a.tellRole(tx, c, lead, code, store.RoleMember); err != nil {
				return err
			}
			out.Notes = append(out.Notes, fmt.Sprintf("%s (%s) led the team until now and is a member now", leadName, lead))
		}
		if prev != role {
			if err := audit("role.set", zaloID, fmt.Sprintf("%s → %s", orNone(prev), role)); err != nil {
				return err
			}
			if err := a.tellRole(tx, c, zaloID, code, role); err != nil {
				return err
			}
			out.Changed = true
			if prev == store.RoleLeader {
				out.Notes = append(out.Notes, "the team has no leader now")
			}
		}
		out.Roster, err = l.roster(code)
		return err
	})
	if err == nil && out.Changed {
		web.Log(c).Info().Str("team", code).Str("zalo_id", zaloID).Str("role", role).Str("actor", who).Msg("admin: role set")
	}
	web.Answer(c, out, err)
}

// tellRole lets a person know by chat that an administrator changed their role (role "" = removed);
// the message commits with the change.
func (a *API) tellRole(tx *store.Tx, c *gin.Context, zaloID, team, role string) error {
	t, _, err := tx.Team(team)
	if err != nil {
		return err
	}
	return a.enqueue(tx, flows.Reply{ToUser: zaloID, Text: flows.RoleChangedText(t.Name, role)}, web.RequestID(c))
}

func orNone(role string) string {
	if role == "" {
		return "none"
	}
	return role
}

var roleNoun = map[string]string{store.RoleLeader: "the leader", store.RoleDeputy: "a deputy", store.RoleMember: "a member", store.RoleCollaborator: "a collaborator"}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// DeleteRole takes a person off a team's roster (the person record stays).
func (a *API) DeleteRole(c *gin.Context) {
	code, zaloID, who := c.Param("code"), c.Param("zalo_id"), web.Actor(c)
	out := roleResult{Team: code, ZaloID: zaloID, Notes: []string{}}
	err := a.db.Update(func(tx *store.Tx) error {
		if _, ok, err := tx.Team(code); err != nil {
			return err
		} else if !ok {
			return errUnknownTeam(code)
		}
		prev := tx.RoleIn(code, zaloID)
		if prev == "" {
			if _, known, err := tx.Person(zaloID); err != nil {
				return err
			} else if !known {
				return web.Errorf(http.StatusNotFound, "unknown_person", "no person %q", zaloID)
			}
			return web.Errorf(http.StatusNotFound, "no_role", "%s holds no role in team %s", zaloID, code)
		}
		if err := tx.RemoveRole(code, zaloID); err != nil {
			return err
		}
		if err := tx.Audit(store.AuditEntry{Actor: who, Action: "role.removed", Subject: zaloID, Team: code, Detail: "was " + prev}); err != nil {
			return err
		}
		if err := a.tellRole(tx, c, zaloID, code, ""); err != nil {
			return err
		}
		out.PreviousRole, out.Changed = prev, true
		if prev == store.RoleLeader {
			out.Notes = append(out.Notes, "the team has no leader now")
		}
		var err error
		out.Roster, err = newLookup(tx).roster(code)
		return err
	})
	web.Answer(c, out, err)
}

// readGroupID reads the body of PUT /units/:code/group and /teams/:code/group:
// {"group_id": "…"}, "" to unlink.
func readGroupID(c *gin.Context) (string, error) {
	var in struct {
		GroupID *string `json:"group_id"`
	}
	if err := readJSON(c, &in); err != nil {
		return "", err
	}
	if in.GroupID == nil {
		return "", web.Errorf(http.StatusBadRequest, "bad_group_id", `group_id is required: the id of the Zalo group, or "" to unlink it`)
	}
	g := strings.TrimSpace(*in.GroupID)
	if err := store.ValidateGroupID(g); err != nil {
		return "", web.Errorf(http.StatusBadRequest, "bad_group_id", "%v", err)
	}
	return g, nil
}

// groupChange is the audit detail of a group link: "group 123 (was -)", "unlinked (was 123)".
func groupChange(prev, next string) string {
	now := "group " + next
	if next == "" {
		now = "unlinked"
	}
	return fmt.Sprintf("%s (was %s)", now, orDash(prev))
}

// PutUnitGroup links a unit to the Zalo group where its people are mentioned
// when no personal message reaches them ("" unlinks it).
func (a *API) PutUnitGroup(c *gin.Context) {
	code := c.Param("code")
	g, err := readGroupID(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var out struct {
		Unit     unitView `json:"unit"`
		Previous string   `json:"previous_group_id"`
		Changed  bool     `json:"changed"`
	}
	err = a.db.Update(func(tx *store.Tx) error {
		u, ok, err := tx.Unit(code)
		if err != nil {
			return err
		}
		if !ok {
			return errUnknownUnit(code)
		}
		out.Previous = u.GroupID
		out.Changed = u.GroupID != g
		u.GroupID = g
		out.Unit = viewUnit(u)
		if !out.Changed {
			return nil
		}
		if err := tx.PutUnit(u); err != nil {
			return err
		}
		return tx.Audit(store.AuditEntry{Actor: web.Actor(c), Action: "unit.group_set", Subject: code, Detail: groupChange(out.Previous, g)})
	})
	web.Answer(c, out, err)
}

// PutTeamGroup links a team to its own Zalo group ("" unlinks it: the team's
// people are then mentioned in the group of the nearest unit above that has one).
func (a *API) PutTeamGroup(c *gin.Context) {
	code := c.Param("code")
	g, err := readGroupID(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var out struct {
		Team     teamView  `json:"team"`
		Previous string    `json:"previous_group_id"`
		Changed  bool      `json:"changed"`
		Group    groupView `json:"group"` // where the team's people are mentioned now
	}
	err = a.db.Update(func(tx *store.Tx) error {
		t, ok, err := tx.Team(code)
		if err != nil {
			return err
		}
		if !ok {
			return errUnknownTeam(code)
		}
		out.Previous = t.GroupID
		out.Changed = t.GroupID != g
		t.GroupID = g
		if out.Changed {
			if err := tx.PutTeam(t); err != nil {
				return err
			}
			if err := tx.Audit(store.AuditEntry{Actor: web.Actor(c), Action: "team.group_set", Subject: code, Team: code, Detail: groupChange(out.Previous, g)}); err != nil {
				return err
			}
		}
		if out.Team, err = newLookup(tx).viewTeam(t); err != nil {
			return err
		}
		out.Group, err = groupOfTeam(tx, code)
		return err
	})
	web.Answer(c, out, err)
}

// PutApprover sets who decides join and leave requests under a unit.
func (a *API) PutApprover(c *gin.Context) {
	var in struct {
		ZaloID string `json:"zalo_id"`
		Name   string `json:"name"`
	}
	if err := readJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	ap := store.Approver{Unit: c.Param("unit"), ZaloID: strings.TrimSpace(in.ZaloID), Name: cleanText(in.Name)}
	if !validZaloID(ap.ZaloID) {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_zalo_id", "zalo_id %q: want the numeric id Zalo gives (6–25 digits)", in.ZaloID))
		return
	}
	var out struct {
		Approver store.Approver  `json:"approver"`
		Previous *store.Approver `json:"previous"`
		Changed  bool            `json:"changed"`
	}
	err := a.db.Update(func(tx *store.Tx) error {
		if _, ok, err := tx.Unit(ap.Unit); err != nil {
			return err
		} else if !ok {
			return errUnknownUnit(ap.Unit)
		}
		prev, had, err := tx.ApproverForUnit(ap.Unit)
		if err != nil {
			return err
		}
		out.Approver = ap
		if had {
			out.Previous = &prev
			if prev == ap {
				return nil
			}
		}
		if err := tx.PutApprover(ap); err != nil {
			return err
		}
		detail := "unit " + ap.Unit
		if had {
			detail += " (was " + prev.ZaloID + ")"
		}
		out.Changed = true
		return tx.Audit(store.AuditEntry{Actor: web.Actor(c), Action: "approver.set", Subject: ap.ZaloID, Detail: detail})
	})
	web.Answer(c, out, err)
}

// DeleteApprover removes the approver of a unit; its teams fall back to the approver above.
func (a *API) DeleteApprover(c *gin.Context) {
	unit := c.Param("unit")
	err := a.db.Update(func(tx *store.Tx) error {
		ap, had, err := tx.ApproverForUnit(unit)
		if err != nil {
			return err
		}
		if !had {
			return web.Errorf(http.StatusNotFound, "unknown_approver", "unit %q has no approver of its own", unit)
		}
		if _, err := tx.DeleteApprover(unit); err != nil {
			return err
		}
		return tx.Audit(store.AuditEntry{Actor: web.Actor(c), Action: "approver.removed", Subject: ap.ZaloID, Detail: "unit " + unit})
	})
	web.Answer(c, gin.H{"unit": unit, "removed": err == nil}, err)
}

// DeleteOfficer removes an officer: their group stops getting digests and their links stop working.
func (a *API) DeleteOfficer(c *gin.Context) {
	id := c.Param("id")
	err := a.db.Update(func(tx *store.Tx) error {
		had, err := tx.DeleteOfficer(id)
		if err != nil {
			return err
		}
		if !had {
			return web.Errorf(http.StatusNotFound, "unknown_officer", "no officer %q", id)
		}
		return tx.Audit(store.AuditEntry{Actor: web.Actor(c), Action: "officer.removed", Subject: id})
	})
	web.Answer(c, gin.H{"id": id, "removed": err == nil}, err)
}

// officerView is an officer with the name of the scope they follow.
type officerView struct {
	store.Officer
	ScopeName string `json:"scope_name"`
}

// ListOfficers is GET /officers: every officer with the name of their scope.
func (a *API) ListOfficers(c *gin.Context) {
	var out struct {
		Officers []officerView `json:"officers"`
	}
	err := a.db.View(func(tx *store.Tx) error {
		os, err := tx.Officers()
		if err != nil {
			return err
		}
		l := newLookup(tx)
		out.Officers = []officerView{}
		for _, o := range os {
			v := officerView{Officer: o}
			if u, ok, err := l.unit(o.Scope); err != nil {
				return err
			} else if ok {
				v.ScopeName = u.Display()
			}
			out.Officers = append(out.Officers, v)
		}
		return nil
	})
	web.Answer(c, out, err)
}

// PutOfficer registers an officer: the Zalo group that gets the digests and the scope they follow.
func (a *API) PutOfficer(c *gin.Context) {
	var in struct {
		Name       string `json:"name"`
		GroupID    string `json:"group_id"`
		Scope      string `json:"scope"`
		ZaloID     string `json:"zalo_id"`
		DigestDays []int  `json:"digest_days"`
	}
	if err := readJSON(c, &in); err != nil {
		web.Fail(c, err)
		return
	}
	o := store.Officer{ID: c.Param("id"), Name: cleanText(in.Name), GroupID: strings.TrimSpace(in.GroupID),
		Scope: strings.TrimSpace(in.Scope), ZaloID: strings.TrimSpace(in.ZaloID), DigestDays: in.DigestDays}
	var bad error
	switch {
	case store.ValidateDigestDays(o.DigestDays) != nil:
		bad = web.Errorf(http.StatusBadRequest, "bad_digest_days", "%v", store.ValidateDigestDays(o.DigestDays))
	case !validCode(o.ID):
		bad = web.Errorf(http.StatusBadRequest, "bad_id", "officer id %q: want a code without spaces, up to 64 characters", o.ID)
	case o.Name == "":
		bad = web.Errorf(http.StatusBadRequest, "name_required", "name is required")
	case o.Scope == "":
		bad = web.Errorf(http.StatusBadRequest, "scope_required", "scope is required: the unit whose teams the officer follows")
	case o.GroupID == "" && o.ZaloID == "":
		bad = web.Errorf(http.StatusBadRequest, "group_required", "group_id is required: the Zalo group that receives the digests (or zalo_id for one person)")
	case o.GroupID != "" && !validZaloID(o.GroupID):
		bad = web.Errorf(http.StatusBadRequest, "bad_group_id", "group_id %q: want the numeric id Zalo gives (6–25 digits)", o.GroupID)
	case o.ZaloID != "" && !validZaloID(o.ZaloID):
		bad = web.Errorf(http.StatusBadRequest, "bad_zalo_id", "zalo_id %q: want the numeric id Zalo gives (6–25 digits)", o.ZaloID)
	}
	if bad != nil {
		web.Fail(c, bad)
		return
	}
	var out struct {
		Officer officerView `json:"officer"`
		Created bool        `json:"created"`
		Changed bool        `json:"changed"`
	}
	err := a.db.Update(func(tx *store.Tx) error {
		scope, ok, err := tx.Unit(o.Scope)
		if err != nil {
			return err
		}
		if !ok {
			return errUnknownUnit(o.Scope)
		}
		prev, had, err := tx.Officer(o.ID)
		if err != nil {
			return err
		}
		out.Officer, out.Created = officerView{Officer: o, ScopeName: scope.Display()}, !had
		if had && prev.Equal(o) {
			return nil
		}
		if err := tx.PutOfficer(o); err != nil {
			return err
		}
		out.Changed = true
		target := "group " + o.GroupID
		if o.GroupID == "" {
			target = "person " + o.ZaloID
		}
		return tx.Audit(store.AuditEntry{Actor: web.Actor(c), Action: "officer.set", Subject: o.ID, Detail: fmt.Sprintf("scope %s, %s", o.Scope, target)})
	})
	web.Answer(c, out, err)
}

// ListRequests lists the join and leave requests of the teams under ?unit= (all
// when absent), open ones only unless ?state=all, newest first.
func (a *API) ListRequests(c *gin.Context) {
	unit := strings.TrimSpace(c.Query("unit"))
	state := c.DefaultQuery("state", "open")
	if state != "open" && state != "all" {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_state", "state %q: want open or all", state))
		return
	}
	limit, err := queryLimit(c, defaultListLimit, maxListLimit)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var out struct {
		Requests []requestView `json:"requests"`
		Total    int           `json:"total"`
	}
	err = a.db.View(func(tx *store.Tx) error {
		if err := scopeExists(tx, unit); err != nil {
			return err
		}
		teams, err := tx.TeamsUnder(unit)
		if err != nil {
			return err
		}
		names := make(map[string]string, len(teams))
		for _, t := range teams {
			names[t.Code] = t.Name
		}
		out.Requests = []requestView{}
		err = tx.Requests(func(r store.Request) error {
			name, ok := names[r.Team]
			if ok && (state == "all" || r.Open()) {
				out.Requests = append(out.Requests, requestView{Request: r, TeamName: name})
			}
			return nil
		})
		if err != nil {
			return err
		}
		reverse(out.Requests) // stored by id, oldest first
		out.Total = len(out.Requests)
		out.Requests = out.Requests[:min(len(out.Requests), limit)]
		return nil
	})
	web.Answer(c, out, err)
}

// PeriodReports is one period across a subtree: each team's latest version, or null.
func (a *API) PeriodReports(c *gin.Context) {
	unit := strings.TrimSpace(c.Query("unit"))
	p, err := store.ParsePeriod(c.Query("period"))
	if err != nil {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_period", "period %q: want YYYY-MM, e.g. 2026-11", c.Query("period")))
		return
	}
	type teamReport struct {
		Team     teamView      `json:"team"`
		Status   string        `json:"status"` // not_due, missing, on_time, late (by the first version)
		Versions int           `json:"versions"`
		Report   *store.Report `json:"report"` // the latest version; null when not filed
	}
	var out struct {
		Period   string       `json:"period"`
		Unit     string       `json:"unit,omitempty"`
		Expected int          `json:"expected"`
		Filed    int          `json:"filed"`
		Teams    []teamReport `json:"teams"`
	}
	out.Period, out.Unit, out.Teams = p.String(), unit, []teamReport{}
	err = a.db.View(func(tx *store.Tx) error {
		if err := scopeExists(tx, unit); err != nil {
			return err
		}
		teams, err := tx.TeamsUnder(unit)
		if err != nil {
			return err
		}
		l := newLookup(tx)
		for _, t := range teams {
			v, err := l.viewTeam(t)
			if err != nil {
				return err
			}
			versions, err := tx.ReportVersions(t.Code, p.String())
			if err != nil {
				return err
			}
			pol, err := tx.EffectivePolicy(t.Code)
			if err != nil {
				return err
			}
			tr := teamReport{Team: v, Versions: len(versions)}
			var filedAt time.Time
			if n := len(versions); n > 0 {
				tr.Report, filedAt = &versions[n-1], versions[0].FiledAt
				out.Filed++
			}
			tr.Status = pol.Calendar(a.loc).StatusOf(p, filedAt, tx.Now()).Code()
			out.Teams = append(out.Teams, tr)
		}
		out.Expected = len(teams)
		return nil
	})
	web.Answer(c, out, err)
}

// TeamReports is every report of a team with every version: newest period first, versions in order.
func (a *API) TeamReports(c *gin.Context) {
	code := c.Param("code")
	type period struct {
		Period   string         `json:"period"`
		Versions []store.Report `json:"versions"`
	}
	var out struct {
		Team    teamView `json:"team"`
		Reports []period `json:"reports"`
	}
	err := a.db.View(func(tx *store.Tx) error {
		t, ok, err := tx.Team(code)
		if err != nil {
			return err
		}
		if !ok {
			return errUnknownTeam(code)
		}
		if out.Team, err = newLookup(tx).viewTeam(t); err != nil {
			return err
		}
		reports, err := tx.TeamReports(code)
		if err != nil {
			return err
		}
		out.Reports = []period{}
		for _, r := range reports {
			if n := len(out.Reports); n == 0 || out.Reports[n-1].Period != r.Period {
				out.Reports = append(out.Reports, period{Period: r.Period})
			}
			last := &out.Reports[len(out.Reports)-1]
			last.Versions = append(last.Versions, r)
		}
		reverse(out.Reports)
		return nil
	})
	web.Answer(c, out, err)
}

// AuditLog pages through the audit log, oldest first: ?after= the last seq seen.
func (a *API) AuditLog(c *gin.Context) {
	var after uint64
	if s := c.Query("after"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_after", "after %q: want the seq of the last entry seen", s))
			return
		}
		after = n
	}
	limit, err := queryLimit(c, defaultAuditLimit, maxAuditLimit)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var out struct {
		Entries []store.AuditEntry `json:"entries"`
		Next    uint64             `json:"next"` // pass as ?after= for the following page
	}
	err = a.db.View(func(tx *store.Tx) error {
		var err error
		out.Entries, err = tx.AuditLog(after, limit)
		return err
	})
	if out.Entries == nil {
		out.Entries = []store.AuditEntry{}
	}
	out.Next = after
	if n := len(out.Entries); n > 0 {
		out.Next = out.Entries[n-1].Seq
	}
	web.Answer(c, out, err)
}

// importProblem is one problem of a refused import.
type importProblem struct {
	File    string `json:"file"`
	Row     string `json:"row,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Import imports the body as a directory file, as `cdtbot import` does
// with a file: ?name= picks the format (.csv people list; otherwise JSON).
func (a *API) Import(c *gin.Context) {
	name := filepath.Base(strings.TrimSpace(c.Query("name")))
	if name == "." || name == "/" {
		name = "upload.json"
		if strings.HasPrefix(c.ContentType(), "text/csv") {
			name = "upload.csv"
		}
	}
	tooBig := web.Errorf(http.StatusRequestEntityTooLarge, "too_large", "a directory file is at most %d MiB", importer.MaxFileSize>>20)
	if c.Request.ContentLength > importer.MaxFileSize {
		web.Fail(c, tooBig)
		return
	}
	who := web.Actor(c)
	res, err := importer.Import(a.db, name, http.MaxBytesReader(c.Writer, c.Request.Body, importer.MaxFileSize),
		func(tx *store.Tx, res importer.Result) error {
			if res.Changed() == 0 {
				return nil
			}
			return tx.Audit(store.AuditEntry{Actor: who, Action: "directory.imported", Subject: name, Detail: res.String()})
		})
	var maxErr *http.MaxBytesError
	var problems importer.Errors
	switch {
	case errors.As(err, &maxErr):
		web.Fail(c, tooBig)
		return
	case errors.As(err, &problems):
		list := make([]importProblem, 0, len(problems))
		for _, p := range problems {
			list = append(list, importProblem{File: p.File, Row: p.Row, Field: p.Field, Message: p.Msg})
		}
		web.Log(c).Info().Str("file", name).Int("problems", len(list)).Msg("admin: import refused")
		web.Fail(c, &web.Error{Status: http.StatusBadRequest, Code: "import_error", Message: fmt.Sprintf("%s: %d problem(s), nothing imported", name, len(list)),
			Extra: map[string]any{"problems": list}})
		return
	case err != nil:
		web.Fail(c, err)
		return
	}
	web.Log(c).Info().Str("file", name).Str("actor", who).Str("result", res.String()).Msg("admin: imported")
	web.Answer(c, gin.H{"file": name, "units": res.Units, "teams": res.Teams, "people": res.People, "roles": res.Roles,
		"approvers": res.Approvers, "officers": res.Officers, "question_sets": res.QuestionSets,
		"unchanged": res.Unchanged, "changed": res.Changed(), "summary": res.String()}, nil)
}

// decisionBody is what POST /requests/:id/decision takes.
type decisionBody struct {
	Action string `json:"action"` // approve or reject
	Reason string `json:"reason"` // required to reject: the requester is told it
}

// DecideRequest approves or rejects a request waiting for an approver, as an administrator: for a
// request nobody up the tree may decide (its requester is the approver). People are told by chat.
func (a *API) DecideRequest(c *gin.Context) {
	id, err := store.ParseRequestID(c.Param("id"))
	if err != nil {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_id", "request id %q: want a number", c.Param("id")))
		return
	}
	var body decisionBody
	if err := readJSON(c, &body); err != nil {
		web.Fail(c, err)
		return
	}
	body.Reason = strings.TrimSpace(body.Reason)
	if body.Action != "approve" && body.Action != "reject" {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "bad_action", `action %q: want "approve" or "reject"`, body.Action))
		return
	}
	if body.Action == "reject" && body.Reason == "" {
		web.Fail(c, web.Errorf(http.StatusBadRequest, "reason_required", "a rejection needs a reason: the requester is told it"))
		return
	}
	var out store.Request
	err = a.db.Update(func(tx *store.Tx) error {
		r, replies, err := a.decider.DecideAsAdmin(tx, id, body.Action == "approve", body.Reason, "admin:"+web.Actor(c))
		var refused *flows.ApprovalRefusedError
		switch {
		case errors.Is(err, store.ErrNotFound):
			return web.Errorf(http.StatusNotFound, "unknown_request", "no request %d", id)
		case errors.Is(err, flows.ErrNotWaitingForApprover):
			return web.Errorf(http.StatusConflict, "not_waiting", "request %d is %s, not waiting for an approver", id, r.State)
		case errors.As(err, &refused) && errors.Is(err, store.ErrTeamFull):
			return web.Errorf(http.StatusConflict, "team_full", "request %d cannot be approved: %v", id, refused.Err)
		case errors.As(err, &refused) && errors.Is(err, store.ErrOtherCommune):
			return web.Errorf(http.StatusConflict, "other_commune", "request %d cannot be approved: %v", id, refused.Err)
		case err != nil:
			return err
		}
		for _, rep := range replies {
			if err := a.enqueue(tx, rep, web.RequestID(c)); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	web.Answer(c, out, err)
}
