package flows_test

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/flows/transcript"
	"github.com/cdtbot/cdtbot/store"
)

// TestTranscripts replays testdata/transcripts/*.txt (the language of package flows/transcript)
// against the engine alone: an input goes to the engine, and what the bot would send is the
// []flows.Reply it returns.
//
// The world here:
//
//	@directory FILE     imported with store/importer, as bot's replayer does
//	@clock T | +D       the store's clock (and so the engine's)
//	@restart            the database is closed and opened again, with a new engine
//	@sends a N          Zalo requests (how bot/ splits and sends messages): not checked here
//	a> (ảnh) URL        KindAttachment "image"
//	a> (thông tin) N; P KindSubmitInfo
//	a> (theo dõi)       KindFollow
//	a> (nhóm g) text    KindGroupText from a in group g
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
	transcript.Run(t, "../testdata/transcripts", func(t *testing.T) *transcript.Replayer {
		t.Parallel()
		return transcript.New(&engineWorld{world: newWorld(t, transcriptStart(t)), choices: map[string][]flows.Button{}})
	})
}

// transcriptStart is when every transcript begins unless it sets @clock (as in bot's replayer).
func transcriptStart(t testing.TB) time.Time {
	return time.Date(2026, 11, 23, 9, 0, 0, 0, vnLoc(t))
}

// engineWorld is a transcript's world on the engine alone.
type engineWorld struct {
	*world
	choices map[string][]flows.Button // id → what a typed number picks
}

func (w *engineWorld) Directory(file string) error { w.load(file); return nil }

func (w *engineWorld) Clock() transcript.Clock { return w.clock }

func (w *engineWorld) Restart() error { w.restart(); return nil }

func (w *engineWorld) Sends(string) (int, bool) { return 0, false }

// Do turns what a person did into a flows.Input, runs it and returns the replies.
func (w *engineWorld) Do(t transcript.Input) ([]transcript.Message, error) {
	in := flows.Input{Kind: flows.KindText, UserID: t.User, Text: t.Text}
	switch t.Kind {
	case transcript.Text:
		in.Text = w.typedChoice(t.User, t.Text)
	case transcript.Photo:
		in = flows.Input{Kind: flows.KindAttachment, UserID: t.User, AttachmentType: "image", AttachmentURL: t.URL}
	case transcript.Info:
		in = flows.Input{Kind: flows.KindSubmitInfo, UserID: t.User, Name: t.Name, Phone: t.Phone}
	case transcript.GroupText:
		in = flows.Input{Kind: flows.KindGroupText, UserID: t.User, GroupID: t.Group, Text: t.Text}
	case transcript.Follow:
		in = flows.Input{Kind: flows.KindFollow, UserID: t.User}
	}
	var replies []flows.Reply
	err := w.db.Update(func(tx *store.Tx) error {
		var err error
		if replies, err = w.engine.Handle(tx, in); err != nil {
			return err
		}
		w.remember(tx, in, replies)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var msgs []transcript.Message
	for _, rep := range replies {
		m := transcript.Message{To: rep.ToUser, Text: rep.Text}
		if rep.ToGroup != "" {
			m.To = rep.ToGroup
		}
		if rep.AskInfo {
			m.Text = "(chia sẻ thông tin) " + rep.Text
		}
		for _, b := range rep.Buttons {
			m.Buttons = append(m.Buttons, transcript.Choice(b))
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// remember keeps the choices a typed number picks.
func (w *engineWorld) remember(tx *store.Tx, in flows.Input, replies []flows.Reply) {
	for _, rep := range replies {
		if rep.ToGroup != "" || rep.ToUser == "" || rep.AskInfo {
			continue
		}
		ownReply := rep.Kind == store.KindReply || (rep.Kind == "" && rep.ToUser == in.UserID)
		if _, open, _ := tx.Session(rep.ToUser); ownReply || !open {
			w.choices[rep.ToUser] = rep.Buttons
			if rep.WordsOnly {
				w.choices[rep.ToUser] = nil // chosen by their words, never by a number
			}
		}
	}
}

// typedChoice is bot/router.go's: a typed number or title picks that choice of the last buttons sent.
func (w *engineWorld) typedChoice(user, text string) string {
	out := text
	w.view(func(tx *store.Tx) error { out = flows.TypedChoiceIn(tx, w.choices[user], text); return nil })
	return out
}
