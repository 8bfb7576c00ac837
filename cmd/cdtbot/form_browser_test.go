package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReportForm files a monthly report the way a leader does from the chat: the whole
// program runs in-process (sandbox, testdata/transcripts/tung-anh.json), the leader writes "báo
// cáo", the first question carries the form's link, and a headless Chromium at a phone's size
// opens it, fills every question (one count wrong first), sends it and sees the receipt, which also
// goes by chat. It checks the page's stylesheet applied under its Content-Security-Policy and that
// nothing overflows the screen. CDTBOT_SCREENSHOTS=DIR keeps the screenshots.
func TestBrowserReportForm(t *testing.T) {
	needBrowser(t, "the report form's browser test")
	dir, shots, env := browserWorld(t, "form-browser")
	base, _, stop := startServe(t, env)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("server stop: %v", err)
		}
	}()
	const hung = "1100000000000000001" // leader of TA-T1
	api := &sandboxChat{t: t, base: base, token: "form-browser"}
	texts := api.say(hung, "báo cáo")
	if m := regexp.MustCompile(`"#period:(\d{4}-\d{2})"`).FindAllStringSubmatch(texts, -1); len(m) > 0 {
		texts = api.say(hung, "#period:"+m[len(m)-1][1]) // an overdue month is offered first: take the open one
	}
	link := regexp.MustCompile(`http://[^\s"\\]+/f/[A-Za-z0-9._-]+`).FindString(texts)
	if link == "" || !strings.Contains(texts, "Câu 1/12") {
		t.Fatalf("no form link with the first question:\n%s", texts)
	}

	ctx := startChromium(t, dir)
	p := &officerBrowser{t: t, ctx: ctx, dir: shots}
	p.do("open the link on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait), chromedp.Navigate(link))
	p.waitJS("the form", `document.querySelectorAll('form [name^="q."]').length === 12`)
	fill := func(households string) {
		var done bool
		p.eval(`(() => {
			for (const e of document.querySelectorAll('input[name^="q."]')) e.value = '3';
			for (const e of document.querySelectorAll('textarea[name^="q."]')) e.value = 'Hướng dẫn người dân dùng dịch vụ công.';
			document.querySelector('[name="q.households"]').value = `+jsonString(households)+`;
			return true;
		})()`, &done)
	}
	fill("ba mươi")
	p.shot("form")
	p.do("send", chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	p.waitJS("the answer to fix", `document.querySelector('[data-k="problem-households"]') !== null`)
	var kept string
	p.eval(`document.querySelector('[name="q.gov"]').value`, &kept)
	if kept != "Hướng dẫn người dân dùng dịch vụ công." {
		p.fail("kept answers", fmt.Errorf("the other answers were not kept: %q", kept))
	}
	fill("1.200")
	p.do("send again", chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	p.waitJS("the receipt", `document.querySelector('[data-k="message"]') !== null`)
	var page struct {
		Message, Header string
		Overflow        bool
	}
	p.eval(`({message: document.querySelector('[data-k="message"]').textContent,
		header: getComputedStyle(document.querySelector('header.top')).backgroundColor,
		overflow: document.documentElement.scrollWidth > window.innerWidth})`, &page)
	if !strings.Contains(page.Message, "Đã nhận báo cáo") || page.Header != "rgb(11, 87, 208)" || page.Overflow {
		p.fail("receipt page", fmt.Errorf("%+v", page))
	}
	p.shot("receipt")
	if texts := api.since(); !strings.Contains(texts, "Đã nhận báo cáo") {
		t.Errorf("no receipt by chat:\n%s", texts)
	}
}

// sandboxChat writes to a sandbox server's webhook and reads what it would have sent.
type sandboxChat struct {
	t           *testing.T
	base, token string
	after       int
	n           int
}

// say sends text from user and returns what the bot sent since (JSON of each message).
func (c *sandboxChat) say(user, text string) string {
	c.t.Helper()
	c.n++
	resp, err := http.Post(c.base+"/webhook/zalo", "application/json", strings.NewReader(textEvent(user, fmt.Sprintf("form-%d", c.n), text)))
	if err != nil {
		c.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if got := c.since(); got != "" {
			return got
		}
		time.Sleep(30 * time.Millisecond)
	}
	c.t.Fatalf("no answer to %q", text)
	return ""
}

// since is every message settled after the last one read.
func (c *sandboxChat) since() string {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/messages?after=%d", c.base, c.after), nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Messages []struct {
			LogSeq int             `json:"log_seq"`
			Body   json.RawMessage `json:"body"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		c.t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range got.Messages {
		c.after = m.LogSeq
		b.Write(m.Body)
		b.WriteByte('\n')
	}
	return b.String()
}
