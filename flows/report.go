package flows

import (
	"fmt"
	"golang.org/x/text/unicode/norm"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

var reportSteps = map[string]step{
	"team":     {prompt: reportTeamPrompt, answer: reportTeamAnswer},
	"period":   {prompt: reportPeriodPrompt, answer: reportPeriodAnswer},
	"existing": {prompt: reportExistingPrompt, answer: reportExistingAnswer},
	"q":        {prompt: reportQuestionPrompt, answer: reportQuestionAnswer},
	"summary":  {prompt: reportSummaryPrompt, answer: reportSummaryAnswer},
	"edit":     {prompt: reportEditPrompt, answer: reportEditAnswer},
	"drop":     {prompt: reportDropPrompt, answer: reportDropAnswer, owns: func(_ *convo, text string) bool { return plainDrop(text) }}, // "huy ban nhap", "ừ hủy"
}

// questionStep names the step of question i ("q0", "q1"…) so "quay lại" walks back through them.
func questionStep(i int) string { return "q" + strconv.Itoa(i) }

func questionIndex(step string) (int, bool) {
	if len(step) < 2 || step[0] != 'q' {
		return 0, false
	}
	i, err := strconv.Atoi(step[1:])
	return i, err == nil
}

// stepKey maps a session step to its entry in steps.
func stepKey(flow, step string) string {
	if _, ok := questionIndex(step); ok && flow == "report" {
		return "report.q"
	}
	return flow + "." + step
}

// startReport checks who may file and for which team.
func (c *convo) startReport() error {
	roles, err := c.tx.RolesOf(c.in.UserID)
	if err != nil {
		return err
	}
	var teams []string
	for _, m := range roles {
		if m.Role == store.RoleLeader || m.Role == store.RoleDeputy {
			teams = append(teams, m.Team)
		}
	}
	// "báo cáo tháng 11", "bc tháng này": the month comes with the command.
	data := map[string]string{}
	if c.in.Kind == KindText {
		data["typed"] = c.in.Text
		if counts := countsAfterCommand(c.in.Text); counts != "" {
			data["counts"] = counts // "bc t11: 15 hộ, 20 hồ sơ": answers once the month is chosen
		}
	}
	switch {
	case len(teams) == 1:
		data["team"] = teams[0]
		return c.begin("report", "period", data)
	case len(teams) > 1:
		return c.begin("report", "team", data)
	case len(roles) > 0:
		return c.whoFiles(roles[0].Team)
	}
	if _, officer, err := c.officerOf(c.in.UserID, ""); err != nil {
		return err
	} else if officer {
		return c.officerWords(cmdStatus) // an officer's "bc t9", "tổ nào đã nộp báo cáo tháng 11?": the digest
	}
	c.say(textReportNotLeader)
	return c.menu()
}

// whoFiles tells a member who files for their team.
func (c *convo) whoFiles(team string) error {
	t, _, _ := c.tx.Team(team)
	roster, err := c.tx.Roster(team)
	if err != nil {
		return err
	}
	var names []string
	for _, m := range roster {
		if m.Role == store.RoleLeader || m.Role == store.RoleDeputy {
			names = append(names, roleText(m.Role)+" "+c.personName(m.ZaloID))
		}
	}
	if len(names) == 0 {
		c.say(fmt.Sprintf(textReportNobody, t.Name))
		return nil
	}
	c.say(fmt.Sprintf(textReportWhoFiles, t.Name, strings.Join(names, ", ")))
	return nil
}

func reportTeamPrompt(c *convo) error {
	roles, err := c.tx.RolesOf(c.in.UserID)
	if err != nil {
		return err
	}
	var buttons []Button
	for _, m := range roles {
		if (m.Role == store.RoleLeader || m.Role == store.RoleDeputy) && len(buttons) < maxChoices {
			t, _, _ := c.tx.Team(m.Team)
			buttons = append(buttons, Button{Title: t.Name, Payload: "#team:" + t.Code})
		}
	}
	c.say(textReportPickTeam, buttons...)
	return nil
}

func reportTeamAnswer(c *convo) error {
	code, ok := strings.CutPrefix(strings.TrimSpace(c.in.Text), "#team:")
	if role := c.tx.RoleIn(code, c.in.UserID); !ok || (role != store.RoleLeader && role != store.RoleDeputy) {
		return c.prompt()
	}
	c.s.Data["team"] = code
	return c.goTo("period")
}

// calendar is the team's deadline rule.
func (c *convo) calendar(team string) (store.Calendar, store.EffectivePolicy, error) {
	pol, err := c.tx.EffectivePolicy(team)
	if err != nil {
		return store.Calendar{}, pol, err
	}
	return pol.Calendar(c.e.loc), pol, nil
}

func reportPeriodPrompt(c *convo) error {
	team := c.s.Data["team"]
	cal, _, err := c.calendar(team)
	if err != nil {
		return err
	}
	open := cal.OpenPeriod(c.tx.Now())
	if typed := c.s.Data["typed"]; typed != "" {
		delete(c.s.Data, "typed") // once: a prompt again later asks
		if p, ok := typedPeriod(typed, open, c.tx.Now().In(c.e.loc)); ok {
			if offered, err := c.offeredPeriods(team); err != nil {
				return err
			} else if offered[p.String()] {
				return c.choosePeriod(p)
			}
		}
	}
	prev := open.Prev()
	_, prevFiled, err := c.tx.FirstFiled(team, prev.String())
	if err != nil {
		return err
	}
	t, _, _ := c.tx.Team(team)
	if !prevFiled && t.ExpectedFor(cal.PeriodStart(prev)) {
		// An overdue earlier month comes first: it is the one officers are waiting for.
		c.say(fmt.Sprintf(textReportPickPeriod, prev.Label()),
			Button{Title: strings.ToUpper(prev.Label()[:1]) + prev.Label()[1:] + " (quá hạn)", Payload: "#period:" + prev.String()},
			Button{Title: strings.ToUpper(open.Label()[:1]) + open.Label()[1:], Payload: "#period:" + open.String()})
		return nil
	}
	return c.choosePeriod(open)
}

func reportPeriodAnswer(c *convo) error {
	code, ok := strings.CutPrefix(strings.TrimSpace(c.in.Text), "#period:")
	p, err := store.ParsePeriod(code)
	if !ok {
		cal, _, cerr := c.calendar(c.s.Data["team"])
		if cerr != nil {
			return cerr
		}
		p, ok = typedPeriod(c.in.Text, cal.OpenPeriod(c.tx.Now()), c.tx.Now().In(c.e.loc))
		err = nil
		if m, _ := monthIn(wordsOf(c.in.Text)); !ok && m != 0 {
			c.say(textPeriodNotOffered) // "chị báo cáo tháng 12 nhé" when December is not open: say so
			return c.prompt()
		}
	}
	if !ok || err != nil {
		return c.prompt()
	}
	offered, err := c.offeredPeriods(c.s.Data["team"])
	if err != nil {
		return err
	}
	if !offered[p.String()] {
		// Only what the bot offered can be filed: a crafted "#period:2099-12" is refused and logged.
		c.e.Log.Warn().Str("user", c.in.UserID).Str("team", c.s.Data["team"]).Str("period", code).Msg("report: a period that was not offered")
		c.say(textPeriodNotOffered)
		return c.prompt()
	}
	return c.choosePeriod(p)
}

// typedPeriod reads the month a leader typed instead of tapping it: "tháng 12", "T12", "12/2026",
// "tháng 12 năm 2026", a month number alone; "tháng này" and "tháng trước" as the calendar says on
// the day (on 3 December "tháng trước" is November, whatever the reporting calendar); "quá hạn" the
// overdue one, before open. Figures are not months: "10, 12, 3" says nothing. The caller checks that
// the month is one offered.
func typedPeriod(text string, open store.Period, now time.Time) (store.Period, bool) {
	words := wordsOf(text)
	month, year := monthIn(words)
	if month != 0 {
		for _, p := range []store.Period{open, open.Prev()} {
			if int(p.Month) == month && (year == 0 || year == p.Year) {
				return p, true
			}
		}
		return store.Period{}, false
	}
	f := " " + strings.Join(words, " ") + " "
	this := store.Period{Year: now.Year(), Month: now.Month()}
	switch {
	case strings.Contains(f, " qua han ") || strings.Contains(f, " tre han "):
		return open.Prev(), true
	case strings.Contains(f, " truoc "):
		return this.Add(-1), true
	case strings.Contains(f, " nay ") || strings.Contains(f, " hien tai "):
		return this, true
	}
	return store.Period{}, false
}

// monthIn finds a month named in folded words: "thang 12", "t12", "thang 12 nam 2026", "12", "12 2026"
// (a number alone, or with a year, is a month only when it is the whole message); 0 when none.
func monthIn(words []string) (month, year int) {
	number := func(w string, lo, hi int) int {
		if n, err := strconv.Atoi(w); err == nil && n >= lo && n <= hi && len(w) <= 4 {
			return n
		}
		return 0
	}
	for i, w := range words {
		switch {
		case (w == "thang" || w == "t") && i+1 < len(words):
			month = number(words[i+1], 1, 12)
		case len(w) > 1 && w[0] == 't' && w != "thang":
			month = number(w[1:], 1, 12) // "t11"
		default:
			continue
		}
		if month == 0 {
			continue
		}
		for _, y := range words[i+1:] {
			if n := number(y, 2000, 2100); n != 0 {
				year = n
				break
			}
		}
		return month, year
	}
	if len(words) >= 1 && len(words) <= 2 { // "11", "11 2026": a month alone
		if month = number(words[0], 1, 12); month != 0 && len(words) == 2 {
			if year = number(words[1], 2000, 2100); year == 0 {
				month = 0
			}
		}
	}
	return month, year
}

// askedPeriod is the month an officer names in a question about reports ("tình hình báo cáo tháng
// 10", "#baocao t11", "tháng trước"): the latest such month not after now; zero when none is named.
func askedPeriod(text string, now time.Time) store.Period {
	words := wordsOf(text)
	this := store.Period{Year: now.Year(), Month: now.Month()}
	month, year := monthIn(words)
	switch {
	case month != 0 && year != 0:
		return store.Period{Year: year, Month: time.Month(month)}
	case month != 0:
		p := store.Period{Year: now.Year(), Month: time.Month(month)}
		if this.Before(p) {
			p.Year--
		}
		return p
	}
	f := " " + strings.Join(words, " ") + " "
	switch {
	case strings.Contains(f, " thang truoc "):
		return this.Add(-1)
	case strings.Contains(f, " thang nay "):
		return this
	}
	return store.Period{}
}

// offeredPeriods are the periods a team may file now: the open one, and the one before while it is overdue.
func (c *convo) offeredPeriods(team string) (map[string]bool, error) {
	cal, _, err := c.calendar(team)
	if err != nil {
		return nil, err
	}
	open := cal.OpenPeriod(c.tx.Now())
	out := map[string]bool{open.String(): true}
	t, _, _ := c.tx.Team(team)
	if _, filed, err := c.tx.FirstFiled(team, open.Prev().String()); err != nil {
		return nil, err
	} else if !filed && t.ExpectedFor(cal.PeriodStart(open.Prev())) {
		out[open.Prev().String()] = true // overdue, and the team existed when it began
	}
	return out, nil
}

// choosePeriod starts the questions, or offers a correction when the period is already filed.
func (c *convo) choosePeriod(p store.Period) error {
	c.s.Data["period"] = p.String()
	latest, filed, err := c.tx.LatestReport(c.s.Data["team"], p.String())
	if err != nil {
		return err
	}
	// The version this draft starts from: filing over a newer one is shown first.
	c.s.Data["base"] = strconv.Itoa(latest.Version)
	counts := c.s.Data["counts"]
	delete(c.s.Data, "counts")
	if filed {
		for id, a := range latest.Answers {
			c.s.Data["a."+id] = a
		}
		c.s.Data["photos"] = strings.Join(latest.Photos, "\n")
		return c.goTo("existing")
	}
	if counts != "" {
		return c.answerWithCommand(counts)
	}
	return c.goTo(questionStep(0))
}

// reportCommand is the command word a report may start with, after a few words ("tổ 5 báo cáo …",
// "xóm 7 bc …"): what follows it, less its month, may be the first answers.
var reportCommand = regexp.MustCompile(`(?i)(?:^|[\s,.:;(])(?:báo\s*cáo|bao\s*cao|bcao|bc)(?:$|[\s,.:;)\-–])`)

// reportMonthWords are the month a command names ("t11", "tháng 11/2026", "tháng này", "năm 2026").
var reportMonthWords = regexp.MustCompile(`(?i)(?:^|[\s,.:;(])(?:(?:tháng|thang|thg|t)\s*\d{1,2}(?:\s*[/-]\s*\d{4})?` +
	`|(?:tháng|thang|thg)\s+(?:này|nay|trước|truoc|trc)|(?:năm|nam)\s+\d{4}|\d{1,2}\s*/\s*\d{4}|hôm nay|hom nay)(?:$|[\s,.:;)])`)

// countsAfterCommand is what a report command carries after its command and month when it holds a
// number ("bc t11: 15 hộ, 20 hồ sơ" → "15 hộ, 20 hồ sơ"); "" when nothing, or when it is only one or
// two numbers without a word ("báo cáo 11", "bc 11/2026": the month).
func countsAfterCommand(text string) string {
	text = norm.NFC.String(text)
	loc := reportCommand.FindStringIndex(text)
	if loc == nil || loc[0] > 40 {
		return ""
	}
	rest := text[loc[1]:]
	for { // "tháng 11 năm 2026": each month word goes
		cut := reportMonthWords.ReplaceAllString(rest, " ")
		if cut == rest {
			break
		}
		rest = cut
	}
	rest = strings.Trim(rest, " \t\n-–:,.;")
	nums := labelledNumber.FindAllString(rest, -1)
	words := strings.Trim(vntext.Fold(labelledNumber.ReplaceAllString(rest, " ")), " ")
	if len(nums) == 0 || (len(nums) <= 2 && (words == "" || words == "nam")) {
		return ""
	}
	return rest
}

// answerWithCommand takes the counts a report command carried as the first answers, under the report's
// heading, when each says what it counts; else it says so and asks the first question.
func (c *convo) answerWithCommand(counts string) error {
	qs, err := c.questions()
	if err != nil {
		return err
	}
	// Counts that say what they count ("15 hộ", "VNeID: 5"), or a list of three or more in order ("12,
	// 30, 5"): one or two bare numbers after a command may be anything (a team, a day).
	items, ok := labelledCounts(qs.Questions, 0, counts, 1)
	parts := vntext.SplitCounts(counts)
	if room := len(countTargets(qs.Questions, 0, nil)); !ok && len(parts) > room && len(parts) >= 3 {
		// "bc t11: 12, 30, 5, 8, 2, 40, 1" with six count questions: said, not dropped without a word.
		c.say(fmt.Sprintf(textTooManyCounts, len(parts), room, 1, room))
		return c.goTo(questionStep(0))
	}
	if !ok && len(parts) >= 3 && positionalFits(qs.Questions, countTargets(qs.Questions, 0, nil), parts) {
		for k, p := range parts {
			if k < len(qs.Questions) && qs.Questions[k].Kind == store.QuestionCount {
				items = append(items, answered{idx: k, text: p})
			}
		}
		ok = len(items) == len(parts)
	}
	if !ok {
		c.say(textCountsNotRead)
		return c.goTo(questionStep(0))
	}
	c.s.Stack = append(c.s.Stack, c.s.Step)
	c.s.Step = questionStep(0)
	c.say(c.reportHeading())
	return c.answerLabelled(qs.Questions, 0, items)
}

func reportExistingPrompt(c *convo) error {
	latest, _, err := c.tx.LatestReport(c.s.Data["team"], c.s.Data["period"])
	if err != nil {
		return err
	}
	p, _ := store.ParsePeriod(c.s.Data["period"])
	c.say(fmt.Sprintf(textReportAlreadyFiled, p.Label(), c.fmtTime(latest.FiledAt), latest.Version),
		Button{Title: "Sửa báo cáo", Payload: "sửa"}, btnCancel)
	return nil
}

func reportExistingAnswer(c *convo) error {
	if f := vntext.Fold(c.in.Text); f == "sua" || isYes(c.in.Text) || plainAct(c.in.Text, func(t string) bool {
		w := wordsOf(t)
		for len(w) > 0 && (leadWords[w[0]] || vntext.IsYes(w[0])) {
			w = w[1:] // "ok sửa", "vâng, sửa ạ"
		}
		return len(w) > 0 && w[0] == "sua" && onlyParticles(w[1:])
	}) {
		c.s.Data["correction"] = "1"
		return c.goTo("summary")
	}
	if isNo(c.in.Text) {
		return c.command(cmdCancel)
	}
	return c.prompt()
}

func (c *convo) questions() (store.QuestionSet, error) { return c.questionSet(c.s.Data["team"]) }

func reportQuestionPrompt(c *convo) error {
	qs, err := c.questions()
	if err != nil {
		return err
	}
	i, _ := questionIndex(c.s.Step)
	if i >= len(qs.Questions) {
		return c.goTo("summary")
	}
	q := qs.Questions[i]
	text := fmt.Sprintf(textQuestion, i+1, len(qs.Questions), q.Label)
	offer := ""
	if i == 0 && c.s.Data["edit"] != "1" {
		// The first question says which month and which deadline (no extra message to send), and
		// offers the whole report as one web form: two sends for a report instead of one a question.
		text = c.reportHeading() + "\n" + text
		if c.e.deps.Forms != nil {
			link, err := c.e.deps.Forms.FormLink(c.tx, c.in.UserID, c.s.Data["team"], c.s.Data["period"])
			if err != nil {
				return err
			}
			if link != "" {
				offer = fmt.Sprintf(textFormOffer, link)
			}
		}
	}
	if q.Kind == store.QuestionCount {
		if c.s.Data["edit"] != "1" && i+1 < len(qs.Questions) && qs.Questions[i+1].Kind == store.QuestionCount {
			text += textQuestionCountsHint // the counts that follow can come in one message
		} else {
			text += textQuestionCountHint
		}
	} else if last := textRunEnd(qs.Questions, i); c.s.Data["edit"] != "1" && last > i && (i == 0 || qs.Questions[i-1].Kind != store.QuestionText) {
		text += batchHint(i, last) // the narratives that follow can come in one message, a line each
	} else if q.Pillar != "" {
		text += textQuestionTextHint
	}
	if q.Optional {
		text += textQuestionOptional
	}
	if old, ok := c.s.Data["a."+q.ID]; ok {
		text += fmt.Sprintf(textQuestionCurrent, shown(old)) // correcting it, or back at it
	}
	c.say(text + offer)
	return nil
}

func reportQuestionAnswer(c *convo) error {
	if c.in.Kind == KindAttachment {
		return c.addPhoto()
	}
	qs, err := c.questions()
	if err != nil {
		return err
	}
	i, _ := questionIndex(c.s.Step)
	if i >= len(qs.Questions) {
		return c.goTo("summary")
	}
	q := qs.Questions[i]
	text := strings.TrimSpace(c.in.Text)
	if c.in.Kind != KindText || text == "" || strings.HasPrefix(text, "#") {
		return c.prompt()
	}
	if id, yes, why, ok := typedRequestDecision(text); ok && c.decisionMidReport(text, id) {
		// "giới thiệu 18", "duyệt 18" in the middle of the report: the request decided, not a count of 18.
		if err := c.decideTyped(id, yes, why); err != nil || c.s.Flow != "report" {
			return err // (a refusal's reason asked first: the report comes back after it)
		}
		return c.prompt()
	}
	if c.s.Data["a."+q.ID] != "" && keepsAnswer(text) {
		return c.nextQuestion(i, len(qs.Questions)) // "giữ nguyên" at "Hiện tại: 20" (correcting, or back at it): it stays 20
	}
	if q.Kind == store.QuestionCount {
		switch {
		case asks(text) && hasDigit(text):
			c.say(fmt.Sprintf(textCountAsked, i+1)) // "có 30 hộ nhưng 5 hộ ở thôn khác thì có tính không?"
			return c.prompt()
		case unsureCount(text):
			c.say(textCountUnsure) // "hình như hơn 20", "5 hay 6"
			return c.prompt()
		}
		text = takenBack(text) // "27 tk, à không, 29 tk": the one said last
	}
	if q.Kind == store.QuestionCount && c.s.Data["edit"] != "1" {
		// Counts with what they count come first: "Câu 1: 18, câu 2: 25" is one line of several answers.
		if items, ok := labelledCounts(qs.Questions, i, text, 2); ok {
			return c.answerLabelled(qs.Questions, i, items)
		}
	}
	if items, ok := splitAnswers(qs.Questions, i, text); ok {
		if c.s.Data["edit"] != "1" {
			return c.answerBatch(qs.Questions, i, items)
		}
		if len(items) > 1 || items[0].idx != i {
			c.say(textOneAnswerOnly) // correcting one item: the others stay as they are
			return c.prompt()
		}
		text = items[0].text // "8. …" while correcting 8
	}
	if q.Kind == store.QuestionCount {
		parts := vntext.SplitCounts(withoutFillers(text))
		if parts != nil && positionalFits(qs.Questions, c.listTargets(qs.Questions, i, len(parts)), parts) {
			return c.answerCounts(qs.Questions, i, parts)
		}
		switch it, ok, other := countNamed(qs.Questions, i, text); {
		case ok && it.idx == i:
			if _, plain, _ := vntext.ParseCount(text, 0); !plain && !strings.Contains(text, "-") {
				text = it.text // "Số hộ: 33", "em hướng dẫn được 52 hộ" (a sign, a range are told as before)
			}
		case ok && c.s.Data["edit"] != "1":
			return c.answerLabelled(qs.Questions, i, []answered{it}) // "VNeID 15 ạ" at question 1
		case other:
			c.say(fmt.Sprintf(textCountOfOther, i+1, q.Label))
			return c.prompt()
		}
	}
	if answer, ok := answerThenSend(text); ok && q.Kind != store.QuestionCount && c.s.Data["edit"] != "1" {
		return c.answerAndSend(qs.Questions, i, answer) // "không có, gửi luôn": this answer, then on to sending
	}
	if q.Kind != store.QuestionCount && plainSend(text) && c.s.Data["edit"] != "1" {
		// "gửi luôn đi" at question 4 says to send, it is no answer: the report is sent from its summary.
		c.say(fmt.Sprintf(textSendFromSummary, len(qs.Questions)-i))
		return c.prompt()
	}
	value, problem := checkAnswer(q, text)
	if problem != "" {
		c.say(problem)
		return c.prompt()
	}
	c.s.Data["a."+q.ID] = value
	return c.nextQuestion(i, len(qs.Questions))
}

// decisionMidReport: words read as deciding request id that, typed at a report's question, are that —
// a decision verb first (after "dạ", "ok"…: firstDecisionVerb), nothing a count question names ("ok 1 hộ ạ" is a count), and the
// request waiting for this person.
func (c *convo) decisionMidReport(text, id string) bool {
	if _, verb := firstDecisionVerb(wordsOf(text)); !verb {
		return false
	}
	qs, err := c.questions()
	if err != nil {
		return false
	}
	if _, df := countQuestionTerms(qs.Questions); namesAny(countTerms(text), df) {
		return false
	}
	waiting, err := c.waitingFor(c.in.UserID)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(waiting, func(r store.Request) bool { return sameRequest(strconv.FormatUint(r.ID, 10), id) })
}

// answerThenSend reads "<answer>, gửi luôn" ("không có, gửi luôn", "tổ đã tuyên truyền 3 buổi. Gửi
// nhé"): the last clause says to send, what comes before it is the answer.
func answerThenSend(text string) (answer string, ok bool) {
	cls := clausesOf(text)
	if len(cls) < 2 || !plainSend(cls[len(cls)-1].typed) {
		return "", false
	}
	at := strings.LastIndex(text, cls[len(cls)-1].typed)
	if at <= 0 {
		return "", false
	}
	answer = strings.TrimRight(text[:at], " \t\n,.;!…")
	if answer == "" || plainSend(answer) || asks(answer) {
		return "", false
	}
	return answer, true
}

// answerAndSend keeps answer to question i ("không có" to an optional one skips it) and goes to the
// summary, where the report is sent, when no required question is left unanswered; else it says how
// many are left and asks the next.
func (c *convo) answerAndSend(qs []store.Question, i int, answer string) error {
	q := qs[i]
	value := ""
	if !q.Optional || !vntext.IsZeroWords(answer) {
		v, problem := checkAnswer(q, answer)
		if problem != "" {
			c.say(problem)
			return c.prompt()
		}
		value = v
	}
	c.s.Data["a."+q.ID] = value
	ahead := c.ahead()
	left := 0
	for j := i + 1; j < len(qs); j++ {
		if !qs[j].Optional && !ahead[j] && c.s.Data["a."+qs[j].ID] == "" {
			left++
		}
	}
	if left == 0 {
		delete(c.s.Data, "ahead")
		return c.goTo("summary")
	}
	c.say(fmt.Sprintf(textSendFromSummary, len(qs)-i-1))
	return c.nextQuestion(i, len(qs))
}

// checkAnswer is one answer as it is kept (a count as digits), or why it is refused: the chat and the
// form check answers the same way.
func checkAnswer(q store.Question, text string) (value, problem string) {
	if q.Kind == store.QuestionCount {
		n, ok, reason := vntext.ParseCount(text, countMax(q))
		if !ok {
			return text, reason
		}
		return strconv.FormatInt(n, 10), ""
	}
	if len([]rune(text)) > 2000 {
		return text, textAnswerTooLong
	}
	if vntext.IsCourtesy(text) {
		// "cảm ơn", "ok", "👍", "xong" between answers: not what the question asks.
		return text, textNotAnAnswer
	}
	if t := strings.Trim(text, " .,"); t != "0" && t != "" && strings.Trim(t, "0123456789 .,") == "" {
		return text, textNarrativeNumber // "15" at "Kết quả về chính quyền số?": a count meant elsewhere?
	}
	return text, ""
}

// countMax is a count question's upper bound.
func countMax(q store.Question) int64 {
	if q.Max <= 0 {
		return 100000
	}
	return q.Max
}

// answerCounts takes several counts in one message ("12, 30, 5") for question i and the count questions
// right after it, says what it understood (in the same message as the next question) and moves on.
// Nothing is kept unless every number fits its question.
func (c *convo) answerCounts(qs []store.Question, i int, parts []string) error {
	if c.s.Data["edit"] == "1" {
		c.say(textOneCountOnly)
		return c.prompt()
	}
	targets := c.listTargets(qs, i, len(parts))
	if len(parts) > len(targets) {
		last := targets[len(targets)-1]
		if last-i+1 == len(targets) {
			c.say(fmt.Sprintf(textTooManyCounts, len(parts), len(targets), i+1, last+1))
		} else {
			nums := make([]string, len(targets))
			for k, t := range targets {
				nums[k] = strconv.Itoa(t + 1)
			}
			c.say(fmt.Sprintf(textTooManyCountsLeft, len(parts), len(targets), joinNumbers(nums)))
		}
		return c.prompt()
	}
	values := make([]int64, len(parts))
	for k, p := range parts {
		n, ok, reason := vntext.ParseCount(p, countMax(qs[targets[k]]))
		if !ok {
			c.say(fmt.Sprintf(textCountInList, targets[k]+1, p, reason))
			return c.prompt()
		}
		values[k] = n
	}
	var b strings.Builder
	b.WriteString(textCountsTaken)
	for k, n := range values {
		q := qs[targets[k]]
		old, had := c.s.Data["a."+q.ID]
		c.s.Data["a."+q.ID] = strconv.FormatInt(n, 10)
		fmt.Fprintf(&b, "\n%d. %s: %s", targets[k]+1, q.Label, vntext.FormatNumber(n))
		if had {
			b.WriteString(wasBefore(old, c.s.Data["a."+q.ID]))
		}
	}
	c.say(b.String())
	return c.nextQuestion(targets[len(values)-1], len(qs))
}

// answerLabelled keeps counts given with what they count ("Số hộ: 30 / VNeID: 15"), each on the question
// it names, says what it understood (with the next question) and moves on — or asks question i again
// when it was not among them. Nothing is kept unless every number fits its question.
func (c *convo) answerLabelled(qs []store.Question, i int, items []answered) error {
	items = slices.Clone(items)
	slices.SortStableFunc(items, func(a, b answered) int { return a.idx - b.idx })
	values := make([]int64, len(items))
	for k, it := range items {
		n, ok, reason := vntext.ParseCount(it.text, countMax(qs[it.idx]))
		if !ok {
			c.say(fmt.Sprintf(textCountInList, it.idx+1, it.text, reason))
			return c.prompt()
		}
		values[k] = n
	}
	ahead := c.ahead()
	answeredI := false
	var b strings.Builder
	b.WriteString(textCountsTaken)
	for k, it := range items {
		old, had := c.s.Data["a."+qs[it.idx].ID]
		c.s.Data["a."+qs[it.idx].ID] = strconv.FormatInt(values[k], 10)
		switch {
		case it.idx == i:
			answeredI = true
		case it.idx > i:
			ahead[it.idx] = true // answered before its turn (an earlier one was corrected)
		}
		fmt.Fprintf(&b, "\n%d. %s: %s", it.idx+1, qs[it.idx].Label, vntext.FormatNumber(values[k]))
		if had {
			b.WriteString(wasBefore(old, c.s.Data["a."+qs[it.idx].ID])) // a correction: what it was
		}
	}
	c.say(b.String())
	c.setAhead(ahead)
	if !answeredI { // the question asked was left out: asked again, the others kept
		if err := c.save(); err != nil {
			return err
		}
		return c.prompt()
	}
	return c.nextQuestion(i, len(qs))
}

// listTargets are the questions a list of n counts by position fills from question i: those not
// answered before their turn (countTargets), or, when n does not fit them but fits the questions in a
// row, those (answered before or not: the change is shown).
func (c *convo) listTargets(qs []store.Question, i, n int) []int {
	targets := countTargets(qs, i, c.ahead())
	if all := countTargets(qs, i, nil); n > len(targets) && n <= len(all) {
		return all
	}
	return targets
}

// nextQuestion moves on from question i to the next one not answered already (ahead of its turn),
// or to the summary.
func (c *convo) nextQuestion(i, n int) error {
	ahead := c.ahead()
	j := i + 1
	for j < n && ahead[j] {
		j++
	}
	if resume := c.s.Data["resume"]; c.s.Data["edit"] == "1" && resume != "" {
		// An item corrected in the middle of the questions ("sửa câu 1"): back where they were.
		delete(c.s.Data, "edit")
		delete(c.s.Data, "resume")
		return c.goTo(resume)
	}
	if c.s.Data["edit"] == "1" || j >= n {
		delete(c.s.Data, "edit")
		delete(c.s.Data, "ahead")
		return c.goTo("summary")
	}
	return c.goTo(questionStep(j))
}

// reportSkip leaves an optional question empty.
func reportSkip(c *convo) error {
	i, isQ := questionIndex(c.s.Step)
	qs, err := c.questions()
	if err != nil {
		return err
	}
	if !isQ || i >= len(qs.Questions) || !qs.Questions[i].Optional {
		c.say(textCannotSkip)
		return c.prompt()
	}
	c.s.Data["a."+qs.Questions[i].ID] = ""
	return c.nextQuestion(i, len(qs.Questions))
}

// addPhoto keeps a photo sent during the report as evidence.
func (c *convo) addPhoto() error {
	if c.in.AttachmentType != "image" || c.in.AttachmentURL == "" {
		c.say(textOnlyPhotos)
		return c.prompt()
	}
	photos := c.photos()
	if len(photos) >= 20 {
		c.say(textTooManyPhotos)
		return nil
	}
	photos = append(photos, c.in.AttachmentURL)
	c.s.Data["photos"] = strings.Join(photos, "\n")
	if err := c.save(); err != nil {
		return err
	}
	c.say(fmt.Sprintf(textPhotoKept, len(photos)))
	return nil
}

func (c *convo) photos() []string {
	if c.s.Data["photos"] == "" {
		return nil
	}
	return strings.Split(c.s.Data["photos"], "\n")
}

func shown(answer string) string {
	if answer == "" {
		return "(bỏ qua)"
	}
	if n, err := strconv.ParseInt(answer, 10, 64); err == nil {
		return vntext.FormatNumber(n)
	}
	return answer
}

func reportSummaryPrompt(c *convo) error {
	qs, err := c.questions()
	if err != nil {
		return err
	}
	p, _ := store.ParsePeriod(c.s.Data["period"])
	t, _, _ := c.tx.Team(c.s.Data["team"])
	var b strings.Builder
	fmt.Fprintf(&b, textSummaryHead, p.Label(), t.Name)
	for i, q := range qs.Questions {
		fmt.Fprintf(&b, "\n%d. %s: %s", i+1, q.Label, shown(c.s.Data["a."+q.ID]))
	}
	if n := len(c.photos()); n > 0 {
		fmt.Fprintf(&b, "\n"+textSummaryPhotos, n)
	}
	c.say(b.String())
	// A number typed here names an item of the list above (to correct it), not a button.
	c.out = append(c.out, Reply{ToUser: c.in.UserID, Text: textSummaryAsk, WordsOnly: true,
		Buttons: []Button{{Title: "Gửi", Payload: "gửi"}, {Title: "Sửa", Payload: "sửa"}, {Title: "Hủy", Payload: "hủy"}}})
	return nil
}

func reportSummaryAnswer(c *convo) error {
	if c.in.Kind == KindAttachment {
		return c.addPhoto()
	}
	f := vntext.Fold(c.in.Text)
	if c.s.Data[keyNoticed] != "" {
		delete(c.s.Data, keyNoticed)
		if plainSend(c.typed) && !strings.Contains(" "+f+" ", " gui ") && !strings.Contains(" "+f+" ", " nop ") {
			// "ok" after another message came: to that one, not to "Gửi?" (asked again, now last).
			if err := c.save(); err != nil {
				return err
			}
			return c.prompt()
		}
	}
	switch {
	case plainSend(c.typed):
		return c.fileReport()
	case f == "gui" || isYes(c.in.Text) || strings.Contains(" "+f+" ", " gui ") || strings.Contains(" "+f+" ", " nop ") ||
		strings.HasPrefix(f, "xong") || strings.HasPrefix(f, "chot"):
		// A yes with more to it ("để em gửi ảnh đã", "oke e coi lại", "gửi đi đâu?", "xong rồi"): not yet.
		c.say(textSendHow)
		return c.prompt()
	case f == "sua":
		return c.goTo("edit")
	case strings.HasPrefix(f, "sua "):
		return c.editItem(strings.TrimPrefix(f, "sua "))
	case len(f) <= 2 && f != "" && strings.Trim(f, "0123456789") == "":
		return c.editItem(f) // "3": the item numbered 3 above
	case slices.Contains([]string{"thoi", "thoi khoi", "thoi khong gui", "thoi khong gui nua", "thoi dung"}, foldOf(c.typed)):
		return c.cancel(false) // "thôi" at the summary stops, it does not pick an item: "bỏ bản nháp?" asks
	case isNo(c.in.Text):
		return c.goTo("edit") // "không" to "Gửi?": something is to be changed
	}
	return c.prompt()
}

func reportEditPrompt(c *convo) error {
	qs, err := c.questions()
	if err != nil {
		return err
	}
	c.say(fmt.Sprintf(textEditWhich, len(qs.Questions)))
	return nil
}

func reportEditAnswer(c *convo) error {
	return c.editItem(strings.TrimSpace(c.in.Text))
}

func (c *convo) editItem(num string) error {
	qs, err := c.questions()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil || n < 1 || n > len(qs.Questions) {
		c.say(fmt.Sprintf(textEditWhich, len(qs.Questions)))
		return nil
	}
	c.s.Data["edit"] = "1"
	return c.goTo(questionStep(n - 1))
}

func reportDropPrompt(c *convo) error {
	p, _ := store.ParsePeriod(c.s.Data["period"])
	label := "báo cáo"
	if c.s.Data["period"] != "" {
		label = "báo cáo " + p.Label()
	}
	// Keeping comes first: a stray "1" (a count typed where the buttons were) keeps the draft.
	text := textDropDraft
	if b := c.s.Data["base"]; b != "" && b != "0" {
		text = textDropChanges // correcting a filed report: what was filed stays
	}
	c.say(fmt.Sprintf(text, label), Button{Title: "Tiếp tục báo cáo", Payload: "quay lại"}, Button{Title: "Bỏ bản nháp", Payload: "bỏ bản nháp"})
	return nil
}

func reportDropAnswer(c *convo) error {
	if plainDrop(c.typed) {
		return c.cancel(true) // only plain words drop a draft: "gửi", "dạ", "để em gửi ảnh đã" do not
	}
	if isYes(c.in.Text) {
		c.say(textDropHow) // "dạ": which one?
		return c.prompt()
	}
	if f := " " + vntext.Fold(c.in.Text) + " "; isNo(c.in.Text) || strings.Contains(f, " khong ") || strings.Contains(f, " ko ") {
		return c.back() // "không", "ko bỏ", "không hủy": keep the draft and go on where they were
	}
	return c.prompt()
}

// keepsAnswer: words that keep an answer as it is when it is being corrected ("giữ nguyên", "như cũ",
// "không đổi", "để vậy").
func keepsAnswer(text string) bool {
	switch strings.TrimSuffix(strings.TrimSuffix(foldOf(text), " a"), " nhe") {
	case "giu nguyen", "giu", "nhu cu", "khong doi", "ko doi", "k doi", "de vay", "de nguyen", "van vay", "van the", "khong sua", "ko sua",
		"thoi giu nguyen", "dung roi", "dung", "van nhu cu", "giu nhu cu", "khong thay doi", "ko thay doi", "nhu vay", "tiep tuc":
		return true
	}
	return false
}

// plainDrop: "bỏ" or "hủy" (with "bản nháp"), after lead words, before particles: "bỏ đi ạ", "dạ bỏ",
// "vâng bỏ đi", "hủy đi ạ", "uh bỏ", "chắc chắn bỏ", "xóa hết đi", "bỏ bản nháp, tháng này tổ phó làm".
// A bare yes is not enough: the word is asked for.
func plainDrop(text string) bool { return plainAct(text, dropWords) }

func dropWords(text string) bool {
	if asks(text) {
		return false
	}
	words := wordsOf(text)
	for len(words) > 0 && (leadWords[words[0]] || words[0] == "co" || words[0] == "u" || words[0] == "dong" || words[0] == "y") {
		words = words[1:]
	}
	if len(words) == 0 || words[0] != "bo" && words[0] != "huy" && words[0] != "xoa" &&
		!(words[0] == "dep" && strings.Contains(strings.ToLower(norm.NFC.String(text)), "dẹp")) { // not "đẹp"
		return false
	}
	rest := words[1:]
	if len(rest) > 0 && rest[0] == "het" {
		rest = rest[1:] // "xóa hết đi"
	}
	for _, redo := range [][]string{{"lam", "lai", "tu", "dau"}, {"lam", "lai"}} { // "bỏ làm lại", "xóa nháp đi làm lại từ đầu"
		if i := len(rest) - len(redo); i >= 0 && slices.Equal(rest[i:], redo) {
			rest = rest[:i]
			break
		}
	}
	if r, ok := hasPrefixWords(rest, []string{"ban", "nhap"}); ok {
		rest = r
	} else if r, ok := hasPrefixWords(rest, []string{"nhap"}); ok {
		rest = r
	}
	return onlyParticles(rest)
}

// plainSend tells a message that only says to file the report: "gửi", "gửi đi", "ok gửi", "nộp",
// "đồng ý", "xong rồi gửi đi", "ok hết rồi, gửi", "uk gửi". Not "để em gửi ảnh đã", "chờ em gửi ảnh",
// "gửi đi đâu?", "chắc chắn chưa".
func plainSend(text string) bool { return plainAct(text, sendWords) }

func sendWords(text string) bool {
	lower := strings.ToLower(norm.NFC.String(text))
	words := strings.Fields(strings.Replace(" "+vntext.Fold(text)+" ", " khong sua gi ", " ", 1)) // "không sửa gì, gửi"
	if len(words) == 0 || len(words) > 7 || asks(text) || putOff(text, words) || strings.Contains(lower, "ảnh") ||
		strings.Contains(lower, "đừng") || strings.Contains(lower, "chưa") ||
		strings.Contains(" "+strings.Join(words, " ")+" ", " hinh ") {
		return false
	}
	for len(words) > 0 && (leadWords[words[0]] || words[0] == "xong" || words[0] == "roi" || words[0] == "xin" ||
		words[0] == "dung" && len(words) > 1 && words[1] == "roi") { // "đúng rồi", never "dung gui" (đừng gửi)
		words = words[1:]
	}
	if len(words) == 0 {
		return head0IsOK(wordsOf(text))
	}
	switch words[0] {
	case "gui", "nop", "dong", "co", "chot":
	default:
		return vntext.IsYes(text) && len(words) <= 2
	}
	for _, w := range words[1:] {
		switch w {
		case "di", "luon", "nhe", "nha", "a", "y", "bao", "cao", "gui", "nop", "giup", "em", "ok", "bc", "ngay", "ho", "gium", "dum",
			"anh", "chi", "len", "xa", "phuong", "don", "thang", "nay", "bot", "dzum", "zum", "ad":
		default:
			return false // a number ("gửi 2 ảnh", "gửi báo cáo tháng 10" for another month) asks again
		}
	}
	return true
}

// fileReport saves the report as a new version and sends the receipt.
func (c *convo) fileReport() error {
	team := c.s.Data["team"]
	role := c.tx.RoleIn(team, c.in.UserID)
	if role != store.RoleLeader && role != store.RoleDeputy {
		c.say(textReportNoLongerLeader)
		return c.end()
	}
	qs, err := c.questions()
	if err != nil {
		return err
	}
	p, err := store.ParsePeriod(c.s.Data["period"])
	if err != nil {
		return err
	}
	answers := map[string]string{}
	for _, q := range qs.Questions {
		a, ok := c.s.Data["a."+q.ID]
		if !ok && !q.Optional {
			// A required answer is missing (the question set changed): ask it now.
			c.say(textMissingAnswer)
			c.s.Data["edit"] = "1"
			for i := range qs.Questions {
				if qs.Questions[i].ID == q.ID {
					return c.goTo(questionStep(i))
				}
			}
		}
		answers[q.ID] = a
	}
	// Someone else (the leader, a deputy) filed since this draft began: show theirs, ask again.
	if latest, filed, err := c.tx.LatestReport(team, p.String()); err != nil {
		return err
	} else if base, _ := strconv.Atoi(c.s.Data["base"]); filed && latest.Version > base {
		c.s.Data["base"] = strconv.Itoa(latest.Version)
		if err := c.save(); err != nil {
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, textNewerVersion, c.personName(latest.FiledBy), c.fmtTime(latest.FiledAt), latest.Version)
		for i, q := range qs.Questions {
			fmt.Fprintf(&b, "\n%d. %s: %s", i+1, q.Label, shown(latest.Answers[q.ID]))
		}
		c.say(b.String())
		c.say(textNewerVersionAsk, Button{Title: "Gửi bản của tôi", Payload: "gửi"}, Button{Title: "Sửa", Payload: "sửa"}, Button{Title: "Hủy", Payload: "hủy"})
		return nil
	}
	r, receipt, err := c.saveReport(team, p, role, qs, answers, c.photos())
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	c.say(receipt)
	c.tellLeaderDeputyFiled(r)
	return nil
}

// saveReport files answers as a new version of a team's report (chat and web form alike) and
// returns it with the receipt to give the person who filed.
func (c *convo) saveReport(team string, p store.Period, role string, qs store.QuestionSet, answers map[string]string, photos []string) (store.Report, string, error) {
	cal, _, err := c.calendar(team)
	if err != nil {
		return store.Report{}, "", err
	}
	now := c.tx.Now()
	deadline := cal.Deadline(p)
	r, err := c.tx.SaveReport(store.Report{Team: team, Period: p.String(), Answers: answers, Photos: photos,
		FiledBy: c.in.UserID, Role: role, FiledAt: now, Late: !now.Before(deadline), Question: qs.ID})
	if err != nil {
		return r, "", err
	}
	t, _, _ := c.tx.Team(team)
	timing := textOnTime
	if r.Late {
		timing = textLate
	}
	if first, filed, err := c.tx.FirstFiled(team, p.String()); err == nil && filed && r.Version > 1 {
		timing = textOnTime // a correction keeps the standing of the report it corrects: filed on time is on time
		if !first.Before(deadline) {
			timing = textLate
		}
	}
	lastDay := deadline.AddDate(0, 0, -1)
	receipt := fmt.Sprintf(textReceipt, p.Label(), t.Name, c.fmtTime(now), timing, lastDay.Format("02/01/2006"))
	if r.Version > 1 {
		receipt = fmt.Sprintf(textReceiptCorrection, r.Version) + receipt
	}
	return r, receipt, nil
}

// tellLeaderDeputyFiled lets the leader know a deputy filed.
func (c *convo) tellLeaderDeputyFiled(r store.Report) {
	if r.Role != store.RoleDeputy {
		return
	}
	if lead, ok, _ := c.tx.Leader(r.Team); ok {
		t, _, _ := c.tx.Team(r.Team)
		p, _ := store.ParsePeriod(r.Period)
		c.tell(lead, fmt.Sprintf(textToLeaderDeputyFiled, c.personName(r.FiledBy), p.Label(), t.Name))
	}
}

// reportHeading names the month being filed, the team and the deadline, and says when it has passed.
func (c *convo) reportHeading() string {
	p, err := store.ParsePeriod(c.s.Data["period"])
	if err != nil {
		return ""
	}
	t, _, _ := c.tx.Team(c.s.Data["team"])
	cal, _, err := c.calendar(c.s.Data["team"])
	if err != nil {
		return ""
	}
	return c.heading(t, p, cal)
}

// heading is a report's month, team and deadline, saying when the deadline has passed (chat and form).
func (c *convo) heading(t store.Team, p store.Period, cal store.Calendar) string {
	h := fmt.Sprintf(textReportHeading, p.Label(), t.Name, cal.CutoffDate(p).Format("02/01/2006"))
	if !c.tx.Now().Before(cal.Deadline(p)) {
		h += textReportHeadingLate
	}
	return h
}

func (c *convo) fmtTime(t time.Time) string { return t.In(c.e.loc).Format("15:04 02/01/2006") }

// deadlineQuestion tells "hạn nộp báo cáo là ngày nào?", "khi nào hết hạn", "hạn chót bao giờ": a
// question about the deadline, not a request to file.
// In a conversation (strict) the question must be plain — "?" or "ngày nào", "khi nào", "bao giờ" —
// since a report's narrative may speak of deadlines ("còn nhiều hộ chưa biết hạn nộp thuế").
func deadlineQuestion(text string, strict bool) bool {
	f := " " + vntext.Fold(text) + " "
	if !strings.Contains(f, " han ") && !strings.Contains(f, " nop truoc ngay ") || len(strings.Fields(f)) > 12 {
		return false
	}
	cues := []string{" ngay nao ", " khi nao ", " bao gio ", " luc nao ", " hom nao ", " ngay may ", " ngay bao nhieu ", " truoc ngay may "}
	if strict && !strings.Contains(f, " bao cao ") && !strings.Contains(f, " bc ") && !strings.Contains(f, " han chot ") &&
		!(strings.HasPrefix(f, " han nop ") && len(strings.Fields(f)) <= 5) {
		return false // "bà con hỏi hạn nộp thuế đất khi nào?" is a narrative's; "hạn nộp là ngày nào?" is asked of the report
	}
	if !strict {
		cues = append(cues, " la ngay ", " den ngay ", " may ", " chua ", " con ", " bao lau ")
	}
	for _, q := range cues {
		if strings.Contains(f, q) {
			return true
		}
	}
	return strings.HasSuffix(strings.TrimSpace(text), "?")
}

// deadlines answers a question about the deadline: each of the person's teams, its open month, its
// cutoff and whether it is in (the menu follows when nothing is open).
func (c *convo) deadlines() error {
	roles, err := c.tx.RolesOf(c.in.UserID)
	if err != nil {
		return err
	}
	var lines []string
	seen := map[string]bool{}
	for _, m := range roles {
		if seen[m.Team] {
			continue
		}
		seen[m.Team] = true
		t, ok, err := c.tx.Team(m.Team)
		if err != nil || !ok {
			continue
		}
		cal, _, err := c.calendar(m.Team)
		if err != nil {
			return err
		}
		p := cal.OpenPeriod(c.tx.Now())
		line := fmt.Sprintf(textDeadlineLine, t.Name, p.Label(), cal.CutoffDate(p).Format("02/01/2006"))
		if at, filed, err := c.tx.FirstFiled(m.Team, p.String()); err != nil {
			return err
		} else if filed {
			line += fmt.Sprintf(textDeadlineFiled, c.fmtTime(at))
		} else if days := int(cal.Deadline(p).Sub(c.tx.Now()).Hours() / 24); c.tx.Now().Before(cal.Deadline(p)) {
			line += fmt.Sprintf(textDeadlineLeft, days)
		} else {
			line += textDeadlinePassed
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		c.say(textDeadlineNoTeam)
	} else {
		c.say(strings.Join(lines, "\n"))
	}
	if c.s != nil && !c.s.Paused {
		return c.prompt()
	}
	if c.s != nil {
		c.sayPaused() // a paused draft: the offer to go on, as any other message gets
		return nil
	}
	return c.menu()
}
