package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"gridbot"
)

// The web front's tables (migration 011_web.sql): grids' villager links,
// villagers' tracking links, records' photos (013_record_images.sql), the
// office's login links and sessions.

// GridLinks returns the town's working villager links by grid id.
func (t *tx) GridLinks(townID int64) (map[int64]gridbot.GridLink, error) {
	out := map[int64]gridbot.GridLink{}
	err := t.queryAll(func(r scanner) error {
		var l gridbot.GridLink
		var at sql.NullInt64
		if err := r.Scan(&l.Token, &l.TownID, &l.GridID, &at); err != nil {
			return err
		}
		l.At = instant(at)
		out[l.GridID] = l
		return nil
	}, `SELECT token, town_id, grid_id, at_ms FROM web_grid_links WHERE town_id = $1 AND revoked_ms IS NULL`, townID)
	if err != nil {
		return nil, t.fail("grid links", err)
	}
	return out, nil
}

// GridByToken returns the working link of token.
func (t *tx) GridByToken(token string) (gridbot.GridLink, error) {
	var l gridbot.GridLink
	var at sql.NullInt64
	err := t.queryRow(`SELECT token, town_id, grid_id, at_ms FROM web_grid_links WHERE token = $1 AND revoked_ms IS NULL`,
		token).Scan(&l.Token, &l.TownID, &l.GridID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("没有这个网格码，或它已停用。")
	} else if err != nil {
		return l, t.fail("grid by token", err)
	}
	l.At = instant(at)
	return l, nil
}

// SetGridLink revokes the grid's working link, if any, and stores l.
func (t *tx) SetGridLink(l gridbot.GridLink) error {
	if l.Token == "" || l.At.IsZero() {
		return errors.New("sqldb: grid link without token or time")
	}
	if _, err := t.exec(`UPDATE web_grid_links SET revoked_ms = $1 WHERE town_id = $2 AND grid_id = $3 AND revoked_ms IS NULL`,
		ms(l.At), l.TownID, l.GridID); err != nil {
		return t.fail("revoke grid link", err)
	}
	if _, err := t.exec(`INSERT INTO web_grid_links (token, town_id, grid_id, at_ms) VALUES ($1, $2, $3, $4)`,
		l.Token, l.TownID, l.GridID, ms(l.At)); err != nil {
		return t.fail("add grid link", err)
	}
	return nil
}

const trackingSelect = `SELECT token, town_id, issue_no, phone, lat, lng, at_ms, rating, comment, rated_ms, replaced FROM web_tracking`

func scanTracking(r scanner) (gridbot.Tracking, error) {
	var tr gridbot.Tracking
	var lat, lng sql.NullFloat64
	var at, rated sql.NullInt64
	err := r.Scan(&tr.Token, &tr.TownID, &tr.IssueNo, &tr.Phone, &lat, &lng, &at, &tr.Rating, &tr.Comment, &rated, &tr.Replaced)
	if lat.Valid && lng.Valid {
		tr.Lat, tr.Lng = &lat.Float64, &lng.Float64
	}
	tr.At, tr.RatedAt = instant(at), instant(rated)
	return tr, err
}

// AddTracking stores a villager's tracking link.
func (t *tx) AddTracking(tr gridbot.Tracking) error {
	var lat, lng any
	if tr.Lat != nil && tr.Lng != nil {
		lat, lng = *tr.Lat, *tr.Lng
	}
	_, err := t.exec(`INSERT INTO web_tracking (token, town_id, issue_no, phone, lat, lng, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		tr.Token, tr.TownID, tr.IssueNo, tr.Phone, lat, lng, ms(tr.At))
	return t.fail("add tracking", err)
}

func (t *tx) tracking(where string, args ...any) (gridbot.Tracking, error) {
	tr, err := scanTracking(t.queryRow(trackingSelect+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return tr, notFound("没有这个问题查询链接。")
	} else if err != nil {
		return tr, t.fail("tracking", err)
	}
	return tr, nil
}

// TrackingByToken returns the tracking link of token.
func (t *tx) TrackingByToken(token string) (gridbot.Tracking, error) {
	return t.tracking(`token = $1`, token)
}

// TrackingByIssue returns the tracking link of the town's issue no.
func (t *tx) TrackingByIssue(townID, no int64) (gridbot.Tracking, error) {
	return t.tracking(`town_id = $1 AND issue_no = $2`, townID, no)
}

// RateTracking records the villager's rating once.
func (t *tx) RateTracking(tr gridbot.Tracking) error {
	if !gridbot.ValidRating(tr.Rating) || tr.Rating == "" || tr.RatedAt.IsZero() {
		return gridbot.Refuse(gridbot.ReasonRating, tr.Rating)
	}
	res, err := t.exec(`UPDATE web_tracking SET rating = $1, comment = $2, rated_ms = $3, replaced = $4
		WHERE token = $5 AND rating = ''`, tr.Rating, tr.Comment, ms(tr.RatedAt), tr.Replaced, tr.Token)
	if err != nil {
		return t.fail("rate tracking", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("rate tracking", err)
	} else if n == 0 {
		return conflict("这个问题已经评价过了。")
	}
	return nil
}

// imageRecords are the records a photo may belong to, by kind: their tables.
var imageRecords = map[string]string{gridbot.KindIssue: "issues", gridbot.KindActivity: "activities"}

const imageColumns = `id, town_id, kind, record_no, mime, width, height, at_ms`

func scanImage(r scanner, data *[]byte) (gridbot.Image, error) {
	var p gridbot.Image
	var at sql.NullInt64
	dest := []any{&p.ID, &p.TownID, &p.Kind, &p.No, &p.Mime, &p.Width, &p.Height, &at}
	if data != nil {
		dest = append(dest, data)
	}
	err := r.Scan(dest...)
	p.At = instant(at)
	return p, err
}

// AddImage stores a photo of a record and fills in its ID. The record's
// row is locked first, so that two photos stored at once (two replicas)
// cannot both take the record's last place.
func (t *tx) AddImage(p *gridbot.Image) error {
	table, ok := imageRecords[p.Kind]
	if !ok || p.No <= 0 {
		return gridbot.Errorf(gridbot.EINVALID, "照片只能附在问题或活动上。")
	}
	if len(p.Data) == 0 || p.At.IsZero() {
		return errors.New("sqldb: photo without data or time")
	}
	ref := gridbot.RecordRef(p.Kind, p.No)
	var id int64
	err := t.queryRow(`SELECT id FROM `+table+` WHERE town_id = $1 AND no = $2`+t.d.ForUpdate, p.TownID, p.No).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Refuse(gridbot.ReasonRecordUnknown, ref)
	} else if err != nil {
		return t.fail("lock the photo's record", err)
	}
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM images WHERE town_id = $1 AND kind = $2 AND record_no = $3`,
		p.TownID, p.Kind, p.No).Scan(&n); err != nil {
		return t.fail("count photos", err)
	} else if n >= gridbot.MaxRecordImages {
		return gridbot.Refuse(gridbot.ReasonImagesFull, ref)
	}
	err = t.queryRow(`INSERT INTO images (town_id, kind, record_no, mime, width, height, data, at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		p.TownID, p.Kind, p.No, p.Mime, p.Width, p.Height, p.Data, ms(p.At)).Scan(&p.ID)
	return t.fail("add photo", err)
}

// Images lists a record's photos without their data, oldest first.
func (t *tx) Images(townID int64, kind string, no int64) ([]gridbot.Image, error) {
	var out []gridbot.Image
	err := t.queryAll(func(r scanner) error {
		p, err := scanImage(r, nil)
		out = append(out, p)
		return err
	}, `SELECT `+imageColumns+` FROM images WHERE town_id = $1 AND kind = $2 AND record_no = $3 ORDER BY id`,
		townID, kind, no)
	if err != nil {
		return nil, t.fail("photos", err)
	}
	return out, nil
}

// Image returns one photo with its data.
func (t *tx) Image(townID, id int64) (gridbot.Image, error) {
	var data []byte
	p, err := scanImage(t.queryRow(`SELECT `+imageColumns+`, data FROM images WHERE town_id = $1 AND id = $2`, townID, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("没有这张照片。")
	} else if err != nil {
		return p, t.fail("photo", err)
	}
	p.Data = data
	return p, nil
}

// AddLogin keeps a one-time login link by its hash.
func (t *tx) AddLogin(hash string, s gridbot.WebSession) error {
	_, err := t.exec(`INSERT INTO web_logins (hash, town_id, user_id, expires_ms) VALUES ($1, $2, $3, $4)`,
		hash, s.TownID, s.UserID, ms(s.Expires))
	return t.fail("add login", err)
}

// UseLogin spends a login link: it works once, before it expires.
func (t *tx) UseLogin(hash string, now time.Time) (gridbot.WebSession, error) {
	var s gridbot.WebSession
	var exp sql.NullInt64
	err := t.queryRow(`UPDATE web_logins SET used_ms = $1 WHERE hash = $2 AND used_ms IS NULL AND expires_ms > $1
		RETURNING town_id, user_id, expires_ms`, ms(now), hash).Scan(&s.TownID, &s.UserID, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound("登录链接已失效。")
	} else if err != nil {
		return s, t.fail("use login", err)
	}
	s.Expires = instant(exp)
	return s, nil
}

// AddSession keeps a session by its hash.
func (t *tx) AddSession(hash string, s gridbot.WebSession) error {
	_, err := t.exec(`INSERT INTO web_sessions (hash, town_id, user_id, csrf, expires_ms) VALUES ($1, $2, $3, $4, $5)`,
		hash, s.TownID, s.UserID, s.CSRF, ms(s.Expires))
	return t.fail("add session", err)
}

// SessionByHash returns the session of hash while it lasts.
func (t *tx) SessionByHash(hash string, now time.Time) (gridbot.WebSession, error) {
	var s gridbot.WebSession
	var exp sql.NullInt64
	err := t.queryRow(`SELECT town_id, user_id, csrf, expires_ms FROM web_sessions WHERE hash = $1 AND expires_ms > $2`,
		hash, ms(now)).Scan(&s.TownID, &s.UserID, &s.CSRF, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound("登录已过期。")
	} else if err != nil {
		return s, t.fail("session", err)
	}
	s.Expires = instant(exp)
	return s, nil
}

// EndSession forgets a session.
func (t *tx) EndSession(hash string) error {
	_, err := t.exec(`DELETE FROM web_sessions WHERE hash = $1`, hash)
	return t.fail("end session", err)
}

// RecentNotices returns the town's latest jobs that are not replies.
func (t *tx) RecentNotices(townID int64, limit int) ([]gridbot.OutboundJob, error) {
	var out []gridbot.OutboundJob
	err := t.queryAll(func(r scanner) error {
		var j gridbot.OutboundJob
		var created, done sql.NullInt64
		if err := r.Scan(&j.ID, &j.TownID, &j.Key, &j.Channel, &j.Markdown, &j.Text, &j.State, &j.Attempts,
			&j.LastError, &created, &done); err != nil {
			return err
		}
		j.CreatedAt, j.DoneAt = instant(created), instant(done)
		out = append(out, j)
		return nil
	}, `SELECT id, town_id, notice_key, channel, markdown, text, state, attempts, last_error, created_at_ms, done_at_ms
		FROM outbox WHERE town_id = $1 AND notice_key NOT LIKE 'reply:%' ORDER BY id DESC LIMIT $2`, townID, limit)
	if err != nil {
		return nil, t.fail("recent notices", err)
	}
	return out, nil
}
