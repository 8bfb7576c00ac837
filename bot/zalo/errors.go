package zalo

import (
	"errors"
	"fmt"
	"strings"
)

// APIError is a Zalo OpenAPI answer with HTTP 200 and a non-zero "error" field.
type APIError struct {
	Code    int    // Zalo error code, negative (e.g. -216)
	Message string // Zalo's "message" text
}

// Error formats the error as "zalo error -216: Access token is invalid".
func (e *APIError) Error() string {
	return fmt.Sprintf("zalo error %d: %s", e.Code, e.Message)
}

// HTTPError is an answer with an HTTP status other than 200.
type HTTPError struct {
	Status int    // HTTP status code
	Body   string // at most the first 512 bytes of the body, for logs
}

// Error formats the error as "zalo: HTTP 503: <body>".
func (e *HTTPError) Error() string {
	body := strings.TrimSpace(e.Body)
	if body == "" {
		return fmt.Sprintf("zalo: HTTP %d", e.Status)
	}
	return fmt.Sprintf("zalo: HTTP %d: %s", e.Status, body)
}

// OAuthError is an error body from the OAuth v4 token endpoint.
type OAuthError struct {
	Code        int    // the "error" field, e.g. -14014
	Name        string // "error_name"
	Reason      string // "error_reason"
	Description string // "error_description"
}

// Error formats the error with every non-empty field.
func (e *OAuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zalo oauth error %d", e.Code)
	for _, s := range []string{e.Name, e.Reason, e.Description} {
		if s != "" {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	return b.String()
}

// Class says what the outbox sender should do with a send error.
type Class int

// The classes of send errors, from Classify.
const (
	// ClassOK: err == nil.
	ClassOK Class = iota
	// ClassTransient: network failure, timeout, HTTP 5xx or 408, ZNS -100
	// (unknown error, "try again later"), or an answer that could not be
	// understood; retry with backoff.
	ClassTransient
	// ClassToken: -216 / -124 invalid, -220 expired access token; refresh, then retry.
	ClassToken
	// ClassRateLimited: -32 or HTTP 429; back off, then retry.
	ClassRateLimited
	// ClassNight: -234, no messages 22:00–06:00; retry after 06:00.
	ClassNight
	// ClassUnreachable: -230, -232 (outside the 7-day window), -213 (not a
	// follower), -227 (user inactive); ZNS -108, -114, -118, -119 (this phone
	// or its owner cannot receive ZNS); don't retry, mark the person
	// unreachable on that channel.
	ClassUnreachable
	// ClassBug: -201 bad parameter, -233 unsupported type (but see
	// IsTemplateRefusal), ZNS -111/-112 template data empty/invalid, HTTP 4xx
	// other than 408/429; don't retry, log as a bug.
	ClassBug
	// ClassGroup: -403 OA not in the group, -237 group disabled; don't retry.
	ClassGroup
	// ClassPermanent: any other Zalo error code, or an OAuth refusal; don't
	// retry, log it with its code.
	ClassPermanent
	// ClassOperator: an operator must act before this can succeed — a quota
	// used up (-211/-218, ZNS -115/-144), the OA not verified, not authorised
	// or on too low a package (-221/-223/-224), an API retired (-240), a ZNS
	// template unknown, not approved, disabled or not the OA's (-109, -117,
	// -131, -146). Don't retry; alert, don't just log. (Added after
	// ClassPermanent so the existing values keep their numbers.)
	ClassOperator
)

// String returns the lower-case name of the class, for logs and metric labels.
func (c Class) String() string {
	switch c {
	case ClassOK:
		return "ok"
	case ClassTransient:
		return "transient"
	case ClassToken:
		return "token"
	case ClassRateLimited:
		return "rate_limited"
	case ClassNight:
		return "night"
	case ClassUnreachable:
		return "unreachable"
	case ClassBug:
		return "bug"
	case ClassGroup:
		return "group"
	case ClassPermanent:
		return "permanent"
	case ClassOperator:
		return "operator"
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// Zalo error codes that change what the sender does (see /work/shared/zalo-oa.md).
const (
	codeRateLimited     = -32
	codeTokenInvalidOld = -124 // older "Access token invalid", seen live on OpenAPI endpoints
	codeBadParameter    = -201
	codeNotFollower     = -213
	codeTokenInvalid    = -216
	codeTokenExpired    = -220
	codeUserInactive    = -227
	codeOutsideWindow   = -230
	codeNoInteraction   = -232
	codeUnsupportedType = -233
	codeNight           = -234
	codeGroupDisabled   = -237
	codeNotInGroup      = -403
)

// OpenAPI codes that need an operator (zalo-oa.md, collected from Zalo's
// docs and SDKs; numbers verified there, not against a live OA).
const (
	codeQuotaUsedUp      = -211 // quota of the OA (e.g. messages of a type) used up
	codeQuotaUsedUpOther = -218 // another quota used up (e.g. the monthly quota)
	codeOANotVerified    = -221 // the OA is not verified
	codeOANotAuthorised  = -223 // the app is not authorised for the OA / feature
	codePackageTooLow    = -224 // the OA's package does not include this
	codeAPIRetired       = -240 // this API version is retired
)

// ZNS codes (business.openapi.zalo.me). "Verified" = number and meaning in
// Zalo's own table, zalo.cloud/zns/guidelines/handle-error-code; "order" =
// the meaning is the table's row at that position, the number inferred from
// its neighbours; "unverified" = seen in integrations or plausible only.
// They do not collide with the OpenAPI codes above (-2xx, -32, -403); -124
// means "access token invalid" in both (ClassToken).
const (
	codeZNSUnknown            = -100 // "Unknown error, try again later". Verified → transient.
	codeZNSPhoneInvalid       = -108 // "Phone number invalid". Verified.
	codeZNSTemplateInvalid    = -109 // "Template ID invalid". Verified.
	codeZNSTemplateDataEmpty  = -111 // "Template data empty". Verified.
	codeZNSTemplateData       = -112 // "Template data invalid" (a missing or bad param). Verified.
	codeZNSUserCannotReceive  = -114 // "User is inactive, or reject the message, or using an outdated Zalo version". Order; one integration reads it as a phone error: unreachable either way.
	codeZNSOutOfQuota         = -115 // "Out of quota": the ZNS account's balance is used up. Order.
	codeZNSTemplateNoAccess   = -117 // "OA or App does not have permission to access this template". Order.
	codeZNSAccountNotExisted  = -118 // "Zalo account not existed" for that phone. Verified in practice (several integrations match the message).
	codeZNSAccountCannotRecv  = -119 // "Account can not receive …" (the row after -118). Order.
	codeZNSTemplateNotApprove = -131 // template not approved (PENDING_REVIEW / REJECT). Unverified: plausible code, used by zalotest.
	codeZNSDailyQuota         = -144 // the OA's daily ZNS quota is used up. Unverified: one integration maps it to "quota exceeded".
	codeZNSTemplateDisabled   = -146 // template disabled (e.g. low quality). Unverified: plausible code, used by zalotest.
)

// Classify says what the outbox sender should do with err, as returned by
// Client.Send, SendZNS and the other calls (or RefreshToken / ExchangeCode).
//
// Decisions beyond the Zalo table: an unknown Zalo error code is
// ClassPermanent, because retrying an unexplained refusal risks a loop and
// the caller logs the code; any error that is not an APIError, HTTPError or
// OAuthError (transport failure, timeout, cancelled context, unreadable
// answer) is ClassTransient, because the message may simply not have arrived
// — a rare duplicate is preferred over a lost message.
func Classify(err error) Class {
	if err == nil {
		return ClassOK
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return classifyCode(apiErr.Code)
	}
	var httpErr *HTTPError
	if errors.As(err, &httpErr) {
		return classifyStatus(httpErr.Status)
	}
	var oauthErr *OAuthError
	if errors.As(err, &oauthErr) {
		// A refused refresh cannot be fixed by retrying the send; it needs an admin.
		return ClassPermanent
	}
	return ClassTransient
}

// classifyCode maps a Zalo error code to a class.
func classifyCode(code int) Class {
	switch code {
	case 0:
		return ClassOK
	case codeTokenInvalid, codeTokenExpired, codeTokenInvalidOld:
		return ClassToken
	case codeRateLimited:
		return ClassRateLimited
	case codeNight:
		return ClassNight
	case codeOutsideWindow, codeNoInteraction, codeNotFollower, codeUserInactive:
		return ClassUnreachable
	case codeBadParameter, codeUnsupportedType:
		return ClassBug
	case codeNotInGroup, codeGroupDisabled:
		return ClassGroup
	case codeQuotaUsedUp, codeQuotaUsedUpOther, codeOANotVerified, codeOANotAuthorised, codePackageTooLow, codeAPIRetired,
		codeZNSOutOfQuota, codeZNSDailyQuota, codeZNSTemplateInvalid, codeZNSTemplateNoAccess,
		codeZNSTemplateNotApprove, codeZNSTemplateDisabled:
		return ClassOperator
	case codeZNSPhoneInvalid, codeZNSUserCannotReceive, codeZNSAccountNotExisted, codeZNSAccountCannotRecv:
		// This phone (or its owner) cannot receive ZNS: use another channel.
		return ClassUnreachable
	case codeZNSTemplateDataEmpty, codeZNSTemplateData:
		// The bot built the template data wrong (or the template changed).
		return ClassBug
	case codeZNSUnknown:
		// Zalo's table says: try again later.
		return ClassTransient
	}
	return ClassPermanent
}

// IsTemplateRefusal says whether err is Zalo refusing a message's form —
// -201 "parameter invalid" or -233 "unsupported type" — which, for a list or
// request_user_info template, means: send the same content as plain text
// with numbered choices instead.
func IsTemplateRefusal(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.Code == codeBadParameter || apiErr.Code == codeUnsupportedType
}

// classifyStatus maps a non-200 HTTP status to a class.
func classifyStatus(status int) Class {
	switch {
	case status == 429:
		return ClassRateLimited
	case status == 408 || status >= 500:
		return ClassTransient
	case status >= 400:
		return ClassBug
	}
	// 1xx/3xx/other 2xx: Zalo never answers these; don't guess whether it was sent.
	return ClassPermanent
}

// ErrorCode returns the Zalo error code carried by err (an APIError, or an
// OAuthError from a refresh), or 0 when there is none; used for metric labels.
func ErrorCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	var oauthErr *OAuthError
	if errors.As(err, &oauthErr) {
		return oauthErr.Code
	}
	return 0
}
