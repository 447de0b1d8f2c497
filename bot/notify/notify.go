package notify

import (
	"context"
	"strconv"
	"strings"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/wecom"
)

// Channels are a town's one-to-one channels; nil when not configured. The
// group robots are in the store (gridbot import webhooks), and a message's
// reply channel comes with the message.
type Channels struct {
	WeComApp *wecom.App     // message/send of the self-built app
	DingWork *dingtalk.Work // DingTalk work notices
}

// person is the channel a person's notice goes by: the WeCom app when the
// town has it, else DingTalk work notices, else "" (their grid's robot).
func (c Channels) person() string {
	switch {
	case c.WeComApp != nil:
		return gridbot.ChannelWeComApp
	case c.DingWork != nil:
		return gridbot.ChannelDingTalkWork
	}
	return ""
}

// channels returns the town's channels; none when Options.Channels is nil
// (gridbot push without a platform configured, the tests of robots).
func (w *Worker) channels(townID int64) Channels {
	if w.opt.Channels == nil {
		return Channels{}
	}
	return w.opt.Channels(townID)
}

// Notify queues n in tx, the transaction that decides to send it, so that
// the notice commits or rolls back with what it tells: a reply on its
// message's channel; a notice to a person on the town's one-to-one channel
// (WeCom app, else DingTalk work notice, else into their grid's group robot
// with an @ of them); a notice to a group through each of its robots. The
// jobs come back already claimed by this worker for FastLease, for the
// caller to hand to Deliver right after the commit; if it never does (it
// crashed), any worker takes them when the lease ends.
//
// A notice whose key the town has queued before queues nothing (nil, nil):
// the retry of a stored message re-sends nothing. A reply with no channel
// (console, replay) and a notice with no way to its person or group queue
// nothing either; the latter is logged.
func (w *Worker) Notify(tx gridbot.Tx, n gridbot.Notice) ([]gridbot.OutboundJob, error) {
	if strings.TrimSpace(n.Text) == "" {
		return nil, gridbot.Errorf(gridbot.EINVALID, "推送消息内容为空。")
	}
	// The lease counts from now, not from the notice's time: a message's
	// time is the platform's (or a transcript's), and may lie in the past.
	now := w.opt.Now()
	base := gridbot.OutboundJob{TownID: n.TownID, Key: n.Key, Mentions: n.Mentions, CreatedAt: n.At,
		Claim: w.claim, ClaimedUntil: now.Add(w.opt.FastLease)}
	if n.At.IsZero() {
		base.CreatedAt = now
	}
	if n.Markdown {
		base.Markdown = n.Text
	} else {
		base.Text = n.Text
	}
	var jobs []gridbot.OutboundJob
	add := func(j gridbot.OutboundJob) error {
		err := tx.EnqueueJob(&j)
		if gridbot.ErrorCode(err) == gridbot.ECONFLICT {
			return nil // queued before: once is enough
		}
		if err == nil {
			jobs = append(jobs, j)
		}
		return err
	}
	switch d := n.To; d.Kind {
	case gridbot.DestReply:
		if d.Channel == "" || d.Address == "" {
			return nil, nil // no platform (console), or no address to trust
		}
		j := base
		j.Channel, j.Address, j.Until = d.Channel, d.Address, d.Until
		return jobs, add(j)
	case gridbot.DestPerson:
		if ch := w.channels(n.TownID).person(); ch != "" {
			j := base
			j.Channel, j.Address = ch, d.UserID
			return jobs, add(j)
		}
		p, err := tx.PersonByUserID(n.TownID, d.UserID)
		if err != nil && gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
			return nil, err
		}
		if p.Grid == "" {
			w.opt.Logger.Warn("notify: no one-to-one channel and no grid to reach a person; notice dropped",
				"town", n.TownID, "user", d.UserID, "key", n.Key)
			return nil, nil
		}
		// Markdown cannot @ anybody: the @ rides on a text beside it (Parts).
		base.Mentions = append(append([]string(nil), n.Mentions...), d.UserID)
		return w.toGroup(tx, base, gridbot.ScopeGrid, p.Grid)
	case gridbot.DestGroup:
		return w.toGroup(tx, base, d.Scope, d.Name)
	}
	return nil, gridbot.Errorf(gridbot.EINVALID, "不知道发给谁（%q）。", n.To.Kind)
}

// toGroup queues base for each robot of the group; keys get the robot's id,
// so that one notice is one job per robot (a WeCom and a DingTalk group).
func (w *Worker) toGroup(tx gridbot.Tx, base gridbot.OutboundJob, scope, name string) ([]gridbot.OutboundJob, error) {
	hooks, err := tx.Webhooks(base.TownID)
	if err != nil {
		return nil, err
	}
	var jobs []gridbot.OutboundJob
	found := false
	for _, h := range hooks {
		if h.Scope != scope || h.Name != name {
			continue
		}
		found = true
		j := base
		j.Channel, j.WebhookID, j.Webhook = gridbot.ChannelRobot, h.ID, h
		if j.Key != "" {
			j.Key += ":" + strconv.FormatInt(h.ID, 10)
		}
		if err := tx.EnqueueJob(&j); gridbot.ErrorCode(err) == gridbot.ECONFLICT {
			continue // queued before
		} else if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	if !found {
		w.opt.Logger.Warn("notify: the group has no robot; notice dropped (gridbot import webhooks)",
			"town", base.TownID, "scope", scope, "group", name, "key", base.Key)
	}
	return jobs, nil
}

// Direct turns a reply notice into a job that is never stored, for an
// answer sent once without the outbox (the rate limit's, an internal
// error's): Attempt sends it; there is nothing to Finish.
func (w *Worker) Direct(n gridbot.Notice) (gridbot.OutboundJob, bool) {
	d := n.To
	if d.Kind != gridbot.DestReply || d.Channel == "" || d.Address == "" {
		return gridbot.OutboundJob{}, false
	}
	j := gridbot.OutboundJob{TownID: n.TownID, Key: n.Key, Channel: d.Channel, Address: d.Address, Until: d.Until,
		Mentions: n.Mentions, CreatedAt: n.At}
	if n.Markdown {
		j.Markdown = n.Text
	} else {
		j.Text = n.Text
	}
	return j, true
}

// Deliver sends jobs just queued by Notify (and committed), once each, and
// records the outcome: delivered, or left to the worker's retries.
func (w *Worker) Deliver(ctx context.Context, jobs []gridbot.OutboundJob) {
	var s Stats
	for _, j := range jobs {
		w.deliver(ctx, w.claim, j, &s)
	}
}
