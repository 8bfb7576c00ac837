package store

import (
	"reflect"
	"testing"
	"time"
)

// Units, teams and people read back as written in the compact form, and a cut or garbled record is an
// error, never a panic or a half-filled record taken for whole.
func TestCompactDirectoryRecords(t *testing.T) {
	day := 20
	pol := &Policy{CutoffDay: &day}
	created := time.Date(2026, 11, 2, 3, 4, 5, 6, time.UTC)
	u := Unit{Code: "28789", Name: "Tùng Ảnh", Level: "xã", FullName: "Xã Tùng Ảnh", Parent: "42", Policy: pol, GroupID: "g1"}
	tm := Team{Code: "TA-T1", Name: "Tổ CNSCĐ thôn 1", Unit: "28789.01", JoinCode: "TA01", Policy: pol, GroupID: "g2", Created: created}
	p := Person{ZaloID: "1100000000000000001", Name: "Phan Văn Hùng", Phone: "0912345001", ConsentAt: created, ConsentVersion: "v2"}
	ub, err := encodeUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := encodeTeam(tm)
	if err != nil {
		t.Fatal(err)
	}
	pb := encodePerson(p)
	var u2 Unit
	var t2 Team
	var p2 Person
	if err := decodeUnit([]byte("k"), ub, &u2); err != nil || !reflect.DeepEqual(u2, u) {
		t.Errorf("unit: %+v, %v", u2, err)
	}
	if err := decodeTeam([]byte("k"), tb, &t2); err != nil || !reflect.DeepEqual(t2, tm) {
		t.Errorf("team: %+v, %v", t2, err)
	}
	if err := decodePerson([]byte("k"), pb, &p2); err != nil || !reflect.DeepEqual(p2, p) {
		t.Errorf("person: %+v, %v", p2, err)
	}
	// Any year reads back (unix nanoseconds would wrap outside 1678–2262), and the epoch is not "none".
	for _, at := range []time.Time{time.Date(1026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 5, time.UTC), time.Unix(0, 0).UTC()} {
		b, _ := encodeTeam(Team{Code: "T", Created: at})
		var got Team
		if err := decodeTeam([]byte("T"), b, &got); err != nil || !got.Created.Equal(at) || got.Created.IsZero() {
			t.Errorf("created %v read back as %v (%v)", at, got.Created, err)
		}
	}
	for name, c := range map[string]struct {
		b      []byte
		decode func([]byte) error
	}{
		"unit":   {ub, func(b []byte) error { var x Unit; return decodeUnit([]byte("k"), b, &x) }},
		"team":   {tb, func(b []byte) error { var x Team; return decodeTeam([]byte("k"), b, &x) }},
		"person": {pb, func(b []byte) error { var x Person; return decodePerson([]byte("k"), b, &x) }},
	} {
		for n := 0; n < len(c.b); n++ {
			if err := c.decode(c.b[:n]); err == nil {
				t.Errorf("%s cut to %d of %d bytes: no error", name, n, len(c.b))
			}
		}
		bad := append([]byte{0x7f}, c.b[1:]...)
		if err := c.decode(bad); err == nil {
			t.Errorf("%s of an unknown form: no error", name)
		}
	}
}
