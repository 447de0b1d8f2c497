package gridbot

import (
	"strings"
	"time"
)

// Chat kinds of a Message.
const (
	ChatGroup  = "group"  // a group chat: replies go to the group
	ChatSingle = "single" // a one-to-one chat with the bot
)

// DMPrefix marks a one-to-one chat id: "dm:U001" is the chat with user U001.
const DMPrefix = "dm:"

// DM returns the chat id of the one-to-one chat with userID.
func DM(userID string) string { return DMPrefix + userID }

// IsDM reports whether chatID names a one-to-one chat, and with whom.
func IsDM(chatID string) (userID string, ok bool) {
	return strings.CutPrefix(chatID, DMPrefix)
}

// Location is a place a member sent (a WeCom location message, or
// "location" in a transcript).
type Location struct {
	Lat, Lng float64
	Label    string // the place's name as the platform gives it; may be empty
}

// Message is one inbound chat message, whatever the platform. Platforms
// (bot/wecom, bot/dingtalk, bot/console) only translate their own format into
// it; everything else happens in one pipeline (bot.Pipeline).
type Message struct {
	Platform string // "wecom", "dingtalk", "console", "replay"
	TownID   int64
	ChatID   string // the group chat id, or DM(sender) for a one-to-one chat
	ChatKind string // ChatGroup or ChatSingle
	SenderID string // the platform user id of the sender
	// Text is the text as the platform delivered it, the bot's own @name
	// included; the pipeline strips it.
	Text     string
	Location *Location // nil unless the member sent a location
	// Images are the pictures the message carries, alone or beside the
	// text, as the platform names them (filled in by the adapter).
	Images []ImageRef
	// Fetched are Images as the pipeline fetched them, in order, outside
	// and before the command's transaction; only for a command that keeps
	// images (上报, 活动, 附图). Never journaled: a drained message fetches
	// again.
	Fetched []FetchedImage `json:"-"`
	// MsgID is the platform's message id; a second message with the same id
	// (a platform retry) is dropped.
	MsgID string
	// At is when the message was sent. It is "now" for the command it carries:
	// replayed messages are handled as at their own time.
	At time.Time
	// Reply is where the answer to this message goes, filled in by the
	// platform adapter (a WeCom response_url, a DingTalk sessionWebhook, the
	// WeCom app user). Its Channel is "" where there is no platform to send
	// on (the console, a replay): the pipeline still renders the reply.
	Reply Destination
}

// Outbound is one message the bot sends: a reply or a push.
type Outbound struct {
	At       time.Time
	To       string   // a chat id, or DM(userID) for a one-to-one message
	Text     string   // plain text, or Markdown when Markdown is set
	Mentions []string // user ids to @ beside the text (platforms that can)
	Markdown bool
}
