package zalo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A send Zalo accepted is delivered even when its answer has no data part: retrying it would send it twice.
func TestAcceptedSendWithoutDataIsDelivered(t *testing.T) {
	for _, body := range []string{`{"error":0,"message":"Success"}`, `{"error":0,"message":"Success","data":null}`, `{"error":0,"data":"odd"}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		c := &Client{APIBase: srv.URL}
		if _, err := c.Send(context.Background(), "tok", EndpointGroup, []byte(`{}`)); err != nil {
			t.Errorf("answer %s: %v, want delivered", body, err)
		}
		srv.Close()
	}
}
