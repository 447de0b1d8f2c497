package notify

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"gridbot"
	"gridbot/storage/kv"
)

// Default API bases, overridden by GRIDBOT_WECOM_API_BASE and
// GRIDBOT_DINGTALK_API_BASE (a private deployment, or a fake server in tests).
const (
	DefaultWeComBase    = "https://qyapi.weixin.qq.com"
	DefaultDingTalkBase = "https://oapi.dingtalk.com"
)

// Defaults of Options.
const (
	DefaultBatch   = 5
	DefaultLease   = 5 * time.Minute
	DefaultPoll    = 2 * time.Second
	DefaultTimeout = 15 * time.Second
)

// Options configure a Worker; zero values take the defaults.
type Options struct {
	WeComBase    string        // DefaultWeComBase when ""
	DingTalkBase string        // DefaultDingTalkBase when ""
	HTTP         *resty.Client // a client with DefaultTimeout when nil
	// Now tells the time (time.Now when nil); tests move a fake clock.
	Now func() time.Time
	// Sleep waits d or until ctx is done; tests advance the fake clock instead.
	Sleep func(ctx context.Context, d time.Duration) error
	Retry RetryPolicy
	// Batch is how many jobs one claim takes. Lease is how long they are
	// this worker's: it must cover delivering a whole batch (each request
	// times out after the client's timeout), or another replica may send
	// a job a second time.
	Batch int
	Lease time.Duration
	// Poll is how often Run looks for due jobs when the queue was empty.
	Poll time.Duration
	// PerMinute paces each robot (20: WeCom answers 45009 beyond).
	PerMinute int
	Logger    *slog.Logger
	// OnDead is called when a job is given up, after it is marked dead and
	// logged: the place to alert someone. It may be nil.
	OnDead func(j gridbot.OutboundJob)
	// Channels returns a town's one-to-one channels (the WeCom app, DingTalk
	// work notices); nil: none, a person's notice goes to their grid's robot.
	Channels func(townID int64) Channels
	// FastLease is how long Notify's jobs stay this worker's (DefaultFastLease).
	FastLease time.Duration
	// FlushEvery is how long Deliver's "delivered" marks wait to be written
	// together in one statement (DefaultFlushEvery); Flush writes them at once.
	FlushEvery time.Duration
}

// DefaultFlushEvery batches the marks of the replies sent right after their
// commands: at a thousand callbacks a second, one UPDATE for ~20 replies
// instead of a transaction each.
const DefaultFlushEvery = 20 * time.Millisecond

// Worker delivers the outbox. Several workers (one per replica) may run on
// one store: ClaimJobs hands each job to one of them, and the rate limit is
// shared through the kv.Limiter (Redis) as well.
type Worker struct {
	st    gridbot.Store
	lim   kv.Limiter
	opt   Options
	claim string // this worker's claim on the jobs Notify queues
	marks marks  // delivered jobs of that claim, not yet recorded
}

// New returns a worker delivering st's outbox, pacing robots with lim.
func New(st gridbot.Store, lim kv.Limiter, opt Options) *Worker {
	opt.WeComBase = strings.TrimSuffix(orDefault(opt.WeComBase, DefaultWeComBase), "/")
	opt.DingTalkBase = strings.TrimSuffix(orDefault(opt.DingTalkBase, DefaultDingTalkBase), "/")
	if opt.HTTP == nil {
		opt.HTTP = NewHTTPClient()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Sleep == nil {
		opt.Sleep = sleep
	}
	if opt.Retry.Base <= 0 {
		opt.Retry.Base = DefaultRetry.Base
	}
	if opt.Retry.Cap <= 0 {
		opt.Retry.Cap = DefaultRetry.Cap
	}
	if opt.Retry.MaxAttempts < 1 {
		opt.Retry.MaxAttempts = DefaultRetry.MaxAttempts
	}
	if opt.Batch < 1 {
		opt.Batch = DefaultBatch
	}
	if opt.Lease <= 0 {
		opt.Lease = DefaultLease
	}
	if opt.Poll <= 0 {
		opt.Poll = DefaultPoll
	}
	if opt.PerMinute < 1 {
		opt.PerMinute = DefaultPerMinute
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.FastLease <= 0 {
		opt.FastLease = DefaultFastLease
	}
	if opt.FlushEvery <= 0 {
		opt.FlushEvery = DefaultFlushEvery
	}
	w := &Worker{st: st, lim: lim, opt: opt, claim: "fast-" + rand.Text()}
	w.marks.w = w
	return w
}

// NewHTTPClient is the client a Worker uses by default: a timeout, no
// retries of its own (the outbox retries), and no logging, because push
// URLs carry the robots' keys.
func NewHTTPClient() *resty.Client {
	return resty.New().SetTimeout(DefaultTimeout).SetLogger(quietLogger{})
}

type quietLogger struct{}

func (quietLogger) Errorf(string, ...interface{}) {}
func (quietLogger) Warnf(string, ...interface{})  {}
func (quietLogger) Debugf(string, ...interface{}) {}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s == "" {
		return def
	}
	return s
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Stats counts what the worker did.
type Stats struct {
	Claimed   int // jobs claimed
	Delivered int // jobs completely delivered
	Retried   int // jobs that failed and wait for another attempt
	Held      int // jobs waiting for their robot's rate limit (not a failure)
	Dead      int // jobs given up
	// Pending and NextAt (Drain only): the jobs still queued, and when the
	// first of them is due.
	Pending int
	NextAt  time.Time
}

func (s *Stats) add(o Stats) {
	s.Claimed += o.Claimed
	s.Delivered += o.Delivered
	s.Retried += o.Retried
	s.Held += o.Held
	s.Dead += o.Dead
}

// Run delivers jobs as they fall due until ctx is done, and then returns
// nil: the serve command starts it in a goroutine. An error of one round
// (the store unreachable) is logged and the round tried again later.
func (w *Worker) Run(ctx context.Context) error {
	var failing time.Time // one line per failing stretch, not one per round
	for {
		s, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil && failing.IsZero():
			failing = time.Now()
			w.opt.Logger.Warn("outbox: delivery rounds failing (the store unreachable?); retrying every poll", "err", err)
		case err == nil && !failing.IsZero():
			w.opt.Logger.Info("outbox: delivery rounds working again", "seconds", int(time.Since(failing).Seconds()))
			failing = time.Time{}
		}
		if err != nil || s.Claimed == 0 {
			if w.opt.Sleep(ctx, w.opt.Poll) != nil {
				return nil
			}
		}
	}
}

// RunOnce claims one batch of due jobs and delivers it.
func (w *Worker) RunOnce(ctx context.Context) (Stats, error) {
	claim := rand.Text()
	start := w.opt.Now()
	var jobs []gridbot.OutboundJob
	err := w.st.Update(ctx, func(tx gridbot.Tx) error {
		var err error
		jobs, err = tx.ClaimJobs(claim, start, w.opt.Lease, w.opt.Batch)
		return err
	})
	if err != nil {
		return Stats{}, err
	}
	s := Stats{Claimed: len(jobs)}
	for i, j := range jobs {
		// Give back what this claim cannot finish in its lease (or at all,
		// when shutting down) rather than let it wait for the lease to end.
		if ctx.Err() != nil || w.opt.Now().Sub(start) > w.opt.Lease/2 {
			w.release(ctx, claim, jobs[i:])
			break
		}
		w.deliver(ctx, claim, j, &s)
	}
	return s, nil
}

// release ends the claim on jobs without an attempt: due again now.
func (w *Worker) release(ctx context.Context, claim string, jobs []gridbot.OutboundJob) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	now := w.opt.Now()
	for _, j := range jobs {
		w.finish(ctx, j, func(tx gridbot.Tx) error {
			return tx.MarkJobFailed(j.ID, claim, gridbot.JobFailure{Sent: j.Sent, Attempts: j.Attempts,
				NextAt: now, Error: j.LastError, At: now})
		})
	}
}

// finish records the end of a claim. Losing the claim (ECONFLICT: the lease
// ran out and another worker took the job, or its robot was removed) is
// logged; the other worker's outcome stands.
func (w *Worker) finish(ctx context.Context, j gridbot.OutboundJob, fn func(gridbot.Tx) error) {
	err := w.st.Update(context.WithoutCancel(ctx), fn)
	switch gridbot.ErrorCode(err) {
	case "":
	case gridbot.ECONFLICT:
		w.opt.Logger.Warn("outbox: job no longer ours", append(jobAttrs(j), "err", err)...)
	default:
		// The lease runs out and the job is tried again: at worst sent twice.
		w.opt.Logger.Error("outbox: cannot record delivery", append(jobAttrs(j), "err", err)...)
	}
}

// jobAttrs describe a job in logs, never with its robot's key.
func jobAttrs(j gridbot.OutboundJob) []any {
	return []any{"job", j.ID, "town", j.TownID, "platform", j.Webhook.Platform, "scope", j.Webhook.Scope,
		"group", j.Webhook.Name, "robot", robotHint(j.Webhook.Key)}
}

// robotHint is enough of a key to tell robots apart in a log: its last 4 characters.
func robotHint(key string) string {
	if len(key) <= 4 {
		return "…"
	}
	return "…" + key[len(key)-4:]
}
