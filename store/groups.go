package store

import "fmt"

// MaxGroupIDLen bounds a Zalo group id as the directory holds it.
const MaxGroupIDLen = 64

// ValidateGroupID checks the Zalo group (GMF) id of a unit or team: letters,
// digits, "_" and "-", at most MaxGroupIDLen characters. "" is valid: no group.
func ValidateGroupID(id string) error {
	if len(id) > MaxGroupIDLen {
		return fmt.Errorf("group id %q is longer than %d characters", id, MaxGroupIDLen)
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-') {
			return fmt.Errorf("group id %q: want the id of the Zalo group (letters, digits, _ and -, up to %d characters)", id, MaxGroupIDLen)
		}
	}
	return nil
}

// GroupFor is the Zalo group where a team's people are reached by mention:
// the team's own GroupID, else that of the nearest unit above it (its unit,
// then each parent) that has one. fromUnit is the code of that unit, "" when
// the group is the team's own; groupID is "" when no group is linked.
func (tx *Tx) GroupFor(teamCode string) (groupID string, fromUnit string, err error) {
	t, ok, err := tx.Team(teamCode)
	if err != nil {
		return "", "", err
	}
	if !ok {
		return "", "", fmt.Errorf("team %q: %w", teamCode, ErrNotFound)
	}
	if t.GroupID != "" {
		return t.GroupID, "", nil
	}
	// Walk up rather than through UnitPath: a missing unit far above does not
	// hide a group linked nearer the team.
	for c, depth := t.Unit, 0; c != ""; depth++ {
		if depth > 32 {
			return "", "", fmt.Errorf("unit %q: parent loop", t.Unit)
		}
		u, ok, err := tx.Unit(c)
		if err != nil {
			return "", "", err
		}
		if !ok {
			return "", "", fmt.Errorf("unit %q: %w", c, ErrNotFound)
		}
		if u.GroupID != "" {
			return u.GroupID, u.Code, nil
		}
		c = u.Parent
	}
	return "", "", nil
}
