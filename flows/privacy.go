package flows

import (
	"errors"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// Personal data by chat (Law 91/2025/QH15): "dữ liệu của tôi" shows what is
// stored; "xóa dữ liệu của tôi" and "rút lại đồng ý" erase it after an explicit
// confirmation. Leaders, approvers and officers hand their role over first.

var privacySteps = map[string]step{
	// "xóa dữ liệu?" is answered in its own words, all of them: "xóa đi, em không dùng nữa" is not
	// "hủy", "xóa hết" not the erase command again.
	"confirm": {prompt: privacyConfirmPrompt, answer: privacyConfirmAnswer, owns: func(*convo, string) bool { return true }},
}

// Button payloads of the confirmation; "#…" so that a stale button says so.
const (
	payloadErase = "#privacy:erase"
	payloadKeep  = "#privacy:keep"
)

// maxListed bounds each list in the data summary.
const maxListed = 10

// myData tells the person what is stored about them.
func (c *convo) myData() error {
	d, err := c.tx.PersonData(c.in.UserID)
	if err != nil {
		return err
	}
	c.say(c.describe(d), btnEraseData, btnHelp)
	return nil
}

// describe writes PersonData as short Vietnamese lines.
func (c *convo) describe(d store.PersonData) string {
	lines := []string{textMyDataHead}
	if p := d.Person; p != nil {
		lines = append(lines, fmt.Sprintf(textMyDataName, orNone(p.Name)), fmt.Sprintf(textMyDataPhone, orNone(p.Phone)))
	} else {
		lines = append(lines, textMyDataNoPerson)
	}
	lines = append(lines, fmt.Sprintf(textMyDataZalo, d.ZaloID))
	if p := d.Person; p != nil {
		if p.ConsentAt.IsZero() {
			lines = append(lines, textMyDataNoConsent)
		} else {
			lines = append(lines, fmt.Sprintf(textMyDataConsent, p.ConsentAt.In(c.e.loc).Format("15:04 02/01/2006"), orNone(p.ConsentVersion)))
		}
	}
	var roles []string
	for _, m := range d.Roles {
		roles = append(roles, roleText(m.Role)+" "+c.teamName(m.Team))
	}
	lines = append(lines, fmt.Sprintf(textMyDataRoles, listed(roles)))
	if len(d.Approves) > 0 {
		var units []string
		for _, a := range d.Approves {
			units = append(units, c.unitName(a.Unit))
		}
		lines = append(lines, fmt.Sprintf(textMyDataApprover, listed(units)))
	}
	if len(d.Officer) > 0 {
		var names []string
		for _, o := range d.Officer {
			names = append(names, o.Name)
		}
		lines = append(lines, fmt.Sprintf(textMyDataOfficer, listed(names)))
	}
	var open, past []string
	for _, r := range d.Requests {
		item := fmt.Sprintf(textMyDataRequest, r.ID, kindText(r.Kind), c.teamName(r.Team), r.CreatedAt.In(c.e.loc).Format("02/01/2006"), stateTextAt(r.State, c.authority(r.Team)))
		if r.Open() {
			open = append(open, item)
		} else {
			past = append(past, item)
		}
	}
	lines = append(lines, fmt.Sprintf(textMyDataOpen, listed(open)), fmt.Sprintf(textMyDataPast, listed(past)))
	var reports []string
	for _, r := range d.Reports {
		label := r.Period
		if p, err := store.ParsePeriod(r.Period); err == nil {
			label = p.Label()
		}
		reports = append(reports, label+" – "+c.teamName(r.Team))
	}
	lines = append(lines, fmt.Sprintf(textMyDataReports, listed(reports)))
	if u := d.Unreachable; u != nil {
		lines = append(lines, fmt.Sprintf(textMyDataUnreachable, u.At.In(c.e.loc).Format("02/01/2006")))
	} else {
		lines = append(lines, textMyDataReachable)
	}
	if s := d.Session; s != nil {
		lines = append(lines, fmt.Sprintf(textMyDataSession, flowName(s.Flow)))
	} else {
		lines = append(lines, fmt.Sprintf(textMyDataSession, textNo))
	}
	lines = append(lines, fmt.Sprintf(textMyDataMessages, d.Events, days(c.e.KeepEvents, 8), d.Sent+d.Outbox, days(c.e.KeepSent, 35)), textMyDataFoot)
	return strings.Join(lines, "\n")
}

func orNone(s string) string {
	if s == "" {
		return textNone
	}
	return s
}

// listed joins items with "; ", at most maxListed of them.
func listed(items []string) string {
	if len(items) == 0 {
		return textNone
	}
	if len(items) > maxListed {
		return strings.Join(items[:maxListed], "; ") + "; " + fmt.Sprintf(textMore, len(items)-maxListed)
	}
	return strings.Join(items, "; ")
}

func (c *convo) teamName(code string) string {
	if t, ok, _ := c.tx.Team(code); ok {
		return t.Name
	}
	return code
}

func (c *convo) unitName(code string) string {
	if u, ok, _ := c.tx.Unit(code); ok {
		return u.Display()
	}
	return code
}

// startErase asks for the confirmation, unless a role must be handed over first.
// It may interrupt another conversation: "Không" goes back to it.
func (c *convo) startErase(withdraw bool) error {
	h, err := c.tx.HandOverOf(c.in.UserID)
	if err != nil {
		return err
	}
	if !h.Empty() {
		c.say(handOverText(c.tx, h))
		return nil
	}
	why := "erase"
	if withdraw {
		why = "withdraw"
	}
	if c.s != nil && c.s.Flow == "privacy" {
		c.s.Data["why"] = why
		if err := c.save(); err != nil {
			return err
		}
		return c.prompt()
	}
	return c.begin("privacy", "confirm", map[string]string{"why": why})
}

func privacyConfirmPrompt(c *convo) error {
	text := textEraseAsk
	if roles, err := c.tx.RolesOf(c.in.UserID); err == nil && len(roles) == 0 {
		text = strings.Replace(text, textEraseAskRoles, "", 1) // someone in no team is not told they will leave one
	}
	if _, open, err := c.ownOpenRequest(); err == nil && !open {
		text = strings.Replace(text, textEraseAskRequests, "", 1)
	}
	if c.s.Data["why"] == "withdraw" {
		text = textWithdrawAsk + " " + textEraseAsk
	}
	c.say(text, Button{Title: "Xóa", Payload: payloadErase}, Button{Title: "Không", Payload: payloadKeep})
	return nil
}

func privacyConfirmAnswer(c *convo) error {
	if c.in.Kind != KindText {
		return c.prompt()
	}
	switch eraseAnswer(c.in.Text) {
	case "keep": // "thôi đừng xóa nhé", "chưa xóa vội", "sao phải xóa?", "xóa sau nhé"
		c.say(textEraseKept)
		return c.end()
	case "erase":
		return c.erase()
	case "say":
		// Erasing cannot be undone: "ok", "👍", "đồng ý" may answer something else the person had in
		// mind. Only the button or the word "xóa" erases.
		c.say(textEraseSayXoa)
	}
	return c.prompt()
}

// eraseAnswer reads an answer to "xóa dữ liệu?": "erase" only for the button or plain words ("xóa",
// "vâng, xóa đi ạ"), "keep" for anything that holds it back or asks, "say" for a bare yes (the word
// "xóa" is asked for), "" for the rest (the question again).
func eraseAnswer(text string) string {
	text = strings.TrimSpace(text)
	f := vntext.Fold(text)
	switch {
	case text == payloadKeep || isNo(text) || keepWords(f, text) || asks(text) || eraseHedged(f):
		return "keep"
	case text == payloadErase || plainErase(f) || plainErase(strings.TrimPrefix(f, "toi ")) && saysTôi(text):
		return "erase" // "Tôi chắc chắn muốn xóa dữ liệu của mình." ("toi" alone may be "tối": "tối xóa nhé")
	case eraseClause(text): // "biết rồi, cứ xóa", "Xóa. Tôi không muốn dùng nữa."
		return "erase"
	case isYes(text) || strings.Contains(" "+f+" ", " xoa "):
		return "say" // a yes, or "xóa" with more to it: the word that erases is asked for
	}
	return ""
}

// plainErase: "xóa" (after "dạ", "vâng", "ok", "có") and nothing but particles or what is erased
// ("xóa hết", "vâng, xóa đi ạ", "dạ xóa dữ liệu của em"). "xóa mỗi số điện thoại", "xóa sau nhé" are not.
func plainErase(f string) bool {
	words := strings.Fields(f)
strip:
	for len(words) > 0 {
		switch {
		case leadWords[words[0]] && words[0] != "toi", words[0] == "co", words[0] == "muon", words[0] == "uk", words[0] == "dc", words[0] == "duoc", words[0] == "roi":
			words = words[1:]
		case len(words) > 1 && (words[0] == "chac" && words[1] == "chan" || words[0] == "dung" && words[1] == "roi" ||
			words[0] == "dong" && words[1] == "y"):
			words = words[2:] // "chắc chắn xóa", "đúng rồi, xóa đi", "đồng ý xóa" (never "dung xoa": đừng)
		default:
			break strip
		}
	}
	if len(words) == 0 || words[0] != "xoa" {
		return false
	}
	for _, w := range words[1:] {
		switch w {
		case "di", "het", "luon", "nhe", "nha", "a", "giup", "gium", "dum", "dzum", "zum", "ho", "bo", "em", "toi", "minh", "du", "lieu",
			"cua", "tat", "ca", "ngay", "thong", "tin", "nhan", "ma":
		default:
			return false
		}
	}
	return true
}

// saysTôi: the message opens with "tôi" as typed, with its marks.
func saysTôi(text string) bool {
	return strings.HasPrefix(strings.ToLower(norm.NFC.String(strings.TrimSpace(text))), "tôi ")
}

func eraseClause(text string) bool {
	return plainAct(text, func(typed string) bool { return plainErase(foldOf(typed)) })
}

// eraseHedged: later, by mistake, only part of it, or why ("xóa sau nhé", "xóa nhầm", "xóa mỗi số
// điện thoại", "xóa làm gì", "xóa là mất hết à"): not a confirmation.
func eraseHedged(f string) bool {
	f = strings.Replace(" "+f+" ", " cu xoa ", " xoa ", 1) // "cứ xóa" is not "số cũ"
	for _, w := range []string{" sau ", " nham ", " moi ", " lam gi ", " mat het ", " co dang ky lai ", " lai duoc ", " thi ", " ha ", " so ", " cu "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// keepWords tells a message that holds an erasure back: "đừng xóa", "chưa xóa vội", "thôi", "khoan",
// "không xóa", "giữ lại" ("dùng" folds like "đừng": "không dùng nữa" is a reason to erase).
func keepWords(f, text string) bool {
	lower := strings.ToLower(norm.NFC.String(text))
	for _, w := range []string{"không cần giữ", "ko cần giữ", "k cần giữ"} {
		lower = strings.ReplaceAll(lower, w, "") // "xóa đi, không cần giữ"
	}
	for _, w := range []string{"đừng", "chưa", "khoan", "thôi", "giữ", "khỏi"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	f = " " + f + " "
	for _, w := range []string{" chua xoa ", " khong xoa ", " ko xoa ", " k xoa ", " thoi ", " khoan ", " giu lai ",
		" giu nguyen ", " khoi xoa ", " huy "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return f == " khong " || f == " ko " || f == " k "
}

// erase carries out the confirmed erasure. The reply is the last thing
// written for this person: no record of them is made again.
func (c *convo) erase() error {
	reason := c.s.Data["why"] // "erase" or "withdraw"
	withdraw := reason == "withdraw"
	h, err := c.tx.HandOverOf(c.in.UserID)
	if err != nil {
		return err
	}
	if !h.Empty() { // became a leader while the question waited
		c.say(handOverText(c.tx, h))
		return c.end()
	}
	er, notices, err := Forget(c.tx, c.in.UserID, store.EraseOptions{Answering: true, By: "chat", Reason: reason})
	if err != nil {
		return err
	}
	c.s = nil // the conversation, and any it interrupted, went with the data
	lines := []string{textErased}
	if withdraw {
		lines[0] = fmt.Sprintf(textWithdrawn, c.now().Format("15:04 02/01/2006"))
	}
	for _, m := range er.Left {
		lines = append(lines, fmt.Sprintf(textErasedLeft, c.teamName(m.Team)))
	}
	for _, r := range er.Cancelled {
		lines = append(lines, fmt.Sprintf(textErasedCancelled, r.ID))
	}
	if er.Counts[store.ErasedReports] > 0 {
		lines = append(lines, textErasedReports)
	}
	lines = append(lines, textErasedBye)
	c.say(strings.Join(lines, "\n"))
	c.out = append(c.out, notices...)
	return nil
}

// Forget erases a person's personal data (store.ErasePerson) and returns the
// notices for the people who were waiting on them: the leader of each team
// they left, whoever had to decide their open requests. The notices name no one.
func Forget(tx *store.Tx, zaloID string, opts store.EraseOptions) (store.Erasure, []Reply, error) {
	er, err := tx.ErasePerson(zaloID, opts)
	if err != nil {
		return er, nil, err
	}
	var out []Reply
	told := map[string]bool{} // leader|team already told of the departure
	for _, m := range er.Left {
		t, _, _ := tx.Team(m.Team)
		lead, ok, err := tx.Leader(m.Team)
		if err != nil {
			return er, nil, err
		}
		if ok && lead != zaloID {
			out = append(out, Reply{ToUser: lead, Text: fmt.Sprintf(textToLeaderMemberErased, roleText(m.Role), t.Name)})
			told[lead+"|"+m.Team] = true
		}
	}
	for _, r := range er.Cancelled {
		t, _, _ := tx.Team(r.Team)
		to := ""
		switch r.State {
		case store.StateAwaitLeader:
			if lead, ok, err := tx.Leader(r.Team); err != nil {
				return er, nil, err
			} else if ok {
				to = lead
			}
		case store.StateAwaitApprover:
			if a, _, ok, err := tx.ApproverForRequest(r.Team, r.ZaloID); err != nil {
				return er, nil, err
			} else if ok {
				to = a.ZaloID
			}
		}
		if to == "" || to == zaloID || (r.Kind == store.RequestLeave && told[to+"|"+r.Team]) {
			continue
		}
		out = append(out, Reply{ToUser: to, Text: fmt.Sprintf(textRequestErased, r.ID, kindText(r.Kind), t.Name)})
	}
	return er, out, nil
}

// ErrNothingStored answers a written request about someone the bot holds nothing about.
var ErrNothingStored = errors.New("nothing is stored about this Zalo id")

// ForgetOnRequest is Forget for a request made in writing (admin API, CLI):
// ErrNothingStored when there is nothing to erase, store.ErrHandOverFirst
// (with the roles to hand over) for a leader, approver or officer.
func ForgetOnRequest(tx *store.Tx, zaloID string, opts store.EraseOptions) (store.Erasure, []Reply, store.HandOver, error) {
	d, err := tx.PersonData(zaloID)
	if err != nil {
		return store.Erasure{}, nil, store.HandOver{}, err
	}
	if !d.Stored() {
		return store.Erasure{}, nil, store.HandOver{}, ErrNothingStored
	}
	if h := d.HandOver(); !h.Empty() {
		return store.Erasure{}, nil, h, store.ErrHandOverFirst
	}
	er, notices, err := Forget(tx, zaloID, opts)
	return er, notices, store.HandOver{}, err
}

// handOverText tells someone holding a role whom to contact before erasure.
func handOverText(tx *store.Tx, h store.HandOver) string {
	var lines []string
	for _, code := range h.Leads {
		t, _, _ := tx.Team(code)
		contact := textContactCommune
		if a, ok, _ := tx.ApproverFor(code); ok && a.Name != "" {
			contact = a.Name
		}
		lines = append(lines, fmt.Sprintf(textHoldLeader, t.Name, contact))
	}
	officers, _ := tx.Officers()
	for _, code := range h.Approves {
		u, _, _ := tx.Unit(code)
		contact := textContactAdmin
		for _, o := range officers {
			if under, _ := tx.IsUnder(code, o.Scope); under && o.Name != "" {
				contact = o.Name
				break
			}
		}
		lines = append(lines, fmt.Sprintf(textHoldApprover, u.Display(), contact))
	}
	for _, id := range h.Officer {
		name := id
		for _, o := range officers {
			if o.ID == id && o.Name != "" {
				name = o.Name
			}
		}
		lines = append(lines, fmt.Sprintf(textHoldOfficer, name, textContactAdmin))
	}
	return fmt.Sprintf(textHandOverFirst, strings.Join(lines, "\n"))
}

// days is a retention in whole days, def when unset.
func days(d time.Duration, def int) int {
	if d <= 0 {
		return def
	}
	return max(1, int(d/(24*time.Hour)))
}
