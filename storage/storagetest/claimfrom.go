package storagetest

import (
	"testing"
	"time"

	"gridbot"
)

// senderClaimer is what bot's pipeline asks of a transaction that claims a
// message and reads its sender at once (sqldb: one statement on PostgreSQL,
// two on SQLite).
type senderClaimer interface {
	ClaimMessageFrom(townID int64, platform, msgID string, at time.Time, userID string, a gridbot.Ahead) (gridbot.Person, error)
}

// testClaimMessageFrom: the claim and the sender's row together say what
// ClaimMessage and then PersonByUserID say: the sender, ENOTFOUND for one
// not in the roster (the claim still taken), ECONFLICT for a message
// claimed before, whoever sends it.
func testClaimMessageFrom(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-03 09:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		sc, ok := tx.(senderClaimer)
		if !ok {
			t.Skip("the store's transactions have no ClaimMessageFrom")
		}
		want, err := tx.PersonByUserID(a.ID, "U002")
		must(t, err)
		got, err := sc.ClaimMessageFrom(a.ID, "wecom", "c-1", now, "U002", gridbot.Ahead{})
		must(t, err)
		if got != want {
			t.Errorf("sender %+v, want %+v", got, want)
		}
		_, err = sc.ClaimMessageFrom(a.ID, "wecom", "c-1", now, "U002", gridbot.Ahead{})
		wantCode(t, err, gridbot.ECONFLICT)
		wantCode(t, tx.ClaimMessage(a.ID, "wecom", "c-1", now), gridbot.ECONFLICT)
		_, err = sc.ClaimMessageFrom(a.ID, "wecom", "c-2", now, "nobody", gridbot.Ahead{})
		wantCode(t, err, gridbot.ENOTFOUND)
		_, err = sc.ClaimMessageFrom(a.ID, "wecom", "c-2", now, "nobody", gridbot.Ahead{})
		wantCode(t, err, gridbot.ECONFLICT) // the first took the claim
		_, err = sc.ClaimMessageFrom(a.ID, "wecom", "c-2", now, "U002", gridbot.Ahead{})
		wantCode(t, err, gridbot.ECONFLICT)
		// Another town's message of the same id is its own.
		got, err = sc.ClaimMessageFrom(b.ID, "wecom", "c-1", now, "U002", gridbot.Ahead{})
		must(t, err)
		if got.TownID != b.ID || got.UserID != "U002" {
			t.Errorf("town b's sender %+v", got)
		}
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		_, err := tx.(senderClaimer).ClaimMessageFrom(a.ID, "wecom", "c-2", now, "U001", gridbot.Ahead{})
		return err
	})
	wantCode(t, err, gridbot.ECONFLICT)
}
