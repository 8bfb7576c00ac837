package flows

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/vntext"
)

// A message read for a decision or a request is split where its reason starts, by the word as typed:
// "vì", "do", "bởi", "lý do" ("đó", "độ", "Đỗ" fold to "do" and are not one).
type reasoned struct {
	head   []string // the folded words before the reason (all of them when there is none)
	words  []string // every folded word
	reason string   // the reason as typed, "" when none
	before string   // the text before the reason, as typed (all of it when there is none)
	found  bool
}

func splitReason(text string) reasoned {
	r := reasoned{before: text}
	orig := strings.Fields(strings.ToLower(norm.NFC.String(text)))
	var kept []string // the words as typed, beside their folded forms
	for _, w := range orig {
		if f := vntext.Fold(w); f != "" {
			r.words = append(r.words, f)
			kept = append(kept, w)
		}
	}
	r.head = r.words
	for i, w := range kept {
		w = strings.Trim(w, ":,.")
		skip := 0
		switch {
		case w == "vì" || w == "vi" || w == "do" || w == "bởi" || w == "boi":
			skip = 1
		case (w == "lý" || w == "ly") && i+1 < len(kept) && strings.Trim(kept[i+1], ":,.") == "do":
			skip = 2
		}
		if skip == 0 || i+skip >= len(kept) {
			continue
		}
		r.head, r.found = r.words[:i], true
		// The reason as typed: from the word after the marker in the original text.
		fields := strings.Fields(text)
		if len(fields) == len(orig) {
			r.reason = strings.TrimLeft(strings.Join(fields[i+skip:], " "), ":, ")
			r.before = strings.Join(fields[:i], " ")
		} else {
			r.reason = strings.Join(kept[i+skip:], " ")
			r.before = strings.Join(kept[:i], " ")
		}
		break
	}
	return r
}

// asks tells a question: "?" anywhere, or a question word at its end as typed ("… được không",
// "… à", "… hả"; a polite "ạ" is not one).
func asks(text string) bool {
	if strings.Contains(text, "?") {
		return true
	}
	words := strings.Fields(strings.ToLower(norm.NFC.String(strings.TrimRightFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) // "… hả 😅"
	}))))
	if len(words) < 2 {
		return false
	}
	for len(words) > 2 && vocatives[strings.Trim(words[len(words)-1], ".,!")] {
		words = words[:len(words)-1] // "… không em", "… chưa anh ơi"
	}
	switch strings.Trim(words[len(words)-1], ".,!") {
	case "à", "hả", "ha", "nhỉ", "nhi", "không", "khong", "ko", "k", "chưa", "chua", "ak", "hử", "hông", "hong", "hem", "hok", "hăm":
		return true
	}
	return false
}

// vocatives end a message by calling whom it is for: "em", "anh ơi", "bot".
var vocatives = map[string]bool{"em": true, "anh": true, "chị": true, "ơi": true, "bot": true, "ad": true, "admin": true, "bác": true,
	"e": true, "a": true, "c": true}

// questionWords in a reason make it a question, not a reason ("từ chối vì sao vậy", "vì lý do gì").
func reasonAsks(reason string) bool {
	f := " " + vntext.Fold(reason) + " "
	for _, w := range []string{" gi ", " sao ", " ai ", " nao ", " dau ", " vay ", " duoc khong ", " phai khong ", " rang ", " bat buoc "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return asks(reason)
}

// leadWords may open a decision without changing it (folded): "dạ", "vâng", "ok", "em".
var leadWords = map[string]bool{"da": true, "vang": true, "ok": true, "oke": true, "okay": true, "okie": true, "oki": true,
	"u": true, "uh": true, "em": true, "toi": true, "minh": true}

// decisionVerbs accept ("đồng ý", "giới thiệu", "duyệt", "phê duyệt", "chấp thuận", "nhất trí") or
// decline ("từ chối", "không đồng ý", "không duyệt", "không giới thiệu", "không chấp thuận").
var (
	acceptPhrases  = [][]string{{"dong", "y"}, {"gioi", "thieu"}, {"phe", "duyet"}, {"duyet"}, {"chap", "thuan"}, {"nhat", "tri"}}
	declinePhrases = [][]string{{"tu", "choi"}, {"khong", "dong", "y"}, {"ko", "dong", "y"}, {"k", "dong", "y"}, {"khong", "duyet"},
		{"ko", "duyet"}, {"khong", "gioi", "thieu"}, {"ko", "gioi", "thieu"}, {"khong", "chap", "thuan"}}
)

// hasPrefixWords tells whether words start with p, and what follows.
func hasPrefixWords(words, p []string) ([]string, bool) {
	if len(words) < len(p) {
		return nil, false
	}
	for i := range p {
		if words[i] != p[i] {
			return nil, false
		}
	}
	return words[len(p):], true
}

// putOff tells words that put a decision off or hedge it, as typed ("đã" is "xem đã"; "dạ" is not).
func putOff(text string, words []string) bool {
	lower := strings.ToLower(norm.NFC.String(text))
	return hedged(words) || strings.Contains(lower, "đã") || strings.HasSuffix(strings.TrimRight(lower, " .!"), " da")
}

// plainDecision reads a message that is only a decision: optional lead words ("dạ", "ok", "em"), then
// an accepting phrase ("đồng ý", "đồng ý giới thiệu", "duyệt", "ok") or a declining one ("từ chối",
// "không đồng ý", "không") followed by nothing but particles — or, for a refusal that names its verb,
// "vì …" and a reason that neither asks nor puts off. Everything else is not a decision: "giới thiệu
// về tổ …", "đồng ý với chị Lan", "không, vì em chưa xem kỹ", "để anh xem đã", "ok cảm ơn".
func plainDecision(text string) (yes, ok bool) {
	m := splitReason(text)
	if asks(text) || putOff(m.before, m.head) || len(m.head) == 0 || len(m.head) > 8 {
		return false, false
	}
	head := m.head
	for len(head) > 0 && leadWords[head[0]] {
		head = head[1:]
	}
	if onlyParticles(head) {
		return head0IsOK(m.head), head0IsOK(m.head) && !m.found // "ok", "dạ ok", "ok nhé"
	}
	for _, p := range declinePhrases {
		if rest, ok := hasPrefixWords(head, p); ok && onlyParticles(rest) {
			if m.found && (reasonAsks(m.reason) || reasonPutOff(m.reason)) {
				return false, false // "từ chối vì sao vậy", "không đồng ý vì để anh hỏi lại"
			}
			return false, true
		}
	}
	if vntext.IsNo(strings.Join(head, " ")) {
		// "không", "ko": a refusal, whose reason is asked next; "không vì chưa đủ tuổi" refuses with it,
		// "không, vì em chưa xem kỹ" puts it off.
		return false, !m.found || !reasonAsks(m.reason) && !reasonPutOff(m.reason)
	}
	if m.found {
		return false, false // "đồng ý vì …": not a plain acceptance
	}
	for _, p := range acceptPhrases {
		rest, ok := hasPrefixWords(head, p)
		if !ok {
			continue
		}
		for _, q := range acceptPhrases { // "đồng ý giới thiệu (lên xã)"
			if r2, ok := hasPrefixWords(rest, q); ok {
				rest = r2
				break
			}
		}
		if onlyParticles(rest) {
			return true, true
		}
	}
	return false, false
}

// reasonPutOff: a refusal's "reason" that puts it off ("để anh hỏi lại", "tối anh xem", "mai").
func reasonPutOff(reason string) bool {
	lower := strings.ToLower(norm.NFC.String(reason))
	for _, w := range []string{"đang bận", "tối nay", "lát nữa", "chút nữa", "đang họp"} {
		if strings.Contains(lower, w) {
			return true // "không vì anh đang bận", "tối nay anh xem"
		}
	}
	f := " " + vntext.Fold(reason) + " "
	if strings.Contains(f, " de ") && (!hasMarks(reason) || strings.Contains(" "+lower+" ", " để ")) {
		return true // "để anh hỏi lại"; with marks "đề nghị …" is no put-off
	}
	for _, w := range []string{" xem ", " hoi lai ", " mai ", " sau ", " khoan ", " doi ", " dang di ", " dang ban ", " toi nay ",
		" lat nua ", " chut nua ", " dang hop "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

func head0IsOK(head []string) bool {
	for _, w := range head {
		switch w {
		case "ok", "oke", "okay", "okie", "oki":
			return true
		}
	}
	return false
}

// foldOf and wordsOf: a message folded, whole and as words.
func foldOf(s string) string { return strings.Join(wordsOf(s), " ") }

// saysAny tells whether text, folded, holds one of phrases, each folded words with a space either side
// (" bo sung "): how the readers look for a few words anywhere in a message.
func saysAny(text string, phrases ...string) bool {
	f := " " + foldOf(text) + " "
	for _, p := range phrases {
		if strings.Contains(f, p) {
			return true
		}
	}
	return false
}
func wordsOf(s string) []string { return strings.Fields(vntext.Fold(s)) }
