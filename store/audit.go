package store

import (
	"encoding/json"
	"time"
)

// AuditEntry records who did what: approvals, rejections, role changes, corrections.
type AuditEntry struct {
	Seq     uint64    `json:"seq"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject,omitempty"`
	Team    string    `json:"team,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

// Audit appends an entry.
func (tx *Tx) Audit(e AuditEntry) error {
	b := tx.btx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	if e.At.IsZero() {
		e.At = tx.now
	}
	return tx.putJSON(bucketAudit, u64(seq), e)
}

// AuditLog lists entries after seq, oldest first, at most limit.
func (tx *Tx) AuditLog(after uint64, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	c := tx.btx.Bucket(bucketAudit).Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
