package sqldb_test

import (
	"testing"
	"time"

	"gridbot"
	"gridbot/storage/sqldb"
)

// TestMigrationHotTables: migration 015 rebuilds messages, the outbox and
// recent_records without their key to towns; what was stored before stays
// (a handled message is still handled, a job keeps its id and its claim, a
// note of the duplicate guard is still found), and the next job's id comes
// after the kept ones.
func TestMigrationHotTables(t *testing.T) {
	for _, e := range rawEngines {
		t.Run(e.name, func(t *testing.T) {
			s, db, exec := e.atVersion(t, 14)
			now := at("2026-10-09 15:00:00.000")
			exec(`INSERT INTO towns (id, name) VALUES (1, '滨海镇')`)
			exec(`INSERT INTO messages (town_id, platform, msg_id, at_ms) VALUES (1, 'wecom', 'm1', $1)`, now.UnixMilli())
			job := `INSERT INTO outbox (id, town_id, notice_key, channel, address, markdown, text, mentions, state, sent, attempts,
				next_at_ms, claim, claimed_until_ms, last_error, created_at_ms) VALUES ($1, 1, $2, 'wecom-robot', 'http://x', '', '答复', '[]',
				'pending', 0, 0, $3, $4, $5, '', $3)`
			exec(job, 5, "reply:a", now.UnixMilli(), "c1", now.Add(time.Minute).UnixMilli())
			exec(job, 9, "reply:b", now.UnixMilli(), nil, nil)
			exec(`INSERT INTO recent_records (town_id, userid, text_key, ref, at_ms) VALUES (1, 'U1', 'k', '问题#1', $1)`, now.UnixMilli())

			if err := sqldb.Migrate(ctx, s); err != nil {
				t.Fatal(err)
			}
			err := s.Update(ctx, func(tx gridbot.Tx) error {
				if err := tx.ClaimMessage(1, "wecom", "m1", now); gridbot.ErrorCode(err) != gridbot.ECONFLICT {
					t.Errorf("claiming a message handled before the migration: %v, want ECONFLICT", err)
				}
				if err := tx.ClaimMessage(1, "wecom", "m2", now); err != nil {
					t.Errorf("claiming a new message: %v", err)
				}
				if ref, _, err := tx.LastRecorded(1, "U1", "k", now.Add(-time.Hour)); err != nil || ref != "问题#1" {
					t.Errorf("the duplicate guard's note after the migration: %q, %v", ref, err)
				}
				jobs, err := tx.Jobs(1, gridbot.JobPending)
				if err != nil {
					return err
				}
				if len(jobs) != 2 || jobs[0].ID != 5 || jobs[0].Key != "reply:a" || jobs[1].ID != 9 {
					t.Fatalf("jobs after the migration: %+v", jobs)
				}
				if err := tx.MarkJobDelivered(5, "c1", now); err != nil {
					t.Errorf("the claim made before the migration no longer holds its job: %v", err)
				}
				j := &gridbot.OutboundJob{TownID: 1, Key: "reply:c", Channel: gridbot.ChannelWeComRobotReply,
					Address: "http://x", Text: "答复", CreatedAt: now}
				if err := tx.EnqueueJob(j); err != nil {
					return err
				}
				if j.ID <= 9 {
					t.Errorf("a job queued after the migration has id %d, not after the kept ids (9)", j.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// The point of the migration: no key from these tables to towns.
			var q string
			if e.name == "sqlite" {
				q = `SELECT COUNT(*) FROM pragma_foreign_key_list('messages') UNION ALL
					SELECT COUNT(*) FROM pragma_foreign_key_list('outbox') WHERE "table" = 'towns' UNION ALL
					SELECT COUNT(*) FROM pragma_foreign_key_list('recent_records')`
			} else {
				q = `SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'towns'::regclass
					AND conrelid IN ('messages'::regclass, 'outbox'::regclass, 'recent_records'::regclass)`
			}
			rows, err := db.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var n int
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("%d foreign keys to towns left on the rebuilt tables", n)
				}
			}
		})
	}
}
