package flows

import (
	"fmt"

	"github.com/cdtbot/cdtbot/store"
)

// Every Vietnamese sentence the conversations send lives here, for review in one place.
// Short sentences, full diacritics, a button wherever the choice is finite.

var (
	btnJoin   = Button{Title: "Tham gia tổ", Payload: "tham gia"}
	btnLeave  = Button{Title: "Rời tổ", Payload: "rời tổ"}
	btnReport = Button{Title: "Báo cáo tháng", Payload: "báo cáo"}
	btnHelp   = Button{Title: "Trợ giúp", Payload: "trợ giúp"}
	btnStatus = Button{Title: "Tình hình báo cáo", Payload: "tình hình báo cáo"}
	btnResume = Button{Title: "Tiếp tục", Payload: "tiếp tục"}
	btnCancel = Button{Title: "Hủy", Payload: "hủy"}
	// btnWithdraw takes one's own open request back (the words plainWithdraw reads).
	btnWithdraw = Button{Title: "Rút lại yêu cầu", Payload: "rút lại yêu cầu"}
	btnYes      = Button{Title: "Đồng ý", Payload: "đồng ý"}
	btnNo       = Button{Title: "Không", Payload: "không"}

	btnEraseData = Button{Title: "Xóa dữ liệu", Payload: "xóa dữ liệu của tôi"}
)

const (
	textWelcome = "Chào mừng bạn đến với Tổ công nghệ số cộng đồng! 👋\n" +
		"Tại đây bạn có thể xin tham gia tổ, xin rời tổ và (nếu là tổ trưởng) gửi báo cáo tháng."
	textMenuResident      = "Bạn muốn làm gì? Nhắn \"tham gia\" để xin vào tổ công nghệ số cộng đồng."
	textMenuMember        = "Bạn muốn làm gì? Nhắn \"rời tổ\" nếu muốn xin ra khỏi tổ."
	textMenuOfficial      = "Bạn muốn làm gì? Nhắn \"trợ giúp\" để xem các việc bạn làm được ở đây."
	textMenuLeader        = "Bạn muốn làm gì? Nhắn \"báo cáo\" để gửi báo cáo tháng của tổ."
	textMenuWaiting       = "Có %d yêu cầu đang chờ bạn xử lý."
	textBtnWaiting        = "Yêu cầu chờ xử lý (%d)"
	textNothingWaiting    = "Không có yêu cầu nào đang chờ bạn xử lý."
	textMoreWaiting       = "Còn %d yêu cầu nữa: xử lý xong các yêu cầu trên rồi bấm lại \"Yêu cầu chờ xử lý\"."
	textPaused            = "Bạn đang dở việc %s (lần cuối lúc %s). Bạn muốn làm tiếp không?"
	textHelpAbout         = "🤖 Đây là trợ lý của các Tổ công nghệ số cộng đồng: tổ giúp bà con dùng dịch vụ công trực tuyến, VNeID, thanh toán không dùng tiền mặt và thương mại điện tử. Bạn có thể nhắn:"
	textHelpJoin          = "• \"tham gia\": xin vào tổ của thôn, tổ dân phố nơi bạn ở (cần họ tên và số điện thoại; tổ trưởng giới thiệu, UBND xã/phường phê duyệt)."
	textHelpReport        = "• \"báo cáo\": gửi báo cáo tháng của tổ (\"báo cáo tháng 10\" để chọn tháng; các câu số trả lời liền được: 12, 30, 5; sai thì \"sửa câu 3\")."
	textHelpLeave         = "• \"rời tổ\": xin ra khỏi tổ."
	textHelpDecide        = "• \"yêu cầu chờ xử lý\": các yêu cầu cần bạn quyết định (nhắn \"duyệt 3\" hoặc \"từ chối 3 vì …\")."
	textHelpOfficer       = "• \"tình hình báo cáo\" (hoặc \"tình hình báo cáo tháng 10\"): tổ nào đã nộp, tổ nào chưa; \"xem trang tổng hợp\": trang web số liệu."
	textHelpData          = "• \"dữ liệu của tôi\": xem những gì được lưu về bạn; \"xóa dữ liệu của tôi\": yêu cầu xóa."
	textHelpControl       = "• Đang làm dở: \"hủy\" để dừng, \"tạm dừng\" để làm sau, \"tiếp tục\" để làm tiếp."
	textHelpInFlow        = "Bạn đang %s. Nhắn \"tiếp tục\" để làm tiếp, \"quay lại\" để sửa câu trước, \"hủy\" để dừng."
	textNothingToResume   = "Bạn không có việc nào đang dở."
	textPausedByUser      = "Đã tạm dừng việc %s, bản nháp được giữ lại. Khi nào tiện, nhắn \"tiếp tục\" để làm tiếp."
	textCommandOrAnswer   = "Bạn muốn %s, hay đây là câu trả lời?"
	textFormOffer         = "\n\n📋 Hoặc điền toàn bộ báo cáo trên một trang và gửi một lần tại: %s"
	textFormRequired      = "Câu này cần trả lời."
	textFormProblems      = "Có câu trả lời chưa hợp lệ: xem lại các ô được đánh dấu rồi bấm Gửi."
	textFormNewer         = "%s đã gửi báo cáo %s lúc %s (phiên bản %d). Bản đó đang hiện bên dưới: sửa nếu cần rồi bấm Gửi để gửi bản của bạn."
	textFormGone          = "Liên kết này không còn dùng được. Nhắn \"báo cáo\" cho Official Account để nhận liên kết mới."
	textFormNotLeader     = "Chỉ tổ trưởng hoặc tổ phó của %s mới gửi được báo cáo của tổ."
	textFormClosed        = "Báo cáo %s không còn mở để gửi. Nhắn \"báo cáo\" cho Official Account để gửi báo cáo tháng hiện tại."
	textReportHeading     = "📝 Báo cáo %s — %s. Hạn chót: %s"
	textPeriodNotOffered  = "Tháng này không nằm trong các tháng đang mở để báo cáo. Bạn chọn một tháng dưới đây."
	textReportHeadingLate = " (đã quá hạn, vẫn gửi được)"
	textDeadlineLine      = "📅 %s: báo cáo %s, hạn chót %s"
	textDeadlineFiled     = " — đã nộp lúc %s."
	textDeadlineLeft      = " — còn %d ngày."
	textDeadlinePassed    = " — đã quá hạn, vẫn gửi được: nhắn \"báo cáo\"."
	textDeadlineNoTeam    = "Hạn nộp báo cáo tháng do tỉnh hoặc đơn vị quy định (ngày 5, 20 hoặc 30 hằng tháng); tổ trưởng của tổ sẽ được nhắc trước hạn."
	textThisIsMyAnswer    = "Đây là câu trả lời"
	textNothingToCancel   = "Bạn không có việc nào đang dở để hủy."
	textBusy              = "Bạn đang dở việc %s. Hãy làm tiếp hoặc hủy việc đó trước."
	textStaleButton       = "Nút này đã cũ, không còn dùng được."
	textBackTo            = "Quay lại việc %s."
	textLostStep          = "Xin lỗi, cuộc trò chuyện trước đã hết hạn. Mời bạn bắt đầu lại."
	textAtFirstStep       = "Đây đã là bước đầu tiên."
	textCannotSkip        = "Câu này bắt buộc, không bỏ qua được."
	textCancelled         = "Đã hủy việc %s."
	textSomeone           = "(chưa có tên)"
	textNoScopeGroup      = "Nhóm này chưa được đăng ký theo dõi báo cáo. Vui lòng liên hệ quản trị hệ thống."
	textOutsideScope      = "%s không thuộc phạm vi theo dõi của %s."
	textNoDigestYet       = "Chưa có số liệu tổng hợp."
	textPageLink          = "Trang tổng hợp báo cáo của %s (link dùng được trong 24 giờ, không chia sẻ ra ngoài):\n%s"
	textOfficersOnly      = "Tình hình báo cáo và trang tổng hợp chỉ dành cho cán bộ theo dõi báo cáo đã đăng ký trên hệ thống."

	textJoinAlreadyAsked  = "Bạn đã gửi yêu cầu số %d xin tham gia %s; yêu cầu đang %s. Vui lòng chờ kết quả (cần đổi thôn hay số điện thoại: nhắn \"rút lại yêu cầu\" rồi gửi lại)."
	textJoinAlreadyMember = "Bạn đã là %s của %s rồi."
	textJoinAskCommune    = "Bạn muốn tham gia tổ ở xã/phường nào? Nhập tên xã/phường (có dấu hoặc không dấu đều được), hoặc mã tổ nếu bạn có."
	textJoinNoCommune     = "Không tìm thấy xã/phường \"%s\". Vui lòng nhập lại tên xã/phường, hoặc nhập mã tổ."
	textJoinPickCommune   = "Có nhiều nơi trùng tên. Bạn chọn giúp:"
	textJoinNoTeams       = "%s chưa có tổ công nghệ số cộng đồng trên hệ thống. Vui lòng liên hệ UBND xã/phường."
	textJoinPickTeam      = "Các tổ ở %s. Bạn chọn tổ của %s mình:"
	textJoinTypeVillage   = "%s có %d tổ. Bạn ở %s nào? Nhập tên (ví dụ: %s 1)."
	textJoinPickOne       = "Bạn chọn giúp một tổ:"
	textJoinNoVillage     = "Không tìm thấy tổ nào ở \"%s\". Vui lòng nhập lại tên thôn/ấp/khu phố."
	textJoinFull          = "%s đã đủ %d thành viên nên chưa nhận thêm. Cảm ơn bạn đã quan tâm!"
	textJoinFullCollab    = "%s đã đủ %d thành viên. Bạn có muốn đăng ký làm cộng tác viên của tổ không?"
	textJoinNoThanks      = "Cảm ơn bạn đã quan tâm! Khi cần, bạn cứ nhắn \"tham gia\"."
	textAskInfoTitle      = "Chia sẻ họ tên và số điện thoại"
	textJoinAskName       = "Mời bạn nhập họ và tên đầy đủ (hoặc bấm \"Chia sẻ\" nếu thấy nút này)."
	textJoinNotAName      = "Đây có vẻ không phải họ tên. Vui lòng nhập họ và tên của bạn, ví dụ: Nguyễn Văn An."
	textJoinBadName       = "Họ tên chỉ gồm chữ cái, ví dụ: Nguyễn Văn An. Vui lòng nhập lại."
	textJoinAskPhone      = "Số điện thoại di động của bạn là gì? (ví dụ: 0912 345 678)"
	textJoinBadPhone      = "Số điện thoại chưa đúng. Vui lòng nhập số di động 10 chữ số, ví dụ: 0912 345 678."
	textConsent           = "Để xét yêu cầu, Tổ công nghệ số cộng đồng cần lưu họ tên, số điện thoại và mã Zalo của bạn. " +
		"Dữ liệu chỉ dùng để quản lý tổ, không chia sẻ cho bên khác; bạn có thể xem hoặc yêu cầu xóa bất cứ lúc nào " +
		"(Luật Bảo vệ dữ liệu cá nhân 2025). Bạn có đồng ý không?"
	textConsentDeclined   = "Không sao. Chúng tôi chưa lưu thông tin nào của bạn. Khi cần, bạn cứ nhắn \"tham gia\"."
	textConsentNeedAnswer = "Vui lòng bấm \"Tôi đồng ý\" hoặc \"Không đồng ý\"."
	textJoinSummary       = "Kiểm tra lại thông tin:\n• Họ tên: %s\n• Điện thoại: %s\n• Tổ: %s (%s)\n• Vai trò: %s"
	textJoinSent          = "Đã gửi yêu cầu số %d xin tham gia %s."
	textWaitLeader        = "Tổ trưởng %s sẽ xem xét rồi chuyển lên %s."
	textWaitApprover      = "%s sẽ xem xét và trả lời bạn."
	textNoApprover        = "Hiện chưa có người phê duyệt trên hệ thống; vui lòng liên hệ UBND xã/phường."
	textJoinRequest       = "Yêu cầu số %d: %s (%s) xin tham gia làm %s của %s."
	textLeaveRequest      = "Yêu cầu số %d: %s (%s) xin rời %s. Lý do: %s"

	textUnknownRequest         = "Không tìm thấy yêu cầu này."
	textWaitingAre             = "Các yêu cầu đang chờ bạn: số %s."
	textNotYours               = "Yêu cầu số %d không thuộc quyền xử lý của bạn."
	textRightGone              = "Bạn không còn quyền xử lý yêu cầu số %d (vai trò của bạn đã thay đổi), nên từ chối này không được ghi nhận."
	textRefusalWhy             = "Lý do: %s"
	textAlreadyDecided         = "Yêu cầu số %d đã %s rồi."
	textNoOwnRequest           = "Bạn chưa gửi yêu cầu nào."
	textRequestWaiting         = "Yêu cầu số %d đang %s."
	textRecommended            = "Đã chuyển yêu cầu số %d lên %s."
	textToRequesterRecommended = "Yêu cầu số %d của bạn đã được tổ trưởng đồng ý, đang chờ %s phê duyệt."
	textAskRefusalReason       = "Vui lòng nhập lý do từ chối yêu cầu số %s:"
	textRefusalNeedsReason     = "Người gửi yêu cầu sẽ đọc lý do này, nên cần vài chữ cụ thể (ví dụ: \"chưa đủ 18 tuổi\"). Vui lòng nhập lý do từ chối yêu cầu số %s, hoặc nhắn \"nhầm\" nếu không muốn từ chối:"
	textRequestWithdrawn       = "Đã rút lại yêu cầu số %d (%s %s). Khi cần, bạn có thể gửi yêu cầu mới."
	textRequestWithdrawnTo     = "Yêu cầu số %d của %s (%s %s) đã được người gửi rút lại: không cần xử lý nữa."
	textDecideHow              = "Chưa quyết định yêu cầu nào. Để quyết định yêu cầu số %[1]d, bấm nút dưới yêu cầu hoặc nhắn \"%[2]s %[1]d\", hay \"từ chối %[1]d vì …\"."
	textWithdrawHow            = "Yêu cầu số %[1]d của bạn vẫn đang chờ xét. Muốn rút lại, nhắn \"rút lại yêu cầu\"; muốn giữ, không cần làm gì."
	textWhichRequest           = "Có nhiều yêu cầu đang chờ bạn: bấm nút dưới yêu cầu, hoặc nhắn kèm số (ví dụ: \"duyệt 3\", \"từ chối 3 vì …\")."
	textRefusalDropped         = "Đã thôi, chưa từ chối. Yêu cầu số %s vẫn chờ bạn quyết định."
	textRefusalRecorded        = "Đã ghi nhận từ chối yêu cầu số %d và báo cho người gửi."
	textToRequesterRefused     = "Rất tiếc, yêu cầu số %d (%s %s) không được chấp thuận. Lý do: %s"
	textToLeaderOutcome        = "Yêu cầu số %d của %s đã %s."
	textCannotApproveFull      = "Chưa thể phê duyệt yêu cầu số %d: %s đã đủ %d thành viên."
	textCannotApproveCommune   = "Chưa thể phê duyệt yêu cầu số %d: người này đang có vai trò trong %s thuộc %s. Mỗi người chỉ tham gia tổ của một xã/phường."
	textApproved               = "Đã phê duyệt yêu cầu số %d."
	textToRequesterJoined      = "Chúc mừng! Bạn đã chính thức là thành viên %s (vai trò: %s). 🎉"
	textToLeaderNewMember      = "%s đã được phê duyệt làm %s của %s."
	textToRequesterLeft        = "Yêu cầu rời %s của bạn đã được phê duyệt. Cảm ơn bạn đã đóng góp!"
	textToLeaderMemberLeft     = "%s đã rời %s."
	textNoOneToAppoint         = "%s hiện không còn thành viên nào để giao làm tổ trưởng. Vui lòng bổ sung thành viên."
	textAskAppoint             = "%s chưa có tổ trưởng. Bạn chọn người làm tổ trưởng mới:"
	textNotYourTeam            = "Bạn không có quyền giao tổ trưởng cho tổ này."
	textAlreadyHasLeader       = "%s đã có tổ trưởng là %s."
	textNotAMember             = "Người này không còn là thành viên của tổ."
	textAppointed              = "Đã giao %s làm tổ trưởng %s."
	textToNewLeader            = "Bạn đã được giao làm tổ trưởng %s. Nhắn \"báo cáo\" để gửi báo cáo tháng."

	textLeaveNotMember    = "Bạn chưa là thành viên tổ nào."
	textLeaveAlreadyAsked = "Bạn đã gửi yêu cầu số %d xin rời tổ; yêu cầu đang %s."
	textLeavePickTeam     = "Bạn muốn rời tổ nào?"
	textLeaveAskReason    = "Vì sao bạn muốn rời tổ? Vui lòng nhập lý do ngắn gọn."
	textLeaveSummary      = "Bạn xin rời %s.\nLý do: %s\nGửi yêu cầu?"
	textLeaveSent         = "Đã gửi yêu cầu số %d xin rời %s."

	textReportNotLeader      = "Báo cáo tháng do tổ trưởng hoặc tổ phó gửi. Nếu bạn là tổ trưởng mà chưa có trên hệ thống, vui lòng liên hệ UBND xã/phường."
	textReportWhoFiles       = "Báo cáo tháng của %s do %s gửi."
	textReportNobody         = "%s chưa có tổ trưởng trên hệ thống; vui lòng liên hệ UBND xã/phường."
	textReportPickTeam       = "Bạn báo cáo cho tổ nào?"
	textReportPickPeriod     = "Tổ chưa gửi báo cáo %s. Bạn báo cáo tháng nào?"
	textLeaveNoReason        = "không nêu lý do"
	textNarrativeNumber      = "Câu này cần vài chữ mô tả kết quả, không chỉ một con số. Muốn sửa số ở câu trước, nhắn ví dụ: \"câu 3 là 15\"."
	textCountAsked           = "Câu hỏi này bạn hỏi cán bộ xã giúp nhé. Khi đã chắc, bạn gửi con số cho câu %d."
	textCountUnsure          = "Bạn gửi giúp con số chắc chắn nhé (xem lại sổ rồi gửi cũng được, bản nháp vẫn giữ)."
	textCountOfOther         = "Số vừa rồi có vẻ là số của việc khác. Câu %d hỏi: %s — bạn gửi lại số của câu này nhé."
	textCountsNotRead        = "Mình chưa đọc được số liệu trong tin nhắn vừa rồi, bạn trả lời lần lượt từng câu nhé."
	textReportAlreadyFiled   = "Báo cáo %s đã gửi lúc %s (phiên bản %d). Bạn muốn sửa báo cáo không?"
	textQuestion             = "Câu %d/%d: %s?"
	textQuestionCountHint    = "\n(Nhập một số, ví dụ: 12)"
	textQuestionTextHint     = "\n(Mô tả ngắn gọn kết quả trong tháng)"
	textQuestionOptional     = "\n(Không có thì nhắn \"bỏ qua\")"
	textQuestionCurrent      = "\nHiện tại: %s"
	textAnswerTooLong        = "Câu trả lời dài quá 2.000 ký tự. Vui lòng viết ngắn gọn hơn."
	textQuestionCountsHint   = "\n(Nhập một số, ví dụ: 12 — hoặc trả lời liền nhiều câu, cách nhau dấu phẩy: 12, 30, 5)"
	textCountsTaken          = "Đã ghi:"
	textBatchHint            = "\n(Mô tả ngắn gọn. Có thể trả lời liền câu %d đến %d trong một tin, mỗi câu một dòng bắt đầu bằng số câu:"
	textBatchTaken           = "Đã ghi câu %s."
	textBatchRequired        = "Câu %d bắt buộc, không bỏ qua được. Chưa ghi câu nào, vui lòng gửi lại."
	textBatchProblem         = "Câu %d: %s. Chưa ghi câu nào, vui lòng gửi lại."
	textTooManyCountsLeft    = "Bạn gửi %d số, nhưng chỉ còn %d câu hỏi số chưa trả lời (câu %s). Vui lòng gửi lại."
	textTooManyCounts        = "Bạn gửi %d số, nhưng chỉ có %d câu hỏi số liền nhau (câu %d đến %d). Vui lòng gửi lại."
	textCountInList          = "Câu %d, “%s”: %s"
	textOneCountOnly         = "Khi sửa, mỗi lần chỉ nhập một số cho câu này."
	textOneAnswerOnly        = "Khi sửa, mỗi lần chỉ trả lời câu đang sửa."
	textNotAnsweredYet       = "Câu %d chưa trả lời nên chưa sửa được: trả lời lần lượt nhé."
	textCorrectionRefused    = "Câu %d chưa sửa được: %s"
	textCorrected            = "Đã sửa câu %d. %s: %s"
	textWasBefore            = " (trước: %s)"
	textOnlyPhotos           = "Chỉ nhận ảnh làm minh chứng."
	textTooManyPhotos        = "Đã đủ 20 ảnh minh chứng cho báo cáo này."
	textPhotoKept            = "Đã nhận ảnh minh chứng (%d ảnh). Bạn trả lời tiếp câu hỏi nhé."
	textSummaryHead          = "Báo cáo %s của %s:"
	textSummaryPhotos        = "Ảnh minh chứng: %d ảnh"
	textSummaryAsk           = "Bạn kiểm tra lại. Gửi báo cáo, sửa một mục, hay hủy?"
	textEditWhich            = "Nhập số thứ tự mục cần sửa (từ 1 đến %d):"
	textDropDraft            = "Bạn có chắc muốn bỏ bản nháp %s không? Các câu trả lời sẽ bị xóa."
	textDropChanges          = "Bỏ các thay đổi chưa gửi của %s? Báo cáo đã gửi trước đó vẫn giữ nguyên."
	textReportNoLongerLeader = "Bạn không còn là tổ trưởng hoặc tổ phó nên không gửi được báo cáo này."
	textMissingAnswer        = "Còn một câu bắt buộc chưa trả lời."
	textOnTime               = "đúng hạn"
	textLate                 = "trễ hạn"
	textReceipt              = "✅ Đã nhận báo cáo %s của %s lúc %s — %s (hạn chót: %s). Cảm ơn tổ!"
	textReceiptCorrection    = "Đã cập nhật báo cáo (phiên bản %d). "
	textNewerVersion         = "%s vừa gửi báo cáo tháng này lúc %s (phiên bản %d):"
	textNewerVersionAsk      = "Bạn vẫn muốn gửi bản của mình thay cho bản trên?"
	textToLeaderDeputyFiled  = "Tổ phó %s đã gửi báo cáo %s của %s thay mặt tổ trưởng."

	textMyDataHead        = "Dữ liệu của bạn đang được lưu:"
	textMyDataName        = "• Họ tên: %s"
	textMyDataPhone       = "• Điện thoại: %s"
	textMyDataNoPerson    = "• Họ tên, điện thoại: chưa lưu"
	textMyDataZalo        = "• Mã Zalo: %s"
	textMyDataConsent     = "• Đồng ý lưu dữ liệu: lúc %s (văn bản %s)"
	textMyDataNoConsent   = "• Đồng ý lưu dữ liệu: chưa ghi nhận qua tin nhắn (thông tin do xã/phường nhập)"
	textMyDataRoles       = "• Vai trò: %s"
	textMyDataApprover    = "• Người phê duyệt của: %s"
	textMyDataOfficer     = "• Cán bộ theo dõi báo cáo: %s"
	textMyDataRequest     = "số %d %s %s (%s, %s)"
	textMyDataOpen        = "• Yêu cầu đang chờ: %s"
	textMyDataPast        = "• Yêu cầu trước đây: %s"
	textMyDataReports     = "• Báo cáo đã gửi: %s"
	textMyDataUnreachable = "• Zalo báo không gửi được tin cho bạn: từ %s"
	textMyDataReachable   = "• Đánh dấu không liên lạc được: không"
	textMyDataSession     = "• Việc đang dở: %s"
	textMyDataMessages    = "• Tin nhắn: %d tin bạn gửi (lưu %d ngày), %d tin gửi cho bạn (lưu %d ngày)"
	textMyDataFoot        = "Muốn xóa, nhắn \"xóa dữ liệu của tôi\" hoặc \"rút lại đồng ý\"."
	textNone              = "chưa có"
	textNo                = "không"
	textMore              = "và %d mục khác"

	textEraseAskRoles    = "vai trò trong tổ (bạn sẽ rời tổ), "
	textEraseAskRequests = "yêu cầu đang chờ (sẽ bị hủy), "
	textEraseAsk         = "Sẽ xóa họ tên, số điện thoại, mã Zalo, " + textEraseAskRoles + textEraseAskRequests +
		"việc đang dở và tin nhắn đã lưu. Báo cáo tổ đã gửi vẫn giữ nhưng không còn ghi tên bạn. " +
		"Không thể hoàn tác. Bạn chắc chắn muốn xóa dữ liệu của mình?"
	textWithdrawAsk          = "Rút lại đồng ý thì hệ thống không được lưu dữ liệu của bạn nữa, nên dữ liệu sẽ bị xóa."
	textEraseKept            = "Đã giữ nguyên dữ liệu của bạn."
	textSwitchHow            = "Bạn đang làm báo cáo %s. Muốn chuyển bản nháp này sang %s, nhắn \"chuyển sang tháng %d\"; muốn làm cả hai, gửi tháng này xong rồi nhắn \"báo cáo\"."
	textSwitchedMonth        = "Đã chuyển bản nháp sang báo cáo %s; các câu đã trả lời vẫn giữ nguyên."
	textCannotSwitch         = "Không chuyển sang %s được: tháng đó chưa mở hoặc đã có báo cáo (nộp xong tháng này rồi nhắn \"báo cáo\" để sửa tháng kia)."
	textSendFromSummary      = "Báo cáo được gửi sau câu cuối (còn %d câu, kể cả câu này). Câu nào chưa có gì để ghi, nhắn \"không có\"."
	textDropHow              = "Nhắn \"bỏ\" để bỏ bản nháp, hoặc \"tiếp tục\" để làm tiếp báo cáo."
	textSendHow              = "Khi đã xong (ảnh gửi vào đây trước, nếu có), nhắn \"gửi\" để nộp báo cáo."
	textNotAnAnswer          = "Câu này cần vài chữ trả lời (không có gì thì nhắn \"không có\"; câu không bắt buộc thì nhắn \"bỏ qua\")."
	textEraseWhat            = "Để sửa một câu, nhắn \"sửa câu 3\" (hoặc \"câu 3 là …\"); để hủy việc đang làm, nhắn \"hủy\". Còn xóa dữ liệu cá nhân của bạn thì nhắn \"xóa dữ liệu của tôi\"."
	textEraseSayXoa          = "Xóa dữ liệu thì không hoàn tác được, nên cần bạn nói rõ: muốn xóa, bấm \"Xóa\" hoặc nhắn \"xóa\"; muốn giữ, nhắn \"không\"."
	textErased               = "✅ Đã xóa dữ liệu cá nhân của bạn."
	textWithdrawn            = "✅ Đã ghi nhận bạn rút lại đồng ý lúc %s và đã xóa dữ liệu cá nhân của bạn."
	textErasedLeft           = "Bạn đã rời %s."
	textErasedCancelled      = "Yêu cầu số %d đã được hủy."
	textErasedReports        = "Các báo cáo bạn đã gửi vẫn được giữ cho tổ nhưng không còn ghi tên bạn."
	textErasedBye            = "Nếu nhắn tin tiếp, bạn sẽ được coi là người mới. Cảm ơn bạn!"
	textToLeaderMemberErased = "Một %s đã rời %s theo yêu cầu xóa dữ liệu cá nhân."
	textRequestErased        = "Yêu cầu số %d (%s %s) đã bị hủy vì người gửi yêu cầu xóa dữ liệu cá nhân."
	textHandOverFirst        = "Chưa xóa được: bạn đang giữ vai trò cần bàn giao trước.\n%s\nChưa có dữ liệu nào bị xóa."
	textHoldLeader           = "• Tổ trưởng %s: nhắn \"rời tổ\" để xin rời tổ, hoặc liên hệ %s để giao cho người khác."
	textHoldApprover         = "• Người phê duyệt của %s: liên hệ %s để giao cho người khác."
	textHoldOfficer          = "• Cán bộ theo dõi báo cáo (%s): liên hệ %s để giao cho người khác."
	textContactCommune       = "UBND xã/phường"
	textVillageWords         = "thôn/khu phố"
	textContactAdmin         = "quản trị hệ thống"
)

func roleText(role string) string {
	switch role {
	case store.RoleLeader:
		return "tổ trưởng"
	case store.RoleDeputy:
		return "tổ phó"
	case store.RoleMember:
		return "thành viên"
	case store.RoleCollaborator:
		return "cộng tác viên"
	}
	return "chưa có vai trò"
}

func stateText(state string) string { return stateTextAt(state, "UBND xã") }

// stateTextAt says where a request stands, naming the commune's committee as its place does.
func stateTextAt(state, authority string) string {
	switch state {
	case store.StateAwaitLeader:
		return "chờ tổ trưởng xem xét"
	case store.StateAwaitApprover:
		return "chờ " + authority + " phê duyệt"
	case store.StateApproved:
		return "được phê duyệt"
	case store.StateDeclined:
		return "bị tổ trưởng từ chối"
	case store.StateRejected:
		return "bị từ chối"
	case store.StateCancelled:
		return "bị hủy"
	}
	return state
}

func kindText(kind string) string {
	if kind == store.RequestLeave {
		return "xin rời"
	}
	return "xin tham gia"
}

// RoleChangedText tells a person that an administrator changed their role in a team
// ("" = taken off the roster).
func RoleChangedText(teamName, role string) string {
	switch role {
	case "":
		return fmt.Sprintf(textRoleRemoved, teamName)
	case store.RoleLeader:
		return fmt.Sprintf(textRoleSet, roleText(role), teamName) + " " + textRoleLeaderHint
	}
	return fmt.Sprintf(textRoleSet, roleText(role), teamName)
}

const (
	textRoleSet        = "Bạn đã được giao vai trò %s của %s."
	textRoleLeaderHint = "Nhắn \"báo cáo\" để gửi báo cáo tháng của tổ."
	textRoleRemoved    = "Bạn không còn trong danh sách %s. Cảm ơn bạn đã đóng góp!"
)
