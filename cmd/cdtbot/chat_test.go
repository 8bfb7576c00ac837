package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

// chatSession is one `cdtbot chat` driven through a pipe, as a person at a terminal.
type chatSession struct {
	t    *testing.T
	name string
	in   *io.PipeWriter
	out  *syncBuffer
	mark int // what has been matched so far
	done chan error
}

func startChat(t *testing.T, name string, env map[string]string, args ...string) *chatSession {
	t.Helper()
	r, w := io.Pipe()
	s := &chatSession{t: t, name: name, in: w, out: &syncBuffer{}, done: make(chan error, 1)}
	go func() {
		err := chatIO(context.Background(), args, envOf(env), r, s.out, s.out)
		r.Close()
		s.done <- err
	}()
	s.expect("Chatting with the bot")
	return s
}

// say types one line.
func (s *chatSession) say(line string) {
	s.t.Helper()
	if _, err := fmt.Fprintln(s.in, line); err != nil {
		s.t.Fatalf("%s: typing %q: %v\noutput:\n%s", s.name, line, err, s.out.String())
	}
}

// expect waits until the output shows each text, in order, after what was matched before.
func (s *chatSession) expect(texts ...string) {
	s.t.Helper()
	for _, want := range texts {
		deadline := time.Now().Add(10 * time.Second)
		for {
			out := s.out.String()
			if i := strings.Index(out[s.mark:], want); i >= 0 {
				s.mark += i + len(want)
				break
			}
			if time.Now().After(deadline) {
				s.t.Fatalf("%s: no %q in the output after position %d:\n%s", s.name, want, s.mark, out)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// end waits for the command to return.
func (s *chatSession) end() error {
	s.t.Helper()
	select {
	case err := <-s.done:
		return err
	case <-time.After(15 * time.Second):
		s.t.Fatalf("%s: chat did not exit; output:\n%s", s.name, s.out.String())
		return nil
	}
}

// TestChatCommand: a new resident joins a team from one terminal while the team's leader answers
// from another; buttons are picked by number, /share answers the share-info card, /remind moves
// the clock and the leader sees his reminder arrive; end of input and /quit both exit cleanly.
// The server has an OA secret, so every event the command sends must be signed right.
func TestChatCommand(t *testing.T) {
	env := map[string]string{
		"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": filepath.Join(t.TempDir(), "cdtbot.db"), "CDTBOT_LOG_LEVEL": "warn",
		"CDTBOT_SANDBOX": "1", "ZALO_OA_SECRET_KEY": "demo-oa-secret",
	}
	base, _, stop := startServe(t, env)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("server stop: %v", err)
		}
	}()

	leader := startChat(t, "leader", env, "--as", "4200000000000000201", "--server", base)
	resident := startChat(t, "resident", env, "--as", "8100000000000000001", "--server", base)

	resident.say("/follow")
	resident.expect("bot: Chào mừng bạn", "[1] Tham gia tổ  [2] Trợ giúp")
	resident.say("1")
	resident.expect("→ [Tham gia tổ]", "xã/phường nào")
	resident.say("duc tho")
	resident.expect("Các tổ ở Xã Đức Thọ", "[1] Thôn Hòa Bình  [2] Thôn Phúc Thịnh")
	resident.say("2")
	resident.expect("(chia sẻ thông tin)", "/share")
	resident.say("/share Phạm Thị Hằng; 0905 123 456")
	resident.expect("Luật Bảo vệ dữ liệu cá nhân", "[1] Tôi đồng ý  [2] Không đồng ý")
	resident.say("1")
	resident.expect("Họ tên: Phạm Thị Hằng", "[1] Gửi yêu cầu")
	resident.say("1")
	resident.expect("Đã gửi yêu cầu số 1 xin tham gia [DEMO] Tổ CNSCĐ thôn Phúc Thịnh")

	leader.expect("bot: Yêu cầu số 1: Phạm Thị Hằng (0905123456) xin tham gia", "[1] Giới thiệu  [2] Từ chối")
	leader.say("1")
	leader.expect("→ [Giới thiệu]", "Đã chuyển yêu cầu số 1")
	resident.expect("đã được tổ trưởng đồng ý")

	// The clock moves to 22:00 of the next reminder day: the leader's reminder (or overdue notice) is
	// made but waits for 07:00. He writes meanwhile and is answered. The clock moves to 08:00 the next
	// day: the held notice goes out now, after the answer although it was made before it (the sent
	// log is read from a watermark, so a message that settles late is not missed).
	at, _ := nextDigestInstant(time.Now(), mustHCM(t))
	notice := "bot: ⏰ Nhắc hạn: [DEMO] Tổ CNSCĐ thôn Phúc Thịnh"
	if at.Day() == 21 {
		notice = "bot: ❗ [DEMO] Tổ CNSCĐ thôn Phúc Thịnh đã quá hạn"
	}
	night, morning := at.Add(14*time.Hour), at.Add(24*time.Hour)
	leader.say("/remind " + night.Format("2006-01-02T15:04"))
	leader.expect("⏰ reminder sweep as of "+night.Format("15:04 02/01/2006"), "→ user 4200000000000000201", "they wait for 07:00")
	leader.say("xin chào")
	leader.expect("bot: Bạn muốn làm gì?", "[1] Báo cáo tháng")
	before := leader.mark
	leader.say("/remind " + morning.Format("2006-01-02T15:04"))
	leader.expect("⏰ reminder sweep as of "+morning.Format("15:04 02/01/2006"), "held for the morning go out now")
	leader.mark = before // the notice may be shown before or after the sweep's summary
	leader.expect(notice, "[1] Báo cáo ngay")
	leader.say("1")
	leader.expect("→ [Báo cáo ngay]", "Bạn báo cáo tháng nào?", "(quá hạn)  [2] Tháng")
	leader.say("2")
	leader.expect("Câu 1/7")
	leader.say("7") // a number with no buttons on screen is text: the answer
	leader.expect("Câu 2/7")
	leader.say("/quit")
	if err := leader.end(); err != nil {
		t.Errorf("leader: /quit: %v", err)
	}

	// End of input: the command waits for the last answer, then exits 0.
	resident.say("trợ giúp")
	resident.in.Close()
	if err := resident.end(); err != nil {
		t.Errorf("resident: end of input: %v", err)
	}
	resident.expect("bot: ")

	// The page signs through the server: the signature must verify.
	body := `{"app_id":"sandbox","event_name":"user_send_text","timestamp":"1795400000000","sender":{"id":"1"},"recipient":{"id":"2"},"message":{"text":"x","msg_id":"s1"}}`
	resp, err := http.Post(base+"/dev/api/sign", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var sig struct{ Signature string }
	json.NewDecoder(resp.Body).Decode(&sig)
	resp.Body.Close()
	if !zalo.VerifySignature(sig.Signature, "sandbox", []byte(body), "1795400000000", env["ZALO_OA_SECRET_KEY"]) {
		t.Errorf("/dev/api/sign gave %q: does not verify", sig.Signature)
	}

	// Another web site's page cannot drive the simulator's API from a developer's browser.
	req, _ := http.NewRequest(http.MethodPost, base+"/dev/api/remind", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /dev/api/remind: %d, want 403", resp.StatusCode)
	}
}

func TestChatCommandErrors(t *testing.T) {
	ctx := context.Background()
	var out syncBuffer
	if err := chatIO(ctx, nil, envOf(nil), strings.NewReader(""), &out, &out); err == nil || !strings.Contains(err.Error(), "--as USER_ID") {
		t.Errorf("no --as: %v", err)
	}
	err := chatIO(ctx, []string{"--as", "1", "--server", "http://127.0.0.1:1"}, envOf(nil), strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "sandbox mode") {
		t.Errorf("no server: %v", err)
	}
	// A server that is not in sandbox mode has no simulator.
	env := map[string]string{
		"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": filepath.Join(t.TempDir(), "db"),
		"ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "k", "ZALO_APP_SECRET_KEY": "s",
		"ZALO_ACCESS_TOKEN": "a", "ZALO_REFRESH_TOKEN": "r", "ZALO_API_BASE": "http://127.0.0.1:1", "ZALO_OAUTH_BASE": "http://127.0.0.1:1",
	}
	base, _, stop := startServe(t, env)
	defer stop()
	err = chatIO(ctx, []string{"--as", "1", "--server", base}, envOf(env), strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "not in sandbox mode") {
		t.Errorf("production server: %v", err)
	}
	for _, path := range []string{"/dev/chat", "/dev/api/people"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("production server: %s answered %d, want 404", path, resp.StatusCode)
		}
	}
}
