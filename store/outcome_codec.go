package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"
)

// Outcomes are the most numerous records (every message the bot sent, kept CDTBOT_KEEP_SENT days):
// they are stored in a compact binary form — about a third of their JSON — starting with
// outcomeV1. Records written by earlier releases are JSON (they start with '{') and still read.
const outcomeV1 = 0x01

var errOutcome = errors.New("store: malformed outcome record")

// encodeOutcome is the stored form of o (its Body is kept apart, in sent_bodies; Seq is the key).
func encodeOutcome(o Outcome) []byte {
	b := make([]byte, 0, 96+len(o.To)+len(o.Error))
	b = append(b, outcomeV1)
	b = binary.AppendUvarint(b, o.LogSeq)
	b = append(b, byte(o.Priority))
	for _, s := range []string{o.Endpoint, o.To, o.RequestID, o.Kind, o.Channel, o.Cost, o.Status, o.MessageID, o.Error} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, unixNano(o.CreatedAt))
	b = binary.AppendVarint(b, unixNano(o.At))
	b = binary.AppendUvarint(b, uint64(o.Attempts))
	return binary.AppendVarint(b, int64(o.Code))
}

// decodeOutcome reads an outcome stored under seq, in either form.
func decodeOutcome(seq uint64, v []byte) (Outcome, error) {
	var o Outcome
	if len(v) > 0 && v[0] == '{' {
		err := json.Unmarshal(v, &o)
		return o, err
	}
	if len(v) < 2 || v[0] != outcomeV1 {
		return o, errOutcome
	}
	r := reader{b: v[1:]}
	o.Seq = seq
	o.LogSeq = r.uvarint()
	o.Priority = Priority(r.byte())
	for _, s := range []*string{&o.Endpoint, &o.To, &o.RequestID, &o.Kind, &o.Channel, &o.Cost, &o.Status, &o.MessageID, &o.Error} {
		*s = r.string()
	}
	o.CreatedAt, o.At = fromUnixNano(r.varint()), fromUnixNano(r.varint())
	o.Attempts, o.Code = int(r.uvarint()), int(r.varint())
	if r.bad {
		return o, errOutcome
	}
	return o, nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// reader walks a binary record; a short or malformed one sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
