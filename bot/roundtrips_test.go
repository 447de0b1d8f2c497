package bot_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/notify"
	"gridbot/config"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/results"
	"gridbot/storage/postgres"
)

// roundTrips counts the round trips of every connection dialed through it:
// a client write that follows a read (or starts the connection) begins one,
// however many messages a pipelined batch writes.
type roundTrips struct {
	mu sync.Mutex
	n  int
}

func (rt *roundTrips) get() int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.n
}

type countingConn struct {
	net.Conn
	rt   *roundTrips
	read bool // the last operation was a read
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.rt.mu.Lock()
	if c.read {
		c.rt.n++
		c.read = false
	}
	c.rt.mu.Unlock()
	return c.Conn.Write(b)
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.rt.mu.Lock()
	c.read = true
	c.rt.mu.Unlock()
	return n, err
}

// TestRoundTrips counts PostgreSQL round trips per command of issue 9's mix
// (上报, 积分, 问题), each with its reply queued in the outbox as serve does,
// and holds them to what the hot path is built for. Run with -v to see the figures.
func TestRoundTrips(t *testing.T) {
	rt := &roundTrips{}
	db, err := postgres.OpenWith(context.Background(), testkit.PostgresSchemaURL(t), func(c *pgxpool.Config) {
		dial := c.ConnConfig.DialFunc
		c.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: conn, rt: rt, read: true}, nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lt := bottest.NewLarge(t, db, 5, 8)
	lt.History(t, "2026-09")
	bottest.Analyze(t, db)
	lt.P.Handler.Board = results.NewBoard(config.DefaultRankingTTL)
	w := notify.New(db, nil, notify.Options{})
	lt.P.Notifier = w
	at := time.Date(2026, 10, 5, 9, 0, 0, 0, gridbot.Zone)
	seq := 0
	send := func(text string, g, i int) {
		seq++
		m := gridbot.Message{Platform: gridbot.PlatformWeCom, TownID: lt.ID, ChatID: fmt.Sprintf("G-%03d", g),
			ChatKind: gridbot.ChatGroup, SenderID: lt.MemberOf(g, i), Text: "@网格助手 " + text,
			MsgID: fmt.Sprintf("rt-%d", seq), At: at.Add(time.Duration(seq) * time.Second),
			Reply: gridbot.Destination{Kind: gridbot.DestReply, Channel: gridbot.ChannelWeComRobotReply,
				Address: fmt.Sprintf("https://example.invalid/r/%d", seq), Until: at.Add(time.Hour)}}
		if r := lt.P.Process(context.Background(), m); r.Code != bot.OK || len(r.Jobs) != 1 {
			t.Fatalf("%q: code %q, %d jobs, reply %q", text, r.Code, len(r.Jobs), bottest.Reply(r))
		}
	}
	for _, c := range []struct {
		text string
		max  float64 // round trips per command
	}{
		// 上报: BEGIN with the claim, the sender, the frozen-month check,
		// the duplicate guard's look-up and the id (gridbot.Ahead);
		// the numbered INSERT (on the number the town's gate knows), its
		// deadline notices (one row), the guard's note and the reply with
		// COMMIT.
		{"上报", 2},
		// 积分: the claim with MemberFacts (with the member's exclusion and
		// last month's base points); the reply with COMMIT.
		{"积分", 2},
		// 问题: the claim with the sender's grid's open issues; the reply
		// with COMMIT.
		{"问题", 2},
	} {
		run := func(n int) {
			for k := range n {
				text := c.text
				if text == "上报" {
					text = fmt.Sprintf("上报 路灯坏了%d", seq)
				}
				send(text, k%5, 1+k%7)
			}
		}
		run(10) // statements prepared, the ranking cached
		const n = 40
		rt0 := rt.get()
		run(n)
		rts := float64(rt.get()-rt0) / n
		t.Logf("%s: %.2f round trips per command", c.text, rts)
		if rts > c.max {
			t.Errorf("%s: %.2f round trips per command, want ≤ %.0f", c.text, rts, c.max)
		}
	}
}
