package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// Unreachable records that Zalo refused to deliver to a person (outside the
// 7-day window, not a follower): not worth retrying until they write again.
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
