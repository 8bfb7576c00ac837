package flows

import "testing"

func TestNameAndPhone(t *testing.T) {
	for _, c := range []struct{ in, name, phone string }{
		{"Lê Thị Lan", "Lê Thị Lan", ""},
		{"Lê Thị Lan 0983111222", "Lê Thị Lan", "0983111222"},
		{"Lê Thị Lan, 0983 111 222", "Lê Thị Lan", "0983111222"},
		{"tên: Lê Thị Lan", "Lê Thị Lan", ""},
		{"em tên là Lê Thị Lan, sđt 0983.111.222", "Lê Thị Lan", "0983111222"},
		{"Lê Thị Lan +84 983 111 222", "Lê Thị Lan", "0983111222"},
		{"Lê Thị Lan 12", "", ""},
		{"0983111222", "", "0983111222"}, // no name: the caller asks for it
		{"Lê Văn Tên", "Lê Văn Tên", ""},
	} {
		name, phone := nameAndPhone(c.in)
		if name != c.name || phone != c.phone {
			t.Errorf("nameAndPhone(%q) = %q, %q; want %q, %q", c.in, name, phone, c.name, c.phone)
		}
	}
}
