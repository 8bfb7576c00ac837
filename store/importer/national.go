package importer

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The national unit list (testdata/units/vn-units-2025.json): provinces, each
// with its communes. Other fields (NameEn, CodeName…) are ignored.
//
//	[{"Code": "01", "Name": "Hà Nội", "FullName": "Thành phố Hà Nội", …,
//	  "Wards": [{"Code": "00004", "Name": "Ba Đình", "FullName": "Phường Ba Đình", "ProvinceCode": "01", …}]}]
type (
	nationalProvince struct {
		Code, Name, FullName string
		Wards                *[]nationalWard
	}
	nationalWard struct {
		Code, Name, FullName, ProvinceCode string
	}
)

// levelWords are the level words that begin a FullName in the national list,
// longest first so that "thị xã" is not read as "thị".
var levelWords = []string{"thành phố", "đặc khu", "thị trấn", "thị xã", "phường", "tỉnh", "xã"}

// splitLevel reads "Phường Ba Đình" as level "phường" and the full name with the
// level word capitalised; the list writes one ward "xã Bắc Sơn".
func splitLevel(full string) (level, fullName string, ok bool) {
	full = cleanText(full)
	for _, w := range levelWords {
		n := utf8.RuneCountInString(w)
		r := []rune(full)
		if len(r) > n && r[n] == ' ' && strings.EqualFold(string(r[:n]), w) {
			first, size := utf8.DecodeRuneInString(w)
			return w, string(unicode.ToUpper(first)) + w[size:] + string(r[n:]), true
		}
	}
	return "", full, false
}

// parseNational turns the list into units: provinces at the root, communes
// under them, codes as given. Only names, levels and parents are set, so a
// policy configured on a province or commune survives a re-import.
func parseNational(file string, data []byte) *batch {
	b := &batch{file: file}
	var provinces []nationalProvince
	if err := json.Unmarshal(data, &provinces); err != nil {
		b.syntaxError(data, err)
		if len(b.errs) > 0 && b.errs[0].Row == "" {
			b.errs[0].Msg = "a JSON list must be the national unit list: provinces with Code, Name, FullName and Wards"
		}
		return b
	}
	str := func(s string) *string { return &s }
	index := 0
	unit := func(row, code, name, full, parent string) {
		code, name = strings.TrimSpace(code), cleanText(name)
		ok := true
		if err := checkCode(code); err != nil {
			b.add(row, "Code", "%v", err)
			ok = false
		}
		if name == "" {
			b.add(row, "Name", "required")
			ok = false
		}
		level, fullName, found := splitLevel(full)
		if !found {
			b.add(row, "FullName", "%q: want it to begin with a level (%s)", full, strings.Join(levelWords, ", "))
			ok = false
		}
		if ok {
			b.units = append(b.units, &unitIn{row: row, index: index, code: code, name: str(name), level: str(level), fullName: str(fullName), parent: str(parent)})
		}
		index++
	}
	for i, p := range provinces {
		row := fmt.Sprintf("[%d]", i+1)
		if p.Wards == nil {
			b.add(row, "Wards", "required: a JSON list must be the national unit list (provinces with their Wards)")
			continue
		}
		unit(row, p.Code, p.Name, p.FullName, "")
		pc := strings.TrimSpace(p.Code)
		for j, w := range *p.Wards {
			wrow := fmt.Sprintf("%s.Wards[%d]", row, j+1)
			if w.ProvinceCode != "" && strings.TrimSpace(w.ProvinceCode) != pc {
				b.add(wrow, "ProvinceCode", "%q, but the ward is listed under province %q", w.ProvinceCode, pc)
				continue
			}
			unit(wrow, w.Code, w.Name, w.FullName, pc)
		}
	}
	return b
}
