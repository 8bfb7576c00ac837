package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

// The webhook's parse reaches the handling once, by dedupe key; a body that is not the one parsed,
// an event taken already or pushed out by newer ones is parsed again from its stored body.
func TestParsedEventsAreHandedOnOnce(t *testing.T) {
	body := []byte(`{"app_id":"1","user_id_by_app":"2","event_name":"user_send_text","timestamp":"1543820990542","sender":{"id":"3"},"recipient":{"id":"4"},"message":{"text":"bao cao","msg_id":"m1"}}`)
	ev, err := zalo.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	p := newParsedEvents()
	p.put("m:1", ev)
	if got, _ := p.get("m:1", body, false); got != ev {
		t.Error("a peek did not get the webhook's parse")
	}
	if got, _ := p.get("m:1", []byte(string(body)+" "), false); got == ev {
		t.Error("another body got the parse kept for seq 1")
	}
	if got, _ := p.get("m:1", body, true); got != ev {
		t.Error("taking did not get the webhook's parse")
	}
	if got, err := p.get("m:1", body, true); got == ev || err != nil || got.Message == nil || got.Message.Text != "bao cao" {
		t.Errorf("taken twice: %v, %v (want a parse of its own)", got, err)
	}
	for i := range parsedCap + 1 {
		p.put(fmt.Sprint("m:x", i), ev)
	}
	if got, _ := p.get("m:x0", body, false); got == ev {
		t.Error("the oldest was kept past the bound")
	}
	if got, _ := p.get(fmt.Sprint("m:x", parsedCap), body, false); got != ev {
		t.Error("the newest was not kept")
	}
	if len(p.byKey) > parsedCap {
		t.Errorf("%d kept, bound %d", len(p.byKey), parsedCap)
	}
	var none *parsedEvents
	if got, err := none.get("m:9", body, true); err != nil || got == nil {
		t.Errorf("without a cache: %v, %v", got, err)
	}
}

// A big body is not kept (the memory held stays bounded): the handling parses it again.
func TestParsedEventsKeepNoBigBody(t *testing.T) {
	body := []byte(`{"app_id":"1","user_id_by_app":"2","event_name":"user_send_text","timestamp":"1543820990542","sender":{"id":"3"},"recipient":{"id":"4"},"message":{"text":"` +
		strings.Repeat("a", parsedMaxBody) + `","msg_id":"m1"}}`)
	ev, err := zalo.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	p := newParsedEvents()
	p.put("m:1", ev)
	if got, err := p.get("m:1", body, true); err != nil || got == ev {
		t.Errorf("a body of %d bytes was kept: %v", len(body), err)
	}
}
