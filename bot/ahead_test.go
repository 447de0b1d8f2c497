package bot_test

import (
	"context"
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
