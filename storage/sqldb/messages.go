package sqldb

import (
	"time"

	"gridbot"
)

// ClaimMessage records that the town's platform message msgID is being
// handled; ECONFLICT when it was claimed before. The insert skips a duplicate
// instead of failing on it, so the caller's transaction stays usable.
func (t *tx) ClaimMessage(townID int64, platform, msgID string, at time.Time) error {
	if msgID == "" {
		return gridbot.Refuse(gridbot.ReasonMessageIDMissing)
	}
	res, err := t.exec(`INSERT INTO messages (town_id, platform, msg_id, at_ms) VALUES ($1, $2, $3, $4)
		ON CONFLICT (town_id, msg_id) DO NOTHING`, townID, platform, msgID, ms(at))
	if err != nil {
		return t.fail("claim message", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail("claim message", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonMessageHandled)
	}
	return nil
}
