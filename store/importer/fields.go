package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/cdtbot/cdtbot/store"
)

// cleanText trims a name and folds runs of spaces (Excel leaves doubled and
// no-break spaces); letters are kept exactly as written.
func cleanText(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// levelWord is a level as stored: "Thôn" and " thôn " are "thôn".
func levelWord(s string) string { return strings.ToLower(cleanText(s)) }

// checkCode accepts the codes of units, teams, officers, question sets and
// join codes: any printable text without spaces, up to 64 bytes.
func checkCode(s string) error {
	if s == "" {
		return errors.New("required")
	}
	if len(s) > 64 {
		return fmt.Errorf("%q is longer than 64 characters", s)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("%q: a code has no spaces or control characters", s)
		}
	}
	return nil
}

// checkZaloID accepts the numeric ids Zalo gives (18–19 digits in practice).
func checkZaloID(s string) error {
	if s == "" {
		return errors.New("required")
	}
	if strings.ContainsAny(s, "eE") && strings.ContainsAny(s, "+.,") {
		return fmt.Errorf("%q looks like a number rounded by a spreadsheet: format the column as text and paste the ids again", s)
	}
	if len(s) < 6 || len(s) > 25 {
		return fmt.Errorf("%q: want the numeric Zalo id (6–25 digits)", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return fmt.Errorf("%q: want the numeric Zalo id (digits only)", s)
		}
	}
	return nil
}

// normalizePhone turns a Vietnamese mobile number as people write it
// ("+84 912 345 678", "0912.345.678", "84912345678", or "912345678" after a
// spreadsheet dropped the 0) into its 10-digit form "0912345678".
func normalizePhone(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("%q: unexpected %q in a phone number", s, r)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+84"):
		d = "0" + strings.TrimPrefix(d[3:], "0")
	case strings.HasPrefix(d, "+"):
		return "", fmt.Errorf("%q: not a Vietnamese number (+84)", s)
	case strings.HasPrefix(d, "84") && len(d) == 11:
		d = "0" + d[2:]
	case len(d) == 9 && strings.ContainsRune("35789", rune(d[0])):
		d = "0" + d
	}
	if len(d) != 10 || d[0] != '0' || !strings.ContainsRune("35789", rune(d[1])) {
		return "", fmt.Errorf("%q: want a 10-digit mobile number starting with 03, 05, 07, 08 or 09", s)
	}
	return d, nil
}

// roleNames maps the ways people write a role, in English or Vietnamese
// (with or without diacritics), to the stored role.
var roleNames = map[string]string{
	"leader": store.RoleLeader, "tổ trưởng": store.RoleLeader, "to truong": store.RoleLeader,
	"deputy": store.RoleDeputy, "tổ phó": store.RoleDeputy, "to pho": store.RoleDeputy,
	"member": store.RoleMember, "thành viên": store.RoleMember, "thanh vien": store.RoleMember,
	"collaborator": store.RoleCollaborator, "cộng tác viên": store.RoleCollaborator, "cong tac vien": store.RoleCollaborator, "ctv": store.RoleCollaborator,
}

// parseRole reads a role; an empty cell means member.
func parseRole(s string) (string, error) {
	k := strings.ToLower(cleanText(s))
	if k == "" {
		return store.RoleMember, nil
	}
	if r, ok := roleNames[k]; ok {
		return r, nil
	}
	return "", fmt.Errorf("%q: want leader, deputy, member or collaborator (tổ trưởng, tổ phó, thành viên, cộng tác viên)", s)
}

// policyFields are the names store.Policy.Validate starts its messages with.
var policyFields = []string{"max_members", "collaborators", "cutoff_day", "closes", "question_set", "reminder_days"}

// normPolicy checks a policy from a file. It returns nil for a policy that
// overrides nothing ("policy": {}), and on error the field to blame.
func normPolicy(p *store.Policy) (*store.Policy, string, error) {
	q := *p
	q.Closes = strings.ToLower(strings.TrimSpace(q.Closes))
	q.QuestionSet = strings.TrimSpace(q.QuestionSet)
	if q.QuestionSet != "" {
		if err := checkCode(q.QuestionSet); err != nil {
			return nil, "policy.question_set", err
		}
	}
	if err := q.Validate(); err != nil {
		field := "policy"
		for _, f := range policyFields {
			if strings.HasPrefix(err.Error(), f+" ") {
				field += "." + f
			}
		}
		return nil, field, err
	}
	if js, err := json.Marshal(q); err == nil && string(js) == "{}" {
		return nil, "", nil
	}
	return &q, "", nil
}
