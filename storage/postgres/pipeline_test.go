package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
)

// TestPipelined covers what the pipelined transactions of Update (sqldb's
// pipeline.go) change on PostgreSQL: the reply job's INSERT deferred to
// COMMIT gets its id at once and is stored; a reply key queued before (a
// deferred INSERT's unique violation at COMMIT) runs the transaction again
// undeferred, where it is ECONFLICT as always, and the rest commits; a
// failing transaction stores nothing; one without statements commits
// nothing; a job queued before the reply keeps the lower id.
func TestPipelined(t *testing.T) {
	db := testkit.OpenPostgres(t)
	ctx := context.Background()
	at := time.Date(2026, 10, 2, 9, 0, 0, 0, gridbot.Zone)
	var town gridbot.Town
	if err := db.Update(ctx, func(tx gridbot.Tx) (err error) { town, err = tx.CreateTown("滨海镇"); return err }); err != nil {
		t.Fatal(err)
	}
	reply := func(key string) gridbot.OutboundJob {
		return gridbot.OutboundJob{TownID: town.ID, Key: key, Channel: gridbot.ChannelWeComRobotReply,
			Address: "https://qyapi.example/r", Until: at.Add(time.Hour), Markdown: "好", CreatedAt: at}
	}
	count := func(key string) (n int) {
		if err := db.Pool.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE notice_key = $1`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	claimed := func(msgID string) (n int) {
		if err := db.Pool.QueryRow(ctx, `SELECT COUNT(*) FROM messages WHERE msg_id = $1`, msgID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Deferred: the id is known before COMMIT and is the stored row's.
	j := reply("reply:wecom:m1")
	if err := db.Update(ctx, func(tx gridbot.Tx) error {
		if err := tx.ClaimMessage(town.ID, "wecom", "m1", at); err != nil {
			return err
		}
		return tx.EnqueueJob(&j)
	}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM outbox WHERE notice_key = 'reply:wecom:m1'`).Scan(&id); err != nil || id != j.ID || id == 0 {
		t.Fatalf("stored id %d (%v), job's %d", id, err, j.ID)
	}

	// The key queued before: run again, ECONFLICT from EnqueueJob, the rest committed.
	runs := 0
	var enqueueErr error
	if err := db.Update(ctx, func(tx gridbot.Tx) error {
		runs++
		if err := tx.ClaimMessage(town.ID, "wecom", "m2", at); err != nil {
			return err
		}
		again := reply("reply:wecom:m1")
		enqueueErr = tx.EnqueueJob(&again)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if runs != 2 || gridbot.ErrorCode(enqueueErr) != gridbot.ECONFLICT || count("reply:wecom:m1") != 1 || claimed("m2") != 1 {
		t.Fatalf("runs %d, enqueue %v, jobs %d, claims %d", runs, enqueueErr, count("reply:wecom:m1"), claimed("m2"))
	}

	// A failure stores nothing, deferred job included.
	boom := errors.New("boom")
	if err := db.Update(ctx, func(tx gridbot.Tx) error {
		if err := tx.ClaimMessage(town.ID, "wecom", "m3", at); err != nil {
			return err
		}
		j := reply("reply:wecom:m3")
		if err := tx.EnqueueJob(&j); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) || claimed("m3") != 0 || count("reply:wecom:m3") != 0 {
		t.Fatalf("err %v, claims %d, jobs %d", err, claimed("m3"), count("reply:wecom:m3"))
	}
	// The connection went back to the pool outside a transaction.
	for range 20 {
		if err := db.Update(ctx, func(tx gridbot.Tx) error { _, err := tx.TownByName("滨海镇"); return err }); err != nil {
			t.Fatal(err)
		}
	}

	// Nothing run, nothing to commit.
	if err := db.Update(ctx, func(tx gridbot.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}

	// A job queued before the reply: the reply is not deferred, ids in order.
	person := gridbot.OutboundJob{TownID: town.ID, Key: "dispatch:1", Channel: gridbot.ChannelWeComApp, Address: "U1", Text: "派发", CreatedAt: at}
	r4 := reply("reply:wecom:m4")
	if err := db.Update(ctx, func(tx gridbot.Tx) error {
		if err := tx.EnqueueJob(&person); err != nil {
			return err
		}
		return tx.EnqueueJob(&r4)
	}); err != nil || !(person.ID < r4.ID) || count("reply:wecom:m4") != 1 {
		t.Fatalf("err %v, ids %d then %d", err, person.ID, r4.ID)
	}
}
