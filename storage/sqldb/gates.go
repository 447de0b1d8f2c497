package sqldb

import (
	"context"
	"fmt"
	"sync"
)

// gates queue, inside this process, the transactions about to take one of
// a town's numbers (counters, numbers.go) on PostgreSQL: one of them at a
// time goes on to the counter's row lock and holds the gate until it ends.
//
// Why: the counter's row lock is held from a numbered INSERT to COMMIT, and
// a PostgreSQL backend that waits for a row lock sleeps and is woken by the
// kernel; with many 上报 of one town in flight those waits and wake-ups cost
// more CPU than the 上报 themselves (README, Benchmarks). A goroutine waits
// on a channel for next to nothing. Several replicas still meet at the row
// lock, one transaction from each at most.
//
// A gate also remembers the last number its holders committed, so that the
// next holder knows its number without asking (issues.go: a 上报's numbered
// INSERT then goes with COMMIT). Another replica may have taken numbers
// since: the INSERT then fails on the town's unique number and the
// transaction runs again the ordinary way, which reads the counter anew.
//
// Only a transaction's first gate is waited for. One that holds a gate
// already and needs another kind's number (an import numbering several
// kinds) takes the second only when free, else goes to the row lock as
// before, where PostgreSQL's deadlock detector sees every wait: two
// transactions can then never wait for each other's gates.
type gates struct {
	m sync.Map // gateKey → *gate
}

// gateKey names a town's kind of number.
type gateKey struct {
	townID int64
	kind   string
}

// gate is one town's kind of number. ch holds a token while taken; last and
// known belong to the holder.
type gate struct {
	ch    chan struct{}
	last  int64 // the last number committed through this gate, when known
	known bool
}

// held is a gate a transaction holds, and the number it takes through it
// (0: none yet).
type held struct {
	key  gateKey
	g    *gate
	next int64
}

// enter takes the gate of the town's kind for t, until t ends (leave), and
// returns it; nil when not taken (no gates here, or a second gate that was
// busy). It waits only when t holds no gate, and gives up when t's context
// ends.
func (gs *gates) enter(t *tx, townID int64, kind string) (*held, error) {
	if gs == nil {
		return nil, nil
	}
	key := gateKey{townID, kind}
	for _, h := range t.gated {
		if h.key == key {
			return h, nil
		}
	}
	v, _ := gs.m.LoadOrStore(key, &gate{ch: make(chan struct{}, 1)})
	g := v.(*gate)
	if len(t.gated) > 0 {
		select {
		case g.ch <- struct{}{}:
		default:
			return nil, nil
		}
	} else {
		select {
		case g.ch <- struct{}{}:
		case <-t.ctx.Done():
			return nil, fmt.Errorf("sqldb: waiting for the town's %s number: %w", kind, context.Cause(t.ctx))
		}
	}
	h := &held{key: key, g: g}
	t.gated = append(t.gated, h)
	return h, nil
}

// took notes the number t takes through h (nil h: none).
func (h *held) took(no int64) {
	if h != nil {
		h.next = no
	}
}

// leave opens the gates t holds, once t has ended: committed or not. A
// committed number becomes the gate's last; after a rollback the gate
// forgets it (the number was not taken, or another replica's was in the way).
func (t *tx) leave(committed bool) {
	for _, h := range t.gated {
		switch {
		case committed && h.next > 0:
			h.g.last, h.g.known = h.next, true
		case !committed:
			h.g.known = false
		}
		<-h.g.ch
	}
	t.gated = nil
}
