package vntext

import (
	"math"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  BÁO   CÁO! ", "bao cao"},
		{"Xã Tùng Ảnh", "xa tung anh"},
		{"Đức Thọ", "duc tho"},
		{"ĐỨC THỌ", "duc tho"},
		{"đường", "duong"},
		{"Ðức", "duc"}, // Icelandic eth, a common look-alike for Đ
		{"Trợ giúp", "tro giup"},
		{"Hủy", "huy"},
		{"Huỷ", "huy"},
		{"HỦY!!!", "huy"},
		{"Nguyễn Thị Ánh-Nguyệt", "nguyen thi anh nguyet"},
		{"Tổ CNSCĐ thôn 1", "to cnscd thon 1"},
		{"tp.HCM", "tp hcm"},
		{"báo\u200bcáo", "baocao"}, // zero-width space dropped, not a word break
		{"Ừ 👍", "u"},
		{"\t\n", ""},
		{"", ""},
		{"bao cao", "bao cao"},
		{"12.000đ", "12 000d"},
		{"Ưu tiên", "uu tien"},
		{"Quản lý", "quan ly"},
		{"Đặc khu Phú Quốc", "dac khu phu quoc"},
		{"Привет", "привет"}, // other scripts are kept, lower-cased
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
		// NFD, NFC and mixed input fold the same.
		if got := Fold(norm.NFD.String(c.in)); got != c.want {
			t.Errorf("Fold(NFD %q) = %q, want %q", c.in, got, c.want)
		}
		if got := Fold(norm.NFC.String(c.in)); got != c.want {
			t.Errorf("Fold(NFC %q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFoldNFDDiffersAsBytes(t *testing.T) {
	// Guard that the NFD test inputs really are different strings.
	nfc := "Tùng Ảnh Đức Thọ"
	nfd := norm.NFD.String(nfc)
	if nfc == nfd {
		t.Fatal("NFD form equals NFC form; test is meaningless")
	}
	if Fold(nfc) != Fold(nfd) || Fold(nfd) != "tung anh duc tho" {
		t.Fatalf("Fold(NFC)=%q Fold(NFD)=%q", Fold(nfc), Fold(nfd))
	}
	// A mark combined with a precomposed letter: ê + combining acute.
	if got := Fold("Ti\u00ea\u0301ng Vi\u1ec7t"); got != "tieng viet" {
		t.Fatalf("mixed = %q", got)
	}
}

func TestFoldTelex(t *testing.T) {
	cases := []struct{ in, want string }{
		{"baos caos", "bao cao"},
		{"tham gia", "tham gia"},
		{"rowif toor", "roi to"},
		{"huyr", "huy"},
		{"quay laij", "quay lai"},
		{"trowj giups", "tro giup"},
		{"ba1o ca1o", "bao cao"},
		{"BAOS CAOS", "bao cao"},
		{"tieesp tucj", "tiep tuc"},
		{"bor qua", "bo qua"},
		{"ddi", "di"},
		{"dduwowcj", "duoc"},
		{"vieejt nam", "viet nam"},
		{"nguyeexn", "nguyen"},
		{"d9i", "di"},
		{"tie6p tu5c", "tiep tuc"},
		// Left alone: valid syllables, numbers, codes, loanwords.
		{"Báo cáo", "bao cao"},
		{"xoong", "xoong"},
		{"TA01", "ta01"},
		{"ta1", "ta1"},
		{"thon1", "thon1"},
		{"to1", "to1"},
		{"A1B2", "a1b2"},
		{"h0a", "h0a"}, // 0 is not a VNI key
		{"b12a", "b12a"},
		{"12", "12"},
		{"1.200", "1 200"},
		{"0912345678", "0912345678"},
		{"ok", "ok"},
		{"yes", "yes"},
		{"Zalo", "zalo"},
		{"VNeID", "vneid"},
		{"bus", "bus"},
		{"facebook", "facebook"},
		{"test", "test"},
		{"CĐS", "cds"},
		{"xin chào", "xin chao"},
	}
	for _, c := range cases {
		if got := FoldTelex(c.in); got != c.want {
			t.Errorf("FoldTelex(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := FoldTelex(FoldTelex(c.in)); got != c.want {
			t.Errorf("FoldTelex not idempotent on %q: %q", c.in, got)
		}
	}
}

func TestPlausibleSyllable(t *testing.T) {
	yes := []string{"a", "bao", "cao", "tham", "gia", "gi", "giup", "huy", "quay", "nghieng",
		"nguyen", "khuya", "truong", "duoc", "xoong", "thuo", "oanh", "tuan", "ke", "ghi", "ngoai"}
	no := []string{"", "baos", "caos", "roif", "tor", "huyr", "laij", "troj", "ka", "ghe1", "ci",
		"xyz", "bb", "dd", "ngo1", "nghieeng", "tham gia", "zalo", "facebook"}
	for _, w := range yes {
		if !plausibleSyllable(w) {
			t.Errorf("plausibleSyllable(%q) = false, want true", w)
		}
	}
	for _, w := range no {
		if plausibleSyllable(w) {
			t.Errorf("plausibleSyllable(%q) = true, want false", w)
		}
	}
}

var commands = map[string][]string{
	"cancel": {"hủy", "huỷ", "thôi"},
	"back":   {"quay lại"},
	"skip":   {"bỏ qua"},
	"help":   {"trợ giúp", "menu", "giúp"},
	"resume": {"tiếp tục"},
	"join":   {"tham gia", "xin tham gia", "tham gia tổ"},
	"leave":  {"rời tổ", "xin ra khỏi tổ", "ra khỏi tổ", "xin rời tổ"},
	"report": {"báo cáo", "bao cao thang", "báo cáo tháng"},
}

func TestMatch(t *testing.T) {
	m := NewMatcher(commands)
	cases := []struct{ in, want string }{
		// exact, any spelling
		{"báo cáo", "report"},
		{"BÁO CÁO", "report"},
		{"bao cao", "report"},
		{"Báo cáo.", "report"},
		{"báo cáo ạ", "report"},
		{"bao cao a", "report"},
		{"báo cáo nhé", "report"},
		{"báo cáo với ạ", "report"},
		{"báo cáo tháng", "report"},
		{"baos caos", "report"},
		{"ba1o ca1o", "report"},
		{"bao coa", "report"},
		{"baocao", "report"},
		{"bao cao thnag", "report"},
		{"hủy", "cancel"},
		{"huỷ", "cancel"},
		{"HỦY", "cancel"},
		{"huy", "cancel"},
		{"hui", "cancel"},
		{"huyr", "cancel"},
		{"thôi", "cancel"},
		{"thoi", "cancel"},
		{"Thôi ạ", "cancel"},
		{"quay lại", "back"},
		{"quay lai", "back"},
		{"quay laij", "back"},
		{"quya lai", "back"},
		{"bỏ qua", "skip"},
		{"bo qua", "skip"},
		{"bo qau", "skip"},
		{"tiếp tục", "resume"},
		{"tiep tuc", "resume"},
		{"tiep tuv", "resume"},
		{"trợ giúp", "help"},
		{"tro giup", "help"},
		{"tro giu", "help"},
		{"trowj giups", "help"},
		{"menu", "help"},
		{"MENU", "help"},
		{"giúp", "help"},
		{"giup voi", "help"},
		{"tham gia", "join"},
		{"tham gai", "join"},
		{"thamgia", "join"},
		{"xin tham gia", "join"},
		{"xin tham gia tổ", ""}, // two edits from every phrase
		{"tham gia tổ", "join"},
		{"rời tổ", "leave"},
		{"roi to", "leave"},
		{"ROI TO", "leave"},
		{"rowif toor", "leave"},
		{"xin ra khoi to", "leave"},
		{"xin rời tổ", "leave"},
		{"ra khỏi tổ", "leave"},
		// must not match
		{"báo", ""},
		{"bao", ""},
		{"tham", ""},
		{"huyện", ""},
		{"hu", ""},
		{"toi", ""}, // tôi: one edit from "thoi", but too short to be a typo
		{"hỏi", ""},
		{"men", ""},
		{"khỏi", "cancel"}, // one edit from "thoi" (and "khỏi" alone means "no need")
		{"có", ""},
		{"không", ""},
		{"", ""},
		{"   ", ""},
		{"ạ", ""},
		{"tôi muốn báo cáo", ""},
		{"báo cáo viên", ""},
		{"hôm nay trời đẹp quá", ""},
		{"12", ""},
		{strings.Repeat("báo cáo ", 200), ""},
	}
	for _, c := range cases {
		got, ok := m.Match(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
		// NFD input matches the same.
		if got, _ := m.Match(norm.NFD.String(c.in)); got != c.want {
			t.Errorf("Match(NFD %q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestMatchAmbiguity(t *testing.T) {
	m := NewMatcher(map[string][]string{
		"a": {"bao cao"},
		"b": {"bao cap"},
		"c": {"chung"},
		"d": {"chung"}, // same phrase for two ids
		"e": {"mot"},
	})
	for _, in := range []string{"bao cax", "chung", "chunh"} {
		if id, ok := m.Match(in); ok {
			t.Errorf("Match(%q) = %q, want no match (ambiguous)", in, id)
		}
	}
	// exact wins over a fuzzy neighbour of another command
	if id, ok := m.Match("bao cao"); !ok || id != "a" {
		t.Errorf("Match(bao cao) = %q, %v; want a", id, ok)
	}
	// short phrases are exact only
	if id, ok := m.Match("mo"); ok {
		t.Errorf("Match(mo) = %q, want no match", id)
	}
	var nilM *Matcher
	if _, ok := nilM.Match("bao cao"); ok {
		t.Error("nil Matcher matched")
	}
}

func TestMatchConcurrent(t *testing.T) {
	m := NewMatcher(commands)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if id, _ := m.Match("bao coa"); id != "report" {
					t.Errorf("got %q", id)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestWithinOneEdit(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"", "", true}, {"a", "", true}, {"", "ab", false},
		{"bao cao", "bao coa", true}, {"bao cao", "bao cao", true},
		{"bao cao", "bao ca", true}, {"bao cao", "baocao", true},
		{"bao cao", "bao caoo", true}, {"bao cao", "xbao cao", true},
		{"bao cao", "bao cxx", false}, {"ab", "ba", true}, {"abc", "cba", false},
		{"tham gia", "tham gai", true}, {"tham gia", "thamgai", false},
	}
	for _, c := range cases {
		if got := withinOneEdit(c.a, c.b); got != c.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := withinOneEdit(c.b, c.a); got != c.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}

func TestSimilar(t *testing.T) {
	cases := []struct {
		q, name string
		want    float64
	}{
		{"Xã Tùng Ảnh", "Xã Tùng Ảnh", 1},
		{"xa tung anh", "Xã Tùng Ảnh", 1},
		{"tung anh", "Xã Tùng Ảnh", 0.95},
		{"phuong ben nghe", "Bến Nghé", 0.95},
		{"ben nghe", "Phường Bến Nghé", 0.95},
		{"tp ha tinh", "Thành phố Hà Tĩnh", 0.95},
		{"thon 1", "Thôn 1", 1},
		{"1", "Thôn 1", 0.95},
		{"thon 1", "Thôn 10", 0},
		{"thon 10", "Thôn 1", 0},
		{"thon 2", "Thôn 1", 0},
		{"tung anh", "Xã Tùng Lộc", 0},
		{"my duc", "Xã Mỹ Đức", 0.95},
		{"mi duc", "Xã Mỹ Đức", 0.95}, // i/y alike
		{"tugn anh", "Xã Tùng Ảnh", 0.85},
		{"tunganh", "Xã Tùng Ảnh", 0.85},
		{"duc tho", "Đức Thọ", 1},
		{"xã", "Xã Tùng Ảnh", 0},
		{"", "Xã Tùng Ảnh", 0},
		{"tung anh", "", 0},
		{"ha noi", "Thành phố Hồ Chí Minh", 0},
		{"hcm", "Thành phố Hồ Chí Minh", 0.6},
		{"tungf anhr", "Xã Tùng Ảnh", 0.95 * 0.98},
	}
	for _, c := range cases {
		got := Similar(c.q, c.name)
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Similar(%q, %q) = %v, want %v", c.q, c.name, got, c.want)
		}
		if got := Similar(norm.NFD.String(c.q), norm.NFD.String(c.name)); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Similar(NFD %q, %q) = %v, want %v", c.q, c.name, got, c.want)
		}
	}
	// partial word matches score between 0.4 and 0.85
	for _, c := range [][2]string{{"tung", "Xã Tùng Ảnh"}, {"anh", "Xã Tùng Ảnh"}, {"tung a", "Xã Tùng Ảnh"}} {
		if s := Similar(c[0], c[1]); s <= 0.4 || s >= 0.85 {
			t.Errorf("Similar(%q, %q) = %v, want in (0.4, 0.85)", c[0], c[1], s)
		}
	}
}

func rank(q string, names []string) []string {
	type scored struct {
		name string
		s    float64
	}
	var out []scored
	for _, n := range names {
		if s := Similar(q, n); s > 0 {
			out = append(out, scored{n, s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].s > out[j].s })
	res := make([]string, len(out))
	for i, o := range out {
		res[i] = o.name
	}
	return res
}

func TestSimilarRanking(t *testing.T) {
	cases := []struct {
		q     string
		names []string
		want  []string
	}{
		{"tung anh", []string{"Xã Tùng Lộc", "Xã Tùng Ảnh"}, []string{"Xã Tùng Ảnh"}},
		{"tung", []string{"Xã Tùng Lộc", "Xã Tùng Ảnh", "Xã Đức Tùng", "Xã Yên Hồ"},
			[]string{"Xã Tùng Lộc", "Xã Tùng Ảnh", "Xã Đức Tùng"}},
		{"thon 1", []string{"Thôn 10", "Thôn 1", "Thôn 11"}, []string{"Thôn 1"}},
		{"ben nghe", []string{"Phường Bến Thành", "Phường Bến Nghé"}, []string{"Phường Bến Nghé"}},
		{"xa tung anh", []string{"Phường Tùng Ảnh", "Xã Tùng Ảnh"}, []string{"Xã Tùng Ảnh", "Phường Tùng Ảnh"}},
		{"duc", []string{"Xã Đức Thịnh", "Xã Hòa Đức"}, []string{"Xã Đức Thịnh", "Xã Hòa Đức"}},
	}
	for _, c := range cases {
		got := rank(c.q, c.names)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("rank(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

func TestYesNo(t *testing.T) {
	yes := []string{"có", "Có", "CÓ!", "co", "có ạ", "Dạ có", "đồng ý", "dong y", "Đồng ý ạ", "ok", "OK", "Oke",
		"okkk", "ừ", "u", "ừm", "vâng", "vang", "Dạ vâng ạ", "dạ", "yes", "đúng", "dung", "đúng rồi", "gửi",
		"gửi đi", "được", "cos", "👍", "/-strong", "oki", "chuẩn", "có chứ", "c", "C", "c.", "dạ c"}
	no := []string{"không", "Không", "khong", "ko", "k", "K", "no", "sai", "chưa", "Chưa ạ", "Dạ không",
		"không đồng ý", "khongg", "không gửi", "👎"}
	neither := []string{"thôi", "hủy", "có lẽ", "có không?", "kkk", "xin chào", "", "  ", "báo cáo",
		"chưa biết", "ok không", "dạ dạ dạ không có gì", "tôi", "cc", "ccc", "c không"}
	for _, s := range yes {
		if !IsYes(s) {
			t.Errorf("IsYes(%q) = false", s)
		}
		if IsNo(s) {
			t.Errorf("IsNo(%q) = true for a yes", s)
		}
		if !IsYes(norm.NFD.String(s)) {
			t.Errorf("IsYes(NFD %q) = false", s)
		}
	}
	for _, s := range no {
		if !IsNo(s) {
			t.Errorf("IsNo(%q) = false", s)
		}
		if IsYes(s) {
			t.Errorf("IsYes(%q) = true for a no", s)
		}
	}
	for _, s := range neither {
		if IsYes(s) || IsNo(s) {
			t.Errorf("%q: IsYes=%v IsNo=%v, want neither", s, IsYes(s), IsNo(s))
		}
	}
	for w := range yesWords {
		if noWords[w] {
			t.Errorf("%q is in both yesWords and noWords", w)
		}
	}
}

func TestParseCount(t *testing.T) {
	cases := []struct {
		in     string
		max    int64
		want   int64
		ok     bool
		reason string
	}{
		{"12", 5000, 12, true, ""},
		{" 1.200 ", 5000, 1200, true, ""},
		{"1,200", 5000, 1200, true, ""},
		{"1 200", 5000, 1200, true, ""},
		{"1\u00a0200", 5000, 1200, true, ""},
		{"12 hộ", 5000, 12, true, ""},
		{"12hộ", 5000, 12, true, ""},
		{"12 hộ, 3 người", 5000, 12, true, ""},
		{"12.", 5000, 12, true, ""},
		{"12.000đ", 0, 12000, true, ""},
		{"1.234.567", 0, 1234567, true, ""},
		{"0", 5000, 0, true, ""},
		{"007", 5000, 7, true, ""},
		{"không", 5000, 0, true, ""},
		{"Không", 5000, 0, true, ""},
		{"khong", 5000, 0, true, ""},
		{"5000", 5000, 5000, true, ""},
		{"5001", 5000, 0, false, "Số quá lớn: tối đa là 5.000."},
		{"5.001", 5000, 0, false, "Số quá lớn: tối đa là 5.000."},
		{"1", 1, 1, true, ""},
		{"5", 1, 0, false, "Số quá lớn: tối đa là 1."},
		{"9223372036854775807", 0, math.MaxInt64, true, ""},
		{"9223372036854775808", 0, 0, false, "Số quá lớn: tối đa là 9.223.372.036.854.775.807."},
		{"99999999999999999999999", 5000, 0, false, "Số quá lớn: tối đa là 5.000."},
		{"-5", 5000, 0, false, reasonNegative},
		{"- 5", 5000, 0, false, reasonNegative},
		{"−5", 5000, 0, false, reasonNegative},
		{"1,5", 5000, 0, false, reasonDecimal},
		{"1.5", 5000, 0, false, reasonDecimal},
		{"1.20", 5000, 0, false, reasonDecimal},
		{"1.2000", 0, 0, false, reasonDecimal},
		{"1.200,5", 5000, 0, false, reasonDecimal},
		{"1.200,000", 0, 0, false, reasonDecimal},
		{"1234.567", 0, 0, false, reasonDecimal},
		{"1 2", 5000, 0, false, reasonNotNumber},
		{"12/15", 5000, 0, false, reasonNotNumber},
		{"12%", 5000, 0, false, reasonNotNumber},
		{"1e5", 5000, 0, false, reasonNotNumber},
		{"12 nghìn", 0, 0, false, reasonWords},
		{"5k", 0, 0, false, reasonWords},
		{"2 triệu", 0, 0, false, reasonWords},
		{"3 rưỡi", 0, 0, false, reasonWords},
		{"mười hai", 5000, 0, false, reasonNotNumber},
		// Words before the number that do not change it; words that say "none".
		{"khoảng 12", 5000, 12, true, ""},
		{"dạ 12", 5000, 12, true, ""},
		{"có 12 hộ", 5000, 12, true, ""},
		{"được 12 hộ ạ", 5000, 12, true, ""},
		{"tầm 10 buổi", 5000, 10, true, ""},
		{"tổng cộng 1.200", 5000, 1200, true, ""},
		{"khoảng 12 nghìn", 0, 0, false, reasonWords},
		{"không có", 5000, 0, true, ""},
		{"ko", 5000, 0, true, ""},
		{"k có ạ", 5000, 0, true, ""},
		{"chưa có", 5000, 0, true, ""},
		{"chưa", 5000, 0, true, ""},
		{"không có hộ nào", 5000, 0, true, ""},
		{"có", 5000, 0, false, reasonNotNumber},
		{"chưa biết", 5000, 0, false, reasonNotNumber},
		{"không biết", 5000, 0, false, reasonNotNumber},
		{"em không nhớ 12 hay 13", 5000, 0, false, reasonNotNumber},
		{"", 5000, 0, false, reasonNotNumber},
		{"   ", 5000, 0, false, reasonNotNumber},
		{"abc", 5000, 0, false, "Vui lòng nhập một số nguyên không âm, ví dụ: 12."},
	}
	for _, c := range cases {
		n, ok, reason := ParseCount(c.in, c.max)
		if n != c.want || ok != c.ok || reason != c.reason {
			t.Errorf("ParseCount(%q, %d) = %d, %v, %q; want %d, %v, %q", c.in, c.max, n, ok, reason, c.want, c.ok, c.reason)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	valid := map[string]string{
		"0912345678":             "0912345678",
		"0912 345 678":           "0912345678",
		"0912.345.678":           "0912345678",
		"0912-345-678":           "0912345678",
		"+84912345678":           "0912345678",
		"84912345678":            "0912345678",
		"(+84) 912-345-678":      "0912345678",
		"+84 (0) 912 345 678":    "0912345678",
		"0084912345678":          "0912345678",
		" 0386 123 456 ":         "0386123456",
		"0521234567":             "0521234567",
		"0701234567":             "0701234567",
		"0861234567":             "0861234567",
		"0912\u00a0345\u00a0678": "0912345678",
	}
	for in, want := range valid {
		got, ok := NormalizePhone(in)
		if !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, true", in, got, ok, want)
		}
	}
	invalid := []string{
		"", "abc", "091234567", "09123456789", "01623456789", "0241234567", "0212345678",
		"0412345678", "0612345678", "0012345678", "912345678", "+1 912345678", "+84 12345678",
		"+8401623456789", "0912 345 678 ext 1", "0912/345/678", "++84912345678", "0912+345678",
		"+84 241234567", "84241234567",
	}
	for _, in := range invalid {
		if got, ok := NormalizePhone(in); ok || got != "" {
			t.Errorf("NormalizePhone(%q) = %q, %v; want invalid", in, got, ok)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1.000"}, {12000, "12.000"},
		{1234567, "1.234.567"}, {-5000, "-5.000"}, {-999, "-999"},
		{math.MaxInt64, "9.223.372.036.854.775.807"},
		{math.MinInt64, "-9.223.372.036.854.775.808"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.n); got != c.want {
			t.Errorf("FormatNumber(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	m := NewMatcher(commands)
	inputs := []string{"Báo cáo ạ", norm.NFD.String("Hủy"), "bao coa", "hôm nay tôi đi họp thôn, mai báo cáo nhé", "tham gai"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Match(inputs[i%len(inputs)])
	}
}

func BenchmarkFold(b *testing.B) {
	s := "Tổ công nghệ số cộng đồng thôn Tùng Ảnh đã hướng dẫn 120 hộ dân"
	b.ReportAllocs()
	for b.Loop() {
		Fold(s)
	}
}

// refFold is Fold written the slow, obvious way: NFD the whole string, then
// fold rune by rune. Fold's table must agree with it.
func refFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch f := foldOne(r); f {
		case foldDrop:
		case ' ':
			b.WriteByte(' ')
		default:
			b.WriteRune(f)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestFoldTableMatchesNFD(t *testing.T) {
	for r := rune(0); r < 0x2100; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		s := "a" + string(r) + "b"
		if got, want := Fold(s), refFold(s); got != want {
			t.Errorf("Fold(%q U+%04X) = %q, want %q", s, r, got, want)
		}
	}
}
