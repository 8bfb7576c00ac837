package flows

import (
	"fmt"
	"golang.org/x/text/unicode/norm"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// A correction is a leader going back to one item of the report in their own words, at a question,
// at the summary or at "which item?": "sửa câu 1", "sửa mục 4", "nhầm câu 2" open that item;
// "câu 1 là 15", "sửa câu 3 thành 7", "sai câu 1, phải là 15", "câu 1: 15" change it at once.
type correction struct {
	item  int    // 1-based
	value string // the new answer as typed; "" to ask the item again
}

// correctionVerbs open a correction (folded); correctionFillers may come with them ("em sửa lại câu
// 1", "xóa giúp em câu 2") but never alone: "em 3" is a count.
var (
	correctionVerbs   = map[string]bool{"sua": true, "chinh": true, "nham": true, "sai": true, "xoa": true, "doi": true}
	correctionFillers = map[string]bool{"lai": true, "giup": true, "em": true, "cho": true, "minh": true, "bi": true,
		"nhap": true, "go": true, "ghi": true, "xin": true, "muon": true, "toi": true, ",": true, "a": true, "ah": true, "oi": true,
		"loi": true, "chet": true, "thoi": true}
)

// correctionLinks stand between the item and its new value (folded).
var correctionLinks = map[string]bool{"la": true, "thanh": true, "phai": true, "bang": true, "=": true, "->": true, "sang": true,
	"sai": true, "dung": true}

// correctionBetween may stand between an item and its link ("câu 3 em nhập nhầm, đúng là 15").
var correctionBetween = map[string]bool{"em": true, "minh": true, "nhap": true, "nham": true, "go": true, "bi": true, "ghi": true, "toi": true,
	"sua": true, "lai": true}

// token is a word of a message with where it starts in the message; ":" and "," are tokens of their own.
type token struct {
	text  string
	start int
}

func tokenize(text string) []token {
	var out []token
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, token{text[start:end], start})
			start = -1
		}
	}
	for i, r := range text {
		switch {
		case r == ':' || r == ',':
			flush(i)
			out = append(out, token{text[i : i+1], i})
		case unicode.IsSpace(r):
			flush(i)
		case start < 0:
			start = i
		}
	}
	flush(len(text))
	return out
}

// parseCorrection reads a correction as people say it: an interjection before it ("khoan, mục 3 …"),
// words before the new value ("sai rồi, đúng là 54", "phải là 17") and the old value after it
// ("… chứ không phải 15") are not the value.
func parseCorrection(text string) (correction, bool) {
	f := foldOf(text)
	for _, w := range []string{"khoan ", "a ", "o ", "ay ", "xin loi ", "thoi ", "chet "} {
		if strings.HasPrefix(f, w) {
			if i := strings.IndexAny(text, ",.!"); i > 0 && i < 16 {
				text = strings.TrimSpace(text[i+1:]) // "khoan, mục 3 phải là 17"
			}
			break
		}
	}
	corr, ok := parseCorrectionWords(text)
	if !ok || corr.value == "" {
		return corr, ok
	}
	v := corr.value
	lower := strings.ToLower(norm.NFC.String(v))
	for _, tail := range []string{" chứ không phải ", " chứ ko phải ", " chu khong phai ", ", không phải ", " không phải "} {
		i := strings.Index(lower, tail)
		if i <= 0 || !strings.HasPrefix(tail, " chứ") && !strings.HasPrefix(tail, " chu") && !hasDigit(lower[i+len(tail):]) {
			continue // "… không phải đi xa" is part of a narrative; "… không phải 15" names the old value
		}
		v, lower = v[:i], lower[:i]
	}
	for _, lead := range []string{"sai rồi, đúng là ", "sai rồi, phải là ", "rồi, đúng là ", "ghi nhầm, sửa lại là: ", "ghi nhầm, sửa lại là ",
		"sửa lại là: ", "sửa lại là ", "đúng là ", "phải là ", "thành "} {
		if strings.HasPrefix(lower, lead) {
			v = v[len(lead):]
			break
		}
	}
	corr.value = strings.TrimSpace(v)
	return corr, true
}

// parseCorrectionWords reads a correction, or says it is none. An item needs "câu"/"mục"/"ý" before
// its number, or a verb ("sửa 3"), so that a plain count is never taken for one.
func parseCorrectionWords(text string) (correction, bool) {
	tokens := tokenize(text)
	i, verb := 0, false
	for i < len(tokens) {
		f := vntext.Fold(tokens[i].text)
		if tokens[i].text == "," {
			f = ","
		}
		if correctionVerbs[f] {
			verb = true
		} else if !correctionFillers[f] {
			break
		}
		i++
	}
	if !verb {
		i = 0 // fillers without a verb open nothing: "em 3"
	}
	named := false
	if i < len(tokens) && !misreadMuc(tokens[i].text) {
		switch vntext.Fold(tokens[i].text) {
		case "cau", "muc", "y":
			i, named = i+1, true
			if i < len(tokens) && (vntext.Fold(tokens[i].text) == "so" || vntext.Fold(tokens[i].text) == "thu") {
				i++ // "câu số 3", "câu thứ 3"
			}
		}
	}
	if i >= len(tokens) || (!verb && !named) {
		return correction{}, false
	}
	n, err := strconv.Atoi(tokens[i].text)
	if err != nil || n < 1 || n > 99 {
		return correction{}, false
	}
	i++
	if named { // "câu 3 em nhập nhầm, đúng là 15": the words between, when a link follows
		j := i
		for j < len(tokens) && correctionBetween[vntext.Fold(tokens[j].text)] {
			j++
		}
		if j > i && j < len(tokens) && (correctionLinks[vntext.Fold(tokens[j].text)] || tokens[j].text == ",") {
			i = j
		}
	}
	linked := false
	for i < len(tokens) && (correctionLinks[tokens[i].text] || tokens[i].text == ":" || tokens[i].text == "," || correctionLinks[vntext.Fold(tokens[i].text)]) {
		// A comma or colon links only an item named "câu 2": "Đổi 2, 3 lần mật khẩu" is a narrative.
		if named || (tokens[i].text != "," && tokens[i].text != ":") {
			linked = true
		}
		i++
	}
	if i < len(tokens) && !linked {
		rest := make([]string, 0, len(tokens)-i)
		for _, t := range tokens[i:] {
			rest = append(rest, vntext.Fold(t.text))
		}
		k := 0
		for k < len(rest) && (rest[k] == "sua" || rest[k] == "lai" || rest[k] == "chinh") {
			k++ // "câu 8 sửa giúp em với": open it
		}
		if named && k > 0 && i+k < len(tokens) {
			// "câu 3 sửa 15", "câu 3 sửa lại: 15": the new answer after the verb
			j := i + k
			if tokens[j].text == ":" && j+1 < len(tokens) {
				j++
			}
			if _, err := strconv.Atoi(strings.TrimRight(tokens[j].text, ".,")); err == nil && j == len(tokens)-1 || tokens[i+k].text == ":" {
				return correction{item: n, value: strings.TrimSpace(text[tokens[j].start:])}, true
			}
		}
		rest = rest[k:]
		if onlyParticles(slices.DeleteFunc(rest, func(w string) bool { return w == "em" || w == "minh" || w == "voi" })) {
			return correction{item: n}, true // "sửa lại câu 2 giúp em", "sửa câu 2 nhé"
		}
		return correction{}, false // "câu 3 em chưa rõ": words after an item, not a new answer
	}
	value := ""
	if i < len(tokens) {
		value = strings.TrimSpace(text[tokens[i].start:]) // as typed, from the first word after the link
		if answerNumbered.MatchString(" " + vntext.Fold(value) + " ") {
			return correction{}, false // "mục 1 em ghi là số người, mục 2 là số buổi": an explanation
		}
	}
	return correction{item: n, value: value}, true
}

// misreadMuc: a word that folds to "muc" but, typed with its marks, is not "mục" (an item): "Mức 2: 26
// tk" is VNeID level 2, not item 2.
func misreadMuc(word string) bool {
	return vntext.Fold(word) == "muc" && hasMarks(word) && strings.ToLower(norm.NFC.String(word)) != "mục"
}

// correcting handles a correction at a report's question, summary or "which item?" step, and tells
// whether the text was one.
func (c *convo) correcting(text string) (bool, error) {
	if c.s == nil || c.s.Paused || c.s.Flow != "report" || c.in.Kind != KindText {
		return false, nil
	}
	cur, isQ := questionIndex(c.s.Step)
	if !isQ && c.s.Step != "summary" && c.s.Step != "edit" {
		return false, nil
	}
	if strings.Contains(text, "\n") {
		if isQ {
			return false, nil // several lines at a question are answers by line (batch.go)
		}
		return c.correctingLines(text) // "câu 8: …\ncâu 9: …" at the summary
	}
	if handled, err := c.correctingLabelled(text, cur, isQ); handled || err != nil {
		return handled, err // "VNeID là 6 chứ không phải 5", "nhầm ạ, câu 3: 5, câu 4: 7"
	}
	if handled, err := c.correctingSeveral(text, cur, isQ); handled || err != nil {
		return handled, err // "câu 1 là 12, câu 2 là 35"
	}
	corr, ok := parseCorrection(text)
	if !ok {
		if !isQ {
			return c.correctingLines(text) // "khó khăn: thiếu máy tính", "9. tập huấn 4 buổi" at the summary
		}
		return false, nil
	}
	qs, err := c.questions()
	if err != nil {
		return false, err
	}
	n := len(qs.Questions)
	if corr.item > n {
		c.say(fmt.Sprintf(textEditWhich, n))
		return true, c.prompt()
	}
	k := corr.item - 1
	_, done := c.s.Data["a."+qs.Questions[k].ID]
	if isQ && (k == cur || (k > cur && !done)) {
		return false, nil // the question asked now, or one ahead ("câu 9: …" while at 8): answers, as labels
	}
	if !done {
		c.say(fmt.Sprintf(textNotAnsweredYet, corr.item))
		return true, c.prompt()
	}
	if corr.value == "" {
		c.s.Data["edit"] = "1"
		if isQ {
			c.s.Data["resume"] = c.s.Step // back to this question once the item is corrected
		}
		return true, c.goTo(questionStep(k))
	}
	return c.applyCorrections(qs.Questions, []answered{{idx: k, text: corr.value}})
}

// correctionHead opens a correction in words ("nhầm ạ,", "em sai rồi,", "sửa lại:"), and correctionTail
// names the old value after the new one ("… chứ không phải 5").
var (
	// (The verb must end its clause or take a particle: "Sửa lỗi 12 hồ sơ", "Sai sót 5 hồ sơ", "Quên mật
	// khẩu" are narratives, not corrections.)
	correctionHead = regexp.MustCompile(`(?i)^\s*(?:(?:à|a|ơ|o|ấy|ay)\s*,?\s*)?(?:(?:em|e|mình|minh|tôi|toi)\s+)?(?:nhầm|nham|sai|sửa|sua|ghi nhầm|ghi nham|quên|quen|điều chỉnh|dieu chinh)(?:(?:\s+(?:rồi|roi|lại|lai|ạ|a|nhé|nhe|chút|chut|mất|mat))+\s*[,.:!]?|\s*[,.:!])\s*`)
	correctionTail = regexp.MustCompile(`(?i)[\s,]+(?:(?:(?:chứ|chu)\s+)?(?:không|khong|ko|k|hổng|hong|hông)\s+(?:phải|phai)\s+(?:là\s+|la\s+)?\d[\d.,]*\s*(?:\S+\s*)?|mới đúng|moi dung)\s*(?:ạ|a|nhé|nhe|nha)?\s*$`)
	// correctionInner are words inside a correction between a count's name and its new value ("sổ sk
	// phải là 61", "số hộ em ghi nhầm, 13 mới đúng").
	correctionInner = regexp.MustCompile(`(?i)\s(?:phải là|phai la|đúng là|dung la|em ghi nhầm|em ghi nham|ghi nhầm|ghi nham|sửa lại|sua lai|sửa thành|sua thanh)\s*,?\s`)
	// correctionTo is "sửa <a count's name> thành N" ("sửa số hộ thành 16"): "thành" alone is a word of
	// narratives ("Hoàn thành 30 hồ sơ", "tài khoản thanh toán").
	correctionTo = regexp.MustCompile(`(?i)^\s*(?:(?:em|e|mình|minh)\s+)?(?:sửa|sua|đổi|doi|chỉnh|chinh)(?:\s+(?:lại|lai))?\s+((?:\S+\s+){1,5}?)(?:thành|thanh)\s+(\d)`)
)

// correctsOnly: every item is an answered question other than the one asked (a correction, said so).
func correctsOnly(c *convo, qs []store.Question, items []answered, cur int) bool {
	for _, it := range items {
		if _, answered := c.s.Data["a."+qs[it.idx].ID]; !answered || it.idx == cur {
			return false
		}
	}
	return true
}

// addsTo: words that add to a count or speak of what remains ("thêm 2 hộ", "bổ sung", "còn 5 hộ chưa"),
// not a new value for it.
func addsTo(text string) bool { return saysAny(text, " them ", " bo sung ", " con ", " nua ") }

// terseCount: a message that is a count and its name and nothing more ("vneid 7 ạ", "VNeID là 8"): at a
// narrative question a correction, not a narrative ("tổ chức 2 buổi tuyên truyền ở nhà văn hóa" is one).
func terseCount(text string) bool {
	n := 0
	for _, w := range wordsOf(text) {
		if !particles[w] && w != "la" {
			n++
		}
	}
	return n <= 3
}

// withoutCorrectionWords is text without the words that say it corrects, and whether there were any.
func withoutCorrectionWords(text string) (string, bool) {
	cut := correctionTo.ReplaceAllString(text, "$1 $2")
	cut = correctionTail.ReplaceAllString(correctionHead.ReplaceAllString(cut, ""), "")
	cut = correctionInner.ReplaceAllString(cut, " ")
	return strings.TrimSpace(cut), strings.TrimSpace(cut) != strings.TrimSpace(text)
}

// correctingLabelled corrects answered counts named by what they count or by number ("VNeID là 6 chứ
// không phải 5", "buổi tập huấn: 3", "c5: 3", "nhầm ạ, câu 3: 5, câu 4: 7"): at the summary and at
// "which item?" as they come; at a narrative question only with words that say so (else a narrative
// may well speak of "12 hồ sơ"); at a count question they are the answer path's (it corrects earlier
// counts too), but for an apology before the asked question's own count ("em nhầm ạ, VNeID là 7").
// All or none; each says what it was before.
func (c *convo) correctingLabelled(text string, cur int, isQ bool) (bool, error) {
	cleaned, cue := withoutCorrectionWords(text)
	qs, err := c.questions()
	if err != nil || cleaned == "" {
		return false, err
	}
	countQ := isQ && cur < len(qs.Questions) && qs.Questions[cur].Kind == store.QuestionCount
	items, ok := labelledCounts(qs.Questions, 0, cleaned, 1)
	if !ok {
		return false, nil
	}
	if !isQ && !cue && !terseCount(cleaned) && !strings.Contains(cleaned, ":") || addsTo(cleaned) {
		return false, nil // at the summary "còn 5 hộ chưa hướng dẫn được", "em bổ sung thêm 2 hộ" are no new values
	}
	if isQ && !cue && !(countQ && saysNone(cleaned)) && (countQ || !terseCount(cleaned)) {
		// At a count question the answer path reads counts (but none of a thing, "vneid ko co ai", before
		// its words are read as a command); a narrative may speak of counts.
		return false, nil
	}
	if countQ && !correctsOnly(c, qs.Questions, items, cur) {
		// "em nhầm ạ, VNeID là 7", "sửa lại sổ sức khỏe 15": the counts, read without the apology by the
		// answer path (this question's, one ahead, with corrections of ones before) — never a step back.
		in := c.in
		defer func() { c.in = in }()
		c.in.Text = cleaned
		return true, reportQuestionAnswer(c)
	}
	for _, it := range items {
		if isQ && it.idx == cur {
			return false, nil // the question asked: an answer, not a correction
		}
	}
	return c.applyCorrections(qs.Questions, items)
}

// applyCorrections changes the answered items to the values given, all or none: an item not answered
// yet leaves the message to the step (false); a value its question refuses is said. Each change says
// what it was before; then the step's question again (at "which item?": the summary).
func (c *convo) applyCorrections(qs []store.Question, items []answered) (bool, error) {
	values := map[string]string{}
	var said []string
	for _, it := range items {
		q := qs[it.idx]
		old, answered := c.s.Data["a."+q.ID]
		if !answered || strings.TrimSpace(it.text) == "" {
			return false, nil // not answered yet: the batch or the questions take it in its turn
		}
		value, problem := checkAnswer(q, it.text)
		if problem != "" {
			c.say(fmt.Sprintf(textCorrectionRefused, it.idx+1, problem))
			return true, c.prompt()
		}
		values["a."+q.ID] = value
		said = append(said, fmt.Sprintf(textCorrected, it.idx+1, q.Label, shown(value))+wasBefore(old, value))
	}
	for k, v := range values {
		c.s.Data[k] = v
	}
	c.say(strings.Join(said, "\n"))
	if c.s.Step == "edit" {
		return true, c.goTo("summary")
	}
	if err := c.save(); err != nil {
		return true, err
	}
	return true, c.prompt()
}

// correctingLines corrects, at the summary or at "which item?", the answered items a message (of one
// line or several) names by number or name ("câu 8: …", "9. …", "Kinh tế số: …") or by what its counts count: all or
// none, each saying what it was before. Lines that name nothing leave the message to the step.
func (c *convo) correctingLines(text string) (bool, error) {
	qs, err := c.questions()
	if err != nil {
		return false, err
	}
	items, ok := splitAnswers(qs.Questions, 0, text)
	if !ok && strings.Contains(text, "\n") && !addsTo(text) { // (one line: correctingLabelled's, with its care)
		items, ok = labelledCounts(qs.Questions, 0, text, 1)
	}
	if !ok {
		return false, nil
	}
	return c.applyCorrections(qs.Questions, items)
}

// wasBefore says an answer's value before a change (" (trước: 5)"), or nothing when it is the same.
func wasBefore(old, value string) string {
	if old == value {
		return ""
	}
	return fmt.Sprintf(textWasBefore, shown(old))
}

// correctingSeveral applies several corrections given in one message, each "câu N là X" with its
// value, all or none: one that cannot be taken (not answered yet, the question asked now, a value the
// question refuses) leaves every answer as it was and says why.
func (c *convo) correctingSeveral(text string, cur int, isQ bool) (bool, error) {
	parts := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' })
	if len(parts) < 2 {
		return false, nil
	}
	var corrs []correction
	for _, p := range parts {
		corr, ok := parseCorrection(strings.TrimSpace(p))
		if !ok || corr.value == "" {
			return false, nil
		}
		corrs = append(corrs, corr)
	}
	qs, err := c.questions()
	if err != nil {
		return false, err
	}
	items := make([]answered, 0, len(corrs))
	for _, corr := range corrs {
		if corr.item > len(qs.Questions) {
			c.say(fmt.Sprintf(textEditWhich, len(qs.Questions)))
			return true, c.prompt()
		}
		if isQ && corr.item-1 == cur {
			return false, nil // answers as labels ("câu 3: 5, câu 4: 7" while at 3): the batch reads them
		}
		items = append(items, answered{idx: corr.item - 1, text: corr.value})
	}
	return c.applyCorrections(qs.Questions, items)
}

// switchStarts begin a message that moves the draft to another month (folded): "nhầm, em báo cáo
// tháng 11 chứ không phải tháng 10", "chuyển sang tháng 11", "báo cáo tháng 11". A narrative that
// speaks of a month ("nhiều hộ đã chuyển sang … từ tháng 10") does not start so.
var switchStarts = []string{"nham ", "em nham ", "chuyen sang ", "doi sang ", "chuyen qua ", "bao cao thang ", "bc thang ", "em bao cao thang ", "sua thanh thang "}

// plainSwitch: only switch words before the month ("nhầm, em báo cáo", "chuyển sang"), the month by its
// number, then nothing but particles or "chứ không phải tháng N".
func plainSwitch(words []string) bool {
	i := 0
	for i < len(words) {
		switch words[i] {
		case "nham", "em", "toi", "minh", "bao", "cao", "bc", "chuyen", "sang", "qua", "doi", "la", "lam", "sua", "thanh", "a", "oi",
			"roi", "giup":
			i++
			continue
		case "thang":
			if i+1 < len(words) {
				if _, err := strconv.Atoi(words[i+1]); err != nil {
					i++ // "nhầm tháng, báo cáo tháng 10"
					continue
				}
			}
		}
		break
	}
	if i >= len(words) {
		return false
	}
	rest := words[i:]
	switch {
	case rest[0] == "thang" && len(rest) > 1:
		if _, err := strconv.Atoi(rest[1]); err != nil {
			return false
		}
		rest = rest[2:]
	case len(rest[0]) > 1 && rest[0][0] == 't':
		if _, err := strconv.Atoi(rest[0][1:]); err != nil {
			return false
		}
		rest = rest[1:]
	default:
		return false
	}
	for len(rest) > 0 && (rest[0] == "nam" || len(rest[0]) == 4 && strings.Trim(rest[0], "0123456789") == "") {
		rest = rest[1:] // "năm 2026", "2026"
	}
	if _, ok := hasPrefixWords(rest, []string{"chu", "khong", "phai"}); ok {
		rest = nil // "… chứ không phải tháng 10"
	}
	if len(rest) > 0 && rest[0] == "chu" {
		rest = rest[1:] // "tháng 10 chứ"
	}
	return onlyParticles(rest)
}

// switchingMonth moves an open report draft to another month the leader names, keeping its answers:
// figures typed under the wrong month are not lost, nor filed under it. Only a month offered and not
// yet filed; a month alone ("tháng 11") at a question stays an answer.
func (c *convo) switchingMonth(text string) (bool, error) {
	if c.s == nil || c.s.Paused || c.s.Flow != "report" || c.in.Kind != KindText || c.s.Data["period"] == "" {
		return false, nil
	}
	words := wordsOf(text)
	f := strings.Join(words, " ") + " "
	if len(words) > 12 || !slices.ContainsFunc(switchStarts, func(w string) bool { return strings.HasPrefix(f, w) }) {
		return false, nil
	}
	if !plainSwitch(words) {
		return false, nil // "Chuyển sang tháng 10 mới có loa", "Nhầm mật khẩu nhiều, tháng 10 khóa 5 tài khoản"
	}
	explicit := slices.ContainsFunc(words, func(w string) bool { return w == "nham" || w == "chuyen" || w == "doi" || w == "sua" })
	team := c.s.Data["team"]
	cal, _, err := c.calendar(team)
	if err != nil {
		return false, err
	}
	// "… tháng 11 chứ không phải tháng 10": the month named first is the one meant.
	p, ok := typedPeriod(text, cal.OpenPeriod(c.tx.Now()), c.tx.Now().In(c.e.loc))
	if !ok || p.String() == c.s.Data["period"] {
		return false, nil
	}
	if !explicit {
		// "báo cáo tháng 11" while December is open may mean "November too": say how, move nothing.
		cur, _ := store.ParsePeriod(c.s.Data["period"])
		c.say(fmt.Sprintf(textSwitchHow, cur.Label(), p.Label(), int(p.Month)))
		return true, c.prompt()
	}
	offered, err := c.offeredPeriods(team)
	if err != nil {
		return false, err
	}
	if _, filed, err := c.tx.FirstFiled(team, p.String()); err != nil {
		return false, err
	} else if !offered[p.String()] || filed {
		c.say(fmt.Sprintf(textCannotSwitch, p.Label()))
		return true, c.prompt()
	}
	c.s.Data["period"] = p.String()
	c.s.Data["base"] = "0"
	if err := c.save(); err != nil {
		return true, err
	}
	c.say(fmt.Sprintf(textSwitchedMonth, p.Label()))
	return true, c.prompt()
}
