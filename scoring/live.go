package scoring

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"gridbot"
)

// A month not yet over is shown in three parts: what is certain (recorded
// facts that already count), what is decided at month end (the conditions
// of R-ATT-* and R-GRID-*, with their progress and both outcomes) and what
// is not known yet (the base points, until imported). Total and Items stay
// the month as if it ended at the result's instant (settle --at); these
// parts are beside them.

// Unknown parts of a member's month.
const UnknownBase = "base_points"

// Units of a next step's Need.
const (
	UnitCheckinDays  = "checkin_days"
	UnitIssuesClosed = "issues_closed"
	UnitActivities   = "activities"
	UnitBasePoints   = "base_points" // the base points needed once imported
	UnitPoints       = "points"      // more points needed (base points known)
)

// Live is a member's month in parts.
type Live struct {
	// CertainPoints sums the items that already count: every item but the
	// month-end ones (MonthEnd) while the month is not over.
	CertainPoints float64 `json:"certain_points"`
	// BasePoints is the month's imported base points, null until imported.
	BasePoints *float64 `json:"base_points"`
	// LastBasePoints is last month's, a hint while this month's are unknown
	// (null when not known).
	LastBasePoints *float64 `json:"last_base_points"`
	// Pending are the month-end conditions while the month is not over.
	Pending []Pending `json:"pending"`
	// Unknown names what is not known yet: "base_points".
	Unknown []string `json:"unknown"`
	// NextSteps are what the member, and their grid, still need this month.
	NextSteps []NextStep `json:"next_steps"`
	// DaysLeft are the days on which the member can still check in this month.
	DaysLeft int `json:"checkin_days_left"`
	// LivePoints are the points of the live place: CertainPoints, less the
	// base points when not every member's are imported (MonthResult.BaseComplete).
	LivePoints float64 `json:"live_points"`
	// LiveRank is the provisional place (暂列) among all members by
	// LivePoints, then R-RANK-TIE; null once the month is over with every
	// base point imported (Rank is then the draft's place).
	LiveRank *int `json:"live_rank"`
	LiveTie  bool `json:"live_tie"`
}

// Pending is a month-end condition: what the member wants to hold at the end
// of the month, how far it is, and the points either way.
type Pending struct {
	Rule      string  `json:"rule"`
	Condition string  `json:"condition"` // "月底打卡满20天"
	Progress  string  `json:"progress"`  // "打卡 3 天", "西岭村第一网格 办结 2 条"
	Have      int     `json:"have"`
	Target    int     `json:"target"`
	Possible  bool    `json:"possible"` // can still hold at month end
	IfMet     float64 `json:"if_met"`
	IfNot     float64 `json:"if_not"`
}

// NextStep is what is still needed this month: check-in days, the grid's
// issues closed and activities, points for R-RANK-ELIG. Possible is false
// when it can no longer be reached this month.
type NextStep struct {
	Rule     string  `json:"rule"`
	Unit     string  `json:"unit"`
	Need     float64 `json:"need"`
	Possible bool    `json:"possible"`
}

// monthEndRules are decided at the end of the month.
var monthEndRules = map[string]bool{RAttFull: true, RAtt20: true, RAttLow: true, RGridIssues: true, RGridActs: true}

// ended reports whether the month is over as at the run's instant.
func (m *monthRun) ended() bool { return !m.w.at.Before(m.w.end) }

// daysLeft counts the days of the month on which a's check-in can still
// come: the days after the instant's, and its own while the morning window
// is open and a has not checked in. Before the month, all of them.
func (m *monthRun) daysLeft(a *memberAcc) int {
	if m.ended() {
		return 0
	}
	if m.w.at.Before(m.w.start) {
		return m.days
	}
	at := m.w.at.In(gridbot.Zone)
	today := at.Day()
	left := m.days - today
	_, to := m.r.window()
	midnight := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, gridbot.Zone)
	if a.dayBits&(1<<(today-1)) == 0 && at.Sub(midnight) < to {
		left++
	}
	return left
}

// parts sets a's parts as at the run's instant; its items are booked and
// sorted, Total set.
func (m *monthRun) parts(a *memberAcc) {
	l := &a.Live
	ended := m.ended()
	sum := 0.0
	for i := range a.Items {
		it := &a.Items[i]
		it.MonthEnd = !ended && monthEndRules[it.Rule]
		if !it.MonthEnd {
			sum += it.Points
		}
	}
	l.CertainPoints = round2(sum)
	if a.hasBase {
		b := round2(a.base)
		l.BasePoints = &b
	} else {
		l.Unknown = []string{UnknownBase}
	}
	l.DaysLeft = m.daysLeft(a)
	if ended {
		return
	}
	at, g, d := m.r.Monthly.Attendance, m.r.Monthly.Grid, a.CheckinDays
	most := d + l.DaysLeft
	days := fmt.Sprintf("打卡 %d 天", d)
	gm := m.grid(a.GridID)
	l.Pending = []Pending{
		{Rule: RAttFull, Condition: fmt.Sprintf("月底全勤（%d天每天打卡）", m.days), Progress: days, Have: d, Target: m.days,
			Possible: most >= m.days, IfMet: at.FullPoints},
		{Rule: RAtt20, Condition: fmt.Sprintf("月底打卡满%d天", at.ManyDays), Progress: days, Have: d, Target: at.ManyDays,
			Possible: most >= at.ManyDays, IfMet: at.ManyPoints},
		{Rule: RAttLow, Condition: fmt.Sprintf("月底打卡超过%d天", at.FewDays), Progress: days, Have: d, Target: at.FewDays + 1,
			Possible: most > at.FewDays, IfNot: at.FewPoints},
		{Rule: RGridIssues, Condition: fmt.Sprintf("本网格月底办结满%d条", g.MinIssuesClosed),
			Progress: fmt.Sprintf("%s 办结 %d 条", a.Grid, gm.IssuesClosed), Have: gm.IssuesClosed, Target: g.MinIssuesClosed,
			Possible: true, IfNot: g.IssuesPoints},
		{Rule: RGridActs, Condition: fmt.Sprintf("本网格月底集体活动满%d条", g.MinActivities),
			Progress: fmt.Sprintf("%s 活动 %d 条", a.Grid, gm.Activities), Have: gm.Activities, Target: g.MinActivities,
			Possible: true, IfNot: g.ActivitiesPoints},
	}
	l.NextSteps = m.nextSteps(a, most)
}

// nextSteps are what a still needs this month: check-in days for R-RANK-ELIG
// (or, when those can no longer be had, for R-ATT-LOW), the grid's issues
// and activities, and the points for R-RANK-ELIG once the base points are in.
func (m *monthRun) nextSteps(a *memberAcc, most int) []NextStep {
	k, at, g := m.r.Ranking, m.r.Monthly.Attendance, m.r.Monthly.Grid
	var out []NextStep
	d := a.CheckinDays
	canRank := most >= k.MinCheckinDays
	if need := k.MinCheckinDays - d; need > 0 {
		out = append(out, NextStep{Rule: RRankElig, Unit: UnitCheckinDays, Need: float64(need), Possible: canRank})
	}
	if need := at.FewDays + 1 - d; !canRank && need > 0 {
		out = append(out, NextStep{Rule: RAttLow, Unit: UnitCheckinDays, Need: float64(need), Possible: most > at.FewDays})
	}
	gm := m.grid(a.GridID)
	if need := g.MinIssuesClosed - gm.IssuesClosed; need > 0 {
		out = append(out, NextStep{Rule: RGridIssues, Unit: UnitIssuesClosed, Need: float64(need), Possible: true})
	}
	if need := g.MinActivities - gm.Activities; need > 0 {
		out = append(out, NextStep{Rule: RGridActs, Unit: UnitActivities, Need: float64(need), Possible: true})
	}
	if !canRank {
		return out
	}
	// Eligible means checked in on MinCheckinDays days: at least R-ATT-20's
	// points at month end; the grid's conditions are taken as met.
	sure := a.Live.CertainPoints + EligibleBonus(m.r)
	if a.hasBase {
		if need := round2(k.MinPoints - sure); need > 0 {
			out = append(out, NextStep{Rule: RRankElig, Unit: UnitPoints, Need: need, Possible: true})
		}
	} else {
		out = append(out, NextStep{Rule: RRankElig, Unit: UnitBasePoints, Need: max(0, round2(k.MinPoints-sure)), Possible: true})
	}
	return out
}

// EligibleBonus is the least attendance bonus of an eligible member: R-ATT-20's
// when min_checkin_days reaches many_days, else none.
func EligibleBonus(r *Rules) float64 {
	at := r.Monthly.Attendance
	if r.Ranking.MinCheckinDays >= at.ManyDays {
		return max(0, min(at.ManyPoints, at.FullPoints))
	}
	return 0
}

// livePoints are a member's points on the footing of the live place.
func livePoints(mr *MemberResult, baseComplete bool) float64 {
	if baseComplete || mr.BasePoints == nil {
		return mr.CertainPoints
	}
	return round2(mr.CertainPoints - *mr.BasePoints)
}

// rankLive sets each member's provisional place (LiveRank): all of them, by
// LivePoints, then R-RANK-TIE.
func rankLive(r *Rules, list []*MemberResult) {
	places, ties := competition(len(list), func(i, j int) int {
		if c := cmp.Compare(cents(list[j].LivePoints), cents(list[i].LivePoints)); c != 0 {
			return c
		}
		return rRankTie(r, list[i].ties(), list[j].ties())
	}, func(i, j int) int { return strings.Compare(list[i].UserID, list[j].UserID) })
	for i, mr := range list {
		p := places[i]
		mr.LiveRank, mr.LiveTie = &p, ties[i]
	}
}

// Open reports whether a month's places are provisional: before its end, or
// after it while some base points are not imported.
func (r *MonthResult) Open() bool { return !r.Ended || !r.BaseComplete }

// finishLive sets the live points and places of a month's members.
func finishLive(r *Rules, res *MonthResult) {
	res.BaseComplete = len(res.Members) > 0
	for i := range res.Members {
		if res.Members[i].BasePoints == nil {
			res.BaseComplete = false
		}
	}
	list := make([]*MemberResult, 0, len(res.Members))
	for i := range res.Members {
		mr := &res.Members[i]
		mr.LivePoints = livePoints(mr, res.BaseComplete)
		mr.LiveRank, mr.LiveTie = nil, false
		if mr.Excluded == "" { // 取消排名: no place, not even a provisional one
			list = append(list, mr)
		}
	}
	if res.Open() {
		rankLive(r, list)
	}
}

// PlaceLive places me among the members of a month settled a little
// earlier (town; me's own entry there is replaced by me) on the footing of
// town's live places, and returns me with Place's eligibility and place and
// with LivePoints, LiveRank and LiveTie set. It counts who is ahead rather
// than ranking the town again.
func PlaceLive(r *Rules, town *MonthResult, me MemberResult) MemberResult {
	me = Place(r, town.Members, me)
	me.LivePoints = livePoints(&me, town.BaseComplete)
	me.LiveRank, me.LiveTie = nil, false
	if !town.Open() || me.Excluded != "" {
		return me // an excluded member (取消排名) has no place, not even a provisional one
	}
	mine := me.ties()
	place := 1
	for i := range town.Members {
		o := &town.Members[i]
		if o.UserID == me.UserID || o.Excluded != "" {
			continue
		}
		c := cmp.Compare(cents(me.LivePoints), cents(o.LivePoints))
		if c == 0 {
			c = -rRankTie(r, mine, o.ties())
		}
		switch {
		case c < 0:
			place++
		case c == 0:
			me.LiveTie = true
		}
	}
	me.LiveRank = &place
	return me
}
