package flows

import (
	"errors"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// decideSteps is the side conversation that collects the reason of a refusal.
var decideSteps = map[string]step{
	// "giới thiệu 29", "à thôi, cho chị ấy vào đi" decide otherwise: not "thôi" the cancel command.
	"reason": {prompt: decideReasonPrompt, answer: decideReasonAnswer, owns: decidesInstead},
}

// decide handles a leader's or approver's button on a request: rec/dec by the leader, app/rej by the approver.
func (c *convo) decide(idText, action, reason string) error {
	r, ok, err := c.requestNamed(idText)
	if err != nil || !ok {
		return err
	}
	actor := c.in.UserID
	var wantState string
	switch action {
	case "rec", "dec":
		wantState = store.StateAwaitLeader
	case "app", "rej":
		wantState = store.StateAwaitApprover
	default:
		c.say(textUnknownRequest)
		return nil
	}
	mayAct, err := c.mayDecide(r, action)
	if err != nil {
		return err
	}
	if !mayAct {
		c.say(fmt.Sprintf(textNotYours, r.ID))
		return nil
	}
	if r.State != wantState {
		c.sayState(r)
		return nil
	}
	switch action {
	case "rec":
		if r, err = c.tx.UpdateRequest(r, store.StateAwaitApprover, actor, "recommended", ""); err != nil {
			return err
		}
		c.say(fmt.Sprintf(textRecommended, r.ID, c.authority(r.Team)))
		c.tell(r.ZaloID, fmt.Sprintf(textToRequesterRecommended, r.ID, c.authority(r.Team)))
		return c.toApprover(r, "")
	case "app":
		var refused *ApprovalRefusedError
		if err := c.approve(r); err != nil && !errors.As(err, &refused) {
			return err
		}
		return nil
	}
	if reason != "" { // typed with the refusal: "từ chối vì chưa đủ tuổi"
		others, err := c.refuse(r.ID, action, reason)
		c.out = append(c.out, others...)
		return err
	}
	// A refusal needs its reason first (asked once: "Từ chối" tapped again asks the same question again).
	if c.s != nil && c.s.Flow == "decide" && sameRequest(c.s.Data["id"], idText) {
		return c.prompt()
	}
	return c.begin("decide", "reason", map[string]string{"id": idText, "action": action})
}

// requestNamed is the request a button or a message names by its number; ok is false (and the
// person told) when there is none.
func (c *convo) requestNamed(idText string) (store.Request, bool, error) {
	id, err := store.ParseRequestID(idText)
	if err != nil {
		c.say(textUnknownRequest)
		return store.Request{}, false, nil
	}
	r, ok, err := c.tx.Request(id)
	if err != nil || ok {
		return r, ok, err
	}
	c.say(textUnknownRequest)
	// Which ones there are: those waiting for this person ("đồng ý yêu cầu số 3" when 1 and 2 wait).
	if waiting, err := c.waitingFor(c.in.UserID); err != nil {
		return r, false, err
	} else if len(waiting) > 0 {
		ids := make([]string, len(waiting))
		for i, w := range waiting {
			ids[i] = strconv.FormatUint(w.ID, 10)
		}
		c.say(fmt.Sprintf(textWaitingAre, strings.Join(ids, ", ")))
	}
	return r, false, nil
}

// sayState explains why a decision cannot be made now: someone else's turn, or already decided.
func (c *convo) sayState(r store.Request) {
	if r.Open() {
		c.say(fmt.Sprintf(textRequestWaiting, r.ID, stateTextAt(r.State, c.authority(r.Team))))
		return
	}
	text := fmt.Sprintf(textAlreadyDecided, r.ID, stateTextAt(r.State, c.authority(r.Team)))
	if n := len(r.History); n > 0 && (r.State == store.StateDeclined || r.State == store.StateRejected) && r.History[n-1].Note != "" {
		text += " " + fmt.Sprintf(textRefusalWhy, r.History[n-1].Note) // "sao yêu cầu của em bị từ chối vậy ạ"
	}
	c.say(text)
}

func decideReasonPrompt(c *convo) error {
	c.say(fmt.Sprintf(textAskRefusalReason, c.s.Data["id"]))
	return nil
}

func decideReasonAnswer(c *convo) error {
	reason := strings.TrimSpace(c.in.Text)
	if c.in.Kind != KindText || reason == "" || strings.HasPrefix(reason, "#") {
		c.say(fmt.Sprintf(textAskRefusalReason, c.s.Data["id"]))
		return nil
	}
	if id, yes, why, ok := typedRequestDecision(reason); ok {
		// "giới thiệu 29", "phê duyệt 19": a decision, this request's or another's, in place of the reason.
		if asked := c.s.Data["id"]; !sameRequest(id, asked) {
			c.say(fmt.Sprintf(textRefusalDropped, asked)) // the one refused waits still: said, not dropped silently
		}
		if err := c.end(); err != nil {
			return err
		}
		return c.decideTyped(id, yes, why)
	}
	switch f := vntext.Fold(reason); {
	case refusalRecalled(f), acceptsInstead(reason, c.requesterWords(c.s.Data["id"])):
		// Tapped by mistake: the request waits for them as before.
		c.say(fmt.Sprintf(textRefusalDropped, c.s.Data["id"]))
		return c.end()
	case !usableReason(reason):
		// "ko", "ok", "không" is not a reason the person refused would understand.
		c.say(fmt.Sprintf(textRefusalNeedsReason, c.s.Data["id"]))
		return nil
	}
	id, _ := store.ParseRequestID(c.s.Data["id"])
	others, err := c.refuse(id, c.s.Data["action"], reason)
	if err != nil {
		return err
	}
	// The side conversation ends after its outcome is said: a conversation it interrupted asks
	// its question again, and that question is the last thing the person reads.
	if err := c.end(); err != nil {
		return err
	}
	c.out = append(c.out, others...)
	return nil
}

// refuse records a refusal (action "dec" or "rej") of request id with its reason and says so to the
// person deciding; what the others involved are told is returned, to be sent after.
func (c *convo) refuse(id uint64, action, reason string) ([]Reply, error) {
	r, ok, err := c.tx.Request(id)
	if err != nil || !ok {
		return nil, err
	}
	// Someone may have decided meanwhile (two approvers, a stale button): check again.
	want := store.StateAwaitLeader
	state, verb := store.StateDeclined, "declined"
	if action == "rej" {
		want, state, verb = store.StateAwaitApprover, store.StateRejected, "rejected"
	}
	if r.State != want {
		c.sayState(r)
		return nil, nil
	}
	// The right to decide is checked again now, in the transaction that commits the decision:
	// an administrator may have replaced this leader or approver since the button was tapped.
	if may, err := c.mayDecide(r, action); err != nil {
		return nil, err
	} else if !may {
		c.say(fmt.Sprintf(textRightGone, r.ID))
		return nil, nil
	}
	if r, err = c.tx.UpdateRequest(r, state, c.in.UserID, verb, reason); err != nil {
		return nil, err
	}
	t, _, _ := c.tx.Team(r.Team)
	c.say(fmt.Sprintf(textRefusalRecorded, r.ID))
	others := []Reply{{ToUser: r.ZaloID, Text: fmt.Sprintf(textToRequesterRefused, r.ID, kindText(r.Kind), t.Name, reason)}}
	if action == "rej" {
		if lead, ok, _ := c.tx.Leader(r.Team); ok && lead != c.in.UserID && lead != r.ZaloID {
			others = append(others, Reply{ToUser: lead, Text: fmt.Sprintf(textToLeaderOutcome, r.ID, c.personName(r.ZaloID), stateTextAt(r.State, c.authority(r.Team))) +
				" " + fmt.Sprintf(textRefusalWhy, reason)}) // the leader who recommended is told why too
		}
	}
	return others, nil
}

// mayDecide tells whether the person writing may take action on r now: the team's leader
// recommends or declines, the request's approver approves or rejects.
func (c *convo) mayDecide(r store.Request, action string) (bool, error) {
	switch action {
	case "rec", "dec":
		lead, ok, err := c.tx.Leader(r.Team)
		return ok && lead == c.in.UserID && lead != r.ZaloID, err
	case "app", "rej":
		a, _, ok, err := c.tx.ApproverForRequest(r.Team, r.ZaloID)
		return ok && a.ZaloID == c.in.UserID, err
	}
	return false, nil
}

// ApprovalRefusedError is an approval the directory's rules refuse (a full team, a second commune):
// the request keeps waiting. Text says why, in Vietnamese; Unwrap gives store.ErrTeamFull or
// store.ErrOtherCommune.
type ApprovalRefusedError struct {
	Text string
	Err  error
}

func (e *ApprovalRefusedError) Error() string { return e.Text }
func (e *ApprovalRefusedError) Unwrap() error { return e.Err }

// refuseApproval tells the approver why, and returns the refusal (the chat treats it as answered).
func (c *convo) refuseApproval(text string, err error) error {
	c.say(text)
	return &ApprovalRefusedError{Text: text, Err: err}
}

// approve carries out an approved request: the roster changes and everyone involved is told.
func (c *convo) approve(r store.Request) error {
	t, _, err := c.tx.Team(r.Team)
	if err != nil {
		return err
	}
	lead, hasLead, err := c.tx.Leader(r.Team)
	if err != nil {
		return err
	}
	if r.Kind == store.RequestJoin {
		role := r.Role
		_, err := c.tx.AssignRole(r.Team, r.ZaloID, role)
		var full *store.FullError
		if errors.As(err, &full) && full.Room.AllowsCollab {
			role = store.RoleCollaborator // the team filled up while the request waited
			_, err = c.tx.AssignRole(r.Team, r.ZaloID, role)
		}
		var other *store.CommuneError
		switch {
		case errors.As(err, &full):
			return c.refuseApproval(fmt.Sprintf(textCannotApproveFull, r.ID, t.Name, full.Room.Max), err)
		case errors.As(err, &other):
			held, _, _ := c.tx.Team(other.Held.Team)
			return c.refuseApproval(fmt.Sprintf(textCannotApproveCommune, r.ID, held.Name, other.There.Display()), err)
		case err != nil:
			return err
		}
		if r, err = c.tx.UpdateRequest(r, store.StateApproved, c.in.UserID, "approved", role); err != nil {
			return err
		}
		c.say(fmt.Sprintf(textApproved, r.ID))
		c.tell(r.ZaloID, fmt.Sprintf(textToRequesterJoined, t.Name, roleText(role)))
		if hasLead && lead != c.in.UserID {
			c.tell(lead, fmt.Sprintf(textToLeaderNewMember, c.personName(r.ZaloID), roleText(role), t.Name))
		}
		return nil
	}
	wasRole := c.tx.RoleIn(r.Team, r.ZaloID)
	if err := c.tx.RemoveRole(r.Team, r.ZaloID); err != nil {
		return err
	}
	if r, err = c.tx.UpdateRequest(r, store.StateApproved, c.in.UserID, "approved", wasRole); err != nil {
		return err
	}
	c.say(fmt.Sprintf(textApproved, r.ID))
	c.tell(r.ZaloID, fmt.Sprintf(textToRequesterLeft, t.Name))
	if hasLead && lead != r.ZaloID && lead != c.in.UserID {
		c.tell(lead, fmt.Sprintf(textToLeaderMemberLeft, c.personName(r.ZaloID), t.Name))
	}
	if wasRole == store.RoleLeader {
		return c.askAppoint(t)
	}
	return nil
}

// ErrNotWaitingForApprover means an administrator tried to decide a request that is not waiting for an approver.
var ErrNotWaitingForApprover = errors.New("the request is not waiting for an approver")

// DecideAsAdmin approves or rejects, for an administrator (by), a request waiting for an approver:
// the way out when nobody up the tree may decide it (the approver asked it themself). The roster
// changes and the people are told exactly as when an approver decides by chat.
func (e *Engine) DecideAsAdmin(tx *store.Tx, id uint64, approve bool, reason, by string) (store.Request, []Reply, error) {
	r, ok, err := tx.Request(id)
	if err != nil {
		return r, nil, err
	}
	if !ok {
		return r, nil, store.ErrNotFound
	}
	if r.State != store.StateAwaitApprover {
		return r, nil, ErrNotWaitingForApprover
	}
	c := &convo{e: e, tx: tx, in: Input{UserID: by, Kind: KindText}}
	if approve {
		err = c.approve(r)
	} else {
		if r, err = tx.UpdateRequest(r, store.StateRejected, by, "rejected", reason); err == nil {
			t, _, _ := tx.Team(r.Team)
			c.tell(r.ZaloID, fmt.Sprintf(textToRequesterRefused, r.ID, kindText(r.Kind), t.Name, reason))
		}
	}
	if err != nil {
		return r, nil, err
	}
	var out []Reply
	for _, rep := range c.out {
		if rep.ToUser != by { // what the chat would say to the decider: the administrator reads the API's answer
			out = append(out, rep)
		}
	}
	r, _, err = tx.Request(id)
	return r, out, err
}

// askAppoint asks the approver to choose a new leader among the members.
func (c *convo) askAppoint(t store.Team) error {
	roster, err := c.tx.Roster(t.Code)
	if err != nil {
		return err
	}
	var buttons []Button
	for _, m := range roster {
		if m.Role == store.RoleCollaborator || len(buttons) == maxChoices {
			continue
		}
		buttons = append(buttons, Button{Title: c.personName(m.ZaloID), Payload: "#appoint:" + t.Code + ":" + m.ZaloID})
	}
	if len(buttons) == 0 {
		c.say(fmt.Sprintf(textNoOneToAppoint, t.Name))
		return nil
	}
	c.say(fmt.Sprintf(textAskAppoint, t.Name), buttons...)
	return nil
}

// appoint makes a member the leader of a team that has none; only its approver may.
func (c *convo) appoint(teamCode, zaloID string) error {
	t, ok, err := c.tx.Team(teamCode)
	if err != nil {
		return err
	}
	a, hasApprover, err := c.tx.ApproverFor(teamCode)
	if err != nil {
		return err
	}
	if !ok || !hasApprover || a.ZaloID != c.in.UserID {
		c.say(textNotYourTeam)
		return nil
	}
	if lead, has, err := c.tx.Leader(teamCode); err != nil {
		return err
	} else if has {
		c.say(fmt.Sprintf(textAlreadyHasLeader, t.Name, c.personName(lead)))
		return nil
	}
	if role := c.tx.RoleIn(teamCode, zaloID); role == "" || role == store.RoleCollaborator {
		c.say(textNotAMember)
		return nil
	}
	if _, err := c.tx.AssignRole(teamCode, zaloID, store.RoleLeader); err != nil {
		return err
	}
	if err := c.tx.Audit(store.AuditEntry{Actor: c.in.UserID, Action: "role.leader", Subject: zaloID, Team: teamCode}); err != nil {
		return err
	}
	c.say(fmt.Sprintf(textAppointed, c.personName(zaloID), t.Name))
	c.tell(zaloID, fmt.Sprintf(textToNewLeader, t.Name))
	return nil
}

// typedRequestDecision reads a decision on a numbered request typed in words: "duyệt 1", "phê duyệt
// yêu cầu số 1", "giới thiệu yc 3", "từ chối yêu cầu 2 vì chưa đủ tuổi" (the whole message is then the
// reason). It needs the verb first and the request's number right after it (with "yêu cầu", "số").
func typedRequestDecision(text string) (id string, yes bool, reason string, ok bool) {
	m := splitReason(text)
	words := m.words
	i := 0
	for i < len(words) && (words[i] == "em" || words[i] == "xin" || words[i] == "cho" || words[i] == "da" || words[i] == "vang") {
		i++
	}
	switch {
	case i+2 < len(words) && (words[i] == "khong" || words[i] == "ko" || words[i] == "k") && words[i+1] == "dong" && words[i+2] == "y":
		i = i + 3
	case i+1 < len(words) && (words[i] == "khong" || words[i] == "ko" || words[i] == "k") && words[i+1] == "duyet":
		i = i + 2
	case i+1 < len(words) && words[i] == "dong" && words[i+1] == "y":
		i, yes = i+2, true
	case i < len(words) && (words[i] == "ok" || words[i] == "oke"):
		i, yes = i+1, true
	case i+1 < len(words) && words[i] == "phe" && words[i+1] == "duyet":
		i, yes = i+2, true
	case i+1 < len(words) && words[i] == "gioi" && words[i+1] == "thieu":
		i, yes = i+2, true
	case i+1 < len(words) && words[i] == "chap" && words[i+1] == "thuan":
		i, yes = i+2, true
	case i < len(words) && words[i] == "duyet":
		i, yes = i+1, true
	case i+1 < len(words) && words[i] == "tu" && words[i+1] == "choi":
		i = i + 2
	default:
		return "", false, "", false
	}
	for i < len(words) && (words[i] == "yeu" || words[i] == "cau" || words[i] == "yc" || words[i] == "so" || words[i] == "don" ||
		words[i] == "duyet" || words[i] == "phe" || words[i] == "gioi" || words[i] == "thieu") {
		i++ // "ok duyệt 2", "đồng ý giới thiệu yêu cầu 2"
	}
	if i >= len(words) {
		return "", false, "", false
	}
	if _, err := store.ParseRequestID(words[i]); err != nil {
		return "", false, "", false
	}
	// After the number: polite words only, or a refusal's reason ("từ chối 2 vì …"). "em giới thiệu 1
	// bạn nữa vào tổ" names no request; "từ chối yêu cầu 1 được không?" asks.
	head := m.head
	if i >= len(head) || !onlyParticles(head[i+1:]) || putOff(m.before, head) || asks(text) || m.found && (yes || reasonAsks(m.reason) ||
		reasonPutOff(m.reason)) {
		return "", false, "", false
	}
	if m.found && usableReason(m.reason) {
		reason = m.reason
	}
	return words[i], yes, reason, true
}

// particles may follow a decision without changing it (folded): "duyệt nhé", "giới thiệu lên xã ạ".
var particles = map[string]bool{"nhe": true, "nha": true, "a": true, "luon": true, "di": true, "giup": true,
	"len": true, "xa": true, "phuong": true, "ok": true, "nhen": true, "nghe": true}

func onlyParticles(words []string) bool {
	for i := 0; i < len(words); i++ {
		w := words[i]
		// "giùm em", "giúp em", "hộ em", "cho bạn ấy", "dùm anh": for someone, after a word that says so.
		if w == "gium" || w == "dum" || w == "ho" || w == "cho" || w == "voi" || w == "giup" {
			for i+1 < len(words) && (forWhom[words[i+1]] || particles[words[i+1]]) {
				i++
			}
			continue
		}
		if particles[w] {
			continue
		}
		return false
	}
	return true
}

// forWhom may follow "giùm", "hộ", "cho": "em", "anh", "chị", "bạn ấy", "cháu".
var forWhom = map[string]bool{"em": true, "anh": true, "chi": true, "ban": true, "ay": true, "chau": true, "minh": true, "toi": true, "voi": true}

// usableReason tells a refusal's reason the person refused would understand: two words that say
// something, not a question — not "ok", "ko em", "vì thế", "như đã nói", "bạn ấy biết mà", "không có
// lý do", "ừ từ chối đó".
func usableReason(reason string) bool {
	if vntext.IsYes(reason) || vntext.IsNo(reason) || len([]rune(vntext.Fold(reason))) < 4 || reasonAsks(reason) || notYet(reason) ||
		startsAccepting(reason) || speaksFor(reason) || len([]rune(reason)) > maxReason {
		return false
	}
	said := 0
	for _, w := range wordsOf(reason) {
		if !emptyOfReason[w] {
			said++
		}
	}
	return said >= 2
}

// speaksFor: words in the applicant's favour ("Nam là người tốt mà", "chị ấy nhiệt tình lắm"), with no
// "không"/"chưa" to turn them: no reason to refuse them (sent as one, a probe's applicant read it so).
func speaksFor(reason string) bool {
	return !saysAny(reason, " khong ", " ko ", " chua ", " chang ", " kem ", " it ") &&
		saysAny(reason, " nguoi tot ", " tot ma ", " tot lam ", " rat tot ", " nhiet tinh ", " chiu kho ", " dang tin ", " gioi lam ", " rat gioi ")
}

// maxReason is the longest reason a refusal carries to the applicant (a message, not a letter).
const maxReason = 500

// startsAccepting: words that open by accepting ("giới thiệu 1 vì chị ấy nhiệt tình", "duyệt 1 thôi",
// "thôi cho chị ấy vào mai nhé") are no reason for a refusal.
func startsAccepting(text string) bool {
	words := wordsOf(text)
	for len(words) > 0 && (recallWords[words[0]] || leadWords[words[0]]) {
		words = words[1:]
	}
	if len(words) == 0 {
		return false
	}
	for _, p := range buttonAccepts {
		if _, ok := hasPrefixWords(words, p); ok && !(p[0] == "nhan" && len(words) > 1 && words[1] == "duoc") {
			return true
		}
	}
	if words[0] == "cho" {
		for _, w := range words[1:min(len(words), 5)] {
			if entering(w) {
				return true
			}
		}
	}
	return false
}

// notYet: words that put off a reason typed at "lý do từ chối?", as typed: "để nghĩ đã", "để anh xem",
// "mai anh trả lời". Narrower than reasonPutOff (a reason after "vì" at the buttons), since here the
// whole message is the reason: "chưa đủ tuổi, sau này đăng ký lại" is one.
func notYet(text string) bool {
	lower := strings.TrimRight(strings.ToLower(norm.NFC.String(strings.TrimSpace(text))), " .!")
	for _, p := range []string{"để ", "lát ", "tí nữa", "chút nữa", "hỏi ", "chưa nghĩ"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	for _, w := range []string{"trả lời", "nhắn sau", "nhắn lại", "báo sau", "tính sau", "suy nghĩ", "nghĩ đã", "nghĩ thêm", "xem lại"} {
		if strings.Contains(lower, w) {
			return true // "mai anh trả lời", "tối anh nhắn sau"
		}
	}
	return strings.HasSuffix(lower, " đã") || lower == "đã" || strings.HasSuffix(lower, " sau")
}

// emptyOfReason are words that say nothing of why by themselves (folded): particles, pronouns, yes and
// no, "vì", "thế", "lý do", "như", "nói", "biết".
var emptyOfReason = map[string]bool{"ok": true, "oke": true, "u": true, "uh": true, "uk": true, "da": true, "vang": true,
	"khong": true, "ko": true, "k": true, "co": true, "vi": true, "do": true, "the": true, "vay": true, "ly": true, "nhu": true,
	"noi": true, "biet": true, "ma": true, "roi": true, "thi": true, "voi": true, "no": true, "ay": true, "ban": true, "em": true,
	"e": true, "anh": true, "a": true, "chi": true, "toi": true, "minh": true, "nhe": true, "nha": true, "oi": true, "tu": true,
	"choi": true, "di": true, "luon": true, "nhieu": true,
	"lam": true, "qua": true, "thoi": true, "giup": true, "gium": true, "ho": true, "cho": true, "dung": true, "hom": true,
	"truoc": true, "giong": true, "ghi": true, "nhap": true, "dai": true, "mot": true, "cai": true, "tren": true}

// acceptsInstead: at "lý do từ chối?", words that take the refusal back to accept ("nhầm, giới thiệu",
// "thôi cho nó vào đi", "Xin lỗi, tôi chọn nhầm. Tôi đồng ý giới thiệu.", "quay lại, anh muốn giới
// thiệu"): the request waits for its buttons again, not refused with them as its reason.
func acceptsInstead(text string, about []string) bool {
	var kept []string
	for _, c := range clausesOf(text) {
		if len(c.words) <= 5 && refusalRecalled(strings.Join(c.words, " ")) {
			return true // "ấy chết bấm lộn rồi, không từ chối đâu"
		}
		words := c.words
		for len(words) > 0 && recallWords[words[0]] {
			words = words[1:]
		}
		if len(words) > 0 {
			kept = append(kept, typedTail(c.typed, len(words)))
		}
	}
	yes, _, ok := buttonDecision(strings.Join(kept, ", "), about)
	return ok && yes
}

// decidesInstead: at "lý do từ chối?", words that decide instead of giving a reason ("giới thiệu 29",
// "nhầm, giới thiệu", "à thôi, cho chị ấy vào đi").
func decidesInstead(c *convo, text string) bool {
	if _, _, _, ok := typedRequestDecision(text); ok {
		return true
	}
	return acceptsInstead(text, c.requesterWords(c.s.Data["id"])) || refusalRecalled(vntext.Fold(text))
}

// sameRequest tells whether two request numbers as typed or stored ("29", "029") are one.
func sameRequest(a, b string) bool {
	x, errA := store.ParseRequestID(a)
	y, errB := store.ParseRequestID(b)
	return errA == nil && errB == nil && x == y
}

// requesterWords are the folded words of the name of the person request id is from (none when unknown).
func (c *convo) requesterWords(id string) []string { return requesterWords(c.tx, id) }

func requesterWords(tx *store.Tx, id string) []string {
	if r, ok := requestOf(tx, id); ok {
		return wordsOf(requesterName(tx, r))
	}
	return nil
}

// requestOf is the request numbered id (as a payload or a step writes it).
func requestOf(tx *store.Tx, id string) (store.Request, bool) {
	n, err := store.ParseRequestID(id)
	if err != nil || tx == nil {
		return store.Request{}, false
	}
	r, ok, err := tx.Request(n)
	return r, ok && err == nil
}

// requesterName is the name a request is from, as typed: the request's, else the person's.
func requesterName(tx *store.Tx, r store.Request) string {
	if r.Name != "" {
		return r.Name
	}
	p, _, _ := tx.Person(r.ZaloID)
	return p.Name
}

// recallWords open words that take a refusal back (folded): "nhầm", "bấm nhầm nút", "xin lỗi", "tôi chọn
// nhầm", "đổi ý rồi", "quay lại", "thôi", "à", "ấy chết", "ý anh là", "anh muốn".
var recallWords = map[string]bool{"nham": true, "bam": true, "nut": true, "chon": true, "xin": true, "loi": true, "doi": true,
	"khoan": true, "o": true, "ui": true, "ah": true,
	"y": true, "roi": true, "quay": true, "lai": true, "thoi": true, "a": true, "ay": true, "chet": true, "la": true, "muon": true,
	"toi": true, "anh": true, "em": true, "chi": true, "lon": true}

// refusalRecalled: the refusal was not meant ("nhầm", "bấm lộn", "không phải từ chối", "ko từ chối",
// "anh định bấm giới thiệu", "để anh hỏi lại tổ trưởng đã").
func refusalRecalled(f string) bool {
	switch f {
	case "thoi", "nham", "nham roi", "bam nham", "bam lon", "lon roi", "bam lon roi", "bam nham roi", "khong tu choi", "doi y", "doi y roi",
		"ko tu choi", "k tu choi", "khong phai tu choi", "khong tu choi nua", "thoi khong tu choi", "thoi khong":
		return true
	}
	if len(strings.Fields(f)) > 8 {
		return false // a reason, long enough to say something ("đăng ký nhầm tổ, bạn ở thôn Trung Lưu")
	}
	g := " " + f + " "
	if len(strings.Fields(f)) <= 5 {
		for _, w := range []string{" khong tu choi ", " ko tu choi ", " k tu choi "} {
			if strings.Contains(g, w) {
				return true // "không từ chối đâu", "em không từ chối"
			}
		}
		// "em nhầm", "nhầm rồi ạ", "xin lỗi em nhầm" — but "đăng ký nhầm tổ" is a reason.
		rest := slices.DeleteFunc(strings.Fields(f), func(w string) bool {
			switch w {
			case "em", "a", "roi", "xin", "loi", "ah", "oi", "bam", "thoi", "khong", "nua", "tu", "choi":
				return true
			}
			return false
		})
		if len(rest) == 1 && rest[0] == "nham" || len(rest) == 0 && slices.ContainsFunc(strings.Fields(f), func(w string) bool {
			return w == "nham" || w == "khong" || w == "thoi" // not "từ chối" alone, nor "." or an emoji
		}) {
			return true
		}
	}
	for _, w := range []string{" dinh bam ", " bam gioi thieu ", " bam duyet ", " bam lon ", " bam nham ", " nhan nham ", " an nham ",
		" nham nut ", " lon nut ", " nhan lon "} {
		if strings.Contains(g, w) {
			return true
		}
	}
	for _, w := range []string{"de anh ", "de em ", "de toi ", "de chi ", "khoan "} {
		if strings.HasPrefix(f+" ", w) {
			return true // "để anh hỏi lại tổ trưởng đã"
		}
	}
	return false
}

// hasReason tells a message that gives a reason ("… vì …", "… do …", "lý do: …").
func hasReason(text string) bool { return splitReason(text).found }

// reasonOf is the reason in a message: what follows "vì", "do" or "lý do" ("từ chối vì chưa đủ tuổi"
// → "chưa đủ tuổi"), else the whole message.
func reasonOf(text string) string {
	if m := splitReason(text); m.found {
		return m.reason
	}
	return strings.TrimSpace(text)
}

// decideTyped takes a typed decision on request id: the action follows the request's stage (the
// leader recommends or declines, the approver approves or rejects); decide checks the right to.
func (c *convo) decideTyped(id string, yes bool, reason string) error {
	r, ok, err := c.requestNamed(id)
	if err != nil || !ok {
		return err
	}
	action := map[bool]string{true: "app", false: "rej"}[yes]
	if r.State == store.StateAwaitLeader {
		action = map[bool]string{true: "rec", false: "dec"}[yes]
	}
	return c.decide(id, action, reason)
}

// bareDecision reads a decision typed without a request's number ("duyệt", "ok giới thiệu", "từ chối
// vì chưa đủ tuổi"): yes or no, and ok when the message is one.
func bareDecision(text string) (yes, ok bool) {
	words := wordsOf(text)
	if len(words) == 0 || head0IsOK(words) && len(words) == 1 {
		return false, false // "ok" alone, with no buttons: too little to decide a request on
	}
	if _, verb := firstDecisionVerb(words); !verb {
		return false, false // "dạ", "vâng": no decision word
	}
	head := words
	for len(head) > 0 && leadWords[head[0]] {
		head = head[1:]
	}
	if rest, ok := hasPrefixWords(head, []string{"dong", "y"}); ok {
		if _, more := firstDecisionVerb(rest); !more {
			// "dạ đồng ý ạ" may answer any notice ("… đã được phê duyệt"): with no buttons, agreeing
			// alone decides nothing; "đồng ý giới thiệu", "đồng ý duyệt" do.
			return false, false
		}
	}
	return plainDecision(text)
}

// firstDecisionVerb tells whether the words, past lead words, start with a decision phrase.
func firstDecisionVerb(words []string) ([]string, bool) {
	for len(words) > 0 && leadWords[words[0]] {
		words = words[1:]
	}
	for _, p := range append(acceptPhrases, declinePhrases...) {
		if rest, ok := hasPrefixWords(words, p); ok {
			return rest, true
		}
	}
	return nil, false
}

// decideBare takes a decision typed without a number: on the one request waiting for this person,
// or, with several, asks which (each with its buttons).
func (c *convo) decideBare(yes bool) (bool, error) {
	waiting, err := c.waitingFor(c.in.UserID)
	if err != nil || len(waiting) == 0 {
		return false, err
	}
	if len(waiting) > 1 {
		c.say(textWhichRequest)
		return true, c.pending()
	}
	reason := ""
	if !yes && hasReason(c.in.Text) && usableReason(reasonOf(c.in.Text)) {
		reason = reasonOf(c.in.Text)
	}
	return true, c.decideTyped(strconv.FormatUint(waiting[0].ID, 10), yes, reason)
}

// severalTyped is an acceptance of several requests by number, and nothing else (folded).
var severalTyped = regexp.MustCompile(`^(?:(?:da|vang|ok|em|toi|anh|chi) )*(?:phe duyet|duyet|gioi thieu|dong y)(?: (?:yeu cau|yc|cac yeu cau))?(?: so)? (\d+(?:(?: ,| va| &|,)? (?:so )?\d+)+)(?: (?:nhe|a|nha|luon|di))*$`)

var requestNumbers = regexp.MustCompile(`\d+`)

// severalAccepted reads "duyệt 6 và 7", "giới thiệu số 3, 4 nhé": the requests' numbers (none when
// the message is anything else; refusals go one by one, each with its reason).
func severalAccepted(text string) []string {
	m := severalTyped.FindStringSubmatch(foldOf(text))
	if m == nil {
		return nil
	}
	return requestNumbers.FindAllString(m[1], -1)
}

// decideNamed decides the one request waiting for the person when the words name its requester and
// decide as they would at its buttons ("duyệt cho em Quý", "cho chị Yến vào tổ nhé", "từ chối chị Ánh
// vì chưa đủ tuổi"). Without the name, words around a decision decide nothing here (no buttons say
// which request they are about).
func (c *convo) decideNamed(text string) (bool, error) {
	waiting, err := c.waitingFor(c.in.UserID)
	if err != nil || len(waiting) == 0 {
		return false, err
	}
	// The one waiting whose requester the words call by name ("giới thiệu anh Minh lên phường nhé"
	// among several); two called, or none: nothing decided here.
	var r store.Request
	var about []string
	called := 0
	for _, w := range waiting {
		name := requesterName(c.tx, w)
		words := wordsOf(name)
		if callsByName(text, words, name) { // "dạ đồng ý anh ạ" names nobody, even Lan Anh
			r, about, called = w, words, called+1
		}
	}
	if called != 1 {
		return false, nil
	}
	if r.Kind == store.RequestLeave && entersTeam(text) {
		return false, nil // "cho chị Hoa vào tổ nhé" is not about her leaving
	}
	yes, reason, ok := buttonDecision(text, about)
	if !ok {
		return false, nil
	}
	return true, c.decideTyped(strconv.FormatUint(r.ID, 10), yes, reason)
}

// callsByName tells whether text calls the requester by name: their given name (the last word of
// about) right after a word for a person ("chị Mai", "em Ánh", "cho bạn Lan"), and, typed with marks,
// as their name is spelled ("chị Ánh" is not "chị Anh").
func callsByName(text string, about []string, name string) bool {
	if len(about) == 0 {
		return false
	}
	given := about[len(about)-1]
	typedGiven := ""
	if f := strings.Fields(name); len(f) > 0 {
		typedGiven = strings.ToLower(norm.NFC.String(f[len(f)-1]))
	}
	fields := strings.Fields(text)
	folded := make([]string, len(fields))
	for i, f := range fields {
		folded[i] = foldOf(f)
	}
	if decisionWordNames[given] {
		return false // a requester called Ý, Đồng, Duyệt, Nhận is not told from "đồng ý", "duyệt", "nhận"
	}
	at := nameAt(folded, about)
	if len(at) == 0 || at[0] == 0 || folded[at[len(at)-1]] != given {
		return false // the run of the name must end with the given name ("chị Lan Anh", "em Ánh")
	}
	first, last := at[0], at[len(at)-1]
	typed := strings.ToLower(norm.NFC.String(strings.Trim(fields[last], ".,!?")))
	title := strings.ToLower(norm.NFC.String(fields[first-1]))
	if hasMarks(text) && (typed != typedGiven || !calledTitles[title]) {
		return false // "chị Anh" is not "chị Ánh"; "có Thành", "đồng Ý" are no titles
	}
	if last+1 < len(folded) && !nameMayEnd(folded[last+1]) {
		return false // "chị thu xếp", "có thành tích": the word goes on
	}
	return true
}

// calledTitles are the words, as typed, that call a person by name ("chị Lan", "em Ánh", "đ/c Minh").
var calledTitles = map[string]bool{"anh": true, "chị": true, "em": true, "bạn": true, "cô": true, "chú": true, "bác": true, "ông": true,
	"bà": true, "cháu": true, "e": true, "c": true, "a": true, "chi": true, "đ/c": true, "cu": true, "cậu": true, "dì": true}

// decisionWordNames are given names that are decision words (folded).
var decisionWordNames = map[string]bool{"y": true, "dong": true, "duyet": true, "nhan": true, "thieu": true, "choi": true, "ok": true,
	"thuan": true, "tri": true, "qua": true}

// nameMayEnd: what may follow a name called (folded): particles, where, for, or a pause.
func nameMayEnd(w string) bool {
	return particles[w] || entering(w) || w == "to" || w == "voi" || w == "luon" || w == "len" || w == "nay" || w == "ay" ||
		w == "tham" || w == "vi" || w == "do" || w == "a" || w == "nhe" || w == "nha" || w == "di" || w == "roi"
}

// hasMarks tells text typed with Vietnamese letters (any letter beyond ASCII, NFC or NFD).
func hasMarks(text string) bool {
	for _, r := range text {
		if r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)) {
			return true
		}
	}
	return false
}

// entersTeam: words of letting someone into a team ("cho vào", "tham gia", "vô tổ").
func entersTeam(text string) bool {
	f := " " + foldOf(text) + " "
	for _, w := range []string{" vao ", " vo ", " dzo ", " tham gia "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// withdrawWords ask to take back one's own request (folded, anywhere in a short message).
var withdrawWords = []string{"huy yeu cau", "rut lai yeu cau", "rut yeu cau", "xoa yeu cau", "huy don", "rut don", "rut lai don",
	"huy dang ky", "huy dang ki", "huy tham gia", "huy yc", "rut yc", "xin rut", "khong roi nua", "khong roi to nua", "ko roi nua",
	"k roi nua", "khong xin roi nua", "khong tham gia nua", "ko tham gia nua", "k tham gia nua", "khong dang ky nua",
	"khong dang ki nua", "khong vao to nua", "ko vao to nua", "doi y khong roi", "thoi khong roi", "khong roi nua", "khong roi to nua",
	"hong vao to nua", "hong vo to nua", "khong vo to nua", "ko vo to nua", "khong muon tham gia nua", "ko muon tham gia nua",
	"bo don", "rut ten", "xin rut ten"}

// plainWithdraw reads a message that only asks to take one's request back: lead words ("em", "thôi",
// "cho em"), a withdraw phrase, then particles or what is withdrawn ("yêu cầu", "rời tổ", "số 3").
// Not "em không hủy đăng ký đâu", "mai em rút đơn", "hủy đăng ký ở đâu", "muốn hủy thì làm thế nào",
// "có thể hủy yêu cầu không ạ", "anh Huy đón em nhé".
func plainWithdraw(text string) bool {
	return plainAct(text, withdrawTyped) // "e rút, e đi làm xa rồi", "thôi khỏi xét nữa, hủy giúp em"
}

func withdrawTyped(text string) bool {
	if asks(text) || strings.Contains(strings.ToLower(norm.NFC.String(text)), "đón") {
		return false
	}
	words := wordsOf(text)
	if len(words) > 12 {
		return false
	}
	i := 0
	for i < len(words) {
		switch words[i] {
		case "em", "e", "toi", "tui", "minh", "thoi", "cho", "xin", "da", "vang", "ok", "oke", "muon", "doi", "y", "nay", "a", "roi",
			"vui", "long":
			i++
			continue
		}
		break
	}
	rest := " " + strings.Join(words[i:], " ") + " "
	phrases := withdrawWords
	if i > 0 {
		phrases = append(slices.Clip(withdrawWords), "rut lai", "rut") // "thôi em rút", "em xin rút lại"; never "rút" alone
	}
	for _, w := range phrases {
		after, found := strings.CutPrefix(rest, " "+w+" ")
		if !found {
			continue
		}
		for _, x := range strings.Fields(after) {
			switch x {
			case "yeu", "cau", "so", "cua", "em", "e", "toi", "minh", "nhe", "nha", "a", "giup", "voi", "di", "roi", "to", "tham",
				"gia", "xin", "nua", "luon", "ak", "gium", "dum", "ho", "vao", "dang", "ky", "ki", "dau", "hom", "qua", "ten", "chi",
				"anh", "cnscd", "cds", "thon", "cong", "nghe":
			default:
				if _, err := strconv.Atoi(x); err != nil {
					return false // "… ở đâu", "… thì làm thế nào", "… rồi đi chơi"
				}
			}
		}
		return true
	}
	return false
}

// withdrawOwnRequest takes back the person's open request when they ask to ("rút lại yêu cầu", "em đổi
// ý không rời tổ nữa", "hủy đăng ký"): it is cancelled, and whoever it waited for is told. False when
// the words are not such a request, or nothing is open.
func (c *convo) withdrawOwnRequest(text string) (bool, error) {
	if !plainWithdraw(text) {
		return false, nil
	}
	f := " " + vntext.Fold(text) + " "
	kinds := []string{store.RequestLeave, store.RequestJoin}
	if strings.Contains(f, " tham gia ") || strings.Contains(f, " dang ky ") {
		kinds = []string{store.RequestJoin}
	} else if strings.Contains(strings.ToLower(norm.NFC.String(text)), "rời") {
		kinds = []string{store.RequestLeave} // as typed: "rồi" folds alike ("e rút, e đi làm xa rồi")
	}
	for _, kind := range kinds {
		r, open, err := c.tx.OpenRequestOf(c.in.UserID, kind)
		if err != nil {
			return true, err
		}
		if !open {
			continue
		}
		waitingFor := ""
		switch r.State {
		case store.StateAwaitLeader:
			waitingFor, _, _ = c.tx.Leader(r.Team)
		case store.StateAwaitApprover:
			if a, _, ok, err := c.tx.ApproverForRequest(r.Team, r.ZaloID); err != nil {
				return true, err
			} else if ok {
				waitingFor = a.ZaloID
			}
		}
		if r, err = c.tx.UpdateRequest(r, store.StateCancelled, c.in.UserID, "withdrawn", ""); err != nil {
			return true, err
		}
		t, _, _ := c.tx.Team(r.Team)
		c.say(fmt.Sprintf(textRequestWithdrawn, r.ID, kindText(r.Kind), t.Name))
		if waitingFor != "" && waitingFor != c.in.UserID {
			c.tell(waitingFor, fmt.Sprintf(textRequestWithdrawnTo, r.ID, c.personName(r.ZaloID), kindText(r.Kind), t.Name))
		}
		return true, nil
	}
	return false, nil
}

// requestQuestion tells a question about one's own request ("đơn em tới đâu rồi ạ", "kiểm tra yêu
// cầu", "bao giờ được duyệt", "sao lâu vậy chưa thấy duyệt"), not about a report ("báo cáo nộp chưa").
func requestQuestion(text string) bool {
	f := " " + foldOf(text) + " "
	for _, w := range []string{" bao cao ", " bc ", " nop ", " don vi ", " don gian ", " lam sao ", " lam don ", " the nao ", " cach ",
		" bao nhieu ", " nhung ", " cac "} {
		if strings.Contains(f, w) {
			return false // a report, how to do something, or many requests: not one's own request
		}
	}
	for _, w := range []string{" duoc duyet chua ", " bao gio duoc duyet ", " sao lau ", " chua thay duyet ", " sao chua duyet ",
		" bao gio duoc vao ", " duoc vao to chua ", " vao to duoc chua "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	noun := false
	for _, w := range []string{" yeu cau ", " yc ", " don "} {
		noun = noun || strings.Contains(f, w)
	}
	if !noun {
		return false
	}
	for _, w := range []string{" sao roi ", " toi dau ", " den dau ", " tinh trang ", " kiem tra ", " duyet chua ", " xong chua ", " ra sao ",
		" bi tu choi ", " khong duoc duyet "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// requestStanding says where the person's own request stands: the open one, else the latest, else
// that they have sent none.
func (c *convo) requestStanding() error {
	if r, open, err := c.ownOpenRequest(); err != nil || open {
		if open {
			c.sayState(r)
		}
		return err
	}
	var latest store.Request
	if err := c.tx.RequestsOf(c.in.UserID, func(r store.Request) error {
		if r.ID > latest.ID {
			latest = r
		}
		return nil
	}); err != nil {
		return err
	}
	if latest.ID != 0 {
		c.sayState(latest)
		return nil
	}
	if waiting, err := c.waitingFor(c.in.UserID); err != nil || len(waiting) > 0 {
		if err != nil {
			return err
		}
		return c.pending() // a leader or an approver asking after requests: those waiting for them
	}
	c.say(textNoOwnRequest)
	return c.menu()
}

// offerWithdraw answers words that may mean taking one's own open request back, when they have
// nothing else to mean ("hủy" with nothing to cancel, "rút" from someone in no team): how, with the
// button. False when nothing of theirs is open.
func (c *convo) offerWithdraw() (bool, error) {
	r, open, err := c.ownOpenRequest()
	if err != nil || !open {
		return false, err
	}
	f := " " + foldOf(c.in.Text) + " "
	for _, w := range []string{" khong muon huy ", " khong huy ", " ko huy ", " k huy ", " dung huy ", " chua huy ", " khong rut ", " ko rut ", " dung rut "} {
		if strings.Contains(f, w) {
			c.sayState(r) // "em không muốn hủy đăng ký đâu, bao giờ em được duyệt ạ": where it stands
			return true, nil
		}
	}
	c.say(fmt.Sprintf(textWithdrawHow, r.ID), btnWithdraw)
	return true, nil
}

// tellDecision sends a request to the one who decides it, with its buttons. Someone with several
// requests waiting gets them by words only ("duyệt 3", "từ chối 3 vì …"): a typed "1" meant for
// request 1 would otherwise tap the buttons of whichever request came last.
func (c *convo) tellDecision(to string, r store.Request, buttons []Button) {
	rep := Reply{ToUser: to, Text: c.requestText(r), Buttons: buttons}
	if waiting, err := c.waitingFor(to); err == nil && len(waiting) > 1 {
		rep.WordsOnly = true
	}
	c.out = append(c.out, rep)
}

// ownOpenRequest is the person's open request, join or leave, if any.
func (c *convo) ownOpenRequest() (store.Request, bool, error) {
	for _, kind := range []string{store.RequestJoin, store.RequestLeave} {
		if r, ok, err := c.tx.OpenRequestOf(c.in.UserID, kind); err != nil || ok {
			return r, ok, err
		}
	}
	return store.Request{}, false, nil
}

// changedMind: words that may take a request back without plainly doing so ("chị nghĩ lại rồi",
// "không muốn tham gia nữa", "chưa muốn rời").
func changedMind(text string) bool {
	f := " " + foldOf(text) + " "
	for _, w := range []string{" nghi lai ", " doi y ", " khong muon tham gia ", " chua muon tham gia ", " ko muon tham gia ",
		" khong tham gia nua ", " khong muon roi ", " chua muon roi ", " khong roi nua ", " thoi khong ", " khong vao nua "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// aboutRequests reads, with no conversation open, what is said about requests: one's own taken back,
// one decided by its number or as the one waiting, the list of those waiting, or how to say it when
// the words were not plainly that.
func (c *convo) aboutRequests(text string) (bool, error) {
	if handled, err := c.withdrawOwnRequest(text); handled || err != nil {
		return true, err // "rút lại yêu cầu", "em đổi ý không rời tổ nữa"
	}
	if ids := severalAccepted(text); len(ids) > 1 {
		for _, id := range ids { // "duyệt 6 và 7", "giới thiệu 3, 4": each, as if typed one by one
			if err := c.decideTyped(id, true, ""); err != nil {
				return true, err
			}
		}
		return true, nil
	}
	if id, yes, reason, ok := typedRequestDecision(text); ok {
		return true, c.decideTyped(id, yes, reason) // "duyệt 1", "phê duyệt yêu cầu số 1"
	}
	if handled, err := c.decideNamed(text); handled || err != nil {
		return handled, err // "duyệt cho anh Minh", "cho chị Yến vào tổ nhé": the one waiting called by name
	}
	if yes, ok := bareDecision(text); ok {
		if handled, err := c.decideBare(yes); handled || err != nil {
			return handled, err // "duyệt", "giới thiệu" with one request waiting; which, with several
		}
	} else if decisionTalk(text) {
		if waiting, err := c.waitingFor(c.in.UserID); err != nil {
			return false, err
		} else if len(waiting) > 0 {
			// Words of a decision that were not plainly one ("duyệt cho bạn ấy vào tổ nhé anh"):
			// nothing is decided; say how, for the request named if it is one of those waiting.
			var id uint64
			for _, w := range wordsOf(text) {
				for _, r := range waiting {
					if w == strconv.FormatUint(r.ID, 10) {
						id = r.ID
					}
				}
			}
			switch {
			case id == 0 && len(waiting) > 1:
				c.say(textWhichRequest) // several, none named: each with its buttons, not "số 1"
				return true, c.pending()
			case id == 0:
				id = waiting[0].ID
			}
			verb := "duyệt"
			for _, r := range waiting {
				if r.ID == id && r.State == store.StateAwaitLeader {
					verb = "giới thiệu" // the leader's word for their step
				}
			}
			c.say(fmt.Sprintf(textDecideHow, id, verb))
			return true, c.menu()
		}
	}
	if f := " " + foldOf(text) + " "; strings.Contains(f, " yeu cau ") && strings.Contains(f, " cho ") {
		if waiting, err := c.waitingFor(c.in.UserID); err != nil {
			return false, err
		} else if len(waiting) > 0 {
			return true, c.pending() // "còn yêu cầu nào đang chờ không": the list, each with its buttons
		}
	}
	if requestQuestion(text) {
		return true, c.requestStanding() // "đơn em duyệt chưa", "yêu cầu của em sao rồi", "bao giờ được duyệt"
	}
	if r, open, err := c.ownOpenRequest(); err != nil {
		return false, err
	} else if open && changedMind(text) {
		// "chị nghĩ lại rồi, chị chưa muốn tham gia nữa": not plainly a withdrawal; say how.
		c.say(fmt.Sprintf(textWithdrawHow, r.ID), btnWithdraw)
		return true, nil
	}
	return false, nil
}
