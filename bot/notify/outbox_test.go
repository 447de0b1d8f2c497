package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
)

// TestAnnounce queues one job per robot of the group named, none for a
// group without a robot, and refuses a bad scope or an empty message.
func TestAnnounce(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	now := e.clock.Now()
	err := e.st.Update(ctx, func(tx gridbot.Tx) error {
		for _, c := range []struct {
			scope, name string
			want        int
		}{
			{gridbot.ScopeTown, "", 1},
			{gridbot.ScopeVillage, "海风村", 1},
			{gridbot.ScopeGrid, "一网格", 1},
			{gridbot.ScopeGrid, "二网格", 0},
			{gridbot.ScopeVillage, "", 0},
		} {
			n, err := Announce(tx, e.town.ID, c.scope, c.name, "## 公告", []string{"U001"}, now)
			if err != nil || n != c.want {
				t.Errorf("Announce(%s %q) = %d, %v; want %d", c.scope, c.name, n, err, c.want)
			}
		}
		if n, err := Enqueue(tx, e.town.ID, gridbot.ScopeTown, "", Message{Text: "明早打卡"}, now); err != nil || n != 1 {
			t.Errorf("Enqueue text = %d, %v", n, err)
		}
		if _, err := Announce(tx, e.town.ID, "县", "", "## 公告", nil, now); gridbot.ErrorCode(err) != gridbot.EINVALID {
			t.Errorf("bad scope: %v", err)
		}
		if _, err := Enqueue(tx, e.town.ID, gridbot.ScopeTown, "", Message{Text: " "}, now); gridbot.ErrorCode(err) != gridbot.EINVALID {
			t.Errorf("empty message: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = e.st.View(ctx, func(tx gridbot.Tx) error {
		jobs, err := tx.Jobs(e.town.ID, gridbot.JobPending)
		if len(jobs) != 4 {
			t.Fatalf("%d jobs queued, want 4", len(jobs))
		}
		if j := jobs[0]; j.Webhook.Key != wecomKey || j.Markdown != "## 公告" || len(j.Mentions) != 1 || !j.NextAt.Equal(now) {
			t.Errorf("first job: %+v", j)
		}
		if j := jobs[3]; j.Text != "明早打卡" || j.Markdown != "" {
			t.Errorf("reminder: %+v", j)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAnnounceRollsBackWithTheCommand: the announcement of a command that
// fails is not sent.
func TestAnnounceRollsBackWithTheCommand(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	boom := errors.New("publish failed")
	err := e.st.Update(ctx, func(tx gridbot.Tx) error {
		if _, err := Announce(tx, e.town.ID, gridbot.ScopeTown, "", "## 公告", nil, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	s, err := e.worker(Options{}).Drain(ctx, time.Hour)
	if err != nil || s.Claimed != 0 || len(e.robots.requests()) != 0 {
		t.Errorf("a rolled-back announcement went out: %+v, %v", s, err)
	}
}

// TestRunUntilCancelled: Run delivers what is queued while it runs and
// returns nil when its context ends.
func TestRunUntilCancelled(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	w := e.worker(Options{Poll: 5 * time.Millisecond})
	w.opt.Sleep = sleep // real waits: Run polls
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- w.Run(runCtx) }()
	e.enqueue(t, wecomKey, Message{Text: "公告"})
	deadline := time.Now().Add(10 * time.Second)
	for len(e.robots.requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if n := len(e.robots.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestShutdownMidRequest: a request cut short by shutdown is not a failed
// attempt; the job is due again at once.
func TestShutdownMidRequest(t *testing.T) {
	e := newEnv(t, testkit.OpenSQLite(t))
	id := e.enqueue(t, wecomKey, Message{Text: "公告"})
	w := e.worker(Options{})
	w.opt.WeComBase = hangingServer(t)
	runCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := w.RunOnce(runCtx); err != nil {
		t.Fatal(err)
	}
	j := e.job(t, id)
	if j.State != gridbot.JobPending || j.Attempts != 0 || !j.NextAt.Equal(e.clock.Now()) {
		t.Errorf("after shutdown: %+v", j)
	}
	if s := runOnce(t, e.worker(Options{})); s.Delivered != 1 {
		t.Errorf("the next run: %+v", s)
	}
}

// hangingServer answers no request until the client gives up or the test ends.
func hangingServer(t *testing.T) string {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first
	return srv.URL
}
