package bot_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/journal"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/storage/kv"
)

// countingStore counts the transactions that reach the store; down fails
// them all, as a store that does not answer.
type countingStore struct {
	gridbot.Store
	updates atomic.Int32
	down    atomic.Bool
}

func (s *countingStore) Update(ctx context.Context, fn func(gridbot.Tx) error) error {
	s.updates.Add(1)
	if s.down.Load() {
		return errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	}
	return s.Store.Update(ctx, fn)
}

// TestRetryOfJournaledMessage: a platform's retry of a message this replica
// journaled during an outage and has not drained yet is answered as
// journaled once the store is back, and not run: run, it would go ahead of
// the messages journaled before it (the fault test caught a retry doing so).
// The drain then runs it, once; after that a copy is a duplicate.
func TestRetryOfJournaledMessage(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	j, err := journal.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	st := &countingStore{Store: tw.P.Store}
	tw.P.Store, tw.P.Journal, tw.P.Gate = st, j, kv.NewMemory(nil)

	st.down.Store(true)
	m := tw.Msg("2026-10-03 09:00", bottest.Member1, "上报 路灯坏了")
	if r := tw.P.Process(ctx, m); r.Code != bot.Journaled || r.Retried {
		t.Fatalf("during the outage: %+v", r)
	}
	st.down.Store(false)
	before := st.updates.Load()
	if r := tw.P.Process(ctx, m); r.Code != bot.Journaled || !r.Retried || len(r.Out) != 0 {
		t.Fatalf("the retry after the outage, before the drain: %+v", r)
	}
	if st.updates.Load() != before || countIssues(t, tw) != 0 {
		t.Fatalf("the retry ran: %d transactions, %d issues", st.updates.Load()-before, countIssues(t, tw))
	}

	pending := j.Pending()
	if len(pending) != 1 {
		t.Fatalf("journal holds %d", len(pending))
	}
	if r := tw.P.Drain(ctx, pending[0].Msg, false); r.Code != bot.OK || bottest.Reply(r) == "" {
		t.Fatalf("drain: %+v", r)
	}
	j.Done(pending[0])
	if n := countIssues(t, tw); n != 1 {
		t.Fatalf("%d issues after the drain, want 1", n)
	}
	if r := tw.P.Process(ctx, m); r.Code != bot.Duplicate {
		t.Fatalf("a copy after the drain: %+v", r)
	}
}
