package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/wecom"
)

// deliver sends j from part j.Sent on and records the outcome.
func (w *Worker) deliver(ctx context.Context, claim string, j gridbot.OutboundJob, s *Stats) {
	wait, err := w.Attempt(ctx, &j)
	w.Record(ctx, claim, j, wait, err, s)
}

// Attempt sends j's parts from j.Sent on, once each, and advances j.Sent.
// wait > 0 says the channel's minute is full (not a failure).
func (w *Worker) Attempt(ctx context.Context, j *gridbot.OutboundJob) (wait time.Duration, err error) {
	parts, err := w.parts(*j)
	if err != nil {
		return 0, err
	}
	for ; j.Sent < len(parts); j.Sent++ {
		if wait = w.pace(ctx, *j); wait > 0 {
			return wait, nil
		}
		if err = parts[j.Sent](ctx); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// Finish records the outcome of the Attempts on a job Notify queued.
func (w *Worker) Finish(ctx context.Context, j gridbot.OutboundJob, wait time.Duration, err error) {
	w.Record(ctx, w.claim, j, wait, err, &Stats{})
}

// Record ends claim on j after an attempt: delivered, held for its
// channel's minute, retried later with backoff, or given up.
func (w *Worker) Record(ctx context.Context, claim string, j gridbot.OutboundJob, wait time.Duration, err error, s *Stats) {
	now := w.opt.Now()
	f := gridbot.JobFailure{Sent: j.Sent, Attempts: j.Attempts, At: now}
	switch {
	case err == nil && wait == 0:
		if claim == w.claim {
			w.marks.add(j.ID, claim)
		} else {
			w.delivered(ctx, claim, j, now)
		}
		s.Delivered++
		return
	case wait > 0:
		// Not a failure: the job waits for the minute without an attempt.
		f.NextAt, f.Error = now.Add(wait), PacedMessage
		s.Held++
	case errors.Is(err, ErrExpired):
		// A reply channel past its time never takes the message: give up now.
		f.Attempts++
		f.Error, f.Dead = err.Error(), true
		s.Dead++
	case ctx.Err() != nil:
		// Shutting down mid-request: not the robot's fault. Due again at
		// once; whether the platform took the part is unknown.
		f.NextAt, f.Error = now, j.LastError
	case rateLimited(err):
		// The robot is busy (perhaps another program posts to it too), not
		// broken: wait for the minute, without counting an attempt.
		f.NextAt, f.Error = now.Add(RateLimitWait), err.Error()
		s.Held++
	default:
		f.Attempts++
		f.Error = err.Error()
		if f.Attempts >= w.opt.Retry.MaxAttempts {
			f.Dead = true
			s.Dead++
		} else {
			f.NextAt = now.Add(w.opt.Retry.Delay(f.Attempts))
			s.Retried++
		}
	}
	w.finish(ctx, j, func(tx gridbot.Tx) error { return tx.MarkJobFailed(j.ID, claim, f) })
	if f.Dead {
		j.State, j.Sent, j.Attempts, j.LastError, j.DoneAt = gridbot.JobDead, f.Sent, f.Attempts, f.Error, now
		w.opt.Logger.Error("outbox: gave up on a message",
			append(jobAttrs(j), "attempts", f.Attempts, "err", f.Error)...)
		if w.opt.OnDead != nil {
			w.opt.OnDead(j)
		}
	} else if f.Error != PacedMessage && ctx.Err() == nil {
		w.opt.Logger.Warn("outbox: delivery failed, will retry",
			append(jobAttrs(j), "attempts", f.Attempts, "next", f.NextAt, "err", f.Error)...)
	}
}

// delivered records a job of a RunOnce claim as delivered. When the store
// does not take the mark (it is restarting), the mark joins the retried
// marks of the worker's own claim (retry.go) instead of being dropped: a
// dropped mark leaves the job claimed until its lease ends, and then it
// goes out a second time.
func (w *Worker) delivered(ctx context.Context, claim string, j gridbot.OutboundJob, now time.Time) {
	err := w.st.Update(context.WithoutCancel(ctx), func(tx gridbot.Tx) error { return tx.MarkJobDelivered(j.ID, claim, now) })
	switch gridbot.ErrorCode(err) {
	case "":
	case gridbot.ECONFLICT:
		w.opt.Logger.Warn("outbox: job no longer ours", append(jobAttrs(j), "err", err)...)
	default:
		w.marks.add(j.ID, claim)
	}
}

// pace takes one message of the robot's minute, or says how long until the
// minute has room. A limiter error lets the message through: the platform
// still enforces its limit, and its 45009 is handled like any busy answer.
func (w *Worker) pace(ctx context.Context, j gridbot.OutboundJob) time.Duration {
	if w.lim == nil {
		return 0
	}
	key, limit := w.limitOf(j)
	if key == "" {
		return 0
	}
	ok, retryAfter, err := w.lim.Allow(ctx, key, limit, time.Minute)
	if err != nil {
		w.opt.Logger.Warn("outbox: rate limiter unavailable, sending unpaced", append(jobAttrs(j), "err", err)...)
		return 0
	}
	if ok {
		return 0
	}
	return max(retryAfter, time.Millisecond)
}

// robotLimitKey names a robot in the limiter by a hash of its key: the key
// is a secret and Redis key names are visible to whoever runs Redis.
func robotLimitKey(h gridbot.Webhook) string {
	sum := sha256.Sum256([]byte(h.Platform + "\x00" + h.Key))
	return "robot:" + hex.EncodeToString(sum[:12])
}

// send POSTs one part to the robot and reads the platform's answer.
func (w *Worker) send(ctx context.Context, h gridbot.Webhook, body []byte) error {
	var u string
	switch h.Platform {
	case gridbot.PlatformWeCom:
		u = w.opt.WeComBase + "/cgi-bin/webhook/send?key=" + url.QueryEscape(h.Key)
	case gridbot.PlatformDingTalk:
		u = dingtalk.SignedURL(w.opt.DingTalkBase+"/robot/send", h.Key, h.Secret, w.opt.Now())
	default:
		return fmt.Errorf("outbox: unknown platform %q", h.Platform)
	}
	resp, err := w.opt.HTTP.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(body).Post(u)
	if err != nil {
		return stripURL(err)
	}
	if h.Platform == gridbot.PlatformDingTalk {
		return dingtalk.CheckResponse(resp.StatusCode(), resp.Body())
	}
	return wecom.CheckResponse(resp.StatusCode(), resp.Body())
}

// stripURL drops the URL from a transport error: it carries the robot's key,
// and the error is stored as the job's LastError and logged.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// rateLimited reports the platforms' "too many messages" answers.
func rateLimited(err error) bool {
	var rl interface{ RateLimited() bool }
	return errors.As(err, &rl) && rl.RateLimited()
}

// RetryPolicy is the exponential backoff of failed deliveries.
type RetryPolicy struct {
	Base        time.Duration // the wait after the first failure
	Cap         time.Duration // the longest wait
	MaxAttempts int           // failures after which the job is dead
}

// DefaultRetry waits 30 s, 1 min, 2 min … up to an hour between attempts,
// and gives up after 15 failures, about nine hours: long enough for a
// platform outage or an administrator fixing a robot's key.
var DefaultRetry = RetryPolicy{Base: 30 * time.Second, Cap: time.Hour, MaxAttempts: 15}

// Delay is the wait after the attempts-th failure: Base doubled each time, at most Cap.
func (p RetryPolicy) Delay(attempts int) time.Duration {
	d := p.Base
	for i := 1; i < attempts && d < p.Cap; i++ {
		d *= 2
	}
	return min(d, p.Cap)
}
