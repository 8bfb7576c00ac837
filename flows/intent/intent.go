// Package intent reads what a person means from what they type: every input is
// scored against the intents that make sense where they are (no conversation
// open, a free-text answer, a count, a yes/no question, a commune search, an
// officers' group), over Vietnamese syllables folded as flows/vntext does, with a
// lexicon of synonyms, abbreviations and teencode, tolerant of extra words.
//
// It is deterministic, needs no network and explains itself: Result.Why says
// which phrase won and how much of the message it covers.
package intent

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/vntext"
)

// Intents.
const (
	Join     = "join"
	Leave    = "leave"
	Report   = "report"
	Status   = "status"
	Page     = "page"
	Help     = "help"
	MyData   = "mydata"
	Erase    = "erase"
	Withdraw = "withdraw"
	Cancel   = "cancel"
	Pause    = "pause"
	Resume   = "resume"
	Back     = "back"
	Skip     = "skip"
	Yes      = "yes"
	No       = "no"
	// Answer: the input is the person's answer to the open question, not a command.
	Answer = "answer"
	// None: no intent (chatter, or something the bot cannot place).
	None = "none"
	// Ask: it may be a command or an answer; the bot should ask which.
	Ask = "ask"
)

// Situation is where the person is when they write.
type Situation string

// Situations.
const (
	Idle    Situation = "idle"    // no conversation open
	Text    Situation = "text"    // a question that takes free text (a narrative, a name, a reason)
	Count   Situation = "count"   // a question that takes a number
	Confirm Situation = "confirm" // a yes/no question (or a choice among buttons)
	Search  Situation = "search"  // the join flow asks for a commune or village name
	Group   Situation = "group"   // an officers' group chat
)

// Result is the reading of one input.
type Result struct {
	Intent string
	// Alt is the command an Ask is about.
	Alt string
	// Score is how much of the message the winning phrase covers (0–1).
	Score float64
	// Why explains the decision, for a debug log line.
	Why string
}

// askable are the commands worth a question when words might mean them or be an answer.
var askable = map[string]bool{Cancel: true, Pause: true, Back: true, Skip: true}

func hasDigits(words []string) bool {
	for _, w := range words {
		if isDigits(w) {
			return true
		}
	}
	return false
}

// controls are the intents that steer a conversation.
var controls = map[string]bool{Cancel: true, Pause: true, Resume: true, Back: true, Skip: true, Help: true}

// globals start or answer something anywhere: in a conversation they must be the whole message.
var globals = map[string]bool{Join: true, Leave: true, Report: true, Status: true, Page: true, MyData: true, Erase: true, Withdraw: true}

// valid lists the intents each situation can produce (besides Answer/None/Ask).
var valid = map[Situation]map[string]bool{
	Idle:    set(Join, Leave, Report, Status, Page, Help, MyData, Erase, Withdraw, Cancel, Resume, Back, Skip, Pause),
	Text:    set(Cancel, Pause, Resume, Back, Skip, Help, Join, Leave, Report, Status, Page, MyData, Erase, Withdraw),
	Count:   set(Cancel, Pause, Resume, Back, Skip, Help, Join, Leave, Report, Status, Page, MyData, Erase, Withdraw),
	Confirm: set(Yes, No, Cancel, Pause, Resume, Back, Skip, Help, Join, Leave, Report, Status, Page, MyData, Erase, Withdraw),
	Search:  set(Cancel, Pause, Resume, Back, Help, Join, Leave, Report, Status, Page, MyData, Erase, Withdraw),
	Group:   set(Status, Page),
	// groupMentioned: a group message that mentions the account.
	groupMentioned: set(Status, Page, Help),
}

// groupMentioned is the group situation when the message mentions the account.
const groupMentioned Situation = "group+mention"

func set(ids ...string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Classifier scores inputs. Build it once with New; it is immutable and safe for concurrent use.
type Classifier struct {
	back    *backstop           // the n-gram backstop for what the lexicon misses when no conversation is open
	phrases map[string][]phrase // first syllable → phrases starting with it
	whole   *vntext.Matcher     // the whole message within one typo of a phrase ("tham gai", "bao coa")
}

type phrase struct {
	intent string
	words  []string
	text   string
	weight int      // content syllables it covers; a phrase of fillers only ("rời tổ") counts one
	weak   bool     // a question marker ("làm sao"): help on its own, nothing next to another intent
	inFlow bool     // only inside a conversation ("nhầm", "qua"): elsewhere they are chatter
	noConf bool     // not at a yes/no question ("sửa" is the summary's own choice there)
	noText bool     // not in a free-text answer ("cần hỗ trợ" is a proposal there, not a call for help)
	core   []string // its words without fillers, looked for in the message without fillers
	// stripped: this is the fillers-free form of a phrase, matched only against the message without fillers.
	stripped bool
}

// New builds the classifier from the built-in lexicon.
func New() *Classifier {
	c := &Classifier{phrases: map[string][]phrase{}}
	for id, list := range lexicon {
		for _, p := range list {
			weak := strings.HasPrefix(p, "~")
			inFlow := strings.HasPrefix(p, "%")
			noConf := strings.HasPrefix(p, "^")
			noText := strings.HasPrefix(p, "!")
			words := tokens(strings.TrimLeft(p, "~%^!"))
			if len(words) == 0 {
				continue
			}
			var core []string
			for _, x := range words {
				if !isFiller(x) {
					core = append(core, x)
				}
			}
			w := 0
			for _, x := range words {
				if !isFiller(x) {
					w++
				}
			}
			if w == 0 && len(words) >= 2 {
				w = 1
			}
			ph := phrase{intent: id, words: words, text: strings.Join(words, " "), weight: w, weak: weak, inFlow: inFlow, noConf: noConf, noText: noText, core: core}
			c.phrases[words[0]] = append(c.phrases[words[0]], ph)
			if len(core) >= 2 && len(core) < len(words) && !isFiller(words[0]) && !isFiller(words[len(words)-1]) {
				// The same phrase without its fillers, for the message without its fillers.
				cp := ph
				cp.words, cp.text, cp.stripped = core, strings.Join(core, " "), true
				c.phrases[core[0]] = append(c.phrases[core[0]], cp)
			}
		}
	}
	c.whole = vntext.NewMatcher(wholeLexicon())
	c.back = newBackstop()
	for k := range c.phrases {
		ps := c.phrases[k]
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].words) > len(ps[j].words) })
	}
	return c
}

// maxInput is the longest input read; a longer one is an answer or chatter, never a command.
const maxInput = 600

// match is the best phrase of one intent found in an input.
type match struct {
	intent  string
	covered int // content syllables covered, its own phrases and those it absorbs
	own     int // content syllables its own phrases cover
	weak    int // syllables of question markers it matched
	words   int // syllables the phrases cover, fillers included
	text    string
	at      []bool // the syllables its own phrases cover
}

// absorbs lets an intent claim the words of others it modifies: "thống kê" + "báo cáo"
// is the status of reports, "hủy" + "báo cáo" cancels one, "nghỉ" + "tổ viên" leaves.
var absorbs = map[string][]string{
	Status:   {Report},
	Page:     {Status, Report},
	Cancel:   {Report, Join, Erase},
	Erase:    {MyData, Cancel},
	Withdraw: {MyData, Cancel, Yes, Join},
	Leave:    {Join},
	Resume:   {Report, Join},
	Pause:    {Resume, Report, Skip},
	Back:     {Resume, No},
	Skip:     {Cancel},
	MyData:   {Join},
}

// Classify reads text as typed in situation sit.
func (c *Classifier) Classify(text string, sit Situation) Result {
	raw := strings.TrimSpace(text)
	if raw == "" {
		return Result{Intent: fallback(sit), Why: "empty"}
	}
	if len(raw) > maxInput {
		return Result{Intent: fallback(sit), Why: "too long for a command"}
	}
	mentioned := false
	if sit == Group {
		raw, mentioned = stripMentions(raw)
		if mentioned && (strings.TrimSpace(raw) == "" || isQuestionMarks(raw) || onlyFillers(raw) || loneLetter(raw)) {
			return Result{Intent: Help, Score: 1, Why: "the account mentioned with nothing else"}
		}
		if f := vntext.Fold(raw); (strings.HasPrefix(raw, "#") || strings.HasPrefix(raw, "/")) && (f == "trogiup" || f == "help") {
			return Result{Intent: Help, Score: 1, Why: "a help command"}
		}
	}
	if isQuestionMarks(raw) {
		if sit == Group {
			return Result{Intent: None, Why: "question marks in a group"}
		}
		return Result{Intent: Help, Score: 1, Why: `"?" asks for help`}
	}
	if (sit == Group || sit == Idle) && hasHashBaocao(raw) {
		return Result{Intent: Status, Score: 1, Why: "#baocao"}
	}
	if sit == Count && looksLikeCount(raw) {
		return Result{Intent: Answer, Why: "a number"}
	}
	if id, ok := accented[accentKey(raw)]; ok && valid[sit][id] {
		return Result{Intent: id, Score: 1, Why: "an accented word that folding would confuse"}
	}
	if sit == Confirm {
		switch {
		case vntext.IsYes(raw):
			return Result{Intent: Yes, Score: 1, Why: "yes word"}
		case vntext.IsNo(raw):
			return Result{Intent: No, Score: 1, Why: "no word"}
		}
	}
	if id, ok := accented[accentKey(raw)]; ok && valid[sit][id] {
		return Result{Intent: id, Score: 1, Why: "an accented word that folding would confuse"}
	}
	if loneLetter(raw) {
		// Too little to be a command: teencode would make "c" "chị" and "j" "gì" (help), the backstop
		// "y" a withdrawal. The yes/no shorthand ("c", "k", "u", "y") was read just above.
		return Result{Intent: fallback(sit), Why: "a lone letter"}
	}
	words := tokens(raw)
	if len(words) == 0 {
		if emojiOnly(raw) && sit == Confirm {
			return Result{Intent: fallback(sit), Why: "emoji"}
		}
		return Result{Intent: fallback(sit), Why: "no words"}
	}
	vsit := sit
	if sit == Group && mentioned {
		vsit = groupMentioned // spoken to, the account answers help too
	}
	ms, content := c.matches(words, vsit)
	if len(ms) == 0 && sit != Group {
		if q := c.question(raw, words, sit, match{}, len(words)); q != nil {
			return *q
		}
	}
	if len(ms) == 0 && sit == Idle {
		if id, ok := c.whole.Match(raw); ok && valid[vsit][id] {
			return Result{Intent: id, Score: 1, Why: "the whole message is one typo from a " + id + " phrase"}
		}
		if r, ok := c.backstopGuess(raw); ok {
			return r
		}
	}
	if len(ms) == 0 {
		if id, ok := c.whole.Match(raw); ok && valid[vsit][id] && (sit == Idle || sit == Group || controls[id] || id == Yes || id == No) {
			if sit == Text && askable[id] {
				// A free-text answer one letter from a command ("nhiều lắm" / "chiều làm") is as likely an answer: ask.
				return Result{Intent: Ask, Alt: id, Score: 1, Why: "the whole message is one typo from a " + id + " phrase (ask)"}
			}
			return Result{Intent: id, Score: 1, Why: "the whole message is one typo from a " + id + " phrase"}
		}
		return Result{Intent: fallback(sit), Why: "no known phrase"}
	}
	best := ms[0]
	if sit == Count && hasDigits(words) && best.intent != Back {
		return Result{Intent: Answer, Why: "a count with words around it"}
	}
	if q := c.question(raw, words, sit, best, content); q != nil {
		return *q
	}
	score := coverage(best, content)
	why := fmt.Sprintf("%s: %q covers %d of %d content syllables", best.intent, best.text, best.covered, content)
	if len(ms) > 1 {
		why += fmt.Sprintf("; next %s %q", ms[1].intent, ms[1].text)
	}
	res := Result{Intent: best.intent, Score: score, Why: why}
	switch sit {
	case Idle:
		if score >= 0.5 {
			return res
		}
		if r, ok := c.backstopGuess(raw); ok {
			return r
		}
	case Group:
		if (mentioned || asksTheAccount(raw, words)) && score >= 0.5 {
			return res // spoken to, or asked: "cho em xin tình hình báo cáo tháng này với ạ", "gửi lại link giúp em"
		}
		// Not spoken to: only a short request or a question is for the account ("tình hình báo cáo",
		// "ai còn thiếu?"); "em đã nộp báo cáo rồi ạ" is the officers' own talk.
		// An order that starts with the request ("tổng hợp báo cáo tháng 10") is one too.
		startsWith := len(best.at) > 0 && best.at[0] && len(words) <= 8
		if !mentioned && score >= 0.75 && (isQuestion(raw, words) || len(words) <= 5 && !pronoun[words[0]] || startsWith && (best.intent == Status || best.intent == Page)) {
			return res
		}
		return Result{Intent: None, Score: score, Why: why + " (chatter)"}
	case Confirm:
		if best.intent == Yes || best.intent == No {
			if score >= 0.6 {
				return res
			}
			break
		}
		fallthrough
	default: // in a conversation: a command must be (almost) the whole message
		if globals[best.intent] {
			if score >= 1 && len(words) <= 6 {
				return res
			}
			break
		}
		if best.intent == Help && sit == Text && (content > 4 || score < 0.9 || hasDigits(words) || particlesBeyond(words, best.at) > 0) {
			// "Hướng dẫn dân", "Cần hỗ trợ", "Hướng dẫn 12 hộ cài VNeID" are a report's answers: asking
			// for help in a free-text question is the help words alone (with particles) or a question.
			break
		}
		if controls[best.intent] {
			// In a free-text answer, words beyond the command and mere particles make it a sentence:
			// "Nhiều hộ muốn dừng lại" is an answer that may be a command, so it is asked about.
			sentence := sit == Text && extraWords(words, best.at) > 1
			switch {
			case !sentence && (score >= 0.75 && len(words) <= 8 || score >= 0.9 && len(words) <= 11):
				return res
			case sit == Count && score >= 0.5:
				return res // not a number anyway: the command is the likelier reading
			case score >= 0.4 && len(words) <= 8 && (sit == Text || sit == Confirm) && askable[best.intent] && !hasDigits(words):
				return Result{Intent: Ask, Alt: best.intent, Score: score, Why: why + " (ask)"}
			}
		}
	}
	res.Intent, res.Why = fallback(sit), why+" (too little of the message)"
	return res
}

// question reads a message asking something as a request for help, where the
// person is in a conversation (what to type?) or not chatting about anything else;
// nil when it is not a question or a clear command wins.
func (c *Classifier) question(raw string, words []string, sit Situation, best match, content int) *Result {
	choice := sit != Text && len(words) <= 8 && hasWord(raw, "hay") // "xã hay phường?"
	endsNo := sit != Text && len(words) >= 3 && words[len(words)-1] == "khong"
	if sit == Group || sit == Idle || len(words) > 10 || !(isQuestion(raw, words) || choice || endsNo) {
		return nil // idle, a question gets the menu anyway; in a group it is the officers' talk
	}
	if isDefinition(raw) || startsQuestion(words) {
		return &Result{Intent: Help, Score: 1, Why: "asks what something means, or who, or why"}
	}
	score := coverage(best, content)
	if best.intent != "" && best.intent != Help && (controls[best.intent] || globals[best.intent]) && score >= 0.75 {
		return nil // "tiếp tục không?" is still resume; "xem ai chưa nộp?" still status
	}
	if sit == Text && len(words) > 7 {
		return nil // a long free-text answer may well end in a question word
	}
	return &Result{Intent: Help, Score: 1, Why: "a question about what to do"}
}

// loneLetter: the message is one letter, with or without punctuation other than "?" ("c", "C.", "j!");
// "c?" still asks something.
func loneLetter(raw string) bool {
	s := []rune(norm.NFC.String(strings.TrimFunc(raw, func(r rune) bool {
		return r != '?' && (unicode.IsPunct(r) || unicode.IsSpace(r))
	})))
	return len(s) == 1 && unicode.IsLetter(s[0])
}

// hasHashBaocao: the officers' "#baocao" anywhere in the message.
func hasHashBaocao(raw string) bool {
	for _, w := range strings.Fields(raw) {
		if strings.HasPrefix(w, "#") && vntext.Fold(w) == "baocao" {
			return true
		}
	}
	return false
}

// extraWords counts the words a match leaves uncovered, particles and pronouns aside.
func extraWords(words []string, covered []bool) int {
	n := 0
	for k, w := range words {
		if (covered == nil || !covered[k]) && !particle[w] && !light[w] && !isDigits(w) {
			n++
		}
	}
	return n
}

// particlesBeyond counts the words a match leaves uncovered that are not mere particles.
func particlesBeyond(words []string, covered []bool) int {
	n := 0
	for k, w := range words {
		if (covered == nil || !covered[k]) && !particle[w] {
			n++
		}
	}
	return n
}

// onlyFillers: nothing but particles and the like ("ơi", "ạ").
func onlyFillers(raw string) bool {
	for _, w := range tokens(raw) {
		if !isFiller(w) {
			return false
		}
	}
	return true
}

// startsQuestion: "ai …", "sao …", "tại sao …" ask.
func startsQuestion(words []string) bool {
	return len(words) > 1 && (words[0] == "ai" || words[0] == "sao" || words[0] == "tai" && words[1] == "sao")
}

// hasWord: the word, as typed (any case), is in the message.
func hasWord(raw, w string) bool {
	for _, x := range strings.Fields(strings.ToLower(raw)) {
		if strings.TrimFunc(x, unicode.IsPunct) == w {
			return true
		}
	}
	return false
}

// backstopCues are the syllables (folded) one of which a backstop guess of an intent must contain:
// what leads to erasing data above all, and what starts a conversation or shows personal data.
var backstopCues = map[string]map[string]bool{
	Join:     {"tham": true, "gia": true, "vao": true, "vo": true, "xin": true, "vien": true, "dang": true, "ky": true, "ki": true, "gianhap": true, "nhap": true, "join": true},
	Leave:    {"roi": true, "roj": true, "roy": true, "ra": true, "nghi": true, "thoi": true, "bo": true, "leave": true, "rut": true},
	MyData:   {"du": true, "lieu": true, "thong": true, "tin": true, "luu": true, "data": true, "ca": true, "nhan": true, "ky": true, "ki": true, "giu": true, "biet": true},
	Report:   {"bao": true, "cao": true, "bc": true, "nop": true, "so": true, "lieu": true, "report": true},
	Erase:    {"xoa": true, "go": true, "huy": true, "bo": true, "quen": true, "del": true, "delete": true, "xoas": true},
	Withdraw: {"rut": true, "hoi": true, "huy": true, "khong": true, "ko": true, "k": true, "kh": true, "doi": true, "thoi": true, "ngung": true, "dung": true, "bo": true},
}

// backstopGuess asks the n-gram backstop about an idle message the lexicon could not place.
func (c *Classifier) backstopGuess(raw string) (Result, bool) {
	if onlyFillers(raw) {
		return Result{}, false // "tổ CNSCĐ", "em ơi": no word that asks for anything
	}
	id, p := c.back.guess(raw, valid[Idle])
	if id == None || p < backstopMin {
		return Result{}, false
	}
	words := strings.Fields(vntext.Fold(raw))
	if cues := backstopCues[id]; cues != nil && !slices.ContainsFunc(words, func(w string) bool { return cues[w] }) {
		// A guess needs a word that asks for what it starts: "em đồng ý" shares its words with "rút lại
		// đồng ý" and is consent, not its withdrawal; "như cũ" is not "dữ liệu của tôi".
		return Result{}, false
	}
	if id == Join || id == Leave {
		for i, w := range words {
			if (w == "khong" || w == "ko" || w == "k" || w == "chua") && i+1 < len(words) && backstopCues[id][words[i+1]] {
				return Result{}, false // "không tham gia được": not a request to join
			}
		}
	}
	return Result{Intent: id, Score: p, Why: fmt.Sprintf("n-gram backstop: %s at %.2f", id, p)}, true
}

// isFiller: a syllable that carries no intent (a pronoun, a particle, a domain word, a number).
func isFiller(w string) bool { return filler[w] || isDigits(w) }

// coverage is the share of the content syllables a match covers (a message of fillers only counts whole).
func coverage(m match, content int) float64 {
	switch {
	case m.covered == 0 && m.weak == 0:
		return 0
	case m.covered == 0:
		return float64(m.weak) / float64(m.weak+content) // a question marker alone is help; with more, less so
	case content == 0:
		return 1
	}
	return min(1, float64(m.covered)/float64(content))
}

// fallback is what an input without a command is in a situation.
func fallback(sit Situation) string {
	switch sit {
	case Idle, Group:
		return None
	}
	return Answer
}

// matches finds, for each intent valid in sit, the set of its phrases (not
// overlapping) that covers the most content syllables, best intent first, and
// how many content syllables the message has (question markers left out).
// Phrases are looked for in the message as typed and with its fillers left
// out ("không tham gia tổ nữa" holds "không tham gia nữa").
func (c *Classifier) matches(words []string, sit Situation) ([]match, int) {
	var keep []int // positions of the non-filler syllables
	for k, w := range words {
		if !isFiller(w) {
			keep = append(keep, k)
		}
	}
	stripped := make([]string, len(keep))
	for k, at := range keep {
		stripped[k] = words[at]
	}
	own := map[string]match{}
	weakAt := make([]bool, len(words))
	for id, at := range c.found(words, sit, false) {
		own[id] = bestCover(id, words, at, nil, weakAt)
	}
	if len(keep) < len(words) {
		for id, at := range c.found(stripped, sit, true) {
			m := bestCover(id, stripped, at, keep, nil)
			if o, ok := own[id]; !ok || m.covered > o.covered {
				m.at = remap(m.at, keep, len(words))
				own[id] = m
			}
		}
	}
	content := 0
	for k, w := range words {
		if !isFiller(w) && !weakAt[k] {
			content++
		}
	}
	out := make([]match, 0, len(own))
	for id, m := range own {
		if !valid[sit][id] {
			continue // looked for only so that a valid intent can absorb its words
		}
		for _, other := range absorbs[id] {
			o, ok := own[other]
			if !ok || m.covered == 0 {
				continue
			}
			for k, taken := range o.at {
				if taken && !m.at[k] {
					m.at = append([]bool(nil), m.at...)
					m.at[k] = true
					m.words++
					if !isFiller(words[k]) && !weakAt[k] {
						m.covered++
					}
				}
			}
		}
		out = append(out, m)
	}
	inFlow := sit != Idle && sit != Group && sit != groupMentioned
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.covered != b.covered {
			return a.covered > b.covered
		}
		if a.own != b.own {
			return a.own > b.own
		}
		if a.weak != b.weak {
			return a.weak > b.weak
		}
		if sit == Confirm && (a.intent == No) != (b.intent == No) {
			return a.intent == No // at a yes/no question, "thôi" declines rather than cancels
		}
		if inFlow && controls[a.intent] != controls[b.intent] {
			return controls[a.intent] // in a conversation the control reading wins a tie
		}
		if a.words != b.words {
			return a.words > b.words
		}
		if sit == Confirm {
			return confirmRank(a.intent) < confirmRank(b.intent)
		}
		return rank[a.intent] < rank[b.intent]
	})
	return out, content
}

// absorbable lists, per situation, the intents looked for only to be absorbed by valid ones.
var absorbable = func() map[Situation]map[string]bool {
	out := map[Situation]map[string]bool{}
	for sit, ids := range valid {
		out[sit] = map[string]bool{}
		for id := range ids {
			for _, other := range absorbs[id] {
				out[sit][other] = true
			}
		}
	}
	return out
}()

// confirmRank: at a yes/no question, "thôi" declines rather than cancels.
func confirmRank(id string) int {
	if id == No {
		return -1
	}
	return rank[id]
}

// found lists, per intent valid in sit, the phrases occurring at each position of words.
func (c *Classifier) found(words []string, sit Situation, stripped bool) map[string][][]phrase {
	out := map[string][][]phrase{}
	inFlow := sit != Idle && sit != Group && sit != groupMentioned
	for i := range words {
		for _, p := range c.phrases[words[i]] {
			if p.stripped && !stripped || !(valid[sit][p.intent] || absorbable[sit][p.intent]) || !hasAt(words, i, p.words) {
				continue
			}
			if p.inFlow && !inFlow || p.noConf && sit == Confirm || p.noText && sit == Text {
				continue
			}
			at := out[p.intent]
			if at == nil {
				at = make([][]phrase, len(words))
				out[p.intent] = at
			}
			at[i] = append(at[i], p)
		}
	}
	return out
}

// remap turns positions in the filler-free sequence back into positions of the message.
func remap(at []bool, keep []int, n int) []bool {
	out := make([]bool, n)
	for k, v := range at {
		if v {
			out[keep[k]] = true
		}
	}
	return out
}

// bestCover picks the non-overlapping phrases of one intent that cover the most
// content syllables (then the most syllables), by dynamic programming from the end.
// Weak phrases (question markers) count in weak, not covered; their syllables are
// marked in weakAt when given.
func bestCover(id string, words []string, at [][]phrase, _ []int, weakAt []bool) match {
	type cell struct {
		covered, weak, words int
		take                 *phrase
	}
	best := make([]cell, len(words)+1)
	for i := len(words) - 1; i >= 0; i-- {
		best[i] = best[i+1]
		best[i].take = nil
		for k := range at[i] {
			p := &at[i][k]
			n := len(p.words)
			next := best[i+n]
			cand := cell{covered: next.covered, weak: next.weak, words: n + next.words, take: p}
			if p.weak {
				cand.weak += n
			} else {
				cand.covered += p.weight
			}
			if cand.covered > best[i].covered || (cand.covered == best[i].covered && cand.weak > best[i].weak) ||
				(cand.covered == best[i].covered && cand.weak == best[i].weak && cand.words > best[i].words) {
				best[i] = cand
			}
		}
	}
	m := match{intent: id, covered: best[0].covered, own: best[0].covered, weak: best[0].weak, words: best[0].words, at: make([]bool, len(words))}
	var texts []string
	for i := 0; i < len(words); {
		if p := best[i].take; p != nil {
			texts = append(texts, p.text)
			for k := i; k < i+len(p.words); k++ {
				m.at[k] = true
				if p.weak && weakAt != nil {
					weakAt[k] = true
				}
			}
			i += len(p.words)
			continue
		}
		i++
	}
	m.text = strings.Join(texts, " + ")
	return m
}

// rank breaks ties: the more specific intent first.
var rank = map[string]int{Withdraw: 0, Erase: 1, MyData: 2, Status: 3, Cancel: 4, Page: 5, Leave: 6, Join: 7, Report: 8,
	Pause: 9, Back: 10, Skip: 11, Resume: 12, No: 13, Yes: 14, Help: 15}

func hasAt(words []string, i int, p []string) bool {
	if i+len(p) > len(words) {
		return false
	}
	for k, w := range p {
		if words[i+k] != w {
			return false
		}
	}
	return true
}
