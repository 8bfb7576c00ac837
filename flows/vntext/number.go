package vntext

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reasons returned by ParseCount (shown to the person as is).
const (
	reasonNotNumber = "Vui lòng nhập một số nguyên không âm, ví dụ: 12."
	reasonNegative  = "Số không được âm. Vui lòng nhập một số nguyên không âm, ví dụ: 12."
	reasonDecimal   = "Vui lòng nhập số nguyên, không có phần thập phân, ví dụ: 12."
	reasonWords     = "Vui lòng viết số bằng chữ số, ví dụ: 1.200."
	reasonTooBig    = "Số quá lớn: tối đa là %s."
)

// magnitudeWords after a number change its value or make it non-whole
// ("12 nghìn", "2tr", "5k", "3 rưỡi", "1 phẩy 5"), so ParseCount refuses them
// instead of reading 12, 2, 5 or 3. Folded form.
var magnitudeWords = map[string]bool{
	"k": true, "nghin": true, "ngan": true, "tram": true, "chuc": true, "muoi": true,
	"tr": true, "trieu": true, "ti": true, "ty": true, "ruoi": true, "phay": true,
	"m": true, "b": true,
}

// ParseCount reads a non-negative whole number typed by a person, such as a
// number of households: "12", " 1.200 ", "1,200", "1 200", "12 hộ", "12.000đ".
// The number may be followed by words ("12 hộ", "12 hộ, 3 người"), but the
// first such word must not be a magnitude ("12 nghìn", "5k", "2 triệu", "3
// rưỡi" are refused, not read as 12, 5, 2, 3). "không" alone means 0.
//
// Thousands may be grouped with ".", "," or a space, one kind per number, in
// groups of exactly 3 digits after a first group of 1-3 ("1.234.567").
// Because Vietnamese writes decimals with a comma and English with a point,
// "1,5", "1.5", "1.20" and "1.200,5" are refused as not whole rather than
// guessed. Negative numbers, text without a leading number, and two numbers
// in a row ("1 2", "12/15") are refused too.
//
// max is the largest value allowed (max ≤ 0 means no limit but int64). On
// failure n is 0, ok is false and reason is a short Vietnamese sentence for
// the person, e.g. "Vui lòng nhập một số nguyên không âm, ví dụ: 12." or
// "Số quá lớn: tối đa là 5.000."; on success reason is "".
func ParseCount(s string, max int64) (n int64, ok bool, reason string) {
	if max <= 0 {
		max = math.MaxInt64
	}
	s = strings.TrimFunc(s, unicode.IsSpace)
	if s == "" {
		return 0, false, reasonNotNumber
	}
	if r, _ := utf8.DecodeRuneInString(s); r == '-' || r == '−' || r == '–' {
		if rest := strings.TrimLeft(s[utf8.RuneLen(r):], " "); rest != "" && isDigit(rest[0]) {
			return 0, false, reasonNegative
		}
		return 0, false, reasonNotNumber
	}
	if !isDigit(s[0]) {
		if IsZeroWords(s) {
			return 0, true, ""
		}
		if rest, ok := skipLeadWords(s); ok {
			return ParseCount(rest, max)
		}
		return 0, false, reasonNotNumber
	}
	// first group
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	digits := []byte(s[:i])
	first := i
	var sep rune // the thousands separator in use, once seen
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '.' && r != ',' && r != ' ' && r != '\u00a0' && r != '\u202f' {
			break
		}
		j := i + size
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == j {
			break // separator not followed by a digit: end of number
		}
		isSpace := r == ' ' || r == '\u00a0' || r == '\u202f'
		if k-j != 3 || first > 3 || (sep != 0 && sep != r && !(isSpace && isSpaceRune(sep))) {
			if isSpace {
				return 0, false, reasonNotNumber // "1 2", "12 34"
			}
			return 0, false, reasonDecimal // "1,5", "1.20", "1.200,5", "1234.567"
		}
		if sep == 0 {
			sep = r
		}
		digits = append(digits, s[j:k]...)
		i = k
	}
	rest := strings.TrimLeft(s[i:], " \t\u00a0\u202f.,!?;:…")
	if rest != "" {
		r, _ := utf8.DecodeRuneInString(rest)
		if !unicode.IsLetter(r) && r != 'đ' && r != 'Đ' {
			return 0, false, reasonNotNumber // "12%", "12/15", "12-15"
		}
		word := rest
		if end := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }); end >= 0 {
			word = rest[:end]
			if isDigit(rest[end]) {
				return 0, false, reasonNotNumber // "1e5", "2tr5"
			}
		}
		if magnitudeWords[Fold(word)] {
			return 0, false, reasonWords
		}
	}
	for _, d := range digits {
		v := int64(d - '0')
		if n > max/10 || n*10 > max-v {
			return 0, false, strings.Replace(reasonTooBig, "%s", FormatNumber(max), 1)
		}
		n = n*10 + v
	}
	return n, true, ""
}

// zeroWords say "none" in answer to "how many": "không", "ko", "không có", "chưa có ai" (folded,
// polite tails dropped by replyForm).
var zeroWords = map[string]bool{
	"khong": true, "ko": true, "k": true, "kh": true, "hong": true, "khong co": true, "ko co": true, "k co": true,
	"kh co": true, "chua": true, "chua co": true, "khong co ai": true, "chua co ai": true, "khong co gi": true,
	"chua co gi": true, "khong ai": true, "chua ai": true, "khong co ca": true, "chua co ca": true,
	"khong co nao": true, "chua duoc": true, "chua co ho nao": true, "khong co ho nao": true, "khong co buoi nao": true,
	"chua co buoi nao": true, "khong co ai ca": true, "chua lam": true, "chua co so": true, "trong": true,
}

// IsZeroWords tells whether s says "none" in words ("không", "ko có", "chưa có ạ").
func IsZeroWords(s string) bool {
	f := Fold(s)
	return f != "" && zeroWords[replyForm(f)]
}

// leadWords may come before a count without changing it: "dạ 12", "có 12 hộ", "được 12", "khoảng 30",
// "tầm 10 buổi", "tổng cộng 1.200" (folded).
var leadWords = map[string]bool{
	"da": true, "vang": true, "co": true, "duoc": true, "dc": true, "la": true, "tong": true, "cong": true,
	"het": true, "khoang": true, "tam": true, "chung": true, "do": true, "em": true, "ok": true, "oke": true,
	"u": true, "uh": true, "so": true, "luong": true, "gan": true, "ca": true,
}

// skipLeadWords drops words that may precede a count ("dạ", "có", "khoảng") and returns the rest when
// it starts with a digit.
func skipLeadWords(s string) (string, bool) {
	fields := strings.Fields(s)
	for i, w := range fields {
		if i > 0 && len(w) > 0 && isDigit(w[0]) {
			return strings.Join(fields[i:], " "), true
		}
		if !leadWords[Fold(strings.TrimRight(w, ",:.!"))] {
			return "", false
		}
	}
	return "", false
}

func isSpaceRune(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' }

// FormatNumber writes n with the Vietnamese thousands separator ".":
// 1234567 → "1.234.567", -5000 → "-5.000", 12 → "12".
func FormatNumber(n int64) string {
	var u uint64
	neg := n < 0
	if neg {
		u = uint64(-(n + 1)) + 1 // safe for math.MinInt64
	} else {
		u = uint64(n)
	}
	var buf [32]byte
	i := len(buf)
	for k := 0; ; k++ {
		if k > 0 && k%3 == 0 {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
