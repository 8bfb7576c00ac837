package admin_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cdtbot/cdtbot/bot/bottest"
)

// statsHarness is a bot holding testdata/stats (directory and reports) on 3 December 2026, 10:00 in Hanoi.
func statsHarness(t *testing.T) *harness { return &harness{bottest.NewStats(t)} }

// novemberJSON is the whole answer for the province, November, as of 3 December 10:00,
// worked out by hand in store/stats/stats_test.go (TestSummaryByHand, TestSeriesOfTwelvePeriods).
const novemberJSON = `{
 "unit": "80", "name": "Tỉnh Long An", "period": "2026-11", "at": "2026-12-03T10:00:00+07:00",
 "rows": [
  {"unit": "80", "name": "Tỉnh Long An", "expected": 1, "reported": 1, "on_time": 1, "late": 0, "missing": 0, "not_due": 0, "reporting_rate": 100, "on_time_rate": 100},
  {"unit": "80.001", "name": "Xã An Thạnh", "expected": 3, "reported": 2, "on_time": 1, "late": 1, "missing": 0, "not_due": 1, "reporting_rate": 66.7, "on_time_rate": 33.3},
  {"unit": "80.002", "name": "Phường Tân An", "expected": 3, "reported": 2, "on_time": 1, "late": 1, "missing": 1, "not_due": 0, "reporting_rate": 66.7, "on_time_rate": 33.3}
 ],
 "total": {"expected": 7, "reported": 5, "on_time": 3, "late": 2, "missing": 1, "not_due": 1, "reporting_rate": 71.4, "on_time_rate": 42.9},
 "series": [
  {"period": "2025-12", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-01", "expected": 7, "reported": 1, "on_time": 0, "late": 1, "missing": 6, "not_due": 0, "reporting_rate": 14.3, "on_time_rate": 0},
  {"period": "2026-02", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-03", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-04", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-05", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-06", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-07", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-08", "expected": 7, "reported": 0, "on_time": 0, "late": 0, "missing": 7, "not_due": 0, "reporting_rate": 0, "on_time_rate": 0},
  {"period": "2026-09", "expected": 7, "reported": 2, "on_time": 2, "late": 0, "missing": 5, "not_due": 0, "reporting_rate": 28.6, "on_time_rate": 28.6},
  {"period": "2026-10", "expected": 7, "reported": 5, "on_time": 3, "late": 2, "missing": 2, "not_due": 0, "reporting_rate": 71.4, "on_time_rate": 42.9},
  {"period": "2026-11", "expected": 7, "reported": 5, "on_time": 3, "late": 2, "missing": 1, "not_due": 1, "reporting_rate": 71.4, "on_time_rate": 42.9}
 ],
 "sends": {"cs_free": 0, "cs_paid": 0, "group": 0, "zns": 0}
}`

func TestStatsEndpoint(t *testing.T) {
	h := statsHarness(t)
	got := h.Get("/api/v1/stats?unit=80&period=2026-11&at=2026-12-03T10:00:00%2B07:00", "admin-secret")
	var want bytes.Buffer
	if err := json.Compact(&want, []byte(novemberJSON)); err != nil {
		t.Fatal(err)
	}
	if got != "200 "+want.String() {
		t.Errorf("GET /api/v1/stats:\n got %s\nwant 200 %s", got, want.String())
	}

	// Without at, the database clock decides: it is 3 December, so AT-A2's report of 4/12 is not in yet.
	type summary struct {
		Unit, Period, At string
		Rows             []struct{ Unit string }
		Total            struct {
			Expected, Reported int
			OnTime             int `json:"on_time"`
			NotDue             int `json:"not_due"`
		}
		Series []struct{ Period string }
	}
	decode := func(path string) summary {
		t.Helper()
		out := h.Get(path, "admin-secret")
		if !strings.HasPrefix(out, "200 ") {
			t.Fatalf("GET %s: %s", path, out)
		}
		var s summary
		if err := json.Unmarshal([]byte(strings.TrimPrefix(out, "200 ")), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := decode("/api/v1/stats?unit=80&period=2026-11")
	if !strings.HasPrefix(s.At, "2026-12-03T10:0") || s.Total.Expected != 7 || s.Total.Reported != 5 || s.Total.NotDue != 1 {
		t.Errorf("as of the database clock: at %s, total %+v; want 3 December 10:0x, 7 expected, 5 reported, 1 not due", s.At, s.Total)
	}
	// By 7 December it is in, and on time (the 5th's deadline is 6/12 00:00).
	s = decode("/api/v1/stats?unit=80&period=2026-11&at=2026-12-07T10:00:00%2B07:00")
	if s.Total.Reported != 6 || s.Total.OnTime != 4 || s.Total.NotDue != 0 {
		t.Errorf("as of 7 December: total %+v, want 6 reported, 4 on time, none not due", s.Total)
	}
	// No period: the open period of most teams under the unit (five of seven close the current month).
	s = decode("/api/v1/stats?unit=80")
	if s.Period != "2026-12" || s.Total.Expected != 5 || s.Total.NotDue != 5 || len(s.Series) != 12 || s.Series[0].Period != "2026-01" {
		t.Errorf("default period: %s with %+v and %d periods from %s; want 2026-12, 5 expected, 5 not due, 12 periods from 2026-01",
			s.Period, s.Total, len(s.Series), s.Series[0].Period)
	}
	s = decode("/api/v1/stats?unit=80.002&period=2026-11")
	if len(s.Rows) != 3 || s.Rows[0].Unit != "80.002.01" || s.Rows[2].Unit != "80.002.03" || s.Total.Expected != 3 || s.Total.Reported != 2 {
		t.Errorf("a ward: rows %+v, total %+v", s.Rows, s.Total)
	}
}

func TestStatsAndExportErrors(t *testing.T) {
	h := statsHarness(t)
	for _, base := range []string{"/api/v1/stats", "/api/v1/exports/report.csv", "/api/v1/exports/report.xlsx"} {
		for _, tc := range []struct {
			query, token, want string
		}{
			{"?unit=80&period=2026-11", "", `401 {"code":"unauthorized","error":"missing or wrong bearer token"}`},
			{"?unit=80&period=2026-11", "wrong", `401 {"code":"unauthorized"`},
			{"?period=2026-11", "admin-secret", `400 {"code":"missing_unit"`},
			{"?unit=80&period=2026-13", "admin-secret", `400 {"code":"bad_period"`},
			{"?unit=80&period=11-2026", "admin-secret", `400 {"code":"bad_period"`},
			{"?unit=80&period=2026-1", "admin-secret", `400 {"code":"bad_period"`},
			{"?unit=80&at=yesterday", "admin-secret", `400 {"code":"bad_at"`},
			{"?unit=99&period=2026-11", "admin-secret", `404 {"code":"unknown_unit"`},
			{"?unit=80.003&period=2026-11", "admin-secret", `404 {"code":"no_data"`},                  // Bình Lãng has no team
			{"?unit=80.003", "admin-secret", `404 {"code":"no_data"`},                                 // nor a default period
			{"?unit=80&period=2027-01", "admin-secret", `400 {"code":"period_not_started"`},           // begins on 1/1 at the earliest
			{"?unit=80.001.01&period=2026-12", "admin-secret", `400 {"code":"period_not_started"`},    // the 5th's December begins on 1/1
			{"?unit=80.001.01&period=2026-12&at=2027-01-01T00:00:00%2B07:00", "admin-secret", "200 "}, // …and then it has
		} {
			resp, body := h.Download(base+tc.query, tc.token)
			got := resp.Status[:3] + " " + string(body)
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("GET %s%s (token %q): %.120s, want %s…", base, tc.query, tc.token, got, tc.want)
			}
			if resp.StatusCode != http.StatusOK {
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || resp.Header.Get("Content-Disposition") != "" {
					t.Errorf("GET %s%s: an error as %q with disposition %q, want plain JSON", base, tc.query, ct, resp.Header.Get("Content-Disposition"))
				}
			}
		}
	}
}

func TestExportEndpoints(t *testing.T) {
	h := statsHarness(t)
	resp, body := h.Download("/api/v1/exports/report.csv?unit=80&period=2026-11", "admin-secret")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CSV: %d %s", resp.StatusCode, body)
	}
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || cd != `attachment; filename="bao-cao-2026-11-80.csv"` {
		t.Errorf("CSV headers: %q, %q", ct, cd)
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Error("CSV without a byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A header and the seven teams, in team code order; the whole grid is checked in store/stats.
	var teams []string
	for _, r := range recs[1:] {
		teams = append(teams, r[3]+" "+r[6])
	}
	if want := "AT-A1 đúng hạn|AT-A2 chưa đến hạn|AT-XA trễ hạn|LA-TINH đúng hạn|TA-KP1 đúng hạn|TA-KP2 trễ hạn|TA-KP3 thiếu"; strings.Join(teams, "|") != want || recs[0][0] != "Tỉnh/thành phố" {
		t.Errorf("CSV rows %q,\nwant %s", teams, want)
	}

	// XLSX without a period: the default (December for most teams under Tân An) names the file.
	resp, body = h.Download("/api/v1/exports/report.xlsx?unit=80.002", "admin-secret")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("XLSX: %d %s", resp.StatusCode, body)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="bao-cao-2026-12-80.002.xlsx"` {
		t.Errorf("XLSX disposition %q", cd)
	}
	resp, body = h.Download("/api/v1/exports/report.xlsx?unit=80&period=2026-11&at=2026-12-07T10:00:00%2B07:00", "admin-secret")
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); resp.StatusCode != http.StatusOK ||
		ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || cd != `attachment; filename="bao-cao-2026-11-80.xlsx"` {
		t.Fatalf("XLSX: %d %q %q", resp.StatusCode, ct, cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	defer f.Close()
	for _, c := range []struct{ sheet, cell, want string }{
		{"Báo cáo", "D3", "AT-A2"},
		{"Báo cáo", "G3", "đúng hạn"}, // filed 4/12, before the 5th's deadline of 6/12, and it is 7/12
		{"Báo cáo", "H3", "04/12/2026 07:30"},
		{"Tổng hợp", "A3", "80.001"},
		{"Tổng hợp", "D3", "3"}, // An Thạnh: all three reported
		{"Tổng hợp", "E3", "2"},
		{"Tổng hợp", "A5", "Tổng cộng"},
		{"Tổng hợp", "C5", "7"},
		{"Tổng hợp", "D5", "6"},
		{"Tổng hợp", "I5", "85.7"},
		{"Tổng hợp", "J5", "57.1"},
		{"Tổng hợp", "B9", "07/12/2026 10:00"},
	} {
		if got, _ := f.GetCellValue(c.sheet, c.cell); got != c.want {
			t.Errorf("%s!%s = %q, want %q", c.sheet, c.cell, got, c.want)
		}
	}
}
