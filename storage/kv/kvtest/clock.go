package kvtest

import (
	"sync"
	"time"

	"gridbot/storage/kv"
)

// Clock is a fake clock that only moves when told; safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at an arbitrary fixed instant.
func NewClock() *Clock {
	return &Clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Clocked is a KV that reads Clock: the suite advances the clock instead of
// sleeping, and checks durations exactly.
type Clocked struct {
	kv.KV
	Clock *Clock
}

// Advance moves the KV's clock forward by d.
func (c Clocked) Advance(d time.Duration) { c.Clock.Advance(d) }

// advancer is what the suite looks for to tell a fake-clock KV.
type advancer interface{ Advance(time.Duration) }

// wait lets d pass for k: on its fake clock, or for real.
func wait(k kv.KV, d time.Duration) {
	if a, ok := k.(advancer); ok {
		a.Advance(d)
		return
	}
	time.Sleep(d)
}

// exact reports whether k runs on a fake clock, so durations are exact.
func exact(k kv.KV) bool {
	_, ok := k.(advancer)
	return ok
}
