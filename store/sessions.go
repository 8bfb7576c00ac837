package store

import "time"

// Session is where a person stands in a conversation. It survives restarts.
type Session struct {
	ZaloID    string            `json:"zalo_id"`
	Flow      string            `json:"flow"` // "join", "leave", "report", …
	Step      string            `json:"step"`
	Data      map[string]string `json:"data,omitempty"`
	Stack     []string          `json:"stack,omitempty"` // earlier steps, for "quay lại"
	UpdatedAt time.Time         `json:"updated_at"`
	Paused    bool              `json:"paused,omitempty"`
	// Saved is the conversation this one interrupted (a decision's reason typed mid-report), resumed after it.
	Saved *Session `json:"saved,omitempty"`
}

// Session returns a person's open conversation, if any.
func (tx *Tx) Session(zaloID string) (Session, bool, error) {
	var s Session
	ok, err := tx.getJSON(bucketSessions, []byte(zaloID), &s)
	return s, ok, err
}

// SaveSession stores a conversation state.
func (tx *Tx) SaveSession(s Session) error {
	s.UpdatedAt = tx.now
	return tx.putJSON(bucketSessions, []byte(s.ZaloID), s)
}

// EndSession forgets a person's conversation.
func (tx *Tx) EndSession(zaloID string) error {
	return tx.btx.Bucket(bucketSessions).Delete([]byte(zaloID))
}
