package transcript

import (
	"strings"
	"testing"
	"time"
)

// fakeWorld answers each input with the messages queued for it.
type fakeWorld struct {
	got    []Input
	answer [][]Message
	now    time.Time
}

func (w *fakeWorld) Do(in Input) ([]Message, error) {
	w.got = append(w.got, in)
	a := w.answer[0]
	w.answer = w.answer[1:]
	return a, nil
}
func (w *fakeWorld) Directory(string) error   { return nil }
func (w *fakeWorld) Clock() Clock             { return w }
func (w *fakeWorld) Now() time.Time           { return w.now }
func (w *fakeWorld) Set(t time.Time)          { w.now = t }
func (w *fakeWorld) Restart() error           { return nil }
func (w *fakeWorld) Sends(string) (int, bool) { return 0, false }

func TestJoinedMessageAndButtons(t *testing.T) {
	w := &fakeWorld{answer: [][]Message{
		{{To: "1", Text: "Chào.\nBạn muốn gì?", Buttons: []Choice{{"Tham gia", "#join"}, {"Trợ giúp", "#help"}}}, {To: "2", Text: "Có người mới"}},
		{{To: "1", Text: "Đã gửi"}},
		{{To: "1", Text: "Chào lại.\nThừa"}},
	}}
	r := New(w)
	for _, line := range []string{
		"@who an = 1", "@who hung = 2", "@clock +1h",
		"an> (theo dõi)", "<an: Chào.", "<an: Bạn muốn [Tham gia | Trợ giúp]", "<hung: người mới",
		"an> [Tham gia]", "<an: Đã gửi",
		"an> 2", "<an: Chào lại.", // the rest "Thừa" is dropped, as the end of a matched message
	} {
		if err := r.Step(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.got[0].Kind != Follow || w.got[1].Kind != Button || w.got[1].Text != "#join" || w.got[2].Kind != Text || w.got[2].Text != "2" {
		t.Errorf("inputs %+v", w.got)
	}
	if !w.now.Equal(time.Time{}.Add(time.Hour)) {
		t.Errorf("clock %v", w.now)
	}

	w.answer = [][]Message{{{To: "2", Text: "Không ai chờ"}}}
	_ = r.Step("an> xin chào")
	if err := r.Step("an> lần nữa"); err == nil || !strings.Contains(err.Error(), "unexpected messages:\n<hung: Không ai chờ []") {
		t.Errorf("unexpected message: %v", err)
	}
}
