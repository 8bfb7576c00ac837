package flows

import (
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

func TestParseCorrection(t *testing.T) {
	for _, c := range []struct {
		in    string
		ok    bool
		item  int
		value string
	}{
		{"sửa câu 1", true, 1, ""},
		{"sua cau 2", true, 2, ""},
		{"sửa mục 4", true, 4, ""},
		{"sửa 3", true, 3, ""},
		{"nhầm, câu 2 là 31", true, 2, "31"},
		{"câu 3: 6", true, 3, "6"},
		{"câu 1 là 15", true, 1, "15"},
		{"sai câu 1, phải là 15", true, 1, "15"},
		{"sửa câu 8 thành Hướng dẫn 15 hộ cài VNeID.", true, 8, "Hướng dẫn 15 hộ cài VNeID."},
		{"câu số 2 = 7", true, 2, "7"},
		{"12", false, 0, ""},
		{"câu 3 em chưa rõ", false, 0, ""},
		{"Sửa 2 máy tính cho UBND xã", false, 0, ""},
		{"sửa", false, 0, ""},
		{"câu hỏi này là gì", false, 0, ""},
		{"8. Hướng dẫn 12 hộ", false, 0, ""},
		// Found in review: the value as typed, colons in it kept; "em" alone opens nothing.
		{"câu 8: Họp lúc 10:30 với UBND xã", true, 8, "Họp lúc 10:30 với UBND xã"},
		{"câu 3:6", true, 3, "6"},
		{"em 3", false, 0, ""},
		{"em sửa lại câu 1", true, 1, ""},
		{"xóa giúp em câu 2", true, 2, ""},
	} {
		got, ok := parseCorrection(c.in)
		if ok != c.ok || (ok && (got.item != c.item || got.value != c.value)) {
			t.Errorf("parseCorrection(%q) = %+v, %v; want item %d value %q, %v", c.in, got, ok, c.item, c.value, c.ok)
		}
	}
}

func TestTypedPeriod(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	nov, oct := store.Period{Year: 2026, Month: 11}, store.Period{Year: 2026, Month: 10}
	for _, c := range []struct {
		text string
		open store.Period
		now  time.Time
		want store.Period
		ok   bool
	}{
		{"tháng 11", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), nov, true},
		{"T11/2026", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), nov, true},
		{"thang 10 nam 2026", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), oct, true},
		{"11", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), nov, true},
		{"10/2026", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), oct, true},
		{"tháng 11/2025", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), store.Period{}, false},
		{"tháng 12", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), store.Period{}, false},
		{"tháng này", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), nov, true},
		{"tháng trước", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), oct, true},
		{"quá hạn", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), oct, true},
		// A calendar of the 5th: on 3 December the open month is November, which is "last month".
		{"tháng trước", nov, time.Date(2026, 12, 3, 9, 0, 0, 0, loc), nov, true},
		{"tháng này", nov, time.Date(2026, 12, 3, 9, 0, 0, 0, loc), store.Period{Year: 2026, Month: 12}, true},
		// Figures are not a month.
		{"10, 12, 3, 1, 0, 0, 1", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), store.Period{}, false},
		{"12 hộ", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), store.Period{}, false},
		{"", nov, time.Date(2026, 11, 23, 9, 0, 0, 0, loc), store.Period{}, false},
	} {
		got, ok := typedPeriod(c.text, c.open, c.now)
		if ok != c.ok || got != c.want {
			t.Errorf("typedPeriod(%q, open %s, %s) = %s, %v; want %s, %v", c.text, c.open, c.now.Format("02/01"), got, ok, c.want, c.ok)
		}
	}
}

func TestAskedPeriod(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		text string
		want store.Period
	}{
		{"tình hình báo cáo", store.Period{}},
		{"tình hình báo cáo tháng 11?", store.Period{Year: 2026, Month: 11}},
		{"#baocao t10", store.Period{Year: 2026, Month: 10}},
		{"tháng 12/2025", store.Period{Year: 2025, Month: 12}},
		{"báo cáo tháng 12", store.Period{Year: 2026, Month: 12}},
		{"tổng hợp tháng 1", store.Period{Year: 2026, Month: 1}}, // not January 2027, still to come
		{"tháng trước", store.Period{Year: 2026, Month: 11}},
		{"bao nhiêu tổ đã nộp", store.Period{}},
	} {
		if got := askedPeriod(c.text, now); got != c.want {
			t.Errorf("askedPeriod(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestDeadlineQuestion(t *testing.T) {
	for _, c := range []struct {
		text   string
		strict bool
		want   bool
	}{
		{"hạn nộp báo cáo là ngày nào", false, true},
		{"khi nào hết hạn báo cáo", false, true},
		{"hạn chót bao giờ ạ", true, true},
		{"còn mấy ngày nữa hết hạn", false, true},
		{"báo cáo", false, false},
		{"còn nhiều hộ chưa biết hạn nộp thuế", true, false}, // a narrative, in a report
		{"Bà con hỏi hạn nộp thuế đất khi nào?", true, false},
		{"hạn nộp báo cáo khi nào?", true, true},
		{"Hướng dẫn 12 hộ gia hạn thẻ BHYT", true, false},
	} {
		if got := deadlineQuestion(c.text, c.strict); got != c.want {
			t.Errorf("deadlineQuestion(%q, strict %v) = %v, want %v", c.text, c.strict, got, c.want)
		}
	}
}

func TestBareDecision(t *testing.T) {
	for _, c := range []struct {
		text    string
		yes, ok bool
	}{
		{"ok giới thiệu", true, true},
		{"ok em đồng ý giới thiệu lên xã", true, true},
		{"duyệt", true, true},
		{"duyệt sau nhé", false, false},
		{"giới thiệu rồi à?", false, false},
		{"từ chối vì chưa đủ tuổi", false, true},
		{"để xem đã", false, false},
		{"giới thiệu về tổ công nghệ số", false, false},
		{"Từ chối thì bạn ấy có biết không", false, false},
		{"từ chối nhé", false, true},
	} {
		yes, ok := bareDecision(c.text)
		if yes != c.yes || ok != c.ok {
			t.Errorf("bareDecision(%q) = %v, %v; want %v, %v", c.text, yes, ok, c.yes, c.ok)
		}
	}
	for _, text := range []string{"duyệt 1 sau nhé", "em giới thiệu 1 bạn nữa vào tổ nhé", "từ chối yêu cầu số 1 được không?",
		"từ chối yêu cầu số 1 được không", "em duyệt 2 bạn rồi", "duyệt báo cáo tháng 10"} {
		if _, _, _, ok := typedRequestDecision(text); ok {
			t.Errorf("%q decided a request", text)
		}
	}
	if id, yes, reason, ok := typedRequestDecision("từ chối yêu cầu 2 vì tổ đã đủ người"); !ok || yes || id != "2" || reason != "tổ đã đủ người" {
		t.Errorf("a refusal with its reason: %s %v %q %v", id, yes, reason, ok)
	}
}

// Found in the third review: questions after "vì" are not reasons, "đó" is not "do", a polite "ạ" is
// not a question, "ok cảm ơn" is not an approval, corrections may end politely.
func TestDecisionWordsThirdReview(t *testing.T) {
	for _, s := range []string{"từ chối yêu cầu 2 đó được không", "từ chối yêu cầu số 2 vì lý do gì vậy"} {
		if id, _, r, ok := typedRequestDecision(s); ok {
			t.Errorf("%q refused %s: %q", s, id, r)
		}
	}
	if _, ok := bareDecision("từ chối vì lý do gì ạ"); ok {
		t.Error("a question refused")
	}
	if _, ok := bareDecision("từ chối vì sao vậy"); ok {
		t.Error("a question refused")
	}
	if _, _, _, ok := typedRequestDecision("duyệt 1 ạ"); !ok {
		t.Error(`"duyệt 1 ạ" not taken`)
	}
	if y, ok := bareDecision("giới thiệu lên xã ạ"); !ok || !y {
		t.Error(`"giới thiệu lên xã ạ" not taken`)
	}
	for _, s := range []string{"em đồng ý ạ", "ok", "ok nhé"} {
		if y, ok := decisionOf(s); !ok || !y {
			t.Errorf("%q not an acceptance", s)
		}
	}
	for _, s := range []string{"ok cảm ơn", "đồng ý vì bạn ấy nhiệt tình?", "từ chối vì sao vậy", "gửi yêu cầu đó đi"} {
		if _, ok := decisionOf(s); ok {
			t.Errorf("%q taken as a decision", s)
		}
	}
	for _, s := range []string{"sửa lại câu 2 giúp em", "sửa câu 2 nhé"} {
		if c, ok := parseCorrection(s); !ok || c.item != 2 || c.value != "" {
			t.Errorf("%q: %+v %v", s, c, ok)
		}
	}
	if c, ok := parseCorrection("Câu 2 sai, đúng là 5"); !ok || c.item != 2 || c.value != "5" {
		t.Errorf("sai, đúng là: %+v %v", c, ok)
	}
	if m := splitReason("gửi yêu cầu đó đi"); m.found {
		t.Errorf("\"đó\" read as a reason: %+v", m)
	}
	if !notPersonalData("xóa dữ liệu câu 9 giúp em") || notPersonalData("xóa dữ liệu của tôi và các tin nhắn") {
		t.Error("notPersonalData")
	}
}
