package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

const chatHelp = `Type a message and press Enter: it goes to the bot as the user's text (user_send_text).
  1, 2, …                  tap that button of the bot's latest message
  /remind 2026-11-27T08:00 run the reminder sweep as of that local time (or an RFC 3339 instant)
  /share NAME; PHONE       share name and phone (the answer to "Chia sẻ thông tin")
  /photo [URL]             send a photo (evidence for a report)
  /follow                  follow the account (the welcome message)
  /say TEXT                send TEXT as it is, even a bare number
  /help                    this text
  /quit                    leave (so does end of input)
`

// chatQuiet is how long chat waits, after its input ends, for the bot to stop answering.
const chatQuiet = 1500 * time.Millisecond

// chat talks to a running sandbox server from the terminal.
func chat(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return chatIO(ctx, args, getenv, os.Stdin, stdout, stderr)
}

// chatIO is chat with its input injected (tests drive it through a pipe).
func chatIO(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cdtbot chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	as := fs.String("as", "", "the Zalo user id to chat as (required); any new number is a new resident")
	server := fs.String("server", "", "URL of the running sandbox server (default from CDTBOT_ADDR)")
	group := fs.String("group", "", "write in this group chat (an officers' group id) and show what the bot sends there")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: cdtbot chat --as USER_ID [--server URL] [--group GROUP_ID]\n\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\n"+chatHelp)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if strings.TrimSpace(*as) == "" || fs.NArg() > 0 {
		return errors.New("usage: cdtbot chat --as USER_ID [--server URL] [--group GROUP_ID] (cdtbot chat -h for more)")
	}
	*server = serverOr(getenv, *server)
	c := &chatClient{
		base: strings.TrimRight(*server, "/"), user: strings.TrimSpace(*as), group: strings.TrimSpace(*group),
		secret: getenv("ZALO_OA_SECRET_KEY"), out: stdout, http: &http.Client{Timeout: 40 * time.Second},
	}
	if err := c.connect(ctx); err != nil {
		return err
	}
	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	pollDone := make(chan struct{})
	go func() { defer close(pollDone); c.poll(pollCtx) }()
	defer func() { stopPoll(); <-pollDone }()

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				c.settle(ctx)
				return nil
			}
			if quit := c.handle(ctx, strings.TrimSpace(line)); quit {
				c.settle(ctx)
				return nil
			}
		}
	}
}

// chatClient is one terminal conversation with a sandbox server.
type chatClient struct {
	base, user, group, secret string
	appID, oaID               string
	out                       io.Writer
	http                      *http.Client

	mu        sync.Mutex
	watermark uint64
	seen      map[uint64]bool
	buttons   []chatButton // of the bot's latest message
	lastKind  string       // of the latest message shown: text, list, info or buttons
	lastShown time.Time    // when the latest message was shown
	activity  time.Time    // last send or message shown
}

type chatButton struct {
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

type chatMessage struct {
	Seq      uint64       `json:"seq"`
	To       string       `json:"to"`
	Group    bool         `json:"group"`
	Status   string       `json:"status"`
	Error    string       `json:"error"`
	Kind     string       `json:"kind"`
	Text     string       `json:"text"`
	Title    string       `json:"title"`
	Subtitle string       `json:"subtitle"`
	Buttons  []chatButton `json:"buttons"`
}

// target is whose messages are shown: the group when chatting in one, else the user.
func (c *chatClient) target() string {
	if c.group != "" {
		return c.group
	}
	return c.user
}

func (c *chatClient) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, args...)
	c.activity = time.Now()
}

// connect checks the server runs the simulator API and skips the messages sent before now.
func (c *chatClient) connect(ctx context.Context) error {
	var cfg struct {
		Sandbox bool   `json:"sandbox"`
		AppID   string `json:"app_id"`
		OAID    string `json:"oa_id"`
	}
	status, err := c.getJSON(ctx, "/dev/api/config", &cfg)
	if err != nil {
		return fmt.Errorf("cdtbot chat: cannot reach %s: %w (is `cdtbot serve` running in sandbox mode?)", c.base, err)
	}
	if status == http.StatusNotFound {
		return fmt.Errorf("cdtbot chat: %s has no chat simulator: the server is not in sandbox mode", c.base)
	}
	if status != http.StatusOK {
		return fmt.Errorf("cdtbot chat: %s/dev/api/config answered HTTP %d", c.base, status)
	}
	c.appID, c.oaID = cfg.AppID, cfg.OAID
	msgs, watermark, err := c.messages(ctx, 0, -1, 0)
	if err != nil {
		return err
	}
	c.seen = map[uint64]bool{}
	for _, m := range msgs {
		c.seen[m.Seq] = true
	}
	c.watermark = watermark
	who := "user " + c.user
	if c.group != "" {
		who += " in group " + c.group
	}
	c.printf("Chatting with the bot at %s as %s (new messages only). /help for commands, /quit to leave.\n", c.base, who)
	return nil
}

func (c *chatClient) getJSON(ctx context.Context, path string, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	return resp.StatusCode, json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(v)
}

// messages asks for the messages to the target after a watermark, waiting up to wait seconds
// while there are exactly have of them.
func (c *chatClient) messages(ctx context.Context, after uint64, have, wait int) ([]chatMessage, uint64, error) {
	q := url.Values{"to": {c.target()}, "after": {strconv.FormatUint(after, 10)}, "have": {strconv.Itoa(have)}, "wait": {strconv.Itoa(wait)}}
	var out struct {
		Messages  []chatMessage `json:"messages"`
		Watermark uint64        `json:"watermark"`
	}
	status, err := c.getJSON(ctx, "/dev/api/messages?"+q.Encode(), &out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("messages: HTTP %d", status)
	}
	return out.Messages, out.Watermark, err
}

// poll prints the bot's messages to the target as they are recorded.
func (c *chatClient) poll(ctx context.Context) {
	for ctx.Err() == nil {
		c.mu.Lock()
		after, have := c.watermark, 0
		for s := range c.seen {
			if s > after {
				have++
			}
		}
		c.mu.Unlock()
		msgs, watermark, err := c.messages(ctx, after, have, 10)
		if err != nil {
			if ctx.Err() == nil {
				c.printf("! %v\n", err)
				sleepCtx(ctx, 2*time.Second)
			}
			continue
		}
		for _, m := range msgs {
			c.mu.Lock()
			dup := c.seen[m.Seq]
			c.seen[m.Seq] = true
			c.mu.Unlock()
			if !dup {
				c.show(m)
			}
		}
		c.mu.Lock()
		c.watermark = watermark
		for s := range c.seen {
			if s <= watermark {
				delete(c.seen, s)
			}
		}
		c.mu.Unlock()
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// show prints one message: "bot: text", its buttons numbered on the next line.
func (c *chatClient) show(m chatMessage) {
	var b strings.Builder
	text := m.Text
	if m.Kind != "text" {
		text = m.Title
		if m.Subtitle != "" {
			text += "\n" + m.Subtitle
		}
	}
	if m.Kind == "info" {
		text = "(chia sẻ thông tin) " + text + "\n→ /share Họ tên; số điện thoại"
	}
	b.WriteString("bot: ")
	b.WriteString(strings.ReplaceAll(text, "\n", "\n     "))
	if m.Status != "" && m.Status != "sent" {
		fmt.Fprintf(&b, "  (not delivered: %s %s)", m.Status, m.Error)
	}
	b.WriteString("\n")
	c.mu.Lock()
	// A long text comes first on its own and its buttons follow under "Mời bạn chọn:": show them as one.
	if m.Kind == "list" && m.Title == listAfterText && c.lastKind == "text" {
		b.Reset()
	}
	c.lastKind = m.Kind
	if len(m.Buttons) > 0 {
		c.lastKind = "buttons"
		labels := make([]string, len(m.Buttons))
		for i, btn := range m.Buttons {
			labels[i] = fmt.Sprintf("[%d] %s", i+1, btn.Title)
		}
		b.WriteString("     " + strings.Join(labels, "  ") + "\n")
	}
	c.buttons = m.Buttons
	c.lastShown = time.Now()
	c.mu.Unlock()
	c.printf("%s", b.String())
}

// listAfterText is the title bot/ gives the button list that follows a text too long for a list title.
const listAfterText = "Mời bạn chọn:"

// awaitReply lets the bot answer a line before the next one is read, so that input piped in all at
// once plays like a person typing and a number taps the buttons of the answer it follows. It waits
// for a first message (up to first), then until the bot has been quiet for a moment.
func (c *chatClient) awaitReply(ctx context.Context, since time.Time, first time.Duration) {
	start := time.Now()
	for ctx.Err() == nil {
		c.mu.Lock()
		last := c.lastShown
		c.mu.Unlock()
		got := last.After(since)
		if (!got && time.Since(start) > first) || (got && time.Since(last) >= 250*time.Millisecond) || time.Since(start) > 5*time.Second {
			return
		}
		sleepCtx(ctx, 20*time.Millisecond)
	}
}

// handle acts on one typed line; it reports whether to quit.
func (c *chatClient) handle(ctx context.Context, line string) bool {
	if line == "" {
		return false
	}
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	var err error
	start := time.Now()
	wait := 2 * time.Second
	defer func() {
		if err == nil && wait > 0 {
			c.awaitReply(ctx, start, wait)
		}
	}()
	switch {
	case line == "/quit" || line == "/exit":
		wait = 0
		return true
	case line == "/help":
		wait = 0
		c.printf("%s", chatHelp)
	case cmd == "/remind":
		wait = time.Second
		err = c.remind(ctx, arg)
	case cmd == "/share":
		name, phone, _ := strings.Cut(arg, ";")
		err = c.send(ctx, c.event("user_submit_info", map[string]any{"info": map[string]string{"name": strings.TrimSpace(name), "phone": strings.TrimSpace(phone)}}))
	case cmd == "/photo":
		u := arg
		if u == "" {
			u = "https://example.org/demo/anh-hoat-dong.jpg"
		}
		err = c.send(ctx, c.event("user_send_image", map[string]any{"message": map[string]any{"msg_id": newMsgID(), "text": "",
			"attachments": []any{map[string]any{"type": "image", "payload": map[string]string{"url": u, "thumbnail": u}}}}}))
	case line == "/follow":
		err = c.send(ctx, c.event("follow", map[string]any{"follower": map[string]string{"id": c.user}, "source": "oa_profile"}))
	case cmd == "/say":
		err = c.sendText(ctx, arg)
	case strings.HasPrefix(line, "/"):
		wait = 0
		c.printf("! unknown command %s (/help lists them)\n", cmd)
	default:
		if n, perr := strconv.Atoi(line); perr == nil {
			c.mu.Lock()
			buttons := c.buttons
			c.mu.Unlock()
			if n >= 1 && n <= len(buttons) {
				c.printf("→ [%s]\n", buttons[n-1].Title)
				err = c.sendText(ctx, buttons[n-1].Payload)
				break
			}
		}
		err = c.sendText(ctx, line)
	}
	if err != nil {
		c.printf("! %v\n", err)
	}
	return false
}

func newMsgID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "cli-" + hex.EncodeToString(b)
}

// event builds a webhook event from this user with the given extra fields.
func (c *chatClient) event(name string, extra map[string]any) map[string]any {
	ev := map[string]any{"app_id": c.appID, "oa_id": c.oaID, "user_id_by_app": "app-" + c.user, "event_name": name,
		"timestamp": strconv.FormatInt(time.Now().UnixMilli(), 10)}
	if name != "follow" {
		ev["sender"] = map[string]string{"id": c.user}
		ev["recipient"] = map[string]string{"id": c.oaID}
	}
	for k, v := range extra {
		ev[k] = v
	}
	return ev
}

func (c *chatClient) sendText(ctx context.Context, text string) error {
	msg := map[string]any{"message": map[string]string{"text": text, "msg_id": newMsgID()}}
	if c.group != "" {
		ev := c.event("user_send_group_text", msg)
		ev["recipient"] = map[string]string{"id": c.group}
		return c.send(ctx, ev)
	}
	return c.send(ctx, c.event("user_send_text", msg))
}

// send posts an event to the real webhook, signed as Zalo signs it when an OA secret is set.
func (c *chatClient) send(ctx context.Context, ev map[string]any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		return err
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/webhook/zalo", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.secret != "" {
		req.Header.Set(zalo.SignatureHeader, "mac="+zalo.Mac(c.appID, body, ev["timestamp"].(string), c.secret))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("webhook answered HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(reply)))
	}
	c.mu.Lock()
	c.activity = time.Now()
	c.mu.Unlock()
	return nil
}

// remind runs the sweep on the server as of a local time or an instant.
func (c *chatClient) remind(ctx context.Context, at string) error {
	if at == "" {
		return errors.New("usage: /remind 2026-11-27T08:00")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/dev/api/remind?"+url.Values{"at": {at}}.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		Label    string   `json:"label"`
		Night    bool     `json:"night"`
		Released int      `json:"released"`
		Waiting  int      `json:"waiting"`
		Messages []string `json:"messages"`
		Error    string   `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&out); err != nil {
		return fmt.Errorf("remind: HTTP %d: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("remind: %s", out.Error)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "⏰ reminder sweep as of %s: %d messages\n", out.Label, len(out.Messages))
	for _, l := range out.Messages {
		b.WriteString("   " + l + "\n")
	}
	if out.Released > 0 {
		fmt.Fprintf(&b, "   %d messages held for the morning go out now\n", out.Released)
	}
	if out.Waiting > 0 {
		fmt.Fprintf(&b, "   %d messages made between 21:00 and 07:00: they wait for 07:00\n", out.Waiting)
	}
	c.printf("%s", b.String())
	return nil
}

// settle waits, once input has ended, until the bot has been quiet for a moment (10 s at most).
func (c *chatClient) settle(ctx context.Context) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		c.mu.Lock()
		quiet := time.Since(c.activity)
		c.mu.Unlock()
		if quiet >= chatQuiet {
			return
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
}
