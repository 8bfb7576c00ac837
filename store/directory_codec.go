package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Units, teams and people are written in a compact binary form (schema 4): a national sweep or a
// cold start reads 100,000 units and 93,000 teams, and JSON decoding was most of that; 465,000 people
// took 150 B each as JSON. A record starts with its
// form's version byte; records of earlier releases hold JSON (they start with '{') and still read.
const (
	unitV1   = 0x01
	teamV1   = 0x01
	personV1 = 0x01
)

func encodePerson(p Person) []byte {
	b := make([]byte, 0, 16+len(p.ZaloID)+len(p.Name)+len(p.Phone)+len(p.ConsentVersion))
	b = append(b, personV1)
	for _, s := range [...]string{p.ZaloID, p.Name, p.Phone, p.ConsentVersion} {
		b = appendString(b, s)
	}
	return appendTime(b, p.ConsentAt)
}

// appendTime writes an instant of any year (unix nanoseconds overflow outside 1678–2262, and the
// importer takes any date): 0 for none, else 1, the seconds and the nanoseconds.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = binary.AppendVarint(append(b, 1), t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

func (r *reader) time() time.Time {
	if r.byte() == 0 {
		return time.Time{}
	}
	sec := r.varint()
	nsec := r.uvarint()
	if nsec >= 1e9 {
		r.bad = true
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func decodePerson(key, v []byte, p *Person) error {
	r, err := openRecord(bucketPeople, key, v, personV1, p)
	if r == nil || err != nil {
		return err
	}
	p.ZaloID, p.Name, p.Phone, p.ConsentVersion = r.string(), r.string(), r.string(), r.string()
	p.ConsentAt = r.time()
	return r.done(bucketPeople, key, err)
}

// openRecord starts reading a directory record: one of an earlier release (JSON: it starts with '{') is
// decoded into into and the reader is nil; else a reader past its form's version byte, or an error for
// a form this release does not know.
func openRecord(bucket, key, v []byte, version byte, into any) (*reader, error) {
	if len(v) > 0 && v[0] == '{' {
		return nil, decodeJSON(bucket, key, v, into)
	}
	r := &reader{b: v}
	if r.byte() != version {
		return nil, fmt.Errorf("store: %s/%q: unknown record form", bucket, key)
	}
	return r, nil
}

// done is err, or a short or malformed record's error.
func (r *reader) done(bucket, key []byte, err error) error {
	if err == nil && r.bad {
		err = fmt.Errorf("store: %s/%q: short record", bucket, key)
	}
	return err
}

func encodeUnit(u Unit) ([]byte, error) {
	b := make([]byte, 0, 16+len(u.Code)+len(u.Name)+len(u.Level)+len(u.FullName)+len(u.Parent)+len(u.GroupID))
	b = append(b, unitV1)
	for _, s := range [...]string{u.Code, u.Name, u.Level, u.FullName, u.Parent, u.GroupID} {
		b = appendString(b, s)
	}
	return appendPolicy(b, u.Policy)
}

func decodeUnit(key, v []byte, u *Unit) error {
	r, err := openRecord(bucketUnits, key, v, unitV1, u)
	if r == nil || err != nil {
		return err
	}
	u.Code, u.Name, u.Level, u.FullName, u.Parent, u.GroupID = r.string(), r.string(), r.string(), r.string(), r.string(), r.string()
	u.Policy, err = readPolicy(r)
	return r.done(bucketUnits, key, err)
}

func encodeTeam(t Team) ([]byte, error) {
	b := make([]byte, 0, 24+len(t.Code)+len(t.Name)+len(t.Unit)+len(t.JoinCode)+len(t.GroupID))
	b = append(b, teamV1)
	for _, s := range [...]string{t.Code, t.Name, t.Unit, t.JoinCode, t.GroupID} {
		b = appendString(b, s)
	}
	b = appendTime(b, t.Created)
	return appendPolicy(b, t.Policy)
}

func decodeTeam(key, v []byte, t *Team) error {
	r, err := openRecord(bucketTeams, key, v, teamV1, t)
	if r == nil || err != nil {
		return err
	}
	t.Code, t.Name, t.Unit, t.JoinCode, t.GroupID = r.string(), r.string(), r.string(), r.string(), r.string()
	t.Created = r.time()
	t.Policy, err = readPolicy(r)
	return r.done(bucketTeams, key, err)
}

// A policy (rare: most units inherit theirs) is kept as JSON inside the record, empty when none.
func appendPolicy(b []byte, p *Policy) ([]byte, error) {
	if p == nil {
		return append(b, 0), nil
	}
	js, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return appendString(b, string(js)), nil
}

func readPolicy(r *reader) (*Policy, error) {
	js := r.string()
	if js == "" {
		return nil, nil
	}
	var p Policy
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// getUnit and getTeam read one record of either form.
func (tx *Tx) getUnit(code string, u *Unit) (bool, error) {
	v := tx.btx.Bucket(bucketUnits).Get([]byte(code))
	if v == nil {
		return false, nil
	}
	return true, decodeUnit([]byte(code), v, u)
}

func (tx *Tx) getTeam(code string, t *Team) (bool, error) {
	v := tx.btx.Bucket(bucketTeams).Get([]byte(code))
	if v == nil {
		return false, nil
	}
	return true, decodeTeam([]byte(code), v, t)
}

func (tx *Tx) putUnit(u Unit) error {
	v, err := encodeUnit(u)
	if err != nil {
		return err
	}
	return tx.btx.Bucket(bucketUnits).Put([]byte(u.Code), v)
}

func (tx *Tx) putTeam(t Team) error {
	v, err := encodeTeam(t)
	if err != nil {
		return err
	}
	return tx.btx.Bucket(bucketTeams).Put([]byte(t.Code), v)
}

// compactDirectory rewrites units, teams and people of earlier releases (JSON) in the binary form.
func compactDirectory(btx *bolt.Tx) error {
	for _, b := range []struct {
		name []byte
		conv func(k, v []byte) ([]byte, error)
	}{
		{bucketUnits, func(k, v []byte) ([]byte, error) {
			var u Unit
			if err := decodeUnit(k, v, &u); err != nil {
				return nil, err
			}
			return encodeUnit(u)
		}},
		{bucketPeople, func(k, v []byte) ([]byte, error) {
			var p Person
			if err := decodePerson(k, v, &p); err != nil {
				return nil, err
			}
			return encodePerson(p), nil
		}},
		{bucketTeams, func(k, v []byte) ([]byte, error) {
			var t Team
			if err := decodeTeam(k, v, &t); err != nil {
				return nil, err
			}
			return encodeTeam(t)
		}},
	} {
		bk := btx.Bucket(b.name)
		if bk == nil {
			continue
		}
		var keys, vals [][]byte
		if err := bk.ForEach(func(k, v []byte) error {
			if len(v) == 0 || v[0] != '{' {
				return nil
			}
			nv, err := b.conv(k, v)
			if err != nil {
				return err
			}
			keys, vals = append(keys, append([]byte(nil), k...)), append(vals, nv)
			return nil
		}); err != nil {
			return err
		}
		for i, k := range keys {
			if err := bk.Put(k, vals[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
