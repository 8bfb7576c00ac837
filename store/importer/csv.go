package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvColumns maps each column of a people list to the headers accepted for
// it, compared in lower case with "_" and "-" read as spaces.
var csvColumns = []struct {
	field    string
	required bool
	headers  []string
}{
	{"zalo_id", true, []string{"zalo id", "zaloid", "zalo", "id zalo", "mã zalo", "ma zalo"}},
	{"name", true, []string{"name", "full name", "họ tên", "họ và tên", "ho ten", "ho va ten", "tên", "ten"}},
	{"phone", false, []string{"phone", "phone number", "số điện thoại", "so dien thoai", "điện thoại", "dien thoai", "sđt", "sdt"}},
	{"team", true, []string{"team", "team code", "tổ", "to", "mã tổ", "ma to"}},
	{"role", false, []string{"role", "vai trò", "vai tro"}},
}

func headerKey(h string) string {
	h = strings.NewReplacer("_", " ", "-", " ").Replace(h)
	return strings.ToLower(cleanText(h))
}

// parseCSV reads a people list: a header row, then one role of one person a
// line. Columns it does not know (STT, ghi chú…) are ignored; an empty role
// means member. A person on several lines holds a role in each team named.
func parseCSV(file string, data []byte) *batch {
	b := &batch{file: file}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comma = sniffComma(data)
	header, err := r.Read()
	if err != nil {
		b.csvError(err)
		return b
	}
	col := map[string]int{}        // field → index
	written := map[string]string{} // field → header as written
	for i, h := range header {
		k := headerKey(h)
		for _, c := range csvColumns {
			if k != c.field && !contains(c.headers, k) {
				continue
			}
			if prev, dup := written[c.field]; dup {
				b.add("line 1", strings.TrimSpace(h), "the same column as %q", prev)
				continue
			}
			col[c.field], written[c.field] = i, strings.TrimSpace(h)
		}
	}
	for _, c := range csvColumns {
		if _, ok := col[c.field]; c.required && !ok {
			b.add("line 1", c.field, "missing column (accepted headers: %s, %s)", c.field, strings.Join(c.headers, ", "))
		}
	}
	if len(b.errs) > 0 {
		return b
	}
	name := func(field string) string { return written[field] }
	people := map[string]*personIn{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.csvError(err)
			return b
		}
		line, _ := r.FieldPos(0)
		row := fmt.Sprintf("line %d", line)
		cell := func(field string) string {
			if i, ok := col[field]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // spreadsheets leave empty rows
		}
		ok := true
		bad := func(field, format string, args ...any) { b.add(row, name(field), format, args...); ok = false }
		p := &personIn{row: row, col: name, zaloID: cell("zalo_id"), name: cleanText(cell("name"))}
		if err := checkZaloID(p.zaloID); err != nil {
			bad("zalo_id", "%v", err)
		}
		if ph := cell("phone"); ph != "" {
			n, err := normalizePhone(ph)
			if err != nil {
				bad("phone", "%v", err)
			}
			p.phone = n
		}
		ri := roleIn{row: row, teamField: name("team"), roleField: name("role"), team: cell("team")}
		if err := checkCode(ri.team); err != nil {
			bad("team", "%v", err)
		}
		role, err := parseRole(cell("role"))
		if err != nil {
			bad("role", "%v", err)
		}
		ri.role = role
		if !ok {
			continue
		}
		prev := people[p.zaloID]
		if prev == nil {
			p.roles = []roleIn{ri}
			people[p.zaloID] = p
			b.people = append(b.people, p)
			continue
		}
		// The same person again: another team, same name and phone.
		switch {
		case p.name != "" && prev.name != "" && p.name != prev.name:
			bad("name", "%s is %q on %s", p.zaloID, prev.name, prev.row)
		case p.phone != "" && prev.phone != "" && p.phone != prev.phone:
			bad("phone", "%s has phone %s on %s", p.zaloID, prev.phone, prev.row)
		}
		if !ok {
			continue
		}
		prev.name, prev.phone = first(prev.name, p.name), first(prev.phone, p.phone)
		prev.roles = append(prev.roles, ri)
	}
	return b
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sniffComma reads ";"- or tab-separated files (some spreadsheet locales) as well as ",".
func sniffComma(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', bytes.Count(line, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if m := bytes.Count(line, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}

func (b *batch) csvError(err error) {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		b.add(fmt.Sprintf("line %d", pe.Line), "", "column %d: %v", pe.Column, pe.Err)
	case err == io.EOF:
		b.add("", "", "empty file: want a header row (zalo_id, name, phone, team, role)")
	default:
		b.add("", "", "%v", err)
	}
}
