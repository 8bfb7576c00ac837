package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Report is one version of a team's monthly report. Corrections add versions.
type Report struct {
	Team     string            `json:"team"`
	Period   string            `json:"period"` // "2026-11"
	Version  int               `json:"version"`
	Answers  map[string]string `json:"answers"`          // question id → answer as typed (counts normalised)
	Photos   []string          `json:"photos,omitempty"` // evidence URLs sent during the report
	FiledBy  string            `json:"filed_by"`
	Role     string            `json:"role"` // leader, or deputy filing on the leader's behalf
	FiledAt  time.Time         `json:"filed_at"`
	Late     bool              `json:"late"`
	Question string            `json:"question_set"`
}

func reportKey(team, period string, version int) []byte {
	return append(ckey(team, period, ""), u64(uint64(version))...)
}

// SaveReport stores r as the next version for its team and period.
func (tx *Tx) SaveReport(r Report) (Report, error) {
	if r.Team == "" || r.Period == "" {
		return r, errors.New("report needs a team and a period")
	}
	versions, err := tx.ReportVersions(r.Team, r.Period)
	if err != nil {
		return r, err
	}
	r.Version = len(versions) + 1
	if r.FiledAt.IsZero() {
		r.FiledAt = tx.now
	}
	if err := tx.putJSON(bucketReports, reportKey(r.Team, r.Period, r.Version), r); err != nil {
		return r, err
	}
	action := "report.filed"
	if r.Version > 1 {
		action = "report.corrected"
	}
	return r, tx.Audit(AuditEntry{Actor: r.FiledBy, Action: action, Team: r.Team, Detail: r.Period})
}

// ReportVersions lists every version of a team's report for a period, oldest first.
func (tx *Tx) ReportVersions(team, period string) ([]Report, error) {
	var out []Report
	err := tx.scanPrefix(bucketReports, ckey(team, period, ""), func(_, v []byte) error {
		var r Report
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// LatestReport is the newest version of a team's report for a period.
func (tx *Tx) LatestReport(team, period string) (Report, bool, error) {
	vs, err := tx.ReportVersions(team, period)
	if err != nil || len(vs) == 0 {
		return Report{}, false, err
	}
	return vs[len(vs)-1], true, nil
}

// FirstFiled is when the first version of team's report for period was filed (its time decides on
// time or late); ok is false when none was. Many teams in a row: FiledWalk.
func (tx *Tx) FirstFiled(team, period string) (filedAt time.Time, ok bool, err error) {
	return tx.FiledWalk().FirstFiled(team, period)
}

// FiledWalk tells when teams' reports were first filed, for many teams in one read: the bucket is
// opened once (a read transaction opens it anew at each lookup) and only the filing time is decoded.
type FiledWalk struct{ c *bolt.Cursor }

// FiledWalk starts a walk in tx.
func (tx *Tx) FiledWalk() *FiledWalk { return &FiledWalk{c: tx.btx.Bucket(bucketReports).Cursor()} }

// FirstFiled is when the first version of team's report for period was filed; ok is false when none was.
func (w *FiledWalk) FirstFiled(team, period string) (filedAt time.Time, ok bool, err error) {
	prefix := ckey(team, period, "")
	k, v := w.c.Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return time.Time{}, false, nil
	}
	var r struct {
		FiledAt time.Time `json:"filed_at"`
	}
	return r.FiledAt, true, decodeJSON(bucketReports, k, v, &r)
}

// ReportAbout names a team's report for a period in OutMsg.About.
func ReportAbout(team, period string) string { return team + "|" + period }

// AboutFiled tells whether the report a message is about (OutMsg.About) has been filed.
func (tx *Tx) AboutFiled(about string) bool {
	i := strings.LastIndexByte(about, '|') // a period has no "|"
	if i < 0 {
		return false
	}
	_, filed, _ := tx.FirstFiled(about[:i], about[i+1:])
	return filed
}
