package flows

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// People put a plain yes in front of what they ask, or a few words of why beside it, in clauses of
// their own: "ok hết rồi, gửi", "uk gửi", "biết rồi, cứ xóa", "e rút, e đi làm xa rồi", "Lan là cháu
// anh, giới thiệu luôn". The readers of consequential words (plainSend, plainDrop, plainErase,
// plainWithdraw, plainDecision) each read one plain clause; plainAct finds it among the others.

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

// plainAct reads a message for an act: plain reads it whole, or reads the one clause of it that is the
// act itself, once the assent it opens with is set aside ("uk gửi" reads "gửi"), with at most one other
// clause beside it that is only assent, or says why without asking, putting off or holding back
// ("Xóa. Tôi không muốn dùng nữa.").
func plainAct(text string, plain func(typed string) bool) bool {
	if plain(text) {
		return true
	}
	if asks(text) {
		return false
	}
	cls := clausesOf(text)
	if len(cls) == 0 || len(cls) > 4 {
		return false
	}
	act, others := false, 0
	for _, c := range cls {
		rest := stripAssent(c.words)
		if len(rest) == 0 {
			continue // "ok", "biết rồi", "chuẩn rồi"
		}
		if !act && plain(typedTail(c.typed, len(rest))) {
			act = true
			continue
		}
		others++
		if others > 1 || !besideAct(c) {
			return false
		}
	}
	return act
}

// besideAct tells a clause that may stand beside an act: it says why, and does not ask, put off, hold
// back, take back, joke, quote someone, name another month, photo, item or number, or speak of someone
// else's things ("em rút, đùa đấy", "Xóa, bấm lộn", "Chồng em bảo, xóa đi", "Gửi, tháng 10 nhé",
// "Gửi, em còn ảnh nữa", "xóa, dữ liệu của mẹ em", "em rút, cho chị Hoa"). A "không" only in a reason
// for stopping ("Xóa. Tôi không muốn dùng nữa.").
func besideAct(c clause) bool {
	if putOff(c.typed, c.words) || len(c.words) > 12 || hasDigit(c.typed) || asks(c.typed) {
		return false
	}
	lower := " " + strings.ToLower(norm.NFC.String(c.typed)) + " "
	for _, w := range []string{"không dùng", "không muốn dùng", "không sử dụng", "không cần", "không muốn tham gia", "không tham gia",
		"ko dùng", "ko cần", "ko tham gia", "k dùng", "k cần"} {
		lower = strings.ReplaceAll(lower, w, " ")
	}
	return !turnsRound(lower)
}

// turnsRound tells words (lower-case, NFC, spaced at both ends) that hold back, take back, doubt,
// joke, quote, or bring in another thing or person beside an act.
func turnsRound(lower string) bool {
	for _, w := range []string{"thôi", "đừng", "khoan", "chưa", "nhưng", "nhầm", "lộn", "đùa", "giỡn", "từ từ", "ủa", "bảo",
		" nói", "\"", "“", "”", "'", "tháng", "ảnh", "hình", "câu", "mục", "số", "của", " cho ", "không", " ko ", " k ", " kh ",
		"hông", "chẳng", " hả", " à ", " à,", "sao", "gì", " ai ", "đâu"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
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
// no ("" when none: it is asked next), and whether the words are a decision at all. about are the
// folded words of the requester's name: "giới thiệu bạn Lan" is about them, "giới thiệu chị Hoa" not.
func buttonDecision(text string, about []string) (yes bool, reason string, ok bool) {
	if asks(text) || len(text) > 200 {
		return false, "", false
	}
	cls := clausesOf(text)
	if len(cls) == 0 || len(cls) > 4 {
		return false, "", false
	}
	decided := -1
	said := make([]bool, len(cls)) // the clause says a decision (the one taken, or the same again)
	for i, c := range cls {
		words := c.words
		y, ok := clauseDecision(words, about) // "đồng ý" alone is a decision here, not assent around one
		if !ok {
			words = stripAssent(words)
			y, ok = clauseDecision(words, about)
		}
		for !ok && len(words) > 0 && subjects[words[0]] && !saysĐã(typedTail(c.typed, len(words))) {
			words = words[1:] // "rứa thì giới thiệu đi", "tôi đồng ý", "bác bỏ" before "bác" is who speaks
			y, ok = clauseDecision(words, about)
		}
		if !ok || len(words) == 0 {
			continue
		}
		if hasDigit(c.typed) || putOff(withoutName(typedTail(c.typed, len(words)), about), withoutNameWords(words, about)) {
			return false, "", false // "duyệt số 8 trước đi", "thì giới thiệu sau"
		}
		if decided >= 0 && y != yes {
			return false, "", false // "duyệt, à không, từ chối", "Từ chối. Thôi, đồng ý"
		}
		decided, yes, said[i] = i, y, true
	}
	if decided < 0 {
		return false, "", false
	}
	var why []string
	for i, c := range cls {
		if said[i] || len(stripAssent(c.words)) == 0 {
			continue
		}
		if yes && !besideAct(c) || !yes && !reasonBeside(c) {
			return false, "", false
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

// withoutNameWords drops the requester's name after the word for a person ("chị Mai": "mai" is also
// "tomorrow", a put-off), so that a name is not read as words around the decision.
func withoutNameWords(words, about []string) []string {
	var out []string
	for _, i := range nameAt(words, about) {
		words[i] = ""
	}
	for _, w := range words {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// nameAt are the places of the requester's name in words: after a word for a person, the words of
// about in their order, each once ("chị Mai mai nhé": the second "mai" is "tomorrow").
func nameAt(words, about []string) []int {
	var at []int
	for i := 1; i < len(words); i++ {
		if !persons[words[i-1]] {
			continue
		}
		j := 0
		for k := i; k < len(words); k++ {
			for j < len(about) && about[j] != words[k] {
				j++
			}
			if j == len(about) {
				break
			}
			at = append(at, k)
			j++
		}
		if len(at) > 0 {
			return at
		}
	}
	return nil
}

// withoutName is typed text with the requester's name dropped as withoutNameWords drops it.
func withoutName(typed string, about []string) string {
	fields := strings.Fields(typed)
	folded := make([]string, len(fields))
	for i, f := range fields {
		folded[i] = foldOf(f)
	}
	drop := map[int]bool{}
	for _, i := range nameAt(folded, about) {
		drop[i] = true
	}
	var out []string
	for i, f := range fields {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

// reasonBeside tells a clause that may stand beside a refusal as its reason ("tổ đủ 3 người rồi",
// "chưa đủ 18 tuổi", "không ở thôn 1"): not a question, a put-off or an excuse of the one deciding
// ("Không, anh đang chạy xe", "ko, tối a trả lời"), not taking it back or agreeing after all ("Từ
// chối, nhưng anh vẫn muốn giới thiệu bạn Lan", "mà thôi đồng ý"), not another request ("yêu cầu số 2").
func reasonBeside(c clause) bool {
	if reasonAsks(c.typed) || reasonPutOff(c.typed) || notYet(c.typed) {
		return false
	}
	lower := " " + strings.ToLower(norm.NFC.String(c.typed)) + " "
	for _, w := range []string{"thôi", "đừng", "khoan", "nhưng", "nhầm", "lộn", "đùa", "giỡn", "từ từ", "ủa", "bảo", "\"", "“",
		"đồng ý", "duyệt", "giới thiệu", "nhận", " ok", "yêu cầu", " yc", "số 1", "số 2", "số 3", "số 4", "số 5", "số 6", "số 7",
		"số 8", "số 9", "trả lời", "nhắn", "đang chạy", "đang lái", "đang ăn", "đang họp", "đang bận", "đang ngủ", "đang đi đường",
		"anh bận", "em bận", "tôi bận", "a bận", "e bận"} {
		if strings.Contains(lower, w) {
			return false
		}
	}
	return true
}

// saysĐã: a clause opens with "đã", which folds like "dạ" ("Đã nhận", "👍đã nhận" say it was received).
func saysĐã(typed string) bool {
	lower := strings.TrimLeftFunc(strings.ToLower(norm.NFC.String(typed)), func(r rune) bool { return !unicode.IsLetter(r) })
	return strings.HasPrefix(lower, "đã")
}

// clauseDecision reads one clause: a verb that accepts or declines, then only particles or who it is
// for; or a bare no ("không", "ko ạ", "k đc").
func clauseDecision(words, about []string) (yes, ok bool) {
	no := false
	if len(words) > 0 && noWordsLead[words[0]] {
		no, words = true, words[1:]
		if onlyParticles(words) || len(words) == 1 && words[0] == "dau" {
			return false, true // "không", "ko đâu"
		}
		if w := words[0]; w == "duoc" || w == "dc" {
			return false, onlyParticles(words[1:]) // "k đc", "không được đâu"
		}
	}
	for _, p := range buttonDeclines {
		if rest, found := hasPrefixWords(words, p); found && !no {
			return false, decisionTail(rest, true, about)
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
		if decisionTail(rest, no, about) {
			return !no, true
		}
		return false, false
	}
	if len(words) > 0 && words[0] == "cho" && letIn(words[1:], about) {
		return !no, true // "cho vào", "cho dzô đi", "cho nó vào tổ", "không cho vào"
	}
	return false, false
}

// letIn: what follows "cho" that lets the person in: "(chị Lan) vào (tổ)", "tham gia".
func letIn(words, about []string) bool {
	i := 0
	if i < len(words) && persons[words[i]] {
		i++
		for i < len(words) && (slices.Contains(about, words[i]) || words[i] == "ay" || words[i] == "nay") {
			i++ // "cho chị Lan vào", "cho chị ấy vào"
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
	return decisionTail(words[i+1:], false, about)
}

func entering(w string) bool {
	return w == "vao" || w == "vo" || w == "dzo" || w == "zo" || w == "tham"
}

// decisionTail tells what may follow a decision's verb: particles, who it is for ("bạn ấy", "cho chị
// Lan", "em nó" — a name only the requester's), where ("vào tổ", "tham gia tổ", "lên xã"), and for a
// no, "đâu".
func decisionTail(words []string, no bool, about []string) bool {
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case (persons[w] || w == "cho") && i+1 < len(words) && slices.Contains(about, words[i+1]):
			j := i + 1 // "giới thiệu anh An": the requester, named after the word for them
			for j < len(words) && slices.Contains(about, words[j]) {
				j++
			}
			i = j - 1
		case particles[w], w == "chu", w == "het", w == "nay", w == "ay", w == "em", w == "anh", w == "bot", w == "lam", w == "nhen":
		case w == "moi" && i+1 < len(words) && words[i+1] == "dung", w == "cung" && i+1 < len(words) && words[i+1] == "duoc" && !no:
			i++ // "giới thiệu mới đúng", "cho vào cũng được"
		case no && w == "dau":
		case w == "cho" || persons[w]:
			// "cho chị Lan", "bạn ấy": who, then the requester's name, if any
			j := i + 1
			for j < len(words) && (persons[words[j]] || words[j] == "ay" || words[j] == "nay") {
				j++
			}
			for j < len(words) && slices.Contains(about, words[j]) {
				j++
			}
			if j < len(words) && !particles[words[j]] && !entering(words[j]) && words[j] != "to" && words[j] != "gia" {
				return false // "giới thiệu chị Hoa", "từ chối bạn kia": someone else
			}
			i = j - 1
		case entering(w), w == "to", w == "gia", w == "thon", w == "cnscd", w == "cds":
		default:
			return false
		}
	}
	return true
}
