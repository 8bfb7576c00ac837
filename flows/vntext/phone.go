package vntext

// NormalizePhone validates a Vietnamese mobile number and returns it in the
// canonical 10-digit form "0912345678". Accepted spellings include
// "0912 345 678", "0912.345.678", "0912-345-678", "+84912345678",
// "84912345678", "0084912345678", "(+84) 912-345-678" and "+84 (0) 912 345
// 678": digits with spaces, dots, dashes and brackets between them, and an
// optional country code 84 (with "+" or "00", or bare when 11 or 12 digits
// remain), after which a leading 0 is optional. Without a country code the
// number must have its leading 0: "912345678" is refused. Anything else (letters, "/", two "+") makes it invalid.
//
// Valid means 10 digits starting with 0 and a mobile prefix 03x, 05x, 07x,
// 08x or 09x (the whole ranges, so prefixes assigned later keep working). Old
// 11-digit 01x numbers (renumbered in 2018) and 02x landlines are rejected.
// ok is false, with "", when the number is not valid.
func NormalizePhone(s string) (string, bool) {
	var d [16]byte
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if n == len(d) {
				return "", false
			}
			d[n] = c
			n++
		case c == '+':
			if plus || n > 0 {
				return "", false
			}
			plus = true
		case c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '\t':
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0: // no-break space
			i++
		default:
			return "", false
		}
	}
	num := string(d[:n])
	cc := true // written with the country code
	switch {
	case plus && len(num) > 2 && num[:2] == "84":
		num = num[2:]
	case plus:
		return "", false // another country
	case len(num) > 4 && num[:4] == "0084":
		num = num[4:]
	case len(num) == 11 && num[:2] == "84", len(num) == 12 && num[:3] == "840":
		num = num[2:]
	default:
		cc = false
	}
	if cc {
		if len(num) == 10 && num[0] == '0' {
			num = num[1:]
		}
		if len(num) != 9 || num[0] == '0' {
			return "", false
		}
		num = "0" + num
	}
	if len(num) != 10 || num[0] != '0' {
		return "", false
	}
	switch num[1] {
	case '3', '5', '7', '8', '9':
		return num, true
	}
	return "", false
}
