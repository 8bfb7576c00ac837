package devchat_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/devchat"
	"github.com/cdtbot/cdtbot/store"
)

func serve(t *testing.T) http.Handler {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "cdtbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := devchat.New(db, devchat.Config{Location: time.UTC})
	r := gin.New()
	r.GET("/dev/chat", d.Page)
	r.GET("/dev/chat/:file", d.Asset)
	api := r.Group("/dev/api", devchat.NotCrossSite)
	api.GET("/config", d.Settings)
	api.POST("/remind", d.Remind)
	return r
}

// The page and its files are served with a strict policy; nothing else is, and no other site's page may call the API.
func TestAssetsAndTheirGuards(t *testing.T) {
	h := serve(t)
	cases := []struct {
		path, site string
		status     int
		ctype      string
	}{
		{"/dev/chat", "", 200, "text/html; charset=utf-8"},
		{"/dev/chat/app.js", "", 200, "text/javascript; charset=utf-8"},
		{"/dev/chat/app.css", "", 200, "text/css; charset=utf-8"},
		{"/dev/chat/.hidden", "", 404, ""},
		{"/dev/chat/devchat.go", "", 404, ""},
		{"/dev/api/config", "same-origin", 200, "application/json; charset=utf-8"},
		{"/dev/api/config", "cross-site", 403, ""},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.site != "" {
			req.Header.Set("Sec-Fetch-Site", c.site)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != c.status {
			t.Errorf("%s (%s): status %d, want %d", c.path, c.site, w.Code, c.status)
		}
		if c.ctype != "" && w.Header().Get("Content-Type") != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.path, w.Header().Get("Content-Type"), c.ctype)
		}
		if strings.HasPrefix(c.path, "/dev/chat") && c.status == 200 && !strings.Contains(w.Header().Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s: CSP %q", c.path, w.Header().Get("Content-Security-Policy"))
		}
	}
}

// Without reminders wired, the sweep button is refused, not run.
func TestRemindWithoutReminders(t *testing.T) {
	w := httptest.NewRecorder()
	serve(t).ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/dev/api/remind", nil))
	if w.Code != http.StatusNotImplemented || !strings.Contains(w.Body.String(), `"no_reminders"`) {
		t.Errorf("remind: %d %s, want 501 no_reminders", w.Code, w.Body)
	}
}
