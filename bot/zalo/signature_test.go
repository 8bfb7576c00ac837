package zalo

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sigSecret = "Xk9pQ2vR7sT1uW3yZ5aB"

// sigVector computes the expected mac by another route than Mac: one joined string.
func sigVector(appID, body, ts, secret string) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(appID+body+ts+secret)))
}

func TestMacKnownVector(t *testing.T) {
	body := `{"app_id":"360846524940903967","event_name":"user_send_text","timestamp":"1543820990542"}`
	got := Mac("360846524940903967", []byte(body), "1543820990542", "secret")
	want := sigVector("360846524940903967", body, "1543820990542", "secret")
	if got != want {
		t.Fatalf("Mac = %s, want %s", got, want)
	}
	// Pinned (computed with Python's hashlib) so a change to the formula, e.g. to
	// HMAC or another order, is caught even if sigVector changed with it.
	if pinned := "a5d9fe3c2f72a85ce8f7641cc7570ab4a91ae24f53342561b808e5c6b15ba2ed"; got != pinned {
		t.Fatalf("Mac = %s, want pinned %s", got, pinned)
	}
}

func TestMacPinned(t *testing.T) {
	// sha256("abc") is the FIPS 180-2 test vector; "a"+"b"+"c"+"" must hash the same.
	got := Mac("a", []byte("b"), "c", "")
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Fatalf("Mac = %s, want %s", got, want)
	}
}

func sigFixture(t *testing.T) (*Event, []byte) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(evtFixtureDir, "user_send_text.json"))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	return ev, body
}

func TestVerifySignature(t *testing.T) {
	ev, body := sigFixture(t)
	mac := sigVector(ev.AppID, string(body), ev.TimestampRaw, sigSecret)
	tampered := []byte(strings.Replace(string(body), "báo cáo", "bao cao", 1))
	if string(tampered) == string(body) {
		t.Fatal("tampering did not change the body")
	}

	cases := []struct {
		name   string
		header string
		body   []byte
		ts     string
		secret string
		want   bool
	}{
		{"mac= prefix", "mac=" + mac, body, ev.TimestampRaw, sigSecret, true},
		{"bare hex", mac, body, ev.TimestampRaw, sigSecret, true},
		{"upper-case hex", "mac=" + strings.ToUpper(mac), body, ev.TimestampRaw, sigSecret, true},
		{"upper-case prefix and spaces", " MAC = " + mac + " ", body, ev.TimestampRaw, sigSecret, true},
		{"wrong key", "mac=" + mac, body, ev.TimestampRaw, sigSecret + "x", false},
		{"tampered body", "mac=" + mac, tampered, ev.TimestampRaw, sigSecret, false},
		{"other timestamp", "mac=" + mac, body, "1717392600124", sigSecret, false},
		{"missing header", "", body, ev.TimestampRaw, sigSecret, false},
		{"prefix only", "mac=", body, ev.TimestampRaw, sigSecret, false},
		{"truncated mac", "mac=" + mac[:62], body, ev.TimestampRaw, sigSecret, false},
		{"mac too long", "mac=" + mac + "00", body, ev.TimestampRaw, sigSecret, false},
		{"not hex", "mac=" + strings.Repeat("zz", 32), body, ev.TimestampRaw, sigSecret, false},
		{"other prefix", "sha256=" + mac, body, ev.TimestampRaw, sigSecret, false},
		{"empty secret", "mac=" + sigVector(ev.AppID, string(body), ev.TimestampRaw, ""), body, ev.TimestampRaw, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := VerifySignature(c.header, ev.AppID, c.body, c.ts, c.secret); got != c.want {
				t.Errorf("VerifySignature = %v, want %v", got, c.want)
			}
		})
	}
}

func TestMacMatchesVerify(t *testing.T) {
	ev, body := sigFixture(t)
	if !VerifySignature("mac="+Mac(ev.AppID, body, ev.TimestampRaw, sigSecret), ev.AppID, body, ev.TimestampRaw, sigSecret) {
		t.Fatal("a header built with Mac does not verify")
	}
	if SignatureHeader != "X-ZEvent-Signature" {
		t.Fatalf("SignatureHeader = %q", SignatureHeader)
	}
}
