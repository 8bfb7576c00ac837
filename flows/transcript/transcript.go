// Package transcript is the language of the conversation transcripts (testdata/transcripts/*.txt)
// and the one replayer of it: reading the lines, aliases, the latest buttons sent to each person,
// and the matching of what the bot sent against what the transcript expects. A World runs the
// conversation: bot/bottest's through the real webhook (bot's TestTranscripts, and scripts in
// bot/admin's tests), flows' test's directly on flows.Engine and a bbolt file (flows'
// TestTranscripts). Every transcript passes in both.
//
// A transcript has a line each for a directive, an input or an expectation; blank lines and
// lines starting with # are skipped:
//
//	@directory FILE           import a directory file (path relative to testdata/)
//	@who an = 1234            an alias for a Zalo user id (or a group's)
//	@clock 2026-11-23T09:00:00+07:00 | @clock +25h
//	@restart                  restart the bot on the same database
//	@sends an 6               Zalo requests to an since the last @sends (or the start);
//	                          checked only where the world sends through Zalo (not in flows)
//	an> text                  the person types text (\n in it is a line break)
//	an> [Button title]        the person taps the latest button with that title sent to them
//	an> (ảnh) URL             the person sends a photo
//	an> (thông tin) Tên; SĐT  the person shares name and phone (request_user_info)
//	an> (theo dõi)            the person follows the account
//	an> (nhóm g) text         the person writes text in group chat g (an alias too)
//	<an: text [A | B]         the next message goes to an, contains text, and has exactly these buttons
//
// Every message the bot sent must be matched, in order, before the next input, before every
// directive but @who, and at the end. The bot may join the lines of one turn into one message
// that a transcript lists one by one: an expectation that matches part of a message leaves
// what follows the match to the next expectation (to the same person, containing its text),
// and that rest is dropped once an expectation or the check for unexpected messages passes it by.
package transcript

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Kind is what a person did, as an input line says it.
type Kind int

const (
	Text      Kind = iota // typed Text
	Button                // tapped a button: Text is its payload
	Photo                 // sent a photo at URL
	Info                  // shared Name and Phone
	Follow                // followed the account
	GroupText             // wrote Text in the group chat Group
)

// Input is one input line, aliases resolved to ids.
type Input struct {
	Kind        Kind
	User        string // the person's id
	Text        string
	URL         string
	Name, Phone string
	Group       string // the group's id
}

// Message is one logical message the bot sent, as a transcript sees it.
type Message struct {
	To      string // a person's or a group's id
	Text    string
	Buttons []Choice
}

// Choice is a button of a message: what it reads and what tapping it sends.
type Choice struct{ Title, Payload string }

// Clock is the clock of the bot and its database.
type Clock interface {
	Now() time.Time
	Set(time.Time)
}

// World is where a transcript's conversation runs.
type World interface {
	// Do carries out what a person did and returns what the bot sent since the last call, in order.
	Do(in Input) ([]Message, error)
	// Directory imports a directory file (path relative to testdata/).
	Directory(file string) error
	Clock() Clock
	// Restart stops the bot and starts it again on the same database.
	Restart() error
	// Sends is how many Zalo requests went to id since it was last asked; counted is false
	// where there are no Zalo requests to count (and @sends checks nothing).
	Sends(id string) (n int, counted bool)
}

// sent is a message waiting to be matched.
type sent struct {
	to      string
	text    string
	buttons []string // titles
	// rest marks a message an expectation already matched in part: what follows may claim its remaining text.
	rest bool
}

// Replayer replays a transcript in a World.
type Replayer struct {
	w       World
	who     map[string]string            // alias → id
	name    map[string]string            // id → alias
	buttons map[string]map[string]string // id → title → payload of the latest buttons
	pending []sent
}

// New replays transcript lines in w.
func New(w World) *Replayer {
	return &Replayer{w: w, who: map[string]string{}, name: map[string]string{}, buttons: map[string]map[string]string{}}
}

// Run replays each transcript dir/*.txt in a subtest of t named after it (without .txt), with the
// replayer that newReplayer makes in that subtest.
func Run(t *testing.T, dir string, newReplayer func(t *testing.T) *Replayer) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Fatal("no transcripts in " + dir)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			if err := newReplayer(t).File(f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// File replays the transcript at path to its end; the error names the file and the line that did not hold.
func (r *Replayer) File(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	base := filepath.Base(path)
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := r.Step(text); err != nil {
			return fmt.Errorf("%s:%d: %v", base, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := r.Flush(); err != nil {
		return fmt.Errorf("%s: end: %v", base, err)
	}
	return nil
}

func (r *Replayer) id(alias string) string {
	if id, ok := r.who[alias]; ok {
		return id
	}
	return alias
}

func (r *Replayer) aliasOf(id string) string {
	if a, ok := r.name[id]; ok {
		return a
	}
	return id
}

// Step runs one line of a transcript: an input, an expectation or a directive.
func (r *Replayer) Step(line string) error {
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
	if err := r.Flush(); err != nil {
		return err
	}
	return r.send(strings.TrimSpace(alias), strings.TrimSpace(input))
}

func (r *Replayer) directive(d string) error {
	verb, arg, _ := strings.Cut(d, " ")
	arg = strings.TrimSpace(arg)
	switch verb {
	case "who":
		alias, id, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("@who wants alias = id")
		}
		r.who[strings.TrimSpace(alias)] = strings.TrimSpace(id)
		r.name[strings.TrimSpace(id)] = strings.TrimSpace(alias)
		return nil
	case "directory":
		if err := r.Flush(); err != nil {
			return err
		}
		return r.w.Directory(arg)
	case "clock":
		if err := r.Flush(); err != nil {
			return err
		}
		clock := r.w.Clock()
		if d, ok := strings.CutPrefix(arg, "+"); ok {
			dur, err := time.ParseDuration(d)
			if err != nil {
				return err
			}
			clock.Set(clock.Now().Add(dur))
			return nil
		}
		at, err := time.Parse(time.RFC3339, arg)
		if err != nil {
			return err
		}
		clock.Set(at)
		return nil
	case "restart":
		if err := r.Flush(); err != nil {
			return err
		}
		return r.w.Restart()
	case "sends":
		// Sends are counted like money: "@sends hung 6" is what the bot paid for since the last @sends.
		alias, n, _ := strings.Cut(arg, " ")
		want, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil {
			return fmt.Errorf("@sends wants alias and a number: %v", err)
		}
		if err := r.Flush(); err != nil {
			return err
		}
		if got, counted := r.w.Sends(r.id(alias)); counted && got != want {
			return fmt.Errorf("%d Zalo requests to %s, want %d", got, alias, want)
		}
		return nil
	}
	return fmt.Errorf("unknown directive @%s", verb)
}

// send reads what a person did, has the world do it, and keeps what the bot sent to match.
func (r *Replayer) send(alias, input string) error {
	user := r.id(alias)
	in := Input{Kind: Text, User: user, Text: strings.ReplaceAll(input, `\n`, "\n")}
	switch {
	case strings.HasPrefix(input, "[") && strings.HasSuffix(input, "]"):
		title := input[1 : len(input)-1]
		payload, ok := r.buttons[user][title]
		if !ok {
			return fmt.Errorf("%s has no button %q (has %v)", alias, title, r.buttons[user])
		}
		in = Input{Kind: Button, User: user, Text: payload}
	case strings.HasPrefix(input, "(ảnh)"):
		in = Input{Kind: Photo, User: user, URL: strings.TrimSpace(input[len("(ảnh)"):])}
	case strings.HasPrefix(input, "(thông tin)"):
		name, phone, _ := strings.Cut(strings.TrimSpace(input[len("(thông tin)"):]), ";")
		in = Input{Kind: Info, User: user, Name: strings.TrimSpace(name), Phone: strings.TrimSpace(phone)}
	case strings.HasPrefix(input, "(nhóm "):
		group, text, _ := strings.Cut(strings.TrimPrefix(input, "(nhóm "), ")")
		in = Input{Kind: GroupText, User: user, Group: r.id(strings.TrimSpace(group)), Text: strings.TrimSpace(text)}
	case input == "(theo dõi)":
		in = Input{Kind: Follow, User: user}
	}
	msgs, err := r.w.Do(in)
	if err != nil {
		return fmt.Errorf("%s> %s: %v", alias, input, err)
	}
	for _, m := range msgs {
		s := sent{to: m.To, text: m.Text}
		if len(m.Buttons) > 0 {
			payload := map[string]string{}
			for _, b := range m.Buttons {
				s.buttons = append(s.buttons, b.Title)
				payload[b.Title] = b.Payload
			}
			r.buttons[m.To] = payload
		}
		r.pending = append(r.pending, s)
	}
	return nil
}

// expect matches the next message: to whom, text it contains, and (when given) exactly its buttons.
func (r *Replayer) expect(spec string) error {
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
		r.pending = r.pending[1:] // the rest of a matched message is not what this expectation wants
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

// Flush fails on messages the transcript did not expect.
func (r *Replayer) Flush() error {
	if len(r.pending) > 0 && r.pending[0].rest {
		r.pending = r.pending[1:] // the end of a message already matched
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
