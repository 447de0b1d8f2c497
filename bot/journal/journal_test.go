package journal

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gridbot"
)

func message(id string) gridbot.Message {
	return gridbot.Message{Platform: "wecom", TownID: 1, MsgID: id, SenderID: "U001", Text: "@网格助手 上报 " + id,
		At: time.Date(2026, 10, 3, 9, 0, 0, 0, time.UTC),
		Reply: gridbot.Destination{Kind: gridbot.DestReply, Channel: gridbot.ChannelWeComRobotReply,
			Address: "https://example.invalid/r/" + id, Until: time.Date(2026, 10, 3, 10, 0, 0, 0, time.UTC)}}
}

// TestKeepReopenDone: records survive a reopen in order, with their time
// and reply destination; a retry is kept once; a drained record is gone
// after a reopen; a second process is refused; a torn tail is ignored.
func TestKeepReopenDone(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	j, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("a second Open of the same directory was allowed")
	}
	for _, id := range []string{"m1", "m2", "m3"} {
		if fresh, err := j.Keep(ctx, message(id)); err != nil || !fresh {
			t.Fatalf("Keep(%s) = %v, %v", id, fresh, err)
		}
	}
	if fresh, err := j.Keep(ctx, message("m2")); err != nil || fresh {
		t.Fatalf("a retry of m2 was kept again: %v, %v", fresh, err)
	}
	p := j.Pending()
	if len(p) != 3 {
		t.Fatalf("pending = %d", len(p))
	}
	if !j.Holds(message("m2")) || j.Holds(message("m4")) {
		t.Error("Holds: m2 is journaled, m4 is not")
	}
	j.Done(p[1])
	if j.Holds(message("m2")) {
		t.Error("Holds: m2 is drained")
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of a record: the cut line is ignored.
	f, _ := os.OpenFile(filepath.Join(dir, FileName), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`J 0000abcd {"Platform":"wec`)
	f.Close()

	j, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	p = j.Pending()
	if len(p) != 2 || p[0].Msg.MsgID != "m1" || p[1].Msg.MsgID != "m3" {
		t.Fatalf("after reopen: %+v", p)
	}
	want := message("m3")
	if got := p[1].Msg; !got.At.Equal(want.At) || got.Reply.Address != want.Reply.Address || !got.Reply.Until.Equal(want.Reply.Until) || got.Text != want.Text {
		t.Errorf("m3 came back as %+v", got)
	}
	j.Done(p[0])
	j.Done(p[1])
	if j.Len() != 0 {
		t.Errorf("Len = %d after draining", j.Len())
	}
}

// TestDrainer: nothing drains while the store is down; in order once it is
// up; a command failing with the store up is given up after MaxAttempts.
func TestDrainer(t *testing.T) {
	j, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ctx := context.Background()
	for _, id := range []string{"a", "bug", "c"} {
		j.Keep(ctx, message(id))
	}
	var down error = context.DeadlineExceeded
	probe := &Probe{TTL: 0, Timeout: time.Second, check: func(context.Context) error { return down }}
	var ran []string
	d := &Drainer{J: j, Probe: probe, MaxAttempts: 2, Run: func(_ context.Context, m gridbot.Message, final bool) Outcome {
		ran = append(ran, m.MsgID)
		if m.MsgID == "bug" {
			return Failed
		}
		return Stored
	}}
	d.Event(EventJournaled, down)
	d.DrainOnce(ctx)
	if len(ran) != 0 || !d.Down() {
		t.Fatalf("drained while down: %v", ran)
	}
	down = nil
	d.DrainOnce(ctx) // a, bug (fails: stop, in order)
	d.DrainOnce(ctx) // bug again: given up; c
	if got := len(ran); got != 4 || ran[0] != "a" || ran[1] != "bug" || ran[2] != "bug" || ran[3] != "c" {
		t.Fatalf("ran %v", ran)
	}
	if j.Len() != 0 || d.Down() {
		t.Errorf("after draining: Len %d, down %v", j.Len(), d.Down())
	}
}
