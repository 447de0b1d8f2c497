package notify

import (
	"time"

	"gridbot/bot/wecom"
)

// Every limit of the platforms' outbound channels, in one place. A channel
// that needs pacing is paced through the kv.Limiter (Redis), so the limit
// holds across replicas.
const (
	// DefaultPerMinute is the group robots' limit: WeCom answers 45009 and
	// DingTalk 130101 beyond 20 messages a minute per robot.
	DefaultPerMinute = 20
	// WeComAppPerMinute is message/send's limit per member and app: WeCom
	// drops (silently) more than 30 a minute to one member.
	WeComAppPerMinute = 30
	// DingTalkWorkPerMinute paces work notices per member. DingTalk counts
	// per day (and refuses the same content twice a day to one person);
	// a minute's pace of the same size as WeCom's keeps a burst of notices
	// from using a member's day up.
	DingTalkWorkPerMinute = 30

	// MaxMarkdownBytes and MaxTextBytes are WeCom's sizes of one message, in
	// UTF-8 bytes (markdown 4096, text 2048, also message/send's text).
	// DingTalk takes more, but one limit for both keeps a job's parts the
	// same whichever channel takes it.
	MaxMarkdownBytes = wecom.MaxMarkdownBytes
	MaxTextBytes     = wecom.MaxTextBytes
	// maxTitleRunes bounds a DingTalk markdown title (the notification line).
	maxTitleRunes = 30

	// ResponseURLTTL is how long a smart robot message's response_url takes
	// its one reply.
	ResponseURLTTL = time.Hour

	// RateLimitWait is how long a job waits after the platform said "too many"
	// (WeCom 45009, DingTalk 130101, HTTP 429): the platforms count per minute.
	RateLimitWait = time.Minute

	// DefaultFastLease is how long a job queued by Notify stays the queuing
	// replica's, for it to send right after the commit: when that replica
	// dies meanwhile, the worker of any replica takes the job after it.
	DefaultFastLease = time.Minute
)

// PacedMessage is a held job's LastError: it waits for its channel's minute.
const PacedMessage = "限速排队：每个群机器人每分钟最多 20 条，应用消息每人每分钟最多 30 条"
