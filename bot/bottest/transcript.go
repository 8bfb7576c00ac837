package bottest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// sentMsg is one logical outgoing message: text plus its buttons.
type sentMsg struct {
	to      string
	text    string
	buttons []string
	payload map[string]string // button title → payload
	// rest marks a message an expectation already matched in part: what follows may claim its remaining text
	// (the bot joins the lines of one turn into one message, and a transcript may list them one by one).
	rest bool
}

// Replayer replays a transcript: a conversation replayed through the real webhook (sandbox mode) and checked
// against what the bot recorded as sent (testdata/transcripts/*.txt, and scripts in tests):
//
//	@directory FILE           import a directory file (path relative to testdata/)
//	@who an = 1234            an alias for a Zalo user id
//	@clock 2026-11-23T09:00:00+07:00 | @clock +25h
//	@restart                  restart the server on the same database
//	@sends an 6               Zalo requests to an since the last @sends (or the start)
//	an> text                  the person types text
//	an> [Button title]        the person taps the latest button with that title sent to them
//	an> (ảnh) URL             the person sends a photo
//	an> (thông tin) Tên; SĐT  the person shares name and phone (request_user_info)
//	an> (theo dõi)            the person follows the account
//	an> (nhóm g) text         the person writes text in group chat g (an alias too)
//	<an: text [A | B]         the next message goes to an, contains text, and has exactly these buttons
//
// After each input every message the bot sent must be matched, in order.
type Replayer struct {
	t       testing.TB
	h       *Harness
	who     map[string]string // alias → id
	name    map[string]string // id → alias
	after   uint64
	msgID   int
	buttons map[string]map[string]string // id → title → payload of the latest buttons
	pending []sentMsg
	sends   map[string]int // Zalo requests per recipient since the last @sends
}

// NewReplayer replays transcript lines against h.
func NewReplayer(t testing.TB, h *Harness) *Replayer {
	return &Replayer{t: t, h: h, who: map[string]string{}, name: map[string]string{}, buttons: map[string]map[string]string{}, sends: map[string]int{}}
}

func (r *Replayer) id(alias string) string {
	if id, ok := r.who[alias]; ok {
		return id
	}
	return alias
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
	case "directory":
		if err := r.Flush(); err != nil {
			return err
		}
		_, err := importer.ImportFile(r.h.DB, Testdata(arg))
		return err
	case "who":
		alias, id, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("@who wants alias = id")
		}
		r.who[strings.TrimSpace(alias)] = strings.TrimSpace(id)
		r.name[strings.TrimSpace(id)] = strings.TrimSpace(alias)
		return nil
	case "clock":
		if err := r.Flush(); err != nil {
			return err
		}
		if strings.HasPrefix(arg, "+") {
			d, err := time.ParseDuration(arg[1:])
			if err != nil {
				return err
			}
			r.h.Clock.Set(r.h.Clock.Now().Add(d))
			return nil
		}
		at, err := time.Parse(time.RFC3339, arg)
		if err != nil {
			return err
		}
		r.h.Clock.Set(at)
		return nil
	case "sends":
		// "@sends hung 6": Zalo requests to hung since the last @sends (or the start): sends are counted like money.
		alias, n, _ := strings.Cut(arg, " ")
		want, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil {
			return fmt.Errorf("@sends wants alias and a number: %v", err)
		}
		if err := r.Flush(); err != nil {
			return err
		}
		id := r.id(alias)
		got := r.sends[id]
		r.sends[id] = 0
		if got != want {
			return fmt.Errorf("%d Zalo requests to %s, want %d", got, alias, want)
		}
		return nil
	case "restart":
		if err := r.Flush(); err != nil {
			return err
		}
		r.h.Restart()
		return nil
	}
	return fmt.Errorf("unknown directive @%s", verb)
}

// send posts what a person did as Zalo's webhook JSON, then collects the replies.
func (r *Replayer) send(alias, input string) error {
	user := r.id(alias)
	r.msgID++
	ts := strconv.FormatInt(r.h.Clock.Now().UnixMilli(), 10)
	ev := map[string]any{"app_id": AppID, "oa_id": "388613280878808645", "timestamp": ts, "user_id_by_app": "app-" + user}
	sender := map[string]string{"id": user}
	recipient := map[string]string{"id": "388613280878808645"}
	msgID := fmt.Sprintf("t-%d-%s", r.msgID, ts)
	switch {
	case strings.HasPrefix(input, "[") && strings.HasSuffix(input, "]"):
		title := input[1 : len(input)-1]
		payload, ok := r.buttons[user][title]
		if !ok {
			return fmt.Errorf("%s has no button %q (has %v)", alias, title, r.buttons[user])
		}
		ev["event_name"], ev["sender"], ev["recipient"] = "user_send_text", sender, recipient
		ev["message"] = map[string]string{"text": payload, "msg_id": msgID}
	case strings.HasPrefix(input, "(ảnh)"):
		ev["event_name"], ev["sender"], ev["recipient"] = "user_send_image", sender, recipient
		ev["message"] = map[string]any{"msg_id": msgID, "attachments": []any{map[string]any{"type": "image", "payload": map[string]string{"url": strings.TrimSpace(input[len("(ảnh)"):])}}}}
	case strings.HasPrefix(input, "(thông tin)"):
		name, phone, _ := strings.Cut(strings.TrimSpace(input[len("(thông tin)"):]), ";")
		ev["event_name"], ev["sender"], ev["recipient"] = "user_submit_info", sender, recipient
		ev["info"] = map[string]string{"name": strings.TrimSpace(name), "phone": strings.TrimSpace(phone)}
	case strings.HasPrefix(input, "(nhóm "):
		group, text, _ := strings.Cut(strings.TrimPrefix(input, "(nhóm "), ")")
		ev["event_name"], ev["sender"] = "user_send_group_text", sender
		ev["recipient"] = map[string]string{"id": r.id(strings.TrimSpace(group))}
		ev["message"] = map[string]string{"text": strings.TrimSpace(text), "msg_id": msgID}
	case input == "(theo dõi)":
		ev["event_name"], ev["follower"], ev["source"] = "follow", map[string]string{"id": user}, "oa_profile"
	default:
		ev["event_name"], ev["sender"], ev["recipient"] = "user_send_text", sender, recipient
		ev["message"] = map[string]string{"text": input, "msg_id": msgID}
	}
	body, _ := json.Marshal(ev)
	if resp := r.h.Post(body, "-"); resp.StatusCode != 200 {
		return fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	r.h.Settle()
	return r.collect()
}

// collect reads what the bot recorded as sent since the last look, merging a
// long text with the button list that follows it into one logical message.
func (r *Replayer) collect() error {
	var outs []store.Outcome
	if err := r.h.DB.View(func(tx *store.Tx) error {
		var err error
		outs, err = tx.Outcomes(r.after, 1000)
		return err
	}); err != nil {
		return err
	}
	for _, o := range outs {
		r.after = o.Seq
		var body struct {
			Message struct {
				Text       string `json:"text"`
				Attachment struct {
					Payload struct {
						TemplateType string `json:"template_type"`
						Elements     []struct {
							Title string `json:"title"`
						} `json:"elements"`
						Buttons []struct {
							Title   string `json:"title"`
							Payload string `json:"payload"`
						} `json:"buttons"`
					} `json:"payload"`
				} `json:"attachment"`
			} `json:"message"`
		}
		if err := json.Unmarshal(o.Body, &body); err != nil {
			return err
		}
		r.sends[o.To]++
		m := sentMsg{to: o.To, text: body.Message.Text, payload: map[string]string{}}
		p := body.Message.Attachment.Payload
		switch p.TemplateType {
		case "request_user_info":
			m.text = "(chia sẻ thông tin) " + p.Elements[0].Title
		case "list":
			m.text = p.Elements[0].Title
			for _, b := range p.Buttons {
				m.buttons = append(m.buttons, b.Title)
				m.payload[b.Title] = b.Payload
			}
			r.buttons[o.To] = m.payload
			if n := len(r.pending); m.text == "Mời bạn chọn:" && n > 0 && r.pending[n-1].to == o.To && r.pending[n-1].buttons == nil {
				r.pending[n-1].buttons, r.pending[n-1].payload = m.buttons, m.payload
				continue
			}
		}
		r.pending = append(r.pending, m)
	}
	return nil
}

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
		r.pending = append([]sentMsg{left}, r.pending...)
	}
	if checkButtons && strings.Join(got.buttons, " | ") != strings.Join(wantButtons, " | ") {
		return fmt.Errorf("message to %s %q: buttons %v, want %v", alias, want, got.buttons, wantButtons)
	}
	return nil
}

func (r *Replayer) aliasOf(id string) string {
	if a, ok := r.name[id]; ok {
		return a
	}
	return id
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
