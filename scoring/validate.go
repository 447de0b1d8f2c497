package scoring

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Validate checks that the rules make sense, naming the key of the first
// problem. ParseRules calls it; call it on rules built in code.
func (r *Rules) Validate() error {
	checks := []func() error{r.validateWindow, r.validateMonthly, r.validatePublicity,
		r.validateRanking, r.validateQuarterly, r.validateYearly, r.validateIndex, r.validateNotices}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// Messages shared by several keys.
const (
	msgNonNegative = "不能为负数 / must not be negative"
	msgDeduction   = "扣分应写成负数或0，如 -5 / a deduction must be negative or 0, e.g. -5"
	msgPositive    = "应为正数 / must be positive"
	msgFactor      = "应在0到1之间 / must be between 0 and 1"
	msgMonthDays   = "应在0到31之间 / must be between 0 and 31"
)

// msgDeadlineDays refuses a deadline beyond MaxDeadlineDays.
var msgDeadlineDays = fmt.Sprintf("不能超过%d天：结算时要读取每期之前这么多天内上报的问题，更长的时限多半是写错了 / "+
	"must be at most %d days: settling reads the issues reported that long before each period, and a longer deadline is most likely a typo",
	MaxDeadlineDays, MaxDeadlineDays)

func (r *Rules) validateWindow() error {
	from, err := parseClock(r.CheckinWindow.From)
	if err != nil {
		return rulesError("checkin_window.from", `期望时刻，如 "05:00" / expected a time of day, e.g. "05:00"`)
	}
	to, err := parseClock(r.CheckinWindow.To)
	if err != nil {
		return rulesError("checkin_window.to", `期望时刻，如 "12:00" / expected a time of day, e.g. "12:00"`)
	}
	if to <= from {
		return rulesError("checkin_window.to", "应晚于开始时刻 / must be after checkin_window.from")
	}
	return nil
}

func (r *Rules) validateMonthly() error {
	m := r.Monthly
	n := m.Base.Native
	a := m.Attendance
	o := m.Overdue
	for _, c := range []struct {
		ok   bool
		path string
		msg  string
	}{
		{n.Checkin >= 0, "monthly.base.native.checkin", msgNonNegative},
		{n.Activity >= 0, "monthly.base.native.activity", msgNonNegative},
		{n.IssueReported >= 0, "monthly.base.native.issue_reported", msgNonNegative},
		{n.IssueClosed >= 0, "monthly.base.native.issue_closed", msgNonNegative},
		{a.FullPoints >= 0, "monthly.attendance.full_points", msgNonNegative},
		{a.ManyDays >= 1 && a.ManyDays <= 31, "monthly.attendance.many_days", "应在1到31之间 / must be between 1 and 31"},
		{a.ManyPoints >= 0, "monthly.attendance.many_points", msgNonNegative},
		{a.FewDays >= 0 && a.FewDays <= 31, "monthly.attendance.few_days", msgMonthDays},
		{a.FewDays < a.ManyDays, "monthly.attendance.few_days", "应小于 many_days / must be less than monthly.attendance.many_days"},
		{a.FewPoints <= 0, "monthly.attendance.few_points", msgDeduction},
		{m.Deliberation.Points >= 0, "monthly.deliberation.points", msgNonNegative},
		{m.Deliberation.MaxPerMonth >= 1, "monthly.deliberation.max_per_month", msgPositive},
		{m.Grid.MinIssuesClosed >= 0, "monthly.grid.min_issues_closed", msgNonNegative},
		{m.Grid.IssuesPoints <= 0, "monthly.grid.issues_points", msgDeduction},
		{m.Grid.MinActivities >= 0, "monthly.grid.min_activities", msgNonNegative},
		{m.Grid.ActivitiesPoints <= 0, "monthly.grid.activities_points", msgDeduction},
		{o.DispatchHours >= 1, "monthly.overdue.dispatch_hours", msgPositive},
		{o.DispatchPoints <= 0, "monthly.overdue.dispatch_points", msgDeduction},
		{o.DispatchLateDays >= 1, "monthly.overdue.dispatch_late_days", msgPositive},
		{o.DispatchLateDays <= MaxDeadlineDays, "monthly.overdue.dispatch_late_days", msgDeadlineDays},
		{o.DispatchLateDays*24 > o.DispatchHours, "monthly.overdue.dispatch_late_days",
			"应长于 dispatch_hours / must be longer than monthly.overdue.dispatch_hours"},
		{o.DispatchLatePoints <= 0, "monthly.overdue.dispatch_late_points", msgDeduction},
		{o.CloseDays >= 1, "monthly.overdue.close_days", msgPositive},
		{o.CloseDays <= MaxDeadlineDays, "monthly.overdue.close_days", msgDeadlineDays},
		{o.ClosePoints <= 0, "monthly.overdue.close_points", msgDeduction},
		{!o.ClosePenalty || o.ClosePoints < 0, "monthly.overdue.close_points",
			"close_penalty 为 true 时应写明扣分（负数，如 -2），0 等于不扣分 / with close_penalty true, close_points must be a deduction (e.g. -2); 0 deducts nothing"},
	} {
		if !c.ok {
			return rulesError(c.path, c.msg)
		}
	}
	return nil
}

func (r *Rules) validatePublicity() error {
	p := r.Publicity
	for _, l := range []struct {
		key string
		l   Level
	}{{"town", p.Town}, {"county", p.County}, {"city", p.City}, {"province", p.Province}} {
		switch {
		case l.l.Points < 0:
			return rulesError("publicity."+l.key+".points", msgNonNegative)
		case l.l.Yuan < 0:
			return rulesError("publicity."+l.key+".yuan", msgNonNegative)
		case l.l.Comprehensive < 0 || l.l.Comprehensive > 1:
			return rulesError("publicity."+l.key+".comprehensive", msgFactor)
		}
	}
	switch {
	case p.PhotoYuan < 0:
		return rulesError("publicity.photo_yuan", msgNonNegative)
	case p.StoryYuan < 0:
		return rulesError("publicity.story_yuan", msgNonNegative)
	case p.StoryVillagePoints < 0:
		return rulesError("publicity.story_village_points", msgNonNegative)
	}
	return nil
}

func (r *Rules) validateRanking() error {
	k := r.Ranking
	if k.MinPoints < 0 {
		return rulesError("ranking.min_points", msgNonNegative)
	}
	if k.MinCheckinDays < 0 || k.MinCheckinDays > 31 {
		return rulesError("ranking.min_checkin_days", msgMonthDays)
	}
	if len(k.Tiers) == 0 {
		return rulesError("ranking.tiers", "至少要有一档 / at least one tier is needed")
	}
	names, labels := map[string]bool{}, map[string]bool{}
	for i, t := range k.Tiers {
		p := fmt.Sprintf("ranking.tiers[%d]", i)
		switch {
		case t.Name == "" || t.Name == TierNone:
			return rulesError(p+".name", `不能为空或 "none" / must not be empty or "none"`)
		case names[t.Name]:
			return rulesError(p+".name", "档次名称重复 / the tier name is used twice")
		case t.ToPlace < 1:
			return rulesError(p+".to_place", msgPositive)
		case i > 0 && t.ToPlace <= k.Tiers[i-1].ToPlace:
			return rulesError(p+".to_place", "应大于上一档的名次 / must be greater than the previous tier's to_place")
		case t.Yuan < 0:
			return rulesError(p+".yuan", msgNonNegative)
		case i > 0 && t.Yuan > k.Tiers[i-1].Yuan:
			return rulesError(p+".yuan", "不应高于上一档 / must not be more than the previous tier's")
		case t.Label != "" && labels[t.Label]:
			return rulesError(p+".label", "档次显示名重复 / the label is used twice")
		}
		from := 1
		if i > 0 {
			from = k.Tiers[i-1].ToPlace + 1
		}
		if msg := labelMismatch(t, from); msg != "" {
			return rulesError(p+".label", msg)
		}
		names[t.Name] = true
		labels[t.Label] = true
	}
	keys := map[string]bool{}
	for i, key := range k.TieBreak {
		p := fmt.Sprintf("ranking.tie_break[%d]", i)
		switch {
		case key != TieCheckinDays && key != TieIssuesClosed && key != TieActivities:
			return rulesError(p, "应为 checkin_days、issues_closed 或 activities / must be checkin_days, issues_closed or activities")
		case keys[key]:
			return rulesError(p, "重复 / listed twice")
		}
		keys[key] = true
	}
	return nil
}

func (r *Rules) validateQuarterly() error {
	t := r.Quarterly.Team
	switch {
	case t.Score != TeamScoreMean && t.Score != TeamScoreIndex:
		return rulesError("quarterly.team.score", "应为 mean 或 index / must be mean or index")
	case t.Winners < 1:
		return rulesError("quarterly.team.winners", msgPositive)
	case t.AwardYuan < 0:
		return rulesError("quarterly.team.award_yuan", msgNonNegative)
	}
	return nil
}

func (r *Rules) validateYearly() error {
	y := r.Yearly
	switch {
	case y.Villages.Winners < 1:
		return rulesError("yearly.villages.winners", msgPositive)
	case y.Villages.AwardYuan < 0:
		return rulesError("yearly.villages.award_yuan", msgNonNegative)
	case y.Villages.BottomFraction < 0 || y.Villages.BottomFraction > 1:
		return rulesError("yearly.villages.bottom_fraction", msgFactor)
	case y.Leaders.Winners < 1:
		return rulesError("yearly.leaders.winners", msgPositive)
	case y.Leaders.AwardYuan < 0:
		return rulesError("yearly.leaders.award_yuan", msgNonNegative)
	case y.Members.Winners < 1:
		return rulesError("yearly.members.winners", msgPositive)
	case y.Members.AwardYuan < 0:
		return rulesError("yearly.members.award_yuan", msgNonNegative)
	case y.PartyConsecutiveStars < 1:
		return rulesError("yearly.party_consecutive_stars", msgPositive)
	}
	for _, a := range []struct {
		key string
		a   Award
	}{{"leaders", y.Leaders}, {"members", y.Members}} {
		switch {
		case a.a.MinPoints < 0:
			return rulesError("yearly."+a.key+".min_points", msgNonNegative)
		case a.a.MinCheckinMonths < 0 || a.a.MinCheckinMonths > 12:
			return rulesError("yearly."+a.key+".min_checkin_months", "应在0到12之间 / must be between 0 and 12")
		}
	}
	return nil
}

func (r *Rules) validateIndex() error {
	w := r.Index.Weights
	sum := 0.0
	for _, x := range []struct {
		key string
		v   float64
	}{{"checkin_rate", w.CheckinRate}, {"activities", w.Activities}, {"issues_closed", w.IssuesClosed},
		{"on_time", w.OnTime}, {"satisfaction", w.Satisfaction}, {"office", w.Office}} {
		if x.v < 0 {
			return rulesError("index.weights."+x.key, msgNonNegative)
		}
		sum += x.v
	}
	if math.Abs(sum-1) > 0.001 {
		return rulesError("index.weights", fmt.Sprintf("权重之和应为1，现为%g / the weights must add up to 1, they add up to %g", sum, sum))
	}
	t := r.Index.Targets
	if t.ActivitiesPerMonth < 1 {
		return rulesError("index.targets.activities_per_month", msgPositive)
	}
	if t.IssuesClosedPerMonth < 1 {
		return rulesError("index.targets.issues_closed_per_month", msgPositive)
	}
	for _, x := range []struct {
		key string
		v   float64
	}{{"satisfied", r.Index.Ratings.Satisfied}, {"basic", r.Index.Ratings.Basic}, {"unsatisfied", r.Index.Ratings.Unsatisfied}} {
		if x.v < 0 || x.v > 100 {
			return rulesError("index.ratings."+x.key, "应在0到100之间 / must be between 0 and 100")
		}
	}
	rt := r.Index.Ratings
	if rt.Satisfied < rt.Basic || rt.Basic < rt.Unsatisfied || rt.Satisfied == rt.Unsatisfied {
		return rulesError("index.ratings", "应为 满意 ≥ 基本满意 ≥ 不满意，且满意高于不满意 / must be satisfied ≥ basic ≥ unsatisfied, satisfied above unsatisfied")
	}
	seen := map[string]bool{}
	for i, c := range r.Index.OfficeCategories {
		p := fmt.Sprintf("index.office_categories[%d]", i)
		switch {
		case !slices.Contains(AdjustCategories, c):
			return rulesError(p, fmt.Sprintf("「调整」只会产生这些类别：%s；「%s」不会出现 / 调整 only produces the categories %s",
				strings.Join(AdjustCategories, "、"), c, strings.Join(AdjustCategories, ", ")))
		case seen[c]:
			return rulesError(p, "重复 / listed twice")
		}
		seen[c] = true
	}
	return nil
}

// AdjustCategories are the categories an office adjustment (调整) can carry:
// its reason starts with one of them. index.office_categories may name only
// these.
var AdjustCategories = []string{"基础工作", "应知应到", "组织纪律", "更正"}

var (
	labelYuan   = regexp.MustCompile(`(\d+)\s*元`)
	labelPlaces = regexp.MustCompile(`第\s*(\d+)\s*(?:[-－–~～至到]\s*(\d+)\s*)?名`)
)

// labelMismatch says how a tier's label contradicts its amount or places
// ("300元奖励" left in a file whose tier now pays 200), "" when it does not:
// the label is what the whole town reads, the numbers are what is paid.
func labelMismatch(t Tier, from int) string {
	for _, m := range labelYuan.FindAllStringSubmatch(t.Label, -1) {
		if n, _ := strconv.Atoi(m[1]); n != t.Yuan {
			return fmt.Sprintf("显示名写的是「%s」，但 yuan 是 %d / the label says %s but yuan is %d", m[0], t.Yuan, m[0], t.Yuan)
		}
	}
	for _, m := range labelPlaces.FindAllStringSubmatch(t.Label, -1) {
		a, _ := strconv.Atoi(m[1])
		b := a
		if m[2] != "" {
			b, _ = strconv.Atoi(m[2])
		}
		if a != from || b != t.ToPlace {
			return fmt.Sprintf("显示名写的是「%s」，但这一档是第%d-%d名 / the label says %s but the tier is places %d-%d",
				m[0], from, t.ToPlace, m[0], from, t.ToPlace)
		}
	}
	return ""
}
