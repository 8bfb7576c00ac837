package stats

// Every Vietnamese word the exports write, in one place for review.

// Sheet names of the XLSX export.
const (
	SheetReports = "Báo cáo"
	SheetSummary = "Tổng hợp"
)

// Column headers of the per-team rows (CSV and the "Báo cáo" sheet). The
// question columns sit between colVersions and colPhotos, headed by their labels.
const (
	colProvince = "Tỉnh/thành phố"
	colDistrict = "Quận/huyện" // only when some team has a level between province and commune
	colCommune  = "Xã/phường"
	colVillage  = "Thôn/tổ dân phố"
	colTeamCode = "Mã tổ"
	colTeamName = "Tên tổ"
	colLeader   = "Tổ trưởng"
	colStatus   = "Tình trạng"
	colFiledAt  = "Nộp lúc"
	colFiledBy  = "Người nộp"
	colRole     = "Vai trò"
	colVersions = "Số lần nộp"
	colPhotos   = "Số ảnh"
)

// Column headers of the "Tổng hợp" sheet.
var summaryHeader = []string{"Mã đơn vị", "Xã/phường", "Số tổ phải báo cáo", "Đã báo cáo", "Đúng hạn", "Trễ hạn",
	"Thiếu", "Chưa đến hạn", "Tỷ lệ báo cáo (%)", "Tỷ lệ đúng hạn (%)"}

// Labels under the "Tổng hợp" table.
const (
	textTotal  = "Tổng cộng"
	textPeriod = "Kỳ báo cáo"
	textScope  = "Đơn vị"
	textAsOf   = "Số liệu tính đến"
)

// roleNames are the filer's roles as the export writes them.
var roleNames = map[string]string{"leader": "tổ trưởng", "deputy": "tổ phó"}

// timeLayout is how the exports write instants, in the query's time zone (15:04 is 24-hour).
const (
	timeLayout = "02/01/2006 15:04"
	xlsxTime   = "dd/mm/yyyy hh:mm"
)
