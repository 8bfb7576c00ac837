package flows_test

import (
	"maps"
	"testing"
)

// allCounts are the seven counts of the default question set, as kept.
var allCounts = map[string]string{"households": "1", "dvctt": "2", "vneid": "3", "cashless": "4", "ecommerce": "5", "health_book": "6", "sessions": "7"}

// with is m plus the pairs k, v, k, v…
func with(m map[string]string, kv ...string) map[string]string {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// Several questions answered in one message, a line each: by number or by name, all or nothing,
// and the next question not answered (or the summary) in the same message.
func TestAnswersByLine(t *testing.T) {
	const gov, econ, soc = "Hướng dẫn 12 hộ cài VNeID.", "Hỗ trợ 3 hộ mở tài khoản thanh toán.", "Tuyên truyền trên loa."
	cases := []struct {
		name    string
		at8     bool // the counts are answered first: the message answers from question 8
		input   string
		say     []string
		notSay  []string
		step    string
		answers map[string]string
	}{
		{name: "numbered, all five: the summary", at8: true,
			input:   "8. " + gov + "\n9. " + econ + "\n10. " + soc + "\n11. bỏ qua\n12. Đề nghị cấp thêm tài liệu.",
			say:     []string{"Đã ghi câu 8, 9, 10, 11 và 12.", "Báo cáo tháng 11/2026", "11. Khó khăn, vướng mắc: (bỏ qua)", "Gửi báo cáo"},
			step:    "report.summary",
			answers: with(allCounts, "gov", gov, "econ", econ, "soc", soc, "difficulties", "", "proposals", "Đề nghị cấp thêm tài liệu.")},
		{name: "the first line unnumbered answers the question asked", at8: true,
			input: gov + "\n9) " + econ + "\nCâu 10: " + soc,
			say:   []string{"Đã ghi câu 8, 9 và 10.", "Câu 11/12"}, step: "report.q10",
			answers: with(allCounts, "gov", gov, "econ", econ, "soc", soc)},
		{name: "by the pillars' names, without diacritics", at8: true,
			input: "Chinh quyen so: " + gov + "\nKINH TẾ SỐ: " + econ + "\nKết quả về xã hội số: " + soc + "\nKhó khăn: không có",
			say:   []string{"Đã ghi câu 8, 9, 10 và 11.", "Câu 12/12"}, step: "report.q11",
			answers: with(allCounts, "gov", gov, "econ", econ, "soc", soc, "difficulties", "không có")},
		{name: "lines without a label continue the answer above", at8: true,
			input: "8. Hướng dẫn 12 hộ.\n- cài VNeID\n- nộp hồ sơ\n9. " + econ,
			say:   []string{"Đã ghi câu 8 và 9.", "Câu 10/12"}, step: "report.q9",
			answers: with(allCounts, "gov", "Hướng dẫn 12 hộ.\n- cài VNeID\n- nộp hồ sơ", "econ", econ)},
		{name: "a list inside one answer is one answer", at8: true,
			input: "Kết quả:\n1. Hướng dẫn 12 hộ\n2. Hỗ trợ 3 hộ",
			say:   []string{"Câu 9/12"}, notSay: []string{"Đã ghi"}, step: "report.q8",
			answers: with(allCounts, "gov", "Kết quả:\n1. Hướng dẫn 12 hộ\n2. Hỗ trợ 3 hộ")},
		{name: "a gap: the question left out is asked next, then the ones after it are not", at8: true,
			input: "8. " + gov + "\n10. " + soc,
			say:   []string{"Đã ghi câu 8 và 10.", "Câu 9/12"}, step: "report.q8",
			answers: with(allCounts, "gov", gov, "soc", soc)},
		{name: "a required one skipped: nothing kept", at8: true,
			input: "8. " + gov + "\n9. bỏ qua\n10. " + soc,
			say:   []string{"Câu 9 bắt buộc", "Chưa ghi câu nào", "Câu 8/12"}, step: "report.q7",
			answers: allCounts},
		{name: "a required one left empty: nothing kept", at8: true,
			input: "8. " + gov + "\n9.\n10. " + soc,
			say:   []string{"Câu 9 bắt buộc"}, step: "report.q7", answers: allCounts},
		{name: "the whole report in one message, counts and all",
			input: "1. 12\n2. 1.200 hồ sơ\n3. 5\n4. 3\n5. 2\n6. 0\n7. 2\n8. " + gov + "\n9. " + econ + "\n10. " + soc,
			say:   []string{"Đã ghi câu 1, 2, 3, 4, 5, 6, 7, 8, 9 và 10.", "Câu 11/12"}, step: "report.q10",
			answers: map[string]string{"households": "12", "dvctt": "1200", "vneid": "5", "cashless": "3", "ecommerce": "2", "health_book": "0", "sessions": "2", "gov": gov, "econ": econ, "soc": soc}},
		{name: "a count refused inside the message: says which, nothing kept",
			input: "1. 12\n2. mười hai\n8. " + gov,
			say:   []string{"Câu 2: ", "Chưa ghi câu nào", "Câu 1/12"}, notSay: []string{"Đã ghi"}, step: "report.q0",
			answers: map[string]string{}},
		{name: "counts a line each, unlabelled, are still a list of counts",
			input: "12\n30\n5",
			say:   []string{"Đã ghi:\n1. Số hộ gia đình được hướng dẫn: 12", "Câu 4/12"}, step: "report.q3",
			answers: map[string]string{"households": "12", "dvctt": "30", "vneid": "5"}},
		{name: "a greeting before the labels is not an answer", at8: true,
			input: "Dạ em gửi báo cáo ạ\n8. " + gov + "\n9. " + econ,
			say:   []string{"Đã ghi câu 8 và 9.", "Câu 10/12"}, step: "report.q9",
			answers: with(allCounts, "gov", gov, "econ", econ)},
		{name: "a range at the start of a line is text", at8: true,
			input: "Hướng dẫn các thôn, mỗi thôn:\n9 - 10 hộ cài VNeID\n3:30 chiều họp tổ",
			say:   []string{"Câu 9/12"}, notSay: []string{"Đã ghi"}, step: "report.q8",
			answers: with(allCounts, "gov", "Hướng dẫn các thôn, mỗi thôn:\n9 - 10 hộ cài VNeID\n3:30 chiều họp tổ")},
		{name: "câu and a longer number is text", at8: true,
			input: "Hướng dẫn 12 hộ\nCâu 105 hộ dân được hỗ trợ",
			say:   []string{"Câu 9/12"}, notSay: []string{"Đã ghi"}, step: "report.q8",
			answers: with(allCounts, "gov", "Hướng dẫn 12 hộ\nCâu 105 hộ dân được hỗ trợ")},
		{name: "one line naming a later question answers that one", at8: true,
			input: "9. " + econ,
			say:   []string{"Đã ghi câu 9.", "Câu 8/12"}, step: "report.q7",
			answers: with(allCounts, "econ", econ)},
		{name: "a count with a dot after it is a count",
			input: "12.",
			say:   []string{"Câu 2/12"}, notSay: []string{"Đã ghi"}, step: "report.q1",
			answers: map[string]string{"households": "12"}},
		{name: "skipping two optional ones by line skips both", at8: true,
			input: "8. " + gov + "\n9. " + econ + "\n10. " + soc + "\n11. bỏ qua\n12. bỏ qua",
			say:   []string{"Đã ghi câu 8, 9, 10, 11 và 12.", "Bạn kiểm tra lại"}, step: "report.summary",
			answers: with(allCounts, "gov", gov, "econ", econ, "soc", soc, "difficulties", "", "proposals", "")},
		{name: "a command word after a label is an answer", at8: true,
			input: "8. Hủy giấy tờ, dùng VNeID\n9. Tiếp tục hỗ trợ",
			say:   []string{"Đã ghi câu 8 và 9.", "Câu 10/12"}, step: "report.q9",
			answers: with(allCounts, "gov", "Hủy giấy tờ, dùng VNeID", "econ", "Tiếp tục hỗ trợ")},
		{name: "numbers going backwards are text, not labels", at8: true,
			input: "10. " + soc + "\n9. " + econ,
			say:   []string{"Đã ghi câu 10.", "Câu 8/12"}, step: "report.q7",
			answers: with(allCounts, "soc", soc+"\n9. "+econ)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tungAnh(t)
			if tc.at8 {
				startReport(t, w)
				contains(t, only(t, hung, w.text(hung, "1, 2, 3, 4, 5, 6, 7")), "Câu 8/12", "mỗi câu một dòng", "\n8. …\n9. …\n10. …\n11. …\n12. …")
			} else {
				startReport(t, w)
			}
			w.reportTurn(tc.input, tc.say, tc.notSay, tc.step, tc.answers)
		})
	}
}

// After a message that left a question out, that question is asked; the ones it answered ahead are
// not asked again.
func TestAnswersByLineWithAGap(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w)
	w.text(hung, "1, 2, 3, 4, 5, 6, 7")
	contains(t, only(t, hung, w.text(hung, "8. Hướng dẫn 12 hộ.\n10. Tuyên truyền.")), "Câu 9/12")
	contains(t, only(t, hung, w.text(hung, "Hỗ trợ 3 hộ.")), "Câu 11/12")
	contains(t, only(t, hung, w.text(hung, "bỏ qua")), "Câu 12/12")
	r := only(t, hung, w.text(hung, "bỏ qua"))
	contains(t, r, "9. Kết quả về kinh tế số: Hỗ trợ 3 hộ.", "10. Kết quả về xã hội số: Tuyên truyền.")
}

// Words of commands inside answers of several lines are answers: "hủy", "báo cáo", "quay lại" in a
// narrative do not cancel, restart or go back.
func TestAnswersByLineAreNotCommands(t *testing.T) {
	for _, input := range []string{
		"8. Hướng dẫn người dân báo cáo trực tuyến\n9. Hủy 2 tài khoản bị lừa đảo\n10. Tuyên truyền",
		"8. Hủy bỏ giấy tờ, dùng VNeID\n9. Bỏ qua tiền mặt, dùng QR\n10. Quay lại hướng dẫn lần hai",
		"chính quyền số: tạm dừng nhận hồ sơ giấy\nkinh tế số: trợ giúp 3 hộ bán hàng\nxã hội số: xóa mù số cho 10 người",
	} {
		w := tungAnh(t)
		startReport(t, w)
		w.text(hung, "1, 2, 3, 4, 5, 6, 7")
		r := only(t, hung, w.text(hung, input))
		contains(t, r, "Đã ghi câu 8, 9 và 10.", "Câu 11/12")
	}
}

// Correcting one item, an answer by line names that item only: "8. …" is taken, lines for other
// questions are refused and nothing changes.
func TestAnswersByLineWhenCorrecting(t *testing.T) {
	const gov = "Hướng dẫn 12 hộ cài VNeID."
	w := tungAnh(t)
	startReport(t, w)
	w.text(hung, "1, 2, 3, 4, 5, 6, 7")
	w.text(hung, "8. a\n9. b\n10. c\n11. bỏ qua\n12. bỏ qua")
	before := with(allCounts, "gov", "a", "econ", "b", "soc", "c", "difficulties", "", "proposals", "")
	w.text(hung, "sửa 8")
	w.reportTurn("8. a2\n9. b2", []string{"Khi sửa, mỗi lần chỉ trả lời câu đang sửa.", "Câu 8/12"}, nil, "report.q7", before)
	w.reportTurn("8. "+gov, []string{"8. Kết quả về chính quyền số: " + gov, "Bạn kiểm tra lại"}, nil, "report.summary", with(before, "gov", gov))
}

// Short answers by line made of command words are answers: at question 11, "11. bỏ qua\n12. bỏ qua"
// skips both (not one "bỏ qua"); "8. Hủy\n9. Tiếp tục" answers 8 and 9 (not a cancel).
func TestShortAnswersByLineAreNotCommands(t *testing.T) {
	w := tungAnh(t)
	startReport(t, w)
	w.text(hung, "1, 2, 3, 4, 5, 6, 7")
	w.reportTurn("8. Hủy\n9. Tiếp tục", []string{"Đã ghi câu 8 và 9.", "Câu 10/12"}, nil, "report.q9",
		with(allCounts, "gov", "Hủy", "econ", "Tiếp tục"))
	w.text(hung, "Tuyên truyền.")
	w.reportTurn("11. bỏ qua\n12. bỏ qua", []string{"Đã ghi câu 11 và 12.", "Bạn kiểm tra lại"}, nil, "report.summary",
		with(allCounts, "gov", "Hủy", "econ", "Tiếp tục", "soc", "Tuyên truyền.", "difficulties", "", "proposals", ""))
}
