package flows

import (
	"fmt"
	"testing"

	"github.com/cdtbot/cdtbot/store"
)

// Counts said with what they count land on the questions they name, whatever their order; anything
// that could land a number on the wrong question is not read this way.
func TestLabelledCounts(t *testing.T) {
	qs := store.DefaultQuestionSet.Questions
	for _, c := range []struct {
		from int
		text string
		want string // "idx=number …", "" for not read
	}{
		{0, "Số hộ: 30 / Hồ sơ DVC: 64 / VNeID: 15", "0=30 1=64 2=15"},
		{0, "so ho: 30 / ho so dvc: 64 / vneid: 15", "0=30 1=64 2=15"},
		{0, "VNeID: 15, Số hộ: 30", "2=15 0=30"},
		{0, "15 hộ, 20 hồ sơ", "0=15 1=20"},
		{0, "12 hộ, 5 tài khoản vneid, 3 buổi tập huấn", "0=12 2=5 6=3"},
		{0, "Hộ gia đình 30\nHồ sơ dịch vụ công 64\nTK thanh toán 10\nSàn TMĐT 4\nSổ sức khỏe 2\nTập huấn 3", "0=30 1=64 3=10 4=4 5=2 6=3"},
		{0, "tháng này tổ hướng dẫn 45 hộ, hỗ trợ 120 hồ sơ dvc, kích hoạt 38 tài khoản vneid", "0=45 1=120 2=38"},
		{0, "VNeID mức 2: 15; hộ: 3", "2=15 0=3"},
		{0, "Số hộ: 1.200 / Hồ sơ: 64", "0=1.200 1=64"},
		{2, "VNeID: 5, thanh toán: 7", "2=5 3=7"},
		{0, "thôn A 5 hộ, thôn B 7 hộ", ""},              // one thing twice: a breakdown
		{0, "4 buổi, trong đó 2 buổi ở nhà văn hóa", ""}, // a share
		{0, "12 hộ, mất 2 tiếng", ""},                    // a comment
		{0, "12, 30, 5", ""},                             // no labels: by position, elsewhere
		{0, "hồ sơ: 20", ""},                             // one part: the question's own answer
		{0, "VNeID: 15 / VNeID: 20", ""},
		{2, "Số hộ: 30, VNeID: 5", "0=30 2=5"}, // question 1 again (a correction), not "Số hộ bán hàng"
		{4, "hộ 3, sổ sk 5", "4=3 5=5"},        // at "Số hộ bán hàng…?", "hộ" is the question asked
		{0, "Số hộ: 30 / Hồ sơ: 64 và 12", ""},
	} {
		items, ok := labelledCounts(qs, c.from, c.text, 2)
		got := ""
		if ok {
			for k, it := range items {
				if k > 0 {
					got += " "
				}
				got += fmt.Sprintf("%d=%s", it.idx, it.text)
			}
		}
		if got != c.want {
			t.Errorf("at %d, %q: %q, want %q", c.from, c.text, got, c.want)
		}
	}
}

// A report command may carry the first answers after its month; a month alone is not an answer.
func TestCountsAfterCommand(t *testing.T) {
	for text, want := range map[string]string{
		"bc t11: 15 hộ, 20 hồ sơ":                      "15 hộ, 20 hồ sơ",
		"Báo cáo tháng 11/2026 - Số hộ: 30 / VNeID: 5": "Số hộ: 30 / VNeID: 5",
		"gửi báo cáo tháng này, 12 hộ, 30 hồ sơ":       "12 hộ, 30 hồ sơ",
		"bao cao 15 ho 20 ho so":                       "15 ho 20 ho so",
		"bc t11: 15 hộ":                                "15 hộ",
		"báo cáo tháng 11":                             "",
		"báo cáo 11":                                   "",
		"bc 11/2026":                                   "",
		"báo cáo tháng 11 năm 2026":                    "",
		"báo cáo tháng 11 nhé":                         "",
		"tổ em báo cáo 15 hộ":                          "15 hộ", // a few words may come before the command
		"xóm 7 bc t11 được 16 hộ":                      "được 16 hộ",
		"một hai ba bốn năm sáu bảy tám chín mười, báo cáo 15 hộ": "", // too far in: not a command
	} {
		if got := countsAfterCommand(text); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}

// A province's own questions that differ by a level ("mức 1", "mức 2") are told apart by it (found in
// review: "mức 2" was dropped before reading, and the number went to the question asked, mức 1).
func TestLevelsTellQuestionsApart(t *testing.T) {
	qs := []store.Question{
		{ID: "l1", Label: "Số tài khoản VNeID mức 1 đã đăng ký", Kind: store.QuestionCount},
		{ID: "l2", Label: "Số tài khoản VNeID mức 2 đã kích hoạt", Kind: store.QuestionCount},
		{ID: "n", Label: "Kết quả", Kind: store.QuestionText},
	}
	if it, ok, _ := countNamed(qs, 0, "VNeID mức 2: 15"); !ok || it.idx != 1 || it.text != "15" {
		t.Errorf("'VNeID mức 2: 15' at mức 1: %+v %v (want question 2, 15)", it, ok)
	}
	if items, ok := labelledCounts(qs, 0, "mức 1: 20, mức 2: 15", 2); !ok || len(items) != 2 || items[0].idx != 0 || items[1].idx != 1 {
		t.Errorf("'mức 1: 20, mức 2: 15': %+v %v", items, ok)
	}
}
