package flows

import (
	"fmt"
	"golang.org/x/text/unicode/norm"
	"strings"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

var leaveSteps = map[string]step{
	"team": {prompt: leaveTeamPrompt, answer: leaveTeamAnswer},
	// Being busy is why people leave ("em bận quá", "dạo này em bận việc gia đình quá"), not "pause",
	// unless they say so in so many words.
	"reason": {prompt: leaveReasonPrompt, answer: leaveReasonAnswer, owns: func(_ *convo, text string) bool {
		busy := strings.Contains(strings.ToLower(norm.NFC.String(text)), "bận") ||
			!hasMarks(text) && strings.Contains(" "+foldOf(text)+" ", " ban ") // with marks "bạn" is a friend
		return busy && !saysPause(text)
	}},
	"confirm": {prompt: leaveConfirmPrompt, answer: leaveConfirmAnswer},
}

func (c *convo) startLeave() error {
	roles, err := c.tx.RolesOf(c.in.UserID)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		if offered, err := c.offerWithdraw(); offered || err != nil {
			return err // "thôi em rút" from someone whose request to join waits
		}
		c.say(textLeaveNotMember)
		return c.menu()
	}
	if r, ok, err := c.tx.OpenRequestOf(c.in.UserID, store.RequestLeave); err != nil {
		return err
	} else if ok {
		c.say(fmt.Sprintf(textLeaveAlreadyAsked, r.ID, stateTextAt(r.State, c.authority(r.Team))))
		return nil
	}
	if len(roles) == 1 {
		if why := leaveReasonIn(c.in.Text); why != "" {
			// "em chuyển vào Vinh làm rồi, cho em ra khỏi tổ nhé": the reason is given; it is shown to confirm.
			return c.begin("leave", "confirm", map[string]string{"team": roles[0].Team, "reason": why})
		}
		return c.begin("leave", "reason", map[string]string{"team": roles[0].Team})
	}
	return c.begin("leave", "team", nil)
}

// leaveReasonIn is the reason given with the ask to leave: after "vì" ("xin rời tổ vì bận việc nhà"),
// or the clauses beside the one that asks ("em chuyển vào Vinh làm rồi, cho em ra khỏi tổ nhé"); ""
// when none is told apart.
func leaveReasonIn(text string) string {
	if m := splitReason(text); m.found && leaveWordsOnly(m.head) && len(wordsOf(m.reason)) >= 2 {
		return m.reason
	}
	cls := clausesOf(text)
	var kept []string
	asked := false
	for _, c := range cls {
		words := c.words
		for len(words) > 0 && (words[0] == "cho" || words[0] == "nhe" || words[0] == "a" || words[0] == "nha") {
			words = words[1:]
		}
		for len(words) > 0 && (particles[words[len(words)-1]] || words[len(words)-1] == "nhe") {
			words = words[:len(words)-1]
		}
		if leaveWordsOnly(words) {
			asked = true
			continue
		}
		kept = append(kept, c.typed)
	}
	if !asked || len(kept) == 0 || len(wordsOf(strings.Join(kept, " "))) < 3 || asks(text) {
		return ""
	}
	return strings.Join(kept, ", ")
}

func leaveTeamPrompt(c *convo) error {
	roles, err := c.tx.RolesOf(c.in.UserID)
	if err != nil {
		return err
	}
	var buttons []Button
	for _, m := range roles[:min(len(roles), maxChoices)] {
		t, _, _ := c.tx.Team(m.Team)
		buttons = append(buttons, Button{Title: t.Name, Payload: "#team:" + t.Code})
	}
	c.say(textLeavePickTeam, buttons...)
	return nil
}

func leaveTeamAnswer(c *convo) error {
	code, ok := strings.CutPrefix(strings.TrimSpace(c.in.Text), "#team:")
	if !ok || c.tx.RoleIn(code, c.in.UserID) == "" {
		return c.prompt()
	}
	c.s.Data["team"] = code
	return c.goTo("reason")
}

func leaveReasonPrompt(c *convo) error {
	c.say(textLeaveAskReason)
	return nil
}

func leaveReasonAnswer(c *convo) error {
	reason := strings.TrimSpace(c.in.Text)
	if c.in.Kind != KindText || reason == "" || strings.HasPrefix(reason, "#") || vntext.IsCourtesy(reason) || vntext.IsNo(reason) {
		c.say(textLeaveAskReason) // "ok", "👍", "không" tell the leader nothing
		return nil
	}
	c.s.Data["reason"] = reasonOf(reason) // "rời tổ vì bận việc nhà": the reason is what follows "vì"
	if noReasonGiven(reason) {
		c.s.Data["reason"] = textLeaveNoReason // "ko co ly do gi ca" was kept as "gi ca"
	}
	return c.goTo("confirm")
}

// noReasonGiven: a whole message that says there is no particular reason ("không có lý do gì cả", "ko
// co ly do"); a reason that speaks of something else as well is a reason ("Em đi làm xa, không có gì
// phàn nàn về tổ ạ").
func noReasonGiven(text string) bool {
	var words []string
	for _, w := range wordsOf(text) {
		if !particles[w] && w != "ca" && w != "a" && w != "em" && w != "dau" {
			words = append(words, w)
		}
	}
	switch strings.Join(words, " ") {
	case "khong co ly do", "khong co ly do gi", "ko co ly do", "ko co ly do gi", "k co ly do", "k co ly do gi", "khong ly do",
		"khong vi gi", "khong co gi", "ko co gi", "chang co ly do gi", "chang vi gi", "khong co ly do cu the":
		return true
	}
	return false
}

func leaveConfirmPrompt(c *convo) error {
	t, _, _ := c.tx.Team(c.s.Data["team"])
	c.say(fmt.Sprintf(textLeaveSummary, t.Name, c.s.Data["reason"]), Button{Title: "Gửi yêu cầu", Payload: "gửi"}, btnCancel)
	return nil
}

func leaveConfirmAnswer(c *convo) error {
	if f := vntext.Fold(c.in.Text); f == "sua ly do" || f == "sua" || f == "doi ly do" {
		return c.goTo("reason")
	}
	if m := splitReason(c.in.Text); m.found && leaveWordsOnly(m.head) {
		// "rời tổ vì bận việc nhà": a new reason, shown again before it goes ("không, vì …" and "gửi
		// đi, lý do như trên" answer the question instead).
		c.s.Data["reason"] = m.reason
		if err := c.save(); err != nil {
			return err
		}
		return c.prompt()
	}
	if f := vntext.Fold(c.in.Text); f != "gui" && !isYes(c.in.Text) {
		if isNo(c.in.Text) {
			return c.command(cmdCancel) // "không" to "Gửi yêu cầu?"
		}
		return c.prompt()
	}
	team := c.s.Data["team"]
	if c.tx.RoleIn(team, c.in.UserID) == "" {
		c.say(textLeaveNotMember)
		return c.end()
	}
	r, err := c.tx.CreateRequest(store.Request{Kind: store.RequestLeave, Team: team, ZaloID: c.in.UserID, Reason: c.s.Data["reason"]})
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	t, _, _ := c.tx.Team(team)
	return c.route(r, fmt.Sprintf(textLeaveSent, r.ID, t.Name))
}

// leaveWordsOnly: the words before a reason only ask to leave ("rời tổ", "em xin rời tổ"), or nothing.
func leaveWordsOnly(head []string) bool {
	for _, w := range head {
		switch w {
		case "em", "toi", "minh", "xin", "roi", "to", "ra", "khoi", "muon", "nghi", "thoi":
		default:
			return false
		}
	}
	return true
}
