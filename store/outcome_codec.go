package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
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

// The outbox message's payload (after its fixed header) in the same compact form: outMsgV1, then its
// fields. Records written by earlier releases hold JSON there (they start with '{') and still read.
const outMsgV1 = 0x01

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func encodeOutPayload(b []byte, m OutMsg) []byte {
	b = append(b, outMsgV1)
	b = appendString(b, m.Endpoint)
	b = appendString(b, m.Kind)
	b = appendString(b, m.Text)
	b = binary.AppendUvarint(b, uint64(len(m.Choices)))
	for _, c := range m.Choices {
		b = appendString(appendString(b, c.Title), c.Payload)
	}
	var flags byte
	if m.AskInfo {
		flags |= 1
	}
	if m.Numbered {
		flags |= 2
	}
	if m.WordsOnly {
		flags |= 4
	}
	b = append(b, flags)
	var small [8]string // the keys in order without an allocation (a reminder has four)
	keys := small[:0]
	for k := range m.Data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(appendString(b, k), m.Data[k])
	}
	b = binary.AppendUvarint(b, uint64(len(m.Tried)))
	for _, t := range m.Tried {
		b = appendString(b, t)
	}
	b = appendString(b, string(m.Body))
	b = appendString(b, m.RequestID)
	b = binary.AppendVarint(b, unixNano(m.CreatedAt))
	b = binary.AppendUvarint(b, uint64(m.Attempts))
	b = appendString(b, m.LastError)
	b = binary.AppendVarint(b, int64(m.LastCode))
	if m.About != "" { // last and optional: records written before it end at LastCode
		b = appendString(b, m.About)
	}
	return b
}

func decodeOutPayload(p []byte, m *OutMsg) error {
	if len(p) > 0 && p[0] == '{' {
		return json.Unmarshal(p, m)
	}
	if len(p) < 1 || p[0] != outMsgV1 {
		return errOutcome
	}
	r := reader{b: p[1:]}
	m.Endpoint, m.Kind, m.Text = r.string(), r.string(), r.string()
	if n := r.uvarint(); n > 0 && n <= uint64(len(r.b)) {
		m.Choices = make([]Choice, n)
		for i := range m.Choices {
			m.Choices[i] = Choice{Title: r.string(), Payload: r.string()}
		}
	} else if n > 0 {
		r.bad = true
	}
	flags := r.byte()
	m.AskInfo, m.Numbered, m.WordsOnly = flags&1 != 0, flags&2 != 0, flags&4 != 0
	if n := r.uvarint(); n > 0 && n <= uint64(len(r.b)) {
		m.Data = make(map[string]string, n)
		for range n {
			k := r.string()
			m.Data[k] = r.string()
		}
	} else if n > 0 {
		r.bad = true
	}
	if n := r.uvarint(); n > 0 && n <= uint64(len(r.b)) {
		m.Tried = make([]string, n)
		for i := range m.Tried {
			m.Tried[i] = r.string()
		}
	} else if n > 0 {
		r.bad = true
	}
	if body := r.string(); body != "" {
		m.Body = json.RawMessage(body)
	}
	m.RequestID = r.string()
	m.CreatedAt = fromUnixNano(r.varint())
	m.Attempts = int(r.uvarint())
	m.LastError = r.string()
	m.LastCode = int(r.varint())
	if len(r.b) > 0 {
		m.About = r.string()
	}
	if r.bad {
		return errOutcome
	}
	return nil
}
