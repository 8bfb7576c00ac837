package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cdtbot/cdtbot/store"
)

// browserWorld prepares a browser test's server: a folder, where its screenshots go (CDTBOT_SCREENSHOTS,
// kept when the test fails), and the environment of a sandbox server with admin token over a database
// holding testdata/transcripts/tung-anh.json (not started yet: the test may seed the file first).
func browserWorld(t *testing.T, token string) (dir, shots string, env map[string]string) {
	t.Helper()
	dir = t.TempDir()
	if shots = os.Getenv("CDTBOT_SCREENSHOTS"); shots == "" {
		shots = filepath.Join(dir, "screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keepScreenshotsOnFailure(t, shots) })
	env = map[string]string{"CDTBOT_ADDR": "127.0.0.1:0", "CDTBOT_DB": filepath.Join(dir, "cdtbot.db"), "CDTBOT_NO_DEMO": "1",
		"CDTBOT_ADMIN_TOKEN": token, "CDTBOT_LOG_LEVEL": "warn"}
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"import", "../../testdata/transcripts/tung-anh.json"}, envOf(env), &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	return dir, shots, env
}

// TestBrowserOfficerPage opens an officer's page in a headless Chromium at a phone's size, the
// way an officer does from the link the bot sends: the whole program runs in-process on a
// database holding testdata/transcripts/tung-anh.json and a year of reports written relative to
// today, a link comes from the admin API, and the test checks the figures on the page, that the
// page's own stylesheet applied under its Content-Security-Policy, that nothing overflows the
// screen, that the period selector and a download work, and saves screenshots (PNG).
// CDTBOT_SCREENSHOTS=DIR keeps them there; else they go under t.TempDir() and are copied to a
// kept folder when the test fails.
func TestBrowserOfficerPage(t *testing.T) {
	needBrowser(t, "the officer page's browser test")
	dir, shots, env := browserWorld(t, "officer-browser")
	loc := mustHCM(t)
	shown, current := seedOfficerReports(t, env["CDTBOT_DB"], time.Now(), loc)

	base, _, stop := startServe(t, env)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("server stop: %v", err)
		}
	}()
	path := officerLinkPath(t, base, "ha-tinh-skhcn", "officer-browser")

	ctx := startChromium(t, dir)
	p := &officerBrowser{t: t, ctx: ctx, dir: shots}

	p.do("open the link on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Navigate(base+path+"?period="+shown.String()))
	p.waitJS("the page", `document.querySelector('[data-k="expected"]') !== null`)

	// Last month, closed: TA-T1 on time, TA-TL late, TL-HL missing.
	got := p.figures()
	for k, want := range map[string]string{"scope": "Tỉnh Hà Tĩnh", "period": shown.Label(), "expected": "3", "reported": "2", "on_time": "1",
		"late": "1", "missing": "1", "not_due": "0", "reporting_rate": "66,7%", "on_time_rate": "33,3%", "not_reported": "1"} {
		if got[k] != want {
			p.fail("figures", fmt.Errorf("%s = %q, want %q (all: %v)", k, got[k], want, got))
		}
	}
	var units []string
	p.eval(`[...document.querySelectorAll('li.unit')].map(li => li.dataset.unit + ' ' + li.querySelector('.ufig').textContent)`, &units)
	if strings.Join(units, "|") != "Xã Tùng Ảnh 2/2 · 100%|Xã Tùng Lộc 0/1 · 0%" {
		p.fail("units", fmt.Errorf("units %q", units))
	}
	var tel string
	p.eval(`(() => { const a = document.querySelector('li.team a.tel'); return a.closest('li').querySelector('.tname').textContent + ' ' + a.getAttribute('href'); })()`, &tel)
	if tel != "Tổ CNSCĐ thôn Hồng Lam tel:0912345007" {
		p.fail("missing team", fmt.Errorf("first tel link %q", tel))
	}
	var layout struct {
		Charts, Bars int
		Header       string
		Overflow     bool
	}
	p.eval(`({charts: document.querySelectorAll('svg.chart').length, bars: document.querySelectorAll('svg.chart rect').length,
		header: getComputedStyle(document.querySelector('header.top')).backgroundColor,
		overflow: document.documentElement.scrollWidth > window.innerWidth})`, &layout)
	if layout.Charts != 3 || layout.Bars != 36 {
		p.fail("charts", fmt.Errorf("%d charts with %d bars, want 3 with 12 each", layout.Charts, layout.Bars))
	}
	if layout.Header != "rgb(11, 87, 208)" {
		p.fail("stylesheet", fmt.Errorf("header background %q: the stylesheet did not apply (CSP hash?)", layout.Header))
	}
	if layout.Overflow {
		p.fail("layout", fmt.Errorf("the page is wider than a phone's screen"))
	}
	shot := p.shot("officer-page")
	t.Logf("screenshot of the officer page: %s", shot)

	// The CSV button downloads that period's export.
	var csvURL string
	p.eval(`document.querySelector('a[data-k="csv"]').href`, &csvURL)
	resp, err := http.Get(csvURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `attachment; filename="bao-cao-` + shown.String() + `-42.csv"`; resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != want ||
		strings.Count(string(body), "\r\n") != 4 {
		p.fail("download", fmt.Errorf("CSV %s: %d %q, %d lines", csvURL, resp.StatusCode, resp.Header.Get("Content-Disposition"), strings.Count(string(body), "\r\n")))
	}

	// The selector goes to the current period, where TA-T1 has filed already.
	p.do("pick the current period", chromedp.SetValue(chromedp.ID("period"), current.String()), chromedp.Click(chromedp.CSS(`form.period button`)))
	p.waitJS("the current period", `document.querySelector('[data-k="period"]').textContent === `+jsonString(current.Label()))
	got = p.figures()
	if got["expected"] != "3" || got["reported"] != "1" {
		p.fail("current period", fmt.Errorf("figures %v, want 1 of 3 reported", got))
	}
	t.Logf("screenshot of the current period: %s", p.shot("officer-page-current"))

	// The same page on a desktop screen, for the record.
	p.do("wide screen", chromedp.EmulateViewport(1100, 800))
	p.waitJS("wide layout", `window.innerWidth === 1100`)
	t.Logf("screenshot on a wide screen: %s", p.shot("officer-page-wide"))
}

// seedOfficerReports writes a year of reports for the three teams of tung-anh.json (cutoff the
// 20th, current month) straight into the file, before the server opens it. The month before the
// current one ("shown") is closed: TA-T1 on time, TA-TL late, TL-HL nothing. In the current
// month TA-T1 filed a minute ago.
func seedOfficerReports(t *testing.T, path string, now time.Time, loc *time.Location) (shown, current store.Period) {
	t.Helper()
	cal := store.Calendar{CutoffDay: 20, Close: store.CloseCurrent, Loc: loc}
	current = cal.OpenPeriod(now)
	shown = current.Prev()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	leaders := map[string]string{"TA-T1": "1100000000000000001", "TA-TL": "1100000000000000004", "TL-HL": "1100000000000000007"}
	report := func(team string, p store.Period, at time.Time) store.Report {
		return store.Report{Team: team, Period: p.String(), FiledBy: leaders[team], Role: store.RoleLeader, FiledAt: at, Question: "default",
			Answers: map[string]string{"households": "12", "gov": "Hướng dẫn cài VNeID"}}
	}
	day := func(p store.Period, d int) time.Time { return time.Date(p.Year, p.Month, d, 9, 0, 0, 0, loc) }
	var rs []store.Report
	for i := 1; i <= 11; i++ { // the months before: a varied history for the charts
		p := shown
		for range i {
			p = p.Prev()
		}
		if i%4 != 3 {
			rs = append(rs, report("TA-T1", p, day(p, 12)))
		}
		if i%2 == 0 {
			rs = append(rs, report("TA-TL", p, day(p, 10+i)))
		}
		if i%3 == 0 {
			rs = append(rs, report("TL-HL", p, day(p, 18)))
		}
	}
	rs = append(rs, report("TA-T1", shown, day(shown, 10)), report("TA-TL", shown, day(shown, 25)), report("TA-T1", current, now.Add(-time.Minute)))
	if err := db.Update(func(tx *store.Tx) error {
		for _, r := range rs {
			if _, err := tx.SaveReport(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return shown, current
}

// officerLinkPath asks the admin API for a link to an officer's page and returns its path
// (the server's public URL is a guess when it listens on port 0).
func officerLinkPath(t *testing.T, base, officer, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/officers/"+officer+"/link?ttl=1h", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var link struct{ Path, URL string }
	if err := json.NewDecoder(resp.Body).Decode(&link); err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(link.Path, "/o/") {
		t.Fatalf("POST link: %d %+v %v", resp.StatusCode, link, err)
	}
	return link.Path
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// keepScreenshotsOnFailure copies the screenshots of a failed test out of t.TempDir().
func keepScreenshotsOnFailure(t *testing.T, dir string) {
	if !t.Failed() || os.Getenv("CDTBOT_SCREENSHOTS") != "" {
		return
	}
	keep, err := os.MkdirTemp("", "cdtbot-officer-page-")
	if err != nil {
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			_ = os.WriteFile(filepath.Join(keep, filepath.Base(f)), b, 0o644)
		}
	}
	t.Logf("screenshots kept in %s", keep)
}

// officerBrowser drives the page; every step is bounded and a failure saves a screenshot.
type officerBrowser struct {
	t   *testing.T
	ctx context.Context
	dir string
}

const officerStepTimeout = 15 * time.Second

func (b *officerBrowser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, officerStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail(step, err)
	}
}

// eval runs a JavaScript expression and decodes its value into v.
func (b *officerBrowser) eval(js string, v any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, officerStepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js))
	if err == nil {
		err = json.Unmarshal(raw, v)
	}
	if err != nil {
		b.fail("evaluate "+js, err)
	}
}

// waitJS waits until a JavaScript expression is true, across a navigation the step started.
func (b *officerBrowser) waitJS(step, js string) {
	b.t.Helper()
	deadline := time.Now().Add(officerStepTimeout)
	var err error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		var ok bool
		ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+js+")"))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(40 * time.Millisecond)
	}
	if err == nil {
		err = fmt.Errorf("still false after %v: %s", officerStepTimeout, js)
	}
	b.fail(step, err)
}

// figures are the texts of the page's data-k elements (the first of each).
func (b *officerBrowser) figures() map[string]string {
	b.t.Helper()
	var m map[string]string
	b.eval(`(() => { const m = {}; for (const e of document.querySelectorAll('[data-k]')) { if (!(e.dataset.k in m)) m[e.dataset.k] = e.textContent; } return m; })()`, &m)
	return m
}

// shot saves a PNG of the whole page and returns its path.
func (b *officerBrowser) shot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, officerStepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
	return path
}

// fail saves what the page shows, then stops the test.
func (b *officerBrowser) fail(step string, err error) {
	b.t.Helper()
	b.shot("failure")
	b.t.Fatalf("%s: %v", step, err)
}
