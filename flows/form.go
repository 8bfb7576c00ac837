package flows

import (
	"fmt"
	"strings"

	"github.com/cdtbot/cdtbot/store"
)

// The monthly report as a web form (opened from a signed link the chat gives): the same
// questions, checks, versions and receipt as the chat, in one page and one send.

// Form is a team's report for a period as the form shows it.
type Form struct {
	Team      store.Team
	Period    store.Period
	Heading   string // month, team, deadline (and that it has passed)
	Base      int    // the version the form starts from (0: none filed yet)
	Questions []FormQuestion
	// Refused says why this person cannot file it (no longer leader or deputy, the month no longer
	// open); the form is not shown then.
	Refused string
}

// FormQuestion is one question with its value and, after a refused submission, the problem.
type FormQuestion struct {
	store.Question
	Number  int
	Value   string
	Problem string
}

// FormResult is what a submission did.
type FormResult struct {
	Form    Form    // shown again when nothing was filed (Problems, Conflict or Refused set)
	Filed   bool    // a new version was saved
	Receipt string  // the receipt, for the page (it also goes by chat in Replies)
	Notice  string  // why the form is shown again, for the top of the page
	Replies []Reply // to send: the receipt by chat, the leader's note when a deputy filed
	Version int     // the version filed
}

// ReportForm opens the form of team's report for period (YYYY-MM) for userID, prefilled from their
// chat draft of the same report if any, else from the latest version filed.
func (e *Engine) ReportForm(tx *store.Tx, userID, team, period string) (Form, error) {
	c := &convo{e: e, tx: tx, in: Input{UserID: userID, Kind: KindText}}
	f, role, err := c.openForm(team, period)
	if err != nil || f.Refused != "" || role == "" {
		return f, err
	}
	latest, filed, err := tx.LatestReport(team, f.Period.String())
	if err != nil {
		return f, err
	}
	values := latest.Answers
	if filed {
		f.Base = latest.Version
	}
	if d := c.draftOf(team, f.Period.String()); d != nil {
		values = map[string]string{}
		for k, v := range d.Data {
			if id, ok := strings.CutPrefix(k, "a."); ok {
				values[id] = v
			}
		}
	}
	for i := range f.Questions {
		f.Questions[i].Value = values[f.Questions[i].ID]
	}
	return f, nil
}

// SubmitReportForm files values as a new version, with the chat's checks: every answer is checked
// first and nothing is filed while one is refused; a version filed by someone else after base is
// shown instead of being overwritten. A chat draft of the same report ends: the form replaced it.
func (e *Engine) SubmitReportForm(tx *store.Tx, userID, team, period string, base int, values map[string]string) (FormResult, error) {
	c := &convo{e: e, tx: tx, in: Input{UserID: userID, Kind: KindText}}
	f, role, err := c.openForm(team, period)
	if err != nil || f.Refused != "" {
		return FormResult{Form: f}, err
	}
	f.Base = base
	answers := map[string]string{}
	bad := false
	for i := range f.Questions {
		q := &f.Questions[i]
		q.Value = strings.TrimSpace(values[q.ID])
		switch {
		case q.Value == "" && !q.Optional:
			q.Problem = textFormRequired
		case q.Value != "":
			q.Value, q.Problem = checkAnswer(q.Question, q.Value)
		}
		bad = bad || q.Problem != ""
		answers[q.ID] = q.Value
	}
	if bad {
		return FormResult{Form: f, Notice: textFormProblems}, nil
	}
	latest, filed, err := tx.LatestReport(team, f.Period.String())
	if err != nil {
		return FormResult{Form: f}, err
	}
	if filed && latest.Version > base {
		// Someone filed meanwhile: show theirs, and let this person send theirs over it knowingly.
		f.Base = latest.Version
		for i := range f.Questions {
			f.Questions[i].Value = latest.Answers[f.Questions[i].ID]
		}
		return FormResult{Form: f, Notice: fmt.Sprintf(textFormNewer, c.personName(latest.FiledBy), f.Period.Label(), c.fmtTime(latest.FiledAt), latest.Version)}, nil
	}
	qs, err := c.questionSet(team)
	if err != nil {
		return FormResult{Form: f}, err
	}
	r, receipt, err := c.saveReport(team, f.Period, role, qs, answers, latest.Photos)
	if err != nil {
		return FormResult{Form: f}, err
	}
	if d := c.draftOf(team, f.Period.String()); d != nil {
		c.s = d
		if err := c.end(); err != nil {
			return FormResult{Form: f}, err
		}
		c.out = nil // the conversation the draft interrupted, if any, resumes when they next write
	}
	c.say(receipt)
	c.tellLeaderDeputyFiled(r)
	return FormResult{Form: f, Filed: true, Receipt: receipt, Replies: joinReplies(c.out), Version: r.Version}, nil
}

// openForm checks who may file what, and lays out the questions.
func (c *convo) openForm(team, period string) (Form, string, error) {
	f := Form{}
	t, ok, err := c.tx.Team(team)
	if err != nil {
		return f, "", err
	}
	p, perr := store.ParsePeriod(period)
	if !ok || perr != nil {
		f.Refused = textFormGone
		return f, "", nil
	}
	f.Team, f.Period = t, p
	role := c.tx.RoleIn(team, c.in.UserID)
	if role != store.RoleLeader && role != store.RoleDeputy {
		f.Refused = fmt.Sprintf(textFormNotLeader, t.Name)
		return f, "", nil
	}
	offered, err := c.offeredPeriods(team)
	if err != nil {
		return f, "", err
	}
	if !offered[p.String()] {
		f.Refused = fmt.Sprintf(textFormClosed, p.Label())
		return f, "", nil
	}
	cal, _, err := c.calendar(team)
	if err != nil {
		return f, "", err
	}
	f.Heading = c.heading(t, p, cal)
	qs, err := c.questionSet(team)
	if err != nil {
		return f, "", err
	}
	for i, q := range qs.Questions {
		f.Questions = append(f.Questions, FormQuestion{Question: q, Number: i + 1})
	}
	return f, role, nil
}

// questionSet is the team's report template.
func (c *convo) questionSet(team string) (store.QuestionSet, error) {
	_, pol, err := c.calendar(team)
	if err != nil {
		return store.QuestionSet{}, err
	}
	qs, ok, err := c.tx.QuestionSet(pol.QuestionSet)
	if err != nil || ok {
		return qs, err
	}
	return store.DefaultQuestionSet, nil
}

// draftOf is the person's chat draft of this report, if that is their open conversation.
func (c *convo) draftOf(team, period string) *store.Session {
	s, ok, err := c.tx.Session(c.in.UserID)
	if err != nil || !ok || s.Flow != "report" || s.Data["team"] != team || s.Data["period"] != period {
		return nil
	}
	return &s
}
