package gridbot

import "time"

// Push scopes: which of the town's groups a robot posts into. They are the
// words the office writes in the 范围 column of the webhooks file.
const (
	ScopeTown    = "镇"  // the town-wide group
	ScopeVillage = "村"  // a village's group; Webhook.Name is the village
	ScopeGrid    = "网格" // a grid's group; Webhook.Name is the grid
)

// ValidScope reports whether s is one of the three scopes.
func ValidScope(s string) bool { return s == ScopeTown || s == ScopeVillage || s == ScopeGrid }

// Push platforms of a Webhook.
const (
	PlatformWeCom    = "wecom"    // WeCom group robot (消息推送)
	PlatformDingTalk = "dingtalk" // DingTalk custom group robot
)

// Webhook is a group robot the bot pushes announcements and reminders into.
// A town has at most one per (Scope, Name, Platform).
type Webhook struct {
	ID       int64
	TownID   int64
	Scope    string // ScopeTown, ScopeVillage or ScopeGrid
	Name     string // the village or grid; "" for ScopeTown
	Platform string // PlatformWeCom or PlatformDingTalk
	// Key is the WeCom webhook key or the DingTalk access_token. It is a
	// secret: whoever has it can post into the group.
	Key string
	// Secret is the DingTalk signing secret (加签, "SEC…"); "" for WeCom and
	// for a DingTalk robot secured by keyword or IP instead.
	Secret string
}

// Outbound job states.
const (
	JobPending   = "pending"   // waiting for delivery, or for its next attempt
	JobDelivered = "delivered" // every part was accepted by the platform
	JobDead      = "dead"      // given up after too many attempts, or its robot was removed
)

// OutboundJob is one message queued for one group robot (the outbox). It is
// stored in the transaction of the command that made it, so the command and
// its push commit together, and it stays until delivered: a restart or a
// platform outage loses nothing.
//
// A job is delivered in parts, in order: Markdown cut at line boundaries to
// the platform's size limit, then Text (also cut) carrying the Mentions,
// because markdown cannot @ anybody. Sent counts the parts already accepted,
// so a retry resumes where the last attempt stopped.
type OutboundJob struct {
	ID        int64
	TownID    int64
	WebhookID int64
	// Webhook is the robot as it is now (ClaimJobs and Jobs fill it in): a
	// key fixed by re-importing the webhooks file applies to queued jobs.
	Webhook   Webhook
	Markdown  string
	Text      string
	Mentions  []string // platform user ids, or "@all" (WeCom)
	State     string
	Sent      int // parts delivered so far
	Attempts  int // failed attempts so far
	NextAt    time.Time
	LastError string // why the last attempt failed; never a secret
	CreatedAt time.Time
	DoneAt    time.Time // when it was delivered or given up; zero while pending
}

// JobFailure is what MarkJobFailed records about a claimed job that was not
// (completely) delivered.
type JobFailure struct {
	Sent     int       // parts delivered so far, this attempt's included
	Attempts int       // failed attempts so far, this one included if it counts
	NextAt   time.Time // when to try again
	Error    string    // why; shown to the office, so no keys or tokens
	// Dead gives the job up instead of retrying it (too many attempts).
	Dead bool
	At   time.Time // when; DoneAt of a dead job
}

// PlatformName is the platform's Chinese name, as the office writes it.
func PlatformName(platform string) string {
	switch platform {
	case PlatformWeCom:
		return "企业微信"
	case PlatformDingTalk:
		return "钉钉"
	}
	return platform
}
