package bot

import (
	"strings"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// router turns a stored Zalo event into a flows.Input and the replies into
// outbox messages, all inside the handling transaction.
type router struct {
	parsed *parsedEvents // nil: every body is parsed here
	engine *flows.Engine
	log    zerolog.Logger
	// revoked handles permission_revoked (alerts the operators).
	revoked func(tx *store.Tx) error
	fair    fairUse
	m       *metrics
}

func (r *router) handle(tx *store.Tx, sev store.Event) error {
	ev, err := r.parsed.get(sev.Key, sev.Body, true)
	if err != nil {
		// The webhook only stores bodies that parsed; this is a stored record from an older parser.
		r.log.Error().Err(err).Uint64("event", sev.Seq).Msg("stored event no longer parses: skipped")
		return nil
	}
	switch ev.Category {
	case zalo.CategoryPermission:
		if r.revoked != nil {
			return r.revoked(tx)
		}
		return nil
	case zalo.CategoryChatNow:
		return tx.Seen(ev.UserID) // pressing "Nhắn tin" is an interaction: the cs window opens
	}
	in, ok := inputOf(ev)
	if !ok {
		return nil // receipts, echoes, reactions: nothing to answer
	}
	if in.UserID != "" && in.Kind != flows.KindUnfollow && in.GroupID == "" {
		// Writing to the OA (or tapping, or following) reopens Zalo's 7-day window for cs messages.
		if err := tx.Seen(in.UserID); err != nil {
			return err
		}
	}
	// Fair use counts messages by when they arrived (a backlog handled at once is not a flood);
	// photos sent for a report are not counted.
	if in.UserID != "" && in.GroupID == "" && in.Kind != flows.KindUnfollow && in.Kind != flows.KindAttachment {
		arrived := sev.ReceivedAt
		if arrived.IsZero() {
			arrived = tx.Now()
		}
		if answer, warn := r.fair.allow(in.UserID, arrived); !answer {
			if r.m != nil {
				r.m.fairUseDropped.Inc()
			}
			if warn {
				r.log.Warn().Str("user", in.UserID).Msg("fair use: too many messages a minute; not answered for a while")
				return enqueueReply(tx, flows.Reply{ToUser: in.UserID, Text: textSlowDown, Kind: store.KindReply}, sev.RequestID)
			}
			return nil
		}
	}
	if in.Kind == flows.KindText && in.GroupID == "" {
		in.Text = typedChoice(tx, in.UserID, in.Text)
	}
	replies, err := r.engine.Handle(tx, in)
	if err != nil {
		return err
	}
	for _, rep := range replies {
		if rep.Kind == "" && rep.ToGroup == "" && rep.ToUser == in.UserID {
			rep.Kind = store.KindReply
		}
		if err := enqueueReply(tx, rep, sev.RequestID); err != nil {
			return err
		}
	}
	return nil
}

// prepare reads, before the handling transaction, what handling sev will need: flows.Engine.Prepare.
// Only an officer's words need it (a digest): any other event is not parsed twice.
func (r *router) prepare(tx *store.Tx, sev store.Event) {
	var officer bool
	switch kind, id, _ := strings.Cut(sev.Partition, ":"); kind {
	case "u":
		_, officer, _ = tx.OfficerByZalo(id)
	case "g":
		_, officer, _ = tx.OfficerByGroup(id)
	}
	if !officer {
		return
	}
	ev, err := r.parsed.get(sev.Key, sev.Body, false)
	if err != nil {
		return
	}
	in, ok := inputOf(ev)
	if !ok {
		return
	}
	if in.Kind == flows.KindText && in.GroupID == "" {
		in.Text = typedChoice(tx, in.UserID, in.Text)
	}
	r.engine.Prepare(tx, in)
}

// typedChoice turns a typed number or title into the payload of that choice of the last message
// sent to the person (flows.TypedChoice): "2" or "gửi yêu cầu" works like the tap (and is the only
// way when the OA's templates are refused).
func typedChoice(tx *store.Tx, userID, text string) string {
	choices := tx.Choices(userID)
	if len(choices) == 0 {
		return text
	}
	buttons := make([]flows.Button, len(choices))
	for i, c := range choices {
		buttons[i] = flows.Button{Title: c.Title, Payload: c.Payload}
	}
	return flows.TypedChoiceIn(tx, buttons, text)
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
