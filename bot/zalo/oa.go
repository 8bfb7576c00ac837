package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// OpenAPI paths for reading the OA and its groups.
const (
	pathOAInfo     = "/v2.0/oa/getoa"
	pathGroupsOfOA = "/v3.0/oa/group/getgroupsofoa"
)

// groupPageSize is how many groups GroupsOfOA asks for per page; Zalo's
// default is reported as 5, and larger pages mean fewer calls (the fake caps
// pages at 50: unverified limit).
const groupPageSize = 50

// maxGroupPages bounds GroupsOfOA, so a server that ignores offset cannot
// loop it forever (50 × 200 = 10,000 groups).
const maxGroupPages = 200

// callMeta is what any answer carries besides its data.
type callMeta struct {
	HTTPStatus int // 0 when no answer arrived
	RateLimit  int // X-RateLimit-Limit, -1 when absent
	RateRemain int // X-RateLimit-Remain, -1 when absent
}

// apiEnvelope is the {error, message, data} answer of OpenAPI and ZNS.
type apiEnvelope struct {
	Error   *looseInt       `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// call sends one OpenAPI/ZNS request with the "access_token" header and
// decodes data into out (when out is not nil). Errors are as Send's: HTTP 200
// with error != 0 → *APIError; another status → *HTTPError; a transport
// failure or an answer without the envelope → a plain (transient) error.
func (c *Client) call(ctx context.Context, op, method, u, accessToken string, body []byte, out any) (callMeta, error) {
	meta := callMeta{RateLimit: -1, RateRemain: -1}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return meta, fmt.Errorf("zalo: %s: %w", op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("access_token", accessToken)

	resp, err := c.httpClient().Do(req)
	if err != nil {
		return meta, fmt.Errorf("zalo: %s: %w", op, err)
	}
	defer resp.Body.Close()
	meta.HTTPStatus = resp.StatusCode
	meta.RateLimit = headerInt(resp.Header, "X-RateLimit-Limit")
	meta.RateRemain = headerInt(resp.Header, "X-RateLimit-Remain")

	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return meta, fmt.Errorf("zalo: %s: reading answer: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return meta, &HTTPError{Status: resp.StatusCode, Body: truncate(raw, errBodyLen)}
	}
	var env apiEnvelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Error == nil {
		return meta, fmt.Errorf("zalo: %s: unexpected answer %q", op, truncate(raw, errBodyLen))
	}
	if code := int(*env.Error); code != 0 {
		return meta, &APIError{Code: code, Message: env.Message}
	}
	if out == nil {
		return meta, nil
	}
	hasData := len(env.Data) > 0 && string(env.Data) != "null"
	if method == http.MethodPost {
		// A send Zalo accepted (error 0) is delivered: an odd or missing data part must not make it go again.
		if hasData {
			_ = json.Unmarshal(env.Data, out)
		}
		return meta, nil
	}
	if !hasData {
		return meta, fmt.Errorf("zalo: %s: answer without data %q", op, truncate(raw, errBodyLen))
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return meta, fmt.Errorf("zalo: %s: unexpected data %q: %w", op, truncate(env.Data, errBodyLen), err)
	}
	return meta, nil
}

// OAInfo is the OA behind an access token.
type OAInfo struct {
	ID       string
	Name     string
	Verified bool // is_verified: a verified OA (needed for groups, ZNS and more)
}

// looseBool decodes true/false, "true"/"false", 1/0 and null.
type looseBool bool

// UnmarshalJSON accepts the spellings Zalo fields have been seen in.
func (b *looseBool) UnmarshalJSON(raw []byte) error {
	switch string(bytes.Trim(bytes.TrimSpace(raw), `"`)) {
	case "true", "1":
		*b = true
	case "false", "0", "", "null":
		*b = false
	default:
		return fmt.Errorf("zalo: not a boolean: %s", raw)
	}
	return nil
}

// OAInfo reads the OA behind accessToken: GET {APIBase}/v2.0/oa/getoa. It
// is the cheapest call proving a token alive. Errors are as Send's.
func (c *Client) OAInfo(ctx context.Context, accessToken string) (OAInfo, error) {
	var d struct {
		OAID     looseString `json:"oa_id"`
		OAIDOld  looseString `json:"oaid"` // older answers and some SDKs
		Name     string      `json:"name"`
		Verified looseBool   `json:"is_verified"`
	}
	if _, err := c.call(ctx, "oa info", http.MethodGet, c.apiBase()+pathOAInfo, accessToken, nil, &d); err != nil {
		return OAInfo{}, err
	}
	id := string(d.OAID)
	if id == "" {
		id = string(d.OAIDOld)
	}
	return OAInfo{ID: id, Name: d.Name, Verified: bool(d.Verified)}, nil
}

// Group is a GMF group the OA is in.
type Group struct {
	ID     string
	Name   string
	Status string // as Zalo says it (the fake: "enable" / "disable"); not interpreted
}

// GroupsOfOA lists every group the OA is in, paging through GET
// {APIBase}/v3.0/oa/group/getgroupsofoa?offset=…&count=…. Errors are as
// Send's; on an error no partial list is returned.
func (c *Client) GroupsOfOA(ctx context.Context, accessToken string) ([]Group, error) {
	var out []Group
	seen := map[string]bool{}
	for page := range maxGroupPages {
		offset := page * groupPageSize
		q := url.Values{"offset": {strconv.Itoa(offset)}, "count": {strconv.Itoa(groupPageSize)}}
		var d struct {
			Total  *looseInt `json:"total"`
			Groups []struct {
				GroupID looseString `json:"group_id"`
				Name    string      `json:"name"`
				Status  string      `json:"status"`
			} `json:"groups"`
		}
		if _, err := c.call(ctx, "groups of oa", http.MethodGet, c.apiBase()+pathGroupsOfOA+"?"+q.Encode(), accessToken, nil, &d); err != nil {
			return nil, err
		}
		fresh := 0
		for _, g := range d.Groups {
			id := string(g.GroupID)
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			fresh++
			out = append(out, Group{ID: id, Name: g.Name, Status: g.Status})
		}
		// Stop at a short page, at the announced total, or when a page
		// brought nothing new (a server ignoring offset).
		if len(d.Groups) < groupPageSize || fresh == 0 || (d.Total != nil && len(out) >= int(*d.Total)) {
			break
		}
	}
	return out, nil
}
