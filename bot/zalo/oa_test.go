package zalo_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/cdtbot/cdtbot/bot/zalo"
)

func TestOAInfo(t *testing.T) {
	fake, c := newFake(t)
	fake.SetOA("1234567890123456789", "UBND xã Đức Thọ")
	info, err := c.OAInfo(context.Background(), "access-1")
	if err != nil || info != (zalo.OAInfo{ID: "1234567890123456789", Name: "UBND xã Đức Thọ", Verified: true}) {
		t.Errorf("OAInfo = %+v, %v", info, err)
	}
	fake.RevokeRefreshToken()
	if _, err := c.OAInfo(context.Background(), "access-1"); zalo.ErrorCode(err) != -216 || zalo.Classify(err) != zalo.ClassToken {
		t.Errorf("revoked: %v", err)
	}
}

func TestOAInfoAnswerShapes(t *testing.T) {
	cases := map[string]zalo.OAInfo{
		`{"error":0,"data":{"oaid":"42","name":"Cũ","is_verified":"true"}}`:            {ID: "42", Name: "Cũ", Verified: true},
		`{"error":0,"data":{"oa_id":4200000000000000001,"name":"Số","is_verified":0}}`: {ID: "4200000000000000001", Name: "Số"},
		`{"error":0,"data":{"oa_id":"7","name":"Thiếu"}}`:                              {ID: "7", Name: "Thiếu"},
	}
	for body, want := range cases {
		srv := newStub(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) })
		got, err := (&zalo.Client{APIBase: srv}).OAInfo(context.Background(), "t")
		if err != nil || got != want {
			t.Errorf("%s → %+v, %v", body, got, err)
		}
	}
	for _, body := range []string{`{"error":0}`, `{"error":0,"data":null}`, `<html>`, `{"error":0,"data":{"is_verified":"maybe"}}`} {
		srv := newStub(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) })
		if _, err := (&zalo.Client{APIBase: srv}).OAInfo(context.Background(), "t"); err == nil || zalo.Classify(err) != zalo.ClassTransient {
			t.Errorf("%s → %v", body, err)
		}
	}
}

func TestGroupsOfOA(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 50, 51, 120} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			fake, c := newFake(t)
			for i := range n {
				fake.AddGroup(fmt.Sprintf("g%03d", i), fmt.Sprintf("Thôn %d", i))
			}
			if n > 0 {
				fake.DisableGroup("g000")
			}
			groups, err := c.GroupsOfOA(ctx, "access-1")
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) != n {
				t.Fatalf("%d groups, want %d", len(groups), n)
			}
			for i, g := range groups {
				if g.ID != fmt.Sprintf("g%03d", i) || g.Name != fmt.Sprintf("Thôn %d", i) {
					t.Errorf("group %d = %+v", i, g)
				}
				if want := map[bool]string{true: "disable", false: "enable"}[i == 0]; g.Status != want {
					t.Errorf("group %d status %q, want %q", i, g.Status, want)
				}
			}
		})
	}
	fake, c := newFake(t)
	fake.AddGroup("g1", "x")
	if _, err := c.GroupsOfOA(ctx, "wrong"); zalo.Classify(err) != zalo.ClassToken {
		t.Errorf("bad token: %v", err)
	}
}

func TestGroupsOfOAServerIgnoringOffset(t *testing.T) {
	calls := 0
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		var groups string
		for i := range 50 {
			if i > 0 {
				groups += ","
			}
			groups += fmt.Sprintf(`{"group_id":"g%d","name":"n"}`, i)
		}
		_, _ = w.Write([]byte(`{"error":0,"data":{"groups":[` + groups + `]}}`))
	})
	groups, err := (&zalo.Client{APIBase: srv}).GroupsOfOA(context.Background(), "t")
	if err != nil || len(groups) != 50 || calls != 2 {
		t.Errorf("groups %d err %v calls %d", len(groups), err, calls)
	}
}

func TestGroupsOfOAErrorMidway(t *testing.T) {
	calls := 0
	srv := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Query().Get("offset") != "0" {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var groups string
		for i := range 50 {
			if i > 0 {
				groups += ","
			}
			groups += fmt.Sprintf(`{"group_id":"g%d"}`, i)
		}
		_, _ = w.Write([]byte(`{"error":0,"data":{"total":80,"groups":[` + groups + `]}}`))
	})
	groups, err := (&zalo.Client{APIBase: srv}).GroupsOfOA(context.Background(), "t")
	if groups != nil || zalo.Classify(err) != zalo.ClassTransient || calls != 2 {
		t.Errorf("groups %v err %v calls %d", groups, err, calls)
	}
}
