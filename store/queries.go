package store

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Read helpers for the admin API: subtrees, where a policy value comes from,
// a team's commune and every report of a team.

// SubtreeUnits is the set of unit codes at or below root; root "" means every unit.
// It reads the parent index only, so it stays cheap over the national list.
func (tx *Tx) SubtreeUnits(root string) (map[string]bool, error) {
	out := map[string]bool{}
	if root == "" {
		err := tx.btx.Bucket(bucketUnits).ForEach(func(k, _ []byte) error {
			out[string(k)] = true
			return nil
		})
		return out, err
	}
	if _, ok, err := tx.Unit(root); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("unit %q: %w", root, ErrNotFound)
	}
	queue := []string{root}
	out[root] = true
	for len(queue) > 0 {
		code := queue[0]
		queue = queue[1:]
		err := tx.scanPrefix(bucketUnitChildren, ckey(code, ""), func(k, _ []byte) error {
			child := string(k[len(code)+1:])
			if !out[child] { // a damaged index must not loop
				out[child] = true
				queue = append(queue, child)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TeamsUnder lists the teams attached to root or any unit below it, by code;
// root "" means every team.
func (tx *Tx) TeamsUnder(root string) ([]Team, error) {
	units, err := tx.SubtreeUnits(root)
	if err != nil {
		return nil, err
	}
	var out []Team
	err = tx.TeamsWithin(units, func(t Team) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// CommuneOf is the unit whose approver decides for teams attached at unit: the
// nearest unit at or above it with an approver; without one, the unit's parent
// (the unit itself at the root). Two teams are in the same commune when this
// gives the same unit.
func (tx *Tx) CommuneOf(unit string) (Unit, error) {
	path, err := tx.UnitPath(unit)
	if err != nil {
		return Unit{}, err
	}
	var lookErr error
	u := CommuneAt(path, func(code string) bool {
		_, ok, err := tx.ApproverForUnit(code)
		if lookErr == nil {
			lookErr = err
		}
		return ok
	})
	return u, lookErr
}

// Policy sources reported by ResolvePolicy besides unit codes.
const (
	PolicyFromTeam    = "team"
	PolicyFromDefault = "default"
)

// ResolvePolicy is the policy a team with its own policy own (nil for none)
// attached at unit would see, as EffectivePolicy resolves it, and where each
// field came from: PolicyFromTeam, the code of the unit that set it, or
// PolicyFromDefault, keyed by the field's JSON name ("max_members"…).
func (tx *Tx) ResolvePolicy(own *Policy, unit string) (EffectivePolicy, map[string]string, error) {
	path, err := tx.UnitPath(unit)
	if err != nil {
		return EffectivePolicy{}, nil, err
	}
	from := map[string]string{}
	e := layerPolicy(own, path, from)
	return e, from, nil
}

// TeamReports lists every version of every report of a team, by period, then version.
func (tx *Tx) TeamReports(team string) ([]Report, error) {
	var out []Report
	err := tx.scanPrefix(bucketReports, ckey(team, ""), func(_, v []byte) error {
		var r Report
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// Officer returns one officer.
func (tx *Tx) Officer(id string) (Officer, bool, error) {
	var o Officer
	ok, err := tx.getJSON(bucketOfficers, []byte(id), &o)
	return o, ok, err
}

// DeleteApprover removes the approver registered at exactly this unit; the teams below
// fall back to the next approver up the tree. It tells whether there was one.
func (tx *Tx) DeleteApprover(unit string) (bool, error) {
	b := tx.btx.Bucket(bucketApprovers)
	if b.Get([]byte(unit)) == nil {
		return false, nil
	}
	return true, errors.Join(tx.directoryChanged(), b.Delete([]byte(unit)))
}

// DeleteOfficer removes an officer (their group stops getting digests). It tells whether there was one.
// Removal bumps the officer's link generation: links made before it never work again,
// even for a new officer created later with the same id.
func (tx *Tx) DeleteOfficer(id string) (bool, error) {
	b := tx.btx.Bucket(bucketOfficers)
	o, had, err := tx.Officer(id)
	if err != nil || !had {
		return false, err
	}
	if err := indexOfficer(tx.btx, o, false); err != nil {
		return false, err
	}
	if err := tx.bumpOfficerGeneration(id); err != nil {
		return false, err
	}
	return true, b.Delete([]byte(id))
}

// OfficerGeneration is the generation officer links for id must carry.
func (tx *Tx) OfficerGeneration(id string) uint64 {
	v := tx.btx.Bucket(bucketOfficerGen).Get([]byte(id))
	if len(v) != 8 {
		return 0
	}
	return btou64(v)
}

func (tx *Tx) bumpOfficerGeneration(id string) error {
	return tx.btx.Bucket(bucketOfficerGen).Put([]byte(id), u64(tx.OfficerGeneration(id)+1))
}
