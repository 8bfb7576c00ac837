package flows

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// People put a plain yes in front of what they ask, or a few words of why beside it, in clauses of
// their own: "ok hết rồi, gửi", "uk gửi", "biết rồi, cứ xóa", "e rút, e đi làm xa rồi", "Lan là cháu
// anh, giới thiệu luôn". The readers of consequential words (plainSend, plainDrop, plainErase,
// plainWithdraw, plainDecision) each read one plain clause; actClause finds it among the others.

// assentPhrases open a message without changing what it asks (folded): a yes, "all is in order",
// "I understand".
var assentPhrases = [][]string{
	{"ok", "het", "roi"}, {"ok", "roi"}, {"chuan", "roi"}, {"on", "roi"}, {"dung", "roi"}, {"chac", "chan"}, {"chac", "roi"},
	{"biet", "roi"}, {"hieu", "roi"}, {"xac", "nhan"}, {"dong", "y"}, {"khong", "sua", "gi"}, {"ko", "sua", "gi"},
	{"khong", "can", "sua"}, {"ko", "can", "sua"}, {"da", "kiem", "tra"}, {"thong", "tin", "chinh", "xac"}, {"chinh", "xac"},
	{"duoc", "roi"}, {"dc", "roi"}, {"xong", "roi"}, {"da", "xem", "xet"}, {"da", "xem"}, {"chuan"}, {"ok"}, {"oke"}, {"okay"}, {"oki"}, {"okie"}, {"u"}, {"uh"},
	{"uk"}, {"um"}, {"uhm"}, {"vang"}, {"co"}, {"duoc"}, {"dc"}, {"cu"}, {"roi"},
} // not "da": "đã" folds alike ("đã gửi" says it was sent)

// stripAssent drops the assent phrases a clause of folded words starts with.
func stripAssent(words []string) []string {
	for {
		found := false
		for _, p := range assentPhrases {
			if rest, ok := hasPrefixWords(words, p); ok { // "đúng rồi" only whole: "dung" alone may be "đừng"
				words, found = rest, true
				break
			}
		}
		if !found {
			return words
		}
	}
}

// clause is a part of a message between pauses, as typed and as folded words.
type clause struct {
	typed string
	words []string
}

// clausesOf splits a message where people pause: , . ; ! … and line breaks.
func clausesOf(text string) []clause {
	var out []clause
	for _, part := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == '.' || r == ';' || r == '!' || r == '…' || r == '\n'
	}) {
		if w := wordsOf(part); len(w) > 0 {
			out = append(out, clause{typed: strings.TrimSpace(part), words: w})
		}
	}
	return out
}

// actClause finds the one clause of text that plain reads as the act itself, once the assent it
// opens with is set aside ("uk gửi" reads "gửi"), with at most one other clause beside it that is
// only assent, or says why without asking, putting off or holding back ("Xóa. Tôi không muốn dùng
// nữa."). It returns that clause as typed (minus its assent), or false.
func actClause(text string, plain func(typed string) bool) (string, bool) {
	if asks(text) {
		return "", false
	}
	cls := clausesOf(text)
	if len(cls) == 0 || len(cls) > 4 {
		return "", false
	}
	act, others := -1, 0
	var actTyped string
	for i, c := range cls {
		rest := stripAssent(c.words)
		if len(rest) == 0 {
			continue // "ok", "biết rồi", "chuẩn rồi"
		}
		if typed := typedTail(c.typed, len(rest)); act < 0 && plain(typed) {
			act, actTyped = i, typed
			continue
		}
		others++
		if others > 1 || !besideAct(c) {
			return "", false
		}
	}
	return actTyped, act >= 0
}

// besideAct tells a clause that may stand beside an act: it says why or who, and does not ask, put
// off, hold back or turn it round ("nhưng", "thôi", "khoan", "đừng", "chưa", "để", "sau", "mai").
func besideAct(c clause) bool {
	if putOff(c.typed, c.words) || len(c.words) > 12 {
		return false
	}
	lower := strings.ToLower(c.typed)
	for _, w := range []string{"thôi", "đừng", "khoan", "chưa", "nhưng"} {
		if strings.Contains(lower, w) {
			return false
		}
	}
	return true
}

// typedTail is the fields of a clause as typed that hold its last n folded words.
func typedTail(typed string, n int) string {
	fields := strings.FieldsFunc(typed, unicode.IsSpace)
	for i := len(fields) - 1; i >= 0; i-- {
		n -= len(wordsOf(fields[i]))
		if n <= 0 {
			return strings.Join(fields[i:], " ")
		}
	}
	return typed
}

// At a request's own buttons the request is plain, so a typed decision may say more around its verb
// than plainDecision allows: who it is for ("giới thiệu bạn Lan", "duyệt cho chị Lan"), more verbs
// ("nhận", "cho vào tổ", "thông qua", "bác bỏ", "không nhận"), a yes before it ("ừ nhận đi", "đc, cho
// vô tổ đi em") and a clause of why beside it — for a refusal, its reason ("Không giới thiệu, tổ đủ 3
// người rồi"; "bác này ko biết dùng điện thoại, từ chối giúp anh"). With no buttons these are not
// read (bareDecision): "giới thiệu em" may be about anything.
var (
	buttonAccepts = [][]string{{"dong", "y"}, {"gioi", "thieu"}, {"phe", "duyet"}, {"duyet"}, {"chap", "thuan"}, {"nhat", "tri"},
		{"thong", "qua"}, {"chap", "nhan"}, {"nhan"}}
	buttonDeclines = [][]string{{"tu", "choi"}, {"bac", "bo"}, {"thoi", "khoi"}}
	// noWords open a declining verb ("không nhận", "hông duyệt", "k đc") or decline alone ("không").
	noWordsLead = map[string]bool{"khong": true, "ko": true, "k": true, "kh": true, "hong": true, "hok": true, "khg": true}
	// subjects may open a clause without changing it: "tôi đồng ý", "anh giới thiệu", "rứa thì …".
	subjects = map[string]bool{"toi": true, "tui": true, "em": true, "e": true, "anh": true, "a": true, "chi": true, "c": true,
		"minh": true, "bac": true, "thi": true, "vay": true, "the": true, "rua": true, "da": true, "vang": true, "ok": true}
	// persons name the one a request is about: "bạn Lan", "chị ấy", "em nó", "con bé", "đồng chí Lan".
	persons = map[string]bool{"ban": true, "chi": true, "c": true, "em": true, "e": true, "co": true, "chau": true, "bac": true,
		"anh": true, "ong": true, "ba": true, "no": true, "con": true, "dong": true}
)

// buttonDecision reads a typed decision at a request's buttons: yes or no, the reason given for a
// no ("" when none: it is asked next), and whether the words are a decision at all.
func buttonDecision(text string) (yes bool, reason string, ok bool) {
	if asks(text) || len(text) > 200 {
		return false, "", false
	}
	cls := clausesOf(text)
	if len(cls) == 0 || len(cls) > 4 {
		return false, "", false
	}
	decided := -1
	for i, c := range cls {
		words := stripAssent(c.words)
		y, ok := clauseDecision(words) // "bác bỏ" before "bác" is taken for who speaks
		for !ok && len(words) > 0 && subjects[words[0]] && !saysĐã(typedTail(c.typed, len(words))) {
			words = words[1:] // "rứa thì giới thiệu đi", "tôi đồng ý"
			y, ok = clauseDecision(words)
		}
		if len(words) == 0 {
			continue
		}
		if !ok || hasDigit(c.typed) || putOff(typedTail(c.typed, len(words)), words) {
			continue
		}
		if decided >= 0 && y != yes {
			return false, "", false // "duyệt, à không, từ chối"
		}
		decided, yes = i, y
	}
	if decided < 0 {
		return false, "", false
	}
	var why []string
	for i, c := range cls {
		if i == decided {
			continue
		}
		if len(stripAssent(c.words)) == 0 {
			continue
		}
		if yes && !besideAct(c) || !yes && (reasonAsks(c.typed) || reasonPutOff(c.typed)) {
			return false, "", false
		}
		if y, ok := clauseDecision(stripAssent(c.words)); ok && y == yes {
			continue // said twice: "ok, duyệt"
		}
		why = append(why, c.typed)
	}
	if !yes {
		if r := strings.Join(why, ", "); usableReason(r) {
			reason = r
		}
	}
	return yes, reason, true
}

// saysĐã: a clause opens with "đã", which folds like "dạ" ("Đã nhận" says it was received).
func saysĐã(typed string) bool {
	return strings.HasPrefix(strings.ToLower(norm.NFC.String(typed)), "đã")
}

// clauseDecision reads one clause: a verb that accepts or declines, then only particles or who it is for.
func clauseDecision(words []string) (yes, ok bool) {
	no := false
	if len(words) > 0 && noWordsLead[words[0]] {
		no, words = true, words[1:]
		if len(words) == 0 || decisionTail(words, true) {
			return false, true // "không", "ko đâu"
		}
		if w := words[0]; w == "duoc" || w == "dc" {
			return false, decisionTail(words[1:], true) // "k đc", "không được đâu"
		}
	}
	for _, p := range buttonDeclines {
		if rest, found := hasPrefixWords(words, p); found && !no {
			return false, decisionTail(rest, true)
		}
	}
	for _, p := range buttonAccepts {
		rest, found := hasPrefixWords(words, p)
		if !found {
			continue
		}
		for _, q := range buttonAccepts { // "đồng ý giới thiệu", "nhất trí phê duyệt"
			if r2, again := hasPrefixWords(rest, q); again {
				rest = r2
				break
			}
		}
		if decisionTail(rest, no) {
			return !no, true
		}
		return false, false
	}
	if len(words) > 0 && words[0] == "cho" && letIn(words[1:]) {
		return !no, true // "cho vào", "cho dzô đi", "cho nó vào tổ", "không cho vào"
	}
	return false, false
}

// letIn: what follows "cho" that lets the person in: "(chị Lan) vào (tổ)", "tham gia".
func letIn(words []string) bool {
	i := 0
	if i < len(words) && persons[words[i]] {
		i++
		for n := 0; n < 2 && i < len(words) && !entering(words[i]); n++ {
			i++
		}
	}
	if i >= len(words) || !entering(words[i]) {
		return false
	}
	if words[i] == "tham" {
		if i+1 >= len(words) || words[i+1] != "gia" {
			return false
		}
		i++
	}
	return decisionTail(words[i+1:], false)
}

func entering(w string) bool {
	return w == "vao" || w == "vo" || w == "dzo" || w == "zo" || w == "tham"
}

// decisionTail tells what may follow a decision's verb: particles, who it is for ("bạn Lan", "cho chị
// Lan", "em nó"), where ("vào tổ", "tham gia tổ", "lên xã"), and for a no, "đâu".
func decisionTail(words []string, no bool) bool {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case particles[w], w == "chu", w == "het", w == "nay", w == "ay", w == "em", w == "anh", w == "bot", w == "lam", w == "nhen",
			w == "moi" && i+1 < len(words) && words[i+1] == "dung":
			i += map[bool]int{true: 1}[w == "moi"] // "giới thiệu mới đúng"
		case no && (w == "dau" || w == "nhan" || w == "duoc" || w == "dc"):
		case w == "cho" || persons[w]:
			// "cho chị Lan", "bạn Lan": who, then up to two words of a name
			j := i + 1
			for j < len(words) && (persons[words[j]] || w == "cho" && j == i+1) {
				j++
			}
			for n := 0; n < 2 && j < len(words) && !particles[words[j]] && !entering(words[j]) && words[j] != "to"; n++ {
				j++
			}
			i = j - 1
		case entering(w), w == "to", w == "gia", w == "thon", w == "cnscd", w == "cds":
		default:
			return false
		}
	}
	return true
}
