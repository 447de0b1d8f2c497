package storagetest

import (
	"errors"
	"testing"
	"time"

	"gridbot"
)

// testAudit: entries come back in time order per town, within the asked
// window, with every field; an incomplete entry is refused; a rolled-back
// transaction leaves no entry.
func testAudit(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "海风镇")
	b := seedStore(t, s, "沙头镇")
	update(t, s, func(tx gridbot.Tx) error {
		for _, e := range []gridbot.AuditEntry{
			{TownID: a.ID, At: at("2026-10-05 09:00"), By: "O001", Action: gridbot.AuditUnpublish, Ref: "2026-09", Reason: "漏导入打卡"},
			{TownID: a.ID, At: at("2026-10-03 08:00"), By: "U001", Action: gridbot.AuditWithdraw, Ref: "问题#3", Reason: "重复上报", Detail: "issue"},
			{TownID: b.ID, At: at("2026-10-04 08:00"), By: "O001", Action: gridbot.AuditExclude, Ref: "U003 2026-10", Reason: "综合表现"},
		} {
			if err := tx.AddAudit(&e); err != nil {
				return err
			}
			if e.ID == 0 {
				t.Error("AddAudit left ID zero")
			}
		}
		return nil
	})
	var all, window []gridbot.AuditEntry
	view(t, s, func(tx gridbot.Tx) (err error) {
		if all, err = tx.AuditLog(a.ID, time.Time{}, time.Time{}); err != nil {
			return err
		}
		window, err = tx.AuditLog(a.ID, at("2026-10-04 00:00"), at("2026-10-06 00:00"))
		return err
	})
	if len(all) != 2 || all[0].Ref != "问题#3" || all[1].Ref != "2026-09" {
		t.Fatalf("town's log = %+v, want 问题#3 then 2026-09", all)
	}
	first := all[0]
	if first.By != "U001" || first.Action != gridbot.AuditWithdraw || first.Reason != "重复上报" || first.Detail != "issue" ||
		!first.At.Equal(at("2026-10-03 08:00")) || first.TownID != a.ID {
		t.Errorf("entry = %+v, fields lost", first)
	}
	if len(window) != 1 || window[0].Ref != "2026-09" {
		t.Errorf("window = %+v, want only 2026-09", window)
	}

	// Refused: unknown action, no author, no subject.
	for _, e := range []gridbot.AuditEntry{
		{TownID: a.ID, At: at("2026-10-06 08:00"), By: "O001", Action: "erase", Ref: "问题#1"},
		{TownID: a.ID, At: at("2026-10-06 08:00"), Action: gridbot.AuditWithdraw, Ref: "问题#1"},
		{TownID: a.ID, At: at("2026-10-06 08:00"), By: "O001", Action: gridbot.AuditWithdraw},
	} {
		err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.AddAudit(&e) })
		if gridbot.ErrorCode(err) != gridbot.EINVALID {
			t.Errorf("AddAudit(%+v) = %v, want EINVALID", e, err)
		}
	}
	// Rolled back with its transaction.
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		e := gridbot.AuditEntry{TownID: a.ID, At: at("2026-10-07 08:00"), By: "O001", Action: gridbot.AuditPublish, Ref: "2026-09"}
		if err := tx.AddAudit(&e); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	view(t, s, func(tx gridbot.Tx) (err error) {
		all, err = tx.AuditLog(a.ID, time.Time{}, time.Time{})
		return err
	})
	if len(all) != 2 {
		t.Errorf("after a rollback the log has %d entries, want 2", len(all))
	}
}
