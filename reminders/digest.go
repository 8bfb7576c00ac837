package reminders

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// digestTime is one scheduled digest of an officer for one cutoff.
type digestTime struct {
	name string    // part of the ledger key: "before", "after", or "d<N>" for other days
	t    time.Time // when it is due
	ok   bool      // still worth sending (a digest before the cutoff is pointless after it)
}

// digestTimes lists an officer's digests around a cutoff date: DigestDays, or the default
// three days before and the day after.
func digestTimes(s *Sweeper, o store.Officer, cutoff time.Time, beforeDeadline bool) []digestTime {
	days := o.DigestDays
	if len(days) == 0 {
		days = store.DefaultDigestDays
	}
	var out []digestTime
	for _, d := range days {
		name := fmt.Sprintf("d%d", d)
		switch d {
		case 3:
			name = "before" // the default plan's keys, kept stable for the ledger
		case -1:
			name = "after"
		}
		out = append(out, digestTime{name: name, t: s.at(cutoff, -d), ok: d < 0 || beforeDeadline})
	}
	return out
}

// maxNamedPerCommune bounds the missing teams named per commune so a large district's digest stays short.
const maxNamedPerCommune = 5

// digestGroup is the teams of one officer that share a period and a cutoff date.
type digestGroup struct {
	period store.Period
	cutoff time.Time
	teams  []*teamView
}

func (s *Sweeper) planDigests(sn *snapshot, at, deliver time.Time) ([]Message, error) {
	officers, err := sn.tx.Officers()
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, o := range officers {
		if o.GroupID == "" && o.ZaloID == "" {
			continue
		}
		groups := map[string]*digestGroup{}
		for _, v := range sn.teams {
			if !sn.inScope(v.team.Unit, o.Scope) {
				continue
			}
			for _, p := range periodsNear(v.cal, at) {
				cutoff := v.cal.CutoffDate(p)
				for _, when := range digestTimes(s, o, cutoff, deliver.Before(v.cal.Deadline(p))) {
					if !when.ok || !s.due(when.t, at) {
						continue
					}
					k := fmt.Sprintf("digest|%s|%s|%s|%s", o.ID, p, cutoff.Format("2006-01-02"), when.name)
					g := groups[k]
					if g == nil {
						g = &digestGroup{period: p, cutoff: cutoff}
						groups[k] = g
					}
					g.teams = append(g.teams, v)
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(groups)) {
			g := groups[k]
			m := Message{Key: k, Kind: KindDigest, ToGroup: o.GroupID, Period: g.period.String(), Text: digestText(sn, o, g, deliver)}
			if o.GroupID == "" {
				m.ToUser = o.ZaloID // an officer without a group gets the digest in person
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// Digest is the current picture for an officer's scope, for "#baocao" on demand:
// each team's open period as of at (or period p when it is not zero: "tình hình báo cáo tháng 10"),
// grouped by period and cutoff.
func (s *Sweeper) Digest(tx *store.Tx, o store.Officer, at time.Time, asked store.Period) (string, error) {
	sn, err := s.snapshot(tx, o.Scope)
	if err != nil {
		return "", err
	}
	groups := map[string]*digestGroup{}
	notBegun := 0
	for _, v := range sn.teams {
		if !sn.inScope(v.team.Unit, o.Scope) {
			continue
		}
		p := v.cal.OpenPeriod(at)
		if asked != (store.Period{}) {
			if v.cal.PeriodStart(asked).After(at) {
				notBegun++ // not begun for this team's calendar
				continue
			}
			p = asked
		}
		cutoff := v.cal.CutoffDate(p)
		k := p.String() + cutoff.Format("2006-01-02")
		if groups[k] == nil {
			groups[k] = &digestGroup{period: p, cutoff: cutoff}
		}
		groups[k].teams = append(groups[k].teams, v)
	}
	if len(groups) == 0 && notBegun > 0 {
		return fmt.Sprintf(textDigestNotBegun, asked.Label()), nil // "tháng 12" asked in November
	}
	if len(groups) == 0 {
		return fmt.Sprintf(textDigestEmpty, o.Name), nil
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, digestText(sn, o, groups[k], at))
	}
	return strings.Join(parts, "\n\n"), nil
}

// teamStatus is one team's standing for the digest.
type teamStatus struct {
	v      *teamView
	status store.Status
}

func digestText(sn *snapshot, o store.Officer, g *digestGroup, at time.Time) string {
	tx := sn.tx
	var rows []teamStatus
	onTime, late := 0, 0
	communes := map[string]bool{}
	reports := tx.FiledWalk() // only when each was filed: one bucket open, no report decoded whole
	period := g.period.String()
	for _, v := range g.teams {
		if !v.team.ExpectedFor(v.cal.PeriodStart(g.period)) {
			continue // the team did not exist when this period began
		}
		first, filed, _ := reports.FirstFiled(v.team.Code, period)
		var filedAt time.Time
		if filed && !first.After(at) { // a report filed after the digest's instant did not exist yet
			filedAt = first
		}
		st := v.cal.StatusOf(g.period, filedAt, at)
		switch st {
		case store.StatusOnTime:
			onTime++
		case store.StatusLate:
			late++
		}
		rows = append(rows, teamStatus{v, st})
		communes[v.commune.Code] = true
	}
	reported := onTime + late
	var b strings.Builder
	fmt.Fprintf(&b, textDigestHead, g.period.Label(), o.Name)
	stands := countdown(g.cutoff, at)
	if reported == len(rows) && at.After(g.cutoff) {
		stands = textDigestAllIn // a month every team has filed is not "overdue 41 days"
	}
	fmt.Fprintf(&b, "\n"+textDigestCutoff, g.cutoff.Format("02/01/2006"), stands)
	fmt.Fprintf(&b, "\n"+textDigestTotals, reported, len(rows), percent(reported, len(rows)), onTime, late)
	missing := func(r teamStatus) bool { return r.status == store.StatusMissing || r.status == store.StatusNotDue }
	if len(communes) > 1 {
		byCommune := map[string][]teamStatus{}
		var order []string
		for _, r := range rows {
			c := r.v.commune.Code
			if byCommune[c] == nil {
				order = append(order, c)
			}
			byCommune[c] = append(byCommune[c], r)
		}
		sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
		b.WriteString("\n" + textDigestByCommune)
		for _, c := range order {
			rs := byCommune[c]
			done := 0
			var lack []string
			for _, r := range rs {
				if missing(r) {
					lack = append(lack, r.v.team.Name+" ("+leaderLine(tx, r.v.leader, true)+")")
				} else {
					done++
				}
			}
			fmt.Fprintf(&b, "\n• %s: %d/%d (%d%%)", rs[0].v.commune.Display(), done, len(rs), percent(done, len(rs)))
			if len(lack) > 0 {
				more := ""
				if len(lack) > maxNamedPerCommune {
					more = fmt.Sprintf(textDigestMore, len(lack)-maxNamedPerCommune)
					lack = lack[:maxNamedPerCommune]
				}
				b.WriteString(" — " + textDigestMissingShort + strings.Join(lack, ", ") + more)
			}
		}
	} else {
		var lack []string
		for _, r := range rows {
			if missing(r) {
				lack = append(lack, "• "+r.v.team.Name+" — "+leaderLine(tx, r.v.leader, true))
			}
		}
		if len(lack) > 0 {
			fmt.Fprintf(&b, "\n"+textDigestMissing, len(lack))
			b.WriteString("\n" + strings.Join(lack, "\n"))
		}
	}
	var gone []string
	for _, r := range rows {
		if r.v.leader != "" && unreachable(tx, r.v.leader) && missing(r) {
			p, _, _ := tx.Person(r.v.leader)
			gone = append(gone, p.Name+" ("+r.v.team.Name+")")
		}
	}
	if len(gone) > 0 {
		fmt.Fprintf(&b, "\n"+textDigestUnreachable, strings.Join(gone, ", "))
	}
	return b.String()
}

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return (n*100 + of/2) / of
}

// countdown says how the cutoff date stands relative to at.
func countdown(cutoff, at time.Time) string {
	l := at.In(cutoff.Location())
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, cutoff.Location())
	days := int(math.Round(cutoff.Sub(today).Hours() / 24))
	switch {
	case days > 0:
		return fmt.Sprintf("còn %d ngày", days)
	case days == 0:
		return "hôm nay là hạn chót"
	}
	return fmt.Sprintf("đã quá hạn %d ngày", -days)
}
