package zalo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// SignatureHeader is the HTTP header carrying the webhook signature, "mac=<hex>".
const SignatureHeader = "X-ZEvent-Signature"

// Mac computes hex(sha256(appID + body + timestamp + secret)): plain SHA-256 of
// the joined string, not HMAC, as in the Zalo Java SDK's MacUtils.buildMac.
// appID and timestamp are the raw strings from the body (Event.AppID,
// Event.TimestampRaw); secret is the OA secret key.
func Mac(appID string, body []byte, timestamp, secret string) string {
	sum := macSum(appID, body, timestamp, secret)
	return hex.EncodeToString(sum[:])
}

// macSum hashes the parts in sequence, so the body is never copied into a joined string.
func macSum(appID string, body []byte, timestamp, secret string) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(timestamp))
	h.Write([]byte(secret))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// VerifySignature checks a SignatureHeader value, "mac=<hex>" or a bare hex
// digest (either case), against the body in constant time. It returns false
// for an empty header, a malformed digest, or an empty secret (an empty secret
// would let anyone compute a valid mac).
func VerifySignature(header string, appID string, body []byte, timestamp, secret string) bool {
	if secret == "" {
		return false
	}
	v := strings.TrimSpace(header)
	if len(v) >= 3 && strings.EqualFold(v[:3], "mac") {
		rest := strings.TrimSpace(v[3:])
		if !strings.HasPrefix(rest, "=") {
			return false
		}
		v = strings.TrimSpace(rest[1:])
	}
	if len(v) != 2*sha256.Size {
		return false
	}
	got, err := hex.DecodeString(v) // accepts upper- and lower-case digits
	if err != nil {
		return false
	}
	want := macSum(appID, body, timestamp, secret)
	return subtle.ConstantTimeCompare(got, want[:]) == 1
}
