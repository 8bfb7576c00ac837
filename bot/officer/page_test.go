package officer_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cdtbot/cdtbot/bot/bottest"
	"github.com/cdtbot/cdtbot/bot/officer"
	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/stats"
)

// laOfficer follows the whole of testdata/stats; the name checks that the page escapes what it shows.
var laOfficer = store.Officer{ID: "la-skhcn", Name: "Sở KH&CN <Long An>", GroupID: "8000000000000000099", Scope: "80"}

const publicURL = "https://cdtbot.example.vn/"

// harness is the whole server (bottest.Harness) with this package's helpers.
type harness struct{ *bottest.Harness }

// officerHarness is the stats harness (testdata/stats on 3 December 2026, 10:00 in Hanoi) with an
// officer over the province and a public address, and link, which makes a link to an officer's
// page as the chat does.
func officerHarness(t *testing.T) (h *harness, link func(officerID string, ttl time.Duration) (string, error)) {
	t.Helper()
	h = &harness{bottest.NewStats(t)}
	if err := h.DB.Update(func(tx *store.Tx) error { return tx.PutOfficer(laOfficer) }); err != nil {
		t.Fatal(err)
	}
	h.Cfg.PublicURL = publicURL
	h.Restart()
	return h, func(officerID string, ttl time.Duration) (string, error) {
		return pageLink(h.DB, publicURL, officerID, ttl)
	}
}

// pageLink makes a link in a transaction of its own.
func pageLink(db *store.DB, publicURL, officerID string, ttl time.Duration) (link string, err error) {
	err = db.Update(func(tx *store.Tx) error {
		link, err = officer.NewLinks(publicURL).PageLink(tx, officerID, ttl)
		return err
	})
	return link, err
}

// pathOf is the path of a link made for publicURL, to be fetched from the test server.
func pathOf(t *testing.T, link string) string {
	t.Helper()
	if !strings.HasPrefix(link, "https://cdtbot.example.vn/o/") {
		t.Fatalf("link %q does not start with the public URL and /o/", link)
	}
	return strings.TrimPrefix(link, "https://cdtbot.example.vn")
}

// page fetches a page and checks it is the officer page's HTML with its security headers.
func (h *harness) page(path, token string) (int, string) {
	h.T.Helper()
	resp, body := h.Download(path, token)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" && resp.StatusCode != http.StatusUnauthorized {
		h.T.Errorf("GET %s: Content-Type %q", path, ct)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		for _, hd := range []string{"Content-Security-Policy", "Referrer-Policy", "Cache-Control"} {
			if resp.Header.Get(hd) == "" {
				h.T.Errorf("GET %s: no %s header", path, hd)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			h.T.Errorf("GET %s: CSP %q", path, csp)
		}
	}
	return resp.StatusCode, string(body)
}

// figure is the text of the element marked data-k=key (the first one).
func figure(t *testing.T, page, key string) string {
	t.Helper()
	m := regexp.MustCompile(`data-k="` + key + `"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no data-k=%q on the page", key)
	}
	return html.UnescapeString(m[1])
}

func checkFigures(t *testing.T, page string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := figure(t, page, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// unitBlock is the <li> of one unit in "Theo đơn vị".
func unitBlock(t *testing.T, page, name string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `data-unit="`+name+`"`)
	if !ok {
		t.Fatalf("no unit %q on the page", name)
	}
	block, _, _ := strings.Cut(rest, "</li>")
	return block
}

// November as of 3 December, worked out by hand in store/stats (TestSummaryByHand).
var novemberFigures = map[string]string{
	"scope": "Tỉnh Long An", "period": "tháng 11/2026",
	"expected": "7", "reported": "5", "on_time": "3", "late": "2", "missing": "1", "not_due": "1",
	"reporting_rate": "71,4%", "on_time_rate": "42,9%", "not_reported": "2",
}

func TestOfficerPageThroughSignedLink(t *testing.T) {
	h, officerLink := officerHarness(t)
	link, err := officerLink(laOfficer.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^https://cdtbot\.example\.vn/o/o2\.[A-Za-z0-9_-]+\.[0-9]+\.[0-9]+\.[A-Za-z0-9_-]{43}$`).MatchString(link) {
		t.Fatalf("link %q does not have the documented form", link)
	}
	path := pathOf(t, link)

	status, page := h.page(path+"?period=2026-11", "")
	if status != http.StatusOK {
		t.Fatalf("GET the link: %d\n%s", status, page)
	}
	checkFigures(t, page, novemberFigures)
	if !strings.Contains(page, "Sở KH&amp;CN &lt;Long An&gt;") || strings.Contains(page, "<Long An>") {
		t.Error("the officer's name is not escaped")
	}
	for name, want := range map[string]string{"Tỉnh Long An": "1/1 · 100%", "Xã An Thạnh": "2/3 · 66,7%", "Phường Tân An": "2/3 · 66,7%"} {
		b := unitBlock(t, page, name)
		got := figure(t, b, "unit_reported") + "/" + figure(t, b, "unit_expected") + " · " + figure(t, b, "unit_rate")
		if got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	// Each unit's 12 bars say what store/stats says of that unit on its own.
	for code, name := range map[string]string{"80.001": "Xã An Thạnh", "80.002": "Phường Tân An"} {
		block := unitBlock(t, page, name)
		var s stats.Summary
		if err := h.DB.View(func(tx *store.Tx) error {
			var err error
			s, err = stats.Compute(tx, stats.Query{Unit: code, Period: store.Period{Year: 2026, Month: 11}, At: h.Clock.Now(), Loc: h.Cfg.Location})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, p := range s.Series {
			label := "T" + p.Period.Label()[1:]
			want := fmt.Sprintf("<title>%s: %d/%d tổ (%s%%)</title>", label, p.Reported, p.Expected, strings.Replace(fmt.Sprint(p.ReportingRate()), ".", ",", 1))
			if p.Expected == 0 {
				want = "<title>" + label + ": không có tổ phải báo cáo</title>"
			}
			if !strings.Contains(block, want) {
				t.Errorf("%s: no bar %s", name, want)
			}
		}
	}
	// The teams not in: TA-KP3 is overdue, AT-A2 still has until 5 December; a leader's phone is a tel: link.
	for _, want := range []string{
		`Tổ CNSCĐ khu phố 3</span><span class="badge">Quá hạn</span>`, `Ngô Thị Lan`, `href="tel:0912000109"`, `Hạn nộp 20/11/2026`,
		`Tổ CNSCĐ ấp 2</span><span class="badge">Chưa đến hạn</span>`, `Võ Minh Tâm`, `href="tel:0912000105"`, `Hạn nộp 05/12/2026`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "Đặng Quốc Huy") {
		t.Error("a team that reported is listed as not reported")
	}

	// Without a period: the open period of most teams (December), every team not due yet.
	status, page = h.page(path, "")
	if status != http.StatusOK {
		t.Fatalf("GET the link without a period: %d", status)
	}
	checkFigures(t, page, map[string]string{"period": "tháng 12/2026", "expected": "5", "reported": "0", "not_due": "5", "reporting_rate": "0%"})
	if !strings.Contains(page, `<option value="2026-12" selected>Tháng 12/2026 (kỳ hiện tại)</option>`) ||
		!strings.Contains(page, `<option value="2026-01">Tháng 1/2026</option>`) || strings.Contains(page, `value="2025-12"`) {
		t.Error("the selector does not list the 12 periods ending with the current one")
	}

	// The download buttons, followed as a browser would.
	_, page = h.page(path+"?period=2026-11", "")
	for _, c := range []struct{ key, disposition string }{
		{"csv", `attachment; filename="bao-cao-2026-11-80.csv"`},
		{"xlsx", `attachment; filename="bao-cao-2026-11-80.xlsx"`},
	} {
		href := resolve(t, h.Srv.URL+path+"?period=2026-11", figureAttr(t, page, c.key, "href"))
		resp, body := h.Download(strings.TrimPrefix(href, h.Srv.URL), "")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != c.disposition {
			t.Fatalf("%s download %s: %d %q %.200s", c.key, href, resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
		}
		switch c.key {
		case "csv":
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
			if err != nil || len(recs) != 8 || recs[7][3] != "TA-KP3" || recs[7][6] != "thiếu" {
				t.Errorf("CSV: %v, %d rows: %q", err, len(recs), recs)
			}
		case "xlsx":
			f, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("XLSX does not open: %v", err)
			}
			if got, _ := f.GetCellValue("Tổng hợp", "C5"); got != "7" {
				t.Errorf("XLSX total expected %q, want 7", got)
			}
			f.Close()
		}
	}

	// Bad or future periods.
	if status, page := h.page(path+"?period=2026-13", ""); status != http.StatusBadRequest || !strings.Contains(page, "Kỳ báo cáo không hợp lệ") {
		t.Errorf("bad period: %d", status)
	}
	if status, page := h.page(path+"?period=2027-06", ""); status != http.StatusBadRequest || !strings.Contains(page, "chưa bắt đầu") {
		t.Errorf("future period: %d", status)
	}
	if resp, _ := h.Download(path+"/export.csv?period=2027-06", ""); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("future period export: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}

	// The link names the officer, not the scope: a new scope shows at once, and the key survives a restart.
	moved := laOfficer
	moved.Scope = "80.002"
	if err := h.DB.Update(func(tx *store.Tx) error { return tx.PutOfficer(moved) }); err != nil {
		t.Fatal(err)
	}
	h.Restart()
	status, page = h.page(path+"?period=2026-11", "")
	if status != http.StatusOK {
		t.Fatalf("after a restart: %d", status)
	}
	checkFigures(t, page, map[string]string{"scope": "Phường Tân An", "expected": "3", "reported": "2", "missing": "1"})
}

func figureAttr(t *testing.T, page, key, attr string) string {
	t.Helper()
	m := regexp.MustCompile(`data-k="` + key + `" ` + attr + `="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no %s on data-k=%q", attr, key)
	}
	return html.UnescapeString(m[1])
}

func resolve(t *testing.T, base, ref string) string {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	return b.ResolveReference(r).String()
}

func TestOfficerLinkRefused(t *testing.T) {
	h, officerLink := officerHarness(t)
	link, err := officerLink(laOfficer.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	path := pathOf(t, link)
	token := strings.TrimPrefix(path, "/o/")
	parts := strings.Split(token, ".")
	flip := func(s string) string {
		if s[len(s)-2] == 'A' {
			return s[:len(s)-2] + "B" + s[len(s)-1:]
		}
		return s[:len(s)-2] + "A" + s[len(s)-1:]
	}
	other := "o2." + base64.RawURLEncoding.EncodeToString([]byte("ta-other")) + "." + parts[2] + "." + parts[3] + "." + parts[4]
	later := strings.Join([]string{parts[0], parts[1], fmt.Sprint(h.Clock.Now().Add(48 * time.Hour).Unix()), parts[3], parts[4]}, ".")
	for name, bad := range map[string]string{
		"signature changed": strings.Join([]string{parts[0], parts[1], parts[2], parts[3], flip(parts[4])}, "."),
		"other officer":     other,
		"expiry pushed":     later,
		"generation pushed": strings.Join([]string{parts[0], parts[1], parts[2], "7", parts[4]}, "."),
		"no signature":      strings.Join(parts[:4], "."),
		"other version":     "o1." + strings.Join(parts[1:], "."),
		"garbage":           "hello",
		"too long":          token + strings.Repeat("A", 500),
	} {
		for _, suffix := range []string{"", "/export.csv", "/export.xlsx"} {
			status, page := h.page("/o/"+bad+suffix, "")
			if status != http.StatusForbidden || !strings.Contains(page, "Liên kết không hợp lệ") || !strings.Contains(page, "xem trang tổng hợp") {
				t.Errorf("%s%s: %d", name, suffix, status)
			}
		}
	}
	if status, _ := h.page(path, ""); status != http.StatusOK {
		t.Fatalf("the good link: %d", status)
	}

	// An hour and a bit later the link has expired: 410 Gone, for the page and the downloads.
	h.Clock.Set(h.Clock.Now().Add(time.Hour + time.Minute))
	for _, suffix := range []string{"", "/export.csv", "/export.xlsx"} {
		status, page := h.page(path+suffix, "")
		if status != http.StatusGone || !strings.Contains(page, "Liên kết đã hết hạn") {
			t.Errorf("expired%s: %d", suffix, status)
		}
	}

	// PageLink refuses what it cannot sign.
	if _, err := officerLink("nobody", time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown officer: %v", err)
	}
	if _, err := officerLink(laOfficer.ID, officer.MaxLinkTTL+time.Hour); err == nil {
		t.Error("a ttl over the maximum was accepted")
	}
	if _, err := officerLink(laOfficer.ID, -time.Hour); err == nil {
		t.Error("a negative ttl was accepted")
	}
	if _, err := pageLink(h.DB, "", laOfficer.ID, 0); err == nil {
		t.Error("a link without a public URL")
	}
	// ttl 0 is the default day.
	link, err = officerLink(laOfficer.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	exp := strings.Split(link, ".")
	if got, want := exp[len(exp)-3], fmt.Sprint(h.Clock.Now().Add(officer.DefaultLinkTTL).Unix()); len(got) < 7 || got[:7] != want[:7] {
		t.Errorf("default expiry %s, want about %s", got, want)
	}
}

func TestOfficerAdminPageAndLinkEndpoint(t *testing.T) {
	h, _ := officerHarness(t)

	for _, token := range []string{"", "wrong"} {
		if status, _ := h.page("/officer/la-skhcn?period=2026-11", token); status != http.StatusUnauthorized {
			t.Errorf("admin page with token %q: %d", token, status)
		}
	}
	status, page := h.page("/officer/la-skhcn?period=2026-11", bottest.AdminToken)
	if status != http.StatusOK {
		t.Fatalf("admin page: %d\n%s", status, page)
	}
	checkFigures(t, page, novemberFigures)
	if !strings.Contains(page, "quyền quản trị") {
		t.Error("the admin page does not say so")
	}
	// Its buttons carry a short-lived signed link, since a browser cannot send the token.
	href := resolve(t, h.Srv.URL+"/officer/la-skhcn?period=2026-11", figureAttr(t, page, "csv", "href"))
	if resp, body := h.Download(strings.TrimPrefix(href, h.Srv.URL), ""); resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Errorf("admin page CSV %s: %d", href, resp.StatusCode)
	}
	sel := resolve(t, h.Srv.URL+"/officer/la-skhcn", figureAttr(t, strings.Replace(page, `method="get" action=`, `data-k="form" action=`, 1), "form", "action"))
	if status, page := h.page(strings.TrimPrefix(sel, h.Srv.URL)+"?period=2026-10", ""); status != http.StatusOK || figure(t, page, "period") != "tháng 10/2026" {
		t.Errorf("the admin page's period selector leads to %s: %d", sel, status)
	}
	if status, page := h.page("/officer/nobody", bottest.AdminToken); status != http.StatusNotFound || !strings.Contains(page, "Không có cán bộ này") {
		t.Errorf("unknown officer: %d", status)
	}

	// POST /api/v1/officers/:id/link signs a link, audited.
	post := func(path, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, h.Srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("X-Admin-Actor", "Phòng VH-TT")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, _ := post("/api/v1/officers/la-skhcn/link", ""); status != http.StatusUnauthorized {
		t.Errorf("link without the token: %d", status)
	}
	status, body := post("/api/v1/officers/la-skhcn/link?ttl=2h", bottest.AdminToken)
	var out struct {
		Officer, URL, Path string
		ExpiresAt          time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(body), &out); status != http.StatusOK || err != nil {
		t.Fatalf("link: %d %s %v", status, body, err)
	}
	if out.Officer != "la-skhcn" || out.URL != "https://cdtbot.example.vn"+out.Path || !strings.HasPrefix(out.Path, "/o/o2.") ||
		out.ExpiresAt.Sub(h.Clock.Now().Add(2*time.Hour)).Abs() > 5*time.Second {
		t.Errorf("link answer %+v", out)
	}
	if status, page := h.page(out.Path+"?period=2026-11", ""); status != http.StatusOK || figure(t, page, "reported") != "5" {
		t.Errorf("the issued link: %d", status)
	}
	for _, c := range []struct {
		path, want string
		status     int
	}{
		{"/api/v1/officers/la-skhcn/link?ttl=forever", `"code":"bad_ttl"`, http.StatusBadRequest},
		{"/api/v1/officers/la-skhcn/link?ttl=800h", `"code":"bad_ttl"`, http.StatusBadRequest},
		{"/api/v1/officers/nobody/link", `"code":"unknown_officer"`, http.StatusNotFound},
	} {
		if status, body := post(c.path, bottest.AdminToken); status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("POST %s: %d %s", c.path, status, body)
		}
	}
	if audit := h.Get("/api/v1/audit?limit=1000", bottest.AdminToken); !strings.Contains(audit, `"actor":"Phòng VH-TT","action":"officer.link","subject":"la-skhcn"`) {
		t.Errorf("no audit entry for the link: %s", audit)
	}
}

// Removing an officer kills their links, even when an officer with the same id is created again.
func TestOfficerLinksDieWithTheOfficer(t *testing.T) {
	h, officerLink := officerHarness(t)
	link, err := officerLink(laOfficer.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	path := pathOf(t, link)
	if status, _ := h.page(path, ""); status != http.StatusOK {
		t.Fatalf("fresh link: %d", status)
	}
	if err := h.DB.Update(func(tx *store.Tx) error {
		if _, err := tx.DeleteOfficer(laOfficer.ID); err != nil {
			return err
		}
		return tx.PutOfficer(laOfficer) // the same id again
	}); err != nil {
		t.Fatal(err)
	}
	if status, _ := h.page(path, ""); status != http.StatusForbidden {
		t.Errorf("a link made before the officer was removed: %d, want 403", status)
	}
	fresh, err := officerLink(laOfficer.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := h.page(pathOf(t, fresh), ""); status != http.StatusOK {
		t.Errorf("a link made after: %d, want 200", status)
	}
}
