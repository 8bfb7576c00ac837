package bot

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// Zalo's consultation ("cs") window: a person who interacted with the OA in the
// last 7 days can be sent cs messages, free for the first 48 hours.
const (
	csWindow = 7 * 24 * time.Hour
	csFree   = 48 * time.Hour
)

// route is how one outbox message goes out now: the channel, what it costs and the rendered request.
type route struct {
	channel  string // store.ChannelCS, ChannelZNS or ChannelGroup; "" when no channel is left
	cost     string // store.CostCSFree…
	to       string // user id, phone (84…) or group id
	body     []byte // the cs or group request
	zns      *zalo.ZNSMessage
	template bool // body is a template: if Zalo refuses it, the same content goes as text
	skip     bool // nothing to send on this channel (an info request when templates are off)
	obsolete bool // a reminder of a report filed since it was queued: not sent at all
}

// ladder picks the channel for a message at send time: a conversation reply by
// cs; a message to someone not chatting by cs inside the 7-day window, else ZNS
// by phone when a template is configured for its kind, else a mention in the
// group their team or unit is linked to; else nobody can reach them.
type ladder struct {
	enforceWindow bool              // false in sandbox mode: no Zalo window to respect
	znsTemplates  map[string]string // message kind → approved ZNS template id
	logoURL       string            // image of request_user_info templates
	countSends    bool              // sends cost (not a sandbox): reminders go as one numbered text, not text + card
	// znsOff, when set, is the instant (unix ns) until which ZNS is not tried: Zalo refused it
	// for the whole account (quota used up, template not approved), so each message would waste a request.
	znsOff *atomic.Int64
}

// pauseZNS stops trying ZNS until until.
func (l *ladder) pauseZNS(until time.Time) {
	if l.znsOff != nil {
		l.znsOff.Store(until.UnixNano())
	}
}

func (l *ladder) znsPaused(now time.Time) bool {
	return l.znsOff != nil && now.UnixNano() < l.znsOff.Load()
}

// triedTemplate in OutMsg.Tried means Zalo refused the message as a template: it goes as text.
const triedTemplate = "template"

func tried(m store.OutMsg, channel string) bool { return slices.Contains(m.Tried, channel) }

func (l *ladder) route(tx *store.Tx, m store.OutMsg, now time.Time) route {
	// A national morning drains for half an hour and may be queued before it: a leader who filed
	// meanwhile is not told to file.
	if m.About != "" && tx.AboutFiled(m.About) {
		return route{obsolete: true}
	}
	if len(m.Body) > 0 { // written by a release before intents: send it as it is, once
		r := route{channel: store.ChannelCS, cost: store.CostCSPaid, to: m.To, body: m.Body}
		if m.Endpoint == store.EndpointGroup {
			r.channel, r.cost = store.ChannelGroup, store.CostGroup
		}
		if tried(m, r.channel) {
			return route{}
		}
		return r
	}
	// Text with numbered choices when this OA refuses templates, or Zalo refused this message's template.
	text := textMode(tx) || tried(m, triedTemplate)
	if m.Endpoint == store.EndpointGroup {
		if tried(m, store.ChannelGroup) {
			return route{}
		}
		return route{channel: store.ChannelGroup, cost: store.CostGroup, to: m.To,
			body: zalo.GroupTextMessage(m.To, withChoices(m.Text, m.Choices))}
	}
	if !tried(m, store.ChannelCS) {
		seen, known := tx.LastSeen(m.To)
		age := now.Sub(seen)
		// Someone with no record may have written before the bot kept them (the first 7 days after an
		// upgrade): tried once by cs; Zalo's refusal then closes the window until they write.
		maybe := !known && now.Sub(seenSince(tx, now)) < csWindow
		if m.Kind == store.KindReply || !l.enforceWindow || maybe || (known && age < csWindow) {
			r := route{channel: store.ChannelCS, cost: store.CostCSPaid, to: m.To}
			if known && age < csFree {
				r.cost = store.CostCSFree
			}
			switch {
			case m.AskInfo && text:
				r.skip = true // the conversation asks for the name in words right after
			case m.AskInfo:
				r.body, r.template = zalo.RequestUserInfoMessage(m.To, m.Text, textAskInfoSubtitle, l.logoURL), true
			case len(m.Choices) > 0 && !text && (!m.Numbered || !l.countSends):
				buttons := make([]zalo.Button, len(m.Choices))
				for i, c := range m.Choices {
					buttons[i] = zalo.Button{Title: c.Title, Payload: c.Payload}
				}
				r.body, r.template = zalo.ListMessage(m.To, []zalo.ListElement{{Title: m.Text}}, buttons), true
			default:
				r.body = zalo.TextMessage(m.To, choiceText(m.Text, m.Choices, choicesAreTyped(tx, m.Kind, m.To) && !m.WordsOnly))
			}
			return r
		}
	}
	if m.Kind == store.KindReply || m.AskInfo {
		return route{} // a conversation's answer belongs to the conversation, not to a group or a phone
	}
	if tpl := l.znsTemplates[m.Kind]; tpl != "" && !tried(m, store.ChannelZNS) && len(m.Data) > 0 && !l.znsPaused(now) {
		if p, ok, _ := tx.Person(m.To); ok {
			if phone, ok := zalo.PhoneTo84(p.Phone); ok {
				data := maps.Clone(m.Data)
				if _, ok := data["name"]; !ok { // the sweep leaves the name to the one channel that needs it
					data["name"] = cmp.Or(p.Name, textZNSNoName)
				}
				return route{channel: store.ChannelZNS, cost: store.CostZNS, to: phone, zns: &zalo.ZNSMessage{
					Phone: phone, TemplateID: tpl, Data: data, TrackingID: fmt.Sprintf("cdtbot-%d", m.Seq)}}
			}
		}
	}
	if !tried(m, store.ChannelGroup) {
		if g := personGroup(tx, m.To); g != "" {
			return route{channel: store.ChannelGroup, cost: store.CostGroup, to: g, body: zalo.GroupTextMessage(g, groupText(m))}
		}
	}
	return route{}
}

// flagSeenSince is when this database started recording people's last messages (RFC 3339).
const flagSeenSince = "seen_since"

// seenSince is when last-message records began; now when unknown.
func seenSince(tx *store.Tx, now time.Time) time.Time {
	t, err := time.Parse(time.RFC3339, tx.Flag(flagSeenSince))
	if err != nil {
		return now
	}
	return t
}

// choicesLen is how many characters withChoices adds to a text (without formatting it: a national
// sweep asks it of every reminder).
func choicesLen(choices []store.Choice) int {
	if len(choices) == 0 {
		return 0
	}
	n := 1 + 1 + utf8.RuneCountInString(textPickNumber) - len("%d") + len(strconv.Itoa(len(choices)))
	for i, c := range choices {
		n += 3 + len(strconv.Itoa(i+1)) + utf8.RuneCountInString(c.Title) // "\n%d. %s"
	}
	return n
}

// choiceText is the text of a message with its choices when they go as text: numbered where a typed
// number selects them, else as the words that do ("Báo cáo ngay: nhắn "báo cáo""), when every choice
// is words (a hidden command like "#approve:1" is not for typing: numbered then, as before).
func choiceText(text string, choices []store.Choice, numbersWork bool) string {
	if numbersWork || len(choices) == 0 || slices.ContainsFunc(choices, func(c store.Choice) bool { return typedWords(c.Payload) == "" }) {
		return withChoices(text, choices)
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("\n")
	for _, c := range choices {
		fmt.Fprintf(&b, "\n"+textTypeWords, c.Title, typedWords(c.Payload))
	}
	if utf8.RuneCountInString(b.String()) > zalo.MaxTextLen {
		return withChoices(text, choices) // sized for numbers when it was queued
	}
	return b.String()
}

// typedWords are what a person types for a choice: its payload when it is words, a request's decision
// by its number ("#rq:3:app" → "duyệt 3"), else "" (a hidden command not for typing).
func typedWords(payload string) string {
	if !strings.HasPrefix(payload, "#") {
		return payload
	}
	parts := strings.Split(payload, ":")
	if len(parts) != 3 || parts[0] != "#rq" {
		return ""
	}
	switch parts[2] {
	case "app":
		return "duyệt " + parts[1]
	case "rec":
		return "giới thiệu " + parts[1]
	case "rej", "dec":
		return "từ chối " + parts[1]
	}
	return ""
}

// withChoices renders choices as numbered lines under the text: what a typed number selects.
func withChoices(text string, choices []store.Choice) string {
	if len(choices) == 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	b.WriteString("\n")
	for i, c := range choices {
		fmt.Fprintf(&b, "\n%d. %s", i+1, c.Title)
	}
	fmt.Fprintf(&b, "\n"+textPickNumber, len(choices))
	return b.String()
}

// groupText is what a group sees of a message for one person: reminders in full
// (a team, a month, a date), anything else only as a nudge, since it may carry
// other people's names and phones.
func groupText(m store.OutMsg) string {
	mention := "[@" + m.To + "]"
	switch m.Kind {
	case "reminder", "overdue":
		t := mention + " " + m.Text
		if len(m.Choices) > 0 {
			t += "\n" + textGroupReplyHint
		}
		return t
	}
	return fmt.Sprintf(textGroupNudge, mention)
}

// personGroup is the group where a person can be mentioned: that of a team they
// hold a role in, else that of the unit they approve for.
func personGroup(tx *store.Tx, userID string) string {
	roles, _ := tx.RolesOf(userID)
	for _, r := range roles {
		if g, _, err := tx.GroupFor(r.Team); err == nil && g != "" {
			return g
		}
	}
	if len(roles) > 0 {
		return "" // a team's people are reached in the team's or its units' group (the commune's included)
	}
	approvers, _ := tx.Approvers()
	for _, a := range approvers {
		if a.ZaloID != userID {
			continue
		}
		path, _ := tx.UnitPath(a.Unit)
		for i := len(path) - 1; i >= 0; i-- {
			if path[i].GroupID != "" {
				return path[i].GroupID
			}
		}
	}
	return ""
}
