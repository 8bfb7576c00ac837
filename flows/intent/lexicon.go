package intent

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/vntext"
)

// lexicon lists, per intent, the phrases that mean it, written as people type
// them (folded before use: diacritics, case, Telex leftovers and y/i do not matter).
var lexicon = map[string][]string{
	Join: {"tham gia", "xin tham gia", "vào tổ", "vô tổ", "cho vào", "cho vô", "gia nhập", "đăng ký", "đăng kí",
		"làm thành viên", "thành viên mới", "làm tình nguyện viên", "xin vào", "xin vô", "kết nạp", "vào nhóm", "vô nhóm",
		"đăng ký thành viên", "làm tổ viên", "muốn vào", "muốn vô", "được vào", "vào làm", "nhập tổ", "cộng tác viên",
		"làm cộng tác viên", "đk", "tham ra", "góp sức", "tình nguyện", "vào tổ", "tham gia tổ", "xin vào tổ", "join tổ", "muốn tham gia", "vô tổ", "gia nhập tổ", "được tham gia"},
	Leave: {"rời tổ", "rời khỏi", "rời nhóm", "ra khỏi", "rút khỏi", "rút tên", "xin rút", "xin nghỉ", "nghỉ làm", "thôi làm",
		"không muốn làm nữa", "không tham gia nữa", "không muốn tham gia nữa", "ra tổ", "ra nhóm",
		"nghỉ tham gia", "thôi tham gia", "xin ra", "rời đi", "rời", "nghỉ tổ", "nghỉ không làm", "không làm tổ viên nữa",
		"dừng tham gia", "không làm thành viên nữa", "xin thôi", "bỏ tổ", "rút lui", "nghỉ luôn",
		"không theo nữa", "rút ra", "rời tổ", "xin rời", "rời khỏi tổ", "không tham gia tổ nữa", "không làm tổ viên nữa", "nghỉ làm tổ viên", "xin nghỉ", "xin phép rời", "không tham gia được nữa", "rút khỏi tổ", "ra khỏi tổ", "rút tên", "không làm tổ viên nữa", "không muốn làm tổ viên nữa", "làm tổ viên nữa"},
	Report: {"báo cáo", "bc", "nộp báo cáo", "gửi báo cáo", "làm báo cáo", "báo cáo tháng", "nộp", "gửi bc",
		"nhập báo cáo", "báo kết quả", "báo cáo kết quả", "viết báo cáo", "lập báo cáo", "điền báo cáo", "báo cáo định kỳ",
		"báo cáo hàng tháng", "nộp số liệu", "gửi số liệu", "báo số liệu", "cập nhật số liệu", "bcao", "báo cáo kết quả hoạt động", "gửi báo cáo tháng", "nộp bc"},
	Status: {"tình hình", "tình hình báo cáo", "tổng hợp", "tổng hợp báo cáo", "chậm báo cáo", "chậm nộp", "cho xem tình hình", "xem tình hình báo cáo", "ai chưa nộp", "ai chưa báo cáo", "ai còn thiếu",
		"còn thiếu", "ai chưa gửi", "chưa nộp", "đã nộp", "ai nộp", "ai đã nộp", "bao nhiêu tổ", "mấy tổ", "tiến độ",
		"kết quả báo cáo", "thống kê", "ai chưa", "tổ nào chưa", "thiếu báo cáo", "chưa báo cáo", "còn ai", "xem tình hình",
		"số liệu tổng hợp", "tỉ lệ", "tình trạng báo cáo", "tình hình nộp", "nộp chưa", "ai trễ", "trễ hạn", "quá hạn",
		"danh sách chưa", "báo cáo tổng hợp", "tổng kết", "đã đủ chưa", "đủ chưa", "ai thiếu", "thiếu ai", "tổ nào thiếu",
		"chưa gửi báo cáo", "nộp chưa", "gửi chưa", "báo cáo chưa", "đủ chưa", "số tổ", "đã báo cáo", "chưa nộp báo cáo", "tổ nào chưa nộp", "bao nhiêu tổ đã", "đúng hạn", "tỉ lệ nộp", "sao rồi", "đến đâu rồi", "tới đâu rồi", "thế nào rồi", "ra sao rồi", "tiến độ nộp", "tiến độ", "nộp hết chưa", "nộp đủ chưa", "báo cáo thế nào", "báo cáo ra sao", "bc ra sao", "báo cáo răng rồi",
		"số liệu báo cáo", "xin số liệu"},
	Page: {"trang tổng hợp", "xem trang", "trang web", "đường link", "link", "đường dẫn", "trang báo cáo", "trang theo dõi", "gửi link", "link xem", "link trang",
		"bảng tổng hợp", "trang quản lý", "web", "website", "gửi link", "mở trang", "biểu đồ", "dashboard", "xuất file",
		"file excel", "excel", "trang tổng hợp báo cáo", "link tổng hợp", "web tổng hợp", "xem trang tổng hợp", "in báo cáo", "trang xem"},
	Help: {"trợ giúp", "giúp", "giúp đỡ", "hướng dẫn", "menu", "chào", "xin chào", "alo", "hi", "hello", "helo", "bắt đầu",
		"start", "!cần hỗ trợ", "!hỗ trợ", "hỏi", "cho hỏi",
		"chỉ dẫn", "chỉ với", "không hiểu", "ko hiểu", "là sao",
		"có ai không", "ai đó", "bot", "ad", "admin", "chức năng", "tính năng",
		"hd", "huong dan", "lệnh", "danh mục", "xin hướng dẫn", "chào bạn", "chào ad", "chào anh",
		"chào chị", "chào em", "chao xìn", "good morning", "hey", "ơi", "có ai", "có ai trực không", "ad ơi", "ơi ad", "bot ơi", "giúp với", "giúp em", "giúp mình", "trợ giúp", "~không biết", "~ko biết", "~hổng biết", "cách dùng", "sử dụng", "hướng dẫn sử dụng", "giải thích", "ví dụ", "có mẫu không", "mẫu", "nghĩa là gì", "là gì", "ý là sao", "là sao", "hả", "sao ạ", "bước nào", "câu mấy", "chào buổi sáng", "chào buổi chiều", "chào cả nhà", "~gì", "~cái gì", "~làm gì", "~làm thế nào", "~làm như thế nào", "~dùng sao", "~dùng thế nào", "~dùng như nào", "~sao", "~như thế nào", "~thế nào", "~như nào", "~làm sao", "~ra sao", "~răng", "~mần răng", "~chi", "~ở đâu", "~đâu", "#trogiup", "trogiup", "/help", "help", "hú", "hướng dẫn em", "cách trả lời", "trả lời thế nào", "chỉ em", "không rõ", "ko rõ", "chọn giúp", "giúp em chọn", "nhập số hay chữ", "hay", "không rõ nữa", "#trogiup", "/help", "/trogiup"},
	MyData: {"dữ liệu của tôi", "dữ liệu của mình", "dữ liệu của em", "dữ liệu cá nhân", "thông tin của tôi",
		"thông tin của mình", "thông tin của em", "thông tin cá nhân", "xem dữ liệu", "xem thông tin", "lưu gì", "lưu những gì",
		"giữ gì", "biết gì về", "dữ liệu gì", "thông tin gì", "hồ sơ của tôi", "xem hồ sơ", "đã lưu", "lưu đúng chưa", "vai trò", "kiểm tra thông tin", "kiểm tra số điện thoại", "xem lại thông tin", "thông tin đã gửi", "thông tin tôi đã gửi", "giữ những gì", "lưu những gì", "hệ thống lưu", "xem dữ liệu", "dữ liệu cá nhân", "xem lại họ tên", "thông tin đã đăng ký", "xem mình", "vai trò gì", "đang có vai trò"},
	Erase: {"xóa dữ liệu", "xoá dữ liệu", "xóa thông tin", "xóa tài khoản", "xóa hết", "xóa sạch", "xóa số điện thoại",
		"xóa tên", "xóa hồ sơ", "xóa dữ liệu của tôi", "hủy dữ liệu", "xóa bỏ dữ liệu", "xóa bỏ thông tin", "quên tôi đi",
		"quên tôi", "xóa data", "xóa dữ liệu cá nhân", "xóa thông tin cá nhân", "xóa dữ liệu của mình", "xóa thông tin của tôi",
		"xóa thông tin của mình", "xóa dữ liệu của em", "xóa thông tin của em", "xóa toàn bộ", "gỡ thông tin", "xóa tài khoản", "hủy tài khoản", "xóa giúp", "xóa đi", "xóa dữ liệu cá nhân", "xóa hết thông tin", "không muốn hệ thống giữ", "đừng lưu", "hủy dữ liệu", "xóa bỏ", "xóa bỏ toàn bộ"},
	Withdraw: {"rút lại đồng ý", "rút đồng ý", "rút lại sự đồng ý", "thu hồi đồng ý", "hủy đồng ý", "không đồng ý nữa",
		"rút lại chấp thuận", "thu hồi sự đồng ý", "không cho lưu nữa", "không cho phép nữa", "rút lại quyền",
		"thu hồi quyền", "không chấp thuận nữa", "không đồng ý cho lưu", "không đồng ý lưu", "không cho phép lưu", "không còn đồng ý", "không cho lưu", "không cho phép xử lý", "rút lại quyền lưu", "hủy bỏ sự đồng ý", "hủy bỏ đồng ý", "rút lại sự chấp thuận", "hối hận vì đã đồng ý", "rút lại đồng ý", "rút consent", "không đồng ý nữa", "không còn đồng ý cho lưu"},
	Cancel: {"hủy", "huỷ", "hủy bỏ", "hủy báo cáo", "hủy yêu cầu", "hủy đăng ký", "thôi", "thôi không làm nữa", "không làm nữa",
		"không báo cáo nữa", "không gửi nữa", "dừng hẳn", "bỏ", "bỏ đi", "cancel", "thôi khỏi", "thôi bỏ đi",
		"không làm", "không muốn làm", "hủy hết", "hủy luôn", "xóa bản nháp", "bỏ bản nháp", "không nộp nữa",
		"thôi không", "%không tham gia nữa", "thoát", "exit", "quit", "kết thúc", "dừng hẳn lại", "hủy việc", "hủy thao tác", "hủy giùm", "hủy giúp", "không gửi báo cáo nữa", "thôi khỏi báo cáo", "không làm nữa", "hổng làm nữa", "không đăng ký nữa", "không vào nữa", "không muốn vào nữa", "không vào tổ nữa", "%không tham gia nữa", "đổi ý rồi hủy", "hủy để làm lại", "làm lại từ đầu", "khỏi hủy"},
	Pause: {"dừng lại", "tạm dừng", "để sau", "lát nữa", "lát", "lát làm", "mai làm", "để mai", "bận", "bận tí",
		"bận chút", "đợi chút", "chờ chút", "chờ tí", "đợi tí", "tí nữa", "khi khác", "để lúc khác", "lúc khác", "tạm nghỉ",
		"nghỉ chút", "dừng tí", "dừng chút", "chút nữa", "hôm khác", "stop", "pause", "lúc sau", "chiều làm",
		"xíu nữa", "chờ xíu", "đợi xíu", "làm sau", "tạm ngưng", "ngưng", "mai làm tiếp", "để mai làm tiếp", "mai tiếp",
		"lát làm tiếp", "lát nữa làm tiếp", "chiều làm tiếp", "sau làm tiếp", "để sau làm tiếp", "để chiều", "để đó", "để đó đã", "khoan đã", "chờ em tí", "đợi em tí", "chờ em chút", "đợi em", "bận xíu", "bận tí", "bận chút", "đang bận", "em bận", "bận đi họp", "đi họp", "mai gửi", "gửi sau", "để sau gửi", "để chiều gửi", "chưa rảnh", "từ từ", "từ từ đã", "tí làm tiếp", "về làm tiếp", "mai làm", "mai em làm", "lát em quay lại", "đếm lại", "nhập sau", "làm sau", "đi lấy số", "đi lấy sổ", "hỏi số liệu", "kiểm tra số liệu", "kiểm tra lại", "hỏi lại số liệu", "để em hỏi", "mai tính", "để em xem lại", "đợi chút", "chờ xíu", "tí làm nốt", "tí làm tiếp", "tí nữa làm", "chưa có số liệu để mai", "để mai", "để sau nha", "để đêm", "đêm làm tiếp", "đêm làm", "đêm em làm tiếp", "mai em làm tiếp"},
	Resume: {"tiếp tục", "tiếp", "tiếp đi", "làm tiếp", "tiếp nha", "tiếp nhé", "ok tiếp", "làm tiếp đi", "tiếp theo",
		"tiếp tục đi", "continue", "quay lại làm", "làm nốt", "tiếp tục báo cáo", "làm tiếp báo cáo", "đi tiếp", "tiếp thôi",
		"tiếp tục nào", "tiếp đê", "tiếp tục nha", "tiếp nào", "ok làm tiếp", "làm tiếp", "tiếp tục làm", "sẵn sàng", "hỏi tiếp", "tiếp tục câu hỏi", "tiếp tục việc", "tiếp tục thôi", "tiếp tục từ chỗ", "tiếp tục từ chỗ đang dở"},
	Back: {"quay lại", "trở lại", "lùi lại", "sửa câu trước", "câu trước", "sửa lại câu trước", "quay lại câu trước",
		"sai rồi sửa lại", "back", "lui", "lùi", "về trước",
		"trở về", "quay về", "câu trên", "sửa câu trên", "nhập lại câu trước", "quay lai", "sửa câu vừa rồi", "sửa câu vừa nhập", "sửa câu trước", "về bước trước", "bước trước", "undo", "chọn lại", "nhập sai", "vừa nhập sai", "sửa lại số vừa nhập", "sửa lại câu", "quay lại câu hỏi trước", "quay lại chọn", "câu trước nhập sai", "muốn sửa một mục", "sửa một mục", "%nhầm", "%nhập nhầm", "%gõ nhầm", "%nhầm rồi", "quay lui", "^sửa lại", "^sửa", "^cho sửa lại", "^sửa lại tên", "^sửa lại họ tên", "^sửa lại lý do", "^sửa mục", "^sửa số điện thoại", "chọn lại tổ", "lộn rồi", "quay lại chút", "trở lại trước", "quay lại menu", "quay lại menu trước"},
	Skip: {"bỏ qua", "skip", "next", "qua câu khác", "câu sau", "câu tiếp", "câu tiếp theo", "bỏ câu này", "không trả lời",
		"để trống", "bỏ trống", "bỏ qua câu này", "qua luôn", "pass", "không có gì để ghi", "sang câu khác", "chuyển câu", "câu này không có", "mục này không có", "câu này trống", "câu này chưa có", "câu này chưa có gì", "câu này không có gì", "cho qua", "qua câu", "bỏ qua câu", "không ghi", "cho bỏ qua", "câu này chưa làm", "không có số liệu", "chưa có số liệu", "%qua"},
	Yes: {"có", "ừ", "ok", "đồng ý", "vâng", "dạ vâng", "được", "đúng", "đúng rồi", "chuẩn", "chắc chắn", "gửi", "gửi đi",
		"xác nhận", "yes", "u", "ừm", "ờ", "dạ có", "có ạ", "đồng ý ạ", "nhất trí", "chấp nhận", "ok luôn", "được rồi",
		"đc rồi", "oke luôn", "tất nhiên", "đồng ý gửi", "gửi luôn", "đúng vậy", "chính xác", "ưng", "được đó", "được á", "chốt", "ừ", "ừa", "được luôn", "ok gửi", "ok ad", "ok em", "ok anh", "ok chị", "ok ạ", "oke ad", "ok nha", "ok nhé"},
	No: {"không", "không đồng ý", "chưa", "sai", "không phải", "không gửi", "no", "thôi khỏi", "thôi", "không cần",
		"từ chối", "không muốn", "chưa gửi", "không chịu", "không ưng", "không được", "chưa đồng ý", "không cho",
		"không đâu", "không nha", "không nhé", "không cần đâu", "không cảm ơn", "chưa đâu", "không xóa", "giữ lại", "không làm cộng tác viên", "thôi khỏi nha", "không đâu", "khỏi"},
}

// wholeLexicon is the lexicon for whole-message typo matching (no question markers).
func wholeLexicon() map[string][]string {
	out := map[string][]string{}
	for id, list := range lexicon {
		for _, p := range list {
			if !strings.ContainsAny(p[:1], "~%^!") && id != Help {
				out[id] = append(out[id], p)
			}
		}
	}
	return out
}

// accented are whole messages whose meaning folding would lose: "dừng" (stop) and
// "đừng" (don't) both fold to "dung", like "đúng" (right) and "dùng" (use).
var accented = map[string]string{
	"dừng": Pause, "dừng lại": Pause, "dừng nha": Pause, "dừng đã": Pause, "dừng nhé": Pause, "dừng đi": Pause,
	"khoan": Pause, "khoan nha": Pause, "khoan khoan": Pause,
	"ờ": Yes, "ờ ờ": Yes, "ừ": Yes, "y": Yes, "để tối": Pause, "để tối nha": Pause, "để tối nhé": Pause,
	"đừng": No, "đừng nha": No, "đừng nhé": No, "đừng gửi": No, "đừng xóa": No,
}

// accentKey is a message as accented words are compared: NFC, lower case, without
// punctuation at the ends.
func accentKey(s string) string {
	s = strings.ToLower(norm.NFC.String(strings.TrimSpace(s)))
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// filler are syllables that carry no intent: pronouns, particles, and the
// domain's own words ("tổ công nghệ số thôn mình"). They may be part of a
// phrase, but do not count against a match when left over.
var filler = wordSet(`em anh chị tôi tui tớ tổ mình bạn ad admin ơi ạ dạ vâng nha nhé nghen nhen nhỉ với đi hả hộ dùm dùm giùm
	xin muốn cần là thì mà rồi này đó ấy thế của cái luôn nè nghe vậy hen cho con có chứ bác ông bà cậu
	được hay và về trên ở tại để đến bằng lại ra những các mỗi một hai ba
	công nghệ số chuyển đổi cdscd cnscd cds cns tocds cộng đồng thôn xóm ấp bản khu phố dân xã phường thị trấn
	đặc huyện tỉnh tháng năm ngày t hôm nay tuần kỳ đợt lần đây
	vui lòng ơn with please pls plz ak ah uh hihi hehe haha kk kkk ok okie cảm
	việc đang dở thao tác giờ xong nào câu mục cái bước chút khác lộn trước chỗ từ congdong lamon hethong ykien vneid dvctt dung trưởng phó người`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(canonical(s)) {
		m[w] = true
	}
	return m
}

// teencode expands abbreviations and chat spellings into the words they stand for (folded).
var teencode = canonicalMap(map[string]string{
	"ko": "không", "k": "không", "kh": "không", "khg": "không", "kg": "không", "hok": "không", "hem": "không",
	"hum": "không", "khum": "không", "hk": "không", "kô": "không",
	"dc": "được", "đc": "được", "dk": "đăng ký", "đk": "đăng ký", "dky": "đăng ký", "dki": "đăng ký",
	"bc": "báo cáo", "bcao": "báo cáo", "bca": "báo cáo",
	"tks": "cảm ơn", "thanks": "cảm ơn", "thank": "cảm ơn", "thx": "cảm ơn", "camon": "cảm ơn",
	"mk": "mình", "mik": "mình", "mh": "mình", "vs": "với", "j": "gì", "ji": "gì", "z": "gì", "ntn": "như thế nào", "r": "rồi",
	"oke": "ok", "okie": "ok", "oki": "ok", "okela": "ok", "okay": "ok", "okla": "ok", "okey": "ok",
	"uk": "ừ", "uh": "ừ", "um": "ừ", "uhm": "ừ", "ukm": "ừ", "uki": "ừ", "ừa": "ừ", "ừm": "ừ",
	"e": "em", "c": "chị", "ae": "anh em", "ace": "anh chị em",
	"lm": "làm", "nx": "nữa", "trc": "trước", "sdt": "số điện thoại", "sđt": "số điện thoại",
	"hd": "hướng dẫn", "hdan": "hướng dẫn", "ttuc": "tiếp tục",
	"tgia": "tham gia", "thamgia": "tham gia",
	"tv": "thành viên", "ctv": "cộng tác viên", "tnv": "tình nguyện viên",
	"join": "tham gia", "out": "rời", "jup": "giúp", "mún": "muốn", "mun": "muốn", "coi": "xem",
	"dl": "dữ liệu", "data": "dữ liệu", "tk": "tài khoản", "ds": "danh sách", "consent": "đồng ý", "undo": "quay lại",
	"tran": "trang", "qa": "qua", "qau": "qua", "trag": "trang", "gja": "gia", "ib": "nhắn", "sr": "xin lỗi",
	"zậy": "vậy", "dzậy": "vậy", "zị": "vậy",
})

// canonicalMap folds keys and values the way input is folded.
func canonicalMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[canonical(k)] = canonical(v)
	}
	return out
}

// vocabulary is every syllable the lexicon and the fillers know: a typo is corrected only toward one of them.
var vocabulary = func() map[string]bool {
	v := map[string]bool{}
	for _, list := range lexicon {
		for _, p := range list {
			for _, w := range strings.Fields(canonical(p)) {
				v[w] = true
			}
		}
	}
	for w := range filler {
		v[w] = true
	}
	return v
}()

// canonical folds like vntext's matcher: diacritics, case, Telex leftovers, y → i.
func canonical(s string) string {
	f := vntext.FoldTelex(s)
	if strings.IndexByte(f, 'y') >= 0 {
		f = strings.ReplaceAll(f, "y", "i")
	}
	return f
}

// tokens turns text into folded syllables with abbreviations expanded,
// repeated letters squeezed ("okkk", "khongggg") and typos of known words
// corrected (one edit, words of four letters or more, only when one known word fits).
func tokens(s string) []string {
	f := canonical(beforeFolding(s))
	if f == "" {
		return nil
	}
	var out []string
	fields := strings.Fields(f)
	for i := 0; i < len(fields); i++ {
		w := fields[i]
		if i+1 < len(fields) {
			if m, ok := bigrams[w+" "+fields[i+1]]; ok {
				out = append(out, m)
				i++
				continue
			}
		}
		w = squeezeWord(w)
		if m, ok := monthCode(w); ok {
			out = append(out, "thang", m)
			continue
		}
		if exp, ok := teencode[w]; ok {
			out = append(out, strings.Fields(exp)...)
			continue
		}
		if !vocabulary[w] && len(w) >= 4 && !isDigits(w) {
			w = correct(w)
		}
		out = append(out, w)
	}
	return out
}

// bigrams are two-syllable words folded into one token, so that their syllables do not
// read as others ("cộng đồng" is not "đồng ý"; "làm ơn" is not "làm").
var bigrams = map[string]string{"cong dong": "congdong", "lam on": "lamon", "he thong": "hethong", "tien do": "tiendo", "i kien": "ykien", "tai khoan": "taikhoan"}

// accentedWords are words replaced before folding, where folding would make them another
// word: "hổng"/"hông" (không) would read as "hồng", "tối" (evening) as "tôi" (I).
var accentedWords = map[string]string{"hổng": "không", "hông": "không", "hỏng": "hỏng", "tối": "đêm"}

// beforeFolding replaces accentedWords, as typed (NFC, any case).
func beforeFolding(s string) string {
	if !strings.ContainsAny(s, "ổôốhH") {
		return s
	}
	words := strings.Fields(norm.NFC.String(s))
	changed := false
	for i, w := range words {
		core := strings.TrimFunc(w, unicode.IsPunct)
		if r, ok := accentedWords[strings.ToLower(core)]; ok {
			words[i] = strings.Replace(w, core, r, 1)
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(words, " ")
}

// correct returns the one known word within one edit of w, else w.
func correct(w string) string {
	found := ""
	for v := range vocabulary {
		if len(v) < 3 || !vntext.WithinOneEdit(w, v) {
			continue
		}
		if found != "" && found != v {
			return w // two candidates: leave it alone
		}
		found = v
	}
	if found == "" {
		return w
	}
	return found
}

// squeezeWord drops letters repeated three times or more ("okkkk" → "ok", "khongggg" → "khong").
func squeezeWord(w string) string {
	if len(w) < 3 {
		return w
	}
	var b []byte
	for i := 0; i < len(w); i++ {
		if i >= 1 && w[i] == w[i-1] && (i+1 < len(w) && w[i+1] == w[i] || i >= 2 && w[i-2] == w[i]) {
			continue
		}
		b = append(b, w[i])
	}
	s := string(b)
	// what is left of a run is two letters; a word never ends in two equal letters but "ok" things
	for len(s) >= 3 && s[len(s)-1] == s[len(s)-2] {
		s = s[:len(s)-1]
	}
	return s
}

// monthCode reads "t11", "t3" as a month.
func monthCode(w string) (string, bool) {
	if len(w) < 2 || len(w) > 3 || w[0] != 't' || !isDigits(w[1:]) {
		return "", false
	}
	return w[1:], true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// looksLikeCount: a message that starts with a digit, or that ParseCount reads, is a number.
func looksLikeCount(s string) bool {
	t := strings.TrimSpace(s)
	if t != "" && t[0] >= '0' && t[0] <= '9' {
		return true
	}
	_, ok, _ := vntext.ParseCount(t, 0)
	return ok
}

// questionWords end a question (as typed, with accents: "hả" asks, "Hà" is a name).
// whichNouns before "nào" ask which ones: "tổ nào", "xã nào", "người nào".
var whichNouns = map[string]bool{"tổ": true, "xã": true, "thôn": true, "người": true, "phường": true, "vị": true, "đơn": true, "ấp": true, "bản": true}

// doneVerbs before a final "chưa" ask whether it is done: "nộp chưa", "gửi chưa", "xong chưa" (folded).
var doneVerbs = map[string]bool{"nop": true, "gui": true, "xong": true, "cao": true, "du": true, "het": true, "nop bc": true}

var questionWords = map[string]bool{"gì": true, "j": true, "ji": true, "sao": true, "răng": true, "hả": true, "à": true,
	"ai": true, "mấy": true, "nhiêu": true, "chi": true, "gì?": true, "ntn": true}

// asksTheAccount tells a group message that opens by asking for something ("cho em xin …", "cho xin
// …", "xin …", "nhờ …", "gửi lại …", "gửi giúp …"): officers asking one another say a name first.
func asksTheAccount(raw string, words []string) bool {
	lower := strings.ToLower(norm.NFC.String(raw))
	if strings.Contains(lower, "họp") || strings.Contains(lower, "zoom") || strings.Contains(lower, "meet") {
		return false // "gửi lại link họp giúp em": a meeting's, not the account's
	}
	for len(words) > 0 && (words[0] == "da" || words[0] == "vang" || words[0] == "a" || words[0] == "anh" || words[0] == "chi") {
		words = words[1:]
	}
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "xin":
		// "xin số liệu", "xin link", not "xin báo cáo: …" (reporting up) nor "xin phép"
		return len(words) > 1 && asksForWhat[words[1]]
	case "nho":
		return len(words) > 1 && words[1] == "bot" // "nhờ anh …", "nhờ các anh chị …" ask people
	case "cho":
		return len(words) > 1 && (words[1] == "xin" || len(words) > 2 && words[2] == "xin" || words[1] == "xem")
	case "gui":
		return len(words) > 2 && (words[1] == "lai" || words[1] == "giup" || words[1] == "gium") && asksForWhat[words[2]]
	}
	return false
}

// asksForWhat are what officers ask the account for (folded first words): figures, the picture, the link.
var asksForWhat = wordSet("so tinh link duong danh thong ket tien ti trang bang")

// questionTail are trailing particles dropped before looking for the question word (folded).
var questionTail = wordSet("ạ ad admin vậy nhỉ nha nhé em anh chị bạn ơi ak ah rứa hết đây kia rồi zậy")

// isQuestion: a message asking something ("câu này ghi gì ạ", "có bắt buộc không", "ý là sao?").
// Negations are not questions: "không có gì", "chưa có hộ nào", "không cần đâu".
func isQuestion(raw string, _ []string) bool {
	if strings.HasSuffix(strings.TrimSpace(raw), "?") {
		return true
	}
	var ws []string
	for _, w := range strings.Fields(accentKey(raw)) {
		if w = strings.TrimFunc(w, unicode.IsPunct); w != "" {
			ws = append(ws, w)
		}
	}
	if len(ws) > 0 && questionWords[ws[len(ws)-1]] {
		return !negatedBefore(ws[:len(ws)-1])
	}
	if n := len(ws); n >= 2 && (ws[n-2] == "thế" || ws[n-2] == "the") && (ws[n-1] == "nào" || ws[n-1] == "nao") {
		return true // "báo cáo tháng 10 thế nào"
	}
	// "tổ nào trễ hạn", "bao nhiêu tổ đã nộp", "xã Tùng Ảnh nộp chưa": which, how many, done yet.
	if len(ws) <= 10 {
		for i, w := range ws {
			if i > 0 && w == "nào" && whichNouns[ws[i-1]] || i > 0 && w == "nhiêu" && ws[i-1] == "bao" {
				return true
			}
		}
		if n := len(ws); n >= 2 && ws[n-1] == "chưa" && doneVerbs[canonical(ws[n-2])] {
			return true
		}
	}
	for len(ws) > 1 && questionTail[canonical(ws[len(ws)-1])] && !questionWords[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	if len(ws) == 0 {
		return false
	}
	last, before := ws[len(ws)-1], ws[:len(ws)-1]
	negated := negatedBefore(before)
	prev := ""
	if len(before) > 0 {
		prev = before[len(before)-1]
	}
	switch {
	case questionWords[last]:
		return !negated || last == "sao" || last == "răng"
	case last == "nào":
		return prev == "thế" || prev == "như" || prev == "cái" || prev == "câu" || prev == "bước" || prev == "mục" || prev == "nút" ||
			prev == "loại" || prev == "xã" || prev == "thôn" || prev == "phường"
	case last == "đâu":
		return prev == "ở" || prev == "đến" || prev == "tới" || prev == "từ"
	case canonical(last) == "khong" || last == "ko" || last == "k":
		for _, w := range before {
			if w == "có" || w == "được" || w == "phải" || w == "cần" || w == "đc" {
				return true
			}
		}
	}
	// A question word among the last three of a short message: "ghi sao cho đúng", "chọn gì bây giờ".
	if len(ws) <= 6 && !negated {
		for _, w := range ws[max(0, len(ws)-3):] {
			if questionWords[w] && w != "ai" {
				return true
			}
		}
	}
	f := canonical(strings.Join(ws, " "))
	if len(ws) <= 10 {
		for _, k := range []string{" the nao ", " nhu nao ", " ra sao ", " nao thi ", " khong ro ", " khong biet "} {
			if strings.Contains(" "+f+" ", k) {
				return true
			}
		}
	}
	for _, start := range []string{"sao ", "lam sao", "tai sao", "ai ", "bao gio", "khi nao", "o dau"} {
		if strings.HasPrefix(f, start) {
			return true
		}
	}
	return false
}

// negatedBefore: a "không"/"chưa" before the question word makes it a negation ("không có gì"),
// except "không biết" (not knowing is asking).
func negatedBefore(ws []string) bool {
	for i, w := range ws {
		f := canonical(w)
		if f == "khong" || f == "chua" || f == "ko" || f == "k" || w == "hổng" {
			if i+1 < len(ws) && canonical(ws[i+1]) == "biet" {
				continue
			}
			return true
		}
	}
	return false
}

// particle are pronouns and discourse particles: they never make a command a sentence.
var particle = wordSet("em anh chị tôi tui mình tớ bạn ad admin ơi ạ dạ vâng nha nhé nghen nhen nhỉ với đi hả đây đã luôn nè vậy thôi ok cho con cháu")

// light are words that qualify a command without making it a sentence ("tiếp tục được rồi", "quay lại câu 7").
var light = wordSet("được rồi xong việc cái đang câu bước mục này đó để lại đây làm nữa chút tí")

// pronoun starts a statement about oneself ("em đã nộp rồi").
var pronoun = wordSet("em anh chị tôi tui mình tớ xã tổ con cháu")

// isDefinition: "là gì", "là sao", "nghĩa là": asking what something means.
func isDefinition(raw string) bool {
	f := " " + canonical(raw) + " "
	for _, k := range []string{" la gi ", " la lam gi ", " la sao ", " nghia la ", " la chi ", " la rang ", " de lam gi "} {
		if strings.Contains(f, k) {
			return true
		}
	}
	return false
}

// isQuestionMarks: "?", "??", "？" alone ask for help.
func isQuestionMarks(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '?' && r != '？' && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// emojiOnly: no letter or digit at all.
func emojiOnly(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// oaWords in an "@Name" mention say it names the account, not a person ("@Tổ CNSCĐ", "@Bot").
var oaWords = wordSet("tổ cnscđ cđs cds cnscd cdscd bot oa công nghệ số chuyển đổi cộng đồng tocds")

// stripMentions drops mentions of the account from a group message: "[@1234…]" as Zalo
// writes them, and a leading "@Name" (up to the first word that is not capitalised or an
// abbreviation); mentioned says whether there was one. A mention of a person ("@Chị Mai")
// counts as well: the account cannot tell its own display name from another's.
func stripMentions(s string) (string, bool) {
	mentioned := false
	for {
		i := strings.Index(s, "[@")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], ']')
		if j < 0 {
			break
		}
		mentioned = true
		s = s[:i] + " " + s[i+j+1:]
	}
	fields := strings.Fields(s)
	out := fields[:0]
	inMention := false
	for _, f := range fields {
		if strings.HasPrefix(f, "@") {
			inMention = true
			name := canonical(strings.TrimPrefix(f, "@"))
			mentioned = mentioned || oaWords[name] || name == ""
			continue
		}
		if inMention {
			r := []rune(f)
			if len(r) > 0 && unicode.IsUpper(r[0]) || oaWords[canonical(f)] {
				mentioned = mentioned || oaWords[canonical(f)]
				continue // still the name: "@Tổ CNSCĐ Đức Thọ"
			}
			inMention = false
		}
		if canonical(strings.Trim(f, ",.!?:")) == "bot" {
			mentioned = true // "bot ơi, tổ nào chưa nộp", "link web xem báo cáo đâu bot": spoken to by name
			continue
		}
		out = append(out, f)
	}
	return strings.Join(out, " "), mentioned
}
