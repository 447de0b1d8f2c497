package notify

import (
	"crypto/rand"
	"sync"
	"testing"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/kv"
)

// openRedis opens GRIDBOT_TEST_REDIS_URL; skipped when unset, unless
// GRIDBOT_REQUIRE_SERVICES=1.
func openRedis(t *testing.T) kv.KV {
	u := testkit.RedisURL(t)
	k, err := kv.Open(u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// TestReplicasSharePacing: two replicas draining one queue at once, paced
// through Redis, send 20 of 25 messages for one robot within the minute and
// never the same message twice.
func TestReplicasSharePacing(t *testing.T) {
	k := openRedis(t)
	e := newEnv(t, testkit.OpenSQLite(t))
	// A key of its own, so the robot's minute in Redis starts empty.
	key := "wk-" + rand.Text()
	err := e.st.Update(ctx, func(tx gridbot.Tx) error {
		if err := tx.ReplaceWebhooks(e.town.ID, []gridbot.Webhook{{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom, Key: key}}, e.clock.Now()); err != nil {
			return err
		}
		hs, err := tx.Webhooks(e.town.ID)
		e.hooks[key] = hs[0]
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 25 {
		e.enqueue(t, key, Message{Text: "提醒"})
	}
	var wg sync.WaitGroup
	stats := make([]Stats, 2)
	for i := range stats {
		w := e.worker(Options{Batch: 2})
		w.lim = k
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := w.Drain(ctx, 0)
			if err != nil {
				t.Error(err)
			}
			stats[i] = s
		}()
	}
	wg.Wait()
	if n := len(e.robots.requests()); n != 20 {
		t.Errorf("%d sent within the minute, want 20 (%+v)", n, stats)
	}
	if d := stats[0].Delivered + stats[1].Delivered; d != 20 {
		t.Errorf("delivered %d, want 20", d)
	}
}
