package vntext

import (
	"reflect"
	"testing"
)

func TestSplitCounts(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"12, 30, 5", []string{"12", "30", "5"}},
		{"12,30,5", []string{"12", "30", "5"}},
		{"12,30", nil}, // two pieces could be a decimal: ParseCount answers it
		{"12; 30; 5", []string{"12", "30", "5"}},
		{"12;30;5", []string{"12", "30", "5"}},
		{"12\n30\n5", []string{"12", "30", "5"}},
		{"12 30 5", []string{"12", "30", "5"}},
		{"12 hộ, 30 hồ sơ, 5 tài khoản", []string{"12 hộ", "30 hồ sơ", "5 tài khoản"}},
		{"12 ho, 30 ho so va 5", []string{"12 ho", "30 ho so", "5"}},
		{"12 VÀ 3", []string{"12", "3"}},
		{"1.200, 300", []string{"1.200", "300"}},
		{"12, 30, 5.", []string{"12", "30", "5"}},
		{"12", nil},
		{"1.200", nil},
		{"1 200", nil},
		{"12,300", nil},
		{"12 hộ", nil},
		{"1,5", nil},
		{"khoảng 12, 30", nil},
		{"mười hai", nil},
		{"", nil},
		{"12, abc", nil},
		{"12-30-5-0-0-0-2", []string{"12", "30", "5", "0", "0", "0", "2"}},
		{"12 / 30 / 5", []string{"12", "30", "5"}},
		{"9-10", nil},
		{"12/15", nil},
		{"12, 30, 5, 0, không, 0, 2", []string{"12", "30", "5", "0", "không", "0", "2"}},
		{"không, không", nil}, // no number at all: not a list of counts
		// Counts said in words, one to a part.
		{"tháng này tổ hướng dẫn 45 hộ, hỗ trợ 120 hồ sơ dvc, kích hoạt 38 tài khoản vneid", []string{"45", "120", "38"}},
		{"Số hộ: 30 / Hồ sơ DVC: 64 / VNeID: 15", nil}, // labels are not read: by position they could go to the wrong questions
		{"hướng dẫn 12 hộ, hỗ trợ thêm cho 3 hộ khác nữa", nil},
		{"thôn A 5 hộ, thôn B 7 hộ", nil},
		{"12 hộ, mất 2 tiếng", nil},
		{"tuần đầu 5 hộ, tuần sau 7 hộ, tuần cuối 2 hộ", nil},
		{"45 hộ, trong đó 10 hộ nghèo", nil},
		{"tháng 11: 45 hộ, 120 hồ sơ", nil},
		{"hướng dẫn bà con, không có số liệu", nil},
	} {
		if got := SplitCounts(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitCounts(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A month is not a count: "tháng 11" at "Số hộ…?" was stored as 11.
func TestAMonthIsNotACount(t *testing.T) {
	if n, ok, _ := ParseCount("tháng 11", 0); ok {
		t.Errorf(`"tháng 11" read as %d`, n)
	}
}
