package storagetest

import (
	"testing"
	"time"

	"gridbot"
)

// testClaimAhead: what the claim reads ahead for the command (gridbot.Ahead)
// answers Published and LastRecorded as they would answer themselves, also
// after the transaction writes what they read (SavePublished, NoteRecorded),
// and asks about nothing else.
func testClaimAhead(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	now := at("2026-10-03 09:00:00.000")
	since := now.Add(-10 * time.Minute)
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.SavePublished(a.ID, gridbot.KindMonth, "2026-09", []byte("九月"), now))
		return tx.NoteRecorded(a.ID, "U002", "G1", "上报 路灯坏了", "问题#1", now.Add(-time.Minute), since)
	})
	var n int
	update(t, s, func(tx gridbot.Tx) error {
		sc, ok := tx.(senderClaimer)
		if !ok {
			t.Skip("the store's transactions have no ClaimMessageFrom")
		}
		_, err := sc.ClaimMessageFrom(a.ID, "wecom", "ahead-1", now, "U002",
			gridbot.Ahead{Month: "2026-10", DupUser: "U002", DupKey: "上报 路灯坏了", DupSince: since})
		must(t, err)
		// Read ahead: October is open, the text was recorded.
		_, err = tx.Published(a.ID, gridbot.KindMonth, "2026-10")
		wantCode(t, err, gridbot.ENOTFOUND)
		ref, when, err := tx.LastRecorded(a.ID, "U002", "上报 路灯坏了", since)
		if err != nil || ref != "问题#1" || !when.Equal(now.Add(-time.Minute)) {
			t.Errorf("LastRecorded read ahead: %q %v %v", ref, when, err)
		}
		// Not read ahead: asked as usual.
		if data, err := tx.Published(a.ID, gridbot.KindMonth, "2026-09"); err != nil || string(data) != "九月" {
			t.Errorf("September: %q %v", data, err)
		}
		_, _, err = tx.LastRecorded(a.ID, "U002", "上报 别的", since)
		wantCode(t, err, gridbot.ENOTFOUND)
		_, _, err = tx.LastRecorded(a.ID, "U002", "上报 路灯坏了", now)
		wantCode(t, err, gridbot.ENOTFOUND)
		// Written in the transaction: the answers follow.
		must(t, tx.NoteRecorded(a.ID, "U002", "G1", "上报 路灯坏了", "问题#2", now, since))
		if ref, _, err := tx.LastRecorded(a.ID, "U002", "上报 路灯坏了", since); err != nil || ref != "问题#2" {
			t.Errorf("LastRecorded after NoteRecorded: %q %v", ref, err)
		}
		must(t, tx.SavePublished(a.ID, gridbot.KindMonth, "2026-10", []byte("十月"), now))
		if data, err := tx.Published(a.ID, gridbot.KindMonth, "2026-10"); err != nil || string(data) != "十月" {
			t.Errorf("October after SavePublished: %q %v", data, err)
		}
		n++
		return nil
	})
	// A sender with nothing recorded, in a published month.
	update(t, s, func(tx gridbot.Tx) error {
		_, err := tx.(senderClaimer).ClaimMessageFrom(a.ID, "wecom", "ahead-2", now, "U001",
			gridbot.Ahead{Month: "2026-09", DupUser: "U001", DupKey: "上报 路灯坏了", DupSince: since})
		must(t, err)
		if data, err := tx.Published(a.ID, gridbot.KindMonth, "2026-09"); err != nil || string(data) != "九月" {
			t.Errorf("September read ahead: %q %v", data, err)
		}
		_, _, err = tx.LastRecorded(a.ID, "U001", "上报 路灯坏了", since)
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
	if n != 1 {
		t.Errorf("ran %d times", n)
	}
}
