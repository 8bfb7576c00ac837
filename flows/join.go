package flows

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// maxChoices is how many buttons a choice shows before asking to type instead.
const maxChoices = 5

// ConsentVersion names the personal-data consent text shown (recorded with the consent).
const ConsentVersion = "2026-01"

var joinSteps = map[string]step{
	"commune": {prompt: joinCommunePrompt, answer: joinCommuneAnswer},
	"team":    {prompt: joinTeamPrompt, answer: joinTeamAnswer},
	"collab":  {prompt: joinCollabPrompt, answer: joinCollabAnswer},
	"name":    {prompt: joinNamePrompt, answer: joinNameAnswer},
	"phone":   {prompt: joinPhonePrompt, answer: joinPhoneAnswer},
	"consent": {prompt: joinConsentPrompt, answer: joinConsentAnswer},
	"confirm": {prompt: joinConfirmPrompt, answer: joinConfirmAnswer},
}

// startJoin opens a join request, at the team when it is already known (a join code).
func (c *convo) startJoin(team *store.Team) error {
	if r, ok, err := c.tx.OpenRequestOf(c.in.UserID, store.RequestJoin); err != nil {
		return err
	} else if ok {
		t, _, _ := c.tx.Team(r.Team)
		c.say(fmt.Sprintf(textJoinAlreadyAsked, r.ID, t.Name, stateTextAt(r.State, c.authority(r.Team))))
		return nil
	}
	if roles, err := c.tx.RolesOf(c.in.UserID); err != nil {
		return err
	} else if len(roles) > 0 {
		t, _, _ := c.tx.Team(roles[0].Team)
		c.say(fmt.Sprintf(textJoinAlreadyMember, roleText(roles[0].Role), t.Name))
		return c.menu()
	}
	if team == nil && c.in.Kind == KindText {
		if t, ok, err := joinCodeIn(c.tx, c.in.Text); err != nil {
			return err
		} else if ok {
			team = &t // "cho em vào tổ, mã tổ DEMO03 nha"
		}
	}
	if team == nil && c.in.Kind == KindText {
		// "cho em xin vào tổ thôn 2 xã Tùng Ảnh với ạ": the commune (after its level) and the village
		// named in the asking are not asked again.
		if u, _, named, err := c.e.namedCommune(c.tx, c.in.Text, ""); err != nil {
			return err
		} else if named {
			if v, _, inVillage, err := namedVillage(c.tx, c.in.Text, u.Code); err != nil {
				return err
			} else if inVillage {
				if teams, err := c.tx.TeamsOfUnit(v.Code); err != nil {
					return err
				} else if len(teams) == 1 {
					team = &teams[0]
				}
			}
			if team == nil {
				return c.begin("join", "team", map[string]string{"unit": u.Code})
			}
		}
	}
	if team == nil {
		return c.begin("join", "commune", nil)
	}
	if err := c.begin("join", "team", c.presetTeam(*team)); err != nil {
		return err
	}
	return nil
}

// communes are the units people choose first (store.Communes), cached while the directory does not
// change: a national list takes a moment to build, and a search runs inside the handling transaction.
func (c *convo) communes() ([]store.Unit, error) { return c.e.communesOf(c.tx) }

func (e *Engine) communesOf(tx *store.Tx) ([]store.Unit, error) {
	gen := tx.DirectoryGen()
	cc := &e.communes
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.built && cc.gen == gen {
		return cc.list, nil
	}
	list, err := tx.Communes()
	if err != nil {
		return nil, err
	}
	cc.list, cc.gen, cc.built = list, gen, true
	return list, nil
}

// communeCache holds store.Communes as of a directory generation. Only transactions that do not
// change the directory fill it (the conversations), so a generation names one list.
type communeCache struct {
	mu    sync.Mutex
	built bool
	gen   uint64
	list  []store.Unit
}

func joinCommunePrompt(c *convo) error {
	c.say(textJoinAskCommune)
	return nil
}

func joinCommuneAnswer(c *convo) error {
	text := strings.TrimSpace(c.in.Text)
	if code, ok := strings.CutPrefix(text, "#unit:"); ok {
		c.s.Data["unit"] = code
		return c.goTo("team")
	}
	if t, ok, err := joinCodeIn(c.tx, text); err != nil {
		return err
	} else if ok {
		for k, v := range c.presetTeam(t) {
			c.s.Data[k] = v
		}
		return c.goTo("team")
	}
	if text == "" {
		c.say(textJoinAskCommune)
		return nil
	}
	all, err := c.communes()
	if err != nil {
		return err
	}
	var found []store.Unit
	for _, q := range placeQueries(text) {
		if found = rank(q, all, func(u store.Unit) []string { return []string{u.Name, u.Display()} }); len(found) > 0 {
			break
		}
	}
	switch {
	case len(found) == 0:
		c.say(fmt.Sprintf(textJoinNoCommune, text))
	case len(found) == 1:
		c.s.Data["unit"] = found[0].Code
		return c.goTo("team")
	default:
		var buttons []Button
		for _, u := range found[:min(len(found), maxChoices)] {
			buttons = append(buttons, Button{Title: c.unitLabel(u), Payload: "#unit:" + u.Code})
		}
		c.say(textJoinPickCommune, buttons...)
	}
	return nil
}

// joinCodeIn is the team whose join code text holds as a word of letters and digits ("mã tổ là demo03
// á", "TA01"), the one code when it holds a single one.
func joinCodeIn(tx *store.Tx, text string) (store.Team, bool, error) {
	var found []store.Team
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
		if len(w) < 3 || len(w) > 16 || !strings.ContainsAny(w, "0123456789") || strings.Trim(w, "0123456789") == "" {
			continue // a code has letters and digits: "12" or "thôn" is none
		}
		t, ok, err := tx.TeamByJoinCode(w)
		if err != nil {
			return store.Team{}, false, err
		}
		if ok && !slices.ContainsFunc(found, func(f store.Team) bool { return f.Code == t.Code }) {
			found = append(found, t)
		}
	}
	if len(found) != 1 {
		return store.Team{}, false, nil
	}
	return found[0], true, nil
}

// unitLabel is a unit with its parent, to tell apart communes of the same name.
func (c *convo) unitLabel(u store.Unit) string {
	if p, ok, _ := c.tx.Unit(u.Parent); ok {
		return u.Display() + " (" + p.Name + ")"
	}
	return u.Display()
}

// rank keeps the items whose names match the typed text, best first.
func rank[T any](query string, items []T, names func(T) []string) []T {
	type scored struct {
		item  T
		score float64
	}
	var hits []scored
	for _, it := range items {
		best := 0.0
		for _, n := range names(it) {
			best = max(best, vntext.Similar(query, n))
		}
		if best > 0 {
			hits = append(hits, scored{it, best})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	// An exact name beats partial ones: "Thôn 1" should not offer "Thôn 10".
	if len(hits) > 1 && hits[0].score == 1 && hits[1].score < 1 {
		hits = hits[:1]
	}
	out := make([]T, len(hits))
	for i, h := range hits {
		out[i] = h.item
	}
	return out
}

// teamsUnder lists the teams in a unit's subtree (from the unit index: a search runs inside the handling transaction).
func (c *convo) teamsUnder(unit string) ([]store.Team, error) {
	if unit == "" {
		return nil, nil // no commune known (a broken path): not the whole country
	}
	return c.tx.TeamsUnder(unit)
}

func (c *convo) teamLabel(t store.Team) string {
	if u, ok, _ := c.tx.Unit(t.Unit); ok {
		return u.Display()
	}
	return t.Name
}

// presetTeam is the session data of a join that starts from a join code: the team, chosen
// once, and its commune, so that "quay lại" offers that commune's teams.
func (c *convo) presetTeam(t store.Team) map[string]string {
	data := map[string]string{"preset": t.Code}
	if u, err := c.tx.CommuneOf(t.Unit); err == nil {
		data["unit"] = u.Code
	}
	return data
}

func joinTeamPrompt(c *convo) error {
	if code := c.s.Data["preset"]; code != "" {
		delete(c.s.Data, "preset") // only the first time: back here means "let me choose"
		return c.chooseTeam(code)
	}
	teams, err := c.teamsUnder(c.s.Data["unit"])
	if err != nil {
		return err
	}
	u, _, _ := c.tx.Unit(c.s.Data["unit"])
	switch {
	case len(teams) == 0:
		c.say(fmt.Sprintf(textJoinNoTeams, u.Display()))
		return c.end()
	case len(teams) == 1:
		return c.chooseTeam(teams[0].Code)
	case len(teams) <= maxChoices:
		var buttons []Button
		for _, t := range teams {
			buttons = append(buttons, Button{Title: c.teamLabel(t), Payload: "#team:" + t.Code})
		}
		c.say(fmt.Sprintf(textJoinPickTeam, u.Display(), c.villageWordOf(teams)), buttons...)
	default:
		w := c.villageWordOf(teams)
		if w == textVillageWords {
			w = "thôn/ấp/khu phố"
		}
		first, _, _ := strings.Cut(w, "/")
		c.say(fmt.Sprintf(textJoinTypeVillage, u.Display(), len(teams), w, capitalize(first)))
	}
	return nil
}

func joinTeamAnswer(c *convo) error {
	text := strings.TrimSpace(c.in.Text)
	if code, ok := strings.CutPrefix(text, "#team:"); ok {
		return c.chooseTeam(code)
	}
	teams, err := c.teamsUnder(c.s.Data["unit"])
	if err != nil {
		return err
	}
	var found []store.Team
	for _, q := range placeQueries(text) {
		if found = rank(q, teams, func(t store.Team) []string { return []string{t.Name, c.teamLabel(t), t.JoinCode} }); len(found) > 0 {
			break
		}
	}
	switch {
	case len(found) == 1:
		return c.chooseTeam(found[0].Code)
	case len(found) > 1:
		var buttons []Button
		for _, t := range found[:min(len(found), maxChoices)] {
			buttons = append(buttons, Button{Title: c.teamLabel(t), Payload: "#team:" + t.Code})
		}
		c.say(textJoinPickOne, buttons...)
	default:
		c.say(fmt.Sprintf(textJoinNoVillage, text))
	}
	return nil
}

// chooseTeam settles the team, checking whether it still has room.
func (c *convo) chooseTeam(code string) error {
	t, ok, err := c.tx.Team(code)
	if err != nil {
		return err
	}
	if !ok {
		c.say(textStaleButton)
		return c.end()
	}
	c.s.Data["team"] = t.Code
	c.s.Data["role"] = store.RoleMember
	room, err := c.tx.RoomIn(t.Code)
	if err != nil {
		return err
	}
	if room.Full() {
		if !room.AllowsCollab {
			c.say(fmt.Sprintf(textJoinFull, t.Name, room.Max))
			return c.end()
		}
		return c.goTo("collab")
	}
	return c.goTo("name")
}

func joinCollabPrompt(c *convo) error {
	t, _, _ := c.tx.Team(c.s.Data["team"])
	room, err := c.tx.RoomIn(t.Code)
	if err != nil {
		return err
	}
	c.say(fmt.Sprintf(textJoinFullCollab, t.Name, room.Max), btnYes, btnNo)
	return nil
}

func joinCollabAnswer(c *convo) error {
	switch {
	case isYes(c.in.Text):
		c.s.Data["role"] = store.RoleCollaborator
		return c.goTo("name")
	case isNo(c.in.Text):
		c.say(textJoinNoThanks)
		return c.end()
	}
	return c.prompt()
}

func joinNamePrompt(c *convo) error {
	c.out = append(c.out, Reply{ToUser: c.in.UserID, Text: textAskInfoTitle, AskInfo: true})
	c.say(textJoinAskName)
	return nil
}

func joinNameAnswer(c *convo) error {
	if c.in.Kind == KindSubmitInfo {
		if name := cleanName(c.in.Name); name != "" {
			c.s.Data["name"] = name
		}
		if phone, ok := vntext.NormalizePhone(c.in.Phone); ok && c.s.Data["name"] != "" {
			c.s.Data["phone"] = phone
			return c.goTo("consent")
		}
		if c.s.Data["name"] == "" {
			c.say(textJoinAskName)
			return nil
		}
		return c.goTo("phone")
	}
	name, phone := nameAndPhone(c.in.Text)
	if name != "" && (vntext.IsCourtesy(name) || vntext.IsYes(name) || vntext.IsNo(name) || onlyCommandWords(name)) {
		c.say(textJoinNotAName) // "cảm ơn", "ok", "đồng ý", "gửi yêu cầu": not a name
		return nil
	}
	if name == "" {
		c.say(textJoinBadName)
		return nil
	}
	c.s.Data["name"] = name
	if phone != "" { // "Lê Thị Lan 0983 111 222", "tên: Lê Thị Lan, sđt 0983…": both at once
		c.s.Data["phone"] = phone
		return c.goTo("consent")
	}
	return c.goTo("phone")
}

// onlyCommandWords tells a "name" made only of words of the bot's commands and answers ("gửi yêu cầu",
// "tham gia tổ", "hủy"), which no one is called.
func onlyCommandWords(name string) bool {
	f := foldOf(name)
	for _, p := range []string{" nhe", " di", " a", " nha"} {
		f = strings.TrimSuffix(f, p)
	}
	return notNames[f]
}

// notNames are what people type at the name question that is the bot's words, not a name (folded,
// whole): real names share their syllables ("Cao Bảo Huy", "Đồng Gia Bảo"), so only whole phrases.
var notNames = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split("gui|gui yeu cau|gui di|yeu cau|tham gia|tham gia to|huy|huy bo|xoa|bao cao|dong y|ok|tiep tuc|"+
		"quay lai|bo qua|sua|xong|tro giup|menu|chia se|co|khong|roi|thoi|xac nhan|gui thong tin", "|") {
		m[p] = true
	}
	return m
}()

// nameAndPhone reads a name typed at the name question, with what people put around it ("tên: …",
// "em tên là …", "họ tên …") and a phone number after it when they give both at once.
func nameAndPhone(text string) (name, phone string) {
	words := strings.Fields(strings.NewReplacer(",", " ", ";", " ", ":", " ").Replace(text))
	for len(words) > 2 && (nameTail[strings.ToLower(words[len(words)-1])] || lowerFirst(words[len(words)-1]) && particles[vntext.Fold(words[len(words)-1])]) &&
		strings.ContainsAny(words[len(words)-2], "0123456789") {
		words = words[:len(words)-1] // "…, sđt 0987 123 456 ạ": a particle after the number ("Nguyễn Thị Phương" is a name)
	}
	// The phone: the digits (with + . - and spaces between) at the end.
	cut := len(words)
	for cut > 0 && strings.Trim(words[cut-1], "+0123456789.-()") == "" {
		cut--
	}
	if cut < len(words) {
		p, ok := vntext.NormalizePhone(strings.Join(words[cut:], " "))
		if !ok {
			return "", ""
		}
		phone = p
		// "sđt", "số điện thoại", "đt" before it.
		for cut > 0 {
			switch vntext.Fold(words[cut-1]) {
			case "sdt", "dt", "so", "dien", "thoai", "phone", "dd":
				cut--
				continue
			case "em", "la", "cua", "toi", "minh", "lien", "he": // "số điện thoại của em là", in small letters ("Nguyễn Thị Em" keeps hers)
				if lowerFirst(words[cut-1]) {
					cut--
					continue
				}
			}
			break
		}
	}
	words = words[:cut]
	// Phrases said before a name, whatever their case ("Tôi tên là Võ Văn Kiệt", "Họ tên: …", "Dạ, …"):
	// no surname is a phrase of these words.
	for len(words) > 2 {
		cut := 0
		for _, p := range namePhrases {
			n := len(p)
			if n >= len(words) || n <= cut || foldOf(strings.Join(words[:n], " ")) != strings.Join(p, " ") {
				continue
			}
			if n == 1 && !lowerFirst(words[0]) && !slices.Contains([]string{"dạ", "vâng"}, strings.ToLower(norm.NFC.String(words[0]))) {
				continue // "Đà", "Vàng": surnames that fold like "dạ", "vâng"
			}
			cut = n
		}
		if cut == 0 {
			break
		}
		words = words[cut:]
	}
	// Words said before a name, typed in small letters ("họ tên", "em tên là", "chị"): a name's first
	// word has its capital ("Hồ Thị Lan", "Chu Văn An", "La Văn Cầu" keep theirs).
	for len(words) > 2 && lowerFirst(words[0]) && (leadBeforeName[vntext.Fold(words[0])] || titles[vntext.Fold(words[0])]) {
		words = words[1:]
	}
	for len(words) > 1 && lowerFirst(words[0]) && leadBeforeName[vntext.Fold(words[0])] {
		words = words[1:] // "tên Lan", "em Hoa"
	}
	for len(words) > 1 && nameTail[strings.ToLower(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	return cleanName(strings.Join(words, " ")), phone
}

// namePhrases open a name as said (folded): two words or more, or words no surname is.
var namePhrases = func() [][]string {
	var out [][]string
	for _, p := range []string{"toi ten la", "toi ten", "toi la", "em ten la", "em ten", "em la", "ten em la", "ten toi la", "ten minh la",
		"tui ten la", "tui ten", "tui la", "minh ten la", "minh ten", "minh la", "ho ten", "ho va ten", "ten la", "da", "vang", "da em",
		"chau ten la", "chau la"} {
		out = append(out, strings.Fields(p))
	}
	return out
}()

// lowerFirst: a word typed with a small first letter.
func lowerFirst(w string) bool {
	r := []rune(w)
	return len(r) > 0 && unicode.IsLower(r[0])
}

// leadBeforeName and titles are said before a person's name (folded); nameTail are particles said
// after it, as typed.
var (
	leadBeforeName = map[string]bool{"ten": true, "ho": true, "em": true, "toi": true, "minh": true, "la": true, "chau": true}
	titles         = map[string]bool{"chi": true, "anh": true, "co": true, "chu": true, "bac": true, "ong": true, "ba": true, "di": true, "thim": true, "ban": true}
	nameTail       = map[string]bool{"ạ": true, "nhé": true, "ah": true, "à": true, "a.": true, "ạ.": true}
)

// cleanName accepts a person's name: letters and spaces, two to 80 characters.
func cleanName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) < 2 || len([]rune(s)) > 80 || strings.HasPrefix(s, "#") {
		return ""
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != ' ' && r != '.' && r != '-' && r != '\'' {
			return ""
		}
	}
	return s
}

func joinPhonePrompt(c *convo) error {
	c.say(textJoinAskPhone)
	return nil
}

func joinPhoneAnswer(c *convo) error {
	phone, ok := vntext.NormalizePhone(c.in.Text)
	if !ok {
		_, phone = nameAndPhone(c.in.Text) // "sđt em là 0905 678 910": the number at the end, after its words
		ok = phone != ""
	}
	if c.in.Kind == KindSubmitInfo {
		phone, ok = vntext.NormalizePhone(c.in.Phone)
	}
	if !ok {
		c.say(textJoinBadPhone)
		return nil
	}
	c.s.Data["phone"] = phone
	return c.goTo("consent")
}

func joinConsentPrompt(c *convo) error {
	c.say(textConsent, Button{Title: "Tôi đồng ý", Payload: "đồng ý"}, Button{Title: "Không đồng ý", Payload: "không đồng ý"})
	return nil
}

func joinConsentAnswer(c *convo) error {
	switch {
	case isYes(c.in.Text):
		c.s.Data["consent_at"] = c.tx.Now().UTC().Format("2006-01-02T15:04:05Z07:00")
		return c.goTo("confirm")
	case isNo(c.in.Text):
		c.say(textConsentDeclined)
		return c.end()
	}
	c.say(textConsentNeedAnswer)
	return nil
}

func joinConfirmPrompt(c *convo) error {
	t, _, _ := c.tx.Team(c.s.Data["team"])
	c.say(fmt.Sprintf(textJoinSummary, c.s.Data["name"], c.s.Data["phone"], t.Name, c.teamLabel(t), roleText(c.s.Data["role"])),
		Button{Title: "Gửi yêu cầu", Payload: "gửi"}, Button{Title: "Sửa thông tin", Payload: "sửa"}, btnCancel)
	return nil
}

func joinConfirmAnswer(c *convo) error {
	switch f := vntext.Fold(c.in.Text); {
	case f == "sua":
		return c.goTo("name")
	case f == "gui" || isYes(c.in.Text):
		return c.submitJoin()
	case isNo(c.in.Text):
		return c.command(cmdCancel) // "không" to "Gửi yêu cầu?"
	}
	return c.prompt()
}

// submitJoin files the request and asks the leader (or, without one, the approver).
func (c *convo) submitJoin() error {
	team, ok, err := c.tx.Team(c.s.Data["team"])
	if err != nil {
		return err
	}
	if !ok {
		c.say(textStaleButton)
		return c.end()
	}
	p, _, err := c.tx.Person(c.in.UserID)
	if err != nil {
		return err
	}
	p.ZaloID, p.Name, p.Phone = c.in.UserID, c.s.Data["name"], c.s.Data["phone"]
	p.ConsentAt, p.ConsentVersion = c.tx.Now(), ConsentVersion
	if err := c.tx.PutPerson(p); err != nil {
		return err
	}
	r, err := c.tx.CreateRequest(store.Request{Kind: store.RequestJoin, Team: team.Code, ZaloID: c.in.UserID,
		Name: p.Name, Phone: p.Phone, Role: c.s.Data["role"]})
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	return c.route(r, fmt.Sprintf(textJoinSent, r.ID, team.Name))
}

// route sends a new request to its first decider and tells the requester.
func (c *convo) route(r store.Request, ack string) error {
	lead, hasLead, err := c.tx.Leader(r.Team)
	if err != nil {
		return err
	}
	if hasLead && lead != r.ZaloID {
		c.say(ack + " " + fmt.Sprintf(textWaitLeader, c.personName(lead), c.authority(r.Team)))
		c.tellDecision(lead, r, c.leaderButtons(r))
		return nil
	}
	// No leader (or the leader is the one leaving): the approver decides alone.
	r, err = c.tx.UpdateRequest(r, store.StateAwaitApprover, "system", "to_approver", "no leader to recommend")
	if err != nil {
		return err
	}
	return c.toApprover(r, ack)
}

func (c *convo) toApprover(r store.Request, ack string) error {
	a, skipped, ok, err := c.tx.ApproverForRequest(r.Team, r.ZaloID)
	if err != nil {
		return err
	}
	if skipped {
		// The requester approves for this team: never their own request; the history says why.
		note := "requester is the team's approver: "
		if ok {
			note += "decided by the next approver up, " + a.ZaloID
		} else {
			note += "no approver above: decided through the admin API"
		}
		if r, err = c.tx.UpdateRequest(r, r.State, "system", "approver_skipped", note); err != nil {
			return err
		}
	}
	if !ok {
		if ack != "" {
			c.say(ack + " " + textNoApprover)
		} else {
			c.tell(r.ZaloID, textNoApprover) // after the leader's recommendation: the requester hears it
		}
		return nil
	}
	if ack != "" {
		c.say(ack + " " + fmt.Sprintf(textWaitApprover, c.authority(r.Team)))
	}
	c.tellDecision(a.ZaloID, r, []Button{{Title: "Phê duyệt", Payload: fmt.Sprintf("#rq:%d:app", r.ID)}, {Title: "Từ chối", Payload: fmt.Sprintf("#rq:%d:rej", r.ID)}})
	return nil
}

func (c *convo) leaderButtons(r store.Request) []Button {
	if r.Kind == store.RequestLeave {
		return []Button{{Title: "Đồng ý, đề xuất", Payload: fmt.Sprintf("#rq:%d:rec", r.ID)}, {Title: "Không đồng ý", Payload: fmt.Sprintf("#rq:%d:dec", r.ID)}}
	}
	return []Button{{Title: "Giới thiệu", Payload: fmt.Sprintf("#rq:%d:rec", r.ID)}, {Title: "Từ chối", Payload: fmt.Sprintf("#rq:%d:dec", r.ID)}}
}

// requestText describes a request to the person who must decide it.
func (c *convo) requestText(r store.Request) string {
	t, _, _ := c.tx.Team(r.Team)
	if r.Kind == store.RequestLeave {
		return fmt.Sprintf(textLeaveRequest, r.ID, c.personName(r.ZaloID), roleText(c.tx.RoleIn(r.Team, r.ZaloID)), t.Name, r.Reason)
	}
	return fmt.Sprintf(textJoinRequest, r.ID, r.Name, r.Phone, roleText(r.Role), t.Name)
}

func (c *convo) personName(zaloID string) string {
	if p, ok, _ := c.tx.Person(zaloID); ok && p.Name != "" {
		return p.Name
	}
	return textSomeone
}

func isYes(s string) bool { return vntext.IsYes(s) }
func isNo(s string) bool  { return vntext.IsNo(s) }
