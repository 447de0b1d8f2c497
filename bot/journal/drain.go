package journal

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"gridbot"
)

// Probe tells whether the store answers: a trivial read with a short
// timeout, remembered for TTL so that /readyz and the drainer cost the
// store at most one read a second.
type Probe struct {
	check   func(ctx context.Context) error
	TTL     time.Duration
	Timeout time.Duration

	mu  sync.Mutex
	at  time.Time
	err error
}

// NewProbe returns a probe of st: a read of its towns, 500 ms at most,
// remembered for a second.
func NewProbe(st gridbot.Store) *Probe {
	return &Probe{TTL: time.Second, Timeout: 500 * time.Millisecond, check: func(ctx context.Context) error {
		return st.View(ctx, func(tx gridbot.Tx) error {
			_, err := tx.Towns()
			return err
		})
	}}
}

// Err is the store's state as last seen within TTL (nil: it answers).
func (p *Probe) Err(ctx context.Context) error {
	p.mu.Lock()
	if !p.at.IsZero() && time.Since(p.at) < p.TTL {
		err := p.err
		p.mu.Unlock()
		return err
	}
	p.mu.Unlock()
	return p.Check(ctx)
}

// Check asks the store now.
func (p *Probe) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	err := p.check(ctx)
	p.mu.Lock()
	p.at, p.err = time.Now(), err
	p.mu.Unlock()
	return err
}

// Outcome is what became of a drained message.
type Outcome int

// Outcomes of Drainer.Run.
const (
	Stored    Outcome = iota // the command ran and committed (or was refused and claimed)
	Duplicate                // the store had the message already: nothing to do
	Failed                   // the command failed while the store answered
)

// Events counted by Drainer.Count (the metrics' labels).
const (
	EventJournaled = "journaled" // a callback answered from the journal
	EventRetried   = "retried"   // a platform's retry of a message already journaled
	EventDrained   = "drained"   // a journaled message now in the store
	EventDuplicate = "duplicate" // a journaled message the store had already
	EventRefused   = "refused"   // the journal could not keep a message: the platform was asked to retry
	EventFailed    = "failed"    // given up: the command failed MaxAttempts times with the store up
)

// Drainer replays the journal into the store when the store is back, and
// keeps the outage's state: one WARN line when it starts, one with its
// counts when it ends, instead of a line per message.
type Drainer struct {
	J     *Journal
	Probe *Probe
	// Run runs one journaled message through the pipeline without its
	// admission (it was admitted when it arrived), as at the message's own
	// time; final says this is the last attempt (give up, answer the member).
	Run func(ctx context.Context, m gridbot.Message, final bool) Outcome
	// Count, when set, is told every event (metrics).
	Count       func(event string)
	Logger      *slog.Logger
	Every       time.Duration // how often to look when idle (200 ms)
	MaxAttempts int           // failures with the store up before giving up (3)

	mu     sync.Mutex
	down   bool
	since  time.Time
	counts map[string]int
	kick   chan struct{}
}

func (d *Drainer) init() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kick == nil {
		d.kick = make(chan struct{}, 1)
		d.counts = map[string]int{}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Every <= 0 {
		d.Every = 200 * time.Millisecond
	}
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 3
	}
}

// Event counts one event of the outage (and in the metrics). A journaled or
// refused message starts an outage when none is under way.
func (d *Drainer) Event(event string, err error) {
	d.init()
	if d.Count != nil {
		d.Count(event)
	}
	// A command's own failure is journaled too (and retried): it starts no
	// outage while the store answers.
	outage := event == EventRefused || (event == EventJournaled && d.Probe.Err(context.Background()) != nil)
	d.mu.Lock()
	d.counts[event]++
	start := !d.down && outage
	if start {
		d.down, d.since = true, time.Now()
	}
	d.mu.Unlock()
	if start {
		d.Logger.Warn("store unreachable: callbacks are kept in the journal until it is back; /readyz says not ready",
			"journal", d.J.Dir(), "err", errString(err))
	}
	if event == EventJournaled {
		select {
		case d.kick <- struct{}{}:
		default:
		}
	}
}

// Down reports whether an outage is under way.
func (d *Drainer) Down() bool {
	d.init()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.down
}

// Loop drains until ctx is done.
func (d *Drainer) Loop(ctx context.Context) {
	d.init()
	if n := d.J.Len(); n > 0 {
		d.mu.Lock()
		d.down, d.since = true, time.Now()
		d.mu.Unlock()
		d.Logger.Warn("journal holds messages from before the restart; draining them into the store when it answers",
			"journal", d.J.Dir(), "pending", n)
	}
	t := time.NewTicker(d.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.kick:
		}
		d.DrainOnce(ctx)
	}
}

// DrainOnce drains what is pending, in order, while the store answers, and
// ends the outage when the journal is empty and the store answers.
func (d *Drainer) DrainOnce(ctx context.Context) {
	d.init()
	pending := d.J.Pending()
	if len(pending) == 0 && !d.Down() {
		return
	}
	if err := d.Probe.Err(ctx); err != nil {
		d.mu.Lock()
		if !d.down {
			d.down, d.since = true, time.Now()
			d.mu.Unlock()
			d.Logger.Warn("store unreachable: callbacks are kept in the journal until it is back; /readyz says not ready",
				"journal", d.J.Dir(), "err", err.Error())
		} else {
			d.mu.Unlock()
		}
		return
	}
	for _, e := range pending {
		if ctx.Err() != nil {
			return
		}
		e.Attempts++
		switch d.Run(ctx, e.Msg, e.Attempts >= d.MaxAttempts) {
		case Stored:
			d.Event(EventDrained, nil)
			d.J.Done(e)
		case Duplicate:
			d.Event(EventDuplicate, nil)
			d.J.Done(e)
		case Failed:
			// The store may have gone again: then this was no attempt.
			if d.Probe.Check(ctx) != nil {
				e.Attempts--
				return
			}
			if e.Attempts >= d.MaxAttempts {
				d.Event(EventFailed, nil)
				d.Logger.Error("journal: gave up on a message whose command keeps failing; the member was told 系统内部错误",
					"key", e.Key, "attempts", e.Attempts)
				d.J.Done(e)
				continue
			}
			return // try again at the next round, in order
		}
	}
	if d.J.Len() > 0 {
		return
	}
	d.mu.Lock()
	was, since, counts := d.down, d.since, d.counts
	d.down, d.counts = false, map[string]int{}
	d.mu.Unlock()
	if was {
		d.Logger.Warn("store reachable again: outage over, journal drained",
			"seconds", int(time.Since(since).Seconds()), "journaled", counts[EventJournaled],
			"retries_absorbed", counts[EventRetried], "drained", counts[EventDrained],
			"already_stored", counts[EventDuplicate], "refused", counts[EventRefused], "failed", counts[EventFailed])
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
