package flows

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cdtbot/cdtbot/flows/vntext"
)

// TypedChoice reads what a person typed instead of tapping one of the buttons of the last message
// they got, and returns that button's payload (text as it was when it is none of them):
//   - its number, "2" (also "2." or "2)"), as the numbered text lists them;
//   - its title, "gửi yêu cầu" for [Gửi yêu cầu] (whose payload is "gửi"), with or without diacritics,
//     in any case; for a button of words, with a slip of one letter in a longer title without digits
//     ("Tháng 11" is not "tháng 12", and a person's name must be exact: "Lan" is not "Loan");
//   - for a hidden command's button ("#team:…", "#rq:…:app"), words of its title that no other
//     button has ("thôn trung lưu", "duyệt"), but for "command or answer?".
//
// Two buttons that fit equally are not a choice: the words go on as typed.
func TypedChoice(buttons []Button, text string) string {
	if len(buttons) == 0 || len(text) > 200 || strings.HasPrefix(text, "#") {
		return text
	}
	t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(text), "."), ")")
	if len(t) > 0 && len(t) <= 2 {
		if n, err := strconv.Atoi(t); err == nil {
			if n >= 1 && n <= len(buttons) {
				return buttons[n-1].Payload
			}
			return text
		}
	}
	typed := vntext.Fold(text)
	if typed == "" {
		return text
	}
	exact, near, part := -1, -1, -1
	nExact, nNear, nPart := 0, 0, 0
	words := strings.Fields(typed)
	for i, b := range buttons {
		title := vntext.Fold(b.Title)
		switch {
		case title == typed:
			exact, nExact = i, nExact+1
		case !strings.HasPrefix(b.Payload, "#") && len(title) >= 6 && !hasDigit(title) && !hasDigit(typed) && vntext.WithinOneEdit(title, typed):
			// Words only: a hidden command's title is often a name, and names one letter apart are
			// different people ("Lan" is not "Loan").
			near, nNear = i, nNear+1
		case strings.HasPrefix(b.Payload, "#") && !strings.HasPrefix(b.Payload, "#clarify:") && containsWords(strings.Fields(title), words):
			// Not "command or answer?": "báo cáo" there names what the answer is about, not the command.
			part, nPart = i, nPart+1
		}
	}
	switch {
	case nExact == 1:
		return buttons[exact].Payload
	case nExact > 1:
		return text
	case nNear == 1:
		return buttons[near].Payload
	case nNear == 0 && nPart == 1:
		return buttons[part].Payload
	}
	return text
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// containsWords tells whether words appear in title, in order and next to each other.
func containsWords(title, words []string) bool {
	for i := 0; i+len(words) <= len(title); i++ {
		if slices.Equal(title[i:i+len(words)], words) {
			return true
		}
	}
	return false
}
