package reminders

// Every Vietnamese sentence of reminders and digests, for review in one place.
const (
	textReminder           = "⏰ Nhắc hạn: %s chưa gửi báo cáo %s. Hạn chót: %s (%s)."
	textOverdue            = "❗ %s đã quá hạn báo cáo %s (hạn chót %s). Vui lòng gửi ngay."
	textApproverHead       = "Có %d tổ ở %s chưa gửi báo cáo %s (hạn chót %s):"
	textNoLeader           = "chưa có tổ trưởng"
	textUnreachable        = "không liên lạc được"
	textDigestHead         = "📊 Tình hình báo cáo %s — %s"
	textDigestCutoff       = "Hạn chót: %s (%s)"
	textDigestTotals       = "Đã báo cáo: %d/%d tổ (%d%%) — đúng hạn %d, trễ hạn %d."
	textDigestByCommune    = "Theo xã/phường:"
	textDigestMissingShort = "chưa báo cáo: "
	textDigestMore         = " và %d tổ khác"
	textDigestMissing      = "Chưa báo cáo (%d):"
	textDigestUnreachable  = "Không liên lạc được qua Zalo (nhắc trực tiếp giúp): %s"
	textDigestEmpty        = "%s chưa có tổ nào trong phạm vi theo dõi."
	textDigestAllIn        = "đã qua, các tổ đã nộp đủ"
	textDigestNotBegun     = "Kỳ báo cáo %s chưa bắt đầu."
	textZNSOverdue         = "đã quá hạn"
)
