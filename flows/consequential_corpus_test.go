package flows_test

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/flows/transcript"
	"github.com/cdtbot/cdtbot/store"
)

// The corpora of TestConsequentialCorpus, each written by someone who did not read the readers, and
// their floors (a little under what was measured, and the wrong actions measured: lines meant to do
// nothing — none/keep/ask/back — on which the bot acted). A change to the readers may raise a floor
// and lower a maximum, never the other way round.
//   - consequential.tsv (404 lines) was the first: the readers were mended from its misses, so it is
//     no longer a measure of new wording (71.0% and 14 wrong actions before; 92.8% and 1 after, stricter on what stands beside an act once reviewed).
//   - consequential-2.tsv (340 lines) was held out until its wrong actions were looked at and their
//     kinds mended (69.7% and 19 before; 85.9% and 3 after; those left are bare "ok" at a request's
//     buttons and at the summary, which the bot takes as yes by design).
//   - consequential-3.tsv (337 lines) is held out: nobody has read it; it measures new wording
//     (60.5% and 27 wrong actions at the start of the day, 81.0% and 4 after the mending and a review of it).
var corpora = []struct {
	file        string
	minAccuracy float64
	maxWrong    int
}{
	{"testdata/consequential.tsv", 0.92, 1},
	{"testdata/consequential-2.tsv", 0.85, 3},
	{"testdata/consequential-3.tsv", 0.80, 4},
	// consequential-review.tsv (103 lines): what a review of the clause readers made them do that was not
	// meant; none may come back.
	{"testdata/consequential-review.tsv", 0.92, 0},
}

const minCorpusLines = 50

// Labels: what the bot did. Acting ones change something for good (or start a refusal);
// the others leave things as they were.
var actingLabel = map[string]bool{"rec": true, "dec": true, "ok": true, "refuse": true, "erase": true, "withdraw": true,
	"drop": true, "send": true}

var restingLabel = map[string]bool{"none": true, "keep": true, "ask": true, "back": true}

// TestConsequentialCorpus scores an outside corpus of messages that could decide, refuse, erase,
// withdraw, drop or file something: each line's person is put in its situation by the same steps the
// transcripts take (a join by chat, buttons tapped by their payloads), the text is sent as typed (a
// typed title or number becomes that button's payload, as bot/router.go does), and what the bot did
// is read from the store and the session state, not from its words.
//
// The file has lines "situation<TAB>expect<TAB>text"; "#" lines and blank lines are skipped.
//
// Each situation is built once. Each line is handled by a new engine in a write transaction that is
// rolled back after what was done has been read, so every line starts from exactly the state the
// situation was built to (nothing a line did, stored or in an engine's memory, reaches the next).
func TestConsequentialCorpus(t *testing.T) {
	for _, c := range corpora {
		t.Run(strings.TrimSuffix(filepath.Base(c.file), ".tsv"), func(t *testing.T) {
			scoreCorpus(t, c.file, c.minAccuracy, c.maxWrong)
		})
	}
}

func scoreCorpus(t *testing.T, corpusFile string, minCorpusAccuracy float64, maxWrongActions int) {
	lines := readCorpus(t, corpusFile)
	if len(lines) < minCorpusLines {
		t.Fatalf("%s: %d lines, want at least %d", corpusFile, len(lines), minCorpusLines)
	}
	bySit := map[string][]corpusLine{}
	for _, l := range lines {
		bySit[l.situation] = append(bySit[l.situation], l)
	}
	results := map[string][]lineResult{}
	var mu sync.Mutex
	t.Run("situations", func(t *testing.T) {
		for _, sit := range situations {
			todo := bySit[sit.name]
			if len(todo) == 0 {
				continue
			}
			t.Run(sit.name, func(t *testing.T) {
				t.Parallel()
				sc := sit.build(t)
				var res []lineResult
				for _, l := range todo {
					got, replies := sc.try(t, l.text)
					res = append(res, lineResult{corpusLine: l, got: got, replies: replies})
				}
				sc.checkUntouched(t)
				mu.Lock()
				results[sit.name] = res
				mu.Unlock()
			})
		}
	})
	for _, sit := range situations {
		if len(bySit[sit.name]) != len(results[sit.name]) {
			return // the situation could not be built: its subtest said why
		}
	}
	total, right, wrong, missed, crossed := 0, 0, 0, 0, 0
	for _, sit := range situations {
		res := results[sit.name]
		if len(res) == 0 {
			continue
		}
		n := 0
		var misses []string
		for _, r := range res {
			total++
			if r.got == r.expect {
				n++
				continue
			}
			kind := "miss"
			switch {
			case restingLabel[r.expect] && actingLabel[r.got]:
				wrong++
				kind = "WRONG ACTION"
			case actingLabel[r.expect] && actingLabel[r.got]:
				crossed++
				kind = "other action"
			case actingLabel[r.expect]:
				missed++
				kind = "missed action"
			}
			misses = append(misses, fmt.Sprintf("  %s:%d %s: %s\texpect %s, got %s\t%q\n      bot: %s",
				corpusFile, r.lineNo, kind, sit.name, r.expect, r.got, r.text, brief(r.replies)))
		}
		right += n
		t.Logf("%s: %d/%d right (%.1f%%), %d misses", sit.name, n, len(res), 100*float64(n)/float64(len(res)), len(misses))
		for _, m := range misses {
			t.Log(m)
		}
	}
	acc := float64(right) / float64(total)
	t.Logf("overall: %d/%d right (%.1f%%); wrong actions %d (at most %d), missed actions %d, other actions %d",
		right, total, 100*acc, wrong, maxWrongActions, missed, crossed)
	if acc < minCorpusAccuracy {
		t.Errorf("accuracy %.1f%%, floor %.1f%%", 100*acc, 100*minCorpusAccuracy)
	}
	if wrong > maxWrongActions {
		t.Errorf("%d wrong actions (the bot acted on a line meant to do nothing), at most %d", wrong, maxWrongActions)
	}
}

// corpusLine is one line of the corpus.
type corpusLine struct {
	lineNo            int
	situation, expect string
	text              string
}

type lineResult struct {
	corpusLine
	got     string
	replies []flows.Reply
}

// readCorpus reads the corpus; a line of an unknown situation or label, or not of three fields, fails the test.
func readCorpus(t *testing.T, path string) []corpusLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	labels := map[string]map[string]bool{}
	for _, s := range situations {
		labels[s.name] = map[string]bool{}
		for _, l := range s.labels {
			labels[s.name][l] = true
		}
	}
	var out []corpusLine
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" || strings.HasPrefix(strings.TrimSpace(raw), "#") {
			continue
		}
		parts := strings.SplitN(raw, "\t", 3)
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" {
			t.Errorf("%s:%d: want situation<TAB>expect<TAB>text, got %q", path, n, raw)
			continue
		}
		l := corpusLine{lineNo: n, situation: strings.TrimSpace(parts[0]), expect: strings.TrimSpace(parts[1]), text: parts[2]}
		known, ok := labels[l.situation]
		switch {
		case !ok:
			t.Errorf("%s:%d: unknown situation %q", path, n, l.situation)
			continue
		case !known[l.expect]:
			t.Errorf("%s:%d: situation %s has no label %q (it has %v)", path, n, l.situation, l.expect, keysOf(known))
			continue
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func keysOf(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// brief is what the bot answered, on one line, for the list of misses.
func brief(rs []flows.Reply) string {
	var parts []string
	for _, r := range rs {
		to := alias(r.ToUser)
		txt := strings.ReplaceAll(r.Text, "\n", " ⏎ ")
		if rs := []rune(txt); len(rs) > 90 {
			txt = string(rs[:90]) + "…"
		}
		if len(r.Buttons) > 0 {
			txt += " [" + strings.Join(titles(r), " | ") + "]"
		}
		parts = append(parts, "<"+to+": "+txt)
	}
	return strings.Join(parts, "  ")
}

// alias names the people of the situations in logs.
func alias(id string) string {
	switch id {
	case hung:
		return "hung"
	case chutich:
		return "chutich"
	case lan:
		return "lan"
	case hoa:
		return "hoa"
	case "1100000000000000004":
		return "binh"
	}
	return id
}

// situation is where a corpus line's person stands when they type it.
type situation struct {
	name   string
	labels []string // what a line may expect; the first is what the bot does when nothing is done
	actor  string   // who types the line
	script string   // transcript lines that bring them there (testdata/transcripts' language)
	// classify reads what the bot did, in the transaction that handled the line.
	classify func(tx *store.Tx, sc *scene) (string, error)
}

// scene is a situation built: a world at the moment the line is typed.
type scene struct {
	sit     situation
	w       *engineWorld
	choices []flows.Button // the actor's last buttons: what a typed title or number picks
	request uint64         // lan's join request
	session *store.Session // the actor's conversation as built (nil: none)
	file    [32]byte       // the database file as built
	team    string         // the report's team and period
	period  string
}

// joinByChat: Lê Thị Lan asks to join Tổ CNSCĐ thôn 1 by chat (as decisions.txt); request 1 waits
// for its leader Hùng, who got it with its buttons.
const joinByChat = `
@directory transcripts/tung-anh.json
@who hung = 1100000000000000001
@who chutich = 1100000000000000009
@who lan = 2200000000000000001
@who hoa = 1100000000000000005
lan> tham gia
<lan: xã/phường nào
lan> tung anh
<lan: Các tổ ở Xã Tùng Ảnh
lan> thôn 1
<lan: (chia sẻ thông tin)
<lan: Mời bạn nhập họ và tên
lan> Lê Thị Lan 0983 111 222
<lan: Luật Bảo vệ dữ liệu cá nhân
lan> đồng ý
<lan: Họ tên: Lê Thị Lan
lan> gửi
<lan: Đã gửi yêu cầu số 1
<hung: Yêu cầu số 1: Lê Thị Lan [Giới thiệu | Từ chối]
`

// reportStart: Hùng starts November's report (as report.txt) and answers two questions.
const reportStart = `
@directory transcripts/tung-anh.json
@who hung = 1100000000000000001
hung> báo cáo
<hung: Bạn báo cáo tháng nào? [Tháng 10/2026 (quá hạn) | Tháng 11/2026]
hung> [Tháng 11/2026]
<hung: Câu 1/12: Số hộ gia đình được hướng dẫn?
hung> 12
<hung: Câu 2/12
hung> 5
<hung: Câu 3/12
`

var situations = []situation{
	{
		name: "recommend", labels: []string{"none", "rec", "dec"}, actor: hung, script: joinByChat,
		classify: func(tx *store.Tx, sc *scene) (string, error) {
			r, err := sc.req(tx)
			switch {
			case err != nil:
				return "", err
			case r.State == store.StateAwaitApprover:
				return "rec", nil
			case r.State == store.StateDeclined:
				return "dec", nil
			case r.State != store.StateAwaitLeader:
				return "state " + r.State, nil
			}
			if refusing, err := decideOpen(tx, hung, sc.request); err != nil || refusing {
				return "dec", err // "lý do từ chối?": a refusal started
			}
			return "none", nil
		},
	},
	{
		name: "approve", labels: []string{"none", "ok", "dec"}, actor: chutich,
		script: joinByChat + `
hung> [Giới thiệu]
<hung: Đã chuyển yêu cầu số 1
<lan: đã được tổ trưởng đồng ý
<chutich: Yêu cầu số 1: Lê Thị Lan [Phê duyệt | Từ chối]
`,
		classify: func(tx *store.Tx, sc *scene) (string, error) {
			r, err := sc.req(tx)
			switch {
			case err != nil:
				return "", err
			case r.State == store.StateApproved:
				return "ok", nil
			case r.State == store.StateRejected:
				return "dec", nil
			case r.State != store.StateAwaitApprover:
				return "state " + r.State, nil
			}
			if refusing, err := decideOpen(tx, chutich, sc.request); err != nil || refusing {
				return "dec", err
			}
			return "none", nil
		},
	},
	{
		name: "reason", labels: []string{"ask", "refuse", "back"}, actor: hung,
		script: joinByChat + `
hung> [Từ chối]
<hung: Vui lòng nhập lý do từ chối yêu cầu số 1
`,
		classify: func(tx *store.Tx, sc *scene) (string, error) {
			r, err := sc.req(tx)
			switch {
			case err != nil:
				return "", err
			case r.State == store.StateDeclined:
				return "refuse", nil
			case r.State == store.StateAwaitApprover:
				return "rec", nil // recommended instead
			case r.State != store.StateAwaitLeader:
				return "state " + r.State, nil
			}
			if asking, err := decideOpen(tx, hung, sc.request); err != nil || asking {
				return "ask", err
			}
			return "back", nil
		},
	},
	{
		name: "erase", labels: []string{"keep", "erase"}, actor: hoa,
		script: `
@directory transcripts/tung-anh.json
@who hoa = 1100000000000000005
@who binh = 1100000000000000004
hoa> xóa dữ liệu của tôi
<hoa: Bạn chắc chắn muốn xóa dữ liệu của mình? [Xóa | Không]
`,
		classify: func(tx *store.Tx, sc *scene) (string, error) {
			return erasedOr(tx, hoa, "keep")
		},
	},
	{
		name: "withdraw", labels: []string{"none", "withdraw"}, actor: lan, script: joinByChat,
		classify: func(tx *store.Tx, sc *scene) (string, error) {
			if got, err := erasedOr(tx, lan, ""); got != "" || err != nil {
				return got, err
			}
			r, err := sc.req(tx)
			switch {
			case err != nil:
				return "", err
			case r.State == store.StateCancelled:
				return "withdraw", nil
			case r.State != store.StateAwaitLeader:
				return "state " + r.State, nil
			}
			return "none", nil
		},
	},
	{
		name: "drop", labels: []string{"keep", "drop"}, actor: hung,
		script: reportStart + `
hung> hủy
<hung: Bạn có chắc muốn bỏ bản nháp báo cáo tháng 11/2026 không? [Tiếp tục báo cáo | Bỏ bản nháp]
`,
		classify: func(tx *store.Tx, sc *scene) (string, error) { return sc.reportDeed(tx, "keep") },
	},
	{
		name: "send", labels: []string{"none", "send"}, actor: hung,
		script: reportStart + `
hung> 6
<hung: Câu 4/12
hung> 3
<hung: Câu 5/12
hung> 2
<hung: Câu 6/12
hung> 0
<hung: Câu 7/12
hung> 2
<hung: Câu 8/12
hung> Hướng dẫn 12 hộ cài VNeID và nộp hồ sơ trực tuyến.
<hung: Câu 9/12
hung> Hỗ trợ 3 hộ mở tài khoản thanh toán.
<hung: Câu 10/12
hung> Tuyên truyền trên loa phát thanh thôn.
<hung: Câu 11/12
hung> bỏ qua
<hung: Câu 12/12
hung> Đề nghị cấp thêm tài liệu hướng dẫn.
<hung: Báo cáo tháng 11/2026 của Tổ CNSCĐ thôn 1:
<hung: Gửi báo cáo, sửa một mục, hay hủy? [Gửi | Sửa | Hủy]
`,
		classify: func(tx *store.Tx, sc *scene) (string, error) { return sc.reportDeed(tx, "none") },
	},
}

// build replays the situation's script in a new world and reads what the line will need.
func (sit situation) build(t *testing.T) *scene {
	t.Helper()
	w := &engineWorld{world: newWorld(t, transcriptStart(t)), choices: map[string][]flows.Button{}}
	r := transcript.New(w)
	for i, line := range strings.Split(sit.script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := r.Step(line); err != nil {
			t.Fatalf("%s: script line %d %q: %v", sit.name, i, line, err)
		}
	}
	if err := r.Flush(); err != nil {
		t.Fatalf("%s: script: %v", sit.name, err)
	}
	w.clock.Add(time.Minute) // the line comes a minute later
	sc := &scene{sit: sit, w: w, choices: w.choices[sit.actor]}
	if s, ok := w.session(sit.actor); ok {
		sc.session = &s
	}
	w.view(func(tx *store.Tx) error {
		if req, ok, err := tx.OpenRequestOf(lan, store.RequestJoin); err != nil {
			return err
		} else if ok {
			sc.request = req.ID
		}
		if s, ok, err := tx.Session(hung); err != nil {
			return err
		} else if ok && s.Flow == "report" {
			sc.team, sc.period = s.Data["team"], s.Data["period"]
		}
		return nil
	})
	sc.file = fileSum(t, w.path)
	var at []string
	for _, b := range sc.choices {
		at = append(at, b.Title)
	}
	t.Logf("%s: %s types, at [%s]", sit.name, alias(sit.actor), strings.Join(at, " | "))
	// The situation is what it was meant to be: nothing done yet.
	if got := sc.current(t); got != sit.labels[0] {
		t.Fatalf("%s: built, before any line, reads %q, want %q", sit.name, got, sit.labels[0])
	}
	return sc
}

// errRolledBack undoes a line's transaction once what it did has been read.
var errRolledBack = errors.New("rolled back")

// try has the actor type text, reads what the bot did, and undoes it all.
func (sc *scene) try(t *testing.T, text string) (got string, replies []flows.Reply) {
	t.Helper()
	engine := newEngine(sc.w.loc, fakeLinks{}) // nothing of another line's in memory either
	in := flows.Input{Kind: flows.KindText, UserID: sc.sit.actor, Text: ""}
	err := sc.w.db.Update(func(tx *store.Tx) error {
		var err error
		in.Text = flows.TypedChoiceIn(tx, sc.choices, text) // as bot/router.go does
		if replies, err = engine.Handle(tx, in); err != nil {
			return err
		}
		if got, err = sc.sit.classify(tx, sc); err != nil {
			return err
		}
		return errRolledBack
	})
	if !errors.Is(err, errRolledBack) {
		t.Fatalf("%s: %q: %v", sc.sit.name, text, err)
	}
	return got, replies
}

// current reads the situation as it stands.
func (sc *scene) current(t *testing.T) string {
	t.Helper()
	var got string
	sc.w.view(func(tx *store.Tx) error {
		var err error
		got, err = sc.sit.classify(tx, sc)
		return err
	})
	return got
}

// checkUntouched fails when the lines left anything behind (they are rolled back).
func (sc *scene) checkUntouched(t *testing.T) {
	t.Helper()
	if fileSum(t, sc.w.path) != sc.file {
		t.Errorf("%s: the database file changed while the lines ran", sc.sit.name)
	}
	if got := sc.current(t); got != sc.sit.labels[0] {
		t.Errorf("%s: after the lines, reads %q, want %q: a line's change was kept", sc.sit.name, got, sc.sit.labels[0])
	}
	var now *store.Session
	if s, ok := sc.w.session(sc.sit.actor); ok {
		now = &s
	}
	if !reflect.DeepEqual(now, sc.session) {
		t.Errorf("%s: after the lines, the actor's conversation is %+v, was built as %+v", sc.sit.name, now, sc.session)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// req is lan's join request.
func (sc *scene) req(tx *store.Tx) (store.Request, error) {
	r, ok, err := tx.Request(sc.request)
	if err == nil && !ok {
		err = fmt.Errorf("no request %d", sc.request)
	}
	return r, err
}

// reportDeed reads the report situations: filed, draft gone, or neither (rest).
func (sc *scene) reportDeed(tx *store.Tx, rest string) (string, error) {
	if _, filed, err := tx.LatestReport(sc.team, sc.period); err != nil || filed {
		return "send", err
	}
	found := false
	err := sessionChain(tx, hung, func(s store.Session) {
		if s.Flow == "report" && s.Data["team"] == sc.team && s.Data["period"] == sc.period {
			found = true
		}
	})
	if err != nil || !found {
		return "drop", err
	}
	return rest, nil
}

// decideOpen tells whether user is being asked the reason of refusing request id (the side
// conversation may have interrupted another).
func decideOpen(tx *store.Tx, user string, id uint64) (bool, error) {
	found := false
	err := sessionChain(tx, user, func(s store.Session) {
		if s.Flow == "decide" && s.Data["id"] == strconv.FormatUint(id, 10) {
			found = true
		}
	})
	return found, err
}

// sessionChain calls fn for user's open conversation and each it interrupted.
func sessionChain(tx *store.Tx, user string, fn func(store.Session)) error {
	s, ok, err := tx.Session(user)
	if err != nil || !ok {
		return err
	}
	for p := &s; p != nil; p = p.Saved {
		fn(*p)
	}
	return nil
}

// erasedOr is "erase" when user's data went (no person record, no roles, no request of theirs), else rest.
func erasedOr(tx *store.Tx, user, rest string) (string, error) {
	_, isPerson, err := tx.Person(user)
	if err != nil {
		return "", err
	}
	roles, err := tx.RolesOf(user)
	if err != nil {
		return "", err
	}
	requests := 0
	if err := tx.RequestsOf(user, func(store.Request) error { requests++; return nil }); err != nil {
		return "", err
	}
	if !isPerson && len(roles) == 0 && requests == 0 {
		return "erase", nil
	}
	return rest, nil
}
