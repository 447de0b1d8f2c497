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
	ID     int64
	TownID int64
	// Key is unique per town (Notice.Key): enqueueing a second job with the
	// same key is ECONFLICT and queues nothing. "" gets a key of its own.
	Key string
	// Channel is how the job goes out: ChannelRobot (WebhookID), or a
	// person's or a message's channel (Address, until Until).
	Channel   string
	WebhookID int64
	// Webhook is the robot as it is now (ClaimJobs and Jobs fill it in): a
	// key fixed by re-importing the webhooks file applies to queued jobs.
	Webhook Webhook
	// Address is the user id (ChannelWeComApp, ChannelDingTalkWork) or the
	// reply URL (ChannelWeComRobotReply, ChannelDingTalkSession); a reply URL
	// is a credential until it expires, never logged.
	Address   string
	Until     time.Time // when Address stops taking messages; zero: no limit
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
	// Claim and ClaimedUntil (EnqueueJob only): queue the job already claimed.
	Claim        string
	ClaimedUntil time.Time
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

// Outbox is the part of a transaction that keeps the group robots and the
// durable outbox of messages the bot sends first.
type Outbox interface {
	// Group robots (push targets, outbox.go).
	// ReplaceWebhooks makes hooks the town's group robots. A robot is known by
	// (Scope, Name, Platform) and keeps its ID when its key or secret changes,
	// so queued jobs go out with the new key; robots missing from hooks are
	// removed at at, and their undelivered jobs marked dead. EINVALID for a
	// hook without a valid scope, platform or key.
	ReplaceWebhooks(townID int64, hooks []Webhook, at time.Time) error
	// Webhooks returns the town's group robots, in the order they were added.
	Webhooks(townID int64) ([]Webhook, error)

	// Outbox (durable pushes, outbox.go).
	// EnqueueJob queues j in this transaction, so it commits or rolls back
	// with the command that made it. It fills in ID, Key (when "") and State,
	// and NextAt (CreatedAt) when zero. When j.Claim is set the job is queued
	// already claimed by it until ClaimedUntil, so that the caller can send
	// it right after commit and no other worker takes it meanwhile.
	// ENOTFOUND when a robot job's webhook is not the town's robot; EINVALID
	// when there is nothing to send or no address; ECONFLICT when the town
	// has a job with j.Key already (the transaction stays usable).
	EnqueueJob(j *OutboundJob) error
	// ClaimJobs leases up to limit pending jobs due at now, oldest first, to
	// claim until now+lease: no other claim gets them meanwhile, whichever
	// replica asks. A job whose lease ran out (its worker died) is claimed
	// again. The caller delivers outside the transaction and then ends the
	// claim with MarkJobDelivered or MarkJobFailed.
	ClaimJobs(claim string, now time.Time, lease time.Duration, limit int) ([]OutboundJob, error)
	// MarkJobDelivered ends a claim: the job was delivered. ECONFLICT when
	// claim no longer holds the job (the lease ran out and another worker
	// took it, or its robot was removed).
	MarkJobDelivered(id int64, claim string, at time.Time) error
	// MarkJobsDelivered is MarkJobDelivered for many jobs of one claim in one
	// statement (the replies a replica sent right after their commands): it
	// says how many were still held by claim.
	MarkJobsDelivered(ids []int64, claim string, at time.Time) (int, error)
	// MarkJobFailed ends a claim: the job waits for f.NextAt, or is dead when
	// f.Dead. ECONFLICT as for MarkJobDelivered.
	MarkJobFailed(id int64, claim string, f JobFailure) error
	// Jobs returns the town's jobs in state (every state when ""), oldest first.
	Jobs(townID int64, state string) ([]OutboundJob, error)
	// RequeueDeadJobs puts the town's dead jobs whose robot still exists back
	// in the queue, due at at with no attempts counted, and says how many.
	RequeueDeadJobs(townID int64, at time.Time) (int, error)
}
