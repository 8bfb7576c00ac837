package flows_test

import (
	"testing"

	"github.com/cdtbot/cdtbot/flows"
)

func TestTypedChoice(t *testing.T) {
	confirm := []flows.Button{{Title: "Gửi yêu cầu", Payload: "gửi"}, {Title: "Sửa thông tin", Payload: "sửa"}, {Title: "Hủy", Payload: "hủy"}}
	decide := []flows.Button{{Title: "Phê duyệt", Payload: "#rq:7:app"}, {Title: "Từ chối", Payload: "#rq:7:rej"}}
	months := []flows.Button{{Title: "Tháng 10/2026 (quá hạn)", Payload: "#period:2026-10"}, {Title: "Tháng 11/2026", Payload: "#period:2026-11"}}
	teams := []flows.Button{{Title: "Tổ CNSCĐ thôn 1", Payload: "#team:T1"}, {Title: "Tổ CNSCĐ thôn 10", Payload: "#team:T10"}, {Title: "Tổ CNSCĐ thôn Trung Lưu", Payload: "#team:TL"}}
	people := []flows.Button{{Title: "Nguyễn Văn Hùng", Payload: "#appoint:T1:1"}, {Title: "Nguyễn Văn Hưng", Payload: "#appoint:T1:2"}}
	for _, c := range []struct {
		name    string
		buttons []flows.Button
		text    string
		want    string
	}{
		{"a number", confirm, "1", "gửi"},
		{"a number with a dot", confirm, "2.", "sửa"},
		{"a number past the buttons", confirm, "4", "4"},
		{"the title", confirm, "Gửi yêu cầu", "gửi"},
		{"the title without diacritics, in capitals", confirm, "GUI YEU CAU", "gửi"},
		{"the title in NFD", confirm, "Gu\u031b\u0309i ye\u0302u ca\u0302\u0300u", "gửi"},
		{"a letter missing", confirm, "gửi yêu cầ", "gửi"},
		{"a letter wrong", confirm, "sua thong tim", "sửa"},
		{"other words stay words", confirm, "tôi muốn sửa số điện thoại", "tôi muốn sửa số điện thoại"},
		{"a word payload is not chosen by a part of its title", confirm, "yêu cầu", "yêu cầu"},
		{"a hidden command by a word no other button has", decide, "duyệt", "#rq:7:app"},
		{"a refusal with its reason", decide, "từ chối vì chưa đủ tuổi", "#rq:7:rej:chưa đủ tuổi"},
		{"a refusal alone", decide, "không", "#rq:7:rej"},
		{"ko đồng ý", decide, "ko đồng ý", "#rq:7:rej"},
		{"ok", decide, "ok", "#rq:7:app"},
		{"ok duyệt", decide, "ok duyệt", "#rq:7:app"},
		{"đồng ý giới thiệu", []flows.Button{{Title: "Giới thiệu", Payload: "#rq:7:rec"}, {Title: "Từ chối", Payload: "#rq:7:dec"}}, "đồng ý giới thiệu lên xã", "#rq:7:rec"},
		{"chatter is not a decision", decide, "để chị xem đã", "để chị xem đã"},
		{"a month's title", months, "tháng 11/2026", "#period:2026-11"},
		{"a month is not a slip of another", months, "Tháng 12/2026", "Tháng 12/2026"},
		{"words with a number fit whole words: thôn 1 is not thôn 10", teams, "thôn 1", "#team:T1"},
		{"thôn 10", teams, "thon 10", "#team:T10"},
		{"words in order, not next to each other", teams, "tổ trung lưu", "#team:TL"},
		{"words two buttons share", teams, "tổ cnscđ", "tổ cnscđ"},
		{"a name two buttons fold to", people, "Nguyen Van Hung", "Nguyen Van Hung"},
		{"a typed hidden command is left alone", decide, "#rq:7:rej", "#rq:7:rej"},
		// Found in review: a name one letter from a button is another person; the object of a
		// command is not the command.
		{"a name one letter off", []flows.Button{{Title: "Nguyễn Thị Lan", Payload: "#appoint:T1:11"}, {Title: "Trần Văn Minh", Payload: "#appoint:T1:12"}}, "Nguyễn Thị Loan", "Nguyễn Thị Loan"},
		{"Linh is not Minh", []flows.Button{{Title: "Nguyễn Thị Lan", Payload: "#appoint:T1:11"}, {Title: "Trần Văn Minh", Payload: "#appoint:T1:12"}}, "Trần Văn Linh", "Trần Văn Linh"},
		{"a name exactly", []flows.Button{{Title: "Nguyễn Thị Lan", Payload: "#appoint:T1:11"}, {Title: "Trần Văn Minh", Payload: "#appoint:T1:12"}}, "nguyen thi lan", "#appoint:T1:11"},
		{"command or answer: the command's object", []flows.Button{{Title: "Tạm dừng báo cáo tháng", Payload: "#clarify:cmd"}, {Title: "Đây là câu trả lời", Payload: "#clarify:answer"}}, "báo cáo", "báo cáo"},
		{"command or answer: the whole title", []flows.Button{{Title: "Tạm dừng báo cáo tháng", Payload: "#clarify:cmd"}, {Title: "Đây là câu trả lời", Payload: "#clarify:answer"}}, "tạm dừng báo cáo tháng", "#clarify:cmd"},
		{"no buttons", nil, "gửi yêu cầu", "gửi yêu cầu"},
	} {
		if got := flows.TypedChoice(c.buttons, c.text); got != c.want {
			t.Errorf("%s: TypedChoice(%q) = %q, want %q", c.name, c.text, got, c.want)
		}
	}
}
