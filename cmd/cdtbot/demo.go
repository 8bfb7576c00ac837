package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/cdtbot/cdtbot/store"
	"github.com/cdtbot/cdtbot/store/importer"
)

// demoDirectory is the sandbox demo: one real province of the national list (Hà Tĩnh, code 42)
// with two real communes under different rules side by side — Xã Đức Thọ, 3 members per team and
// collaborators when full (as Đức Thọ's 2022 plan), and Phường Thành Sen, up to 10 members (as Bến
// Tre's) — invented villages and residential groups, teams, people, approvers and an officers' group.
// Everything invented says [DEMO]. testdata/demo/directory.json is a copy (demo_test.go keeps it so),
// importable by hand into any database.
const demoDirectory = `{
  "about": "[DEMO] Dữ liệu mẫu để thử cdtbot ở chế độ sandbox: tỉnh Hà Tĩnh và hai xã/phường thật theo danh mục 2025; thôn, tổ dân phố, tổ, người và số điện thoại đều là bịa. Xã Đức Thọ: tổ 3 người, đủ thì đăng ký cộng tác viên. Phường Thành Sen: tổ tối đa 10 người. Hạn báo cáo ngày 20 hằng tháng.",
  "question_sets": [
    {"id": "demo-ha-tinh", "name": "[DEMO] Báo cáo tháng Tổ CNSCĐ tỉnh Hà Tĩnh", "questions": [
      {"id": "households", "label": "Số hộ gia đình được hướng dẫn", "kind": "count", "max": 100000},
      {"id": "dvctt", "label": "Số hồ sơ dịch vụ công trực tuyến đã hỗ trợ nộp", "kind": "count", "max": 100000},
      {"id": "vneid", "label": "Số tài khoản VNeID mức 2 đã kích hoạt", "kind": "count", "max": 100000},
      {"id": "gov", "label": "Kết quả về chính quyền số", "kind": "text", "pillar": "chính quyền số"},
      {"id": "econ", "label": "Kết quả về kinh tế số", "kind": "text", "pillar": "kinh tế số"},
      {"id": "soc", "label": "Kết quả về xã hội số", "kind": "text", "pillar": "xã hội số"},
      {"id": "difficulties", "label": "Khó khăn, vướng mắc", "kind": "text", "optional": true}
    ]}
  ],
  "units": [
    {"code": "42", "name": "Hà Tĩnh", "level": "tỉnh", "full_name": "Tỉnh Hà Tĩnh",
     "policy": {"cutoff_day": 20, "closes": "current", "question_set": "demo-ha-tinh"}},
    {"code": "18229", "name": "Đức Thọ", "level": "xã", "full_name": "Xã Đức Thọ", "parent": "42",
     "policy": {"max_members": 3, "collaborators": true}},
    {"code": "18229.01", "name": "Thôn Hòa Bình", "level": "thôn", "parent": "18229"},
    {"code": "18229.02", "name": "Thôn Phúc Thịnh", "level": "thôn", "parent": "18229"},
    {"code": "18073", "name": "Thành Sen", "level": "phường", "full_name": "Phường Thành Sen", "parent": "42",
     "policy": {"max_members": 10}},
    {"code": "18073.03", "name": "Tổ dân phố 3", "level": "tổ dân phố", "parent": "18073"},
    {"code": "18073.05", "name": "Tổ dân phố 5", "level": "tổ dân phố", "parent": "18073"}
  ],
  "teams": [
    {"code": "DEMO-DT-HB", "name": "[DEMO] Tổ CNSCĐ thôn Hòa Bình", "unit": "18229.01", "join_code": "DEMO01", "created": "2025-01-01"},
    {"code": "DEMO-DT-PT", "name": "[DEMO] Tổ CNSCĐ thôn Phúc Thịnh", "unit": "18229.02", "join_code": "DEMO02", "created": "2025-01-01"},
    {"code": "DEMO-TS-3", "name": "[DEMO] Tổ CNSCĐ tổ dân phố 3", "unit": "18073.03", "join_code": "DEMO03", "created": "2025-01-01"},
    {"code": "DEMO-TS-5", "name": "[DEMO] Tổ CNSCĐ tổ dân phố 5", "unit": "18073.05", "join_code": "DEMO05", "created": "2025-01-01"}
  ],
  "people": [
    {"zalo_id": "4200000000000000101", "name": "Nguyễn Văn Hùng", "phone": "0912000101", "roles": [{"team": "DEMO-DT-HB", "role": "leader"}]},
    {"zalo_id": "4200000000000000102", "name": "Trần Thị Mai", "phone": "0912000102", "roles": [{"team": "DEMO-DT-HB", "role": "deputy"}]},
    {"zalo_id": "4200000000000000103", "name": "Lê Văn Quang", "phone": "0912000103", "roles": [{"team": "DEMO-DT-HB", "role": "member"}]},
    {"zalo_id": "4200000000000000104", "name": "Phạm Quốc Việt", "phone": "0912000104", "roles": [{"team": "DEMO-DT-HB", "role": "collaborator"}]},
    {"zalo_id": "4200000000000000201", "name": "Phan Văn Bình", "phone": "0912000201", "roles": [{"team": "DEMO-DT-PT", "role": "leader"}]},
    {"zalo_id": "4200000000000000202", "name": "Võ Thị Hoa", "phone": "0912000202", "roles": [{"team": "DEMO-DT-PT", "role": "deputy"}]},
    {"zalo_id": "4200000000000000301", "name": "Hoàng Văn Sơn", "phone": "0912000301", "roles": [{"team": "DEMO-TS-3", "role": "leader"}]},
    {"zalo_id": "4200000000000000302", "name": "Đặng Thị Lan", "phone": "0912000302", "roles": [{"team": "DEMO-TS-3", "role": "deputy"}]},
    {"zalo_id": "4200000000000000303", "name": "Bùi Văn Toàn", "phone": "0912000303", "roles": [{"team": "DEMO-TS-3", "role": "member"}]},
    {"zalo_id": "4200000000000000304", "name": "Ngô Thị Hạnh", "phone": "0912000304", "roles": [{"team": "DEMO-TS-3", "role": "member"}]},
    {"zalo_id": "4200000000000000305", "name": "Đỗ Minh Tuấn", "phone": "0912000305", "roles": [{"team": "DEMO-TS-3", "role": "member"}]},
    {"zalo_id": "4200000000000000401", "name": "Hồ Văn Tâm", "phone": "0912000401", "roles": [{"team": "DEMO-TS-5", "role": "leader"}]},
    {"zalo_id": "4200000000000000402", "name": "Lý Thị Ngọc", "phone": "0912000402", "roles": [{"team": "DEMO-TS-5", "role": "deputy"}]},
    {"zalo_id": "4200000000000000403", "name": "Đinh Văn Long", "phone": "0912000403", "roles": [{"team": "DEMO-TS-5", "role": "member"}]},
    {"zalo_id": "4200000000000000901", "name": "Lê Văn Thành", "phone": "0912000901"},
    {"zalo_id": "4200000000000000902", "name": "Nguyễn Thị Thu", "phone": "0912000902"}
  ],
  "approvers": [
    {"unit": "18229", "zalo_id": "4200000000000000901", "name": "[DEMO] Chủ tịch UBND xã Đức Thọ"},
    {"unit": "18073", "zalo_id": "4200000000000000902", "name": "[DEMO] Chủ tịch UBND phường Thành Sen"}
  ],
  "officers": [
    {"id": "demo-skhcn-ha-tinh", "name": "[DEMO] Sở KH&CN Hà Tĩnh", "group_id": "4299000000000000001", "scope": "42"}
  ]
}
`

// demoReports is the story of the last three closed months, oldest first, per team:
// 'o' on time, 'l' late, '-' missing. The open month is left to the people trying the demo,
// except that the last team filed it early when the month has begun long enough for that.
var demoReports = []struct {
	team, leader string
	past         string
	filedOpen    bool
}{
	{"DEMO-DT-HB", "4200000000000000101", "ooo", false},
	{"DEMO-DT-PT", "4200000000000000201", "ol-", false},
	{"DEMO-TS-3", "4200000000000000301", "ool", false},
	{"DEMO-TS-5", "4200000000000000401", "loo", true},
}

// demoOut is where the one-line notice goes (the serve command's standard output).
var demoOut io.Writer = os.Stdout

// errNotEmpty stops the unit scan at the first unit.
var errNotEmpty = errors.New("database has units")

// seedDemo fills an EMPTY sandbox database (no units) with the labelled demo directory and a few
// months of reports, filed in the past relative to db.Now(). The caller runs it only in sandbox mode.
func seedDemo(db *store.DB, loc *time.Location, log zerolog.Logger) error {
	err := db.View(func(tx *store.Tx) error {
		return tx.AllUnits(func(store.Unit) error { return errNotEmpty })
	})
	if errors.Is(err, errNotEmpty) {
		return nil
	}
	if err != nil {
		return err
	}
	res, err := importer.Import(db, "demo directory", strings.NewReader(demoDirectory))
	if err != nil {
		return err
	}
	if loc == nil {
		loc = time.UTC
	}
	var reports int
	err = db.Update(func(tx *store.Tx) error {
		now := tx.Now()
		for i, d := range demoReports {
			pol, err := tx.EffectivePolicy(d.team)
			if err != nil {
				return err
			}
			cal := pol.Calendar(loc)
			open := cal.OpenPeriod(now)
			p := open
			for range d.past {
				p = p.Prev()
			}
			for j, c := range d.past {
				var filed time.Time
				switch c {
				case 'o': // a few days before the deadline, mid-morning
					filed = cal.Deadline(p).AddDate(0, 0, -2-(i+j)%4).Add(-14*time.Hour - time.Duration(10*j)*time.Minute)
				case 'l': // two or three days late
					filed = cal.Deadline(p).AddDate(0, 0, 2+(i+j)%2).Add(9*time.Hour + 20*time.Minute)
				}
				if !filed.IsZero() && filed.Before(now) {
					if _, err := tx.SaveReport(demoReport(d.team, d.leader, p, filed, !filed.Before(cal.Deadline(p)), pol.QuestionSet, i, j)); err != nil {
						return err
					}
					reports++
				}
				p = p.Next()
			}
			filed := now.Add(-3 * time.Hour) // on time: a few hours ago, or the 19th when the deadline has passed
			if early := cal.Deadline(open).AddDate(0, 0, -2).Add(10 * time.Hour); early.Before(filed) {
				filed = early
			}
			if d.filedOpen && !filed.Before(cal.PeriodStart(open).Add(24*time.Hour)) {
				if _, err := tx.SaveReport(demoReport(d.team, d.leader, open, filed, !filed.Before(cal.Deadline(open)), pol.QuestionSet, i, len(d.past))); err != nil {
					return err
				}
				reports++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	log.Info().Str("db", db.Path()).Int("units", res.Units).Int("teams", res.Teams).Int("people", res.People).Int("reports", reports).
		Msg("demo directory loaded into the empty sandbox database: try it at /dev/chat; to start afresh, stop the server and delete the database file")
	fmt.Fprintf(demoOut, "cdtbot: DEMO loaded into the empty database ([DEMO] tỉnh Hà Tĩnh: %d teams in 2 communes, %d people, %d reports); chat with it at /dev/chat. To start afresh, stop the server and delete %s (CDTBOT_NO_DEMO=1 starts empty).\n",
		res.Teams, res.People, reports, db.Path())
	return nil
}

// demoReport is one plausible monthly report; the numbers vary by team and month.
func demoReport(team, leader string, p store.Period, filed time.Time, late bool, questionSet string, i, j int) store.Report {
	n := func(base, spread int) string { return strconv.Itoa(base + (i*7+j*5+base)%spread) }
	answers := map[string]string{
		"households": n(18, 25),
		"dvctt":      n(6, 12),
		"vneid":      n(9, 15),
		"gov":        "Hướng dẫn người dân cài đặt, kích hoạt VNeID mức 2 và nộp hồ sơ dịch vụ công trực tuyến tại nhà văn hóa.",
		"econ":       "Hỗ trợ hộ kinh doanh mở tài khoản thanh toán, tạo mã QR nhận tiền và đưa nông sản lên sàn thương mại điện tử.",
		"soc":        "Tuyên truyền trên loa phát thanh và nhóm Zalo về lừa đảo qua mạng, sổ sức khỏe điện tử.",
	}
	if d := demoDifficulties[(i+j)%len(demoDifficulties)]; d != "" {
		answers["difficulties"] = d
	}
	return store.Report{Team: team, Period: p.String(), FiledBy: leader, Role: store.RoleLeader, FiledAt: filed, Late: late,
		Question: questionSet, Answers: answers}
}

// demoDifficulties rotate through the optional question; "" is a skipped answer.
var demoDifficulties = []string{"Nhiều người cao tuổi chưa có điện thoại thông minh.", "", "Sóng di động yếu ở khu vực cuối thôn."}
