package console

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// NoticeLine is one notice as replay --notices prints it (spec/notices.md).
type NoticeLine struct {
	At     string   `json:"at"`
	Notice string   `json:"notice"`
	Ref    string   `json:"ref"`
	To     []string `json:"to"`
	Via    string   `json:"via"`
	Text   string   `json:"text"`
}

// Scheduler runs the notices scheduler on the transcript's clock: it
// delivers every notice due up to until and returns them in order.
type Scheduler func(ctx context.Context, until time.Time) ([]NoticeLine, error)

// ReplayNotices is Replay with the scheduler: before each message it
// delivers every notice due up to that message's time (a notice due at the
// very time of a message goes first), and after the last every notice due
// up to until (zero: none). Notices print as NoticeLine beside the replies.
// It returns how many replies and notices it wrote.
func ReplayNotices(ctx context.Context, h Handler, townID int64, lines []Line, sched Scheduler, until time.Time, w io.Writer) (replies, notices int, err error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	run := func(t time.Time) error {
		ns, err := sched(ctx, t)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if err := enc.Encode(n); err != nil {
				return err
			}
			notices++
		}
		return nil
	}
	for _, l := range lines {
		if err := ctx.Err(); err != nil {
			return replies, notices, err
		}
		if err := run(l.At); err != nil {
			return replies, notices, err
		}
		for _, o := range h.Handle(ctx, l.Message(townID)) {
			if err := enc.Encode(Out(o)); err != nil {
				return replies, notices, err
			}
			replies++
		}
	}
	if !until.IsZero() {
		if err := run(until); err != nil {
			return replies, notices, err
		}
	}
	return replies, notices, nil
}
