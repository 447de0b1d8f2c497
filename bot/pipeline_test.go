package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/storage/kv"
)

var ctx = context.Background()

func countIssues(t *testing.T, tw *bottest.Town) int {
	t.Helper()
	n := 0
	tw.View(func(tx gridbot.Tx) error {
		is, err := tx.OpenIssues(tw.ID, 0)
		n = len(is)
		return err
	})
	return n
}

func TestDuplicateMessageDropped(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	m := tw.Msg("2026-10-03 09:00", bottest.Member1, "上报 路灯坏了")
	if r := tw.P.Process(ctx, m); r.Code != bot.OK || len(r.Out) != 1 {
		t.Fatalf("first copy: %+v", r)
	}
	m.At = m.At.Add(3 * time.Second) // a platform retry, a little later
	if r := tw.P.Process(ctx, m); r.Code != bot.Duplicate || len(r.Out) != 0 {
		t.Fatalf("second copy: %+v", r)
	}
	if n := countIssues(t, tw); n != 1 {
		t.Fatalf("%d issues, want 1", n)
	}
	// A refused message is answered once too.
	bad := tw.Msg("2026-10-03 09:00", bottest.Member1, "派发 #1 @王海")
	if r := tw.P.Process(ctx, bad); r.Code != gridbot.EFORBIDDEN || len(r.Out) != 1 {
		t.Fatalf("refusal: %+v", r)
	}
	if r := tw.P.Process(ctx, bad); r.Code != bot.Duplicate || len(r.Out) != 0 {
		t.Fatalf("refusal retried: %+v", r)
	}
}

func TestConcurrentCopiesHandledOnce(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	m := tw.Msg("2026-10-03 09:00", bottest.Member1, "上报 路灯坏了")
	var ok, dup atomic.Int32
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch r := tw.P.Process(ctx, m); r.Code {
			case bot.OK:
				ok.Add(1)
			case bot.Duplicate:
				dup.Add(1)
			default:
				t.Errorf("copy: %+v", r)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || dup.Load() != 3 || countIssues(t, tw) != 1 {
		t.Fatalf("ok %d dup %d issues %d; want 1, 3, 1", ok.Load(), dup.Load(), countIssues(t, tw))
	}
}

func TestBotNameStripped(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	tw.P.BotNames = []string{"网格助手", "小网"}
	for i, text := range []string{"@网格助手 上报 一", "＠网格助手 上报 二", "上报 三 @网格助手", "@小网\u2005上报 四", "@网格助手上报 五"} {
		r := tw.Send("2026-10-03 09:00", bottest.Member1, text)
		if r.Code != bot.OK || !strings.Contains(bottest.Reply(r), "问题#") || strings.Contains(bottest.Reply(r), "网格助手") {
			t.Errorf("%q: %+v", text, r)
		}
		if n := countIssues(t, tw); n != i+1 {
			t.Fatalf("%q: %d issues", text, n)
		}
	}
	if got := bot.StripBotNames("@网格助手 积分 @王海", []string{"网格助手"}); got != "积分 @王海" {
		t.Errorf("StripBotNames = %q", got)
	}
}

func TestFullWidthAndPunctuation(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	tw.Must("2026-10-03 09:00", bottest.Member1, "上报　路灯坏了！")
	got := tw.Must("2026-10-03 10:00", bottest.Leader1, "派发　＃１　＠王海。")
	if !strings.Contains(got, "问题#1 已派发给 王海") {
		t.Fatalf("reply %q", got)
	}
	tw.Must("2026-10-04 10:00", bottest.Member1, "办结  #1   已修好.")
	tw.Must("2026-10-04 11:00", bottest.ZhangWei1, "评价＃1 满意！")
}

func TestRouting(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	// A group reply @s the sender; a one-to-one reply goes to the sender's DM.
	r := tw.Send("2026-10-03 09:00", bottest.Member1, "上报 路灯坏了")
	if o := r.Out[0]; o.To != bottest.Group1 || !slices.Equal(o.Mentions, []string{bottest.Member1}) || !o.At.Equal(testkit.At("2026-10-03 09:00")) {
		t.Errorf("group reply %+v", o)
	}
	m := tw.Msg("2026-10-03 09:05", bottest.Member1, "问题")
	m.ChatID, m.ChatKind = "", gridbot.ChatSingle
	if o := tw.P.Process(ctx, m).Out[0]; o.To != gridbot.DM(bottest.Member1) || len(o.Mentions) != 0 {
		t.Errorf("single-chat reply %+v", o)
	}
	// The clock is "now" for a message without a time.
	tw.P.Clock = testkit.NewClock(testkit.At("2026-10-04 20:00"))
	m = tw.Msg("2026-10-03 09:05", bottest.Member1, "上报 井盖缺失")
	m.At = time.Time{}
	if got := bottest.Reply(tw.P.Process(ctx, m)); !strings.Contains(got, "请网格长于 10月5日 20:00 前派发") {
		t.Errorf("reply %q does not follow the clock", got)
	}
}

// failingStore fails AddIssue after the real one ran, as a broken disk would.
type failingStore struct {
	gridbot.Store
	updates atomic.Int32
}

type failingTx struct{ gridbot.Tx }

var errDisk = errors.New("disk I/O error at /var/lib/gridbot.db")

func (t failingTx) AddIssue(i *gridbot.Issue) error {
	if err := t.Tx.AddIssue(i); err != nil {
		return err
	}
	return errDisk
}

func (s *failingStore) Update(ctx context.Context, fn func(gridbot.Tx) error) error {
	s.updates.Add(1)
	return s.Store.Update(ctx, func(tx gridbot.Tx) error { return fn(failingTx{tx}) })
}

func TestInternalErrorRollsBack(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	good := tw.P.Store
	tw.P.Store = &failingStore{Store: good}
	tw.P.Gate = kv.NewMemory(nil)
	m := tw.Msg("2026-10-03 09:00", bottest.Member1, "上报 路灯坏了")
	r := tw.P.Process(ctx, m)
	if r.Code != gridbot.EINTERNAL || bottest.Reply(r) != "系统内部错误，请稍后再试或联系党建办。" {
		t.Fatalf("internal error: %+v", r)
	}
	if n := countIssues(t, tw); n != 0 {
		t.Fatalf("%d issues after a failed transaction", n)
	}
	// Neither the claim nor the dedupe mark survived: the retry goes through.
	tw.P.Store = good
	if r := tw.P.Process(ctx, m); r.Code != bot.OK {
		t.Fatalf("retry after an internal error: %+v", r)
	}
	if n := countIssues(t, tw); n != 1 {
		t.Fatalf("%d issues after the retry", n)
	}
}

func TestDedupeFilter(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	fs := &failingStore{Store: tw.P.Store}
	tw.P.Store = fs
	tw.P.Gate = kv.NewMemory(nil)
	m := tw.Msg("2026-10-03 09:00", bottest.Member1, "问题")
	tw.P.Process(ctx, m)
	before := fs.updates.Load()
	if r := tw.P.Process(ctx, m); r.Code != bot.Duplicate {
		t.Fatalf("second copy: %+v", r)
	}
	if fs.updates.Load() != before {
		t.Error("the dedupe filter let a known copy through to the store")
	}
	// A filter that fails leaves the decision to the store.
	tw.P.Gate = brokenGate{}
	if r := tw.P.Process(ctx, m); r.Code != bot.Duplicate {
		t.Fatalf("copy with a broken filter: %+v", r)
	}
	if r := tw.P.Process(ctx, tw.Msg("2026-10-03 09:00", bottest.Member1, "问题")); r.Code != bot.OK {
		t.Fatalf("new message with a broken filter: %+v", r)
	}
}

// TestCopyOfUncommittedMessage: the filter marks a message when a replica
// takes it; when that replica dies before its transaction commits, the
// platform's retry on another replica is handled, not dropped as a copy
// (the fault test's kill -9 lost one so), and only once.
func TestCopyOfUncommittedMessage(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	gate := kv.NewMemory(nil)
	m := tw.Msg("2026-10-03 09:00", bottest.Member1, "上报 路灯坏了")
	// Replica A takes the message and never commits (killed mid-command).
	taken, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	a := bot.New(hangingStore{tw.P.Store, taken, release}, tw.P.Handler)
	a.Gate, a.Clock = gate, tw.P.Clock
	go a.Process(ctx, m)
	<-taken
	// Replica B gets the retry.
	tw.P.Gate = gate
	if r := tw.P.Process(ctx, m); r.Code != bot.OK || len(r.Out) != 1 {
		t.Fatalf("the retry of a message its first replica never stored: %+v", r)
	}
	if n := countIssues(t, tw); n != 1 {
		t.Fatalf("%d issues, want 1", n)
	}
	// Now stored: a further copy is dropped by the filter and the store's read.
	if r := tw.P.Process(ctx, m); r.Code != bot.Duplicate || len(r.Out) != 0 {
		t.Fatalf("a copy of the stored message: %+v", r)
	}
}

// hangingStore's transactions never end until release: a replica killed in
// the middle of a command, as far as the others can tell.
type hangingStore struct {
	gridbot.Store
	taken, release chan struct{}
}

func (s hangingStore) Update(ctx context.Context, fn func(gridbot.Tx) error) error {
	close(s.taken)
	<-s.release
	return errDisk
}

type brokenGate struct{}

func (brokenGate) Admit(context.Context, kv.Admission) (kv.Verdict, error) {
	return kv.Verdict{}, errors.New("redis down")
}
func (brokenGate) Forget(context.Context, string) error { return errors.New("redis down") }
