package notify

import (
	"slices"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot/wecom"
	"gridbot/internal/testkit"
)

// TestNotify queues each kind of notice, on both engines: a person's goes
// one-to-one when the town has a channel and into their grid's robot with
// an @ otherwise (nowhere, and no error, without either); a group's to each
// of its robots; a reply to its message's channel, or nowhere from a
// console; a key only once; and every job comes back claimed by the worker
// for its fast lease, so that no other worker sends it meanwhile.
func TestNotify(t *testing.T) {
	testkit.Engines(t, testNotify)
}

func testNotify(t *testing.T, st gridbot.Store) {
	e := newEnv(t, st)
	now := e.clock.Now()
	if err := st.Update(ctx, func(tx gridbot.Tx) error {
		gs, err := tx.Grids(e.town.ID)
		if err != nil {
			return err
		}
		for _, u := range []struct {
			id   string
			grid int64
		}{{"U1", gs[0].ID}, {"U9", 0}} {
			p, err := tx.SavePerson(gridbot.Person{TownID: e.town.ID, UserID: u.id, Name: u.id, Role: gridbot.RoleMember, Active: true})
			if err != nil {
				return err
			}
			if u.grid != 0 {
				if _, err := tx.SetMembership(e.town.ID, p.ID, u.grid, gridbot.RoleMember, now.AddDate(-1, 0, 0)); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	app := &wecom.App{CorpID: "ww1", AgentID: 7}
	withApp := e.worker(Options{Channels: func(int64) Channels { return Channels{WeComApp: app} }})
	bare := e.worker(Options{})
	n := func(key string, to gridbot.Destination) gridbot.Notice {
		return gridbot.Notice{TownID: e.town.ID, Key: key, To: to, Text: "问题#1 派发给你", At: now}
	}
	cases := []struct {
		w       *Worker
		n       gridbot.Notice
		channel []string // of the jobs queued, in order
		mention string   // the @ a robot job carries
	}{
		{withApp, n("p1", gridbot.ToPerson("U1")), []string{gridbot.ChannelWeComApp}, ""},
		{bare, n("p2", gridbot.ToPerson("U1")), []string{gridbot.ChannelRobot}, "U1"},
		{bare, n("p3", gridbot.ToPerson("U9")), nil, ""}, // no grid, no channel
		{bare, n("p2", gridbot.ToPerson("U1")), nil, ""}, // the same key again
		{bare, n("g1", gridbot.Destination{Kind: gridbot.DestGroup, Scope: gridbot.ScopeTown}), []string{gridbot.ChannelRobot}, ""},
		{bare, n("g2", gridbot.Destination{Kind: gridbot.DestGroup, Scope: gridbot.ScopeGrid, Name: "二网格"}), nil, ""},
		{bare, n("r1", gridbot.Destination{Kind: gridbot.DestReply, Channel: gridbot.ChannelDingTalkSession,
			Address: "https://oapi.dingtalk.com/robot/sendBySession?session=1", Until: now.Add(time.Hour)}), []string{gridbot.ChannelDingTalkSession}, ""},
		{bare, n("r2", gridbot.Destination{Kind: gridbot.DestReply, Chat: "G1"}), nil, ""}, // console
	}
	for _, c := range cases {
		var jobs []gridbot.OutboundJob
		if err := st.Update(ctx, func(tx gridbot.Tx) error {
			var err error
			jobs, err = c.w.Notify(tx, c.n)
			return err
		}); err != nil {
			t.Fatalf("%s: %v", c.n.Key, err)
		}
		var chans []string
		for _, j := range jobs {
			chans = append(chans, j.Channel)
			if j.Claim != c.w.claim || !j.ClaimedUntil.Equal(now.Add(DefaultFastLease)) || j.ID == 0 {
				t.Errorf("%s: job %+v not claimed for the fast path", c.n.Key, j)
			}
			if c.mention != "" && !slices.Equal(j.Mentions, []string{c.mention}) {
				t.Errorf("%s: mentions %v, want %s", c.n.Key, j.Mentions, c.mention)
			}
			if j.Channel == gridbot.ChannelRobot && c.mention != "" && j.Webhook.Key != wecomKey2 {
				t.Errorf("%s: went to robot %s, want the grid's", c.n.Key, j.Webhook.Key)
			}
		}
		if !slices.Equal(chans, c.channel) {
			t.Errorf("%s to %+v: channels %v, want %v", c.n.Key, c.n.To, chans, c.channel)
		}
	}
	// Nothing queued by Notify is claimable before its lease runs out.
	if s := runOnce(t, bare); s.Claimed != 0 {
		t.Errorf("the worker claimed %d leased jobs", s.Claimed)
	}
}
