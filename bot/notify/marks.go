package notify

import (
	"context"
	"sync"
	"time"

	"gridbot"
)

// marks collects the jobs of the worker's own claim that were delivered,
// and records them in one statement a few milliseconds later: a reply then
// costs its command's transaction and a share of one UPDATE, not a
// transaction of its own. It also takes the delivered jobs of the worker's
// other claims (RunOnce's) whose mark the store refused, to be retried with
// the rest rather than dropped. Until written, a delivered job is still
// claimed: should the process die first, the lease runs out and the job is
// sent again — the one case of a duplicate, as with any at-least-once queue.
type marks struct {
	w     *Worker
	mu    sync.Mutex
	ids   []mark
	timer *time.Timer
	wg    sync.WaitGroup // flushes in flight
	// failing is when writing marks started to fail (the store down): they
	// are retried until the fast lease is nearly over (retry.go).
	failing  time.Time
	stopping bool // Flush was called: no more retries
}

// mark is a delivered job and the claim it was delivered under.
type mark struct {
	id    int64
	claim string
}

// add queues the mark of job id, delivered under claim, and makes sure a
// flush follows.
func (m *marks) add(id int64, claim string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ids = append(m.ids, mark{id, claim})
	if m.timer == nil {
		m.wg.Add(1)
		m.timer = time.AfterFunc(m.w.opt.FlushEvery, func() {
			defer m.wg.Done()
			m.flushOrRetry(context.Background())
		})
	}
}

// flush writes the marks collected so far.
func (m *marks) flush(ctx context.Context) {
	m.mu.Lock()
	ids := m.ids
	m.ids, m.timer = nil, nil
	m.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	n, err := m.write(ctx, ids)
	switch {
	case err != nil:
		m.w.opt.Logger.Error("notify: cannot record deliveries; they will be sent again when their lease ends",
			"jobs", len(ids), "err", err)
	case n < len(ids):
		m.w.opt.Logger.Warn("notify: some delivered jobs were no longer ours (their lease ran out)",
			"jobs", len(ids), "recorded", n)
	}
}

// Flush writes the pending "delivered" marks now and waits for those being
// written: before shutting down, and before a test reads the store.
func (w *Worker) Flush(ctx context.Context) {
	w.marks.mu.Lock()
	w.marks.stopping = true
	if t := w.marks.timer; t != nil && t.Stop() {
		w.marks.timer = nil
		w.marks.wg.Done()
	}
	w.marks.mu.Unlock()
	w.marks.flush(ctx)
	w.marks.wg.Wait()
	w.marks.mu.Lock()
	w.marks.stopping = false
	w.marks.mu.Unlock()
}

// write records ids as delivered in one transaction, one statement per
// claim (nearly always one: the worker's own), and says how many were still
// held by their claim.
func (m *marks) write(ctx context.Context, ids []mark) (int, error) {
	byClaim := map[string][]int64{}
	var claims []string
	for _, k := range ids {
		if _, ok := byClaim[k.claim]; !ok {
			claims = append(claims, k.claim)
		}
		byClaim[k.claim] = append(byClaim[k.claim], k.id)
	}
	now := m.w.opt.Now()
	var n int
	err := m.w.st.Update(context.WithoutCancel(ctx), func(tx gridbot.Tx) error {
		n = 0
		for _, c := range claims {
			k, err := tx.MarkJobsDelivered(byClaim[c], c, now)
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	return n, err
}
