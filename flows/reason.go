package flows

import (
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/vntext"
)

// A message read for a decision or a request is split where its reason starts, by the word as typed:
// "vì", "do", "bởi", "lý do" ("đó", "độ", "Đỗ" fold to "do" and are not one).
type reasoned struct {
	head   []string // the folded words before the reason (all of them when there is none)
	words  []string // every folded word
	reason string   // the reason as typed, "" when none
	found  bool
}

func splitReason(text string) reasoned {
	var r reasoned
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
		} else {
			r.reason = strings.Join(kept[i+skip:], " ")
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
	words := strings.Fields(strings.ToLower(norm.NFC.String(text)))
	if len(words) < 2 {
		return false
	}
	switch strings.Trim(words[len(words)-1], ".,!") {
	case "à", "hả", "ha", "nhỉ", "nhi", "không", "khong", "ko", "k", "chưa", "chua", "ak", "hử":
		return true
	}
	return false
}

// questionWords in a reason make it a question, not a reason ("từ chối vì sao vậy", "vì lý do gì").
func reasonAsks(reason string) bool {
	f := " " + vntext.Fold(reason) + " "
	for _, w := range []string{" gi ", " sao ", " ai ", " nao ", " dau ", " vay ", " duoc khong ", " phai khong "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return asks(reason)
}
