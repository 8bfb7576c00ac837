package flows

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/intent"
	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// A message can answer several questions, one a line: "8. Hướng dẫn 12 hộ…\n9. Hỗ trợ 3 hộ…", or
// by the question's name: "Kinh tế số: …". It costs one send where a question a message costs one
// each (a report by chat: 5 sends instead of 10).

// labelCau is a line starting "câu 9" (the separator after the number may be left out; "câu 105 hộ"
// is no label).
var labelCau = regexp.MustCompile(`(?i)^\s*c[aâ]u\s*(\d{1,2})\b\s*[.):–-]?\s*(.*)$`)

// labelNum is a line starting "9." "9)" "9:" "9 -"; labelRest tells the answers that start alike apart.
var labelNum = regexp.MustCompile(`^\s*(\d{1,2})\s*([.):–-])(.*)$`)

// labelRest is what follows a number and its separator when they are a label: "1.200 hồ sơ", "3:30
// chiều" (a digit right after) and "9 - 10 hộ" (a range) are answers, not labels.
func labelRest(sep, rest string) (string, bool) {
	t := strings.TrimLeft(rest, " \t")
	switch {
	case t == "":
		return "", true
	case sep == "-" || sep == "–":
		return t, !unicode.IsDigit(rune(t[0]))
	}
	return t, !unicode.IsDigit(rune(rest[0]))
}

// answered is one answer of a batch: the question's index and the text given for it.
type answered struct {
	idx  int
	text string
}

// splitAnswers reads a message of several lines as answers to question from and the ones after it.
// Each labelled line starts the answer of its question (labels only go forward); lines without a
// label continue the answer above, and first lines without one answer question from. ok is false
// when no line carries a label: the message is one answer.
func splitAnswers(qs []store.Question, from int, text string) (items []answered, ok bool) {
	text = inlineLabels(qs, from, norm.NFC.String(strings.ReplaceAll(text, "\r\n", "\n")))
	prev := from - 1
	for _, line := range strings.Split(text, "\n") {
		min := prev + 1
		preamble := len(items) == 1 && !ok // only lines without a label so far
		if preamble {
			min = from
		}
		if idx, rest, isLabel := lineLabel(qs, 0, line); isLabel && len(items) == 0 && idx < from && qs[idx].Kind == store.QuestionCount {
			if _, count, _ := vntext.ParseCount(rest, 0); count {
				// "6. 2" first, at question 7: an earlier count corrected (an inner list of a narrative
				// starts "1. Hướng dẫn…", no count).
				items = append(items, answered{idx: idx, text: rest})
				prev, ok = idx, true
				continue
			}
		}
		if idx, rest, isLabel := lineLabel(qs, min, line); isLabel {
			if preamble && idx == from {
				items = items[:0] // "Dạ em gửi báo cáo ạ" before "8. …": a greeting, not the answer
			}
			items = append(items, answered{idx: idx, text: rest})
			prev, ok = idx, true
			continue
		}
		if len(items) == 0 {
			if strings.TrimSpace(line) == "" {
				continue
			}
			items = append(items, answered{idx: from})
			prev = from
		}
		last := &items[len(items)-1]
		last.text = strings.TrimSpace(last.text + "\n" + line)
	}
	if ok && len(items) == 1 && items[0].text == "" && !strings.Contains(text, "\n") {
		return nil, false // "12." alone is a count, not question 12 left empty
	}
	return items, ok
}

// inlineLabels puts on lines of their own the answers of one line that names two questions or more
// ("Chính quyền số: … Kinh tế số: … Xã hội số: …"): each name before a colon starts a line.
func inlineLabels(qs []store.Question, from int, text string) string {
	if strings.Contains(text, "\n") || strings.Count(text, ":") < 2 {
		return text
	}
	pieces := strings.Split(text, ":")
	var b strings.Builder
	b.WriteString(pieces[0])
	cuts := 0
	for k := 1; k < len(pieces); k++ {
		piece := pieces[k]
		if k < len(pieces)-1 {
			// The words at the end of this piece that name a question are the next label.
			words := strings.Fields(piece)
			for n := min(len(words), 6); n >= 1; n-- {
				name := strings.Join(words[len(words)-n:], " ")
				if _, _, named := namedLabelAt(qs, from, name+":"); named && n < len(words) {
					head := strings.TrimRight(strings.Join(words[:len(words)-n], " "), " ,;")
					piece, cuts = " "+head+"\n"+name, cuts+1
					break
				}
			}
		}
		b.WriteString(":" + piece)
	}
	if cuts == 0 {
		return text
	}
	return b.String()
}

// namedLabelAt tells whether line starts with the name of a question from from on.
func namedLabelAt(qs []store.Question, from int, line string) (int, string, bool) {
	for j := from; j < len(qs); j++ {
		if _, after, named := namedLabel(qs, j, line); named {
			return j, after, true
		}
	}
	return 0, "", false
}

// lineLabel tells whether line starts with the number or the name of a question at index min or
// later, and gives the rest of the line.
func lineLabel(qs []store.Question, min int, line string) (idx int, rest string, ok bool) {
	var num string
	if m := labelCau.FindStringSubmatch(line); m != nil {
		num, rest = m[1], m[2]
	} else if m := labelNum.FindStringSubmatch(line); m != nil {
		if r, isLabel := labelRest(m[2], m[3]); isLabel {
			num, rest = m[1], r
		}
	}
	if num != "" {
		n, _ := strconv.Atoi(num)
		if n-1 < min || n > len(qs) {
			return 0, "", false
		}
		rest = strings.TrimSpace(rest)
		if j, after, named := namedLabel(qs, n-1, rest); named && j == n-1 {
			rest = after // "8. Chính quyền số: …"
		}
		return n - 1, rest, true
	}
	for j := min; j < len(qs); j++ {
		if _, after, named := namedLabel(qs, j, line); named {
			return j, after, true
		}
	}
	return 0, "", false
}

// namedLabel tells whether line starts with question j's name and a colon ("Kinh tế số: …",
// "Khó khăn: …").
func namedLabel(qs []store.Question, j int, line string) (int, string, bool) {
	head, after, found := strings.Cut(line, ":")
	if !found || len([]rune(head)) > 60 {
		return 0, "", false
	}
	h := trimNameWords(vntext.Fold(head))
	if h == "" {
		return 0, "", false
	}
	for _, name := range questionNames(qs[j]) {
		if h == name {
			return j, strings.TrimSpace(after), true
		}
	}
	return 0, "", false
}

// questionNames are the folded ways a line may name a question: its label, its pillar, the label's
// first part ("khó khăn" of "Khó khăn, vướng mắc").
func questionNames(q store.Question) []string {
	names := []string{trimNameWords(vntext.Fold(q.Label))}
	if q.Pillar != "" {
		names = append(names, vntext.Fold(q.Pillar))
	}
	if first, _, cut := strings.Cut(q.Label, ","); cut {
		names = append(names, trimNameWords(vntext.Fold(first)))
	}
	return names
}

// trimNameWords drops the words a name may start with ("kết quả về chính quyền số").
func trimNameWords(f string) string {
	for _, w := range []string{"ket qua ve ", "ket qua ", "ve ", "mang "} {
		f = strings.TrimPrefix(f, w)
	}
	return f
}

// answerBatch keeps the answers of one message to several questions, or none of them when one is
// refused (saying which), and moves to the first question it left unanswered.
func (c *convo) answerBatch(qs []store.Question, i int, items []answered) error {
	values := make([]string, len(items))
	for k, it := range items {
		q := qs[it.idx]
		if it.text == "" || c.e.intents.Classify(it.text, intent.Text).Intent == intent.Skip {
			if !q.Optional {
				c.say(fmt.Sprintf(textBatchRequired, it.idx+1))
				return c.prompt()
			}
			continue // values[k] stays "": skipped
		}
		value, problem := checkAnswer(q, it.text)
		if problem != "" {
			c.say(fmt.Sprintf(textBatchProblem, it.idx+1, strings.TrimSuffix(problem, ".")))
			return c.prompt()
		}
		values[k] = value
	}
	ahead := c.ahead()
	nums := make([]string, len(items))
	for k, it := range items {
		c.s.Data["a."+qs[it.idx].ID] = values[k]
		if it.idx > i {
			ahead[it.idx] = true
		}
		nums[k] = strconv.Itoa(it.idx + 1)
	}
	c.say(fmt.Sprintf(textBatchTaken, joinNumbers(nums)))
	if !slices.ContainsFunc(items, func(it answered) bool { return it.idx == i }) { // the question asked was left out: asked again, the others kept
		c.setAhead(ahead)
		if err := c.save(); err != nil {
			return err
		}
		return c.prompt()
	}
	c.setAhead(ahead)
	return c.nextQuestion(i, len(qs))
}

// ahead is the set of questions answered before they were asked (in a message answering several).
func (c *convo) ahead() map[int]bool {
	set := map[int]bool{}
	for _, s := range strings.Split(c.s.Data["ahead"], ",") {
		if n, err := strconv.Atoi(s); err == nil {
			set[n] = true
		}
	}
	return set
}

func (c *convo) setAhead(set map[int]bool) {
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(set)) {
		parts = append(parts, strconv.Itoa(n))
	}
	if len(parts) == 0 {
		delete(c.s.Data, "ahead")
		return
	}
	c.s.Data["ahead"] = strings.Join(parts, ",")
}

// joinNumbers says "8", "8 và 9", "8, 9 và 11".
func joinNumbers(nums []string) string {
	if len(nums) < 2 {
		return strings.Join(nums, "")
	}
	return strings.Join(nums[:len(nums)-1], ", ") + " và " + nums[len(nums)-1]
}

// textRunEnd is the last of the text questions that follow question i without a count between.
func textRunEnd(qs []store.Question, i int) int {
	j := i
	for j+1 < len(qs) && qs[j+1].Kind == store.QuestionText {
		j++
	}
	return j
}

// batchHint shows how to answer questions first to last in one message: a line each.
func batchHint(first, last int) string {
	var b strings.Builder
	fmt.Fprintf(&b, textBatchHint, first+1, last+1)
	for k := first; k <= last; k++ {
		fmt.Fprintf(&b, "\n%d. …", k+1)
	}
	b.WriteString(")")
	return b.String()
}

// answersByLine tells whether text, at a report question, answers by line ("9. …", "Kinh tế số: …"):
// then it is answers, whatever command words are in it ("11. bỏ qua\n12. bỏ qua" skips both questions,
// it is not one "bỏ qua").
func (c *convo) answersByLine(text string) bool {
	if c.s == nil || c.s.Paused || c.s.Flow != "report" || c.in.Kind != KindText {
		return false
	}
	i, isQ := questionIndex(c.s.Step)
	qs, err := c.questions()
	if !isQ || err != nil || i >= len(qs.Questions) {
		return false
	}
	_, ok := splitAnswers(qs.Questions, i, text)
	return ok
}
