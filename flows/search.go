package flows

import (
	"slices"
	"strconv"
	"strings"
)

// placeQueries are the ways to read a place typed by a person, most faithful first: as typed; without
// what is said around a name ("em ở …", "… ạ", "… nhé"); numbers as digits ("thôn một", "thôn 01" are
// "thôn 1"); the part before a comma or a dash ("Tùng Ảnh, Hà Tĩnh"); then fewer words from the end
// ("tung anh duc tho": a district after the commune). A search takes the first that finds something.
func placeQueries(text string) []string {
	var out []string
	add := func(q string) {
		q = strings.TrimSpace(q)
		if q != "" && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	add(text)
	words := wordsOf(text)
	for len(words) > 0 && placeLead[words[0]] {
		words = words[1:]
	}
	for len(words) > 0 && placeTail[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	for i, w := range words {
		if n, ok := numberWords[w]; ok && i > 0 {
			words[i] = strconv.Itoa(n)
		} else if n, err := strconv.Atoi(w); err == nil && strings.HasPrefix(w, "0") && len(w) > 1 {
			words[i] = strconv.Itoa(n) // "01"
		}
	}
	add(strings.Join(words, " "))
	if cut := strings.IndexAny(text, ",-–;("); cut > 0 {
		for _, q := range placeQueries(text[:cut]) {
			add(q)
		}
	}
	for n := len(words) - 1; n >= 1; n-- {
		if n == 1 && (len(words[0]) < 3 || placeLevel[words[0]]) {
			break // "thôn", "xã", "tổ" alone name nothing
		}
		add(strings.Join(words[:n], " "))
	}
	return out
}

// placeLead are words said before a place (folded): "em ở", "nhà em ở", "cho em vào", "đăng ký".
var placeLead = map[string]bool{"em": true, "toi": true, "minh": true, "chau": true, "nha": true, "o": true, "tai": true,
	"cho": true, "vao": true, "dang": true, "ky": true, "ki": true, "que": true, "thuoc": true, "la": true, "de": true,
	"xin": true, "tham": true, "gia": true, "muon": true}

// placeTail are words said after a place (folded): particles.
var placeTail = map[string]bool{"a": true, "nhe": true, "nha": true, "nhé": true, "ah": true, "oi": true, "voi": true,
	"do": true, "ay": true, "luon": true, "ak": true, "day": true, "ne": true, "thoi": true}

// placeLevel are the words for a kind of place, which alone name none.
var placeLevel = map[string]bool{"thon": true, "xa": true, "to": true, "phuong": true, "ap": true, "ban": true, "xom": true,
	"khu": true, "pho": true, "tinh": true, "huyen": true, "tt": true, "tran": true, "lang": true}

// numberWords are the numbers of villages said in words (folded).
var numberWords = map[string]int{"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
	"chin": 9, "muoi": 10}
