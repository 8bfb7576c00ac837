package vntext

import (
	"strings"
)

// maxMatchInput is the longest raw input (in bytes) Match looks at; anything
// longer is a message, not a command word.
const maxMatchInput = 1024

// fuzzyMinLen is the shortest folded phrase that may be matched with one edit.
const fuzzyMinLen = 4

// ambiguous marks a phrase that two commands share.
const ambiguous = "\x00"

// Matcher recognises command words ("hủy", "báo cáo", "quay lại"…) typed as a
// whole message, however they are spelled. Build it once with NewMatcher; it
// is immutable and safe for concurrent use.
type Matcher struct {
	exact map[string]string // canonical phrase → id (or ambiguous)
	fuzzy []fuzzyPhrase     // phrases of len ≥ 4, for one-edit matching
}

type fuzzyPhrase struct {
	text, nospace, id string
}

// NewMatcher builds a Matcher from command ids and their Vietnamese phrases,
// e.g. {"cancel": {"hủy", "thôi"}, "report": {"báo cáo", "báo cáo tháng"}}.
// Phrases are normalised like the input (FoldTelex, then y → i); empty
// ids and phrases are ignored. A phrase given to two different ids matches neither.
func NewMatcher(commands map[string][]string) *Matcher {
	m := &Matcher{exact: map[string]string{}}
	seen := map[string]bool{}
	for id, phrases := range commands {
		if id == "" {
			continue
		}
		for _, p := range phrases {
			c := canonical(p)
			if c == "" {
				continue
			}
			if old, ok := m.exact[c]; ok && old != id {
				m.exact[c] = ambiguous
			} else {
				m.exact[c] = id
			}
			if len(c) < fuzzyMinLen {
				continue
			}
			ns := strings.ReplaceAll(c, " ", "")
			if key := id + "\x00" + c; !seen[key] {
				seen[key] = true
				m.fuzzy = append(m.fuzzy, fuzzyPhrase{text: c, nospace: ns, id: id})
			}
		}
	}
	return m
}

// canonical is the form both phrases and input are compared in: FoldTelex,
// then every y written as i (so "hủy"/"huỷ"/"hủi", "tỷ"/"tỉ" compare equal).
func canonical(s string) string {
	f := FoldTelex(s)
	if strings.IndexByte(f, 'y') < 0 {
		return f
	}
	return strings.ReplaceAll(f, "y", "i")
}

// politeTail are the particles dropped from the end of an input: ạ/a, nhé/nhe,
// với/voi (already in canonical form).
func politeTail(w string) bool {
	return w == "a" || w == "nhe" || w == "voi"
}

// Match returns the id of the command the whole input stands for.
//
// The input is normalised (FoldTelex, y → i) and compared with every phrase:
//   - an exact match wins (the input as typed first, then with polite particles
//     "ạ", "a", "nhé", "nhe", "với", "voi" dropped from its end: "báo cáo ạ");
//   - otherwise the input (or its particle-free form) may be within one edit
//     (Damerau-Levenshtein distance 1: one insertion, deletion, substitution or
//     adjacent transposition) of a phrase, or within one edit of it once all
//     spaces are removed from both ("thamgia", "baocao"), provided both the
//     phrase and the input have a normalised length of at least 4. So "huy"
//     must be exact, "bao coa", "tham gai" and "tro giu" match, and the
//     3-letter words "tôi" and "hỏi" are not taken for "thôi".
//
// If the fuzzy step finds phrases of two different commands, nothing matches.
// Other words around a command ("tôi muốn báo cáo") are not skipped: the
// whole message has to be the command; an input over 1 KiB never matches.
// Returns "", false when nothing matches.
func (m *Matcher) Match(input string) (string, bool) {
	if m == nil || len(input) > maxMatchInput {
		return "", false
	}
	c := canonical(input)
	if c == "" {
		return "", false
	}
	// variants: the input, then with polite particles dropped one by one.
	var buf [4]string
	variants := append(buf[:0], c)
	for v := c; ; {
		i := strings.LastIndexByte(v, ' ')
		if i < 0 || !politeTail(v[i+1:]) {
			break
		}
		v = v[:i]
		variants = append(variants, v)
	}
	for _, v := range variants {
		if id, ok := m.exact[v]; ok {
			if id == ambiguous {
				return "", false
			}
			return id, true
		}
	}
	found := ""
	for _, v := range variants {
		if len(v) < fuzzyMinLen {
			continue // "toi", "hoi" are words, not typos of "thoi"
		}
		ns := v
		if strings.IndexByte(v, ' ') >= 0 {
			ns = strings.ReplaceAll(v, " ", "")
		}
		for i := range m.fuzzy {
			p := &m.fuzzy[i]
			if p.id == found {
				continue
			}
			if withinOneEdit(v, p.text) || (len(p.nospace) >= fuzzyMinLen && withinOneEdit(ns, p.nospace)) {
				if found != "" {
					return "", false
				}
				found = p.id
			}
		}
	}
	return found, found != ""
}

// WithinOneEdit reports whether a and b are at most one edit apart (see withinOneEdit).
func WithinOneEdit(a, b string) bool { return withinOneEdit(a, b) }

// withinOneEdit reports whether the optimal-string-alignment
// (Damerau-Levenshtein) distance between a and b is at most 1. It compares
// bytes, which for the ASCII text Fold produces is the same as comparing
// letters, and for other text is only stricter.
func withinOneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	la, lb := len(a), len(b)
	if lb-la > 1 {
		return false
	}
	i := 0
	for i < la && a[i] == b[i] {
		i++
	}
	if i == la {
		return true // equal, or b is a plus one trailing byte
	}
	if la == lb {
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:] // insertion into a
}
