package notify

import (
	"context"
	"time"
)

// MarkRetryWait is how long the "delivered" marks wait before they are
// written again when the store did not take them.
const MarkRetryWait = 500 * time.Millisecond

// MarkRetryFor bounds the retries of the "delivered" marks.
const MarkRetryFor = 5 * time.Minute

// flushOrRetry writes the marks collected so far; when the store does not
// take them (it is restarting), it keeps them and tries again every
// MarkRetryWait, for MarkRetryFor at most, rather than leave replies that
// went out to be sent a second time when the lease ends. The marks check
// only the claim, not its time: written after the lease ran out, they still
// hold as long as no other worker took the job meanwhile (their polls are
// seconds apart, the retries half a second). One line is logged per failing
// stretch, not one per attempt.
func (m *marks) flushOrRetry(ctx context.Context) {
	m.mu.Lock()
	ids := m.ids
	m.ids, m.timer = nil, nil
	m.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	n, err := m.write(ctx, ids)
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case err != nil:
		first := m.failing.IsZero()
		if first {
			m.failing = time.Now()
		}
		if time.Since(m.failing) < MarkRetryFor && !m.stopping {
			if first {
				m.w.opt.Logger.Warn("notify: cannot record deliveries yet; retrying while the store is unreachable",
					"jobs", len(ids), "err", err)
			}
			m.ids = append(ids, m.ids...)
			if m.timer == nil {
				m.wg.Add(1)
				m.timer = time.AfterFunc(MarkRetryWait, func() {
					defer m.wg.Done()
					m.flushOrRetry(context.Background())
				})
			}
			return
		}
		m.failing = time.Time{}
		m.w.opt.Logger.Error("notify: cannot record deliveries; they will be sent again when their lease ends",
			"jobs", len(ids), "err", err)
	case n < len(ids):
		m.failing = time.Time{}
		m.w.opt.Logger.Warn("notify: some delivered jobs were no longer ours (their lease ran out)",
			"jobs", len(ids), "recorded", n)
	default:
		if !m.failing.IsZero() {
			m.w.opt.Logger.Info("notify: deliveries recorded again", "since", m.failing)
		}
		m.failing = time.Time{}
	}
}
