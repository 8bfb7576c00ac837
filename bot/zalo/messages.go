package zalo

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextLen is the most characters (runes) Zalo accepts in one text message.
const MaxTextLen = 2000

// buttonTypeQueryHide sends the payload back as a user_send_text the user does not see.
const buttonTypeQueryHide = "oa.query.hide"

// Button is a template button that, when tapped, sends Payload back to the OA
// as a hidden user_send_text (type "oa.query.hide").
type Button struct {
	Title   string // label shown to the user
	Payload string // text the bot receives, e.g. "#dong_y"
}

// ListElement is one row of a list or request_user_info template.
type ListElement struct {
	Title    string
	Subtitle string
	ImageURL string // omitted from the JSON when empty
}

// outRequest is the body of a send request.
type outRequest struct {
	Recipient outRecipient `json:"recipient"`
	Message   outMessage   `json:"message"`
}

// outRecipient names exactly one of a user or a group.
type outRecipient struct {
	UserID  string `json:"user_id,omitempty"`
	GroupID string `json:"group_id,omitempty"`
}

// outMessage carries either text or an attachment.
type outMessage struct {
	Text       string         `json:"text,omitempty"`
	Attachment *outAttachment `json:"attachment,omitempty"`
}

// outAttachment is a template attachment.
type outAttachment struct {
	Type    string      `json:"type"`
	Payload outTemplate `json:"payload"`
}

// outTemplate is the payload of a template attachment.
type outTemplate struct {
	TemplateType string       `json:"template_type"`
	Elements     []outElement `json:"elements"`
	Buttons      []outButton  `json:"buttons,omitempty"`
}

// outElement is a template element.
type outElement struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
}

// outButton is a template button.
type outButton struct {
	Title   string `json:"title"`
	Type    string `json:"type"`
	Payload string `json:"payload"`
}

// TextMessage builds {"recipient":{"user_id":…},"message":{"text":…}} for EndpointCS.
func TextMessage(userID, text string) []byte {
	return encode(outRequest{
		Recipient: outRecipient{UserID: userID},
		Message:   outMessage{Text: text},
	})
}

// GroupTextMessage builds {"recipient":{"group_id":…},"message":{"text":…}}
// for EndpointGroup. Mentions are inline "[@user_id]" in text.
func GroupTextMessage(groupID, text string) []byte {
	return encode(outRequest{
		Recipient: outRecipient{GroupID: groupID},
		Message:   outMessage{Text: text},
	})
}

// ListMessage builds a "list" template for EndpointCS: elements as rows and
// buttons of type "oa.query.hide". Zalo requires at least one element; the
// caller must pass one (typically the question as its title) — with none,
// Zalo answers -201, which Classify reports as a bug.
func ListMessage(userID string, elements []ListElement, buttons []Button) []byte {
	tpl := outTemplate{TemplateType: "list", Elements: toElements(elements)}
	for _, b := range buttons {
		tpl.Buttons = append(tpl.Buttons, outButton{Title: b.Title, Type: buttonTypeQueryHide, Payload: b.Payload})
	}
	return encode(outRequest{
		Recipient: outRecipient{UserID: userID},
		Message:   outMessage{Attachment: &outAttachment{Type: "template", Payload: tpl}},
	})
}

// RequestUserInfoMessage builds a "request_user_info" template for
// EndpointCS with one element; the user's answer arrives as user_submit_info.
func RequestUserInfoMessage(userID, title, subtitle, imageURL string) []byte {
	tpl := outTemplate{
		TemplateType: "request_user_info",
		Elements:     toElements([]ListElement{{Title: title, Subtitle: subtitle, ImageURL: imageURL}}),
	}
	return encode(outRequest{
		Recipient: outRecipient{UserID: userID},
		Message:   outMessage{Attachment: &outAttachment{Type: "template", Payload: tpl}},
	})
}

// toElements converts elements, never returning nil so the JSON says [] not null.
func toElements(in []ListElement) []outElement {
	out := make([]outElement, 0, len(in))
	for _, e := range in {
		out = append(out, outElement(e))
	}
	return out
}

// encode marshals v without HTML escaping, so "<", ">" and "&" in Vietnamese
// text stay readable in logs and the fake's records.
func encode(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only strings and slices of structs are encoded: this cannot fail.
		panic("zalo: encoding message: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// SplitText splits text into parts of at most max runes each (max <= 0 means
// MaxTextLen), for long digests. It breaks at the last line break in the
// second half of a part, else at the last space there, else at any line
// break or space, else mid-word (never before a combining mark, so a
// decomposed Vietnamese letter keeps its diacritic). The whitespace at a
// break is dropped, as are trailing whitespace of a part and blank lines
// starting the next; text that fits is returned unchanged, and empty or
// whitespace-only text gives no parts.
func SplitText(text string, max int) []string {
	if max <= 0 {
		max = MaxTextLen
	}
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	var parts []string
	rest := text
	for {
		part, next, ok := splitOnce(rest, max)
		if !ok {
			break
		}
		if part = strings.TrimRightFunc(part, unicode.IsSpace); part != "" {
			parts = append(parts, part)
		}
		rest = strings.TrimLeft(next, "\r\n")
	}
	if strings.TrimSpace(rest) != "" {
		parts = append(parts, strings.TrimRightFunc(rest, unicode.IsSpace))
	}
	return parts
}

// splitOnce cuts s into a head of at most max runes and the rest, dropping
// the separator it breaks at; ok is false when s fits in max runes already.
func splitOnce(s string, max int) (head, rest string, ok bool) {
	// limit is the byte offset just past the max-th rune; scanning stops there
	// so splitting a long text stays linear.
	limit, n := -1, 0
	for i := range s {
		if n == max {
			limit = i
			break
		}
		n++
	}
	if limit < 0 {
		return "", "", false
	}
	window := s[:limit]
	half := len(window) / 2
	// A separator just past the window is the best break: the head is then full.
	if c := s[limit]; c == '\n' || c == ' ' || c == '\t' {
		window = s[:limit+1]
	}
	// A separator at byte offset 0 would give an empty head; require > 0.
	if i := strings.LastIndexByte(window, '\n'); i > 0 && i >= half {
		return window[:i], s[i+1:], true
	}
	if i := lastSpace(window); i > 0 && i >= half {
		return window[:i], s[i+1:], true
	}
	if i := strings.LastIndexByte(window, '\n'); i > 0 {
		return window[:i], s[i+1:], true
	}
	if i := lastSpace(window); i > 0 {
		return window[:i], s[i+1:], true
	}
	// Hard cut: back off over combining marks so they stay with their base letter.
	cut := limit
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(s[cut:])
		if !unicode.Is(unicode.Mn, r) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(s[:cut])
		cut -= size
	}
	if cut == 0 { // a run of max combining marks: nothing better than the plain cut
		cut = limit
	}
	return s[:cut], s[cut:], true
}

// lastSpace returns the byte offset of the last ASCII space or tab in s, or -1.
func lastSpace(s string) int {
	return strings.LastIndexAny(s, " \t")
}

// SentMessage is a send request read back — what the sandbox's web chat shows and tests check: its
// text, or its template's type, first element and buttons.
type SentMessage struct {
	Text            string
	Template        string // "list", "request_user_info", "" for a text
	Title, Subtitle string // the first element's
	Buttons         []Button
}

// ReadMessage reads a send request's message. A button whose payload is an object (oa.open.url and the
// like) keeps it as JSON: shown, not sent back.
func ReadMessage(body []byte) (SentMessage, error) {
	var b struct {
		Message struct {
			Text       string `json:"text"`
			Attachment struct {
				Payload struct {
					TemplateType string `json:"template_type"`
					Elements     []struct {
						Title    string `json:"title"`
						Subtitle string `json:"subtitle"`
					} `json:"elements"`
					Buttons []struct {
						Title   string          `json:"title"`
						Payload json.RawMessage `json:"payload"`
					} `json:"buttons"`
				} `json:"payload"`
			} `json:"attachment"`
		} `json:"message"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return SentMessage{}, err
	}
	p := b.Message.Attachment.Payload
	m := SentMessage{Text: b.Message.Text, Template: p.TemplateType}
	if len(p.Elements) > 0 {
		m.Title, m.Subtitle = p.Elements[0].Title, p.Elements[0].Subtitle
	}
	for _, btn := range p.Buttons {
		var payload string
		if json.Unmarshal(btn.Payload, &payload) != nil {
			payload = string(btn.Payload)
		}
		m.Buttons = append(m.Buttons, Button{Title: btn.Title, Payload: payload})
	}
	return m, nil
}
