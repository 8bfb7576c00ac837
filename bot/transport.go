package bot

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/store"
)

// Transport delivers one outbox message.
type Transport interface {
	Send(ctx context.Context, m store.OutMsg) (zalo.SendResult, error)
}

// zaloTransport sends through the OpenAPI, renewing the token once on -216/-220.
type zaloTransport struct {
	client *zalo.Client
	tokens *TokenManager
}

func endpointOf(m store.OutMsg) zalo.Endpoint {
	if m.Endpoint == store.EndpointGroup {
		return zalo.EndpointGroup
	}
	return zalo.EndpointCS
}

func (t *zaloTransport) Send(ctx context.Context, m store.OutMsg) (zalo.SendResult, error) {
	tok, err := t.tokens.Token(ctx)
	if err != nil {
		return zalo.SendResult{RateLimit: -1, RateRemain: -1}, err
	}
	res, err := t.client.Send(ctx, tok, endpointOf(m), m.Body)
	if zalo.Classify(err) != zalo.ClassToken {
		return res, err
	}
	// The message was refused, not delivered: safe to send again with a fresh token.
	fresh, rerr := t.tokens.Invalidate(ctx, tok)
	if rerr != nil {
		return res, err
	}
	return t.client.Send(ctx, fresh, endpointOf(m), m.Body)
}

// sandboxTransport records instead of sending: the outcome (with the body)
// lands in the database's sent log and the text goes to the log.
type sandboxTransport struct{ log zerolog.Logger }

func (t *sandboxTransport) Send(_ context.Context, m store.OutMsg) (zalo.SendResult, error) {
	var body struct {
		Message struct {
			Text       string          `json:"text"`
			Attachment json.RawMessage `json:"attachment"`
		} `json:"message"`
	}
	_ = json.Unmarshal(m.Body, &body)
	ev := t.log.Info().Str("rid", m.RequestID).Str("to", m.To).Str("endpoint", m.Endpoint)
	if body.Message.Text != "" {
		ev = ev.Str("text", body.Message.Text)
	} else if json.Valid(body.Message.Attachment) {
		ev = ev.RawJSON("attachment", body.Message.Attachment)
	}
	ev.Msg("sandbox: message recorded, not sent")
	return zalo.SendResult{MessageID: "sandbox-" + strconv.FormatUint(m.Seq, 10), HTTPStatus: 200, RateLimit: -1, RateRemain: -1}, nil
}
