package kv

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Prefix starts every key the bot writes to Redis, so it can share a
// database with other programs.
const Prefix = "gridbot:"

// Redis is the KV shared by all replicas. It needs Redis 5 or later (scripts
// that call TIME before writing).
type Redis struct {
	c *redis.Client
}

var _ KV = (*Redis)(nil)

// NewRedis wraps a go-redis client; Close closes it.
func NewRedis(c *redis.Client) *Redis { return &Redis{c: c} }

// allowScript is the sliding log: a sorted set of the allowed calls scored
// by microsecond. It reads Redis's clock so replicas with skewed clocks still
// share one window. ARGV: limit, window in microseconds, a unique member.
// Returns {1, 0} when allowed, {0, microseconds to wait} when not.
var allowScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
	redis.call('ZADD', KEYS[1], now, ARGV[3])
	redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
	return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}`)

// Seen implements Dedupe with SET NX PX.
func (r *Redis) Seen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := checkKey(key, ttl); err != nil {
		return false, err
	}
	return r.c.SetNX(ctx, Prefix+seenSpace+key, "1", ttl).Result()
}

// Forget implements Dedupe.
func (r *Redis) Forget(ctx context.Context, key string) error {
	return r.c.Del(ctx, Prefix+seenSpace+key).Err()
}

// Allow implements Limiter with a sliding log in a sorted set.
func (r *Redis) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	if err := checkLimit(key, limit, window); err != nil {
		return false, 0, err
	}
	member := rand.Text() // two calls in one microsecond must not share a member
	res, err := allowScript.Run(ctx, r.c, []string{Prefix + rateSpace + key},
		limit, window.Microseconds(), member).Int64Slice()
	if err != nil {
		return false, 0, err
	}
	if len(res) != 2 {
		return false, 0, errors.New("kv: rate limit script returned an unexpected reply")
	}
	return res[0] == 1, time.Duration(res[1]) * time.Microsecond, nil
}

// Get implements Cache.
func (r *Redis) Get(ctx context.Context, key string) (string, bool, error) {
	val, err := r.c.Get(ctx, Prefix+cacheSpace+key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	return val, true, nil
}

// Set implements Cache.
func (r *Redis) Set(ctx context.Context, key, val string, ttl time.Duration) error {
	if err := checkKey(key, ttl); err != nil {
		return err
	}
	return r.c.Set(ctx, Prefix+cacheSpace+key, val, ttl).Err()
}

// Delete implements Cache.
func (r *Redis) Delete(ctx context.Context, key string) error {
	return r.c.Del(ctx, Prefix+cacheSpace+key).Err()
}

// Ping implements KV.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }

// Close implements KV.
func (r *Redis) Close() error { return r.c.Close() }
