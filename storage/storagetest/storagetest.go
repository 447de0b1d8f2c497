// Package storagetest is the contract suite of gridbot.Store: every engine
// runs the same tests (storage/sqlite and storage/postgres call Run), and the
// benchmarks that compare them (bench.go).
package storagetest

import (
	"context"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
)

// Run runs the contract suite. open must return a fresh, empty store; it is
// called once per subtest.
func Run(t *testing.T, open func(t *testing.T) gridbot.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, gridbot.Store)
	}{
		{"Towns", testTowns},
		{"TownsIsolated", testTownsIsolated},
		{"RosterEnsure", testRosterEnsure},
		{"People", testPeople},
		{"RosterHistory", testRosterHistory},
		{"Checkpoints", testCheckpoints},
		{"CheckinOncePerDay", testCheckinOncePerDay},
		{"CheckinsBulk", testCheckinsBulk},
		{"MessageIDs", testMessageIDs},
		{"ClaimMessageFrom", testClaimMessageFrom},
		{"ClaimAhead", testClaimAhead},
		{"PlanIssue", testPlanIssue},
		{"Numbering", testNumbering},
		{"IssueLifecycle", testIssueLifecycle},
		{"DeliberationConfirm", testDeliberationConfirm},
		{"Published", testPublished},
		{"Audit", testAudit},
		{"NumberingActivitiesAdjustments", testNumberingActivitiesAdjustments},
		{"Withdraw", testWithdraw},
		{"DuplicateGuard", testDuplicateGuard},
		{"RecordImages", testRecordImages},
		{"RecordImagesRace", testRecordImagesRace},
		{"Activities", testActivities},
		{"RecordedIn", testRecordedIn},
		{"Review", testReview},
		{"BasePoints", testBasePoints},
		{"Refusals", testRefusals},
		{"Rollback", testRollback},
		{"PeriodFactsBoundaries", testPeriodFactsBoundaries},
		{"PeriodFactsIssues", testPeriodFactsIssues},
		{"IssueLookbackFollowsRules", testIssueLookbackFollowsRules},
		{"PeriodFactsCheckinDays", testPeriodFactsCheckinDays},
		{"PeriodFactsLists", testPeriodFactsLists},
		{"PeriodFactsShape", testPeriodFactsShape},
		{"MemberFacts", testMemberFacts},
		{"CheckinsReadInTheirTransaction", testCheckinsReadInTheirTransaction},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Webhooks", testWebhooks},
		{"OutboxRollback", testOutboxRollback},
		{"OutboxClaimOrder", testOutboxClaimOrder},
		{"OutboxLease", testOutboxLease},
		{"OutboxBackoff", testOutboxBackoff},
		{"OutboxConcurrentClaims", testOutboxConcurrentClaims},
		{"OutboxNotices", testOutboxNotices},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var ctx = context.Background()

// update runs fn in a read-write transaction and fails the test on error.
func update(t *testing.T, s gridbot.Store, fn func(gridbot.Tx) error) {
	t.Helper()
	if err := s.Update(ctx, fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// view runs fn in a read-only transaction and fails the test on error.
func view(t *testing.T, s gridbot.Store, fn func(gridbot.Tx) error) {
	t.Helper()
	if err := s.View(ctx, fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// wantCode fails unless err carries the error code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := gridbot.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// at is testkit.At.
var at = testkit.At

// town is a small roster: one district, one village, two grids, a leader and
// a member in grid 1, a member in grid 2 and an office clerk.
type town struct {
	gridbot.Town
	Village      gridbot.Village
	Grid1, Grid2 gridbot.Grid
	People       map[string]gridbot.Person // by user id
}

// seed creates the town name with the small roster, everyone in their grid
// since always.
func seed(t *testing.T, tx gridbot.Tx, name string) town {
	t.Helper()
	tw := town{People: map[string]gridbot.Person{}}
	var err error
	if tw.Town, err = tx.CreateTown(name); err != nil {
		t.Fatalf("create town: %v", err)
	}
	d, err := tx.EnsureDistrict(tw.ID, "东片管理区")
	must(t, err)
	if tw.Village, err = tx.EnsureVillage(tw.ID, d.ID, "海风村"); err != nil {
		t.Fatal(err)
	}
	if tw.Grid1, err = tx.EnsureGrid(tw.ID, tw.Village.ID, "海风村第一网格"); err != nil {
		t.Fatal(err)
	}
	if tw.Grid2, err = tx.EnsureGrid(tw.ID, tw.Village.ID, "海风村第二网格"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		userID, name string
		role         gridbot.Role
		grid         int64
	}{
		{"U001", "王海", gridbot.RoleLeader, tw.Grid1.ID},
		{"U002", "李娜", gridbot.RoleMember, tw.Grid1.ID},
		{"U003", "张伟", gridbot.RoleMember, tw.Grid2.ID},
		{"O001", "陈静", gridbot.RoleOffice, 0},
	} {
		person, err := tx.SavePerson(gridbot.Person{TownID: tw.ID, UserID: p.userID, Name: p.name, Role: p.role, Party: true, Active: true})
		if err != nil {
			t.Fatalf("save person %s: %v", p.userID, err)
		}
		if _, err := tx.SetMembership(tw.ID, person.ID, p.grid, p.role, time.Time{}); err != nil {
			t.Fatalf("set membership %s: %v", p.userID, err)
		}
		tw.People[p.userID] = person
	}
	return tw
}

// seedStore seeds a town in a transaction of its own.
func seedStore(t *testing.T, s gridbot.Store, name string) town {
	t.Helper()
	var tw town
	update(t, s, func(tx gridbot.Tx) error { tw = seed(t, tx, name); return nil })
	return tw
}

// rec is a Record of a chat message.
func rec(by, msgID string, when time.Time) gridbot.Record {
	return gridbot.Record{RecordedBy: by, RecordedAt: when, Platform: "console", MsgID: msgID}
}
