package vntext

import (
	"strings"
)

// yesWords and noWords are whole answers in reply form (see replyForm).
var yesWords = map[string]bool{
	"co": true, "dong y": true, "ok": true, "oke": true, "okay": true, "okie": true,
	"u": true, "uh": true, "um": true, "uhm": true, "vang": true, "da": true,
	"yes": true, "dung": true, "dung roi": true, "gui": true, "gui di": true,
	"chinh xac": true, "xac nhan": true, "duoc": true, "dc": true, "co gui": true,
	"dong y gui": true, "phai": true, "chac chan": true, "vang dung": true,
	"oki": true, "okela": true, "chuan": true, "co chu": true,
	"c": true, // chat shorthand for "có", as "k" is for "không"
}

var noWords = map[string]bool{
	"khong": true, "ko": true, "k": true, "kh": true, "khg": true, "hong": true,
	"hok": true, "khum": true, "no": true, "sai": true, "sai roi": true, "chua": true,
	"khong dong y": true, "khong co": true, "khong gui": true, "chua gui": true,
	"khong phai": true, "khong dung": true, "ko dong y": true, "ko co": true,
	"ko gui": true, "ko phai": true, "ko dung": true, "tu choi": true,
}

// Emoji and Zalo text emoticons that answer on their own.
var yesMarks = map[string]bool{"👍": true, "👌": true, "🆗": true, "✅": true, "✔": true, "✔️": true, "/-strong": true, "/-ok": true}
var noMarks = map[string]bool{"👎": true, "❌": true, "✖": true, "✖️": true, "/-weak": true}

// IsYes reports whether s is a confirmation: "có", "co", "c", "đồng ý", "ok",
// "oke", "ừ", "vâng", "dạ", "yes", "đúng", "đúng rồi", "gửi", "được", 👍 …
// Case, diacritics, punctuation, repeated letters ("okkk", "cóo"), Telex
// leftovers ("cos"), a leading "dạ" and trailing "ạ", "nhé", "với" are
// ignored ("Dạ vâng ạ!"). The whole message must be the answer: "có lẽ"
// (maybe) or "có không?" are not yes. "thôi" is neither yes nor no (it is the
// cancel command elsewhere).
func IsYes(s string) bool {
	return answerIs(s, yesWords, yesMarks)
}

// IsNo reports whether s is a refusal: "không", "khong", "ko", "k", "no",
// "sai", "chưa", "không đồng ý", "không gửi", 👎 … with the same tolerance as
// IsYes. "thôi" and "hủy" are not IsNo: they are the cancel command. IsYes
// and IsNo are never both true.
func IsNo(s string) bool {
	return answerIs(s, noWords, noMarks)
}

func answerIs(s string, words, marks map[string]bool) bool {
	if len(s) > 64 {
		return false
	}
	if marks[strings.TrimSpace(s)] {
		return true
	}
	f := Fold(s)
	if words[replyForm(f)] {
		return true
	}
	if t := FoldTelex(s); t != f {
		return words[replyForm(t)]
	}
	return false
}

// replyForm squeezes repeated letters (except k: "kkk" is laughter, and c: "cc" is a curse, not "c") and
// repeated words, turns "ok…k" into "ok", and drops a leading "da" and
// trailing polite particles, so "Dạ vââng ạ" and "okkk" compare as "vang"
// and "ok".
func replyForm(f string) string {
	words := strings.Fields(f)
	out := words[:0]
	for _, w := range words {
		w = squeeze(w)
		if len(out) > 0 && out[len(out)-1] == w {
			continue
		}
		out = append(out, w)
	}
	for len(out) > 1 && politeTail(out[len(out)-1]) {
		out = out[:len(out)-1]
	}
	if len(out) > 1 && out[0] == "da" {
		out = out[1:]
	}
	return strings.Join(out, " ")
}

func squeeze(w string) string {
	if len(w) > 2 && strings.HasPrefix(w, "ok") && strings.Trim(w[2:], "k") == "" {
		return "ok"
	}
	var b []byte
	for i := 1; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] != 'k' && w[i] != 'c' {
			if b == nil {
				b = append(make([]byte, 0, len(w)), w[:i]...)
			}
			continue
		}
		if b != nil {
			b = append(b, w[i])
		}
	}
	if b == nil {
		return w
	}
	return string(b)
}

// courtesy are the words of a nod or a thanks (folded, after replyForm): what people send between
// answers, never an answer themselves.
var courtesy = map[string]bool{"cam on": true, "cam on nhieu": true, "thanks": true, "thank you": true, "tks": true, "ok": true,
	"oke": true, "okie": true, "okay": true, "vang": true, "u": true, "uh": true, "um": true, "dung roi": true, "duoc": true,
	"dc": true, "roi": true, "xong": true, "gui": true, "xong roi": true, "hi": true, "alo": true, "chao": true, "xin chao": true,
	"chia se": true, "dong y": true, "yes": true}

// IsCourtesy tells a message that is only a nod, a thanks, a greeting, an emoji or punctuation:
// "cảm ơn", "ok ạ", "👍", ".", "xong rồi".
func IsCourtesy(s string) bool {
	f := Fold(s)
	if f == "" {
		return strings.TrimSpace(s) != "" // emoji, punctuation
	}
	return courtesy[replyForm(f)]
}
