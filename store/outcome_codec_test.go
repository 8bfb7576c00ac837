package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestOutcomeCodec(t *testing.T) {
	at := time.Date(2026, 11, 30, 1, 2, 3, 456789, time.UTC)
	o := Outcome{Seq: 7, LogSeq: 9, Priority: PriorityBulk, Endpoint: EndpointUser, To: "1100000000000000001", RequestID: "rid-1",
		CreatedAt: at.Add(-time.Second), Attempts: 2, Kind: KindReply, Channel: ChannelCS, Cost: CostCSFree, Status: StatusSent,
		MessageID: "mid", Code: -230, Error: "Người dùng chưa tương tác", At: at}
	raw := encodeOutcome(o)
	got, err := decodeOutcome(7, raw)
	if err != nil || !reflect.DeepEqual(got, o) {
		t.Fatalf("round trip: %+v, %v\nwant %+v", got, err, o)
	}
	legacy, _ := json.Marshal(o)
	if len(raw)*2 > len(legacy) {
		t.Errorf("compact form %d bytes, JSON %d: want under half", len(raw), len(legacy))
	}
	// A record of an earlier release (JSON, with its body inside) still reads.
	o.Body = json.RawMessage(`{"message":{"text":"Chào"}}`)
	legacy, _ = json.Marshal(o)
	if got, err := decodeOutcome(7, legacy); err != nil || string(got.Body) != string(o.Body) || got.To != o.To || !got.At.Equal(at) {
		t.Errorf("legacy record: %+v, %v", got, err)
	}
	// Cut short anywhere, or of an unknown form: an error, never a panic.
	for i := range raw {
		if _, err := decodeOutcome(7, raw[:i]); err == nil && i < len(raw) {
			t.Errorf("a record cut at %d of %d bytes decoded", i, len(raw))
		}
	}
	if _, err := decodeOutcome(7, []byte{0x7f, 1, 2}); err == nil {
		t.Error("an unknown form decoded")
	}
}

func TestOutMsgCodec(t *testing.T) {
	at := time.Date(2026, 11, 30, 1, 2, 3, 4, time.UTC)
	m := OutMsg{Seq: 5, Priority: PriorityBulk, Endpoint: EndpointUser, To: "1100000000000000001", Kind: "reminder", Text: "Nhắc báo cáo",
		Choices: []Choice{{Title: "Báo cáo ngay", Payload: "báo cáo"}}, Numbered: true, WordsOnly: true, Data: map[string]string{"team": "Tổ 1", "period": "11/2026"},
		Tried: []string{ChannelCS}, RequestID: "remind", CreatedAt: at, Attempts: 1, LastError: "x", LastCode: -230, NextAt: at.Add(time.Hour),
		About: ReportAbout("TA-T1", "2026-11")}
	v, err := encodeOut(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeOut(outboxKey(m.Priority, m.Seq), v)
	got.NextAt = got.NextAt.UTC()
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip: %+v, %v\nwant %+v", got, err, m)
	}
	// A record of an earlier release: header, then JSON.
	js, _ := json.Marshal(m)
	legacy := append(v[:11+len(m.To):11+len(m.To)], js...)
	if got, err := decodeOut(outboxKey(m.Priority, m.Seq), legacy); err != nil || got.Text != m.Text || len(got.Choices) != 1 {
		t.Errorf("legacy record: %+v, %v", got, err)
	}
	// A record written before About ends at LastCode: it decodes, about nothing.
	before := m
	before.About = ""
	old, _ := encodeOut(before)
	if got, err := decodeOut(outboxKey(m.Priority, m.Seq), v[:len(old)]); err != nil || got.About != "" || got.LastCode != m.LastCode {
		t.Errorf("a record without About: %+v, %v", got, err)
	}
	for i := 11 + len(m.To); i < len(v); i++ {
		if i == len(old) {
			continue
		}
		if _, err := decodeOut(outboxKey(m.Priority, m.Seq), v[:i]); err == nil {
			t.Errorf("a record cut at %d of %d bytes decoded", i, len(v))
		}
	}
}
