// Package flows holds the conversations: an input from a person comes in,
// replies (and record changes, in the same store transaction) come out.
// It knows nothing of HTTP or Zalo's JSON; bot/ translates both ways.
package flows

import (
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
}

// Engine runs the conversations.
type Engine struct{}

// New returns an engine.
func New() *Engine { return &Engine{} }

// Handle answers one input inside tx. Any record change it makes commits with
// the replies and the "handled" mark, or not at all.
func (e *Engine) Handle(tx *store.Tx, in Input) ([]Reply, error) {
	switch in.Kind {
	case KindFollow:
		return []Reply{{ToUser: in.UserID, Text: textWelcome, Buttons: mainMenu}}, nil
	case KindText, KindAttachment, KindSubmitInfo:
		return []Reply{{ToUser: in.UserID, Text: textHelp, Buttons: mainMenu}}, nil
	}
	// Unfollows and group chatter need no answer yet.
	return nil, nil
}
