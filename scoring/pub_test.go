package scoring

import (
	"testing"
	"time"

	"gridbot"
)

func TestPublicityPointsAndHalving(t *testing.T) {
	tw := attTown("2026-10", 25)
	day := ts("2026-10-08 10:00")
	for i, c := range []struct {
		level string
		comp  bool
	}{
		{gridbot.LevelTown, false}, {gridbot.LevelTown, true},
		{gridbot.LevelCounty, false}, {gridbot.LevelCounty, true},
		{gridbot.LevelCity, false}, {gridbot.LevelCity, true},
		{gridbot.LevelProvince, false}, {gridbot.LevelProvince, true},
	} {
		tw.pub(c.level, c.comp, day.Add(time.Duration(i)*time.Minute), "M1", "M1") // named twice: once
	}
	tw.pub(gridbot.LevelCity, false, ts("2026-11-01 10:00"), "M1") // next month
	mr := member(t, tw.month("2026-10"), "M1")
	want := map[string][]float64{
		RPubTown:   {10, 0}, // a town comprehensive report scores 0
		RPubCounty: {20},
		RPubCity:   {50},
		RPubProv:   {100},
		RPubHalf:   {10, 25, 50}, // comprehensive at county, city, provincial level: half
	}
	for rule, pts := range want {
		its := items(mr, rule)
		if len(its) != len(pts) {
			t.Errorf("%s: %d items, want %d: %+v", rule, len(its), len(pts), its)
			continue
		}
		for i, p := range pts {
			if its[i].Points != p || its[i].Date != "2026-10-08" {
				t.Errorf("%s[%d] = %+v, want %v points", rule, i, its[i], p)
			}
		}
	}
	if its := items(mr, RPubTown); its[0].Ref != "报道#6" || its[1].Name != "镇级综合性报道" {
		t.Errorf("town items %+v", its)
	}
	if mr.Total != 5+10+20+10+50+25+100+50 {
		t.Errorf("total %v", mr.Total)
	}
}

func TestDeliberations(t *testing.T) {
	tw := attTown("2026-10", 25)
	g := tw.f.Grids[0].ID
	tw.person("M2", gridbot.RoleMember, g)
	tw.person("O1", gridbot.RoleOffice, 0)
	// Two deliberations of the month, both confirmed: M1 and L1 count once.
	tw.delib(g, "L1", ts("2026-10-27 19:00"), ts("2026-10-28 09:00"), "M1")
	tw.delib(g, "L1", ts("2026-10-06 19:00"), ts("2026-11-02 09:00"), "M1", "O1")
	// M2 only in an unconfirmed one.
	tw.delib(g, "L1", ts("2026-10-07 19:00"), time.Time{}, "M2")
	res := tw.month("2026-10")
	for _, u := range []string{"M1", "L1"} {
		its := items(member(t, res, u), RDelib)
		// The earlier deliberation (confirmed next month) is booked in the month it was held.
		if len(its) != 1 || its[0].Points != 10 || its[0].Ref != "议事#7" || its[0].Date != "2026-10-06" {
			t.Errorf("%s R-DELIB %+v", u, its)
		}
	}
	if its := items(member(t, res, "M2"), RDelib); len(its) != 0 {
		t.Errorf("unconfirmed deliberation scored: %+v", its)
	}
	// As at before the later confirmation, only the one confirmed on 10-28 counts.
	its := items(member(t, settle(tw, "2026-10", ts("2026-10-31 23:00")), "M1"), RDelib)
	if len(its) != 1 || its[0].Ref != "议事#6" {
		t.Errorf("as at 10-31: %+v", its)
	}
	// A town allowing two a month books both.
	r := DefaultRules()
	r.Monthly.Deliberation.MaxPerMonth = 2
	if got := rulePoints(member(t, Month(&tw.f, r, "2026-10", time.Time{}), "M1"), RDelib); got != 20 {
		t.Errorf("max_per_month 2: %v", got)
	}
}
