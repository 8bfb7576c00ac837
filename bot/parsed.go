package bot

import (
	"sync"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

// parsedCap bounds the events kept parsed between the webhook and their handling (a fraction of a
// second at full load: the handling takes them within milliseconds; one not found is parsed again from
// its stored body), and parsedMaxBody the body of one kept (a chat message is a few hundred bytes):
// at most 8 MiB of bodies are held.
const (
	parsedCap     = 2048
	parsedMaxBody = 4 << 10
)

// parsedEvents hands the webhook's parse of an event to its handling, so a body is parsed once (the
// two parses were ~4% of the webhook's CPU). Keyed by the event's dedupe key, kept before the event
// is stored (the handling may take it from the inbox log before the webhook goes on); the oldest go
// first when full.
type parsedEvents struct {
	mu    sync.Mutex
	byKey map[string]*zalo.Event
	order []string // insertion order, a ring of parsedCap
	next  int
}

func newParsedEvents() *parsedEvents {
	return &parsedEvents{byKey: make(map[string]*zalo.Event, parsedCap), order: make([]string, parsedCap)}
}

// put keeps ev, to be stored under its dedupe key key.
func (p *parsedEvents) put(key string, ev *zalo.Event) {
	if len(ev.Raw) > parsedMaxBody {
		return // parsed again by the handling: rare, and not worth holding
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.order[p.next]; old != "" {
		delete(p.byKey, old) // (a key put again since goes early: it is parsed again)
	}
	p.order[p.next] = key
	p.next = (p.next + 1) % parsedCap
	p.byKey[key] = ev
}

// get is the parse of the event stored under key with body, if kept (take: and forgets it).
func (p *parsedEvents) get(key string, body []byte, take bool) (*zalo.Event, error) {
	if p != nil {
		p.mu.Lock()
		ev, ok := p.byKey[key]
		if ok && take {
			delete(p.byKey, key) // its place in order is freed when the ring comes round
		}
		p.mu.Unlock()
		if ok && string(ev.Raw) == string(body) {
			return ev, nil
		}
	}
	return zalo.Parse(body)
}
