package storagetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"gridbot"
)

// hooks is the group robots of the seeded town: the town's WeCom robot and
// grid 1's DingTalk robot.
func hooks(a town) []gridbot.Webhook {
	return []gridbot.Webhook{
		{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom, Key: "wk-town"},
		{Scope: gridbot.ScopeGrid, Name: a.Grid1.Name, Platform: gridbot.PlatformDingTalk, Key: "dt-grid1", Secret: "SECabc"},
	}
}

// seedHooks seeds a town with its robots and returns the town's robot.
func seedHooks(t *testing.T, s gridbot.Store, name string) (town, gridbot.Webhook) {
	a, hs := seedAllHooks(t, s, name)
	return a, hs[0]
}

// seedAllHooks seeds a town with its robots and returns them.
func seedAllHooks(t *testing.T, s gridbot.Store, name string) (town, []gridbot.Webhook) {
	t.Helper()
	a := seedStore(t, s, name)
	var hs []gridbot.Webhook
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.ReplaceWebhooks(a.ID, hooks(a), at("2026-10-01 08:00:00.000")))
		var err error
		hs, err = tx.Webhooks(a.ID)
		return err
	})
	return a, hs
}

// enqueue queues n markdown jobs for hook, created at when.
func enqueue(t *testing.T, s gridbot.Store, hook gridbot.Webhook, n int, when time.Time) []int64 {
	t.Helper()
	var ids []int64
	update(t, s, func(tx gridbot.Tx) error {
		for i := range n {
			j := &gridbot.OutboundJob{TownID: hook.TownID, WebhookID: hook.ID, Markdown: fmt.Sprintf("## 公告 %d", i), CreatedAt: when}
			must(t, tx.EnqueueJob(j))
			ids = append(ids, j.ID)
		}
		return nil
	})
	return ids
}

// claim claims in a transaction of its own.
func claim(t *testing.T, s gridbot.Store, token string, now time.Time, lease time.Duration, limit int) []gridbot.OutboundJob {
	t.Helper()
	var jobs []gridbot.OutboundJob
	update(t, s, func(tx gridbot.Tx) error {
		var err error
		jobs, err = tx.ClaimJobs(token, now, lease, limit)
		return err
	})
	return jobs
}

func jobIDs(jobs []gridbot.OutboundJob) []int64 {
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return ids
}

// testWebhooks: robots are upserted by (scope, name, platform) and keep their
// IDs; a removed robot's pending jobs die; robots are per town.
func testWebhooks(t *testing.T, s gridbot.Store) {
	a, all := seedAllHooks(t, s, "滨海镇")
	townHook, gridHook := all[0], all[1]
	b := seedStore(t, s, "松门镇")
	now := at("2026-10-02 09:00:00.000")
	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.Webhooks(a.ID)
		must(t, err)
		want := hooks(a)
		for i := range want {
			want[i].ID, want[i].TownID = got[i].ID, a.ID
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Webhooks = %+v\nwant %+v", got, want)
		}
		other, err := tx.Webhooks(b.ID)
		must(t, err)
		if len(other) != 0 {
			t.Errorf("another town sees %d robots", len(other))
		}
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.EnqueueJob(&gridbot.OutboundJob{TownID: b.ID, WebhookID: townHook.ID, Text: "跨镇", CreatedAt: now})
	})
	wantCode(t, err, gridbot.ENOTFOUND)
	err = s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.EnqueueJob(&gridbot.OutboundJob{TownID: a.ID, WebhookID: townHook.ID, Markdown: " \n", CreatedAt: now})
	})
	wantCode(t, err, gridbot.EINVALID)
	for _, bad := range []gridbot.Webhook{
		{Scope: "县", Platform: gridbot.PlatformWeCom, Key: "k"},
		{Scope: gridbot.ScopeVillage, Platform: gridbot.PlatformWeCom, Key: "k"},
		{Scope: gridbot.ScopeTown, Platform: "feishu", Key: "k"},
		{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom},
	} {
		err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.ReplaceWebhooks(a.ID, []gridbot.Webhook{bad}, now) })
		wantCode(t, err, gridbot.EINVALID)
	}

	gridJobs := enqueue(t, s, gridHook, 1, now)
	enqueue(t, s, townHook, 1, now)
	// A new key keeps the robot's ID, so the queued job goes out with it; the
	// grid robot is dropped and its job dies.
	update(t, s, func(tx gridbot.Tx) error {
		return tx.ReplaceWebhooks(a.ID, []gridbot.Webhook{{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom, Key: "wk-new"}}, now)
	})
	jobs := claim(t, s, "c1", now, time.Minute, 10)
	if len(jobs) != 1 || jobs[0].WebhookID != townHook.ID || jobs[0].Webhook.Key != "wk-new" {
		t.Fatalf("after the key change, claimed %+v", jobs)
	}
	view(t, s, func(tx gridbot.Tx) error {
		dead, err := tx.Jobs(a.ID, gridbot.JobDead)
		must(t, err)
		if !reflect.DeepEqual(jobIDs(dead), gridJobs) || dead[0].LastError == "" || !dead[0].DoneAt.Equal(now) {
			t.Errorf("the removed robot's job: %+v", dead)
		}
		hs, err := tx.Webhooks(a.ID)
		must(t, err)
		if len(hs) != 1 || hs[0].Key != "wk-new" {
			t.Errorf("Webhooks after replace = %+v", hs)
		}
		return nil
	})
	update(t, s, func(tx gridbot.Tx) error {
		n, err := tx.RequeueDeadJobs(a.ID, now)
		if n != 0 {
			t.Errorf("requeued %d jobs of a removed robot", n)
		}
		return err
	})
	// Listed again, the robot comes back with its ID.
	update(t, s, func(tx gridbot.Tx) error { return tx.ReplaceWebhooks(a.ID, hooks(a), now) })
	view(t, s, func(tx gridbot.Tx) error {
		hs, err := tx.Webhooks(a.ID)
		must(t, err)
		if len(hs) != 2 || hs[1].ID != gridHook.ID || hs[0].Key != "wk-town" {
			t.Errorf("re-added robots = %+v", hs)
		}
		return nil
	})
}

// testOutboxRollback: a job enqueued in a transaction that rolls back is
// not there: the command and its push commit together.
func testOutboxRollback(t *testing.T, s gridbot.Store) {
	a, hook := seedHooks(t, s, "滨海镇")
	now := at("2026-10-02 09:00:00.000")
	boom := errors.New("command failed")
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		j := &gridbot.OutboundJob{TownID: a.ID, WebhookID: hook.ID, Markdown: "## 公告", CreatedAt: now}
		must(t, tx.EnqueueJob(j))
		if j.ID == 0 || j.State != gridbot.JobPending || !j.NextAt.Equal(now) {
			t.Errorf("EnqueueJob filled %+v", j)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	if jobs := claim(t, s, "c1", now.Add(time.Hour), time.Minute, 10); len(jobs) != 0 {
		t.Fatalf("a rolled-back job was claimed: %+v", jobs)
	}
	view(t, s, func(tx gridbot.Tx) error {
		jobs, err := tx.Jobs(a.ID, "")
		must(t, err)
		if len(jobs) != 0 {
			t.Errorf("a rolled-back job is stored: %+v", jobs)
		}
		return nil
	})
}

// testOutboxClaimOrder: jobs are claimed oldest first, not before they are
// due, with everything stored round-tripping.
func testOutboxClaimOrder(t *testing.T, s gridbot.Store) {
	a, hook := seedHooks(t, s, "滨海镇")
	now := at("2026-10-02 09:00:00.000")
	var first gridbot.OutboundJob
	update(t, s, func(tx gridbot.Tx) error {
		first = gridbot.OutboundJob{TownID: a.ID, WebhookID: hook.ID, Markdown: "## 十月排名\n1. 王海", Text: "请查看上方公告。",
			Mentions: []string{"U001", "@all"}, CreatedAt: now}
		must(t, tx.EnqueueJob(&first))
		later := &gridbot.OutboundJob{TownID: a.ID, WebhookID: hook.ID, Text: "明早提醒", CreatedAt: now, NextAt: now.Add(time.Hour)}
		must(t, tx.EnqueueJob(later))
		return nil
	})
	second := enqueue(t, s, hook, 1, now)
	jobs := claim(t, s, "c1", now, time.Minute, 10)
	if !reflect.DeepEqual(jobIDs(jobs), []int64{first.ID, second[0]}) {
		t.Fatalf("claimed %v, want the two due jobs %v oldest first", jobIDs(jobs), []int64{first.ID, second[0]})
	}
	got := jobs[0]
	want := first
	want.Webhook = hook
	if !reflect.DeepEqual(got, want) {
		t.Errorf("claimed job =\n%+v\nwant\n%+v", got, want)
	}
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.MarkJobDelivered(jobs[0].ID, "c1", now))
		return tx.MarkJobDelivered(jobs[1].ID, "c1", now)
	})
	if early := claim(t, s, "c2", now.Add(59*time.Minute), time.Minute, 10); len(early) != 0 {
		t.Errorf("claimed before it was due: %+v", early)
	}
	if later := claim(t, s, "c2", now.Add(time.Hour), time.Minute, 10); len(later) != 1 || later[0].Text != "明早提醒" {
		t.Errorf("the job due in an hour: %+v", later)
	}
}

// testOutboxLease: a claimed job is nobody else's until its lease runs out;
// then another worker takes it, and the first can no longer end the claim.
func testOutboxLease(t *testing.T, s gridbot.Store) {
	_, hook := seedHooks(t, s, "滨海镇")
	now := at("2026-10-02 09:00:00.000")
	ids := enqueue(t, s, hook, 1, now)
	if jobs := claim(t, s, "w1", now, time.Minute, 10); !reflect.DeepEqual(jobIDs(jobs), ids) {
		t.Fatalf("first claim: %v", jobIDs(jobs))
	}
	if jobs := claim(t, s, "w2", now.Add(59*time.Second), time.Minute, 10); len(jobs) != 0 {
		t.Fatalf("a leased job was claimed twice: %v", jobIDs(jobs))
	}
	if jobs := claim(t, s, "w2", now.Add(time.Minute), time.Minute, 10); !reflect.DeepEqual(jobIDs(jobs), ids) {
		t.Fatalf("after the lease ran out: %v", jobIDs(jobs))
	}
	err := s.Update(ctx, func(tx gridbot.Tx) error { return tx.MarkJobDelivered(ids[0], "w1", now) })
	wantCode(t, err, gridbot.ECONFLICT)
	err = s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.MarkJobFailed(ids[0], "w1", gridbot.JobFailure{Attempts: 1, NextAt: now, Error: "x"})
	})
	wantCode(t, err, gridbot.ECONFLICT)
	update(t, s, func(tx gridbot.Tx) error { return tx.MarkJobDelivered(ids[0], "w2", now.Add(time.Minute)) })
	if jobs := claim(t, s, "w3", now.Add(time.Hour), time.Minute, 10); len(jobs) != 0 {
		t.Fatalf("a delivered job was claimed: %v", jobIDs(jobs))
	}
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.MarkJobDelivered(ids[0], "w2", now) })
	wantCode(t, err, gridbot.ECONFLICT)
}

// testOutboxBackoff: a failed job waits for its next attempt keeping its
// progress, a dead one is never claimed again and blocks nobody, and
// requeueing brings it back.
func testOutboxBackoff(t *testing.T, s gridbot.Store) {
	a, hook := seedHooks(t, s, "滨海镇")
	now := at("2026-10-02 09:00:00.000")
	ids := enqueue(t, s, hook, 2, now)
	jobs := claim(t, s, "w1", now, time.Minute, 10)
	if len(jobs) != 2 {
		t.Fatalf("claimed %d jobs, want 2", len(jobs))
	}
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.MarkJobFailed(ids[0], "w1", gridbot.JobFailure{Sent: 1, Attempts: 1, NextAt: now.Add(30 * time.Second),
			Error: "wecom: errcode 500", At: now}))
		return tx.MarkJobDelivered(ids[1], "w1", now)
	})
	if jobs := claim(t, s, "w2", now.Add(29*time.Second), time.Minute, 10); len(jobs) != 0 {
		t.Fatalf("claimed before its next attempt: %v", jobIDs(jobs))
	}
	jobs = claim(t, s, "w2", now.Add(30*time.Second), time.Minute, 10)
	if len(jobs) != 1 || jobs[0].ID != ids[0] || jobs[0].Attempts != 1 || jobs[0].Sent != 1 ||
		jobs[0].LastError != "wecom: errcode 500" || !jobs[0].NextAt.Equal(now.Add(30*time.Second)) {
		t.Fatalf("the retried job: %+v", jobs)
	}
	deadAt := now.Add(time.Minute)
	update(t, s, func(tx gridbot.Tx) error {
		return tx.MarkJobFailed(ids[0], "w2", gridbot.JobFailure{Sent: 1, Attempts: 2, NextAt: deadAt, Error: "gave up", Dead: true, At: deadAt})
	})
	behind := enqueue(t, s, hook, 1, deadAt)
	if jobs := claim(t, s, "w3", now.Add(24*time.Hour), time.Minute, 10); !reflect.DeepEqual(jobIDs(jobs), behind) {
		t.Fatalf("after the dead job, claimed %v, want only %v", jobIDs(jobs), behind)
	}
	update(t, s, func(tx gridbot.Tx) error { return tx.MarkJobDelivered(behind[0], "w3", now.Add(24*time.Hour)) })
	view(t, s, func(tx gridbot.Tx) error {
		dead, err := tx.Jobs(a.ID, gridbot.JobDead)
		must(t, err)
		if len(dead) != 1 || dead[0].ID != ids[0] || dead[0].Attempts != 2 || dead[0].LastError != "gave up" || !dead[0].DoneAt.Equal(deadAt) {
			t.Errorf("dead jobs: %+v", dead)
		}
		delivered, err := tx.Jobs(a.ID, gridbot.JobDelivered)
		must(t, err)
		if len(delivered) != 2 || delivered[0].ID != ids[1] || !delivered[0].DoneAt.Equal(now) {
			t.Errorf("delivered jobs: %+v", delivered)
		}
		all, err := tx.Jobs(a.ID, "")
		must(t, err)
		if len(all) != 3 {
			t.Errorf("Jobs(all) = %d, want 3", len(all))
		}
		return nil
	})
	later := now.Add(48 * time.Hour)
	update(t, s, func(tx gridbot.Tx) error {
		n, err := tx.RequeueDeadJobs(a.ID, later)
		if n != 1 {
			t.Errorf("requeued %d, want 1", n)
		}
		return err
	})
	jobs = claim(t, s, "w4", later, time.Minute, 10)
	if len(jobs) != 1 || jobs[0].ID != ids[0] || jobs[0].Attempts != 0 || jobs[0].Sent != 1 || !jobs[0].DoneAt.IsZero() {
		t.Fatalf("the requeued job: %+v", jobs)
	}
}

// testOutboxConcurrentClaims: workers claiming at once (several replicas)
// never get the same job, and between them get every job.
func testOutboxConcurrentClaims(t *testing.T, s gridbot.Store) {
	_, hook := seedHooks(t, s, "滨海镇")
	now := at("2026-10-02 09:00:00.000")
	ids := enqueue(t, s, hook, 60, now)
	const workers = 4
	var mu sync.Mutex
	owner := map[int64]int{}
	var errs []error // under mu
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; ; round++ {
				var jobs []gridbot.OutboundJob
				err := s.Update(ctx, func(tx gridbot.Tx) error {
					var err error
					jobs, err = tx.ClaimJobs(fmt.Sprintf("w%d-%d", w, round), now, time.Hour, 3)
					return err
				})
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if len(jobs) == 0 {
					return
				}
				mu.Lock()
				for _, j := range jobs {
					if prev, dup := owner[j.ID]; dup {
						errs = append(errs, fmt.Errorf("job %d handed to workers %d and %d", j.ID, prev, w))
					}
					owner[j.ID] = w
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if len(owner) != len(ids) {
		t.Errorf("%d of %d jobs were claimed", len(owner), len(ids))
	}
}
