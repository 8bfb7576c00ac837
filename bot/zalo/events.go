package zalo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// MaxEventSize is the largest event body accepted (the webhook answers 413 past it).
const MaxEventSize = 64 << 10

// Event names sent by the Zalo OA webhook (event_name). Sources disagree on a
// few group lifecycle names, so every spelling seen in the wild is listed.
const (
	// EventUserSendText is a text message from a user to the OA.
	EventUserSendText = "user_send_text"
	// EventUserSendImage is an image from a user.
	EventUserSendImage = "user_send_image"
	// EventUserSendFile is a file attachment from a user.
	EventUserSendFile = "user_send_file"
	// EventUserSendSticker is a sticker from a user.
	EventUserSendSticker = "user_send_sticker"
	// EventUserSendGIF is a GIF from a user.
	EventUserSendGIF = "user_send_gif"
	// EventUserSendAudio is a voice message (.amr) from a user.
	EventUserSendAudio = "user_send_audio"
	// EventUserSendVideo is a video from a user.
	EventUserSendVideo = "user_send_video"
	// EventUserSendLink is a link from a user.
	EventUserSendLink = "user_send_link"
	// EventUserSendLocation is a shared location from a user.
	EventUserSendLocation = "user_send_location"
	// EventUserSendBusinessCard is a business card (contact) from a user.
	EventUserSendBusinessCard = "user_send_business_card"

	// EventFollow is a user following the OA.
	EventFollow = "follow"
	// EventUnfollow is a user unfollowing the OA.
	EventUnfollow = "unfollow"
	// EventUserSubmitInfo is a user's answer to a request_user_info template.
	EventUserSubmitInfo = "user_submit_info"

	// EventUserReceivedMessage is a delivery receipt for an OA message.
	EventUserReceivedMessage = "user_received_message"
	// EventUserSeenMessage is a read receipt for OA messages (message.msg_ids).
	EventUserSeenMessage = "user_seen_message"
	// EventUserReactedMessage is a user reacting to a message (message.react_icon).
	EventUserReactedMessage = "user_reacted_message"
	// EventOAReactedMessage is the OA reacting to a user's message.
	EventOAReactedMessage = "oa_reacted_message"
	// EventUserClickChatNow is a user pressing "Nhắn tin" on the OA for the first time.
	EventUserClickChatNow = "user_click_chatnow"
	// EventPermissionRevoked is an OA admin revoking the app's permission: sends fail until they authorise again.
	EventPermissionRevoked = "permission_revoked"

	// EventOASendText echoes a text the OA sent.
	EventOASendText = "oa_send_text"
	// EventOASendImage echoes an image the OA sent.
	EventOASendImage = "oa_send_image"
	// EventOASendList echoes a list/template message the OA sent.
	EventOASendList = "oa_send_list"
	// EventOASendFile echoes a file the OA sent.
	EventOASendFile = "oa_send_file"
	// EventOASendGIF echoes a GIF the OA sent.
	EventOASendGIF = "oa_send_gif"
	// EventOASendSticker echoes a sticker the OA sent.
	EventOASendSticker = "oa_send_sticker"
	// EventOASendAnonymousText echoes a text the OA sent to an anonymous user.
	EventOASendAnonymousText = "oa_send_anonymous_text"
	// EventOASendAnonymousImage echoes an image the OA sent to an anonymous user.
	EventOASendAnonymousImage = "oa_send_anonymous_image"
	// EventOASendAnonymousFile echoes a file the OA sent to an anonymous user.
	EventOASendAnonymousFile = "oa_send_anonymous_file"
	// EventOASendAnonymousSticker echoes a sticker the OA sent to an anonymous user.
	EventOASendAnonymousSticker = "oa_send_anonymous_sticker"

	// EventOASendConsent is the OA asking a user for call consent (or that request expiring).
	EventOASendConsent = "oa_send_consent"
	// EventUserReplyConsent is a user's answer to a call-consent request.
	EventUserReplyConsent = "user_reply_consent"

	// EventAnonymousSendText is a text from an anonymous (not following) user.
	EventAnonymousSendText = "anonymous_send_text"
	// EventAnonymousSendImage is an image from an anonymous user.
	EventAnonymousSendImage = "anonymous_send_image"
	// EventAnonymousSendFile is a file from an anonymous user.
	EventAnonymousSendFile = "anonymous_send_file"
	// EventAnonymousSendSticker is a sticker from an anonymous user.
	EventAnonymousSendSticker = "anonymous_send_sticker"

	// EventUserSendGroupText is a text from a user in a group (GMF).
	EventUserSendGroupText = "user_send_group_text"
	// EventUserSendGroupImage is an image from a user in a group.
	EventUserSendGroupImage = "user_send_group_image"
	// EventUserSendGroupLink is a link from a user in a group.
	EventUserSendGroupLink = "user_send_group_link"
	// EventUserSendGroupAudio is a voice message from a user in a group.
	EventUserSendGroupAudio = "user_send_group_audio"
	// EventUserSendGroupVideo is a video from a user in a group.
	EventUserSendGroupVideo = "user_send_group_video"
	// EventUserSendGroupLocation is a location from a user in a group.
	EventUserSendGroupLocation = "user_send_group_location"
	// EventUserSendGroupBusinessCard is a business card from a user in a group.
	EventUserSendGroupBusinessCard = "user_send_group_business_card"
	// EventUserSendGroupSticker is a sticker from a user in a group.
	EventUserSendGroupSticker = "user_send_group_sticker"
	// EventUserSendGroupGIF is a GIF from a user in a group.
	EventUserSendGroupGIF = "user_send_group_gif"
	// EventUserSendGroupFile is a file from a user in a group.
	EventUserSendGroupFile = "user_send_group_file"

	// EventOASendGroupText echoes a text the OA sent to a group.
	EventOASendGroupText = "oa_send_group_text"
	// EventOASendGroupImage echoes an image the OA sent to a group.
	EventOASendGroupImage = "oa_send_group_image"
	// EventOASendGroupLink echoes a link the OA sent to a group.
	EventOASendGroupLink = "oa_send_group_link"
	// EventOASendGroupAudio echoes a voice message the OA sent to a group.
	EventOASendGroupAudio = "oa_send_group_audio"
	// EventOASendGroupVideo echoes a video the OA sent to a group.
	EventOASendGroupVideo = "oa_send_group_video"
	// EventOASendGroupLocation echoes a location the OA sent to a group.
	EventOASendGroupLocation = "oa_send_group_location"
	// EventOASendGroupBusinessCard echoes a business card the OA sent to a group.
	EventOASendGroupBusinessCard = "oa_send_group_business_card"
	// EventOASendGroupSticker echoes a sticker the OA sent to a group.
	EventOASendGroupSticker = "oa_send_group_sticker"
	// EventOASendGroupGIF echoes a GIF the OA sent to a group.
	EventOASendGroupGIF = "oa_send_group_gif"
	// EventOASendGroupFile echoes a file the OA sent to a group.
	EventOASendGroupFile = "oa_send_group_file"

	// EventCreateGroup is a new group created with the OA.
	EventCreateGroup = "create_group"
	// EventDeleteGroup is a group being deleted.
	EventDeleteGroup = "delete_group"
	// EventDisperseGroup is a group being dissolved (another source's name for delete_group).
	EventDisperseGroup = "disperse_group"
	// EventUpdateGroupInfo is a change to a group's name, avatar or settings.
	EventUpdateGroupInfo = "update_group_info"
	// EventAddGroupAdmin is a member made a group deputy.
	EventAddGroupAdmin = "add_group_admin"
	// EventRemoveGroupAdmin is a deputy demoted.
	EventRemoveGroupAdmin = "remove_group_admin"
	// EventUserJoinGroup is users joining a group (users[]).
	EventUserJoinGroup = "user_join_group"
	// EventUserOutGroup is users leaving a group.
	EventUserOutGroup = "user_out_group"
	// EventUserLeaveGroup is another source's name for user_out_group.
	EventUserLeaveGroup = "user_leave_group"
	// EventUserRequestJoinGroup is users asking to join a group.
	EventUserRequestJoinGroup = "user_request_join_group"
	// EventReactRequestJoinGroup is a join request being approved.
	EventReactRequestJoinGroup = "react_request_join_group"
	// EventAcceptRequestJoinGroup is another source's name for an approved join request.
	EventAcceptRequestJoinGroup = "accept_request_join_group"
	// EventRejectRequestJoinGroup is a join request being rejected.
	EventRejectRequestJoinGroup = "reject_request_join_group"
)

// Category classifies an event for routing.
type Category int

// Categories; CategoryUnknown is the zero value so an unlisted event never routes by accident.
const (
	// CategoryUnknown is an event name this package does not know.
	CategoryUnknown Category = iota
	// CategoryUserMessage is user_send_* in a 1:1 chat.
	CategoryUserMessage
	// CategorySubmitInfo is user_submit_info.
	CategorySubmitInfo
	// CategoryFollow is follow.
	CategoryFollow
	// CategoryUnfollow is unfollow.
	CategoryUnfollow
	// CategoryReceipt is user_received_message and user_seen_message.
	CategoryReceipt
	// CategoryReaction is user_reacted_message and oa_reacted_message.
	CategoryReaction
	// CategoryOAEcho is oa_send_* in a 1:1 chat (including oa_send_anonymous_*).
	CategoryOAEcho
	// CategoryChatNow is user_click_chatnow.
	CategoryChatNow
	// CategoryConsent is the call-consent events.
	CategoryConsent
	// CategoryAnonymous is anonymous_send_*.
	CategoryAnonymous
	// CategoryGroupMessage is user_send_group_*.
	CategoryGroupMessage
	// CategoryGroupOAEcho is oa_send_group_*.
	CategoryGroupOAEcho
	// CategoryGroupLifecycle is group creation, membership and admin changes.
	CategoryGroupLifecycle
	// CategoryPermission is permission_revoked: the operators must act.
	CategoryPermission
)

var categoryNames = [...]string{
	CategoryUnknown:        "unknown",
	CategoryUserMessage:    "user_message",
	CategorySubmitInfo:     "submit_info",
	CategoryFollow:         "follow",
	CategoryUnfollow:       "unfollow",
	CategoryReceipt:        "receipt",
	CategoryReaction:       "reaction",
	CategoryOAEcho:         "oa_echo",
	CategoryChatNow:        "chat_now",
	CategoryConsent:        "consent",
	CategoryAnonymous:      "anonymous",
	CategoryGroupMessage:   "group_message",
	CategoryGroupOAEcho:    "group_oa_echo",
	CategoryGroupLifecycle: "group_lifecycle",
	CategoryPermission:     "permission",
}

// String returns a short snake_case name, for logs and metrics labels.
func (c Category) String() string {
	if c >= 0 && int(c) < len(categoryNames) {
		return categoryNames[c]
	}
	return "category(" + strconv.Itoa(int(c)) + ")"
}

// IsGroup reports whether events of this category belong to a group chat.
func (c Category) IsGroup() bool {
	return c == CategoryGroupMessage || c == CategoryGroupOAEcho || c == CategoryGroupLifecycle
}

// userSide says where an event keeps the id of the person it concerns.
type userSide uint8

const (
	sideNone      userSide = iota // no user (e.g. oa_send_group_*)
	sideSender                    // sender.id: the user wrote it
	sideRecipient                 // recipient.id: the OA is the sender
	sideFollower                  // follower.id
	sideUserID                    // top-level user_id (falls back to follower.id, sender.id)
	sideAny                       // user_id, else the sender/recipient that is not the OA; optional
	sideMember                    // sender.id, else users[0].id; optional
)

// eventSpec is the routing rule for one known event name.
type eventSpec struct {
	cat      Category
	side     userSide
	needText bool // message.text must be present (text messages)
}

// eventSpecs lists every known event; a map lookup keeps Parse O(1) per event.
var eventSpecs = map[string]eventSpec{
	EventUserSendText:         {CategoryUserMessage, sideSender, true},
	EventUserSendImage:        {CategoryUserMessage, sideSender, false},
	EventUserSendFile:         {CategoryUserMessage, sideSender, false},
	EventUserSendSticker:      {CategoryUserMessage, sideSender, false},
	EventUserSendGIF:          {CategoryUserMessage, sideSender, false},
	EventUserSendAudio:        {CategoryUserMessage, sideSender, false},
	EventUserSendVideo:        {CategoryUserMessage, sideSender, false},
	EventUserSendLink:         {CategoryUserMessage, sideSender, false},
	EventUserSendLocation:     {CategoryUserMessage, sideSender, false},
	EventUserSendBusinessCard: {CategoryUserMessage, sideSender, false},

	EventFollow:         {CategoryFollow, sideFollower, false},
	EventUnfollow:       {CategoryUnfollow, sideFollower, false},
	EventUserSubmitInfo: {CategorySubmitInfo, sideSender, false},

	EventUserReceivedMessage: {CategoryReceipt, sideRecipient, false},
	EventUserSeenMessage:     {CategoryReceipt, sideRecipient, false},
	EventUserReactedMessage:  {CategoryReaction, sideSender, false},
	EventOAReactedMessage:    {CategoryReaction, sideRecipient, false},
	EventUserClickChatNow:    {CategoryChatNow, sideUserID, false},
	EventPermissionRevoked:   {CategoryPermission, sideNone, false},

	EventOASendText:             {CategoryOAEcho, sideRecipient, false},
	EventOASendImage:            {CategoryOAEcho, sideRecipient, false},
	EventOASendList:             {CategoryOAEcho, sideRecipient, false},
	EventOASendFile:             {CategoryOAEcho, sideRecipient, false},
	EventOASendGIF:              {CategoryOAEcho, sideRecipient, false},
	EventOASendSticker:          {CategoryOAEcho, sideRecipient, false},
	EventOASendAnonymousText:    {CategoryOAEcho, sideRecipient, false},
	EventOASendAnonymousImage:   {CategoryOAEcho, sideRecipient, false},
	EventOASendAnonymousFile:    {CategoryOAEcho, sideRecipient, false},
	EventOASendAnonymousSticker: {CategoryOAEcho, sideRecipient, false},

	EventOASendConsent:    {CategoryConsent, sideAny, false},
	EventUserReplyConsent: {CategoryConsent, sideAny, false},

	EventAnonymousSendText:    {CategoryAnonymous, sideSender, true},
	EventAnonymousSendImage:   {CategoryAnonymous, sideSender, false},
	EventAnonymousSendFile:    {CategoryAnonymous, sideSender, false},
	EventAnonymousSendSticker: {CategoryAnonymous, sideSender, false},

	EventUserSendGroupText:         {CategoryGroupMessage, sideSender, true},
	EventUserSendGroupImage:        {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupLink:         {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupAudio:        {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupVideo:        {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupLocation:     {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupBusinessCard: {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupSticker:      {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupGIF:          {CategoryGroupMessage, sideSender, false},
	EventUserSendGroupFile:         {CategoryGroupMessage, sideSender, false},

	EventOASendGroupText:         {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupImage:        {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupLink:         {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupAudio:        {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupVideo:        {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupLocation:     {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupBusinessCard: {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupSticker:      {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupGIF:          {CategoryGroupOAEcho, sideNone, false},
	EventOASendGroupFile:         {CategoryGroupOAEcho, sideNone, false},

	EventCreateGroup:            {CategoryGroupLifecycle, sideMember, false},
	EventDeleteGroup:            {CategoryGroupLifecycle, sideMember, false},
	EventDisperseGroup:          {CategoryGroupLifecycle, sideMember, false},
	EventUpdateGroupInfo:        {CategoryGroupLifecycle, sideMember, false},
	EventAddGroupAdmin:          {CategoryGroupLifecycle, sideMember, false},
	EventRemoveGroupAdmin:       {CategoryGroupLifecycle, sideMember, false},
	EventUserJoinGroup:          {CategoryGroupLifecycle, sideMember, false},
	EventUserOutGroup:           {CategoryGroupLifecycle, sideMember, false},
	EventUserLeaveGroup:         {CategoryGroupLifecycle, sideMember, false},
	EventUserRequestJoinGroup:   {CategoryGroupLifecycle, sideMember, false},
	EventReactRequestJoinGroup:  {CategoryGroupLifecycle, sideMember, false},
	EventAcceptRequestJoinGroup: {CategoryGroupLifecycle, sideMember, false},
	EventRejectRequestJoinGroup: {CategoryGroupLifecycle, sideMember, false},
}

// CategoryOf returns the category of an event name and whether the name is known.
func CategoryOf(name string) (Category, bool) {
	s, ok := eventSpecs[name]
	return s.cat, ok
}

// KnownEvents returns every event name Parse recognises (unordered), e.g. to
// check a webhook subscription.
func KnownEvents() []string {
	out := make([]string, 0, len(eventSpecs))
	for name := range eventSpecs {
		out = append(out, name)
	}
	return out
}

// Event is one parsed webhook event.
type Event struct {
	// Name is event_name as sent.
	Name string
	// Category routes the event; CategoryUnknown when !Known.
	Category Category
	// Known is false for an event name not in this package's list.
	Known bool

	// AppID is app_id: the Zalo app the webhook belongs to.
	AppID string
	// OAID is oa_id; when the body has none, the OA side of sender/recipient in a 1:1 event.
	OAID string
	// UserIDByApp is user_id_by_app: the user's app-scoped id.
	UserIDByApp string
	// Source is source (follow: oa_profile, message_invite, social_plugin, …).
	Source string

	// TimestampRaw is the timestamp exactly as sent; it is part of the signature.
	TimestampRaw string
	// TimestampMillis is the timestamp in milliseconds since the Unix epoch.
	TimestampMillis int64
	// Timestamp is TimestampMillis as a UTC time; zero when there was no usable timestamp.
	Timestamp time.Time

	// SenderID is sender.id.
	SenderID string
	// RecipientID is recipient.id.
	RecipientID string
	// AdminID is sender.admin_id on oa_send_* echoes: set when a person sent the
	// message from the OA chat tool rather than through the API.
	AdminID string

	// UserID is the person the event concerns: sender.id for user_*/anonymous_* and
	// user_send_group_*, follower.id for follow/unfollow, recipient.id for oa_send_*
	// and receipts (the OA is the sender there), user_id for user_click_chatnow;
	// for group lifecycle events sender.id or the first of users[].
	UserID string
	// GroupID is set for group events: group_id, recipient.group_id, recipient.id,
	// or message.conversation_id, the first that is present.
	GroupID string
	// MemberIDs are users[].id on group lifecycle events.
	MemberIDs []string
	// Phone is the top-level phone (consent events).
	Phone string

	// Message is nil when the body has no message.
	Message *Message
	// Info is the shared profile of user_submit_info; nil otherwise.
	Info *UserInfo
	// Consent carries the call-consent fields; nil for other events.
	Consent *Consent

	// Raw is the exact body Parse was given (not copied: do not modify it).
	Raw []byte
}

// Message is the message object of a webhook event.
type Message struct {
	// MsgID is message.msg_id.
	MsgID string
	// Text is message.text.
	Text string
	// QuoteMsgID is message.quote_msg_id: the message a reply quotes.
	QuoteMsgID string
	// ReactIcon is message.react_icon on reactions.
	ReactIcon string
	// ConversationID is message.conversation_id (anonymous and some group events).
	ConversationID string
	// MsgIDs is message.msg_ids on user_seen_message.
	MsgIDs []string
	// Attachments are message.attachments.
	Attachments []Attachment
	// Location is message.location, else the coordinates of the first location attachment.
	Location *Coordinates
}

// Attachment is one element of message.attachments.
type Attachment struct {
	// Type is the attachment type: image, gif, link, audio, video, sticker, location, file.
	Type string
	// URL is payload.url.
	URL string
	// Thumbnail is payload.thumbnail.
	Thumbnail string
	// Description is payload.description (a JSON string with phone/qrCodeUrl for business cards).
	Description string
	// Name is payload.name (files).
	Name string
	// ID is payload.id (stickers).
	ID string
	// FileType is payload.type (files: e.g. "pdf").
	FileType string
	// Size is payload.size in bytes (files).
	Size int64
	// Coordinates is payload.coordinates (location).
	Coordinates *Coordinates
}

// Coordinates is a latitude/longitude pair.
type Coordinates struct {
	// Latitude in degrees.
	Latitude float64
	// Longitude in degrees.
	Longitude float64
}

// UserInfo is the info object of user_submit_info, old and new shapes merged.
type UserInfo struct {
	// Name is info.name.
	Name string
	// Phone is info.phone.
	Phone string
	// Address is info.address, else info.full_address.user_address.
	Address string
	// City is info.city, else info.full_address.user_city.
	City string
	// District is info.district, else info.full_address.user_district.
	District string
	// Ward is info.ward, else info.full_address.user_ward.
	Ward string
	// DOB is info.user_dob as sent.
	DOB string
	// Gender is info.gender as sent.
	Gender string
}

// Consent holds the fields of oa_send_consent and user_reply_consent.
type Consent struct {
	// RequestType is request_type: SENT or EXPIRED (oa_send_consent).
	RequestType string
	// UserConsent is user_consent: ALLOW, USER_BLOCKED, … (user_reply_consent).
	UserConsent string
	// CreateTime is create_time as sent.
	CreateTime string
	// ExpiredTime is expired_time as sent ("0" means no limit).
	ExpiredTime string
	// ConfirmedTime is confirmed_time as sent.
	ConfirmedTime string
}

// ParseError is returned by Parse for a body it cannot accept.
type ParseError struct {
	// Reason is short and stable, e.g. "malformed json", "missing sender.id",
	// "bad timestamp", "field message.text: want string".
	Reason string
}

// Error implements error.
func (e *ParseError) Error() string { return "zalo webhook: " + e.Reason }

// Why a wire layer: one json.Unmarshal into these structs, then a cheap
// conversion, is the fastest safe way through encoding/json on a hot path.
//
// A real user_send_text body (all ids and the timestamp are strings):
//
//	{"app_id":"360846524940903967","user_id_by_app":"552177279717587730",
//	 "event_name":"user_send_text","timestamp":"1543820990542",
//	 "sender":{"id":"246845883529197922"},"recipient":{"id":"388613280878808645"},
//	 "message":{"text":"bao cao","msg_id":"96d3cdf3af150460909"}}
//
// follow/unfollow have no sender:
//
//	{"oa_id":"388613280878808645","follower":{"id":"…"},"user_id_by_app":"…",
//	 "event_name":"follow","source":"oa_profile","app_id":"…","timestamp":"…"}
//
// An image:
//
//	"message":{"msg_id":"…","attachments":[{"type":"image",
//	 "payload":{"thumbnail":"https://…","url":"https://…"}}]}
type wireEvent struct {
	AppID       flexString `json:"app_id"`
	OAID        flexString `json:"oa_id"`
	UserIDByApp flexString `json:"user_id_by_app"`
	EventName   flexString `json:"event_name"`
	Timestamp   flexString `json:"timestamp"`
	Source      flexString `json:"source"`

	Sender    *wireParty   `json:"sender"`
	Recipient *wireParty   `json:"recipient"`
	Follower  *wireParty   `json:"follower"`
	UserID    flexString   `json:"user_id"`
	GroupID   flexString   `json:"group_id"`
	Users     []wireParty  `json:"users"`
	Message   *wireMessage `json:"message"`
	Info      *wireInfo    `json:"info"`

	Phone         flexString `json:"phone"`
	RequestType   flexString `json:"request_type"`
	UserConsent   flexString `json:"user_consent"`
	CreateTime    flexString `json:"create_time"`
	ExpiredTime   flexString `json:"expired_time"`
	ConfirmedTime flexString `json:"confirmed_time"`
}

// wireParty is sender, recipient, follower or an element of users.
type wireParty struct {
	ID      flexString `json:"id"`
	AdminID flexString `json:"admin_id"`
	GroupID flexString `json:"group_id"`
}

// wireMessage is message; text is a real string (a number there is a bug, not an id).
type wireMessage struct {
	MsgID          flexString       `json:"msg_id"`
	Text           *string          `json:"text"`
	QuoteMsgID     flexString       `json:"quote_msg_id"`
	ReactIcon      flexString       `json:"react_icon"`
	ConversationID flexString       `json:"conversation_id"`
	MsgIDs         []flexString     `json:"msg_ids"`
	Attachments    []wireAttachment `json:"attachments"`
	Location       *wireCoords      `json:"location"`
}

// wireAttachment is one message.attachments element.
type wireAttachment struct {
	Type    flexString   `json:"type"`
	Payload *wirePayload `json:"payload"`
}

// wirePayload is an attachment payload; which fields are set depends on the type.
type wirePayload struct {
	URL         flexString  `json:"url"`
	Thumbnail   flexString  `json:"thumbnail"`
	Description flexString  `json:"description"`
	Name        flexString  `json:"name"`
	Size        flexString  `json:"size"`
	Type        flexString  `json:"type"`
	ID          flexString  `json:"id"`
	Coordinates *wireCoords `json:"coordinates"`
}

// wireCoords accepts numbers or numeric strings (both are seen).
type wireCoords struct {
	Latitude  flexString `json:"latitude"`
	Longitude flexString `json:"longitude"`
}

// wireInfo is user_submit_info's info, old flat shape and newer one together.
type wireInfo struct {
	Name        flexString       `json:"name"`
	Phone       flexString       `json:"phone"`
	Address     flexString       `json:"address"`
	City        flexString       `json:"city"`
	District    flexString       `json:"district"`
	Ward        flexString       `json:"ward"`
	UserDOB     flexString       `json:"user_dob"`
	Gender      flexString       `json:"gender"`
	FullAddress *wireFullAddress `json:"full_address"`
}

// wireFullAddress is info.full_address in the newer user_submit_info shape.
type wireFullAddress struct {
	UserCity     flexString `json:"user_city"`
	UserDistrict flexString `json:"user_district"`
	UserWard     flexString `json:"user_ward"`
	UserAddress  flexString `json:"user_address"`
}

// Kinds of JSON value a flexString saw.
const (
	flexAbsent byte = iota // missing or null
	flexStr                // a JSON string
	flexNum                // a JSON number, kept as its literal text
	flexObject             // wrong type: object
	flexArray              // wrong type: array
	flexBool               // wrong type: true/false
)

// flexString takes a JSON string or number (ids arrive as either; a number keeps
// all its digits) and records any other type instead of failing, so the
// conversion step can name the field. It never returns an error, so one bad
// field does not abort decoding the rest.
type flexString struct {
	s    string
	kind byte
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	*f = flexString{}
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		f.kind = flexStr
		f.s = unquoteJSON(b)
	case c == '-' || (c >= '0' && c <= '9'):
		f.kind = flexNum
		f.s = string(b)
	case c == '{':
		f.kind = flexObject
	case c == '[':
		f.kind = flexArray
	case c == 't' || c == 'f':
		f.kind = flexBool
	}
	return nil
}

// unquoteJSON decodes a JSON string literal already validated by the decoder.
func unquoteJSON(b []byte) string {
	if len(b) < 2 {
		return ""
	}
	inner := b[1 : len(b)-1]
	// Why the fast path: almost every id and timestamp is plain ASCII without escapes.
	plain := true
	for _, c := range inner {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(inner)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return ""
	}
	return s
}

// converter turns wire values into Event fields, keeping the first problem.
type converter struct {
	reason string
}

func (c *converter) fail(reason string) {
	if c.reason == "" {
		c.reason = reason
	}
}

// text accepts a string, or a number taken as its literal text.
func (c *converter) text(f flexString, field string) string {
	if f.kind > flexNum {
		c.fail("field " + field + ": want string")
		return ""
	}
	return f.s
}

// id accepts a string, or an integer number kept digit for digit.
func (c *converter) id(f flexString, field string) string {
	if f.kind > flexNum || (f.kind == flexNum && !allDigits(f.s)) {
		c.fail("field " + field + ": want string")
		return ""
	}
	return f.s
}

// strict accepts only a JSON string (event_name).
func (c *converter) strict(f flexString, field string) string {
	if f.kind != flexStr && f.kind != flexAbsent {
		c.fail("field " + field + ": want string")
		return ""
	}
	return f.s
}

// number accepts a number or a numeric string; "" counts as absent.
func (c *converter) number(f flexString, field string) (float64, bool) {
	if f.kind > flexNum {
		c.fail("field " + field + ": want number")
		return 0, false
	}
	if f.s == "" {
		return 0, false
	}
	if !numberLike(f.s) {
		c.fail("field " + field + ": want number")
		return 0, false
	}
	v, err := strconv.ParseFloat(f.s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		c.fail("field " + field + ": want number")
		return 0, false
	}
	return v, true
}

// integer accepts an integer number or a string of digits; "" counts as absent.
func (c *converter) integer(f flexString, field string) int64 {
	if f.kind > flexNum {
		c.fail("field " + field + ": want number")
		return 0
	}
	if f.s == "" {
		return 0
	}
	v, err := strconv.ParseInt(f.s, 10, 64)
	if err != nil {
		c.fail("field " + field + ": want number")
		return 0
	}
	return v
}

func (c *converter) coords(w *wireCoords, field string) *Coordinates {
	if w == nil {
		return nil
	}
	lat, okLat := c.number(w.Latitude, field+".latitude")
	lng, okLng := c.number(w.Longitude, field+".longitude")
	if !okLat && !okLng {
		return nil
	}
	return &Coordinates{Latitude: lat, Longitude: lng}
}

func (c *converter) message(w *wireMessage) *Message {
	// An all-empty message is treated as absent: encoding/json allocates one
	// even when "message" had the wrong type.
	if w == nil || (w.MsgID.kind == flexAbsent && w.Text == nil && w.QuoteMsgID.kind == flexAbsent &&
		w.ReactIcon.kind == flexAbsent && w.ConversationID.kind == flexAbsent && w.MsgIDs == nil &&
		w.Attachments == nil && w.Location == nil) {
		return nil
	}
	m := &Message{
		MsgID:          c.id(w.MsgID, "message.msg_id"),
		QuoteMsgID:     c.id(w.QuoteMsgID, "message.quote_msg_id"),
		ReactIcon:      c.text(w.ReactIcon, "message.react_icon"),
		ConversationID: c.id(w.ConversationID, "message.conversation_id"),
		Location:       c.coords(w.Location, "message.location"),
	}
	if w.Text != nil {
		m.Text = *w.Text
	}
	if len(w.MsgIDs) > 0 {
		m.MsgIDs = make([]string, 0, len(w.MsgIDs))
		for _, f := range w.MsgIDs {
			if id := c.id(f, "message.msg_ids"); id != "" {
				m.MsgIDs = append(m.MsgIDs, id)
			}
		}
	}
	if len(w.Attachments) > 0 {
		m.Attachments = make([]Attachment, len(w.Attachments))
		for i := range w.Attachments {
			wa := &w.Attachments[i]
			a := &m.Attachments[i]
			a.Type = c.text(wa.Type, "message.attachments.type")
			if p := wa.Payload; p != nil {
				const f = "message.attachments.payload."
				a.URL = c.text(p.URL, f+"url")
				a.Thumbnail = c.text(p.Thumbnail, f+"thumbnail")
				a.Description = c.text(p.Description, f+"description")
				a.Name = c.text(p.Name, f+"name")
				a.ID = c.text(p.ID, f+"id")
				a.FileType = c.text(p.Type, f+"type")
				a.Size = c.integer(p.Size, f+"size")
				a.Coordinates = c.coords(p.Coordinates, f+"coordinates")
			}
			if m.Location == nil && a.Coordinates != nil {
				loc := *a.Coordinates
				m.Location = &loc
			}
		}
	}
	return m
}

func (c *converter) info(w *wireInfo) *UserInfo {
	if w == nil {
		return nil
	}
	u := &UserInfo{
		Name:     c.text(w.Name, "info.name"),
		Phone:    c.text(w.Phone, "info.phone"),
		Address:  c.text(w.Address, "info.address"),
		City:     c.text(w.City, "info.city"),
		District: c.text(w.District, "info.district"),
		Ward:     c.text(w.Ward, "info.ward"),
		DOB:      c.text(w.UserDOB, "info.user_dob"),
		Gender:   c.text(w.Gender, "info.gender"),
	}
	if fa := w.FullAddress; fa != nil {
		// Why "fill when empty": the flat fields are the older shape and win when both exist.
		fill := func(dst *string, f flexString, field string) {
			if v := c.text(f, field); *dst == "" {
				*dst = v
			}
		}
		fill(&u.City, fa.UserCity, "info.full_address.user_city")
		fill(&u.District, fa.UserDistrict, "info.full_address.user_district")
		fill(&u.Ward, fa.UserWard, "info.full_address.user_ward")
		fill(&u.Address, fa.UserAddress, "info.full_address.user_address")
	}
	return u
}

func (c *converter) party(p *wireParty, field string) (id, adminID, groupID string) {
	if p == nil {
		return "", "", ""
	}
	return c.id(p.ID, field+".id"), c.id(p.AdminID, field+".admin_id"), c.id(p.GroupID, field+".group_id")
}

// Parse decodes one webhook body. Any malformed body gives a *ParseError.
// An event name Parse does not know still parses (Known=false) as long as
// event_name is a string, so the caller can acknowledge and log it.
func Parse(body []byte) (*Event, error) {
	var w wireEvent
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(body, &w); err != nil {
		// Why keep going on a type error: encoding/json fills every other field,
		// and an unknown event must not fail because of a shape we never read.
		if !errors.As(err, &typeErr) {
			return nil, &ParseError{Reason: "malformed json"}
		}
		if typeErr.Field == "" {
			return nil, &ParseError{Reason: "malformed json: want object"}
		}
	}

	var c converter
	name := c.strict(w.EventName, "event_name")
	if c.reason != "" {
		return nil, &ParseError{Reason: c.reason}
	}
	if name == "" {
		return nil, &ParseError{Reason: "missing event_name"}
	}
	spec, known := eventSpecs[name]

	ev := &Event{Name: name, Category: spec.cat, Known: known, Raw: body}
	ev.AppID = c.id(w.AppID, "app_id")
	ev.OAID = c.id(w.OAID, "oa_id")
	ev.UserIDByApp = c.id(w.UserIDByApp, "user_id_by_app")
	ev.Source = c.text(w.Source, "source")
	ev.TimestampRaw = c.text(w.Timestamp, "timestamp")
	var recipientGroup string
	ev.SenderID, ev.AdminID, _ = c.party(w.Sender, "sender")
	ev.RecipientID, _, recipientGroup = c.party(w.Recipient, "recipient")
	followerID, _, _ := c.party(w.Follower, "follower")
	topUserID := c.id(w.UserID, "user_id")
	topGroupID := c.id(w.GroupID, "group_id")
	if len(w.Users) > 0 {
		ev.MemberIDs = make([]string, 0, len(w.Users))
		for i := range w.Users {
			if id := c.id(w.Users[i].ID, "users.id"); id != "" {
				ev.MemberIDs = append(ev.MemberIDs, id)
			}
		}
	}
	ev.Phone = c.text(w.Phone, "phone")
	ev.Message = c.message(w.Message)
	ev.Info = c.info(w.Info)
	if name == EventOASendConsent || name == EventUserReplyConsent {
		ev.Consent = &Consent{
			RequestType:   c.text(w.RequestType, "request_type"),
			UserConsent:   c.text(w.UserConsent, "user_consent"),
			CreateTime:    c.text(w.CreateTime, "create_time"),
			ExpiredTime:   c.text(w.ExpiredTime, "expired_time"),
			ConfirmedTime: c.text(w.ConfirmedTime, "confirmed_time"),
		}
	}
	conversationID := ""
	if ev.Message != nil {
		conversationID = ev.Message.ConversationID
	}

	ms, tsOK := parseMillis(ev.TimestampRaw)
	if tsOK {
		ev.TimestampMillis = ms
		ev.Timestamp = time.UnixMilli(ms).UTC()
	}

	if !known {
		// Best effort only: an unknown event is logged and acknowledged, never rejected.
		ev.UserID = firstNonEmpty(topUserID, followerID)
		ev.GroupID = firstNonEmpty(topGroupID, recipientGroup)
		return ev, nil
	}

	if typeErr != nil {
		return nil, &ParseError{Reason: "field " + typeErr.Field + ": want " + jsonKind(typeErr.Type)}
	}
	if c.reason != "" {
		return nil, &ParseError{Reason: c.reason}
	}
	if ev.TimestampRaw == "" {
		return nil, &ParseError{Reason: "missing timestamp"}
	}
	if !tsOK {
		return nil, &ParseError{Reason: "bad timestamp"}
	}

	switch spec.side {
	case sideSender:
		ev.UserID = ev.SenderID
		if ev.UserID == "" {
			return nil, &ParseError{Reason: "missing sender.id"}
		}
	case sideRecipient:
		ev.UserID = ev.RecipientID
		// Why the swap check: sources disagree on which side the OA is in receipts.
		if ev.OAID != "" && ev.UserID == ev.OAID && ev.SenderID != "" {
			ev.UserID = ev.SenderID
		}
		if ev.UserID == "" {
			return nil, &ParseError{Reason: "missing recipient.id"}
		}
	case sideFollower:
		ev.UserID = followerID
		if ev.UserID == "" {
			return nil, &ParseError{Reason: "missing follower.id"}
		}
	case sideUserID:
		// Why the fallbacks: one integration reports the chat-now user as follower.id.
		ev.UserID = firstNonEmpty(topUserID, followerID, ev.SenderID)
		if ev.UserID == "" {
			return nil, &ParseError{Reason: "missing user_id"}
		}
	case sideAny:
		ev.UserID = topUserID
		if ev.UserID == "" && ev.OAID != "" {
			switch ev.OAID {
			case ev.SenderID:
				ev.UserID = ev.RecipientID
			case ev.RecipientID:
				ev.UserID = ev.SenderID
			}
		}
	case sideMember:
		ev.UserID = ev.SenderID
		if ev.UserID == "" && len(ev.MemberIDs) > 0 {
			ev.UserID = ev.MemberIDs[0]
		}
	}

	if spec.cat.IsGroup() {
		ev.GroupID = firstNonEmpty(topGroupID, recipientGroup, ev.RecipientID, conversationID)
		if ev.GroupID == "" {
			return nil, &ParseError{Reason: "missing group id"}
		}
	} else if ev.OAID == "" && ev.UserID != "" {
		// The OA is whichever side of a 1:1 event is not the user.
		switch ev.UserID {
		case ev.SenderID:
			ev.OAID = ev.RecipientID
		case ev.RecipientID:
			ev.OAID = ev.SenderID
		}
	}

	if spec.needText && (ev.Message == nil || w.Message.Text == nil) {
		return nil, &ParseError{Reason: "missing message.text"}
	}
	return ev, nil
}

// DedupeKey identifies the event across Zalo's retries: "m:"+msg_id for a
// message (its msg_id names the event itself), otherwise
// "e:"+name+"|"+id+"|"+timestamp with id the user, else the group, OA or app id;
// receipts and reactions append "|"+msg_id, since their msg_id names another
// message and must not collide with it. With no timestamp at all (unknown events
// only) the key is "h:"+a hash of the body.
func (e *Event) DedupeKey() string {
	msgID := ""
	if e.Message != nil {
		msgID = e.Message.MsgID
	}
	switch e.Category {
	case CategoryUserMessage, CategoryOAEcho, CategoryAnonymous, CategoryGroupMessage, CategoryGroupOAEcho:
		if msgID != "" {
			return "m:" + msgID
		}
	}
	if e.TimestampRaw == "" {
		sum := sha256.Sum256(e.Raw)
		return "h:" + e.Name + "|" + hex.EncodeToString(sum[:12])
	}
	key := "e:" + e.Name + "|" + firstNonEmpty(e.UserID, e.GroupID, e.OAID, e.AppID) + "|" + e.TimestampRaw
	if msgID != "" {
		key += "|" + msgID
	}
	return key
}

// PartitionKey is the key under which events must be handled in order:
// "g:"+GroupID for group events, else "u:"+UserID, else "o:"+OAID.
func (e *Event) PartitionKey() string {
	if e.GroupID != "" && (e.Category.IsGroup() || e.UserID == "") {
		return "g:" + e.GroupID
	}
	if e.UserID != "" {
		return "u:" + e.UserID
	}
	return "o:" + e.OAID
}

// parseMillis accepts 1 to 18 digits (ms timestamps are 13): no sign, no
// fraction, no exponent, no overflow.
func parseMillis(s string) (int64, bool) {
	if s == "" || len(s) > 18 || !allDigits(s) {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numberLike rejects what strconv.ParseFloat takes but JSON does not
// (hex, "Inf", "NaN", underscores) without a full grammar check.
func numberLike(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// jsonKind names the JSON type a Go type decodes from, for error reasons.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	}
	return t.Kind().String()
}
