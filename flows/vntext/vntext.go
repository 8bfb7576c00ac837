// Package vntext is how the bot understands Vietnamese typed by villagers in
// Zalo: with or without diacritics, in composed (NFC) or decomposed (NFD)
// Unicode, in any case, with Telex/VNI leftovers from a switched-off input
// method, with typos, polite particles and i/y variants.
//
// Everything here is a pure function (a Matcher is immutable once built), safe
// for concurrent use and cheap enough to call on every incoming message.
package vntext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold normalises text for matching. NFC and NFD input give the same result:
// every rune is decomposed with Unicode canonical decomposition (NFD, via
// golang.org/x/text/unicode/norm) and all combining marks are dropped, so all
// diacritics go. "đ"/"Đ" (which does not decompose) become "d". Letters are
// lower-cased, anything that is not a letter or digit (punctuation, symbols,
// emoji) becomes a space, invisible format characters (zero-width space, soft
// hyphen, BOM) are dropped, runs of spaces collapse to one and the result is
// trimmed.
//
//	Fold("  BÁO   CÁO! ") == "bao cao"
//	Fold("Xã Tùng Ảnh")    == "xa tung anh"
//	Fold("Đức Thọ")        == "duc tho"
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending before the next letter or digit
	put := func(r rune) {
		switch r {
		case foldDrop:
		case ' ':
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if r < utf8.RuneSelf {
				b.WriteByte(byte(r))
			} else {
				b.WriteRune(r)
			}
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				put(rune(c))
			case 'A' <= c && c <= 'Z':
				put(rune(c + 'a' - 'A'))
			default:
				put(' ')
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			i++
			put(' ')
			continue
		}
		if int(r) < len(foldTable) && foldTable[r] != foldSlow {
			i += size
			put(foldTable[r])
			continue
		}
		d := norm.NFD.PropertiesString(s[i : i+size]).Decomposition()
		i += size
		if len(d) == 0 {
			put(foldOne(r))
			continue
		}
		for len(d) > 0 {
			dr, n := utf8.DecodeRune(d)
			d = d[n:]
			put(foldOne(dr))
		}
	}
	return b.String()
}

const (
	foldDrop = -1 // the rune disappears (combining mark, invisible format character)
	foldSlow = -2 // foldTable has no single answer: decompose at run time
)

// foldTable caches what each rune below U+1F00 (Latin, combining marks,
// Greek, Cyrillic…, and all of Latin Extended Additional, where the
// precomposed Vietnamese letters live) folds to. It is derived from
// norm.NFD at start-up, so it is exactly the slow path, only faster.
var foldTable = func() (t [0x1F00]rune) {
	var buf [utf8.UTFMax]byte
	for r := range t {
		n := utf8.EncodeRune(buf[:], rune(r))
		d := norm.NFD.Properties(buf[:n]).Decomposition()
		if len(d) == 0 {
			t[r] = foldOne(rune(r))
			continue
		}
		out := rune(foldDrop)
		for len(d) > 0 {
			dr, k := utf8.DecodeRune(d)
			d = d[k:]
			if f := foldOne(dr); f != foldDrop {
				if out != foldDrop {
					out = foldSlow
					break
				}
				out = f
			}
		}
		t[r] = out
	}
	return t
}()

// foldOne folds one rune that has no canonical decomposition: a lower-case
// letter or digit, ' ' for a word break, or foldDrop.
func foldOne(r rune) rune {
	switch {
	case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
		return 'd'
	case unicode.Is(unicode.M, r) || unicode.Is(unicode.Cf, r):
		return foldDrop
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return unicode.ToLower(r)
	}
	return ' '
}

// isFolded reports whether s is already in Fold's output form: lower-case
// ASCII letters and digits, single spaces between words, none at the ends.
func isFolded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ':
			if s[i-1] == ' ' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// FoldTelex is Fold plus removal of the keystrokes left behind when someone
// types Telex or VNI with the input method switched off:
//
//	"baos caos" → "bao cao"    "rowif toor" → "roi to"   "huyr" → "huy"
//	"quay laij" → "quay lai"   "trowj giups" → "tro giup" "ba1o ca1o" → "bao cao"
//
// It works word by word and is conservative: a word is changed only when it is
// not already a plausible Vietnamese syllable nor a known loanword or
// abbreviation ("ok", "yes", "zalo", "vneid", …) and the cleaned word is a
// plausible syllable. Cleaning a letters-only word collapses the Telex
// doubles "aa", "ee", "oo", "dd" and "aw", "ow", "uw", "w" (→ a, e, o, d, a,
// o, u, u), then drops the tone keys s, f, r, x, j that follow the first vowel
// (where they can never be part of a Vietnamese syllable). A word containing
// digits is changed only when it has the VNI shape letter-digit-letter
// ("ba1o", "d9i"), starts with a letter and has no 0 and no two digits in a
// row; then all its digits 1-9 are dropped. So numbers ("12", "1.200"),
// codes such as "TA01" or "A1B2", and names such as "thon1" or "to1" are kept
// as they are. The result is in Fold's form.
func FoldTelex(s string) string {
	f := Fold(s)
	var b []byte // nil until a word changes
	for pos := 0; pos < len(f); {
		end := strings.IndexByte(f[pos:], ' ')
		if end < 0 {
			end = len(f)
		} else {
			end += pos
		}
		w := f[pos:end]
		c := cleanWord(w) // never empty for a non-empty word
		if b == nil && c != w {
			b = append(make([]byte, 0, len(f)), f[:pos]...)
		}
		if b != nil {
			b = append(b, c...)
			if end < len(f) {
				b = append(b, ' ')
			}
		}
		pos = end + 1
	}
	if b == nil {
		return f
	}
	return string(b)
}

// cleanWord undoes Telex/VNI keystrokes in one folded word, or returns it as is.
func cleanWord(w string) string {
	if w == "" || knownWords[w] {
		return w
	}
	letters, digits := true, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9':
			digits = true
		default:
			letters = false
		}
	}
	if !letters {
		return w // non-ASCII letters: not Vietnamese after folding
	}
	if digits {
		return cleanVNI(w)
	}
	if plausibleSyllable(w) {
		return w
	}
	c := collapseTelex(w)
	if plausibleSyllable(c) {
		return c
	}
	c = dropToneKeys(c)
	if plausibleSyllable(c) {
		return c
	}
	return w
}

// cleanVNI drops VNI digits from a word such as "ba1o" or "d9i".
func cleanVNI(w string) string {
	c0 := w[0]
	if c0 < 'a' || c0 > 'z' {
		return w
	}
	mid := false // some digit is followed by a letter
	for i := 1; i < len(w); i++ {
		c := w[i]
		if c < '0' || c > '9' {
			continue
		}
		if c == '0' || isDigit(w[i-1]) {
			return w
		}
		if i+1 < len(w) && !isDigit(w[i+1]) {
			mid = true
		}
	}
	if !mid {
		return w
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if !isDigit(w[i]) {
			b = append(b, w[i])
		}
	}
	if s := string(b); plausibleSyllable(s) {
		return s
	}
	return w
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// collapseTelex turns the Telex vowel/consonant doubles into plain letters.
func collapseTelex(w string) string {
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		next := byte(0)
		if i+1 < len(w) {
			next = w[i+1]
		}
		switch {
		case (c == 'a' || c == 'e' || c == 'o' || c == 'd') && next == c:
			b = append(b, c)
			i++
		case (c == 'a' || c == 'o' || c == 'u') && next == 'w':
			b = append(b, c)
			i++
		case c == 'w':
			b = append(b, 'u')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// dropToneKeys removes s, f, r, x, j after the first vowel of a word.
func dropToneKeys(w string) string {
	first := strings.IndexAny(w, "aeiouy")
	if first < 0 {
		return w
	}
	b := make([]byte, 0, len(w))
	b = append(b, w[:first+1]...)
	for i := first + 1; i < len(w); i++ {
		switch w[i] {
		case 's', 'f', 'r', 'x', 'j':
		default:
			b = append(b, w[i])
		}
	}
	return string(b)
}

// knownWords are words people type in chat that are not Vietnamese syllables
// and must not be "cleaned" of Telex keys.
var knownWords = map[string]bool{
	"ok": true, "oke": true, "okay": true, "okie": true, "yes": true, "no": true,
	"bus": true, "menu": true, "zalo": true, "vneid": true, "email": true, "gmail": true,
	"facebook": true, "wifi": true, "online": true, "sms": true, "otp": true, "app": true,
	"web": true, "website": true, "link": true, "video": true, "internet": true,
	"ios": true, "android": true, "iphone": true, "smartphone": true, "laptop": true,
	"viettel": true, "vnpt": true, "mobifone": true, "vinaphone": true, "momo": true,
	"shopee": true, "lazada": true, "tiki": true, "tiktok": true, "youtube": true,
	"google": true, "covid": true, "atm": true, "pos": true, "qr": true, "code": true,
	"cccd": true, "cmnd": true, "dvc": true, "dvctt": true, "tmdt": true, "cds": true,
	"cnscd": true, "cdscd": true, "ubnd": true, "hdnd": true, "vh": true, "tt": true,
	"sos": true, "usd": true, "vnd": true, "pc": true, "news": true, "test": true,
	"oki": true, "okela": true, "hello": true, "hi": true, "thanks": true,
}

// initials are the Vietnamese initial consonants (folded: đ is d), longest
// first so that "ngh" is tried before "ng" and "n".
var initials = []string{
	"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
	"b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
}

// openNuclei are the vowel groups that may end a syllable; closedNuclei those
// that may be followed by a final consonant (folded, so ư/ơ/â/ê… are plain).
var openNuclei = map[string]bool{
	"a": true, "e": true, "i": true, "o": true, "u": true, "y": true,
	"ai": true, "ao": true, "au": true, "ay": true, "eo": true, "eu": true,
	"ia": true, "iu": true, "oa": true, "oe": true, "oi": true, "ua": true,
	"ue": true, "ui": true, "uo": true, "uu": true, "uy": true, "ya": true,
	"ieu": true, "yeu": true, "oai": true, "oao": true, "oay": true, "oeo": true,
	"uay": true, "uoi": true, "uou": true, "uya": true, "uyu": true,
}

var closedNuclei = map[string]bool{
	"a": true, "e": true, "i": true, "o": true, "u": true, "y": true,
	"ie": true, "ye": true, "oa": true, "oe": true, "uo": true, "ua": true,
	"ue": true, "uy": true, "uye": true, "oo": true,
}

var finals = map[string]bool{
	"c": true, "ch": true, "m": true, "n": true, "ng": true, "nh": true, "p": true, "t": true,
}

// plausibleSyllable reports whether w (folded, lower-case ASCII) has the
// shape of one Vietnamese syllable: an optional initial consonant, a vowel
// group, an optional final consonant. It is a shape check, not a dictionary.
func plausibleSyllable(w string) bool {
	if w == "" || len(w) > 7 {
		return false
	}
	if rhymeOK(w, "") {
		return true
	}
	for _, in := range initials {
		if len(w) > len(in) && w[:len(in)] == in && rhymeOK(w[len(in):], in) {
			return true
		}
	}
	return false
}

func rhymeOK(r, initial string) bool {
	n := 0
	for n < len(r) && strings.IndexByte("aeiouy", r[n]) >= 0 {
		n++
	}
	if n == 0 {
		return false
	}
	nucleus, final := r[:n], r[n:]
	switch initial {
	case "k":
		if c := nucleus[0]; c != 'e' && c != 'i' && c != 'y' {
			return false
		}
	case "gh", "ngh":
		if c := nucleus[0]; c != 'e' && c != 'i' {
			return false
		}
	case "c":
		if c := nucleus[0]; c == 'e' || c == 'i' || c == 'y' {
			return false
		}
	}
	if final == "" {
		return openNuclei[nucleus]
	}
	if !finals[final] || !closedNuclei[nucleus] {
		return false
	}
	if nucleus == "oo" && final != "ng" && final != "c" {
		return false
	}
	return true
}
