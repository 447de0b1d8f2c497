package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/postgres"
)

// claimer is the pipeline's claim with what the command reads ahead.
type claimer interface {
	ClaimMessageFrom(townID int64, platform, msgID string, at time.Time, userID string, a gridbot.Ahead) (gridbot.Person, error)
}

// TestIssueNumbersAcrossReplicas: a 上报 whose id was taken with the claim
// sends its numbered INSERT with COMMIT, on the number its process's gate
// remembers (sqldb's gates.go). Two stores on one database stand for two
// replicas: a number the other took meanwhile fails the INSERT on the town's
// unique number, the transaction runs again the ordinary way, and numbers
// stay 1, 2, 3… without gaps or doubles, one after another and all at once;
// a message recorded before is refused and takes no number.
func TestIssueNumbersAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	url := testkit.PostgresSchemaURL(t)
	a, b := testkit.OpenPostgresURL(t, url), testkit.OpenPostgresURL(t, url)
	var town gridbot.Town
	if err := a.Update(ctx, func(tx gridbot.Tx) (err error) { town, err = tx.CreateTown("滨海镇"); return err }); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 10, 2, 9, 0, 0, 0, gridbot.Zone)
	seq := 0
	var mu sync.Mutex
	// report runs a 上报's transaction on db: the claim with Ahead.Makes, then
	// AddIssue. It returns the issue's number and how often the transaction ran.
	report := func(db *postgres.DB, recordID string) (no int64, runs int, err error) {
		mu.Lock()
		seq++
		msgID := fmt.Sprintf("m%d", seq)
		mu.Unlock()
		if recordID == "" {
			recordID = msgID
		}
		err = db.Update(ctx, func(tx gridbot.Tx) error {
			runs++
			_, err := tx.(claimer).ClaimMessageFrom(town.ID, "wecom", msgID, at, "U001", gridbot.Ahead{Makes: gridbot.KindIssue})
			if err != nil && gridbot.ErrorCode(err) != gridbot.ENOTFOUND { // U001 is in no roster: no matter
				return err
			}
			i := &gridbot.Issue{TownID: town.ID, Description: "路灯坏了", ReportedBy: "U001", ReportedAt: at,
				Record: gridbot.Record{RecordedBy: "U001", RecordedAt: at, Platform: "wecom", MsgID: recordID}}
			if err := tx.AddIssue(i); err != nil {
				return err
			}
			if i.ID == 0 {
				t.Errorf("%s: no id", msgID)
			}
			no = i.No
			return nil
		})
		return no, runs, err
	}
	stored := func() (nos []int64, last int64) {
		rows, err := a.Pool.Query(ctx, `SELECT no FROM issues WHERE town_id = $1 ORDER BY no`, town.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			nos = append(nos, n)
		}
		if err := a.Pool.QueryRow(ctx, `SELECT last_no FROM counters WHERE town_id = $1 AND kind = 'issue'`, town.ID).Scan(&last); err != nil {
			t.Fatal(err)
		}
		return nos, last
	}
	want := func(db *postgres.DB, name string, wantNo int64, wantRuns int) {
		t.Helper()
		no, runs, err := report(db, "")
		if err != nil || no != wantNo || runs != wantRuns {
			t.Fatalf("%s: #%d in %d runs (%v), want #%d in %d", name, no, runs, err, wantNo, wantRuns)
		}
	}

	want(a, "A's first (gate reads the counter)", 1, 1)
	want(a, "A's second (the gate's number)", 2, 1)
	want(b, "B's first (its gate reads the counter)", 3, 1)
	want(a, "A after B (A's gate is behind: run again)", 4, 2)
	want(a, "A again (its gate caught up)", 5, 1)

	// A message recorded before: refused, no number taken.
	if _, _, err := report(a, "m1"); gridbot.ErrorCode(err) != gridbot.ECONFLICT {
		t.Fatalf("a message recorded before: %v, want ECONFLICT", err)
	}
	want(a, "A after the refusal", 6, 1)

	// Both at once.
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for k := range 40 {
		db := a
		if k%2 == 1 {
			db = b
		}
		wg.Go(func() {
			if no, _, err := report(db, ""); err != nil {
				errs <- err
			} else if no == 0 {
				errs <- fmt.Errorf("no number")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	nos, last := stored()
	if len(nos) != 46 || last != 46 {
		var n int
		a.Pool.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&n)
		t.Logf("messages %d, nos %v", n, nos)
		t.Fatalf("%d issues, counter %d, want 46 and 46", len(nos), last)
	}
	for k, n := range nos {
		if n != int64(k+1) {
			t.Fatalf("numbers %v: want 1…46 without gaps", nos)
		}
	}
	if !slices.IsSorted(nos) {
		t.Fatal("unsorted")
	}
}
