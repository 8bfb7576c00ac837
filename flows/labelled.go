package flows

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/cdtbot/cdtbot/flows/vntext"
	"github.com/cdtbot/cdtbot/store"
)

// Counts given with the name of what they count, in any order and in the leader's own words ("Số hộ:
// 30 / Hồ sơ DVC: 64 / VNeID: 15", "15 hộ, 20 hồ sơ, 3 buổi tập huấn") are matched to the count
// questions by the words their labels share, not by position: a list that leaves one out no longer
// shifts the others onto the wrong questions.

// labelledSep separates the parts of such a message: a new line, ";", "|", "/" with a space beside it
// (not "15/11"), a comma followed by a space, " - ", "và".
var labelledSep = regexp.MustCompile(`(?i)\s*(?:[;\n|]|\s/|/\s|,\s|\s[-–]\s|\s(?:và|va)\s)\s*`)

// labelledNumber is a count as written among words ("45", "1.200").
var labelledNumber = regexp.MustCompile(`\d+(?:[.,]\d{3})*`)

// countPhrases turn the words of a label into the things counted (folded; the longer first): "hồ sơ"
// is not "hộ", "sổ sức khỏe" and "sức khỏe" are one thing; abbreviations say the same.
var countPhrases = []struct{ from, to string }{
	{"thuong mai dien tu", "tmdt"}, {"khong dung tien mat", "ttktm"}, {"thanh toan khong tien mat", "ttktm"},
	{"dich vu cong truc tuyen", "dvc"}, {"dich vu cong", "dvc"}, {"dvctt", "dvc"}, {"dvc tt", "dvc"},
	{"so suc khoe", "suckhoe"}, {"suc khoe", "suckhoe"}, {"ssk", "suckhoe"}, {"so sk", "suckhoe"},
	{"dinh danh dien tu", "vneid"}, {"dinh danh", "vneid"}, {"vne id", "vneid"},
	{"ho gia dinh", "ho"}, {"ho dan", "ho"}, {"gia dinh", "ho"},
	{"ho so", "hoso"}, {"hs", "hoso"}, {"tai khoan", "taikhoan"}, {"tk", "taikhoan"},
	{"thanh toan", "thanhtoan"}, {"tien mat", "ttktm"}, {"tap huan", "taphuan"}, {"tuyen truyen", "tuyentruyen"},
	{"ban hang", "banhang"}, {"huong dan", "huongdan"}, {"kich hoat", "kichhoat"}, {"truc tuyen", "tructuyen"},
	{"dien tu", "dientu"}, {"ho tro", "hotro"}, {"chu ky so", "chukyso"}, {"ung dung", "ungdung"},
	{"online", "tmdt"},
}

// countStopWords name nothing counted.
var countStopWords = map[string]bool{
	"so": true, "da": true, "duoc": true, "cac": true, "nhung": true, "cua": true, "tren": true, "va": true,
	"cho": true, "la": true, "co": true, "muc": true, "tong": true, "luot": true, "thang": true, "nay": true,
	"to": true, "nhom": true, "em": true, "anh": true, "chi": true, "minh": true, "trong": true, "ky": true,
	"nop": true, "tao": true, "mo": true, "lap": true, "a": true, "nhe": true, "roi": true,
}

// countTerms are the things a label or a part names, folded ("hộ", "hồ sơ" and "dịch vụ công" of "Số hồ
// sơ dịch vụ công trực tuyến đã hỗ trợ nộp").
func countTerms(s string) []string {
	f := " " + vntext.Fold(labelledNumber.ReplaceAllString(s, " ")) + " "
	for _, p := range countPhrases {
		f = strings.ReplaceAll(f, " "+p.from+" ", " "+p.to+" ")
	}
	var out []string
	for _, w := range strings.Fields(f) {
		if !countStopWords[w] && !isAllDigits(w) {
			out = append(out, w)
		}
	}
	return out
}

func isAllDigits(w string) bool { return strings.Trim(w, "0123456789") == "" }

// labelledShare: a part that is a share, a rate or a breakdown of another, not one count of its own.
var labelledShare = []string{" trong do ", " trong so ", " gom ", " moi ", " tang ", " giam ", " khoang ", " tren tong "}

// labelledCounts reads a message of two parts or more, each one number with words that name one count
// question (of those from question from on) ("Số hộ: 30", "20 hồ sơ", "VNeID 15"), each a different question; the
// items hold the numbers as typed. ok is false when a part has no number, more than one (but after a
// colon), is a share of another ("trong đó"), names no question or one another part named.
func labelledCounts(qs []store.Question, from int, text string) (items []answered, ok bool) {
	var parts []string
	for _, p := range labelledSep.Split(norm.NFC.String(text), -1) {
		if p = strings.Trim(p, " \t.,:"); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) < 2 {
		return nil, false
	}
	// How many count questions name each thing: a thing several name counts for less.
	terms := map[int]map[string]bool{}
	df := map[string]int{}
	for j := range qs { // all of them: a part that names an earlier question is not given to a later one
		if qs[j].Kind != store.QuestionCount {
			continue
		}
		terms[j] = map[string]bool{}
		for _, t := range countTerms(qs[j].Label) {
			if !terms[j][t] {
				terms[j][t] = true
				df[t]++
			}
		}
	}
	named := map[int]bool{}
	for _, p := range parts {
		label, number := p, ""
		if head, tail, colon := strings.Cut(p, ":"); colon {
			nums := labelledNumber.FindAllString(tail, -1)
			if len(nums) != 1 {
				return nil, false
			}
			label, number = head+" "+labelledNumber.ReplaceAllString(tail, " "), nums[0]
		} else {
			nums := labelledNumber.FindAllString(p, -1)
			if len(nums) != 1 {
				return nil, false
			}
			number = nums[0]
		}
		f := " " + vntext.Fold(p) + " "
		for _, w := range labelledShare {
			if strings.Contains(f, w) {
				return nil, false
			}
		}
		best, bestScore := -1, 0.0
		for j := range qs { // in order: a tie goes to the earlier question ("Số hộ" is question 1's)
			if terms[j] == nil {
				continue
			}
			score := 0.0
			seen := map[string]bool{}
			for _, t := range countTerms(label) {
				if terms[j][t] && !seen[t] {
					seen[t] = true
					score += 1 / float64(df[t])
				}
			}
			if score > bestScore {
				best, bestScore = j, score
			}
		}
		if best < from || named[best] {
			return nil, false // nothing named, a question answered before, or one named twice
		}
		named[best] = true
		items = append(items, answered{idx: best, text: number})
	}
	return items, true
}
