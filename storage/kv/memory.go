package kv

import (
	"context"
	"sync"
	"time"
)

// DefaultMaxEntries bounds the in-process store: past it, expired entries are
// swept and then, if still full, arbitrary ones are evicted. Losing a dedupe
// mark is safe (ClaimMessage still refuses the copy), losing a rate-limit log
// only forgives a user, losing a cache entry costs one token fetch.
const DefaultMaxEntries = 100_000

// Key spaces, so that a message id and a cache key never collide.
const (
	seenSpace  = "seen:"
	rateSpace  = "rate:"
	cacheSpace = "cache:"
)

// Memory is the in-process KV for a single replica: maps under one mutex,
// entries expired lazily when touched and swept when the map is full.
type Memory struct {
	// Max is the most entries kept; set it before use.
	Max int

	now func() time.Time

	mu    sync.Mutex
	items map[string]*item
}

type item struct {
	val     string
	hits    []time.Time // rate limit: allowed calls still in the window, oldest first
	expires time.Time
}

var _ KV = (*Memory)(nil)

// NewMemory returns an empty in-process store telling the time with now
// (time.Now when nil); tests pass a fake clock.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{
		Max:   DefaultMaxEntries,
		now:   now,
		items: make(map[string]*item),
	}
}

// live returns the unexpired entry under k, dropping an expired one. Callers hold mu.
func (m *Memory) live(k string, now time.Time) *item {
	it, ok := m.items[k]
	if !ok {
		return nil
	}
	if !now.Before(it.expires) {
		delete(m.items, k)
		return nil
	}
	return it
}

// put stores it under k, making room first when the map is full. Callers hold mu.
func (m *Memory) put(k string, it *item, now time.Time) {
	if _, ok := m.items[k]; !ok && len(m.items) >= m.Max {
		m.sweep(now)
		// Still full of live entries: evict down to 7/8 so that the
		// next inserts do not sweep again one by one.
		for old := range m.items {
			if len(m.items) < m.Max-m.Max/8 {
				break
			}
			delete(m.items, old)
		}
	}
	m.items[k] = it
}

// sweep drops every expired entry. Callers hold mu.
func (m *Memory) sweep(now time.Time) {
	for k, it := range m.items {
		if !now.Before(it.expires) {
			delete(m.items, k)
		}
	}
}

// Seen implements Dedupe.
func (m *Memory) Seen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := checkKey(key, ttl); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen(key, ttl, m.now()), nil
}

// seen is Seen for callers holding mu.
func (m *Memory) seen(key string, ttl time.Duration, now time.Time) bool {
	if m.live(seenSpace+key, now) != nil {
		return false
	}
	m.put(seenSpace+key, &item{expires: now.Add(ttl)}, now)
	return true
}

// Forget implements Dedupe.
func (m *Memory) Forget(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, seenSpace+key)
	return nil
}

// Allow implements Limiter with a sliding log of the allowed calls.
func (m *Memory) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	if err := checkLimit(key, limit, window); err != nil {
		return false, 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ok, wait := m.allow(key, limit, window, m.now())
	return ok, wait, nil
}

// allow is Allow for callers holding mu.
func (m *Memory) allow(key string, limit int, window time.Duration, now time.Time) (bool, time.Duration) {
	it := m.live(rateSpace+key, now)
	if it == nil {
		it = &item{}
		m.put(rateSpace+key, it, now)
	}
	// A call at time h counts while now-h < window.
	start := now.Add(-window)
	i := 0
	for i < len(it.hits) && !it.hits[i].After(start) {
		i++
	}
	it.hits = it.hits[i:]
	if len(it.hits) >= limit {
		return false, it.hits[0].Add(window).Sub(now)
	}
	it.hits = append(it.hits, now)
	it.expires = now.Add(window)
	return true, 0
}

// Get implements Cache.
func (m *Memory) Get(ctx context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it := m.live(cacheSpace+key, m.now())
	if it == nil {
		return "", false, nil
	}
	return it.val, true, nil
}

// Set implements Cache.
func (m *Memory) Set(ctx context.Context, key, val string, ttl time.Duration) error {
	if err := checkKey(key, ttl); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.put(cacheSpace+key, &item{val: val, expires: now.Add(ttl)}, now)
	return nil
}

// Delete implements Cache.
func (m *Memory) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, cacheSpace+key)
	return nil
}

// Ping implements KV; the in-process store is always there.
func (m *Memory) Ping(ctx context.Context) error { return nil }

// Close implements KV.
func (m *Memory) Close() error { return nil }
