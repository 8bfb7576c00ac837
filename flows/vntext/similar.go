package vntext

import (
	"strings"
)

// Scores returned by Similar, highest first.
const (
	scoreExact    = 1.0  // equal after Fold (and y → i)
	scoreLevel    = 0.95 // equal once a leading level word ("xã", "thôn"…) is dropped
	scoreEdit     = 0.85 // one edit away, same numbers, name of ≥ 5 letters
	scoreInitials = 0.6  // "hcm" for "Hồ Chí Minh"
	// a run of the name's words: scoreWords + scoreCover·coverage (+ scoreStart)
	scoreWords = 0.4
	scoreCover = 0.35
	scoreStart = 0.05
	// telexPenalty scales a score reached only after Telex/VNI cleaning.
	telexPenalty = 0.98
)

// levelWords are the administrative level words Similar ignores at the start
// of a name or query, in canonical form (folded, y → i), longest first.
var levelWords = []string{
	"to dan pho", "thanh pho", "thi tran", "dac khu", "khu pho", "phuong",
	"thi xa", "huien", "quan", "tinh", "thon", "buon", "xom", "khu", "ban",
	"xa", "ap", "to", "tp",
}

// Similar tells whether a typed name matches a known name, as a score from 0
// (no match) to 1 (equal after Fold), so callers can rank candidates. Both
// sides are folded and i/y are treated alike ("Mỹ" = "Mĩ"); a leading level
// word (xã, phường, thị trấn, thôn, ấp, bản, khu phố, tổ dân phố, tổ, đặc
// khu, huyện, quận, thị xã, thành phố, tỉnh, tp; also xóm, khu, buôn) is
// ignored on either side. Scores:
//
//	1.00  equal after folding: "xa tung anh" ~ "Xã Tùng Ảnh"
//	0.95  equal without the level word: "tung anh" ~ "Xã Tùng Ảnh", "phuong ben nghe" ~ "Bến Nghé"
//	0.85  one edit (Damerau-Levenshtein) from a name of at least 5 letters,
//	      with the same numbers: "tung anhh", "tunganh"
//	0.40-0.80  the query's words match a run of consecutive name words, each
//	      query word a prefix of its name word: "tung" ~ "Tùng Ảnh"; more of
//	      the name covered and starting at its first word rank higher
//	0.60  the query is the initials of a name of 2+ words: "hcm" ~ "Hồ Chí Minh"
//
// A query that is only a level word ("xã") matches nothing. Numbers are
// whole words: "thon 1" matches "Thôn 1" but not "Thôn 10", and a
// one-edit match never changes a digit ("thon 2" is not "Thôn 1"). If the
// query only matches after removing Telex/VNI leftovers ("tungf anhr") the
// score is multiplied by 0.98.
func Similar(query, name string) float64 {
	n := simForms(canonFold(name))
	q := canonFold(query)
	s := similar(simForms(q), n)
	if t := canonical(query); t != q {
		if st := similar(simForms(t), n) * telexPenalty; st > s {
			s = st
		}
	}
	return s
}

// canonFold is Fold with y written as i.
func canonFold(s string) string {
	f := Fold(s)
	if strings.IndexByte(f, 'y') < 0 {
		return f
	}
	return strings.ReplaceAll(f, "y", "i")
}

// simForms is a canonical name and, when it starts with a level word, the
// name without it.
type simPair struct{ full, bare string }

func simForms(f string) simPair {
	p := simPair{full: f, bare: f}
	for _, lw := range levelWords {
		if len(f) > len(lw)+1 && f[len(lw)] == ' ' && f[:len(lw)] == lw {
			p.bare = f[len(lw)+1:]
			break
		}
	}
	return p
}

func similar(q, n simPair) float64 {
	if q.full == "" || n.full == "" || isLevelWord(q.full) {
		return 0
	}
	if q.full == n.full {
		return scoreExact
	}
	qs := [2]string{q.full, q.bare}
	ns := [2]string{n.full, n.bare}
	for _, a := range qs {
		for _, b := range ns {
			if a == b {
				return scoreLevel
			}
		}
	}
	for _, a := range qs {
		for _, b := range ns {
			if len(b) >= 5 && withinOneEdit(a, b) && sameNumbers(a, b) {
				return scoreEdit
			}
		}
	}
	best := 0.0
	for _, a := range qs {
		for _, b := range ns {
			if s := wordRun(a, b); s > best {
				best = s
			}
		}
	}
	if best < scoreInitials && isInitials(q.full, n.bare) {
		best = scoreInitials
	}
	return best
}

// isLevelWord reports whether s is nothing but a level word ("xa", "thon").
func isLevelWord(s string) bool {
	for _, lw := range levelWords {
		if s == lw {
			return true
		}
	}
	return false
}

// sameNumbers reports whether a and b contain the same digit runs in order.
func sameNumbers(a, b string) bool {
	for {
		x, ra := nextNumber(a)
		y, rb := nextNumber(b)
		if x != y {
			return false
		}
		if x == "" {
			return true
		}
		a, b = ra, rb
	}
}

func nextNumber(s string) (num, rest string) {
	i := 0
	for i < len(s) && !isDigit(s[i]) {
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// wordRun scores the query's words against a run of consecutive name words:
// each query word must be a prefix of its name word, or equal to it when it
// holds a digit. 0 when there is no such run.
func wordRun(q, n string) float64 {
	qw := strings.Fields(q)
	nw := strings.Fields(n)
	if len(qw) == 0 || len(qw) > len(nw) {
		return 0
	}
	total := 0
	for _, w := range nw {
		total += len(w)
	}
	best := 0.0
	for start := 0; start+len(qw) <= len(nw); start++ {
		covered := 0
		ok := true
		for i, w := range qw {
			nwd := nw[start+i]
			if hasDigit(w) || hasDigit(nwd) {
				ok = w == nwd
			} else {
				ok = strings.HasPrefix(nwd, w)
			}
			if !ok {
				break
			}
			covered += len(w)
		}
		if !ok {
			continue
		}
		s := scoreWords + scoreCover*float64(covered)/float64(total)
		if start == 0 {
			s += scoreStart
		}
		if s > best {
			best = s
		}
	}
	return best
}

// isInitials reports whether q (one word of 2+ letters) is the initials of the
// words of n (2+ words, no digits).
func isInitials(q, n string) bool {
	if len(q) < 2 || strings.IndexByte(q, ' ') >= 0 || hasDigit(q) || hasDigit(n) {
		return false
	}
	words := strings.Fields(n)
	if len(words) != len(q) {
		return false
	}
	for i, w := range words {
		if w[0] != q[i] {
			return false
		}
	}
	return true
}
