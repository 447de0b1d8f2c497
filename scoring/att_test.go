package scoring

import (
	"strconv"
	"testing"
	"time"

	"gridbot"
)

// attTown is one grid kept healthy in month, with member M1 checked in on days.
func attTown(month string, days int) *town {
	tw := newTown()
	g := tw.grid(tw.village("海风村"), "海风村第一网格")
	tw.person("L1", gridbot.RoleLeader, g)
	tw.person("M1", gridbot.RoleMember, g)
	tw.healthy(g, "L1", month)
	tw.checkinRange("M1", month, 1, days)
	return tw
}

func TestAttendanceThresholds(t *testing.T) {
	for _, tc := range []struct {
		days            int
		full, many, low float64
	}{
		{31, 10, 0, 0},
		{30, 0, 5, 0},
		{21, 0, 5, 0},
		{20, 0, 5, 0}, // exactly 20: "20天以上" includes 20
		{19, 0, 0, 0},
		{11, 0, 0, 0},  // exactly 11: neither
		{10, 0, 0, -5}, // exactly 10: "10天以下" includes 10
		{0, 0, 0, -5},
	} {
		mr := member(t, attTown("2026-10", tc.days).month("2026-10"), "M1")
		if mr.CheckinDays != tc.days {
			t.Fatalf("%d days: checkin_days = %d", tc.days, mr.CheckinDays)
		}
		if got := [3]float64{rulePoints(mr, RAttFull), rulePoints(mr, RAtt20), rulePoints(mr, RAttLow)}; got != [3]float64{tc.full, tc.many, tc.low} {
			t.Errorf("%d days: full/20/low = %v, want %v", tc.days, got, [3]float64{tc.full, tc.many, tc.low})
		}
	}
}

func TestAttendanceFullInEveryMonthLength(t *testing.T) {
	for _, tc := range []struct {
		month string
		days  int
	}{{"2026-02", 28}, {"2028-02", 29}, {"2026-09", 30}, {"2026-10", 31}} {
		mr := member(t, attTown(tc.month, tc.days).month(tc.month), "M1")
		if len(items(mr, RAttFull)) != 1 || len(items(mr, RAtt20)) != 0 || mr.Total != 10 {
			t.Errorf("%s, %d days: items %+v total %v; want R-ATT-FULL alone, 10", tc.month, tc.days, mr.Items, mr.Total)
		}
		it := items(mr, RAttFull)[0]
		if it.Ref != "打卡 "+strconv.Itoa(tc.days)+" 天" || it.Date != "" || it.Name != "打卡全勤" {
			t.Errorf("%s: item %+v", tc.month, it)
		}
		// One day short is 20+, not full.
		mr = member(t, attTown(tc.month, tc.days-1).month(tc.month), "M1")
		if len(items(mr, RAttFull)) != 0 || rulePoints(mr, RAtt20) != 5 {
			t.Errorf("%s, %d days: %+v; want R-ATT-20 only", tc.month, tc.days-1, mr.Items)
		}
	}
}

func TestAttendanceFullLowerThan20NeverStacks(t *testing.T) {
	// If an office made 20+ worth more than full attendance, the higher applies, still once.
	tw := attTown("2026-10", 31)
	r := DefaultRules()
	r.Monthly.Attendance.ManyPoints = 12
	mr := member(t, Month(&tw.f, r, "2026-10", endOfTime), "M1")
	if len(items(mr, RAttFull)) != 0 || rulePoints(mr, RAtt20) != 12 {
		t.Errorf("items %+v; want R-ATT-20 12 only", mr.Items)
	}
}

func TestCheckinDaysCountDistinctDaysOnly(t *testing.T) {
	tw := attTown("2026-10", 0)
	tw.checkins("M1", "2026-10", 3, 3, 4) // a duplicate day counts once
	tw.checkins("M1", "2026-09", 30)      // another month
	tw.checkins("M1", "2026-11", 1)       // another month
	if mr := member(t, tw.month("2026-10"), "M1"); mr.CheckinDays != 2 {
		t.Fatalf("checkin_days = %d, want 2", mr.CheckinDays)
	}
}

// TestCheckinDaysFromTheStore: the months of days PeriodFacts gives count
// as their check-ins would — together with check-ins given one by one, a
// day once — and as at an instant inside the month, Late days (recorded
// after it) do not; as at an instant before the month none do.
func TestCheckinDaysFromTheStore(t *testing.T) {
	tw := attTown("2026-02", 0)
	tw.f.CheckinDays = []gridbot.CheckinMonth{
		{UserID: "M1", Month: "2026-02", Days: 1<<10 - 1},                // days 1-10
		{UserID: "M1", Month: "2026-02", Days: 1<<9 | 1<<10, Late: true}, // 10 again and 11, imported later
		{UserID: "M1", Month: "2026-03", Days: 1<<31 - 1},                // another month
		{UserID: "M1", Month: "2026-02", Days: 1 << 30},                  // no 31st in February
		{UserID: "NOBODY", Month: "2026-02", Days: 1},
	}
	tw.checkins("M1", "2026-02", 12, 1) // the 1st again
	for _, tc := range []struct {
		at   time.Time
		days int
	}{
		{time.Time{}, 12},
		{ts("2026-03-01 00:00"), 12},
		{ts("2026-02-20 12:00"), 11}, // Late left out, the 12th checked in by then
		{ts("2026-01-31 23:59"), 0},
	} {
		mr := member(t, Month(&tw.f, DefaultRules(), "2026-02", tc.at), "M1")
		if mr.CheckinDays != tc.days {
			t.Errorf("as at %v: %d check-in days, want %d", tc.at, mr.CheckinDays, tc.days)
		}
	}
}
