package zalo

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

const (
	evtFixtureDir = "../../testdata/zalo"
	evtApp        = "360846524940903967"
	evtOA         = "388613280878808645"
)

// evtWant is what one fixture must parse to. Every field is compared, so a
// zero value asserts absence (e.g. info nil means Event.Info must be nil).
type evtWant struct {
	name      string
	cat       Category
	known     bool
	userID    string
	groupID   string
	oaID      string
	adminID   string
	ts        int64
	msgID     string
	text      string
	quote     string
	react     string
	convID    string
	msgIDs    []string
	attach    []Attachment
	loc       *Coordinates
	noMessage bool
	info      *UserInfo
	members   []string
	consent   *Consent
	phone     string
	source    string
	dedupe    string
	partition string
}

// evtFixtures has one row per file in testdata/zalo; TestParseFixtures fails
// for a file without a row and for a row without a file.
var evtFixtures = map[string]evtWant{
	"user_send_text.json": {
		name: EventUserSendText, cat: CategoryUserMessage, known: true,
		userID: "246845883529197922", oaID: evtOA, ts: 1717392600123,
		msgID: "96d3cdf3af150460909", text: "Cho em xin báo cáo tuần này ạ",
		dedupe: "m:96d3cdf3af150460909", partition: "u:246845883529197922",
	},
	"user_send_text_quote.json": {
		name: EventUserSendText, cat: CategoryUserMessage, known: true,
		userID: "3012756640428391874", oaID: evtOA, ts: 1717392641876,
		msgID: "a1f0c9d2e3b4a5c6d7e8", text: "Dạ đúng rồi, anh gửi lại giúp em nhé", quote: "7c2e91b04d5f36a8e210",
		dedupe: "m:a1f0c9d2e3b4a5c6d7e8", partition: "u:3012756640428391874",
	},
	"user_send_text_numeric_ids.json": {
		name: EventUserSendText, cat: CategoryUserMessage, known: true,
		userID: "7748392016574839201", oaID: evtOA, ts: 1717394144567,
		msgID: "f8a9b0c1d2e3f4a5b6c7", text: "Số liệu kèm theo",
		dedupe: "m:f8a9b0c1d2e3f4a5b6c7", partition: "u:7748392016574839201",
	},
	"user_send_image.json": {
		name: EventUserSendImage, cat: CategoryUserMessage, known: true,
		userID: "5587221009837465120", oaID: evtOA, ts: 1717393001457,
		msgID: "b5e2a7c41f0d93e88a12", text: "Ảnh hóa đơn tháng 5",
		attach: []Attachment{{Type: "image",
			Thumbnail: "https://s240-ava-talk.zadn.vn/thumb/2/9/1/8/4/240/hoadon.jpg",
			URL:       "https://s120-ava-talk.zadn.vn/photo/2/9/1/8/4/hoadon.jpg"}},
		dedupe: "m:b5e2a7c41f0d93e88a12", partition: "u:5587221009837465120",
	},
	"user_send_file.json": {
		name: EventUserSendFile, cat: CategoryUserMessage, known: true,
		userID: "8104426573920184733", oaID: evtOA, ts: 1717393122900,
		msgID: "c9d4f1e2a3b5c6d7e8f9",
		attach: []Attachment{{Type: "file", Size: 245760, Name: "bao-cao-thang-5.pdf", FileType: "pdf",
			URL: "https://f21-zpc.zdn.vn/2905734815263747581/bao-cao-thang-5.pdf"}},
		dedupe: "m:c9d4f1e2a3b5c6d7e8f9", partition: "u:8104426573920184733",
	},
	"user_send_sticker.json": {
		name: EventUserSendSticker, cat: CategoryUserMessage, known: true,
		userID: "6639021847732019844", oaID: evtOA, ts: 1717393250011,
		msgID: "d0e1f2a3b4c5d6e7f8a9",
		attach: []Attachment{{Type: "sticker", ID: "29a21e81e2c40b9a52d5",
			URL: "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=29a21e81e2c40b9a52d5&size=130"}},
		dedupe: "m:d0e1f2a3b4c5d6e7f8a9", partition: "u:6639021847732019844",
	},
	"user_send_gif.json": {
		name: EventUserSendGIF, cat: CategoryUserMessage, known: true,
		userID: "7740192283746501928", oaID: evtOA, ts: 1717393377450,
		msgID: "e1f2a3b4c5d6e7f8a9b0",
		attach: []Attachment{{Type: "gif",
			Thumbnail: "https://media.giphy.com/media/xT9IgG50Fb7Mi0prBC/200_s.gif",
			URL:       "https://media.giphy.com/media/xT9IgG50Fb7Mi0prBC/giphy.gif"}},
		dedupe: "m:e1f2a3b4c5d6e7f8a9b0", partition: "u:7740192283746501928",
	},
	"user_send_audio.json": {
		name: EventUserSendAudio, cat: CategoryUserMessage, known: true,
		userID: "1182736450019283746", oaID: evtOA, ts: 1717393488123,
		msgID:  "f2a3b4c5d6e7f8a9b0c1",
		attach: []Attachment{{Type: "audio", URL: "https://voice-talk.zadn.vn/2/9/8/3/voice_1717393.amr"}},
		dedupe: "m:f2a3b4c5d6e7f8a9b0c1", partition: "u:1182736450019283746",
	},
	"user_send_video.json": {
		name: EventUserSendVideo, cat: CategoryUserMessage, known: true,
		userID: "2293847561029384756", oaID: evtOA, ts: 1717393599876,
		msgID: "a3b4c5d6e7f8a9b0c1d2",
		attach: []Attachment{{Type: "video", Description: "Video hiện trường",
			URL:       "https://video-talk.zadn.vn/2/9/8/3/clip_hien_truong.mp4",
			Thumbnail: "https://video-talk.zadn.vn/2/9/8/3/clip_hien_truong.jpg"}},
		dedupe: "m:a3b4c5d6e7f8a9b0c1d2", partition: "u:2293847561029384756",
	},
	"user_send_link.json": {
		name: EventUserSendLink, cat: CategoryUserMessage, known: true,
		userID: "3304958672130495867", oaID: evtOA, ts: 1717393700321,
		msgID: "b4c5d6e7f8a9b0c1d2e3", text: "https://vnexpress.net/tin-tuc-moi",
		attach: []Attachment{{Type: "link", Description: "Tin tức mới nhất trong ngày",
			Thumbnail: "https://i1-vnexpress.vnecdn.net/2024/06/03/thumb.jpg",
			URL:       "https://vnexpress.net/tin-tuc-moi"}},
		dedupe: "m:b4c5d6e7f8a9b0c1d2e3", partition: "u:3304958672130495867",
	},
	"user_send_location.json": {
		name: EventUserSendLocation, cat: CategoryUserMessage, known: true,
		userID: "4415069783241506978", oaID: evtOA, ts: 1717393811234,
		msgID:  "c5d6e7f8a9b0c1d2e3f4",
		attach: []Attachment{{Type: "location", Coordinates: &Coordinates{Latitude: 10.776889, Longitude: 106.700806}}},
		loc:    &Coordinates{Latitude: 10.776889, Longitude: 106.700806},
		dedupe: "m:c5d6e7f8a9b0c1d2e3f4", partition: "u:4415069783241506978",
	},
	"user_send_location_alt.json": {
		name: EventUserSendLocation, cat: CategoryUserMessage, known: true,
		userID: "5526170894352617089", oaID: evtOA, ts: 1717393922345,
		msgID:  "d6e7f8a9b0c1d2e3f4a5",
		loc:    &Coordinates{Latitude: 21.028511, Longitude: 105.854167},
		dedupe: "m:d6e7f8a9b0c1d2e3f4a5", partition: "u:5526170894352617089",
	},
	"user_send_business_card.json": {
		name: EventUserSendBusinessCard, cat: CategoryUserMessage, known: true,
		userID: "6637281905463728190", oaID: evtOA, ts: 1717394033456,
		msgID: "e7f8a9b0c1d2e3f4a5b6",
		attach: []Attachment{{Type: "link",
			Description: `{"phone":"0912345678","qrCodeUrl":"https://qr.zalo.me/card/0912345678"}`,
			Thumbnail:   "https://s120-ava-talk.zadn.vn/a/b/c/d/120/avatar.jpg",
			URL:         "https://zalo.me/0912345678"}},
		dedupe: "m:e7f8a9b0c1d2e3f4a5b6", partition: "u:6637281905463728190",
	},
	"follow.json": {
		name: EventFollow, cat: CategoryFollow, known: true,
		userID: "8859403712658940371", oaID: evtOA, ts: 1717394255678, noMessage: true, source: "oa_profile",
		dedupe:    "e:follow|8859403712658940371|1717394255678",
		partition: "u:8859403712658940371",
	},
	"unfollow.json": {
		name: EventUnfollow, cat: CategoryUnfollow, known: true,
		userID: "9960514823769051482", oaID: evtOA, ts: 1717394366789, noMessage: true, source: "oa_profile",
		dedupe:    "e:unfollow|9960514823769051482|1717394366789",
		partition: "u:9960514823769051482",
	},
	"user_submit_info.json": {
		name: EventUserSubmitInfo, cat: CategorySubmitInfo, known: true,
		userID: "1071625934870162593", oaID: evtOA, ts: 1717394477890, noMessage: true,
		info: &UserInfo{Name: "Nguyễn Văn An", Phone: "84912345678", Address: "12 Lê Lợi",
			City: "Hồ Chí Minh", District: "Quận 1"},
		dedupe:    "e:user_submit_info|1071625934870162593|1717394477890",
		partition: "u:1071625934870162593",
	},
	"user_submit_info_v2.json": {
		name: EventUserSubmitInfo, cat: CategorySubmitInfo, known: true,
		userID: "2182736045981273604", oaID: evtOA, ts: 1717394588901, noMessage: true,
		info: &UserInfo{Name: "Trần Thị Bích Ngọc", Phone: "84987654321", DOB: "15/08/1990", Gender: "female",
			City: "Hà Nội", Ward: "Phường Tràng Tiền", Address: "25 Hàng Bài, Hoàn Kiếm"},
		dedupe:    "e:user_submit_info|2182736045981273604|1717394588901",
		partition: "u:2182736045981273604",
	},
	"user_received_message.json": {
		name: EventUserReceivedMessage, cat: CategoryReceipt, known: true,
		userID: "3293847156092384715", oaID: evtOA, ts: 1717394699012,
		msgID:     "a9b0c1d2e3f4a5b6c7d8",
		dedupe:    "e:user_received_message|3293847156092384715|1717394699012|a9b0c1d2e3f4a5b6c7d8",
		partition: "u:3293847156092384715",
	},
	"user_seen_message.json": {
		name: EventUserSeenMessage, cat: CategoryReceipt, known: true,
		userID: "4304958267103495826", oaID: evtOA, ts: 1717394700123,
		msgIDs:    []string{"b0c1d2e3f4a5b6c7d8e9", "c1d2e3f4a5b6c7d8e9f0"},
		dedupe:    "e:user_seen_message|4304958267103495826|1717394700123",
		partition: "u:4304958267103495826",
	},
	"user_reacted_message.json": {
		name: EventUserReactedMessage, cat: CategoryReaction, known: true,
		userID: "5415069378214506937", oaID: evtOA, ts: 1717394811234,
		msgID: "d2e3f4a5b6c7d8e9f0a1", react: "/-heart",
		dedupe:    "e:user_reacted_message|5415069378214506937|1717394811234|d2e3f4a5b6c7d8e9f0a1",
		partition: "u:5415069378214506937",
	},
	"oa_reacted_message.json": {
		name: EventOAReactedMessage, cat: CategoryReaction, known: true,
		userID: "6526170489325617048", oaID: evtOA, ts: 1717394922345,
		msgID: "e3f4a5b6c7d8e9f0a1b2", react: "/-strong",
		dedupe:    "e:oa_reacted_message|6526170489325617048|1717394922345|e3f4a5b6c7d8e9f0a1b2",
		partition: "u:6526170489325617048",
	},
	"oa_send_text.json": {
		name: EventOASendText, cat: CategoryOAEcho, known: true,
		userID: "7637281590436728159", oaID: evtOA, adminID: "2019384756102938475", ts: 1717395033456,
		msgID: "f4a5b6c7d8e9f0a1b2c3", text: "Dạ, em đã nhận báo cáo của anh ạ",
		dedupe: "m:f4a5b6c7d8e9f0a1b2c3", partition: "u:7637281590436728159",
	},
	"oa_send_list.json": {
		name: EventOASendList, cat: CategoryOAEcho, known: true,
		userID: "8748392601547839260", oaID: evtOA, ts: 1717395144567,
		msgID:  "a5b6c7d8e9f0a1b2c3d4",
		attach: []Attachment{{Type: "template"}},
		dedupe: "m:a5b6c7d8e9f0a1b2c3d4", partition: "u:8748392601547839260",
	},
	"user_click_chatnow.json": {
		name: EventUserClickChatNow, cat: CategoryChatNow, known: true,
		userID: "9859403712658049371", oaID: evtOA, ts: 1717395255678, noMessage: true,
		dedupe:    "e:user_click_chatnow|9859403712658049371|1717395255678",
		partition: "u:9859403712658049371",
	},
	"anonymous_send_text.json": {
		name: EventAnonymousSendText, cat: CategoryAnonymous, known: true,
		userID: "1960514823769150482", oaID: evtOA, ts: 1717395366789,
		msgID: "b6c7d8e9f0a1b2c3d4e5", text: "Cho tôi hỏi giờ làm việc của văn phòng",
		convID: "b2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7",
		dedupe: "m:b6c7d8e9f0a1b2c3d4e5", partition: "u:1960514823769150482",
	},
	"oa_send_consent.json": {
		name: EventOASendConsent, cat: CategoryConsent, known: true,
		oaID: evtOA, ts: 1717395477890, noMessage: true, phone: "84903123456",
		consent:   &Consent{RequestType: "SENT", CreateTime: "1717395477890", ExpiredTime: "1718000277890"},
		dedupe:    "e:oa_send_consent|" + evtOA + "|1717395477890",
		partition: "o:" + evtOA,
	},
	"user_reply_consent.json": {
		name: EventUserReplyConsent, cat: CategoryConsent, known: true,
		userID: "2071625934871062593", oaID: evtOA, ts: 1717395588901, noMessage: true, phone: "84903123456",
		consent:   &Consent{UserConsent: "ALLOW", ConfirmedTime: "1717395588901", ExpiredTime: "0"},
		dedupe:    "e:user_reply_consent|2071625934871062593|1717395588901",
		partition: "u:2071625934871062593",
	},
	"user_send_group_text.json": {
		name: EventUserSendGroupText, cat: CategoryGroupMessage, known: true,
		userID: "3182736045982173604", groupID: "7f5d9c2a1b3e4d6f8a0b", oaID: evtOA, ts: 1717395699012,
		msgID: "c7d8e9f0a1b2c3d4e5f6", text: "[@388613280878808645] cho mình hỏi lịch họp tổ dân phố",
		dedupe: "m:c7d8e9f0a1b2c3d4e5f6", partition: "g:7f5d9c2a1b3e4d6f8a0b",
	},
	"user_send_group_image.json": {
		name: EventUserSendGroupImage, cat: CategoryGroupMessage, known: true,
		userID: "4293847156093284715", groupID: "8a6e0d3b2c4f5e7a9b1c", oaID: evtOA, ts: 1717395700123,
		msgID: "d8e9f0a1b2c3d4e5f6a7",
		attach: []Attachment{{Type: "image", Thumbnail: "https://s240-ava-talk.zadn.vn/thumb/lich-hop.jpg",
			URL: "https://s120-ava-talk.zadn.vn/photo/lich-hop.jpg"}},
		dedupe: "m:d8e9f0a1b2c3d4e5f6a7", partition: "g:8a6e0d3b2c4f5e7a9b1c",
	},
	"oa_send_group_text.json": {
		name: EventOASendGroupText, cat: CategoryGroupOAEcho, known: true,
		groupID: "7f5d9c2a1b3e4d6f8a0b", oaID: evtOA, ts: 1717395811234,
		msgID: "e9f0a1b2c3d4e5f6a7b8", text: "Lịch họp tổ dân phố: 19h thứ Bảy tại nhà văn hóa",
		dedupe: "m:e9f0a1b2c3d4e5f6a7b8", partition: "g:7f5d9c2a1b3e4d6f8a0b",
	},
	"create_group.json": {
		name: EventCreateGroup, cat: CategoryGroupLifecycle, known: true,
		groupID: "9b7f1e4c3d5a6f8b0c2d", oaID: evtOA, ts: 1717395922345, noMessage: true,
		dedupe:    "e:create_group|9b7f1e4c3d5a6f8b0c2d|1717395922345",
		partition: "g:9b7f1e4c3d5a6f8b0c2d",
	},
	"user_join_group.json": {
		name: EventUserJoinGroup, cat: CategoryGroupLifecycle, known: true,
		userID: "5304958267104395826", groupID: "7f5d9c2a1b3e4d6f8a0b", oaID: evtOA, ts: 1717396033456, noMessage: true,
		members:   []string{"5304958267104395826", "6415069378215406937"},
		dedupe:    "e:user_join_group|5304958267104395826|1717396033456",
		partition: "g:7f5d9c2a1b3e4d6f8a0b",
	},
	"user_out_group.json": {
		name: EventUserOutGroup, cat: CategoryGroupLifecycle, known: true,
		userID: "7526170489326517048", groupID: "7f5d9c2a1b3e4d6f8a0b", oaID: evtOA, ts: 1717396144567, noMessage: true,
		members:   []string{"7526170489326517048"},
		dedupe:    "e:user_out_group|7526170489326517048|1717396144567",
		partition: "g:7f5d9c2a1b3e4d6f8a0b",
	},
	"user_request_join_group.json": {
		name: EventUserRequestJoinGroup, cat: CategoryGroupLifecycle, known: true,
		userID: "8637281590437628159", groupID: "8a6e0d3b2c4f5e7a9b1c", oaID: evtOA, ts: 1717396255678, noMessage: true,
		members:   []string{"8637281590437628159"},
		dedupe:    "e:user_request_join_group|8637281590437628159|1717396255678",
		partition: "g:8a6e0d3b2c4f5e7a9b1c",
	},
	"unknown_event.json": {
		// message is a string here: an unknown event must still parse.
		name: "user_send_hologram", cat: CategoryUnknown, known: false,
		userID: "9748392601548739260", oaID: evtOA, ts: 1717396366789, noMessage: true,
		dedupe:    "e:user_send_hologram|9748392601548739260|1717396366789",
		partition: "u:9748392601548739260",
	},
}

func TestParseFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(evtFixtureDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("found only %d fixtures in %s", len(files), evtFixtureDir)
	}
	seen := map[string]bool{}
	for _, path := range files {
		base := filepath.Base(path)
		seen[base] = true
		want, ok := evtFixtures[base]
		if !ok {
			t.Errorf("%s: fixture has no row in evtFixtures", base)
			continue
		}
		t.Run(strings.TrimSuffix(base, ".json"), func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := Parse(body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			evtCheck(t, ev, want)
			if string(ev.Raw) != string(body) {
				t.Errorf("Raw is not the body")
			}
			if ev.AppID != evtApp {
				t.Errorf("AppID = %q, want %q", ev.AppID, evtApp)
			}
		})
	}
	for name := range evtFixtures {
		if !seen[name] {
			t.Errorf("row %s has no fixture file", name)
		}
	}
}

func evtCheck(t *testing.T, ev *Event, w evtWant) {
	t.Helper()
	str := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	str("Name", ev.Name, w.name)
	if ev.Category != w.cat {
		t.Errorf("Category = %v, want %v", ev.Category, w.cat)
	}
	if ev.Known != w.known {
		t.Errorf("Known = %v, want %v", ev.Known, w.known)
	}
	str("UserID", ev.UserID, w.userID)
	str("GroupID", ev.GroupID, w.groupID)
	str("OAID", ev.OAID, w.oaID)
	str("AdminID", ev.AdminID, w.adminID)
	str("Phone", ev.Phone, w.phone)
	str("Source", ev.Source, w.source)
	if ev.TimestampMillis != w.ts {
		t.Errorf("TimestampMillis = %d, want %d", ev.TimestampMillis, w.ts)
	}
	if wantT := time.UnixMilli(w.ts).UTC(); !ev.Timestamp.Equal(wantT) || ev.Timestamp.Location() != time.UTC {
		t.Errorf("Timestamp = %v, want %v", ev.Timestamp, wantT)
	}
	str("TimestampRaw", ev.TimestampRaw, evtItoa(w.ts))
	if w.noMessage {
		if ev.Message != nil {
			t.Errorf("Message = %+v, want nil", ev.Message)
		}
	} else if ev.Message == nil {
		t.Errorf("Message = nil")
	} else {
		m := ev.Message
		str("MsgID", m.MsgID, w.msgID)
		str("Text", m.Text, w.text)
		str("QuoteMsgID", m.QuoteMsgID, w.quote)
		str("ReactIcon", m.ReactIcon, w.react)
		str("ConversationID", m.ConversationID, w.convID)
		if !reflect.DeepEqual(m.MsgIDs, w.msgIDs) {
			t.Errorf("MsgIDs = %q, want %q", m.MsgIDs, w.msgIDs)
		}
		if !reflect.DeepEqual(m.Attachments, w.attach) {
			t.Errorf("Attachments = %+v, want %+v", m.Attachments, w.attach)
		}
		if !reflect.DeepEqual(m.Location, w.loc) {
			t.Errorf("Location = %+v, want %+v", m.Location, w.loc)
		}
	}
	if !reflect.DeepEqual(ev.Info, w.info) {
		t.Errorf("Info = %+v, want %+v", ev.Info, w.info)
	}
	if !reflect.DeepEqual(ev.MemberIDs, w.members) {
		t.Errorf("MemberIDs = %q, want %q", ev.MemberIDs, w.members)
	}
	if !reflect.DeepEqual(ev.Consent, w.consent) {
		t.Errorf("Consent = %+v, want %+v", ev.Consent, w.consent)
	}
	str("DedupeKey", ev.DedupeKey(), w.dedupe)
	str("PartitionKey", ev.PartitionKey(), w.partition)
}

func evtItoa(n int64) string {
	if n == 0 {
		return ""
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// evtBad maps each file in testdata/zalo/bad to the ParseError reason it must give.
var evtBad = map[string]string{
	"truncated.json":           "malformed json",
	"trailing_garbage.json":    "malformed json",
	"empty.json":               "malformed json",
	"whitespace.json":          "malformed json",
	"form_encoded.txt":         "malformed json",
	"deep_nesting.json":        "malformed json",
	"array.json":               "malformed json: want object",
	"string.json":              "malformed json: want object",
	"null.json":                "missing event_name",
	"missing_event_name.json":  "missing event_name",
	"empty_event_name.json":    "missing event_name",
	"event_name_number.json":   "field event_name: want string",
	"sender_id_object.json":    "field sender.id: want string",
	"sender_string.json":       "field sender: want object",
	"text_number.json":         "field message.text: want string",
	"missing_text.json":        "missing message.text",
	"missing_sender_id.json":   "missing sender.id",
	"bad_timestamp.json":       "bad timestamp",
	"timestamp_float.json":     "bad timestamp",
	"missing_timestamp.json":   "missing timestamp",
	"msg_id_float.json":        "field message.msg_id: want string",
	"attachments_object.json":  "field message.attachments: want array",
	"latitude_word.json":       "field message.attachments.payload.coordinates.latitude: want number",
	"follow_no_follower.json":  "missing follower.id",
	"group_text_no_group.json": "missing group id",
}

func TestParseBad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(evtFixtureDir, "bad", "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, path := range files {
		base := filepath.Base(path)
		seen[base] = true
		want, ok := evtBad[base]
		if !ok {
			t.Errorf("%s: bad fixture has no row in evtBad", base)
			continue
		}
		t.Run(base, func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := Parse(body)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", ev)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if pe.Reason != want {
				t.Errorf("Reason = %q, want %q", pe.Reason, want)
			}
			if ev != nil {
				t.Errorf("event = %+v, want nil on error", ev)
			}
		})
	}
	for name := range evtBad {
		if !seen[name] {
			t.Errorf("row %s has no file in bad/", name)
		}
	}
}

func TestParseNumericIDsExact(t *testing.T) {
	// 552177279717587730 > 2^53: a float64 decode would turn it into ...7700.
	body := []byte(`{"app_id":360846524940903967,"user_id_by_app":552177279717587730,` +
		`"event_name":"user_send_text","timestamp":1543820990542,` +
		`"sender":{"id":246845883529197922},"recipient":{"id":388613280878808645},` +
		`"message":{"text":"báo cáo","msg_id":"96d3cdf3af150460909"}}`)
	ev, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{
		{ev.AppID, "360846524940903967"},
		{ev.UserIDByApp, "552177279717587730"},
		{ev.SenderID, "246845883529197922"},
		{ev.UserID, "246845883529197922"},
		{ev.RecipientID, "388613280878808645"},
		{ev.OAID, "388613280878808645"},
		{ev.TimestampRaw, "1543820990542"},
	} {
		if c[0] != c[1] {
			t.Errorf("got %q, want %q", c[0], c[1])
		}
	}
	if ev.TimestampMillis != 1543820990542 {
		t.Errorf("TimestampMillis = %d", ev.TimestampMillis)
	}
	if got := ev.Timestamp.Format(time.RFC3339Nano); got != "2018-12-03T07:09:50.542Z" {
		t.Errorf("Timestamp = %s", got)
	}
}

func TestParseNumericIDRejectsFraction(t *testing.T) {
	_, err := Parse([]byte(`{"event_name":"follow","timestamp":"1","follower":{"id":1.5e18}}`))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Reason != "field follower.id: want string" {
		t.Fatalf("err = %v", err)
	}
}

func TestParseGroupIDFallbacks(t *testing.T) {
	cases := []struct {
		body string
		want string
	}{
		{`{"event_name":"user_send_group_text","timestamp":"1","sender":{"id":"11"},"recipient":{"id":"g1"},"message":{"text":"a","msg_id":"m"}}`, "g1"},
		{`{"event_name":"user_send_group_text","timestamp":"1","sender":{"id":"11"},"recipient":{"group_id":"g2"},"message":{"text":"a","msg_id":"m"}}`, "g2"},
		{`{"event_name":"user_send_group_text","timestamp":"1","sender":{"id":"11"},"message":{"text":"a","msg_id":"m","conversation_id":"g3"}}`, "g3"},
		{`{"event_name":"user_send_group_text","timestamp":"1","group_id":"g4","sender":{"id":"11"},"recipient":{"id":"g1"},"message":{"text":"a","msg_id":"m"}}`, "g4"},
	}
	for _, c := range cases {
		ev, err := Parse([]byte(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		if ev.GroupID != c.want || ev.PartitionKey() != "g:"+c.want {
			t.Errorf("%s: GroupID %q PartitionKey %q, want %q", c.body, ev.GroupID, ev.PartitionKey(), c.want)
		}
	}
}

func TestParseChatNowFollowerShape(t *testing.T) {
	ev, err := Parse([]byte(`{"oa_id":"388613280878808645","event_name":"user_click_chatnow","timestamp":"1717395255678","follower":{"id":"1234567890123456789"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.UserID != "1234567890123456789" {
		t.Errorf("UserID = %q", ev.UserID)
	}
}

func TestParseUnknownLenient(t *testing.T) {
	// No timestamp, odd types: an unknown event still parses so it can be acknowledged.
	body := []byte(`{"event_name":"shop_has_order","order":{"id":5},"message":[1,2],"timestamp":{"x":1}}`)
	ev, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Known || ev.Category != CategoryUnknown || ev.TimestampMillis != 0 || !ev.Timestamp.IsZero() {
		t.Errorf("event = %+v", ev)
	}
	k := ev.DedupeKey()
	if !strings.HasPrefix(k, "h:shop_has_order|") {
		t.Errorf("DedupeKey = %q", k)
	}
	if ev.PartitionKey() != "o:" {
		t.Errorf("PartitionKey = %q", ev.PartitionKey())
	}
}

func TestParseEscapedText(t *testing.T) {
	ev, err := Parse([]byte(`{"event_name":"user_send_text","timestamp":"1","sender":{"id":"\u0031\u0032"},"message":{"text":"b\u00e1o c\u00e1o \"g\u1ea5p\"\n","msg_id":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.UserID != "12" || ev.Message.Text != "báo cáo \"gấp\"\n" {
		t.Errorf("UserID %q Text %q", ev.UserID, ev.Message.Text)
	}
}

func TestParseEmptyTextAllowed(t *testing.T) {
	ev, err := Parse([]byte(`{"event_name":"user_send_text","timestamp":"1","sender":{"id":"7"},"message":{"text":"","msg_id":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Message.Text != "" {
		t.Errorf("Text = %q", ev.Message.Text)
	}
}

func TestDedupeKeyReactionDiffersFromMessage(t *testing.T) {
	msg, err := Parse([]byte(`{"event_name":"user_send_text","timestamp":"1","sender":{"id":"7"},"message":{"text":"a","msg_id":"M1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	react, err := Parse([]byte(`{"event_name":"user_reacted_message","timestamp":"2","sender":{"id":"7"},"message":{"react_icon":"/-heart","msg_id":"M1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if msg.DedupeKey() == react.DedupeKey() {
		t.Errorf("reaction to M1 would be dropped as a duplicate of M1: %q", msg.DedupeKey())
	}
}

func TestKnownEventsCategories(t *testing.T) {
	names := KnownEvents()
	sort.Strings(names)
	if len(names) != len(eventSpecs) {
		t.Fatalf("KnownEvents has %d names", len(names))
	}
	for _, n := range names {
		c, ok := CategoryOf(n)
		if !ok || c == CategoryUnknown {
			t.Errorf("%s: category %v known %v", n, c, ok)
		}
		var want Category
		switch {
		case strings.HasPrefix(n, "user_send_group_"):
			want = CategoryGroupMessage
		case strings.HasPrefix(n, "oa_send_group_"):
			want = CategoryGroupOAEcho
		case strings.HasPrefix(n, "user_send_"):
			want = CategoryUserMessage
		case strings.HasPrefix(n, "anonymous_send_"):
			want = CategoryAnonymous
		case strings.HasPrefix(n, "oa_send_") && n != EventOASendConsent:
			want = CategoryOAEcho
		default:
			continue
		}
		if c != want {
			t.Errorf("%s: category %v, want %v", n, c, want)
		}
	}
	if _, ok := CategoryOf("user_send_hologram"); ok {
		t.Error("invented name is known")
	}
	if CategoryGroupLifecycle.String() != "group_lifecycle" || Category(99).String() != "category(99)" {
		t.Error("Category.String")
	}
}

func BenchmarkParseUserSendText(b *testing.B) {
	body, err := os.ReadFile(filepath.Join(evtFixtureDir, "user_send_text.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}
