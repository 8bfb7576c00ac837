package intent

import (
	"strings"
	"unicode"

	"github.com/cdtbot/cdtbot/flows/vntext"
)

// lexicon lists, per intent, the phrases that mean it, written as people type
// them (folded before use: diacritics, case, Telex leftovers and y/i do not matter).
var lexicon = map[string][]string{
	Join: {"tham gia", "xin tham gia", "vào tổ", "vô tổ", "cho vào", "cho vô", "gia nhập", "đăng ký", "đăng kí",
		"làm thành viên", "thành viên mới", "làm tình nguyện viên", "xin vào", "xin vô", "kết nạp", "vào nhóm", "vô nhóm",
		"đăng ký thành viên", "làm tổ viên", "muốn vào", "muốn vô", "được vào", "vào làm", "nhập tổ", "cộng tác viên",
		"làm cộng tác viên", "đk", "tham ra", "góp sức", "tình nguyện"},
	Leave: {"rời tổ", "rời khỏi", "rời nhóm", "ra khỏi", "rút khỏi", "rút tên", "xin rút", "xin nghỉ", "nghỉ làm", "thôi làm",
		"không làm nữa", "không muốn làm nữa", "không tham gia nữa", "không muốn tham gia nữa", "ra tổ", "ra nhóm",
		"nghỉ tham gia", "thôi tham gia", "xin ra", "rời đi", "rời", "nghỉ tổ", "nghỉ không làm", "không làm tổ viên nữa",
		"dừng tham gia", "không làm thành viên nữa", "xin thôi", "thôi không làm nữa", "bỏ tổ", "rút lui", "nghỉ luôn",
		"không theo nữa", "rút ra"},
	Report: {"báo cáo", "bc", "nộp báo cáo", "gửi báo cáo", "làm báo cáo", "báo cáo tháng", "nộp", "gửi bc",
		"nhập báo cáo", "báo kết quả", "báo cáo kết quả", "viết báo cáo", "lập báo cáo", "điền báo cáo", "báo cáo định kỳ",
		"báo cáo hàng tháng", "nộp số liệu", "gửi số liệu", "báo số liệu", "cập nhật số liệu", "bcao"},
	Status: {"tình hình", "tình hình báo cáo", "tổng hợp", "tổng hợp báo cáo", "ai chưa nộp", "ai chưa báo cáo", "ai còn thiếu",
		"còn thiếu", "ai chưa gửi", "chưa nộp", "đã nộp", "ai nộp", "ai đã nộp", "bao nhiêu tổ", "mấy tổ", "tiến độ",
		"kết quả báo cáo", "thống kê", "ai chưa", "tổ nào chưa", "thiếu báo cáo", "chưa báo cáo", "còn ai", "xem tình hình",
		"số liệu tổng hợp", "tỉ lệ", "tình trạng báo cáo", "tình hình nộp", "nộp chưa", "ai trễ", "trễ hạn", "quá hạn",
		"danh sách chưa", "báo cáo tổng hợp", "tổng kết", "đã đủ chưa", "đủ chưa", "ai thiếu", "thiếu ai", "tổ nào thiếu",
		"chưa gửi báo cáo", "baocao"},
	Page: {"trang tổng hợp", "xem trang", "trang web", "đường link", "link", "đường dẫn", "trang báo cáo", "trang theo dõi",
		"bảng tổng hợp", "trang quản lý", "web", "website", "gửi link", "mở trang", "biểu đồ", "dashboard", "xuất file",
		"file excel", "excel"},
	Help: {"trợ giúp", "giúp", "giúp đỡ", "hướng dẫn", "menu", "chào", "xin chào", "alo", "hi", "hello", "helo", "bắt đầu",
		"start", "làm sao", "làm thế nào", "làm như thế nào", "như thế nào", "cần hỗ trợ", "hỗ trợ", "hỏi", "cho hỏi", "chỉ",
		"chỉ dẫn", "chỉ với", "không hiểu", "ko hiểu", "là sao", "sao", "gì", "cái gì", "mần răng", "răng", "làm gì",
		"có ai không", "ai đó", "bot", "ad", "admin", "chức năng", "tính năng", "dùng sao", "dùng thế nào", "dùng như nào",
		"như nào", "thế nào", "hd", "huong dan", "lệnh", "danh mục", "xin hướng dẫn", "chào bạn", "chào ad", "chào anh",
		"chào chị", "chào em", "chao xìn", "good morning", "hey", "ơi", "có ai", "có ai trực không"},
	MyData: {"dữ liệu của tôi", "dữ liệu của mình", "dữ liệu của em", "dữ liệu cá nhân", "thông tin của tôi",
		"thông tin của mình", "thông tin của em", "thông tin cá nhân", "xem dữ liệu", "xem thông tin", "lưu gì", "lưu những gì",
		"giữ gì", "biết gì về", "dữ liệu gì", "thông tin gì"},
	Erase: {"xóa dữ liệu", "xoá dữ liệu", "xóa thông tin", "xóa tài khoản", "xóa hết", "xóa sạch", "xóa số điện thoại",
		"xóa tên", "xóa hồ sơ", "xóa dữ liệu của tôi", "hủy dữ liệu", "xóa bỏ dữ liệu", "xóa bỏ thông tin", "quên tôi đi",
		"quên tôi", "xóa data", "xóa dữ liệu cá nhân", "xóa thông tin cá nhân", "xóa dữ liệu của mình", "xóa thông tin của tôi",
		"xóa thông tin của mình", "xóa dữ liệu của em", "xóa thông tin của em"},
	Withdraw: {"rút lại đồng ý", "rút đồng ý", "rút lại sự đồng ý", "thu hồi đồng ý", "hủy đồng ý", "không đồng ý nữa",
		"rút lại chấp thuận", "thu hồi sự đồng ý", "không cho lưu nữa", "không cho phép nữa", "rút lại quyền",
		"thu hồi quyền", "không chấp thuận nữa", "rút lại"},
	Cancel: {"hủy", "huỷ", "hủy bỏ", "hủy báo cáo", "hủy yêu cầu", "hủy đăng ký", "thôi", "thôi không làm nữa", "không làm nữa",
		"không báo cáo nữa", "không gửi nữa", "dừng hẳn", "bỏ", "bỏ đi", "cancel", "thôi khỏi", "khỏi", "thôi bỏ đi",
		"không làm", "không muốn làm", "hủy hết", "hủy luôn", "xóa bản nháp", "bỏ bản nháp", "không nộp nữa",
		"thôi không", "không tham gia nữa", "dẹp", "thoát", "exit", "quit", "kết thúc", "dừng hẳn lại"},
	Pause: {"dừng lại", "dừng", "tạm dừng", "để sau", "lát nữa", "lát", "lát làm", "mai làm", "để mai", "bận", "bận tí",
		"bận chút", "đợi chút", "chờ chút", "chờ tí", "đợi tí", "tí nữa", "khi khác", "để lúc khác", "lúc khác", "tạm nghỉ",
		"nghỉ chút", "dừng tí", "dừng chút", "chút nữa", "hôm khác", "stop", "pause", "lúc sau", "tối làm", "chiều làm",
		"xíu nữa", "chờ xíu", "đợi xíu", "làm sau", "tạm ngưng", "ngưng", "mai làm tiếp", "để mai làm tiếp", "mai tiếp",
		"lát làm tiếp", "lát nữa làm tiếp", "tối làm tiếp", "chiều làm tiếp", "sau làm tiếp", "để sau làm tiếp"},
	Resume: {"tiếp tục", "tiếp", "tiếp đi", "làm tiếp", "tiếp nha", "tiếp nhé", "ok tiếp", "làm tiếp đi", "tiếp theo",
		"tiếp tục đi", "continue", "quay lại làm", "làm nốt", "tiếp tục báo cáo", "làm tiếp báo cáo", "đi tiếp", "tiếp thôi",
		"tiếp tục nào", "next đi", "tiếp đê", "tiếp tục nha"},
	Back: {"quay lại", "trở lại", "lùi lại", "sửa câu trước", "câu trước", "sửa lại câu trước", "quay lại câu trước",
		"nhầm", "nhập nhầm", "gõ nhầm", "nhầm rồi", "sai rồi sửa lại", "sửa lại", "back", "lui", "lùi", "về trước",
		"trở về", "quay về", "câu trên", "sửa câu trên", "nhập lại câu trước", "quay lai"},
	Skip: {"bỏ qua", "skip", "next", "qua câu khác", "câu sau", "câu tiếp", "câu tiếp theo", "bỏ câu này", "không trả lời",
		"để trống", "bỏ trống", "bỏ qua câu này", "qua luôn", "pass", "không có gì để ghi", "sang câu khác", "chuyển câu"},
	Yes: {"có", "ừ", "ok", "đồng ý", "vâng", "dạ vâng", "được", "đúng", "đúng rồi", "chuẩn", "chắc chắn", "gửi", "gửi đi",
		"xác nhận", "yes", "u", "ừm", "ờ", "dạ có", "có ạ", "đồng ý ạ", "nhất trí", "chấp nhận", "ok luôn", "được rồi",
		"đc rồi", "oke luôn", "tất nhiên", "đồng ý gửi", "gửi luôn", "đúng vậy", "chính xác", "ưng", "được đó", "được á"},
	No: {"không", "không đồng ý", "chưa", "sai", "không phải", "không gửi", "no", "thôi khỏi", "khỏi", "thôi", "không cần",
		"từ chối", "không muốn", "chưa gửi", "không chịu", "không ưng", "không được", "đừng", "chưa đồng ý", "không cho",
		"không đâu", "không nha", "không nhé"},
}

// filler are syllables that carry no intent: pronouns, particles, and the
// domain's own words ("tổ công nghệ số thôn mình"). They may be part of a
// phrase, but do not count against a match when left over.
var filler = wordSet(`em anh chi toi tui to minh ban ad admin oi a da vang nha nhe nghen nhen nhi voi di ha ho giup dum dum
	xin muon can la thi ma roi nay do ay the cua cai luon ne nghe vay hen nhá cho con co chu bac ong ba cau may
	muon duoc hay va voi ve tren qua o tai de den bang nua lai ra vao nhung cac moi mot hai ba
	cong nghe so chuyen doi cdscd cnscd cds cns tocds cong dong thon xom ap ban khu pho dan xa phuong thi tran
	dac huyen tinh thang nam ngay t hom nay mai tuan ki dot lan
	vui long on giup voi dai with please pls plz dc nhe ak ah uh hihi hehe haha kk kkk`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// teencode expands abbreviations and chat spellings into the words they stand for (folded).
var teencode = map[string]string{
	"ko": "khong", "k": "khong", "kh": "khong", "khg": "khong", "kg": "khong", "hok": "khong",
	"hem": "khong", "hum": "khong", "khum": "khong", "khong": "khong", "hk": "khong", "kô": "khong",
	"dc": "duoc", "dk": "dang ki", "dky": "dang ki", "dki": "dang ki", "duoc": "duoc", "dươc": "duoc", "đc": "duoc",
	"bc": "bao cao", "bcao": "bao cao", "bctt": "bao cao",
	"tks": "cam on", "thanks": "cam on", "thank": "cam on", "thx": "cam on", "camon": "cam on",
	"mk": "minh", "mik": "minh", "mh": "minh", "vs": "voi", "j": "gi", "ntn": "nhu the nao", "r": "roi",
	"oke": "ok", "okie": "ok", "oki": "ok", "okela": "ok", "okay": "ok", "okla": "ok", "okey": "ok", "okê": "ok",
	"uk": "u", "uh": "u", "um": "u", "uhm": "u", "uki": "u", "o": "o",
	"e": "em", "a": "a", "c": "chi", "ae": "anh em", "ace": "anh chi em",
	"lm": "lam", "nx": "nua", "trc": "truoc", "sdt": "so dien thoai", "stt": "so dien thoai",
	"hd": "huong dan", "hdan": "huong dan", "tt": "tiep tuc", "ttuc": "tiep tuc",
	"tgia": "tham gia", "thamgia": "tham gia", "baocao": "baocao", "bca": "bao cao",
	"nop": "nop", "j̀": "gi", "z": "gi", "zay": "vay", "dzay": "vay", "hum nay": "hom nay",
	"tv": "thanh vien", "ctv": "cong tac vien", "tnv": "tinh nguyen vien",
	"cnscd": "cnscd", "cdscd": "cdscd", "cds": "cds", "ttu": "tiep tuc",
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
	f := canonical(s)
	if f == "" {
		return nil
	}
	var out []string
	for _, w := range strings.Fields(f) {
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

// stripMentions drops mentions of the account from a group message: "[@1234…]" as Zalo
// writes them, and a leading "@Name" (up to the first word that is not capitalised or an abbreviation).
func stripMentions(s string) string {
	for {
		i := strings.Index(s, "[@")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], ']')
		if j < 0 {
			break
		}
		s = s[:i] + " " + s[i+j+1:]
	}
	fields := strings.Fields(s)
	out := fields[:0]
	inMention := false
	for _, f := range fields {
		if strings.HasPrefix(f, "@") {
			inMention = true
			continue
		}
		if inMention {
			r := []rune(f)
			if len(r) > 0 && unicode.IsUpper(r[0]) {
				continue // still the account's name: "@Tổ CNSCĐ Đức Thọ"
			}
			inMention = false
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}
