package server_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/storage/kv"
	"gridbot/storage/postgres"
)

// redisURL returns GRIDBOT_TEST_REDIS_URL; the test is skipped when it is
// unset, unless GRIDBOT_REQUIRE_SERVICES=1.
func redisURL(t testing.TB) string {
	t.Helper()
	u := testkit.RedisURL(t)
	return u
}

// openShared opens one connection pool on the PostgreSQL schema at u and
// one Redis client, as a replica does.
func openShared(t testing.TB, u, redisURL string) (gridbot.Store, kv.KV) {
	t.Helper()
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	k, err := kv.Open(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return db, k
}

// TestTwoReplicas: two servers share one PostgreSQL and one Redis; WeCom
// delivers the same robot callback and the same app location four times,
// two to each. Each is counted once and answered once.
func TestTwoReplicas(t *testing.T) {
	rurl := redisURL(t)
	u := testkit.PostgresSchemaURL(t)
	st1, kv1 := openShared(t, u, rurl)
	st2, kv2 := openShared(t, u, rurl)
	tw := bottest.New(t, st1)
	h1 := newHarness(t, st1, tw.ID, opts{kv: kv1})
	h2 := newHarness(t, st2, tw.ID, opts{kv: kv2, fake: h1.fake, cfg: h1.cfg})

	robot := h1.robot(bottest.Member1, bottest.Group1, "@网格助手 上报 路灯坏了")
	msgID := fmt.Sprint(7_000_000_000_000_000_000 + rand.Int64N(1_000_000_000_000_000_000))
	at := h1.clock.Now()
	aq, abody := h1.app(appLocation(h1.cfg.Default.WeCom.CorpID, bottest.Member1, msgID, at,
		bottest.CheckpointLat+0.0005, bottest.CheckpointLng, "滨海村委会"))

	var wg sync.WaitGroup
	for i := range 8 {
		h := []*harness{h1, h2}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var st int
			if i < 4 {
				st, _ = h.post("/wecom/bot", robot.query, nil, robot.body)
			} else {
				st, _ = h.post("/wecom/app", aq, nil, abody)
			}
			if st != http.StatusOK {
				t.Errorf("copy %d answered %d", i, st)
			}
		}()
	}
	wg.Wait()
	h1.wait()
	h2.wait()
	if n := h1.openIssues(); n != 1 {
		t.Errorf("%d issues, want 1", n)
	}
	if n := h1.checkins(); n != 1 {
		t.Errorf("%d check-ins, want 1", n)
	}
	if rs := h1.fake.repliesTo(robot.responseURL); len(rs) != 1 {
		t.Errorf("%d robot replies, want 1", len(rs))
	}
	if sent := h1.fake.sentBodies(); len(sent) != 1 {
		t.Errorf("%d app replies, want 1: %q", len(sent), sent)
	}
	dup := h1.metric(`gridbot_callbacks_total{endpoint="wecom_bot",outcome="duplicate"}`) +
		h2.metric(`gridbot_callbacks_total{endpoint="wecom_bot",outcome="duplicate"}`)
	if dup != 3 {
		t.Errorf("%v robot duplicates counted, want 3", dup)
	}
}
