// Package bot is the one chat pipeline every platform feeds: a platform
// adapter (bot/wecom, bot/dingtalk, bot/console) turns its callback into a
// gridbot.Message, with the message's reply channel, and the pipeline does
// the rest: admission, parsing, authorisation, the one transaction, and the
// reply and notices, queued through the notifier in that transaction.
// Nothing command-specific lives here; commands are in package handlers.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"gridbot"
	"gridbot/handlers"
	"gridbot/storage/kv"
)

// DefaultBotNames are the display names the bot answers to when none are configured.
var DefaultBotNames = []string{"网格助手"}

// DefaultDedupeTTL is how long the early duplicate filter remembers a message
// id: longer than any platform retries (WeCom retries within seconds).
const DefaultDedupeTTL = 24 * time.Hour

// DefaultKVTimeout bounds each admission call: when Redis hangs, the
// message goes on without it rather than miss the platform's deadline.
const DefaultKVTimeout = 500 * time.Millisecond

// Gate is the admission door (kv.KV is one): the dedupe filter and the
// per-member rate limit in one call, and Forget to let a message in again.
type Gate interface {
	kv.Gate
	Forget(ctx context.Context, key string) error
}

// Notifier queues notices in a transaction (bot/notify's Worker is one) and
// returns the jobs it queued, still this replica's to send after commit.
type Notifier interface {
	Notify(tx gridbot.Tx, n gridbot.Notice) ([]gridbot.OutboundJob, error)
}

// Pipeline handles inbound messages: admit (drop duplicates, apply the
// per-member rate limit) → strip the bot's own @name → parse → authorize
// by role → run the command in one store transaction, which also claims
// the message id and queues the reply and the command's notices.
type Pipeline struct {
	Store    gridbot.Store
	Handler  *handlers.Handler
	BotNames []string // the bot's own display names, without "@"
	// Gate, when set, admits messages before any transaction: a message id
	// seen before is dropped, and a member over UserRate commands a minute
	// is answered without running anything. It fails open: the guarantee
	// is the store's ClaimMessage, inside the command's transaction.
	Gate      Gate
	UserRate  int // commands a minute per member; 0: no limit
	DedupeTTL time.Duration
	KVTimeout time.Duration
	// Notifier, when set, queues the replies and notices durably in the
	// command's transaction; without it (console, replay) they are only
	// returned in Result.Out.
	Notifier Notifier
	// Journal, when set, keeps a message whose transaction failed (the
	// store unreachable, mostly) durably before it is answered; its drainer
	// runs it again through Drain (journal.go).
	Journal  Journal
	Clock    gridbot.Clock // "now" for a message without a time
	Logger   *slog.Logger
	kvWarned warnOnce // Redis down: one warning a minute, not one a message

	// Images, when set, fetches the pictures messages carry (images.go);
	// ImageTimeout bounds it (DefaultImageTimeout when 0).
	Images       ImageFetcher
	ImageTimeout time.Duration
}

// New returns a pipeline on st with h, answering to DefaultBotNames.
func New(st gridbot.Store, h *handlers.Handler) *Pipeline {
	return &Pipeline{Store: st, Handler: h, BotNames: DefaultBotNames, DedupeTTL: DefaultDedupeTTL,
		KVTimeout: DefaultKVTimeout, Clock: gridbot.SystemClock{}, Logger: slog.Default()}
}

// Outcome codes of a Result besides gridbot's error codes.
const (
	OK          = ""             // the command ran and committed
	Duplicate   = "duplicate"    // the message was handled before; no reply
	RateLimited = "rate_limited" // the member is over UserRate; answered, nothing run
	Journaled   = "journaled"    // kept in the journal: answered, run when the store is back
	Unavailable = "unavailable"  // neither the store nor the journal took it: the platform must retry
)

// Result is what became of one message.
type Result struct {
	// Out is every reply and notice rendered, in order (what a console prints).
	Out []gridbot.Outbound
	// Jobs are the ones queued and committed: the caller sends them now
	// (Notifier's Deliver), or the worker does when their lease ends.
	Jobs []gridbot.OutboundJob
	// Direct are answers never queued, to send once without the outbox: the
	// rate limit's and an internal error's (see Process).
	Direct  []gridbot.Notice
	Command string // the canonical command word, "" when none was recognised
	Code    string // OK, Duplicate, RateLimited, Journaled, Unavailable, or the gridbot error code of the refusal
	// Err is the internal error behind Code EINTERNAL, Journaled or
	// Unavailable; Retried says a Journaled message was journaled before.
	Err     error
	Retried bool
}

// errDuplicate marks a ClaimMessage conflict, as opposed to a command's own
// ECONFLICT ("今日已打卡").
var errDuplicate = errors.New("duplicate message")

// Handle handles one inbound message and returns the replies to show.
func (p *Pipeline) Handle(ctx context.Context, m gridbot.Message) []gridbot.Outbound {
	return p.Process(ctx, m).Out
}

// Process handles one inbound message and says what became of it.
func (p *Pipeline) Process(ctx context.Context, m gridbot.Message) Result {
	return p.process(ctx, m, false, false)
}

// Drain runs a journaled message again, without its admission (it was
// admitted when it arrived) and as at its own time. An internal error
// comes back as EINTERNAL with Err and nothing answered, unless final:
// then the member is told 系统内部错误 (Direct) and the error logged.
func (p *Pipeline) Drain(ctx context.Context, m gridbot.Message, final bool) Result {
	return p.process(ctx, m, true, final)
}

func (p *Pipeline) process(ctx context.Context, m gridbot.Message, drain, final bool) Result {
	if m.At.IsZero() {
		m.At = gridbot.SystemClock{}.Now()
		if p.Clock != nil {
			m.At = p.Clock.Now()
		}
	}
	var key string
	var res Result
	if !drain {
		if res, held := p.held(m); held {
			return res
		}
		var done bool
		if key, res, done = p.admit(ctx, m); done {
			return res
		}
	}
	text := StripBotNames(m.Text, p.BotNames)
	if strings.TrimSpace(text) == "" && m.Location != nil {
		text = "打卡" // a bare location message is a check-in
	} else if strings.TrimSpace(text) == "" && len(m.Images) > 0 {
		text = AttachCommand // pictures alone go to the sender's latest 上报 or 活动
	}
	call, perr := p.Handler.Registry.Parse(text)
	var notices []gridbot.Notice
	var jobs []gridbot.OutboundJob
	var err error
	if perr != nil {
		err = perr
	} else {
		m = p.fetchImages(ctx, m, call) // before the transaction, never inside it
		// One transaction: the claim, the command's reads and writes, and
		// its reply and notices. (Read-only commands too: on SQLite a
		// second, separate claim would queue behind the write lock twice.)
		err = p.Store.Update(ctx, func(tx gridbot.Tx) error {
			jobs = nil
			sender, err := claimFrom(tx, m, call, p.Handler.Ahead(m, call))
			if err != nil {
				return err
			}
			reply, err := p.run(ctx, tx, m, call, sender)
			if err != nil {
				return err
			}
			notices = render(m, reply)
			jobs, err = p.queue(tx, notices)
			return err
		})
	}
	if call != nil {
		res.Command = call.Cmd.Name
	}
	switch code := gridbot.ErrorCode(err); {
	case errors.Is(err, errDuplicate):
		res.Code = Duplicate
		return res
	case err == nil:
	case code == gridbot.EINTERNAL && drain && !final:
		res.Code, res.Err = code, err
		return res
	case code == gridbot.EINTERNAL && !drain && p.Journal != nil && m.MsgID != "":
		return p.keep(ctx, m, key, res, err)
	case code == gridbot.EINTERNAL:
		// Nothing was recorded and the message is not claimed: let the
		// platform's retry in. The apology is not queued: keyed by the
		// message, it would take the place of the retry's real answer.
		p.logger().Error("command failed", "town", m.TownID, "platform", m.Platform, "msgid", m.MsgID,
			"sender", m.SenderID, "command", res.Command, "err", err)
		p.forget(ctx, key)
		res.Code = code
		notices = render(m, &handlers.Reply{Text: gridbot.ErrorMessage(err)})
		res.Direct = notices
		jobs = nil
	default:
		// A refusal records nothing, but the message is claimed on its own,
		// with its answer queued beside the claim, so that a retry is not
		// answered twice.
		notices = render(m, &handlers.Reply{Text: gridbot.ErrorMessage(err)})
		cerr := p.Store.Update(ctx, func(tx gridbot.Tx) error {
			jobs = nil
			if err := claim(tx, m); err != nil {
				return err
			}
			var err error
			jobs, err = p.queue(tx, notices)
			return err
		})
		if errors.Is(cerr, errDuplicate) {
			res.Code = Duplicate
			return res
		} else if cerr != nil && drain && !final {
			res.Code, res.Err = gridbot.EINTERNAL, cerr
			return res
		} else if cerr != nil && !drain && p.Journal != nil && m.MsgID != "" {
			return p.keep(ctx, m, key, res, cerr)
		} else if cerr != nil {
			p.logger().Warn("claiming a refused message failed; answering it directly", "msgid", m.MsgID, "err", cerr)
			res.Direct, jobs = notices, nil
		}
		res.Code = code
	}
	res.Out, res.Jobs = outbound(notices), jobs
	return res
}

// admit filters duplicates and applies the per-member rate limit, in one
// round trip to the Gate (the filter first, so a platform's retry never
// counts against a member). It fails open: when Redis is down the store's
// unique claim still counts each message once. done means res is final.
//
// A copy (the filter has seen the id) is dropped when the limit refused
// its first copy (answered without the store, v.Limited), or when the
// store has the message's claim committed. The filter marks an id when a replica
// takes the message, not when its transaction commits: a replica killed in
// between leaves the mark, and dropping the platform's retry then would
// lose an acknowledged message. Else the copy goes on, and its own claim
// decides — waiting, on PostgreSQL, for a first copy still in flight.
func (p *Pipeline) admit(ctx context.Context, m gridbot.Message) (key string, res Result, done bool) {
	if p.Gate == nil || m.MsgID == "" {
		return "", Result{}, false
	}
	key = "msg:" + strconv.FormatInt(m.TownID, 10) + ":" + m.Platform + ":" + m.MsgID
	ttl := p.DedupeTTL
	if ttl <= 0 {
		ttl = DefaultDedupeTTL
	}
	a := kv.Admission{SeenKey: key, SeenTTL: ttl}
	if p.UserRate > 0 {
		a.RateKey, a.Limit, a.Window = "rate:"+strconv.FormatInt(m.TownID, 10)+":"+m.SenderID, p.UserRate, time.Minute
	}
	kctx, cancel := context.WithTimeout(ctx, p.kvTimeout())
	v, err := p.Gate.Admit(kctx, a)
	cancel()
	switch {
	case err != nil:
		if p.kvWarned.due() {
			p.logger().Warn("dedupe filter and rate limiter unavailable; the store decides and the command goes through (said once a minute while it lasts)", "err", err)
		}
		return "", Result{}, false
	case !v.First:
		if v.Limited || p.claimed(ctx, m) {
			return key, Result{Code: Duplicate}, true
		}
		return key, Result{}, false
	case !v.Allowed:
		// Answered without a transaction, and not durably: nothing was
		// recorded, and a member over the limit should not cost the
		// database anything. The mark says so (kv.Verdict.Limited), so a
		// retry of this message is dropped rather than answered twice.
		n := render(m, &handlers.Reply{Text: limitedText(p.UserRate, v.RetryAfter)})
		return key, Result{Out: outbound(n), Direct: n, Code: RateLimited}, true
	}
	return key, Result{}, false
}

// claimed reports whether m's claim is committed in the store; false when
// the store cannot say (the copy then goes on, and the store or the
// journal decides).
func (p *Pipeline) claimed(ctx context.Context, m gridbot.Message) bool {
	var ok bool
	err := p.Store.View(ctx, func(tx gridbot.Tx) error {
		var err error
		ok, err = tx.MessageClaimed(m.TownID, m.MsgID)
		return err
	})
	return err == nil && ok
}

// forget lets a later copy of a message in again (nothing was recorded).
func (p *Pipeline) forget(ctx context.Context, key string) {
	if key == "" || p.Gate == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.kvTimeout())
	defer cancel()
	if err := p.Gate.Forget(fctx, key); err != nil {
		p.logger().Warn("dedupe forget failed", "err", err)
	}
}

func (p *Pipeline) kvTimeout() time.Duration {
	if p.KVTimeout <= 0 {
		return DefaultKVTimeout
	}
	return p.KVTimeout
}

// queue hands the notices to the notifier in tx.
func (p *Pipeline) queue(tx gridbot.Tx, notices []gridbot.Notice) ([]gridbot.OutboundJob, error) {
	if p.Notifier == nil {
		return nil, nil
	}
	var jobs []gridbot.OutboundJob
	for _, n := range notices {
		js, err := p.Notifier.Notify(tx, n)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, js...)
	}
	return jobs, nil
}

func (p *Pipeline) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.Default()
	}
	return p.Logger
}

// senderClaimer is a Tx that claims a message and reads its sender in one
// statement (sqldb on PostgreSQL): ECONFLICT when claimed before, else the
// sender as PersonByUserID gives them; what the command will ask first
// (gridbot.Ahead) it may read in the same round trip.
type senderClaimer interface {
	ClaimMessageFrom(townID int64, platform, msgID string, at time.Time, userID string, a gridbot.Ahead) (gridbot.Person, error)
}

// claimFrom claims the message in tx and reads its sender, unless the
// command needs none: in one statement when tx can (senderClaimer). A
// sender not in the roster, or no longer active, is a Person with only
// their UserID (handlers.Sender).
func claimFrom(tx gridbot.Tx, m gridbot.Message, call *handlers.Call, a gridbot.Ahead) (gridbot.Person, error) {
	sender := gridbot.Person{UserID: m.SenderID}
	needed := !(call.Cmd.Public && call.Cmd.NoSender)
	if sc, ok := tx.(senderClaimer); ok && needed && m.MsgID != "" {
		p, err := sc.ClaimMessageFrom(m.TownID, m.Platform, m.MsgID, m.At, m.SenderID, a)
		switch code := gridbot.ErrorCode(err); {
		case code == gridbot.ECONFLICT:
			return sender, errDuplicate
		case code == gridbot.ENOTFOUND || (err == nil && !p.Active):
			return sender, nil
		}
		return p, err
	}
	if err := claim(tx, m); err != nil {
		return sender, err
	}
	if !needed {
		return sender, nil
	}
	return handlers.Sender(tx, m.TownID, m.SenderID)
}

// run authorizes the sender and runs the command in tx.
func (p *Pipeline) run(ctx context.Context, tx gridbot.Tx, m gridbot.Message, call *handlers.Call, sender gridbot.Person) (*handlers.Reply, error) {
	if err := handlers.Authorize(call.Cmd, sender); err != nil {
		return nil, err
	}
	return p.Handler.Run(ctx, tx, m, sender, call)
}

// claim records the message id in tx; a message handled before is errDuplicate.
func claim(tx gridbot.Tx, m gridbot.Message) error {
	if m.MsgID == "" {
		return nil
	}
	err := tx.ClaimMessage(m.TownID, m.Platform, m.MsgID, m.At)
	if gridbot.ErrorCode(err) == gridbot.ECONFLICT {
		return errDuplicate
	}
	return err
}
