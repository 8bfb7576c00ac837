package flows

import (
	"testing"

	"github.com/cdtbot/cdtbot/flows/intent"
)

// commandWords are the command words the bot understood before the intent layer
// (typed as the whole message): every one must still mean the same.
var commandWords = map[string][]string{
	cmdCancel: {"hủy", "huỷ", "hủy bỏ", "thôi"},
	cmdBack:   {"quay lại", "trở lại", "lùi lại"},
	cmdSkip:   {"bỏ qua"},
	cmdHelp:   {"trợ giúp", "menu", "giúp", "hướng dẫn", "giúp đỡ"},
	cmdResume: {"tiếp tục", "làm tiếp"},
	cmdJoin:   {"tham gia", "xin tham gia", "tham gia tổ", "đăng ký", "đăng ký tham gia"},
	cmdLeave:  {"rời tổ", "xin rời tổ", "ra khỏi tổ", "xin ra khỏi tổ", "rút khỏi tổ"},
	cmdReport: {"báo cáo", "báo cáo tháng", "gửi báo cáo", "nộp báo cáo"},
	cmdStatus: {"tình hình báo cáo", "tổng hợp báo cáo", "xem tình hình báo cáo"},
	cmdPage:   {"xem trang tổng hợp", "trang tổng hợp", "xem trang báo cáo"},
	cmdMyData: {"dữ liệu của tôi", "xem dữ liệu của tôi", "dữ liệu cá nhân", "xem dữ liệu cá nhân",
		"thông tin của tôi", "xem thông tin của tôi", "dữ liệu của mình", "tôi được lưu gì"},
	cmdErase: {"xóa dữ liệu của tôi", "xoá dữ liệu của tôi", "xóa dữ liệu", "xóa dữ liệu cá nhân",
		"xóa thông tin của tôi", "xóa dữ liệu của mình", "xóa tài khoản"},
	cmdWithdraw: {"rút lại đồng ý", "rút đồng ý", "rút lại sự đồng ý", "thu hồi đồng ý", "hủy đồng ý", "không đồng ý nữa"},
}

func TestEveryOldCommandWordStillWorks(t *testing.T) {
	c := intent.New()
	for cmd, phrases := range commandWords {
		for _, p := range phrases {
			got := c.Classify(p, intent.Idle)
			if commandOf[got.Intent] != cmd {
				t.Errorf("%q = %s (%s), want %s", p, got.Intent, got.Why, cmd)
			}
		}
	}
}
