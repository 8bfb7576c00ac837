package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync/atomic"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

// Transport delivers one rendered request on a channel.
type Transport interface {
	// Send posts a cs or group request.
	Send(ctx context.Context, ep zalo.Endpoint, body []byte) (zalo.SendResult, error)
	// SendZNS sends a ZNS template message by phone.
	SendZNS(ctx context.Context, m zalo.ZNSMessage) (zalo.ZNSResult, error)
}

// zaloTransport sends through the OpenAPI, renewing the token once on -216/-220.
type zaloTransport struct {
	client *zalo.Client
	tokens *TokenManager
}

// withToken runs call with the current token and once more with a fresh one when Zalo says it is stale.
func withToken[R any](ctx context.Context, tm *TokenManager, call func(tok string) (R, error)) (R, error) {
	var zero R
	tok, err := tm.Token(ctx)
	if err != nil {
		return zero, err
	}
	res, err := call(tok)
	if zalo.Classify(err) != zalo.ClassToken {
		return res, err
	}
	// The message was refused, not delivered: safe to send again with a fresh token.
	fresh, rerr := tm.Invalidate(ctx, tok)
	if rerr != nil {
		return res, errors.Join(err, rerr)
	}
	return call(fresh)
}

func (t *zaloTransport) Send(ctx context.Context, ep zalo.Endpoint, body []byte) (zalo.SendResult, error) {
	return withToken(ctx, t.tokens, func(tok string) (zalo.SendResult, error) { return t.client.Send(ctx, tok, ep, body) })
}

func (t *zaloTransport) SendZNS(ctx context.Context, m zalo.ZNSMessage) (zalo.ZNSResult, error) {
	return withToken(ctx, t.tokens, func(tok string) (zalo.ZNSResult, error) { return t.client.SendZNS(ctx, tok, m) })
}

// sandboxTransport records instead of sending: the outcome (with the body)
// lands in the database's sent log and the text goes to the log.
type sandboxTransport struct {
	log zerolog.Logger
	n   atomic.Uint64
}

func (t *sandboxTransport) Send(_ context.Context, ep zalo.Endpoint, b []byte) (zalo.SendResult, error) {
	var body struct {
		Recipient struct {
			UserID  string `json:"user_id"`
			GroupID string `json:"group_id"`
		} `json:"recipient"`
		Message struct {
			Text       string          `json:"text"`
			Attachment json.RawMessage `json:"attachment"`
		} `json:"message"`
	}
	_ = json.Unmarshal(b, &body)
	ev := t.log.Info().Str("to", body.Recipient.UserID+body.Recipient.GroupID).Str("endpoint", string(ep))
	if body.Message.Text != "" {
		ev = ev.Str("text", body.Message.Text)
	} else if json.Valid(body.Message.Attachment) {
		ev = ev.RawJSON("attachment", body.Message.Attachment)
	}
	ev.Msg("sandbox: message recorded, not sent")
	return zalo.SendResult{MessageID: "sandbox-" + strconv.FormatUint(t.n.Add(1), 10), HTTPStatus: 200, RateLimit: -1, RateRemain: -1}, nil
}

func (t *sandboxTransport) SendZNS(_ context.Context, m zalo.ZNSMessage) (zalo.ZNSResult, error) {
	t.log.Info().Str("phone", m.Phone).Str("template", m.TemplateID).Interface("data", m.Data).Msg("sandbox: ZNS recorded, not sent")
	return zalo.ZNSResult{MsgID: "sandbox-zns-" + strconv.FormatUint(t.n.Add(1), 10), HTTPStatus: 200, DailyQuota: -1, RemainingQuota: -1}, nil
}
