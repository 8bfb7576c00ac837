package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// sections of a directory file, in the order they are written.
var sections = []string{"question_sets", "units", "teams", "people", "approvers", "officers"}

// The shapes of the records in a directory file. A field that is a pointer may
// be left out to keep what the database holds.
type (
	unitJSON struct {
		Code     string        `json:"code"`
		Name     *string       `json:"name"`
		Level    *string       `json:"level"`
		FullName *string       `json:"full_name"`
		Parent   *string       `json:"parent"`
		Policy   *store.Policy `json:"policy"`
		GroupID  *string       `json:"group_id"`
	}
	teamJSON struct {
		Code     string        `json:"code"`
		Name     *string       `json:"name"`
		Unit     *string       `json:"unit"`
		JoinCode *string       `json:"join_code"`
		Policy   *store.Policy `json:"policy"`
		GroupID  *string       `json:"group_id"`
		Created  *string       `json:"created"`
	}
	personJSON struct {
		ZaloID string     `json:"zalo_id"`
		Name   string     `json:"name"`
		Phone  string     `json:"phone"`
		Roles  []roleJSON `json:"roles"`
	}
	roleJSON struct {
		Team string `json:"team"`
		Role string `json:"role"`
	}
)

func jsonField(f string) string { return f }

// parseDirectory reads a JSON object with any of the sections; "about" is
// free text for the people who keep the file.
func parseDirectory(file string, data []byte) *batch {
	b := &batch{file: file}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		b.syntaxError(data, err)
		return b
	}
	var unknown []string
	for k := range top {
		if k != "about" && !contains(sections, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		b.add("", k, "unknown section: want %s (or about)", strings.Join(sections, ", "))
	}
	if raw, ok := top["about"]; ok {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			b.add("", "about", "want a text")
		}
	}
	for _, sec := range sections {
		raw, ok := top[sec]
		if !ok {
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			b.add("", sec, "want a list [ … ] of records")
			continue
		}
		for i, item := range items {
			row := fmt.Sprintf("%s[%d]", sec, i+1)
			switch sec {
			case "question_sets":
				var q store.QuestionSet
				if b.decode(row, item, &q) {
					b.parseQuestionSet(row, q)
				}
			case "units":
				var u unitJSON
				if b.decode(row, item, &u) {
					b.parseUnit(row, i, u)
				}
			case "teams":
				var t teamJSON
				if b.decode(row, item, &t) {
					b.parseTeam(row, t)
				}
			case "people":
				var p personJSON
				if b.decode(row, item, &p) {
					b.parsePerson(row, p)
				}
			case "approvers":
				var a store.Approver
				if b.decode(row, item, &a) {
					b.parseApprover(row, a)
				}
			case "officers":
				var o store.Officer
				if b.decode(row, item, &o) {
					b.parseOfficer(row, o)
				}
			}
		}
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// syntaxError reports malformed JSON at its line and column.
func (b *batch) syntaxError(data []byte, err error) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(data, se.Offset)
		b.add(fmt.Sprintf("line %d", line), "", "malformed JSON at column %d: %v", col, err)
		return
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		b.add("", "", "want a JSON object with the sections %s", strings.Join(sections, ", "))
		return
	}
	b.add("", "", "malformed JSON: %v", err)
}

// position turns a byte offset (just past the error) into a line and a column, both from 1.
func position(data []byte, off int64) (line, col int) {
	off = max(0, min(off-1, int64(len(data))))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + len([]rune(string(before[bytes.LastIndexByte(before, '\n')+1:])))
	return line, col
}

// decode reads one record strictly: a misspelt field is an error, not a silent default.
func (b *batch) decode(row string, raw json.RawMessage, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return true
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field == "":
		b.add(row, "", "want an object { … }, got %s", te.Value)
	case errors.As(err, &te):
		b.add(row, te.Field, "want %s, got %s", kindName(te.Type.Kind().String()), te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		b.add(row, strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "unknown field")
	default:
		b.add(row, "", "%v", err)
	}
	return false
}

func kindName(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "string":
		return "a text"
	case k == "bool":
		return "true or false"
	case k == "slice":
		return "a list"
	default:
		return "an object"
	}
}

func (b *batch) parseQuestionSet(row string, q store.QuestionSet) {
	q.ID = strings.TrimSpace(q.ID)
	q.Name = cleanText(q.Name)
	if err := checkCode(q.ID); err != nil {
		b.add(row, "id", "%v", err)
		return
	}
	if len(q.Questions) == 0 {
		b.add(row, "questions", "required: at least one question")
		return
	}
	seen := map[string]int{}
	ok := true
	for j := range q.Questions {
		qq := &q.Questions[j]
		f := fmt.Sprintf("questions[%d].", j+1)
		qq.ID, qq.Label, qq.Pillar = strings.TrimSpace(qq.ID), cleanText(qq.Label), cleanText(qq.Pillar)
		qq.Kind = strings.ToLower(strings.TrimSpace(qq.Kind))
		bad := func(field, format string, args ...any) { b.add(row, f+field, format, args...); ok = false }
		if err := checkCode(qq.ID); err != nil {
			bad("id", "%v", err)
		} else if prev, dup := seen[qq.ID]; dup {
			bad("id", "%q is already question %d", qq.ID, prev)
		}
		seen[qq.ID] = j + 1
		if qq.Label == "" {
			bad("label", "required")
		}
		if qq.Kind != store.QuestionCount && qq.Kind != store.QuestionText {
			bad("kind", "%q: want count or text", qq.Kind)
		}
		if qq.Max < 0 || (qq.Max > 0 && qq.Kind != store.QuestionCount) {
			bad("max", "a positive bound, for count questions only")
		}
	}
	if !ok {
		return
	}
	if err := q.Validate(); err != nil {
		b.add(row, "questions", "%v", err)
		return
	}
	b.qsets = append(b.qsets, qsetIn{row: row, qs: q})
}

// reporter records a problem with one field of the record being parsed.
type reporter func(field, format string, args ...any)

// optName cleans a name the file gives; nil keeps the stored one.
func optName(name *string, bad reporter) *string {
	if name == nil {
		return nil
	}
	n := cleanText(*name)
	if n == "" {
		bad("name", "must not be empty")
	}
	return &n
}

// optPolicy checks a policy the file gives: set tells it gave one, p is nil for no overrides.
func optPolicy(p *store.Policy, bad reporter) (set bool, _ *store.Policy) {
	if p == nil {
		return false, nil
	}
	np, field, err := normPolicy(p)
	if err != nil {
		bad(field, "%v", err)
	}
	return true, np
}

// optGroupID checks the Zalo group a unit or team is linked to: nil keeps the
// stored one, "" unlinks it.
func optGroupID(id *string, bad reporter) *string {
	if id == nil {
		return nil
	}
	g := strings.TrimSpace(*id)
	if err := store.ValidateGroupID(g); err != nil {
		bad("group_id", "%v", err)
	}
	return &g
}

func (b *batch) parseUnit(row string, index int, j unitJSON) {
	u := &unitIn{row: row, index: index, code: strings.TrimSpace(j.Code)}
	ok := true
	bad := func(field, format string, args ...any) { b.add(row, field, format, args...); ok = false }
	if err := checkCode(u.code); err != nil {
		bad("code", "%v", err)
	}
	u.name = optName(j.Name, bad)
	if j.Level != nil {
		l := levelWord(*j.Level)
		u.level = &l
	}
	if j.FullName != nil {
		f := cleanText(*j.FullName)
		u.fullName = &f
	}
	if j.Parent != nil {
		p := strings.TrimSpace(*j.Parent)
		if p != "" {
			if err := checkCode(p); err != nil {
				bad("parent", "%v", err)
			} else if p == u.code {
				bad("parent", "a unit cannot be its own parent")
			}
		}
		u.parent = &p
	}
	u.setPolicy, u.policy = optPolicy(j.Policy, bad)
	u.groupID = optGroupID(j.GroupID, bad)
	if ok {
		b.units = append(b.units, u)
	}
}

func (b *batch) parseTeam(row string, j teamJSON) {
	t := &teamIn{row: row, code: strings.TrimSpace(j.Code)}
	ok := true
	bad := func(field, format string, args ...any) { b.add(row, field, format, args...); ok = false }
	if err := checkCode(t.code); err != nil {
		bad("code", "%v", err)
	}
	t.name = optName(j.Name, bad)
	if j.Unit != nil {
		u := strings.TrimSpace(*j.Unit)
		if err := checkCode(u); err != nil {
			bad("unit", "%v", err)
		}
		t.unit = &u
	}
	if j.JoinCode != nil {
		jc := strings.ToUpper(strings.TrimSpace(*j.JoinCode))
		if jc != "" {
			if err := checkCode(jc); err != nil || len(jc) > 20 {
				bad("join_code", "%q: a join code is up to 20 letters and digits, without spaces", jc)
			}
		}
		t.joinCode = &jc
	}
	t.setPolicy, t.policy = optPolicy(j.Policy, bad)
	t.groupID = optGroupID(j.GroupID, bad)
	if j.Created != nil {
		if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(*j.Created), vietnam); err != nil {
			bad("created", "%q: want the date the team began, YYYY-MM-DD", *j.Created)
		} else {
			t.created = &d
		}
	}
	if ok {
		b.teams = append(b.teams, t)
	}
}

func (b *batch) parsePerson(row string, j personJSON) {
	p := &personIn{row: row, col: jsonField, zaloID: strings.TrimSpace(j.ZaloID), name: cleanText(j.Name)}
	ok := true
	bad := func(field, format string, args ...any) { b.add(row, field, format, args...); ok = false }
	if err := checkZaloID(p.zaloID); err != nil {
		bad("zalo_id", "%v", err)
	}
	if strings.TrimSpace(j.Phone) != "" {
		ph, err := normalizePhone(j.Phone)
		if err != nil {
			bad("phone", "%v", err)
		}
		p.phone = ph
	}
	for k, r := range j.Roles {
		f := fmt.Sprintf("roles[%d].", k+1)
		ri := roleIn{row: row, teamField: f + "team", roleField: f + "role", team: strings.TrimSpace(r.Team)}
		if err := checkCode(ri.team); err != nil {
			bad(ri.teamField, "%v", err)
		}
		role, err := parseRole(r.Role)
		if err != nil {
			bad(ri.roleField, "%v", err)
		}
		ri.role = role
		p.roles = append(p.roles, ri)
	}
	if ok {
		b.people = append(b.people, p)
	}
}

func (b *batch) parseApprover(row string, a store.Approver) {
	a.Unit, a.ZaloID, a.Name = strings.TrimSpace(a.Unit), strings.TrimSpace(a.ZaloID), cleanText(a.Name)
	ok := true
	if err := checkCode(a.Unit); err != nil {
		b.add(row, "unit", "%v", err)
		ok = false
	}
	if err := checkZaloID(a.ZaloID); err != nil {
		b.add(row, "zalo_id", "%v", err)
		ok = false
	}
	if ok {
		b.approvers = append(b.approvers, approverIn{row: row, a: a})
	}
}

func (b *batch) parseOfficer(row string, o store.Officer) {
	o.ID, o.Name, o.Scope = strings.TrimSpace(o.ID), cleanText(o.Name), strings.TrimSpace(o.Scope)
	o.GroupID, o.ZaloID = strings.TrimSpace(o.GroupID), strings.TrimSpace(o.ZaloID)
	ok := true
	bad := func(field, format string, args ...any) { b.add(row, field, format, args...); ok = false }
	if err := checkCode(o.ID); err != nil {
		bad("id", "%v", err)
	}
	if o.Name == "" {
		bad("name", "required")
	}
	if err := checkCode(o.Scope); err != nil {
		bad("scope", "%v", err)
	}
	if o.GroupID == "" && o.ZaloID == "" {
		bad("group_id", "required: the Zalo group that receives the digests (or zalo_id for one person)")
	}
	if err := store.ValidateDigestDays(o.DigestDays); err != nil {
		bad("digest_days", "%v", err)
	}
	if o.GroupID != "" {
		if err := checkZaloID(o.GroupID); err != nil {
			bad("group_id", "%v", err)
		}
	}
	if o.ZaloID != "" {
		if err := checkZaloID(o.ZaloID); err != nil {
			bad("zalo_id", "%v", err)
		}
	}
	if ok {
		b.officers = append(b.officers, officerIn{row: row, o: o})
	}
}

// vietnam is the time zone of dates in directory files (the whole country keeps UTC+7).
var vietnam = time.FixedZone("ICT", 7*3600)
