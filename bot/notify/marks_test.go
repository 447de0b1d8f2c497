package notify

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"gridbot"
)

// markDownStore refuses "delivered" marks while down, as a store that is
// restarting would; everything else works.
type markDownStore struct {
	gridbot.Store
	down atomic.Bool
}

type markDownTx struct {
	gridbot.Tx
	s *markDownStore
}

var errStoreDown = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")

func (s *markDownStore) Update(ctx context.Context, fn func(gridbot.Tx) error) error {
	return s.Store.Update(ctx, func(tx gridbot.Tx) error { return fn(markDownTx{tx, s}) })
}

func (t markDownTx) MarkJobDelivered(id int64, claim string, at time.Time) error {
	if t.s.down.Load() {
		return errStoreDown
	}
	return t.Tx.MarkJobDelivered(id, claim, at)
}

func (t markDownTx) MarkJobsDelivered(ids []int64, claim string, at time.Time) (int, error) {
	if t.s.down.Load() {
		return 0, errStoreDown
	}
	return t.Tx.MarkJobsDelivered(ids, claim, at)
}

// TestWorkerMarkRetriedWhileStoreDown: a job the worker claimed and
// delivered while the store refused its "delivered" mark is recorded when
// the store is back, and is not sent again when its lease ends.
func TestWorkerMarkRetriedWhileStoreDown(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		id := e.enqueue(t, wecomKey, Message{Markdown: "## 十月排名\n1. 王海"})
		st := &markDownStore{Store: e.st}
		e.st = st
		w := e.worker(Options{})
		st.down.Store(true)
		if s := runOnce(t, w); s.Delivered != 1 {
			t.Fatalf("round while the store is down: %+v", s)
		}
		time.Sleep(3 * MarkRetryWait / 2) // the mark failed at least once
		if j := e.job(t, id); j.State != gridbot.JobPending {
			t.Fatalf("marked while the store refused marks: %+v", j)
		}
		st.down.Store(false)
		deadline := time.Now().Add(5 * time.Second)
		for e.job(t, id).State != gridbot.JobDelivered {
			if time.Now().After(deadline) {
				t.Fatalf("the mark was not retried: %+v", e.job(t, id))
			}
			time.Sleep(50 * time.Millisecond)
		}
		e.clock.Add(DefaultLease + time.Minute)
		if s := runOnce(t, w); s.Claimed != 0 {
			t.Fatalf("a delivered job was claimed again after its lease: %+v", s)
		}
		if n := len(e.robots.requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}
