package bot

import (
	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// router turns a stored Zalo event into a flows.Input and the replies into
// outbox messages, all inside the handling transaction.
type router struct {
	engine *flows.Engine
	log    zerolog.Logger
}

func (r *router) handle(tx *store.Tx, sev store.Event) error {
	ev, err := zalo.Parse(sev.Body)
	if err != nil {
		// The webhook only stores bodies that parsed; this is a stored record from an older parser.
		r.log.Error().Err(err).Uint64("event", sev.Seq).Msg("stored event no longer parses: skipped")
		return nil
	}
	in, ok := inputOf(ev)
	if !ok {
		return nil // receipts, echoes, reactions: nothing to answer
	}
	if in.UserID != "" && in.Kind != flows.KindUnfollow && in.GroupID == "" {
		// Writing to the OA reopens Zalo's 7-day window.
		if err := tx.ClearUnreachable(in.UserID); err != nil {
			return err
		}
	}
	replies, err := r.engine.Handle(tx, in)
	if err != nil {
		return err
	}
	for _, rep := range replies {
		if err := enqueueReply(tx, rep, sev.RequestID); err != nil {
			return err
		}
	}
	return nil
}

// inputOf maps the Zalo event categories the conversations care about.
func inputOf(ev *zalo.Event) (flows.Input, bool) {
	in := flows.Input{UserID: ev.UserID}
	switch ev.Category {
	case zalo.CategoryFollow:
		in.Kind = flows.KindFollow
	case zalo.CategoryUnfollow:
		in.Kind = flows.KindUnfollow
	case zalo.CategorySubmitInfo:
		in.Kind = flows.KindSubmitInfo
		if ev.Info != nil {
			in.Name, in.Phone = ev.Info.Name, ev.Info.Phone
		}
	case zalo.CategoryUserMessage:
		if ev.Message == nil {
			return in, false
		}
		if len(ev.Message.Attachments) > 0 || ev.Message.Location != nil {
			in.Kind = flows.KindAttachment
			if len(ev.Message.Attachments) > 0 {
				in.AttachmentType, in.AttachmentURL = ev.Message.Attachments[0].Type, ev.Message.Attachments[0].URL
			} else {
				in.AttachmentType = "location"
			}
		} else {
			in.Kind = flows.KindText
		}
		in.Text = ev.Message.Text
	case zalo.CategoryGroupMessage:
		if ev.Message == nil {
			return in, false
		}
		in.Kind = flows.KindGroupText
		in.GroupID = ev.GroupID
		in.Text = ev.Message.Text
	default:
		return in, false
	}
	return in, in.UserID != "" || in.GroupID != ""
}

// EnqueueReply renders a reply as Zalo request bodies and puts them in the
// outbox inside tx; long text is split so no part exceeds Zalo's 2,000 characters.
func EnqueueReply(tx *store.Tx, rep flows.Reply, rid string) error {
	return enqueueReply(tx, rep, rid)
}

func enqueueReply(tx *store.Tx, rep flows.Reply, rid string) error {
	prio := store.PriorityReply
	if rep.Bulk {
		prio = store.PriorityBulk
	}
	put := func(endpoint, to string, body []byte) error {
		_, err := tx.Enqueue(store.OutMsg{Priority: prio, Endpoint: endpoint, To: to, Body: body, RequestID: rid, NextAt: rep.NotBefore})
		return err
	}
	if rep.ToGroup != "" {
		for _, part := range zalo.SplitText(rep.Text, zalo.MaxTextLen) {
			if err := put(store.EndpointGroup, rep.ToGroup, zalo.GroupTextMessage(rep.ToGroup, part)); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case rep.AskInfo:
		return put(store.EndpointUser, rep.ToUser, zalo.RequestUserInfoMessage(rep.ToUser, rep.Text, textAskInfoSubtitle, ""))
	case len(rep.Buttons) > 0:
		buttons := make([]zalo.Button, len(rep.Buttons))
		for i, b := range rep.Buttons {
			buttons[i] = zalo.Button{Title: b.Title, Payload: b.Payload}
		}
		// The template's title is short; long text goes first as its own message.
		title := rep.Text
		if len([]rune(title)) > listTitleMax {
			for _, part := range zalo.SplitText(rep.Text, zalo.MaxTextLen) {
				if err := put(store.EndpointUser, rep.ToUser, zalo.TextMessage(rep.ToUser, part)); err != nil {
					return err
				}
			}
			title = textChoose
		}
		return put(store.EndpointUser, rep.ToUser, zalo.ListMessage(rep.ToUser, []zalo.ListElement{{Title: title}}, buttons))
	default:
		for _, part := range zalo.SplitText(rep.Text, zalo.MaxTextLen) {
			if err := put(store.EndpointUser, rep.ToUser, zalo.TextMessage(rep.ToUser, part)); err != nil {
				return err
			}
		}
		return nil
	}
}

// listTitleMax is the longest title a list template shows in full.
const listTitleMax = 100

// Texts bot/ adds around the conversations' own.
const (
	textAskInfoSubtitle = "Bấm \"Chia sẻ\" để gửi họ tên và số điện thoại của bạn."
	textChoose          = "Mời bạn chọn:"
)
