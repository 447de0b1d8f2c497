package storagetest

import (
	"errors"
	"fmt"
	"testing"

	"gridbot"
)

// testPlanIssue: an issue's notices planned together (PlanIssue) are listed,
// fall due, are sent or skipped and recorded exactly as notices planned one
// by one: each due notice comes back from DueNotices once, with an id of its
// own, in due order (the listed order among equals); planning them again adds
// nothing.
func testPlanIssue(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	mk := func(kind, due string, f float64) gridbot.Scheduled {
		return gridbot.Scheduled{TownID: a.ID, Key: fmt.Sprintf("%s:#5:%.2f", kind, f), Kind: kind, Ref: "#5", IssueNo: 5,
			Threshold: f, PlannedAt: at(due).Add(-3600e9), DueAt: at(due), Deadline: at("2026-10-04 09:00:00.000"),
			Expires: at("2026-10-04 09:00:00.000")}
	}
	ns := []gridbot.Scheduled{
		mk("a", "2026-10-03 10:00:00.000", 0.5),
		mk("b", "2026-10-03 09:00:00.000", 0.25),
		mk("c", "2026-10-03 09:00:00.000", 0.75),
		mk("d", "2026-10-03 12:00:00.000", 1),
	}
	update(t, s, func(tx gridbot.Tx) error { return tx.PlanIssue(ns) })
	update(t, s, func(tx gridbot.Tx) error { return tx.PlanIssue(ns) }) // again: nothing
	keys := func(ns []gridbot.Scheduled) string {
		out := []string{}
		for _, n := range ns {
			out = append(out, n.Kind+":"+n.State)
		}
		return fmt.Sprint(out)
	}
	list := func() []gridbot.Scheduled {
		var out []gridbot.Scheduled
		view(t, s, func(tx gridbot.Tx) (err error) { out, err = tx.IssueNotices(a.ID, 5); return err })
		return out
	}
	if got := list(); keys(got) != "[b:planned c:planned a:planned d:planned]" {
		t.Fatalf("planned: %s", keys(got))
	} else if n := got[3]; !n.DueAt.Equal(ns[3].DueAt) || !n.PlannedAt.Equal(ns[3].PlannedAt) || !n.Deadline.Equal(ns[3].Deadline) ||
		!n.Expires.Equal(ns[3].Expires) || n.Threshold != 1 || n.Ref != "#5" || n.IssueNo != 5 || n.Key != ns[3].Key {
		t.Errorf("carried notice listed as %+v", n)
	}
	view(t, s, func(tx gridbot.Tx) error {
		due, ok, err := tx.NextNoticeDue()
		if err != nil || !ok || !due.Equal(ns[1].DueAt) {
			t.Errorf("next due %v %v %v", due, ok, err)
		}
		sent, err := tx.ScheduledNotices(a.ID, gridbot.NoticeSent)
		if len(sent) != 0 {
			t.Errorf("sent before anything was: %s", keys(sent))
		}
		all, err2 := tx.ScheduledNotices(a.ID, gridbot.NoticePlanned)
		if len(all) != 4 {
			t.Errorf("planned: %s", keys(all))
		}
		return errors.Join(err, err2)
	})
	finish := func(when string, want string, state string) {
		t.Helper()
		update(t, s, func(tx gridbot.Tx) error {
			due, err := tx.DueNotices(at(when), 10)
			if err != nil {
				return err
			}
			if keys(due) != want {
				t.Errorf("due at %s: %s, want %s", when, keys(due), want)
			}
			for _, n := range due {
				if n.ID == 0 {
					t.Errorf("due notice without id: %+v", n)
				}
				n.State, n.DoneAt = state, at(when)
				if err := tx.FinishNotice(n); err != nil {
					return err
				}
			}
			return nil
		})
	}
	finish("2026-10-03 08:59:00.000", "[]", gridbot.NoticeSent)
	finish("2026-10-03 09:30:00.000", "[b:planned c:planned]", gridbot.NoticeSent)
	finish("2026-10-03 09:31:00.000", "[]", gridbot.NoticeSent)
	if got := list(); keys(got) != "[b:sent c:sent a:planned d:planned]" {
		t.Errorf("after the first: %s", keys(got))
	}
	finish("2026-10-03 13:00:00.000", "[a:planned d:planned]", gridbot.NoticeSkipped)
	finish("2026-10-05 00:00:00.000", "[]", gridbot.NoticeSent)
	if got := list(); keys(got) != "[b:sent c:sent a:skipped d:skipped]" {
		t.Errorf("at the end: %s", keys(got))
	}
	update(t, s, func(tx gridbot.Tx) error { return tx.PlanIssue(ns) }) // again: nothing
	if got := list(); len(got) != 4 {
		t.Errorf("planned again: %s", keys(got))
	}
}
