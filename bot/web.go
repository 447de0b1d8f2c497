package bot

import (
	"context"
	"errors"

	"gridbot"
)

// ErrDuplicate is what Web returns for a message handled before (a form
// sent twice): nothing was recorded the second time.
var ErrDuplicate = errDuplicate

// Web runs what came from the web front (package web: a villager's report,
// a villager's rating) the way a chat command runs: in one transaction that
// claims the message id (a form sent twice is recorded once: ErrDuplicate),
// does run's work and queues the notices run returns through the notifier.
// It returns the jobs queued, for the caller to send after commit.
func (p *Pipeline) Web(ctx context.Context, m gridbot.Message, run func(tx gridbot.Tx) ([]gridbot.Notice, error)) ([]gridbot.OutboundJob, error) {
	if m.At.IsZero() {
		m.At = p.Clock.Now()
	}
	var jobs []gridbot.OutboundJob
	err := p.Store.Update(ctx, func(tx gridbot.Tx) error {
		jobs = nil
		if err := claim(tx, m); err != nil {
			return err
		}
		notices, err := run(tx)
		if err != nil {
			return err
		}
		for i := range notices {
			if notices[i].TownID == 0 {
				notices[i].TownID = m.TownID
			}
			if notices[i].At.IsZero() {
				notices[i].At = m.At
			}
		}
		jobs, err = p.queue(tx, notices)
		return err
	})
	if errors.Is(err, errDuplicate) {
		return nil, ErrDuplicate
	}
	return jobs, err
}
