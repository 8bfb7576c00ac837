package flows

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// Counts given with the name of what they count, in any order and in the leader's own words ("Số hộ:
// 30 / Hồ sơ DVC: 64 / VNeID: 15", "15 hộ, 20 hồ sơ, 3 buổi tập huấn") are matched to the count
// questions by the words their labels share, not by position: a list that leaves one out no longer
// shifts the others onto the wrong questions.

// labelledSep separates the parts of such a message: a new line, ";", "|", "/" with a space beside it
// (not "15/11"), a comma followed by a space, " - ", "và".
var labelledSep = regexp.MustCompile(`(?i)\s*(?:[;\n|]|\s/|/\s|,\s|\.\s|\s[-–]\s|\s(?:và|va)\s)\s*`)

// bracketed is a comment in brackets beside a count ("30 (trong đó 5 hộ nghèo)"): not read.
var bracketed = regexp.MustCompile(`\([^()]*\)`)

// questionNumber is a question named by its number ("câu 2", "c2"): read as the word "qb".
var questionNumber = regexp.MustCompile(`(?i)(?:^|[\s,;:(])(?:câu|cau)\s*(\d{1,2})\b|(?:^|[\s,;:(])c(\d{1,2})\b`)

// labelledNumber is a count as written among words ("45", "1.200"), with its sign when it has one
// ("là -3": refused as negative, not read as 3).
var labelledNumber = regexp.MustCompile(`(?:-\s?)?\d+(?:[.,]\d{3})*`)

// countPhrases turn the words of a label into the things counted (folded; the longer first): "hồ sơ"
// is not "hộ", "sổ sức khỏe" and "sức khỏe" are one thing; abbreviations say the same.
var countPhrases = []struct{ from, to string }{
	{"thuong mai dien tu", "tmdt"}, {"khong dung tien mat", "ttktm"}, {"thanh toan khong tien mat", "ttktm"},
	{"ttkdtm", "ttktm"}, {"tt kdtm", "ttktm"}, {"kdtm", "ttktm"},
	{"dich vu cong truc tuyen", "dvc"}, {"dich vu cong", "dvc"}, {"dvctt", "dvc"}, {"dvc tt", "dvc"},
	{"so suc khoe", "suckhoe"}, {"suc khoe", "suckhoe"}, {"ssk", "suckhoe"}, {"so sk", "suckhoe"},
	{"dinh danh dien tu", "vneid"}, {"dinh danh", "vneid"}, {"vne id", "vneid"},
	{"ho gia dinh", "ho"}, {"ho dan", "ho"}, {"gia dinh", "ho"},
	{"ho so", "hoso"}, {"hs", "hoso"}, {"tai khoan", "taikhoan"}, {"tktt", "taikhoan thanhtoan"},
	{"tk tt", "taikhoan thanhtoan"}, {"tk", "taikhoan"}, {"dddt", "vneid"}, {"sskdt", "suckhoe"},
	{"ngan hang", "thanhtoan"}, {"skdt", "suckhoe"}, {"ho gd", "ho"}, {"hgd", "ho"}, {"gd", "ho"}, {"hd", "huongdan"},
	{"thanh toan", "thanhtoan"}, {"tien mat", "ttktm"}, {"tap huan", "taphuan"}, {"tuyen truyen", "tuyentruyen"},
	{"ban hang", "banhang"}, {"huong dan", "huongdan"}, {"kich hoat", "kichhoat"}, {"truc tuyen", "tructuyen"},
	{"dien tu", "dientu"}, {"ho tro", "hotro"}, {"chu ky so", "chukyso"}, {"ung dung", "ungdung"},
	{"online", "tmdt"},
}

// countStopWords name nothing counted.
var countStopWords = map[string]bool{
	"so": true, "da": true, "duoc": true, "cac": true, "nhung": true, "cua": true, "tren": true, "va": true,
	"cho": true, "la": true, "co": true, "muc": true, "tong": true, "luot": true, "thang": true, "nay": true,
	"to": true, "nhom": true, "em": true, "anh": true, "chi": true, "minh": true, "trong": true, "ky": true,
	"nop": true, "tao": true, "mo": true, "lap": true, "a": true, "nhe": true, "roi": true,
	"nha": true, "ne": true, "ha": true, "he": true, "nhen": true, "nghe": true, "day": true, "do": true, "vay": true,
	"thi": true, "con": true, "dc": true, "ak": true, "ah": true, "u": true,
}

// countTerms are the things a label or a part names, folded ("hộ", "hồ sơ" and "dịch vụ công" of "Số hồ
// sơ dịch vụ công trực tuyến đã hỗ trợ nộp").
func countTerms(s string) []string {
	f := " " + vntext.Fold(labelledNumber.ReplaceAllString(levelWords(s), " ")) + " "
	for _, p := range countPhrases {
		f = strings.ReplaceAll(f, " "+p.from+" ", " "+p.to+" ")
	}
	var out []string
	for _, w := range strings.Fields(f) {
		if !countStopWords[w] && !isAllDigits(w) {
			out = append(out, w)
		}
	}
	return out
}

func isAllDigits(w string) bool { return strings.Trim(w, "0123456789") == "" }

// labelledShare: a part that is a share, a rate or a breakdown of another, not one count of its own.
var labelledShare = []string{" trong do ", " trong so ", " gom ", " moi ", " tang ", " giam ", " khoang ", " tren tong "}

// notCounts are numbers that name, date or time something, not counts: "VNeID mức 2", "lần 2", "tổ 3",
// "thôn 4", "ấp 3", "xóm 7", "t11", "tháng 11", "năm 2026", "23/11", "8h", "2 hôm" (Go's \b is ASCII's:
// "15 hộ" is not "15h", so what follows a letter is spelled out).
var notCounts = regexp.MustCompile(`(?i)(?:^|[\s(,:;])(?:lần|lan|tổ|to|thôn|thon|ấp|ap|xóm|xom|khu|đội|doi|tháng|thang|năm|nam|t)\s*\d+(?:\s*/\s*\d{2,4})?\b` +
	`|\b\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?\b|\b20\d\d\b|\b\d{1,2}\s*(?:h|giờ|gio)(?:\s*\d{1,2})?(?:$|[\s,.;:)])|\b\d+\s*(?:hôm|hom|ngày|ngay)(?:$|[\s,.;:)])` +
	`|(?:\+?84|\b0)\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}\b` + // a phone number
	`|(?i:chỉ tiêu|chi tieu|kế hoạch|ke hoach|mục tiêu|muc tieu)\s*(?:là\s*|la\s*)?\d+` + // a target
	`|\b\d+(?:[.,]\d+)?\s*%`) // a share

// labelledCounts reads a message of minParts parts or more, each one number with words that name one
// count question (question from when its words are that question's; an earlier one is a correction): "Số hộ: 30", "20 hồ sơ", "VNeID 15", "hộ 17 hồ sơ 9";
// each a different question; the items hold the numbers as typed. ok is false when a part has no number
// or more than one (but after a colon), is a share of another ("trong đó"), names no question, names
// two ("hộ mở tài khoản": which?), one as much as another ("tài khoản": VNeID or payment?), one answered
// before, or one another part named.
func labelledCounts(qs []store.Question, from int, text string, minParts int) (items []answered, ok bool) {
	if asks(text) {
		return nil, false // "15 tài khoản mức 1 có tính không ạ?"
	}
	text = plainCounts(text)
	var parts []string
	for _, p := range mergeNamedNumbers(labelledSep.Split(text, -1)) {
		p = strings.Trim(notCounts.ReplaceAllString(p, " "), " \t.,:-–()")
		if p == "" {
			continue
		}
		if strings.Count(p, ":") >= 2 { // "hộ:17 dvc:29", "Dạ báo cáo anh: HGĐ được HD: 38"
			p = strings.ReplaceAll(p, ":", " ")
		}
		if !strings.Contains(p, ":") {
			if pairs := numberWordPairs(p); pairs != nil {
				parts = append(parts, pairs...)
				continue
			}
		}
		parts = append(parts, p)
	}
	terms, df := countQuestionTerms(qs)
	for j, q := range qs {
		if q.Kind != store.QuestionCount && strings.Contains(" "+text+" ", " q"+string(rune('a'+j))+" ") {
			return nil, false // "câu 9: tập huấn 4 buổi": a narrative question's answer that speaks of a count
		}
	}
	named := map[int]bool{}
	for _, p := range parts {
		label, number := p, ""
		if head, tail, colon := strings.Cut(p, ":"); colon {
			nums := labelledNumber.FindAllString(tail, -1)
			if len(nums) == 0 && notYetWords(tail) {
				continue // "VNeID: chưa có số liệu"
			}
			if len(nums) != 1 {
				return nil, false
			}
			label, number = head+" "+labelledNumber.ReplaceAllString(tail, " "), nums[0]
		} else {
			nums := labelledNumber.FindAllString(p, -1)
			switch {
			case len(nums) == 1:
				number = nums[0]
			case len(nums) == 0 && namesAny(countTerms(p), df) && saysNone(p):
				number = "0" // "vneid ko co ai", "chưa làm được sổ sức khỏe nào"
			case len(nums) == 0 && (!namesAny(countTerms(p), df) || notYetWords(p)):
				continue // "dạ", "có gì gọi em ạ", "còn vneid em chưa tổng hợp": nothing counted now
			default:
				return nil, false // "hồ sơ thì nhiều": a thing named without its number
			}
		}
		if loc := labelledNumber.FindStringIndex(p); loc != nil && !strings.Contains(p, ":") {
			// What follows the number is what it counts, when anything does: "12 người" is no question's.
			after := p[loc[1]:]
			if unit := countTerms(after); len(unit) > 0 && df[unit[0]] == 0 {
				return nil, false
			}
		}
		if isShare(p) {
			continue // "trong đó 5 hộ nghèo": a comment on the count before it
		}
		best, ok := from, coveredBy(countTerms(label), terms[from], df) // "hộ 3" at "Số hộ bán hàng…?" is its own
		if !ok {
			best, ok = namedQuestion(countTerms(label), terms, df)
		}
		if !ok || named[best] {
			return nil, false // nothing named, two things, or one named twice
		}
		named[best] = true
		items = append(items, answered{idx: best, text: number})
	}
	if len(items) < minParts {
		return nil, false
	}
	return items, true
}

// mergeNamedNumbers joins a part that names something without a number to a next part that is a
// number alone ("số buổi tập huấn, là 4" is one count).
func mergeNamedNumbers(parts []string) []string {
	var out []string
	for k := 0; k < len(parts); k++ {
		p := parts[k]
		if k+1 < len(parts) && !labelledNumber.MatchString(p) && len(countTerms(p)) > 0 &&
			labelledNumber.MatchString(parts[k+1]) && len(countTerms(labelledNumber.ReplaceAllString(parts[k+1], " "))) == 0 {
			p += " " + parts[k+1]
			k++
		}
		out = append(out, p)
	}
	return out
}

// levelWord is a level said with its number ("mức 2"): a word of the thing counted ("mucb"), so that
// "VNeID mức 1" and "VNeID mức 2" are told apart and 2 is not read as a count.
var levelWord = regexp.MustCompile(`(?i)(?:^|[\s(,:;])(?:mức|muc|mưc)\s*(\d)\b`)

// levelWords makes each level said with its number a word without digits ("mức 2" → "mucb").
func levelWords(s string) string {
	return levelWord.ReplaceAllStringFunc(s, func(m string) string {
		d := m[len(m)-1]
		return " muc" + string(rune('a'+int(d-'0')))
	})
}

// plainCounts is text without what is never a count's: brackets, question numbers and levels made words.
func plainCounts(text string) string {
	text = bracketed.ReplaceAllString(norm.NFC.String(text), " ")
	text = levelWords(text)
	return questionNumber.ReplaceAllStringFunc(text, func(m string) string {
		sub := questionNumber.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1] + sub[2])
		if n < 1 || n > 26 {
			return m
		}
		return " q" + string(rune('a'+n-1)) + " "
	})
}

// countQuestionTerms are the things each count question names (and "câu N" its number), and how many
// questions name each thing: a thing several name counts for less. All of them, from the first: a part
// that names an earlier question is not given to a later one. Read once per question set (a count answer
// asks for them several times; the maps are only read).
func countQuestionTerms(qs []store.Question) (terms map[int]map[string]bool, df map[string]int) {
	var key strings.Builder
	for _, q := range qs {
		key.WriteString(q.Kind + "\x00" + q.Label + "\x00")
	}
	questionTermsMu.Lock()
	defer questionTermsMu.Unlock()
	if t, ok := questionTermsOf[key.String()]; ok {
		return t.terms, t.df
	}
	terms, df = map[int]map[string]bool{}, map[string]int{}
	for j := range qs {
		if qs[j].Kind != store.QuestionCount {
			continue
		}
		terms[j] = map[string]bool{}
		for _, t := range append(countTerms(qs[j].Label), "q"+string(rune('a'+j))) {
			if !terms[j][t] {
				terms[j][t] = true
				df[t]++
			}
		}
	}
	if len(questionTermsOf) >= 256 {
		clear(questionTermsOf) // question sets are few: a bound, not an eviction policy
	}
	questionTermsOf[key.String()] = questionTerms{terms, df}
	return terms, df
}

type questionTerms struct {
	terms map[int]map[string]bool
	df    map[string]int
}

var (
	questionTermsMu sync.Mutex
	questionTermsOf = map[string]questionTerms{}
)

// countNamed reads one count typed at count question i with words around it ("Số hộ: 33", "em hướng
// dẫn được 52 hộ", "VNeID 15 ạ", "👍 38"): the question its words name — i when they name i or nothing
// in particular, another when they name only that one. other is true when its words name something else
// than question i ("12 người", "38 tài khoản" at question 1, "3 thôn: 10, 12, 8"): not question i's
// number. With several numbers only the first one's words are read (ok is then false).
func countNamed(qs []store.Question, i int, text string) (it answered, ok, other bool) {
	if asks(text) {
		return answered{}, false, false
	}
	text = notCounts.ReplaceAllString(plainCounts(text), " ")
	locs := labelledNumber.FindAllStringIndex(text, -1)
	terms, df := countQuestionTerms(qs)
	if len(locs) == 0 {
		if !saysNone(text) || strings.ContainsAny(text, ",.;") {
			return answered{}, false, false
		}
		if coveredBy(countTerms(text), terms[i], df) {
			return answered{idx: i, text: "0"}, true, false // "vneid ko co ai" at the VNeID question
		}
		if j, named := namedQuestion(countTerms(text), terms, df); named {
			return answered{idx: j, text: "0"}, true, false // "chưa làm được sổ sức khỏe nào" at another
		}
		return answered{}, false, false
	}
	number := text[locs[0][0]:locs[0][1]]
	unit := unitAfter(text, locs[0][1])
	if unit != "" && !terms[i][unit] && !(unit == "nguoi" && countsPeople(terms[i])) {
		// What the (first) number counts, said after it: not question i's thing.
		if df[unit] == 0 || len(locs) > 1 {
			return answered{}, false, true
		}
	}
	if len(locs) > 1 {
		// A count and what is said of it ("25 tk, trong đó 5 hộ nghèo", "3 buổi, 120 lượt người tham dự"):
		// its own number when it says what it counts and the others are shares or count nothing asked.
		if unit == "" || !terms[i][unit] && unit != "nguoi" {
			return answered{}, false, false
		}
		for k, l := range locs[1:] {
			seg := text[locs[k][1]:l[0]]
			if isShare(seg) {
				continue
			}
			if u := unitAfter(text, l[1]); u != "" && df[u] > 0 {
				return answered{}, false, false // "12 hộ 30 hồ sơ": another count
			}
		}
		return answered{idx: i, text: number}, true, false
	}
	clause := clauseAround(text, locs[0][0], locs[0][1])
	if strings.Contains(" "+vntext.Fold(clause)+" ", " thang truoc ") {
		return answered{}, false, true // "tháng trước 50 sổ": last month's, not this one's
	}
	var matched []string
	for _, w := range countTerms(clause) { // its own clause: "73 sổ, buổi tập huấn thì chưa …" is question 6's
		if df[w] > 0 {
			matched = append(matched, w)
		}
	}
	mine := true
	for _, w := range matched {
		mine = mine && terms[i][w]
	}
	if mine {
		return answered{idx: i, text: number}, true, false
	}
	if j, named := namedQuestion(matched, terms, df); named {
		return answered{idx: j, text: number}, true, false // a later question's, or a correction of an earlier one
	}
	return answered{}, false, true
}

// clauseAround is the part of text around the number at [start, end), between commas or stops.
func clauseAround(text string, start, end int) string {
	from := strings.LastIndexAny(text[:start], ",.;\n") + 1
	to := len(text)
	if cut := strings.IndexAny(text[end:], ",.;\n"); cut >= 0 {
		to = end + cut
	}
	return text[from:to]
}

// unsureCount: words that say a number is a guess, not the count ("hình như hơn 20", "để em xem lại",
// "5 hay 6", "chưa chắc"): asked again, not kept.
func unsureCount(text string) bool {
	return saysAny(text, " hinh nhu ", " xem lai ", " chua chac ", " khong chac ", " chac la ", " uoc chung ", " uoc tinh ") ||
		unsureOr.MatchString(text)
}

// unsureOr is two numbers offered as one answer ("5 hay 6", "20-25 hộ"); selfCorrected a number taken
// back for another in the same message ("27 tk, à không, 29 tk", "47 hs, ý em là 74", "20 à nhầm 25").
var (
	unsureOr      = regexp.MustCompile(`(?i)\d+\s*(?:hay|hoặc|hoac)\s*\d+`)
	selfCorrected = regexp.MustCompile(`(?i)\d[\d.,]*[^\d]*?(?:à không|a khong|à nhầm|a nham|ý em là|y em la|ý là|nhầm|nham|đúng ra là|dung ra la|đúng là|dung la)[^\d]*?(\d[\d.,]*)`)
)

// takenBack is what a message that takes its first number back for another says instead ("27 tk, à
// không, 29 tk" → "29 tk"); text itself otherwise.
func takenBack(text string) string {
	m := selfCorrected.FindStringSubmatchIndex(text)
	if m == nil {
		return text // ("30, không phải 25": the first is the one, the second the old value)
	}
	return text[m[2]:]
}

// unitAfter is what the number ending at end counts, in the words right after it up to a comma or a
// stop ("25 tk, …" → "taikhoan"; "60 sổ, đạt …" → "": "sổ" alone names nothing); "" when nothing.
func unitAfter(text string, end int) string {
	after := text[end:]
	if cut := strings.IndexAny(after, ",.;(\n"); cut >= 0 {
		after = after[:cut]
	}
	if words := countTerms(after); len(words) > 0 {
		return words[0]
	}
	return ""
}

// countsPeople: a question whose things are counted by the person ("12 người" kích hoạt VNeID, mở tài
// khoản, sổ sức khỏe), not by the household or the session.
func countsPeople(q map[string]bool) bool {
	return q["vneid"] || q["taikhoan"] || q["suckhoe"]
}

// countTargets are the count questions a list by position fills from question i: those in a row from
// it, less the ones answered before their turn ("bc t11: hộ 12, vneid 5", then "30, 7, 2" at question 2
// fills 2, 4 and 5 — not 3 again).
func countTargets(qs []store.Question, i int, ahead map[int]bool) []int {
	var out []int
	for j := i; j < len(qs) && qs[j].Kind == store.QuestionCount; j++ {
		if j == i || !ahead[j] {
			out = append(out, j)
		}
	}
	return out
}

// positionalFits tells whether a list of counts read by position (vntext.SplitCounts) onto the
// questions targets says nothing against it: each part's words, when it has any, name its own question
// ("12 hộ, 30 hồ sơ"), not another one or something no question counts ("30 hộ, 2 thôn chưa làm",
// "dvc: 36, ho: 14", "3 buổi, 120 lượt người tham dự").
func positionalFits(qs []store.Question, targets []int, parts []string) bool {
	terms, df := countQuestionTerms(qs)
	units := map[string]bool{}
	for k, p := range parts {
		words := countTerms(plainCounts(p))
		if k >= len(targets) {
			if len(words) > 0 {
				return false // more numbers than questions, and words beside them: not a list
			}
			continue // more bare numbers than count questions: answerCounts says so
		}
		if len(words) > 0 {
			if units[words[0]] {
				return false // "20 tk, 8 tk", "5 hộ, 7 hộ": one thing twice is a breakdown, or which is which?
			}
			units[words[0]] = true
		}
		for _, w := range words {
			if !terms[targets[k]][w] && (df[w] > 0 || !countStopWords[w]) {
				return false
			}
		}
	}
	return true
}

// countFillers are words around a list of counts that say nothing ("dạ 55, 20 ạ", "lần lượt là 25, 48,
// 16", "ok a, 33 55 21 😊"): the list is read without them.
var countFillers = regexp.MustCompile(`^[^\d]*?(\d.*?\d)[^\d]*$`)

// withoutFillers is text's list of counts without words before and after it that say nothing.
func withoutFillers(text string) string {
	m := countFillers.FindStringSubmatchIndex(text)
	if m == nil {
		return text
	}
	for _, w := range append(countTerms(text[:m[2]]), countTerms(text[m[3]:])...) {
		if !fillerWords[w] {
			return text // "30 hộ, 2 thôn chưa làm": words of their own
		}
	}
	return text[m[2]:m[3]]
}

// fillerWords say nothing around a list of counts (beside countStopWords).
var fillerWords = map[string]bool{"vang": true, "ok": true, "oke": true, "okie": true, "lan": true, "luot": true,
	"gui": true, "bao": true, "cao": true, "day": true, "ah": true, "ha": true, "nha": true, "e": true, "d": true, "ak": true}

// noneSaid is a negation and "nào"/"ai" after it: none of the thing ("không có ai", "chưa … nào", "hổng
// có hộ nào").
var noneSaid = regexp.MustCompile(`(?:^| )(?:khong|ko|k|chua|hong|hok|kg)(?: \S+){0,6} (?:nao|ai)(?: |$)`)

// saysNone: words that say a count is zero, beside the thing's name.
func saysNone(p string) bool { return noneSaid.MatchString(vntext.Fold(p)) }

// isShare: a part that is a share, a rate or a breakdown of another count.
func isShare(p string) bool { return saysAny(p, labelledShare...) }

// notYetWords: a part that says its count comes later ("VNeID: chưa có số liệu", "em gửi sau").
func notYetWords(p string) bool {
	return saysAny(p, " chua ", " sau ", " bo sung ", " dang tong hop ", " cap nhat ")
}

// coveredBy tells whether question terms q name every thing words name that any question does (and
// one at least).
func coveredBy(words []string, q map[string]bool, df map[string]int) bool {
	some := false
	for _, w := range words {
		if df[w] == 0 {
			continue
		}
		if !q[w] {
			return false
		}
		some = true
	}
	return some
}

// namesAny tells whether some count question names one of words.
func namesAny(words []string, df map[string]int) bool {
	for _, w := range words {
		if df[w] > 0 {
			return true
		}
	}
	return false
}

// namedQuestion is the count question a part's words name: the one scoring most (a thing several
// questions name counts for less), which must name every thing the part names that any question does;
// between equals, the one whose own words the part covers most ("hộ": question 1's two words, not
// question 5's four), else none.
func namedQuestion(words []string, terms map[int]map[string]bool, df map[string]int) (int, bool) {
	matched := map[string]bool{}
	for _, w := range words {
		if df[w] > 0 {
			matched[w] = true
		}
	}
	if len(matched) == 0 {
		return 0, false
	}
	best, bestScore, bestCover, tie := -1, 0.0, 0.0, false
	for j := 0; j < 1<<20 && len(terms) > 0; j++ {
		tj, isCount := terms[j]
		if !isCount {
			if j > maxKey(terms) {
				break
			}
			continue
		}
		score, all := 0.0, true
		for w := range matched {
			if tj[w] {
				score += 1 / float64(df[w])
			} else {
				all = false
			}
		}
		if !all || score == 0 {
			continue
		}
		cover := float64(len(matched)) / float64(ownWords(tj))
		switch {
		case score > bestScore || (score == bestScore && cover > bestCover):
			best, bestScore, bestCover, tie = j, score, cover, false
		case score == bestScore && cover == bestCover:
			tie = true
		}
	}
	return best, best >= 0 && !tie
}

// ownWords counts the things a question names, not its number ("qc") nor a level ("mucb"): how much of
// it a part covers tells equals apart ("hộ" is more of question 1 than of "hộ bán hàng trên sàn").
func ownWords(q map[string]bool) int {
	n := 0
	for w := range q {
		if !isQuestionWord(w) && !strings.HasPrefix(w, "muc") {
			n++
		}
	}
	return max(n, 1)
}

// isQuestionWord: a question named by its number, as plainCounts writes it ("qc" for "câu 3").
func isQuestionWord(w string) bool { return len(w) == 2 && w[0] == 'q' && w[1] >= 'a' && w[1] <= 'z' }

func maxKey(m map[int]map[string]bool) int {
	top := -1
	for k := range m {
		top = max(top, k)
	}
	return top
}

// numberWordPairs splits a part of several numbers and no other separator into number-word pairs, in
// the order it starts with: "hộ 17 hồ sơ 9" → "hộ 17", "hồ sơ 9"; "20 hộ 8 vneid" → "20 hộ", "8 vneid";
// nil when it is not such a run.
func numberWordPairs(p string) []string {
	locs := labelledNumber.FindAllStringIndex(p, -1)
	if len(locs) < 2 {
		return nil
	}
	// The words between the numbers, before the first and after the last.
	var gaps []string
	prev := 0
	for _, l := range locs {
		gaps = append(gaps, strings.TrimSpace(p[prev:l[0]]))
		prev = l[1]
	}
	gaps = append(gaps, strings.TrimSpace(p[prev:]))
	for _, g := range gaps[1 : len(gaps)-1] {
		if g == "" {
			return nil // two numbers side by side: a list by position, or one number
		}
	}
	var out []string
	switch {
	case gaps[0] != "" && gaps[len(gaps)-1] == "": // words first: "hộ 17 hồ sơ 9"
		for k, l := range locs {
			out = append(out, gaps[k]+" "+p[l[0]:l[1]])
		}
	case gaps[0] == "" && gaps[len(gaps)-1] != "": // numbers first: "20 hộ 8 vneid"
		for k, l := range locs {
			out = append(out, p[l[0]:l[1]]+" "+gaps[k+1])
		}
	default:
		return nil
	}
	return out
}
