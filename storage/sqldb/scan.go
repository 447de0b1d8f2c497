package sqldb

import (
	"database/sql"

	"gridbot"
)

// The SELECTs of the facts, each table aliased f, and the scanners that read
// their rows in the same column order.

const (
	activityColumns = `f.id, f.town_id, f.grid_id, f.category, f.content, f.leader, f.at_ms, f.no, ` + recordColumns
	activitySelect  = `SELECT ` + activityColumns + ` FROM activities f`
)

func scanActivity(r scanner) (gridbot.Activity, error) {
	var a gridbot.Activity
	var gridID, at sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&a.ID, &a.TownID, &gridID, &a.Category, &a.Content, &a.Leader, &at, &a.No}, rec.dest()...)...)
	a.GridID, a.At, a.Record = gridID.Int64, instant(at), rec.value()
	return a, err
}

const (
	deliberationColumns = `f.id, f.town_id, f.no, f.grid_id, f.minutes, f.leader, f.at_ms,
	f.confirmed_by, f.confirmed_at_ms, ` + recordColumns
	deliberationSelect = `SELECT ` + deliberationColumns + ` FROM deliberations f`
)

func scanDeliberation(r scanner) (gridbot.Deliberation, error) {
	var d gridbot.Deliberation
	var gridID, at, confirmed sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&d.ID, &d.TownID, &d.No, &gridID, &d.Minutes, &d.Leader, &at,
		&d.ConfirmedBy, &confirmed}, rec.dest()...)...)
	d.GridID, d.At, d.ConfirmedAt, d.Record = gridID.Int64, instant(at), instant(confirmed), rec.value()
	return d, err
}

const (
	publicityColumns = `f.id, f.town_id, f.no, f.level, f.comprehensive, f.title, f.at_ms, ` + recordColumns
	publicitySelect  = `SELECT ` + publicityColumns + ` FROM publicity f`
)

func scanPublicity(r scanner) (gridbot.Publicity, error) {
	var p gridbot.Publicity
	var at sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&p.ID, &p.TownID, &p.No, &p.Level, &p.Comprehensive, &p.Title, &at}, rec.dest()...)...)
	p.At, p.Record = instant(at), rec.value()
	return p, err
}

const photoSelect = `SELECT f.id, f.town_id, f.no, f.photo_count, f.at_ms, ` + recordColumns + ` FROM photos f`

func scanPhoto(r scanner) (gridbot.Photo, error) {
	var p gridbot.Photo
	var at sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&p.ID, &p.TownID, &p.No, &p.Count, &at}, rec.dest()...)...)
	p.At, p.Record = instant(at), rec.value()
	return p, err
}

const storySelect = `SELECT f.id, f.town_id, f.no, f.village_id, v.name, f.title, f.at_ms, ` + recordColumns + `
	FROM stories f JOIN villages v ON v.id = f.village_id`

func scanStory(r scanner) (gridbot.Story, error) {
	var s gridbot.Story
	var at sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&s.ID, &s.TownID, &s.No, &s.VillageID, &s.Village, &s.Title, &at}, rec.dest()...)...)
	s.At, s.Record = instant(at), rec.value()
	return s, err
}

const adjustmentSelect = `SELECT f.id, f.town_id, f.userid, f.points, f.reason, f.category, f.at_ms, f.no, ` +
	recordColumns + ` FROM adjustments f`

func scanAdjustment(r scanner) (gridbot.Adjustment, error) {
	var a gridbot.Adjustment
	var at sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&a.ID, &a.TownID, &a.UserID, &a.Points, &a.Reason, &a.Category, &at, &a.No}, rec.dest()...)...)
	a.At, a.Record = instant(at), rec.value()
	return a, err
}

// collect runs query and scans every row with scan into a slice.
func collect[T any](t *tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := t.queryAll(func(r scanner) error {
		v, err := scan(r)
		out = append(out, v)
		return err
	}, query, args...)
	return out, err
}

// readRows runs query and returns one T per row. Each row is scanned through
// dest into v and the variables beside it, which fill then makes into v: the
// same variables for every row, so that a row leaves behind only what the
// driver allocates (its text), not a T and a list of destinations of its own.
func readRows[T any](t *tx, v *T, dest []any, fill func(), query string, args ...any) ([]T, error) {
	var out chunks[T]
	err := t.queryAll(func(r scanner) error {
		if err := r.Scan(dest...); err != nil {
			return err
		}
		fill()
		out.add(*v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out.slice(), nil
}

// chunks collects values in arrays of growing size and then copies them
// into one slice of the right size: appending to one slice would copy its
// contents at every growth, hundreds of MB for a town's month of facts.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, min(max(64, 2*cap(c.cur)), 1<<16))
	}
	c.cur = append(c.cur, v)
	c.n++
}

// slice returns the values added, nil when none was.
func (c *chunks[T]) slice() []T {
	if c.n == 0 {
		return nil
	}
	if len(c.full) == 0 {
		return c.cur[:len(c.cur):len(c.cur)]
	}
	out := make([]T, 0, c.n)
	for _, f := range c.full {
		out = append(out, f...)
	}
	return append(out, c.cur...)
}
