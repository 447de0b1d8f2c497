package sqldb

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"gridbot"
)

// AddActivity stores a collective activity and fills in its ID and its
// number, the next of the town. Its participants go in
// activity_participants and, joined, in the activity's own row (migration
// 005), from which PeriodFacts reads them.
func (t *tx) AddActivity(a *gridbot.Activity) error {
	if a.At.IsZero() {
		return errors.New("sqldb: activity without At")
	}
	ps := dedupe(a.Participants)
	args := append([]any{a.TownID, nullID(a.GridID), a.Category, a.Content, a.Leader, ms(a.At)}, recordArgs(a.Record)...)
	id, no, err := t.insertFact(a.TownID, kindActivity, `INSERT INTO activities (town_id, grid_id, category, content, leader, at_ms,
			recorded_by, recorded_at_ms, platform, msg_id, participants, no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING id`, append(args, strings.Join(ps, listSep))...)
	if err != nil {
		return err
	}
	a.ID, a.No, a.Participants = id, no, ps
	return t.saveUserList("activity_participants", "activity_id", id, a.Participants)
}

// AddDeliberation stores a deliberation meeting and its participants, and
// fills in its ID and its number, the next of the town.
func (t *tx) AddDeliberation(d *gridbot.Deliberation) error {
	if d.At.IsZero() {
		return errors.New("sqldb: deliberation without At")
	}
	args := append([]any{d.TownID, nullID(d.GridID), d.Minutes, d.Leader, ms(d.At), d.ConfirmedBy, ms(d.ConfirmedAt)},
		recordArgs(d.Record)...)
	id, no, err := t.insertFact(d.TownID, kindDeliberation, `INSERT INTO deliberations (town_id, grid_id, minutes, leader, at_ms,
			confirmed_by, confirmed_at_ms, recorded_by, recorded_at_ms, platform, msg_id, no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING id`, args...)
	if err != nil {
		return err
	}
	d.ID, d.No, d.Participants = id, no, dedupe(d.Participants)
	return t.saveUserList("deliberation_participants", "deliberation_id", id, d.Participants)
}

// DeliberationByNo returns the town's deliberation number no with its
// participants, or ENOTFOUND.
func (t *tx) DeliberationByNo(townID, no int64) (gridbot.Deliberation, error) {
	d, err := scanDeliberation(t.queryRow(deliberationSelect+` WHERE f.town_id = $1 AND f.no = $2`, townID, no))
	if errors.Is(err, sql.ErrNoRows) {
		return d, gridbot.Refuse(gridbot.ReasonDeliberationUnknown, no)
	} else if err != nil {
		return d, t.fail("deliberation by no", err)
	}
	lists, err := t.userLists(`SELECT deliberation_id, userid FROM deliberation_participants
		WHERE deliberation_id = $1 ORDER BY pos`, d.ID)
	d.Participants = lists[d.ID]
	return d, err
}

// ConfirmDeliberation marks the ledger of deliberation no complete.
// ENOTFOUND when there is no such deliberation, ECONFLICT when it was
// confirmed before.
func (t *tx) ConfirmDeliberation(townID, no int64, by string, at time.Time) error {
	if at.IsZero() {
		return errors.New("sqldb: confirmation without a time")
	}
	res, err := t.exec(`UPDATE deliberations SET confirmed_by = $3, confirmed_at_ms = $4
		WHERE town_id = $1 AND no = $2 AND confirmed_at_ms IS NULL`, townID, no, by, ms(at))
	if err != nil {
		return t.fail("confirm deliberation", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("confirm deliberation", err)
	} else if n > 0 {
		return nil
	}
	if _, err := t.DeliberationByNo(townID, no); err != nil {
		return err
	}
	return gridbot.Refuse(gridbot.ReasonConfirmed, no)
}

// AddPublicity stores a publicity report and the people it involves, and
// fills in its ID and its number.
func (t *tx) AddPublicity(p *gridbot.Publicity) error {
	if p.At.IsZero() {
		return errors.New("sqldb: publicity without At")
	}
	args := append([]any{p.TownID, p.Level, p.Comprehensive, p.Title, ms(p.At)}, recordArgs(p.Record)...)
	id, no, err := t.insertFact(p.TownID, kindPublicity, `INSERT INTO publicity (town_id, level, comprehensive, title, at_ms,
			recorded_by, recorded_at_ms, platform, msg_id, no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING id`, args...)
	if err != nil {
		return err
	}
	p.ID, p.No, p.Involved = id, no, dedupe(p.Involved)
	return t.saveUserList("publicity_involved", "publicity_id", id, p.Involved)
}

// AddPhoto stores a batch of photos used and the people named, and fills in
// its ID and its number.
func (t *tx) AddPhoto(p *gridbot.Photo) error {
	if p.At.IsZero() {
		return errors.New("sqldb: photo without At")
	}
	args := append([]any{p.TownID, p.Count, ms(p.At)}, recordArgs(p.Record)...)
	id, no, err := t.insertFact(p.TownID, kindPhoto, `INSERT INTO photos (town_id, photo_count, at_ms,
			recorded_by, recorded_at_ms, platform, msg_id, no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING id`, args...)
	if err != nil {
		return err
	}
	p.ID, p.No, p.Involved = id, no, dedupe(p.Involved)
	return t.saveUserList("photo_involved", "photo_id", id, p.Involved)
}

// AddStory stores a red-grid story and fills in its ID, its number and its
// village. The village is named by VillageID or, when that is 0, by Village.
func (t *tx) AddStory(s *gridbot.Story) error {
	if s.At.IsZero() {
		return errors.New("sqldb: story without At")
	}
	var err error
	if s.VillageID != 0 {
		err = t.queryRow(`SELECT id, name FROM villages WHERE town_id = $1 AND id = $2`, s.TownID, s.VillageID).Scan(&s.VillageID, &s.Village)
	} else {
		err = t.queryRow(`SELECT id, name FROM villages WHERE town_id = $1 AND name = $2`, s.TownID, s.Village).Scan(&s.VillageID, &s.Village)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Refuse(gridbot.ReasonVillageUnknown, s.Village)
	} else if err != nil {
		return t.fail("add story", err)
	}
	args := append([]any{s.TownID, s.VillageID, s.Title, ms(s.At)}, recordArgs(s.Record)...)
	s.ID, s.No, err = t.insertFact(s.TownID, kindStory, `INSERT INTO stories (town_id, village_id, title, at_ms,
			recorded_by, recorded_at_ms, platform, msg_id, no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING id`, args...)
	return err
}

// AddAdjustment stores an office adjustment and fills in its ID and its
// number, the next of the town.
func (t *tx) AddAdjustment(a *gridbot.Adjustment) error {
	if a.At.IsZero() {
		return errors.New("sqldb: adjustment without At")
	}
	args := append([]any{a.TownID, a.UserID, a.Points, a.Reason, a.Category, ms(a.At)}, recordArgs(a.Record)...)
	var err error
	a.ID, a.No, err = t.insertFact(a.TownID, kindAdjustment, `INSERT INTO adjustments (town_id, userid, points, reason, category, at_ms,
			recorded_by, recorded_at_ms, platform, msg_id, no)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (town_id, msg_id) DO NOTHING RETURNING id`, args...)
	return err
}

// SetBasePoints replaces the base points of the given users for month; users
// not given keep theirs. When a user is given twice the last value wins.
func (t *tx) SetBasePoints(townID int64, month string, bps []gridbot.BasePoint) error {
	if err := gridbot.CheckMonth(month); err != nil {
		return err
	}
	last := make(map[string]int, len(bps))
	for i, bp := range bps {
		last[bp.UserID] = i
	}
	var rows []gridbot.BasePoint
	for i, bp := range bps {
		// PostgreSQL refuses to upsert one row twice in a statement.
		if last[bp.UserID] == i {
			rows = append(rows, bp)
		}
	}
	const batch = 1000
	for start := 0; start < len(rows); start += batch {
		chunk := rows[start:min(start+batch, len(rows))]
		var b strings.Builder
		b.WriteString(`INSERT INTO base_points (town_id, month, userid, points) VALUES `)
		t.d.values(&b, len(chunk), 4)
		b.WriteString(` ON CONFLICT (town_id, month, userid) DO UPDATE SET points = excluded.points`)
		args := make([]any, 0, 4*len(chunk))
		for _, bp := range chunk {
			args = append(args, townID, month, bp.UserID, bp.Points)
		}
		if _, err := t.exec(b.String(), args...); err != nil {
			return t.fail("set base points", err)
		}
	}
	return nil
}
