package gridbot

import "time"

// Destination kinds: whom a Notice is for.
const (
	DestPerson = "person" // one member, by user id, on the town's one-to-one channel
	DestGroup  = "group"  // one of the town's groups (Scope, Name), through its robots
	DestReply  = "reply"  // the chat one message came from, on that message's reply channel
)

// Reply channels of a message, and the one-to-one channels of a person.
// They are also the Channel of an OutboundJob; ChannelRobot is a group robot.
const (
	ChannelRobot           = "robot"            // a group robot (Webhook)
	ChannelWeComRobotReply = "wecom-robot"      // the smart robot's response_url: one markdown, within an hour
	ChannelWeComApp        = "wecom-app"        // the self-built app's message/send to a member
	ChannelDingTalkSession = "dingtalk-session" // an enterprise robot's sessionWebhook, until it expires
	ChannelDingTalkWork    = "dingtalk-work"    // DingTalk's work notice (工作通知) to a member
)

// Destination is whom a Notice goes to: a person, a group, or the reply
// channel of one message. Only the fields of its Kind are set.
type Destination struct {
	Kind string // DestPerson, DestGroup or DestReply

	UserID string // DestPerson: the member; DestReply: the sender

	Scope, Name string // DestGroup: ScopeTown (Name ""), ScopeVillage or ScopeGrid

	// DestReply: Chat is the chat id the message came from (what a console
	// prints); Channel and Address are where the reply is posted (a
	// response_url, a sessionWebhook, the WeCom app user), "" when there is
	// no platform (console, replay); Until is when Address stops taking
	// replies, zero when the platform says nothing.
	Chat    string
	Channel string
	Address string
	Until   time.Time
}

// ToPerson is the Destination of a one-to-one notice to userID.
func ToPerson(userID string) Destination { return Destination{Kind: DestPerson, UserID: userID} }

// ChatID names the destination as a chat, the way replay prints it: the
// message's chat for a reply, DM(user) for a person, "group:NAME" for a group.
func (d Destination) ChatID() string {
	switch d.Kind {
	case DestReply:
		if d.Chat != "" {
			return d.Chat
		}
		return DM(d.UserID)
	case DestPerson:
		return DM(d.UserID)
	}
	if d.Scope == ScopeTown {
		return "group:" + ScopeTown
	}
	return "group:" + d.Name
}

// Notice is one message the bot sends: a reply, a notice to a person, an
// announcement to a group. Queued through the notifier (bot/notify) in the
// transaction that decides to send it, it is delivered durably. Key is
// unique per town, so a notice is queued at most once however often the
// code that makes it runs: "reply:<platform>:<msgid>" for the answer to a
// message, "dispatch:<issue no>" for 派发's notice to the assignee.
type Notice struct {
	TownID   int64
	Key      string
	To       Destination
	Text     string // plain text, or Markdown when Markdown is set
	Markdown bool
	Mentions []string // user ids to @ beside the text (where the channel can)
	At       time.Time
}
