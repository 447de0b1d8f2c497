package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"gridbot"
)

// SavePublished freezes the result of a period; ECONFLICT when the period was
// already published, because a published result never changes.
func (t *tx) SavePublished(townID int64, kind, period string, data []byte, at time.Time) error {
	if data == nil {
		data = []byte{}
	}
	if t.aheadOpen(townID, kind, period) {
		t.ahead.open = false
	}
	res, err := t.exec(`INSERT INTO published (town_id, kind, period, data, at_ms) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (town_id, kind, period) DO NOTHING`, townID, kind, period, data, ms(at))
	if err != nil {
		return t.fail("save published", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("save published", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonPublished, period)
	}
	return nil
}

// Published returns the frozen result of a period, or ENOTFOUND.
func (t *tx) Published(townID int64, kind, period string) ([]byte, error) {
	if t.aheadOpen(townID, kind, period) {
		return nil, gridbot.Refuse(gridbot.ReasonNotPublished, period)
	}
	var data []byte
	err := t.queryRow(`SELECT data FROM published WHERE town_id = $1 AND kind = $2 AND period = $3`,
		townID, kind, period).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gridbot.Refuse(gridbot.ReasonNotPublished, period)
	} else if err != nil {
		return nil, t.fail("published", err)
	}
	return data, nil
}
