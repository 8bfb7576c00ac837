package flows_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/flows"
	"github.com/cdtbot/cdtbot/store"
)

// People of testdata/transcripts/tung-anh.json.
const (
	hung    = "1100000000000000001" // leader, Tổ CNSCĐ thôn 1 (TA-T1)
	mai     = "1100000000000000002" // deputy, TA-T1
	hoa     = "1100000000000000005" // member, Tổ CNSCĐ thôn Trung Lưu (TA-TL)
	nam     = "1100000000000000006" // member, TA-TL
	tam     = "1100000000000000007" // leader, Tổ CNSCĐ thôn Hồng Lam (another commune)
	chutich = "1100000000000000009" // approver of Xã Tùng Ảnh
	lan     = "2200000000000000001" // a resident, in no team
	khoa    = "2200000000000000003" // another resident
	nhom    = "9900000000000000001" // the officers' group of Sở KH&CN Hà Tĩnh
)

// Menus, as their buttons.
var (
	menuResident = []string{"Tham gia tổ", "Trợ giúp"}
	menuMember   = []string{"Rời tổ", "Trợ giúp"}
	menuLeader   = []string{"Báo cáo tháng", "Rời tổ", "Trợ giúp"}
)

func tungAnh(t *testing.T) *world {
	return newWorld(t, transcriptStart(t), "transcripts/tung-anh.json")
}

// only returns the single reply, which must go to user; anything else fails the test.
func only(t *testing.T, user string, rs []flows.Reply) flows.Reply {
	t.Helper()
	if len(rs) != 1 || rs[0].ToUser != user || rs[0].ToGroup != "" {
		t.Fatalf("want exactly one message to %s, got:%s", user, dump(rs))
	}
	return rs[0]
}

func contains(t *testing.T, r flows.Reply, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.Text, w) {
			t.Errorf("reply %q\ndoes not contain %q", r.Text, w)
		}
	}
}

func hasButtons(t *testing.T, r flows.Reply, want []string) {
	t.Helper()
	if got := titles(r); !slices.Equal(got, want) {
		t.Errorf("reply %q: buttons %v, want %v", r.Text, got, want)
	}
}

// request returns a request as stored.
func (w *world) request(id uint64) store.Request {
	w.t.Helper()
	var r store.Request
	w.view(func(tx *store.Tx) error {
		var ok bool
		var err error
		if r, ok, err = tx.Request(id); err == nil && !ok {
			err = fmt.Errorf("no request %d", id)
		}
		return err
	})
	return r
}

func (w *world) roleIn(team, user string) string {
	var role string
	w.view(func(tx *store.Tx) error { role = tx.RoleIn(team, user); return nil })
	return role
}

// lanAsksToJoin has lan ask to join TA-T1 (request 1, waiting for hung).
func lanAsksToJoin(t *testing.T, w *world) {
	t.Helper()
	w.text(lan, "TA01")
	w.handle(flows.Input{Kind: flows.KindSubmitInfo, UserID: lan, Name: "Lê Thị Lan", Phone: "0983 111 222"})
	w.text(lan, "đồng ý")
	w.text(lan, "gửi")
	if r := w.request(1); r.State != store.StateAwaitLeader || r.ZaloID != lan || r.Team != "TA-T1" {
		t.Fatalf("setup: request 1 is %+v", r)
	}
}

// startReport has hung open November's report and answer counts for the first len(counts) questions.
func startReport(t *testing.T, w *world, counts ...string) {
	t.Helper()
	w.text(hung, "báo cáo")
	contains(t, only(t, hung, w.text(hung, "#period:2026-11")), "Câu 1/12")
	for i, n := range counts {
		contains(t, only(t, hung, w.text(hung, n)), fmt.Sprintf("Câu %d/12", i+2))
	}
}

// answers are the report answers of user's open draft, by question id.
func (w *world) answers(user string) map[string]string {
	s, ok := w.session(user)
	if !ok {
		w.t.Fatalf("%s has no open conversation", user)
	}
	out := map[string]string{}
	for k, v := range s.Data {
		if id, ok := strings.CutPrefix(k, "a."); ok {
			out[id] = v
		}
	}
	return out
}

func (w *world) step(user string) string {
	s, ok := w.session(user)
	if !ok {
		return "(none)"
	}
	return s.Flow + "." + s.Step
}

// textAnswers answer the three required text questions (8 to 10) of the default question set.
var textAnswers = []string{"Hướng dẫn 12 hộ cài VNeID.", "Hỗ trợ 3 hộ mở tài khoản thanh toán.", "Tuyên truyền trên loa phát thanh thôn."}

// Several counts in one message fill the count questions from the one asked, all or nothing,
// and what was understood comes in the same message as the next question.
func TestCountsGivenTogether(t *testing.T) {
	cases := []struct {
		name    string
		before  []string // counts answered one by one first
		input   string
		say     []string // in the one reply
		notSay  []string
		step    string
		answers map[string]string // all the answers afterwards
	}{
		{name: "three from the first", input: "12, 30, 5",
			say:  []string{"Đã ghi:\n1. Số hộ gia đình được hướng dẫn: 12\n2. Số hồ sơ dịch vụ công trực tuyến đã hỗ trợ nộp: 30\n3. Số tài khoản VNeID mức 2 đã kích hoạt: 5", "\n\nCâu 4/12: "},
			step: "report.q3", answers: map[string]string{"households": "12", "dvctt": "30", "vneid": "5"}},
		{name: "commas without spaces", input: "12,30,5",
			say: []string{"3. Số tài khoản VNeID mức 2 đã kích hoạt: 5", "Câu 4/12"}, step: "report.q3",
			answers: map[string]string{"households": "12", "dvctt": "30", "vneid": "5"}},
		{name: "spaces only", input: "12 30 5",
			say: []string{"Đã ghi:", "Câu 4/12"}, step: "report.q3",
			answers: map[string]string{"households": "12", "dvctt": "30", "vneid": "5"}},
		{name: "semicolons, words and và", input: "12 hộ; 1.200 hồ sơ và 5",
			say: []string{"2. Số hồ sơ dịch vụ công trực tuyến đã hỗ trợ nộp: 1.200", "Câu 4/12"}, step: "report.q3",
			answers: map[string]string{"households": "12", "dvctt": "1200", "vneid": "5"}},
		{name: "one number with a thousands dot is one answer", input: "1.200",
			say: []string{"Câu 2/12"}, notSay: []string{"Đã ghi"}, step: "report.q1",
			answers: map[string]string{"households": "1200"}},
		{name: "all seven counts reach the first text question", input: "1, 2, 3, 4, 5, 6, 7",
			say: []string{"7. Số buổi tập huấn, tuyên truyền đã tổ chức: 7", "Câu 8/12: Kết quả về chính quyền số?"}, step: "report.q7",
			answers: map[string]string{"households": "1", "dvctt": "2", "vneid": "3", "cashless": "4", "ecommerce": "5", "health_book": "6", "sessions": "7"}},
		{name: "from the middle", before: []string{"1", "2", "3", "4", "5"}, input: "6, 7",
			say: []string{"Đã ghi:\n6. Số sổ sức khỏe điện tử đã tạo: 6\n7. Số buổi tập huấn, tuyên truyền đã tổ chức: 7", "Câu 8/12"}, step: "report.q7",
			answers: map[string]string{"households": "1", "dvctt": "2", "vneid": "3", "cashless": "4", "ecommerce": "5", "health_book": "6", "sessions": "7"}},
		{name: "more numbers than count questions: nothing kept", input: "1, 2, 3, 4, 5, 6, 7, 8",
			say: []string{"Bạn gửi 8 số, nhưng chỉ có 7 câu hỏi số liền nhau (câu 1 đến 7). Vui lòng gửi lại.", "Câu 1/12"}, notSay: []string{"Đã ghi"},
			step: "report.q0", answers: map[string]string{}},
		{name: "more numbers than are left: nothing kept", before: []string{"1", "2", "3", "4", "5"}, input: "6, 7, 8",
			say: []string{"Bạn gửi 3 số, nhưng chỉ có 2 câu hỏi số liền nhau (câu 6 đến 7)", "Câu 6/12"}, step: "report.q5",
			answers: map[string]string{"households": "1", "dvctt": "2", "vneid": "3", "cashless": "4", "ecommerce": "5"}},
		{name: "one out of bounds: says which, nothing kept", input: "12; 30; 5; 3; 2; 0; 2000",
			say: []string{"Câu 7, “2000”: Số quá lớn", "Câu 1/12"}, notSay: []string{"Đã ghi"}, step: "report.q0", answers: map[string]string{}},
		{name: "a later one out of its question's bound: nothing kept", input: "12, 30, 200000",
			say: []string{"Câu 3, “200000”: ", "Câu 1/12"}, notSay: []string{"Đã ghi"}, step: "report.q0", answers: map[string]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tungAnh(t)
			startReport(t, w, tc.before...)
			w.reportTurn(tc.input, tc.say, tc.notSay, tc.step, tc.answers)
		})
	}
}

// reportTurn has hung send input mid-report and checks the one reply (what it says and does not), the
// step he is at afterwards and every answer of his draft.
func (w *world) reportTurn(input string, say, notSay []string, step string, answers map[string]string) {
	t := w.t
	t.Helper()
	r := only(t, hung, w.text(hung, input))
	contains(t, r, say...)
	for _, n := range notSay {
		if strings.Contains(r.Text, n) {
			t.Errorf("reply %q contains %q", r.Text, n)
		}
	}
	if got := w.step(hung); got != step {
		t.Errorf("step %s, want %s", got, step)
	}
	if got := w.answers(hung); !maps.Equal(got, answers) {
		t.Errorf("answers %v, want %v", got, answers)
	}
}

// While correcting one item from the summary, a list of counts is refused: it would overwrite the next items.
func TestCountsTogetherRefusedWhenEditing(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w, "1", "2", "3", "4", "5", "6", "7")
	for _, a := range textAnswers {
		w.text(hung, a)
	}
	w.text(hung, "bỏ qua")
	w.text(hung, "bỏ qua")
	if got := w.step(hung); got != "report.summary" {
		t.Fatalf("setup: step %s", got)
	}
	contains(t, only(t, hung, w.text(hung, "sửa 3")), "Câu 3/12", "Hiện tại: 3")
	r := only(t, hung, w.text(hung, "8, 9"))
	contains(t, r, "Khi sửa, mỗi lần chỉ nhập một số cho câu này.", "Câu 3/12")
	if a := w.answers(hung); a["vneid"] != "3" || a["cashless"] != "4" {
		t.Errorf("answers changed: %v", a)
	}
	contains(t, only(t, hung, w.text(hung, "8")), "3. Số tài khoản VNeID mức 2 đã kích hoạt: 8", "4. Số tài khoản thanh toán không dùng tiền mặt đã mở: 4")
	if got := w.step(hung); got != "report.summary" {
		t.Errorf("after the edit: step %s, want report.summary", got)
	}
}

// Someone without the right who uses a decision button (or types its payload) is told so in
// plain Vietnamese, and nothing changes: the request waits as before, no conversation opens.
func TestNotYoursToDecide(t *testing.T) {
	notYours := "Yêu cầu số 1 không thuộc quyền xử lý của bạn."
	cases := []struct {
		name, who, input, say string
	}{
		{"a resident recommends", khoa, "#rq:1:rec", notYours},
		{"a resident declines", khoa, "#rq:1:dec", notYours},
		{"a resident approves", khoa, "#rq:1:app", notYours},
		{"the deputy recommends", mai, "#rq:1:rec", notYours},
		{"a leader of another team declines", tam, "#rq:1:dec", notYours},
		{"a member of another team recommends", hoa, "#rq:1:rec", notYours},
		{"the requester recommends herself", lan, "#rq:1:rec", notYours},
		{"the leader approves in the approver's place", hung, "#rq:1:app", notYours},
		{"the approver before the leader", chutich, "#rq:1:app", "Yêu cầu số 1 đang chờ tổ trưởng xem xét."},
		{"the approver rejects before the leader", chutich, "#rq:1:rej", "Yêu cầu số 1 đang chờ tổ trưởng xem xét."},
		{"a request that does not exist", hung, "#rq:99:rec", "Không tìm thấy yêu cầu này.\n\nCác yêu cầu đang chờ bạn: số 1."},
		{"an action that does not exist", hung, "#rq:1:ok", "Không tìm thấy yêu cầu này."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tungAnh(t)
			lanAsksToJoin(t, w)
			_, hadSession := w.session(tc.who)
			r := only(t, tc.who, w.text(tc.who, tc.input))
			if r.Text != tc.say {
				t.Errorf("said %q, want %q", r.Text, tc.say)
			}
			if len(r.Buttons) != 0 {
				t.Errorf("buttons %v on a refusal", titles(r))
			}
			if got := w.request(1); got.State != store.StateAwaitLeader {
				t.Errorf("request 1 is %s now, want %s", got.State, store.StateAwaitLeader)
			}
			if _, open := w.session(tc.who); open != hadSession {
				t.Errorf("conversation open: %v, before: %v", open, hadSession)
			}
			if role := w.roleIn("TA-T1", lan); role != "" {
				t.Errorf("lan has role %q in TA-T1", role)
			}
		})
	}
}

// Only the approver above a team without a leader may appoint one; others are refused and the roster stays.
func TestAppointOnlyByTheApprover(t *testing.T) {
	for _, who := range []string{nam, hoa, hung, lan} {
		t.Run(who, func(t *testing.T) {
			w := tungAnh(t)
			// Phan Văn Bình, TA-TL's leader, has left: the team has no leader.
			if err := w.db.Update(func(tx *store.Tx) error { return tx.RemoveRole("TA-TL", "1100000000000000004") }); err != nil {
				t.Fatal(err)
			}
			r := only(t, who, w.text(who, "#appoint:TA-TL:"+nam))
			if r.Text != "Bạn không có quyền giao tổ trưởng cho tổ này." {
				t.Errorf("said %q", r.Text)
			}
			if role := w.roleIn("TA-TL", nam); role != store.RoleMember {
				t.Errorf("nam is %q, want member", role)
			}
		})
	}
	t.Run("the approver", func(t *testing.T) {
		w := tungAnh(t)
		if err := w.db.Update(func(tx *store.Tx) error { return tx.RemoveRole("TA-TL", "1100000000000000004") }); err != nil {
			t.Fatal(err)
		}
		rs := w.text(chutich, "#appoint:TA-TL:"+nam)
		if len(rs) != 2 || rs[0].ToUser != chutich || rs[1].ToUser != nam {
			t.Fatalf("replies:%s", dump(rs))
		}
		contains(t, rs[0], "Đã giao Đặng Văn Nam làm tổ trưởng Tổ CNSCĐ thôn Trung Lưu.")
		contains(t, rs[1], "Bạn đã được giao làm tổ trưởng Tổ CNSCĐ thôn Trung Lưu.")
		if role := w.roleIn("TA-TL", nam); role != store.RoleLeader {
			t.Errorf("nam is %q, want leader", role)
		}
	})
}

// "báo cáo" from someone who may not file says who does, and opens nothing.
func TestReportByOthers(t *testing.T) {
	cases := []struct {
		name, who string
		say       string
		buttons   []string
	}{
		{"a resident", lan, "Báo cáo tháng do tổ trưởng hoặc tổ phó gửi. Nếu bạn là tổ trưởng mà chưa có trên hệ thống, vui lòng liên hệ UBND xã/phường.", menuResident},
		{"a member", hoa, "Báo cáo tháng của Tổ CNSCĐ thôn Trung Lưu do tổ trưởng Phan Văn Bình gửi.", nil},
		{"an approver", chutich, "Báo cáo tháng do tổ trưởng hoặc tổ phó gửi.", []string{"Trợ giúp"}}, // an official is not offered to join a team
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tungAnh(t)
			r := only(t, tc.who, w.text(tc.who, "báo cáo"))
			contains(t, r, tc.say)
			hasButtons(t, r, tc.buttons)
			if _, open := w.session(tc.who); open {
				t.Errorf("a conversation was opened: %s", w.step(tc.who))
			}
		})
	}
}

// Control words in the middle of the report, each from Câu 2/12 with the first answer given.
func TestReportControls(t *testing.T) {
	type turn struct {
		in      string
		say     []string // in the reply to hung (there must be exactly one)
		buttons []string // exactly, when not nil
	}
	cases := []struct {
		name    string
		turns   []turn
		step    string            // afterwards; "(none)" when the conversation ended
		answers map[string]string // afterwards, when the conversation is still open
	}{
		{name: "back goes to the question before, its answer kept",
			turns: []turn{{in: "quay lại", say: []string{"Câu 1/12: Số hộ gia đình được hướng dẫn?"}}},
			step:  "report.q0", answers: map[string]string{"households": "12"}},
		{name: "back twice reaches the month",
			turns: []turn{{in: "quay lại", say: []string{"Câu 1/12"}}, {in: "quay lại", say: []string{"Bạn báo cáo tháng nào?"}, buttons: []string{"Tháng 10/2026 (quá hạn)", "Tháng 11/2026"}}},
			step:  "report.period", answers: map[string]string{"households": "12"}},
		{name: "a required question cannot be skipped",
			turns: []turn{{in: "bỏ qua", say: []string{"Câu này bắt buộc, không bỏ qua được.", "Câu 2/12"}}},
			step:  "report.q1", answers: map[string]string{"households": "12"}},
		{name: "cancel asks before dropping the draft",
			turns: []turn{{in: "hủy", say: []string{"Bạn có chắc muốn bỏ bản nháp báo cáo tháng 11/2026 không?"}, buttons: []string{"Tiếp tục báo cáo", "Bỏ bản nháp"}}},
			step:  "report.drop", answers: map[string]string{"households": "12"}},
		{name: "cancel, then no: back to the question",
			turns: []turn{{in: "hủy", say: []string{"bỏ bản nháp"}}, {in: "không", say: []string{"Câu 2/12"}}},
			step:  "report.q1", answers: map[string]string{"households": "12"}},
		{name: "cancel, then the keep button: back to the question",
			turns: []turn{{in: "hủy", say: []string{"bỏ bản nháp"}}, {in: "quay lại", say: []string{"Câu 2/12"}}, {in: "30", say: []string{"Câu 3/12"}}},
			step:  "report.q2", answers: map[string]string{"households": "12", "dvctt": "30"}},
		{name: "cancel twice drops the draft",
			turns: []turn{{in: "hủy", say: []string{"bỏ bản nháp"}}, {in: "hủy", say: []string{"Đã hủy việc báo cáo tháng.", "Bạn muốn làm gì?"}, buttons: menuLeader}},
			step:  "(none)"},
		{name: "cancel, then the drop button",
			turns: []turn{{in: "hủy", say: []string{"bỏ bản nháp"}}, {in: "bỏ bản nháp", say: []string{"Đã hủy việc báo cáo tháng."}, buttons: menuLeader}},
			step:  "(none)"},
		{name: "help says what to type, then the question again",
			turns: []turn{{in: "trợ giúp", say: []string{"Bạn đang báo cáo tháng.", "\"quay lại\"", "\"hủy\"", "Câu 2/12"}}},
			step:  "report.q1", answers: map[string]string{"households": "12"}},
		{name: "starting another conversation is refused",
			turns: []turn{{in: "rời tổ", say: []string{"Bạn đang dở việc báo cáo tháng. Hãy làm tiếp hoặc hủy việc đó trước."}, buttons: []string{"Tiếp tục", "Hủy"}}},
			step:  "report.q1", answers: map[string]string{"households": "12"}},
		{name: "báo cáo again asks the open question",
			turns: []turn{{in: "báo cáo", say: []string{"Câu 2/12"}}},
			step:  "report.q1", answers: map[string]string{"households": "12"}},
		{name: "a pause keeps the draft and answers wait for resume",
			turns: []turn{
				{in: "tạm dừng", say: []string{"Đã tạm dừng việc báo cáo tháng, bản nháp được giữ lại."}, buttons: []string{"Tiếp tục", "Hủy"}},
				{in: "30", say: []string{"Bạn đang dở việc báo cáo tháng"}, buttons: []string{"Tiếp tục", "Hủy"}},
				{in: "tiếp tục", say: []string{"Câu 2/12"}},
				{in: "30", say: []string{"Câu 3/12"}}},
			step: "report.q2", answers: map[string]string{"households": "12", "dvctt": "30"}},
		{name: "a photo is kept and the question stays",
			turns: []turn{{in: "(ảnh)", say: []string{"Đã nhận ảnh minh chứng (1 ảnh)"}}},
			step:  "report.q1", answers: map[string]string{"households": "12"}},
		{name: "words that are not a number are asked again",
			turns: []turn{{in: "mười hai", say: []string{"Vui lòng nhập một số nguyên không âm", "Câu 2/12"}}},
			step:  "report.q1", answers: map[string]string{"households": "12"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tungAnh(t)
			startReport(t, w, "12")
			for _, tu := range tc.turns {
				in := flows.Input{Kind: flows.KindText, UserID: hung, Text: tu.in}
				if tu.in == "(ảnh)" {
					in = flows.Input{Kind: flows.KindAttachment, UserID: hung, AttachmentType: "image", AttachmentURL: "https://example.org/a.jpg"}
				}
				r := only(t, hung, w.handle(in))
				contains(t, r, tu.say...)
				if tu.buttons != nil {
					hasButtons(t, r, tu.buttons)
				}
			}
			if got := w.step(hung); got != tc.step {
				t.Fatalf("step %s, want %s", got, tc.step)
			}
			if tc.answers != nil {
				if got := w.answers(hung); !maps.Equal(got, tc.answers) {
					t.Errorf("answers %v, want %v", got, tc.answers)
				}
			}
			var filed bool
			w.view(func(tx *store.Tx) error {
				_, ok, err := tx.LatestReport("TA-T1", "2026-11")
				filed = ok
				return err
			})
			if filed {
				t.Error("a report was filed")
			}
		})
	}
}

// The optional questions take "bỏ qua" and are kept as empty answers.
func TestReportSkipOptional(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w)
	w.text(hung, "1, 2, 3, 4, 5, 6, 7")
	for i, a := range textAnswers {
		contains(t, only(t, hung, w.text(hung, a)), fmt.Sprintf("Câu %d/12", i+9))
	}
	contains(t, only(t, hung, w.text(hung, "bỏ qua")), "Câu 12/12: Đề xuất, kiến nghị?")
	if a, ok := w.answers(hung)["difficulties"]; !ok || a != "" {
		t.Errorf("skipped answer: %q (kept: %v), want an empty answer", a, ok)
	}
	r := w.text(hung, "bỏ qua")
	if len(r) != 1 {
		t.Fatalf("replies:%s", dump(r))
	}
	contains(t, r[0], "11. Khó khăn, vướng mắc: (bỏ qua)", "12. Đề xuất, kiến nghị: (bỏ qua)", "Bạn kiểm tra lại.")
	hasButtons(t, r[0], []string{"Gửi", "Sửa", "Hủy"})
}

// Text the engine does not understand, with no conversation open, gets the menu of the person's roles.
func TestUnknownTextAtMenu(t *testing.T) {
	cases := []struct {
		name, who string
		in        flows.Input
		say       []string
		buttons   []string
		step      string
	}{
		{name: "a resident", who: lan, in: flows.Input{Kind: flows.KindText, Text: "hôm nay trời đẹp quá"},
			say: []string{"Bạn muốn làm gì? Nhắn \"tham gia\""}, buttons: menuResident, step: "(none)"},
		{name: "a member", who: hoa, in: flows.Input{Kind: flows.KindText, Text: "hôm nay trời đẹp quá"},
			say: []string{"Nhắn \"rời tổ\""}, buttons: menuMember, step: "(none)"},
		{name: "a leader", who: hung, in: flows.Input{Kind: flows.KindText, Text: "hôm nay trời đẹp quá"},
			say: []string{"Nhắn \"báo cáo\""}, buttons: menuLeader, step: "(none)"},
		{name: "a stale button", who: lan, in: flows.Input{Kind: flows.KindText, Text: "#privacy:erase"},
			say: []string{"Nút này đã cũ, không còn dùng được.", "Bạn muốn làm gì?"}, buttons: menuResident, step: "(none)"},
		{name: "a photo", who: lan, in: flows.Input{Kind: flows.KindAttachment, AttachmentType: "image", AttachmentURL: "https://example.org/a.jpg"},
			say: []string{"Bạn muốn làm gì?"}, buttons: menuResident, step: "(none)"},
		{name: "back with nothing open", who: hung, in: flows.Input{Kind: flows.KindText, Text: "quay lại"},
			say: []string{"Bạn muốn làm gì?"}, buttons: menuLeader, step: "(none)"},
		{name: "cancel with nothing open", who: lan, in: flows.Input{Kind: flows.KindText, Text: "hủy"},
			say: []string{"Bạn không có việc nào đang dở để hủy.", "Bạn muốn làm gì?"}, buttons: menuResident, step: "(none)"},
		{name: "resume with nothing open", who: lan, in: flows.Input{Kind: flows.KindText, Text: "tiếp tục"},
			say: []string{"Bạn không có việc nào đang dở.", "Bạn muốn làm gì?"}, buttons: menuResident, step: "(none)"},
		{name: "a join code, in any case, starts the join at its team", who: lan, in: flows.Input{Kind: flows.KindText, Text: "ta01"},
			say: []string{"Chia sẻ họ tên và số điện thoại"}, step: "join.name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tungAnh(t)
			tc.in.UserID = tc.who
			rs := w.handle(tc.in)
			if len(rs) == 0 || rs[len(rs)-1].ToUser != tc.who {
				t.Fatalf("replies:%s", dump(rs))
			}
			var all flows.Reply
			for _, r := range rs {
				if r.ToUser != tc.who || r.ToGroup != "" {
					t.Errorf("a message to someone else:%s", dump([]flows.Reply{r}))
				}
				all.Text += r.Text + "\n"
			}
			contains(t, all, tc.say...)
			if tc.buttons != nil {
				hasButtons(t, rs[len(rs)-1], tc.buttons)
			}
			if got := w.step(tc.who); got != tc.step {
				t.Errorf("step %s, want %s", got, tc.step)
			}
		})
	}
}

// In group chats only the officers' status and page words are answered.
func TestGroupChat(t *testing.T) {
	cases := []struct {
		name, group, text string
		say               string // "" means no answer at all
	}{
		{"chatter", nhom, "Chào cả nhà, mai họp lúc 8h nhé.", ""},
		{"a report word that is not a question", nhom, "em đã nộp báo cáo rồi ạ", ""},
		{"status", nhom, "#baocao", "📊 Tình hình báo cáo tháng 11/2026 — Sở KH&CN Hà Tĩnh"},
		{"page link names the officer and a day", nhom, "xem trang tổng hợp", "https://cdtbot.example.vn/o/o2.ha-tinh-skhcn.24h0m0s"},
		{"a group not registered", "9900000000000000777", "#baocao", "Nhóm này chưa được đăng ký theo dõi báo cáo. Vui lòng liên hệ quản trị hệ thống."},
		{"chatter in a group not registered", "9900000000000000777", "chào", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tungAnh(t)
			rs := w.handle(flows.Input{Kind: flows.KindGroupText, UserID: hung, GroupID: tc.group, Text: tc.text})
			if tc.say == "" {
				if len(rs) != 0 {
					t.Fatalf("answered chatter:%s", dump(rs))
				}
				return
			}
			if len(rs) != 1 || rs[0].ToGroup != tc.group || rs[0].ToUser != "" {
				t.Fatalf("want one message to the group, got:%s", dump(rs))
			}
			contains(t, rs[0], tc.say)
			if _, open := w.session(hung); open {
				t.Error("a group message opened a conversation")
			}
		})
	}
}

// A refusal's reason typed in the middle of a report is a side conversation: the refusal is
// recorded and the report goes on where it was, its answers intact.
func TestRefusalReasonMidReport(t *testing.T) {
	w := tungAnh(t)
	lanAsksToJoin(t, w)
	startReport(t, w, "12")
	contains(t, only(t, hung, w.text(hung, "#rq:1:dec")), "Vui lòng nhập lý do từ chối yêu cầu số 1")
	if got := w.step(hung); got != "decide.reason" {
		t.Fatalf("step %s, want decide.reason", got)
	}
	// "30" is the reason here, not the answer to Câu 2.
	rs := w.text(hung, "30 hộ đã đủ người")
	if len(rs) != 2 || rs[0].ToUser != hung || rs[1].ToUser != lan {
		t.Fatalf("replies:%s", dump(rs))
	}
	contains(t, rs[0], "Đã ghi nhận từ chối yêu cầu số 1", "Quay lại việc báo cáo tháng.", "Câu 2/12")
	contains(t, rs[1], "Rất tiếc, yêu cầu số 1 (xin tham gia Tổ CNSCĐ thôn 1) không được chấp thuận. Lý do: 30 hộ đã đủ người")
	if got := w.request(1); got.State != store.StateDeclined {
		t.Errorf("request 1 is %s, want declined", got.State)
	}
	if got := w.step(hung); got != "report.q1" {
		t.Fatalf("step %s, want report.q1", got)
	}
	if got := w.answers(hung); !maps.Equal(got, map[string]string{"households": "12"}) {
		t.Errorf("answers %v", got)
	}
	contains(t, only(t, hung, w.text(hung, "30")), "Câu 3/12")

	// Cancelling a reason goes back to the report too, and decides nothing.
	w2 := tungAnh(t)
	lanAsksToJoin(t, w2)
	startReport(t, w2, "12")
	w2.text(hung, "#rq:1:dec")
	r := only(t, hung, w2.text(hung, "hủy"))
	contains(t, r, "Quay lại việc báo cáo tháng.", "Câu 2/12")
	if strings.Contains(r.Text, "Đã hủy") {
		t.Errorf("cancelling the reason said the report was cancelled: %q", r.Text)
	}
	if got := w2.request(1); got.State != store.StateAwaitLeader {
		t.Errorf("request 1 is %s, want await_leader", got.State)
	}
	if got := w2.step(hung); got != "report.q1" {
		t.Errorf("step %s, want report.q1", got)
	}
}

// A conversation left for more than a day is paused, not dropped, and the answer that found it
// paused is not taken; privacy requests and cancel are answered at once.
func TestLeftForADay(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w, "12")
	w.clock.Add(24*time.Hour + time.Minute)
	r := only(t, hung, w.text(hung, "30"))
	contains(t, r, "Bạn đang dở việc báo cáo tháng (lần cuối lúc 09:00 23/11/2026). Bạn muốn làm tiếp không?")
	hasButtons(t, r, []string{"Tiếp tục", "Hủy"})
	if _, ok := w.answers(hung)["dvctt"]; ok {
		t.Error("the answer that found the draft paused was kept")
	}
	contains(t, only(t, hung, w.text(hung, "tiếp tục")), "Câu 2/12")
	contains(t, only(t, hung, w.text(hung, "30")), "Câu 3/12")

	// Just under a day is not a pause.
	w2 := tungAnh(t)
	startReport(t, w2, "12")
	w2.clock.Add(24*time.Hour - time.Minute)
	contains(t, only(t, hung, w2.text(hung, "30")), "Câu 3/12")
}

// After a day away, tapping "Hủy" on the paused message and then "Tiếp tục báo cáo" should
// bring the question back and take its answer.
// (Cancel and back on a paused draft once left it paused, so the next answer met "Bạn đang dở việc…" again.)
func TestPausedDraftCancelThenKeep(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w, "12")
	w.clock.Add(25 * time.Hour)
	contains(t, only(t, hung, w.text(hung, "30")), "Bạn đang dở việc báo cáo tháng")
	r := only(t, hung, w.text(hung, "hủy")) // the [Hủy] button of the paused message
	contains(t, r, "Bạn có chắc muốn bỏ bản nháp")
	contains(t, only(t, hung, w.text(hung, "quay lại")), "Câu 2/12") // [Tiếp tục báo cáo]
	contains(t, only(t, hung, w.text(hung, "30")), "Câu 3/12")
	if a := w.answers(hung); a["dvctt"] != "30" {
		t.Errorf("answers %v: Câu 2 not taken", a)
	}
}

// An answer to a free-text question one letter from a command ("nhiều lắm" / the pause phrase
// "chiều làm") is not taken as the command: the bot asks, and "this is my answer" stores it.
func TestFreeTextAnswerThatLooksLikeATypo(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w)
	w.text(hung, "1, 2, 3, 4, 5, 6, 7")
	for _, a := range textAnswers {
		w.text(hung, a)
	}
	contains(t, only(t, hung, w.text(hung, "nhiều lắm")), "hay đây là câu trả lời")
	contains(t, only(t, hung, w.text(hung, "#clarify:answer")), "Câu 12/12")
	if a := w.answers(hung)["difficulties"]; a != "nhiều lắm" {
		t.Errorf("answer %q, want \"nhiều lắm\"", a)
	}
}

// The open question is the last thing the person reads: a refusal recorded in the middle of a report
// is said before the report's question comes back, not after it.
func TestRefusalRecordedBeforeTheQuestion(t *testing.T) {
	w := tungAnh(t)
	lanAsksToJoin(t, w)
	startReport(t, w, "12")
	w.text(hung, "#rq:1:dec")
	rs := w.text(hung, "Đã đủ người")
	var last flows.Reply
	for _, r := range rs {
		if r.ToUser == hung {
			last = r
		}
	}
	recorded := strings.Index(last.Text, "Đã ghi nhận từ chối yêu cầu số 1")
	question := strings.Index(last.Text, "Câu 2/12")
	if recorded < 0 || question < 0 || recorded > question {
		t.Fatalf("the last message to hung must say the refusal was recorded, then ask Câu 2/12:%s", dump(rs))
	}
	if got := w.step(hung); got != "report.q1" {
		t.Errorf("step %s, want report.q1", got)
	}
}

// The officers' words ("xem trang tổng hợp", "tình hình báo cáo") from someone who is not an officer,
// in the middle of a report, get a short answer — the page is for officers; the picture asked by a
// leader is their own team's standing — and the open question again: no menu, and the report stays
// where it was.
func TestOfficerWordsFromOthersMidReport(t *testing.T) {
	for in, said := range map[string]string{"xem trang tổng hợp": "dành cho cán bộ theo dõi", "tình hình báo cáo": "📅 Tổ CNSCĐ thôn 1",
		"#baocao": "📅 Tổ CNSCĐ thôn 1"} {
		t.Run(in, func(t *testing.T) {
			w := tungAnh(t)
			startReport(t, w, "12")
			r := only(t, hung, w.text(hung, in))
			contains(t, r, said, "Câu 2/12")
			if strings.Index(r.Text, "Câu 2/12") < strings.Index(r.Text, said) {
				t.Errorf("the question must come last: %q", r.Text)
			}
			if strings.Contains(r.Text, "Bạn muốn làm gì?") || len(r.Buttons) > 0 {
				t.Errorf("the menu was shown:%s", dump([]flows.Reply{r}))
			}
			if got := w.step(hung); got != "report.q1" {
				t.Fatalf("step %s, want report.q1", got)
			}
			if got := w.answers(hung); !maps.Equal(got, map[string]string{"households": "12"}) {
				t.Errorf("answers %v", got)
			}
			contains(t, only(t, hung, w.text(hung, "30")), "Câu 3/12")
		})
	}

	// On a paused draft the answer comes with the offer to go on, as any other message would.
	w := tungAnh(t)
	startReport(t, w, "12")
	w.text(hung, "tạm dừng")
	r := only(t, hung, w.text(hung, "tình hình báo cáo"))
	contains(t, r, "📅 Tổ CNSCĐ thôn 1", "Bạn đang dở việc báo cáo tháng")
	hasButtons(t, r, []string{"Tiếp tục", "Hủy"})
}

// An officer with a Zalo account of their own who is also filing a report gets the digest or the link,
// and then the open question again.
func TestOfficerWordsFromAnOfficerMidReport(t *testing.T) {
	w := tungAnh(t)
	err := w.db.Update(func(tx *store.Tx) error {
		return tx.PutOfficer(store.Officer{ID: "ha-tinh-skhcn", Name: "Sở KH&CN Hà Tĩnh", GroupID: nhom, Scope: "42", ZaloID: hung})
	})
	if err != nil {
		t.Fatal(err)
	}
	startReport(t, w, "12")
	for in, want := range map[string]string{"tình hình báo cáo": "📊 Tình hình báo cáo tháng 11/2026", "xem trang tổng hợp": "https://cdtbot.example.vn/o/o2.ha-tinh-skhcn.24h0m0s"} {
		rs := w.text(hung, in)
		if len(rs) == 0 || rs[len(rs)-1].ToUser != hung {
			t.Fatalf("%s: replies:%s", in, dump(rs))
		}
		all := ""
		for _, r := range rs {
			all += r.Text + "\n"
		}
		if i := strings.Index(all, want); i < 0 || strings.LastIndex(all, "Câu 2/12") < i || !strings.Contains(rs[len(rs)-1].Text, "Câu 2/12") {
			t.Errorf("%s: want %q, then Câu 2/12 last:%s", in, want, dump(rs))
		}
	}
	if got := w.step(hung); got != "report.q1" {
		t.Fatalf("step %s, want report.q1", got)
	}
}

// A lone letter is not a command. At a yes/no question "c" is chat shorthand for "có" (as "k" is for
// "không"); elsewhere a lone letter is what any words the bot cannot place are: an answer the open
// step checks, or the menu when nothing is open. It is never help.
func TestLoneLetter(t *testing.T) {
	t.Run("c at a yes/no question is yes", func(t *testing.T) {
		w := tungAnh(t)
		w.text(hoa, "rời tổ")
		contains(t, only(t, hoa, w.text(hoa, "Chuyển công tác sang xã khác.")), "Bạn xin rời Tổ CNSCĐ thôn Trung Lưu.")
		rs := w.text(hoa, "c")
		if len(rs) == 0 || rs[0].ToUser != hoa {
			t.Fatalf("replies:%s", dump(rs))
		}
		contains(t, rs[0], "Đã gửi yêu cầu số 1 xin rời Tổ CNSCĐ thôn Trung Lưu.")
	})
	t.Run("k at a yes/no question is still no", func(t *testing.T) {
		w := tungAnh(t)
		w.text(hoa, "rời tổ")
		w.text(hoa, "Chuyển công tác sang xã khác.")
		contains(t, only(t, hoa, w.text(hoa, "k")), "Đã hủy việc xin rời tổ.")
	})
	t.Run("another letter at a yes/no question asks it again", func(t *testing.T) {
		w := tungAnh(t)
		w.text(hoa, "rời tổ")
		w.text(hoa, "Chuyển công tác sang xã khác.")
		r := only(t, hoa, w.text(hoa, "x"))
		contains(t, r, "Bạn xin rời Tổ CNSCĐ thôn Trung Lưu.")
		if strings.Contains(r.Text, "Bạn đang xin rời tổ.") {
			t.Errorf("read as help: %q", r.Text)
		}
		if got := w.step(hoa); got != "leave.confirm" {
			t.Errorf("step %s, want leave.confirm", got)
		}
	})
	for _, letter := range []string{"c", "C", "c.", "j", "z"} {
		t.Run(letter+" at a count question is not a number", func(t *testing.T) {
			w := tungAnh(t)
			startReport(t, w, "12")
			r := only(t, hung, w.text(hung, letter))
			contains(t, r, "Vui lòng nhập một số nguyên không âm", "Câu 2/12")
			if strings.Contains(r.Text, "Bạn đang báo cáo tháng.") {
				t.Errorf("read as help: %q", r.Text)
			}
		})
	}
	t.Run("c at the commune search is searched for", func(t *testing.T) {
		w := tungAnh(t)
		w.text(lan, "tham gia")
		r := only(t, lan, w.text(lan, "c"))
		contains(t, r, "Không tìm thấy xã/phường \"c\"")
		if got := w.step(lan); got != "join.commune" {
			t.Errorf("step %s, want join.commune", got)
		}
	})
	for _, letter := range []string{"c", "y", "i"} {
		t.Run(letter+" with nothing open gets the menu", func(t *testing.T) {
			w := tungAnh(t)
			r := only(t, lan, w.text(lan, letter))
			contains(t, r, "Bạn muốn làm gì?")
			hasButtons(t, r, menuResident)
			if got := w.step(lan); got != "(none)" {
				t.Errorf("step %s, want (none)", got)
			}
		})
	}
}
