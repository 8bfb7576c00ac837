package stats

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cdtbot/cdtbot/store"
)

// plan is what an export knows before its first row: the query has passed
// its checks and the columns are fixed.
type plan struct {
	q         Query
	root      store.Unit
	district  bool             // some team has units between its province and its commune
	questions []store.Question // one column each, across the question sets in use
}

// newPlan resolves the query and walks the teams once, without writing: the
// question sets in use (each expected team's policy, and the set its latest
// report was filed under) and whether a district column is needed.
func newPlan(tx *store.Tx, q Query) (*plan, error) {
	q, err := Resolve(tx, q)
	if err != nil {
		return nil, err
	}
	pl := &plan{q: q}
	if pl.root, _, err = tx.Unit(q.Unit); err != nil {
		return nil, err
	}
	sets := map[string]bool{}
	err = eachTeam(tx, q.Unit, q.Loc, func(m member) error {
		if !m.started(q.Period, q.At) {
			return nil
		}
		sets[m.pol.QuestionSet] = true
		vs, err := tx.ReportVersions(m.team.Code, q.Period.String())
		if err != nil {
			return err
		}
		if vs = asOf(vs, q.At); len(vs) > 0 && vs[len(vs)-1].Question != "" {
			sets[vs[len(vs)-1].Question] = true
		}
		c, err := m.commune(tx)
		if err != nil {
			return err
		}
		pl.district = pl.district || c > 1
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(sets))
	for id := range sets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	seen := map[string]bool{}
	for _, id := range ids {
		qs, ok, err := tx.QuestionSet(id)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // a set since removed: its answers have no column
		}
		for _, qu := range qs.Questions {
			if !seen[qu.ID] {
				seen[qu.ID] = true
				pl.questions = append(pl.questions, qu)
			}
		}
	}
	return pl, nil
}

// header is the first row of the per-team table.
func (pl *plan) header() []string {
	h := []string{colProvince}
	if pl.district {
		h = append(h, colDistrict)
	}
	h = append(h, colCommune, colVillage, colTeamCode, colTeamName, colLeader, colStatus, colFiledAt, colFiledBy, colRole, colVersions)
	for _, q := range pl.questions {
		h = append(h, q.Label)
	}
	return append(h, colPhotos)
}

// record is one team's row.
type record struct {
	province, district, commune, village string
	communeUnit                          store.Unit // the row of the "Tổng hợp" sheet it counts in
	team                                 store.Team
	leader                               string
	status                               store.Status
	filedAt                              time.Time // first version; zero when not filed
	filedBy, role                        string    // of the first version
	versions                             int
	answers                              map[string]string // latest version
	photos                               int               // latest version
}

// each calls fn with the row of every expected team, in team code order, as
// it reads them: nothing accumulates.
func (pl *plan) each(tx *store.Tx, fn func(record) error) error {
	q := pl.q
	return eachTeam(tx, q.Unit, q.Loc, func(m member) error {
		if !m.started(q.Period, q.At) {
			return nil
		}
		vs, err := tx.ReportVersions(m.team.Code, q.Period.String())
		if err != nil {
			return err
		}
		vs = asOf(vs, q.At)
		r := record{team: m.team, versions: len(vs)}
		var first store.Report
		if len(vs) > 0 {
			first = vs[0]
			last := vs[len(vs)-1]
			r.filedAt = first.FiledAt.In(q.Loc)
			r.filedBy = personName(tx, first.FiledBy)
			r.role = roleNames[first.Role]
			if r.role == "" {
				r.role = first.Role
			}
			r.answers, r.photos = last.Answers, len(last.Photos)
		}
		_, r.status = m.judge(q.Period, first.FiledAt, len(vs) > 0, q.At)
		if lead, ok, err := tx.Leader(m.team.Code); err != nil {
			return err
		} else if ok {
			r.leader = personName(tx, lead)
		}
		c, err := m.commune(tx)
		if err != nil {
			return err
		}
		p := m.path
		r.province, r.communeUnit = p[0].Display(), p[c]
		if c > 0 {
			r.district, r.commune = joinNames(p[1:c]), p[c].Display()
		}
		r.village = joinNames(p[c+1:])
		return fn(r)
	})
}

// values are the row's cells as text (CSV), in header order.
func (pl *plan) values(r record) []string {
	v := []string{r.province}
	if pl.district {
		v = append(v, r.district)
	}
	filed := ""
	if !r.filedAt.IsZero() {
		filed = r.filedAt.Format(timeLayout)
	}
	v = append(v, r.commune, r.village, r.team.Code, r.team.Name, r.leader, r.status.String(), filed, r.filedBy, r.role, strconv.Itoa(r.versions))
	for _, q := range pl.questions {
		v = append(v, r.answers[q.ID])
	}
	return append(v, strconv.Itoa(r.photos))
}

func personName(tx *store.Tx, zaloID string) string {
	p, _, _ := tx.Person(zaloID) // an erased person has no name to show
	return p.Name
}

func joinNames(us []store.Unit) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Display()
	}
	return strings.Join(names, " / ")
}

// WriteCSV writes the reports of q's period under q's unit to w, one row per
// expected team after a header row: UTF-8 with a byte order mark (so Excel
// reads the diacritics), comma separated, CRLF, quoted as RFC 4180 says. Rows
// are written as they are read. The checks of Resolve come first: when they
// fail nothing is written.
func WriteCSV(tx *store.Tx, w io.Writer, q Query) error {
	pl, err := newPlan(tx, q)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	write := func(v []string) error {
		for i := range v {
			v[i] = defuse(v[i])
		}
		return cw.Write(v)
	}
	if err := write(pl.header()); err != nil {
		return err
	}
	if err := pl.each(tx, func(r record) error { return write(pl.values(r)) }); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from running typed text as a formula (OWASP "CSV
// injection"): a cell starting with = + - @ or a tab gets a leading apostrophe.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
