package intent

import "testing"

func TestIssueExamples(t *testing.T) {
	c := New()
	cases := []struct {
		sit  Situation
		text string
		want string
	}{
		{Idle, "tham gia", Join},
		{Idle, "em muốn tham gia tổ công nghệ số thôn mình", Join},
		{Idle, "gửi báo cáo tháng này nhé", Report},
		{Idle, "cho em vào tổ với", Join},
		{Idle, "đăng ký làm thành viên", Join},
		{Idle, "em xin rút khỏi tổ", Leave},
		{Idle, "không muốn làm nữa", Leave},
		{Idle, "nộp báo cáo", Report},
		{Idle, "xem ai chưa nộp", Status},
		{Idle, "bc", Report},
		{Idle, "BC T11", Report},
		{Idle, "tổ CNSCĐ", None},
		{Text, "dừng lại", Pause},
		{Text, "tiếp đi", Resume},
		{Text, "hủy báo cáo", Cancel},
		{Idle, "hủy báo cáo", Cancel},
		{Confirm, "không", No},
		{Confirm, "ko", No},
		{Confirm, "ok e", Yes},
		{Search, "chào", Help},
		{Search, "giúp với", Help},
		{Search, "?", Help},
		{Search, "Thạch Hà", Answer},
		{Group, "tổng hợp", Status},
		{Group, "ai còn thiếu", Status},
		{Group, "[@1798765432100000000] #baocao", Status},
		{Group, "mai họp lúc 8h nhé", None},
		{Text, "Người dân chưa biết cách báo cáo trên VNeID", Answer},
		{Text, "Dân chưa biết hủy hồ sơ trên cổng dịch vụ công", Answer},
		{Count, "12", Answer},
		{Count, "không có", Answer},
		{Count, "bỏ qua", Skip},
		{Text, "thôi em dừng lại đây mai làm tiếp", Pause},
		{Text, "Hướng dẫn dân.", Answer},
		{Text, "Cần hỗ trợ", Answer},
		{Text, "Mở tài khoản.", Answer},
		{Text, "giúp em với", Help},
		{Text, "khoan", Pause},
	}
	for _, tc := range cases {
		r := c.Classify(tc.text, tc.sit)
		if r.Intent != tc.want {
			t.Errorf("%s %q = %s (%s), want %s", tc.sit, tc.text, r.Intent, r.Why, tc.want)
		}
	}
}

// A lone letter is never a command: at a yes/no question the chat shorthand "c" (có), "k" (không),
// "u" and "y" answer it; anywhere else a letter is what unplaceable words are (an answer to the open
// question, or nothing), not help ("c" is teencode for "chị", which folds to the Central "chi" = what)
// nor, with nothing open, a withdrawal of consent guessed by the backstop ("y", "i").
func TestLoneLetter(t *testing.T) {
	c := New()
	cases := []struct {
		sit  Situation
		text string
		want string
	}{
		{Confirm, "c", Yes}, {Confirm, "C", Yes}, {Confirm, "c.", Yes}, {Confirm, "dạ c", Yes},
		{Confirm, "k", No}, {Confirm, "u", Yes}, {Confirm, "y", Yes},
		{Confirm, "x", Answer}, {Confirm, "j", Answer}, {Confirm, "cc", Answer},
		{Idle, "c", None}, {Idle, "C!", None}, {Idle, "y", None}, {Idle, "i", None}, {Idle, "j", None}, {Idle, "z", None}, {Idle, "đ", None},
		{Text, "c", Answer}, {Text, "j", Answer}, {Count, "c", Answer}, {Count, "z", Answer}, {Search, "c", Answer},
		{Group, "c", None}, {Group, "[@1798765432100000000] c", Help},
		{Idle, "?", Help}, {Text, "?", Help}, {Text, "c?", Help}, {Idle, "bc", Report},
	}
	for _, tc := range cases {
		if r := c.Classify(tc.text, tc.sit); r.Intent != tc.want {
			t.Errorf("%s %q = %s (%s), want %s", tc.sit, tc.text, r.Intent, r.Why, tc.want)
		}
	}
}

// BenchmarkClassify: one message, of the kinds people send, read in its situation (goal < 50 µs).
func BenchmarkClassify(b *testing.B) {
	c := New()
	msgs := []struct {
		sit  Situation
		text string
	}{
		{Idle, "em muốn tham gia tổ công nghệ số thôn mình ạ"},
		{Idle, "gửi báo cáo tháng này nhé"},
		{Text, "Đã hướng dẫn 45 hộ cài đặt VNeID mức 2, còn khó khăn vì người già không có điện thoại thông minh"},
		{Count, "12 hộ"},
		{Confirm, "oke luôn"},
		{Group, "[@1798765432100000000] tình hình báo cáo tháng 11 thế nào rồi em"},
		{Search, "phuong thanh sen"},
		{Text, "thôi em dừng lại đây mai làm tiếp"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m := msgs[i%len(msgs)]
		c.Classify(m.text, m.sit)
	}
}
