// Package testkit is what gridbot's tests share: a settable clock, a time
// parser, a goroutine-safe buffer, the store openers and the runner that
// runs a test on both engines (SQLite, and PostgreSQL in a schema of its
// own). It is internal: test helpers for this module only.
//
// The services come from the environment: GRIDBOT_TEST_POSTGRES_URL and
// GRIDBOT_TEST_REDIS_URL; a test that needs one that is unset is skipped, or
// fails when GRIDBOT_REQUIRE_SERVICES=1 (in CI, where a skipped test would
// hide a broken engine).
package testkit

import (
	"bytes"
	"context"
	"sync"
	"time"

	"gridbot"
)

// Clock is a settable clock that moves only when told, safe for concurrent
// use. It is a gridbot.Clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Sleep moves the clock forward by d instead of waiting, for code that takes
// a sleep function; it returns ctx's error.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.Add(d)
	return ctx.Err()
}

// atLayouts are the forms At reads, in the scheme's zone.
var atLayouts = []string{time.DateTime, "2006-01-02 15:04", time.DateOnly, time.RFC3339}

// At parses a time written in a test: "2026-10-03", "2026-10-03 08:00",
// "2026-10-03 08:00:05" (a fraction of a second may follow) in the scheme's
// zone (gridbot.Zone), or RFC 3339. It panics on anything else: the test
// itself is wrong.
func At(s string) time.Time {
	for _, layout := range atLayouts {
		if t, err := time.ParseInLocation(layout, s, gridbot.Zone); err == nil {
			return t
		}
	}
	panic("testkit.At: cannot read the time " + s)
}

// Buffer is a bytes.Buffer safe for the goroutines of a server under test
// (its logs, its output).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
