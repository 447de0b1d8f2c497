package kvtest

import (
	"time"

	"gridbot/internal/testkit"
	"gridbot/storage/kv"
)

// Clocked is a KV that reads Clock: the suite advances the clock instead of
// sleeping, and checks durations exactly.
type Clocked struct {
	kv.KV
	Clock *testkit.Clock
}

// Advance moves the KV's clock forward by d.
func (c Clocked) Advance(d time.Duration) { c.Clock.Add(d) }

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
