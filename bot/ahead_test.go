package bot_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/scoring"
)

// TestMemberFactsAhead: on PostgreSQL 积分 of oneself reads the member's
// facts with the message's claim (gridbot.Ahead.Member); what it reads is
// what MemberFacts reads by itself, for members with a month of history, and
// other arguments are asked as usual.
func TestMemberFactsAhead(t *testing.T) {
	db := testkit.OpenPostgres(t)
	lt := bottest.NewLarge(t, db, 3, 5)
	lt.History(t, "2026-09")
	rules := scoring.DefaultRules()
	from, to, _ := scoring.MonthBounds("2026-09")
	readTo := time.Date(2026, 9, 20, 12, 0, 0, 0, gridbot.Zone)
	type claimer interface {
		ClaimMessageFrom(townID int64, platform, msgID string, at time.Time, userID string, a gridbot.Ahead) (gridbot.Person, error)
	}
	read := func(user, msgID string, a gridbot.Ahead, readTo time.Time) *gridbot.Facts {
		var f *gridbot.Facts
		err := db.Update(context.Background(), func(tx gridbot.Tx) error {
			if _, err := tx.(claimer).ClaimMessageFrom(lt.ID, "wecom", msgID, readTo, user, a); err != nil {
				return err
			}
			var err error
			f, err = tx.MemberFacts(lt.ID, user, from, readTo, rules.IssueLookback())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for g := range 3 {
		user := lt.MemberOf(g, 1)
		ahead := gridbot.Ahead{Member: user, MemberFrom: from, MemberTo: readTo, Lookback: rules.IssueLookback()}
		got := read(user, "ahead-"+user, ahead, readTo)
		want := read(user, "plain-"+user, gridbot.Ahead{}, readTo)
		if len(want.People) != 1 || len(want.Issues) == 0 || len(want.CheckinDays) == 0 {
			t.Fatalf("%s: history too thin to compare: %d people, %d issues, %d check-in days",
				user, len(want.People), len(want.Issues), len(want.CheckinDays))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read ahead\n%+v\nwant\n%+v", user, got, want)
		}
		// Read ahead for another end: not used, asked as usual.
		other := ahead
		other.MemberTo = to
		if got := read(user, "other-"+user, other, readTo); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read ahead for another period was used", user)
		}
	}
}

// TestOpenIssuesAhead: 问题 reads the sender's grid's open issues with the
// claim (gridbot.Ahead.OpenIssues); they are what OpenIssues reads by
// itself, another grid is asked as usual, and a grid without open issues
// too.
func TestOpenIssuesAhead(t *testing.T) {
	db := testkit.OpenPostgres(t)
	lt := bottest.NewLarge(t, db, 3, 5)
	at := time.Date(2026, 10, 5, 9, 0, 0, 0, gridbot.Zone)
	type claimer interface {
		ClaimMessageFrom(townID int64, platform, msgID string, at time.Time, userID string, a gridbot.Ahead) (gridbot.Person, error)
	}
	gridOf := func(user string) int64 {
		var p gridbot.Person
		if err := db.View(context.Background(), func(tx gridbot.Tx) (err error) { p, err = tx.PersonByUserID(lt.ID, user); return err }); err != nil || p.GridID == 0 {
			t.Fatalf("%s: grid %d, %v", user, p.GridID, err)
		}
		return p.GridID
	}
	grid0, grid1 := gridOf(lt.MemberOf(0, 1)), gridOf(lt.MemberOf(1, 1))
	for n := range 3 {
		if err := db.Update(context.Background(), func(tx gridbot.Tx) error {
			return tx.AddIssue(&gridbot.Issue{TownID: lt.ID, GridID: grid0, Description: fmt.Sprintf("路灯%d", n),
				ReportedBy: lt.MemberOf(0, 1), ReportedAt: at})
		}); err != nil {
			t.Fatal(err)
		}
	}
	open := func(user, msgID string, a gridbot.Ahead, gridID int64) []gridbot.Issue {
		var is []gridbot.Issue
		err := db.Update(context.Background(), func(tx gridbot.Tx) error {
			if _, err := tx.(claimer).ClaimMessageFrom(lt.ID, "wecom", msgID, at, user, a); err != nil {
				return err
			}
			var err error
			is, err = tx.OpenIssues(lt.ID, gridID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return is
	}
	user := lt.MemberOf(0, 2)
	got := open(user, "a1", gridbot.Ahead{OpenIssues: user}, grid0)
	want := open(user, "p1", gridbot.Ahead{}, grid0)
	if len(want) != 3 || !reflect.DeepEqual(got, want) {
		t.Fatalf("read ahead %+v\nwant %+v (3 issues)", got, want)
	}
	if got := open(user, "a2", gridbot.Ahead{OpenIssues: user}, grid1); len(got) != 0 {
		t.Errorf("another grid answered from the sender's: %d issues", len(got))
	}
	if got := open(user, "a3", gridbot.Ahead{OpenIssues: user}, 0); len(got) != 3 {
		t.Errorf("the whole town: %d issues, want 3", len(got))
	}
	other := lt.MemberOf(1, 2)
	if got := open(other, "a4", gridbot.Ahead{OpenIssues: other}, grid1); len(got) != 0 {
		t.Errorf("a grid without open issues: %d", len(got))
	}
}
