package stats_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
	"github.com/cdtbot/cdtbot/store/stats"
)

// reportGrid is the export of testdata/stats for November as of 3 December
// 10:00, worked out by hand. Status and filing time come from the first
// version, answers and photos from the latest; AT-A2's report of 4/12 did not
// exist yet. Question columns: the sets in use by id ("an-thanh", then
// "long-an-thu"), a question id once, labelled by the first set naming it.
var reportGrid = [][]string{
	{"Tỉnh/thành phố", "Xã/phường", "Thôn/tổ dân phố", "Mã tổ", "Tên tổ", "Tổ trưởng", "Tình trạng", "Nộp lúc", "Người nộp", "Vai trò", "Số lần nộp",
		"Số hộ được hướng dẫn", "Số tài khoản thanh toán không dùng tiền mặt đã mở", "Kết quả về chính quyền số", "Số tài khoản VNeID mức 2 đã kích hoạt", "Khó khăn, vướng mắc", "Số ảnh"},
	{"Tỉnh Long An", "Xã An Thạnh", "Ấp 1", "AT-A1", "Tổ CNSCĐ ấp 1", "Lê Văn Bình", "đúng hạn", "02/12/2026 09:15", "Phạm Thị Hoa", "tổ phó", "1",
		"18", "4", "Hướng dẫn thanh toán tiền điện qua ứng dụng", "", "", "2"},
	{"Tỉnh Long An", "Xã An Thạnh", "Ấp 2", "AT-A2", "Tổ CNSCĐ ấp 2", "Võ Minh Tâm", "chưa đến hạn", "", "", "", "0",
		"", "", "", "", "", "0"},
	{"Tỉnh Long An", "Xã An Thạnh", "", "AT-XA", "Tổ CNSCĐ xã An Thạnh", "Trần Thị Thu", "trễ hạn", "21/11/2026 00:00", "Trần Thị Thu", "tổ trưởng", "1",
		"60", "14", "Mở tài khoản thanh toán cho hộ kinh doanh", "", "", "0"},
	{"Tỉnh Long An", "", "", "LA-TINH", "Tổ CNSCĐ tỉnh Long An", "Nguyễn Văn Long", "đúng hạn", "15/11/2026 09:00", "Nguyễn Văn Long", "tổ trưởng", "1",
		"120", "", "Hướng dẫn nộp hồ sơ trực tuyến tại bộ phận một cửa", "45", "", "2"},
	{"Tỉnh Long An", "Phường Tân An", "Khu phố 1", "TA-KP1", "Tổ CNSCĐ khu phố 1", "Đặng Quốc Huy", "đúng hạn", "19/11/2026 20:30", "Đặng Quốc Huy", "tổ trưởng", "2",
		"36", "", "- Hướng dẫn cài VNeID cho 12 người", "12", "Thiếu điện thoại thông minh, nhiều người cao tuổi", "1"},
	{"Tỉnh Long An", "Phường Tân An", "Khu phố 2", "TA-KP2", "Tổ CNSCĐ khu phố 2", "Huỳnh Thị Mai", "trễ hạn", "23/11/2026 08:00", "Huỳnh Thị Mai", "tổ trưởng", "2",
		"22", "", `Tuyên truyền "Ngày chuyển đổi số"`, "6", "Sửa số liệu:\nsố hộ là 22", "3"},
	{"Tỉnh Long An", "Phường Tân An", "Khu phố 3", "TA-KP3", "Tổ CNSCĐ khu phố 3", "Ngô Thị Lan", "thiếu", "", "", "", "0",
		"", "", "", "", "", "0"},
}

// summaryGrid is the "Tổng hợp" sheet of the same export: LA-TINH hangs on
// the province (no parent, no approver), the quarters of Tân An count under
// their parent (no approver), the villages of An Thạnh under its approver.
var summaryGrid = [][]string{
	{"Mã đơn vị", "Xã/phường", "Số tổ phải báo cáo", "Đã báo cáo", "Đúng hạn", "Trễ hạn", "Thiếu", "Chưa đến hạn", "Tỷ lệ báo cáo (%)", "Tỷ lệ đúng hạn (%)"},
	{"80", "Tỉnh Long An", "1", "1", "1", "0", "0", "0", "100", "100"},
	{"80.001", "Xã An Thạnh", "3", "2", "1", "1", "0", "1", "66.7", "33.3"},
	{"80.002", "Phường Tân An", "3", "2", "1", "1", "1", "0", "66.7", "33.3"},
	{"Tổng cộng", "", "7", "5", "3", "2", "1", "1", "71.4", "42.9"},
	{},
	{"Kỳ báo cáo", "tháng 11/2026"},
	{"Đơn vị", "Tỉnh Long An"},
	{"Số liệu tính đến", "03/12/2026 10:00"},
}

func novemberQuery(t testing.TB) stats.Query {
	loc := hcm(t)
	return stats.Query{Unit: "80", Period: period(t, "2026-11"), At: time.Date(2026, 12, 3, 10, 0, 0, 0, loc), Loc: loc}
}

func export(t testing.TB, db *store.DB, write func(*store.Tx, io.Writer, stats.Query) error, q stats.Query) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	err := db.View(func(tx *store.Tx) error { return write(tx, &buf, q) })
	return buf.Bytes(), err
}

func TestXLSXExportCellByCell(t *testing.T) {
	db := openFixture(t)
	data, err := export(t, db, stats.WriteXLSX, novemberQuery(t))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the export does not open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != stats.SheetReports || got[1] != stats.SheetSummary {
		t.Fatalf("sheets %q, want [%s %s]", got, stats.SheetReports, stats.SheetSummary)
	}
	for _, sheet := range []struct {
		name string
		grid [][]string
	}{{stats.SheetReports, reportGrid}, {stats.SheetSummary, summaryGrid}} {
		for r, row := range sheet.grid {
			for col := 0; col < len(sheet.grid[0]); col++ {
				want := ""
				if col < len(row) {
					want = row[col]
				}
				cell, _ := excelize.CoordinatesToCellName(col+1, r+1)
				if got, err := f.GetCellValue(sheet.name, cell); err != nil || got != want {
					t.Errorf("%s!%s = %q (%v), want %q", sheet.name, cell, got, err, want)
				}
			}
		}
		rows, err := f.GetRows(sheet.name)
		if err != nil || len(rows) != len(sheet.grid) {
			t.Errorf("%s: %d rows (%v), want %d", sheet.name, len(rows), err, len(sheet.grid))
		}
	}
	// Counts are numbers and the filing time a date, so the sheet sums and sorts them.
	for _, cell := range []string{"K2", "L2", "M2", "O5", "Q7"} {
		if typ, _ := f.GetCellType(stats.SheetReports, cell); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("%s!%s is text, want a number", stats.SheetReports, cell)
		}
	}
	raw, _ := f.GetCellValue(stats.SheetReports, "H2", excelize.Options{RawCellValue: true})
	// 2 December 2026 09:15 is day 46358 of Excel's calendar, and 9.25/24 of a day.
	if v, err := strconv.ParseFloat(raw, 64); err != nil || fmt.Sprintf("%.6f", v) != fmt.Sprintf("%.6f", 46358+9.25/24) {
		t.Errorf("H2 holds %q, want the date serial of 02/12/2026 09:15", raw)
	}
	if typ, _ := f.GetCellType(stats.SheetReports, "N2"); typ != excelize.CellTypeInlineString {
		t.Errorf("a text answer is stored as %v, want text", typ)
	}
}

func TestCSVExport(t *testing.T) {
	db := openFixture(t)
	data, err := export(t, db, stats.WriteCSV, novemberQuery(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBFTỉnh/thành phố,")) {
		t.Fatalf("want a UTF-8 byte order mark then the header, got %q", data[:min(len(data), 40)])
	}
	if !bytes.Contains(data, []byte("\r\n")) || bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
		t.Error("lines must end in CRLF (RFC 4180)")
	}
	if !bytes.Contains(data, []byte(`"Tuyên truyền ""Ngày chuyển đổi số"""`)) {
		t.Error("quotes inside a field must be doubled")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(reportGrid) {
		t.Fatalf("%d records, want %d", len(recs), len(reportGrid))
	}
	for r, row := range reportGrid {
		for col, want := range row {
			if strings.HasPrefix(want, "-") {
				want = "'" + want // defused: Excel would run "- Hướng dẫn…" as a formula
			}
			if got := recs[r][col]; got != want {
				t.Errorf("record %d, column %q: %q, want %q", r+1, reportGrid[0][col], got, want)
			}
		}
	}
}

func TestExportsWriteNothingOnError(t *testing.T) {
	db := openFixture(t)
	for _, unit := range []string{"99", "80.003"} {
		q := novemberQuery(t)
		q.Unit = unit
		for name, write := range map[string]func(*store.Tx, io.Writer, stats.Query) error{"csv": stats.WriteCSV, "xlsx": stats.WriteXLSX} {
			data, err := export(t, db, write, q)
			if err == nil || len(data) != 0 {
				t.Errorf("%s of %s: %d bytes, error %v; want nothing and an error", name, unit, len(data), err)
			}
		}
	}
	q := novemberQuery(t)
	q.Period = period(t, "2027-01")
	if _, err := export(t, db, stats.WriteXLSX, q); !errors.Is(err, stats.ErrNotStarted) {
		t.Errorf("January 2027: %v, want ErrNotStarted", err)
	}
}

// A directory of the 2022 shape has a district between province and commune: it gets its own column.
func TestExportWithDistricts(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "cdtbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := importer.ImportFile(db, "../../testdata/directory/quang-nam.json"); err != nil {
		t.Fatal(err)
	}
	loc := hcm(t)
	q := stats.Query{Unit: "49.508", Period: period(t, "2026-11"), At: time.Date(2026, 12, 10, 8, 0, 0, 0, loc), Loc: loc}
	data, err := export(t, db, stats.WriteCSV, q)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Tỉnh/thành phố", "Quận/huyện", "Xã/phường", "Thôn/tổ dân phố", "Mã tổ", "Tên tổ", "Tổ trưởng", "Tình trạng"},
		{"Tỉnh Quảng Nam", "Huyện Duy Xuyên", "Xã Duy Sơn", "Thôn Trà Kiệu Đông", "DS-TKD", "Tổ công nghệ số cộng đồng thôn Trà Kiệu Đông", "Võ Văn Thành", "thiếu"},
		{"Tỉnh Quảng Nam", "Huyện Duy Xuyên", "Xã Duy Sơn", "Thôn Trà Kiệu Tây", "DS-TKT", "Tổ công nghệ số cộng đồng thôn Trà Kiệu Tây", "Huỳnh Tấn Lợi", "thiếu"},
		{"Tỉnh Quảng Nam", "Huyện Duy Xuyên", "Xã Duy Sơn", "", "DS-XA", "Tổ công nghệ số cộng đồng xã Duy Sơn", "Lương Văn Đức", "thiếu"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		if got := recs[i][:len(w)]; strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("record %d:\n got %q\nwant %q", i+1, got, w)
		}
	}
	// The default question set: twelve questions, then the photo count.
	if n := len(recs[0]); n != 8+4+len(store.DefaultQuestionSet.Questions)+1 {
		t.Errorf("%d columns, want %d", n, 8+4+len(store.DefaultQuestionSet.Questions)+1)
	}
}

// peakWriter discards what it is given and samples the live heap every MiB.
type peakWriter struct {
	n, next int
	peak    uint64
}

func (w *peakWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n >= w.next {
		w.next = w.n + 1<<20
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.peak = max(w.peak, m.HeapAlloc)
	}
	return len(p), nil
}

// A province of 20,000 teams exports in the memory of a few rows: the live
// heap while writing stays far below the size of what is written.
func TestCSVExportMemoryIsBounded(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds 20,000 teams: too slow for -short and -race (one goroutine, nothing to race)")
	}
	const communes, villages = 100, 200
	db, err := store.Open(filepath.Join(t.TempDir(), "cdtbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := hcm(t)
	cutoff, story := 20, strings.Repeat("Hướng dẫn người dân dùng dịch vụ công trực tuyến. ", 6)
	err = db.Update(func(tx *store.Tx) error {
		if err := tx.PutUnit(store.Unit{Code: "S", Name: "Thử Nghiệm", Level: "tỉnh", Policy: &store.Policy{CutoffDay: &cutoff}}); err != nil {
			return err
		}
		for c := range communes {
			cc := fmt.Sprintf("S.%03d", c)
			if err := tx.PutUnit(store.Unit{Code: cc, Name: "Xã " + cc, Level: "xã", Parent: "S"}); err != nil {
				return err
			}
			for v := range villages {
				vc := fmt.Sprintf("%s.%03d", cc, v)
				if err := tx.PutUnit(store.Unit{Code: vc, Name: "Thôn " + vc, Level: "thôn", Parent: cc}); err != nil {
					return err
				}
				if err := tx.PutTeam(store.Team{Code: "T" + vc, Name: "Tổ " + vc, Unit: vc, Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
					return err
				}
				if _, err := tx.SaveReport(store.Report{Team: "T" + vc, Period: "2026-11", FiledBy: "1", Role: store.RoleLeader,
					FiledAt: time.Date(2026, 11, 10, 9, 0, 0, 0, loc), Question: "default",
					Answers: map[string]string{"households": "12", "gov": story, "econ": story, "soc": story}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	q := stats.Query{Unit: "S", Period: period(t, "2026-11"), At: time.Date(2026, 12, 1, 8, 0, 0, 0, loc), Loc: loc}
	runtime.GC()
	runtime.GC() // the second empties sync.Pools that survived the first
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	w := &peakWriter{}
	if err := db.View(func(tx *store.Tx) error { return stats.WriteCSV(tx, w, q) }); err != nil {
		t.Fatal(err)
	}
	grew := int64(w.peak) - int64(before.HeapAlloc)
	t.Logf("wrote %d MB, live heap grew by at most %d KB", w.n>>20, grew>>10)
	if w.n < 16<<20 {
		t.Fatalf("wrote only %d bytes: the test proves nothing", w.n)
	}
	if grew > 2<<20 {
		t.Errorf("live heap grew by %d KB while writing %d MB: rows are being kept", grew>>10, w.n>>20)
	}
}
