package flows

import (
	"strconv"
	"strings"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// TypedChoice reads what a person typed instead of tapping one of the buttons of the last message
// they got, and returns that button's payload (text as it was when it is none of them):
//   - its number, "2" (also "2." or "2)"), as the numbered text lists them;
//   - its title, "gửi yêu cầu" for [Gửi yêu cầu] (whose payload is "gửi"), with or without diacritics,
//     in any case; for a button of words, with a slip of one letter in a longer title without digits
//     ("Tháng 11" is not "tháng 12", and a person's name must be exact: "Lan" is not "Loan");
//   - for a hidden command's button ("#team:…", "#rq:…:app"), words of its title that no other
//     button has ("thôn trung lưu", "duyệt"), but for "command or answer?";
//   - for a request's pair of decision buttons, words that accept or decline ("ok", "đồng ý giới
//     thiệu", "không").
//
// Two buttons that fit equally are not a choice: the words go on as typed.
func TypedChoice(buttons []Button, text string) string { return typedChoice(buttons, text, nil) }

// TypedChoiceIn is TypedChoice for buttons of the person's last message as tx holds it: a request's
// pair is read knowing the requester's name ("giới thiệu bạn Lan" is about Lan; "giới thiệu chị Hoa"
// decides nothing).
func TypedChoiceIn(tx *store.Tx, buttons []Button, text string) string {
	var about []string
	if len(buttons) == 2 {
		if f := strings.Split(buttons[0].Payload, ":"); len(f) >= 3 && f[0] == "#rq" {
			if r, ok := requestOf(tx, f[1]); ok {
				if r.Kind == store.RequestLeave && entersTeam(text) {
					return text // "cho chị Hoa vào tổ nhé" at her request to leave decides nothing
				}
				about = wordsOf(requesterName(tx, r))
			}
		}
	}
	return typedChoice(buttons, text, about)
}

func typedChoice(buttons []Button, text string, about []string) string {
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
	}
	if p, ok := decisionPair(buttons, text, about); ok {
		return p
	}
	switch {
	case nNear == 1:
		return buttons[near].Payload
	case nNear == 0 && nPart == 1:
		return buttons[part].Payload
	}
	return text
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// containsWords tells whether words appear in title in order, whole ("tổ trung lưu" in "Tổ CNSCĐ thôn
// Trung Lưu"; "thôn 1" is not in "thôn 10").
func containsWords(title, words []string) bool {
	if len(words) == 0 {
		return false
	}
	i := 0
	for _, w := range title {
		if i < len(words) && w == words[i] {
			i++
		}
	}
	return i == len(words)
}

// hedgeWords make a message something other than a decision: later, not yet, a question, a
// condition ("để xác minh đã rồi duyệt sau", "vâng để em xem lại đã", "chưa đồng ý được").
var (
	hedgeWords = []string{"chua", "de", "sau", "xem", "hoi", "mai", "khoan", "doi", "kiem", "xac minh", "ai", "vay", "sao",
		"neu", "thi", "biet", "ro", "lai", "nhung", "tai", "gi", "nao", "co le", "chac", "co phai", "duoc khong", "voi", "ve"}
)

// hedged tells whether folded words put a decision off or ask about it.
func hedged(words []string) bool {
	f := " " + strings.Join(words, " ") + " "
	for _, h := range hedgeWords {
		if strings.Contains(f, " "+h+" ") {
			return true
		}
	}
	return false
}

// decisionOf tells whether a short message plainly accepts or declines: "ok", "đồng ý giới thiệu lên
// xã", "duyệt nhé", "không", "từ chối vì chưa đủ tuổi". A decision cannot be taken back, so anything
// hedged or asked ("để anh xem đã", "chưa duyệt được", "không đồng ý thì sao ạ?", "đồng ý không?",
// "từ chối vì sao vậy") is neither; a refusal's reason may say anything but ask.
func decisionOf(original string) (yes, ok bool) {
	if strings.ContainsAny(splitReason(original).before, "0123456789") {
		return false, false // a request named by its number is read as such (typedRequestDecision)
	}
	return plainDecision(original)
}

// decisionPair reads a typed decision when the buttons are a request's pair ([Giới thiệu | Từ chối] or
// [Phê duyệt | Từ chối]): "ok", "đồng ý giới thiệu", "duyệt cho em nó" accept; "không", "ko đồng ý", "từ
// chối vì …" decline (a reason is asked next).
func decisionPair(buttons []Button, original string, about []string) (string, bool) {
	if len(buttons) != 2 || !strings.HasPrefix(buttons[0].Payload, "#rq:") || !strings.HasPrefix(buttons[1].Payload, "#rq:") {
		return "", false
	}
	if yes, ok := decisionOf(original); ok {
		if yes {
			return buttons[0].Payload, true
		}
		if m := splitReason(original); m.found && usableReason(m.reason) { // "từ chối vì chưa đủ tuổi"
			return buttons[1].Payload + ":" + m.reason, true
		}
		return buttons[1].Payload, true
	}
	if yes, reason, ok := buttonDecision(original, about); ok { // "Đồng ý giới thiệu bạn Lan nhé", "Từ chối, chưa đủ 18 tuổi"
		switch {
		case yes:
			return buttons[0].Payload, true
		case reason != "":
			return buttons[1].Payload + ":" + reason, true
		}
		return buttons[1].Payload, true
	}
	return "", false
}
