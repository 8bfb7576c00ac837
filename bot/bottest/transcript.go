package bottest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/flows/transcript"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// NewReplayer replays transcripts (the language of package flows/transcript: testdata/transcripts/*.txt,
// and scripts in tests) against h: each input is posted as Zalo's webhook JSON (sandbox mode), and what
// the bot sent is what it recorded as sent, a long text and the button list that follows it read as
// one message. @sends counts the Zalo requests.
func NewReplayer(t testing.TB, h *Harness) *transcript.Replayer {
	return transcript.New(&webhookWorld{h: h, sends: map[string]int{}})
}

// webhookWorld is a transcript's world through the real webhook.
type webhookWorld struct {
	h     *Harness
	after uint64 // the last outcome read
	msgID int
	sends map[string]int // Zalo requests per recipient since last asked
}

func (w *webhookWorld) Directory(file string) error {
	_, err := importer.ImportFile(w.h.DB, Testdata(file))
	return err
}

func (w *webhookWorld) Clock() transcript.Clock { return w.h.Clock }

func (w *webhookWorld) Restart() error { w.h.Restart(); return nil }

func (w *webhookWorld) Sends(id string) (int, bool) {
	n := w.sends[id]
	w.sends[id] = 0
	return n, true
}

// Do posts what a person did as Zalo's webhook JSON, then collects the replies.
func (w *webhookWorld) Do(in transcript.Input) ([]transcript.Message, error) {
	w.msgID++
	ts := strconv.FormatInt(w.h.Clock.Now().UnixMilli(), 10)
	ev := map[string]any{"app_id": AppID, "oa_id": "388613280878808645", "timestamp": ts, "user_id_by_app": "app-" + in.User}
	sender := map[string]string{"id": in.User}
	recipient := map[string]string{"id": "388613280878808645"}
	msgID := fmt.Sprintf("t-%d-%s", w.msgID, ts)
	switch in.Kind {
	case transcript.Photo:
		ev["event_name"], ev["sender"], ev["recipient"] = "user_send_image", sender, recipient
		ev["message"] = map[string]any{"msg_id": msgID, "attachments": []any{map[string]any{"type": "image", "payload": map[string]string{"url": in.URL}}}}
	case transcript.Info:
		ev["event_name"], ev["sender"], ev["recipient"] = "user_submit_info", sender, recipient
		ev["info"] = map[string]string{"name": in.Name, "phone": in.Phone}
	case transcript.GroupText:
		ev["event_name"], ev["sender"] = "user_send_group_text", sender
		ev["recipient"] = map[string]string{"id": in.Group}
		ev["message"] = map[string]string{"text": in.Text, "msg_id": msgID}
	case transcript.Follow:
		ev["event_name"], ev["follower"], ev["source"] = "follow", map[string]string{"id": in.User}, "oa_profile"
	default: // typed text, or a button's payload
		ev["event_name"], ev["sender"], ev["recipient"] = "user_send_text", sender, recipient
		ev["message"] = map[string]string{"text": in.Text, "msg_id": msgID}
	}
	body, _ := json.Marshal(ev)
	if resp := w.h.Post(body, "-"); resp.StatusCode != 200 {
		return nil, fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	w.h.Settle()
	return w.collect()
}

// collect reads what the bot recorded as sent since the last look, merging a
// long text with the button list that follows it into one logical message.
func (w *webhookWorld) collect() ([]transcript.Message, error) {
	var outs []store.Outcome
	if err := w.h.DB.View(func(tx *store.Tx) error {
		var err error
		outs, err = tx.Outcomes(w.after, 1000)
		return err
	}); err != nil {
		return nil, err
	}
	var msgs []transcript.Message
	for _, o := range outs {
		w.after = o.Seq
		sent, err := zalo.ReadMessage(o.Body)
		if err != nil {
			return nil, err
		}
		w.sends[o.To]++
		m := transcript.Message{To: o.To, Text: sent.Text}
		switch sent.Template {
		case "request_user_info":
			m.Text = "(chia sẻ thông tin) " + sent.Title
		case "list":
			m.Text = sent.Title
			for _, b := range sent.Buttons {
				m.Buttons = append(m.Buttons, transcript.Choice{Title: b.Title, Payload: b.Payload})
			}
			if n := len(msgs); m.Text == "Mời bạn chọn:" && n > 0 && msgs[n-1].To == o.To && msgs[n-1].Buttons == nil {
				msgs[n-1].Buttons = m.Buttons
				continue
			}
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}
