// Package scoring is the rules engine of the points scheme: pure functions from
// recorded facts (gridbot.Facts) and a Rules value to itemized points,
// rankings, tiers, awards and the grid operation index (网格运行指数).
//
// Nothing here touches a database, a clock, a file or the network: time comes
// in as the "as at" instant, and the default rules file is embedded. Every
// rule of /spec/rules.md has a function named after its rule ID (rAttFull for
// R-ATT-FULL, rGridIssues for R-GRID-ISSUES ...), so the code reads like the
// scheme.
package scoring

import (
	_ "embed"
	"fmt"
	"time"

	"gridbot"
)

//go:embed rules/binhai-2020.yaml
var binhai2020 []byte

// DefaultRules returns the 2020 Binhai scheme, parsed from the embedded rules
// file. Each call returns a fresh value the caller may change.
func DefaultRules() *Rules {
	r, err := ParseRules(binhai2020)
	if err != nil {
		// The embedded file is tested; failing here is a build defect.
		panic("scoring: embedded rules file: " + err.Error())
	}
	return r
}

// Rules is a town's points scheme for a year: every number and every choice
// the scheme leaves to the office. The YAML keys are the contract of the rules
// file; ParseRules refuses unknown and missing keys.
type Rules struct {
	Name          string        `yaml:"name"`
	CheckinWindow CheckinWindow `yaml:"checkin_window"`
	Monthly       Monthly       `yaml:"monthly"`
	Publicity     Publicity     `yaml:"publicity"`
	Ranking       Ranking       `yaml:"ranking"`
	Quarterly     Quarterly     `yaml:"quarterly"`
	Yearly        Yearly        `yaml:"yearly"`
	Index         IndexRules    `yaml:"index"`
	// Notices may be left out whole (DefaultNotices); when there, it is complete.
	Notices Notices `yaml:"notices"`
}

// CheckinWindow is the morning window in which 打卡 is accepted, "HH:MM" in Zone.
type CheckinWindow struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

// Monthly holds the rules of a member's monthly points (七、积分管理办法).
type Monthly struct {
	Base         Base         `yaml:"base"`
	Attendance   Attendance   `yaml:"attendance"`
	Deliberation Deliberation `yaml:"deliberation"`
	Grid         GridRules    `yaml:"grid"`
	Overdue      Overdue      `yaml:"overdue"`
}

// Base holds R-BASE: the imported platform points are always counted; Native
// adds points per recorded action (all 0 in 2020).
type Base struct {
	Native Native `yaml:"native"`
}

// Native are per-action base points.
type Native struct {
	Checkin       float64 `yaml:"checkin"`        // per check-in day
	Activity      float64 `yaml:"activity"`       // per collective activity taken part in
	IssueReported float64 `yaml:"issue_reported"` // per issue reported
	IssueClosed   float64 `yaml:"issue_closed"`   // per issue assigned to the member and closed
}

// Attendance holds R-ATT-FULL, R-ATT-20 and R-ATT-LOW.
type Attendance struct {
	FullPoints float64 `yaml:"full_points"`
	ManyDays   int     `yaml:"many_days"`
	ManyPoints float64 `yaml:"many_points"`
	FewDays    int     `yaml:"few_days"`
	FewPoints  float64 `yaml:"few_points"`
}

// Deliberation holds R-DELIB.
type Deliberation struct {
	Points      float64 `yaml:"points"`
	MaxPerMonth int     `yaml:"max_per_month"`
}

// GridRules holds R-GRID-ISSUES and R-GRID-ACTS.
type GridRules struct {
	MinIssuesClosed  int     `yaml:"min_issues_closed"`
	IssuesPoints     float64 `yaml:"issues_points"`
	MinActivities    int     `yaml:"min_activities"`
	ActivitiesPoints float64 `yaml:"activities_points"`
}

// Overdue holds R-OVERDUE-24H, R-OVERDUE-7D and the optional closing target
// (R-OVERDUE-CLOSE, off in 2020).
type Overdue struct {
	DispatchHours      int     `yaml:"dispatch_hours"`
	DispatchPoints     float64 `yaml:"dispatch_points"`
	DispatchLateDays   int     `yaml:"dispatch_late_days"`
	DispatchLatePoints float64 `yaml:"dispatch_late_points"`
	CloseDays          int     `yaml:"close_days"`
	ClosePenalty       bool    `yaml:"close_penalty"`
	ClosePoints        float64 `yaml:"close_points"`
}

// Publicity holds the points (R-PUB-*) and cash (R-Q-PUB-CASH) per level, and
// photos and stories (R-Q-PHOTO, R-Q-STORY, R-STORY-VILLAGE).
type Publicity struct {
	Town               Level   `yaml:"town"`
	County             Level   `yaml:"county"`
	City               Level   `yaml:"city"`
	Province           Level   `yaml:"province"`
	PhotoYuan          int     `yaml:"photo_yuan"`
	StoryYuan          int     `yaml:"story_yuan"`
	StoryVillagePoints float64 `yaml:"story_village_points"`
}

// Level is one publicity level: points per article to each member involved,
// cash per article to their grid teams, and the factor applied to both for a
// comprehensive (综合性) report.
type Level struct {
	Points        float64 `yaml:"points"`
	Yuan          int     `yaml:"yuan"`
	Comprehensive float64 `yaml:"comprehensive"`
}

// Ranking holds R-RANK-ELIG, R-RANK-TIER and R-RANK-TIE.
type Ranking struct {
	MinPoints      float64  `yaml:"min_points"`
	MinCheckinDays int      `yaml:"min_checkin_days"`
	Tiers          []Tier   `yaml:"tiers"`
	TieBreak       []string `yaml:"tie_break"`
}

// Tier is a band of places: from the place after the previous tier's ToPlace
// up to ToPlace. The first tier is 月度网格之星 (R-Y-PARTY counts it).
type Tier struct {
	Name string `yaml:"name"` // "star", "300", "100": the tier in results and the payout kind
	// Label is what people read (chat, tables, announcements, sheets); the
	// only optional key of a rules file. Empty: package present words the
	// tier from its places ("第6-20名").
	Label   string `yaml:"label,omitempty"`
	ToPlace int    `yaml:"to_place"`
	Yuan    int    `yaml:"yuan"`
}

// Tie-break keys of R-RANK-TIE.
const (
	TieCheckinDays  = "checkin_days"
	TieIssuesClosed = "issues_closed"
	TieActivities   = "activities"
)

// Quarterly holds R-Q-TEAM.
type Quarterly struct {
	Team Team `yaml:"team"`
}

// Team score modes of R-Q-TEAM.
const (
	TeamScoreMean  = "mean"
	TeamScoreIndex = "index"
)

// Team holds R-Q-TEAM: how the team score is taken and the award.
type Team struct {
	Score     string `yaml:"score"` // TeamScoreMean or TeamScoreIndex
	Winners   int    `yaml:"winners"`
	AwardYuan int    `yaml:"award_yuan"`
}

// Yearly holds the R-Y-* rules.
type Yearly struct {
	Villages              Villages `yaml:"villages"`
	Leaders               Award    `yaml:"leaders"`
	Members               Award    `yaml:"members"`
	PartyConsecutiveStars int      `yaml:"party_consecutive_stars"`
}

// Villages holds R-Y-VILLAGE-TOP and R-Y-VILLAGE-BOTTOM.
type Villages struct {
	Winners        int     `yaml:"winners"`
	AwardYuan      int     `yaml:"award_yuan"`
	BottomFraction float64 `yaml:"bottom_fraction"`
}

// Award is a yearly award for the top Winners. The minimums are optional
// (0: none): in a small town every leader would otherwise be "top 15".
type Award struct {
	Winners   int `yaml:"winners"`
	AwardYuan int `yaml:"award_yuan"`
	// MinPoints is the least annual points a candidate needs.
	MinPoints float64 `yaml:"min_points,omitempty"`
	// MinCheckinMonths is the least number of months of the year in which
	// the candidate reached ranking.min_checkin_days check-in days.
	MinCheckinMonths int `yaml:"min_checkin_months,omitempty"`
}

// IndexRules holds the weights and targets of the grid operation index.
type IndexRules struct {
	Weights          Weights  `yaml:"weights"`
	Targets          Targets  `yaml:"targets"`
	Ratings          Ratings  `yaml:"ratings"`
	OfficeCategories []string `yaml:"office_categories"`
}

// Weights of the parts of the grid operation index; they add up to 1.
type Weights struct {
	CheckinRate  float64 `yaml:"checkin_rate"`
	Activities   float64 `yaml:"activities"`
	IssuesClosed float64 `yaml:"issues_closed"`
	OnTime       float64 `yaml:"on_time"`
	Satisfaction float64 `yaml:"satisfaction"`
	Office       float64 `yaml:"office"`
}

// Targets are the monthly counts at which a grid scores 100 on a part.
type Targets struct {
	ActivitiesPerMonth   int `yaml:"activities_per_month"`
	IssuesClosedPerMonth int `yaml:"issues_closed_per_month"`
}

// Ratings are the scores (0–100) of the three satisfaction ratings.
type Ratings struct {
	Satisfied   float64 `yaml:"satisfied"`
	Basic       float64 `yaml:"basic"`
	Unsatisfied float64 `yaml:"unsatisfied"`
}

// CheckinOpen reports whether a check-in at t falls inside the morning window.
func (r *Rules) CheckinOpen(t time.Time) bool {
	from, to := r.window()
	t = t.In(gridbot.Zone)
	d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
	return d >= from && d < to
}

// DispatchDeadline is the 24-hour mark of an issue reported at reported (R-OVERDUE-24H).
func (r *Rules) DispatchDeadline(reported time.Time) time.Time {
	return reported.Add(time.Duration(r.Monthly.Overdue.DispatchHours) * time.Hour)
}

// DispatchLateDeadline is the 7-day mark of an issue (R-OVERDUE-7D).
func (r *Rules) DispatchLateDeadline(reported time.Time) time.Time {
	return reported.Add(time.Duration(r.Monthly.Overdue.DispatchLateDays) * 24 * time.Hour)
}

// CloseDeadline is the closing target of an issue ("一般7日内办结"), counted from its report.
func (r *Rules) CloseDeadline(reported time.Time) time.Time {
	return reported.Add(time.Duration(r.Monthly.Overdue.CloseDays) * 24 * time.Hour)
}

// MaxDeadlineDays bounds the deadlines of a rules file (dispatch_late_days,
// close_days, and so dispatch_hours): settling a period reads every issue
// reported that far before it (IssueLookback), and a deadline of months is a
// typo, not a scheme.
const MaxDeadlineDays = 60

// IssueLookback is how far before a period settling must read the issues
// reported: the longest deadline in force (dispatch_hours,
// dispatch_late_days, close_days), whose mark can pass inside the period for
// an issue reported that long before it, and one more day for the edges.
// With the 2020 rules, 8 days.
func (r *Rules) IssueLookback() time.Duration {
	o := r.Monthly.Overdue
	longest := max(time.Duration(o.DispatchHours)*time.Hour,
		time.Duration(o.DispatchLateDays)*24*time.Hour, time.Duration(o.CloseDays)*24*time.Hour)
	return longest + 24*time.Hour
}

// window returns the check-in window as offsets from midnight. The strings
// were validated by ParseRules.
func (r *Rules) window() (from, to time.Duration) {
	f, _ := parseClock(r.CheckinWindow.From)
	t, _ := parseClock(r.CheckinWindow.To)
	return f, t
}

// parseClock parses "HH:MM" (24:00 allowed as the end of the day).
func parseClock(s string) (time.Duration, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || n != 2 || len(s) != 5 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// tierFor returns the tier of an eligible member at place (1-based), or "none".
func (r *Rules) tierFor(place int) (name string, yuan int) {
	for _, t := range r.Ranking.Tiers {
		if place <= t.ToPlace {
			return t.Name, t.Yuan
		}
	}
	return TierNone, 0
}

// starTier is the name of the first tier, 月度网格之星.
func (r *Rules) starTier() string {
	if len(r.Ranking.Tiers) == 0 {
		return ""
	}
	return r.Ranking.Tiers[0].Name
}

// TierNone is the tier of a member outside every tier, or not eligible.
const TierNone = "none"
