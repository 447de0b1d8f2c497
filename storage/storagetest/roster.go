package storagetest

import (
	"reflect"
	"testing"
	"time"

	"gridbot"
)

func testTowns(t *testing.T, s gridbot.Store) {
	var a, b gridbot.Town
	update(t, s, func(tx gridbot.Tx) error {
		var err error
		if a, err = tx.CreateTown("滨海镇"); err != nil {
			return err
		}
		b, err = tx.CreateTown("松门镇")
		return err
	})
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID {
		t.Fatalf("town ids %d, %d: want two distinct non-zero ids", a.ID, b.ID)
	}
	err := s.Update(ctx, func(tx gridbot.Tx) error { _, err := tx.CreateTown("滨海镇"); return err })
	wantCode(t, err, gridbot.ECONFLICT)
	err = s.Update(ctx, func(tx gridbot.Tx) error { _, err := tx.CreateTown("  "); return err })
	wantCode(t, err, gridbot.EINVALID)

	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.TownByName("松门镇")
		must(t, err)
		if got != b {
			t.Errorf("TownByName = %+v, want %+v", got, b)
		}
		_, err = tx.TownByName("石塘镇")
		wantCode(t, err, gridbot.ENOTFOUND)
		towns, err := tx.Towns()
		must(t, err)
		if want := []gridbot.Town{a, b}; !reflect.DeepEqual(towns, want) {
			t.Errorf("Towns = %+v, want %+v", towns, want)
		}
		return nil
	})
}

// testTownsIsolated: two towns with the same user ids, grid names and message
// ids never see each other's data.
func testTownsIsolated(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	var b town
	update(t, s, func(tx gridbot.Tx) error {
		b = seed(t, tx, "松门镇")
		// Someone only town a has.
		_, err := tx.SavePerson(gridbot.Person{TownID: a.ID, UserID: "U900", Name: "赵磊", Role: gridbot.RoleMember, Active: true})
		return err
	})
	if a.Grid1.ID == b.Grid1.ID || a.People["U001"].ID == b.People["U001"].ID {
		t.Fatal("towns share a grid or a person row")
	}
	day := at("2026-10-03 08:00:00.000")
	update(t, s, func(tx gridbot.Tx) error {
		for _, tw := range []town{a, b} {
			must(t, tx.ClaimMessage(tw.ID, "wecom", "m-1", day))
			must(t, tx.AddCheckin(&gridbot.Checkin{TownID: tw.ID, UserID: "U001", At: day, Source: gridbot.SourceChat, Record: rec("U001", "m-1", day)}))
		}
		for range 2 {
			must(t, tx.AddIssue(&gridbot.Issue{TownID: a.ID, GridID: a.Grid1.ID, Description: "路灯坏了", ReportedBy: "U002", ReportedAt: day}))
		}
		i := &gridbot.Issue{TownID: b.ID, GridID: b.Grid1.ID, Description: "井盖缺失", ReportedBy: "U002", ReportedAt: day}
		must(t, tx.AddIssue(i))
		if i.No != 1 {
			t.Errorf("town b's first issue is #%d, want #1", i.No)
		}
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		pa, err := tx.People(a.ID)
		must(t, err)
		pb, err := tx.People(b.ID)
		must(t, err)
		if len(pa) != 5 || len(pb) != 4 {
			t.Errorf("people: town a %d, town b %d, want 5 and 4", len(pa), len(pb))
		}
		for _, p := range pb {
			if p.TownID != b.ID {
				t.Errorf("town b lists %+v", p)
			}
		}
		_, err = tx.PersonByUserID(b.ID, "U900")
		wantCode(t, err, gridbot.ENOTFOUND)
		if ps, err := tx.PeopleByName(b.ID, "赵磊"); err != nil || len(ps) != 0 {
			t.Errorf("PeopleByName in town b = %v, %v; want none", ps, err)
		}
		if gs, err := tx.Grids(b.ID); err != nil || len(gs) != 2 || gs[0].TownID != b.ID {
			t.Errorf("Grids(b) = %+v, %v", gs, err)
		}
		if n, err := tx.CountCheckins(a.ID, day.AddDate(0, 0, -1), day.AddDate(0, 0, 1)); err != nil || n != 1 {
			t.Errorf("CountCheckins(a) = %d, %v; want 1", n, err)
		}
		ia, err := tx.OpenIssues(a.ID, 0)
		must(t, err)
		ib, err := tx.OpenIssues(b.ID, 0)
		must(t, err)
		if len(ia) != 2 || len(ib) != 1 || ib[0].Description != "井盖缺失" {
			t.Errorf("open issues: a %d, b %+v", len(ia), ib)
		}
		if _, err := tx.IssueByNo(b.ID, 2); gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
			t.Errorf("town b sees issue #2: %v", err)
		}
		return nil
	})
}

func testRosterEnsure(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	other := seedStore(t, s, "松门镇")
	update(t, s, func(tx gridbot.Tx) error {
		d1, err := tx.EnsureDistrict(a.ID, "东片管理区")
		must(t, err)
		d2, err := tx.EnsureDistrict(a.ID, "东片管理区")
		must(t, err)
		if d1 != d2 || d1.ID == 0 {
			t.Errorf("EnsureDistrict twice: %+v, %+v", d1, d2)
		}
		v, err := tx.EnsureVillage(a.ID, d1.ID, "海风村")
		must(t, err)
		if v.ID != a.Village.ID || v.District != "东片管理区" {
			t.Errorf("EnsureVillage of an existing village = %+v, want id %d", v, a.Village.ID)
		}
		g, err := tx.EnsureGrid(a.ID, v.ID, "海风村第一网格")
		must(t, err)
		if g.ID != a.Grid1.ID || g.Village != "海风村" || g.District != "东片管理区" {
			t.Errorf("EnsureGrid of an existing grid = %+v", g)
		}
		_, err = tx.EnsureGrid(a.ID, other.Village.ID, "外镇网格")
		wantCode(t, err, gridbot.ENOTFOUND)
		_, err = tx.EnsureVillage(a.ID, 0, "")
		wantCode(t, err, gridbot.EINVALID)
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		vs, err := tx.Villages(a.ID)
		must(t, err)
		if len(vs) != 1 || vs[0].Name != "海风村" || vs[0].District != "东片管理区" || vs[0].DistrictID == 0 {
			t.Errorf("Villages = %+v", vs)
		}
		gs, err := tx.Grids(a.ID)
		must(t, err)
		if want := []gridbot.Grid{a.Grid1, a.Grid2}; !reflect.DeepEqual(gs, want) {
			t.Errorf("Grids = %+v, want %+v", gs, want)
		}
		return nil
	})
}

func testPeople(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	update(t, s, func(tx gridbot.Tx) error {
		p := a.People["U002"]
		p.Phone, p.Party = "13800000000", false
		got, err := tx.SavePerson(p)
		must(t, err)
		if got.ID != p.ID {
			t.Errorf("SavePerson of an existing user id gave id %d, want %d", got.ID, p.ID)
		}
		// A second 张伟, who left the roster.
		_, err = tx.SavePerson(gridbot.Person{TownID: a.ID, UserID: "U004", Name: "张伟", Role: gridbot.RoleMember, Active: false})
		must(t, err)
		_, err = tx.SavePerson(gridbot.Person{TownID: a.ID, UserID: "U005", Name: "某人", Role: "队长", Active: true})
		wantCode(t, err, gridbot.EINVALID)
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		p, err := tx.PersonByUserID(a.ID, "U002")
		must(t, err)
		want := gridbot.Person{ID: a.People["U002"].ID, TownID: a.ID, UserID: "U002", Name: "李娜", Role: gridbot.RoleMember,
			Phone: "13800000000", GridID: a.Grid1.ID, Grid: "海风村第一网格", VillageID: a.Grid1.VillageID, Village: "海风村", Active: true}
		if p != want {
			t.Errorf("PersonByUserID = %+v\nwant %+v", p, want)
		}
		office, err := tx.PersonByUserID(a.ID, "O001")
		must(t, err)
		if office.GridID != 0 || office.Grid != "" || office.Role != gridbot.RoleOffice {
			t.Errorf("office clerk = %+v", office)
		}
		ps, err := tx.PeopleByName(a.ID, "张伟")
		must(t, err)
		if len(ps) != 1 || ps[0].UserID != "U003" {
			t.Errorf("PeopleByName(张伟) = %+v, want only the active U003", ps)
		}
		all, err := tx.People(a.ID)
		must(t, err)
		if len(all) != 5 {
			t.Errorf("People lists %d, want 5 (the inactive one too)", len(all))
		}
		_, err = tx.PersonByUserID(a.ID, "U404")
		wantCode(t, err, gridbot.ENOTFOUND)
		// By user ids: the inactive one too, unknown and repeated ids left out.
		some, err := tx.PeopleByUserIDs(a.ID, []string{"U004", "U002", "U404", "U002"})
		must(t, err)
		got := map[string]string{}
		for _, p := range some {
			got[p.UserID] = p.Name
		}
		if len(some) != 2 || got["U002"] != "李娜" || got["U004"] != "张伟" {
			t.Errorf("PeopleByUserIDs = %+v, want U002 李娜 and U004 张伟", some)
		}
		if none, err := tx.PeopleByUserIDs(a.ID, nil); err != nil || len(none) != 0 {
			t.Errorf("PeopleByUserIDs(nil) = %v, %v", none, err)
		}
		return nil
	})
}

// testRosterHistory: a person moving grid keeps the old membership, closed,
// and gets a new one, open; PeriodFacts shows both.
func testRosterHistory(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	moved := at("2026-10-15 09:30:00.000")
	u2 := a.People["U002"]
	update(t, s, func(tx gridbot.Tx) error {
		changed, err := tx.SetMembership(a.ID, u2.ID, a.Grid2.ID, gridbot.RoleMember, moved)
		must(t, err)
		if !changed {
			t.Error("moving grid reported no change")
		}
		changed, err = tx.SetMembership(a.ID, u2.ID, a.Grid2.ID, gridbot.RoleMember, moved.Add(time.Hour))
		must(t, err)
		if changed {
			t.Error("setting the same membership again reported a change")
		}
		_, err = tx.SetMembership(a.ID, u2.ID, a.Grid1.ID, gridbot.RoleMember, time.Time{})
		wantCode(t, err, gridbot.EINVALID) // a change needs a time
		_, err = tx.SetMembership(a.ID, u2.ID, a.Grid1.ID, gridbot.RoleMember, moved.Add(-time.Hour))
		wantCode(t, err, gridbot.EINVALID) // before the open membership began
		return nil
	})
	want := []gridbot.Membership{
		{PersonID: u2.ID, UserID: "U002", GridID: a.Grid1.ID, Role: gridbot.RoleMember, To: moved},
		{PersonID: u2.ID, UserID: "U002", GridID: a.Grid2.ID, Role: gridbot.RoleMember, From: moved},
	}
	view(t, s, func(tx gridbot.Tx) error {
		ms, err := tx.Memberships(a.ID)
		must(t, err)
		if got := membershipsOf(ms, u2.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("memberships of U002 = %+v\nwant %+v", got, want)
		}
		if len(ms) != 5 {
			t.Errorf("town has %d memberships, want 5", len(ms))
		}
		p, err := tx.PersonByUserID(a.ID, "U002")
		must(t, err)
		if p.GridID != a.Grid2.ID || p.Grid != "海风村第二网格" {
			t.Errorf("after the move U002 is in %d %q", p.GridID, p.Grid)
		}
		f, err := tx.PeriodFacts(a.ID, at("2026-10-01 00:00:00.000"), at("2026-11-01 00:00:00.000"), lookback)
		must(t, err)
		if got := membershipsOf(f.Memberships, u2.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("PeriodFacts memberships of U002 = %+v\nwant %+v", got, want)
		}
		return nil
	})

	// Leaving closes the open membership; rejoining needs a time.
	left := moved.AddDate(0, 1, 0)
	update(t, s, func(tx gridbot.Tx) error {
		changed, err := tx.SetMembership(a.ID, u2.ID, 0, "", left)
		must(t, err)
		if !changed {
			t.Error("leaving reported no change")
		}
		_, err = tx.SetMembership(a.ID, u2.ID, a.Grid1.ID, gridbot.RoleMember, time.Time{})
		wantCode(t, err, gridbot.EINVALID)
		_, err = tx.SetMembership(a.ID, u2.ID, 424242, gridbot.RoleMember, left)
		wantCode(t, err, gridbot.ENOTFOUND)
		return nil
	})
	view(t, s, func(tx gridbot.Tx) error {
		ms, err := tx.Memberships(a.ID)
		must(t, err)
		got := membershipsOf(ms, u2.ID)
		if len(got) != 2 || !got[1].To.Equal(left) {
			t.Errorf("after leaving: %+v", got)
		}
		p, err := tx.PersonByUserID(a.ID, "U002")
		must(t, err)
		if p.GridID != 0 || p.Grid != "" {
			t.Errorf("after leaving U002 is still in grid %d", p.GridID)
		}
		return nil
	})
}

func membershipsOf(ms []gridbot.Membership, personID int64) []gridbot.Membership {
	var out []gridbot.Membership
	for _, m := range ms {
		if m.PersonID == personID {
			out = append(out, m)
		}
	}
	return out
}

func testCheckpoints(t *testing.T, s gridbot.Store) {
	a := seedStore(t, s, "滨海镇")
	cps := []gridbot.Checkpoint{
		{Village: "海风村", Name: "村委会", Lat: 28.38, Lng: 121.47, RadiusM: 200},
		{VillageID: a.Village.ID, Name: "文化礼堂", Lat: 28.39, Lng: 121.48, RadiusM: 150},
	}
	update(t, s, func(tx gridbot.Tx) error { return tx.ReplaceCheckpoints(a.ID, cps) })
	update(t, s, func(tx gridbot.Tx) error { return tx.ReplaceCheckpoints(a.ID, cps[1:]) })
	view(t, s, func(tx gridbot.Tx) error {
		got, err := tx.Checkpoints(a.ID)
		must(t, err)
		if len(got) != 1 || got[0].Name != "文化礼堂" || got[0].Village != "海风村" || got[0].RadiusM != 150 || got[0].Lat != 28.39 {
			t.Errorf("Checkpoints after replace = %+v", got)
		}
		return nil
	})
	err := s.Update(ctx, func(tx gridbot.Tx) error {
		return tx.ReplaceCheckpoints(a.ID, []gridbot.Checkpoint{{Village: "无此村", Name: "x"}})
	})
	wantCode(t, err, gridbot.ENOTFOUND)
	err = s.Update(ctx, func(tx gridbot.Tx) error { return tx.ReplaceCheckpoints(a.ID, append(cps, cps[0])) })
	wantCode(t, err, gridbot.ECONFLICT)
}
