package notify

import (
	"context"
	"time"

	"gridbot"
)

// Drain delivers until the queue is empty, for cron and the command line
// (gridbot push). When the jobs left are not due yet (held by a robot's rate
// limit, or waiting to retry) it sleeps until the first is due, as long as
// its sleeps add up to no more than maxWait; then it returns, leaving them
// queued for the next run. The result's Pending and NextAt say what is left.
func (w *Worker) Drain(ctx context.Context, maxWait time.Duration) (Stats, error) {
	var total Stats
	var waited time.Duration
	for {
		s, err := w.RunOnce(ctx)
		total.add(s)
		if err != nil {
			return total, err
		}
		if s.Claimed > 0 {
			continue
		}
		total.Pending, total.NextAt, err = w.pending(ctx)
		if err != nil || total.Pending == 0 {
			return total, err
		}
		// A job due now that nobody could claim is leased by another
		// worker (or one that died): look again after a poll.
		wait := max(total.NextAt.Sub(w.opt.Now()), w.opt.Poll)
		if waited+wait > maxWait {
			return total, nil
		}
		if err := w.opt.Sleep(ctx, wait); err != nil {
			return total, err
		}
		waited += wait
	}
}

// pending counts the queued jobs of every town and finds the first due.
func (w *Worker) pending(ctx context.Context) (n int, next time.Time, err error) {
	err = w.st.View(ctx, func(tx gridbot.Tx) error {
		towns, err := tx.Towns()
		if err != nil {
			return err
		}
		for _, t := range towns {
			jobs, err := tx.Jobs(t.ID, gridbot.JobPending)
			if err != nil {
				return err
			}
			for _, j := range jobs {
				if n == 0 || j.NextAt.Before(next) {
					next = j.NextAt
				}
				n++
			}
		}
		return nil
	})
	return n, next, err
}
