package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Kinds of request.
const (
	RequestJoin  = "join"
	RequestLeave = "leave"
)

// States of a request: the leader recommends, then the approver decides.
const (
	StateAwaitLeader   = "await_leader"
	StateAwaitApprover = "await_approver"
	StateApproved      = "approved"
	StateDeclined      = "declined" // by the leader
	StateRejected      = "rejected" // by the approver
	StateCancelled     = "cancelled"
)

// Request is a join or leave request going through its approvals.
type Request struct {
	ID        uint64        `json:"id"`
	Kind      string        `json:"kind"`
	Team      string        `json:"team"`
	ZaloID    string        `json:"zalo_id"`
	Name      string        `json:"name,omitempty"`
	Phone     string        `json:"phone,omitempty"`
	Role      string        `json:"role,omitempty"` // join: member or collaborator
	Reason    string        `json:"reason,omitempty"`
	State     string        `json:"state"`
	CreatedAt time.Time     `json:"created_at"`
	History   []RequestStep `json:"history"`
}

// RequestStep is one decision on a request.
type RequestStep struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"` // created, recommended, declined, approved, rejected, cancelled
	Note   string    `json:"note,omitempty"`
}

// Open tells whether the request still waits for someone.
func (r Request) Open() bool { return r.State == StateAwaitLeader || r.State == StateAwaitApprover }

// CreateRequest stores a new request and returns it with its id.
func (tx *Tx) CreateRequest(r Request) (Request, error) {
	if r.Kind != RequestJoin && r.Kind != RequestLeave {
		return r, fmt.Errorf("request kind %q", r.Kind)
	}
	seq, err := tx.btx.Bucket(bucketRequests).NextSequence()
	if err != nil {
		return r, err
	}
	r.ID = seq
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	if r.State == "" {
		r.State = StateAwaitLeader
	}
	r.History = append(r.History, RequestStep{At: tx.now, By: r.ZaloID, Action: "created", Note: r.Reason})
	return r, tx.putRequest(r)
}

// Request returns one request.
func (tx *Tx) Request(id uint64) (Request, bool, error) {
	var r Request
	ok, err := tx.getJSON(bucketRequests, u64(id), &r)
	return r, ok, err
}

// ParseRequestID reads the decimal id carried in button payloads.
func ParseRequestID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, errors.New("bad request id")
	}
	return id, nil
}

// UpdateRequest moves a request to state, recording who did what.
func (tx *Tx) UpdateRequest(r Request, state, by, action, note string) (Request, error) {
	r.State = state
	r.History = append(r.History, RequestStep{At: tx.now, By: by, Action: action, Note: note})
	if err := tx.putRequest(r); err != nil {
		return r, err
	}
	return r, tx.Audit(AuditEntry{Actor: by, Action: r.Kind + "." + action, Subject: r.ZaloID, Team: r.Team, Detail: note})
}

// Requests calls fn for every request, oldest first.
func (tx *Tx) Requests(fn func(Request) error) error {
	return tx.btx.Bucket(bucketRequests).ForEach(func(k, v []byte) error {
		var r Request
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		return fn(r)
	})
}

// OpenRequestOf finds a person's open request of a kind, if any.
func (tx *Tx) OpenRequestOf(zaloID, kind string) (Request, bool, error) {
	var found Request
	ok := false
	err := tx.RequestsOf(zaloID, func(r Request) error {
		if r.Kind == kind && r.Open() {
			found, ok = r, true
		}
		return nil
	})
	return found, ok, err
}

// putRequest stores a request and keeps its indexes (by person, open ones) in step.
func (tx *Tx) putRequest(r Request) error {
	var old Request
	had, err := tx.getJSON(bucketRequests, u64(r.ID), &old)
	if err != nil {
		return err
	}
	if had {
		if err := errors.Join(tx.btx.Bucket(bucketPersonReqs).Delete(ckey(old.ZaloID, string(u64(old.ID)))),
			tx.btx.Bucket(bucketOpenRequests).Delete(u64(old.ID))); err != nil {
			return err
		}
	}
	if err := tx.putJSON(bucketRequests, u64(r.ID), r); err != nil {
		return err
	}
	return indexRequest(tx.btx, r)
}

func indexRequest(btx *bolt.Tx, r Request) error {
	if err := btx.Bucket(bucketPersonReqs).Put(ckey(r.ZaloID, string(u64(r.ID))), []byte(r.Kind)); err != nil {
		return err
	}
	if r.Open() {
		return btx.Bucket(bucketOpenRequests).Put(u64(r.ID), present)
	}
	return nil
}

// OpenRequests calls fn for every request still waiting for someone, oldest first.
func (tx *Tx) OpenRequests(fn func(Request) error) error {
	b := tx.btx.Bucket(bucketOpenRequests)
	if b == nil { // a file of schema 1 opened read-only: no index yet
		return tx.Requests(func(r Request) error {
			if !r.Open() {
				return nil
			}
			return fn(r)
		})
	}
	return b.ForEach(func(k, _ []byte) error {
		r, ok, err := tx.Request(btou64(k))
		if err != nil || !ok || !r.Open() {
			return err
		}
		return fn(r)
	})
}

// RequestsOf calls fn for every request of a person, oldest first.
func (tx *Tx) RequestsOf(zaloID string, fn func(Request) error) error {
	if zaloID == "" {
		return nil
	}
	if tx.btx.Bucket(bucketPersonReqs) == nil { // a file of schema 1 opened read-only: no index yet
		return tx.Requests(func(r Request) error {
			if r.ZaloID != zaloID {
				return nil
			}
			return fn(r)
		})
	}
	return tx.scanPrefix(bucketPersonReqs, ckey(zaloID, ""), func(k, _ []byte) error {
		r, ok, err := tx.Request(btou64(k[len(k)-8:]))
		if err != nil || !ok || r.ZaloID != zaloID {
			return err
		}
		return fn(r)
	})
}
