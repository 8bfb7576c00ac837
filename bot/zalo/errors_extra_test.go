package zalo_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/cdtbot/cdtbot/bot/zalo"
	"github.com/cdtbot/cdtbot/bot/zalo/zalotest"
)

func TestClassifyExtraCodes(t *testing.T) {
	fake, c := newFake(t)
	cases := []struct {
		code int
		want zalo.Class
	}{
		// OpenAPI: an operator must act.
		{-211, zalo.ClassOperator},
		{-218, zalo.ClassOperator},
		{-221, zalo.ClassOperator},
		{-223, zalo.ClassOperator},
		{-224, zalo.ClassOperator},
		{-240, zalo.ClassOperator},
		// ZNS.
		{-100, zalo.ClassTransient},
		{-108, zalo.ClassUnreachable},
		{-109, zalo.ClassOperator},
		{-111, zalo.ClassBug},
		{-112, zalo.ClassBug},
		{-114, zalo.ClassUnreachable},
		{-115, zalo.ClassOperator},
		{-117, zalo.ClassOperator},
		{-118, zalo.ClassUnreachable},
		{-119, zalo.ClassUnreachable},
		{-124, zalo.ClassToken},
		{-131, zalo.ClassOperator},
		{-144, zalo.ClassOperator},
		{-146, zalo.ClassOperator},
		// Existing codes keep their classes.
		{-216, zalo.ClassToken},
		{-220, zalo.ClassToken},
		{-32, zalo.ClassRateLimited},
		{-234, zalo.ClassNight},
		{-230, zalo.ClassUnreachable},
		{-232, zalo.ClassUnreachable},
		{-213, zalo.ClassUnreachable},
		{-227, zalo.ClassUnreachable},
		{-201, zalo.ClassBug},
		{-233, zalo.ClassBug},
		{-403, zalo.ClassGroup},
		{-237, zalo.ClassGroup},
		{-999, zalo.ClassPermanent},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			fake.FailNext(1, zalotest.Failure{Code: tc.code})
			_, err := c.Send(context.Background(), "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "x"))
			if got := zalo.Classify(err); got != tc.want {
				t.Errorf("Classify(%v) = %v, want %v", err, got, tc.want)
			}
			if zalo.ErrorCode(err) != tc.code {
				t.Errorf("ErrorCode = %d", zalo.ErrorCode(err))
			}
		})
	}
	if zalo.Classify(&zalo.OAuthError{Code: -14019}) != zalo.ClassPermanent {
		t.Error("OAuthError is not ClassPermanent")
	}
}

func TestClassOperatorString(t *testing.T) {
	if zalo.ClassOperator.String() != "operator" {
		t.Errorf("ClassOperator = %q", zalo.ClassOperator.String())
	}
	// Added after ClassPermanent, so stored or logged numbers keep their meaning.
	if zalo.ClassOperator <= zalo.ClassPermanent {
		t.Error("ClassOperator renumbered an existing class")
	}
}

func TestIsTemplateRefusal(t *testing.T) {
	ctx := context.Background()
	for _, code := range []int{-201, -233} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			fake, c := newFake(t)
			fake.Interact("u1")
			fake.RefuseTemplatesWith(code)
			list := zalo.ListMessage("u1", []zalo.ListElement{{Title: "Đã nộp báo cáo chưa?"}}, []zalo.Button{{Title: "Rồi", Payload: "#roi"}})
			_, err := c.Send(ctx, "access-1", zalo.EndpointCS, list)
			if !zalo.IsTemplateRefusal(err) || zalo.Classify(err) != zalo.ClassBug {
				t.Fatalf("refused list: %v", err)
			}
			if !zalo.IsTemplateRefusal(fmt.Errorf("outbox: %w", err)) {
				t.Error("wrapped refusal not recognised")
			}
			// The fallback — the same content as text — goes through.
			if _, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.TextMessage("u1", "Đã nộp báo cáo chưa?\n1. Rồi")); err != nil {
				t.Errorf("text fallback: %v", err)
			}
			if r := fake.Refused(); len(r) != 1 || r[0].Code != code || r[0].To != "u1" {
				t.Errorf("refused %+v", r)
			}
		})
	}
	// request_user_info without an image is refused even when templates are accepted.
	fake, c := newFake(t)
	fake.Interact("u1")
	_, err := c.Send(ctx, "access-1", zalo.EndpointCS, zalo.RequestUserInfoMessage("u1", "Chia sẻ số điện thoại", "", ""))
	if !zalo.IsTemplateRefusal(err) {
		t.Errorf("request_user_info without image: %v", err)
	}
	for _, err := range []error{
		nil,
		errors.New("network"),
		&zalo.APIError{Code: -230},
		&zalo.HTTPError{Status: 400},
		&zalo.OAuthError{Code: -201},
	} {
		if zalo.IsTemplateRefusal(err) {
			t.Errorf("IsTemplateRefusal(%v) = true", err)
		}
	}
}
