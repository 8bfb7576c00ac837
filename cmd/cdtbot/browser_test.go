package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/cdtbot/cdtbot/store"
)

// chromiumPath is where Debian's chromium lives (.ci/run installs it when missing).
const chromiumPath = "/usr/bin/chromium"

// needBrowser fails the test when CI is set and chromium is missing (CI must run it), and otherwise
// skips it with a line on the terminal: go test shows nothing of a passing package, so a skip written
// only to the test log would go unseen.
func needBrowser(t *testing.T, what string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is missing: %s needs Debian's chromium (.ci/run installs it; apt-get install chromium)", chromiumPath, what)
	}
	msg := fmt.Sprintf("SKIP %s: %s not found (apt-get install chromium; with CI=1 this fails instead)", what, chromiumPath)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		fmt.Fprintln(tty, "cdtbot: "+msg)
		tty.Close()
	}
	t.Skip(msg)
}

// TestBrowserChatSimulator plays the demo in a headless Chromium through /dev/chat, at a phone's
// width: a new resident asks to join a team (typing and tapping buttons), the leader recommends,
// the approver approves, the leader files the monthly report answering every question, and after
// the clock is moved the officers' group gets its digest. It asserts on what the page shows.
// CDTBOT_SCREENSHOTS=DIR keeps a screenshot of each stage there (else under t.ArtifactDir).
func TestBrowserChatSimulator(t *testing.T) {
	needBrowser(t, "the chat simulator's browser test")
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("skipping the browser test with -short")
	}
	dir := t.TempDir()
	// Sandbox mode with an OA secret: the page must sign every event as Zalo does, or the webhook
	// answers 401 and the page shows it.
	base, _, stop := startServe(t, map[string]string{
		"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": filepath.Join(dir, "cdtbot.db"), "CDTBOT_LOG_LEVEL": "warn",
		"CDTBOT_SANDBOX": "1", "ZALO_OA_SECRET_KEY": "browser-test-secret",
	})
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("server stop: %v", err)
		}
	}()

	shots := os.Getenv("CDTBOT_SCREENSHOTS")
	if shots == "" {
		shots = t.ArtifactDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := startChromium(t, dir)

	var (
		mu         sync.Mutex
		exceptions []string
	)
	go func() {
		for ev, err := range chromedp.Events(ctx, runtime.ExceptionThrown) {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			mu.Lock()
			exceptions = append(exceptions, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, msg))
			mu.Unlock()
		}
	}()

	b := &browser{t: t, ctx: ctx, dir: shots}
	b.do("open the simulator", chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile, chromedp.EmulatePortrait), chromedp.Navigate(base+"/dev/chat"))
	b.waitJS("the people are listed", `document.querySelectorAll('#who option').length > 10`)
	if signed := b.eval(`fetch('/dev/api/config').then(r => r.json()).then(c => String(c.signed))`); signed != "true" {
		b.fail("the page signs its events", fmt.Errorf("config says signed = %s", signed))
	}
	b.waitText("Thử trò chuyện với Tổ CNSCĐ")
	b.shot("01-start")

	// A new resident: the welcome after following the account, then joining by buttons and typing.
	b.choose("__new__")
	resident := b.eval(`document.getElementById('who').value`)
	if !strings.HasPrefix(resident, "8") {
		b.fail("a new resident", fmt.Errorf("select value %q", resident))
	}
	b.waitText("Chào mừng bạn")
	b.tap("Tham gia tổ")
	b.waitText("xã/phường nào")
	b.say("thanh sen")
	b.waitText("Các tổ ở Phường Thành Sen")
	b.tap("Tổ dân phố 3")
	b.waitText("Mời bạn nhập họ và tên")
	b.tap("Chia sẻ thông tin")
	b.do("share name and phone",
		chromedp.SetValue(chromedp.CSS("#thread .share-form:not([hidden]) .share-name"), "Trương Thị Bích"),
		chromedp.SetValue(chromedp.CSS("#thread .share-form:not([hidden]) .share-phone"), "0987 654 321"),
		chromedp.Click(chromedp.CSS("#thread .share-form:not([hidden]) .share-ok")))
	b.waitText("Đã chia sẻ: Trương Thị Bích, 0987 654 321")
	b.waitText("Luật Bảo vệ dữ liệu cá nhân")
	b.tap("Tôi đồng ý")
	b.waitText("Họ tên: Trương Thị Bích")
	b.tap("Gửi yêu cầu")
	b.waitText("Đã gửi yêu cầu số 1")
	b.shot("02-resident-asks")

	// The leader of Tổ dân phố 3 recommends; a badge told him something arrived.
	b.waitJS("an unread badge for the leader", `[...document.querySelectorAll('#who option')].some(o => /^\(\d+\) Hoàng Văn Sơn/.test(o.textContent))`)
	b.choose("Hoàng Văn Sơn")
	b.waitText("Yêu cầu số 1: Trương Thị Bích (0987654321) xin tham gia")
	b.tap("Giới thiệu")
	b.waitText("Đã chuyển yêu cầu số 1")
	b.shot("03-leader-recommends")

	// The ward's approver approves.
	b.choose("Nguyễn Thị Thu")
	b.waitText("Yêu cầu số 1: Trương Thị Bích")
	b.tap("Phê duyệt")
	b.waitText("Đã phê duyệt yêu cầu số 1")

	// The resident hears it.
	b.choose(resident)
	b.waitText("Bạn đã chính thức là thành viên [DEMO] Tổ CNSCĐ tổ dân phố 3")
	b.shot("04-resident-approved")

	// The leader files this month's report, one question at a time.
	b.choose("Hoàng Văn Sơn")
	b.say("báo cáo")
	// The first question offers the whole report as one web form: a link the page makes clickable.
	b.waitJS("the form's link", `[...document.querySelectorAll('.bubble a.link')].some(a => a.href.includes('/f/r1.'))`)
	for i, answer := range []string{"25", "8", "12",
		"Hướng dẫn 25 hộ cài VNeID và nộp hồ sơ trực tuyến.",
		"Hỗ trợ 4 hộ bán nông sản trên sàn thương mại điện tử.",
		"Tuyên truyền trên loa phát thanh về lừa đảo qua mạng.",
		"bỏ qua"} {
		b.waitText(fmt.Sprintf("Câu %d/7", i+1))
		b.say(answer)
	}
	b.waitText("Bạn kiểm tra lại.")
	b.tap("Gửi")
	b.waitText("Đã nhận báo cáo tháng")
	b.shot("05-leader-reports")

	// Move the clock to the next instant that has a digest, run the sweep from the page, and
	// look at the officers' group.
	at, period := nextDigestInstant(time.Now(), mustHCM(t))
	b.do("set the clock",
		chromedp.Click(chromedp.CSS("#clock summary")),
		chromedp.SetValue(chromedp.ID("at"), at.Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.ID("run")))
	b.waitJS("the sweep ran", `document.getElementById('toast').textContent.includes('Đã chạy nhắc hạn lúc `+at.Format("15:04 02/01/2006")+`')`)
	// New messages for the group: the digest (and one the start-up sweep made at night, held until
	// the morning that the clock has now passed).
	b.waitJS("an unread badge for the group", `[...document.querySelectorAll('#who option')].some(o => /^\(\d\) Nhóm: \[DEMO\] Sở KH&CN Hà Tĩnh/.test(o.textContent))`)
	b.choose("4299000000000000001")
	b.waitJS("the digest is the group's newest message", `(() => {
		const rows = document.querySelectorAll('#thread .row.bot');
		const t = rows.length ? rows[rows.length - 1].innerText : '';
		return t.includes(`+jsString("📊 Tình hình báo cáo "+period.Label()+" — [DEMO] Sở KH&CN Hà Tĩnh")+`) && t.includes('Đã báo cáo:');
	})()`)
	b.shot("06-officers-digest")

	// The group can ask for the picture at any time.
	before := b.eval(`String(document.querySelectorAll('#thread .row.bot').length)`)
	b.say("#baocao")
	b.waitJS("an answer in the group", `document.querySelectorAll('#thread .row.bot').length > `+before)

	// The same page on a wide screen, for the record.
	b.do("wide screen", chromedp.EmulateViewport(1100, 760))
	b.choose("Hoàng Văn Sơn")
	b.waitText("Đã nhận báo cáo tháng")
	b.shot("07-wide")

	mu.Lock()
	defer mu.Unlock()
	if len(exceptions) > 0 {
		t.Errorf("JavaScript exceptions on the page:\n%s", strings.Join(exceptions, "\n"))
	}
	t.Logf("screenshots in %s", shots)
}

// nextDigestInstant is the first 08:00 after now at which the demo's officers get a digest that
// no earlier sweep (the start-up catch-up) can have sent: three days before this month's cutoff
// (the 20th), the day after it, or three days before next month's.
func nextDigestInstant(now time.Time, loc *time.Location) (time.Time, store.Period) {
	cal := store.Calendar{CutoffDay: 20, Close: store.CloseCurrent, Loc: loc}
	p := cal.OpenPeriod(now)
	at8 := func(d time.Time, days int) time.Time {
		d = d.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, loc)
	}
	for _, c := range []struct {
		at time.Time
		p  store.Period
	}{
		{at8(cal.CutoffDate(p), -3), p},
		{at8(cal.CutoffDate(p), 1), p},
		{at8(cal.CutoffDate(p.Next()), -3), p.Next()},
	} {
		if c.at.After(now.Add(time.Minute)) {
			return c.at, c.p
		}
	}
	panic("unreachable: next month's digest is always ahead")
}

func mustHCM(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// browser drives the page one user action at a time; every step is bounded, and a failure
// saves a screenshot and the thread's text before failing the test.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string
}

const stepTimeout = 15 * time.Second

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail(step, err)
	}
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("evaluate "+js, err)
	}
	return v
}

// waitJS waits until a JavaScript expression is truthy.
func (b *browser) waitJS(step, js string) {
	b.t.Helper()
	b.do(step, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(40*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout-time.Second)))
}

// waitText waits until the conversation shows text.
func (b *browser) waitText(text string) {
	b.t.Helper()
	b.waitJS("wait for "+jsString(text), `document.getElementById('thread').innerText.includes(`+jsString(text)+`)`)
}

// tap taps the newest button with this title in the conversation.
func (b *browser) tap(title string) {
	b.t.Helper()
	b.waitJS("tap "+jsString(title), `(() => {
		const bs = [...document.querySelectorAll('#thread .tpl-btn')].filter(x => x.textContent === `+jsString(title)+`);
		if (!bs.length) return false;
		bs[bs.length - 1].click();
		return true;
	})()`)
}

// say types a message and sends it.
func (b *browser) say(text string) {
	b.t.Helper()
	b.do("say "+jsString(text),
		chromedp.SendKeys(chromedp.ID("text"), text),
		chromedp.Click(chromedp.ID("send")))
}

// choose picks who one is in the "Bạn là" list, by id or by name.
func (b *browser) choose(who string) {
	b.t.Helper()
	b.waitJS("choose "+jsString(who), `(() => {
		const s = document.getElementById('who');
		const w = `+jsString(who)+`;
		const o = [...s.options].find(o => o.value === w) || [...s.options].find(o => o.value && o.textContent.includes(w));
		if (!o) return false;
		s.value = o.value;
		s.dispatchEvent(new Event('change'));
		return true;
	})()`)
}

// shot saves a PNG of the page.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// fail keeps what the page showed where it survives the test, then stops the test.
func (b *browser) fail(step string, err error) {
	b.t.Helper()
	keep, kerr := os.MkdirTemp("", "cdtbot-browser-failure-")
	if kerr == nil {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		if png, serr := chromedp.Run(ctx, chromedp.CaptureScreenshot()); serr == nil {
			_ = os.WriteFile(filepath.Join(keep, "failure.png"), png, 0o644)
			_ = os.WriteFile(filepath.Join(b.dir, "failure.png"), png, 0o644)
		}
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('thread').innerText`))
		cancel()
		b.t.Logf("failure screenshot: %s (also in %s); the conversation on screen:\n%s", filepath.Join(keep, "failure.png"), b.dir, text)
	}
	b.t.Fatalf("%s: %v", step, err)
}

// startChromium starts headless Chromium with a fresh profile under dir and a phone-sized window,
// with the flags this closed network needs; it stops with the test.
func startChromium(t *testing.T, dir string) context.Context {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")),
		chromedp.WindowSize(390, 844),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no time limit on this first call
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
