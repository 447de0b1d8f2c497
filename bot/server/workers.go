package server

import "time"

// workerIdle is how long a reply worker waits for another job before it
// exits.
const workerIdle = 10 * time.Second

// workers runs background jobs (the replies) on goroutines that are kept
// after their job and reused. A reply goes through net/http's client,
// whose call chain is deep: a fresh goroutine per reply grew (copied) its
// stack twice each time, which cost about a tenth of the reply's CPU. A
// job never waits for a worker (an extra one is started when all are
// busy), so a slow platform cannot hold other replies back.
type workers struct {
	jobs chan func()
	idle time.Duration
}

func newWorkers(idle time.Duration) *workers {
	return &workers{jobs: make(chan func()), idle: idle}
}

// Go runs f on an idle worker, or on a new one when none is idle.
func (w *workers) Go(f func()) {
	select {
	case w.jobs <- f:
	default:
		go w.work(f)
	}
}

// work runs f, then the jobs handed to it, until it has been idle for w.idle.
func (w *workers) work(f func()) {
	t := time.NewTimer(w.idle)
	defer t.Stop()
	for {
		f()
		t.Reset(w.idle)
		select {
		case f = <-w.jobs:
		case <-t.C:
			return
		}
	}
}
