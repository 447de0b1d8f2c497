package importer

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gridbot"
)

func TestExamplesImport(t *testing.T) {
	st, town := openStore(t)
	importExamples(t, st, town)
	got := snapshot(t, st, town)
	want := counts{People: 62, Active: 62, Memberships: 62, Grids: 9, Villages: 3, Checkpoints: 5, Checkins: 1485, BasePoints: 60}
	if got != want {
		t.Fatalf("after importing the examples: %+v, want %+v", got, want)
	}
	ps := people(t, st, town)
	if p := ps["U050"]; p.Name != "张伟" || p.Grid != "沙头居第一网格" || p.Village != "沙头居" || p.Role != gridbot.RoleMember {
		t.Errorf("U050 = %+v", p)
	}
	if p := ps["U061"]; p.Role != gridbot.RoleOffice || p.GridID != 0 || !p.Party {
		t.Errorf("U061 = %+v", p)
	}
	if err := st.View(context.Background(), func(tx gridbot.Tx) error {
		same, err := tx.PeopleByName(town, "张伟")
		if len(same) != 2 {
			t.Errorf("two people named 张伟 expected, got %+v", same)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// The GBK and XLSX copies of the roster must read exactly like the UTF-8 CSV.
func TestExamplesRosterEncodings(t *testing.T) {
	ctx := context.Background()
	var first map[string]gridbot.Person
	for _, name := range []string{"roster.csv", "roster-gbk.csv", "roster.xlsx"} {
		st, town := openStore(t)
		rep, err := Roster(ctx, st, town, example(name), time.Time{}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rep.Added != 62 || len(rep.Warnings) != 0 {
			t.Fatalf("%s: %s", name, rep)
		}
		ps := people(t, st, town)
		// Compare what the file says, not the ids the store gave out.
		for id, p := range ps {
			p.ID, p.TownID, p.GridID = 0, 0, 0
			ps[id] = p
		}
		if ps["U001"].Name != "蔡志强" || ps["U001"].Phone != "15769838757" || ps["U001"].Grid != "海风村第一网格" {
			t.Fatalf("%s: U001 = %+v", name, ps["U001"])
		}
		if first == nil {
			first = ps
		} else if !reflect.DeepEqual(ps, first) {
			t.Fatalf("%s reads differently from roster.csv", name)
		}
	}
}

func TestExamplesBadRow(t *testing.T) {
	ctx := context.Background()
	st, town := openStore(t)
	// The example town without its month of check-ins (slow under -race),
	// plus two check-ins so that their count is not trivially zero.
	if _, err := Roster(ctx, st, town, example("roster.csv"), time.Time{}, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Checkpoints(ctx, st, town, example("checkpoints.csv"), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := BasePoints(ctx, st, town, "2026-10", example("base-points-2026-10.csv"), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckinsTable(ctx, st, town, mustCSV(t, "用户ID,日期\nU001,2026-10-01\nU005,2026-10-01\n"), octTo); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st, town)
	if before.People != 62 || before.Checkins != 2 || before.BasePoints != 60 || before.Checkpoints != 5 {
		t.Fatalf("setup: %+v", before)
	}

	_, err := Roster(ctx, st, town, example("bad/roster-bad-row.csv"), time.Now(), Options{})
	var errs *Errors
	if !errors.As(err, &errs) || len(errs.Rows) != 1 {
		t.Fatalf("err = %v, want one row error", err)
	}
	if e := errs.Rows[0]; e.Line != 6 || e.Column != "角色" || e.Message != "未知角色「组长」，应为 网格员、网格长 或 党建办" {
		t.Fatalf("row error = %+v", e)
	}
	if !strings.Contains(gridbot.ErrorMessage(err), "第 6 行「角色」：未知角色「组长」") {
		t.Fatalf("message = %q", gridbot.ErrorMessage(err))
	}
	if after := snapshot(t, st, town); after != before {
		t.Fatalf("a refused import changed the store: %+v -> %+v", before, after)
	}
}
