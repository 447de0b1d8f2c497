package sqldb

import (
	"database/sql"

	"gridbot"
)

// The SELECTs of the facts, each table aliased f, and the scanners that read
// their rows in the same column order.

const (
	activityColumns = `f.id, f.town_id, f.grid_id, f.category, f.content, f.leader, f.at_ms, ` + recordColumns
	activitySelect  = `SELECT ` + activityColumns + ` FROM activities f`
)

func scanActivity(r scanner) (gridbot.Activity, error) {
	var a gridbot.Activity
	var gridID, at sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&a.ID, &a.TownID, &gridID, &a.Category, &a.Content, &a.Leader, &at}, rec.dest()...)...)
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

const adjustmentSelect = `SELECT f.id, f.town_id, f.userid, f.points, f.reason, f.category, f.at_ms, ` +
	recordColumns + ` FROM adjustments f`

func scanAdjustment(r scanner) (gridbot.Adjustment, error) {
	var a gridbot.Adjustment
	var at sql.NullInt64
	var rec record
	err := r.Scan(append([]any{&a.ID, &a.TownID, &a.UserID, &a.Points, &a.Reason, &a.Category, &at}, rec.dest()...)...)
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
