package flows

// Every Vietnamese sentence the conversations send lives here, for review in one place.

const (
	textWelcome = "Chào mừng bạn đến với Tổ công nghệ số cộng đồng! 👋\n" +
		"Tại đây bạn có thể xin tham gia tổ, xin rời tổ và (nếu là tổ trưởng) gửi báo cáo tháng."
	textHelp = "Bạn có thể nhắn:\n" +
		"• \"tham gia\" – xin tham gia tổ công nghệ số\n" +
		"• \"rời tổ\" – xin ra khỏi tổ\n" +
		"• \"báo cáo\" – tổ trưởng gửi báo cáo tháng\n" +
		"• \"trợ giúp\" – xem lại hướng dẫn này"
)

// mainMenu is offered wherever a person has no conversation open.
var mainMenu = []Button{
	{Title: "Tham gia tổ", Payload: "tham gia"},
	{Title: "Báo cáo tháng", Payload: "báo cáo"},
	{Title: "Trợ giúp", Payload: "trợ giúp"},
}
