package scoring

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gridbot"
)

// syntheticTown builds, in memory, a town of 10,000 grids of 10 people
// (100,000 people), with ~3M check-ins, 300k activities and 200k issues in
// October 2026, plus some of every other fact.
func syntheticTown() *gridbot.Facts {
	const villages, gridsPer, perGrid = 1000, 10, 10
	rng := rand.New(rand.NewPCG(1, 2))
	f := &gridbot.Facts{Town: gridbot.Town{ID: 1, Name: "大镇"}}
	start := ts("2026-10-01 00:00")
	days := make([]string, 31)
	for d := range days {
		days[d] = gridbot.Day(start.AddDate(0, 0, d))
	}
	users := make([][]string, 0, villages*gridsPer)
	var id int64
	for v := 0; v < villages; v++ {
		id++
		vid := id
		f.Villages = append(f.Villages, gridbot.Village{ID: vid, TownID: 1, Name: fmt.Sprintf("村%04d", v)})
		for g := 0; g < gridsPer; g++ {
			id++
			gid := id
			f.Grids = append(f.Grids, gridbot.Grid{ID: gid, TownID: 1, VillageID: vid, Name: fmt.Sprintf("村%04d网格%d", v, g)})
			var us []string
			for p := 0; p < perGrid; p++ {
				id++
				uid := fmt.Sprintf("U%07d", id)
				role := gridbot.RoleMember
				if p == 0 {
					role = gridbot.RoleLeader
				}
				f.People = append(f.People, gridbot.Person{ID: id, TownID: 1, UserID: uid, Name: uid, Role: role, GridID: gid, Active: true})
				f.Memberships = append(f.Memberships, gridbot.Membership{PersonID: id, UserID: uid, GridID: gid, Role: role})
				f.BasePoints = append(f.BasePoints, gridbot.BasePoint{UserID: uid, Month: "2026-10", Points: float64(rng.IntN(80))})
				us = append(us, uid)
			}
			users = append(users, us)
		}
	}
	f.Checkins = make([]gridbot.Checkin, 0, 3_000_000)
	for gi, us := range users {
		for _, u := range us {
			skip := rng.IntN(31)
			for d := 0; d < 31; d++ {
				if d == skip {
					continue
				}
				at := start.AddDate(0, 0, d).Add(8 * time.Hour)
				f.Checkins = append(f.Checkins, gridbot.Checkin{UserID: u, Day: days[d], At: at,
					Record: gridbot.Record{RecordedAt: at}})
			}
		}
		gid := f.Grids[gi].ID
		for a := 0; a < 30; a++ {
			at := start.Add(time.Duration(rng.IntN(31*24)) * time.Hour)
			f.Activities = append(f.Activities, gridbot.Activity{ID: int64(len(f.Activities) + 1), GridID: gid,
				Category: gridbot.ActivityCategories[a%5], Leader: us[0], Participants: []string{us[0], us[1+rng.IntN(9)], us[1+rng.IntN(9)], us[1+rng.IntN(9)]},
				At: at, Record: gridbot.Record{RecordedAt: at}})
		}
		for i := 0; i < 20; i++ {
			rep := start.Add(time.Duration(rng.IntN(31*24)-7*24) * time.Hour)
			is := gridbot.Issue{No: int64(len(f.Issues) + 1), GridID: gid, ReportedBy: us[rng.IntN(10)], ReportedAt: rep,
				Record: gridbot.Record{RecordedAt: rep}}
			if rng.IntN(10) > 0 {
				is.Assignee, is.DispatchedAt = us[rng.IntN(10)], rep.Add(time.Duration(rng.IntN(30))*time.Hour)
				if rng.IntN(4) > 0 {
					is.ClosedAt = is.DispatchedAt.Add(time.Duration(rng.IntN(240)) * time.Hour)
					is.Rating, is.RatedAt = gridbot.Ratings[rng.IntN(3)], is.ClosedAt.Add(time.Hour)
				}
			}
			f.Issues = append(f.Issues, is)
		}
		at := start.Add(15 * 24 * time.Hour)
		f.Deliberations = append(f.Deliberations, gridbot.Deliberation{No: int64(gi + 1), GridID: gid, Leader: us[0],
			Participants: us[:6], At: at, ConfirmedAt: at.Add(24 * time.Hour)})
		if gi%10 == 0 {
			f.Publicity = append(f.Publicity, gridbot.Publicity{No: int64(gi + 1), Level: gridbot.LevelCounty,
				Involved: us[:3], At: at})
			f.Adjustments = append(f.Adjustments, gridbot.Adjustment{ID: int64(gi + 1), UserID: us[2], Points: -3,
				Category: "组织纪律", At: at})
		}
	}
	// In the order PeriodFacts gives them, time after time, grids mixed.
	slices.SortStableFunc(f.Activities, func(x, y gridbot.Activity) int { return x.At.Compare(y.At) })
	slices.SortStableFunc(f.Issues, func(x, y gridbot.Issue) int { return x.ReportedAt.Compare(y.ReportedAt) })
	return f
}

// asCheckinDays replaces the check-ins of f by their days, as PeriodFacts
// gives them.
func asCheckinDays(f *gridbot.Facts) {
	byUser := map[string]*gridbot.CheckinMonth{}
	for _, c := range f.Checkins {
		m := byUser[c.UserID]
		if m == nil {
			f.CheckinDays = append(f.CheckinDays, gridbot.CheckinMonth{UserID: c.UserID, Month: c.Day[:7]})
			m = &f.CheckinDays[len(f.CheckinDays)-1]
			byUser[c.UserID] = m
		}
		d := int(c.Day[8]-'0')*10 + int(c.Day[9]-'0')
		m.Days |= 1 << (d - 1)
	}
	f.Checkins = nil
}

// BenchmarkMonth scores the synthetic town's month from its check-in days,
// as results does; BenchmarkMonthCheckins from its check-ins.
func BenchmarkMonth(b *testing.B) {
	f := syntheticTown()
	asCheckinDays(f)
	benchMonth(b, f)
}

func BenchmarkMonthCheckins(b *testing.B) { benchMonth(b, syntheticTown()) }

func benchMonth(b *testing.B, f *gridbot.Facts) {
	r := DefaultRules()
	b.Logf("people %d, grids %d, check-ins %d, check-in months %d, activities %d, issues %d",
		len(f.People), len(f.Grids), len(f.Checkins), len(f.CheckinDays), len(f.Activities), len(f.Issues))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := Month(f, r, "2026-10", time.Time{})
		if len(res.Members) != 100_000 {
			b.Fatalf("%d members", len(res.Members))
		}
	}
}
