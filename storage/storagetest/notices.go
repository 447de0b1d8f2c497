package storagetest

import (
	"reflect"
	"testing"
	"time"

	"gridbot"
)

// testOutboxNotices: the outbox carries jobs to people and to reply
// channels besides robots; a key is queued once per town (the transaction
// staying usable after the refusal); a job queued already claimed is
// nobody else's until its lease ends; many are marked delivered at once.
func testOutboxNotices(t *testing.T, s gridbot.Store) {
	a, hook := seedHooks(t, s, "滨海镇")
	b, _ := seedHooks(t, s, "沙头镇")
	now := at("2026-10-02 09:00:00.000")
	until := now.Add(time.Hour)
	person := gridbot.OutboundJob{TownID: a.ID, Key: "dispatch:1", Channel: gridbot.ChannelWeComApp, Address: "U1",
		Text: "派发给你", CreatedAt: now}
	reply := gridbot.OutboundJob{TownID: a.ID, Key: "reply:wecom:m1", Channel: gridbot.ChannelWeComRobotReply,
		Address: "https://qyapi.example/resp?k=1", Until: until, Markdown: "已登记", Mentions: []string{"U2"},
		CreatedAt: now, Claim: "fast", ClaimedUntil: now.Add(time.Minute)}
	update(t, s, func(tx gridbot.Tx) error {
		must(t, tx.EnqueueJob(&person))
		must(t, tx.EnqueueJob(&reply))
		again := gridbot.OutboundJob{TownID: a.ID, Key: "dispatch:1", Channel: gridbot.ChannelWeComApp, Address: "U1", Text: "又一次", CreatedAt: now}
		wantCode(t, tx.EnqueueJob(&again), gridbot.ECONFLICT)
		// Same key, other town: its own.
		other := gridbot.OutboundJob{TownID: b.ID, Key: "dispatch:1", Channel: gridbot.ChannelWeComApp, Address: "U1", Text: "x", CreatedAt: now}
		must(t, tx.EnqueueJob(&other))
		// A robot job with a key, and without one (keys of their own).
		for range 2 {
			must(t, tx.EnqueueJob(&gridbot.OutboundJob{TownID: a.ID, WebhookID: hook.ID, Text: "公告", CreatedAt: now}))
		}
		wantCode(t, tx.EnqueueJob(&gridbot.OutboundJob{TownID: a.ID, Key: "k", Channel: gridbot.ChannelDingTalkWork, Text: "x", CreatedAt: now}), gridbot.EINVALID)
		return nil
	})
	if person.Key != "dispatch:1" || person.State != gridbot.JobPending || person.ID == 0 {
		t.Fatalf("enqueued %+v", person)
	}
	var jobs []gridbot.OutboundJob
	view(t, s, func(tx gridbot.Tx) error {
		var err error
		jobs, err = tx.Jobs(a.ID, gridbot.JobPending)
		return err
	})
	if len(jobs) != 4 || jobs[0].ID != person.ID || jobs[1].ID != reply.ID || jobs[2].Key == jobs[3].Key || jobs[2].Key == "" {
		t.Fatalf("jobs %+v", jobs)
	}
	got := jobs[1]
	if got.Channel != gridbot.ChannelWeComRobotReply || got.Address != reply.Address || !got.Until.Equal(until) ||
		got.Markdown != "已登记" || !reflect.DeepEqual(got.Mentions, []string{"U2"}) || got.WebhookID != 0 || got.Webhook.ID != 0 {
		t.Errorf("reply job read back as %+v", got)
	}
	if p := jobs[0]; p.Channel != gridbot.ChannelWeComApp || p.Address != "U1" || !p.Until.IsZero() || p.Text != "派发给你" {
		t.Errorf("person job read back as %+v", p)
	}
	if r := jobs[2]; r.Channel != gridbot.ChannelRobot || r.Webhook.Key != "wk-town" {
		t.Errorf("robot job read back as %+v", r)
	}
	// The reply was queued claimed by "fast": the worker gets the others.
	claimed := claim(t, s, "w1", now, time.Minute, 10)
	if ids := jobIDs(claimed); len(ids) != 4 || ids[0] != person.ID || ids[1] == reply.ID {
		t.Fatalf("claimed %v (the reply %d is leased)", ids, reply.ID)
	}
	// "fast" marks its reply delivered; a job it does not hold is not marked.
	var n int
	update(t, s, func(tx gridbot.Tx) error {
		var err error
		n, err = tx.MarkJobsDelivered([]int64{reply.ID, person.ID}, "fast", now)
		return err
	})
	if n != 1 {
		t.Errorf("MarkJobsDelivered marked %d, want 1", n)
	}
	if js := claim(t, s, "w2", now.Add(2*time.Minute), time.Minute, 10); len(js) != 4 || jobIDs(js)[0] != person.ID {
		t.Errorf("after the leases: %v", jobIDs(js))
	}
	view(t, s, func(tx gridbot.Tx) error {
		done, err := tx.Jobs(a.ID, gridbot.JobDelivered)
		if len(done) != 1 || done[0].ID != reply.ID {
			t.Errorf("delivered %+v", done)
		}
		return err
	})
	// A dead job to a person is requeued like a robot's.
	update(t, s, func(tx gridbot.Tx) error {
		return tx.MarkJobFailed(person.ID, "w2", gridbot.JobFailure{Attempts: 15, Dead: true, Error: "x", At: now})
	})
	update(t, s, func(tx gridbot.Tx) error {
		n, err := tx.RequeueDeadJobs(a.ID, now)
		if n != 1 {
			t.Errorf("requeued %d", n)
		}
		return err
	})
}
