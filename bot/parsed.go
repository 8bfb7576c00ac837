package bot

import (
	"sync"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

// parsedCap bounds the events kept parsed between the webhook and their handling (a few seconds of
// traffic at the most; an event not found is parsed again from its stored body).
const parsedCap = 4096

// parsedEvents hands the webhook's parse of an event to its handling, so a body is parsed once (the
// two parses were ~4% of the webhook's CPU). Keyed by the event's seq; the oldest go first when full.
type parsedEvents struct {
	mu    sync.Mutex
	bySeq map[uint64]*zalo.Event
	order []uint64 // insertion order, a ring of parsedCap
	next  int
}

func newParsedEvents() *parsedEvents {
	return &parsedEvents{bySeq: make(map[uint64]*zalo.Event, parsedCap), order: make([]uint64, parsedCap)}
}

// put keeps ev, stored under seq.
func (p *parsedEvents) put(seq uint64, ev *zalo.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.order[p.next]; old != 0 {
		delete(p.bySeq, old)
	}
	p.order[p.next] = seq
	p.next = (p.next + 1) % parsedCap
	p.bySeq[seq] = ev
}

// get is the parse of the event stored under seq with body, if kept (take: and forgets it).
func (p *parsedEvents) get(seq uint64, body []byte, take bool) (*zalo.Event, error) {
	if p != nil {
		p.mu.Lock()
		ev, ok := p.bySeq[seq]
		if ok && take {
			delete(p.bySeq, seq) // its place in order is freed when the ring comes round
		}
		p.mu.Unlock()
		if ok && string(ev.Raw) == string(body) {
			return ev, nil
		}
	}
	return zalo.Parse(body)
}
