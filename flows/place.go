package flows

import (
	"strings"

	"github.com/cdtbot/cdtbot/store"
)

// authority names the people's committee that approves for a team, by its commune's own
// level: "UBND phường" for a ward, "UBND xã" for a commune, "UBND đặc khu" where that applies.
func (c *convo) authority(team string) string {
	t, ok, err := c.tx.Team(team)
	if err != nil || !ok {
		return textContactCommune
	}
	commune, err := c.tx.CommuneOf(t.Unit)
	if err != nil {
		return textContactCommune
	}
	return authorityOf(commune)
}

// authorityOf is "UBND <level>" of a commune-level unit, or the generic wording when its level is unknown.
func authorityOf(u store.Unit) string {
	switch lvl := strings.ToLower(strings.TrimSpace(u.Level)); lvl {
	case "xã", "phường", "thị trấn", "đặc khu":
		return "UBND " + lvl
	}
	for _, lvl := range []string{"xã", "phường", "thị trấn", "đặc khu"} {
		if strings.HasPrefix(strings.ToLower(u.FullName), lvl+" ") {
			return "UBND " + lvl
		}
	}
	return textContactCommune
}

// villageWord names the units a commune's teams belong to by their own level
// ("thôn", "tổ dân phố", "ấp", "khu phố"…): one word when they share it, else the usual list.
func villageWord(units []store.Unit) string {
	word := ""
	for _, u := range units {
		lvl := strings.ToLower(strings.TrimSpace(u.Level))
		if authorityOf(store.Unit{Level: lvl}) != textContactCommune {
			continue // the commune's own team: not a village
		}
		if lvl == "" || (word != "" && lvl != word) {
			return textVillageWords
		}
		word = lvl
	}
	if word == "" {
		return textVillageWords
	}
	return word
}

// villageWordOf is villageWord of the units the teams belong to.
func (c *convo) villageWordOf(teams []store.Team) string {
	units := make([]store.Unit, 0, len(teams))
	for _, t := range teams {
		u, ok, err := c.tx.Unit(t.Unit)
		if err != nil || !ok {
			return textVillageWords
		}
		units = append(units, u)
	}
	return villageWord(units)
}

// capitalize upper-cases the first letter (a Vietnamese one may take several bytes).
func capitalize(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
