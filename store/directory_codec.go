package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

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
	return binary.AppendVarint(b, unixNano(p.ConsentAt))
}

func decodePerson(key, v []byte, p *Person) error {
	if len(v) > 0 && v[0] == '{' {
		return decodeJSON(bucketPeople, key, v, p)
	}
	r := reader{b: v}
	if r.byte() != personV1 {
		return fmt.Errorf("store: people/%q: unknown record form", key)
	}
	p.ZaloID, p.Name, p.Phone, p.ConsentVersion = r.string(), r.string(), r.string(), r.string()
	p.ConsentAt = fromUnixNano(r.varint())
	if r.bad {
		return fmt.Errorf("store: people/%q: short record", key)
	}
	return nil
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
	if len(v) > 0 && v[0] == '{' {
		return decodeJSON(bucketUnits, key, v, u)
	}
	r := reader{b: v}
	if r.byte() != unitV1 {
		return fmt.Errorf("store: units/%q: unknown record form", key)
	}
	u.Code, u.Name, u.Level, u.FullName, u.Parent, u.GroupID = r.string(), r.string(), r.string(), r.string(), r.string(), r.string()
	var err error
	u.Policy, err = readPolicy(&r)
	if err == nil && r.bad {
		err = fmt.Errorf("store: units/%q: short record", key)
	}
	return err
}

func encodeTeam(t Team) ([]byte, error) {
	b := make([]byte, 0, 24+len(t.Code)+len(t.Name)+len(t.Unit)+len(t.JoinCode)+len(t.GroupID))
	b = append(b, teamV1)
	for _, s := range [...]string{t.Code, t.Name, t.Unit, t.JoinCode, t.GroupID} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, unixNano(t.Created))
	return appendPolicy(b, t.Policy)
}

func decodeTeam(key, v []byte, t *Team) error {
	if len(v) > 0 && v[0] == '{' {
		return decodeJSON(bucketTeams, key, v, t)
	}
	r := reader{b: v}
	if r.byte() != teamV1 {
		return fmt.Errorf("store: teams/%q: unknown record form", key)
	}
	t.Code, t.Name, t.Unit, t.JoinCode, t.GroupID = r.string(), r.string(), r.string(), r.string(), r.string()
	t.Created = fromUnixNano(r.varint())
	var err error
	t.Policy, err = readPolicy(&r)
	if err == nil && r.bad {
		err = fmt.Errorf("store: teams/%q: short record", key)
	}
	return err
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
