package flows

import "testing"

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
	} {
		got, ok := parseCorrection(c.in)
		if ok != c.ok || (ok && (got.item != c.item || got.value != c.value)) {
			t.Errorf("parseCorrection(%q) = %+v, %v; want item %d value %q, %v", c.in, got, ok, c.item, c.value, c.ok)
		}
	}
}
