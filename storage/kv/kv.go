// Package kv holds the small key-value services the bot shares between
// replicas: message de-duplication, per-user and per-robot rate limits and a
// token cache. Each has a Redis implementation (Redis, when
// GRIDBOT_REDIS_URL is set) and an in-process one (Memory, for a single
// replica); both pass the contract suite in storage/kv/kvtest.
//
// # When Redis fails
//
// Every method returns Redis's error as it is and never guesses an answer.
// A caller must not read an error as "seen" (that would lose a message) nor
// as "first" and skip its own checks (that could count it twice). The
// authority on "has this platform message been handled" is the store:
// gridbot.Tx.ClaimMessage, recorded in the same transaction as the facts, whose
// unique constraint turns a second copy into ECONFLICT. Seen is only the cheap
// early filter in front of it, so on a Seen error the caller goes on and lets
// ClaimMessage decide; and when handling fails after Seen said "first", the
// caller calls Forget so the platform's retry is not dropped:
//
//	key := platform + ":" + msgID
//	first, err := k.Seen(ctx, key, time.Hour)
//	if err == nil && !first {
//		return // a retry or another replica's copy: drop it
//	}
//	// err != nil: carry on, ClaimMessage decides.
//	if err := handle(ctx, msg); err != nil { // ClaimMessage inside
//		k.Forget(ctx, key)
//	}
//
// A replica that dies between Seen and its commit leaves the mark behind, so
// the platform's retries of that message are dropped until the mark expires.
// That window is the price of dropping retries before doing any work; a
// caller that cannot accept it skips Seen and relies on ClaimMessage alone.
//
// Likewise an Allow error means "let the command through" (the limit
// protects the bot, not the facts), an Admit error means both a Seen and an
// Allow error, and a cache error means "fetch a fresh token".
package kv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
)

// KV is every service of the package on one connection.
type KV interface {
	Dedupe
	Limiter
	Gate
	Cache
	// Ping reports whether the backing store answers; /readyz calls it.
	Ping(ctx context.Context) error
	Close() error
}

// Dedupe remembers keys (platform message ids) for a while.
type Dedupe interface {
	// Seen marks key as seen for ttl and reports whether this call was the
	// first to see it. Across replicas exactly one caller gets true.
	Seen(ctx context.Context, key string, ttl time.Duration) (first bool, err error)
	// Forget removes the mark so that a retry of a message whose handling
	// failed is handled again.
	Forget(ctx context.Context, key string) error
}

// Limiter is a sliding-window rate limit: at most limit calls are allowed in
// any window-long span of time. Denied calls do not count, so a member who
// keeps typing is not locked out for longer. It is a log of the allowed calls
// rather than a fixed-window counter because a fixed window lets 2×limit
// through across a boundary, which would break a platform's own limit when
// the same limiter paces outgoing messages (WeCom group robots: 20 a minute,
// errcode 45009 beyond); the log costs one entry per allowed call, fine for
// limits in the tens.
type Limiter interface {
	// Allow records a call on key if fewer than limit calls were allowed in
	// the last window, and reports whether it was. When it was not,
	// retryAfter says how long until the oldest allowed call leaves the window.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
}

// Cache stores short strings (access tokens) for a while.
type Cache interface {
	// Get returns the value of key; ok is false when there is none or it expired.
	Get(ctx context.Context, key string) (val string, ok bool, err error)
	// Set stores val under key for ttl.
	Set(ctx context.Context, key, val string, ttl time.Duration) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// PingTimeout bounds the connection check of Open.
const PingTimeout = 3 * time.Second

// Open opens the key-value store at rawurl: the empty string gives an
// in-process store, redis://[user:password@]host:port/db (or rediss:// for
// TLS, unix:///path) a Redis one, checked with a Ping. Errors never contain
// the password.
func Open(rawurl string) (KV, error) {
	if rawurl == "" {
		return NewMemory(nil), nil
	}
	opt, err := redis.ParseURL(rawurl)
	if err != nil {
		// url.Parse's error repeats the whole URL, password included.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("kv: bad Redis URL (want redis://[user:password@]host:port/db): %w", err)
	}
	r := NewRedis(redis.NewClient(opt))
	ctx, cancel := context.WithTimeout(context.Background(), PingTimeout)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		r.Close()
		return nil, fmt.Errorf("kv: cannot reach Redis at %s (db %d): %w", opt.Addr, opt.DB, err)
	}
	return r, nil
}

// checkKey rejects an empty key and a ttl Redis cannot store (it counts in
// whole milliseconds, and 0 would mean "forever"). These are programming
// errors, so they are plain errors, never shown to a member.
func checkKey(key string, ttl time.Duration) error {
	if key == "" {
		return errors.New("kv: empty key")
	}
	if ttl < time.Millisecond {
		return fmt.Errorf("kv: ttl %v for %q is under 1ms", ttl, key)
	}
	return nil
}

func checkLimit(key string, limit int, window time.Duration) error {
	if err := checkKey(key, window); err != nil {
		return err
	}
	if limit < 1 {
		return fmt.Errorf("kv: rate limit %d for %q is under 1", limit, key)
	}
	return nil
}
