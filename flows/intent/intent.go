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
	"sort"
	"strings"

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
}

func set(ids ...string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Classifier scores inputs. Build it once with New; it is immutable and safe for concurrent use.
type Classifier struct {
	phrases map[string][]phrase // first syllable → phrases starting with it
}

type phrase struct {
	intent string
	words  []string
	text   string
}

// New builds the classifier from the built-in lexicon.
func New() *Classifier {
	c := &Classifier{phrases: map[string][]phrase{}}
	for id, list := range lexicon {
		for _, p := range list {
			words := tokens(p)
			if len(words) == 0 {
				continue
			}
			c.phrases[words[0]] = append(c.phrases[words[0]], phrase{intent: id, words: words, text: strings.Join(words, " ")})
		}
	}
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
	covered int // content syllables the phrases cover
	words   int // syllables the phrases cover, fillers included
	text    string
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
	if sit == Group {
		raw = stripMentions(raw)
	}
	if isQuestionMarks(raw) {
		if sit == Group {
			return Result{Intent: None, Why: "question marks in a group"}
		}
		return Result{Intent: Help, Score: 1, Why: `"?" asks for help`}
	}
	if sit == Group && vntext.Fold(raw) == "baocao" {
		return Result{Intent: Status, Score: 1, Why: "#baocao"}
	}
	if sit == Count && looksLikeCount(raw) {
		return Result{Intent: Answer, Why: "a number"}
	}
	if sit == Confirm {
		switch {
		case vntext.IsYes(raw):
			return Result{Intent: Yes, Score: 1, Why: "yes word"}
		case vntext.IsNo(raw):
			return Result{Intent: No, Score: 1, Why: "no word"}
		}
	}
	words := tokens(raw)
	if len(words) == 0 {
		if emojiOnly(raw) && sit == Confirm {
			return Result{Intent: fallback(sit), Why: "emoji"}
		}
		return Result{Intent: fallback(sit), Why: "no words"}
	}
	content := 0
	for _, w := range words {
		if !isFiller(w) {
			content++
		}
	}
	ms := c.matches(words, sit)
	if len(ms) == 0 {
		return Result{Intent: fallback(sit), Why: "no known phrase"}
	}
	best := ms[0]
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
	case Group:
		if score >= 0.5 {
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
		if controls[best.intent] {
			switch {
			case score >= 0.75 && len(words) <= 8:
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

// isFiller: a syllable that carries no intent (a pronoun, a particle, a domain word, a number).
func isFiller(w string) bool { return filler[w] || isDigits(w) }

// coverage is the share of the content syllables a match covers (a message of fillers only counts whole).
func coverage(m match, content int) float64 {
	if content == 0 {
		if m.words > 0 {
			return 1
		}
		return 0
	}
	return float64(m.covered) / float64(content)
}

// fallback is what an input without a command is in a situation.
func fallback(sit Situation) string {
	switch sit {
	case Idle, Group:
		return None
	}
	return Answer
}

// matches finds, for each intent valid in sit, the set of its phrases in words
// (not overlapping) that covers the most content syllables, best intent first.
func (c *Classifier) matches(words []string, sit Situation) []match {
	// found: per intent, the phrases occurring at each position.
	found := map[string][][]phrase{}
	for i := range words {
		for _, p := range c.phrases[words[i]] {
			if !valid[sit][p.intent] || !hasAt(words, i, p.words) {
				continue
			}
			at := found[p.intent]
			if at == nil {
				at = make([][]phrase, len(words))
				found[p.intent] = at
			}
			at[i] = append(at[i], p)
		}
	}
	out := make([]match, 0, len(found))
	for id, at := range found {
		out = append(out, bestCover(id, words, at))
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.covered != b.covered {
			return a.covered > b.covered
		}
		if a.words != b.words {
			return a.words > b.words
		}
		return rank[a.intent] < rank[b.intent]
	})
	return out
}

// bestCover picks the non-overlapping phrases of one intent that cover the most
// content syllables (then the most syllables), by dynamic programming from the end.
func bestCover(id string, words []string, at [][]phrase) match {
	type cell struct {
		covered, words int
		take           *phrase
	}
	best := make([]cell, len(words)+1)
	for i := len(words) - 1; i >= 0; i-- {
		best[i] = best[i+1] // skip word i
		best[i].take = nil
		for k := range at[i] {
			p := &at[i][k]
			n := len(p.words)
			cov := 0
			for _, w := range p.words {
				if !isFiller(w) {
					cov++
				}
			}
			cand := cell{covered: cov + best[i+n].covered, words: n + best[i+n].words, take: p}
			if cand.covered > best[i].covered || (cand.covered == best[i].covered && cand.words > best[i].words) {
				best[i] = cand
			}
		}
	}
	m := match{intent: id, covered: best[0].covered, words: best[0].words}
	var texts []string
	for i := 0; i < len(words); {
		if p := best[i].take; p != nil {
			texts = append(texts, p.text)
			i += len(p.words)
			continue
		}
		i++
	}
	m.text = strings.Join(texts, " + ")
	return m
}

// rank breaks ties: the more specific intent first.
var rank = map[string]int{Withdraw: 0, Erase: 1, MyData: 2, Status: 3, Page: 4, Leave: 5, Join: 6, Report: 7,
	Cancel: 8, Pause: 9, Back: 10, Skip: 11, Resume: 12, No: 13, Yes: 14, Help: 15}

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
