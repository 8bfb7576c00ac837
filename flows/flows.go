// Package flows holds the conversations: an input from a person comes in,
// replies (and record changes, in the same store transaction) come out.
// It knows nothing of HTTP or Zalo's JSON; bot/ translates both ways.
package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rs/zerolog"
	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/intent"
	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// Kind is what a person did.
type Kind int

const (
	// KindText is typed text or a button payload (Zalo sends both as text).
	KindText Kind = iota + 1
	// KindFollow is a new follower of the account.
	KindFollow
	// KindUnfollow is a follower leaving.
	KindUnfollow
	// KindAttachment is a photo, file, sticker, location…
	KindAttachment
	// KindSubmitInfo is the answer to a request for name and phone.
	KindSubmitInfo
	// KindGroupText is text written in a group chat the account is in.
	KindGroupText
)

// Input is one thing a person did, already stripped of Zalo's wire format.
type Input struct {
	Kind    Kind
	UserID  string
	GroupID string // for group messages
	Text    string
	// Attachment type ("image", "file", …) and URL for KindAttachment.
	AttachmentType, AttachmentURL string
	// Name and Phone from KindSubmitInfo.
	Name, Phone string
}

// Button is a finite choice; tapping it sends Payload back as text.
type Button struct {
	Title   string
	Payload string
}

// Reply is one message the bot sends.
type Reply struct {
	ToUser  string // a person, or
	ToGroup string // a group chat
	Text    string
	// Buttons turn the reply into a list template with Text as its title.
	Buttons []Button
	// AskInfo asks the person to share name and phone (request_user_info).
	AskInfo bool
	// Bulk marks reminders and digests: they wait behind conversation replies.
	Bulk bool
	// NotBefore holds a message until then (reminders made at night wait for the morning).
	NotBefore time.Time
	// Kind says why it is sent (store.KindReply, store.KindNotice, a reminder kind); empty: the router decides.
	Kind string
	// Data are the fields of a ZNS template, for messages that may go out by phone (reminders).
	Data map[string]string
	// About is the report a reminder asks for (store.OutMsg.About): not sent once it is filed.
	About string
	// WordsOnly: its buttons are chosen by a tap or by their words, never by a typed number, which
	// means something else there (the report's summary lists items 1 to 12 above [Gửi | Sửa | Hủy]).
	WordsOnly bool
}

// Digester writes the current reporting digest of an officer's scope ("#baocao"): reminders.Sweeper.
type Digester interface {
	// Digest of p for every team of the scope; the zero Period: each team's open period.
	Digest(tx *store.Tx, o store.Officer, at time.Time, p store.Period) (string, error)
}

// PageLinker makes a signed link to an officer's web page ("xem trang tổng hợp") inside tx: officer.Links.
type PageLinker interface {
	PageLink(tx *store.Tx, officerID string, ttl time.Duration) (string, error)
}

// FormLinker makes a signed link to a leader's web form of a team's monthly report inside tx
// (form.Links); "" when links cannot be made (no public address).
type FormLinker interface {
	FormLink(tx *store.Tx, userID, team, period string) (string, error)
}

// Deps is what the conversations ask of the rest of cdtbot. A nil one is not offered: officers
// who ask for it are told it is not ready yet.
type Deps struct {
	// Digest answers "#baocao" and "tình hình báo cáo" from officers.
	Digest Digester
	// Links answers "xem trang tổng hợp" with a link to the officer's page.
	Links PageLinker
	// Forms offers leaders the whole report as one web form, beside the questions in the chat.
	Forms FormLinker
}

// Engine runs the conversations.
type Engine struct {
	// KeepEvents and KeepSent are the retentions people are told about ("dữ liệu của tôi"); zero: 8 and 35 days.
	KeepEvents, KeepSent time.Duration
	// Log gets a debug line per input: which intent won and why.
	Log      zerolog.Logger
	deps     Deps
	communes communeCache // join's commune search
	loc      *time.Location
	intents  *intent.Classifier
	pauseAt  time.Duration
	prepared preparedDigests // digests read before the handling transaction (Prepare)
}

// Commands understood anywhere, by id.
const (
	cmdCancel = "cancel"
	cmdBack   = "back"
	cmdSkip   = "skip"
	cmdHelp   = "help"
	cmdResume = "resume"
	cmdPause  = "pause"
	cmdJoin   = "join"
	cmdLeave  = "leave"
	cmdReport = "report"
	cmdStatus = "status"
	cmdPage   = "page"
	// Personal data (flows/privacy.go).
	cmdMyData   = "mydata"
	cmdErase    = "erase"
	cmdWithdraw = "withdraw"
)

// New returns an engine whose dates are in loc (nil: Asia/Ho_Chi_Minh), asking deps what it
// does not know itself.
func New(loc *time.Location, deps Deps) *Engine {
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Asia/Ho_Chi_Minh"); err != nil {
			loc = time.FixedZone("ICT", 7*3600)
		}
	}
	return &Engine{deps: deps, loc: loc, intents: intent.New(), pauseAt: 24 * time.Hour, Log: zerolog.Nop()}
}

// convo is one input being handled: the person, their session and the replies so far.
type convo struct {
	e   *Engine
	tx  *store.Tx
	in  Input
	s   *store.Session // nil when no conversation is open
	out []Reply
	// typed is the text as the person sent it (after a typed number became its button's payload): a
	// step that acts for good reads this, not the "đồng ý" a yes-word was turned into.
	typed string
}

// Handle answers one input inside tx. Any record change it makes commits with
// the replies and the "handled" mark, or not at all.
func (e *Engine) Handle(tx *store.Tx, in Input) ([]Reply, error) {
	c := &convo{e: e, tx: tx, in: in, typed: in.Text}
	var err error
	switch in.Kind {
	case KindFollow:
		c.say(textWelcome)
		err = c.menu()
	case KindText, KindAttachment, KindSubmitInfo:
		err = c.handle()
	case KindGroupText:
		err = c.groupText()
	}
	if err == nil {
		err = c.markNoticed()
	}
	if err != nil {
		return nil, err
	}
	return joinReplies(c.out), nil
}

// markNoticed: someone at their report's summary who is told something else (their deputy filed
// another month, a request to decide) no longer has "Gửi?" as the last thing said to them: a bare
// "ok" after it answers that, not the summary (found by an outside probe: it filed the report).
func (c *convo) markNoticed() error {
	told := map[string]bool{}
	for _, r := range c.out {
		if r.ToUser == "" || r.ToUser == c.in.UserID || told[r.ToUser] {
			continue
		}
		told[r.ToUser] = true
		s, ok, err := c.tx.Session(r.ToUser)
		if err != nil {
			return err
		}
		if ok && s.Flow == "report" && s.Step == "summary" && !s.Paused {
			if s.Data == nil {
				s.Data = map[string]string{}
			}
			s.Data[keyNoticed] = "1"
			if err := c.tx.SaveSession(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyNoticed marks a report's summary that something else was said after it (markNoticed).
const keyNoticed = "noticed"

// maxJoined bounds a joined reply: Zalo's text limit.
const maxJoined = 2000

// joinReplies makes the lines a turn says to one person one message ("Đã ghi…" and the next question):
// every message is a Zalo request, and requests are the bot's scarce resource. A message with buttons
// ends a join, since its buttons belong to its own text.
func joinReplies(out []Reply) []Reply {
	var joined []Reply
	// The last message to each recipient: what is said to others between does not part two lines to one
	// person ("Đã chuyển…", then the question again).
	last := map[[2]string]int{}
	for _, r := range out {
		to := [2]string{r.ToUser, r.ToGroup}
		if n, ok := last[to]; ok && joinable(joined[n], r) {
			joined[n].Text += "\n\n" + r.Text
			joined[n].Buttons, joined[n].WordsOnly = r.Buttons, r.WordsOnly
			continue
		}
		last[to] = len(joined)
		joined = append(joined, r)
	}
	return joined
}

func joinable(a, b Reply) bool {
	return a.ToUser == b.ToUser && a.ToGroup == b.ToGroup && len(a.Buttons) == 0 && !a.AskInfo && !b.AskInfo &&
		a.Kind == b.Kind && a.Bulk == b.Bulk && a.NotBefore.Equal(b.NotBefore) && a.Data == nil && b.Data == nil &&
		a.Text != "" && b.Text != "" && utf8.RuneCountInString(a.Text)+utf8.RuneCountInString(b.Text)+2 <= maxJoined
}

// say sends text (with optional buttons) to the person being served.
func (c *convo) say(text string, buttons ...Button) {
	c.out = append(c.out, Reply{ToUser: c.in.UserID, Text: text, Buttons: buttons})
}

// tell sends text to someone else (a leader, an approver).
func (c *convo) tell(to, text string, buttons ...Button) {
	c.out = append(c.out, Reply{ToUser: to, Text: text, Buttons: buttons})
}

func (c *convo) now() time.Time { return c.tx.Now().In(c.e.loc) }

// handle routes a message: button payloads, then words that work anywhere, then the open step.
func (c *convo) handle() error {
	text := strings.TrimSpace(c.in.Text)
	s, ok, err := c.tx.Session(c.in.UserID)
	if err != nil {
		return err
	}
	if ok {
		if s.Data == nil {
			s.Data = map[string]string{} // an empty map is not stored
		}
		c.s = &s
	}
	if strings.HasPrefix(text, "#") && c.in.Kind == KindText {
		if handled, err := c.payload(text); handled || err != nil {
			return err
		}
	}
	if c.s != nil && !c.s.Paused && c.in.Kind == KindText && !strings.HasPrefix(text, "#") {
		// A step's own words go to it before they are read as commands ("xóa hết" at "xóa dữ liệu?",
		// "huy ban nhap" at "bỏ bản nháp?", "giới thiệu 29" at "lý do từ chối?").
		if st := steps[c.s.Flow+"."+c.s.Step]; st.owns != nil && st.owns(c, text) {
			return c.answer()
		}
	}
	if handled, err := c.correcting(text); handled || err != nil {
		return err // "sửa câu 1", "câu 1 là 15": one item of the report, in the leader's words
	}
	if handled, err := c.switchingMonth(text); handled || err != nil {
		return err // "nhầm, em báo cáo tháng 11 chứ không phải tháng 10"
	}
	if c.in.Kind == KindText && !c.answersByLine(text) && deadlineQuestion(text, c.s != nil && !c.s.Paused) {
		return c.deadlines() // "hạn nộp báo cáo là ngày nào?": an answer, not the report
	}
	if c.in.Kind == KindText && (c.s == nil || c.s.Paused) {
		if handled, err := c.aboutRequests(text); handled || err != nil {
			return err // a request taken back, decided, listed, or how to
		}
	}
	cmd, isCmd := "", false
	if c.in.Kind == KindText && !c.answersByLine(text) {
		sit := intent.Idle
		if c.s != nil && !c.s.Paused {
			sit = c.situation()
		}
		res := c.e.intents.Classify(text, sit)
		if cmd, isCmd := commandOf[res.Intent]; (!isCmd || cmd == cmdHelp) && (c.s == nil || c.s.Paused) && asksAfter(text) {
			if m, _ := monthIn(wordsOf(text)); m != 0 {
				if _, officer, _ := c.officerOf(c.in.UserID, ""); officer {
					res.Intent = intent.Status // an officer's "tháng 10 thế nào"
				}
			}
		}
		c.e.Log.Debug().Str("user", c.in.UserID).Str("situation", string(sit)).Str("intent", res.Intent).
			Float64("score", res.Score).Str("why", res.Why).Msg("intent")
		if c.s != nil && c.s.Data[keyPending] != "" {
			// They were asked "command or answer?": yes means the command, no the answer,
			// anything else is a new answer and the question is dropped.
			switch res.Intent {
			case intent.Yes:
				return c.clarified("cmd")
			case intent.No:
				return c.clarified("answer")
			}
			delete(c.s.Data, keyPending)
			delete(c.s.Data, keyPendingCmd)
			if err := c.save(); err != nil {
				return err
			}
			if res.Intent == intent.Answer {
				sit = c.situation()
				res = c.e.intents.Classify(text, sit)
			}
		}
		if sit == intent.Confirm && c.s != nil && c.s.Flow == "report" && c.s.Step == "drop" && commandOf[res.Intent] == "report" {
			res.Intent = intent.No // "báo cáo", "gửi báo cáo" at "bỏ bản nháp?": go on with the report
		} else if sit == intent.Confirm && c.s != nil && commandOf[res.Intent] == c.s.Flow && !(c.s.Flow == "leave" && hasReason(text)) &&
			(c.s.Step == "summary" || c.s.Step == "confirm" || c.s.Step == "collab") { // "tham gia" to "làm cộng tác viên?"
			// "gửi báo cáo" at the report's own confirmation sends it; it does not start the report again.
			res.Intent = intent.Yes
		}
		switch res.Intent {
		case intent.Yes:
			if !isYes(c.in.Text) {
				c.in.Text = btnYes.Payload // the step reads the words it knows
			}
		case intent.No:
			if !isNo(c.in.Text) {
				c.in.Text = btnNo.Payload
			}
		case intent.Ask:
			return c.askCommandOrAnswer(res.Alt, text)
		default:
			cmd, isCmd = commandOf[res.Intent]
		}
	}
	if c.s != nil {
		// A conversation left for a day is paused, never dropped: offer to go on.
		// Personal-data requests are answered at once: they are rights, not part of the conversation.
		if !c.s.Paused && c.tx.Now().Sub(c.s.UpdatedAt) > c.e.pauseAt && !(isCmd && (cmd == cmdResume || cmd == cmdCancel || isPrivacy(cmd))) {
			c.s.Paused = true
			if err := c.save(); err != nil {
				return err
			}
			c.sayPaused()
			return nil
		}
		if isCmd {
			return c.command(cmd)
		}
		if c.s.Paused {
			if c.in.Kind == KindText && (vntext.IsYes(c.in.Text) || vntext.IsCourtesy(c.in.Text)) {
				return c.command(cmdResume) // "ok", "có", "vâng", "👍" to "làm tiếp không?"
			}
			c.sayPaused()
			return nil
		}
		return c.answer()
	}
	if isCmd {
		return c.command(cmd)
	}
	if c.in.Kind == KindText {
		// A join code typed on its own starts a join for that team.
		if t, ok, err := c.tx.TeamByJoinCode(text); err != nil {
			return err
		} else if ok {
			return c.startJoin(&t)
		}
	}
	return c.menu()
}

// command runs a word that works anywhere.
func (c *convo) command(cmd string) error {
	switch cmd {
	case cmdCancel:
		return c.cancel(false)
	case cmdBack:
		return c.back()
	case cmdSkip:
		return c.skip()
	case cmdHelp:
		if c.s != nil && !c.s.Paused {
			// Help in the middle of a conversation: what to type, then the question again.
			c.say(fmt.Sprintf(textHelpInFlow, flowName(c.s.Flow)))
			return c.prompt()
		}
		if askedForHelp(c.in.Text) {
			return c.help()
		}
		return c.menu() // a greeting, "menu": what they can do now, short
	case cmdPause:
		if c.s == nil {
			c.say(textNothingToResume)
			return c.menu()
		}
		c.s.Paused = true
		if err := c.save(); err != nil {
			return err
		}
		c.say(fmt.Sprintf(textPausedByUser, flowName(c.s.Flow)), btnResume, btnCancel)
		return nil
	case cmdResume:
		if c.s == nil {
			c.say(textNothingToResume)
			return c.menu()
		}
		if !c.s.Paused && c.s.Flow == "report" && c.s.Step == "drop" {
			return c.back() // "tiếp tục báo cáo" at "bỏ bản nháp?": keep the draft, back to the question
		}
		c.s.Paused = false
		if err := c.save(); err != nil {
			return err
		}
		return c.prompt()
	case cmdStatus, cmdPage:
		return c.officerWords(cmd)
	case cmdMyData:
		return c.myData()
	case cmdErase, cmdWithdraw:
		if c.s != nil && !c.s.Paused && c.s.Flow == "privacy" {
			return c.answer() // "xóa đi", "xóa hết" at "xóa dữ liệu?": the answer, not the question again
		}
		if words := wordsOf(c.in.Text); notPersonalData(c.in.Text) || asks(c.in.Text) ||
			len(words) > 0 && words[0] == "neu" {
			// "xóa giúp em câu 9", "xóa ảnh", "rút lại yêu cầu": something of the conversation or a
			// request, not the person's data (which would end their role and their draft).
			if c.s != nil && !c.s.Paused && strings.Contains(" "+vntext.Fold(c.in.Text)+" ", " truoc ") {
				return c.back()
			}
			c.say(textEraseWhat)
			if c.s != nil && !c.s.Paused {
				return c.prompt()
			}
			return nil
		}
		if !namesPersonalData(c.in.Text, cmd == cmdWithdraw) {
			// "cứ xóa", "xóa đi", "rút", "ừ rút đi": nothing says it is their data or their consent. Their
			// own request waiting is what "rút" most likely means; else, what each word does.
			if c.s == nil || c.s.Paused {
				if offered, err := c.offerWithdraw(); offered || err != nil {
					return err
				}
			}
			c.say(textEraseWhat)
			if c.s != nil && !c.s.Paused {
				return c.prompt()
			}
			return nil
		}
		return c.startErase(cmd == cmdWithdraw)
	case cmdLeave:
		if lower := strings.ToLower(norm.NFC.String(c.in.Text)); c.s == nil && vntext.Fold(lower) != lower &&
			!strings.Contains(lower, "rời") && !strings.Contains(lower, "ra khỏi") && !strings.Contains(lower, "nghỉ") &&
			!strings.Contains(lower, "thôi") && !strings.Contains(lower, "rút") {
			// Typed with marks and none of them says leaving: "tổ đủ người rồi" is not "rời tổ".
			return c.menu()
		}
		return c.startOrTakeUp(cmd)
	case cmdJoin, cmdReport:
		return c.startOrTakeUp(cmd)
	}
	return c.menu()
}

// startOrTakeUp starts (or takes up) a join, a leave or a report.
func (c *convo) startOrTakeUp(cmd string) error {
	switch cmd {
	case cmdJoin, cmdLeave, cmdReport:
		if c.s != nil && c.s.Flow != cmd {
			// Starting something new while another conversation is open would lose it: ask first.
			c.say(fmt.Sprintf(textBusy, flowName(c.s.Flow)), btnResume, btnCancel)
			return nil
		}
		if m := splitReason(c.in.Text); c.s != nil && !c.s.Paused && c.s.Flow == "leave" && m.found && leaveWordsOnly(m.head) {
			return c.answer() // "rời tổ vì bận việc nhà" while leaving: the reason
		}
		if c.s != nil && !c.s.Paused && c.s.Flow == "report" && c.s.Step == "period" && cmd == cmdReport {
			return c.answer() // "chị báo cáo tháng 12 nhé" at "tháng nào?": the month, if it names one
		}
		if c.s != nil {
			if c.s.Paused { // "báo cáo" to a paused report takes it up again, as "tiếp tục" does
				c.s.Paused = false
				if err := c.save(); err != nil {
					return err
				}
			}
			return c.prompt()
		}
		switch cmd {
		case cmdJoin:
			return c.startJoin(nil)
		case cmdLeave:
			return c.startLeave()
		default:
			return c.startReport()
		}
	}
	return c.menu()
}

// payload handles machine payloads of buttons ("#…"); false means it is not one of ours.
func (c *convo) payload(p string) (bool, error) {
	parts := strings.Split(p[1:], ":")
	switch parts[0] {
	case "rq":
		// "#rq:<id>:<action>", or with a refusal's reason after it (a decision typed in words).
		parts := strings.SplitN(p[1:], ":", 4)
		if len(parts) < 3 {
			return false, nil
		}
		reason := ""
		if len(parts) == 4 {
			reason = strings.TrimSpace(parts[3])
		}
		return true, c.decide(parts[1], parts[2], reason)
	case "appoint":
		// The person's id is after the last colon: a team code may itself contain one.
		rest := strings.TrimPrefix(p, "#appoint:")
		i := strings.LastIndex(rest, ":")
		if i <= 0 {
			return false, nil
		}
		return true, c.appoint(rest[:i], rest[i+1:])
	case "baocao":
		return true, c.officerWords(cmdStatus)
	case "pending":
		return true, c.pending()
	case "clarify":
		if len(parts) == 2 && (parts[1] == "cmd" || parts[1] == "answer") {
			return true, c.clarified(parts[1])
		}
	}
	if c.s == nil {
		c.say(textStaleButton)
		return true, c.menu()
	}
	return false, nil
}

// groupText answers "#baocao" / "tình hình báo cáo" in an officers' group; other chatter is ignored.
func (c *convo) groupText() error {
	o, found, err := c.officerOf("", c.in.GroupID)
	if err != nil {
		return err
	}
	res, asked, err := c.e.officerAsks(c.tx, c.in.Text, intent.Group, o, found)
	if err != nil {
		return err
	}
	c.e.Log.Debug().Str("group", c.in.GroupID).Str("intent", res.Intent).Str("why", res.Why).Msg("intent")
	cmd, ok := commandOf[res.Intent]
	if !ok || (cmd != cmdStatus && cmd != cmdPage) {
		return nil // chatter: officers talk among themselves
	}
	if !found {
		c.out = append(c.out, Reply{ToGroup: c.in.GroupID, Text: textNoScopeGroup})
		return nil
	}
	if cmd == cmdPage {
		return c.pageLink(o, Reply{ToGroup: c.in.GroupID})
	}
	return c.digestsTo(asked, Reply{ToGroup: c.in.GroupID})
}

// officerAsks reads an officer's words (o, when known): what they ask, and of what — the officer's
// scope, or the communes of it the words name ("xã Tùng Ảnh đã nộp chưa", "xã Tùng Ảnh và xã Tùng Lộc
// thì sao": one officer each, up to maxAskedCommunes). In a group a commune's name is not chatter: that
// message is read as "đã nộp chưa".
func (e *Engine) officerAsks(tx *store.Tx, text string, situation intent.Situation, o store.Officer, known bool) (intent.Result, []store.Officer, error) {
	res := e.intents.Classify(text, situation)
	if digestTag(text) {
		res.Intent = intent.Status
	}
	if !known {
		return res, []store.Officer{o}, nil
	}
	if cmd := commandOf[res.Intent]; cmd != cmdStatus && cmd != cmdPage && asksAfter(text) {
		if m, _ := monthIn(wordsOf(text)); m != 0 {
			res.Intent = intent.Status // "tháng 10 thế nào", "t10 nộp chưa": a month asked after
		}
	}
	if u, found, _ := tx.Unit(o.Scope); found && situation != intent.Group {
		o.Name = u.Display() // to one officer the digest is of a place ("Tỉnh Hà Tĩnh"), not of their own name
	}
	var asked []store.Officer
	rest := text
	for len(asked) < maxAskedCommunes {
		u, after, named, err := e.namedCommune(tx, rest, o.Scope)
		if err == nil && !named {
			// A commune of elsewhere: said so, not answered for the whole scope (nor ignored in the group).
			if u, after, named, err = e.namedCommune(tx, rest, ""); named {
				u.Code = "" // outside: no scope to read
			}
		}
		if err != nil {
			return res, nil, err
		}
		if !named {
			break
		}
		one := o
		if u.Code == "" {
			one.Name = fmt.Sprintf(textOutsideScope, u.Display(), o.Name)
		} else {
			one.Name = u.Display()
		}
		one.Scope = u.Code
		asked = append(asked, one)
		rest = strings.TrimLeft(after, " ,;&+") // "… và Tùng Lộc": the next name may come first now
		if f := strings.Fields(rest); len(f) > 0 && (foldOf(f[0]) == "va" || foldOf(f[0]) == "voi") {
			rest = strings.Join(f[1:], " ")
		}
	}
	// A village or street of one commune ("thôn 1 nộp chưa", "tdp 3 báo cáo chưa"): of the commune named,
	// or of the officer's own commune.
	within := o.Scope
	if len(asked) == 1 {
		within = asked[0].Scope
	}
	if len(asked) <= 1 && within != "" {
		v, after, named, err := namedVillage(tx, rest, within)
		if err != nil {
			return res, nil, err
		}
		if named {
			one := o
			if len(asked) == 1 {
				one = asked[0]
			}
			one.Name, one.Scope = v.Display()+", "+one.Name, v.Code
			asked, rest = []store.Officer{one}, after
		}
	}
	if len(asked) == 0 {
		return res, []store.Officer{o}, nil
	}
	if cmd := commandOf[res.Intent]; situation == intent.Group && cmd != cmdStatus && cmd != cmdPage {
		res = e.intents.Classify(rest, situation)
	}
	if cmd := commandOf[res.Intent]; cmd != cmdStatus && cmd != cmdPage && (asksAfter(rest) || onlyMonth(placeRest(rest))) {
		// "xã Đức Thọ thì sao ạ", "Thành Sen thế nào", "xã Đức Thọ với phường Thành Sen", "Đức Thọ tháng 10":
		// places asked after, with a month or nothing else.
		res.Intent = intent.Status
	}
	return res, asked, nil
}

// placeRest is what is left of a message once its places are named, less the words joining them.
func placeRest(rest string) []string {
	var out []string
	for _, w := range wordsOf(rest) {
		if w != "va" && w != "voi" && w != "cua" {
			out = append(out, w)
		}
	}
	return out
}

// maxAskedCommunes bounds the communes one message may ask after (each is a digest in the one reply).
const maxAskedCommunes = 3

// digestTag is the digest asked by a tag, as officers type it: "#baocao", "# baocao", "#bc",
// "#tinhhinh", "#BáoCáo t11".
func digestTag(text string) bool {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "#") {
		return false
	}
	words := wordsOf(t)
	if len(words) == 0 {
		return false
	}
	tag := words[0]
	if len(words) > 1 && (tag == "bao" || tag == "tinh" || tag == "tong") {
		tag += words[1] // "# báo cáo"
	}
	switch tag {
	case "baocao", "bc", "bcao", "tinhhinh", "tonghop":
		return true
	}
	return false
}

// officerOf finds the officer registered with a Zalo user id or a group id (one of them is given).
func (c *convo) officerOf(userID, groupID string) (store.Officer, bool, error) {
	if userID != "" {
		return c.tx.OfficerByZalo(userID)
	}
	return c.tx.OfficerByGroup(groupID)
}

// officerWords answers "tình hình báo cáo" (cmdStatus) or "xem trang tổng hợp" (cmdPage) written to the
// account directly. An officer gets the digest or the link of their scope; anyone else, in a conversation,
// is told what the words are for. Either way an open conversation stays where it was and its question
// comes again, last; with nothing open, someone who is not an officer gets the menu.
func (c *convo) officerWords(cmd string) error {
	o, ok, err := c.officerOf(c.in.UserID, "")
	if err != nil {
		return err
	}
	switch {
	case ok && cmd == cmdPage:
		err = c.pageLink(o, Reply{ToUser: c.in.UserID})
	case ok:
		var asked []store.Officer
		if _, asked, err = c.e.officerAsks(c.tx, c.in.Text, intent.Idle, o, true); err == nil {
			err = c.digestsTo(asked, Reply{ToUser: c.in.UserID})
		}
	case c.s == nil:
		// "báo cáo của em đã gửi được chưa?", "tổ mình nộp chưa": their own team's standing.
		return c.deadlines()
	case cmd == cmdStatus && hasTeamRole(c.tx, c.in.UserID):
		return c.deadlines() // the same in the middle of a conversation (its question comes again after) or a paused one
	default:
		c.say(textOfficersOnly)
	}
	if err != nil || c.s == nil {
		return err
	}
	if c.s.Paused {
		if !ok {
			c.sayPaused() // as any other message to a paused conversation
		}
		return nil
	}
	return c.prompt()
}

// saysPause: words that put a conversation off in so many words ("tạm dừng", "để sau", "lát nữa").
func saysPause(text string) bool {
	return saysAny(text, " tam dung ", " dung lai ", " de sau ", " lat nua ", " chut nua ", " lam tiep sau ", " mai lam tiep ", " tinh sau ")
}

// hasTeamRole tells whether the person is in a team (any role): their team's standing is theirs to ask.
func hasTeamRole(tx *store.Tx, userID string) bool {
	roles, err := tx.RolesOf(userID)
	return err == nil && len(roles) > 0
}

// pageLinkTTL is how long a link to the officer page works.
const pageLinkTTL = 24 * time.Hour

// pageLink sends a signed link to the officer web page of o's scope.
func (c *convo) pageLink(o store.Officer, r Reply) error {
	if c.e.deps.Links == nil {
		r.Text = textNoDigestYet
		c.out = append(c.out, r)
		return nil
	}
	link, err := c.e.deps.Links.PageLink(c.tx, o.ID, pageLinkTTL)
	if err != nil {
		return err
	}
	r.Text = fmt.Sprintf(textPageLink, o.Name, link)
	c.out = append(c.out, r)
	return nil
}

// digestsTo sends in r the digest of each scope asked (officerAsks), in one message.
func (c *convo) digestsTo(asked []store.Officer, r Reply) error {
	var texts []string
	for _, o := range asked {
		text, err := c.digestOf(o)
		if err != nil {
			return err
		}
		texts = append(texts, text)
	}
	r.Text = strings.Join(texts, "\n\n")
	if r.ToUser != "" {
		r.Text = mentionCode.ReplaceAllString(r.Text, "") // a mention shows only in a group: "[@4200…]" would be read as is
	}
	c.out = append(c.out, r)
	return nil
}

// digestOf is the digest of o's scope (read ahead, or read now), or what is said of a commune outside it.
func (c *convo) digestOf(o store.Officer) (string, error) {
	if o.Scope == "" { // a commune outside the officer's scope was named (officerAsks)
		return o.Name, nil
	}
	asked := askedPeriod(c.in.Text, c.tx.Now().In(c.e.loc))
	if text, ok := c.e.prepared.take(o, asked, c.tx.Now()); ok {
		return text, nil
	}
	if c.e.deps.Digest == nil {
		return textNoDigestYet, nil
	}
	return c.e.deps.Digest.Digest(c.tx, o, c.tx.Now(), asked)
}

// mentionCode is how a digest mentions a leader in a group.
var mentionCode = regexp.MustCompile(` ?\[@[0-9]+\]`)

// namedCommune is the one commune within scope the text names, and the text without it: after its
// level ("xã Tùng Ảnh đã nộp chưa", "phuong thanh sen"), or first ("Tùng Lộc còn tổ nào chưa nộp?",
// "#baocao Tùng Lộc"); elsewhere a name may be words of the sentence ("… để thống nhất số liệu"). A
// name followed by a capitalised word may be a longer one ("xã Tân Hưng Đông"); two of a name: none.
func (e *Engine) namedCommune(tx *store.Tx, text, scope string) (u store.Unit, rest string, ok bool, err error) {
	all, err := e.communesOf(tx)
	if err != nil {
		return store.Unit{}, "", false, err
	}
	lead := wordsOf(text)
	if digestTag(text) && len(lead) > 0 {
		lead = lead[1:] // "#baocao Tùng Lộc"
		if len(lead) > 0 && (lead[0] == "cao" || lead[0] == "hinh" || lead[0] == "hop") {
			lead = lead[1:] // "# báo cáo Tùng Lộc"
		}
	}
	words := " " + strings.Join(wordsOf(text), " ") + " "
	first := " " + strings.Join(lead, " ") + " "
	var found, near []store.Unit
	var at []string // where each of found is named
	var nearAt string
	exactAnywhere := false
	for _, u := range all {
		name := " " + strings.Join(wordsOf(u.Name), " ") + " "
		if name == "  " {
			continue
		}
		level := " " + strings.Join(wordsOf(u.Level), " ")
		where := ""
		switch {
		case strings.Contains(words, level+name):
			where = level + name
		case levelAbbrev[level] != "" && strings.Contains(words, levelAbbrev[level]+name):
			where = levelAbbrev[level] + name // "X. Đức Thọ", "P. Thành Sen"
		case strings.HasPrefix(first, name) && strings.Count(name, " ") > 2 && (!digestTag(text) || onlyMonth(strings.Fields(first[len(name):]))):
			where = name // a name of two words or more, first ("#bc Tùng Lộc t10", not "#bc thống nhất lịch họp")
		default:
			if len(strings.TrimSpace(name)) >= 8 {
				if off := nearAfter(words, level, name); off != "" {
					near, nearAt = append(near, u), off // "xa tung locc": a letter more or less, after its level
				}
			}
			continue
		}
		exactAnywhere = true // a commune of this name exists, in scope or not: no other is guessed for it
		if scope == "" && where == name && !digestTag(text) {
			continue // of elsewhere: only after its level ("xã Tùng Lộc")
		}
		if in, err := tx.IsUnder(u.Code, scope); scope != "" && (err != nil || !in) {
			continue
		}
		if longer(text, strings.Fields(where)) {
			continue
		}
		found, at = append(found, u), append(at, where)
	}
	if len(found) == 0 && len(near) == 1 && !exactAnywhere { // a name one letter off only when none is right
		if in, err := tx.IsUnder(near[0].Code, scope); scope == "" || err == nil && in {
			found, at = near, []string{nearAt}
		}
	}
	// The name said first, of those not part of a longer one said ("xã Tân Hưng" in "xã Tân Hưng
	// Đông"); a name two communes share: none.
	phrase, pos := "", len(words)
	for _, a := range at {
		inLonger := false
		for _, b := range at {
			inLonger = inLonger || (len(b) > len(a) && strings.Contains(b, a))
		}
		if i := strings.Index(words, a); !inLonger && i >= 0 && (i < pos || i == pos && len(a) > len(phrase)) {
			phrase, pos = a, i
		}
	}
	var named []store.Unit
	for k, u := range found {
		if at[k] == phrase {
			named = append(named, u)
		}
	}
	if len(named) != 1 {
		return store.Unit{}, "", false, nil
	}
	return named[0], without(text, strings.Fields(phrase)), true, nil
}

// villageAbbrev are the short forms of a village's or street's level as typed ("tdp 3", "kp 2"), folded.
var villageAbbrev = map[string]string{"tdp": "to dan pho", "kp": "khu pho", "tdp.": "to dan pho"}

// namedVillage is the one unit directly under a commune (a village, a street) the text names by its
// name as folded words ("thôn 1", "Thôn Trung Lưu", "tổ dân phố 3", "tdp 3"), and the text without it;
// none when the unit within is not a commune, or two names are said.
func namedVillage(tx *store.Tx, text, within string) (store.Unit, string, bool, error) {
	u, ok, err := tx.Unit(within)
	if err != nil || !ok || !isCommuneLevel(u.Level) {
		return store.Unit{}, "", false, err
	}
	villages, err := tx.Children(within)
	if err != nil {
		return store.Unit{}, "", false, err
	}
	var words []string
	for _, w := range wordsOf(text) {
		if full, short := villageAbbrev[w]; short {
			words = append(words, strings.Fields(full)...)
			continue
		}
		words = append(words, w)
	}
	padded := " " + strings.Join(words, " ") + " "
	var found []store.Unit
	var phrase string
	for _, v := range villages {
		name := " " + strings.Join(wordsOf(v.Display()), " ") + " "
		if strings.Contains(padded, name) {
			found, phrase = append(found, v), name
		}
	}
	if len(found) != 1 {
		return store.Unit{}, "", false, nil
	}
	return found[0], without(text, strings.Fields(phrase)), true, nil
}

// isCommuneLevel: a commune, a ward, a special zone (the level under the province since 2025).
func isCommuneLevel(level string) bool {
	switch foldOf(level) {
	case "xa", "phuong", "dac khu", "thi tran":
		return true
	}
	return false
}

// asksAfter: what is left of a message once a commune is named only asks after it ("thì sao ạ", "thế
// nào", "ra sao", "sao rồi", "nộp chưa").
func asksAfter(rest string) bool {
	f := " " + foldOf(rest) + " "
	for _, w := range []string{" thi sao ", " the nao ", " ra sao ", " sao roi ", " nop chua ", " xong chua ", " bao cao chua ", " the nao roi ",
		" co nop khong ", " nop khong ", " da nop chua ", " nop du chua ", " nop het chua "} {
		if strings.Contains(f, w) {
			return len(strings.Fields(f)) <= 6
		}
	}
	return false
}

// levelAbbrev are the short forms of a level as typed ("X. Đức Thọ"), folded.
var levelAbbrev = map[string]string{" xa": " x", " phuong": " p", " thi tran": " tt", " dac khu": " dk"}

// nearAfter finds, after the level, words one letter from name ("xa duc tgo" for " duc tho "), and
// returns them with the level as they are in words; "" when none.
func nearAfter(words, level, name string) string {
	n := strings.Count(strings.TrimSpace(name), " ") + 1
	ws := strings.Fields(words)
	lv := strings.Fields(level)
	for i := 0; i+len(lv)+n <= len(ws); i++ {
		if strings.Join(ws[i:i+len(lv)], " ") != strings.Join(lv, " ") {
			continue
		}
		cand := strings.Join(ws[i+len(lv):i+len(lv)+n], " ")
		if d := len(cand) - len(strings.TrimSpace(name)); (d == 1 || d == -1) && vntext.WithinOneEdit(cand, strings.TrimSpace(name)) {
			// a letter more or less ("tung locc"), never another letter: "Xuân Hội" is a commune of its own
			return " " + strings.Join(ws[i:i+len(lv)+n], " ") + " "
		}
	}
	return ""
}

// onlyMonth: folded words that say a month and nothing else ("t10", "tháng 10", "tháng này", "nhé").
func onlyMonth(words []string) bool {
	for _, w := range words {
		if _, err := strconv.Atoi(strings.TrimPrefix(w, "t")); err == nil || particles[w] {
			continue
		}
		switch w {
		case "thang", "nay", "truoc", "roi", "chua", "sao", "the", "nao":
		default:
			return false
		}
	}
	return true
}

// longer tells whether the words that fold to phrase are followed, as typed, by a capitalised word:
// part of a longer name ("Tân Hưng Đông" is not "Tân Hưng").
func longer(text string, phrase []string) bool {
	typed, i := findTyped(text, phrase)
	if i < 0 || i+len(phrase) >= len(typed) {
		return false
	}
	r := []rune(typed[i+len(phrase)])
	return len(r) > 0 && unicode.IsUpper(r[0])
}

// without is text less the first run of words that fold to phrase, as typed otherwise ("Tùng Lộc còn
// tổ nào chưa nộp?" less "tung loc" is "còn tổ nào chưa nộp?").
func without(text string, phrase []string) string {
	typed, i := findTyped(text, phrase)
	if i < 0 {
		return text
	}
	return strings.Join(append(typed[:i:i], typed[i+len(phrase):]...), " ")
}

// findTyped is text's fields and where the first run of them that folds to phrase starts (-1: none).
func findTyped(text string, phrase []string) ([]string, int) {
	typed := strings.Fields(text)
	for i := 0; i+len(phrase) <= len(typed); i++ {
		j := 0
		for j < len(phrase) && strings.Join(wordsOf(typed[i+j]), " ") == phrase[j] {
			j++
		}
		if j == len(phrase) {
			return typed, i
		}
	}
	return typed, -1
}

// step is one question of a conversation.
type step struct {
	prompt func(c *convo) error
	answer func(c *convo) error
	// owns, when set, tells words that are this step's own answer even where they would read as a
	// command: they go to answer before any command is looked for.
	owns func(c *convo, text string) bool
}

// steps is every step by "flow.step".
var steps map[string]step

func init() {
	steps = map[string]step{}
	for k, v := range joinSteps {
		steps["join."+k] = v
	}
	for k, v := range leaveSteps {
		steps["leave."+k] = v
	}
	for k, v := range reportSteps {
		steps["report."+k] = v
	}
	for k, v := range decideSteps {
		steps["decide."+k] = v
	}
	for k, v := range privacySteps {
		steps["privacy."+k] = v
	}
}

// namesPersonalData tells words that say what is erased is the person's data ("xóa dữ liệu của tôi",
// "xóa số điện thoại của em", "xóa tôi khỏi hệ thống") or, taking consent back, that it is consent to
// keeping it ("rút lại đồng ý", "không cho lưu thông tin nữa").
func namesPersonalData(text string, consent bool) bool {
	words := []string{" du lieu ", " thong tin ", " tai khoan ", " so dien thoai ", " sdt ", " ho ten ", " ten ", " ho so ", " ca nhan ",
		" data ", " info ", " luu ", " he thong ", " zalo ", " xu ly ", " khoi "} // "xóa em khỏi danh sách"; not "xóa đi em"
	if consent {
		words = []string{" dong y ", " du lieu ", " thong tin ", " luu ", " xu ly ", " chap thuan ", " consent ", " ca nhan "}
	}
	return saysAny(text, words...)
}

func isPrivacy(cmd string) bool { return cmd == cmdMyData || cmd == cmdErase || cmd == cmdWithdraw }

// begin opens a conversation at its first step.
func (c *convo) begin(flow, first string, data map[string]string) error {
	if data == nil {
		data = map[string]string{}
	}
	var saved *store.Session
	if c.s != nil {
		saved = c.s // a side conversation (a decision's reason) keeps the one it interrupted
	}
	if saved != nil && saved.Data != nil {
		// A side conversation starts: a "command or answer?" question of the interrupted one is dropped.
		delete(saved.Data, keyPending)
		delete(saved.Data, keyPendingCmd)
	}
	c.s = &store.Session{ZaloID: c.in.UserID, Flow: flow, Step: first, Data: data, Saved: saved}
	if err := c.save(); err != nil {
		return err
	}
	return c.prompt()
}

// goTo moves to another step, remembering this one for "quay lại".
func (c *convo) goTo(next string) error {
	c.s.Stack = append(c.s.Stack, c.s.Step)
	c.s.Step = next
	if err := c.save(); err != nil {
		return err
	}
	return c.prompt()
}

func (c *convo) save() error { return c.tx.SaveSession(*c.s) }

// end closes the conversation, going back to an interrupted one if any.
func (c *convo) end() error {
	if c.s != nil && c.s.Saved != nil {
		prev := *c.s.Saved
		c.s = &prev
		if err := c.save(); err != nil {
			return err
		}
		c.say(fmt.Sprintf(textBackTo, flowName(prev.Flow)))
		return c.prompt()
	}
	c.s = nil
	return c.tx.EndSession(c.in.UserID)
}

func (c *convo) current() (step, error) {
	st, ok := steps[stepKey(c.s.Flow, c.s.Step)]
	if !ok {
		// A session from an older version: start over rather than guess.
		c.say(textLostStep)
		return step{}, c.end()
	}
	return st, nil
}

func (c *convo) prompt() error {
	st, err := c.current()
	if err != nil || st.prompt == nil {
		return err
	}
	return st.prompt(c)
}

func (c *convo) answer() error {
	st, err := c.current()
	if err != nil || st.answer == nil {
		return err
	}
	return st.answer(c)
}

func (c *convo) back() error {
	if c.s == nil {
		return c.menu()
	}
	if len(c.s.Stack) == 0 && c.s.Flow == "decide" {
		// "nhầm", "quay lại" at "lý do từ chối?": the refusal was tapped by mistake.
		c.say(fmt.Sprintf(textRefusalDropped, c.s.Data["id"]))
		return c.end()
	}
	if len(c.s.Stack) == 0 {
		c.say(textAtFirstStep)
		return c.prompt()
	}
	top := c.s.Stack[len(c.s.Stack)-1]
	if j, isQ := questionIndex(c.s.Step); isQ && c.s.Flow == "report" {
		if k, wasQ := questionIndex(top); wasQ && k < j-1 {
			// One message answered several questions: back is the question before this one, not the
			// first that message answered ("quay lại" after "sổ sk 0, tập huấn 0" is question 7).
			top = questionStep(j - 1)
			c.s.Stack = append(c.s.Stack, top) // popped below: the earlier ones stay behind it
		}
	}
	c.s.Step = top
	c.s.Stack = c.s.Stack[:len(c.s.Stack)-1]
	c.s.Paused = false
	if c.s.Data["resume"] != "" { // backing out of "sửa câu 1": back where they were, no longer correcting
		delete(c.s.Data, "resume")
		delete(c.s.Data, "edit")
	}
	if err := c.save(); err != nil {
		return err
	}
	return c.prompt()
}

func (c *convo) skip() error {
	if c.s == nil {
		return c.menu()
	}
	if c.s.Flow == "report" {
		return reportSkip(c)
	}
	c.say(textCannotSkip)
	return c.prompt()
}

// cancel ends the conversation; a report draft is only dropped after a second "hủy".
func (c *convo) cancel(confirmed bool) error {
	if c.s == nil {
		if offered, err := c.offerWithdraw(); offered || err != nil {
			return err // "hủy giúp cái đăng ký" with a request of theirs waiting
		}
		c.say(textNothingToCancel)
		return c.menu()
	}
	if c.s.Flow == "report" && !confirmed && c.s.Step != "drop" {
		c.s.Paused = false // acting on the paused draft: "quay lại" from here resumes it
		return c.goTo("drop")
	}
	if c.s.Flow == "report" && !confirmed && !plainDrop(c.typed) {
		c.say(textDropHow) // "bỏ câu 3 thôi" at "bỏ bản nháp?" cancels one answer, not the draft
		return c.prompt()
	}
	flow := c.s.Flow
	if err := c.end(); err != nil {
		return err
	}
	if c.s == nil {
		c.say(fmt.Sprintf(textCancelled, flowName(flow)))
		return c.menu()
	}
	return nil
}

// sayPaused offers to go on with the paused conversation, or to cancel it.
func (c *convo) sayPaused() {
	c.say(fmt.Sprintf(textPaused, flowName(c.s.Flow), c.s.UpdatedAt.In(c.e.loc).Format("15:04 02/01/2006")), btnResume, btnCancel)
}

// menu shows what this person can do, by their roles.
func (c *convo) menu() error { return c.menuButtons(true) }

// menuButtons says what this person can do now, with the buttons for it (and "Trợ giúp" when asked).
func (c *convo) menuButtons(withHelp bool) error {
	roles, err := c.tx.RolesOf(c.in.UserID)
	if err != nil {
		return err
	}
	var buttons []Button
	leads := false
	for _, m := range roles {
		if m.Role == store.RoleLeader || m.Role == store.RoleDeputy {
			leads = true
		}
	}
	// Someone who approves requests or reads digests, and is in no team, is not offered to join one.
	official := false
	if len(roles) == 0 {
		units, err := c.tx.ApproverUnits(c.in.UserID)
		if err != nil {
			return err
		}
		_, officer, err := c.tx.OfficerByZalo(c.in.UserID)
		if err != nil {
			return err
		}
		official = len(units) > 0 || officer
		if officer {
			buttons = append(buttons, btnStatus)
		}
	}
	if leads {
		buttons = append(buttons, btnReport)
	}
	switch {
	case len(roles) > 0:
		buttons = append(buttons, btnLeave)
	case !official:
		buttons = append(buttons, btnJoin)
	}
	text := textMenuResident
	switch {
	case leads:
		text = textMenuLeader
	case len(roles) > 0:
		text = textMenuMember
	case official:
		text = textMenuOfficial
	}
	if r, open, err := c.ownOpenRequest(); err != nil {
		return err
	} else if open {
		// Their own request waiting comes first: "Tham gia tổ" would only say it was sent already.
		text = fmt.Sprintf(textRequestWaiting, r.ID, stateTextAt(r.State, c.authority(r.Team))) + "\n" + text
		if r.Kind == store.RequestJoin && len(roles) == 0 {
			buttons = slices.DeleteFunc(buttons, func(b Button) bool { return b == btnJoin })
			buttons = append(buttons, btnWithdraw)
		}
	}
	if waiting, err := c.waitingFor(c.in.UserID); err != nil {
		return err
	} else if len(waiting) > 0 {
		text += "\n" + fmt.Sprintf(textMenuWaiting, len(waiting))
		pending := Button{Title: fmt.Sprintf(textBtnWaiting, len(waiting)), Payload: "#pending"}
		if official {
			buttons = append([]Button{pending}, buttons...) // what they come for, first (and "1")
		} else {
			buttons = append(buttons, pending)
		}
	}
	if withHelp {
		buttons = append(buttons, btnHelp)
	}
	c.say(text, buttons...)
	return nil
}

// decisionTalk: a message that speaks of deciding a request ("đồng ý", "duyệt", "giới thiệu", "từ
// chối") without being plainly a decision.
func decisionTalk(text string) bool {
	return saysAny(text, " dong y ", " duyet ", " gioi thieu ", " tu choi ", " chap thuan ")
}

// notPersonalData tells words that erase or withdraw something other than the person's data: an
// answer ("câu 9", "mục 3"), a photo, a request, the draft.
func notPersonalData(text string) bool {
	f := " " + vntext.Fold(text) + " "
	if answerNumbered.MatchString(f) {
		return true // "xóa dữ liệu câu 9 giúp em": an answer of the report
	}
	if strings.Contains(f, " du lieu ") || strings.Contains(f, " thong tin ca nhan ") {
		return false // "xóa dữ liệu của tôi và các tin nhắn", "… trước khi rời tổ": their data
	}
	for _, w := range []string{" cau ", " muc ", " hinh ", " yeu cau ", " yc ", " don ", " ban nhap ", " bao cao ", " tin nhan ", " truoc "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	// "ảnh" (a photo) with its marks: folded it is "anh", the word for an older brother.
	return strings.Contains(strings.ToLower(norm.NFC.String(text)), "ảnh")
}

// answerNumbered finds "câu 9", "mục 3" in folded text.
var answerNumbered = regexp.MustCompile(` (cau|muc) (so )?[0-9]+ `)

// askedForHelp tells a request for help ("trợ giúp", "hướng dẫn", "làm sao", "tổ công nghệ số là
// gì") from a greeting or "menu", which the help command also covers.
func askedForHelp(text string) bool {
	f := " " + vntext.Fold(text) + " "
	for _, w := range []string{" tro giup ", " huong dan ", " help ", " giup ", " lam sao ", " the nao ", " cach ", " khong biet ", " ko biet ", " la gi ", " de lam gi ", " hdsd "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// help says what the bot is for and what this person can ask of it, by what they are (a resident,
// a member, a leader, someone deciding requests, an officer), then offers the menu's buttons: the
// menu alone sent "Trợ giúp" in a circle.
func (c *convo) help() error {
	roles, err := c.tx.RolesOf(c.in.UserID)
	if err != nil {
		return err
	}
	leads := false
	for _, m := range roles {
		leads = leads || m.Role == store.RoleLeader || m.Role == store.RoleDeputy
	}
	lines := []string{textHelpAbout}
	switch {
	case len(roles) == 0:
		lines = append(lines, textHelpJoin)
	default:
		if leads {
			lines = append(lines, textHelpReport)
		}
		lines = append(lines, textHelpLeave)
	}
	waiting, err := c.waitingFor(c.in.UserID)
	if err != nil {
		return err
	}
	if len(waiting) > 0 || leads {
		lines = append(lines, textHelpDecide)
	}
	if _, officer, err := c.tx.OfficerByZalo(c.in.UserID); err != nil {
		return err
	} else if officer {
		lines = append(lines, textHelpOfficer)
	}
	lines = append(lines, textHelpData, textHelpControl)
	c.say(strings.Join(lines, "\n"))
	return c.menuButtons(false)
}

// waitingFor lists the requests waiting for this person's decision: as a team's
// leader (recommend) or as the approver above it (approve), oldest first.
func (c *convo) waitingFor(user string) ([]store.Request, error) {
	var out []store.Request
	err := c.tx.OpenRequests(func(r store.Request) error {
		switch r.State {
		case store.StateAwaitLeader:
			if lead, ok, err := c.tx.Leader(r.Team); err != nil || (ok && lead == user) {
				if err == nil {
					out = append(out, r)
				}
				return err
			}
		case store.StateAwaitApprover:
			if a, _, ok, err := c.tx.ApproverForRequest(r.Team, r.ZaloID); err != nil || (ok && a.ZaloID == user) {
				if err == nil {
					out = append(out, r)
				}
				return err
			}
		}
		return nil
	})
	return out, err
}

// pending shows the requests waiting for this person again, each with its buttons,
// so a decision missed in the chat history can still be made.
func (c *convo) pending() error {
	waiting, err := c.waitingFor(c.in.UserID)
	if err != nil {
		return err
	}
	if len(waiting) == 0 {
		c.say(textNothingWaiting)
		return nil
	}
	for _, r := range waiting[:min(len(waiting), maxChoices)] {
		buttons := c.leaderButtons(r)
		if r.State == store.StateAwaitApprover {
			buttons = []Button{{Title: "Phê duyệt", Payload: fmt.Sprintf("#rq:%d:app", r.ID)}, {Title: "Từ chối", Payload: fmt.Sprintf("#rq:%d:rej", r.ID)}}
		}
		// Several listed: each by words only, so a typed "1" taps none of them (it named request 1?).
		c.out = append(c.out, Reply{ToUser: c.in.UserID, Text: c.requestText(r), Buttons: buttons, WordsOnly: len(waiting) > 1})
	}
	if more := len(waiting) - maxChoices; more > 0 {
		c.say(fmt.Sprintf(textMoreWaiting, more))
	}
	return nil
}

func flowName(flow string) string {
	switch flow {
	case "join":
		return "đăng ký tham gia tổ"
	case "leave":
		return "xin rời tổ"
	case "report":
		return "báo cáo tháng"
	case "decide":
		return "xử lý yêu cầu"
	case "privacy":
		return "xóa dữ liệu cá nhân"
	}
	return flow
}
