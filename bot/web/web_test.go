package web_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/cdtbot/cdtbot/bot/web"
)

// Fail shows an *Error as it says, wherever it sits in the chain, and nothing of any other error.
func TestFailShowsOnlyWhatIsSafe(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status int
		body   string
	}{
		{"user error", web.Errorf(http.StatusNotFound, "unknown_unit", "no unit %q", "42"), 404, `{"code":"unknown_unit","error":"no unit \"42\""}`},
		{"wrapped", fmt.Errorf("stats: %w", web.Errorf(http.StatusBadRequest, "bad_at", "at must be a time")), 400, `{"code":"bad_at","error":"at must be a time"}`},
		{"extra fields", &web.Error{Status: http.StatusConflict, Code: "hand_over_first", Message: "hand over", Extra: map[string]any{"hand_over": []string{"leader"}}}, 409,
			`{"code":"hand_over_first","error":"hand over","hand_over":["leader"]}`},
		{"internal", errors.New("bolt: disk full at /var/lib/cdtbot"), 500, `{"code":"internal","error":"internal error"}`},
		{"internal, logged already", nil, 500, `{"code":"internal","error":"internal error"}`},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		ctx, _ := gin.CreateTestContext(w)
		ctx.Request = httptest.NewRequest(http.MethodGet, "/api/v1/stats", nil)
		web.Fail(ctx, c.err)
		if got, want := w.Code, c.status; got != want {
			t.Errorf("%s: status %d, want %d", c.name, got, want)
		}
		if got, want := w.Body.String(), c.body; got != want {
			t.Errorf("%s: body %s, want %s", c.name, got, want)
		}
		if !ctx.IsAborted() {
			t.Errorf("%s: the request goes on after Fail", c.name)
		}
	}
}

func TestLoggedPathHidesOfficerTokens(t *testing.T) {
	for in, want := range map[string]string{
		"/o/o2.abc.123.0.sig":            "/o/…",
		"/o/o2.abc.123.0.sig/export.csv": "/o/…/export.csv",
		"/f/r1.abc.def.2026-11.123.sig":  "/f/…",
		"/api/v1/units":                  "/api/v1/units",
	} {
		if got := web.LoggedPath(in); got != want {
			t.Errorf("LoggedPath(%q) = %q, want %q", in, got, want)
		}
	}
}
