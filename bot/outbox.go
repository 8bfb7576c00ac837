package bot

import (
	"unicode/utf8"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
)

// flagTemplates records what this OA does with template messages: "" (sent as
// templates), flagRefused (Zalo refused one: text from now on) or flagForced (CDTBOT_TEXT_ONLY).
const (
	flagTemplates = "templates"
	flagRefused   = "refused"
	flagForced    = "forced"
)

// textMode tells whether choices go out as numbered text instead of buttons.
func textMode(tx *store.Tx) bool { return tx.Flag(flagTemplates) != "" }

// listTitleMax is the longest title a list template shows in full.
const listTitleMax = 100

// EnqueueReply puts a reply in the outbox inside tx as what the bot means to
// say; the sender picks the channel and renders it when it goes out. Long text
// EnqueueReminder puts a message of the reminder sweep in the outbox (bulk, with its kind and ZNS
// data): the sweep's Enqueuer.
func EnqueueReminder(tx *store.Tx, m reminders.Message) error {
	rep := flows.Reply{ToUser: m.ToUser, ToGroup: m.ToGroup, Text: m.Text, Bulk: true, NotBefore: m.NotBefore, Kind: m.Kind, Data: m.ZNS.Map()}
	if m.Kind == reminders.KindReminder || m.Kind == reminders.KindOverdue {
		rep.About = store.ReportAbout(m.Team, m.Period)
	}
	for _, b := range m.Buttons {
		rep.Buttons = append(rep.Buttons, flows.Button{Title: b.Title, Payload: b.Payload})
	}
	return EnqueueReply(tx, rep, "remind")
}

// is split so no part exceeds Zalo's 2,000 characters.
func EnqueueReply(tx *store.Tx, rep flows.Reply, rid string) error {
	return enqueueReply(tx, rep, rid)
}

func enqueueReply(tx *store.Tx, rep flows.Reply, rid string) error {
	prio := store.PriorityReply
	if rep.Bulk {
		prio = store.PriorityBulk
	}
	kind := rep.Kind
	if kind == "" {
		kind = store.KindNotice
	}
	put := func(m store.OutMsg) error {
		m.Priority, m.Kind, m.RequestID, m.NextAt, m.Data, m.About = prio, kind, rid, rep.NotBefore, rep.Data, rep.About
		_, err := tx.Enqueue(m)
		return err
	}
	if rep.ToGroup != "" {
		for _, part := range zalo.SplitText(rep.Text, zalo.MaxTextLen) {
			if err := put(store.OutMsg{Endpoint: store.EndpointGroup, To: rep.ToGroup, Text: part}); err != nil {
				return err
			}
		}
		return nil
	}
	to := rep.ToUser
	if rep.AskInfo {
		return put(store.OutMsg{Endpoint: store.EndpointUser, To: to, Text: rep.Text, AskInfo: true})
	}
	choices := make([]store.Choice, len(rep.Buttons))
	for i, b := range rep.Buttons {
		choices[i] = store.Choice{Title: b.Title, Payload: b.Payload}
	}
	// A typed number works like the tap: remember the choices of the last message that sets them;
	// bulk messages (reminders) set them when they are sent (Sender.settleSent).
	typed := !rep.Bulk && choicesAreTyped(tx, kind, to)
	saved := typed && !rep.WordsOnly
	switch {
	case saved:
		if err := tx.SetChoices(to, choices); err != nil {
			return err
		}
	case typed: // words only: the last choices no longer hold, and these are not typed by number
		if err := tx.SetChoices(to, nil); err != nil {
			return err
		}
	}
	// Text and its numbered choices must fit one message when choices go as text.
	limit := zalo.MaxTextLen - choicesLen(choices)
	parts := zalo.SplitText(rep.Text, limit)
	// Text too long for a button card's title goes as one text with its choices numbered ("1. Gửi"),
	// not as a text and then a card: one send a turn, never two (the sandbox still shows buttons) —
	// where a typed number selects them. A notice reaching someone mid-conversation keeps its card:
	// there "1" answers the conversation.
	numbered := len(choices) > 0 && len(parts) == 1 && utf8.RuneCountInString(rep.Text) > listTitleMax && (typed || rep.Bulk)
	if len(choices) > 0 && !textMode(tx) && !numbered && (len(parts) > 1 || utf8.RuneCountInString(rep.Text) > listTitleMax) {
		// A list template's title is short: long text goes first as its own message.
		parts = append(zalo.SplitText(rep.Text, zalo.MaxTextLen), textChoose)
	}
	if len(parts) == 0 {
		parts = []string{textChoose}
	}
	for i, part := range parts {
		m := store.OutMsg{Endpoint: store.EndpointUser, To: to, Text: part, Numbered: numbered, WordsOnly: rep.WordsOnly}
		if i == len(parts)-1 {
			m.Choices = choices
		}
		if err := put(m); err != nil {
			return err
		}
	}
	return nil
}

// choicesAreTyped tells whether a message of kind to userID sets what a typed "2" means: the
// conversation's own replies do, and anything when no conversation is open; a notice reaching someone
// mid-conversation does not (there "2" answers the conversation). Queuing, rendering and the record
// of a reminder sent all ask this.
func choicesAreTyped(tx *store.Tx, kind, userID string) bool {
	if kind == store.KindReply {
		return true
	}
	_, open, _ := tx.Session(userID)
	return !open
}

// Texts bot/ adds around the conversations' own.
const (
	textAskInfoSubtitle = "Bấm \"Chia sẻ\" để gửi họ tên và số điện thoại của bạn."
	textChoose          = "Mời bạn chọn:"
	textZNSNoName       = "anh/chị" // a ZNS reminder's {name} for someone whose name is not known
	textPickNumber      = "Gõ số (1–%d) để chọn."
	textTypeWords       = "• %s: nhắn \"%s\""
	textGroupNudge      = "%s Bạn có tin nhắn mới từ Tổ công nghệ số. Nhắn \"menu\" cho Official Account để xem và trả lời."
	textGroupReplyHint  = "(Trả lời bằng tin nhắn riêng cho Official Account.)"
)
