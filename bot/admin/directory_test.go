package admin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/bot/bottest"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// The people and places of testdata/transcripts/tung-anh.json.
const (
	hung    = "1100000000000000001" // leader of TA-T1 (Tùng Ảnh)
	mai     = "1100000000000000002" // deputy of TA-T1
	binh    = "1100000000000000004" // leader of TA-TL (Tùng Ảnh), team full: 3 of 3
	hoa     = "1100000000000000005" // member of TA-TL
	tam     = "1100000000000000007" // leader of TL-HL (Tùng Lộc)
	chutich = "1100000000000000009" // approver of Tùng Ảnh
	lan     = "2200000000000000001" // a resident, not in the directory
)

var adminTime = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// harness is the whole server (bottest.Harness) with this package's helpers.
type harness struct{ *bottest.Harness }

// snapshot is every record the admin API could touch, read from a hot backup
// taken through the API (bbolt's own bookkeeping and the queues left out).
func (h *harness) snapshot() map[string]string {
	h.T.Helper()
	status, raw := h.Do("GET", "/api/v1/backup", "", bottest.AdminToken)
	if status != http.StatusOK {
		h.T.Fatalf("backup: %d", status)
	}
	path := filepath.Join(h.T.TempDir(), "snap.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		h.T.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		h.T.Fatal(err)
	}
	defer db.Close()
	volatile := map[string]bool{"events": true, "event_keys": true, "inbox": true, "dead_events": true, "outbox": true, "sent": true, "sent_log": true, "sent_bodies": true, "tokens": true, "meta": true, "send_costs": true, "last_seen": true, "choices": true}
	out := map[string]string{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if volatile[string(name)] {
				return nil
			}
			if b.Sequence() != 0 {
				out[string(name)+"#seq"] = fmt.Sprint(b.Sequence())
			}
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"/"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		h.T.Fatal(err)
	}
	if len(out) == 0 {
		h.T.Fatal("empty snapshot")
	}
	return out
}

func snapDiff(a, b map[string]string) string {
	var d []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			d = append(d, fmt.Sprintf("- %q = %.120q", k, v))
		}
	}
	for k, v := range b {
		if w, ok := a[k]; !ok || w != v {
			d = append(d, fmt.Sprintf("+ %q = %.120q", k, v))
		}
	}
	sort.Strings(d)
	return strings.Join(d, "\n")
}

func newAdminHarness(t *testing.T) *harness {
	return &harness{bottest.NewSandbox(t, adminTime)}
}

// Every endpoint answers 401 without the bearer token, with a wrong one, or
// with the right one in the wrong place, and changes nothing; with it, it works.
func TestAdminDirectoryNeedsTheToken(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	tungAnh, _ := os.ReadFile("../../testdata/transcripts/tung-anh.json")
	endpoints := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/api/v1/import?name=tung-anh.json", string(tungAnh), 200},
		{"GET", "/api/v1/units?q=tung+anh", "", 200},
		{"GET", "/api/v1/units/42.18", "", 200},
		{"GET", "/api/v1/teams?unit=42.18", "", 200},
		{"GET", "/api/v1/teams/TA-T1", "", 200},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + mai, `{"role": "leader"}`, 200},
		{"DELETE", "/api/v1/teams/TA-T1/roles/" + hung, "", 200},
		{"PUT", "/api/v1/approvers/42.18", `{"zalo_id": "1100000000000000011", "name": "Phó Chủ tịch UBND xã"}`, 200},
		{"PUT", "/api/v1/units/42.18/group", `{"group_id": "9900000000000000018"}`, 200},
		{"PUT", "/api/v1/teams/TA-T1/group", `{"group_id": "9900000000000000021"}`, 200},
		{"PUT", "/api/v1/officers/vhtt-ductho", `{"name": "Phòng VH-TT", "group_id": "9900000000000000002", "scope": "42.18"}`, 200},
		{"GET", "/api/v1/officers", "", 200},
		{"GET", "/api/v1/requests?unit=42&state=all", "", 200},
		{"GET", "/api/v1/teams/TA-T1/reports", "", 200},
		{"GET", "/api/v1/reports?unit=42&period=2026-11", "", 200},
		{"GET", "/api/v1/audit?after=0&limit=5", "", 200},
	}
	for _, e := range endpoints {
		before := h.snapshot()
		for _, bad := range []struct {
			name, token, query string
			hdr                []string
		}{
			{name: "no token"},
			{name: "wrong token", token: "admin-secreT"},
			{name: "X-Admin-Token header", hdr: []string{"X-Admin-Token", bottest.AdminToken}},
			{name: "token in the query", query: "token=" + bottest.AdminToken},
			{name: "bare token", hdr: []string{"Authorization", bottest.AdminToken}},
		} {
			path := e.path
			if bad.query != "" {
				path += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + bad.query
			}
			status, body := h.Do(e.method, path, e.body, bad.token, bad.hdr...)
			if status != http.StatusUnauthorized || !strings.Contains(string(body), `"code":"unauthorized"`) {
				t.Errorf("%s %s, %s: %d %.100s, want 401 unauthorized", e.method, e.path, bad.name, status, body)
			}
		}
		if d := snapDiff(before, h.snapshot()); d != "" {
			t.Errorf("%s %s without the token changed the database:\n%s", e.method, e.path, d)
		}
		if status, body := h.Do(e.method, e.path, e.body, bottest.AdminToken); status != e.want {
			t.Errorf("%s %s with the token: %d %.200s, want %d", e.method, e.path, status, body, e.want)
		}
	}
}

type unitsAnswer struct {
	Units []struct {
		Code    string  `json:"code"`
		Name    string  `json:"name"`
		Display string  `json:"display"`
		Path    string  `json:"path"`
		Score   float64 `json:"score"`
	} `json:"units"`
	Total int `json:"total"`
}

func (u unitsAnswer) codes() string {
	var cs []string
	for _, x := range u.Units {
		cs = append(cs, x.Code)
	}
	return strings.Join(cs, " ")
}

type teamsAnswer struct {
	Teams []struct {
		Code     string  `json:"code"`
		UnitName string  `json:"unit_name"`
		Path     string  `json:"path"`
		Score    float64 `json:"score"`
	} `json:"teams"`
	Total int `json:"total"`
}

func (a teamsAnswer) codes() string {
	var cs []string
	for _, x := range a.Teams {
		cs = append(cs, x.Code)
	}
	return strings.Join(cs, " ")
}

func TestAdminImportThenSearchWithOrWithoutDiacritics(t *testing.T) {
	h := newAdminHarness(t)
	body, _ := os.ReadFile("../../testdata/transcripts/tung-anh.json")
	var res map[string]any
	h.MustAPI(200, "POST", "/api/v1/import?name=tung-anh.json", string(body), &res, "X-Admin-Actor", "Sở KH&CN")
	want := map[string]float64{"units": 6, "teams": 3, "people": 6, "roles": 6, "approvers": 2, "officers": 1, "unchanged": 0}
	for k, v := range want {
		if res[k] != v {
			t.Errorf("import: %s = %v, want %v (%v)", k, res[k], v, res)
		}
	}
	// The same file again changes nothing and says so.
	h.MustAPI(200, "POST", "/api/v1/import?name=tung-anh.json", string(body), &res)
	if res["changed"] != 0.0 || res["unchanged"].(float64) < 17 {
		t.Errorf("second import: %v", res)
	}
	var audit struct {
		Entries []store.AuditEntry `json:"entries"`
	}
	h.MustAPI(200, "GET", "/api/v1/audit", "", &audit)
	if len(audit.Entries) != 1 || audit.Entries[0].Action != "directory.imported" || audit.Entries[0].Actor != "Sở KH&CN" || audit.Entries[0].Subject != "tung-anh.json" {
		t.Errorf("audit after two imports (one changing nothing): %+v", audit.Entries)
	}

	// Units by name, however it is typed: the same answer, byte for byte.
	var first []byte
	for _, q := range []string{"tung anh", "Tùng Ảnh", "TUNG ANH", norm.NFD.String("Tùng Ảnh"), "xa tung anh", "Xã Tùng Ảnh"} {
		status, got := h.Do("GET", "/api/v1/units?q="+urlQuery(q), "", bottest.AdminToken)
		if status != 200 {
			t.Fatalf("units?q=%s: %d %s", q, status, got)
		}
		if first == nil {
			first = got
			var u unitsAnswer
			json.Unmarshal(got, &u)
			if u.codes() != "42.18" || u.Units[0].Path != "Tỉnh Hà Tĩnh / Xã Tùng Ảnh" {
				t.Errorf("units?q=%s: %s", q, got)
			}
			continue
		}
		if !bytes.Equal(got, first) {
			t.Errorf("units?q=%q: %s\nwant the same as for %q: %s", q, got, "tung anh", first)
		}
	}
	var u unitsAnswer
	h.MustAPI(200, "GET", "/api/v1/units?q=tung", "", &u)
	if u.codes() != "42.18 42.20" || u.Total != 2 {
		t.Errorf("units?q=tung: %+v", u)
	}
	h.MustAPI(200, "GET", "/api/v1/units?q=thon&level=thôn", "", &u)
	if u.Total != 0 { // "thôn" alone is a level word: it names no village
		t.Errorf("units?q=thon: %+v", u)
	}
	h.MustAPI(200, "GET", "/api/v1/units?q=trung+luu", "", &u)
	if u.codes() != "42.18.02" || u.Units[0].Path != "Tỉnh Hà Tĩnh / Xã Tùng Ảnh / Thôn Trung Lưu" {
		t.Errorf("units?q=trung luu: %+v", u)
	}
	h.MustAPI(200, "GET", "/api/v1/units?q=thon+1&parent=42.20", "", &u)
	if u.Total != 0 {
		t.Errorf("Thôn 1 is not under Tùng Lộc: %+v", u)
	}
	h.MustAPI(200, "GET", "/api/v1/units?parent=42", "", &u)
	if u.codes() != "42.18 42.20" {
		t.Errorf("children of 42: %+v", u)
	}
	h.MustAPI(200, "GET", "/api/v1/units", "", &u)
	if u.codes() != "42" {
		t.Errorf("roots: %+v", u)
	}
	h.MustAPI(200, "GET", "/api/v1/units?parent=42.18&level=THON&limit=1", "", &u)
	if u.codes() != "42.18.01" || u.Total != 2 {
		t.Errorf("villages of 42.18, limit 1: %+v", u)
	}
	h.MustAPI(200, "GET", "/api/v1/units?parent=42&level=thon", "", &u)
	if u.Total != 0 {
		t.Errorf("children of 42 at level thôn: %+v", u)
	}

	// Teams by team name, join code or village name.
	var tm teamsAnswer
	for q, want := range map[string]string{
		"trung luu": "TA-TL", "Trung Lưu": "TA-TL", "ta02": "TA-TL", "TA02": "TA-TL", "hong lam": "TL-HL", "thon 1": "TA-T1",
		"khong co": "",
	} {
		h.MustAPI(200, "GET", "/api/v1/teams?q="+urlQuery(q), "", &tm)
		if tm.codes() != want {
			t.Errorf("teams?q=%s: %q, want %q", q, tm.codes(), want)
		}
	}
	h.MustAPI(200, "GET", "/api/v1/teams?unit=42.18", "", &tm)
	if tm.codes() != "TA-T1 TA-TL" || tm.Teams[1].UnitName != "Thôn Trung Lưu" || tm.Teams[1].Path != "Tỉnh Hà Tĩnh / Xã Tùng Ảnh / Thôn Trung Lưu" {
		t.Errorf("teams?unit=42.18: %+v", tm)
	}
	h.MustAPI(200, "GET", "/api/v1/teams?unit=42", "", &tm)
	if tm.codes() != "TA-T1 TA-TL TL-HL" {
		t.Errorf("teams?unit=42: %+v", tm)
	}
	h.MustAPI(200, "GET", "/api/v1/teams?unit=42.18&q=to+cnscd", "", &tm)
	if tm.codes() != "TA-T1 TA-TL" || tm.Total != 2 || tm.Teams[0].Score == 0 {
		t.Errorf("teams?unit=42.18&q=to cnscd: %+v", tm)
	}

	// One unit: path, children, teams, approver, its policy and what a team there sees.
	var unit struct {
		Unit     struct{ Code, Display string }
		Path     []struct{ Code string }
		Children []struct{ Code string }
		Teams    []struct{ Code string }
		Commune  struct{ Code string }
		Approver *struct {
			Unit   string `json:"unit"`
			ZaloID string `json:"zalo_id"`
		}
		Policy struct {
			Own       *store.Policy `json:"own"`
			Effective struct {
				MaxMembers    int               `json:"max_members"`
				Collaborators bool              `json:"collaborators"`
				CutoffDay     int               `json:"cutoff_day"`
				Closes        string            `json:"closes"`
				QuestionSet   string            `json:"question_set"`
				ReminderDays  []int             `json:"reminder_days"`
				From          map[string]string `json:"from"`
			} `json:"effective"`
		}
	}
	h.MustAPI(200, "GET", "/api/v1/units/42.18.01", "", &unit)
	e := unit.Policy.Effective
	if unit.Unit.Display != "Thôn 1" || len(unit.Path) != 3 || unit.Path[0].Code != "42" || len(unit.Children) != 0 ||
		len(unit.Teams) != 1 || unit.Teams[0].Code != "TA-T1" || unit.Commune.Code != "42.18" ||
		unit.Approver == nil || unit.Approver.ZaloID != chutich || unit.Approver.Unit != "42.18" || unit.Policy.Own != nil {
		t.Errorf("units/42.18.01: %+v", unit)
	}
	if e.MaxMembers != 3 || !e.Collaborators || e.CutoffDay != 20 || e.Closes != "current" || e.QuestionSet != "default" ||
		fmt.Sprint(e.ReminderDays) != "[3 1 0]" || e.From["max_members"] != "42" || e.From["cutoff_day"] != "42" || e.From["closes"] != "default" {
		t.Errorf("units/42.18.01 effective policy: %+v", e)
	}
	h.MustAPI(200, "GET", "/api/v1/units/42", "", &unit)
	if unit.Policy.Own == nil || *unit.Policy.Own.CutoffDay != 20 || unit.Approver != nil || unit.Commune.Code != "42" || len(unit.Children) != 2 {
		t.Errorf("units/42: %+v", unit)
	}
}

func urlQuery(s string) string { return strings.ReplaceAll(urlEscape(s), "%20", "+") }

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// A refused import names every problem and imports nothing.
func TestAdminImportRefusedImportsNothing(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	cases := []struct {
		name, file, body string
		status           int
		code             string
		problem          string // in one problem's "row field message"
	}{
		{"unknown unit", "extra.json", `{"teams": [{"code": "TA-XA", "name": "Tổ xã", "unit": "42.99"}], "units": [{"code": "42.21", "name": "Mới", "parent": "42"}]}`,
			400, "import_error", `teams[1] unit unit "42.99" not found`},
		{"two leaders", "extra.json", `{"people": [{"zalo_id": "2200000000000000005", "name": "Lê Văn Mới", "roles": [{"team": "TA-T1", "role": "leader"}]},
			{"zalo_id": "2200000000000000006", "name": "Lê Văn Hai", "roles": [{"team": "TA-T1", "role": "leader"}]}]}`,
			400, "import_error", "people[2] roles[1].role team TA-T1 already has a leader in this file"},
		{"bad phone", "people.csv", "Họ tên,Số điện thoại,Zalo ID,Tổ\nLê Văn Mới,091200011,2200000000000000005,TA-T1\n",
			400, "import_error", `line 2 Số điện thoại "091200011"`},
		{"not JSON", "extra.json", `{"units": [`, 400, "import_error", "line 1"},
		{"empty", "extra.json", ``, 400, "import_error", "the file is empty"},
	}
	for _, c := range cases {
		before := h.snapshot()
		var got struct {
			Error, Code string
			Problems    []struct{ File, Row, Field, Message string }
		}
		status := h.API("POST", "/api/v1/import?name="+c.file, c.body, &got)
		var lines []string
		for _, p := range got.Problems {
			if p.File != c.file {
				t.Errorf("%s: problem names file %q, want %q", c.name, p.File, c.file)
			}
			lines = append(lines, p.Row+" "+p.Field+" "+p.Message)
		}
		all := strings.Join(lines, "\n")
		if status != c.status || got.Code != c.code || !strings.Contains(all, c.problem) {
			t.Errorf("%s: %d %s %q, problems:\n%s\nwant %d %s with %q", c.name, status, got.Code, got.Error, all, c.status, c.code, c.problem)
		}
		if d := snapDiff(before, h.snapshot()); d != "" {
			t.Errorf("%s: a refused import changed the database:\n%s", c.name, d)
		}
	}
	// Past 32 MiB: 413, whether the size is announced or found while reading.
	huge := bytes.Repeat([]byte(" "), importer.MaxFileSize+1)
	for _, chunked := range []bool{false, true} {
		before := h.snapshot()
		var body io.Reader = bytes.NewReader(huge)
		if chunked {
			body = struct{ io.Reader }{body} // hides the length: sent chunked
		}
		req, _ := http.NewRequest("POST", h.Srv.URL+"/api/v1/import?name=big.json", body)
		req.Header.Set("Authorization", "Bearer "+bottest.AdminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("chunked=%v: %v", chunked, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), `"code":"too_large"`) {
			t.Errorf("chunked=%v: %d %s, want 413 too_large", chunked, resp.StatusCode, b)
		}
		if d := snapDiff(before, h.snapshot()); d != "" {
			t.Errorf("a too large import changed the database:\n%s", d)
		}
	}
	// A CSV people list through the API adds a collaborator.
	var res map[string]any
	h.MustAPI(200, "POST", "/api/v1/import?name=ctv.csv", "Họ tên;SĐT;Zalo ID;Tổ;Vai trò\nLê Văn Mới;0912 000 111;2200000000000000005;TA-T1;CTV\n", &res)
	if res["people"] != 1.0 || res["roles"] != 1.0 {
		t.Errorf("csv import: %v", res)
	}
}

type rosterLine struct {
	ZaloID string `json:"zalo_id"`
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	Role   string `json:"role"`
}

type roleAnswer struct {
	Role           string `json:"role"`
	PreviousRole   string `json:"previous_role"`
	Changed        bool   `json:"changed"`
	PersonCreated  bool   `json:"person_created"`
	ReplacedLeader *struct {
		ZaloID string `json:"zalo_id"`
		Name   string `json:"name"`
		Role   string `json:"role"`
	} `json:"replaced_leader"`
	Notes  []string     `json:"notes"`
	Roster []rosterLine `json:"roster"`
}

func rosterString(r []rosterLine) string {
	var s []string
	for _, m := range r {
		s = append(s, m.Role+":"+m.Name)
	}
	return strings.Join(s, ", ")
}

type auditAnswer struct {
	Entries []store.AuditEntry `json:"entries"`
	Next    uint64             `json:"next"`
}

func TestAdminAppointLeaderDemotesTheOldOne(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	var audit auditAnswer
	h.MustAPI(200, "GET", "/api/v1/audit", "", &audit)
	mark := audit.Next

	var got roleAnswer
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/roles/"+mai, `{"role": "leader"}`, &got, "X-Admin-Actor", "Phòng VH-TT Đức Thọ")
	if !got.Changed || got.Role != "leader" || got.PreviousRole != "deputy" || got.PersonCreated ||
		got.ReplacedLeader == nil || got.ReplacedLeader.ZaloID != hung || got.ReplacedLeader.Name != "Nguyễn Văn Hùng" || got.ReplacedLeader.Role != "member" ||
		len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "Nguyễn Văn Hùng") {
		t.Errorf("appoint Mai leader: %+v", got)
	}
	if r := rosterString(got.Roster); r != "leader:Trần Thị Mai, member:Nguyễn Văn Hùng" {
		t.Errorf("roster in the answer: %s", r)
	}
	var team struct {
		Roster []rosterLine
		Counts struct {
			Members, Collaborators int
			MaxMembers             int  `json:"max_members"`
			Full                   bool `json:"full"`
		}
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if r := rosterString(team.Roster); r != "leader:Trần Thị Mai, member:Nguyễn Văn Hùng" || team.Roster[0].Phone != "0912345002" {
		t.Errorf("roster: %s %+v", r, team.Roster)
	}
	h.MustAPI(200, "GET", fmt.Sprintf("/api/v1/audit?after=%d", mark), "", &audit)
	var lines []string
	for _, e := range audit.Entries {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s", e.Actor, e.Action, e.Subject, e.Team, e.Detail))
	}
	wantAudit := []string{
		"Phòng VH-TT Đức Thọ role.set " + hung + " TA-T1 leader → member: replaced by " + mai,
		"Phòng VH-TT Đức Thọ role.set " + mai + " TA-T1 deputy → leader",
	}
	if strings.Join(lines, "\n") != strings.Join(wantAudit, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantAudit, "\n"))
	}
	// The same again is no change and no audit entry.
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/roles/"+mai, `{"role": "LEADER"}`, &got)
	if got.Changed || got.ReplacedLeader != nil {
		t.Errorf("appointing the leader again: %+v", got)
	}
	h.MustAPI(200, "GET", fmt.Sprintf("/api/v1/audit?after=%d", audit.Next), "", &audit)
	if len(audit.Entries) != 0 {
		t.Errorf("no-op wrote audit: %+v", audit.Entries)
	}

	// A new person: created with their name and phone, as a collaborator in Vietnamese.
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/roles/"+lan, `{"role": "cộng tác viên", "name": " Lê  Thị Lan ", "phone": "+84 983 111 222"}`, &got)
	if !got.PersonCreated || got.Role != "collaborator" || got.PreviousRole != "" {
		t.Errorf("new collaborator: %+v", got)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if r := rosterString(team.Roster); r != "leader:Trần Thị Mai, member:Nguyễn Văn Hùng, collaborator:Lê Thị Lan" || team.Roster[2].Phone != "0983111222" ||
		team.Counts.Members != 2 || team.Counts.Collaborators != 1 || team.Counts.MaxMembers != 3 || team.Counts.Full {
		t.Errorf("roster with a collaborator: %s %+v", r, team)
	}
	// Promoted to member: the third of three, then the team is full.
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/roles/"+lan, `{"role": "member"}`, &got)
	if got.PreviousRole != "collaborator" || !got.Changed {
		t.Errorf("collaborator to member: %+v", got)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if !team.Counts.Full {
		t.Errorf("3 of 3 is full: %+v", team.Counts)
	}
	// Removing the leader says the team has none now.
	h.MustAPI(200, "DELETE", "/api/v1/teams/TA-T1/roles/"+mai, "", &got)
	if got.PreviousRole != "leader" || rosterString(got.Roster) != "member:Nguyễn Văn Hùng, member:Lê Thị Lan" || len(got.Notes) != 1 {
		t.Errorf("remove the leader: %+v", got)
	}
	h.MustAPI(200, "GET", fmt.Sprintf("/api/v1/audit?after=%d", audit.Next), "", &audit)
	lines = nil
	for _, e := range audit.Entries {
		lines = append(lines, fmt.Sprintf("%s %s %s %s", e.Actor, e.Action, e.Subject, e.Detail))
	}
	wantAudit = []string{
		"admin person.created " + lan + " Lê Thị Lan",
		"admin role.set " + lan + " none → collaborator",
		"admin role.set " + lan + " collaborator → member",
		"admin role.removed " + mai + " was leader",
	}
	if strings.Join(lines, "\n") != strings.Join(wantAudit, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantAudit, "\n"))
	}
}

// The commune of a team is the nearest unit with an approver, else the village's parent.
func TestAdminOneCommunePerPerson(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	h.MustAPI(200, "POST", "/api/v1/import?name=more.json", `{
		"units": [{"code": "42.30", "name": "Tùng Châu", "level": "xã", "parent": "42"},
		          {"code": "42.30.01", "name": "Thôn Mới", "level": "thôn", "parent": "42.30"}],
		"teams": [{"code": "TC-M", "name": "Tổ CNSCĐ thôn Mới", "unit": "42.30.01"},
		          {"code": "TA-XA", "name": "Tổ CNSCĐ xã Tùng Ảnh", "unit": "42.18"}]}`, nil)
	var got roleAnswer
	// Same commune (the approver's unit itself): fine.
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-XA/roles/"+hung, `{"role": "member"}`, &got)
	for _, c := range []struct{ team, who, commune string }{
		{"TL-HL", hung, "Xã Tùng Lộc"}, // Tùng Lộc has its own approver
		{"TC-M", hung, "Xã Tùng Châu"}, // Tùng Châu has none: the village's parent
		{"TA-XA", tam, "Xã Tùng Ảnh"},  // the leader of a Tùng Lộc team
	} {
		before := h.snapshot()
		var e struct{ Error, Code string }
		status := h.API("PUT", "/api/v1/teams/"+c.team+"/roles/"+c.who, `{"role": "leader"}`, &e)
		if status != 409 || e.Code != "other_commune" || !strings.Contains(e.Error, c.commune) {
			t.Errorf("%s in %s: %d %+v, want 409 other_commune naming %s", c.who, c.team, status, e, c.commune)
		}
		if d := snapDiff(before, h.snapshot()); d != "" {
			t.Errorf("%s in %s: refused, yet changed:\n%s", c.who, c.team, d)
		}
	}
	// Once the other role is gone, the appointment goes through.
	h.MustAPI(200, "DELETE", "/api/v1/teams/TL-HL/roles/"+tam, "", nil)
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-XA/roles/"+tam, `{"role": "leader"}`, &got)
	if got.ReplacedLeader != nil || rosterString(got.Roster) != "leader:Hồ Văn Tâm, member:Nguyễn Văn Hùng" {
		t.Errorf("after leaving Tùng Lộc: %+v", got)
	}
}

// Every refused request answers its code and leaves every record as it was.
func TestAdminErrorsChangeNothing(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	big := `{"role": "member", "name": "` + strings.Repeat("a", 70<<10) + `"}`
	cases := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"PUT", "/api/v1/teams/TL-HL/roles/" + hung, `{"role": "member"}`, 409, "other_commune"},
		{"PUT", "/api/v1/teams/TA-TL/roles/" + lan, `{"role": "member", "name": "Lê Thị Lan"}`, 409, "team_full"},
		{"PUT", "/api/v1/teams/TA-TL/roles/" + lan, `{"role": "leader", "name": "Lê Thị Lan"}`, 409, "team_full"},
		{"PUT", "/api/v1/teams/TA-TL/roles/" + mai, `{"role": "deputy"}`, 409, "team_full"},
		{"PUT", "/api/v1/teams/NOPE/roles/" + hung, `{"role": "member"}`, 404, "unknown_team"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + lan, `{"role": "member"}`, 400, "name_required"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + lan, `{"role": "member", "name": "Lan", "phone": "0212345678"}`, 400, "bad_phone"},
		{"PUT", "/api/v1/teams/TA-T1/roles/lan", `{"role": "member", "name": "Lan"}`, 400, "bad_zalo_id"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + hung, `{"role": "boss"}`, 400, "bad_role"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + hung, `{}`, 400, "bad_role"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + hung, `{"role": "member"`, 400, "bad_json"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + hung, `{"rol": "member"}`, 400, "bad_json"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + hung, `["member"]`, 400, "bad_json"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + hung, `{"role": "member"} {}`, 400, "bad_json"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + hung, ``, 400, "bad_json"},
		{"PUT", "/api/v1/teams/TA-T1/roles/" + lan, big, 413, "too_large"},
		{"DELETE", "/api/v1/teams/TA-T1/roles/" + lan, "", 404, "unknown_person"},
		{"DELETE", "/api/v1/teams/TA-T1/roles/" + binh, "", 404, "no_role"},
		{"DELETE", "/api/v1/teams/NOPE/roles/" + hung, "", 404, "unknown_team"},
		{"PUT", "/api/v1/approvers/42.99", `{"zalo_id": "1100000000000000011"}`, 404, "unknown_unit"},
		{"PUT", "/api/v1/approvers/42.18", `{"zalo_id": "chu tich"}`, 400, "bad_zalo_id"},
		{"PUT", "/api/v1/approvers/42.18", `{"zalo_id": 1100000000000000011}`, 400, "bad_json"},
		{"PUT", "/api/v1/officers/vhtt", `{"name": "VH-TT", "group_id": "9900000000000000002", "scope": "42.99"}`, 404, "unknown_unit"},
		{"PUT", "/api/v1/officers/vhtt", `{"name": "VH-TT", "scope": "42"}`, 400, "group_required"},
		{"PUT", "/api/v1/officers/vhtt", `{"name": "VH-TT", "group_id": "nhóm", "scope": "42"}`, 400, "bad_group_id"},
		{"PUT", "/api/v1/officers/vhtt", `{"group_id": "9900000000000000002", "scope": "42"}`, 400, "name_required"},
		{"PUT", "/api/v1/officers/vhtt", `{"name": "VH-TT", "group_id": "9900000000000000002"}`, 400, "scope_required"},
		{"PUT", "/api/v1/officers/vhtt", `{"name": "VH-TT", "group_id": "9900000000000000002", "scope": "42", "scop": "42"}`, 400, "bad_json"},
		{"PUT", "/api/v1/units/42.99/group", `{"group_id": "9900000000000000018"}`, 404, "unknown_unit"},
		{"PUT", "/api/v1/teams/NOPE/group", `{"group_id": "9900000000000000018"}`, 404, "unknown_team"},
		{"PUT", "/api/v1/units/42.18/group", `{"group_id": "nhóm Tùng Ảnh"}`, 400, "bad_group_id"},
		{"PUT", "/api/v1/teams/TA-T1/group", `{"group_id": "` + strings.Repeat("9", 65) + `"}`, 400, "bad_group_id"},
		{"PUT", "/api/v1/teams/TA-T1/group", `{"group_id": "g.1"}`, 400, "bad_group_id"},
		{"PUT", "/api/v1/teams/TA-T1/group", `{}`, 400, "bad_group_id"},
		{"PUT", "/api/v1/teams/TA-T1/group", `{"group": "9900000000000000018"}`, 400, "bad_json"},
		{"PUT", "/api/v1/units/42.18/group", `{"group_id": 9900000000000000018}`, 400, "bad_json"},
		{"GET", "/api/v1/units/42.99", "", 404, "unknown_unit"},
		{"GET", "/api/v1/units?parent=42.99", "", 404, "unknown_unit"},
		{"GET", "/api/v1/units?q=tung&limit=0", "", 400, "bad_limit"},
		{"GET", "/api/v1/units?limit=many", "", 400, "bad_limit"},
		{"GET", "/api/v1/teams?unit=42.99", "", 404, "unknown_unit"},
		{"GET", "/api/v1/teams/NOPE", "", 404, "unknown_team"},
		{"GET", "/api/v1/teams/NOPE/reports", "", 404, "unknown_team"},
		{"GET", "/api/v1/requests?state=closed", "", 400, "bad_state"},
		{"GET", "/api/v1/requests?unit=42.99", "", 404, "unknown_unit"},
		{"GET", "/api/v1/reports?unit=42&period=2026-13", "", 400, "bad_period"},
		{"GET", "/api/v1/reports?unit=42&period=11/2026", "", 400, "bad_period"},
		{"GET", "/api/v1/reports?unit=42", "", 400, "bad_period"},
		{"GET", "/api/v1/reports?unit=42.99&period=2026-11", "", 404, "unknown_unit"},
		{"GET", "/api/v1/audit?after=-1", "", 400, "bad_after"},
		{"GET", "/api/v1/audit?limit=0", "", 400, "bad_limit"},
		{"GET", "/api/v1/nothing-here", "", 404, "not_found"},
	}
	for _, c := range cases {
		before := h.snapshot()
		var e struct{ Error, Code string }
		status := h.API(c.method, c.path, c.body, &e)
		if status != c.status || e.Code != c.code || e.Error == "" {
			t.Errorf("%s %s %.60s: %d %+v, want %d %s", c.method, c.path, c.body, status, e, c.status, c.code)
		}
		if d := snapDiff(before, h.snapshot()); d != "" {
			t.Errorf("%s %s %.60s: refused, yet changed:\n%s", c.method, c.path, c.body, d)
		}
	}
}

func TestAdminApproversAndOfficers(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	var ap struct {
		Approver store.Approver  `json:"approver"`
		Previous *store.Approver `json:"previous"`
		Changed  bool            `json:"changed"`
	}
	h.MustAPI(200, "PUT", "/api/v1/approvers/42.18", `{"zalo_id": "1100000000000000011", "name": "Phó Chủ tịch UBND xã Tùng Ảnh"}`, &ap)
	if !ap.Changed || ap.Previous == nil || ap.Previous.ZaloID != chutich || ap.Approver.ZaloID != "1100000000000000011" {
		t.Errorf("new approver: %+v", ap)
	}
	var team struct {
		Approver struct {
			Unit     string `json:"unit"`
			ZaloID   string `json:"zalo_id"`
			UnitName string `json:"unit_name"`
		}
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-TL", "", &team)
	if team.Approver.ZaloID != "1100000000000000011" || team.Approver.UnitName != "Xã Tùng Ảnh" {
		t.Errorf("team's approver: %+v", team.Approver)
	}
	h.MustAPI(200, "PUT", "/api/v1/approvers/42.18", `{"zalo_id": "1100000000000000011", "name": "Phó Chủ tịch UBND xã Tùng Ảnh"}`, &ap)
	if ap.Changed {
		t.Errorf("same approver again: %+v", ap)
	}
	// An approver on a village takes its teams over from the commune's.
	h.MustAPI(200, "PUT", "/api/v1/approvers/42.18.02", `{"zalo_id": "1100000000000000012"}`, &ap)
	if !ap.Changed || ap.Previous != nil {
		t.Errorf("village approver: %+v", ap)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-TL", "", &team)
	if team.Approver.ZaloID != "1100000000000000012" || team.Approver.Unit != "42.18.02" {
		t.Errorf("team's nearer approver: %+v", team.Approver)
	}

	var off struct {
		Officer struct {
			store.Officer
			ScopeName string `json:"scope_name"`
		}
		Created, Changed bool
	}
	body := `{"name": "Phòng VH-TT Tùng Ảnh", "group_id": "9900000000000000002", "scope": "42.18"}`
	h.MustAPI(200, "PUT", "/api/v1/officers/vhtt-tunganh", body, &off)
	if !off.Created || !off.Changed || off.Officer.ScopeName != "Xã Tùng Ảnh" || off.Officer.GroupID != "9900000000000000002" {
		t.Errorf("new officer: %+v", off)
	}
	h.MustAPI(200, "PUT", "/api/v1/officers/vhtt-tunganh", body, &off)
	if off.Created || off.Changed {
		t.Errorf("same officer again: %+v", off)
	}
	h.MustAPI(200, "PUT", "/api/v1/officers/ha-tinh-skhcn", `{"name": "Sở KH&CN Hà Tĩnh", "zalo_id": "1100000000000000013", "scope": "42"}`, &off)
	if off.Created || !off.Changed || off.Officer.GroupID != "" {
		t.Errorf("officer replaced whole: %+v", off)
	}
	var list struct {
		Officers []struct {
			ID        string `json:"id"`
			Scope     string `json:"scope"`
			ScopeName string `json:"scope_name"`
			GroupID   string `json:"group_id"`
			ZaloID    string `json:"zalo_id"`
		}
	}
	h.MustAPI(200, "GET", "/api/v1/officers", "", &list)
	if got := fmt.Sprintf("%+v", list.Officers); got != "[{ID:ha-tinh-skhcn Scope:42 ScopeName:Tỉnh Hà Tĩnh GroupID: ZaloID:1100000000000000013} {ID:vhtt-tunganh Scope:42.18 ScopeName:Xã Tùng Ảnh GroupID:9900000000000000002 ZaloID:}]" {
		t.Errorf("officers: %s", got)
	}
	var audit auditAnswer
	h.MustAPI(200, "GET", "/api/v1/audit?after=1", "", &audit)
	var actions []string
	for _, e := range audit.Entries {
		actions = append(actions, e.Action+" "+e.Subject+" "+e.Detail)
	}
	want := "approver.set 1100000000000000011 unit 42.18 (was 1100000000000000009)\n" +
		"approver.set 1100000000000000012 unit 42.18.02\n" +
		"officer.set vhtt-tunganh scope 42.18, group 9900000000000000002\n" +
		"officer.set ha-tinh-skhcn scope 42, person 1100000000000000013"
	if strings.Join(actions, "\n") != want {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(actions, "\n"), want)
	}
	// Paging: one at a time, then nothing after the last.
	h.MustAPI(200, "GET", "/api/v1/audit?limit=1", "", &audit)
	if len(audit.Entries) != 1 || audit.Next != 1 || audit.Entries[0].Action != "directory.imported" {
		t.Errorf("first page: %+v", audit)
	}
	h.MustAPI(200, "GET", "/api/v1/audit?after=5", "", &audit)
	if len(audit.Entries) != 0 || audit.Next != 5 {
		t.Errorf("after the last: %+v", audit)
	}
}

type requestsAnswer struct {
	Requests []struct {
		store.Request
		TeamName string `json:"team_name"`
	} `json:"requests"`
	Total int `json:"total"`
}

func (a requestsAnswer) String() string {
	var s []string
	for _, r := range a.Requests {
		var steps []string
		for _, st := range r.History {
			steps = append(steps, st.Action)
		}
		s = append(s, fmt.Sprintf("#%d %s %s %s %s [%s]", r.ID, r.Kind, r.Team, r.ZaloID, r.State, strings.Join(steps, " ")))
	}
	return strings.Join(s, "\n")
}

// A resident asks to join by chat; the request shows under its commune with its history.
func TestAdminRequestsFromChat(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	r := bottest.NewReplayer(t, h.Harness)
	script := func(lines string) {
		t.Helper()
		for _, line := range strings.Split(lines, "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if err := r.Step(line); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
		}
		if err := r.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	script(`
		@who hung = ` + hung + `
		@who chutich = ` + chutich + `
		@who lan = ` + lan + `
		lan> tham gia
		<lan: tham gia tổ ở xã/phường nào
		lan> TA01
		<lan: (chia sẻ thông tin)
		<lan: Mời bạn nhập họ và tên
		lan> (thông tin) Lê Thị Lan; +84 983 111 222
		<lan: Luật Bảo vệ dữ liệu cá nhân [Tôi đồng ý | Không đồng ý]
		lan> dong y
		<lan: Họ tên: Lê Thị Lan
		lan> [Gửi yêu cầu]
		<lan: Đã gửi yêu cầu số 1
		<hung: Yêu cầu số 1: Lê Thị Lan (0983111222) xin tham gia
		hung> [Giới thiệu]
		<hung: Đã chuyển yêu cầu số 1 lên UBND xã
		<lan: đã được tổ trưởng đồng ý
		<chutich: Yêu cầu số 1: Lê Thị Lan [Phê duyệt | Từ chối]
	`)
	// A request in the other commune, made the way the join flow makes it.
	err := h.DB.Update(func(tx *store.Tx) error {
		_, err := tx.CreateRequest(store.Request{Kind: store.RequestLeave, Team: "TL-HL", ZaloID: tam, Reason: "chuyển công tác"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got requestsAnswer
	h.MustAPI(200, "GET", "/api/v1/requests?unit=42.18", "", &got)
	if want := "#1 join TA-T1 " + lan + " await_approver [created recommended]"; got.String() != want || got.Requests[0].TeamName != "Tổ CNSCĐ thôn 1" || got.Requests[0].Phone != "0983111222" {
		t.Errorf("open requests in Tùng Ảnh:\n%s\nwant:\n%s", got, want)
	}
	h.MustAPI(200, "GET", "/api/v1/requests", "", &got)
	if want := "#2 leave TL-HL " + tam + " await_leader [created]\n#1 join TA-T1 " + lan + " await_approver [created recommended]"; got.String() != want {
		t.Errorf("every open request, newest first:\n%s\nwant:\n%s", got, want)
	}
	var team struct {
		OpenRequests []struct {
			ID    uint64 `json:"id"`
			State string `json:"state"`
		} `json:"open_requests"`
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if len(team.OpenRequests) != 1 || team.OpenRequests[0].ID != 1 {
		t.Errorf("team's open requests: %+v", team.OpenRequests)
	}

	script(`
		chutich> [Phê duyệt]
		<chutich: Đã phê duyệt yêu cầu số 1
		<lan: Bạn đã chính thức là thành viên Tổ CNSCĐ thôn 1
		<hung: Lê Thị Lan đã được phê duyệt
	`)
	h.MustAPI(200, "GET", "/api/v1/requests?unit=42.18", "", &got)
	if len(got.Requests) != 0 {
		t.Errorf("open requests after approval:\n%s", got)
	}
	h.MustAPI(200, "GET", "/api/v1/requests?unit=42.18&state=all", "", &got)
	if want := "#1 join TA-T1 " + lan + " approved [created recommended approved]"; got.String() != want || got.Requests[0].History[2].By != chutich {
		t.Errorf("all requests in Tùng Ảnh:\n%s\nwant:\n%s", got, want)
	}
	h.MustAPI(200, "GET", "/api/v1/requests?unit=42.20&state=all&limit=1", "", &got)
	if want := "#2 leave TL-HL " + tam + " await_leader [created]"; got.String() != want || got.Total != 1 {
		t.Errorf("requests in Tùng Lộc:\n%s\nwant:\n%s", got, want)
	}
	// The approval in chat is in the audit log too.
	var audit auditAnswer
	h.MustAPI(200, "GET", "/api/v1/audit", "", &audit)
	found := false
	for _, e := range audit.Entries {
		found = found || (e.Action == "join.approved" && e.Actor == chutich && e.Subject == lan)
	}
	if !found {
		t.Errorf("no join.approved in the audit log: %+v", audit.Entries)
	}
}

func TestAdminReportsWithVersions(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	loc := bottest.Loc(t)
	file := func(team, period, by, households string, at time.Time) {
		t.Helper()
		err := h.DB.Update(func(tx *store.Tx) error {
			_, err := tx.SaveReport(store.Report{Team: team, Period: period, FiledBy: by, Role: "leader", FiledAt: at,
				Answers: map[string]string{"households": households, "gov": "Hướng dẫn nộp hồ sơ trực tuyến"}, Question: "default"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	file("TA-T1", "2026-10", hung, "12", time.Date(2026, 10, 15, 10, 0, 0, 0, loc))
	file("TA-T1", "2026-10", hung, "21", time.Date(2026, 10, 25, 10, 0, 0, 0, loc)) // a correction after the cutoff
	file("TA-T1", "2026-11", mai, "7", time.Date(2026, 11, 18, 10, 0, 0, 0, loc))
	file("TL-HL", "2026-10", tam, "30", time.Date(2026, 10, 22, 10, 0, 0, 0, loc)) // late: cutoff the 20th

	var reps struct {
		Team struct {
			Code string `json:"code"`
		} `json:"team"`
		Reports []struct {
			Period   string         `json:"period"`
			Versions []store.Report `json:"versions"`
		} `json:"reports"`
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1/reports", "", &reps)
	var got []string
	for _, p := range reps.Reports {
		for _, v := range p.Versions {
			got = append(got, fmt.Sprintf("%s v%d %s %s", p.Period, v.Version, v.FiledBy, v.Answers["households"]))
		}
	}
	if want := "2026-11 v1 " + mai + " 7|2026-10 v1 " + hung + " 12|2026-10 v2 " + hung + " 21"; strings.Join(got, "|") != want || reps.Team.Code != "TA-T1" {
		t.Errorf("TA-T1 reports:\n%s\nwant:\n%s", strings.Join(got, "|"), want)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-TL/reports", "", &reps)
	if len(reps.Reports) != 0 {
		t.Errorf("TA-TL has filed nothing: %+v", reps)
	}

	type period struct {
		Period          string `json:"period"`
		Expected, Filed int
		Teams           []struct {
			Team     struct{ Code string }
			Status   string        `json:"status"`
			Versions int           `json:"versions"`
			Report   *store.Report `json:"report"`
		}
	}
	summary := func(p period) string {
		var s []string
		for _, t := range p.Teams {
			line := fmt.Sprintf("%s %s %d", t.Team.Code, t.Status, t.Versions)
			if t.Report != nil {
				line += fmt.Sprintf(" v%d=%s", t.Report.Version, t.Report.Answers["households"])
			} else {
				line += " null"
			}
			s = append(s, line)
		}
		return fmt.Sprintf("%s %d/%d: %s", p.Period, p.Filed, p.Expected, strings.Join(s, ", "))
	}
	var p period
	h.MustAPI(200, "GET", "/api/v1/reports?unit=42.18&period=2026-10", "", &p)
	if want := "2026-10 1/2: TA-T1 on_time 2 v2=21, TA-TL missing 0 null"; summary(p) != want {
		t.Errorf("Tùng Ảnh, October:\n%s\nwant:\n%s", summary(p), want)
	}
	h.MustAPI(200, "GET", "/api/v1/reports?period=2026-10", "", &p)
	if want := "2026-10 2/3: TA-T1 on_time 2 v2=21, TA-TL missing 0 null, TL-HL late 1 v1=30"; summary(p) != want {
		t.Errorf("everywhere, October:\n%s\nwant:\n%s", summary(p), want)
	}
	h.MustAPI(200, "GET", "/api/v1/reports?unit=42&period=2026-11", "", &p)
	if want := "2026-11 1/3: TA-T1 on_time 1 v1=7, TA-TL missing 0 null, TL-HL missing 0 null"; summary(p) != want {
		t.Errorf("Hà Tĩnh, November (cutoff the 20th, today the 23rd):\n%s\nwant:\n%s", summary(p), want)
	}
	var team struct {
		LatestReport *struct {
			Period      string `json:"period"`
			Version     int    `json:"version"`
			Versions    int    `json:"versions"`
			FiledByName string `json:"filed_by_name"`
		} `json:"latest_report"`
		CurrentPeriod struct {
			Period, Cutoff, Status string
		} `json:"current_period"`
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if team.LatestReport == nil || team.LatestReport.Period != "2026-11" || team.LatestReport.Versions != 1 || team.LatestReport.FiledByName != "Trần Thị Mai" {
		t.Errorf("latest report: %+v", team.LatestReport)
	}
	if team.CurrentPeriod.Period != "2026-11" || team.CurrentPeriod.Cutoff != "2026-11-20" || team.CurrentPeriod.Status != "on_time" {
		t.Errorf("current period: %+v", team.CurrentPeriod)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-TL", "", &team)
	if team.LatestReport != nil || team.CurrentPeriod.Status != "missing" {
		t.Errorf("TA-TL: %+v", team)
	}
}

func TestAdminRemovesApproversAndOfficers(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	if code, _ := h.Do("DELETE", "/api/v1/approvers/42.18", "", ""); code != 401 {
		t.Errorf("without the token: %d", code)
	}
	// A village approver is removed: its teams go back to the commune's.
	h.MustAPI(200, "PUT", "/api/v1/approvers/42.18.02", `{"zalo_id": "1100000000000000012"}`, nil)
	h.MustAPI(200, "DELETE", "/api/v1/approvers/42.18.02", "", nil)
	var team struct {
		Approver struct {
			Unit   string `json:"unit"`
			ZaloID string `json:"zalo_id"`
		}
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-TL", "", &team)
	if team.Approver.Unit != "42.18" || team.Approver.ZaloID != chutich {
		t.Errorf("after removing the village approver, the team's approver is %+v", team.Approver)
	}
	before := h.snapshot()
	if code, body := h.Do("DELETE", "/api/v1/approvers/42.18.02", "", "admin-secret"); code != 404 || !strings.Contains(string(body), "unknown_approver") {
		t.Errorf("removing again: %d %s", code, body)
	}
	if code, body := h.Do("DELETE", "/api/v1/officers/nobody", "", "admin-secret"); code != 404 || !strings.Contains(string(body), "unknown_officer") {
		t.Errorf("unknown officer: %d %s", code, body)
	}
	if d := snapDiff(before, h.snapshot()); d != "" {
		t.Errorf("refused removals changed records:\n%s", d)
	}
	h.MustAPI(200, "DELETE", "/api/v1/officers/ha-tinh-skhcn", "", nil)
	var offs struct {
		Officers []store.Officer `json:"officers"`
	}
	h.MustAPI(200, "GET", "/api/v1/officers", "", &offs)
	if len(offs.Officers) != 0 {
		t.Errorf("officers after removal: %+v", offs.Officers)
	}
	var audit struct {
		Entries []store.AuditEntry `json:"entries"`
	}
	h.MustAPI(200, "GET", "/api/v1/audit?limit=1000", "", &audit)
	var actions []string
	for _, e := range audit.Entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "approver.removed") || !strings.Contains(got, "officer.removed") {
		t.Errorf("audit: %s", got)
	}
}

func TestAdminRoleChangesAreToldByChat(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/roles/"+mai, `{"role": "leader"}`, nil)
	h.MustAPI(200, "DELETE", "/api/v1/teams/TA-T1/roles/"+hung, "", nil)
	h.Settle()
	var got struct {
		Messages []store.Outcome `json:"messages"`
	}
	h.MustAPI(200, "GET", "/api/v1/messages", "", &got)
	var lines []string
	for _, m := range got.Messages {
		var body struct {
			Message struct{ Text string } `json:"message"`
		}
		json.Unmarshal(m.Body, &body)
		lines = append(lines, m.To+": "+body.Message.Text)
	}
	// Different people's messages go out in parallel; each person's in order.
	sort.SliceStable(lines, func(i, j int) bool { return lines[i][:19] < lines[j][:19] })
	want := []string{
		hung + ": Bạn đã được giao vai trò thành viên của Tổ CNSCĐ thôn 1.",
		hung + ": Bạn không còn trong danh sách Tổ CNSCĐ thôn 1. Cảm ơn bạn đã đóng góp!",
		mai + ": Bạn đã được giao vai trò tổ trưởng của Tổ CNSCĐ thôn 1. Nhắn \"báo cáo\" để gửi báo cáo tháng của tổ.",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

type groupAnswer struct {
	GroupID string `json:"group_id"`
	From    string `json:"from"`
}

// A unit or a team is linked to the Zalo group where its people are
// mentioned; a team without its own group uses the nearest unit's.
func TestAdminGroups(t *testing.T) {
	h := newAdminHarness(t)
	h.ImportFile("transcripts/tung-anh.json")
	var team struct {
		Team  store.Team  `json:"team"`
		Group groupAnswer `json:"group"`
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if team.Team.GroupID != "" || team.Group != (groupAnswer{}) {
		t.Errorf("before any group: %+v", team)
	}

	var unit struct {
		Unit struct {
			store.Unit
			Display string `json:"display"`
		} `json:"unit"`
		Previous string `json:"previous_group_id"`
		Changed  bool   `json:"changed"`
	}
	h.MustAPI(200, "PUT", "/api/v1/units/42.18/group", `{"group_id": " 9900000000000000018 "}`, &unit, "X-Admin-Actor", "Phòng VH-TT")
	if unit.Unit.Code != "42.18" || unit.Unit.GroupID != "9900000000000000018" || unit.Unit.Display != "Xã Tùng Ảnh" || unit.Previous != "" || !unit.Changed {
		t.Errorf("link the commune: %+v", unit)
	}
	var detail struct {
		Unit store.Unit   `json:"unit"`
		Path []store.Unit `json:"path"`
	}
	h.MustAPI(200, "GET", "/api/v1/units/42.18.01", "", &detail)
	if len(detail.Path) != 3 || detail.Path[1].GroupID != "9900000000000000018" || detail.Unit.GroupID != "" {
		t.Errorf("GET the village under it: %+v", detail)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if team.Team.GroupID != "" || team.Group != (groupAnswer{"9900000000000000018", "42.18"}) {
		t.Errorf("team under the linked commune: %+v", team)
	}

	var put struct {
		Team struct {
			store.Team
			UnitName string `json:"unit_name"`
		} `json:"team"`
		Previous string      `json:"previous_group_id"`
		Changed  bool        `json:"changed"`
		Group    groupAnswer `json:"group"`
	}
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/group", `{"group_id": "g_TA-T1"}`, &put)
	if put.Team.Code != "TA-T1" || put.Team.GroupID != "g_TA-T1" || put.Team.JoinCode != "TA01" || put.Team.UnitName != "Thôn 1" ||
		put.Previous != "" || !put.Changed || put.Group != (groupAnswer{"g_TA-T1", "team"}) {
		t.Errorf("link the team: %+v", put)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if team.Team.GroupID != "g_TA-T1" || team.Group != (groupAnswer{"g_TA-T1", "team"}) {
		t.Errorf("GET the linked team: %+v", team)
	}
	// The same group again changes nothing and audits nothing.
	before := h.snapshot()
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/group", `{"group_id": "g_TA-T1"}`, &put)
	if put.Changed || put.Previous != "g_TA-T1" {
		t.Errorf("same group again: %+v", put)
	}
	if d := snapDiff(before, h.snapshot()); d != "" {
		t.Errorf("the same group again changed records:\n%s", d)
	}
	// "" unlinks: the team goes back to its commune's group, then to none.
	h.MustAPI(200, "PUT", "/api/v1/teams/TA-T1/group", `{"group_id": ""}`, &put)
	if put.Team.GroupID != "" || put.Previous != "g_TA-T1" || !put.Changed || put.Group != (groupAnswer{"9900000000000000018", "42.18"}) {
		t.Errorf("unlink the team: %+v", put)
	}
	h.MustAPI(200, "PUT", "/api/v1/units/42.18/group", `{"group_id": ""}`, &unit)
	if unit.Unit.GroupID != "" || unit.Previous != "9900000000000000018" || !unit.Changed {
		t.Errorf("unlink the commune: %+v", unit)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if team.Group != (groupAnswer{}) {
		t.Errorf("no group left: %+v", team.Group)
	}

	var audit auditAnswer
	h.MustAPI(200, "GET", "/api/v1/audit?after=1", "", &audit)
	var actions []string
	for _, e := range audit.Entries {
		actions = append(actions, strings.Join([]string{e.Actor, e.Action, e.Subject, e.Team, e.Detail}, "|"))
	}
	want := "Phòng VH-TT|unit.group_set|42.18||group 9900000000000000018 (was -)\n" +
		"admin|team.group_set|TA-T1|TA-T1|group g_TA-T1 (was -)\n" +
		"admin|team.group_set|TA-T1|TA-T1|unlinked (was g_TA-T1)\n" +
		"admin|unit.group_set|42.18||unlinked (was 9900000000000000018)"
	if got := strings.Join(actions, "\n"); got != want {
		t.Errorf("audit:\n%s\nwant:\n%s", got, want)
	}

	// A directory file sets them too: group_id on units and teams.
	h.MustAPI(200, "POST", "/api/v1/import?name=groups.json",
		`{"units": [{"code": "42", "group_id": "9900000000000000042"}], "teams": [{"code": "TA-TL", "group_id": "9900000000000000022"}]}`, nil)
	h.MustAPI(200, "GET", "/api/v1/teams/TA-T1", "", &team)
	if team.Group != (groupAnswer{"9900000000000000042", "42"}) {
		t.Errorf("TA-T1 after the province is linked by import: %+v", team.Group)
	}
	h.MustAPI(200, "GET", "/api/v1/teams/TA-TL", "", &team)
	if team.Team.GroupID != "9900000000000000022" || team.Group != (groupAnswer{"9900000000000000022", "team"}) {
		t.Errorf("TA-TL linked by import: %+v", team)
	}
}
