package server

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestWorkersNeverWait: a job is not queued behind a busy worker (a slow
// response_url must not hold other replies back), and every job runs once.
func TestWorkersNeverWait(t *testing.T) {
	w := newWorkers(time.Minute)
	block, started := make(chan struct{}), make(chan struct{})
	w.Go(func() { close(started); <-block })
	<-started
	var ran atomic.Int32
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for range 100 {
			wg.Add(1)
			w.Go(func() { ran.Add(1); wg.Done() })
		}
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("jobs waited for the busy worker")
	}
	close(block)
	if n := ran.Load(); n != 100 {
		t.Fatalf("%d jobs ran, want 100", n)
	}
}
