package zalotest

import (
	"net/http"
	"strconv"
)

// Group listing: the answer shape of GET /v3.0/oa/group/getgroupsofoa is not
// in an official SDK. Integrators read data.groups[].group_id and .name and
// data.total; one integration's test mock also shows data.offset, data.count
// and a status of "enabled". The fake answers
//
//	{"error":0,"message":"Success","data":{"offset":0,"count":N,"total":T,
//	 "groups":[{"group_id":"…","name":"…","status":"enable"}]}}
//
// with status "enable" or "disable" (unverified wording; clients should pass
// it through, not switch on it). count defaults to 5 (documented by one
// integrator) and is capped at maxGroupPage (unverified).
const (
	defaultGroupPage = 5
	maxGroupPage     = 50
)

// AddGroup makes the OA a member of groupID (enabled), so group sends to it
// are accepted and getgroupsofoa lists it. Adding a known group re-enables it
// and renames it.
func (s *Server) AddGroup(groupID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.groups[groupID]; ok {
		g.name, g.disabled = name, false
		return
	}
	s.groups[groupID] = &group{id: groupID, name: name}
	s.groupOrder = append(s.groupOrder, groupID)
}

// DisableGroup makes sends to groupID get -237 (group disabled, package
// expired); an unknown group is added disabled.
func (s *Server) DisableGroup(groupID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[groupID]
	if !ok {
		g = &group{id: groupID}
		s.groups[groupID] = g
		s.groupOrder = append(s.groupOrder, groupID)
	}
	g.disabled = true
}

// SetOA sets the id and name GET /v2.0/oa/getoa answers (and the oa_id the
// permission redirect carries).
func (s *Server) SetOA(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oaID, s.oaName = id, name
}

// handleGroupsOfOA serves GET /v3.0/oa/group/getgroupsofoa?offset=&count= (through authedGET).
func (s *Server) handleGroupsOfOA(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, count := 0, defaultGroupPage
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeAPIError(w, http.StatusOK, codeBadParameter, "Parameter is invalid: offset")
			return
		}
		offset = n
	}
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			writeAPIError(w, http.StatusOK, codeBadParameter, "Parameter is invalid: count")
			return
		}
		count = min(n, maxGroupPage)
	}

	groups := []map[string]string{}
	for i := offset; i < len(s.groupOrder) && len(groups) < count; i++ {
		g := s.groups[s.groupOrder[i]]
		status := "enable"
		if g.disabled {
			status = "disable"
		}
		groups = append(groups, map[string]string{"group_id": g.id, "name": g.name, "status": status})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"error":   0,
		"message": "Success",
		"data": map[string]any{
			"offset": offset,
			"count":  count,
			"total":  len(s.groupOrder),
			"groups": groups,
		},
	})
}

// handleOAInfo serves GET /v2.0/oa/getoa (through authedGET).
func (s *Server) handleOAInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"error":   0,
		"message": "Success",
		"data": map[string]any{
			"oa_id":       s.oaID,
			"name":        s.oaName,
			"description": "Fake Official Account for tests",
			"is_verified": true,
		},
	})
}

// authedGET wraps a GET endpoint of the OpenAPI or ZNS: other methods get 405, an invalid access_token
// header Zalo's error (invalidCode: -216 for the OpenAPI, -124 for ZNS), and h runs holding the lock.
func (s *Server) authedGET(invalidCode int, invalidMsg string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.tokenValid(r.Header.Get("access_token")) {
			writeAPIError(w, http.StatusOK, invalidCode, invalidMsg)
			return
		}
		h(w, r)
	}
}
