// Package bot is the one chat pipeline every platform feeds: a platform
// adapter (bot/wecom, bot/dingtalk, bot/console) turns its callback into a
// gridbot.Message and sends the gridbot.Outbound replies back. Nothing
// command-specific lives here; commands are in package handlers.
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

// Pipeline handles inbound messages: drop duplicates → strip the bot's own
// @name → parse → authorize by role → run the command in one store
// transaction, which also claims the message id → render the reply.
type Pipeline struct {
	Store    gridbot.Store
	Handler  *handlers.Handler
	BotNames []string // the bot's own display names, without "@"
	// Dedupe, when set, is a cheap filter in front of the store: a message id
	// seen before is dropped without a transaction. The guarantee is the
	// store's ClaimMessage, inside the command's transaction.
	Dedupe    kv.Dedupe
	DedupeTTL time.Duration
	Clock     gridbot.Clock // "now" for a message without a time
	Logger    *slog.Logger
}

// New returns a pipeline on st with h, answering to DefaultBotNames.
func New(st gridbot.Store, h *handlers.Handler) *Pipeline {
	return &Pipeline{Store: st, Handler: h, BotNames: DefaultBotNames, DedupeTTL: DefaultDedupeTTL,
		Clock: gridbot.SystemClock{}, Logger: slog.Default()}
}

// Outcome codes of a Result besides gridbot's error codes.
const (
	OK        = ""          // the command ran and committed
	Duplicate = "duplicate" // the message was handled before; no reply
)

// Result is what became of one message; Handle returns only Out.
type Result struct {
	Out     []gridbot.Outbound
	Command string // the canonical command word, "" when none was recognised
	Code    string // OK, Duplicate, or the gridbot error code of the refusal
}

// errDuplicate marks a ClaimMessage conflict, as opposed to a command's own
// ECONFLICT ("今日已打卡").
var errDuplicate = errors.New("duplicate message")

// Handle handles one inbound message and returns the replies to send.
func (p *Pipeline) Handle(ctx context.Context, m gridbot.Message) []gridbot.Outbound {
	return p.Process(ctx, m).Out
}

// Process handles one inbound message and says what became of it.
func (p *Pipeline) Process(ctx context.Context, m gridbot.Message) Result {
	if m.At.IsZero() {
		m.At = gridbot.SystemClock{}.Now()
		if p.Clock != nil {
			m.At = p.Clock.Now()
		}
	}
	key := ""
	if m.MsgID != "" && p.Dedupe != nil {
		key = "msg:" + strconv.FormatInt(m.TownID, 10) + ":" + m.Platform + ":" + m.MsgID
		ttl := p.DedupeTTL
		if ttl <= 0 {
			ttl = DefaultDedupeTTL
		}
		first, err := p.Dedupe.Seen(ctx, key, ttl)
		switch {
		case err != nil:
			// The store decides (kv's contract): never drop on a filter error.
			p.logger().Warn("dedupe filter failed", "err", err)
			key = ""
		case !first:
			return Result{Code: Duplicate}
		}
	}
	text := StripBotNames(m.Text, p.BotNames)
	if strings.TrimSpace(text) == "" && m.Location != nil {
		text = "打卡" // a bare location message is a check-in
	}
	call, perr := p.Handler.Registry.Parse(text)
	var reply *handlers.Reply
	var err error
	if perr != nil {
		err = perr
	} else {
		// One transaction: the claim, the command's reads and its writes.
		// (Read-only commands too: on SQLite a second, separate claim would
		// queue behind the write lock twice and cost more than it saves.)
		err = p.Store.Update(ctx, func(tx gridbot.Tx) error {
			if err := claim(tx, m); err != nil {
				return err
			}
			var rerr error
			reply, rerr = p.run(ctx, tx, m, call)
			return rerr
		})
	}
	res := Result{}
	if call != nil {
		res.Command = call.Cmd.Name
	}
	switch code := gridbot.ErrorCode(err); {
	case errors.Is(err, errDuplicate):
		res.Code = Duplicate
		return res
	case err == nil:
	case code == gridbot.EINTERNAL:
		// Nothing was recorded and the message is not claimed: let the
		// platform's retry in.
		p.logger().Error("command failed", "town", m.TownID, "platform", m.Platform, "msgid", m.MsgID,
			"sender", m.SenderID, "command", res.Command, "err", err)
		if key != "" {
			if ferr := p.Dedupe.Forget(ctx, key); ferr != nil {
				p.logger().Warn("dedupe forget failed", "err", ferr)
			}
		}
		res.Code = code
		reply = &handlers.Reply{Text: gridbot.ErrorMessage(err)}
	default:
		// A refusal records nothing, but the message is claimed on its own
		// so that a retry is not answered twice.
		if cerr := p.Store.Update(ctx, func(tx gridbot.Tx) error { return claim(tx, m) }); errors.Is(cerr, errDuplicate) {
			res.Code = Duplicate
			return res
		} else if cerr != nil {
			p.logger().Warn("claiming a refused message failed", "msgid", m.MsgID, "err", cerr)
		}
		res.Code = code
		reply = &handlers.Reply{Text: gridbot.ErrorMessage(err)}
	}
	res.Out = render(m, reply)
	return res
}

func (p *Pipeline) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.Default()
	}
	return p.Logger
}

// run authorizes the sender and runs the command in tx.
func (p *Pipeline) run(ctx context.Context, tx gridbot.Tx, m gridbot.Message, call *handlers.Call) (*handlers.Reply, error) {
	sender := gridbot.Person{UserID: m.SenderID}
	if !(call.Cmd.Public && call.Cmd.NoSender) {
		var err error
		if sender, err = handlers.Sender(tx, m.TownID, m.SenderID); err != nil {
			return nil, err
		}
	}
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

// render addresses a reply to the chat the message came from (with the
// sender @-ed in a group), followed by the reply's other notices.
func render(m gridbot.Message, r *handlers.Reply) []gridbot.Outbound {
	to := m.ChatID
	if to == "" {
		to = gridbot.DM(m.SenderID)
	}
	var mentions []string
	if m.ChatKind == gridbot.ChatGroup {
		mentions = append(mentions, m.SenderID)
	}
	for _, u := range r.Mentions {
		if u != m.SenderID || m.ChatKind != gridbot.ChatGroup {
			mentions = append(mentions, u)
		}
	}
	out := []gridbot.Outbound{{At: m.At, To: to, Text: r.Text, Mentions: mentions}}
	return append(out, r.Also...)
}

// StripBotNames removes every "@name" (or "＠name") of the bot from text, so
// that "@网格助手 打卡" and "打卡 @网格助手" both read "打卡".
func StripBotNames(text string, names []string) string {
	for _, n := range names {
		if n == "" {
			continue
		}
		for _, mark := range []string{"@", "＠"} {
			text = strings.ReplaceAll(text, mark+n, " ")
		}
	}
	return strings.TrimSpace(text)
}
