package results

import (
	"sync"
	"time"

	"gridbot"
	"gridbot/scoring"
)

// Board keeps each town's live month results for a short while (TTL, by
// Clock), so that 积分 can place a member, whose own items it computes
// exactly (Member), among the others without settling the whole town for
// every question. A zero TTL settles every time: replay, the terminal chat
// and the tests see each command's exact effect. Published months are never
// kept here; they are frozen in the store. The zero Board is ready to use.
type Board struct {
	TTL   time.Duration
	Clock gridbot.Clock // the age of an entry; the system clock when nil

	mu     sync.Mutex
	months map[boardKey]boardEntry
}

type boardKey struct {
	town  int64
	month string
}

type boardEntry struct {
	res     *scoring.MonthResult
	settled time.Time // by Clock
}

// NewBoard returns a board that keeps results for ttl.
func NewBoard(ttl time.Duration) *Board { return &Board{TTL: ttl} }

func (b *Board) now() time.Time {
	if b.Clock == nil {
		return time.Now()
	}
	return b.Clock.Now()
}

// Month returns the month's results: the published ones when the month is
// published, otherwise the live ones of Live. It says which.
func (b *Board) Month(tx Tx, townID int64, rules *scoring.Rules, month string, at time.Time) (*scoring.MonthResult, bool, error) {
	_, to, err := scoring.MonthBounds(month)
	if err != nil {
		return nil, false, err
	}
	if mayBePublished(to, at) {
		if res, err := frozen(tx, townID, month); err != nil || res != nil {
			return res, res != nil, err
		}
	}
	res, err := b.Live(tx, townID, rules, month, at)
	return res, false, err
}

// mayBePublished reports whether a month ending at to can have been
// published as at at: PublishMonth takes only months that are over, so as at
// an instant inside the month (a member asking about the current one, the
// commonest question) the month is live and the store need not be asked.
func mayBePublished(to, at time.Time) bool { return at.IsZero() || !at.Before(to) }

// Live returns the month's live results as at at, or those settled less than
// TTL ago. The month must not be published (Month says).
func (b *Board) Live(tx Tx, townID int64, rules *scoring.Rules, month string, at time.Time) (*scoring.MonthResult, error) {
	if b == nil || b.TTL <= 0 {
		return live(tx, townID, rules, month, at)
	}
	key, now := boardKey{townID, month}, b.now()
	b.mu.Lock()
	e, ok := b.months[key]
	b.mu.Unlock()
	if ok && now.Sub(e.settled) < b.TTL && !now.Before(e.settled) {
		return e.res, nil
	}
	res, err := live(tx, townID, rules, month, at)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	if b.months == nil {
		b.months = map[boardKey]boardEntry{}
	}
	for k, old := range b.months { // drop what has expired: a town asks about few months
		if now.Sub(old.settled) >= b.TTL {
			delete(b.months, k)
		}
	}
	b.months[key] = boardEntry{res, now}
	b.mu.Unlock()
	return res, nil
}
