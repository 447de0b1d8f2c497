package sqldb

import (
	"strconv"
	"strings"
	"time"

	"gridbot"
)

// The office's page of activities (/office/activities): a month's
// activities in one query, their photos in another, whatever their number.

// imageBatch is how many records' photos one query asks for: a page's
// activities fit in one (the page shows at most 1000).
const imageBatch = 1000

// Activities returns the town's activities of [from, to), not withdrawn,
// newest first, at most limit: one query on activities_town_at (or
// activities_grid_at for a grid), the participants from the row's own list
// (migration 005).
func (t *tx) Activities(townID, gridID int64, from, to time.Time, limit int) ([]gridbot.Activity, error) {
	args := []any{townID, from.UnixMilli(), to.UnixMilli()}
	query := `SELECT ` + activityColumns + `, f.participants FROM activities f` + inPeriod
	if gridID != 0 {
		args = append(args, gridID)
		query += ` AND f.grid_id = $4`
	}
	args = append(args, limit)
	query += ` ORDER BY f.at_ms DESC, f.id DESC LIMIT $` + strconv.Itoa(len(args))
	var out []gridbot.Activity
	var lists listArena
	err := t.queryAll(func(r scanner) error {
		var participants string
		a, err := scanActivity(withColumn{r, &participants})
		a.Participants = lists.split(participants)
		out = append(out, a)
		return err
	}, query, args...)
	if err != nil {
		return nil, t.fail("activities", err)
	}
	return out, nil
}

// RecordImages lists the photos of the town's records of kind numbered nos,
// without their data or time, by record: one query (on images_record) per
// imageBatch records. It reads only the columns stored before the data: in
// SQLite a column after it (at_ms, and kind, added by migration 013) is
// reached by walking the photo's chain of overflow pages, 50 reads for
// 200 KB: with them, the photos of a month's 144 took longer than all the
// rest of the office's page of activities.
func (t *tx) RecordImages(townID int64, kind string, nos []int64) (map[int64][]gridbot.Image, error) {
	out := map[int64][]gridbot.Image{}
	for len(nos) > 0 {
		batch := nos[:min(len(nos), imageBatch)]
		nos = nos[len(batch):]
		args := []any{townID, kind}
		var in strings.Builder
		for i, no := range batch {
			if i > 0 {
				in.WriteString(", ")
			}
			args = append(args, no)
			in.WriteString(t.param(len(args)))
		}
		err := t.queryAll(func(r scanner) error {
			p := gridbot.Image{TownID: townID, Kind: kind}
			if err := r.Scan(&p.ID, &p.No, &p.Mime, &p.Width, &p.Height); err != nil {
				return err
			}
			out[p.No] = append(out[p.No], p)
			return nil
		}, `SELECT id, record_no, mime, width, height FROM images WHERE town_id = `+t.param(1)+` AND kind = `+t.param(2)+
			` AND record_no IN (`+in.String()+`) ORDER BY record_no, id`, args...)
		if err != nil {
			return nil, t.fail("photos of records", err)
		}
	}
	return out, nil
}

// param is the placeholder of the n-th parameter of a statement built with
// many (Dialect.PlainParams): "$n", or "?" when every one of it is a "?".
func (t *tx) param(n int) string {
	if t.d.PlainParams {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}
