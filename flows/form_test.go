package flows_test

import (
	"strings"
	"testing"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// formValues is a whole November report for TA-T1 (the default question set).
func formValues() map[string]string {
	return map[string]string{"households": "12", "dvctt": "1.200", "vneid": "5", "cashless": "3", "ecommerce": "0",
		"health_book": "7", "sessions": "2", "gov": "Hướng dẫn 12 hộ cài VNeID.", "econ": "Hỗ trợ mở tài khoản.", "soc": "Tuyên truyền trên loa."}
}

func (w *world) form(user, team, period string) flows.Form {
	w.t.Helper()
	var f flows.Form
	if err := w.db.Update(func(tx *store.Tx) error {
		var err error
		f, err = w.engine.ReportForm(tx, user, team, period)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return f
}

func (w *world) submit(user, team, period string, base int, values map[string]string) flows.FormResult {
	w.t.Helper()
	var r flows.FormResult
	if err := w.db.Update(func(tx *store.Tx) error {
		var err error
		r, err = w.engine.SubmitReportForm(tx, user, team, period, base, values)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) latest(team, period string) (store.Report, bool) {
	var r store.Report
	var ok bool
	w.view(func(tx *store.Tx) error {
		var err error
		r, ok, err = tx.LatestReport(team, period)
		return err
	})
	return r, ok
}

// The form files what the chat would, with the same checks, and says so by chat in one message.
func TestReportFormFilesLikeTheChat(t *testing.T) {
	w := tungAnh(t)
	f := w.form(hung, "TA-T1", "2026-11")
	if f.Refused != "" || len(f.Questions) != 12 || !strings.Contains(f.Heading, "Báo cáo tháng 11/2026") || f.Base != 0 {
		t.Fatalf("form: %+v", f)
	}
	// A number where one is wanted, and a required answer missing: nothing is filed, each is marked.
	bad := formValues()
	bad["vneid"], bad["gov"] = "nhiều", ""
	r := w.submit(hung, "TA-T1", "2026-11", 0, bad)
	if r.Filed || r.Notice == "" {
		t.Fatalf("a refused form was filed: %+v", r)
	}
	problems := map[string]string{}
	for _, q := range r.Form.Questions {
		if q.Problem != "" {
			problems[q.ID] = q.Problem
		}
	}
	if len(problems) != 2 || problems["gov"] == "" || problems["vneid"] == "" {
		t.Errorf("problems %v, want vneid and gov", problems)
	}
	if _, ok := w.latest("TA-T1", "2026-11"); ok {
		t.Fatal("a refused form left a report")
	}
	r = w.submit(hung, "TA-T1", "2026-11", 0, formValues())
	if !r.Filed || r.Version != 1 || !strings.Contains(r.Receipt, "Đã nhận báo cáo tháng 11/2026") {
		t.Fatalf("result %+v", r)
	}
	if len(r.Replies) != 1 || r.Replies[0].ToUser != hung || r.Replies[0].Text != r.Receipt {
		t.Errorf("replies %s, want the receipt to the leader", dump(r.Replies))
	}
	rep, _ := w.latest("TA-T1", "2026-11")
	if rep.Answers["dvctt"] != "1200" || rep.Answers["difficulties"] != "" || rep.FiledBy != hung || rep.Role != store.RoleLeader {
		t.Errorf("report %+v", rep)
	}
	// The form opens again on what was filed, as a correction.
	if f := w.form(hung, "TA-T1", "2026-11"); f.Base != 1 || f.Questions[1].Value != "1200" {
		t.Errorf("form after filing: base %d, dvctt %q", f.Base, f.Questions[1].Value)
	}
}

// A deputy's form sent over a version filed after it opened is shown that version first; sent
// again knowingly, it becomes the next version and the leader is told.
func TestReportFormDoesNotOverwriteUnseen(t *testing.T) {
	w := tungAnh(t)
	if r := w.submit(hung, "TA-T1", "2026-11", 0, formValues()); !r.Filed {
		t.Fatalf("%+v", r)
	}
	mine := formValues()
	mine["households"] = "15"
	r := w.submit(mai, "TA-T1", "2026-11", 0, mine)
	if r.Filed || !strings.Contains(r.Notice, "tháng 11/2026 lúc") && strings.Contains(r.Notice, "phiên bản 1") || r.Form.Base != 1 || r.Form.Questions[0].Value != "12" {
		t.Fatalf("unseen version overwritten or not shown: %+v", r)
	}
	r = w.submit(mai, "TA-T1", "2026-11", 1, mine)
	if !r.Filed || r.Version != 2 {
		t.Fatalf("%+v", r)
	}
	if len(r.Replies) != 2 || r.Replies[1].ToUser != hung || !strings.Contains(r.Replies[1].Text, "Trần Thị Mai") {
		t.Errorf("replies %s, want the receipt and the leader's note", dump(r.Replies))
	}
}

// Who may file, and what: only a leader or deputy, only a month the chat would offer.
func TestReportFormRefusals(t *testing.T) {
	w := tungAnh(t)
	for _, c := range []struct{ user, team, period, want string }{
		{hoa, "TA-TL", "2026-11", "Chỉ tổ trưởng hoặc tổ phó"},
		{hung, "TA-T1", "2026-08", "không còn mở"},
		{hung, "NOPE", "2026-11", "không còn dùng được"},
		{hung, "TA-T1", "2026-13", "không còn dùng được"},
	} {
		if f := w.form(c.user, c.team, c.period); !strings.Contains(f.Refused, c.want) {
			t.Errorf("%s %s %s: refused %q, want %q", c.user, c.team, c.period, f.Refused, c.want)
		}
		if r := w.submit(c.user, c.team, c.period, 0, formValues()); r.Filed || !strings.Contains(r.Form.Refused, c.want) {
			t.Errorf("%s %s %s: submit %+v", c.user, c.team, c.period, r)
		}
	}
}

// A chat draft of the same report fills the form, and the form's filing ends the draft.
func TestReportFormTakesOverTheChatDraft(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w, "21", "22")
	f := w.form(hung, "TA-T1", "2026-11")
	if f.Questions[0].Value != "21" || f.Questions[1].Value != "22" || f.Questions[2].Value != "" {
		t.Fatalf("form from the draft: %q %q %q", f.Questions[0].Value, f.Questions[1].Value, f.Questions[2].Value)
	}
	if r := w.submit(hung, "TA-T1", "2026-11", 0, formValues()); !r.Filed {
		t.Fatalf("%+v", r)
	}
	if s, ok := w.session(hung); ok {
		t.Errorf("the chat draft is still open: %+v", s)
	}
}
