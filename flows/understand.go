package flows

import (
	"fmt"
	"strings"

	"github.com/cdtbot/cdtbot/flows/intent"
	"github.com/cdtbot/cdtbot/store"
)

// commandOf maps what the intent layer read to the conversations' commands.
var commandOf = map[string]string{
	intent.Join: cmdJoin, intent.Leave: cmdLeave, intent.Report: cmdReport, intent.Status: cmdStatus,
	intent.Page: cmdPage, intent.Help: cmdHelp, intent.MyData: cmdMyData, intent.Erase: cmdErase,
	intent.Withdraw: cmdWithdraw, intent.Cancel: cmdCancel, intent.Pause: cmdPause, intent.Resume: cmdResume,
	intent.Back: cmdBack, intent.Skip: cmdSkip,
}

// situations says what kind of answer each step waits for; unlisted steps take free text.
var situations = map[string]intent.Situation{
	"join.commune": intent.Search, "join.team": intent.Search, "join.collab": intent.Confirm,
	"join.consent": intent.Confirm, "join.confirm": intent.Confirm,
	"leave.team": intent.Confirm, "leave.confirm": intent.Confirm,
	"report.team": intent.Confirm, "report.period": intent.Confirm, "report.existing": intent.Confirm,
	"report.summary": intent.Confirm, "report.edit": intent.Count, "report.drop": intent.Confirm,
	"privacy.confirm": intent.Confirm,
}

// situation is where the open conversation stands, for the intent layer.
func (c *convo) situation() intent.Situation {
	if c.s.Data[keyPending] != "" {
		return intent.Confirm // we asked whether their words were a command or an answer
	}
	if i, ok := questionIndex(c.s.Step); ok && c.s.Flow == "report" {
		if qs, err := c.questions(); err == nil && i < len(qs.Questions) && qs.Questions[i].Kind == store.QuestionCount {
			return intent.Count
		}
		return intent.Text
	}
	if s, ok := situations[stepKey(c.s.Flow, c.s.Step)]; ok {
		return s
	}
	return intent.Text
}

// Session keys of a pending "command or answer?" question.
const (
	keyPending    = "pending"     // the words they typed
	keyPendingCmd = "pending_cmd" // the command those words might be
)

// askCommandOrAnswer: the words might be a command or an answer to the open question; ask instead of guessing.
func (c *convo) askCommandOrAnswer(alt, text string) error {
	cmd, ok := commandOf[alt]
	if !ok || c.s == nil {
		return c.answer()
	}
	c.s.Data[keyPending], c.s.Data[keyPendingCmd] = text, cmd
	if err := c.save(); err != nil {
		return err
	}
	c.say(fmt.Sprintf(textCommandOrAnswer, commandLabel(cmd, c.s.Flow)),
		Button{Title: strings.ToUpper(commandLabel(cmd, c.s.Flow)[:1]) + commandLabel(cmd, c.s.Flow)[1:], Payload: "#clarify:cmd"},
		Button{Title: textThisIsMyAnswer, Payload: "#clarify:answer"})
	return nil
}

// clarified handles the answer to askCommandOrAnswer ("#clarify:cmd" or "#clarify:answer").
func (c *convo) clarified(choice string) error {
	if c.s == nil || c.s.Data[keyPending] == "" {
		c.say(textStaleButton)
		if c.s != nil {
			return c.prompt()
		}
		return c.menu()
	}
	text, cmd := c.s.Data[keyPending], c.s.Data[keyPendingCmd]
	delete(c.s.Data, keyPending)
	delete(c.s.Data, keyPendingCmd)
	if err := c.save(); err != nil {
		return err
	}
	if choice == "cmd" {
		return c.command(cmd)
	}
	c.in.Text = text
	return c.answer()
}

// commandLabel names a command as the question about it says it ("hủy báo cáo").
func commandLabel(cmd, flow string) string {
	switch cmd {
	case cmdCancel:
		return "hủy " + flowName(flow)
	case cmdPause:
		return "tạm dừng " + flowName(flow)
	case cmdBack:
		return "quay lại câu trước"
	case cmdSkip:
		return "bỏ qua câu này"
	case cmdResume:
		return "làm tiếp"
	}
	return "xem hướng dẫn"
}
