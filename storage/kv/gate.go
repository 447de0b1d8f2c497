package kv

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Gate is the door every inbound message goes through: the dedupe filter,
// then the per-member rate limit, in one call, so that against Redis it is
// one round trip instead of two.
type Gate interface {
	// Admit marks a.SeenKey seen for a.SeenTTL (as Seen). Only when this
	// call was the first to see it and a.Limit > 0 does it then record a call
	// on a.RateKey (as Allow): a platform's retry never counts against the
	// member. An error says nothing about either step; the caller reads it
	// as both failing (see the package comment: the store decides, and the
	// command is let through).
	Admit(ctx context.Context, a Admission) (Verdict, error)
}

// Admission is what Admit checks.
type Admission struct {
	SeenKey string
	SeenTTL time.Duration
	// RateKey, Limit and Window are the rate limit; Limit 0 means none.
	RateKey string
	Limit   int
	Window  time.Duration
}

// Verdict is Admit's answer.
type Verdict struct {
	First      bool          // the first to see SeenKey; false: a copy
	Allowed    bool          // within the limit (always when Limit is 0); false when not First
	RetryAfter time.Duration // when not Allowed but First: until the oldest call leaves the window
	// Limited: a copy (not First) of a message the limit refused, whose
	// answer was given without the store: the copy is to be dropped. Any
	// other copy may be of a message whose replica died before storing it,
	// and only the store can tell.
	Limited bool
}

func (a Admission) check() error {
	if err := checkKey(a.SeenKey, a.SeenTTL); err != nil {
		return err
	}
	if a.Limit == 0 {
		return nil
	}
	return checkLimit(a.RateKey, a.Limit, a.Window)
}

// Admit implements Gate: Seen, then Allow, under the one mutex.
func (m *Memory) Admit(ctx context.Context, a Admission) (Verdict, error) {
	if err := a.check(); err != nil {
		return Verdict{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if !m.seen(a.SeenKey, a.SeenTTL, now) {
		it := m.live(seenSpace+a.SeenKey, now)
		return Verdict{Limited: it != nil && it.val == limitedMark}, nil
	}
	if a.Limit == 0 {
		return Verdict{First: true, Allowed: true}, nil
	}
	ok, wait := m.allow(a.RateKey, a.Limit, a.Window, now)
	if it := m.live(seenSpace+a.SeenKey, now); it != nil && !ok {
		it.val = limitedMark // a copy of it is to be dropped (Verdict.Limited)
	}
	return Verdict{First: true, Allowed: ok, RetryAfter: wait}, nil
}

// limitedMark is the value of a seen key whose message the limit refused.
const limitedMark = "limited"

// admitScript is Seen's SET NX PX and, for a first sighting, allowScript's
// sliding log; a refused message's seen key becomes limitedMark. KEYS: the
// seen key, the rate key. ARGV: ttl in milliseconds, limit (0: none),
// window in microseconds, a unique member. Returns {first, allowed,
// microseconds to wait, limited (of a copy)}.
var admitScript = redis.NewScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
	if redis.call('GET', KEYS[1]) == '` + limitedMark + `' then
		return {0, 0, 0, 1}
	end
	return {0, 0, 0, 0}
end
local limit = tonumber(ARGV[2])
if limit == 0 then
	return {1, 1, 0, 0}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) < limit then
	redis.call('ZADD', KEYS[2], now, ARGV[4])
	redis.call('PEXPIRE', KEYS[2], math.ceil(window / 1000))
	return {1, 1, 0, 0}
end
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
redis.call('SET', KEYS[1], '` + limitedMark + `', 'KEEPTTL')
return {1, 0, tonumber(oldest[2]) + window - now, 0}`)

// Admit implements Gate with one script: Seen and Allow in one round trip.
// Both keys are on the one Redis the client talks to (this is not a
// Cluster client, where they would have to share a hash slot).
func (r *Redis) Admit(ctx context.Context, a Admission) (Verdict, error) {
	if err := a.check(); err != nil {
		return Verdict{}, err
	}
	seenKey := Prefix + seenSpace + a.SeenKey
	rateKey, member := seenKey, "" // no limit: the script does not touch KEYS[2]
	if a.Limit > 0 {
		rateKey, member = Prefix+rateSpace+a.RateKey, rand.Text() // two calls in one microsecond must not share a member
	}
	res, err := admitScript.Run(ctx, r.c, []string{seenKey, rateKey},
		a.SeenTTL.Milliseconds(), a.Limit, a.Window.Microseconds(), member).Int64Slice()
	if err != nil {
		return Verdict{}, err
	}
	if len(res) != 4 {
		return Verdict{}, errors.New("kv: admit script returned an unexpected reply")
	}
	return Verdict{First: res[0] == 1, Allowed: res[1] == 1, RetryAfter: time.Duration(res[2]) * time.Microsecond,
		Limited: res[3] == 1}, nil
}
