package sqldb

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"gridbot"
)

// periodLists loads the facts that carry a list of people (activities,
// deliberations, publicity, photos). Activities — 300k in a town's month,
// with 1.5M participants — bring their lists in their own rows; for the
// others — a handful a month — one query reads the facts with scan.go's
// scanners and one all their lists, joined in Go (attachLists).
func (t *tx) periodLists(f *gridbot.Facts, args []any) error {
	townID := f.Town.ID
	var err error
	if f.Activities, err = t.periodActivities(townID, args); err != nil {
		return t.fail("period activities", err)
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

// periodActivities reads the activities with their participants, which their
// rows hold joined (migration 005): what scanActivity reads but the town,
// which is the query's own $1, into reused variables (readRows); the lists
// share a few arrays.
func (t *tx) periodActivities(townID int64, args []any) ([]gridbot.Activity, error) {
	var a gridbot.Activity
	var gridID, at sql.NullInt64
	var rec record
	var participants string
	var lists listArena
	dest := append([]any{&a.ID, &gridID, &a.Category, &a.Content, &a.Leader, &at, &participants, &a.No}, rec.dest()...)
	return readRows(t, &a, dest, func() {
		a.TownID, a.GridID, a.At, a.Record = townID, gridID.Int64, instant(at), rec.value()
		a.Participants = lists.split(participants)
	}, `SELECT f.id, f.grid_id, f.category, f.content, f.leader, f.at_ms, f.participants, f.no, `+recordColumns+
		` FROM activities f`+inPeriod+byTime, args...)
}

// listArena hands out the lists of user ids of many facts, carved from
// shared arrays: one allocation for thousands of lists.
type listArena struct{ free []string }

// split returns the user ids of a list joined by listSep, nil for none. The
// list's capacity is its length, so that an append to it copies it.
func (a *listArena) split(joined string) []string {
	if joined == "" {
		return nil
	}
	n := strings.Count(joined, listSep) + 1
	if n > cap(a.free) {
		a.free = make([]string, 0, max(4096, n))
	}
	out := a.free[:n:n]
	a.free = a.free[n:n]
	for i := 0; i < n-1; i++ {
		k := strings.Index(joined, listSep)
		out[i], joined = joined[:k], joined[k+len(listSep):]
	}
	out[n-1] = joined
	return out
}

// listOf selects (fact id, position, user id) from table, the lists of
// facts, for the facts of the period, in no particular order: ordering
// them would cost PostgreSQL a sort of a month's 1.5M participants (SQLite
// gives them in the order of its indexes anyway).
func listOf(table, idColumn, facts string) string {
	return `SELECT l.` + idColumn + `, l.pos, l.userid FROM ` + table + ` l JOIN ` + facts + ` f ON f.id = l.` + idColumn +
		inPeriod
}

// listEntry is a row of a list query: the index of its fact, its position.
type listEntry struct {
	fact, pos int32
	user      string
}

// attachLists runs query (listOf) and sets each fact's list (through list)
// to its user ids in the order of their positions. The lists share one
// array rather than having one each.
func attachLists[T any](t *tx, facts []T, list func(*T) (int64, *[]string), query string, args ...any) error {
	index := make(map[int64]int32, len(facts))
	for i := range facts {
		id, _ := list(&facts[i])
		index[id] = int32(i)
	}
	var rows chunks[listEntry]
	var id, last int64 // each row's fact id and the one before, scanned into the same variables
	var pos int32
	var u string
	fact := int32(-1)
	err := t.queryAll(func(r scanner) error {
		if err := r.Scan(&id, &pos, &u); err != nil {
			return err
		}
		if fact < 0 || id != last { // a fact's list comes mostly in a run
			i, ok := index[id]
			if !ok {
				return fmt.Errorf("sqldb: a list of fact %d, which is not in the period", id)
			}
			fact, last = i, id
		}
		rows.add(listEntry{fact, pos, u})
		return nil
	}, query, args...)
	if err != nil {
		return t.fail("period lists", err)
	}
	entries := byFact(rows.slice(), len(facts))
	users := make([]string, len(entries))
	for start := 0; start < len(entries); {
		end := start + 1
		for end < len(entries) && entries[end].fact == entries[start].fact {
			end++
		}
		for k := start; k < end; k++ {
			users[k] = entries[k].user
		}
		_, l := list(&facts[entries[start].fact])
		*l = users[start:end:end] // its capacity is its length: an append copies
		start = end
	}
	return nil
}

// byFact returns the entries of n facts ordered by fact and position: as
// they are when SQLite gives them, or after a counting sort by fact (one
// pass whatever the order PostgreSQL's hash join gives them in) and sorting
// each list by position when it is not.
func byFact(entries []listEntry, n int) []listEntry {
	if slices.IsSortedFunc(entries, func(a, b listEntry) int {
		if a.fact != b.fact {
			return cmp.Compare(a.fact, b.fact)
		}
		return cmp.Compare(a.pos, b.pos)
	}) {
		return entries
	}
	next := make([]int, n+1) // where the next entry of each fact goes
	for _, e := range entries {
		next[e.fact+1]++
	}
	for i := 1; i <= n; i++ {
		next[i] += next[i-1]
	}
	out := make([]listEntry, len(entries))
	for _, e := range entries {
		out[next[e.fact]] = e
		next[e.fact]++
	}
	byPos := func(a, b listEntry) int { return cmp.Compare(a.pos, b.pos) }
	for start := 0; start < len(out); {
		end := start + 1
		for end < len(out) && out[end].fact == out[start].fact {
			end++
		}
		if l := out[start:end]; !slices.IsSortedFunc(l, byPos) {
			slices.SortFunc(l, byPos)
		}
		start = end
	}
	return out
}
