package sqldb_test

import (
	"testing"

	"gridbot"
	"gridbot/storage/sqldb"
)

// TestMigrationNumbersRecords: migration 009 numbers the activities and
// adjustments stored before it per town, in the order they were stored, and
// the next ones go on from there.
func TestMigrationNumbersRecords(t *testing.T) {
	for _, e := range rawEngines {
		t.Run(e.name, func(t *testing.T) {
			s, _, exec := e.atVersion(t, 8)
			exec(`INSERT INTO towns (id, name) VALUES (1, '滨海镇'), (2, '松门镇')`)
			when := at("2026-10-09 15:00:00.000").UnixMilli()
			for _, town := range []int{1, 2, 1, 1} {
				exec(`INSERT INTO activities (town_id, category, content, leader, at_ms, recorded_by, platform)
					VALUES ($1, '宣传政策法规', 'x', 'U1', $2, 'U1', 'wecom')`, town, when)
				exec(`INSERT INTO adjustments (town_id, userid, points, reason, category, at_ms, recorded_by, platform)
					VALUES ($1, 'U1', 1, 'x', '', $2, 'U1', 'wecom')`, 3-town, when)
			}
			if err := sqldb.Migrate(ctx, s); err != nil {
				t.Fatal(err)
			}
			err := s.Update(ctx, func(tx gridbot.Tx) error {
				for _, c := range []struct {
					kind      string
					town, no  int64
					wantFound bool
				}{{gridbot.KindActivity, 1, 3, true}, {gridbot.KindActivity, 1, 4, false}, {gridbot.KindActivity, 2, 1, true},
					{gridbot.KindAdjustment, 2, 3, true}, {gridbot.KindAdjustment, 1, 1, true}, {gridbot.KindAdjustment, 1, 2, false}} {
					_, err := tx.RecordByNo(c.town, c.kind, c.no)
					if found := err == nil; found != c.wantFound {
						t.Errorf("%s #%d of town %d: %v, want found %v", c.kind, c.no, c.town, err, c.wantFound)
					}
				}
				a := &gridbot.Activity{TownID: 1, Category: "宣传政策法规", Content: "y", Leader: "U1", At: at("2026-10-10 15:00:00.000")}
				if err := tx.AddActivity(a); err != nil {
					return err
				}
				adj := &gridbot.Adjustment{TownID: 1, UserID: "U1", Points: 1, Reason: "y", At: at("2026-10-10 15:00:00.000")}
				if err := tx.AddAdjustment(adj); err != nil {
					return err
				}
				if a.No != 4 || adj.No != 2 {
					t.Errorf("after the migration, town 1's next activity is #%d and adjustment #%d; want #4 and #2", a.No, adj.No)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
