package sqldb

import (
	"fmt"

	"gridbot"
)

// periodLists loads the facts that carry a list of people (activities,
// deliberations, publicity, photos): one query for the facts and one for all
// their lists, joined in Go. Both queries order by (at_ms, id) — the lists by
// position within — so the lists come in the order of the facts, and
// joining them is one pass over both. For SQLite that order is the one its
// indexes give (activities_town_at, then activity_participants_list): no
// sorting of a month's 1.5M participants.
func (t *tx) periodLists(f *gridbot.Facts, args []any) error {
	var err error
	if f.Activities, err = collect(t, scanActivity, activitySelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period activities", err)
	}
	err = attachLists(t, f.Activities, func(a *gridbot.Activity) (int64, *[]string) { return a.ID, &a.Participants },
		listOf("activity_participants", "activity_id", "activities"), args...)
	if err != nil {
		return err
	}
	if f.Deliberations, err = collect(t, scanDeliberation, deliberationSelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period deliberations", err)
	}
	err = attachLists(t, f.Deliberations, func(d *gridbot.Deliberation) (int64, *[]string) { return d.ID, &d.Participants },
		listOf("deliberation_participants", "deliberation_id", "deliberations"), args...)
	if err != nil {
		return err
	}
	if f.Publicity, err = collect(t, scanPublicity, publicitySelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period publicity", err)
	}
	err = attachLists(t, f.Publicity, func(p *gridbot.Publicity) (int64, *[]string) { return p.ID, &p.Involved },
		listOf("publicity_involved", "publicity_id", "publicity"), args...)
	if err != nil {
		return err
	}
	if f.Photos, err = collect(t, scanPhoto, photoSelect+inPeriod+byTime, args...); err != nil {
		return t.fail("period photos", err)
	}
	return attachLists(t, f.Photos, func(p *gridbot.Photo) (int64, *[]string) { return p.ID, &p.Involved },
		listOf("photo_involved", "photo_id", "photos"), args...)
}

// listOf selects (fact id, user id) from table, the lists of facts, for the
// facts of the period: in their order, and by position within each list.
func listOf(table, idColumn, facts string) string {
	return `SELECT l.` + idColumn + `, l.userid FROM ` + table + ` l JOIN ` + facts + ` f ON f.id = l.` + idColumn +
		inPeriod + byTime + `, l.pos`
}

// attachLists runs query, which selects (fact id, user id) in the order of
// facts, and sets each fact's list (through list) to its user ids. The lists
// share a few large arrays rather than having one each.
func attachLists[T any](t *tx, facts []T, list func(*T) (int64, *[]string), query string, args ...any) error {
	var arena listArena
	var run []string // the user ids of the current fact
	i := -1          // the current fact's index in facts
	var id int64     // each row's, scanned into the same two variables
	var u string
	end := func() {
		if i >= 0 && len(run) > 0 {
			_, l := list(&facts[i])
			*l = arena.copy(run)
		}
		run = run[:0]
	}
	err := t.queryAll(func(r scanner) error {
		if err := r.Scan(&id, &u); err != nil {
			return err
		}
		if i < 0 || id != idOf(list, &facts[i]) {
			end()
			for i++; i < len(facts) && idOf(list, &facts[i]) != id; i++ {
			}
			if i == len(facts) {
				return fmt.Errorf("sqldb: the list of fact %d is not in the order of the facts", id)
			}
		}
		run = append(run, u)
		return nil
	}, query, args...)
	if err != nil {
		return t.fail("period lists", err)
	}
	end()
	return nil
}

func idOf[T any](list func(*T) (int64, *[]string), fact *T) int64 {
	id, _ := list(fact)
	return id
}

// listArena hands out string slices carved from shared arrays.
type listArena struct{ free []string }

// copy returns a copy of run whose capacity is its length, so an append to
// it never writes into the next one.
func (a *listArena) copy(run []string) []string {
	if len(run) > cap(a.free) {
		a.free = make([]string, 0, max(4096, len(run)))
	}
	n := len(run)
	out := a.free[:n:n]
	copy(out, run)
	a.free = a.free[n:n]
	return out
}
