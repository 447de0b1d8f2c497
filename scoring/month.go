package scoring

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"gridbot"
)

// MonthResult is a month's points and ranking as at an instant. Published
// months are stored as this JSON and never recomputed, so Quarter and Year
// read nothing from it that does not survive JSON.
type MonthResult struct {
	Month   string         `json:"month"`
	AsAt    time.Time      `json:"as_at"`
	Members []MemberResult `json:"members"`
	Grids   []GridMonth    `json:"grids"`
	// Ended says the month is over as at AsAt: its month-end conditions are
	// decided. Before, Total and Items are the month as if it ended at AsAt
	// (settle --at), and each member's parts (live.go) say what is certain.
	Ended bool `json:"month_ended"`
	// BaseComplete says every member's base points of the month are
	// imported; until then live places leave base points out for everyone.
	BaseComplete bool `json:"base_points_complete"`
	// NotStarted says the month ended before the town's first record: it
	// was not scored (no one is booked −15 for work never recorded here),
	// and quarters and years leave it out.
	NotStarted bool `json:"not_started,omitempty"`
}

// MemberResult is one ranked person's month: the itemized points, the
// eligibility and what is still missing, and the place.
type MemberResult struct {
	UserID        string       `json:"userid"`
	Name          string       `json:"name"`
	GridID        int64        `json:"grid_id"`
	Grid          string       `json:"grid"`
	Village       string       `json:"village"`
	Role          gridbot.Role `json:"role"`
	CheckinDays   int          `json:"checkin_days"`
	Total         float64      `json:"total"`
	Eligible      bool         `json:"eligible"`
	Rank          *int         `json:"rank"`
	Tier          string       `json:"tier"`
	RewardYuan    int          `json:"reward_yuan"`
	Tie           bool         `json:"tie"`
	IssuesClosed  int          `json:"issues_closed"`
	Activities    int          `json:"activities"`
	MissingDays   int          `json:"missing_days"`
	MissingPoints float64      `json:"missing_points"`
	// Excluded is why the office kept the member out of the month's ranking
	// (取消排名, 综合表现): no place, no tier, whatever the points; "" when not.
	Excluded string `json:"excluded,omitempty"`
	Items    []Item `json:"items"`
	Live
}

// Item is one line of a breakdown: the rule, its points and the record it came from.
type Item struct {
	Rule   string  `json:"rule"`
	Name   string  `json:"name"` // the rule's Chinese name
	Points float64 `json:"points"`
	Ref    string  `json:"ref"`            // "问题#12", "打卡 22 天", "报道#3" ...
	Date   string  `json:"date"`           // "2026-10-03"; "" for monthly items
	Note   string  `json:"note,omitempty"` // an adjustment's category and reason
	// MonthEnd marks an item of a month-end condition booked as if the
	// month ended at the result's instant, before it did: not certain yet.
	MonthEnd bool  `json:"month_end,omitempty"`
	seq      int64 // the record's number, to order items of one day
	ord      int   // the rule's place in a breakdown (itemOrder)
}

// GridMonth is a grid's month: its counts and its operation index.
type GridMonth struct {
	GridID       int64      `json:"grid_id"`
	Grid         string     `json:"grid"`
	Village      string     `json:"village"`
	Members      int        `json:"members"`
	IssuesClosed int        `json:"issues_closed"`
	Activities   int        `json:"activities"`
	CheckinDays  int        `json:"checkin_days"` // summed over its members
	Index        float64    `json:"index"`
	Parts        IndexParts `json:"index_parts"`
}

// monthRun is the working state of one Month call.
type monthRun struct {
	f     *gridbot.Facts
	r     *Rules
	w     window
	month string
	days  int // calendar days of the month
	ro    *roster
	accs  map[string]*memberAcc
	grids map[int64]*gridAcc
	// members holds, by grid, its ranked memberships of people in the month
	// with their accumulators: what an overdue mark costs (penalize).
	members map[int64][]gridMember
	text    texts
}

// memberAcc accumulates one person's month.
type memberAcc struct {
	MemberResult
	dayBits uint32 // bit d-1 set when checked in on day d
	delibs  int    // deliberations booked (R-DELIB's monthly cap)
	hasBase bool   // the month's base points are imported
	base    float64
}

// gridAcc accumulates one grid's month for the index.
type gridAcc struct {
	GridMonth
	dispatchDue, dispatchOnTime int
	closedOnTime                int
	ratingSum                   float64
	ratings                     int
	officeSum                   float64
	issuesRef, actsRef          string // R-GRID-ISSUES's and R-GRID-ACTS's, made once a grid
}

// Month computes the month ("2026-10") as at at: facts that happened or were
// recorded after at are ignored, and a deadline not yet passed at at books
// nothing. A zero at means no cut-off. An invalid month gives an empty result;
// check it first with MonthBounds.
func Month(f *gridbot.Facts, r *Rules, month string, at time.Time) *MonthResult {
	res := &MonthResult{Month: month, AsAt: at, Members: []MemberResult{}, Grids: []GridMonth{}}
	start, end, err := MonthBounds(month)
	if err != nil {
		return res
	}
	// The run reads its own copy of f, and drops each kind of fact from it
	// once booked: a big town's month is hundreds of MB, which the collector
	// can then have while the rest is scored (when the caller keeps f no
	// longer, as results does). f itself is left as it was.
	facts := *f
	m := &monthRun{f: &facts, r: r, w: newWindow(start, end, at), month: month,
		days: end.AddDate(0, 0, -1).Day(), ro: newRoster(f), text: newTexts(r)}
	m.collect()
	m.checkins()
	facts.Checkins, facts.CheckinDays = nil, nil
	m.activities()
	facts.Activities = nil
	m.issues()
	facts.Issues = nil
	m.deliberations()
	m.publicity()
	m.adjustments()
	rBase(m)
	for _, a := range m.accs {
		rAttendance(m, a)
		rGridIssues(m, a)
		rGridActs(m, a)
	}
	m.f = nil
	m.finish(res)
	return res
}

// collect finds who is in the month: everyone with a member or leader
// membership overlapping it (up to at). Their grid and role are those of the
// membership at the end of the month, or the last one when they left earlier.
func (m *monthRun) collect() {
	last := m.ro.lastIn(m.w.start, m.w.stop())
	m.accs = make(map[string]*memberAcc, len(last))
	m.grids = make(map[int64]*gridAcc, len(m.f.Grids))
	for i := range m.f.Grids {
		m.grid(m.f.Grids[i].ID)
	}
	accs, i := make([]memberAcc, len(last)), 0 // one allocation for them all
	for u, ms := range last {
		a := &accs[i]
		i++
		a.MemberResult = MemberResult{UserID: u, Name: m.ro.name(u), GridID: ms.GridID,
			Role: ms.Role, Tier: TierNone, Items: make([]Item, 0, 8)}
		a.Grid, a.Village = m.ro.gridNames(ms.GridID)
		m.accs[u] = a
		m.grid(ms.GridID).Members++
	}
	n := 0
	for _, ms := range m.ro.byGrid {
		n += len(ms)
	}
	members := make([]gridMember, 0, n)
	m.members = make(map[int64][]gridMember, len(m.ro.byGrid))
	for id, ms := range m.ro.byGrid {
		first := len(members)
		for _, x := range ms {
			if a := m.accs[x.UserID]; a != nil {
				members = append(members, gridMember{x, a})
			}
		}
		m.members[id] = members[first:len(members):len(members)]
	}
}

// grid returns the accumulator of a grid, creating it.
func (m *monthRun) grid(id int64) *gridAcc {
	g := m.grids[id]
	if g == nil {
		g = &gridAcc{GridMonth: GridMonth{GridID: id}}
		g.Grid, g.Village = m.ro.gridNames(id)
		m.grids[id] = g
	}
	return g
}

// checkins counts each person's distinct check-in days of the month, from
// the check-ins and from the months of days the store gives instead. As at
// an instant inside the month, a check-in counts when it happened and was
// recorded by then; as at the month's end or later, every one counts. Months
// of days were read up to that instant (gridbot.CheckinMonth), so then only
// the Late ones, recorded after it, are left out — and all of them as at an
// instant before the month.
func (m *monthRun) checkins() {
	cut := m.w.at.Before(m.w.end)
	before := m.w.at.Before(m.w.start)
	for i := range m.f.CheckinDays {
		c := &m.f.CheckinDays[i]
		if c.Month != m.month || (cut && (c.Late || before)) {
			continue
		}
		if a := m.accs[c.UserID]; a != nil {
			a.dayBits |= c.Days & (1<<m.days - 1)
		}
	}
	for i := range m.f.Checkins {
		c := &m.f.Checkins[i]
		if len(c.Day) != 10 || c.Day[:7] != m.month {
			continue
		}
		a := m.accs[c.UserID]
		if a == nil {
			continue
		}
		if cut && !m.w.known(c.Record) {
			continue
		}
		if cut && !c.At.IsZero() && c.At.After(m.w.at) {
			continue
		}
		d := int(c.Day[8]-'0')*10 + int(c.Day[9]-'0')
		if cut && c.At.IsZero() && !m.w.has(m.w.start.AddDate(0, 0, d-1)) {
			continue
		}
		if d >= 1 && d <= 31 {
			a.dayBits |= 1 << (d - 1)
		}
	}
	for _, a := range m.accs {
		a.CheckinDays = popcount(a.dayBits)
		m.grid(a.GridID).CheckinDays += a.CheckinDays
	}
}

func popcount(x uint32) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// activities counts the grids' collective activities and each participant's
// (R-RANK-TIE; a leader takes part in what the leader records). It takes
// them grid by grid, as issues does, and for the same reason.
func (m *monthRun) activities() {
	var buf [16]*memberAcc
	for _, i := range gridOrder(len(m.f.Activities), func(i int) int64 { return m.f.Activities[i].GridID }) {
		act := &m.f.Activities[i]
		if !m.w.seen(act.At, act.Record) || !rActCat(act.Category) {
			continue
		}
		m.grid(act.GridID).Activities++
		for _, a := range m.participants(act.GridID, act.Leader, act.Participants, buf[:0]) {
			a.Activities++
			nativeActivity(m, a, act)
		}
	}
}

// rActCat is R-ACT-CAT: a collective activity counts only in one of the five
// categories (its two-character short form is accepted too).
func rActCat(category string) bool { return activityCategories[category] }

// activityCategories holds the five categories and their short forms.
var activityCategories = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range gridbot.ActivityCategories {
		m[c], m[string([]rune(c)[:2])] = true, true
	}
	return m
}()

// book adds an item to a member's breakdown; it takes the place of its rule
// unless it has it already (items booked to many).
func (a *memberAcc) book(it Item) {
	if it.ord == 0 {
		it.ord = itemOrder[it.Rule]
	}
	a.Items = append(a.Items, it)
}

// compareItems orders a breakdown: by the rule's place, then by date, then
// by the record's number.
func compareItems(x, y *Item) int {
	if x.ord != y.ord {
		return cmp.Compare(x.ord, y.ord)
	}
	if x.Date != y.Date {
		return strings.Compare(x.Date, y.Date)
	}
	return cmp.Compare(x.seq, y.seq)
}

// finish totals, ranks and sorts the month into res.
func (m *monthRun) finish(res *MonthResult) {
	list := make([]*memberAcc, 0, len(m.accs))
	var sorter itemSorter
	for _, a := range m.accs {
		sorter.sort(a.Items)
		sum := 0.0
		for i := range a.Items {
			a.Items[i].Points = round2(a.Items[i].Points)
			sum += a.Items[i].Points
		}
		a.Total = round2(sum)
		m.parts(a)
		rRankElig(m.r, &a.MemberResult)
		list = append(list, a)
	}
	rankMonth(m.r, list)
	sortRanked(list)
	res.Members = make([]MemberResult, 0, len(list))
	for _, a := range list {
		res.Members = append(res.Members, a.MemberResult)
	}
	res.Ended = m.ended()
	finishLive(m.r, res)
	res.Grids = make([]GridMonth, 0, len(m.grids))
	for _, g := range m.grids {
		if g.GridID == 0 {
			continue
		}
		monthIndex(m, g)
		res.Grids = append(res.Grids, g.GridMonth)
	}
	slices.SortFunc(res.Grids, func(x, y GridMonth) int {
		if c := strings.Compare(x.Village, y.Village); c != 0 {
			return c
		}
		if c := strings.Compare(x.Grid, y.Grid); c != 0 {
			return c
		}
		return cmp.Compare(x.GridID, y.GridID)
	})
}
