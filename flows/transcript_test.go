package flows_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// TestTranscripts replays testdata/transcripts/*.txt against the engine alone, with
// the notation bot/transcript_test.go documents: what the bot would send is the
// []flows.Reply of each input, matched in order, a joined message claimable line by line.
//
// Directives and inputs, as here:
//
//	@directory FILE     imported with store/importer, as bot's replayer does
//	@who a = id         alias
//	@clock T | +D       the store's clock (and so the engine's)
//	@restart            the database is closed and opened again, with a new engine
//	a> [Title]          the payload of the latest button with that title sent to a
//	a> (ảnh) URL        KindAttachment "image"
//	a> (thông tin) N; P KindSubmitInfo
//	a> (theo dõi)       KindFollow
//	a> (nhóm g) text    KindGroupText from a in group g
//
// Skipped, because they are about the webhook and Zalo rather than the conversations:
//
//	@sends a N          counts Zalo requests (how bot/ splits and sends messages): ignored here.
//
// Done here as bot/ does it, so transcripts that rely on it still replay:
//
//   - A typed number ("2", "2.", "2)") becomes the payload of that choice of the last
//     buttons sent to the person (bot/router.go typedChoice), with the same rule for
//     which replies set the choices (bot/outbox.go: the person's own replies, or any
//     when no conversation is open; a request for name and phone leaves them as they were).
//   - A reply asking for name and phone (AskInfo) reads "(chia sẻ thông tin) " + its text,
//     as bot's replayer shows the request_user_info template.
//   - Digest is reminders.Sweeper's; page links are fakeLinks' (bot's signing is bot's business).
func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("../testdata/transcripts/*.txt")
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			t.Parallel()
			replayFile(t, f)
		})
	}
}

// transcriptStart is when every transcript begins unless it sets @clock (as in bot's replayer).
func transcriptStart(t testing.TB) time.Time {
	return time.Date(2026, 11, 23, 9, 0, 0, 0, vnLoc(t))
}

// sent is one reply as a transcript sees it.
type sent struct {
	to      string // a person's or a group's id
	text    string
	buttons []string
	// rest marks what is left of a reply an expectation already matched in part.
	rest bool
}

type replayer struct {
	w       *world
	who     map[string]string            // alias → id
	name    map[string]string            // id → alias
	buttons map[string]map[string]string // id → title → payload of the latest buttons sent
	choices map[string][]flows.Button    // id → what a typed number picks
	pending []sent
}

func replayFile(t *testing.T, path string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := &replayer{w: newWorld(t, transcriptStart(t)), who: map[string]string{}, name: map[string]string{},
		buttons: map[string]map[string]string{}, choices: map[string][]flows.Button{}}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := r.step(text); err != nil {
			t.Fatalf("%s:%d: %v", filepath.Base(path), line, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := r.flush(); err != nil {
		t.Fatalf("%s: end: %v", filepath.Base(path), err)
	}
}

func (r *replayer) id(alias string) string {
	if id, ok := r.who[alias]; ok {
		return id
	}
	return alias
}

func (r *replayer) aliasOf(id string) string {
	if a, ok := r.name[id]; ok {
		return a
	}
	return id
}

func (r *replayer) step(line string) error {
	switch {
	case strings.HasPrefix(line, "@"):
		return r.directive(line[1:])
	case strings.HasPrefix(line, "<"):
		return r.expect(line[1:])
	}
	alias, input, ok := strings.Cut(line, ">")
	if !ok {
		return fmt.Errorf("cannot read %q", line)
	}
	if err := r.flush(); err != nil {
		return err
	}
	return r.send(strings.TrimSpace(alias), strings.TrimSpace(input))
}

func (r *replayer) directive(d string) error {
	verb, arg, _ := strings.Cut(d, " ")
	arg = strings.TrimSpace(arg)
	switch verb {
	case "directory":
		if err := r.flush(); err != nil {
			return err
		}
		r.w.load(arg)
		return nil
	case "who":
		alias, id, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("@who wants alias = id")
		}
		r.who[strings.TrimSpace(alias)] = strings.TrimSpace(id)
		r.name[strings.TrimSpace(id)] = strings.TrimSpace(alias)
		return nil
	case "clock":
		if err := r.flush(); err != nil {
			return err
		}
		if d, ok := strings.CutPrefix(arg, "+"); ok {
			dur, err := time.ParseDuration(d)
			if err != nil {
				return err
			}
			r.w.clock.Add(dur)
			return nil
		}
		at, err := time.Parse(time.RFC3339, arg)
		if err != nil {
			return err
		}
		r.w.clock.Set(at)
		return nil
	case "restart":
		if err := r.flush(); err != nil {
			return err
		}
		r.w.restart()
		return nil
	case "sends":
		// Zalo requests: the webhook's concern (see TestTranscripts). The replies so far must
		// still all have been expected, as at any directive.
		return r.flush()
	}
	return fmt.Errorf("unknown directive @%s", verb)
}

// send turns what a person did into a flows.Input, runs it and keeps the replies to match.
func (r *replayer) send(alias, input string) error {
	user := r.id(alias)
	in := flows.Input{Kind: flows.KindText, UserID: user, Text: input}
	switch {
	case strings.HasPrefix(input, "[") && strings.HasSuffix(input, "]"):
		title := input[1 : len(input)-1]
		payload, ok := r.buttons[user][title]
		if !ok {
			return fmt.Errorf("%s has no button %q (has %v)", alias, title, r.buttons[user])
		}
		in.Text = payload
	case strings.HasPrefix(input, "(ảnh)"):
		in = flows.Input{Kind: flows.KindAttachment, UserID: user, AttachmentType: "image", AttachmentURL: strings.TrimSpace(input[len("(ảnh)"):])}
	case strings.HasPrefix(input, "(thông tin)"):
		name, phone, _ := strings.Cut(strings.TrimSpace(input[len("(thông tin)"):]), ";")
		in = flows.Input{Kind: flows.KindSubmitInfo, UserID: user, Name: strings.TrimSpace(name), Phone: strings.TrimSpace(phone)}
	case strings.HasPrefix(input, "(nhóm "):
		group, text, _ := strings.Cut(strings.TrimPrefix(input, "(nhóm "), ")")
		in = flows.Input{Kind: flows.KindGroupText, UserID: user, GroupID: r.id(strings.TrimSpace(group)), Text: strings.TrimSpace(text)}
	case input == "(theo dõi)":
		in = flows.Input{Kind: flows.KindFollow, UserID: user}
	default:
		in.Text = r.typedChoice(user, input)
	}
	var replies []flows.Reply
	err := r.w.db.Update(func(tx *store.Tx) error {
		var err error
		if replies, err = r.w.engine.Handle(tx, in); err != nil {
			return err
		}
		r.remember(tx, in, replies)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s> %s: %v", alias, input, err)
	}
	for _, rep := range replies {
		m := sent{to: rep.ToUser, text: rep.Text, buttons: titles(rep)}
		if rep.ToGroup != "" {
			m.to = rep.ToGroup
		}
		if rep.AskInfo {
			m.text = "(chia sẻ thông tin) " + rep.Text
		}
		r.pending = append(r.pending, m)
	}
	return nil
}

// remember keeps the buttons a transcript may tap and the choices a typed number picks.
func (r *replayer) remember(tx *store.Tx, in flows.Input, replies []flows.Reply) {
	for _, rep := range replies {
		if rep.ToGroup != "" || rep.ToUser == "" {
			continue
		}
		if len(rep.Buttons) > 0 {
			byTitle := map[string]string{}
			for _, b := range rep.Buttons {
				byTitle[b.Title] = b.Payload
			}
			r.buttons[rep.ToUser] = byTitle
		}
		if rep.AskInfo {
			continue
		}
		ownReply := rep.Kind == store.KindReply || (rep.Kind == "" && rep.ToUser == in.UserID)
		if _, open, _ := tx.Session(rep.ToUser); ownReply || !open {
			r.choices[rep.ToUser] = rep.Buttons
		}
	}
}

// typedChoice is bot/router.go's: "2" picks the second choice of the last buttons sent.
func (r *replayer) typedChoice(user, text string) string {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(text), "."), ")")
	if len(t) == 0 || len(t) > 2 {
		return text
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 1 || n > len(r.choices[user]) {
		return text
	}
	return r.choices[user][n-1].Payload
}

// expect matches the next reply: to whom, text it contains, and (when given) exactly its buttons.
// As in bot's replayer, one reply may be claimed by several expectations, one part after another.
func (r *replayer) expect(spec string) error {
	alias, want, ok := strings.Cut(spec, ":")
	if !ok {
		return fmt.Errorf("expectation %q wants <who: text", spec)
	}
	alias, want = strings.TrimSpace(alias), strings.TrimSpace(want)
	var wantButtons []string
	checkButtons := false
	if i := strings.LastIndex(want, "["); i >= 0 && strings.HasSuffix(want, "]") {
		checkButtons = true
		for _, b := range strings.Split(want[i+1:len(want)-1], "|") {
			wantButtons = append(wantButtons, strings.TrimSpace(b))
		}
		want = strings.TrimSpace(want[:i])
	}
	if len(r.pending) > 0 && r.pending[0].rest && (want == "" && len(r.pending[0].buttons) == 0 || r.pending[0].to != r.id(alias) || !strings.Contains(r.pending[0].text, want)) {
		r.pending = r.pending[1:] // the rest of a matched reply is not what this expectation wants
	}
	if len(r.pending) == 0 {
		return fmt.Errorf("expected a message to %s containing %q, but nothing more was sent", alias, want)
	}
	got := r.pending[0]
	r.pending = r.pending[1:]
	if got.to != r.id(alias) || !strings.Contains(got.text, want) {
		return fmt.Errorf("expected a message to %s containing %q\ngot to %s: %q %v", alias, want, r.aliasOf(got.to), got.text, got.buttons)
	}
	if rest := got.text[strings.Index(got.text, want)+len(want):]; strings.TrimSpace(rest) != "" {
		left := got
		left.text, left.rest = rest, true
		r.pending = append([]sent{left}, r.pending...)
	}
	if checkButtons && strings.Join(got.buttons, " | ") != strings.Join(wantButtons, " | ") {
		return fmt.Errorf("message to %s %q: buttons %v, want %v", alias, want, got.buttons, wantButtons)
	}
	return nil
}

// flush fails on replies the transcript did not expect.
func (r *replayer) flush() error {
	if len(r.pending) > 0 && r.pending[0].rest {
		r.pending = r.pending[1:] // the end of a reply already matched
	}
	if len(r.pending) == 0 {
		return nil
	}
	var lines []string
	for _, m := range r.pending {
		lines = append(lines, fmt.Sprintf("<%s: %s %v", r.aliasOf(m.to), m.text, m.buttons))
	}
	r.pending = nil
	return fmt.Errorf("unexpected messages:\n%s", strings.Join(lines, "\n"))
}
