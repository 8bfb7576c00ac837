package zalotest

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// probeClient is what the console uses to check a webhook URL: short
// timeout (Zalo wants an answer within 2 seconds), redirects not followed.
var probeClient = &http.Client{
	Timeout: 2 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// ProbeWebhook does what Zalo's console reportedly does when a webhook URL is
// saved: an unsigned POST of "{}" with Content-Type application/json. It
// returns the HTTP status (the console wants 200).
func (s *Server) ProbeWebhook(url string) (status int, err error) {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader("{}"))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	return probe(req)
}

// ProbeWebhookGET GETs the webhook URL, as a browser or checker would; it
// should not 404.
func (s *Server) ProbeWebhookGET(url string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	return probe(req)
}

// probe sends req and returns its status, draining the body.
func probe(req *http.Request) (int, error) {
	resp, err := probeClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
