package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// Unreachable records that no channel could deliver to a person (outside
// Zalo's 7-day window with no ZNS or group to fall back on): shown in digests
// until they write again.
type Unreachable struct {
	UserID string    `json:"user_id"`
	At     time.Time `json:"at"`
	Code   int       `json:"code"`
}

// MarkUnreachable records the refusal.
func (tx *Tx) MarkUnreachable(userID string, code int) error {
	js, err := json.Marshal(Unreachable{UserID: userID, At: tx.now, Code: code})
	if err != nil {
		return err
	}
	return tx.btx.Bucket(bucketUnreachable).Put([]byte(userID), js)
}

// ClearUnreachable forgets a refusal: the person interacted again.
func (tx *Tx) ClearUnreachable(userID string) error {
	return tx.btx.Bucket(bucketUnreachable).Delete([]byte(userID))
}

// UnreachableUser tells whether and since when a person is unreachable.
func (tx *Tx) UnreachableUser(userID string) (Unreachable, bool, error) {
	v := tx.btx.Bucket(bucketUnreachable).Get([]byte(userID))
	if v == nil {
		return Unreachable{}, false, nil
	}
	var u Unreachable
	if err := json.Unmarshal(v, &u); err != nil {
		return u, false, fmt.Errorf("store.UnreachableUser: %w", err)
	}
	return u, true, nil
}

// Seen records that a person wrote to (or followed, or tapped a button of) the
// OA now: Zalo's 7-day window for consultation messages opens again.
func (tx *Tx) Seen(userID string) error {
	if userID == "" {
		return nil
	}
	if err := tx.ClearUnreachable(userID); err != nil {
		return err
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(tx.now.UnixNano()))
	return tx.btx.Bucket(bucketLastSeen).Put([]byte(userID), b[:])
}

// LastSeen is when a person last wrote to the OA; false when never (as far as this database knows).
func (tx *Tx) LastSeen(userID string) (time.Time, bool) {
	v := tx.btx.Bucket(bucketLastSeen).Get([]byte(userID))
	if len(v) != 8 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v))), true
}

// SetLastSeen records an instant of last contact (imports and tests).
func (tx *Tx) SetLastSeen(userID string, at time.Time) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(at.UnixNano()))
	return tx.btx.Bucket(bucketLastSeen).Put([]byte(userID), b[:])
}

// forgetContact drops what the bot knows about reaching a person (erasure).
func (tx *Tx) forgetContact(userID string) error {
	if err := tx.btx.Bucket(bucketLastSeen).Delete([]byte(userID)); err != nil {
		return err
	}
	return tx.btx.Bucket(bucketChoices).Delete([]byte(userID))
}

// Choice is one finite answer offered with a message: a button, or a numbered line in text.
type Choice struct {
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

// SetChoices remembers the choices of the last message to a person, so a typed
// number works like the tap; none forgets them.
func (tx *Tx) SetChoices(userID string, choices []Choice) error {
	b := tx.btx.Bucket(bucketChoices)
	if len(choices) == 0 {
		if b.Get([]byte(userID)) == nil {
			return nil
		}
		return b.Delete([]byte(userID))
	}
	js, err := json.Marshal(choices)
	if err != nil {
		return err
	}
	if bytes.Equal(b.Get([]byte(userID)), js) {
		return nil // the same choices again (a reminder after a reminder): no page to rewrite
	}
	return b.Put([]byte(userID), js)
}

// Choices returns the choices of the last message sent to a person.
func (tx *Tx) Choices(userID string) []Choice {
	v := tx.btx.Bucket(bucketChoices).Get([]byte(userID))
	if v == nil {
		return nil
	}
	var out []Choice
	if json.Unmarshal(v, &out) != nil {
		return nil
	}
	return out
}
