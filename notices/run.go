package notices

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gridbot"
	"gridbot/scoring"
)

// Notifier queues a notice in the transaction that decides to send it
// (bot/notify's Worker), and delivers what it queued after the commit.
type Notifier interface {
	Notify(tx gridbot.Tx, n gridbot.Notice) ([]gridbot.OutboundJob, error)
	Deliver(ctx context.Context, jobs []gridbot.OutboundJob)
}

// Defaults of a Runner.
const (
	DefaultBatch = 500
	DefaultPoll  = 15 * time.Second
)

// Runner plans the calendar's notices and sends what is due. Several
// runners (one per replica) may share a store: planning is idempotent and
// serialized per town by the planning mark, and each due notice is taken by
// one runner (locked, in PostgreSQL) and leaves "planned" in the transaction
// that queues it.
type Runner struct {
	Store gridbot.Store
	Rules *scoring.Rules
	// Notifier queues and delivers; nil queues nothing (a replay prints).
	Notifier Notifier
	// Robots says whether the towns' group robots are used for the office's
	// notices: false in a replay, where the office is told one-to-one.
	Robots bool
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Poll   time.Duration
	Batch  int
	Logger *slog.Logger
}

// Sent is one notice sent: one line of replay --notices.
type Sent struct {
	At     time.Time
	Kind   string
	Ref    string
	To     []string
	Via    string
	Text   string
	TownID int64
}

func (r *Runner) batch() int {
	if r.Batch < 1 {
		return DefaultBatch
	}
	return r.Batch
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.Default()
	}
	return r.Logger
}

// Run plans and sends as time passes until ctx is done (gridbot serve).
func (r *Runner) Run(ctx context.Context) error {
	now, sleep, poll := r.Now, r.Sleep, r.Poll
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	if poll <= 0 {
		poll = DefaultPoll
	}
	for {
		if _, err := r.RunOnce(ctx, now()); err != nil && ctx.Err() == nil {
			r.logger().Error("notices: round failed", "err", err)
		}
		if sleep(ctx, poll) != nil {
			return nil
		}
	}
}

// RunOnce plans the calendar up to now and sends every notice due at now.
func (r *Runner) RunOnce(ctx context.Context, now time.Time) ([]Sent, error) {
	if err := r.Plan(ctx, now); err != nil {
		return nil, err
	}
	var all []Sent
	for {
		sent, n, err := r.deliverBatch(ctx, now)
		all = append(all, sent...)
		if err != nil || n < r.batch() {
			return all, err
		}
	}
}

// RunUntil runs the scheduler on a transcript's clock: it plans up to until
// and sends what falls due in order, each round at the due time of the
// earliest notice, so that every notice is sent as at its own time.
func (r *Runner) RunUntil(ctx context.Context, until time.Time) ([]Sent, error) {
	if err := r.Plan(ctx, until); err != nil {
		return nil, err
	}
	var all []Sent
	for {
		var next time.Time
		var ok bool
		err := r.Store.View(ctx, func(tx gridbot.Tx) error {
			var err error
			next, ok, err = tx.NextNoticeDue()
			return err
		})
		if err != nil || !ok || next.After(until) {
			return all, err
		}
		sent, err := r.RunOnce(ctx, next)
		all = append(all, sent...)
		if err != nil {
			return all, err
		}
	}
}

// Plan plans each town's calendar notices that fell due since its planning
// mark: one transaction per town, the mark locked.
func (r *Runner) Plan(ctx context.Context, now time.Time) error {
	var towns []gridbot.Town
	if err := r.Store.View(ctx, func(tx gridbot.Tx) error {
		var err error
		towns, err = tx.Towns()
		return err
	}); err != nil {
		return err
	}
	for _, t := range towns {
		err := r.Store.Update(ctx, func(tx gridbot.Tx) error {
			prev, ok, err := tx.AdvanceNoticePlan(t.ID, now)
			if err != nil || (ok && !prev.Before(now)) {
				return err
			}
			if !ok {
				prev = now.Add(-time.Millisecond) // the first time: from now on
			}
			grids, err := tx.Grids(t.ID)
			if err != nil {
				return err
			}
			people, err := tx.People(t.ID)
			if err != nil {
				return err
			}
			_, err = tx.PlanNotices(CalendarNotices(r.Rules, t.ID, grids, people, prev, now))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// outgoing is one message of a round: the notices for one destination due
// in the same minute, sent as one.
type outgoing struct {
	town     int64
	dest     gridbot.Destination
	mentions []string
	texts    []string
	first    int64 // the first notice's id: the message's key
	at       time.Time
}

// deliverBatch sends or skips up to a batch of due notices in one
// transaction, and delivers what it queued after the commit.
func (r *Runner) deliverBatch(ctx context.Context, now time.Time) ([]Sent, int, error) {
	var sent []Sent
	var jobs []gridbot.OutboundJob
	n := 0
	err := r.Store.Update(ctx, func(tx gridbot.Tx) error {
		sent, jobs, n = nil, nil, 0
		due, err := tx.DueNotices(now, r.batch())
		if err != nil {
			return err
		}
		n = len(due)
		views := map[int64]*view{}
		var outs []*outgoing
		byKey := map[string]*outgoing{}
		for _, s := range due {
			v := views[s.TownID]
			if v == nil {
				if v, err = newView(tx, r, s.TownID); err != nil {
					return err
				}
				views[s.TownID] = v
			}
			d, err := v.decide(s, now)
			if err != nil {
				return err
			}
			s.DoneAt = now
			if d.skip != "" {
				s.State, s.Reason = gridbot.NoticeSkipped, d.skip
				if err := tx.FinishNotice(s); err != nil {
					return err
				}
				continue
			}
			s.State, s.Reason, s.Text = gridbot.NoticeSent, d.reason, d.text
			var to, via []string
			for _, tg := range d.targets {
				to = append(to, tg.to...)
				via = append(via, tg.via())
				k := strconv.FormatInt(s.TownID, 10) + "|" + tg.key() + "|" + s.DueAt.Truncate(time.Minute).Format(time.RFC3339)
				o := byKey[k]
				if o == nil {
					o = &outgoing{town: s.TownID, dest: tg.dest, first: s.ID, at: s.DueAt}
					byKey[k] = o
					outs = append(outs, o)
				}
				o.texts = append(o.texts, d.text)
				for _, m := range tg.mentions {
					if !slices.Contains(o.mentions, m) {
						o.mentions = append(o.mentions, m)
					}
				}
			}
			s.To, s.Via = sortedUnique(to), strings.Join(sortedUnique(via), ",")
			if err := tx.FinishNotice(s); err != nil {
				return err
			}
			sent = append(sent, Sent{At: s.DueAt, Kind: s.Kind, Ref: s.Ref, To: s.To, Via: s.Via, Text: s.Text, TownID: s.TownID})
		}
		if r.Notifier == nil {
			return nil
		}
		for _, o := range outs {
			js, err := r.Notifier.Notify(tx, gridbot.Notice{TownID: o.town, Key: "notice:" + strconv.FormatInt(o.first, 10) + ":" + destKey(o.dest),
				To: o.dest, Text: strings.Join(o.texts, "\n\n"), Mentions: o.mentions, At: o.at})
			if err != nil {
				return err
			}
			jobs = append(jobs, js...)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if r.Notifier != nil && len(jobs) > 0 {
		r.Notifier.Deliver(ctx, jobs)
	}
	return sent, n, nil
}

func sortedUnique(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// destKey names a destination in a message's key.
func destKey(d gridbot.Destination) string {
	if d.Kind == gridbot.DestPerson {
		return "p:" + d.UserID
	}
	return "g:" + d.Scope + ":" + d.Name
}
