package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gridbot"
)

// Options are what the command line adds to an import.
type Options struct {
	// DryRun computes the report exactly, in a transaction that is then
	// rolled back: nothing is written.
	DryRun bool
	// AllowLeavers lets a roster mark more than MaxLeaversPercent of the
	// town's people as having left.
	AllowLeavers bool
	// Town is the town a first roster import creates (townID 0): it is
	// created in the import's transaction, so a refused import creates nothing.
	Town string
	// Progress, when set, gets a line now and then on an import that has
	// taken more than ProgressAfter.
	Progress io.Writer
	// Clock for the progress lines; nil: the system clock.
	Clock func() time.Time
}

// MaxLeaversPercent is the share of a town's active people a roster may
// mark as having left without --allow-leavers: a file missing a village or
// cut short looks like many leavers at once.
const MaxLeaversPercent = 10

// ProgressAfter is how long an import runs before it says how far it got.
const ProgressAfter = 2 * time.Second

// progressEvery is how many rows pass between two looks at the clock.
const progressEvery = 4096

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("importer: dry run")

// update runs fn in a write transaction; a dry run rolls it back once fn
// has succeeded.
func (o Options) update(ctx context.Context, st gridbot.Store, fn func(tx gridbot.Tx) error) error {
	err := st.Update(ctx, func(tx gridbot.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if o.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// watch makes t report progress while it is read.
func (o Options) watch(t *Table) {
	if o.Progress == nil {
		return
	}
	now := o.Clock
	if now == nil {
		now = time.Now
	}
	start := now()
	last := start
	t.onRow = func(n int) {
		if n%progressEvery != 0 {
			return
		}
		if at := now(); at.Sub(start) >= ProgressAfter && at.Sub(last) >= ProgressAfter {
			last = at
			fmt.Fprintf(o.Progress, "已读取 %d 行（用时 %d 秒）……\n", n, int(at.Sub(start).Seconds()))
		}
	}
}

// finish marks a dry run's report.
func (o Options) finish(rep *Report) *Report {
	if rep != nil {
		rep.DryRun = o.DryRun
	}
	return rep
}
