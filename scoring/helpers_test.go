package scoring

import (
	"fmt"
	"math"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
)

// ts parses "2026-10-03 08:00" in the scheme's zone.
var ts = testkit.At

// town builds Facts for tests with small constructors.
type town struct {
	f  gridbot.Facts
	id int64
	no int64
}

func newTown() *town { return &town{f: gridbot.Facts{Town: gridbot.Town{ID: 1, Name: "滨海镇"}}} }

func (t *town) next() int64 { t.id++; return t.id }

// village adds a village and returns its id.
func (t *town) village(name string) int64 {
	id := t.next()
	t.f.Villages = append(t.f.Villages, gridbot.Village{ID: id, TownID: 1, Name: name})
	return id
}

// grid adds a grid of village v and returns its id.
func (t *town) grid(v int64, name string) int64 {
	id := t.next()
	var vname string
	for _, x := range t.f.Villages {
		if x.ID == v {
			vname = x.Name
		}
	}
	t.f.Grids = append(t.f.Grids, gridbot.Grid{ID: id, TownID: 1, VillageID: v, Name: name, Village: vname})
	return id
}

// person adds someone in grid g with role from "since always".
func (t *town) person(uid string, role gridbot.Role, g int64) {
	t.personFrom(uid, role, g, time.Time{})
}

// personFrom adds someone who joined at from (zero: since always).
func (t *town) personFrom(uid string, role gridbot.Role, g int64, from time.Time) {
	id := t.next()
	t.f.People = append(t.f.People, gridbot.Person{ID: id, TownID: 1, UserID: uid, Name: "名" + uid, Role: role,
		GridID: g, Active: true})
	t.f.Memberships = append(t.f.Memberships, gridbot.Membership{PersonID: id, UserID: uid, GridID: g, Role: role, From: from})
}

// party marks a person as a party member.
func (t *town) party(uid string) {
	for i := range t.f.People {
		if t.f.People[i].UserID == uid {
			t.f.People[i].Party = true
		}
	}
}

// move closes uid's open membership at at and opens one in grid g with role
// (g 0: the person left).
func (t *town) move(uid string, g int64, role gridbot.Role, at time.Time) {
	var pid int64
	for i := range t.f.Memberships {
		m := &t.f.Memberships[i]
		if m.UserID == uid && m.To.IsZero() {
			m.To, pid = at, m.PersonID
		}
	}
	if g != 0 {
		t.f.Memberships = append(t.f.Memberships, gridbot.Membership{PersonID: pid, UserID: uid, GridID: g, Role: role, From: at})
	}
}

// checkins adds check-ins of uid at 08:00 on the given days of month.
func (t *town) checkins(uid, month string, days ...int) {
	for _, d := range days {
		day := fmt.Sprintf("%s-%02d", month, d)
		at := ts(day + " 08:00")
		t.f.Checkins = append(t.f.Checkins, gridbot.Checkin{ID: t.next(), TownID: 1, UserID: uid, Day: day, At: at,
			Source: gridbot.SourceChat, Record: gridbot.Record{RecordedBy: uid, RecordedAt: at}})
	}
}

// checkinRange checks uid in on days from..to of month.
func (t *town) checkinRange(uid, month string, from, to int) {
	for d := from; d <= to; d++ {
		t.checkins(uid, month, d)
	}
}

func rec(by string, at time.Time) gridbot.Record {
	return gridbot.Record{RecordedBy: by, RecordedAt: at}
}

// activity adds a collective activity of grid g recorded by leader.
func (t *town) activity(g int64, leader string, at time.Time, participants ...string) {
	t.f.Activities = append(t.f.Activities, gridbot.Activity{ID: t.next(), TownID: 1, GridID: g,
		Category: gridbot.ActivityCategories[0], Content: "走访", Leader: leader,
		Participants: append([]string{leader}, participants...), At: at, Record: rec(leader, at)})
}

// issue adds an issue of grid g and returns a pointer valid until the next issue is added.
func (t *town) issue(g int64, reporter string, reported time.Time) *gridbot.Issue {
	t.no++
	t.f.Issues = append(t.f.Issues, gridbot.Issue{ID: t.next(), TownID: 1, No: t.no, GridID: g,
		Description: "路灯坏了", ReportedBy: reporter, ReportedAt: reported, Record: rec(reporter, reported)})
	return &t.f.Issues[len(t.f.Issues)-1]
}

// closedIssue adds an issue dispatched an hour after its report to assignee
// and closed at closed.
func (t *town) closedIssue(g int64, assignee string, reported, closed time.Time) *gridbot.Issue {
	is := t.issue(g, assignee, reported)
	is.Assignee, is.DispatchedAt = assignee, reported.Add(time.Hour)
	is.ClosedBy, is.ClosedAt, is.Result = assignee, closed, "已修"
	return is
}

// healthy gives grid g five closed issues and two activities in month, so
// that no grid penalty applies.
func (t *town) healthy(g int64, leader, month string) {
	for i := 1; i <= 5; i++ {
		day := ts(fmt.Sprintf("%s-%02d 09:00", month, i))
		t.closedIssue(g, "", day, day.Add(3*time.Hour))
	}
	t.activity(g, leader, ts(month+"-03 10:00"))
	t.activity(g, leader, ts(month+"-04 10:00"))
}

// delib adds a deliberation; confirmed zero means unconfirmed.
func (t *town) delib(g int64, leader string, at, confirmed time.Time, participants ...string) {
	t.no++
	d := gridbot.Deliberation{ID: t.next(), TownID: 1, No: t.no, GridID: g, Minutes: "议环境卫生", Leader: leader,
		Participants: append([]string{leader}, participants...), At: at, Record: rec(leader, at)}
	if !confirmed.IsZero() {
		d.ConfirmedBy, d.ConfirmedAt = "O1", confirmed
	}
	t.f.Deliberations = append(t.f.Deliberations, d)
}

func (t *town) pub(level string, comprehensive bool, at time.Time, involved ...string) {
	t.no++
	t.f.Publicity = append(t.f.Publicity, gridbot.Publicity{ID: t.next(), TownID: 1, No: t.no, Level: level,
		Comprehensive: comprehensive, Title: "报道", Involved: involved, At: at, Record: rec("O1", at)})
}

func (t *town) photo(count int, at time.Time, involved ...string) {
	t.no++
	t.f.Photos = append(t.f.Photos, gridbot.Photo{ID: t.next(), TownID: 1, No: t.no, Count: count,
		Involved: involved, At: at, Record: rec("O1", at)})
}

func (t *town) story(v int64, village string, at time.Time) {
	t.no++
	t.f.Stories = append(t.f.Stories, gridbot.Story{ID: t.next(), TownID: 1, No: t.no, VillageID: v,
		Village: village, Title: "小故事", At: at, Record: rec("O1", at)})
}

func (t *town) adj(uid string, points float64, category string, at time.Time) int64 {
	id := t.next()
	t.f.Adjustments = append(t.f.Adjustments, gridbot.Adjustment{ID: id, TownID: 1, UserID: uid, Points: points,
		Reason: "理由", Category: category, At: at, Record: rec("O1", at)})
	return id
}

func (t *town) base(uid, month string, points float64) {
	t.f.BasePoints = append(t.f.BasePoints, gridbot.BasePoint{UserID: uid, Month: month, Points: points})
}

// month settles month with the default rules and no cut-off.
func (t *town) month(month string) *MonthResult {
	return Month(&t.f, DefaultRules(), month, time.Time{})
}

// member finds uid in a month result.
func member(t *testing.T, res *MonthResult, uid string) MemberResult {
	t.Helper()
	for _, m := range res.Members {
		if m.UserID == uid {
			return m
		}
	}
	t.Fatalf("%s not in %s", uid, res.Month)
	return MemberResult{}
}

// hasMember reports whether uid is in a month result.
func hasMember(res *MonthResult, uid string) bool {
	for _, m := range res.Members {
		if m.UserID == uid {
			return true
		}
	}
	return false
}

// items returns the items of one rule.
func items(mr MemberResult, rule string) []Item {
	var out []Item
	for _, it := range mr.Items {
		if it.Rule == rule {
			out = append(out, it)
		}
	}
	return out
}

// rulePoints sums the points of one rule.
func rulePoints(mr MemberResult, rule string) float64 {
	s := 0.0
	for _, it := range items(mr, rule) {
		s += it.Points
	}
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.005 }

func rankOf(mr MemberResult) int {
	if mr.Rank == nil {
		return 0
	}
	return *mr.Rank
}

func itoa64(n int64) string { return fmt.Sprint(n) }
