package flows_test

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/reminders"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// The tests of this package drive the engine directly: an input goes to
// (*flows.Engine).Handle inside db.Update on a temporary bbolt file with a test
// clock, and the []flows.Reply it returns is what is checked. No HTTP, no bot/.

// newEngine is the one place the tests build an engine: when flows.New changes
// (a deps struct, say), this is the line to change.
func newEngine(loc *time.Location, links flows.PageLinker) *flows.Engine {
	return flows.New(loc, flows.Deps{Digest: &reminders.Sweeper{Loc: loc}, Links: links})
}

// fakeLinks stands in for bot's signed officer links. It keeps the shape of the
// real link (public URL, "/o/", token version "o2.") so transcripts read the same, and
// names the officer and the lifetime in clear so a test can see what was asked for.
type fakeLinks struct{}

func (fakeLinks) PageLink(tx *store.Tx, officerID string, ttl time.Duration) (string, error) {
	return "https://cdtbot.example.vn/o/o2." + officerID + "." + ttl.String(), nil
}

// testClock is the clock of the store (and so of the engine): tests move it by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *testClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// world is an engine on its own database.
type world struct {
	t      *testing.T
	path   string
	loc    *time.Location
	clock  *testClock
	db     *store.DB
	engine *flows.Engine
	// closeDB closes db once (a restart closes it before the test's cleanup would).
	closeDB func() error
}

func vnLoc(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// newWorld opens an empty database at start (Asia/Ho_Chi_Minh) and loads the given
// directory files (paths relative to testdata/, as @directory has them).
func newWorld(t *testing.T, start time.Time, directories ...string) *world {
	t.Helper()
	w := &world{t: t, path: filepath.Join(t.TempDir(), "t.db"), loc: vnLoc(t), clock: &testClock{t: start}}
	w.open()
	for _, d := range directories {
		w.load(d)
	}
	return w
}

func (w *world) open() {
	w.t.Helper()
	db, err := store.Open(w.path, store.Options{Now: w.clock.Now})
	if err != nil {
		w.t.Fatal(err)
	}
	closed := false
	closeDB := func() error {
		if closed {
			return nil
		}
		closed = true
		return db.Close()
	}
	w.db, w.closeDB = db, closeDB
	w.engine = newEngine(w.loc, fakeLinks{})
	w.t.Cleanup(func() { closeDB() })
}

// restart closes the database and opens it again with a fresh engine: only what was stored is left.
func (w *world) restart() {
	w.t.Helper()
	if err := w.closeDB(); err != nil {
		w.t.Fatal(err)
	}
	w.open()
}

// load imports a directory file (path relative to testdata/).
func (w *world) load(file string) {
	w.t.Helper()
	if _, err := importer.ImportFile(w.db, filepath.Join("..", "testdata", file)); err != nil {
		w.t.Fatalf("import %s: %v", file, err)
	}
}

// handle runs one input in its own write transaction, as the bot's processor does.
func (w *world) handle(in flows.Input) []flows.Reply {
	w.t.Helper()
	var out []flows.Reply
	err := w.db.Update(func(tx *store.Tx) error {
		var err error
		out, err = w.engine.Handle(tx, in)
		return err
	})
	if err != nil {
		w.t.Fatalf("handle %+v: %v", in, err)
	}
	return out
}

// text is a person typing (or a button's payload).
func (w *world) text(user, text string) []flows.Reply {
	w.t.Helper()
	return w.handle(flows.Input{Kind: flows.KindText, UserID: user, Text: text})
}

func (w *world) view(fn func(tx *store.Tx) error) {
	w.t.Helper()
	if err := w.db.View(fn); err != nil {
		w.t.Fatal(err)
	}
}

// session is the open conversation of user (ok false: none).
func (w *world) session(user string) (s store.Session, ok bool) {
	w.t.Helper()
	w.view(func(tx *store.Tx) error {
		var err error
		s, ok, err = tx.Session(user)
		return err
	})
	return s, ok
}

// titles are the titles of a reply's buttons.
func titles(r flows.Reply) []string {
	var out []string
	for _, b := range r.Buttons {
		out = append(out, b.Title)
	}
	return out
}

// dump shows replies in the transcript notation, for failure messages.
func dump(rs []flows.Reply) string {
	var b strings.Builder
	for _, r := range rs {
		to := r.ToUser
		if r.ToGroup != "" {
			to = "group " + r.ToGroup
		}
		b.WriteString("\n<" + to + ": " + r.Text)
		if len(r.Buttons) > 0 {
			b.WriteString(" [" + strings.Join(titles(r), " | ") + "]")
		}
	}
	return b.String()
}
