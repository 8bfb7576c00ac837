package vntext

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// listSep separates the answers of a list of counts: ";", a new line, "|", a comma followed by a space
// (a comma between digits is a thousands separator), "và"/"va".
var listSep = regexp.MustCompile(`(?i)\s*(?:[;\n|]|,\s|\s(?:và|va)\s)\s*`)

// SplitCounts tells whether s answers several count questions at once ("12, 30, 5", "12; 30; 5",
// "12 hộ, 30 hồ sơ", "12 30 5") and returns the pieces, each to be read by ParseCount; nil when s is one
// answer. One number with thousands separators ("1.200", "1 200", "12,300") stays one answer.
func SplitCounts(s string) []string {
	s = strings.TrimSpace(norm.NFC.String(s))
	var parts []string
	for _, p := range listSep.Split(s, -1) {
		if p = strings.Trim(p, " \t.,"); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) >= 2 && allStartWithDigit(parts) {
		return parts
	}
	if nums := countsInWords(s); nums != nil {
		return nums
	}
	if _, ok, _ := ParseCount(s, 0); ok {
		return nil
	}
	// "12-30-5-0" or "12/30/5/0": three numbers at least ("9-10" is a range, "12/15" a date or a share).
	for _, sep := range []string{"-", "/"} {
		if pieces := strings.Split(strings.ReplaceAll(s, " ", ""), sep); len(pieces) >= 3 && allDigits(pieces) {
			return pieces
		}
	}
	// "12,30,5": commas without spaces that make no number; three pieces at least, since "1,5" is a decimal.
	if pieces := strings.Split(s, ","); len(pieces) >= 3 && allDigits(pieces) {
		return pieces
	}
	// "12 30 5": bare numbers with spaces between them (ParseCount refused them as one number).
	if fields := strings.Fields(s); len(fields) >= 2 {
		for _, f := range fields {
			if strings.Trim(f, "0123456789.") != "" || !isDigit(f[0]) {
				return nil
			}
		}
		return fields
	}
	return nil
}

// allStartWithDigit: every piece is a count ("12 hộ") or says none ("không"), and one at least is a number.
func allStartWithDigit(parts []string) bool {
	numbers := 0
	for _, p := range parts {
		switch {
		case isDigit(p[0]):
			numbers++
		case !IsZeroWords(p):
			return false
		}
	}
	return numbers > 0
}

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// numberToken is a count as written inside words ("45", "1.200").
var numberToken = regexp.MustCompile(`\d+(?:[.,]\d{3})*`)

// countsInWords reads counts said in words, one to a part: "tháng này tổ hướng dẫn 45 hộ, hỗ trợ 120 hồ
// sơ dvc, kích hoạt 38 tài khoản vneid", "Số hộ: 30 / Hồ sơ DVC: 64 / VNeID: 15". Each part holds one
// number and no word that makes it part of another ("trong đó 10 hộ nghèo"); nil otherwise.
func countsInWords(s string) []string {
	var parts []string
	for _, p := range listSep.Split(s, -1) {
		if p = strings.Trim(p, " \t.,"); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) < 3 {
		return nil // "thôn A 5 hộ, thôn B 7 hộ", "12 hộ, mất 2 tiếng": two parts are a count and a comment as often
	}
	var out []string
	units := map[string]bool{}
	for _, p := range parts {
		if unit := unitAfterNumber(p); unit != "" {
			if units[unit] {
				return nil // "5 hộ, 7 hộ, …": one thing counted twice is a breakdown, not a list
			}
			units[unit] = true
		}
		f := strings.ReplaceAll(" "+Fold(p)+" ", " thang nay ", " ") // "tháng này tổ hướng dẫn 45 hộ": this month, no date
		for _, w := range []string{" trong do ", " trong so ", " gom ", " moi ", " tren ", " tang ", " giam ", " thang ", " nam ", " ngay ", " khoang ",
			" tam ", " gan ", " hon ", " duoi ", " co le ", " them ", " nua ", " khac ", " ngoai ra ", " chua tinh ", " lan ", " tuan ",
			" thon ", " lop ", " tieng ", " gio ", " voi "} {
			if strings.Contains(f, w) {
				return nil // a share, a rate, a date: not one count of the list
			}
		}
		nums := numberToken.FindAllString(p, -1)
		if len(nums) != 1 {
			return nil
		}
		out = append(out, nums[0])
	}
	return out
}

// unitAfterNumber is the word after a part's number ("hộ" in "45 hộ"), as typed in small letters
// ("hộ" and "hồ sơ" fold alike); "" when none.
func unitAfterNumber(p string) string {
	loc := numberToken.FindStringIndex(p)
	if loc == nil {
		return ""
	}
	if f := strings.Fields(strings.ToLower(p[loc[1]:])); len(f) > 0 {
		return f[0]
	}
	return ""
}
