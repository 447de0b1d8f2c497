package importer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/scoring"
)

// smallRoster is a village of two grids: 一网格 (U1 leader, U2–U4) and
// 二网格 (U5 leader, U6–U8), plus one office member.
const smallRoster = rosterHeader +
	"U1,甲,网格长,一网格,海风村,东片,是,13800000001\n" +
	"U2,乙,网格员,一网格,海风村,东片,是,\n" +
	"U3,丙,网格员,一网格,海风村,东片,否,\n" +
	"U4,丁,网格员,一网格,海风村,东片,否,\n" +
	"U5,戊,网格长,二网格,海风村,东片,是,\n" +
	"U6,己,网格员,二网格,海风村,东片,是,\n" +
	"U7,庚,网格员,二网格,海风村,东片,否,\n" +
	"U8,辛,网格员,二网格,海风村,东片,否,\n" +
	"O1,壬,党建办,,,,是,\n"

func importRoster(t *testing.T, st gridbot.Store, town int64, src string, at time.Time) *Report {
	t.Helper()
	rep, err := RosterTable(context.Background(), st, town, mustCSV(t, src), at)
	if err != nil {
		t.Fatalf("roster: %v", err)
	}
	return rep
}

func memberships(t *testing.T, st gridbot.Store, town int64, userID string) []gridbot.Membership {
	t.Helper()
	var out []gridbot.Membership
	if err := st.View(context.Background(), func(tx gridbot.Tx) error {
		ms, err := tx.Memberships(town)
		for _, m := range ms {
			if m.UserID == userID {
				out = append(out, m)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRosterReimport(t *testing.T) {
	st, town := openStore(t)
	rep := importRoster(t, st, town, smallRoster, time.Now())
	if rep.Rows != 9 || rep.Added != 9 || rep.Updated != 0 || len(rep.Warnings) != 0 {
		t.Fatalf("first import: %s", rep)
	}
	// New people are members since always.
	if ms := memberships(t, st, town, "U2"); len(ms) != 1 || !ms[0].From.IsZero() || !ms[0].To.IsZero() {
		t.Fatalf("U2 memberships = %+v", ms)
	}
	before := snapshot(t, st, town)
	rep = importRoster(t, st, town, smallRoster, time.Now())
	if rep.Added != 0 || rep.Updated != 0 || rep.Skipped != 9 || rep.Removed != 0 {
		t.Fatalf("identical re-import: %s", rep)
	}
	if after := snapshot(t, st, town); after != before {
		t.Fatalf("identical re-import changed the store: %+v -> %+v", before, after)
	}
}

func TestRosterMoveKeepsHistory(t *testing.T) {
	st, town := openStore(t)
	importRoster(t, st, town, smallRoster, time.Now())

	// U4 moves to 二网格 and becomes its leader; U5 steps down to member;
	// U2's phone changes; U3 leaves the roster.
	eff := time.Date(2026, 10, 15, 0, 0, 0, 0, gridbot.Zone)
	next := strings.NewReplacer(
		"U4,丁,网格员,一网格", "U4,丁,网格长,二网格",
		"U5,戊,网格长,二网格", "U5,戊,网格员,二网格",
		"U2,乙,网格员,一网格,海风村,东片,是,", "U2,乙,网格员,一网格,海风村,东片,是,13900000002",
		"U3,丙,网格员,一网格,海风村,东片,否,\n", "",
	).Replace(smallRoster)
	rep := importRoster(t, st, town, next, eff)
	if rep.Rows != 8 || rep.Added != 0 || rep.Updated != 3 || rep.Skipped != 5 || rep.Removed != 1 {
		t.Fatalf("re-import: %s", rep)
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "丙(U3)") {
		t.Errorf("the person who left must be listed: %v", rep.Warnings)
	}

	ps := people(t, st, town)
	if ps["U4"].Grid != "二网格" || ps["U4"].Role != gridbot.RoleLeader || ps["U2"].Phone != "13900000002" {
		t.Errorf("U4 = %+v, U2 = %+v", ps["U4"], ps["U2"])
	}
	if ps["U3"].Active || ps["U3"].GridID != 0 {
		t.Errorf("U3 left but is %+v", ps["U3"])
	}

	ms := memberships(t, st, town, "U4")
	if len(ms) != 2 {
		t.Fatalf("U4 memberships = %+v, want the closed and the new one", ms)
	}
	old, cur := ms[0], ms[1]
	if !old.From.IsZero() || !old.To.Equal(eff) || old.Role != gridbot.RoleMember ||
		!cur.From.Equal(eff) || !cur.To.IsZero() || cur.Role != gridbot.RoleLeader || cur.GridID == old.GridID {
		t.Fatalf("U4 history = %+v", ms)
	}
	if !old.Covers(eff.Add(-time.Second)) || old.Covers(eff) || !cur.Covers(eff) {
		t.Fatalf("history does not split at the effective time: %+v", ms)
	}
	if ms := memberships(t, st, town, "U3"); len(ms) != 1 || !ms[0].To.Equal(eff) {
		t.Fatalf("U3 memberships = %+v, want one closed at the effective time", ms)
	}

	// U3 comes back later: a new stretch, not "since always".
	back := eff.AddDate(0, 0, 10)
	rep = importRoster(t, st, town, next+"U3,丙,网格员,一网格,海风村,东片,否,\n", back)
	if rep.Updated != 1 || rep.Added != 0 {
		t.Fatalf("U3 back: %s", rep)
	}
	if ms := memberships(t, st, town, "U3"); len(ms) != 2 || !ms[1].From.Equal(back) || !people(t, st, town)["U3"].Active {
		t.Fatalf("U3 memberships after coming back = %+v", ms)
	}
}

func TestRosterWarningsDoNotRefuse(t *testing.T) {
	st, town := openStore(t)
	// 二网格 has a single person and no leader; the village has 2 grids.
	src := rosterHeader +
		"U1,甲,网格长,一网格,海风村,东片,是,\n" +
		"U2,乙,网格员,一网格,海风村,东片,是,\n" +
		"U3,丙,网格员,一网格,海风村,东片,否,\n" +
		"U4,丁,网格员,一网格,海风村,东片,否,\n" +
		"U5,戊,网格员,二网格,海风村,东片,是,\n"
	rep := importRoster(t, st, town, src, time.Now())
	want := "网格「二网格」有 1 人，方案要求每个网格 4–9 人\n网格「二网格」没有网格长"
	if rep.Added != 5 || strings.Join(rep.Warnings, "\n") != want {
		t.Fatalf("report %s\nwant warnings:\n%s", rep, want)
	}
	if got := snapshot(t, st, town); got.People != 5 || got.Grids != 2 {
		t.Fatalf("store %+v", got)
	}

	// A grid moved to another village imports, with a warning.
	rep = importRoster(t, st, town, strings.ReplaceAll(src, "U5,戊,网格员,二网格,海风村", "U5,戊,网格员,二网格,东岙村"), time.Now())
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "网格「二网格」原属「海风村」，已改到「东岙村」") {
		t.Fatalf("warnings %v", rep.Warnings)
	}
}

// Every kind of import refuses a file with one bad row and changes nothing.
func TestImportAllOrNone(t *testing.T) {
	ctx := context.Background()
	st, town := openStore(t)
	importRoster(t, st, town, smallRoster, time.Now())
	if _, err := CheckpointsTable(ctx, st, town, mustCSV(t, "村,名称,纬度,经度,半径米\n海风村,中心,28.38,121.47,300\n")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st, town)

	cases := []struct {
		name   string
		run    func() error
		line   int
		column string
		text   string
	}{
		{"roster", func() error {
			_, err := RosterTable(ctx, st, town, mustCSV(t, strings.Replace(smallRoster, "U8,辛,网格员", "U8,辛,组长", 1)), time.Now())
			return err
		}, 9, "角色", "未知角色「组长」"},
		{"checkpoints unknown village", func() error {
			_, err := CheckpointsTable(ctx, st, town, mustCSV(t, "村,名称,纬度,经度,半径米\n海风村,礼堂,28.38,121.47,300\n东岙村,村委,28.37,121.48,300\n"))
			return err
		}, 3, "村", "未知村「东岙村」"},
		{"base points unknown user", func() error {
			_, err := BasePointsTable(ctx, st, town, "2026-10", mustCSV(t, "用户ID,积分\nU1,40\nU2,41\nU99,30\n"))
			return err
		}, 4, "用户ID", "未知用户ID「U99」"},
		{"base points bad number", func() error {
			_, err := BasePointsTable(ctx, st, town, "2026-10", mustCSV(t, "用户ID,积分\nU1,40\nU2,四十一\n"))
			return err
		}, 3, "积分", "数字格式错误"},
		{"checkins unknown user", func() error {
			_, err := CheckinsTable(ctx, st, town, mustCSV(t, "用户ID,日期\nU1,2026-10-01\nU2,2026-10-01\nX9,2026-10-02\n"), octTo)
			return err
		}, 4, "用户ID", "未知用户ID「X9」"},
		{"checkins bad date", func() error {
			_, err := CheckinsTable(ctx, st, town, mustCSV(t, "用户ID,日期\nU1,2026-10-01\nU2,10月1日\n"), octTo)
			return err
		}, 3, "日期", "日期格式错误"},
	}
	for _, c := range cases {
		err := c.run()
		var errs *Errors
		if !errors.As(err, &errs) || len(errs.Rows) != 1 {
			t.Errorf("%s: err = %v, want one row error", c.name, err)
			continue
		}
		if e := errs.Rows[0]; e.Line != c.line || e.Column != c.column || !strings.Contains(e.Message, c.text) {
			t.Errorf("%s: %+v, want line %d 「%s」 %q", c.name, e, c.line, c.column, c.text)
		}
		if after := snapshot(t, st, town); after != before {
			t.Fatalf("%s: a refused import changed the store: %+v -> %+v", c.name, before, after)
		}
	}

	// On an empty store, a bad roster leaves it empty.
	st2, town2 := openStore(t)
	if _, err := Roster(ctx, st2, town2, example("bad/roster-bad-row.csv"), time.Now(), Options{}); err == nil {
		t.Fatal("bad roster imported")
	}
	if got := snapshot(t, st2, town2); got != (counts{}) {
		t.Fatalf("a refused roster left %+v", got)
	}
}

func TestCheckpointsReimport(t *testing.T) {
	ctx := context.Background()
	st, town := openStore(t)
	importRoster(t, st, town, smallRoster, time.Now())
	const head = "村,名称,纬度,经度,半径米\n"
	rep, err := CheckpointsTable(ctx, st, town, mustCSV(t, head+"海风村,中心,28.38,121.47,300\n海风村,礼堂,28.385,121.466,200\n"))
	if err != nil || rep.Added != 2 || len(rep.Warnings) != 0 {
		t.Fatalf("first: %v %v", rep, err)
	}
	rep, err = CheckpointsTable(ctx, st, town, mustCSV(t, head+"海风村,中心,28.38,121.47,350\n海风村,码头,28.39,121.46,500\n"))
	if err != nil || rep.Added != 1 || rep.Updated != 1 || rep.Removed != 1 || !strings.Contains(strings.Join(rep.Warnings, ""), "海风村 礼堂") {
		t.Fatalf("second: %v %v", rep, err)
	}
	var cps []gridbot.Checkpoint
	if err := st.View(ctx, func(tx gridbot.Tx) (err error) { cps, err = tx.Checkpoints(town); return err }); err != nil {
		t.Fatal(err)
	}
	byName := map[string]gridbot.Checkpoint{}
	for _, c := range cps {
		byName[c.Name] = c
	}
	if len(cps) != 2 || byName["中心"].RadiusM != 350 || byName["码头"].Village != "海风村" {
		t.Fatalf("checkpoints %+v", cps)
	}
}

func TestBasePointsReimport(t *testing.T) {
	ctx := context.Background()
	st, town := openStore(t)
	importRoster(t, st, town, smallRoster, time.Now())
	rep, err := BasePointsTable(ctx, st, town, "2026-10", mustCSV(t, "用户ID,姓名,积分\nU1,甲,40\nU2,乙,35.5\nO1,壬,10\n"))
	if err != nil || rep.Added != 3 {
		t.Fatalf("first: %v %v", rep, err)
	}
	if w := strings.Join(rep.Warnings, "\n"); !strings.Contains(w, "壬(O1) 是党建办人员") {
		t.Errorf("office warning missing: %q", w)
	}
	rep, err = BasePointsTable(ctx, st, town, "2026-10", mustCSV(t, "用户ID,姓名,积分\nU1,甲,40\nU2,乙乙,36\n"))
	if err != nil || rep.Added != 0 || rep.Updated != 1 || rep.Skipped != 1 {
		t.Fatalf("second: %v %v", rep, err)
	}
	if w := strings.Join(rep.Warnings, "\n"); !strings.Contains(w, "在名单中是「乙」，文件中写的是「乙乙」") {
		t.Errorf("name mismatch warning missing: %q", w)
	}
	var f *gridbot.Facts
	if err := st.View(ctx, func(tx gridbot.Tx) (err error) {
		f, err = tx.PeriodFacts(town, octFrom, octTo, scoring.DefaultRules().IssueLookback())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	pts := map[string]float64{}
	for _, bp := range f.BasePoints {
		pts[bp.UserID] = bp.Points
	}
	if len(pts) != 3 || pts["U1"] != 40 || pts["U2"] != 36 || pts["O1"] != 10 {
		t.Fatalf("base points %v", pts)
	}
	if _, err := BasePoints(ctx, st, town, "2026-13", example("base-points-2026-10.csv"), Options{}); gridbot.ErrorCode(err) != gridbot.EINVALID {
		t.Fatalf("bad month: %v", err)
	}
}

func TestCheckinsSkipDaysAlreadyCheckedIn(t *testing.T) {
	ctx := context.Background()
	st, town := openStore(t)
	importRoster(t, st, town, smallRoster, time.Now())
	chat := time.Date(2026, 10, 3, 7, 10, 0, 0, gridbot.Zone)
	if err := st.Update(ctx, func(tx gridbot.Tx) error {
		return tx.AddCheckin(&gridbot.Checkin{TownID: town, UserID: "U1", Day: gridbot.Day(chat), At: chat, Source: gridbot.SourceChat,
			Record: gridbot.Record{RecordedBy: "U1", RecordedAt: chat, Platform: "console", MsgID: "m1"}})
	}); err != nil {
		t.Fatal(err)
	}

	src := "用户ID,日期,时间\nU1,2026-10-03,08:30\nU1,2026-10-04,07:45\nU2,2026/10/3,\nU2,2026/10/3,06:59\n"
	rep, err := CheckinsTable(ctx, st, town, mustCSV(t, src), octTo)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 4 || rep.Added != 2 || rep.Skipped != 2 {
		t.Fatalf("report %s", rep)
	}
	err = st.View(ctx, func(tx gridbot.Tx) error {
		c, err := tx.CheckinOn(town, "U1", "2026-10-03")
		if err != nil || c.Source != gridbot.SourceChat || !c.At.Equal(chat) {
			t.Errorf("U1 on 10-03 = %+v, %v; the chat check-in must stay", c, err)
		}
		c, err = tx.CheckinOn(town, "U2", "2026-10-03")
		if err != nil || c.Source != gridbot.SourceImport || !c.At.Equal(time.Date(2026, 10, 3, 6, 59, 0, 0, gridbot.Zone)) {
			t.Errorf("U2 on 10-03 = %+v, %v; want the earliest imported row", c, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	rep, err = CheckinsTable(ctx, st, town, mustCSV(t, src), octTo)
	if err != nil || rep.Added != 0 || rep.Skipped != 4 {
		t.Fatalf("second import: %v %v", rep, err)
	}
	if got := snapshot(t, st, town).Checkins; got != 3 {
		t.Fatalf("%d check-ins, want 3", got)
	}
}
