package scoring

import (
	"time"

	"gridbot"
)

// roster indexes the town's roster history for scoring. Only ranked
// memberships (members and leaders) are kept: office staff never score.
type roster struct {
	people map[string]*gridbot.Person
	grids  map[int64]*gridbot.Grid
	byUser map[string][]gridbot.Membership
	byGrid map[int64][]gridbot.Membership
}

func newRoster(f *gridbot.Facts) *roster {
	ro := &roster{
		people: make(map[string]*gridbot.Person, len(f.People)),
		grids:  make(map[int64]*gridbot.Grid, len(f.Grids)),
		byUser: make(map[string][]gridbot.Membership, len(f.People)),
		byGrid: make(map[int64][]gridbot.Membership, len(f.Grids)),
	}
	for i := range f.People {
		ro.people[f.People[i].UserID] = &f.People[i]
	}
	for i := range f.Grids {
		ro.grids[f.Grids[i].ID] = &f.Grids[i]
	}
	for _, m := range f.Memberships {
		if !m.Role.Ranked() || m.GridID == 0 {
			continue
		}
		ro.byUser[m.UserID] = append(ro.byUser[m.UserID], m)
		ro.byGrid[m.GridID] = append(ro.byGrid[m.GridID], m)
	}
	return ro
}

// name is the display name of a user, or the user id when unknown.
func (ro *roster) name(userID string) string {
	if p := ro.people[userID]; p != nil && p.Name != "" {
		return p.Name
	}
	return userID
}

// gridNames returns the grid's and its village's names.
func (ro *roster) gridNames(gridID int64) (grid, village string) {
	if g := ro.grids[gridID]; g != nil {
		return g.Name, g.Village
	}
	return "", ""
}

// at returns the ranked membership of userID at t.
func (ro *roster) at(userID string, t time.Time) (gridbot.Membership, bool) {
	for _, m := range ro.byUser[userID] {
		if m.Covers(t) {
			return m, true
		}
	}
	return gridbot.Membership{}, false
}

// gridAt calls fn for each user ranked in grid gridID at t.
func (ro *roster) gridAt(gridID int64, t time.Time, fn func(userID string)) {
	for _, m := range ro.byGrid[gridID] {
		if m.Covers(t) {
			fn(m.UserID)
		}
	}
}

// lastIn returns, per user with a ranked membership overlapping [from, to),
// the latest such membership: the one holding at the end of the period, or
// the last one held when the person left before it ended.
func (ro *roster) lastIn(from, to time.Time) map[string]gridbot.Membership {
	out := make(map[string]gridbot.Membership, len(ro.byUser))
	for u, ms := range ro.byUser {
		for _, m := range ms {
			if !m.Overlaps(from, to) {
				continue
			}
			if old, ok := out[u]; !ok || later(m, old) {
				out[u] = m
			}
		}
	}
	return out
}

// later reports whether membership a ends after b (an open end is latest).
func later(a, b gridbot.Membership) bool {
	switch {
	case a.To.IsZero() != b.To.IsZero():
		return a.To.IsZero()
	case !a.To.Equal(b.To):
		return a.To.After(b.To)
	}
	return a.From.After(b.From)
}
