package bot

import (
	"context"
	"sync"
	"time"

	"gridbot"
)

// Journal keeps a message durably (bot/journal's Journal is one) when its
// transaction failed, so that the callback can be answered and the message
// run again when the store is back. fresh is false for a message journaled
// before and not drained yet (a platform's retry): it is not kept twice.
// Holds says whether m is journaled and not drained yet.
type Journal interface {
	Keep(ctx context.Context, m gridbot.Message) (fresh bool, err error)
	Holds(m gridbot.Message) bool
}

// held answers a platform's retry of a message this replica journaled and
// has not drained yet as the journal answered it the first time, without
// running it: run now, once the store is back, it would go ahead of the
// messages journaled before it, which the drain runs in their order.
func (p *Pipeline) held(m gridbot.Message) (Result, bool) {
	if p.Journal == nil || m.MsgID == "" || !p.Journal.Holds(m) {
		return Result{}, false
	}
	return Result{Code: Journaled, Retried: true}, true
}

// keep journals m after its transaction failed with err. Journaled: the
// callback is answered and nothing is said now (a WeCom response_url takes
// one reply: the real one, when the command has run); the dedupe mark stays,
// so the platform's retries are dropped early. Unavailable when the journal
// failed too: the mark is forgotten and the platform must retry.
func (p *Pipeline) keep(ctx context.Context, m gridbot.Message, key string, res Result, err error) Result {
	res.Err = err
	fresh, jerr := p.Journal.Keep(context.WithoutCancel(ctx), m)
	if jerr != nil {
		p.forget(ctx, key)
		res.Code, res.Err = Unavailable, jerr
		return res
	}
	res.Code, res.Retried = Journaled, !fresh
	return res
}

// warnOnce lets a warning through once a minute.
type warnOnce struct {
	mu   sync.Mutex
	last time.Time
}

func (w *warnOnce) due() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now := time.Now(); now.Sub(w.last) >= time.Minute {
		w.last = now
		return true
	}
	return false
}
